//! Federation settings.

use std::time::Duration;

/// How the hub pulls its sources.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FederationSettings {
    /// Whether this process runs the pull scheduler.
    pub scheduler: bool,
    /// Pulls running at once, across all sources.
    pub concurrency: usize,
    /// Time to establish a connection.
    pub connect_timeout: Duration,
    /// Time for a whole request, body included.
    pub total_timeout: Duration,
    /// Largest feed page accepted; larger bodies are aborted while streaming.
    pub max_body_bytes: usize,
    /// Retries of one request on transient faults (timeouts, connection errors, 429, 5xx).
    pub retries: usize,
    /// First backoff ceiling; it doubles per retry (full jitter below it).
    pub backoff_base: Duration,
    /// Largest backoff between retries.
    pub backoff_cap: Duration,
    /// Longest `Retry-After` waited for; a source asking for more is retried next run instead.
    pub max_retry_after: Duration,
    /// Failed runs in a row that open the circuit of a source.
    pub circuit_threshold: u32,
    /// How long an open circuit skips a source before one probe.
    pub circuit_cooldown: Duration,
    /// How often the scheduler looks for due sources.
    pub tick: Duration,
    /// Pages one run follows at most (a feed that never ends is cut off).
    pub max_pages: usize,
    /// Identity of this replica in leases and runs.
    pub replica_id: String,
}

impl Default for FederationSettings {
    fn default() -> Self {
        Self {
            scheduler: true,
            concurrency: 8,
            connect_timeout: Duration::from_secs(5),
            total_timeout: Duration::from_secs(30),
            max_body_bytes: 20 * 1024 * 1024,
            retries: 3,
            backoff_base: Duration::from_millis(500),
            backoff_cap: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(60),
            circuit_threshold: 5,
            circuit_cooldown: Duration::from_secs(300),
            tick: Duration::from_secs(1),
            max_pages: 1000,
            replica_id: format!("replica-{}-{}", std::process::id(), hex_suffix()),
        }
    }
}

fn hex_suffix() -> String {
    format!("{:06x}", rand::random::<u32>() & 0x00ff_ffff)
}

impl FederationSettings {
    /// How long a claimed pull may run before another replica may take the source over: a few
    /// times the longest request, renewed after every page.
    pub fn lease_ttl(&self) -> Duration {
        self.total_timeout * 5 + self.backoff_cap + self.max_retry_after
    }
}
