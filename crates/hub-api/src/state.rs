//! Shared state of the HTTP layer: the application (every operation), the GraphQL schema, and
//! what only HTTP needs (metrics, request limits, the failed-authentication limit).

use std::sync::Arc;

use hub_app::{App, Config};

use crate::auth::throttle::FailedAuthLimiter;
use crate::graphql::HubSchema;
use crate::metrics::Metrics;
use crate::ratelimit::RateLimits;

/// Cheap-to-clone handle on the HTTP layer's state.
#[derive(Clone, Debug)]
pub struct AppState(Arc<Inner>);

struct Inner {
    app: App,
    metrics: Metrics,
    schema: HubSchema,
    /// Answers of repeated GraphQL questions.
    answers: crate::graphql::answers::Answers,
    /// Per-caller request limits (none when disabled).
    rate_limits: Option<RateLimits>,
    /// Failed authentications per address (none when disabled).
    auth_failures: Option<FailedAuthLimiter>,
}

impl std::fmt::Debug for Inner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("app", &self.app)
            .finish_non_exhaustive()
    }
}

impl AppState {
    /// The HTTP layer over `app`.
    pub fn new(app: App) -> Self {
        let config = app.config();
        AppState(Arc::new(Inner {
            metrics: Metrics::default(),
            schema: crate::graphql::build_schema(config.introspection),
            answers: Default::default(),
            rate_limits: RateLimits::new(config.rate_limit_per_minute),
            auth_failures: FailedAuthLimiter::new(config.auth_failures_per_minute),
            app,
        }))
    }

    /// The application: every operation of the hub.
    pub fn app(&self) -> &App {
        &self.0.app
    }

    /// The configuration the hub runs with.
    pub fn config(&self) -> &Config {
        self.0.app.config()
    }

    /// The request limits, when enabled.
    pub fn rate_limits(&self) -> Option<&RateLimits> {
        self.0.rate_limits.as_ref()
    }

    /// The failed-authentication limit, when enabled.
    pub fn auth_failures(&self) -> Option<&FailedAuthLimiter> {
        self.0.auth_failures.as_ref()
    }

    /// The counters behind `/metrics`.
    pub fn metrics(&self) -> &Metrics {
        &self.0.metrics
    }

    /// The kept answers of repeated GraphQL questions.
    pub fn answers(&self) -> &crate::graphql::answers::Answers {
        &self.0.answers
    }

    /// The GraphQL schema.
    pub fn schema(&self) -> &HubSchema {
        &self.0.schema
    }
}
