//! Version counters in `hub_state`, each advanced inside the transaction of the write it tracks,
//! so caches keyed by them are never stale after a write, on any replica:
//! - the data version: every accepted submission, rate or mapping change;
//! - the access version: every token created or revoked (cached token checks end at once);
//! - the reference version: every change to what ingestion checks documents with (rates,
//!   mappings, locks, validation rules, min-max bounds, seeded reference data, and the plans of
//!   a stored BOS), advanced by the store functions that write them, so ingestion's cached
//!   reference facts are never stale.

use sea_orm::sea_query::{Expr, ExprTrait, InsertStatement, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryTrait,
};

use crate::StoreError;
use crate::entity::hub_state;

const DATA_VERSION: &str = "data_version";
const ACCESS_VERSION: &str = "access_version";
const REFERENCE_VERSION: &str = "reference_version";

async fn version(db: &impl ConnectionTrait, key: &str) -> Result<i64, StoreError> {
    Ok(hub_state::Entity::find_by_id(key.to_owned())
        .one(db)
        .await?
        .map_or(0, |row| row.value))
}

/// The statement that advances the counter `key` (created at 1 the first time).
fn bump_statement(key: &str) -> InsertStatement {
    hub_state::Entity::insert(hub_state::ActiveModel {
        key: Set(key.to_owned()),
        value: Set(1),
    })
    .on_conflict(
        OnConflict::column(hub_state::Column::Key)
            .value(
                hub_state::Column::Value,
                Expr::col((hub_state::Entity, hub_state::Column::Value)).add(1),
            )
            .to_owned(),
    )
    .into_query()
}

async fn bump(db: &impl ConnectionTrait, key: &str) -> Result<(), StoreError> {
    db.execute(&bump_statement(key)).await?;
    Ok(())
}

/// The current data version (0 before the first write).
pub async fn data_version(db: &impl ConnectionTrait) -> Result<i64, StoreError> {
    version(db, DATA_VERSION).await
}

/// Advances the data version; call it inside the transaction of the write.
pub async fn bump_data_version(db: &impl ConnectionTrait) -> Result<(), StoreError> {
    bump(db, DATA_VERSION).await
}

/// The statement that advances the data version, for a write's [`crate::batch::Batch`].
pub fn bump_data_version_statement() -> InsertStatement {
    bump_statement(DATA_VERSION)
}

/// The current access version (0 before the first token change).
pub async fn access_version(db: &impl ConnectionTrait) -> Result<i64, StoreError> {
    version(db, ACCESS_VERSION).await
}

/// Advances the access version; token changes call it in their own statement's transaction.
pub async fn bump_access_version(db: &impl ConnectionTrait) -> Result<(), StoreError> {
    bump(db, ACCESS_VERSION).await
}

/// The current reference version (0 before the first change).
pub async fn reference_version(db: &impl ConnectionTrait) -> Result<i64, StoreError> {
    version(db, REFERENCE_VERSION).await
}

/// Advances the reference version; the store functions that change reference data call it in
/// the same transaction.
pub(crate) async fn bump_reference_version(db: &impl ConnectionTrait) -> Result<(), StoreError> {
    bump(db, REFERENCE_VERSION).await
}

/// The statement that advances the reference version, for a write's [`crate::batch::Batch`].
pub(crate) fn bump_reference_version_statement() -> InsertStatement {
    bump_statement(REFERENCE_VERSION)
}

/// The three versions at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Versions {
    pub data: i64,
    pub access: i64,
    pub reference: i64,
}

/// The three versions as committed now, in one query.
pub async fn versions(db: &impl ConnectionTrait) -> Result<Versions, StoreError> {
    let rows = hub_state::Entity::find()
        .filter(hub_state::Column::Key.is_in([DATA_VERSION, ACCESS_VERSION, REFERENCE_VERSION]))
        .all(db)
        .await?;
    let mut versions = Versions::default();
    for row in rows {
        match row.key.as_str() {
            DATA_VERSION => versions.data = row.value,
            ACCESS_VERSION => versions.access = row.value,
            _ => versions.reference = row.value,
        }
    }
    Ok(versions)
}
