//! The narrow read behind every regional figure: only the columns a figure combines, decoded by
//! position. A cold dashboard reads thousands of values; building full rows (pointer, comment,
//! mapping, timestamps) and decoding each column by name was most of its time.

use hub_domain::Decimal;
use hub_domain::access::Classification;
use hub_domain::catalogue::ServiceLine;
use hub_domain::period::{Month, Period};
use hub_domain::submission::ValueFlag;
use sea_orm::sea_query::SelectStatement;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QueryResult, QuerySelect,
    QueryTrait,
};

use super::IN_CHUNK;
use crate::StoreError;
use crate::codec::{json_vocab, parsed, parsed_opt};
use crate::entity::kpi_value;

/// A stored KPI value as figures see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FigureValue {
    pub submission_id: i64,
    pub country: String,
    pub period: Period,
    pub revision: i32,
    /// Regional KPI code.
    pub kpi: String,
    /// The code as the document wrote it (a local code when a mapping applied).
    pub reported_kpi: String,
    pub common_service: Option<String>,
    pub service_line: Option<ServiceLine>,
    /// Harmonized value in the KPI's unit (USD for money); `None` for money without a rate.
    pub value: Option<Decimal>,
    pub reported_value: Decimal,
    pub currency: Option<String>,
    /// Units of `currency` per USD, and the month whose rate it is.
    pub fx_rate: Option<Decimal>,
    pub fx_month: Option<Month>,
    pub baseline: Option<Decimal>,
    pub target: Option<Decimal>,
    pub denominator: Option<Decimal>,
    pub classification: Classification,
    pub flags: Vec<ValueFlag>,
}

/// The columns read, in the order [`decode`] takes them.
const COLUMNS: [kpi_value::Column; 18] = [
    kpi_value::Column::SubmissionId,
    kpi_value::Column::Country,
    kpi_value::Column::Period,
    kpi_value::Column::Revision,
    kpi_value::Column::Kpi,
    kpi_value::Column::ReportedKpi,
    kpi_value::Column::CommonService,
    kpi_value::Column::ServiceLine,
    kpi_value::Column::Value,
    kpi_value::Column::ReportedValue,
    kpi_value::Column::Currency,
    kpi_value::Column::FxRate,
    kpi_value::Column::FxMonth,
    kpi_value::Column::Baseline,
    kpi_value::Column::Target,
    kpi_value::Column::Denominator,
    kpi_value::Column::Classification,
    kpi_value::Column::Flags,
];

fn decode(row: &QueryResult) -> Result<FigureValue, StoreError> {
    let text = |i: usize| row.try_get_by_index::<String>(i);
    let optional = |i: usize| row.try_get_by_index::<Option<String>>(i);
    let flags = text(17)?;
    Ok(FigureValue {
        submission_id: row.try_get_by_index(0)?,
        country: text(1)?,
        period: parsed(&text(2)?)?,
        revision: row.try_get_by_index(3)?,
        kpi: text(4)?,
        reported_kpi: text(5)?,
        common_service: optional(6)?,
        service_line: parsed_opt(optional(7)?.as_deref())?,
        value: parsed_opt(optional(8)?.as_deref())?,
        reported_value: parsed(&text(9)?)?,
        currency: optional(10)?,
        fx_rate: parsed_opt(optional(11)?.as_deref())?,
        fx_month: parsed_opt(optional(12)?.as_deref())?,
        baseline: parsed_opt(optional(13)?.as_deref())?,
        target: parsed_opt(optional(14)?.as_deref())?,
        denominator: parsed_opt(optional(15)?.as_deref())?,
        classification: parsed(&text(16)?)?,
        // Most values carry no flag: skip the JSON parser for them.
        flags: if flags == "[]" {
            Vec::new()
        } else {
            json_vocab(&flags)?
        },
    })
}

fn statement(chunk: &[i64], kpis: Option<&[String]>) -> SelectStatement {
    let mut query = kpi_value::Entity::find()
        .select_only()
        .columns(COLUMNS)
        .filter(kpi_value::Column::SubmissionId.is_in(chunk.iter().copied()))
        .order_by_asc(kpi_value::Column::Id);
    if let Some(kpis) = kpis {
        query = query.filter(kpi_value::Column::Kpi.is_in(kpis.iter().cloned()));
    }
    query.into_query()
}

/// The values stored from some submissions as figures see them, in document order, optionally
/// of some KPIs only.
pub async fn figure_values_of(
    db: &impl ConnectionTrait,
    submission_ids: &[i64],
    kpis: Option<&[String]>,
) -> Result<Vec<FigureValue>, StoreError> {
    let mut out = Vec::new();
    for chunk in submission_ids.chunks(IN_CHUNK) {
        for row in db.query_all(&statement(chunk, kpis)).await? {
            out.push(decode(&row)?);
        }
    }
    Ok(out)
}
