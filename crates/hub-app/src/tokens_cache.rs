//! Token checks from memory: a successful lookup is reused for as long as the access version it
//! was read at is current. Tokens never change but by revocation, and revoking one advances that
//! version (in the database, so every replica and the CLI's revocations count), which ends every
//! cached check at once. A check unused for an hour is forgotten.
//!
//! A token's `last_used_at` is kept to the minute without a lookup: a cached check says when
//! that column is due to be written again, and says so to one caller only.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use chrono::Utc;
use hub_domain::access::Principal;
use sha2::{Digest, Sha256};

/// A check unused this long is forgotten (its next use reads the token table again).
const IDLE: Duration = Duration::from_secs(3600);
/// Tokens remembered at most.
const CAPACITY: u64 = 10_000;
/// How often a token's `last_used_at` is written, at most (as `hub_store::tokens` does).
const USE_RESOLUTION_SECS: i64 = 60;

/// A successful check.
#[derive(Debug, Clone)]
struct Check {
    principal: Principal,
    access_version: i64,
    /// When `last_used_at` was last written (Unix seconds), shared by the clones moka hands out.
    use_written: Arc<AtomicI64>,
}

/// A check found in memory.
#[derive(Debug, Clone)]
pub struct Hit {
    pub principal: Principal,
    /// Whether the token's `last_used_at` is to be written now (told to one caller a minute).
    pub use_due: bool,
}

/// Successful token checks, by token hash.
#[derive(Debug)]
pub struct TokenCache {
    checks: moka::sync::Cache<String, Check>,
}

impl Default for TokenCache {
    fn default() -> Self {
        Self {
            checks: moka::sync::Cache::builder()
                .max_capacity(CAPACITY)
                .time_to_idle(IDLE)
                .build(),
        }
    }
}

fn key(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

impl TokenCache {
    /// The check of `secret`, if it was made at `access_version`.
    pub fn get(&self, secret: &str, access_version: i64) -> Option<Hit> {
        let check = self
            .checks
            .get(&key(secret))
            .filter(|check| check.access_version == access_version)?;
        let now = Utc::now().timestamp();
        let written = check.use_written.load(Ordering::Relaxed);
        let use_due = now - written >= USE_RESOLUTION_SECS
            && check
                .use_written
                .compare_exchange(written, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok();
        Some(Hit {
            principal: check.principal,
            use_due,
        })
    }

    /// Remembers a successful check made at `access_version` by a lookup (which wrote the
    /// token's `last_used_at` when it was due).
    pub fn put(&self, secret: &str, principal: Principal, access_version: i64) {
        let check = Check {
            principal,
            access_version,
            use_written: Arc::new(AtomicI64::new(Utc::now().timestamp())),
        };
        self.checks.insert(key(secret), check);
    }
}

#[cfg(test)]
mod tests {
    use hub_domain::access::Role;

    use super::*;

    fn principal() -> Principal {
        Principal {
            token_id: 7,
            label: "analyst".into(),
            role: Role::Analyst,
            country: None,
            agency: None,
        }
    }

    #[test]
    fn a_check_holds_while_its_access_version_is_current() {
        let cache = TokenCache::default();
        cache.put("rhub_secret", principal(), 3);
        assert_eq!(cache.get("rhub_secret", 3).unwrap().principal.token_id, 7);
        assert!(
            cache.get("rhub_secret", 4).is_none(),
            "a revocation ends it"
        );
        assert!(cache.get("rhub_other", 3).is_none());
    }

    #[test]
    fn a_due_use_is_told_to_one_caller_only() {
        let cache = TokenCache::default();
        cache.put("rhub_secret", principal(), 3);
        assert!(
            !cache.get("rhub_secret", 3).unwrap().use_due,
            "just written"
        );
        let check = cache.checks.get(&key("rhub_secret")).unwrap();
        check.use_written.store(
            Utc::now().timestamp() - USE_RESOLUTION_SECS,
            Ordering::Relaxed,
        );
        assert!(cache.get("rhub_secret", 3).unwrap().use_due);
        assert!(!cache.get("rhub_secret", 3).unwrap().use_due);
    }
}
