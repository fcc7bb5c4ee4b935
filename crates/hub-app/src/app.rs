//! The application: what every operation works with. Cheap to clone (one `Arc`).

use std::sync::Arc;

use hub_ingest::Ingestor;
use hub_ingest::facts::Reference;
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
    versions: crate::versions::VersionGate,
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
            versions: crate::versions::VersionGate::default(),
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

    /// The reference data as of `versions`, held in memory and shared with ingestion: figures
    /// take the teams, the catalogue and the rates from it instead of reading them each time.
    pub(crate) async fn reference_data(
        &self,
        versions: hub_store::state::Versions,
    ) -> AppResult<Arc<Reference>> {
        Ok(self
            .ingestor()
            .reference_at(self.db(), versions.reference)
            .await?)
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
    /// The data, access and reference versions committed when this call was made (or later):
    /// what every cache of the service layer, and the API's response cache, is keyed by.
    pub async fn versions(&self) -> AppResult<hub_store::state::Versions> {
        self.0.versions.current(self.db()).await
    }

    pub fn queries(&self) -> u64 {
        self.0.queries.get()
    }

    /// Tells subscribers about work plan changes (nobody listening is fine): this process's at
    /// once, other replicas' through the database (PostgreSQL `NOTIFY`).
    pub(crate) fn publish(&self, events: Vec<PlanEvent>) {
        let from = &self.0.config.federation.replica_id;
        let notices: Vec<String> = events.iter().map(|e| e.notice(from)).collect();
        for event in events {
            let _ = self.0.plan_events.send(event);
        }
        if hub_store::Backend::of_url(&self.0.config.database_url)
            == Some(hub_store::Backend::Postgres)
        {
            let db = self.db().clone();
            tokio::spawn(async move {
                for notice in notices {
                    if let Err(e) =
                        hub_store::notify::notify(&db, hub_store::notify::PLAN_EVENTS, &notice)
                            .await
                    {
                        tracing::warn!(error = %e, "work plan event not told to other replicas");
                    }
                }
            });
        }
    }

    /// Hands work plan events told by other replicas to this process's subscribers, for as long
    /// as the hub runs (PostgreSQL; SQLite has one process). A lost connection is opened again.
    pub(crate) async fn relay_plan_events(self) {
        let own = self.0.config.federation.replica_id.clone();
        let url = self.0.config.database_url.clone();
        loop {
            match hub_store::notify::Listener::open(&url, hub_store::notify::PLAN_EVENTS).await {
                Ok(None) => return,
                Ok(Some(mut listener)) => loop {
                    match listener.next().await {
                        Ok(text) => {
                            if let Some(event) = PlanEvent::from_notice(&text, &own) {
                                let _ = self.0.plan_events.send(event);
                            }
                        }
                        Err(e) => {
                            tracing::warn!(error = %e, "work plan events of other replicas: listening again");
                            break;
                        }
                    }
                },
                Err(e) => {
                    tracing::warn!(error = %e, "work plan events of other replicas: cannot listen")
                }
            }
            tokio::time::sleep(std::time::Duration::from_secs(5)).await;
        }
    }

    /// Work plan changes as they happen, for a caller who may follow them (ROMT, RCP, ADMIN).
    #[tracing::instrument(skip_all, fields(caller = %caller.label(), request_id = caller.request_id()))]
    pub fn follow_work_plans(&self, caller: &Caller) -> AppResult<broadcast::Receiver<PlanEvent>> {
        caller.may(Action::FollowWorkPlans)?;
        Ok(self.0.plan_events.subscribe())
    }

    /// (hits, misses, entries) of the figures cache, its pending evictions done first.
    pub async fn cache_stats(&self) -> (u64, u64, u64) {
        self.0.figures.settle().await;
        self.0.figures.stats()
    }
}
