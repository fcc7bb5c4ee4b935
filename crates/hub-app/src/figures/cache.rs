//! The cache of computed figures (moka), keyed by the question, the caller's clearance, the data
//! version and the day. Bounded in entries; hits and misses are counted for `/metrics`.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::time::Duration;

use hub_domain::access::Viewer;

use super::KpiSeriesPoint;
use super::completeness::CountryCompleteness;
use super::dashboard::RegionalDashboard;
use super::kpi::RegionalKpiValue;
use crate::error::AppError;

/// A cached result.
#[derive(Debug, Clone)]
pub enum Cached {
    Kpi(Arc<RegionalKpiValue>),
    Series(Arc<Vec<KpiSeriesPoint>>),
    Dashboard(Arc<RegionalDashboard>),
    Completeness(Arc<Vec<CountryCompleteness>>),
}

fn mismatch() -> AppError {
    AppError::Internal("cache entry of an unexpected kind".into())
}

impl Cached {
    pub fn into_kpi(self) -> Result<Arc<RegionalKpiValue>, AppError> {
        if let Cached::Kpi(v) = self {
            Ok(v)
        } else {
            Err(mismatch())
        }
    }
    pub fn into_series(self) -> Result<Arc<Vec<KpiSeriesPoint>>, AppError> {
        if let Cached::Series(v) = self {
            Ok(v)
        } else {
            Err(mismatch())
        }
    }
    pub fn into_dashboard(self) -> Result<Arc<RegionalDashboard>, AppError> {
        if let Cached::Dashboard(v) = self {
            Ok(v)
        } else {
            Err(mismatch())
        }
    }
    pub fn into_completeness(self) -> Result<Arc<Vec<CountryCompleteness>>, AppError> {
        if let Cached::Completeness(v) = self {
            Ok(v)
        } else {
            Err(mismatch())
        }
    }
}

/// Entries kept at most.
pub const CAPACITY: u64 = 10_000;

/// The figures cache.
#[derive(Debug)]
pub struct FigureCache {
    cache: moka::future::Cache<String, Cached>,
    hits: AtomicU64,
    misses: AtomicU64,
    /// The newest data version asked about: entries of older ones are evicted when it moves.
    latest: AtomicI64,
}

impl Default for FigureCache {
    fn default() -> Self {
        Self {
            cache: moka::future::Cache::builder()
                .max_capacity(CAPACITY)
                // Old data versions are never asked for again; let them age out.
                .time_to_idle(Duration::from_secs(15 * 60))
                .support_invalidation_closures()
                .build(),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            latest: AtomicI64::new(i64::MIN),
        }
    }
}

impl FigureCache {
    /// The cached result for `question` at data `version`, computing it with `compute` on a miss.
    pub async fn get(
        &self,
        version: i64,
        viewer: &Viewer,
        question: String,
        today: chrono::NaiveDate,
        compute: impl Future<Output = Result<Cached, AppError>>,
    ) -> Result<Cached, AppError> {
        if version > self.latest.fetch_max(version, Ordering::Relaxed) {
            self.evict_before(version);
        }
        let key = format!("{question}|{}|v{version}|{today}", viewer.clearance_key());
        let computed = AtomicBool::new(false);
        let result = self
            .cache
            .try_get_with(key, async {
                computed.store(true, Ordering::Relaxed);
                compute.await
            })
            .await
            .map_err(|e| (*e).clone());
        if computed.load(Ordering::Relaxed) {
            self.misses.fetch_add(1, Ordering::Relaxed);
        } else {
            self.hits.fetch_add(1, Ordering::Relaxed);
        }
        result
    }

    /// Drops the entries of data versions before `version`: nobody asks for them again.
    fn evict_before(&self, version: i64) {
        let evicted = self
            .cache
            .invalidate_entries_if(move |key, _| version_of(key).is_some_and(|v| v < version));
        if let Err(e) = evicted {
            tracing::warn!(error = %e, "old figures not evicted; they age out instead");
        }
    }

    /// Runs the cache's pending maintenance (evictions), so `stats` counts what is left.
    pub async fn settle(&self) {
        self.cache.run_pending_tasks().await;
    }

    /// Drops every entry (benchmarks measure cold figures with it).
    pub fn clear(&self) {
        self.cache.invalidate_all();
    }

    /// (hits, misses, entries) for `/metrics`.
    pub fn stats(&self) -> (u64, u64, u64) {
        (
            self.hits.load(Ordering::Relaxed),
            self.misses.load(Ordering::Relaxed),
            self.cache.entry_count(),
        )
    }
}

/// The data version of a key (`question|clearance|vN|day`).
fn version_of(key: &str) -> Option<i64> {
    key.rsplit('|').nth(1)?.strip_prefix('v')?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::version_of;

    #[test]
    fn a_key_names_its_data_version() {
        assert_eq!(
            version_of("dashboard|2025|a|b|INTERNAL|v42|2026-12-02"),
            Some(42)
        );
        assert_eq!(version_of("kpi|CA|PUBLIC|v0|2026-12-02"), Some(0));
        assert_eq!(version_of("no version"), None);
    }
}
