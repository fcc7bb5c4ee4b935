//! The application: what every operation works with. Cheap to clone (one `Arc`).

use std::sync::Arc;

use hub_ingest::Ingestor;
use hub_store::Db;
use hub_store::db::QueryCounter;
use tokio::sync::broadcast;

use hub_domain::access::Action;

use crate::Caller;
use crate::config::Config;
use crate::error::AppResult;
use crate::figures::cache::FigureCache;
use crate::governance::PlanEvent;
use crate::tokens::TokenCache;

/// The hub's operations hang off this; see the modules for each area.
#[derive(Clone)]
pub struct App(Arc<Inner>);

struct Inner {
    db: Db,
    config: Config,
    ingestor: Ingestor,
    puller: reqwest::Client,
    figures: FigureCache,
    tokens: TokenCache,
    plan_events: broadcast::Sender<PlanEvent>,
    queries: QueryCounter,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("config", &self.0.config)
            .finish_non_exhaustive()
    }
}

impl App {
    /// Assembles the application over an open, migrated database.
    pub fn new(
        db: Db,
        config: Config,
        ingestor: Ingestor,
        puller: reqwest::Client,
        queries: QueryCounter,
    ) -> Self {
        App(Arc::new(Inner {
            db,
            config,
            ingestor,
            puller,
            figures: FigureCache::default(),
            tokens: TokenCache::default(),
            plan_events: broadcast::channel(256).0,
            queries,
        }))
    }

    pub(crate) fn db(&self) -> &Db {
        &self.0.db
    }

    /// The configuration the hub runs with.
    pub fn config(&self) -> &Config {
        &self.0.config
    }

    pub(crate) fn ingestor(&self) -> &Ingestor {
        &self.0.ingestor
    }

    pub(crate) fn puller(&self) -> &reqwest::Client {
        &self.0.puller
    }

    pub(crate) fn figures(&self) -> &FigureCache {
        &self.0.figures
    }

    pub(crate) fn token_cache(&self) -> &TokenCache {
        &self.0.tokens
    }

    /// Statements run on the database so far (`/metrics`; tests count queries with it).
    pub fn queries(&self) -> u64 {
        self.0.queries.get()
    }

    /// Tells subscribers about work plan changes (nobody listening is fine).
    pub(crate) fn publish(&self, events: Vec<PlanEvent>) {
        for event in events {
            let _ = self.0.plan_events.send(event);
        }
    }

    /// Work plan changes as they happen, for a caller who may follow them (ROMT, RCP, ADMIN).
    #[tracing::instrument(skip_all, fields(caller = %caller.label(), request_id = caller.request_id()))]
    pub fn follow_work_plans(&self, caller: &Caller) -> AppResult<broadcast::Receiver<PlanEvent>> {
        caller.may(Action::FollowWorkPlans)?;
        Ok(self.0.plan_events.subscribe())
    }

    /// (hits, misses, entries) of the figures cache.
    pub fn cache_stats(&self) -> (u64, u64, u64) {
        self.0.figures.stats()
    }
}
