//! Start-up and shutdown: connect, migrate, seed an empty database, make the first admin token,
//! serve until SIGINT or SIGTERM, then drain in-flight requests.

use std::future::Future;

use hub_domain::access::Role;
use hub_ingest::{IngestError, Ingestor};
use hub_store::db::redact_url;
use hub_store::{Db, StoreError, reference, tokens};
use tokio::net::TcpListener;

use crate::config::{Config, SeedMode};
use crate::router::router;
use crate::state::AppState;

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
    Seed(StoreError),
    #[error("cannot create the first admin token: {0}")]
    Token(StoreError),
    #[error("cannot load the demo data set: {0}")]
    Demo(IngestError),
    #[error(transparent)]
    Schemas(#[from] hub_ingest::schemas::SchemaError),
    #[error("cannot load the demo governance data: {0}")]
    Governance(String),
    #[error("cannot build the federation HTTP client: {0}")]
    Client(#[from] hub_federation::client::FetchError),
}

/// A hub ready to serve.
#[derive(Debug)]
pub struct Prepared {
    pub state: AppState,
    /// The admin token made on first start; show it once.
    pub first_admin_token: Option<String>,
}

/// Opens and migrates the database named by the configuration.
pub async fn open_database(config: &Config) -> Result<Db, StartupError> {
    let db = hub_store::db::connect(&config.database_url, config.db_max_connections)
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

/// Loads seed data per `mode`: reference data (idempotently), and for `demo` the demo data set
/// through the ingestion pipeline.
pub async fn seed(
    db: &Db,
    mode: SeedMode,
    ingestor: &Ingestor,
    approvals_required: u32,
) -> Result<(), StartupError> {
    if mode == SeedMode::None {
        return Ok(());
    }
    let report = hub_store::seed::seed_reference(db)
        .await
        .map_err(StartupError::Seed)?;
    tracing::info!(?report, "reference data loaded");
    if mode == SeedMode::Demo {
        let report = hub_ingest::demo::load(db, ingestor)
            .await
            .map_err(StartupError::Demo)?;
        tracing::info!(?report, "demo data set loaded");
        crate::governance::demo::load(db, approvals_required)
            .await
            .map_err(|e| StartupError::Governance(e.to_string()))?;
        tracing::info!("demo governance data loaded");
    }
    Ok(())
}

/// Connects, migrates, seeds an empty database per `HUB_SEED` and makes the first admin token.
pub async fn prepare(config: Config) -> Result<Prepared, StartupError> {
    let db = open_database(&config).await?;
    let ingestor = Ingestor::new()?.with_idempotency(config.idempotency_lease, db.clone());
    let empty = reference::countries(&db, false)
        .await
        .map_err(StartupError::Seed)?
        .is_empty();
    if empty {
        tracing::info!(mode = ?config.seed, "empty database: seeding");
        seed(
            &db,
            config.seed,
            &ingestor,
            config.workplan_approvals_required,
        )
        .await?;
    }
    let first_admin_token = if tokens::any(&db).await.map_err(StartupError::Token)? {
        None
    } else {
        let (info, secret) = tokens::create(
            &db,
            tokens::NewToken {
                label: INITIAL_ADMIN_LABEL.to_owned(),
                role: Role::Admin,
                country: None,
                agency: None,
            },
        )
        .await
        .map_err(StartupError::Token)?;
        hub_store::audit::record(
            &db,
            hub_store::audit::Entry {
                actor: &hub_store::audit::Actor::System("startup".into()),
                action: "token.create",
                entity_type: "access_token",
                entity_id: info.id.to_string(),
                before: None,
                after: Some(&serde_json::json!({ "label": info.label, "role": info.role })),
                request_id: None,
                summary: Some("first admin token created on an empty database".into()),
            },
        )
        .await
        .map_err(StartupError::Token)?;
        Some(secret)
    };
    let puller = hub_federation::client::http_client(&config.federation)?;
    Ok(Prepared {
        state: AppState::new(db, config, ingestor, puller),
        first_admin_token,
    })
}

/// Serves on `listener` (and runs the federation scheduler, when enabled) until `shutdown`
/// completes, then lets in-flight requests and pulls finish.
pub async fn serve(
    state: AppState,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let settings = state.config().federation.clone();
    let scheduler = settings.scheduler.then(|| {
        hub_federation::scheduler::spawn(
            state.db().clone(),
            state.ingestor().clone(),
            state.puller().clone(),
            settings,
            stopped,
        )
    });
    let housekeeping = tokio::spawn(housekeeping(state.clone()));
    let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            shutdown.await;
            let _ = stop.send(true);
        })
        .await;
    if let Some(scheduler) = scheduler {
        let _ = scheduler.await;
    }
    housekeeping.abort();
    served
}

/// Hourly chores: forget idempotency keys past their retention.
async fn housekeeping(state: AppState) {
    let mut hourly = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        hourly.tick().await;
        match hub_store::idempotency::purge_expired(state.db()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(purged = n, "expired idempotency keys removed"),
            Err(e) => tracing::warn!(error = %e, "cannot purge idempotency keys"),
        }
    }
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::warn!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown signal received; draining requests");
}
