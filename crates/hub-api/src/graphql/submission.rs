//! Submissions: the submit mutations, their receipts, and reading stored submissions back with
//! their values and lineage.

use async_graphql::connection::Connection;
use async_graphql::{Context, ID, Json, Object, SimpleObject};
use chrono::{DateTime, Utc};
use hub_domain::Decimal;
use hub_domain::access::{Classification, Role, Viewer};
use hub_domain::catalogue::ServiceLine;
use hub_domain::codes::CountryCode;
use hub_domain::submission::{DocumentType, SourceKind, SubmissionStatus, ValueFlag};
use hub_ingest::{Options, Origin, Problem, Receipt};
use hub_store::entity::{bos_planned_ca, common_service, kpi_value, submission};
use hub_store::submissions::{self, SubmissionFilter};

use super::limits;
use super::{context, paging};
use crate::error::{ApiError, GqlResult};
use crate::state::AppState;

/// A problem at a JSON pointer of a document.
#[derive(SimpleObject, Debug, Clone)]
#[graphql(name = "Problem")]
pub struct ProblemView {
    /// JSON pointer into the document (empty for the whole document).
    pub pointer: String,
    /// Stable code of the problem.
    pub code: String,
    pub message: String,
    /// The JSON Schema keyword that failed, for schema errors.
    pub keyword: Option<String>,
}

