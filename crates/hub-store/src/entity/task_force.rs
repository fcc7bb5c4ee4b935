//! Task forces of the ROMT.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "task_force")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub code: String,
    pub name: String,
    #[sea_orm(column_type = "Text")]
    pub purpose: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub tor_text: Option<String>,
    pub tor_approved_on: Option<String>,
    pub chair_agency: String,
    pub co_chair_agency: String,
    pub start_date: String,
    pub end_date: String,
    /// `ACTIVE` or `CLOSED`.
    pub status: String,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
