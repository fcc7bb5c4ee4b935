//! Submissions and what they carry: storing a revision as the current one of its slice (in the
//! caller's transaction), and reading submissions back with their values and lineage.
//!
//! Nothing is deleted: a new revision marks the previous one and its rows `is_current = false`.

use chrono::{DateTime, Utc};
use hub_domain::Decimal;
use hub_domain::access::{Classification, SensitiveScope, Viewer};
use hub_domain::catalogue::ServiceLine;
use hub_domain::codes::CountryCode;
use hub_domain::money::Rate;
use hub_domain::period::{Month, Period};
use hub_domain::submission::{
    BosStatus, CommonServiceStatus, DocumentType, Modality, SourceKind, StockTakeAction,
    SubmissionStatus, ValueFlag,
};
use sea_orm::sea_query::{Expr, LockType};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

use crate::entity::{
    bos_kpi_target, bos_planned_ca, common_service, document_slice, kpi_value, submission,
};
use crate::{Backend, StoreError, now};

/// What one revision replaces: a country's KPI report for a period, or its BOS for a cycle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SliceScope {
    Period(Period),
    Cycle { start: i32, end: i32 },
}

/// A slice of documents of which one revision is current.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SliceKey {
    pub document_type: DocumentType,
    pub country: CountryCode,
    pub scope: SliceScope,
}

impl SliceKey {
    /// The stored key, e.g. `kpi-report/COL/2026-Q2` or `bos/COL/2023-2027`.
    pub fn key(&self) -> String {
        match &self.scope {
            SliceScope::Period(period) => {
                format!("{}/{}/{period}", self.document_type, self.country)
            }
            SliceScope::Cycle { start, end } => {
                format!("{}/{}/{start}-{end}", self.document_type, self.country)
            }
        }
    }

    fn period(&self) -> Option<String> {
        match &self.scope {
            SliceScope::Period(period) => Some(period.to_string()),
            SliceScope::Cycle { .. } => None,
        }
    }

    fn cycle(&self) -> (Option<i32>, Option<i32>) {
        match &self.scope {
            SliceScope::Cycle { start, end } => (Some(*start), Some(*end)),
            SliceScope::Period(_) => (None, None),
        }
    }
}

/// The current revision of a slice, if any.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SliceState {
    pub current_submission_id: Option<i64>,
    pub current_revision: Option<i32>,
    pub current_hash: Option<String>,
}

/// Reads a slice's state. With `lock`, the slice row is created if missing and locked for the
/// rest of the transaction (PostgreSQL row lock; SQLite has a single writer anyway), so two
/// revisions of one slice are decided one after the other.
pub async fn slice_state(
    db: &impl ConnectionTrait,
    key: &SliceKey,
    lock: bool,
) -> Result<SliceState, StoreError> {
    if lock {
        let (cycle_start, cycle_end) = key.cycle();
        document_slice::Entity::insert(document_slice::ActiveModel {
            slice_key: Set(key.key()),
            document_type: Set(key.document_type.to_string()),
            country: Set(key.country.to_string()),
            period: Set(key.period()),
            cycle_start: Set(cycle_start),
            cycle_end: Set(cycle_end),
            current_submission_id: Set(None),
            current_revision: Set(None),
            current_hash: Set(None),
            updated_at: Set(now()),
        })
        .on_conflict_do_nothing()
        .exec_without_returning(db)
        .await?;
    }
    let mut query = document_slice::Entity::find_by_id(key.key());
    if lock && Backend::of(db) == Backend::Postgres {
        query = query.lock(LockType::Update);
    }
    Ok(query
        .one(db)
        .await?
        .map_or_else(SliceState::default, |row| SliceState {
            current_submission_id: row.current_submission_id,
            current_revision: row.current_revision,
            current_hash: row.current_hash,
        }))
}

/// Where a document came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub kind: SourceKind,
    /// The federation source, for pulled documents.
    pub id: Option<i64>,
    /// Token label, source name or `demo`.
    pub name: String,
}

/// A CBA of a BOS common service (money in the BOS currency, labour as given).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cba {
    pub one_time_monetary: Decimal,
    pub one_time_labour: Decimal,
    pub annual_cost_monetary: Decimal,
    pub annual_cost_labour: Decimal,
    pub annual_benefit_monetary: Decimal,
    pub annual_benefit_labour: Decimal,
}

