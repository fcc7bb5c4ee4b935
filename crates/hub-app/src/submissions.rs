//! Submissions (DESIGN §5–§8): pushing a document through the ingestion pipeline, and reading
//! stored submissions back with their values, common services and lineage, as far as the
//! caller's clearance goes. Lists load what their fields need set-based: a page of submissions
//! costs the same few queries whatever its length.

use std::collections::{BTreeMap, HashMap};

use hub_domain::access::{Action, Viewer};
use hub_domain::period::Period;
use hub_domain::submission::DocumentType;
use hub_ingest::Origin;
use hub_store::submissions;
use serde_json::Value;

use crate::error::{AppError, AppResult};
use crate::figures::dataset::visible;
use crate::{App, Caller};

pub use hub_ingest::workbook::XLSX_CONTENT_TYPE;
pub use hub_ingest::{Options, Outcome, Problem, Receipt};
pub use hub_store::submissions::{
    AppliedMapping, Cba, CommonService, PlannedCa, Source as DocumentSource, StoredValue,
    Submission, SubmissionFilter, WorkbookLineage,
};

/// What a submission's body is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Content<'a> {
    /// A JSON document.
    #[default]
    Json,
    /// An XLSX workbook laid out as the templates are, with the file name the sender gave.
    Workbook { name: &'a str },
}

/// A document to push.
#[derive(Debug, Clone, Copy)]
pub struct SubmitRequest<'a> {
    /// The body as received: JSON, or a workbook (see `content`).
    pub body: &'a [u8],
    pub content: Content<'a>,
    /// The document type the entry point takes (`submitKpiReport` takes kpi-reports only).
    pub expected: Option<DocumentType>,
    pub options: Options,
    pub idempotency_key: Option<&'a str>,
}

/// What a list of submissions should load besides the submissions themselves.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SubmissionParts {
    pub values: bool,
    pub common_services: bool,
    pub planned: bool,
    /// The raw document and the receipt.
    pub documents: bool,
}

impl SubmissionParts {
    /// Everything.
    pub const ALL: SubmissionParts = SubmissionParts {
        values: true,
        common_services: true,
        planned: true,
        documents: true,
    };
}

/// A stored value with the submission it came from.
#[derive(Debug, Clone)]
pub struct SourcedValue {
    pub value: StoredValue,
    pub source: DocumentSource,
}

/// A stored submission with the parts that were asked for.
#[derive(Debug, Clone)]
pub struct SubmissionDetails {
    pub submission: Submission,
    parts: SubmissionParts,
    values: Vec<StoredValue>,
    services: Vec<CommonService>,
    planned: Vec<PlannedCa>,
    /// The document when the caller may see all of it.
    document: Option<Value>,
    receipt: Option<Receipt>,
}

fn not_loaded(part: &str) -> AppError {
    AppError::internal(format!("submission {part} were not loaded"))
}

impl SubmissionDetails {
    /// The values stored from the document that the caller may see, in document order.
    pub fn values(&self) -> AppResult<Vec<SourcedValue>> {
        if !self.parts.values {
            return Err(not_loaded("values"));
        }
        Ok(self
            .values
            .iter()
            .map(|value| SourcedValue {
                value: value.clone(),
                source: self.submission.source.clone(),
            })
            .collect())
    }

    /// The common services the document listed.
    pub fn common_services(&self) -> AppResult<&[CommonService]> {
        if !self.parts.common_services {
            return Err(not_loaded("common services"));
        }
        Ok(&self.services)
    }

    /// Planned cost avoidance (BOS only).
    pub fn planned(&self) -> AppResult<&[PlannedCa]> {
        if !self.parts.planned {
            return Err(not_loaded("planned cost avoidance"));
        }
        Ok(&self.planned)
    }

    /// The document exactly as received; `None` when it holds anything the caller may not see.
    pub fn document(&self) -> AppResult<Option<&Value>> {
        if !self.parts.documents {
            return Err(not_loaded("documents"));
        }
        Ok(self.document.as_ref())
    }

