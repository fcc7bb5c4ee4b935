//! Federation rules (DESIGN §9): when a source is stale, failing or behind an open circuit,
//! and the full-jitter backoff between retries.

use chrono::{DateTime, TimeDelta, Utc};

vocabulary!(
    /// The health of a federation source.
    SourceStatus, "source status" {
        /// The last run succeeded (or none is due yet).
        Ok => "OK",
        /// The last run failed; its last good data stays.
        Failing => "FAILING",
        /// No successful run for two intervals: its data is marked stale.
        Stale => "STALE",
        /// Too many failed runs in a row: runs are skipped until a probe after the cooldown.
        CircuitOpen => "CIRCUIT_OPEN",
    }
);

vocabulary!(
    /// What started a sync run.
    SyncTrigger, "sync trigger" {
        /// The scheduler, when the source was due.
        Schedule => "SCHEDULE",
        /// A caller (`syncSource`, `romt-hub sync`).
        Manual => "MANUAL",
    }
);

vocabulary!(
    /// How a sync run ended.
    SyncOutcome, "sync outcome" {
        /// Every page fetched and ingested.
        Success => "SUCCESS",
        /// 304: nothing new.
        NotModified => "NOT_MODIFIED",
        /// Some pages ingested, then a fault.
        Partial => "PARTIAL",
        /// Nothing ingested: the source failed.
        Failed => "FAILED",
        /// Not attempted: the source's circuit is open.
        Skipped => "SKIPPED",
    }
);

impl SyncOutcome {
    /// Whether the run counts as a failure of the source (for its circuit and status).
    pub fn failed(self) -> bool {
        matches!(self, SyncOutcome::Partial | SyncOutcome::Failed)
    }
}

/// What the status of a source is derived from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SourceHealth {
    pub interval: TimeDelta,
    pub created_at: DateTime<Utc>,
    pub last_success_at: Option<DateTime<Utc>>,
    /// Whether the most recent run failed.
    pub last_run_failed: bool,
    pub circuit_open_until: Option<DateTime<Utc>>,
}

impl SourceHealth {
    /// A source is stale when it has not synced successfully for two intervals (counting from
    /// its registration when it never has).
    pub fn is_stale(&self, now: DateTime<Utc>) -> bool {
        let since = self.last_success_at.unwrap_or(self.created_at);
        now - since > self.interval * 2
    }

    /// The status at `now`: an open circuit first, then staleness, then the last run.
    pub fn status(&self, now: DateTime<Utc>) -> SourceStatus {
        if self.circuit_open_until.is_some_and(|until| until > now) {
            SourceStatus::CircuitOpen
        } else if self.is_stale(now) {
            SourceStatus::Stale
        } else if self.last_run_failed {
            SourceStatus::Failing
        } else {
            SourceStatus::Ok
        }
    }
}

/// The circuit after a run: closed by a success; opened (or kept open) for `cooldown` once
/// `threshold` runs in a row have failed. Returns (consecutive failures, open until).
pub fn circuit_after_run(
    succeeded: bool,
    consecutive_failures: u32,
    threshold: u32,
    cooldown: TimeDelta,
    now: DateTime<Utc>,
) -> (u32, Option<DateTime<Utc>>) {
    if succeeded {
        return (0, None);
    }
    let failures = consecutive_failures.saturating_add(1);
    let open_until = (failures >= threshold).then(|| now + cooldown);
    (failures, open_until)
}

/// Full-jitter exponential backoff: a delay drawn uniformly from `[0, min(cap, base·2^attempt)]`,
/// with `unit` in `[0, 1)` the random draw.
pub fn full_jitter(base: TimeDelta, cap: TimeDelta, attempt: u32, unit: f64) -> TimeDelta {
    let ceiling = base
        .checked_mul(2i32.saturating_pow(attempt.min(20)))
        .unwrap_or(cap)
        .min(cap);
    let millis = (ceiling.num_milliseconds() as f64 * unit.clamp(0.0, 1.0)) as i64;
    TimeDelta::milliseconds(millis)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minutes: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + minutes * 60, 0).unwrap()
    }

    fn health(last_success: Option<i64>, failed: bool, open_until: Option<i64>) -> SourceHealth {
        SourceHealth {
            interval: TimeDelta::minutes(15),
            created_at: at(0),
            last_success_at: last_success.map(at),
            last_run_failed: failed,
            circuit_open_until: open_until.map(at),
        }
    }

    #[test]
    fn a_source_is_stale_after_two_intervals_without_success() {
        assert_eq!(
            health(Some(0), false, None).status(at(30)),
            SourceStatus::Ok
        );
        assert_eq!(
            health(Some(0), true, None).status(at(30)),
            SourceStatus::Failing
        );
        assert_eq!(
            health(Some(0), true, None).status(at(31)),
            SourceStatus::Stale
        );
        // A source that never synced counts from its registration.
        assert_eq!(health(None, false, None).status(at(29)), SourceStatus::Ok);
        assert_eq!(health(None, true, None).status(at(31)), SourceStatus::Stale);
    }

    #[test]
    fn an_open_circuit_shows_until_its_cooldown_ends() {
        assert_eq!(
            health(Some(0), true, Some(40)).status(at(35)),
            SourceStatus::CircuitOpen
        );
        assert_eq!(
            health(Some(0), true, Some(40)).status(at(41)),
            SourceStatus::Stale
        );
    }

    #[test]
    fn the_circuit_opens_after_the_threshold_and_a_success_closes_it() {
        let cooldown = TimeDelta::minutes(5);
        assert_eq!(circuit_after_run(false, 3, 5, cooldown, at(0)), (4, None));
        assert_eq!(
            circuit_after_run(false, 4, 5, cooldown, at(0)),
            (5, Some(at(5)))
        );
        // A failed probe re-opens it.
        assert_eq!(
            circuit_after_run(false, 5, 5, cooldown, at(10)),
            (6, Some(at(15)))
        );
        assert_eq!(circuit_after_run(true, 6, 5, cooldown, at(20)), (0, None));
    }

    #[test]
    fn full_jitter_stays_within_the_capped_exponential_ceiling() {
        let base = TimeDelta::milliseconds(500);
        let cap = TimeDelta::seconds(30);
        assert_eq!(
            full_jitter(base, cap, 0, 0.999_999),
            TimeDelta::milliseconds(499)
        );
        assert_eq!(
            full_jitter(base, cap, 3, 0.5),
            TimeDelta::milliseconds(2000)
        );
        assert_eq!(full_jitter(base, cap, 30, 0.5), TimeDelta::seconds(15));
        assert_eq!(full_jitter(base, cap, 2, 0.0), TimeDelta::zero());
    }
}
