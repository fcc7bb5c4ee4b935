//! Start-up: connect, migrate, seed an empty database, make the first admin token, and the
//! background work of a running hub (scheduled pulls, housekeeping). The HTTP server is
//! hub-api's; the CLI uses [`open`] for its commands.

use hub_domain::access::Role;
use hub_ingest::{IngestError, Ingestor};
use hub_store::db::{QueryCounter, redact_url};
use hub_store::{Db, StoreError, reference, tokens};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::config::{Config, SeedMode};
use crate::error::AppError;
use crate::tokens::TokenRequest;
use crate::{App, Caller};

pub use hub_store::db::NotReady;

/// Label of the admin token made on first start.
pub const INITIAL_ADMIN_LABEL: &str = "initial-admin";

/// Why the hub could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("cannot open the database at {url}: {source}")]
    Connect { url: String, source: StoreError },
    #[error("cannot migrate the database: {0}")]
    Migrate(StoreError),
    #[error("cannot seed the database: {0}")]
    Seed(AppError),
    #[error("cannot create the first admin token: {0}")]
    Token(AppError),
    #[error("cannot load the demo data set: {0}")]
    Demo(IngestError),
    #[error(transparent)]
    Schemas(#[from] hub_ingest::schemas::SchemaError),
    #[error("cannot load the demo governance data: {0}")]
    Governance(AppError),
    #[error("cannot build the federation HTTP client: {0}")]
    Client(#[from] hub_federation::client::FetchError),
}

/// A hub ready to serve.
#[derive(Debug)]
pub struct Prepared {
    pub app: App,
    /// The admin token made on first start; show it once.
    pub first_admin_token: Option<String>,
}

async fn open_database(config: &Config, queries: QueryCounter) -> Result<Db, StartupError> {
    let db = hub_store::db::connect_counted(
        &config.database_url,
        config.db_max_connections,
        Some(queries),
    )
    .await
    .map_err(|source| StartupError::Connect {
        url: redact_url(&config.database_url),
        source,
    })?;
    hub_store::db::migrate(&db)
        .await
        .map_err(StartupError::Migrate)?;
    Ok(db)
}

/// Opens (and migrates) the configured database as an application, without seeding: what the
/// CLI's commands run on.
pub async fn open(config: Config) -> Result<App, StartupError> {
    let queries = QueryCounter::default();
    let db = open_database(&config, queries.clone()).await?;
    let ingestor = Ingestor::new()?
        .with_idempotency(config.idempotency_lease, db.clone())
        .with_outliers(config.outliers.clone());
    let puller = hub_federation::client::http_client(&config.federation)?;
    Ok(App::new(db, config, ingestor, puller, queries))
}

/// Connects, migrates, seeds an empty database per `HUB_SEED` and makes the first admin token.
pub async fn prepare(config: Config) -> Result<Prepared, StartupError> {
    let app = open(config).await?;
    let empty = reference::countries(app.db(), false)
        .await
        .map_err(|e| StartupError::Seed(e.into()))?
        .is_empty();
    if empty {
        let mode = app.config().seed;
        tracing::info!(?mode, "empty database: seeding");
        app.seed(&Caller::operator("seed"), mode).await?;
    }
    let first_admin_token = if tokens::any(app.db())
        .await
        .map_err(|e| StartupError::Token(e.into()))?
    {
        None
    } else {
        let (_, secret) = app
            .create_token(
                &Caller::operator("startup"),
                TokenRequest {
                    label: INITIAL_ADMIN_LABEL.to_owned(),
                    role: Role::Admin,
                    country: None,
                    agency: None,
                },
            )
            .await
            .map_err(StartupError::Token)?;
        Some(secret)
    };
    Ok(Prepared {
        app,
        first_admin_token,
    })
}

impl App {
    /// Loads seed data per `mode`: reference data (idempotently, audited as one change), and
    /// for `demo` the demo data set through the ingestion pipeline and the governance services.
    #[tracing::instrument(skip_all, fields(caller = %caller.label(), mode = ?mode))]
    pub async fn seed(&self, caller: &Caller, mode: SeedMode) -> Result<(), StartupError> {
        if mode == SeedMode::None {
            return Ok(());
        }
        self.seed_reference(caller)
            .await
            .map_err(StartupError::Seed)?;
        if mode == SeedMode::Demo {
            let demo = hub_ingest::demo::demo_set().map_err(StartupError::Demo)?;
            for mapping in demo.mappings {
                self.upsert_kpi_mapping(caller, mapping.into())
                    .await
                    .map_err(StartupError::Seed)?;
            }
            let report =
                hub_ingest::demo::load_documents(self.db(), self.ingestor(), &demo.documents)
                    .await
                    .map_err(StartupError::Demo)?;
            tracing::info!(?report, "demo data set loaded");
            crate::governance::demo::load(self)
                .await
                .map_err(StartupError::Governance)?;
            tracing::info!("demo governance data loaded");
        }
        Ok(())
    }

    /// Starts what a serving hub runs beside its requests: scheduled pulls (when enabled) and
    /// hourly housekeeping. Both stop when `stop` turns true; await the handle to let running
    /// pulls finish.
    pub fn start_background(&self, stop: watch::Receiver<bool>) -> JoinHandle<()> {
        let settings = self.config().federation.clone();
        let scheduler = settings.scheduler.then(|| {
            hub_federation::scheduler::spawn(
                self.db().clone(),
                self.ingestor().clone(),
                self.puller().clone(),
                settings,
                stop.clone(),
            )
        });
        let app = self.clone();
        tokio::spawn(async move {
            let relay = tokio::spawn(app.clone().relay_plan_events());
            let housekeeping = tokio::spawn(app.housekeeping());
            let mut stop = stop;
            while !*stop.borrow() {
                if stop.changed().await.is_err() {
                    break;
                }
            }
            housekeeping.abort();
            relay.abort();
            if let Some(scheduler) = scheduler {
                let _ = scheduler.await;
            }
        })
    }

    /// Hourly chores: forget idempotency keys past their retention.
    async fn housekeeping(self) {
        let mut hourly = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            hourly.tick().await;
            match hub_store::idempotency::purge_expired(self.db()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(purged = n, "expired idempotency keys removed"),
                Err(e) => tracing::warn!(error = %e, "cannot purge idempotency keys"),
            }
        }
    }

    /// Readiness: the database answers and every migration is applied.
    #[tracing::instrument(skip_all)]
    pub async fn readiness(&self) -> Result<(), NotReady> {
        hub_store::db::check_ready(self.db()).await
    }
}