impl From<Problem> for ProblemView {
    fn from(p: Problem) -> Self {
        Self {
            pointer: p.pointer,
            code: p.code,
            message: p.message,
            keyword: p.keyword,
        }
    }
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

pub(crate) fn decimal(text: &str) -> Result<Decimal, ApiError> {
    text.parse()
        .map_err(|e| ApiError::Internal(format!("stored decimal {text:?}: {e}")))
}

pub(crate) fn decimal_opt(text: Option<&str>) -> Result<Option<Decimal>, ApiError> {
    text.map(decimal).transpose()
}

fn parse_stored<T: std::str::FromStr>(text: &str) -> Result<T, ApiError>
where
    T::Err: std::fmt::Display,
{
    text.parse()
        .map_err(|e| ApiError::Internal(format!("stored value {text:?}: {e}")))
}

fn can_see(viewer: &Viewer, classification: &str, country: &str) -> Result<bool, ApiError> {
    let classification: Classification = parse_stored(classification)?;
    Ok(CountryCode::parse(country).is_ok_and(|c| viewer.can_see(classification, &c)))
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
pub struct StoredValue {
    pub row: kpi_value::Model,
    pub source: SubmissionSource,
}

#[Object]
impl StoredValue {
    async fn id(&self) -> ID {
        ID::from(self.row.id)
    }
    /// Regional KPI code.
    async fn kpi(&self) -> &str {
        &self.row.kpi
    }
    /// The code as the document wrote it (a local code when a mapping applied).
    async fn reported_kpi(&self) -> &str {
        &self.row.reported_kpi
    }
    async fn period(&self) -> &str {
        &self.row.period
    }
    async fn country(&self) -> &str {
        &self.row.country
    }
    async fn common_service(&self) -> Option<&str> {
        self.row.common_service.as_deref()
    }
    async fn service_line(&self) -> GqlResult<Option<ServiceLine>> {
        self.row
            .service_line
            .as_deref()
            .map(parse_stored)
            .transpose()
    }
    /// Harmonized value in the KPI's unit (USD for money); null for money without a rate.
    async fn value(&self) -> GqlResult<Option<Decimal>> {
        decimal_opt(self.row.value.as_deref())
    }
    /// The value as reported, in the document's unit and currency.
    async fn reported_value(&self) -> GqlResult<Decimal> {
        decimal(&self.row.reported_value)
    }
    /// The document currency, for money values.
    async fn currency(&self) -> Option<&str> {
        self.row.currency.as_deref()
    }
    /// Units of `currency` per USD used for the conversion.
    async fn fx_rate(&self) -> GqlResult<Option<Decimal>> {
        decimal_opt(self.row.fx_rate.as_deref())
    }
    /// The month whose rate was used (`YYYY-MM`).
    async fn fx_month(&self) -> Option<&str> {
        self.row.fx_month.as_deref()
    }
    async fn baseline(&self) -> GqlResult<Option<Decimal>> {
        decimal_opt(self.row.baseline.as_deref())
    }
    async fn target(&self) -> GqlResult<Option<Decimal>> {
        decimal_opt(self.row.target.as_deref())
    }
    /// Weight of the value for weighted means.
    async fn denominator(&self) -> GqlResult<Option<Decimal>> {
        decimal_opt(self.row.denominator.as_deref())
    }
    async fn classification(&self) -> GqlResult<Classification> {
        parse_stored(&self.row.classification)
    }
    async fn flags(&self) -> GqlResult<Vec<ValueFlag>> {
        self.row
            .flags
            .split(',')
            .filter(|f| !f.is_empty())
            .map(parse_stored)
            .collect()
    }
    async fn mapping(&self) -> GqlResult<Option<AppliedMapping>> {
        let row = &self.row;
        Ok(match (row.mapping_id, row.mapping_version) {
            (Some(id), Some(version)) => Some(AppliedMapping {
                id: ID::from(id),
                version,
                factor: decimal_opt(row.mapping_factor.as_deref())?.unwrap_or(Decimal::ONE),
                offset: decimal_opt(row.mapping_offset.as_deref())?.unwrap_or(Decimal::ZERO),
            }),
            _ => None,
        })
    }
    /// JSON pointer of the value in its document.
    async fn pointer(&self) -> &str {
        &self.row.pointer
    }
    async fn comment(&self) -> Option<&str> {
        self.row.comment.as_deref()
    }
    async fn revision(&self) -> i32 {
        self.row.revision
    }
    async fn submission_id(&self) -> ID {
        ID::from(self.row.submission_id)
    }
    /// Whether the value belongs to the current revision.
    async fn current(&self) -> bool {
        self.row.is_current
    }
    async fn received_at(&self) -> DateTime<Utc> {
        self.row.received_at
    }
    async fn source(&self) -> &SubmissionSource {
        &self.source
    }
}

/// A common service as a document listed it.
#[derive(Debug, Clone)]
pub struct CommonServiceView(pub common_service::Model);

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
    async fn service_line(&self) -> GqlResult<ServiceLine> {
        parse_stored(&self.0.service_line)
    }
    async fn lead_agency(&self) -> &str {
        &self.0.lead_agency
    }
    async fn client_agencies(&self) -> Vec<&str> {
        self.0
            .client_agencies
            .split(';')
            .filter(|a| !a.is_empty())
            .collect()
    }
    /// State in a KPI report (ACTIVE, PLANNED ...).
    async fn status(&self) -> Option<&str> {
        self.0.status.as_deref()
    }
    /// IN_HOUSE or OUTSOURCED (BOS).
    async fn modality(&self) -> Option<&str> {
        self.0.modality.as_deref()
    }
    /// The BOS stock-take decision.
    async fn stock_take_action(&self) -> Option<&str> {
        self.0.stock_take_action.as_deref()
    }
    /// Priority ratio of the CBA: annual benefit / (one-time cost + annual cost), money plus
    /// labour; null without a CBA or when the costs are 0.
    async fn priority_ratio(&self) -> GqlResult<Option<Decimal>> {
        let s = &self.0;
        let parts = [
            &s.annual_benefit_monetary,
            &s.annual_benefit_labour,
            &s.one_time_monetary,
            &s.one_time_labour,
            &s.annual_cost_monetary,
            &s.annual_cost_labour,
        ];
        let mut numbers = Vec::with_capacity(6);
        for part in parts {
            match decimal_opt(part.as_deref())? {
                Some(n) => numbers.push(n),
                None => return Ok(None),
            }
        }
        Ok(hub_domain::money::cba_priority_ratio(
            [numbers[0], numbers[1]],
            [numbers[2], numbers[3], numbers[4], numbers[5]],
        ))
    }
}

/// Planned cost avoidance of a BOS service for one year.
#[derive(Debug, Clone)]
pub struct PlannedView(pub bos_planned_ca::Model);

#[Object(name = "PlannedCostAvoidance")]
impl PlannedView {
    async fn common_service(&self) -> &str {
        &self.0.service_id
    }
    async fn year(&self) -> i32 {
        self.0.year
    }
    /// In the BOS currency.
    async fn amount(&self) -> GqlResult<Decimal> {
        decimal(&self.0.amount)
    }
    async fn currency(&self) -> &str {
        &self.0.currency
    }
}

/// A stored revision of a document.
#[derive(Debug, Clone)]
pub struct SubmissionView(pub submission::Model);

impl SubmissionView {
    pub(crate) fn lineage_source(&self) -> SubmissionSource {
        SubmissionSource {
            kind: self.0.source_kind.parse().unwrap_or(SourceKind::Push),
            name: self.0.source_name.clone(),
            source_id: self.0.source_id.map(ID::from),
        }
    }
}

#[Object(name = "Submission")]
impl SubmissionView {
    async fn id(&self) -> ID {
        ID::from(self.0.id)
    }
    async fn document_type(&self) -> GqlResult<DocumentType> {
        parse_stored(&self.0.document_type)
    }
    async fn country(&self) -> &str {
        &self.0.country
    }
    /// The quarter of a KPI report.
    async fn period(&self) -> Option<&str> {
        self.0.period.as_deref()
    }
    /// `start-end` of a BOS.
    async fn cycle(&self) -> Option<String> {
        self.0
            .cycle_start
            .zip(self.0.cycle_end)
            .map(|(s, e)| format!("{s}-{e}"))
    }
    async fn revision(&self) -> i32 {
        self.0.revision
    }
    async fn status(&self) -> GqlResult<SubmissionStatus> {
        parse_stored(&self.0.status)
    }
    async fn schema_version(&self) -> &str {
        &self.0.schema_version
    }
    async fn classification(&self) -> GqlResult<Classification> {
        parse_stored(&self.0.classification)
    }
    async fn currency(&self) -> Option<&str> {
        self.0.currency.as_deref()
    }
    async fn received_at(&self) -> DateTime<Utc> {
        self.0.received_at
    }
    /// Whether this is the current revision of its country and period (or cycle).
    async fn current(&self) -> bool {
        self.0.is_current
    }
    /// The revision that replaced this one.
    async fn superseded_by(&self) -> Option<ID> {
        self.0.superseded_by.map(ID::from)
    }
    async fn source(&self) -> SubmissionSource {
        self.lineage_source()
    }
    async fn accepted_values(&self) -> i32 {
        self.0.accepted_values
    }
    /// The receipt the sender got.
    async fn receipt(&self) -> GqlResult<ReceiptView> {
        let receipt: Receipt = serde_json::from_str(&self.0.receipt)
            .map_err(|e| ApiError::Internal(format!("stored receipt: {e}")))?;
        Ok(receipt.into())
    }
    /// The document exactly as received; null when it holds values the caller may not see.
    #[graphql(complexity = "limits::size::DOCUMENT")]
    async fn document(&self, ctx: &Context<'_>) -> GqlResult<Option<Json<serde_json::Value>>> {
        let (_, caller) = context(ctx)?;
        let viewer = caller.viewer();
        let document: serde_json::Value = serde_json::from_str(&self.0.raw_document)
            .map_err(|e| ApiError::Internal(format!("stored document: {e}")))?;
        let classes = std::iter::once(document.get("classification")).chain(
            document
                .get("values")
                .and_then(|v| v.as_array())
                .into_iter()
                .flatten()
                .map(|v| v.get("classification")),
        );
        for class in classes.flatten().filter_map(|c| c.as_str()) {
            if !can_see(&viewer, class, &self.0.country)? {
                return Ok(None);
            }
        }
        Ok(Some(Json(document)))
    }
    /// The values stored from this document that the caller may see, with lineage.
    #[graphql(complexity = "limits::bounded(limits::size::MANY, child_complexity)")]
    async fn values(&self, ctx: &Context<'_>) -> GqlResult<Vec<StoredValue>> {
        let (app, caller) = context(ctx)?;
        let viewer = caller.viewer();
        let source = self.lineage_source();
        let mut values = Vec::new();
        for row in submissions::values_of(app.db(), self.0.id).await? {
            if can_see(&viewer, &row.classification, &row.country)? {
                values.push(StoredValue {
                    row,
                    source: source.clone(),
                });
            }
        }
        Ok(values)
    }
    /// The common services the document listed.
    #[graphql(complexity = "limits::bounded(limits::size::FEW, child_complexity)")]
    async fn common_services(&self, ctx: &Context<'_>) -> GqlResult<Vec<CommonServiceView>> {
        let (app, _) = context(ctx)?;
        Ok(submissions::services_of(app.db(), self.0.id)
            .await?
            .into_iter()
            .map(CommonServiceView)
            .collect())
    }
    /// Planned cost avoidance (BOS only).
    #[graphql(complexity = "limits::bounded(limits::size::MANY, child_complexity)")]
    async fn planned_cost_avoidance(&self, ctx: &Context<'_>) -> GqlResult<Vec<PlannedView>> {
        let (app, _) = context(ctx)?;
        Ok(submissions::planned_of(app.db(), self.0.id)
            .await?
            .into_iter()
            .map(PlannedView)
            .collect())
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
        if let Some(period) = &period {
            period
                .parse::<hub_domain::period::Period>()
                .map_err(|e| ApiError::invalid("period", e))?;
        }
        let filter = SubmissionFilter {
            country: country.map(|c| c.to_uppercase()),
            period,
            document_type,
            before_id: after
                .as_deref()
                .map(|c| paging::decode("submission", c))
                .transpose()?,
        };
        let (rows, more) = submissions::list(app.db(), &caller.viewer(), &filter, first).await?;
        Ok(paging::connection(
            "submission",
            rows,
            more,
            filter.before_id,
            |r| r.id,
            SubmissionView,
        ))
    }

