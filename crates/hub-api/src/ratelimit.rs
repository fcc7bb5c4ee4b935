//! Per-caller rate limits on the API routes (governor): a token's requests are counted by token,
//! anonymous requests by client address. Over the limit, the answer is 429 `RATE_LIMITED` with
//! `Retry-After`. Behind a reverse proxy every anonymous caller shares the proxy's address, so
//! give callers tokens or raise the limit there.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};

use crate::error::ApiError;
use crate::state::AppState;
use hub_app::Caller;

/// The limiter, with its clock.
pub struct RateLimits {
    limiter: DefaultKeyedRateLimiter<String>,
    clock: DefaultClock,
    checks: AtomicU64,
}

impl std::fmt::Debug for RateLimits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RateLimits")
    }
}

impl RateLimits {
    /// `per_minute` requests per caller and minute (with that burst); `None` when 0 (no limit).
    pub fn new(per_minute: u32) -> Option<Self> {
        let per_minute = NonZeroU32::new(per_minute)?;
        Some(Self {
            limiter: DefaultKeyedRateLimiter::keyed(Quota::per_minute(per_minute)),
            clock: DefaultClock::default(),
            checks: AtomicU64::new(0),
        })
    }

    /// Counts a request of `key`; the wait before the next one is allowed when over the limit.
    pub fn check(&self, key: &str) -> Result<(), std::time::Duration> {
        // Forget idle callers now and then so the table does not grow without bound.
        if self.checks.fetch_add(1, Ordering::Relaxed) % 4096 == 4095 {
            self.limiter.retain_recent();
        }
        self.limiter
            .check_key(&key.to_owned())
            .map_err(|not_until| not_until.wait_time_from(self.clock.now()))
    }
}

/// The key a caller's requests are counted under: its token, else its address.
pub fn key_of(caller: &Caller, address: Option<IpAddr>) -> String {
    match (caller.principal(), address) {
        (Some(principal), _) => format!("token:{}", principal.token_id),
        (None, Some(address)) => format!("ip:{address}"),
        (None, None) => "anonymous".to_owned(),
    }
}

/// Middleware: refuses a caller over its limit. Runs after authentication.
pub async fn enforce(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let Some(limits) = state.rate_limits() else {
        return next.run(request).await;
    };
    let caller = request
        .extensions()
        .get::<Caller>()
        .cloned()
        .unwrap_or_else(Caller::anonymous);
    let key = key_of(&caller, crate::auth::client_address(&request));
    match limits.check(&key) {
        Ok(()) => next.run(request).await,
        Err(wait) => {
            state.metrics().count("hub_rate_limited_total", "request");
            let error = ApiError::RateLimited {
                retry_after_secs: wait.as_secs().max(1),
            };
            if request.uri().path().starts_with("/graphql") {
                crate::graphql::error_response(error)
            } else {
                error.into_response()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callers_are_limited_one_by_one() {
        let limits = RateLimits::new(2).unwrap();
        assert!(limits.check("a").is_ok());
        assert!(limits.check("a").is_ok());
        let wait = limits.check("a").unwrap_err();
        assert!(wait.as_secs() <= 60);
        assert!(
            limits.check("b").is_ok(),
            "another caller has its own budget"
        );
        assert!(RateLimits::new(0).is_none());
    }
}
