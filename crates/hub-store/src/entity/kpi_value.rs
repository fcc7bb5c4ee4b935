//! Stored KPI values with full lineage: what was reported, the mapping and rate applied, where
//! it came from. Superseded values stay (`is_current = false`).

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "kpi_value")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub submission_id: i64,
    pub country: String,
    pub period: String,
    pub revision: i32,
    pub received_at: DateTimeUtc,
    pub is_current: bool,
    /// JSON pointer of the value in its document.
    pub pointer: String,
    /// Regional KPI code.
    pub kpi: String,
    /// The code as the document wrote it (regional or local).
    pub reported_kpi: String,
    pub common_service: Option<String>,
    pub service_line: Option<String>,
    /// Harmonized value in the KPI's unit (USD for money); `None` when no rate was found.
    pub value: Option<String>,
    /// The value as reported.
    pub reported_value: String,
    /// The document currency, for money values.
    pub currency: Option<String>,
    pub fx_rate: Option<String>,
    pub fx_month: Option<String>,
    pub baseline: Option<String>,
    pub target: Option<String>,
    pub denominator: Option<String>,
    pub classification: String,
    /// Comma-separated flags, e.g. `RATE_STALE`.
    pub flags: String,
    pub mapping_id: Option<i64>,
    pub mapping_version: Option<i32>,
    pub mapping_factor: Option<String>,
    pub mapping_offset: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub comment: Option<String>,
    /// Marked by ROMT or ADMIN for follow-up with the country team (`markFollowUp`).
    pub follow_up: bool,
}

impl ActiveModelBehavior for ActiveModel {}
