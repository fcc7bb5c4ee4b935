//! Operator endpoints: liveness, readiness and metrics.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::state::AppState;

/// `GET /healthz`: the process is alive.
#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, description = "`{\"status\": \"ok\"}`", content_type = "application/json")))]
pub async fn healthz() -> Json<serde_json::Value> {
    Json(json!({ "status": "ok" }))
}

/// `GET /readyz`: 200 when the database answers and every migration is applied, else 503.
#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses(
        (status = 200, description = "`{\"status\": \"ready\"}`", content_type = "application/json"),
        (status = 503, description = "The database does not answer or migrations are pending", content_type = "application/json")
    ))]
pub async fn readyz(State(state): State<AppState>) -> Response {
    match state.app().readiness().await {
        Ok(()) => Json(json!({ "status": "ready" })).into_response(),
        Err(reason) => {
            tracing::warn!(%reason, "not ready");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({ "status": "unavailable", "reason": reason.to_string() })),
            )
                .into_response()
        }
    }
}

/// `GET /metrics`: Prometheus text format.
pub async fn metrics(State(state): State<AppState>) -> Response {
    let (hits, misses, entries) = state.app().cache_stats().await;
    let (answer_hits, answer_misses, answers) = state.answers().stats();
    let body = state.metrics().render(&[
        (
            "hub_answer_hits_total",
            "GraphQL questions answered with a kept answer.",
            answer_hits as f64,
        ),
        (
            "hub_answer_misses_total",
            "GraphQL questions that could be kept and were executed.",
            answer_misses as f64,
        ),
        ("hub_answers_kept", "GraphQL answers kept.", answers as f64),
        (
            "hub_cache_hits_total",
            "Figures served from the cache.",
            hits as f64,
        ),
        ("hub_cache_misses_total", "Figures computed.", misses as f64),
        (
            "hub_cache_entries",
            "Figures held in the cache.",
            entries as f64,
        ),
        (
            "hub_db_queries_total",
            "Statements run on the database.",
            state.app().queries() as f64,
        ),
    ]);
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        body,
    )
        .into_response()
}
