//! Federation sources and their sync runs, with the lease that lets exactly one replica pull a
//! source at a time: a claim is one conditional UPDATE, so two replicas can never both win it,
//! and a lease held by a dead replica expires.

use std::collections::BTreeSet;

use chrono::{DateTime, TimeDelta, Utc};
use hub_domain::federation::{SourceHealth, SyncOutcome, SyncTrigger};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};

use crate::codec::{json_list, list_json, parsed};
use crate::entity::{federation_source, sync_run};
use crate::{StoreError, now, reference};

/// A source to register.
#[derive(Debug, Clone)]
pub struct NewSource {
    pub name: String,
    pub url: String,
    pub token: Option<String>,
    pub interval_seconds: i32,
    pub countries: Vec<String>,
}

/// The shortest pull interval accepted.
pub const MIN_INTERVAL_SECONDS: i32 = 1;

/// A feed the hub pulls, with its position and health.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub id: i64,
    pub name: String,
    pub url: String,
    /// The bearer token the source expects; never shown to callers.
    pub token: Option<String>,
    pub interval_seconds: i32,
    /// The country teams it may publish for.
    pub countries: Vec<String>,
    pub active: bool,
    /// Where the next pull resumes.
    pub cursor: Option<String>,
    pub etag: Option<String>,
    pub next_run_at: DateTime<Utc>,
    pub consecutive_failures: i32,
    pub circuit_open_until: Option<DateTime<Utc>>,
    pub last_run_at: Option<DateTime<Utc>>,
    pub last_run_failed: bool,
    pub last_success_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl Source {
    /// What the source's status is derived from.
    pub fn health(&self) -> SourceHealth {
        SourceHealth {
            interval: TimeDelta::seconds(i64::from(self.interval_seconds)),
            created_at: self.created_at,
            last_success_at: self.last_success_at,
            last_run_failed: self.last_run_failed,
            circuit_open_until: self.circuit_open_until,
        }
    }
}

fn source_of(row: federation_source::Model) -> Result<Source, StoreError> {
    Ok(Source {
        countries: json_list(&row.countries)?,
        id: row.id,
        name: row.name,
        url: row.url,
        token: row.token,
        interval_seconds: row.interval_seconds,
        active: row.active,
        cursor: row.cursor,
        etag: row.etag,
        next_run_at: row.next_run_at,
        consecutive_failures: row.consecutive_failures,
        circuit_open_until: row.circuit_open_until,
        last_run_at: row.last_run_at,
        last_run_failed: row.last_run_failed,
        last_success_at: row.last_success_at,
        last_error: row.last_error,
        created_at: row.created_at,
    })
}

/// Registers a source; its first pull is due at once.
pub async fn create(db: &impl ConnectionTrait, new: NewSource) -> Result<Source, StoreError> {
    let name = new.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(StoreError::Invalid(
            "a source name must have 1 to 100 characters".into(),
        ));
    }
    let url = new.url.trim();
    if !(url.starts_with("http://") || url.starts_with("https://")) || url.len() > 2000 {
        return Err(StoreError::Invalid(format!(
            "the source URL must be http:// or https:// (got {url:?})"
        )));
    }
    if new.interval_seconds < MIN_INTERVAL_SECONDS {
        return Err(StoreError::Invalid(format!(
            "the interval must be at least {MIN_INTERVAL_SECONDS} second(s)"
        )));
    }
    if new.countries.is_empty() {
        return Err(StoreError::Invalid(
            "name the country teams the source may publish for".into(),
        ));
    }
    for country in &new.countries {
        if reference::country(db, country).await?.is_none() {
            return Err(StoreError::Invalid(format!(
                "unknown country team {country}"
            )));
        }
    }
    if federation_source::Entity::find()
        .filter(federation_source::Column::Name.eq(name))
        .one(db)
        .await?
        .is_some()
    {
        return Err(StoreError::Conflict(format!(
            "a source named {name:?} already exists"
        )));
    }
    let at = now();
    let row = federation_source::ActiveModel {
        name: Set(name.to_owned()),
        url: Set(url.to_owned()),
        token: Set(new.token.filter(|t| !t.is_empty())),
        interval_seconds: Set(new.interval_seconds),
        countries: Set(list_json(&new.countries)),
        active: Set(true),
        cursor: Set(None),
        etag: Set(None),
        next_run_at: Set(at),
        lease_holder: Set(None),
        lease_expires_at: Set(None),
        consecutive_failures: Set(0),
        circuit_open_until: Set(None),
        last_run_at: Set(None),
        last_run_failed: Set(false),
        last_success_at: Set(None),
        last_error: Set(None),
        created_at: Set(at),
        ..Default::default()
    }
    .insert(db)
    .await?;
    source_of(row)
}

