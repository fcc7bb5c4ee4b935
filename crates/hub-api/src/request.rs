//! Request ids, spans and access logs.
//!
//! Every request gets an id (the caller's `x-request-id` when it is sane, else a new one). The
//! id is on the response, on every log line of the request (through its span) and reachable
//! from anywhere in the request's task through [`current_id`], so an internal error can quote it.
//! The database statements a request ran itself are counted: on its access-log line and in the
//! `x-db-statements` response header (lists are proven to cost a fixed number with it).

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

use crate::state::AppState;

/// Header carrying the request id, in and out.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// Header carrying the number of database statements the request ran itself (not shared work
/// such as a version read other requests waited on too, nor background jobs).
pub const STATEMENTS_HEADER: &str = "x-db-statements";

pub use crate::request_id::current_id;

fn sane(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
}

fn new_id() -> String {
    hex::encode(rand::random::<[u8; 8]>())
}

/// Middleware: assigns the id, opens the span, logs the outcome and counts it.
pub async fn track(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let id = request
        .headers()
        .get(REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| sane(v))
        .map_or_else(new_id, str::to_owned);
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = request.method().clone();
    let span = tracing::info_span!("request", request_id = %id, %method, route = %route);
    let started = Instant::now();
    let (mut response, statements) = hub_app::tally_statements(crate::request_id::scope(
        id.clone(),
        next.run(request).instrument(span.clone()),
    ))
    .await;
    let status = response.status();
    let elapsed = started.elapsed();
    span.in_scope(|| {
        tracing::info!(
            status = status.as_u16(),
            millis = elapsed.as_millis() as u64,
            statements,
            "served"
        );
    });
    state
        .metrics()
        .observe_request(method.as_str(), &route, status.as_u16(), elapsed);
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID_HEADER, value);
    }
    response
        .headers_mut()
        .insert(STATEMENTS_HEADER, HeaderValue::from(statements));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_short_plain_request_ids_are_taken_from_callers() {
        assert!(sane("abc-123_x.y"));
        assert!(!sane(""));
        assert!(!sane(&"a".repeat(65)));
        assert!(!sane("id with spaces"));
        assert!(!sane("id\nnewline"));
    }
}
