//! One pull of one source.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sync_run")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub source_id: i64,
    /// `SCHEDULE` or `MANUAL`.
    pub trigger: String,
    pub replica: String,
    pub started_at: DateTimeUtc,
    pub finished_at: DateTimeUtc,
    /// `SUCCESS`, `NOT_MODIFIED`, `PARTIAL`, `FAILED` or `SKIPPED`.
    pub outcome: String,
    pub pages: i32,
    pub accepted: i32,
    pub unchanged: i32,
    pub rejected: i32,
    pub http_status: Option<i32>,
    #[sea_orm(column_type = "Text", nullable)]
    pub error: Option<String>,
    /// JSON list of per-document problems.
    #[sea_orm(column_type = "Text")]
    pub document_errors: String,
}

impl ActiveModelBehavior for ActiveModel {}
