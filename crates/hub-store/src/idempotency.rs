//! Idempotency keys (DESIGN §6, §17): per caller, the first response to a key is kept for at
//! least 24 hours and replayed for a repeat with the same body; the same key with another body
//! is refused; a repeat while the first request runs is told to wait.
//!
//! A key is claimed by one attempt (its owner) for a lease. The attempt completes the key with
//! its response, or releases it when it fails or is dropped. An attempt that died without
//! either (the process was killed) leaves a claim whose lease runs out; the next attempt then
//! takes the key over. Completion and release only act on the owner's own claim, so a slow
//! attempt that lost its lease cannot overwrite the one that took over.

use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    sea_query::Expr,
};

use crate::entity::idempotency_key;
use crate::{StoreError, now};

/// How long a key is honoured. Keys are kept at least 24 hours; 48 gives clients slack.
pub const RETENTION: TimeDelta = TimeDelta::hours(48);

/// The longest key accepted.
pub const MAX_KEY_LEN: usize = 255;

const IN_FLIGHT: &str = "IN_FLIGHT";
const DONE: &str = "DONE";

/// One attempt's hold on a key. It is made (with a fresh owner) before [`begin`] writes it, so
/// whoever runs the attempt can release it even if the attempt is dropped inside `begin`, after
/// the database stored the claim but before the answer came back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    pub caller: String,
    pub key: String,
    pub owner: String,
}

impl Claim {
    /// A new attempt at `key` for `caller`.
    pub fn attempt(caller: &str, key: &str) -> Self {
        Self {
            caller: caller.to_owned(),
            key: key.to_owned(),
            owner: hex::encode(rand::random::<[u8; 16]>()),
        }
    }
}

/// What to do with a request carrying a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Begin {
    /// The attempt now holds the key: run the request, then [`complete`] (or [`release`]) its
    /// claim.
    Claimed,
    /// Seen and finished: replay this response.
    Replay { status: u16, body: String },
    /// Seen with a different body.
    Reused,
    /// Another attempt holds the key and its lease has not run out.
    InFlight,
}

fn of_key(caller: &str, key: &str) -> Condition {
    Condition::all()
        .add(idempotency_key::Column::Caller.eq(caller))
        .add(idempotency_key::Column::Key.eq(key))
}

fn of_claim(claim: &Claim) -> Condition {
    of_key(&claim.caller, &claim.key)
        .add(idempotency_key::Column::State.eq(IN_FLIGHT))
        .add(idempotency_key::Column::Owner.eq(claim.owner.as_str()))
}

/// Whether a claim's lease has run out by `at`. A claim from before leases existed has none; its
/// lease is counted from its creation.
fn lease_over(row: &idempotency_key::Model, lease: TimeDelta, at: DateTime<Utc>) -> bool {
    row.lease_until.unwrap_or(row.created_at + lease) <= at
}

/// Claims the key of `claim` for `lease`, or says how an earlier use of it decides this request.
pub async fn begin(
    db: &impl ConnectionTrait,
    claim: &Claim,
    request_hash: &str,
    lease: TimeDelta,
) -> Result<Begin, StoreError> {
    let (caller, key) = (claim.caller.as_str(), claim.key.as_str());
    let at = now();
    idempotency_key::Entity::delete_many()
        .filter(of_key(caller, key))
        .filter(idempotency_key::Column::CreatedAt.lt(at - RETENTION))
        .exec(db)
        .await?;
    let inserted = idempotency_key::Entity::insert(idempotency_key::ActiveModel {
        caller: Set(caller.to_owned()),
        key: Set(key.to_owned()),
        request_hash: Set(request_hash.to_owned()),
        state: Set(IN_FLIGHT.to_owned()),
        response_status: Set(None),
        response_body: Set(None),
        created_at: Set(at),
        owner: Set(Some(claim.owner.clone())),
        lease_until: Set(Some(at + lease)),
    })
    .on_conflict_do_nothing()
    .exec_without_returning(db)
    .await?;
    if matches!(inserted, sea_orm::TryInsertResult::Inserted(n) if n > 0) {
        return Ok(Begin::Claimed);
    }
    let Some(existing) = idempotency_key::Entity::find_by_id((caller.to_owned(), key.to_owned()))
        .one(db)
        .await?
    else {
        // Released between our insert and our read: the caller may simply retry.
        return Ok(Begin::InFlight);
    };
    if existing.request_hash != request_hash {
        return Ok(Begin::Reused);
    }
    match (
        existing.state.as_str(),
        existing.response_status,
        existing.response_body.clone(),
    ) {
        (DONE, Some(status), Some(body)) => Ok(Begin::Replay {
            status: u16::try_from(status).unwrap_or(500),
            body,
        }),
        _ if lease_over(&existing, lease, at) => {
            // Take over a dead attempt's claim, unless a concurrent attempt got there first.
            let mut dead = of_key(caller, key).add(idempotency_key::Column::State.eq(IN_FLIGHT));
            dead = match &existing.owner {
                Some(owner) => dead.add(idempotency_key::Column::Owner.eq(owner.as_str())),
                None => dead.add(idempotency_key::Column::Owner.is_null()),
            };
            let taken = idempotency_key::Entity::update_many()
                .col_expr(
                    idempotency_key::Column::Owner,
                    Expr::value(claim.owner.clone()),
                )
                .col_expr(idempotency_key::Column::LeaseUntil, Expr::value(at + lease))
                .filter(dead)
                .exec(db)
                .await?;
            Ok(if taken.rows_affected == 1 {
                tracing::info!(caller, key, "idempotency key taken over after its lease");
                Begin::Claimed
            } else {
                Begin::InFlight
            })
        }
        _ => Ok(Begin::InFlight),
    }
}

/// Records the response of the request holding `claim`; `false` when the claim was lost (its
/// lease ran out and another attempt took the key over).
pub async fn complete(
    db: &impl ConnectionTrait,
    claim: &Claim,
    status: u16,
    body: &str,
) -> Result<bool, StoreError> {
    let updated = idempotency_key::Entity::update_many()
        .col_expr(idempotency_key::Column::State, Expr::value(DONE))
        .col_expr(
            idempotency_key::Column::ResponseStatus,
            Expr::value(i32::from(status)),
        )
        .col_expr(
            idempotency_key::Column::ResponseBody,
            Expr::value(body.to_owned()),
        )
        .col_expr(
            idempotency_key::Column::LeaseUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(of_claim(claim))
        .exec(db)
        .await?;
    Ok(updated.rows_affected == 1)
}

/// Releases the claim of a request that failed or was dropped, so a retry runs at once.
pub async fn release(db: &impl ConnectionTrait, claim: &Claim) -> Result<(), StoreError> {
    idempotency_key::Entity::delete_many()
        .filter(of_claim(claim))
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

/// Keys still claimed (`IN_FLIGHT`), for integrity checks and `/metrics`.
pub async fn in_flight(db: &impl ConnectionTrait) -> Result<u64, StoreError> {
    use sea_orm::PaginatorTrait;
    Ok(idempotency_key::Entity::find()
        .filter(idempotency_key::Column::State.eq(IN_FLIGHT))
        .count(db)
        .await?)
}
