//! Locked periods: after the annual review an admin closes a period to submissions.

use hub_domain::period::Period;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, EntityTrait, QueryOrder};

use crate::entity::period_lock;
use crate::{StoreError, now};

/// Whether submissions to `period` are refused. Locking a year locks its quarters too.
pub async fn is_locked(db: &impl ConnectionTrait, period: Period) -> Result<bool, StoreError> {
    let year = Period::Year(period.calendar_year()).to_string();
    for key in [period.to_string(), year] {
        if period_lock::Entity::find_by_id(key)
            .one(db)
            .await?
            .is_some()
        {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Locks a period; returns whether it was newly locked.
pub async fn lock(db: &impl ConnectionTrait, period: Period, by: &str) -> Result<bool, StoreError> {
    if period_lock::Entity::find_by_id(period.to_string())
        .one(db)
        .await?
        .is_some()
    {
        return Ok(false);
    }
    period_lock::ActiveModel {
        period: Set(period.to_string()),
        locked_by: Set(by.to_owned()),
        locked_at: Set(now()),
    }
    .insert(db)
    .await?;
    crate::state::bump_reference_version(db).await?;
    Ok(true)
}

/// Every locked period.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<String>, StoreError> {
    Ok(period_lock::Entity::find()
        .order_by_asc(period_lock::Column::Period)
        .all(db)
        .await?
        .into_iter()
        .map(|l| l.period)
        .collect())
}
