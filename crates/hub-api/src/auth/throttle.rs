//! Failed authentications per client address: at most `limit` in a minute. Past it, the
//! address's token checks are refused 429 with `Retry-After` before any database lookup, so
//! guessing tokens is throttled whatever the request rate limit is.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The window failures are counted in.
const WINDOW: Duration = Duration::from_secs(60);
/// Addresses remembered before expired windows are swept.
const SWEEP_AT: usize = 10_000;

#[derive(Debug, Clone, Copy)]
struct Window {
    started: Instant,
    failures: u32,
}

/// Counts failed authentications per address in fixed one-minute windows.
#[derive(Debug)]
pub struct FailedAuthLimiter {
    limit: u32,
    windows: Mutex<HashMap<IpAddr, Window>>,
}

impl FailedAuthLimiter {
    /// `limit` failures per address and minute; `None` when 0 (no limit).
    pub fn new(limit: u32) -> Option<Self> {
        (limit > 0).then(|| Self {
            limit,
            windows: Mutex::new(HashMap::new()),
        })
    }

    fn with<T>(&self, f: impl FnOnce(&mut HashMap<IpAddr, Window>) -> T) -> T {
        // A poisoned lock means another request panicked while counting; the counts still hold.
        let mut guard = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut guard)
    }

    /// How long `address` must wait before its next token check, if it used up its failures.
    pub fn blocked(&self, address: IpAddr, now: Instant) -> Option<Duration> {
        self.with(|windows| {
            let window = windows.get(&address)?;
            let ends = window.started + WINDOW;
            (window.failures >= self.limit && now < ends).then(|| ends - now)
        })
    }

    /// Counts one failed authentication of `address`.
    pub fn failed(&self, address: IpAddr, now: Instant) {
        self.with(|windows| {
            if windows.len() >= SWEEP_AT {
                windows.retain(|_, w| now < w.started + WINDOW);
            }
            let window = windows.entry(address).or_insert(Window {
                started: now,
                failures: 0,
            });
            if now >= window.started + WINDOW {
                *window = Window {
                    started: now,
                    failures: 0,
                };
            }
            window.failures = window.failures.saturating_add(1);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_blocked_after_its_failures_until_the_window_ends() {
        let limiter = FailedAuthLimiter::new(3).unwrap();
        let (a, b): (IpAddr, IpAddr) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
        let start = Instant::now();
        for _ in 0..3 {
            assert_eq!(limiter.blocked(a, start), None);
            limiter.failed(a, start);
        }
        let wait = limiter.blocked(a, start + Duration::from_secs(20)).unwrap();
        assert_eq!(wait, Duration::from_secs(40));
        assert_eq!(limiter.blocked(b, start), None, "others are not affected");
        assert_eq!(
            limiter.blocked(a, start + WINDOW),
            None,
            "a new window opens"
        );
        limiter.failed(a, start + WINDOW);
        assert_eq!(limiter.blocked(a, start + WINDOW), None);
        assert!(FailedAuthLimiter::new(0).is_none());
    }
}
