//! Chairmanship history of task forces.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "task_force_chair")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub task_force_id: i64,
    pub chair_agency: String,
    pub co_chair_agency: String,
    pub from_date: String,
    pub to_date: Option<String>,
}

impl ActiveModelBehavior for ActiveModel {}
