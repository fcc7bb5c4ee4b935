//! Token checks remembered briefly: a successful lookup is reused for up to a minute while the
//! access version it was read at is still current. Revoking a token advances that version (in the
//! database, so every replica and the CLI's revocations count), which ends every cached check
//! at once.

use std::time::Duration;

use hub_domain::access::Principal;
use sha2::{Digest, Sha256};

/// How long a check is reused at most.
const TTL: Duration = Duration::from_secs(60);
/// Tokens remembered at most.
const CAPACITY: u64 = 10_000;

/// Successful token checks, by token hash.
#[derive(Debug)]
pub struct TokenCache {
    checks: moka::sync::Cache<String, (Principal, i64)>,
}

impl Default for TokenCache {
    fn default() -> Self {
        Self {
            checks: moka::sync::Cache::builder()
                .max_capacity(CAPACITY)
                .time_to_live(TTL)
                .build(),
        }
    }
}

fn key(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

impl TokenCache {
    /// The principal of `secret`, if it was checked at `access_version`.
    pub fn get(&self, secret: &str, access_version: i64) -> Option<Principal> {
        self.checks
            .get(&key(secret))
            .filter(|(_, version)| *version == access_version)
            .map(|(principal, _)| principal)
    }

    /// Remembers a successful check made at `access_version`.
    pub fn put(&self, secret: &str, principal: Principal, access_version: i64) {
        self.checks.insert(key(secret), (principal, access_version));
    }
}