/// Every source, by id.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<Source>, StoreError> {
    federation_source::Entity::find()
        .order_by_asc(federation_source::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(source_of)
        .collect()
}

/// Some sources by id.
pub async fn get_many(db: &impl ConnectionTrait, ids: &[i64]) -> Result<Vec<Source>, StoreError> {
    federation_source::Entity::find()
        .filter(federation_source::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(source_of)
        .collect()
}

/// One source.
pub async fn get(db: &impl ConnectionTrait, id: i64) -> Result<Option<Source>, StoreError> {
    federation_source::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(source_of)
        .transpose()
}

/// Active sources whose next pull is due and whose lease is free.
pub async fn due(db: &impl ConnectionTrait, at: DateTime<Utc>) -> Result<Vec<Source>, StoreError> {
    federation_source::Entity::find()
        .filter(federation_source::Column::Active.eq(true))
        .filter(federation_source::Column::NextRunAt.lte(at))
        .filter(lease_free(at))
        .order_by_asc(federation_source::Column::NextRunAt)
        .all(db)
        .await?
        .into_iter()
        .map(source_of)
        .collect()
}

fn lease_free(at: DateTime<Utc>) -> Condition {
    Condition::any()
        .add(federation_source::Column::LeaseExpiresAt.is_null())
        .add(federation_source::Column::LeaseExpiresAt.lt(at))
}

/// Claims the lease of a source for `holder` until `at + ttl`. With `require_due`, only when
/// its next pull is due (scheduled pulls); without, whenever the lease is free (manual pulls).
/// Returns whether the claim won.
pub async fn claim(
    db: &impl ConnectionTrait,
    id: i64,
    holder: &str,
    ttl: TimeDelta,
    at: DateTime<Utc>,
    require_due: bool,
) -> Result<bool, StoreError> {
    let mut update = federation_source::Entity::update_many()
        .col_expr(
            federation_source::Column::LeaseHolder,
            Expr::value(holder.to_owned()),
        )
        .col_expr(
            federation_source::Column::LeaseExpiresAt,
            Expr::value(at + ttl),
        )
        .filter(federation_source::Column::Id.eq(id))
        .filter(lease_free(at));
    if require_due {
        update = update
            .filter(federation_source::Column::NextRunAt.lte(at))
            .filter(federation_source::Column::Active.eq(true));
    }
    Ok(update.exec(db).await?.rows_affected == 1)
}

/// Extends a lease the holder still has; returns whether it still had it.
pub async fn renew(
    db: &impl ConnectionTrait,
    id: i64,
    holder: &str,
    ttl: TimeDelta,
) -> Result<bool, StoreError> {
    let result = federation_source::Entity::update_many()
        .col_expr(
            federation_source::Column::LeaseExpiresAt,
            Expr::value(now() + ttl),
        )
        .filter(federation_source::Column::Id.eq(id))
        .filter(federation_source::Column::LeaseHolder.eq(holder))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Records where the next pull resumes; call inside the transaction of the documents it covers.
pub async fn save_position(
    db: &impl ConnectionTrait,
    id: i64,
    cursor: Option<&str>,
    etag: Option<&str>,
) -> Result<(), StoreError> {
    federation_source::Entity::update_many()
        .col_expr(
            federation_source::Column::Cursor,
            Expr::value(cursor.map(str::to_owned)),
        )
        .col_expr(
            federation_source::Column::Etag,
            Expr::value(etag.map(str::to_owned)),
        )
        .filter(federation_source::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// A document of a pulled page that was not stored: written by the puller and read back by
/// `syncRuns` as this one type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncDocumentError {
    pub page: i32,
    pub index: i32,
    pub document_type: Option<String>,
    pub country: Option<String>,
    pub period: Option<String>,
    pub pointer: String,
    pub code: String,
    pub message: String,
}

/// One pull of one source (`id` is 0 until stored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncRun {
    pub id: i64,
    pub source_id: i64,
    pub trigger: SyncTrigger,
    /// The replica that ran it.
    pub replica: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    pub outcome: SyncOutcome,
    pub pages: i32,
    /// Documents stored, already stored unchanged, rejected.
    pub accepted: i32,
    pub unchanged: i32,
    pub rejected: i32,
    pub http_status: Option<i32>,
    /// Why the run failed, if it did.
    pub error: Option<String>,
    /// Per-document problems.
    pub errors: Vec<SyncDocumentError>,
}

fn run_of(row: sync_run::Model) -> Result<SyncRun, StoreError> {
    Ok(SyncRun {
        trigger: parsed(&row.trigger)?,
        outcome: parsed(&row.outcome)?,
        errors: serde_json::from_str(&row.document_errors).map_err(StoreError::corrupt)?,
        id: row.id,
        source_id: row.source_id,
        replica: row.replica,
        started_at: row.started_at,
        finished_at: row.finished_at,
        pages: row.pages,
        accepted: row.accepted,
        unchanged: row.unchanged,
        rejected: row.rejected,
        http_status: row.http_status,
        error: row.error,
    })
}

/// The source's state after a run.
#[derive(Debug, Clone)]
pub struct SourceUpdate {
    pub failed: bool,
    pub consecutive_failures: i32,
    pub circuit_open_until: Option<DateTime<Utc>>,
    pub next_run_at: DateTime<Utc>,
}

/// Stores a run, updates its source and releases the lease, in one go.
pub async fn finish(
    db: &impl ConnectionTrait,
    run: SyncRun,
    update: SourceUpdate,
) -> Result<SyncRun, StoreError> {
    let mut source = federation_source::Entity::update_many()
        .col_expr(
            federation_source::Column::LastRunAt,
            Expr::value(run.finished_at),
        )
        .col_expr(
            federation_source::Column::LastRunFailed,
            Expr::value(update.failed),
        )
        .col_expr(
            federation_source::Column::ConsecutiveFailures,
            Expr::value(update.consecutive_failures),
        )
        .col_expr(
            federation_source::Column::CircuitOpenUntil,
            Expr::value(update.circuit_open_until),
        )
        .col_expr(
            federation_source::Column::NextRunAt,
            Expr::value(update.next_run_at),
        )
        .col_expr(
            federation_source::Column::LeaseHolder,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            federation_source::Column::LeaseExpiresAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(federation_source::Column::Id.eq(run.source_id));
    if update.failed {
        source = source.col_expr(
            federation_source::Column::LastError,
            Expr::value(run.error.clone()),
        );
    } else {
        source = source
            .col_expr(
                federation_source::Column::LastSuccessAt,
                Expr::value(run.finished_at),
            )
            .col_expr(
                federation_source::Column::LastError,
                Expr::value(Option::<String>::None),
            );
    }
    source.exec(db).await?;
    let row = sync_run::ActiveModel {
        source_id: Set(run.source_id),
        trigger: Set(run.trigger.as_str().to_owned()),
        replica: Set(run.replica),
        started_at: Set(run.started_at),
        finished_at: Set(run.finished_at),
        outcome: Set(run.outcome.as_str().to_owned()),
        pages: Set(run.pages),
        accepted: Set(run.accepted),
        unchanged: Set(run.unchanged),
        rejected: Set(run.rejected),
        http_status: Set(run.http_status),
        error: Set(run.error),
        document_errors: Set(serde_json::to_string(&run.errors).map_err(StoreError::corrupt)?),
        ..Default::default()
    }
    .insert(db)
    .await?;
    run_of(row)
}

/// A page of runs, newest first, optionally of one source; and whether more follow.
pub async fn runs(
    db: &impl ConnectionTrait,
    source: Option<i64>,
    before_id: Option<i64>,
    first: u64,
) -> Result<(Vec<SyncRun>, bool), StoreError> {
    let mut query = sync_run::Entity::find()
        .order_by_desc(sync_run::Column::Id)
        .limit(first + 1);
    if let Some(source) = source {
        query = query.filter(sync_run::Column::SourceId.eq(source));
    }
    if let Some(before) = before_id {
        query = query.filter(sync_run::Column::Id.lt(before));
    }
    let mut rows = query
        .all(db)
        .await?
        .into_iter()
        .map(run_of)
        .collect::<Result<Vec<_>, _>>()?;
    let more = rows.len() as u64 > first;
    rows.truncate(usize::try_from(first).unwrap_or(usize::MAX));
    Ok((rows, more))
}

/// Country teams whose data comes from an active source that is stale at `at`.
pub async fn stale_countries(
    db: &impl ConnectionTrait,
    at: DateTime<Utc>,
) -> Result<BTreeSet<String>, StoreError> {
    Ok(list(db)
        .await?
        .into_iter()
        .filter(|s| s.active && s.health().is_stale(at))
        .flat_map(|s| s.countries)
        .collect())
}
