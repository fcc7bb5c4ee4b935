//! Every route of the hub, in one place.

use axum::Router;
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post};

use crate::state::AppState;
use crate::{auth, graphql, health, page, ratelimit, request, rest};

/// The hub's router: API routes behind authentication, operator routes open.
pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .route(
            "/graphql",
            get(graphql::handler)
                .post(graphql::handler)
                .fallback(graphql::method_not_allowed),
        )
        .route("/graphql/ws", get(graphql::ws))
        .route("/api/v1/submissions", post(rest::submit))
        .route("/federation/v1/feed", get(rest::feed))
        // Layers run bottom-up: authentication first, then the caller's rate limit.
        .layer(from_fn_with_state(state.clone(), ratelimit::enforce))
        .layer(from_fn_with_state(state.clone(), auth::authenticate));

    Router::new()
        .merge(api)
        .route("/", get(page::dashboard))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(health::metrics))
        .layer(from_fn_with_state(state.clone(), request::track))
        .with_state(state)
}
