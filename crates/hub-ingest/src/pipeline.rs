//! The one ingestion pipeline. REST, GraphQL, the CLI, the demo loader and the federation
//! puller all call [`Ingestor::submit`].

use std::sync::{Arc, RwLock};

use chrono::{DateTime, TimeDelta, Utc};
use hub_domain::access::{Action, Principal, Scope, authorize};
use hub_domain::codes::CountryCode;
use hub_domain::submission::{
    DocumentType, RevisionDecision, SourceKind, SubmissionStatus, decide_revision,
};
use hub_store::audit::{self, Actor};
use hub_store::batch::Batch;
use hub_store::submissions::{self, NewSubmission, SliceScope, Source, WorkbookLineage};
use hub_store::{Db, StoreError, Transactional, idempotency, state};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::check::{Checked, Record, check_bos, check_kpi_report};
use crate::facts::{Facts, Keys, Reference};
use crate::parse::{canonical_json, parse_json};
use crate::problem::{Problem, codes};
use crate::quality::{OutlierSettings, QualityFacts, review};
use crate::receipt::Receipt;
use crate::schemas::{SchemaError, SchemaKind, Schemas};
use crate::workbook::WorkbookDocument;

/// Who sends a document.
#[derive(Debug, Clone)]
pub enum Origin {
    /// A token holder pushing it (REST, GraphQL, CLI).
    Push(Principal),
    /// A federation source the hub pulls, allowed to publish for `countries`.
    Pull {
        source_id: i64,
        source_name: String,
        countries: Vec<String>,
    },
    /// The hub's own demo data set.
    Seed,
}

/// Submission options.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Run every check and return the receipt a real submission would get; store nothing.
    pub dry_run: bool,
    /// Reject the whole document when any value is rejected.
    pub strict: bool,
}

/// One document to ingest.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    pub body: &'a [u8],
    /// The document type the operation takes (`submitKpiReport` takes kpi-reports only).
    pub expected: Option<DocumentType>,
    pub origin: &'a Origin,
    pub options: Options,
    pub idempotency_key: Option<&'a str>,
    /// When the document was received; `None` is now. The demo loader replays history.
    pub received_at: Option<DateTime<Utc>>,
    pub request_id: Option<&'a str>,
    /// The workbook the document was made from, when it came as one: problems then name their
    /// cells, rows it left out are listed, and the submission keeps its name and SHA-256.
    pub workbook: Option<FromWorkbook<'a>>,
}

/// A document made from a workbook (see [`crate::workbook`]).
#[derive(Debug, Clone, Copy)]
pub struct FromWorkbook<'a> {
    /// The file name the sender gave.
    pub name: &'a str,
    pub workbook: &'a WorkbookDocument,
}

impl Request<'_> {
    /// Names the cells of the receipt's problems, for a document made from a workbook.
    fn annotate(&self, receipt: &mut Receipt) {
        if let Some(from) = &self.workbook {
            let cells = &from.workbook.cells;
            cells.annotate(&mut receipt.errors);
            cells.annotate(&mut receipt.rejected_values);
            cells.annotate(&mut receipt.warnings);
        }
    }

    /// The rows a workbook left out, each with its cell.
    fn left_out(&self) -> Vec<Problem> {
        self.workbook
            .map(|from| from.workbook.rejected.clone())
            .unwrap_or_default()
    }
}

/// The receipt and its HTTP status.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub receipt: Receipt,
    pub status: u16,
}

/// Refusals that are not about the document's content.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// The sender may not submit for this country.
    #[error("{0}")]
    Forbidden(String),
    /// The idempotency key is empty or too long.
    #[error("the idempotency key must have 1 to {max} characters", max = idempotency::MAX_KEY_LEN)]
    BadKey,
    /// The key was used before with a different body.
    #[error(
        "this idempotency key was already used with a different body; use a new key for a new request"
    )]
    KeyReused,
    /// The first request with this key is still running.
    #[error("a request with this idempotency key is still being processed; retry shortly")]
    InFlight,
    /// Storage failed: the hub's fault, nothing was stored.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// How long a claimed idempotency key waits for its request by default.
