//! Periods closed to submissions (after the annual review).

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "period_lock")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub period: String,
    pub locked_by: String,
    pub locked_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
