//! Federation (DESIGN §9): the hub pulls country feeds on a schedule, through the same
//! ingestion pipeline as pushed documents, and serves feeds of its own.
//!
//! Every pull is bounded (connect and total timeouts, a maximum body enforced while streaming),
//! retried with full-jitter exponential backoff on transient faults (honouring `Retry-After`),
//! and guarded by a circuit breaker per source. One bad source never delays the others: each
//! pull runs in its own task under a shared concurrency bound. With several replicas on one
//! database, a lease per source lets exactly one of them pull it per round.
//!
//! Layout:
//! - [`settings`]: the knobs, with production defaults.
//! - [`client`]: one bounded HTTP fetch of one feed page.
//! - [`sync`]: one run of one source: pages, ingestion, cursor, circuit; the run is stored with
//!   its audit entry.
//! - [`scheduler`]: the background loop that claims due sources and runs them.
//! - [`feed`]: the feed document format, and the hub's own feed.
//! - [`node`]: `romt-hub country-node`, a folder read as feed pages (hub-api serves them).
//!
//! Callers reach this crate through `hub-app`, which checks access before a manual pull.

pub mod client;
pub mod feed;
pub mod node;
pub mod scheduler;
pub mod settings;
pub mod sync;

pub use settings::FederationSettings;
pub use sync::{RunBy, SyncOutcome, Trigger, sync_source};
