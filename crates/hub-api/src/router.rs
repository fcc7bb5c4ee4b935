//! Every route of the hub, in one place.

use axum::Router;
use axum::middleware::from_fn_with_state;
use axum::routing::{any, get, post};

use crate::state::AppState;
use crate::{auth, exports, graphql, health, openapi, ratelimit, request, rest};

/// The hub's router: API routes behind authentication, operator routes open, every route with
/// request ids, access logs and panic containment.
pub fn router(state: AppState) -> Router {
    layered(routes(state.clone()), state)
}

/// The routes, without the layers every route shares.
pub fn routes(state: AppState) -> Router<AppState> {
    let api = Router::new()
        // Every method reaches the handler, which runs GET and POST and refuses the rest (HEAD
        // included: axum would otherwise answer HEAD with the GET handler, executing it).
        .route("/graphql", any(graphql::http::handler))
        .route("/graphql/ws", get(graphql::ws::handler))
        .route("/api/v1/submissions", post(rest::submit))
        .route("/federation/v1/feed", get(rest::feed))
        .route("/api/v1/exports/values", get(exports::values))
        .route("/api/v1/exports/regional", get(exports::regional))
        .route("/api/v1/exports/bos", get(exports::bos))
        .route("/api/v1/exports/workplans/{id}", get(exports::workplan))
        .route(
            "/api/v1/templates/kpi-report",
            get(exports::kpi_report_template),
        )
        .route("/api/v1/templates/bos", get(exports::bos_template))
        // Layers run bottom-up: authentication first, then the caller's rate limit.
        .layer(from_fn_with_state(state.clone(), ratelimit::enforce))
        .layer(from_fn_with_state(state, auth::authenticate));

    Router::new()
        .merge(api)
        .merge(hub_web::routes::<AppState>())
        .route("/api/v1/openapi.json", get(openapi::document))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(health::metrics))
}

/// Adds what every route shares: panic containment inside the request id, so a panic's answer
/// and log line carry the id.
pub fn layered(routes: Router<AppState>, state: AppState) -> Router {
    routes
        .layer(crate::panic::layer())
        .layer(from_fn_with_state(state.clone(), request::track))
        .with_state(state)
}
