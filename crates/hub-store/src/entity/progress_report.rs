//! Progress reports of task forces to the RCP.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "progress_report")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub task_force_id: i64,
    pub period: String,
    /// `GREEN`, `AMBER` or `RED`.
    pub rating: String,
    #[sea_orm(column_type = "Text")]
    pub summary: String,
    pub reported_by: String,
    pub reported_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
