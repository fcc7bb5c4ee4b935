//! The receipt: what a sender gets back for every document, the same through REST, GraphQL,
//! the CLI and a pull.

use chrono::{DateTime, Utc};
use hub_domain::submission::SubmissionStatus;
use serde::{Deserialize, Serialize};

use crate::problem::{Problem, codes};

/// The outcome of one document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Receipt {
    /// The stored submission (the existing one for a duplicate); none when nothing was stored.
    pub id: Option<i64>,
    /// `ACCEPTED`, `ACCEPTED_WITH_WARNINGS`, `DUPLICATE` or `REJECTED`.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "ACCEPTED"))]
    pub status: SubmissionStatus,
    pub document_type: Option<String>,
    pub country: Option<String>,
    pub period: Option<String>,
    /// `start-end` of a BOS.
    pub cycle: Option<String>,
    pub revision: Option<i32>,
    /// Values stored.
    pub accepted_values: usize,
    /// Values rejected one by one, each problem with its pointer.
    pub rejected_values: Vec<Problem>,
    /// Marks on stored values (stale or missing exchange rates, unknown agencies).
    pub warnings: Vec<Problem>,
    /// Problems that rejected the whole document.
    pub errors: Vec<Problem>,
    pub received_at: Option<DateTime<Utc>>,
    /// Whether this was a dry run (nothing stored).
    pub dry_run: bool,
    /// Whether this is a replay of the first response to an idempotency key.
    pub replayed: bool,
}

impl Receipt {
    /// A rejection for document-level problems.
    pub fn rejected(errors: Vec<Problem>) -> Self {
        Receipt {
            id: None,
            status: SubmissionStatus::Rejected,
            document_type: None,
            country: None,
            period: None,
            cycle: None,
            revision: None,
            accepted_values: 0,
            rejected_values: vec![],
            warnings: vec![],
            errors,
            received_at: None,
            dry_run: false,
            replayed: false,
        }
    }

    /// The HTTP status of this receipt on `POST /api/v1/submissions`: 201 stored, 200 duplicate
    /// (or a dry run), 409 for a revision clash, 422 for any other rejection.
    pub fn http_status(&self) -> u16 {
        match self.status {
            SubmissionStatus::Accepted | SubmissionStatus::AcceptedWithWarnings if self.dry_run => {
                200
            }
            SubmissionStatus::Accepted | SubmissionStatus::AcceptedWithWarnings => 201,
            SubmissionStatus::Duplicate => 200,
            SubmissionStatus::Rejected
                if self
                    .errors
                    .iter()
                    .any(|e| e.code == codes::CONFLICT || e.code == codes::STALE_REVISION) =>
            {
                409
            }
            SubmissionStatus::Rejected => 422,
        }
    }
}
