//! RCP approvals of a submission of a work plan.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "work_plan_approval")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub work_plan_id: i64,
    /// Which submission of the plan it approves.
    pub submission_round: i32,
    pub agency: String,
    pub actor: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub comment: Option<String>,
    /// Cleared by a return.
    pub active: bool,
    pub at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