    /// One submission, or null when it does not exist or the caller may not see it.
    async fn submission(&self, ctx: &Context<'_>, id: ID) -> GqlResult<Option<SubmissionView>> {
        let (app, caller) = context(ctx)?;
        let Some(row) = submissions::get(app.db(), paging::parse_id("id", &id)?).await? else {
            return Ok(None);
        };
        if !can_see(&caller.viewer(), &row.classification, &row.country)? {
            return Ok(None);
        }
        Ok(Some(SubmissionView(row)))
    }
}

async fn submit(
    app: &AppState,
    caller: &crate::auth::Caller,
    document: serde_json::Value,
    expected: DocumentType,
    idempotency_key: Option<String>,
    options: Options,
) -> GqlResult<ReceiptView> {
    let principal = caller.require(&[Role::Admin, Role::Country], "submitting documents")?;
    let body = serde_json::to_vec(&document)
        .map_err(|e| ApiError::Internal(format!("re-encoding the document: {e}")))?;
    let request_id = crate::request::current_id();
    let origin = Origin::Push(principal.clone());
    let outcome = app
        .ingestor()
        .submit(
            app.db(),
            hub_ingest::Request {
                body: &body,
                expected: Some(expected),
                origin: &origin,
                options,
                idempotency_key: idempotency_key.as_deref(),
                received_at: None,
                request_id: Some(&request_id),
            },
        )
        .await?;
    app.metrics()
        .count("hub_submissions_total", outcome.receipt.status.as_str());
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
        let (app, caller) = context(ctx)?;
        submit(
            app,
            caller,
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
        let (app, caller) = context(ctx)?;
        submit(
            app,
            caller,
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