pub const DEFAULT_LEASE: TimeDelta = TimeDelta::seconds(60);

/// The pipeline, with its schemas compiled once.
#[derive(Debug, Clone)]
pub struct Ingestor {
    schemas: Arc<Schemas>,
    /// How long a claimed idempotency key waits before another attempt may take it over.
    lease: TimeDelta,
    /// The pool a dropped request's claim is released through (none: the lease frees it).
    pool: Option<Db>,
    /// How values are judged against their country's history.
    outliers: OutlierSettings,
    /// The reference data of the latest reference version seen, shared by clones.
    reference: Arc<RwLock<Option<Arc<Reference>>>>,
}

/// A claimed idempotency key, released if the request is dropped before it settles it (the
/// client went away, a timeout fired). Settling disarms it.
struct ClaimGuard {
    claim: Option<idempotency::Claim>,
    pool: Option<Db>,
}

impl ClaimGuard {
    fn claim(&self) -> Option<&idempotency::Claim> {
        self.claim.as_ref()
    }

    fn disarm(&mut self) -> Option<idempotency::Claim> {
        self.claim.take()
    }
}

impl Drop for ClaimGuard {
    fn drop(&mut self) {
        let (Some(claim), Some(pool)) = (self.claim.take(), self.pool.clone()) else {
            return;
        };
        // Drop cannot wait: the release runs on the runtime, right after.
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                match idempotency::release(&pool, &claim).await {
                    Ok(()) => tracing::info!(key = %claim.key, "dropped request released its idempotency key"),
                    Err(e) => tracing::warn!(error = %e, key = %claim.key, "cannot release an idempotency key; its lease will"),
                }
            });
        }
    }
}

fn sha256(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

fn rejected(errors: Vec<Problem>) -> Receipt {
    Receipt::rejected(errors)
}

/// The fingerprint of a request for idempotency: the canonical document (so whitespace and
/// field order do not matter, nor whether it came through REST or GraphQL) and the option that
/// changes its outcome.
pub fn request_fingerprint(body: &[u8], parsed: Option<&Value>, options: Options) -> String {
    let content = match parsed {
        Some(value) => canonical_json(value),
        None => hex::encode(body),
    };
    sha256(&format!("strict={}|{content}", options.strict))
}

/// The `documentType`, `schemaVersion` and `country` a document claims, read before validation.
struct Envelope {
    kind: DocumentType,
    newer_minor: bool,
    country: Option<String>,
}

fn envelope(value: &Value, expected: Option<DocumentType>) -> Result<Envelope, Problem> {
    let Some(object) = value.as_object() else {
        return Err(Problem::new(
            "",
            codes::NOT_AN_OBJECT,
            "a document must be a JSON object",
        ));
    };
    let kind = match object.get("documentType").and_then(Value::as_str) {
        Some(text) => text.parse::<DocumentType>().map_err(|_| {
            Problem::new(
                "/documentType",
                codes::UNKNOWN_DOCUMENT_TYPE,
                format!("documentType {text:?} is not one the hub takes: kpi-report or bos"),
            )
        })?,
        None => {
            return Err(Problem::new(
                "/documentType",
                codes::UNKNOWN_DOCUMENT_TYPE,
                "documentType is missing: kpi-report or bos",
            ));
        }
    };
    if let Some(expected) = expected
        && expected != kind
    {
        return Err(Problem::new(
            "/documentType",
            codes::WRONG_DOCUMENT_TYPE,
            format!("this operation takes a {expected} document, not a {kind}"),
        ));
    }
    let version = object
        .get("schemaVersion")
        .and_then(Value::as_str)
        .unwrap_or("");
    let (major, minor) = version.split_once('.').unwrap_or((version, ""));
    if !major.is_empty() && major != "1" && major.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Problem::new(
            "/schemaVersion",
            codes::UNSUPPORTED_SCHEMA_VERSION,
            format!("schema version {version} is not supported; this hub takes version 1.x"),
        ));
    }
    Ok(Envelope {
        kind,
        newer_minor: minor.parse::<u32>().is_ok_and(|m| m > 0),
        country: object
            .get("country")
            .and_then(Value::as_str)
            .map(str::to_owned),
    })
}