/// A common service as a document lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCommonService {
    pub service_id: String,
    pub name: String,
    pub service_line: ServiceLine,
    pub lead_agency: String,
    pub client_agencies: Vec<String>,
    pub status: Option<CommonServiceStatus>,
    pub modality: Option<Modality>,
    pub stock_take_action: Option<StockTakeAction>,
    pub cba: Option<Cba>,
}

/// The mapping version applied to a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedMapping {
    pub id: i64,
    pub version: i32,
    pub factor: Decimal,
    pub offset: Decimal,
}

/// A harmonized KPI value with its lineage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewValue {
    pub pointer: String,
    pub kpi: String,
    pub reported_kpi: String,
    pub common_service: Option<String>,
    pub service_line: Option<ServiceLine>,
    /// In the KPI's unit (USD for money); `None` for money without a rate.
    pub value: Option<Decimal>,
    pub reported_value: Decimal,
    pub currency: Option<String>,
    pub fx: Option<(Month, Rate)>,
    pub baseline: Option<Decimal>,
    pub target: Option<Decimal>,
    pub denominator: Option<Decimal>,
    pub classification: Classification,
    pub flags: Vec<ValueFlag>,
    pub mapping: Option<AppliedMapping>,
    pub comment: Option<String>,
}

/// A planned cost avoidance of a BOS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPlannedCa {
    pub pointer: String,
    pub service_id: String,
    pub service_line: Option<ServiceLine>,
    pub year: i32,
    pub amount: Decimal,
    pub currency: String,
}

/// A KPI target of a BOS common service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewKpiTarget {
    pub pointer: String,
    pub service_id: String,
    pub kpi: String,
    pub baseline: Option<Decimal>,
    pub year: i32,
    pub target: Decimal,
}

/// Everything stored for one accepted revision.
#[derive(Debug, Clone)]
pub struct NewSubmission {
    pub slice: SliceKey,
    pub revision: i32,
    pub status: SubmissionStatus,
    pub schema_version: String,
    pub content_hash: String,
    pub raw_document: String,
    pub classification: Classification,
    pub currency: Option<String>,
    pub bos_status: Option<BosStatus>,
    pub signed_on: Option<String>,
    pub prepared_by_agency: Option<String>,
    pub source: Source,
    pub received_at: DateTime<Utc>,
    pub accepted_values: i32,
    pub rejected_values: i32,
    pub services: Vec<NewCommonService>,
    pub values: Vec<NewValue>,
    pub planned: Vec<NewPlannedCa>,
    pub targets: Vec<NewKpiTarget>,
}

fn text(d: Decimal) -> String {
    d.normalize().to_string()
}

