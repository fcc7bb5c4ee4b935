//! Connecting to the database, migrating it and checking that it is ready.

use std::cell::Cell;
use std::future::Future;
use std::time::Duration;

use sea_orm::sqlx::postgres::{PgConnectOptions, PgSslMode};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    TransactionTrait,
};
use sea_orm_migration::MigratorTrait;

use crate::StoreError;
use crate::migration::Migrator;

/// A connection pool to the hub's database. Callers hold it and hand it to store functions;
/// only this crate speaks to it.
pub type Db = DatabaseConnection;

/// A transaction on the hub's database: every change and its audit entry run in one.
pub type Txn = DatabaseTransaction;

/// What store functions run on: the pool or a transaction. Callers name it in their own
/// signatures without depending on the ORM.
pub trait Executor: ConnectionTrait + Sync {}

impl<T: ConnectionTrait + Sync> Executor for T {}

/// What a transaction can be started on: the pool (a transaction) or a transaction (a
/// savepoint inside it, so one document of a federation page can fail alone).
pub trait Transactional: Executor {
    /// Starts a transaction, or a savepoint inside this one.
    fn begin_txn(&self) -> impl Future<Output = Result<Txn, StoreError>> + Send;
}

impl Transactional for Db {
    async fn begin_txn(&self) -> Result<Txn, StoreError> {
        Ok(TransactionTrait::begin(self).await?)
    }
}

impl Transactional for Txn {
    async fn begin_txn(&self) -> Result<Txn, StoreError> {
        Ok(TransactionTrait::begin(self).await?)
    }
}

/// Starts a transaction on the pool.
pub async fn begin(db: &Db) -> Result<Txn, StoreError> {
    db.begin_txn().await
}

/// Commits a transaction.
pub async fn commit(txn: Txn) -> Result<(), StoreError> {
    Ok(txn.commit().await?)
}

/// Rolls a transaction back (dropping it does too; this says so).
pub async fn rollback(txn: Txn) -> Result<(), StoreError> {
    Ok(txn.rollback().await?)
}

/// Counts the statements a pool runs (for `/metrics`), and those of the task being tallied
/// (see [`tally`]).
#[derive(Debug, Clone, Default)]
pub struct QueryCounter(std::sync::Arc<std::sync::atomic::AtomicU64>);

impl QueryCounter {
    /// Statements run so far.
    pub fn get(&self) -> u64 {
        self.0.load(std::sync::atomic::Ordering::Relaxed)
    }

    fn add(&self) {
        self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        // Outside of a tallied task there is nothing more to count.
        let _ = TALLY.try_with(|n| n.set(n.get() + 1));
    }
}

tokio::task_local! {
    /// Statements run so far by the task [`tally`] is counting.
    static TALLY: Cell<u64>;
}

/// Runs `work` and counts the statements it runs on counted pools ([`connect_counted`]): its
/// own, not those of tasks it spawns, so work beside it (another request, a background job)
/// never counts. What one request costs the database, for its access-log line and the tests
/// that prove lists are read in a fixed number of queries.
pub async fn tally<F: Future>(work: F) -> (F::Output, u64) {
    TALLY
        .scope(Cell::new(0), async {
            let out = work.await;
            (out, TALLY.with(Cell::get))
        })
        .await
}

/// The database engines the hub runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The engine a `HUB_DATABASE_URL` names, or `None` for anything else.
    pub fn of_url(url: &str) -> Option<Backend> {
        if url.starts_with("sqlite:") {
            Some(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Backend::Postgres)
        } else {
            None
        }
    }

    /// The engine of an open connection.
    pub fn of(db: &impl ConnectionTrait) -> Backend {
        match db.get_database_backend() {
            DbBackend::Sqlite => Backend::Sqlite,
            _ => Backend::Postgres,
        }
    }
}

/// How long a pooled connection may sit idle before its next checkout pings it first.
const IDLE_BEFORE_PING: Duration = Duration::from_secs(30);

/// How long a caller waits for the SQLite write lock or a pooled connection before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Opens a pool. SQLite gets WAL, foreign keys, a busy timeout and a single connection, so there
/// is exactly one writer; PostgreSQL gets a small pool.
pub async fn connect(url: &str, max_connections: u32) -> Result<Db, StoreError> {
    connect_counted(url, max_connections, None).await
}

/// Whether a PostgreSQL host is this machine (an address of 127.0.0.0/8, `::1`, `localhost`,
/// or a Unix socket folder).
///
/// TLS to it protects nothing and costs twice: the encryption, and stalls. The default
/// `sslmode=prefer` takes TLS when the server offers it, and rustls writes a message of more
/// than 16 KiB as several records, one write each; sqlx 0.9 leaves Nagle's algorithm on
/// (launchbadge/sqlx#4335), so the second write waits for the server's delayed ACK of the
/// first, about 40 ms. A URL that names an `sslmode` is taken as it is.
fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host.starts_with('/')
        || host
            .trim_matches(['[', ']'])
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// `opts` without TLS if they reach this machine and the URL named no `sslmode` (`named`).
pub(crate) fn without_loopback_tls(opts: PgConnectOptions, named: bool) -> PgConnectOptions {
    if !named && is_loopback(opts.get_host()) {
        opts.ssl_mode(PgSslMode::Disable)
    } else {
        opts
    }
}

