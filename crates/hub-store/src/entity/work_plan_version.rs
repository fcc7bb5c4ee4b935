//! A snapshot of a work plan at each version.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "work_plan_version")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub work_plan_id: i64,
    pub version: i32,
    pub status: String,
    #[sea_orm(column_type = "Text")]
    pub snapshot: String,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