fn flags_text(flags: &[ValueFlag]) -> String {
    flags
        .iter()
        .map(|f| f.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// Rows per multi-row INSERT; well under both engines' bound-parameter limits.
const CHUNK: usize = 400;

async fn insert_chunked<A>(db: &impl ConnectionTrait, rows: Vec<A>) -> Result<(), StoreError>
where
    A: ActiveModelTrait + Send,
{
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<A> = rows.by_ref().take(CHUNK).collect();
        <A::Entity as EntityTrait>::insert_many(chunk)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// Stores `new` as the current revision of its slice, retiring `previous`; call inside the
/// transaction that locked the slice. Returns the new submission id.
pub async fn insert_current(
    db: &impl ConnectionTrait,
    new: &NewSubmission,
    previous: &SliceState,
    receipt: &str,
) -> Result<i64, StoreError> {
    let (cycle_start, cycle_end) = new.slice.cycle();
    let country = new.slice.country.to_string();
    let period = new.slice.period();
    let row = submission::ActiveModel {
        document_type: Set(new.slice.document_type.to_string()),
        slice_key: Set(new.slice.key()),
        country: Set(country.clone()),
        period: Set(period.clone()),
        cycle_start: Set(cycle_start),
        cycle_end: Set(cycle_end),
        revision: Set(new.revision),
        status: Set(new.status.as_str().to_owned()),
        schema_version: Set(new.schema_version.clone()),
        content_hash: Set(new.content_hash.clone()),
        raw_document: Set(new.raw_document.clone()),
        classification: Set(new.classification.as_str().to_owned()),
        currency: Set(new.currency.clone()),
        bos_status: Set(new.bos_status.map(|s| s.as_str().to_owned())),
        signed_on: Set(new.signed_on.clone()),
        prepared_by_agency: Set(new.prepared_by_agency.clone()),
        source_kind: Set(new.source.kind.as_str().to_owned()),
        source_id: Set(new.source.id),
        source_name: Set(new.source.name.clone()),
        received_at: Set(new.received_at),
        is_current: Set(true),
        superseded_by: Set(None),
        accepted_values: Set(new.accepted_values),
        rejected_values: Set(new.rejected_values),
        receipt: Set(receipt.to_owned()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let id = row.id;

    if let Some(previous_id) = previous.current_submission_id {
        submission::Entity::update_many()
            .col_expr(submission::Column::IsCurrent, Expr::value(false))
            .col_expr(submission::Column::SupersededBy, Expr::value(id))
            .filter(submission::Column::Id.eq(previous_id))
            .exec(db)
            .await?;
        kpi_value::Entity::update_many()
            .col_expr(kpi_value::Column::IsCurrent, Expr::value(false))
            .filter(kpi_value::Column::SubmissionId.eq(previous_id))
            .exec(db)
            .await?;
        common_service::Entity::update_many()
            .col_expr(common_service::Column::IsCurrent, Expr::value(false))
            .filter(common_service::Column::SubmissionId.eq(previous_id))
            .exec(db)
            .await?;
        bos_planned_ca::Entity::update_many()
            .col_expr(bos_planned_ca::Column::IsCurrent, Expr::value(false))
            .filter(bos_planned_ca::Column::SubmissionId.eq(previous_id))
            .exec(db)
            .await?;
    }

    let services = new
        .services
        .iter()
        .map(|s| {
            let cba = s.cba.as_ref();
            common_service::ActiveModel {
                submission_id: Set(id),
                country: Set(country.clone()),
                service_id: Set(s.service_id.clone()),
                name: Set(s.name.clone()),
                service_line: Set(s.service_line.as_str().to_owned()),
                lead_agency: Set(s.lead_agency.clone()),
                client_agencies: Set(s.client_agencies.join(";")),
                status: Set(s.status.map(|v| v.as_str().to_owned())),
                modality: Set(s.modality.map(|v| v.as_str().to_owned())),
                stock_take_action: Set(s.stock_take_action.map(|v| v.as_str().to_owned())),
                one_time_monetary: Set(cba.map(|c| text(c.one_time_monetary))),
                one_time_labour: Set(cba.map(|c| text(c.one_time_labour))),
                annual_cost_monetary: Set(cba.map(|c| text(c.annual_cost_monetary))),
                annual_cost_labour: Set(cba.map(|c| text(c.annual_cost_labour))),
                annual_benefit_monetary: Set(cba.map(|c| text(c.annual_benefit_monetary))),
                annual_benefit_labour: Set(cba.map(|c| text(c.annual_benefit_labour))),
                is_current: Set(true),
                ..Default::default()
            }
        })
        .collect();
    insert_chunked(db, services).await?;

    if let Some(period) = &period {
        let values = new
            .values
            .iter()
            .map(|v| kpi_value::ActiveModel {
                submission_id: Set(id),
                country: Set(country.clone()),
                period: Set(period.clone()),
                revision: Set(new.revision),
                received_at: Set(new.received_at),
                is_current: Set(true),
                pointer: Set(v.pointer.clone()),
                kpi: Set(v.kpi.clone()),
                reported_kpi: Set(v.reported_kpi.clone()),
                common_service: Set(v.common_service.clone()),
                service_line: Set(v.service_line.map(|s| s.as_str().to_owned())),
                value: Set(v.value.map(text)),
                reported_value: Set(text(v.reported_value)),
                currency: Set(v.currency.clone()),
                fx_rate: Set(v.fx.map(|(_, rate)| text(rate.units_per_usd()))),
                fx_month: Set(v.fx.map(|(month, _)| month.to_string())),
                baseline: Set(v.baseline.map(text)),
                target: Set(v.target.map(text)),
                denominator: Set(v.denominator.map(text)),
                classification: Set(v.classification.as_str().to_owned()),
                flags: Set(flags_text(&v.flags)),
                mapping_id: Set(v.mapping.as_ref().map(|m| m.id)),
                mapping_version: Set(v.mapping.as_ref().map(|m| m.version)),
                mapping_factor: Set(v.mapping.as_ref().map(|m| text(m.factor))),
                mapping_offset: Set(v.mapping.as_ref().map(|m| text(m.offset))),
                comment: Set(v.comment.clone()),
                ..Default::default()
            })
            .collect();
        insert_chunked(db, values).await?;
    }

    let planned = new
        .planned
        .iter()
        .map(|p| bos_planned_ca::ActiveModel {
            submission_id: Set(id),
            country: Set(country.clone()),
            service_id: Set(p.service_id.clone()),
            service_line: Set(p.service_line.map(|s| s.as_str().to_owned())),
            year: Set(p.year),
            amount: Set(text(p.amount)),
            currency: Set(p.currency.clone()),
            pointer: Set(p.pointer.clone()),
            is_current: Set(true),
            ..Default::default()
        })
        .collect();
    insert_chunked(db, planned).await?;

    let targets = new
        .targets
        .iter()
        .map(|t| bos_kpi_target::ActiveModel {
            submission_id: Set(id),
            service_id: Set(t.service_id.clone()),
            kpi: Set(t.kpi.clone()),
            baseline: Set(t.baseline.map(text)),
            year: Set(t.year),
            target: Set(text(t.target)),
            pointer: Set(t.pointer.clone()),
            ..Default::default()
        })
        .collect();
    insert_chunked(db, targets).await?;

    document_slice::Entity::update_many()
        .col_expr(document_slice::Column::CurrentSubmissionId, Expr::value(id))
        .col_expr(
            document_slice::Column::CurrentRevision,
            Expr::value(new.revision),
        )
        .col_expr(
            document_slice::Column::CurrentHash,
            Expr::value(new.content_hash.clone()),
        )
        .col_expr(document_slice::Column::UpdatedAt, Expr::value(now()))
        .filter(document_slice::Column::SliceKey.eq(new.slice.key()))
        .exec(db)
        .await?;
    Ok(id)
}

/// Filters for listing submissions.
#[derive(Debug, Clone, Default)]
pub struct SubmissionFilter {
    pub country: Option<String>,
    pub period: Option<String>,
    pub document_type: Option<DocumentType>,
    /// Only submissions with an id below this (the page cursor).
    pub before_id: Option<i64>,
}

/// The SQL condition for "the viewer may see a row with this classification and country".
pub fn visible_to(
    viewer: &Viewer,
    classification: impl ColumnTrait,
    country: impl ColumnTrait,
) -> Condition {
    let mut visible = Condition::any().add(classification.eq(Classification::Public.as_str()));
    if viewer.role().is_some() {
        visible = visible.add(classification.eq(Classification::Internal.as_str()));
    }
    match viewer.sensitive_scope() {
        SensitiveScope::All => {
            visible = visible.add(classification.eq(Classification::Sensitive.as_str()));
        }
        SensitiveScope::Country(own) => {
            visible = visible.add(
                Condition::all()
                    .add(classification.eq(Classification::Sensitive.as_str()))
                    .add(country.eq(own.as_str())),
            );
        }
        SensitiveScope::None => {}
    }
    visible
}

/// A page of submissions the viewer may see, newest first, and whether more follow.
pub async fn list(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    filter: &SubmissionFilter,
    first: u64,
) -> Result<(Vec<submission::Model>, bool), StoreError> {
    let mut query = submission::Entity::find()
        .filter(visible_to(
            viewer,
            submission::Column::Classification,
            submission::Column::Country,
        ))
        .order_by_desc(submission::Column::Id)
        .limit(first + 1);
    if let Some(country) = &filter.country {
        query = query.filter(submission::Column::Country.eq(country.as_str()));
    }
    if let Some(period) = &filter.period {
        query = query.filter(submission::Column::Period.eq(period.as_str()));
    }
    if let Some(kind) = filter.document_type {
        query = query.filter(submission::Column::DocumentType.eq(kind.as_str()));
    }
    if let Some(before) = filter.before_id {
        query = query.filter(submission::Column::Id.lt(before));
    }
    let mut rows = query.all(db).await?;
    let more = rows.len() as u64 > first;
    rows.truncate(usize::try_from(first).unwrap_or(usize::MAX));
    Ok((rows, more))
}

/// One submission by id (visibility is the caller's to check).
pub async fn get(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<submission::Model>, StoreError> {
    Ok(submission::Entity::find_by_id(id).one(db).await?)
}

/// The values stored from one submission, in document order.
pub async fn values_of(
    db: &impl ConnectionTrait,
    submission_id: i64,
) -> Result<Vec<kpi_value::Model>, StoreError> {
    Ok(kpi_value::Entity::find()
        .filter(kpi_value::Column::SubmissionId.eq(submission_id))
        .order_by_asc(kpi_value::Column::Id)
        .all(db)
        .await?)
}

/// The common services listed by one submission.
pub async fn services_of(
    db: &impl ConnectionTrait,
    submission_id: i64,
) -> Result<Vec<common_service::Model>, StoreError> {
    Ok(common_service::Entity::find()
        .filter(common_service::Column::SubmissionId.eq(submission_id))
        .order_by_asc(common_service::Column::Id)
        .all(db)
        .await?)
}

/// Planned cost avoidance of one BOS submission.
pub async fn planned_of(
    db: &impl ConnectionTrait,
    submission_id: i64,
) -> Result<Vec<bos_planned_ca::Model>, StoreError> {
    Ok(bos_planned_ca::Entity::find()
        .filter(bos_planned_ca::Column::SubmissionId.eq(submission_id))
        .order_by_asc(bos_planned_ca::Column::Id)
        .all(db)
        .await?)
}

/// KPI targets of one BOS submission.
pub async fn targets_of(
    db: &impl ConnectionTrait,
    submission_id: i64,
) -> Result<Vec<bos_kpi_target::Model>, StoreError> {
    Ok(bos_kpi_target::Entity::find()
        .filter(bos_kpi_target::Column::SubmissionId.eq(submission_id))
        .order_by_asc(bos_kpi_target::Column::Id)
        .all(db)
        .await?)
}

/// Replaces the stored receipt of a submission (it names its own id once that is known).
pub async fn set_receipt(
    db: &impl ConnectionTrait,
    id: i64,
    receipt: &str,
) -> Result<(), StoreError> {
    submission::Entity::update_many()
        .col_expr(submission::Column::Receipt, Expr::value(receipt.to_owned()))
        .filter(submission::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Current money values of `currency` converted with a stale rate or none, which a newly loaded
/// rate may improve.
pub async fn values_awaiting_rates(
    db: &impl ConnectionTrait,
    currency: &str,
) -> Result<Vec<kpi_value::Model>, StoreError> {
    Ok(kpi_value::Entity::find()
        .filter(kpi_value::Column::IsCurrent.eq(true))
        .filter(kpi_value::Column::Currency.eq(currency))
        .filter(kpi_value::Column::Flags.ne(""))
        .all(db)
        .await?)
}

/// Re-converts one stored money value after a rate change.
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

/// The current BOS of a country: of its current BOS revisions, the one whose cycle starts last.
pub async fn current_bos(
    db: &impl ConnectionTrait,
    country: &str,
) -> Result<Option<submission::Model>, StoreError> {
    Ok(submission::Entity::find()
        .filter(submission::Column::DocumentType.eq("bos"))
        .filter(submission::Column::Country.eq(country))
        .filter(submission::Column::IsCurrent.eq(true))
        .order_by_desc(submission::Column::CycleStart)
        .one(db)
        .await?)
}

/// A country's current KPI report for the latest period it reported.
pub async fn latest_report(
    db: &impl ConnectionTrait,
    country: &str,
) -> Result<Option<submission::Model>, StoreError> {
    // `YYYY-Qn` text sorts like the periods it names.
    Ok(submission::Entity::find()
        .filter(submission::Column::DocumentType.eq("kpi-report"))
        .filter(submission::Column::Country.eq(country))
        .filter(submission::Column::IsCurrent.eq(true))
        .order_by_desc(submission::Column::Period)
        .one(db)
        .await?)
}

/// A country's current values for some periods.
pub async fn current_values(
    db: &impl ConnectionTrait,
    country: &str,
    periods: &[String],
) -> Result<Vec<kpi_value::Model>, StoreError> {
    Ok(kpi_value::Entity::find()
        .filter(kpi_value::Column::Country.eq(country))
        .filter(kpi_value::Column::Period.is_in(periods.iter().cloned()))
        .filter(kpi_value::Column::IsCurrent.eq(true))
        .order_by_asc(kpi_value::Column::Period)
        .order_by_asc(kpi_value::Column::Id)
        .all(db)
        .await?)
}
