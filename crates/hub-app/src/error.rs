//! The one error type of the service layer. Each variant is a kind of refusal callers tell apart;
//! hub-api maps it to an HTTP status and a stable `extensions.code`, the CLI to an exit code.

use hub_domain::access::AccessError;
use hub_store::StoreError;

/// Everything a hub operation can fail with.
#[derive(Debug, Clone, thiserror::Error)]
pub enum AppError {
    /// No valid token where the operation needs one (`UNAUTHENTICATED`).
    #[error("{0}")]
    Unauthenticated(String),
    /// The caller's role or scope does not allow the operation (`FORBIDDEN`).
    #[error("{0}")]
    Forbidden(String),
    /// The named thing does not exist (`NOT_FOUND`).
    #[error("{0}")]
    NotFound(String),
    /// An argument is malformed or out of range; `field` names it (`VALIDATION_FAILED`).
    #[error("{message}")]
    Invalid {
        field: Option<String>,
        message: String,
    },
    /// The change clashes with the stored state, e.g. a stale expected version (`CONFLICT`).
    #[error("{0}")]
    Conflict(String),
    /// The idempotency key was used before with another body (`IDEMPOTENCY_KEY_REUSED`).
    #[error("{0}")]
    KeyReused(String),
    /// The hub cannot serve right now: the database is unreachable (`UNAVAILABLE`).
    #[error("service unavailable, try again shortly")]
    Unavailable,
    /// A fault of the hub; the detail is for logs only (`INTERNAL`).
    #[error("internal error")]
    Internal(String),
}

impl AppError {
    /// A validation error naming the offending argument; the message starts with its name.
    pub fn invalid(field: &str, message: impl std::fmt::Display) -> Self {
        AppError::Invalid {
            field: Some(field.to_owned()),
            message: format!("{field}: {message}"),
        }
    }

    /// A fault of the hub, with a detail for the logs.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        AppError::Internal(detail.to_string())
    }
}

impl From<StoreError> for AppError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound(m) => AppError::NotFound(m),
            StoreError::Conflict(m) => AppError::Conflict(m),
            StoreError::Invalid(m) => AppError::Invalid {
                field: None,
                message: m,
            },
            err if err.is_unavailable() => {
                tracing::warn!(error = %err, "database unavailable");
                AppError::Unavailable
            }
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<AccessError> for AppError {
    fn from(err: AccessError) -> Self {
        match err {
            AccessError::Unauthenticated { .. } => AppError::Unauthenticated(err.to_string()),
            AccessError::Forbidden { .. } | AccessError::OtherCountry { .. } => {
                AppError::Forbidden(err.to_string())
            }
        }
    }
}

impl From<hub_ingest::IngestError> for AppError {
    fn from(err: hub_ingest::IngestError) -> Self {
        use hub_ingest::IngestError;
        match err {
            IngestError::Forbidden(m) => AppError::Forbidden(m),
            IngestError::BadKey => AppError::invalid("idempotencyKey", err),
            IngestError::KeyReused => AppError::KeyReused(err.to_string()),
            IngestError::InFlight => AppError::Conflict(err.to_string()),
            IngestError::Store(e) => e.into(),
        }
    }
}

/// The result of a hub operation.
pub type AppResult<T> = Result<T, AppError>;
