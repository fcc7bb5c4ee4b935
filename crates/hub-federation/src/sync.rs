//! One sync run of one source: fetch pages (retrying transient faults), ingest every document
//! through the pipeline, advance the cursor and ETag in the same transaction as the documents
//! they cover, then record the run and the source's health.

use std::time::Duration;

use backon::Retryable;
use chrono::{DateTime, TimeDelta, Utc};
use hub_domain::federation::{circuit_after_run, full_jitter};
use hub_domain::submission::SubmissionStatus;
use hub_ingest::schemas::SchemaKind;
use hub_ingest::{Ingestor, Options, Origin, Request};
use hub_store::audit::{self, Actor};
use hub_store::sources::{self, Source, SourceUpdate, SyncDocumentError, SyncRun};
use hub_store::{Db, StoreError};
use serde_json::{Value, json};

use crate::client::{FetchError, Fetched, fetch};
use crate::settings::FederationSettings;

pub use hub_domain::federation::{SyncOutcome, SyncTrigger as Trigger};

/// Why a run could not even start.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("a pull of this source is already running (lease held)")]
    Busy,
    #[error("no source with id {0}")]
    NotFound(i64),
    #[error(transparent)]
    Store(#[from] StoreError),
}

struct Tally {
    pages: usize,
    accepted: usize,
    unchanged: usize,
    rejected: usize,
    errors: Vec<SyncDocumentError>,
}

fn secs(d: Duration) -> TimeDelta {
    TimeDelta::from_std(d).unwrap_or(TimeDelta::MAX)
}

fn next_run(source: &Source, at: DateTime<Utc>) -> DateTime<Utc> {
    // Up to 10 % jitter spreads sources registered together.
    let interval = TimeDelta::seconds(i64::from(source.interval_seconds));
    let jitter = interval.num_milliseconds() / 10;
    let extra = if jitter > 0 {
        rand::random::<u64>() % jitter as u64
    } else {
        0
    };
    at + interval + TimeDelta::milliseconds(extra as i64)
}

/// Who started a run: named in the audit entry stored with it.
#[derive(Debug, Clone, Copy)]
pub struct RunBy<'a> {
    pub actor: &'a Actor,
    pub request_id: Option<&'a str>,
}

/// Stores a finished run with its source's new state and the run's audit entry, in one
/// transaction.
async fn record_run(
    db: &Db,
    run: SyncRun,
    update: SourceUpdate,
    by: RunBy<'_>,
) -> Result<SyncRun, StoreError> {
    let txn = hub_store::begin(db).await?;
    let run = sources::finish(&txn, run, update).await?;
    audit::record(
        &txn,
        audit::Entry {
            actor: by.actor,
            action: "source.sync",
            entity_type: "federation_source",
            entity_id: run.source_id.to_string(),
            before: None,
            after: Some(&json!({ "run": run.id, "trigger": run.trigger, "outcome": run.outcome })),
            request_id: by.request_id,
            summary: Some(format!(
                "{} pull: {} ({} accepted, {} unchanged, {} rejected)",
                run.trigger.as_str().to_lowercase(),
                run.outcome,
                run.accepted,
                run.unchanged,
                run.rejected
            )),
        },
    )
    .await?;
    hub_store::commit(txn).await?;
    Ok(run)
}

/// Claims a source and runs it now (manual pulls, the CLI). Respects the lease and the circuit.
pub async fn sync_source(
    db: &Db,
    ingestor: &Ingestor,
    client: &reqwest::Client,
    settings: &FederationSettings,
    id: i64,
    by: RunBy<'_>,
) -> Result<SyncRun, SyncError> {
    let source = sources::get(db, id).await?.ok_or(SyncError::NotFound(id))?;
    let ttl = secs(settings.lease_ttl());
    if !sources::claim(db, id, &settings.replica_id, ttl, hub_store::now(), false).await? {
        return Err(SyncError::Busy);
    }
    Ok(run(db, ingestor, client, settings, source, Trigger::Manual, by).await?)
}