    /// The receipt the sender got.
    pub fn receipt(&self) -> AppResult<&Receipt> {
        if !self.parts.documents {
            return Err(not_loaded("receipts"));
        }
        self.receipt
            .as_ref()
            .ok_or_else(|| AppError::internal("stored submission without a receipt"))
    }
}

/// A page of submissions, and whether more follow.
#[derive(Debug, Clone)]
pub struct SubmissionPage {
    pub submissions: Vec<SubmissionDetails>,
    pub more: bool,
}

/// Loads `parts` of `list` in one query per part.
async fn details(
    app: &App,
    viewer: &Viewer,
    list: Vec<Submission>,
    parts: SubmissionParts,
) -> AppResult<Vec<SubmissionDetails>> {
    let ids: Vec<i64> = list.iter().map(|s| s.id).collect();
    let mut values: HashMap<i64, Vec<StoredValue>> = HashMap::new();
    if parts.values {
        for value in submissions::values_of(app.db(), &ids, None).await? {
            if visible(viewer, value.classification, &value.country) {
                values.entry(value.submission_id).or_default().push(value);
            }
        }
    }
    let mut services: HashMap<i64, Vec<CommonService>> = HashMap::new();
    if parts.common_services {
        for service in submissions::services_of(app.db(), &ids).await? {
            services
                .entry(service.submission_id)
                .or_default()
                .push(service);
        }
    }
    let mut planned: HashMap<i64, Vec<PlannedCa>> = HashMap::new();
    if parts.planned {
        for row in submissions::planned_of(app.db(), &ids, None).await? {
            planned.entry(row.submission_id).or_default().push(row);
        }
    }
    let mut documents: BTreeMap<i64, (String, String)> = if parts.documents {
        submissions::documents_of(app.db(), &ids).await?
    } else {
        BTreeMap::new()
    };
    list.into_iter()
        .map(|submission| {
            let (document, receipt) = match documents.remove(&submission.id) {
                Some((raw, receipt)) => {
                    let document: Value = serde_json::from_str(&raw)
                        .map_err(|e| AppError::internal(format!("stored document: {e}")))?;
                    let mut receipt: Receipt = serde_json::from_str(&receipt)
                        .map_err(|e| AppError::internal(format!("stored receipt: {e}")))?;
                    // The receipt is stored as the document was decided, before it had an id.
                    receipt.id = Some(submission.id);
                    let shown =
                        hub_federation::feed::fully_visible(viewer, &document, &submission.country);
                    (shown.then_some(document), Some(receipt))
                }
                None => (None, None),
            };
            Ok(SubmissionDetails {
                values: values.remove(&submission.id).unwrap_or_default(),
                services: services.remove(&submission.id).unwrap_or_default(),
                planned: planned.remove(&submission.id).unwrap_or_default(),
                document,
                receipt,
                parts,
                submission,
            })
        })
        .collect()
}

impl App {
    /// Refuses a caller who may not submit at all, so an entry point can say so before it reads
    /// a large body; [`App::submit`] checks again.
    pub fn may_submit(&self, caller: &Caller) -> AppResult<()> {
        caller.may(Action::SubmitDocuments)
    }

