//! Submissions and what they carry: storing a revision as the current one of its slice (in the
//! caller's transaction), and reading submissions back with their values and lineage.
//!
//! Nothing is deleted: a new revision marks the previous one and its rows `is_current = false`.
//! What a submission carries (values, services, plans, targets) is read in [`contents`].

mod contents;
mod figures;
pub(crate) mod pack;

pub use contents::*;
pub use figures::*;

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
use sea_orm::sea_query::{Expr, OnConflict, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait,
    FromQueryResult, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Select,
};
use std::collections::BTreeMap;
use std::sync::Arc;

use crate::batch::Batch;
use crate::codec::{list_json, parsed, parsed_opt};

use crate::entity::{
    bos_kpi_target, bos_planned_ca, common_service, document_slice, kpi_value, submission,
};
use crate::{StoreError, now};

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
    /// The id a new revision is stored under, taken when the slice was locked.
    pub new_id: Option<i64>,
}

/// The id the next submission row gets, for the statement that locks its slice: PostgreSQL
/// takes it from the column's sequence; on SQLite, whose single writer the lock already holds
/// until the transaction ends, it is the one `AUTOINCREMENT` would give.
fn next_submission_id(backend: DbBackend) -> Expr {
    match backend {
        DbBackend::Postgres => Expr::cust("nextval(pg_get_serial_sequence('submission', 'id'))"),
        _ => Expr::cust(
            "(SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'submission'), 0), \
             coalesce((SELECT max(id) FROM submission), 0)) + 1)",
        ),
    }
}

/// Reads a slice's state. With `lock`, the slice row is created if missing and locked for the
/// rest of the transaction, and the id of the revision that may follow is taken, all in one
/// statement (an upsert locks the row it meets on PostgreSQL; SQLite has a single writer
/// anyway), so two revisions of one slice are decided one after the other.
pub async fn slice_state(
    db: &impl ConnectionTrait,
    key: &SliceKey,
    lock: bool,
) -> Result<SliceState, StoreError> {
    if !lock {
        let row = document_slice::Entity::find_by_id(key.key())
            .one(db)
            .await?;
        return Ok(row.map_or_else(SliceState::default, |row| SliceState {
            current_submission_id: row.current_submission_id,
            current_revision: row.current_revision,
            current_hash: row.current_hash,
            new_id: None,
        }));
    }
    let (cycle_start, cycle_end) = key.cycle();
    let new = document_slice::ActiveModel {
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
    };
    // An existing row is "updated" to itself: that locks it and returns it as it is.
    let keep = Expr::col((document_slice::Entity, document_slice::Column::UpdatedAt));
    let upsert = OnConflict::column(document_slice::Column::SliceKey)
        .value(document_slice::Column::UpdatedAt, keep)
        .to_owned();
    let backend = db.get_database_backend();
    let mut statement = document_slice::Entity::insert(new)
        .on_conflict(upsert)
        .into_query();
    statement.returning(Query::returning().exprs([
        Expr::col(document_slice::Column::CurrentSubmissionId),
        Expr::col(document_slice::Column::CurrentRevision),
        Expr::col(document_slice::Column::CurrentHash),
        next_submission_id(backend),
    ]));
    let row = db
        .query_one(&statement)
        .await?
        .ok_or_else(|| StoreError::Corrupt(format!("slice {} was not locked", key.key())))?;
    Ok(SliceState {
        current_submission_id: row.try_get_by_index(0)?,
        current_revision: row.try_get_by_index(1)?,
        current_hash: row.try_get_by_index(2)?,
        new_id: Some(row.try_get_by_index(3)?),
    })
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

/// The workbook a document was made from (DESIGN §14): its file name and SHA-256 (hex).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkbookLineage {
    pub name: String,
    pub sha256: String,
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
    /// The workbook the document was made from, when it came as one.
    pub workbook: Option<WorkbookLineage>,
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
    let names: Vec<&str> = flags.iter().map(|f| f.as_str()).collect();
    list_json(&names)
}

