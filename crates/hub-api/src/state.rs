//! Shared application state.

use std::sync::Arc;

use hub_ingest::Ingestor;
use hub_store::Db;

use crate::analytics::cache::FigureCache;
use crate::auth::cache::TokenCache;
use crate::auth::throttle::FailedAuthLimiter;
use crate::config::Config;
use crate::governance::workplan::PlanEvent;
use crate::graphql::HubSchema;
use crate::metrics::Metrics;
use crate::ratelimit::RateLimits;

/// Cheap-to-clone handle on the application.
#[derive(Clone, Debug)]
pub struct AppState(Arc<App>);

/// What every request handler can reach.
pub struct App {
    pub db: Db,
    pub config: Config,
    pub metrics: Metrics,
    pub schema: HubSchema,
    pub ingestor: Ingestor,
    pub cache: FigureCache,
    /// The HTTP client of the federation puller.
    pub puller: reqwest::Client,
    /// Work plan changes, for `workPlanEvents` subscribers.
    pub plan_events: tokio::sync::broadcast::Sender<PlanEvent>,
    /// Per-caller request limits (none when disabled).
    pub rate_limits: Option<RateLimits>,
    /// Failed authentications per address (none when disabled).
    pub auth_failures: Option<FailedAuthLimiter>,
    /// Successful token checks, reused while no token is revoked.
    pub tokens: TokenCache,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl AppState {
    /// Assembles the state from an open, migrated database.
    pub fn new(db: Db, config: Config, ingestor: Ingestor, puller: reqwest::Client) -> Self {
        AppState(Arc::new(App {
            db,
            metrics: Metrics::default(),
            schema: crate::graphql::build_schema(config.introspection),
            ingestor,
            cache: FigureCache::default(),
            puller,
            plan_events: tokio::sync::broadcast::channel(256).0,
            rate_limits: RateLimits::new(config.rate_limit_per_minute),
            auth_failures: FailedAuthLimiter::new(config.auth_failures_per_minute),
            tokens: TokenCache::default(),
            config,
        }))
    }

    /// The request limits, when enabled.
    pub fn rate_limits(&self) -> Option<&RateLimits> {
        self.0.rate_limits.as_ref()
    }

    /// The failed-authentication limit, when enabled.
    pub fn auth_failures(&self) -> Option<&FailedAuthLimiter> {
        self.0.auth_failures.as_ref()
    }

    /// Remembered token checks.
    pub fn tokens(&self) -> &TokenCache {
        &self.0.tokens
    }

    /// Tells subscribers about a work plan change (nobody listening is fine).
    pub fn publish_plan_event(&self, event: PlanEvent) {
        let _ = self.0.plan_events.send(event);
    }

    /// Listens to work plan changes.
    pub fn plan_events(&self) -> tokio::sync::broadcast::Receiver<PlanEvent> {
        self.0.plan_events.subscribe()
    }

    /// The HTTP client of the federation puller.
    pub fn puller(&self) -> &reqwest::Client {
        &self.0.puller
    }

    /// The cache of computed figures.
    pub fn cache(&self) -> &FigureCache {
        &self.0.cache
    }

    /// The ingestion pipeline.
    pub fn ingestor(&self) -> &Ingestor {
        &self.0.ingestor
    }

    /// The database pool.
    pub fn db(&self) -> &Db {
        &self.0.db
    }

    /// The configuration the hub runs with.
    pub fn config(&self) -> &Config {
        &self.0.config
    }

    /// The counters behind `/metrics`.
    pub fn metrics(&self) -> &Metrics {
        &self.0.metrics
    }

    /// The GraphQL schema.
    pub fn schema(&self) -> &HubSchema {
        &self.0.schema
    }
}
