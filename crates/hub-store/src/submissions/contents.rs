//! What a stored submission carries, read back: its values with their lineage, its common
//! services, a BOS's planned cost avoidance and KPI targets, and the values a new exchange rate
//! may convert again.

use chrono::{DateTime, Utc};
use hub_domain::Decimal;
use hub_domain::access::Classification;
use hub_domain::catalogue::ServiceLine;
use hub_domain::money::Rate;
use hub_domain::period::{Month, Period};
use hub_domain::submission::{CommonServiceStatus, Modality, StockTakeAction, ValueFlag};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::{AppliedMapping, Cba, flags_text, text};

use crate::StoreError;
use crate::codec::{json_list, json_vocab, parsed, parsed_opt};
use crate::entity::{bos_kpi_target, bos_planned_ca, common_service, kpi_value};

/// A stored KPI value with its lineage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredValue {
    pub id: i64,
    pub submission_id: i64,
    pub country: String,
    pub period: Period,
    pub revision: i32,
    pub received_at: DateTime<Utc>,
    /// Whether the value belongs to the current revision.
    pub is_current: bool,
    /// JSON pointer of the value in its document.
    pub pointer: String,
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
    pub mapping: Option<AppliedMapping>,
    pub comment: Option<String>,
    /// Marked for follow-up with the country team (`markFollowUp`).
    pub follow_up: bool,
}

pub(crate) fn value_of(v: kpi_value::Model) -> Result<StoredValue, StoreError> {
    let mapping = match (v.mapping_id, v.mapping_version) {
        (Some(id), Some(version)) => Some(AppliedMapping {
            id,
            version,
            factor: parsed_opt(v.mapping_factor.as_deref())?.unwrap_or(Decimal::ONE),
            offset: parsed_opt(v.mapping_offset.as_deref())?.unwrap_or(Decimal::ZERO),
        }),
        _ => None,
    };
    Ok(StoredValue {
        period: parsed(&v.period)?,
        service_line: parsed_opt(v.service_line.as_deref())?,
        value: parsed_opt(v.value.as_deref())?,
        reported_value: parsed(&v.reported_value)?,
        fx_rate: parsed_opt(v.fx_rate.as_deref())?,
        fx_month: parsed_opt(v.fx_month.as_deref())?,
        baseline: parsed_opt(v.baseline.as_deref())?,
        target: parsed_opt(v.target.as_deref())?,
        denominator: parsed_opt(v.denominator.as_deref())?,
        classification: parsed(&v.classification)?,
        flags: json_vocab(&v.flags)?,
        mapping,
        id: v.id,
        submission_id: v.submission_id,
        country: v.country,
        revision: v.revision,
        received_at: v.received_at,
        is_current: v.is_current,
        pointer: v.pointer,
        kpi: v.kpi,
        reported_kpi: v.reported_kpi,
        common_service: v.common_service,
        currency: v.currency,
        comment: v.comment,
        follow_up: v.follow_up,
    })
}

/// Ids per `IN (...)` list, well under both engines' parameter limits.
pub(crate) const IN_CHUNK: usize = 500;

/// The values stored from some submissions, in document order, optionally of some KPIs only.
pub async fn values_of(
    db: &impl ConnectionTrait,
    submission_ids: &[i64],
    kpis: Option<&[String]>,
) -> Result<Vec<StoredValue>, StoreError> {
    let mut out = Vec::new();
    for chunk in submission_ids.chunks(IN_CHUNK) {
        let mut query = kpi_value::Entity::find()
            .filter(kpi_value::Column::SubmissionId.is_in(chunk.iter().copied()))
            .order_by_asc(kpi_value::Column::Id);
        if let Some(kpis) = kpis {
            query = query.filter(kpi_value::Column::Kpi.is_in(kpis.iter().cloned()));
        }
        for row in query.all(db).await? {
            out.push(value_of(row)?);
        }
    }
    Ok(out)
}