/// Runs a source whose lease this replica holds, then releases it; the run is audited as
/// `source.sync` by `by`.
pub async fn run(
    db: &Db,
    ingestor: &Ingestor,
    client: &reqwest::Client,
    settings: &FederationSettings,
    source: Source,
    trigger: Trigger,
    by: RunBy<'_>,
) -> Result<SyncRun, StoreError> {
    let started_at = hub_store::now();
    if source
        .circuit_open_until
        .is_some_and(|until| until > started_at)
    {
        let record = SyncRun {
            id: 0,
            source_id: source.id,
            trigger,
            replica: settings.replica_id.clone(),
            started_at,
            finished_at: started_at,
            outcome: SyncOutcome::Skipped,
            pages: 0,
            accepted: 0,
            unchanged: 0,
            rejected: 0,
            http_status: None,
            error: Some(
                "circuit open: the source failed too often; a probe follows the cooldown".into(),
            ),
            errors: vec![],
        };
        let update = SourceUpdate {
            failed: source.last_run_failed,
            consecutive_failures: source.consecutive_failures,
            circuit_open_until: source.circuit_open_until,
            next_run_at: source.circuit_open_until.unwrap_or(started_at),
        };
        return record_run(db, record, update, by).await;
    }

    let mut tally = Tally {
        pages: 0,
        accepted: 0,
        unchanged: 0,
        rejected: 0,
        errors: Vec::new(),
    };
    let result = pull(db, ingestor, client, settings, &source, &mut tally).await;
    let finished_at = hub_store::now();
    let (outcome, http_status, error) = match result {
        Ok(outcome) => (outcome, None, None),
        Err((fault, status)) if tally.pages > 0 => (SyncOutcome::Partial, status, Some(fault)),
        Err((fault, status)) => (SyncOutcome::Failed, status, Some(fault)),
    };
    if let Some(error) = &error {
        tracing::warn!(source = %source.name, %error, outcome = outcome.as_str(), "sync run failed");
    }
    let (failures, open_until) = circuit_after_run(
        !outcome.failed(),
        u32::try_from(source.consecutive_failures).unwrap_or(0),
        settings.circuit_threshold,
        secs(settings.circuit_cooldown),
        finished_at,
    );
    let record = SyncRun {
        id: 0,
        source_id: source.id,
        trigger,
        replica: settings.replica_id.clone(),
        started_at,
        finished_at,
        outcome,
        pages: i32::try_from(tally.pages).unwrap_or(i32::MAX),
        accepted: i32::try_from(tally.accepted).unwrap_or(i32::MAX),
        unchanged: i32::try_from(tally.unchanged).unwrap_or(i32::MAX),
        rejected: i32::try_from(tally.rejected).unwrap_or(i32::MAX),
        http_status: http_status.map(i32::from),
        error,
        errors: tally.errors,
    };
    let update = SourceUpdate {
        failed: outcome.failed(),
        consecutive_failures: i32::try_from(failures).unwrap_or(i32::MAX),
        circuit_open_until: open_until,
        next_run_at: open_until.unwrap_or_else(|| next_run(&source, finished_at)),
    };
    record_run(db, record, update, by).await
}

/// Fetches with retries: full-jitter exponential backoff on transient faults, `Retry-After`
/// honoured up to `max_retry_after`.
async fn fetch_with_retries(
    client: &reqwest::Client,
    settings: &FederationSettings,
    source: &Source,
    cursor: Option<&str>,
    etag: Option<&str>,
) -> Result<Fetched, FetchError> {
    let base = secs(settings.backoff_base);
    let cap = secs(settings.backoff_cap);
    let delays = (0..settings.retries).map(move |attempt| {
        let attempt = u32::try_from(attempt).unwrap_or(u32::MAX);
        full_jitter(base, cap, attempt, rand::random::<f64>())
            .to_std()
            .unwrap_or_default()
    });
    let max_wait = settings.max_retry_after;
    (|| {
        fetch(
            client,
            settings,
            &source.url,
            source.token.as_deref(),
            cursor,
            etag,
        )
    })
    .retry(delays)
    .sleep(tokio::time::sleep)
    .when(FetchError::retryable)
    .adjust(move |error, delay| match (delay, error.retry_after()) {
        // Retries used up: stop, whatever the source asks.
        (None, _) => None,
        (Some(_), Some(wait)) if wait <= max_wait => Some(wait),
        // Asked to wait longer than we would: give up this run; the next one will ask again.
        (Some(_), Some(_)) => None,
        (Some(delay), None) => Some(delay),
    })
    .notify(|error, delay| {
        tracing::info!(source = %source.name, %error, ?delay, "retrying feed fetch");
    })
    .await
}

