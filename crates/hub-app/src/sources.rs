//! Federation sources (DESIGN §9): registering the feeds the hub pulls, pulling one now, and
//! the record of every run. All of it is ADMIN's (or the operator's); each change is audited in
//! its transaction, a run together with the run record it stores.

use std::collections::HashMap;

use hub_domain::access::Action;
use hub_federation::RunBy;
use hub_federation::sync::SyncError;
use hub_store::sources;
use serde_json::json;

use crate::audit::{self, Change};
use crate::error::{AppError, AppResult};
use crate::{App, Caller};

pub use hub_domain::federation::{SourceStatus, SyncOutcome, SyncTrigger};
pub use hub_federation::feed::{
    DEFAULT_LIMIT as FEED_DEFAULT_LIMIT, FeedPage, MAX_LIMIT as FEED_MAX_LIMIT,
};
pub use hub_federation::node::{
    BadCursor, CountryNode, DEFAULT_LIMIT as NODE_DEFAULT_LIMIT, NodePage, publisher_name,
};
pub use hub_store::sources::{NewSource, Source, SyncDocumentError, SyncRun};

/// A page of sync runs, and whether more follow.
#[derive(Debug, Clone)]
pub struct SyncRunPage {
    pub runs: Vec<SyncRun>,
    pub more: bool,
}

impl App {
    /// Registers a feed to pull; its first pull is due at once.
    #[tracing::instrument(skip(self, caller, new), fields(caller = %caller.label(), request_id = caller.request_id(), name = %new.name))]
    pub async fn register_source(&self, caller: &Caller, new: NewSource) -> AppResult<Source> {
        caller.may(Action::ManageSources)?;
        let new = NewSource {
            countries: new
                .countries
                .iter()
                .map(|c| c.trim().to_uppercase())
                .collect(),
            ..new
        };
        let txn = hub_store::begin(self.db()).await?;
        let source = sources::create(&txn, new).await?;
        let after = json!({ "name": source.name, "url": source.url, "countries": source.countries,
                            "intervalSeconds": source.interval_seconds,
                            "hasToken": source.token.is_some() });
        audit::record(
            &txn,
            caller,
            Change {
                action: "source.register",
                entity_type: "federation_source",
                entity_id: source.id.to_string(),
                before: None,
                after: Some(&after),
                summary: format!(
                    "source {} registered for {}",
                    source.name,
                    source.countries.join(", ")
                ),
            },
        )
        .await?;
        hub_store::commit(txn).await?;
        Ok(source)
    }

    /// Every federation source with its position and health.
    #[tracing::instrument(skip_all, fields(caller = %caller.label(), request_id = caller.request_id()))]
    pub async fn sources(&self, caller: &Caller) -> AppResult<Vec<Source>> {
        caller.may(Action::ManageSources)?;
        Ok(sources::list(self.db()).await?)
    }

    /// Some sources by id, in one query.
    #[tracing::instrument(skip_all, fields(caller = %caller.label(), request_id = caller.request_id()))]
    pub async fn sources_by_id(
        &self,
        caller: &Caller,
        ids: &[i64],
    ) -> AppResult<HashMap<i64, Source>> {
        caller.may(Action::ManageSources)?;
        Ok(sources::get_many(self.db(), ids)
            .await?
            .into_iter()
            .map(|s| (s.id, s))
            .collect())
    }

    /// Sync runs, newest first, optionally of one source; `before` is a run id (the cursor).
    #[tracing::instrument(skip_all, fields(caller = %caller.label(), request_id = caller.request_id()))]
    pub async fn sync_runs(
        &self,
        caller: &Caller,
        source: Option<i64>,
        before: Option<i64>,
        first: u64,
    ) -> AppResult<SyncRunPage> {
        caller.may(Action::ManageSources)?;
        let (runs, more) = sources::runs(self.db(), source, before, first).await?;
        Ok(SyncRunPage { runs, more })
    }

    /// Pulls a source now and returns the run; refused while another pull of it runs.
    #[tracing::instrument(skip(self, caller), fields(caller = %caller.label(), request_id = caller.request_id()))]
    pub async fn sync_source(&self, caller: &Caller, id: i64) -> AppResult<SyncRun> {
        caller.may(Action::ManageSources)?;
        let actor = caller.actor();
        hub_federation::sync_source(
            self.db(),
            self.ingestor(),
            self.puller(),
            &self.config().federation,
            id,
            RunBy {
                actor: &actor,
                request_id: caller.request_id(),
            },
        )
        .await
        .map_err(|e| match e {
            SyncError::Busy => AppError::Conflict(e.to_string()),
            SyncError::NotFound(_) => AppError::NotFound(e.to_string()),
            SyncError::Store(e) => e.into(),
        })
    }
}