/// Adds to `batch` the writes that store `new` as the current revision of its slice, retiring
/// `previous`: run the batch in the transaction that locked the slice. Returns the new
/// submission id, the one the lock took.
pub fn insert_current(
    batch: &mut Batch,
    new: &NewSubmission,
    previous: &SliceState,
    receipt: &str,
) -> Result<i64, StoreError> {
    let id = previous
        .new_id
        .ok_or_else(|| StoreError::Corrupt(format!("slice {} was not locked", new.slice.key())))?;
    let (cycle_start, cycle_end) = new.slice.cycle();
    let country = new.slice.country.to_string();
    let period = new.slice.period();
    let row = submission::ActiveModel {
        id: Set(id),
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
        workbook_name: Set(new.workbook.as_ref().map(|w| w.name.clone())),
        workbook_sha256: Set(new.workbook.as_ref().map(|w| w.sha256.clone())),
        received_at: Set(new.received_at),
        is_current: Set(true),
        superseded_by: Set(None),
        accepted_values: Set(new.accepted_values),
        rejected_values: Set(new.rejected_values),
        receipt: Set(receipt.to_owned()),
    };
    batch.push(&submission::Entity::insert(row).into_query());

    if let Some(previous_id) = previous.current_submission_id {
        batch.push(
            &submission::Entity::update_many()
                .col_expr(submission::Column::IsCurrent, Expr::value(false))
                .col_expr(submission::Column::SupersededBy, Expr::value(id))
                .filter(submission::Column::Id.eq(previous_id))
                .into_query(),
        );
        batch.push(
            &kpi_value::Entity::update_many()
                .col_expr(kpi_value::Column::IsCurrent, Expr::value(false))
                .filter(kpi_value::Column::SubmissionId.eq(previous_id))
                .into_query(),
        );
        batch.push(
            &common_service::Entity::update_many()
                .col_expr(common_service::Column::IsCurrent, Expr::value(false))
                .filter(common_service::Column::SubmissionId.eq(previous_id))
                .into_query(),
        );
        batch.push(
            &bos_planned_ca::Entity::update_many()
                .col_expr(bos_planned_ca::Column::IsCurrent, Expr::value(false))
                .filter(bos_planned_ca::Column::SubmissionId.eq(previous_id))
                .into_query(),
        );
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
                client_agencies: Set(list_json(&s.client_agencies)),
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
    batch.insert_rows(services);

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
        batch.insert_rows(values);
    }
    // The figure facts, packed from the same values (decimals normalized as the rows store them).
    if let SliceScope::Period(period) = &new.slice.scope {
        let facts: Vec<FigureValue> = new
            .values
            .iter()
            .map(|v| FigureValue {
                submission_id: id,
                country: country.as_str().into(),
                period: *period,
                revision: new.revision,
                kpi: v.kpi.as_str().into(),
                reported_kpi: v.reported_kpi.as_str().into(),
                common_service: v.common_service.as_deref().map(Arc::from),
                service_line: v.service_line,
                value: v.value,
                reported_value: v.reported_value,
                currency: v.currency.as_deref().map(Arc::from),
                fx_rate: v.fx.map(|(_, rate)| rate.units_per_usd()),
                fx_month: v.fx.map(|(month, _)| month),
                baseline: v.baseline,
                target: v.target,
                denominator: v.denominator,
                classification: v.classification,
                flags: v.flags.clone(),
            })
            .collect();
        let services: Vec<ReportService> = new
            .services
            .iter()
            .map(|s| ReportService {
                submission_id: id,
                service_id: s.service_id.as_str().into(),
                service_line: s.service_line,
                status: s.status,
            })
            .collect();
        if let Some(row) = figure_facts_row(id, &facts, &services) {
            batch.insert_rows(vec![row]);
        }
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
    batch.insert_rows(planned);

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
    batch.insert_rows(targets);

    batch.push(
        &document_slice::Entity::update_many()
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
            .into_query(),
    );
    if new.slice.document_type == DocumentType::Bos {
        // Its plans are reference facts for the checks of later reports.
        batch.push(&crate::state::bump_reference_version_statement());
    }
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

/// A stored submission (a revision of a slice); its raw document and receipt are read apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submission {
    pub id: i64,
    pub document_type: DocumentType,
    pub country: String,
    pub period: Option<Period>,
    /// First and last year of a BOS cycle.
    pub cycle: Option<(i32, i32)>,
    pub revision: i32,
    pub status: SubmissionStatus,
    pub schema_version: String,
    pub classification: Classification,
    pub currency: Option<String>,
    pub bos_status: Option<BosStatus>,
    pub signed_on: Option<String>,
    pub prepared_by_agency: Option<String>,
    pub source: Source,
    /// The workbook the document was made from, when it came as one.
    pub workbook: Option<WorkbookLineage>,
    pub received_at: DateTime<Utc>,
    pub is_current: bool,
    pub superseded_by: Option<i64>,
    pub accepted_values: i32,
    pub rejected_values: i32,
}

/// The columns of a [`Submission`]: never the raw document or the receipt.
#[derive(Debug, FromQueryResult)]
struct SubmissionRow {
    id: i64,
    document_type: String,
    country: String,
    period: Option<String>,
    cycle_start: Option<i32>,
    cycle_end: Option<i32>,
    revision: i32,
    status: String,
    schema_version: String,
    classification: String,
    currency: Option<String>,
    bos_status: Option<String>,
    signed_on: Option<String>,
    prepared_by_agency: Option<String>,
    source_kind: String,
    source_id: Option<i64>,
    source_name: String,
    workbook_name: Option<String>,
    workbook_sha256: Option<String>,
    received_at: DateTime<Utc>,
    is_current: bool,
    superseded_by: Option<i64>,
    accepted_values: i32,
    rejected_values: i32,
}

const SUBMISSION_COLUMNS: [submission::Column; 24] = [
    submission::Column::Id,
    submission::Column::DocumentType,
    submission::Column::Country,
    submission::Column::Period,
    submission::Column::CycleStart,
    submission::Column::CycleEnd,
    submission::Column::Revision,
    submission::Column::Status,
    submission::Column::SchemaVersion,
    submission::Column::Classification,
    submission::Column::Currency,
    submission::Column::BosStatus,
    submission::Column::SignedOn,
    submission::Column::PreparedByAgency,
    submission::Column::SourceKind,
    submission::Column::SourceId,
    submission::Column::SourceName,
    submission::Column::WorkbookName,
    submission::Column::WorkbookSha256,
    submission::Column::ReceivedAt,
    submission::Column::IsCurrent,
    submission::Column::SupersededBy,
    submission::Column::AcceptedValues,
    submission::Column::RejectedValues,
];

/// A query of submissions that reads the columns of [`Submission`] only.
pub(crate) fn submissions() -> Select<submission::Entity> {
    submission::Entity::find()
        .select_only()
        .columns(SUBMISSION_COLUMNS)
}

fn submission_of(row: SubmissionRow) -> Result<Submission, StoreError> {
    Ok(Submission {
        document_type: parsed(&row.document_type)?,
        period: parsed_opt(row.period.as_deref())?,
        cycle: row.cycle_start.zip(row.cycle_end),
        status: parsed(&row.status)?,
        classification: parsed(&row.classification)?,
        bos_status: parsed_opt(row.bos_status.as_deref())?,
        source: Source {
            kind: parsed(&row.source_kind)?,
            id: row.source_id,
            name: row.source_name,
        },
        workbook: row
            .workbook_name
            .zip(row.workbook_sha256)
            .map(|(name, sha256)| WorkbookLineage { name, sha256 }),
        id: row.id,
        country: row.country,
        revision: row.revision,
        schema_version: row.schema_version,
        currency: row.currency,
        signed_on: row.signed_on,
        prepared_by_agency: row.prepared_by_agency,
        received_at: row.received_at,
        is_current: row.is_current,
        superseded_by: row.superseded_by,
        accepted_values: row.accepted_values,
        rejected_values: row.rejected_values,
    })
}

pub(crate) async fn read_submissions(
    db: &impl ConnectionTrait,
    query: Select<submission::Entity>,
) -> Result<Vec<Submission>, StoreError> {
    query
        .into_model::<SubmissionRow>()
        .all(db)
        .await?
        .into_iter()
        .map(submission_of)
        .collect()
}

/// A page of submissions the viewer may see, newest first, and whether more follow.
pub async fn list(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    filter: &SubmissionFilter,
    first: u64,
) -> Result<(Vec<Submission>, bool), StoreError> {
    let mut query = submissions()
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
    let mut rows = read_submissions(db, query).await?;
    let more = rows.len() as u64 > first;
    rows.truncate(usize::try_from(first).unwrap_or(usize::MAX));
    Ok((rows, more))
}

/// One submission by id (visibility is the caller's to check).
pub async fn get(db: &impl ConnectionTrait, id: i64) -> Result<Option<Submission>, StoreError> {
    Ok(
        read_submissions(db, submissions().filter(submission::Column::Id.eq(id)))
            .await?
            .into_iter()
            .next(),
    )
}

/// Some submissions by id.
pub async fn get_many(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<Vec<Submission>, StoreError> {
    let mut out = Vec::new();
    for chunk in ids.chunks(IN_CHUNK) {
        out.extend(
            read_submissions(
                db,
                submissions().filter(submission::Column::Id.is_in(chunk.iter().copied())),
            )
            .await?,
        );
    }
    Ok(out)
}

/// The raw documents and receipts (JSON) of some submissions, by id.
pub async fn documents_of(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<BTreeMap<i64, (String, String)>, StoreError> {
    let mut out = BTreeMap::new();
    for chunk in ids.chunks(IN_CHUNK) {
        let rows: Vec<(i64, String, String)> = submission::Entity::find()
            .select_only()
            .columns([
                submission::Column::Id,
                submission::Column::RawDocument,
                submission::Column::Receipt,
            ])
            .filter(submission::Column::Id.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db)
            .await?;
        out.extend(
            rows.into_iter()
                .map(|(id, raw, receipt)| (id, (raw, receipt))),
        );
    }
    Ok(out)
}

/// A stored document as the hub's feed serves it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedDocument {
    pub id: i64,
    pub country: String,
    pub received_at: DateTime<Utc>,
    pub raw_document: String,
}

/// Stored documents after submission `since`, oldest first, at most `limit`.
pub async fn feed_documents(
    db: &impl ConnectionTrait,
    since: Option<i64>,
    limit: u64,
) -> Result<Vec<FeedDocument>, StoreError> {
    let mut query = submission::Entity::find()
        .select_only()
        .columns([
            submission::Column::Id,
            submission::Column::Country,
            submission::Column::ReceivedAt,
            submission::Column::RawDocument,
        ])
        .order_by_asc(submission::Column::Id)
        .limit(limit);
    if let Some(since) = since {
        query = query.filter(submission::Column::Id.gt(since));
    }
    let rows: Vec<(i64, String, DateTime<Utc>, String)> = query.into_tuple().all(db).await?;
    Ok(rows
        .into_iter()
        .map(|(id, country, received_at, raw_document)| FeedDocument {
            id,
            country,
            received_at,
            raw_document,
        })
        .collect())
}

/// The current BOS of a country: of its current BOS revisions, the one whose cycle starts last.
pub async fn current_bos(
    db: &impl ConnectionTrait,
    country: &str,
) -> Result<Option<Submission>, StoreError> {
    let query = submissions()
        .filter(submission::Column::DocumentType.eq(DocumentType::Bos.as_str()))
        .filter(submission::Column::Country.eq(country))
        .filter(submission::Column::IsCurrent.eq(true))
        .order_by_desc(submission::Column::CycleStart)
        .order_by_desc(submission::Column::Id)
        .limit(1);
    Ok(read_submissions(db, query).await?.into_iter().next())
}

/// The planned cost avoidance of every country's current BOS (as [`current_bos`] picks it).
/// Storing a BOS advances the reference version, so a copy held per reference version is
/// never stale.
pub async fn current_bos_plans(db: &impl ConnectionTrait) -> Result<Vec<PlannedCa>, StoreError> {
    let strategies: Vec<(i64, String, Option<i32>)> = submission::Entity::find()
        .select_only()
        .columns([
            submission::Column::Id,
            submission::Column::Country,
            submission::Column::CycleStart,
        ])
        .filter(submission::Column::DocumentType.eq(DocumentType::Bos.as_str()))
        .filter(submission::Column::IsCurrent.eq(true))
        .into_tuple()
        .all(db)
        .await?;
    let mut current: BTreeMap<String, (Option<i32>, i64)> = BTreeMap::new();
    for (id, country, cycle_start) in strategies {
        let latest = current.entry(country).or_insert((cycle_start, id));
        if (cycle_start, id) > *latest {
            *latest = (cycle_start, id);
        }
    }
    let ids: Vec<i64> = current.values().map(|(_, id)| *id).collect();
    planned_of(db, &ids, None).await
}

/// A country's current KPI report for the latest period it reported.
pub async fn latest_report(
    db: &impl ConnectionTrait,
    country: &str,
) -> Result<Option<Submission>, StoreError> {
    // `YYYY-Qn` text sorts like the periods it names.
    let query = submissions()
        .filter(submission::Column::DocumentType.eq(DocumentType::KpiReport.as_str()))
        .filter(submission::Column::Country.eq(country))
        .filter(submission::Column::IsCurrent.eq(true))
        .order_by_desc(submission::Column::Period)
        .limit(1);
    Ok(read_submissions(db, query).await?.into_iter().next())
}
