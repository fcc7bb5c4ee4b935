//! One row per (country, period) of KPI reports and (country, cycle) of BOS: which revision is
//! current. Locking it serialises concurrent revisions of the same slice.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "document_slice")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub slice_key: String,
    pub document_type: String,
    pub country: String,
    pub period: Option<String>,
    pub cycle_start: Option<i32>,
    pub cycle_end: Option<i32>,
    pub current_submission_id: Option<i64>,
    pub current_revision: Option<i32>,
    pub current_hash: Option<String>,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
