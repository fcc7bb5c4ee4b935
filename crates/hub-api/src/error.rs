//! The one API error type. Each variant has a stable code (GraphQL `extensions.code`, REST
//! `error.code`) and an HTTP status, named in its doc line. Internal details are logged with the
//! request id and never sent to the caller.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use hub_app::AppError;
use serde_json::json;

use crate::request_id::current_id;

/// Everything an API call can fail with.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ApiError {
    /// 401 `UNAUTHENTICATED`: no valid token where one is needed, or a bad or revoked one.
    #[error("{0}")]
    Unauthenticated(String),
    /// 403 `FORBIDDEN`: the token's role or scope does not allow this.
    #[error("{0}")]
    Forbidden(String),
    /// 404 `NOT_FOUND`: the named thing does not exist.
    #[error("{0}")]
    NotFound(String),
    /// 422 `VALIDATION_FAILED`: an argument is malformed or out of range; `field` names it.
    #[error("{message}")]
    Validation {
        field: Option<String>,
        message: String,
    },
    /// 409 `CONFLICT`: the change clashes with the stored state (e.g. a stale expected version).
    #[error("{0}")]
    Conflict(String),
    /// 422 `IDEMPOTENCY_KEY_REUSED`: the key was used before with a different body.
    #[error("{0}")]
    IdempotencyKeyReused(String),
    /// 429 `RATE_LIMITED`: too many requests; retry after the given seconds.
    #[error("too many requests; retry in {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    /// 429 `MAX_SUBSCRIPTIONS_LIMIT`: a WebSocket connection already runs its most operations.
    #[error("this connection already runs {max} operations; complete one first")]
    TooManyOperations { max: usize },
    /// 413 `PAYLOAD_TOO_LARGE`: the body exceeds the configured limit.
    #[error("request body larger than {limit} bytes")]
    PayloadTooLarge { limit: usize },
    /// 415 `UNSUPPORTED_MEDIA_TYPE`: the body is not JSON.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// 405 `METHOD_NOT_ALLOWED`: e.g. a mutation sent with GET, or HEAD on `/graphql`.
    #[error("{0}")]
    MethodNotAllowed(String),
    /// 406 `NOT_ACCEPTABLE`: the caller accepts no media type the endpoint answers in.
    #[error("{0}")]
    NotAcceptable(String),
    /// 400 `RESPONSE_TOO_LARGE`: the answer exceeds `HUB_MAX_RESPONSE_BYTES`; ask for less.
    #[error(
        "the answer is larger than {limit} bytes; ask for fewer items (a smaller `first`) or fewer fields"
    )]
    ResponseTooLarge { limit: usize },
    /// 400 `BAD_REQUEST`: the request could not be read (broken body, bad encoding).
    #[error("{0}")]
    BadRequest(String),
    /// 503 `UNAVAILABLE`: the hub cannot serve right now (database unreachable).
    #[error("service unavailable, try again shortly")]
    Unavailable,
    /// 500 `INTERNAL`: a fault of the hub; the caller gets the request id only.
    #[error("internal error")]
    Internal(String),
}

impl ApiError {
    /// A validation error naming the offending argument.
    pub fn invalid(field: &str, message: impl std::fmt::Display) -> Self {
        ApiError::Validation {
            field: Some(field.to_owned()),
            message: format!("{field}: {message}"),
        }
    }

    /// The stable error code.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::Unauthenticated(_) => "UNAUTHENTICATED",
            ApiError::Forbidden(_) => "FORBIDDEN",
            ApiError::NotFound(_) => "NOT_FOUND",
            ApiError::Validation { .. } => "VALIDATION_FAILED",
            ApiError::Conflict(_) => "CONFLICT",
            ApiError::IdempotencyKeyReused(_) => "IDEMPOTENCY_KEY_REUSED",
            ApiError::RateLimited { .. } => "RATE_LIMITED",
            ApiError::TooManyOperations { .. } => "MAX_SUBSCRIPTIONS_LIMIT",
            ApiError::PayloadTooLarge { .. } => "PAYLOAD_TOO_LARGE",
            ApiError::UnsupportedMediaType(_) => "UNSUPPORTED_MEDIA_TYPE",
            ApiError::MethodNotAllowed(_) => "METHOD_NOT_ALLOWED",
            ApiError::NotAcceptable(_) => "NOT_ACCEPTABLE",
            ApiError::ResponseTooLarge { .. } => "RESPONSE_TOO_LARGE",
            ApiError::BadRequest(_) => "BAD_REQUEST",
            ApiError::Unavailable => "UNAVAILABLE",
            ApiError::Internal(_) => "INTERNAL",
        }
    }

    /// The HTTP status of a REST response carrying this error.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Validation { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::IdempotencyKeyReused(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::RateLimited { .. } | ApiError::TooManyOperations { .. } => {
                StatusCode::TOO_MANY_REQUESTS
            }
            ApiError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::NotAcceptable(_) => StatusCode::NOT_ACCEPTABLE,
            ApiError::ResponseTooLarge { .. } => StatusCode::BAD_REQUEST,
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The message the caller sees. Internal faults are logged here, once, with the request id.
    pub fn public_message(&self) -> String {
        match self {
            ApiError::Internal(detail) => {
                let id = current_id();
                tracing::error!(request_id = %id, detail = %detail, "internal error");
                format!("internal error; quote request id {id} when reporting it")
            }
            other => other.to_string(),
        }
    }

    fn extensions(&self) -> serde_json::Value {
        let mut ext = json!({ "code": self.code() });
        match self {
            ApiError::Validation {
                field: Some(field), ..
            } => ext["field"] = json!(field),
            ApiError::RateLimited { retry_after_secs } => {
                ext["retryAfterSeconds"] = json!(retry_after_secs);
            }
            ApiError::PayloadTooLarge { limit } | ApiError::ResponseTooLarge { limit } => {
                ext["limit"] = json!(limit);
            }
            ApiError::Internal(_) => ext["requestId"] = json!(current_id()),
            _ => {}
        }
        ext
    }

    /// The JSON body of a REST error response.
    pub fn body(&self) -> serde_json::Value {
        let mut error = self.extensions();
        error["message"] = json!(self.public_message());
        json!({ "error": error })
    }
}

