//! Submissions: the submit mutations, their receipts, and reading stored submissions back with
//! their values and lineage. Lists ask the application for the parts their selection names, so
//! a page costs the same few queries whatever its length.

use async_graphql::connection::Connection;
use async_graphql::{Context, ID, Json, Object, SimpleObject};
use chrono::{DateTime, Utc};
use hub_app::submissions::{
    CommonService, DocumentSource, Options, PlannedCa, Problem, Receipt, SourcedValue,
    SubmissionDetails, SubmissionFilter, SubmissionParts, SubmitRequest,
};
use hub_domain::Decimal;
use hub_domain::access::Classification;
use hub_domain::catalogue::ServiceLine;
use hub_domain::submission::{
    CommonServiceStatus, DocumentType, Modality, SourceKind, StockTakeAction, SubmissionStatus,
    ValueFlag,
};

use super::limits;
use super::{context, metrics, paging};
use crate::error::{ApiError, GqlResult};

/// A problem at a JSON pointer of a document.
#[derive(SimpleObject, Debug, Clone)]
#[graphql(name = "Problem")]
pub struct ProblemView {
    /// JSON pointer into the document (empty for the whole document).
    pub pointer: String,
    /// Stable code of the problem.
    pub code: String,
    /// What is wrong and how to fix it, in English.
    pub message: String,
    /// The same in Spanish, where the hub has it (schema errors, outliers, rule violations).
    pub message_es: Option<String>,
    /// The JSON Schema keyword that failed, for schema errors.
    pub keyword: Option<String>,
    /// The validator's own words, for machines (schema errors).
    pub detail: Option<String>,
    /// The validation rule broken, for `RULE_VIOLATION`.
    pub rule: Option<String>,
    /// The spreadsheet cell the problem came from (e.g. `Values!C7`), for a workbook.
    pub cell: Option<String>,
}

impl From<Problem> for ProblemView {
    fn from(p: Problem) -> Self {
        Self {
            pointer: p.pointer,
            code: p.code,
            message: p.message,
            message_es: p.message_es,
            keyword: p.keyword,
            detail: p.detail,
            rule: p.rule,
            cell: p.cell,
        }
    }
}

/// The workbook a document was made from (DESIGN §14).
#[derive(SimpleObject, Debug, Clone)]
#[graphql(name = "WorkbookLineage")]
pub struct WorkbookView {
    /// The file name the sender gave.
    pub name: String,
    /// SHA-256 of the workbook's bytes, hex.
    pub sha256: String,
}

/// What the hub did with a submitted document.
#[derive(SimpleObject, Debug, Clone)]
#[graphql(name = "SubmissionReceipt")]
pub struct ReceiptView {
    /// The stored submission (the existing one for a duplicate); null when nothing was stored.
    pub id: Option<ID>,
    pub status: SubmissionStatus,
    pub document_type: Option<String>,
    pub country: Option<String>,
    pub period: Option<String>,
    /// `start-end` of a BOS cycle.
    pub cycle: Option<String>,
    pub revision: Option<i32>,
    /// Number of values stored.
    pub accepted_values: i32,
    /// Values rejected one by one.
    #[graphql(complexity = "limits::bounded(limits::size::MANY, child_complexity)")]
    pub rejected_values: Vec<ProblemView>,
    /// Marks on stored values (stale or missing rates, unknown agencies).
    #[graphql(complexity = "limits::bounded(limits::size::MANY, child_complexity)")]
    pub warnings: Vec<ProblemView>,
    /// Problems that rejected the whole document.
    #[graphql(complexity = "limits::bounded(limits::size::MANY, child_complexity)")]
    pub errors: Vec<ProblemView>,
    pub received_at: Option<DateTime<Utc>>,
    pub dry_run: bool,
    /// Whether this replays the first response to the idempotency key.
    pub replayed: bool,
}

fn views(problems: Vec<Problem>) -> Vec<ProblemView> {
    problems.into_iter().map(ProblemView::from).collect()
}

impl From<Receipt> for ReceiptView {
    fn from(r: Receipt) -> Self {
        Self {
            id: r.id.map(ID::from),
            status: r.status,
            document_type: r.document_type,
            country: r.country,
            period: r.period,
            cycle: r.cycle,
            revision: r.revision,
            accepted_values: i32::try_from(r.accepted_values).unwrap_or(i32::MAX),
            rejected_values: views(r.rejected_values),
            warnings: views(r.warnings),
            errors: views(r.errors),
            received_at: r.received_at,
            dry_run: r.dry_run,
            replayed: r.replayed,
        }
    }
}

