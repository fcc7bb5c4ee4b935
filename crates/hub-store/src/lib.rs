//! Storage of romt-hub: sea-orm entities, migrations and the queries every other layer uses.
//!
//! The same code runs on the embedded SQLite default and on PostgreSQL. Money and other
//! decimals are stored as exact text; timestamps as UTC; lists as JSON (see `codec`). Functions
//! take the pool or a transaction ([`Executor`]) so callers compose them inside one transaction.
//!
//! Layout:
//! - [`analytics`]: set-based reads behind regional figures (current or as of a time).
//! - [`db`]: connecting (SQLite pragmas, pool sizes), migrating, readiness.
//! - `entity` and `migration` (private): one module per table, and the versioned migrations.
//!   The ORM stays inside this crate: callers get typed records and [`Db`]/[`Txn`] handles.
//! - [`governance`]: task forces, work plans, meetings and action items.
//! - [`reference`]: country teams, currencies, agencies, KPI catalogue, exchange rates.
//! - [`seed`]: the region's reference data, embedded from `seed/reference/`.
//! - [`submissions`]: storing revisions as current, reading submissions and values back.
//! - [`mappings`], [`locks`], [`idempotency`], [`state`]: what ingestion consults and records.
//! - [`sources`]: federation sources, their leases and sync runs.
//! - [`tokens`]: access tokens (hash only).
//! - [`audit`]: the append-only audit log.
//! - [`batch`]: writes sent together, in one round trip where the engine allows.

pub mod analytics;
pub mod audit;
pub mod batch;
pub mod db;
pub mod governance;
pub mod idempotency;
pub mod locks;
pub mod mappings;
pub mod notify;
pub mod quality;
pub mod reference;
pub mod seed;
pub mod sessions;
pub mod sources;
pub mod state;
pub mod submissions;
pub mod tokens;

mod codec;
mod entity;
mod error;
mod migration;

pub use db::{Backend, Db, Executor, Transactional, Txn, begin, commit, rollback};
pub use error::StoreError;

/// Bound parameters per statement the hub writes, at most. Small enough that a statement's
/// message stays well under one TCP segment on loopback (64 KiB): sqlx 0.9 leaves Nagle's
/// algorithm on (launchbadge/sqlx#4335), so the last segment of a larger message may wait for
/// the server's delayed ACK, about 40 ms. Also far under both engines' parameter limits.
pub const MAX_STATEMENT_PARAMS: usize = 1_000;

/// Current time, truncated to microseconds so it survives a round trip through either database.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    use chrono::{DurationRound, TimeDelta, Utc};
    let now = Utc::now();
    now.duration_trunc(TimeDelta::microseconds(1))
        .unwrap_or(now)
}