    /// Pushes a document through the ingestion pipeline (COUNTRY for its own country team, or
    /// ADMIN). The receipt says what was stored; a stored document's audit entry is written
    /// with it by the pipeline.
    #[tracing::instrument(skip(self, caller, request), fields(caller = %caller.label(), request_id = caller.request_id(), bytes = request.body.len()))]
    pub async fn submit(&self, caller: &Caller, request: SubmitRequest<'_>) -> AppResult<Outcome> {
        caller.may(Action::SubmitDocuments)?;
        // The pipeline checks the country scope once it has read the document.
        let origin = match caller.principal() {
            Some(principal) => Origin::Push(principal.clone()),
            None => Origin::Seed,
        };
        let workbook = match request.content {
            Content::Json => None,
            Content::Workbook { name } => match hub_ingest::workbook::read_workbook(request.body) {
                Ok(workbook) => Some((name, workbook)),
                Err(problems) => {
                    let receipt = Receipt::rejected(problems);
                    return Ok(Outcome {
                        status: receipt.http_status(),
                        receipt,
                    });
                }
            },
        };
        let body = workbook.as_ref().map(|(_, w)| w.body());
        let outcome = self
            .ingestor()
            .submit(
                self.db(),
                hub_ingest::Request {
                    body: body.as_deref().unwrap_or(request.body),
                    expected: request.expected,
                    origin: &origin,
                    options: request.options,
                    idempotency_key: request.idempotency_key,
                    received_at: None,
                    request_id: caller.request_id(),
                    workbook: workbook
                        .as_ref()
                        .map(|(name, workbook)| hub_ingest::FromWorkbook { name, workbook }),
                },
            )
            .await?;
        // Figures are cached per data version, which a stored document advances.
        Ok(outcome)
    }

    /// A page of the submissions the caller may see, newest first, with `parts`.
    #[tracing::instrument(skip(self, caller, filter), fields(caller = %caller.label(), request_id = caller.request_id()))]
    pub async fn submissions(
        &self,
        caller: &Caller,
        filter: &SubmissionFilter,
        first: u64,
        parts: SubmissionParts,
    ) -> AppResult<SubmissionPage> {
        if let Some(period) = &filter.period {
            period
                .parse::<Period>()
                .map_err(|e| AppError::invalid("period", e))?;
        }
        let viewer = caller.viewer();
        let (list, more) = submissions::list(self.db(), &viewer, filter, first).await?;
        Ok(SubmissionPage {
            submissions: details(self, &viewer, list, parts).await?,
            more,
        })
    }

    /// One submission, or `None` when it does not exist or the caller may not see it.
    #[tracing::instrument(skip_all, fields(caller = %caller.label(), request_id = caller.request_id()))]
    pub async fn submission(
        &self,
        caller: &Caller,
        id: i64,
        parts: SubmissionParts,
    ) -> AppResult<Option<SubmissionDetails>> {
        let viewer = caller.viewer();
        let Some(found) = submissions::get(self.db(), id).await? else {
            return Ok(None);
        };
        if !visible(&viewer, found.classification, &found.country) {
            return Ok(None);
        }
        Ok(details(self, &viewer, vec![found], parts).await?.pop())
    }

    /// The current BOS of each of `countries` that the caller may see.
    #[tracing::instrument(skip_all, fields(caller = %caller.label(), request_id = caller.request_id()))]
    pub async fn current_bos(
        &self,
        caller: &Caller,
        countries: &[&str],
        parts: SubmissionParts,
    ) -> AppResult<HashMap<String, SubmissionDetails>> {
        let viewer = caller.viewer();
        let mut found = Vec::new();
        for country in countries {
            if let Some(bos) = submissions::current_bos(self.db(), country).await?
                && visible(&viewer, bos.classification, &bos.country)
            {
                found.push(bos);
            }
        }
        Ok(details(self, &viewer, found, parts)
            .await?
            .into_iter()
            .map(|d| (d.submission.country.clone(), d))
            .collect())
    }

    /// A country's common services: those of its current BOS (with the CBA), or, without a
    /// BOS, those of its latest report; none when the caller may not see that document.
    #[tracing::instrument(skip_all, fields(caller = %caller.label(), request_id = caller.request_id()))]
    pub async fn country_common_services(
        &self,
        caller: &Caller,
        country: &str,
    ) -> AppResult<Vec<CommonService>> {
        let viewer = caller.viewer();
        let source = match submissions::current_bos(self.db(), country).await? {
            Some(bos) => Some(bos),
            None => submissions::latest_report(self.db(), country).await?,
        };
        let Some(source) = source.filter(|s| visible(&viewer, s.classification, &s.country)) else {
            return Ok(vec![]);
        };
        Ok(submissions::services_of(self.db(), &[source.id]).await?)
    }