/// Where a document came from.
#[derive(SimpleObject, Debug, Clone)]
pub struct SubmissionSource {
    pub kind: SourceKind,
    /// Token label, federation source name, or `demo`.
    pub name: String,
    /// The federation source, for pulled documents.
    pub source_id: Option<ID>,
}

impl From<&DocumentSource> for SubmissionSource {
    fn from(source: &DocumentSource) -> Self {
        Self {
            kind: source.kind,
            name: source.name.clone(),
            source_id: source.id.map(ID::from),
        }
    }
}

/// The mapping version applied to a value.
#[derive(SimpleObject, Debug, Clone)]
pub struct AppliedMapping {
    pub id: ID,
    pub version: i32,
    pub factor: Decimal,
    pub offset: Decimal,
}

/// A stored KPI value with its lineage.
#[derive(Debug, Clone)]
pub struct ValueView(pub SourcedValue);

#[Object(name = "StoredValue")]
impl ValueView {
    async fn id(&self) -> ID {
        ID::from(self.0.value.id)
    }
    /// Regional KPI code.
    async fn kpi(&self) -> &str {
        &self.0.value.kpi
    }
    /// The code as the document wrote it (a local code when a mapping applied).
    async fn reported_kpi(&self) -> &str {
        &self.0.value.reported_kpi
    }
    async fn period(&self) -> String {
        self.0.value.period.to_string()
    }
    async fn country(&self) -> &str {
        &self.0.value.country
    }
    async fn common_service(&self) -> Option<&str> {
        self.0.value.common_service.as_deref()
    }
    async fn service_line(&self) -> Option<ServiceLine> {
        self.0.value.service_line
    }
    /// Harmonized value in the KPI's unit (USD for money); null for money without a rate.
    async fn value(&self) -> Option<Decimal> {
        self.0.value.value
    }
    /// The value as reported, in the document's unit and currency.
    async fn reported_value(&self) -> Decimal {
        self.0.value.reported_value
    }
    /// The document currency, for money values.
    async fn currency(&self) -> Option<&str> {
        self.0.value.currency.as_deref()
    }
    /// Units of `currency` per USD used for the conversion.
    async fn fx_rate(&self) -> Option<Decimal> {
        self.0.value.fx_rate
    }
    /// The month whose rate was used (`YYYY-MM`).
    async fn fx_month(&self) -> Option<String> {
        self.0.value.fx_month.map(|m| m.to_string())
    }
    async fn baseline(&self) -> Option<Decimal> {
        self.0.value.baseline
    }
    async fn target(&self) -> Option<Decimal> {
        self.0.value.target
    }
    /// Weight of the value for weighted means.
    async fn denominator(&self) -> Option<Decimal> {
        self.0.value.denominator
    }
    async fn classification(&self) -> Classification {
        self.0.value.classification
    }
    async fn flags(&self) -> &[ValueFlag] {
        &self.0.value.flags
    }
    async fn mapping(&self) -> Option<AppliedMapping> {
        self.0.value.mapping.as_ref().map(|m| AppliedMapping {
            id: ID::from(m.id),
            version: m.version,
            factor: m.factor,
            offset: m.offset,
        })
    }
    /// JSON pointer of the value in its document.
    async fn pointer(&self) -> &str {
        &self.0.value.pointer
    }
    async fn comment(&self) -> Option<&str> {
        self.0.value.comment.as_deref()
    }
    async fn revision(&self) -> i32 {
        self.0.value.revision
    }
    async fn submission_id(&self) -> ID {
        ID::from(self.0.value.submission_id)
    }
    /// Whether the value belongs to the current revision.
    async fn current(&self) -> bool {
        self.0.value.is_current
    }
    async fn received_at(&self) -> DateTime<Utc> {
        self.0.value.received_at
    }
    async fn source(&self) -> SubmissionSource {
        SubmissionSource::from(&self.0.source)
    }
}

/// A common service as a document listed it.
#[derive(Debug, Clone)]
pub struct CommonServiceView(pub CommonService);

