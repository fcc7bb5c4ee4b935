//! The service layer of romt-hub (DESIGN §3): every operation of the hub, whatever its entry
//! point (GraphQL, REST, pages, the CLI, the scheduler, benchmarks), is one method of [`App`].
//! Each takes the acting [`Caller`], checks it against the access policy of
//! `hub_domain::access` (the only place a role is checked), runs in one transaction together
//! with its audit entry, and returns typed results or an [`AppError`]. Nothing here knows HTTP:
//! no axum, no async-graphql (CI checks it with `cargo tree`).
//!
//! Layout:
//! - [`app`]: the application (database, ingestor, puller, figures cache, plan events).
//! - [`caller`]: who acts: anonymous, a token holder, or the operator's named job.
//! - [`error`]: the one error type, one variant per kind of refusal.
//! - [`config`], [`startup`]: configuration, opening, seeding, background work.
//! - [`submissions`]: pushing documents, reading them back with lineage, the hub's feed.
//! - [`figures`]: regional figures (DESIGN §8) and their cache.
//! - [`governance`]: task forces, work plans, meetings, action items (DESIGN §10).
//! - [`sources`]: federation sources and sync runs (DESIGN §9).
//! - [`quality`]: outliers, follow-ups, min-max bounds, validation rules and the data quality
//!   report (DESIGN §16).
//! - [`reference`]: country teams, KPIs, rates, mappings, locked periods.
//! - [`exports`]: exports (DESIGN §13) and spreadsheet templates (§14).
//! - [`tokens`]: access tokens; [`sessions`]: web application sessions; [`audit`]: the audit
//!   log.

pub mod app;
pub mod audit;
pub mod caller;
pub mod config;
pub mod error;
pub mod exports;
pub mod figures;
pub mod governance;
pub mod quality;
pub mod reference;
pub mod sessions;
pub mod sources;
pub mod startup;
pub mod submissions;
pub mod tokens;
mod tokens_cache;
pub mod versions;

pub use app::App;
pub use caller::Caller;
pub use config::Config;
pub use error::{AppError, AppResult};
/// Runs some work and counts the database statements it runs itself, not those of tasks it
/// spawns: what one request costs the database (its access-log line, the `x-db-statements`
/// header the query-count tests read).
pub use hub_store::db::tally as tally_statements;
