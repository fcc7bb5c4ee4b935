//! The id of the request being served, reachable from anywhere in its task (an internal error
//! quotes it; the caller of every operation carries it into the audit log). A leaf module:
//! [`crate::request`] sets it, everything else only reads it.

use std::future::Future;

tokio::task_local! {
    static REQUEST_ID: String;
}

/// The id of the request being served, or `-` outside of one.
pub fn current_id() -> String {
    REQUEST_ID
        .try_with(Clone::clone)
        .unwrap_or_else(|_| "-".to_owned())
}

/// Runs `work` as the request `id`.
pub async fn scope<F: Future>(id: String, work: F) -> F::Output {
    REQUEST_ID.scope(id, work).await
}