#[Object(name = "CommonService")]
impl CommonServiceView {
    async fn id(&self) -> &str {
        &self.0.service_id
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn country(&self) -> &str {
        &self.0.country
    }
    async fn service_line(&self) -> ServiceLine {
        self.0.service_line
    }
    async fn lead_agency(&self) -> &str {
        &self.0.lead_agency
    }
    async fn client_agencies(&self) -> &[String] {
        &self.0.client_agencies
    }
    /// State in a KPI report.
    async fn status(&self) -> Option<CommonServiceStatus> {
        self.0.status
    }
    /// In-house or outsourced (BOS).
    async fn modality(&self) -> Option<Modality> {
        self.0.modality
    }
    /// The BOS stock-take decision.
    async fn stock_take_action(&self) -> Option<StockTakeAction> {
        self.0.stock_take_action
    }
    /// Priority ratio of the CBA: annual benefit / (one-time cost + annual cost), money plus
    /// labour; null without a CBA or when the costs are 0.
    async fn priority_ratio(&self) -> Option<Decimal> {
        let cba = self.0.cba.as_ref()?;
        hub_domain::money::cba_priority_ratio(
            [cba.annual_benefit_monetary, cba.annual_benefit_labour],
            [
                cba.one_time_monetary,
                cba.one_time_labour,
                cba.annual_cost_monetary,
                cba.annual_cost_labour,
            ],
        )
    }
}

/// Planned cost avoidance of a BOS service for one year.
#[derive(Debug, Clone)]
pub struct PlannedView(pub PlannedCa);

#[Object(name = "PlannedCostAvoidance")]
impl PlannedView {
    async fn common_service(&self) -> &str {
        &self.0.service_id
    }
    async fn year(&self) -> i32 {
        self.0.year
    }
    /// In the BOS currency.
    async fn amount(&self) -> Decimal {
        self.0.amount
    }
    async fn currency(&self) -> &str {
        &self.0.currency
    }
}

/// A stored revision of a document.
#[derive(Debug, Clone)]
pub struct SubmissionView(pub SubmissionDetails);

#[Object(name = "Submission")]
impl SubmissionView {
    async fn id(&self) -> ID {
        ID::from(self.0.submission.id)
    }
    async fn document_type(&self) -> DocumentType {
        self.0.submission.document_type
    }
    async fn country(&self) -> &str {
        &self.0.submission.country
    }
    /// The quarter of a KPI report.
    async fn period(&self) -> Option<String> {
        self.0.submission.period.map(|p| p.to_string())
    }
    /// `start-end` of a BOS.
    async fn cycle(&self) -> Option<String> {
        self.0
            .submission
            .cycle
            .map(|(start, end)| format!("{start}-{end}"))
    }
    async fn revision(&self) -> i32 {
        self.0.submission.revision
    }
    async fn status(&self) -> SubmissionStatus {
        self.0.submission.status
    }
    async fn schema_version(&self) -> &str {
        &self.0.submission.schema_version
    }
    async fn classification(&self) -> Classification {
        self.0.submission.classification
    }
    async fn currency(&self) -> Option<&str> {
        self.0.submission.currency.as_deref()
    }
    async fn received_at(&self) -> DateTime<Utc> {
        self.0.submission.received_at
    }
    /// Whether this is the current revision of its country and period (or cycle).
    async fn current(&self) -> bool {
        self.0.submission.is_current
    }
    /// The revision that replaced this one.
    async fn superseded_by(&self) -> Option<ID> {
        self.0.submission.superseded_by.map(ID::from)
    }
    async fn source(&self) -> SubmissionSource {
        SubmissionSource::from(&self.0.submission.source)
    }
    /// The workbook this document was made from, when it came as one.
    async fn workbook(&self) -> Option<WorkbookView> {
        self.0.submission.workbook.as_ref().map(|w| WorkbookView {
            name: w.name.clone(),
            sha256: w.sha256.clone(),
        })
    }
    async fn accepted_values(&self) -> i32 {
        self.0.submission.accepted_values
    }
    /// The receipt the sender got.
    async fn receipt(&self) -> GqlResult<ReceiptView> {
        Ok(self.0.receipt()?.clone().into())
    }
    /// The document exactly as received; null when it holds values the caller may not see.
    #[graphql(complexity = "limits::size::DOCUMENT")]
    async fn document(&self) -> GqlResult<Option<Json<serde_json::Value>>> {
        Ok(self.0.document()?.cloned().map(Json))
    }
    /// The values stored from this document that the caller may see, with lineage.
    #[graphql(complexity = "limits::bounded(limits::size::MANY, child_complexity)")]
    async fn values(&self) -> GqlResult<Vec<ValueView>> {
        Ok(self.0.values()?.into_iter().map(ValueView).collect())
    }
    /// The common services the document listed.
    #[graphql(complexity = "limits::bounded(limits::size::FEW, child_complexity)")]
    async fn common_services(&self) -> GqlResult<Vec<CommonServiceView>> {
        Ok(self
            .0
            .common_services()?
            .iter()
            .cloned()
            .map(CommonServiceView)
            .collect())
    }
    /// Planned cost avoidance (BOS only).
    #[graphql(complexity = "limits::bounded(limits::size::MANY, child_complexity)")]
    async fn planned_cost_avoidance(&self) -> GqlResult<Vec<PlannedView>> {
        Ok(self.0.planned()?.iter().cloned().map(PlannedView).collect())
    }
}

/// The parts of a submission that `selection` (a `Submission` field's selection) names.
pub(crate) fn parts_of(selection: async_graphql::Lookahead<'_>) -> SubmissionParts {
    SubmissionParts {
        values: selection.field("values").exists(),
        common_services: selection.field("commonServices").exists(),
        planned: selection.field("plannedCostAvoidance").exists(),
        documents: selection.field("receipt").exists() || selection.field("document").exists(),
    }
}

/// The parts either selection names.
fn either(a: SubmissionParts, b: SubmissionParts) -> SubmissionParts {
    SubmissionParts {
        values: a.values || b.values,
        common_services: a.common_services || b.common_services,
        planned: a.planned || b.planned,
        documents: a.documents || b.documents,
    }
}

#[derive(Default, Debug)]
pub struct SubmissionQuery;

#[Object]
impl SubmissionQuery {
    /// Submissions the caller may see, newest first.
    #[graphql(complexity = "limits::page(first, child_complexity)")]
    async fn submissions(
        &self,
        ctx: &Context<'_>,
        country: Option<String>,
        period: Option<String>,
        document_type: Option<DocumentType>,
        #[graphql(default = 50)] first: i32,
        after: Option<String>,
    ) -> GqlResult<Connection<String, SubmissionView>> {
        let (app, caller) = context(ctx)?;
        let first = paging::page_size(first)?;
        let filter = SubmissionFilter {
            country: country.map(|c| c.to_uppercase()),
            period,
            document_type,
            before_id: after
                .as_deref()
                .map(|c| paging::decode("submission", c))
                .transpose()?,
        };
        // A page's submissions are reached through `edges { node }` or `nodes`, or both.
        let look = ctx.look_ahead();
        let parts = either(
            parts_of(look.field("edges").field("node")),
            parts_of(look.field("nodes")),
        );
        let page = app.submissions(caller, &filter, first, parts).await?;
        Ok(paging::connection(
            "submission",
            page.submissions,
            page.more,
            filter.before_id,
            |s| s.submission.id,
            SubmissionView,
        ))
    }

