//! Accepted documents, every revision kept: the raw document, its receipt and its lineage.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "submission")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// `kpi-report` or `bos`.
    pub document_type: String,
    /// The slice this revision belongs to, e.g. `kpi-report/COL/2026-Q2`.
    pub slice_key: String,
    pub country: String,
    pub period: Option<String>,
    pub cycle_start: Option<i32>,
    pub cycle_end: Option<i32>,
    pub revision: i32,
    pub status: String,
    pub schema_version: String,
    /// SHA-256 of the canonical JSON of the document.
    pub content_hash: String,
    /// The document exactly as received.
    #[sea_orm(column_type = "Text")]
    pub raw_document: String,
    pub classification: String,
    pub currency: Option<String>,
    pub bos_status: Option<String>,
    pub signed_on: Option<String>,
    pub prepared_by_agency: Option<String>,
    /// `PUSH`, `PULL` or `SEED`.
    pub source_kind: String,
    pub source_id: Option<i64>,
    /// Token label or source name.
    pub source_name: String,
    /// The workbook a document was made from (DESIGN §14): its file name and SHA-256.
    pub workbook_name: Option<String>,
    pub workbook_sha256: Option<String>,
    pub received_at: DateTimeUtc,
    pub is_current: bool,
    pub superseded_by: Option<i64>,
    pub accepted_values: i32,
    pub rejected_values: i32,
    /// The receipt returned to the sender, as JSON.
    #[sea_orm(column_type = "Text")]
    pub receipt: String,
}

impl ActiveModelBehavior for ActiveModel {}
