//! Typed views of schema-valid documents.
//!
//! Codes, periods and numbers stay as the sender wrote them here; [`crate::check`] parses them
//! with a JSON pointer for every problem. Unknown fields (from a newer minor version) are
//! ignored.

use serde::Deserialize;
use serde_json::Number;

/// Who prepared a document.
#[derive(Debug, Clone, Deserialize)]
pub struct PreparedBy {
    pub agency: String,
    pub contact: Option<String>,
}

/// `kpi-report` (DESIGN §5.1).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KpiReport {
    pub schema_version: String,
    pub country: String,
    pub period: String,
    pub revision: i32,
    pub currency: String,
    pub classification: Option<String>,
    pub prepared_by: Option<PreparedBy>,
    #[serde(default)]
    pub common_services: Vec<ReportService>,
    pub values: Vec<ReportValue>,
}

/// A common service listed in a KPI report.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportService {
    pub id: String,
    pub name: String,
    pub service_line: String,
    pub lead_agency: String,
    #[serde(default)]
    pub client_agencies: Vec<String>,
    pub status: Option<String>,
}

/// One reported value.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportValue {
    pub kpi: String,
    pub common_service: Option<String>,
    pub value: Number,
    pub baseline: Option<Number>,
    pub target: Option<Number>,
    pub denominator: Option<Number>,
    pub comment: Option<String>,
    pub classification: Option<String>,
}

/// `bos` (DESIGN §5.2).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Bos {
    pub schema_version: String,
    pub country: String,
    pub revision: i32,
    pub cycle: Cycle,
    pub status: String,
    pub signed_on: Option<String>,
    pub currency: String,
    pub classification: Option<String>,
    pub prepared_by: Option<PreparedBy>,
    #[serde(default)]
    pub common_services: Vec<BosService>,
}

/// The years a BOS covers.
#[derive(Debug, Clone, Copy, Deserialize)]
pub struct Cycle {
    pub start: i32,
    pub end: i32,
}

/// A common service of a BOS, with its cost-benefit analysis and plans.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BosService {
    pub id: String,
    pub name: String,
    pub service_line: String,
    pub lead_agency: String,
    #[serde(default)]
    pub client_agencies: Vec<String>,
    pub modality: Option<String>,
    pub stock_take_action: Option<String>,
    pub cba: Option<CbaDoc>,
    #[serde(default)]
    pub planned_cost_avoidance: Vec<PlannedDoc>,
    #[serde(default)]
    pub kpis: Vec<BosKpiDoc>,
}

/// Money and labour of one CBA line.
#[derive(Debug, Clone, Deserialize)]
pub struct MoneyLabour {
    pub monetary: Number,
    pub labour: Number,
}

/// The cost-benefit analysis of a common service.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CbaDoc {
    pub one_time_cost: MoneyLabour,
    pub annual_cost: MoneyLabour,
    pub annual_benefit: MoneyLabour,
}

/// Planned cost avoidance of one year.
#[derive(Debug, Clone, Deserialize)]
pub struct PlannedDoc {
    pub year: i32,
    pub amount: Number,
}

/// A KPI with its baseline and yearly targets.
#[derive(Debug, Clone, Deserialize)]
pub struct BosKpiDoc {
    pub kpi: String,
    pub baseline: Option<Number>,
    #[serde(default)]
    pub targets: Vec<TargetDoc>,
}

/// A target for one year.
#[derive(Debug, Clone, Deserialize)]
pub struct TargetDoc {
    pub year: i32,
    pub value: Number,
}

/// `country-feed` (DESIGN §5.3): the envelope; each document is checked on its own.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CountryFeed {
    pub publisher: String,
    pub generated_at: Option<String>,
    #[serde(default)]
    pub documents: Vec<serde_json::Value>,
    pub next_cursor: Option<String>,
    #[serde(default)]
    pub has_more: bool,
}
