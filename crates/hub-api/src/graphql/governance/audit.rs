//! The append-only audit log (ADMIN and RCP).

use async_graphql::connection::Connection;
use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use hub_app::audit::AuditEntry;
use hub_domain::access::Role;

use super::super::context;
use super::super::limits;
use super::super::paging::{self, page_size};
use crate::error::GqlResult;

/// One audit entry.
#[derive(SimpleObject, Debug, Clone)]
#[graphql(name = "AuditEntry")]
pub struct AuditEntryView {
    pub id: ID,
    pub at: DateTime<Utc>,
    /// Token label, or `system:JOB`.
    pub actor: String,
    pub role: Option<Role>,
    pub agency: Option<String>,
    pub country: Option<String>,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    pub before_digest: Option<String>,
    pub after_digest: Option<String>,
    pub request_id: Option<String>,
    pub summary: Option<String>,
}

impl From<AuditEntry> for AuditEntryView {
    fn from(a: AuditEntry) -> Self {
        Self {
            id: ID::from(a.id),
            at: a.at,
            actor: a.actor,
            role: a.actor_role,
            agency: a.actor_agency,
            country: a.actor_country,
            action: a.action,
            entity_type: a.entity_type,
            entity_id: a.entity_id,
            before_digest: a.before_digest,
            after_digest: a.after_digest,
            request_id: a.request_id,
            summary: a.summary,
        }
    }
}

#[derive(Default, Debug)]
pub struct AuditQuery;

#[Object]
impl AuditQuery {
    /// The append-only audit log, newest first (ADMIN and RCP).
    #[graphql(complexity = "limits::page(first, child_complexity)")]
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        entity_type: Option<String>,
        entity_id: Option<String>,
        #[graphql(default = 50)] first: i32,
        after: Option<String>,
    ) -> GqlResult<Connection<String, AuditEntryView>> {
        let (app, caller) = context(ctx)?;
        let before = after
            .as_deref()
            .map(|c| paging::decode("audit", c))
            .transpose()?;
        let page = app
            .audit_log(
                caller,
                entity_type.as_deref(),
                entity_id.as_deref(),
                before,
                page_size(first)?,
            )
            .await?;
        Ok(paging::connection(
            "audit",
            page.entries,
            page.more,
            before,
            |r| r.id,
            AuditEntryView::from,
        ))
    }
}