    /// A country's current values for `period` (a quarter, or a year for its quarters) that
    /// the caller may see, with the submission each came from.
    #[tracing::instrument(skip_all, fields(caller = %caller.label(), request_id = caller.request_id()))]
    pub async fn country_values(
        &self,
        caller: &Caller,
        country: &str,
        period: &str,
    ) -> AppResult<Vec<SourcedValue>> {
        let viewer = caller.viewer();
        let period: Period = period.parse().map_err(|e| AppError::invalid("period", e))?;
        let values: Vec<StoredValue> =
            submissions::current_values(self.db(), country, &period.quarters())
                .await?
                .into_iter()
                .filter(|v| visible(&viewer, v.classification, &v.country))
                .collect();
        let mut ids: Vec<i64> = values.iter().map(|v| v.submission_id).collect();
        ids.sort_unstable();
        ids.dedup();
        let sources: HashMap<i64, DocumentSource> = submissions::get_many(self.db(), &ids)
            .await?
            .into_iter()
            .map(|s| (s.id, s.source))
            .collect();
        values
            .into_iter()
            .map(|value| {
                let source = sources.get(&value.submission_id).cloned().ok_or_else(|| {
                    AppError::internal(format!("value {} without its submission", value.id))
                })?;
                Ok(SourcedValue { value, source })
            })
            .collect()
    }

    /// The hub's own feed (DESIGN §9.4): accepted documents after `since` that the caller may
    /// see whole, oldest first, and the page's ETag.
    #[tracing::instrument(skip_all, fields(caller = %caller.label(), request_id = caller.request_id()))]
    pub async fn hub_feed(
        &self,
        caller: &Caller,
        since: Option<i64>,
        limit: u64,
    ) -> AppResult<(hub_federation::feed::FeedPage, String)> {
        Ok(hub_federation::feed::hub_feed(
            self.db(),
            &caller.viewer(),
            &self.config().publisher,
            since,
            limit,
        )
        .await?)
    }
}

/// Offline validation (`romt-hub validate`): the hub's own checks against the embedded
/// reference data, without a database.
#[derive(Debug)]
pub struct OfflineValidator {
    schemas: hub_ingest::schemas::Schemas,
    reference: hub_store::seed::EmbeddedReference,
}

impl OfflineValidator {
    /// Compiles the schemas and reads the embedded reference data.
    pub fn new() -> AppResult<Self> {
        Ok(Self {
            schemas: hub_ingest::schemas::Schemas::compile()
                .map_err(|e| AppError::internal(format!("schemas: {e}")))?,
            reference: hub_store::seed::embedded_reference()?,
        })
    }

    /// The errors and warnings of one document, as checked on `today`.
    pub fn check(&self, body: &[u8], today: chrono::NaiveDate) -> (Vec<Problem>, Vec<Problem>) {
        hub_ingest::pipeline::validate_offline(&self.schemas, &self.reference, body, today)
    }

    /// The errors and warnings of a workbook, each with its cell; rows the workbook would leave
    /// out count as errors here, so they get fixed before it is sent.
    pub fn check_workbook(
        &self,
        bytes: &[u8],
        today: chrono::NaiveDate,
    ) -> (Vec<Problem>, Vec<Problem>) {
        let workbook = match hub_ingest::workbook::read_workbook(bytes) {
            Ok(workbook) => workbook,
            Err(problems) => return (problems, vec![]),
        };
        let (mut errors, mut warnings) = self.check(&workbook.body(), today);
        workbook.cells.annotate(&mut errors);
        workbook.cells.annotate(&mut warnings);
        errors.extend(workbook.rejected);
        (errors, warnings)
    }
}