/// A page of the values of one submission, in document order, after value `after` (the page
/// cursor), at most `limit`; optionally of some KPIs only. Exports read any number of values
/// this way in flat memory.
pub async fn values_page(
    db: &impl ConnectionTrait,
    submission_id: i64,
    kpis: Option<&[String]>,
    after: Option<i64>,
    limit: u64,
) -> Result<Vec<StoredValue>, StoreError> {
    let mut query = kpi_value::Entity::find()
        .filter(kpi_value::Column::SubmissionId.eq(submission_id))
        .order_by_asc(kpi_value::Column::Id)
        .limit(limit);
    if let Some(after) = after {
        query = query.filter(kpi_value::Column::Id.gt(after));
    }
    if let Some(kpis) = kpis {
        query = query.filter(kpi_value::Column::Kpi.is_in(kpis.iter().cloned()));
    }
    query.all(db).await?.into_iter().map(value_of).collect()
}

/// A common service as a submission listed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommonService {
    pub submission_id: i64,
    pub country: String,
    pub service_id: String,
    pub name: String,
    pub service_line: ServiceLine,
    pub lead_agency: String,
    pub client_agencies: Vec<String>,
    /// State in a KPI report.
    pub status: Option<CommonServiceStatus>,
    /// BOS only.
    pub modality: Option<Modality>,
    pub stock_take_action: Option<StockTakeAction>,
    pub cba: Option<Cba>,
}

fn service_of(s: common_service::Model) -> Result<CommonService, StoreError> {
    let cba = match (
        s.one_time_monetary.as_deref(),
        s.one_time_labour.as_deref(),
        s.annual_cost_monetary.as_deref(),
        s.annual_cost_labour.as_deref(),
        s.annual_benefit_monetary.as_deref(),
        s.annual_benefit_labour.as_deref(),
    ) {
        (Some(a), Some(b), Some(c), Some(d), Some(e), Some(f)) => Some(Cba {
            one_time_monetary: parsed(a)?,
            one_time_labour: parsed(b)?,
            annual_cost_monetary: parsed(c)?,
            annual_cost_labour: parsed(d)?,
            annual_benefit_monetary: parsed(e)?,
            annual_benefit_labour: parsed(f)?,
        }),
        _ => None,
    };
    Ok(CommonService {
        service_line: parsed(&s.service_line)?,
        client_agencies: json_list(&s.client_agencies)?,
        status: parsed_opt(s.status.as_deref())?,
        modality: parsed_opt(s.modality.as_deref())?,
        stock_take_action: parsed_opt(s.stock_take_action.as_deref())?,
        cba,
        submission_id: s.submission_id,
        country: s.country,
        service_id: s.service_id,
        name: s.name,
        lead_agency: s.lead_agency,
    })
}

/// The common services listed by some submissions, in document order.
pub async fn services_of(
    db: &impl ConnectionTrait,
    submission_ids: &[i64],
) -> Result<Vec<CommonService>, StoreError> {
    let mut out = Vec::new();
    for chunk in submission_ids.chunks(IN_CHUNK) {
        for row in common_service::Entity::find()
            .filter(common_service::Column::SubmissionId.is_in(chunk.iter().copied()))
            .order_by_asc(common_service::Column::Id)
            .all(db)
            .await?
        {
            out.push(service_of(row)?);
        }
    }
    Ok(out)
}

/// A planned cost avoidance of a BOS, in its currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedCa {
    pub submission_id: i64,
    pub country: String,
    pub service_id: String,
    pub service_line: Option<ServiceLine>,
    pub year: i32,
    pub amount: Decimal,
    pub currency: String,
    pub pointer: String,
}