/// Follows the feed's pages; each page's documents and the cursor after them are committed in
/// one transaction (each document with a savepoint of its own).
async fn pull(
    db: &Db,
    ingestor: &Ingestor,
    client: &reqwest::Client,
    settings: &FederationSettings,
    source: &Source,
    tally: &mut Tally,
) -> Result<SyncOutcome, (String, Option<u16>)> {
    let countries = source.countries.clone();
    let origin = Origin::Pull {
        source_id: source.id,
        source_name: source.name.clone(),
        countries,
    };
    let ttl = secs(settings.lease_ttl());
    let mut cursor = source.cursor.clone();
    let mut etag = source.etag.clone();
    for page in 0..settings.max_pages {
        // Only the first request of a run is conditional: later pages are new by definition.
        let if_none_match = if page == 0 { etag.as_deref() } else { None };
        let fetched =
            fetch_with_retries(client, settings, source, cursor.as_deref(), if_none_match)
                .await
                .map_err(|e| (e.to_string(), e.status()))?;
        let (body, page_etag) = match fetched {
            Fetched::NotModified if page == 0 => return Ok(SyncOutcome::NotModified),
            Fetched::NotModified => return Ok(SyncOutcome::Success),
            Fetched::Page { body, etag } => (body, etag),
        };
        let problems =
            ingestor
                .schemas()
                .validate(SchemaKind::CountryFeed, &body, minor_above_zero(&body));
        if !problems.is_empty() {
            let listed: Vec<String> = problems
                .iter()
                .take(5)
                .map(|p| {
                    format!(
                        "{}: {}",
                        if p.pointer.is_empty() {
                            "(feed)"
                        } else {
                            &p.pointer
                        },
                        p.message
                    )
                })
                .collect();
            return Err((
                format!("the feed envelope breaks its schema: {}", listed.join("; ")),
                None,
            ));
        }
        let documents = body
            .get("documents")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let has_more = body
            .get("hasMore")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let next_cursor = body
            .get("nextCursor")
            .and_then(Value::as_str)
            .map(str::to_owned);

        let txn = hub_store::begin(db)
            .await
            .map_err(|e| (e.to_string(), None))?;
        for (index, document) in documents.iter().enumerate() {
            let bytes = serde_json::to_vec(document).unwrap_or_default();
            let outcome = ingestor
                .submit(
                    &txn,
                    Request {
                        body: &bytes,
                        expected: None,
                        origin: &origin,
                        options: Options::default(),
                        idempotency_key: None,
                        received_at: None,
                        request_id: None,
                        workbook: None,
                    },
                )
                .await;
            let describe = |pointer: String, code: String, message: String| SyncDocumentError {
                page: i32::try_from(page).unwrap_or(i32::MAX),
                index: i32::try_from(index).unwrap_or(i32::MAX),
                document_type: document
                    .get("documentType")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                country: document
                    .get("country")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                period: document
                    .get("period")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                pointer,
                code,
                message,
            };
            match outcome {
                Ok(outcome) => match outcome.receipt.status {
                    SubmissionStatus::Accepted | SubmissionStatus::AcceptedWithWarnings => {
                        tally.accepted += 1;
                    }
                    SubmissionStatus::Duplicate => tally.unchanged += 1,
                    SubmissionStatus::Rejected => {
                        tally.rejected += 1;
                        for problem in outcome.receipt.errors {
                            tally.errors.push(describe(
                                problem.pointer,
                                problem.code,
                                problem.message,
                            ));
                        }
                    }
                },
                Err(error) => {
                    tally.rejected += 1;
                    tally.errors.push(describe(
                        String::new(),
                        "INTERNAL".into(),
                        error.to_string(),
                    ));
                }
            }
        }
        let new_cursor = next_cursor.or_else(|| cursor.clone());
        let new_etag = if page == 0 { page_etag } else { etag.clone() };
        sources::save_position(&txn, source.id, new_cursor.as_deref(), new_etag.as_deref())
            .await
            .map_err(|e| (e.to_string(), None))?;
        hub_store::commit(txn)
            .await
            .map_err(|e| (e.to_string(), None))?;
        tally.pages += 1;
        cursor = new_cursor;
        etag = new_etag;
        let _ = sources::renew(db, source.id, &settings.replica_id, ttl).await;
        if !has_more {
            return Ok(SyncOutcome::Success);
        }
    }
    Err((
        format!("the feed did not end within {} pages", settings.max_pages),
        None,
    ))
}

fn minor_above_zero(feed: &Value) -> bool {
    feed.get("schemaVersion")
        .and_then(Value::as_str)
        .and_then(|v| v.split_once('.'))
        .and_then(|(_, minor)| minor.parse::<u32>().ok())
        .is_some_and(|minor| minor > 0)
}
