//! Deliverables of task forces.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "deliverable")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub task_force_id: i64,
    pub title: String,
    pub due_date: String,
    /// `PLANNED`, `IN_PROGRESS` or `DONE`.
    pub status: String,
    /// Percent, 0 to 100.
    pub progress: i32,
    pub activity_code: Option<String>,
}

impl ActiveModelBehavior for ActiveModel {}