    /// One submission, or null when it does not exist or the caller may not see it.
    async fn submission(&self, ctx: &Context<'_>, id: ID) -> GqlResult<Option<SubmissionView>> {
        let (app, caller) = context(ctx)?;
        let parts = parts_of(ctx.look_ahead());
        Ok(app
            .submission(caller, paging::parse_id("id", &id)?, parts)
            .await?
            .map(SubmissionView))
    }
}

async fn submit(
    ctx: &Context<'_>,
    document: serde_json::Value,
    expected: DocumentType,
    idempotency_key: Option<String>,
    options: Options,
) -> GqlResult<ReceiptView> {
    let (app, caller) = context(ctx)?;
    let body = serde_json::to_vec(&document)
        .map_err(|e| ApiError::Internal(format!("re-encoding the document: {e}")))?;
    let outcome = app
        .submit(
            caller,
            SubmitRequest {
                body: &body,
                content: hub_app::submissions::Content::Json,
                expected: Some(expected),
                options,
                idempotency_key: idempotency_key.as_deref(),
            },
        )
        .await?;
    metrics(ctx)?.count("hub_submissions_total", outcome.receipt.status.as_str());
    Ok(outcome.receipt.into())
}

#[derive(Default, Debug)]
pub struct SubmissionMutation;

#[Object]
impl SubmissionMutation {
    /// Submits a quarterly KPI report (COUNTRY token for its own country, or ADMIN).
    async fn submit_kpi_report(
        &self,
        ctx: &Context<'_>,
        document: Json<serde_json::Value>,
        idempotency_key: Option<String>,
        #[graphql(default = false)] dry_run: bool,
        #[graphql(default = false)] strict: bool,
    ) -> GqlResult<ReceiptView> {
        submit(
            ctx,
            document.0,
            DocumentType::KpiReport,
            idempotency_key,
            Options { dry_run, strict },
        )
        .await
    }

    /// Submits a Business Operations Strategy (COUNTRY token for its own country, or ADMIN).
    async fn submit_bos(
        &self,
        ctx: &Context<'_>,
        document: Json<serde_json::Value>,
        idempotency_key: Option<String>,
        #[graphql(default = false)] dry_run: bool,
    ) -> GqlResult<ReceiptView> {
        submit(
            ctx,
            document.0,
            DocumentType::Bos,
            idempotency_key,
            Options {
                dry_run,
                strict: false,
            },
        )
        .await
    }
}
