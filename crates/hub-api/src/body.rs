//! Reading request bodies: the content type a route takes, and the body limit enforced while
//! reading (also for chunked bodies that declare no length).

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::header;

use crate::error::ApiError;

/// The essence of the request's `Content-Type` (`application/json` for
/// `application/json; charset=utf-8`), lower-cased; empty when there is none.
pub fn content_type(request: &Request) -> String {
    request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// Whether a content type is JSON (`application/json` or any `+json` type).
pub fn is_json(essence: &str) -> bool {
    essence == "application/json" || essence.ends_with("+json")
}

/// Reads a JSON request body within `limit` bytes.
pub async fn read_json(request: Request, limit: usize) -> Result<Bytes, ApiError> {
    let essence = content_type(&request);
    if !is_json(&essence) {
        return Err(ApiError::UnsupportedMediaType(format!(
            "send JSON with Content-Type: application/json (got {})",
            if essence.is_empty() {
                "no content type".to_owned()
            } else {
                format!("{essence:?}")
            }
        )));
    }
    read_limited(request, limit).await
}

/// Reads a body within `limit` bytes, refusing a declared length above it before reading.
pub async fn read_limited(request: Request, limit: usize) -> Result<Bytes, ApiError> {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|len| len > limit) {
        return Err(ApiError::PayloadTooLarge { limit });
    }
    axum::body::to_bytes(Body::new(request.into_body()), limit)
        .await
        .map_err(|err| {
            let err = err.into_inner();
            if err.is::<http_body_util::LengthLimitError>() {
                ApiError::PayloadTooLarge { limit }
            } else {
                ApiError::BadRequest(format!("the request body could not be read: {err}"))
            }
        })
}
