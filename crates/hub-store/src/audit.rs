//! The append-only audit log: who changed what, when, with digests of before and after.

use hub_domain::access::{Principal, Role};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait,
};
use sha2::{Digest, Sha256};

use crate::batch::Batch;
use crate::codec::parsed_opt;
use crate::entity::audit_log;
use crate::{StoreError, now};

/// Who made a change.
#[derive(Debug, Clone)]
pub enum Actor {
    /// The holder of a token.
    Principal(Principal),
    /// The hub itself (seeding, a scheduled pull), named by the job.
    System(String),
}

/// One audit entry to append.
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    pub actor: &'a Actor,
    pub action: &'a str,
    pub entity_type: &'a str,
    pub entity_id: String,
    pub before: Option<&'a serde_json::Value>,
    pub after: Option<&'a serde_json::Value>,
    pub request_id: Option<&'a str>,
    pub summary: Option<String>,
}

/// SHA-256 of a JSON value's text, so an entry can prove what a state was without copying it.
pub fn digest(value: &serde_json::Value) -> String {
    hex::encode(Sha256::digest(value.to_string().as_bytes()))
}

/// Appends an entry; call it inside the transaction of the change it records.
pub async fn record(db: &impl ConnectionTrait, entry: Entry<'_>) -> Result<(), StoreError> {
    audit_log::Entity::insert(row(entry))
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Adds an entry to `batch`, the writes of the change it records.
pub fn record_in(batch: &mut Batch, entry: Entry<'_>) {
    batch.push(&audit_log::Entity::insert(row(entry)).into_query());
}

fn row(entry: Entry<'_>) -> audit_log::ActiveModel {
    let (actor, role, agency, country) = match entry.actor {
        Actor::Principal(p) => (
            p.label.clone(),
            Some(p.role.as_str().to_owned()),
            p.agency.as_ref().map(ToString::to_string),
            p.country.as_ref().map(ToString::to_string),
        ),
        Actor::System(job) => (format!("system:{job}"), None, None, None),
    };
    audit_log::ActiveModel {
        at: Set(now()),
        actor: Set(actor),
        actor_role: Set(role),
        actor_agency: Set(agency),
        actor_country: Set(country),
        action: Set(entry.action.to_owned()),
        entity_type: Set(entry.entity_type.to_owned()),
        entity_id: Set(entry.entity_id),
        before_digest: Set(entry.before.map(digest)),
        after_digest: Set(entry.after.map(digest)),
        request_id: Set(entry.request_id.map(str::to_owned)),
        summary: Set(entry.summary),
        ..Default::default()
    }
}

/// One entry of the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub id: i64,
    pub at: chrono::DateTime<chrono::Utc>,
    /// Token label, or `system:JOB`.
    pub actor: String,
    pub actor_role: Option<Role>,
    pub actor_agency: Option<String>,
    pub actor_country: Option<String>,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    pub before_digest: Option<String>,
    pub after_digest: Option<String>,
    pub request_id: Option<String>,
    pub summary: Option<String>,
}

fn entry_of(row: audit_log::Model) -> Result<AuditEntry, StoreError> {
    Ok(AuditEntry {
        actor_role: parsed_opt(row.actor_role.as_deref())?,
        id: row.id,
        at: row.at,
        actor: row.actor,
        actor_agency: row.actor_agency,
        actor_country: row.actor_country,
        action: row.action,
        entity_type: row.entity_type,
        entity_id: row.entity_id,
        before_digest: row.before_digest,
        after_digest: row.after_digest,
        request_id: row.request_id,
        summary: row.summary,
    })
}

/// How many entries the log holds (tests prove one per change with it).
pub async fn count(db: &impl ConnectionTrait) -> Result<u64, StoreError> {
    use sea_orm::PaginatorTrait;
    Ok(audit_log::Entity::find().count(db).await?)
}

/// A page of the audit log, newest first, optionally of one entity type and id; and whether
/// more entries follow.
pub async fn list(
    db: &impl ConnectionTrait,
    entity_type: Option<&str>,
    entity_id: Option<&str>,
    before_id: Option<i64>,
    first: u64,
) -> Result<(Vec<AuditEntry>, bool), StoreError> {
    let mut query = audit_log::Entity::find()
        .order_by_desc(audit_log::Column::Id)
        .limit(first + 1);
    if let Some(entity_type) = entity_type {
        query = query.filter(audit_log::Column::EntityType.eq(entity_type));
    }
    if let Some(entity_id) = entity_id {
        query = query.filter(audit_log::Column::EntityId.eq(entity_id));
    }
    if let Some(before) = before_id {
        query = query.filter(audit_log::Column::Id.lt(before));
    }
    let mut rows = query
        .all(db)
        .await?
        .into_iter()
        .map(entry_of)
        .collect::<Result<Vec<_>, _>>()?;
    let more = rows.len() as u64 > first;
    rows.truncate(usize::try_from(first).unwrap_or(usize::MAX));
    Ok((rows, more))
}
