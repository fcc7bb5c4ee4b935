//! The data, access and reference versions every cache is keyed by, read fresh yet cheaply.
//!
//! A caller gets versions read by a query that *started after it asked*, so a write committed
//! anywhere before a request arrived (this process, another replica, the CLI) is in that
//! request's answer: no cache is ever stale. Callers that ask while a read is running wait for
//! the next one and share it: under load one query serves every request that arrived during the
//! previous query, so a cached answer costs a wait of about one round trip, not one query each.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use hub_store::Db;
pub use hub_store::state::Versions;
use tokio::sync::oneshot;

use crate::error::{AppError, AppResult};

type Reply = oneshot::Sender<AppResult<Versions>>;

/// Shares version reads between the callers that wait at the same time.
#[derive(Debug, Clone, Default)]
pub struct VersionGate(Arc<Mutex<Waiting>>);

#[derive(Debug, Default)]
struct Waiting {
    /// Whether a reader task is running; it takes `next` before each query it starts.
    reading: bool,
    next: Vec<Reply>,
    /// Queries run, for the tests that prove reads are shared.
    queries: u64,
}

impl VersionGate {
    fn waiting(&self) -> MutexGuard<'_, Waiting> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The versions committed when this call was made, or later.
    pub async fn current(&self, db: &Db) -> AppResult<Versions> {
        let (reply, answer) = oneshot::channel();
        let start = {
            let mut waiting = self.waiting();
            waiting.next.push(reply);
            !std::mem::replace(&mut waiting.reading, true)
        };
        if start {
            tokio::spawn(self.clone().read(db.clone()));
        }
        answer
            .await
            .unwrap_or_else(|_| Err(AppError::Internal("the version reader stopped".into())))
    }

    /// Version queries run so far.
    pub fn queries(&self) -> u64 {
        self.waiting().queries
    }

    /// Reads for whoever is waiting, until nobody is.
    async fn read(self, db: Db) {
        // Should the task end early (the runtime shutting down), the next caller starts another.
        let mut reset = Reset(Some(self.clone()));
        loop {
            let batch = {
                let mut waiting = self.waiting();
                if waiting.next.is_empty() {
                    waiting.reading = false;
                    reset.0 = None;
                    return;
                }
                waiting.queries += 1;
                std::mem::take(&mut waiting.next)
            };
            let read = hub_store::state::versions(&db)
                .await
                .map_err(AppError::from);
            for reply in batch {
                let _ = reply.send(read.clone());
            }
        }
    }
}

/// Marks the reader stopped unless it returned normally (which marks it under the same lock it
/// found nobody waiting with).
struct Reset(Option<VersionGate>);

impl Drop for Reset {
    fn drop(&mut self) {
        if let Some(gate) = self.0.take() {
            gate.waiting().reading = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn db() -> Db {
        let db = hub_store::db::connect("sqlite::memory:", 1).await.unwrap();
        hub_store::db::migrate(&db).await.unwrap();
        db
    }

    #[tokio::test]
    async fn a_version_committed_before_the_call_is_always_seen() {
        let (db, gate) = (db().await, VersionGate::default());
        let before = gate.current(&db).await.unwrap();
        for _ in 0..3 {
            hub_store::state::bump_data_version(&db).await.unwrap();
        }
        assert_eq!(gate.current(&db).await.unwrap().data, before.data + 3);
    }

    #[tokio::test]
    async fn callers_waiting_together_share_one_query() {
        let (db, gate) = (db().await, VersionGate::default());
        let mut asks = tokio::task::JoinSet::new();
        for _ in 0..50 {
            let (gate, db) = (gate.clone(), db.clone());
            asks.spawn(async move { gate.current(&db).await });
        }
        while let Some(answer) = asks.join_next().await {
            assert!(answer.unwrap().is_ok());
        }
        // The first caller's query, and one more for everyone who asked while it ran.
        assert!(gate.queries() <= 2, "{} queries", gate.queries());
    }
}