impl Ingestor {
    /// Compiles the schemas.
    pub fn new() -> Result<Self, SchemaError> {
        Ok(Self {
            schemas: Arc::new(Schemas::compile()?),
            lease: DEFAULT_LEASE,
            pool: None,
            outliers: OutlierSettings::default(),
            reference: Arc::default(),
        })
    }

    /// How values are judged at ingestion.
    pub fn outliers(&self) -> &OutlierSettings {
        &self.outliers
    }

    /// Judges values at ingestion by `settings` (DESIGN §16).
    pub fn with_outliers(mut self, settings: OutlierSettings) -> Self {
        self.outliers = settings;
        self
    }

    /// Claims idempotency keys for `lease`, and releases the claims of dropped requests through
    /// `pool` (the hub's pool; pushes run on it).
    pub fn with_idempotency(mut self, lease: std::time::Duration, pool: Db) -> Self {
        self.lease = TimeDelta::from_std(lease).unwrap_or(DEFAULT_LEASE);
        self.pool = Some(pool);
        self
    }

    /// The compiled schemas.
    pub fn schemas(&self) -> &Schemas {
        &self.schemas
    }

    /// Ingests one document. On a transaction (a federation page), the document gets a
    /// savepoint of its own inside it.
    #[tracing::instrument(skip_all, fields(bytes = request.body.len(), dry_run = request.options.dry_run))]
    pub async fn submit<C>(&self, db: &C, request: Request<'_>) -> Result<Outcome, IngestError>
    where
        C: Transactional,
    {
        let parsed = parse_json(request.body);
        // Armed before the claim is written: a request dropped inside `begin`, after the
        // database stored the claim, still releases it.
        let mut guard = ClaimGuard {
            claim: None,
            pool: self.pool.clone(),
        };
        if let (Some(key), Origin::Push(principal), false) = (
            request.idempotency_key,
            request.origin,
            request.options.dry_run,
        ) {
            if key.is_empty() || key.len() > idempotency::MAX_KEY_LEN {
                return Err(IngestError::BadKey);
            }
            let hash = request_fingerprint(request.body, parsed.as_ref().ok(), request.options);
            let attempt = idempotency::Claim::attempt(&principal.token_id.to_string(), key);
            guard.claim = Some(attempt.clone());
            let begun = idempotency::begin(db, &attempt, &hash, self.lease).await;
            if !matches!(begun, Ok(idempotency::Begin::Claimed) | Err(_)) {
                guard.disarm(); // the key is someone else's: nothing of ours to release
            }
            match begun? {
                idempotency::Begin::Claimed => {}
                idempotency::Begin::Replay { status, body } => {
                    let mut receipt: Receipt = serde_json::from_str(&body).map_err(|e| {
                        StoreError::Corrupt(format!("stored idempotent response: {e}"))
                    })?;
                    receipt.replayed = true;
                    return Ok(Outcome { receipt, status });
                }
                idempotency::Begin::Reused => return Err(IngestError::KeyReused),
                idempotency::Begin::InFlight => return Err(IngestError::InFlight),
            }
        }
        let result = self.process(db, &request, parsed, guard.claim()).await;
        // Settled while still armed: if settling fails, the guard releases the key.
        if let Some(claim) = guard.claim() {
            match &result {
                // A stored document settled its key in its own transaction.
                Ok((_, true)) => {}
                Ok((outcome, false)) => {
                    let body = serde_json::to_string(&outcome.receipt)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
                    idempotency::complete(db, claim, outcome.status, &body).await?;
                }
                Err(_) => idempotency::release(db, claim).await?,
            }
        }
        guard.disarm();
        result.map(|(outcome, _)| outcome)
    }

    /// Runs the pipeline; the flag says whether the idempotency `claim` was settled inside the
    /// document's transaction.
    async fn process<C>(
        &self,
        db: &C,
        request: &Request<'_>,
        parsed: Result<Value, Problem>,
        claim: Option<&idempotency::Claim>,
    ) -> Result<(Outcome, bool), IngestError>
    where
        C: Transactional,
    {
        let done = |mut receipt: Receipt| {
            receipt.dry_run = request.options.dry_run;
            if receipt.status == SubmissionStatus::Rejected {
                receipt.rejected_values.extend(request.left_out());
            }
            request.annotate(&mut receipt);
            Ok((
                Outcome {
                    status: receipt.http_status(),
                    receipt,
                },
                false,
            ))
        };
        let value = match parsed {
            Ok(value) => value,
            Err(problem) => return done(rejected(vec![problem])),
        };
        let envelope = match envelope(&value, request.expected) {
            Ok(envelope) => envelope,
            Err(problem) => return done(rejected(vec![problem])),
        };
        if let Some(problem) = self.authorize(request.origin, envelope.country.as_deref())? {
            return done(rejected(vec![problem]));
        }
        let schema = match envelope.kind {
            DocumentType::KpiReport => SchemaKind::KpiReport,
            DocumentType::Bos => SchemaKind::Bos,
        };
        let problems = self.schemas.validate(schema, &value, envelope.newer_minor);
        if !problems.is_empty() {
            let mut receipt = rejected(problems);
            receipt.document_type = Some(envelope.kind.to_string());
            receipt.country = envelope.country;
            return done(receipt);
        }

        let received_at = request
            .received_at
            .unwrap_or_else(|| arrival(request.origin, &value, hub_store::now()));
        let today = received_at.date_naive();
        let reference = self.reference(db).await?;
        let (checked, schema_version) = match envelope.kind {
            DocumentType::KpiReport => {
                let doc: crate::document::KpiReport = typed(&value)?;
                let keys = Keys {
                    country: &doc.country,
                    currency: &doc.currency,
                    period: doc.period.parse().ok(),
                };
                let facts = Facts::from_reference(&reference, keys, today);
                (check_kpi_report(&doc, &facts), doc.schema_version)
            }
            DocumentType::Bos => {
                let doc: crate::document::Bos = typed(&value)?;
                let keys = Keys {
                    country: &doc.country,
                    currency: &doc.currency,
                    period: None,
                };
                let facts = Facts::from_reference(&reference, keys, today);
                (check_bos(&doc, &facts), doc.schema_version)
            }
        };
        let mut receipt = describe(&value, envelope.kind, &checked);
        receipt.received_at = Some(received_at);
        let Checked {
            errors,
            rejected: mut rejected_values,
            mut rejected_count,
            mut warnings,
            record,
        } = checked;
        let left_out = request.left_out();
        rejected_count += left_out.len();
        rejected_values.extend(left_out);
        let mut record = match record {
            Some(record) if errors.is_empty() => record,
            _ => {
                receipt.errors = errors;
                receipt.rejected_values = rejected_values;
                return done(receipt);
            }
        };
        if request.options.strict && rejected_count > 0 {
            receipt.errors = rejected_values;
            return done(receipt);
        }
        if let SliceScope::Period(period) = record.slice.scope {
            let facts = QualityFacts::from_db(db, &reference, &record, period).await?;
            warnings.extend(review(&mut record, &facts, &self.outliers));
        }
        receipt.rejected_values = rejected_values;
        receipt.warnings = warnings;
        receipt.accepted_values = record.accepted_values();
        receipt.status = if receipt.rejected_values.is_empty() && receipt.warnings.is_empty() {
            SubmissionStatus::Accepted
        } else {
            SubmissionStatus::AcceptedWithWarnings
        };

        let content = canonical_json(&value);
        let new = NewSubmission {
            revision: record.revision,
            status: receipt.status,
            schema_version,
            content_hash: sha256(&content),
            raw_document: String::from_utf8_lossy(request.body).into_owned(),
            classification: record.classification,
            currency: Some(record.currency.clone()),
            bos_status: record.bos_status,
            signed_on: record.signed_on.clone(),
            prepared_by_agency: record.prepared_by_agency.clone(),
            source: source_of(request.origin),
            workbook: request.workbook.map(|from| WorkbookLineage {
                name: from.name.to_owned(),
                sha256: from.workbook.sha256.clone(),
            }),
            received_at,
            accepted_values: count(receipt.accepted_values),
            rejected_values: count(rejected_count),
            slice: record.slice.clone(),
            services: record.services,
            values: record.values,
            planned: record.planned,
            targets: record.targets,
        };
        request.annotate(&mut receipt);
        let (mut receipt, settled) = self.store(db, request, new, receipt, claim).await?;
        receipt.dry_run = request.options.dry_run;
        request.annotate(&mut receipt);
        Ok((
            Outcome {
                status: receipt.http_status(),
                receipt,
            },
            settled,
        ))
    }

    /// The reference data documents are checked with: the one held, if the reference version
    /// has not moved since it was read, else read again (one query when nothing changed).
    async fn reference(&self, db: &impl hub_store::Executor) -> Result<Arc<Reference>, StoreError> {
        let version = state::reference_version(db).await?;
        self.reference_at(db, version).await
    }

    /// The reference data as of `version`, a reference version the caller has just read: the
    /// one held when it is that version, else read again. Figures share it with ingestion.
    pub async fn reference_at(
        &self,
        db: &impl hub_store::Executor,
        version: i64,
    ) -> Result<Arc<Reference>, StoreError> {
        let held = self.reference.read().ok().and_then(|slot| slot.clone());
        if let Some(held) = held
            && held.version == version
        {
            return Ok(held);
        }
        let loaded = Arc::new(Reference::load(db, version).await?);
        if let Ok(mut slot) = self.reference.write() {
            *slot = Some(Arc::clone(&loaded));
        }
        Ok(loaded)
    }

    /// Whether the origin may send a document for `country`: an error for a pushing caller
    /// without the right, a rejection problem for a source outside its scope.
    fn authorize(
        &self,
        origin: &Origin,
        country: Option<&str>,
    ) -> Result<Option<Problem>, IngestError> {
        let Some(country) = country else {
            return Ok(None);
        };
        match origin {
            // The country is known only now: the same policy the service layer applied to the
            // hub as a whole, for this country.
            Origin::Push(principal) => match CountryCode::parse(country) {
                Ok(code) => authorize(
                    Some(principal),
                    Action::SubmitDocuments,
                    Scope::Country(&code),
                )
                .map(|()| None)
                .map_err(|e| IngestError::Forbidden(e.to_string())),
                Err(_) => Ok(None),
            },
            Origin::Pull {
                source_name,
                countries,
                ..
            } if !countries.iter().any(|c| c == country) => Ok(Some(Problem::new(
                "/country",
                codes::OUT_OF_SCOPE,
                format!(
                    "source {source_name} may publish for {} only, not for {country}",
                    countries.join(", ")
                ),
            ))),
            Origin::Pull { .. } | Origin::Seed => Ok(None),
        }
    }

    /// Applies the revision rules and, unless it is a dry run, stores the document as the
    /// current revision of its slice, all in one transaction; a stored document settles the
    /// idempotency `claim` in that transaction too (the flag says so), so a crash can never
    /// leave a stored document whose key is still claimed.
    async fn store<C>(
        &self,
        db: &C,
        request: &Request<'_>,
        new: NewSubmission,
        mut receipt: Receipt,
        claim: Option<&idempotency::Claim>,
    ) -> Result<(Receipt, bool), IngestError>
    where
        C: Transactional,
    {
        let dry_run = request.options.dry_run;
        let txn = db.begin_txn().await?;
        let slice = submissions::slice_state(&txn, &new.slice, !dry_run).await?;
        let current = slice.current_revision.zip(slice.current_hash.as_deref());
        match decide_revision(current, new.revision, &new.content_hash) {
            RevisionDecision::Stale => {
                receipt.errors = vec![Problem::new(
                    "/revision",
                    codes::STALE_REVISION,
                    format!(
                        "revision {} is lower than the current revision {}; send a revision above it",
                        new.revision,
                        slice.current_revision.unwrap_or_default()
                    ),
                )];
                receipt.status = SubmissionStatus::Rejected;
                receipt.accepted_values = 0;
                hub_store::rollback(txn).await?;
                return Ok((receipt, false));
            }
            RevisionDecision::Conflict => {
                receipt.errors = vec![Problem::new(
                    "/revision",
                    codes::CONFLICT,
                    format!(
                        "revision {} is already stored with different content; send the change as revision {}",
                        new.revision,
                        new.revision + 1
                    ),
                )];
                receipt.status = SubmissionStatus::Rejected;
                receipt.accepted_values = 0;
                hub_store::rollback(txn).await?;
                return Ok((receipt, false));
            }
            RevisionDecision::Duplicate => {
                receipt.status = SubmissionStatus::Duplicate;
                receipt.id = slice.current_submission_id;
                receipt.rejected_values.clear();
                receipt.warnings.clear();
                receipt.accepted_values = 0;
                hub_store::rollback(txn).await?;
                return Ok((receipt, false));
            }
            RevisionDecision::Supersede if dry_run => {
                hub_store::rollback(txn).await?;
                return Ok((receipt, false));
            }
            RevisionDecision::Supersede => {}
        }
        let receipt_json =
            |r: &Receipt| serde_json::to_string(r).map_err(|e| StoreError::Corrupt(e.to_string()));
        // Stored without its id, which the row holds: readers fill it in, so one write does.
        // Every write of the document goes to the database in one batch (one round trip on
        // SQLite, one per message on PostgreSQL).
        let mut batch = Batch::new(&txn);
        let id = submissions::insert_current(&mut batch, &new, &slice, &receipt_json(&receipt)?)?;
        receipt.id = Some(id);
        let actor = match request.origin {
            Origin::Push(principal) => Actor::Principal(principal.clone()),
            Origin::Pull { source_name, .. } => Actor::System(format!("federation:{source_name}")),
            Origin::Seed => Actor::System("seed:demo".to_owned()),
        };
        let after = json!({
            "slice": new.slice.key(),
            "revision": new.revision,
            "contentHash": new.content_hash,
            "status": receipt.status,
        });
        audit::record_in(
            &mut batch,
            audit::Entry {
                actor: &actor,
                action: "submission.accept",
                entity_type: "submission",
                entity_id: id.to_string(),
                before: None,
                after: Some(&after),
                request_id: request.request_id,
                summary: Some(format!(
                    "{} revision {}: {} ({} values stored, {} rejected)",
                    new.slice.key(),
                    new.revision,
                    receipt.status,
                    receipt.accepted_values,
                    new.rejected_values
                )),
            },
        );
        batch.push(&state::bump_data_version_statement());
        batch.run(&txn).await?;
        let settled = match claim {
            Some(claim) => {
                idempotency::complete(&txn, claim, receipt.http_status(), &receipt_json(&receipt)?)
                    .await?
            }
            None => false,
        };
        hub_store::commit(txn).await?;
        Ok((receipt, settled))
    }
}

fn count(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

fn typed<T: serde::de::DeserializeOwned>(value: &Value) -> Result<T, IngestError> {
    // The schema has accepted the document, so this only fails if schema and types disagree.
    T::deserialize(value).map_err(|e| {
        IngestError::Store(StoreError::Corrupt(format!(
            "schema-valid document does not fit its type: {e}"
        )))
    })
}

fn source_of(origin: &Origin) -> Source {
    match origin {
        Origin::Push(principal) => Source {
            kind: SourceKind::Push,
            id: None,
            name: principal.label.clone(),
        },
        Origin::Pull {
            source_id,
            source_name,
            ..
        } => Source {
            kind: SourceKind::Pull,
            id: Some(*source_id),
            name: source_name.clone(),
        },
        Origin::Seed => Source {
            kind: SourceKind::Seed,
            id: None,
            name: "demo".to_owned(),
        },
    }
}

/// A receipt skeleton naming the document.
fn describe(value: &Value, kind: DocumentType, checked: &Checked) -> Receipt {
    let mut receipt = rejected(vec![]);
    receipt.document_type = Some(kind.to_string());
    receipt.country = value
        .get("country")
        .and_then(Value::as_str)
        .map(str::to_owned);
    receipt.revision = value
        .get("revision")
        .and_then(Value::as_i64)
        .and_then(|r| i32::try_from(r).ok());
    match checked.record.as_ref().map(|r: &Record| &r.slice.scope) {
        Some(SliceScope::Cycle { start, end }) => receipt.cycle = Some(format!("{start}-{end}")),
        Some(SliceScope::Period(period)) => receipt.period = Some(period.to_string()),
        None => {
            receipt.period = value
                .get("period")
                .and_then(Value::as_str)
                .map(str::to_owned);
        }
    }
    receipt
}

/// Validates a document offline (no database): schema, then the semantic checks that the
/// embedded reference data allows. Returns every problem; warnings are not failures.
pub fn validate_offline(
    schemas: &Schemas,
    reference: &hub_store::seed::EmbeddedReference,
    body: &[u8],
    today: chrono::NaiveDate,
) -> (Vec<Problem>, Vec<Problem>) {
    let value = match parse_json(body) {
        Ok(value) => value,
        Err(problem) => return (vec![problem], vec![]),
    };
    let kind = match value.get("documentType").and_then(Value::as_str) {
        Some("country-feed") => {
            return (
                schemas.validate(SchemaKind::CountryFeed, &value, false),
                vec![],
            );
        }
        _ => match envelope(&value, None) {
            Ok(envelope) => envelope,
            Err(problem) => return (vec![problem], vec![]),
        },
    };
    let schema = match kind.kind {
        DocumentType::KpiReport => SchemaKind::KpiReport,
        DocumentType::Bos => SchemaKind::Bos,
    };
    let problems = schemas.validate(schema, &value, kind.newer_minor);
    if !problems.is_empty() {
        return (problems, vec![]);
    }
    let checked = match kind.kind {
        DocumentType::KpiReport => {
            match serde_json::from_value::<crate::document::KpiReport>(value) {
                Ok(doc) => {
                    let keys = Keys {
                        country: &doc.country,
                        currency: &doc.currency,
                        period: doc.period.parse().ok(),
                    };
                    check_kpi_report(&doc, &Facts::offline(reference, keys, today))
                }
                Err(e) => {
                    return (
                        vec![Problem::new("", codes::SCHEMA_INVALID, e.to_string())],
                        vec![],
                    );
                }
            }
        }
        DocumentType::Bos => match serde_json::from_value::<crate::document::Bos>(value) {
            Ok(doc) => {
                let keys = Keys {
                    country: &doc.country,
                    currency: &doc.currency,
                    period: None,
                };
                check_bos(&doc, &Facts::offline(reference, keys, today))
            }
            Err(e) => {
                return (
                    vec![Problem::new("", codes::SCHEMA_INVALID, e.to_string())],
                    vec![],
                );
            }
        },
    };
    let mut errors = checked.errors;
    errors.extend(checked.rejected);
    (errors, checked.warnings)
}

/// When a document counts as arrived (DESIGN §16): now, except that a pulled document carrying
/// `publishedAt` (schema 1.1) arrived when it was published, if that is not after the pull.
fn arrival(origin: &Origin, document: &Value, now: DateTime<Utc>) -> DateTime<Utc> {
    let published = document
        .get("publishedAt")
        .and_then(Value::as_str)
        .and_then(|text| DateTime::parse_from_rfc3339(text).ok())
        .map(|at| at.with_timezone(&Utc));
    match (origin, published) {
        (Origin::Pull { .. }, Some(at)) if at <= now => at,
        _ => now,
    }
}
