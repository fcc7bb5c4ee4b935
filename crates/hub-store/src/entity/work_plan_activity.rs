//! Activities of the current content of a work plan.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "work_plan_activity")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub work_plan_id: i64,
    pub position: i32,
    pub code: String,
    pub title: String,
    pub service_line: String,
    pub task_force: Option<String>,
    pub lead_agency: String,
    /// `;`-separated agency codes.
    #[sea_orm(column_type = "Text")]
    pub participating_agencies: String,
    /// Exact decimal text.
    pub required: String,
    pub available: String,
    pub start_quarter: String,
    pub end_quarter: String,
    /// JSON list of KPI targets.
    #[sea_orm(column_type = "Text")]
    pub kpi_targets: String,
    pub status: String,
    pub progress: i32,
}

impl ActiveModelBehavior for ActiveModel {}
