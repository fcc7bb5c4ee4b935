//! Federation sources and their sync runs, with the lease that lets exactly one replica pull a
//! source at a time: a claim is one conditional UPDATE, so two replicas can never both win it,
//! and a lease held by a dead replica expires.

use std::collections::BTreeSet;

use chrono::{DateTime, TimeDelta, Utc};
use hub_domain::federation::SourceHealth;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

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

/// Registers a source; its first pull is due at once.
pub async fn create(
    db: &impl ConnectionTrait,
    new: NewSource,
) -> Result<federation_source::Model, StoreError> {
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
    Ok(federation_source::ActiveModel {
        name: Set(name.to_owned()),
        url: Set(url.to_owned()),
        token: Set(new.token.filter(|t| !t.is_empty())),
        interval_seconds: Set(new.interval_seconds),
        countries: Set(new.countries.join(";")),
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
    .await?)
}

/// The country codes a source may publish for.
pub fn countries_of(source: &federation_source::Model) -> Vec<String> {
    source
        .countries
        .split(';')
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
        .collect()
}

/// What a source's status is derived from.
pub fn health(source: &federation_source::Model) -> SourceHealth {
    SourceHealth {
        interval: TimeDelta::seconds(i64::from(source.interval_seconds)),
        created_at: source.created_at,
        last_success_at: source.last_success_at,
        last_run_failed: source.last_run_failed,
        circuit_open_until: source.circuit_open_until,
    }
}

/// Every source, by id.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<federation_source::Model>, StoreError> {
    Ok(federation_source::Entity::find()
        .order_by_asc(federation_source::Column::Id)
        .all(db)
        .await?)
}

/// One source.
pub async fn get(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<federation_source::Model>, StoreError> {
    Ok(federation_source::Entity::find_by_id(id).one(db).await?)
}

/// Active sources whose next pull is due and whose lease is free.
pub async fn due(
    db: &impl ConnectionTrait,
    at: DateTime<Utc>,
) -> Result<Vec<federation_source::Model>, StoreError> {
    Ok(federation_source::Entity::find()
        .filter(federation_source::Column::Active.eq(true))
        .filter(federation_source::Column::NextRunAt.lte(at))
        .filter(lease_free(at))
        .order_by_asc(federation_source::Column::NextRunAt)
        .all(db)
        .await?)
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

/// A finished run.
#[derive(Debug, Clone)]
pub struct RunRecord {
    pub source_id: i64,
    pub trigger: String,
    pub replica: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    pub outcome: String,
    pub pages: i32,
    pub accepted: i32,
    pub unchanged: i32,
    pub rejected: i32,
    pub http_status: Option<i32>,
    pub error: Option<String>,
    pub document_errors: String,
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
    run: RunRecord,
    update: SourceUpdate,
) -> Result<sync_run::Model, StoreError> {
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
    Ok(sync_run::ActiveModel {
        source_id: Set(run.source_id),
        trigger: Set(run.trigger),
        replica: Set(run.replica),
        started_at: Set(run.started_at),
        finished_at: Set(run.finished_at),
        outcome: Set(run.outcome),
        pages: Set(run.pages),
        accepted: Set(run.accepted),
        unchanged: Set(run.unchanged),
        rejected: Set(run.rejected),
        http_status: Set(run.http_status),
        error: Set(run.error),
        document_errors: Set(run.document_errors),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// A page of runs, newest first, optionally of one source; and whether more follow.
pub async fn runs(
    db: &impl ConnectionTrait,
    source: Option<i64>,
    before_id: Option<i64>,
    first: u64,
) -> Result<(Vec<sync_run::Model>, bool), StoreError> {
    let mut query = sync_run::Entity::find()
        .order_by_desc(sync_run::Column::Id)
        .limit(first + 1);
    if let Some(source) = source {
        query = query.filter(sync_run::Column::SourceId.eq(source));
    }
    if let Some(before) = before_id {
        query = query.filter(sync_run::Column::Id.lt(before));
    }
    let mut rows = query.all(db).await?;
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
        .iter()
        .filter(|s| s.active && health(s).is_stale(at))
        .flat_map(countries_of)
        .collect())
}