/// Planned cost avoidance of some BOS submissions, optionally of one year.
pub async fn planned_of(
    db: &impl ConnectionTrait,
    submission_ids: &[i64],
    year: Option<i32>,
) -> Result<Vec<PlannedCa>, StoreError> {
    let mut out = Vec::new();
    for chunk in submission_ids.chunks(IN_CHUNK) {
        let mut query = bos_planned_ca::Entity::find()
            .filter(bos_planned_ca::Column::SubmissionId.is_in(chunk.iter().copied()))
            .order_by_asc(bos_planned_ca::Column::Id);
        if let Some(year) = year {
            query = query.filter(bos_planned_ca::Column::Year.eq(year));
        }
        for p in query.all(db).await? {
            out.push(PlannedCa {
                service_line: parsed_opt(p.service_line.as_deref())?,
                amount: parsed(&p.amount)?,
                submission_id: p.submission_id,
                country: p.country,
                service_id: p.service_id,
                year: p.year,
                currency: p.currency,
                pointer: p.pointer,
            });
        }
    }
    Ok(out)
}

/// A KPI target of a BOS common service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BosTarget {
    pub submission_id: i64,
    pub service_id: String,
    pub kpi: String,
    pub baseline: Option<Decimal>,
    pub year: i32,
    pub target: Decimal,
}

/// KPI targets of some BOS submissions, optionally of one year.
pub async fn targets_of(
    db: &impl ConnectionTrait,
    submission_ids: &[i64],
    year: Option<i32>,
) -> Result<Vec<BosTarget>, StoreError> {
    let mut out = Vec::new();
    for chunk in submission_ids.chunks(IN_CHUNK) {
        let mut query = bos_kpi_target::Entity::find()
            .filter(bos_kpi_target::Column::SubmissionId.is_in(chunk.iter().copied()))
            .order_by_asc(bos_kpi_target::Column::Id);
        if let Some(year) = year {
            query = query.filter(bos_kpi_target::Column::Year.eq(year));
        }
        for row in query.all(db).await? {
            out.push(BosTarget {
                baseline: parsed_opt(row.baseline.as_deref())?,
                target: parsed(&row.target)?,
                submission_id: row.submission_id,
                service_id: row.service_id,
                kpi: row.kpi,
                year: row.year,
            });
        }
    }
    Ok(out)
}

/// Current money values of `currency` converted with a stale rate or none, which a newly loaded
/// rate may improve.
pub async fn values_awaiting_rates(
    db: &impl ConnectionTrait,
    currency: &str,
) -> Result<Vec<StoredValue>, StoreError> {
    kpi_value::Entity::find()
        .filter(kpi_value::Column::IsCurrent.eq(true))
        .filter(kpi_value::Column::Currency.eq(currency))
        .filter(kpi_value::Column::Flags.ne("[]"))
        .all(db)
        .await?
        .into_iter()
        .map(value_of)
        .collect()
}

/// Re-converts one stored money value after a rate change. The caller then packs the figure
/// facts of the submissions it changed again ([`refresh_figure_facts`](super::refresh_figure_facts)),
/// in the same transaction.
pub async fn set_conversion(
    db: &impl ConnectionTrait,
    value_id: i64,
    usd: Option<Decimal>,
    fx: Option<(Month, Rate)>,
    flags: &[ValueFlag],
) -> Result<(), StoreError> {
    kpi_value::Entity::update_many()
        .col_expr(kpi_value::Column::Value, Expr::value(usd.map(text)))
        .col_expr(
            kpi_value::Column::FxRate,
            Expr::value(fx.map(|(_, rate)| text(rate.units_per_usd()))),
        )
        .col_expr(
            kpi_value::Column::FxMonth,
            Expr::value(fx.map(|(month, _)| month.to_string())),
        )
        .col_expr(kpi_value::Column::Flags, Expr::value(flags_text(flags)))
        .filter(kpi_value::Column::Id.eq(value_id))
        .exec(db)
        .await?;
    Ok(())
}

/// A country's current values for some periods.
pub async fn current_values(
    db: &impl ConnectionTrait,
    country: &str,
    periods: &[Period],
) -> Result<Vec<StoredValue>, StoreError> {
    kpi_value::Entity::find()
        .filter(kpi_value::Column::Country.eq(country))
        .filter(kpi_value::Column::Period.is_in(periods.iter().map(ToString::to_string)))
        .filter(kpi_value::Column::IsCurrent.eq(true))
        .order_by_asc(kpi_value::Column::Period)
        .order_by_asc(kpi_value::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(value_of)
        .collect()
}
