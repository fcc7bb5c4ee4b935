//! Notices between replicas on PostgreSQL (`LISTEN`/`NOTIFY`): what one process tells, every
//! process listening on the same database hears. SQLite has one process; there it is a no-op.

use sea_orm::sqlx::Postgres;
use sea_orm::sqlx::pool::PoolOptions;
use sea_orm::sqlx::postgres::{PgConnectOptions, PgListener};
use sea_orm::{ConnectionTrait, DbBackend, Statement};

use crate::StoreError;

/// The channel work plan changes are told on.
pub const PLAN_EVENTS: &str = "romt_hub_plan_events";

/// The largest payload PostgreSQL carries (8000 bytes), with room to spare.
pub const MAX_PAYLOAD: usize = 7_900;

/// Tells `payload` on `channel` (PostgreSQL; nothing on SQLite). Inside a transaction it is
/// delivered at commit, and not at all on rollback.
pub async fn notify(
    db: &impl ConnectionTrait,
    channel: &str,
    payload: &str,
) -> Result<(), StoreError> {
    if db.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    if payload.len() > MAX_PAYLOAD {
        return Err(StoreError::Invalid(format!(
            "a notice of {} bytes is above {MAX_PAYLOAD}",
            payload.len()
        )));
    }
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT pg_notify($1, $2)",
        [channel.into(), payload.into()],
    ))
    .await?;
    Ok(())
}

/// What a process hears on one channel.
pub struct Listener(PgListener);

impl std::fmt::Debug for Listener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Listener")
    }
}

impl Listener {
    /// Listens on `channel` of the database at `url`; `None` for SQLite.
    pub async fn open(url: &str, channel: &str) -> Result<Option<Self>, StoreError> {
        if !url.starts_with("postgres") {
            return Ok(None);
        }
        let options: PgConnectOptions = url
            .parse()
            .map_err(|e| StoreError::Invalid(format!("database URL: {e}")))?;
        let options = crate::db::without_loopback_tls(options, url.contains("sslmode="));
        // A pool of one, without timeouts: the listener reconnects through it.
        let pool = PoolOptions::<Postgres>::new()
            .max_connections(1)
            .max_lifetime(None)
            .idle_timeout(None)
            .connect_lazy_with(options);
        let mut listener = PgListener::connect_with(&pool)
            .await
            .map_err(|e| StoreError::Invalid(format!("listen: {e}")))?;
        listener
            .listen(channel)
            .await
            .map_err(|e| StoreError::Invalid(format!("listen: {e}")))?;
        Ok(Some(Self(listener)))
    }

    /// The next payload. A lost connection is opened again (notices sent meanwhile are lost).
    pub async fn next(&mut self) -> Result<String, StoreError> {
        let notice = self
            .0
            .recv()
            .await
            .map_err(|e| StoreError::Invalid(format!("listen: {e}")))?;
        Ok(notice.payload().to_owned())
    }
}