/// Opens a pool that counts its statements in `counter`.
pub async fn connect_counted(
    url: &str,
    max_connections: u32,
    counter: Option<QueryCounter>,
) -> Result<Db, StoreError> {
    let backend = Backend::of_url(url).ok_or_else(|| {
        StoreError::Invalid(format!(
            "unsupported database URL (expected sqlite://FILE?mode=rwc or postgres://...): {}",
            redact_url(url)
        ))
    })?;
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .sqlx_logging(false)
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(BUSY_TIMEOUT)
        // sqlx pings a pooled connection on every checkout by default: one more round trip per
        // statement (to the server, or to SQLite's worker thread). Only a connection idle long
        // enough to have been dropped on the way is pinged.
        .test_before_acquire_if_idle_for(IDLE_BEFORE_PING);
    match backend {
        Backend::Sqlite => {
            options.max_connections(1).min_connections(1);
            options.map_sqlx_sqlite_opts(|opts| {
                opts.journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    .busy_timeout(BUSY_TIMEOUT)
            });
        }
        Backend::Postgres => {
            options
                .max_connections(max_connections.max(2))
                .min_connections(1);
            let named = url.contains("sslmode=");
            options.map_sqlx_postgres_opts(move |opts| without_loopback_tls(opts, named));
        }
    }
    let mut db = Database::connect(options).await?;
    if let Some(counter) = counter {
        db.set_metric_callback(move |_| counter.add());
    }
    Ok(db)
}

/// Key of the advisory lock that serialises migrations of replicas starting together.
const MIGRATION_LOCK: i64 = 0x726f_6d74; // "romt"

/// Applies every pending migration. On PostgreSQL they run in one transaction holding an
/// advisory lock, so replicas starting at the same time migrate one after the other (and the
/// later ones find nothing to do); SQLite has a single writer anyway.
pub async fn migrate(db: &Db) -> Result<(), StoreError> {
    match Backend::of(db) {
        Backend::Postgres => {
            let txn = db.begin().await?;
            txn.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({MIGRATION_LOCK})"))
                .await?;
            Migrator::up(&txn, None).await?;
            txn.commit().await?;
        }
        Backend::Sqlite => Migrator::up(db, None).await?,
    }
    Ok(())
}

/// Names of the migrations not yet applied.
pub async fn pending_migrations(db: &Db) -> Result<Vec<String>, StoreError> {
    Ok(Migrator::get_pending_migrations(db)
        .await?
        .iter()
        .map(|m| m.name().to_owned())
        .collect())
}

/// Names of the applied migrations, oldest first.
pub async fn applied_migrations(db: &Db) -> Result<Vec<String>, StoreError> {
    Ok(Migrator::get_applied_migrations(db)
        .await?
        .iter()
        .map(|m| m.name().to_owned())
        .collect())
}

/// Why the hub is not ready to serve.
#[derive(Debug, thiserror::Error)]
pub enum NotReady {
    #[error("database unreachable")]
    Unreachable(#[source] StoreError),
    #[error("{0} migration(s) pending")]
    MigrationsPending(usize),
}

/// Readiness: the database answers and every migration is applied.
pub async fn check_ready(db: &Db) -> Result<(), NotReady> {
    // A pooled connection that a database restart cut is only found out by using it (pings
    // are skipped for connections used in the last `IDLE_BEFORE_PING`); it fails once and is
    // closed. Readiness asks whether the database answers now, so each pooled connection may
    // fail before the answer is no.
    let mut attempts = pooled_connections(db) + 1;
    loop {
        attempts -= 1;
        match db.ping().await {
            Ok(()) => break,
            Err(e) if attempts == 0 => return Err(NotReady::Unreachable(e.into())),
            Err(_) => continue,
        }
    }
    let pending = pending_migrations(db)
        .await
        .map_err(NotReady::Unreachable)?;
    if pending.is_empty() {
        Ok(())
    } else {
        Err(NotReady::MigrationsPending(pending.len()))
    }
}

/// How many connections `db`'s pool holds now, idle or in use.
fn pooled_connections(db: &Db) -> u32 {
    match Backend::of(db) {
        Backend::Sqlite => db.get_sqlite_connection_pool().size(),
        Backend::Postgres => db.get_postgres_connection_pool().size(),
    }
}

/// A database URL with any password replaced, safe for logs and messages.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    match rest.split_once('@') {
        Some((credentials, host)) => match credentials.split_once(':') {
            Some((user, _password)) => format!("{scheme}://{user}:***@{host}"),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_this_machine_counts_as_loopback() {
        for host in [
            "127.0.0.1",
            "127.1.2.3",
            "::1",
            "[::1]",
            "localhost",
            "/var/run/postgresql",
        ] {
            assert!(is_loopback(host), "{host}");
        }
        for host in ["db.example.org", "10.0.0.5", "192.168.1.10", "::2"] {
            assert!(!is_loopback(host), "{host}");
        }
    }

    use super::*;

    #[test]
    fn redact_url_hides_the_password_only() {
        assert_eq!(
            redact_url("postgres://hub:secret@db:5432/hub"),
            "postgres://hub:***@db:5432/hub"
        );
        assert_eq!(redact_url("postgres://hub@db/hub"), "postgres://hub@db/hub");
        assert_eq!(
            redact_url("sqlite://romt-hub.db?mode=rwc"),
            "sqlite://romt-hub.db?mode=rwc"
        );
    }

    #[test]
    fn backend_is_read_from_the_url_scheme() {
        assert_eq!(Backend::of_url("sqlite://x.db"), Some(Backend::Sqlite));
        assert_eq!(
            Backend::of_url("postgresql://h/db"),
            Some(Backend::Postgres)
        );
        assert_eq!(Backend::of_url("mysql://h/db"), None);
    }
}
