//! Members of task forces.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "task_force_member")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub task_force_id: i64,
    pub agency: String,
    pub name: String,
    pub role: String,
    pub alternate_name: Option<String>,
}

impl ActiveModelBehavior for ActiveModel {}
