//! The audit log: every change appends one entry, in the change's transaction, naming the
//! caller and the request; ADMIN and RCP read it.

use hub_domain::access::Action;
use hub_store::Executor;
use hub_store::audit::{self, Entry};
use serde_json::Value;

use crate::error::AppResult;
use crate::{App, Caller};

pub use hub_store::audit::{Actor, AuditEntry};

/// A change to record.
#[derive(Debug)]
pub(crate) struct Change<'a> {
    pub action: &'a str,
    pub entity_type: &'a str,
    pub entity_id: String,
    pub before: Option<&'a Value>,
    pub after: Option<&'a Value>,
    pub summary: String,
}

/// Appends the entry of `change` made by `caller`; call it in the change's transaction.
pub(crate) async fn record(
    db: &impl Executor,
    caller: &Caller,
    change: Change<'_>,
) -> AppResult<()> {
    audit::record(
        db,
        Entry {
            actor: &caller.actor(),
            action: change.action,
            entity_type: change.entity_type,
            entity_id: change.entity_id,
            before: change.before,
            after: change.after,
            request_id: caller.request_id(),
            summary: Some(change.summary),
        },
    )
    .await?;
    Ok(())
}

/// A page of the audit log.
#[derive(Debug, Clone)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    pub more: bool,
}

impl App {
    /// The audit log, newest first, optionally of one entity; `before` is an entry id (the page
    /// cursor). ADMIN and RCP.
    #[tracing::instrument(skip(self, caller), fields(caller = %caller.label(), request_id = caller.request_id()))]
    pub async fn audit_log(
        &self,
        caller: &Caller,
        entity_type: Option<&str>,
        entity_id: Option<&str>,
        before: Option<i64>,
        first: u64,
    ) -> AppResult<AuditPage> {
        caller.may(Action::ReadAuditLog)?;
        let (entries, more) = audit::list(self.db(), entity_type, entity_id, before, first).await?;
        Ok(AuditPage { entries, more })
    }

    /// How many entries the audit log holds (tests prove one entry per change with it).
    #[tracing::instrument(skip_all, fields(caller = %caller.label(), request_id = caller.request_id()))]
    pub async fn audit_entries(&self, caller: &Caller) -> AppResult<u64> {
        caller.may(Action::ReadAuditLog)?;
        Ok(audit::count(self.db()).await?)
    }
}
