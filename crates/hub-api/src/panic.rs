//! Containing panics: a panic while serving one request is answered `INTERNAL` (500, JSON body,
//! request id) and logged with the request id; the process and every other request go on.
//!
//! Two places catch: [`layer`] wraps every route (tower-http's `CatchPanicLayer`), and the
//! GraphQL handler catches around the executor so a GraphQL caller gets a GraphQL-shaped error.
//! A panic in a background task (a pull, housekeeping) ends that task only: tokio contains it.

use std::any::Any;

use axum::body::Body;
use axum::http::Response;
use axum::response::IntoResponse;
use tower_http::catch_panic::CatchPanicLayer;

use crate::error::ApiError;

/// The text of a panic payload (`panic!("...")` carries a `&str` or a `String`).
pub fn message(payload: &(dyn Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_owned()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "a panic without a message".to_owned()
    }
}

/// What a caught panic carries.
type Payload = Box<dyn Any + Send + 'static>;

/// The answer to a caught panic.
type Responder = fn(Payload) -> Response<Body>;

fn respond(payload: Payload) -> Response<Body> {
    // `ApiError::Internal` logs the detail with the request id when it is turned into a body.
    ApiError::Internal(format!("panic: {}", message(payload.as_ref()))).into_response()
}

/// The layer that turns a panic into a 500 `INTERNAL` answer. Put it inside the request-id layer,
/// so the answer and the log line carry the request's id.
pub fn layer() -> CatchPanicLayer<Responder> {
    CatchPanicLayer::custom(respond as Responder)
}
