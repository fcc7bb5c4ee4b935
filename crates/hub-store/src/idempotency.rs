//! Idempotency keys (DESIGN §6): per caller, the first response to a key is kept for at least
//! 24 hours and replayed for a repeat with the same body; the same key with another body is
//! refused; a repeat while the first request runs is told to wait.

use chrono::TimeDelta;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, sea_query::Expr,
};

use crate::entity::idempotency_key;
use crate::{StoreError, now};

/// How long a key is honoured. Keys are kept at least 24 hours; 48 gives clients slack.
pub const RETENTION: TimeDelta = TimeDelta::hours(48);

/// The longest key accepted.
pub const MAX_KEY_LEN: usize = 255;

const IN_FLIGHT: &str = "IN_FLIGHT";
const DONE: &str = "DONE";

/// What to do with a request carrying a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Begin {
    /// First use: run the request, then [`complete`] (or [`abandon`] on a fault).
    Fresh,
    /// Seen and finished: replay this response.
    Replay { status: u16, body: String },
    /// Seen with a different body.
    Reused,
    /// Seen and still running.
    InFlight,
}

/// Claims `key` for `caller`, or says how an earlier use of it decides this request.
pub async fn begin(
    db: &impl ConnectionTrait,
    caller: &str,
    key: &str,
    request_hash: &str,
) -> Result<Begin, StoreError> {
    let cutoff = now() - RETENTION;
    idempotency_key::Entity::delete_many()
        .filter(idempotency_key::Column::Caller.eq(caller))
        .filter(idempotency_key::Column::Key.eq(key))
        .filter(idempotency_key::Column::CreatedAt.lt(cutoff))
        .exec(db)
        .await?;
    let inserted = idempotency_key::Entity::insert(idempotency_key::ActiveModel {
        caller: Set(caller.to_owned()),
        key: Set(key.to_owned()),
        request_hash: Set(request_hash.to_owned()),
        state: Set(IN_FLIGHT.to_owned()),
        response_status: Set(None),
        response_body: Set(None),
        created_at: Set(now()),
    })
    .on_conflict_do_nothing()
    .exec_without_returning(db)
    .await?;
    if matches!(inserted, sea_orm::TryInsertResult::Inserted(n) if n > 0) {
        return Ok(Begin::Fresh);
    }
    let existing = idempotency_key::Entity::find_by_id((caller.to_owned(), key.to_owned()))
        .one(db)
        .await?
        .ok_or_else(|| StoreError::Conflict("idempotency key vanished; retry".into()))?;
    if existing.request_hash != request_hash {
        return Ok(Begin::Reused);
    }
    match (
        existing.state.as_str(),
        existing.response_status,
        existing.response_body,
    ) {
        (DONE, Some(status), Some(body)) => Ok(Begin::Replay {
            status: u16::try_from(status).unwrap_or(500),
            body,
        }),
        _ => Ok(Begin::InFlight),
    }
}

/// Records the response of a finished request.
pub async fn complete(
    db: &impl ConnectionTrait,
    caller: &str,
    key: &str,
    status: u16,
    body: &str,
) -> Result<(), StoreError> {
    idempotency_key::Entity::update_many()
        .col_expr(idempotency_key::Column::State, Expr::value(DONE))
        .col_expr(
            idempotency_key::Column::ResponseStatus,
            Expr::value(i32::from(status)),
        )
        .col_expr(
            idempotency_key::Column::ResponseBody,
            Expr::value(body.to_owned()),
        )
        .filter(idempotency_key::Column::Caller.eq(caller))
        .filter(idempotency_key::Column::Key.eq(key))
        .exec(db)
        .await?;
    Ok(())
}

/// Releases a key whose request failed on the hub's side, so a retry can run.
pub async fn abandon(db: &impl ConnectionTrait, caller: &str, key: &str) -> Result<(), StoreError> {
    idempotency_key::Entity::delete_many()
        .filter(idempotency_key::Column::Caller.eq(caller))
        .filter(idempotency_key::Column::Key.eq(key))
        .filter(idempotency_key::Column::State.eq(IN_FLIGHT))
        .exec(db)
        .await?;
    Ok(())
}

/// Deletes keys older than the retention; returns how many.
pub async fn purge_expired(db: &impl ConnectionTrait) -> Result<u64, StoreError> {
    let cutoff = now() - RETENTION;
    let deleted = idempotency_key::Entity::delete_many()
        .filter(idempotency_key::Column::CreatedAt.lt(cutoff))
        .exec(db)
        .await?;
    Ok(deleted.rows_affected)
}