/// The body of every REST error response, as the OpenAPI document describes it (the
/// extensions of [`ApiError`] plus its message; the same fields GraphQL errors carry).
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// What went wrong.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ErrorDetail {
    /// Stable code: `UNAUTHENTICATED`, `FORBIDDEN`, `NOT_FOUND`, `VALIDATION_FAILED`,
    /// `CONFLICT`, `IDEMPOTENCY_KEY_REUSED`, `RATE_LIMITED`, `PAYLOAD_TOO_LARGE`,
    /// `UNSUPPORTED_MEDIA_TYPE`, `METHOD_NOT_ALLOWED`, `NOT_ACCEPTABLE`, `BAD_REQUEST`,
    /// `UNAVAILABLE`, `INTERNAL`.
    pub code: String,
    pub message: String,
    /// The argument at fault (`VALIDATION_FAILED`).
    pub field: Option<String>,
    /// Seconds to wait (`RATE_LIMITED`; also the `Retry-After` header).
    pub retry_after_seconds: Option<u64>,
    /// The limit passed (`PAYLOAD_TOO_LARGE`).
    pub limit: Option<u64>,
    /// The request id to quote (`INTERNAL`).
    pub request_id: Option<String>,
}

impl From<AppError> for ApiError {
    fn from(err: AppError) -> Self {
        match err {
            AppError::Unauthenticated(m) => ApiError::Unauthenticated(m),
            AppError::Forbidden(m) => ApiError::Forbidden(m),
            AppError::NotFound(m) => ApiError::NotFound(m),
            AppError::Invalid { field, message } => ApiError::Validation { field, message },
            AppError::Conflict(m) => ApiError::Conflict(m),
            AppError::KeyReused(m) => ApiError::IdempotencyKeyReused(m),
            AppError::Unavailable => ApiError::Unavailable,
            AppError::Internal(detail) => ApiError::Internal(detail),
        }
    }
}

impl ApiError {
    /// The `Retry-After` header a refusal carries, if it is a rate limit.
    pub fn retry_after(&self) -> Option<axum::http::HeaderValue> {
        match self {
            ApiError::RateLimited { retry_after_secs } => {
                axum::http::HeaderValue::from_str(&retry_after_secs.to_string()).ok()
            }
            _ => None,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let retry_after = self.retry_after();
        let mut response = (self.status(), Json(self.body())).into_response();
        if let Some(value) = retry_after {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, value);
        }
        response
    }
}

impl From<ApiError> for async_graphql::Error {
    fn from(err: ApiError) -> Self {
        let mut error = async_graphql::Error::new(err.public_message());
        if let serde_json::Value::Object(map) = err.extensions() {
            let mut extensions = async_graphql::ErrorExtensionValues::default();
            for (key, value) in map {
                if let Ok(value) = async_graphql::Value::from_json(value) {
                    extensions.set(key, value);
                }
            }
            error.extensions = Some(extensions);
        }
        error
    }
}

impl From<async_graphql::Error> for ApiError {
    fn from(err: async_graphql::Error) -> Self {
        ApiError::Internal(err.message)
    }
}

/// Result of a GraphQL resolver.
pub type GqlResult<T> = Result<T, ApiError>;

/// The refusals every download shares (exports and templates), for the OpenAPI document: the
/// handlers answer them through [`ApiError`]; the type is never built.
#[derive(utoipa::IntoResponses, Debug)]
pub enum DownloadRefusals {
    /// A bad or revoked token.
    #[response(status = 401)]
    Unauthenticated(ErrorBody),
    /// A malformed, unknown or out-of-range parameter; `error.field` names it.
    #[response(status = 422)]
    Invalid(ErrorBody),
    /// Too many requests; `Retry-After` says when to try again.
    #[response(status = 429)]
    RateLimited(ErrorBody),
}
