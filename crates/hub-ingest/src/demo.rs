//! The demo data set (`seed/demo/`, embedded at build time), loaded through the pipeline like
//! any other submission: the manifest's mappings first (by the service layer, audited), then
//! every document in order, each as received at its simulated time, so on-time and late reports
//! come out as in real life.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use hub_domain::Decimal;
use hub_domain::submission::SubmissionStatus;
use hub_store::mappings::MappingInput;
use hub_store::{Db, StoreError};
use serde::Deserialize;

use crate::pipeline::{IngestError, Ingestor, Options, Origin, Request};

include!(concat!(env!("OUT_DIR"), "/demo_files.rs"));

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Manifest {
    mappings: Vec<ManifestMapping>,
    documents: Vec<ManifestDocument>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ManifestMapping {
    country: String,
    local_code: String,
    kpi: String,
    factor: Decimal,
    offset: Decimal,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ManifestDocument {
    file: String,
    received_at: DateTime<Utc>,
}

/// How loading the demo data set went, by receipt status.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DemoReport {
    pub by_status: HashMap<SubmissionStatus, usize>,
}

impl DemoReport {
    /// Documents with this outcome.
    pub fn count(&self, status: SubmissionStatus) -> usize {
        self.by_status.get(&status).copied().unwrap_or(0)
    }
}

fn invalid(message: String) -> IngestError {
    IngestError::Store(StoreError::Invalid(message))
}

/// The demo data set: its local-code mappings and its documents, each with the time it is
/// received at.
#[derive(Debug, Clone)]
pub struct DemoSet {
    pub mappings: Vec<MappingInput>,
    pub documents: Vec<DemoDocument>,
}

/// One document of the demo data set.
#[derive(Debug, Clone)]
pub struct DemoDocument {
    pub file: String,
    pub body: &'static str,
    pub received_at: DateTime<Utc>,
}

/// Reads the embedded demo data set.
pub fn demo_set() -> Result<DemoSet, IngestError> {
    let files: HashMap<&str, &'static str> = DEMO_FILES.iter().copied().collect();
    let manifest: Manifest = serde_json::from_str(
        files
            .get("manifest.json")
            .ok_or_else(|| invalid("seed/demo/manifest.json is missing".into()))?,
    )
    .map_err(|e| invalid(format!("seed/demo/manifest.json: {e}")))?;
    let bad = |e: hub_domain::ParseError| invalid(format!("demo mapping: {e}"));
    let mappings = manifest
        .mappings
        .into_iter()
        .map(|m| {
            Ok(MappingInput {
                country: m.country.parse().map_err(bad)?,
                local_code: m.local_code.parse().map_err(bad)?,
                kpi: m.kpi.parse().map_err(bad)?,
                factor: m.factor,
                offset: m.offset,
            })
        })
        .collect::<Result<Vec<_>, IngestError>>()?;
    let documents = manifest
        .documents
        .into_iter()
        .map(|d| {
            let body = files
                .get(d.file.as_str())
                .ok_or_else(|| invalid(format!("demo document {} is missing", d.file)))?;
            Ok(DemoDocument {
                body,
                file: d.file,
                received_at: d.received_at,
            })
        })
        .collect::<Result<Vec<_>, IngestError>>()?;
    Ok(DemoSet {
        mappings,
        documents,
    })
}

/// Loads the demo documents through the pipeline, each as received at its simulated time.
/// Documents already stored come back `DUPLICATE`, so loading twice changes nothing.
pub async fn load_documents(
    db: &Db,
    ingestor: &Ingestor,
    documents: &[DemoDocument],
) -> Result<DemoReport, IngestError> {
    let mut report = DemoReport::default();
    for document in documents {
        let outcome = ingestor
            .submit(
                db,
                Request {
                    body: document.body.as_bytes(),
                    expected: None,
                    origin: &Origin::Seed,
                    options: Options::default(),
                    idempotency_key: None,
                    received_at: Some(document.received_at),
                    request_id: None,
                    workbook: None,
                },
            )
            .await?;
        if outcome.receipt.status == SubmissionStatus::Rejected {
            tracing::warn!(file = %document.file, errors = ?outcome.receipt.errors, "demo document rejected");
        }
        *report.by_status.entry(outcome.receipt.status).or_default() += 1;
    }
    Ok(report)
}
