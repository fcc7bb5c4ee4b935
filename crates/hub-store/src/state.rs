//! The data version: a counter every accepted submission, rate or mapping change advances in
//! its own transaction, so caches keyed by it are never stale after a write, on any replica.

use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::StoreError;
use crate::entity::hub_state;

const DATA_VERSION: &str = "data_version";

/// The current data version (0 before the first write).
pub async fn data_version(db: &impl ConnectionTrait) -> Result<i64, StoreError> {
    Ok(hub_state::Entity::find_by_id(DATA_VERSION.to_owned())
        .one(db)
        .await?
        .map_or(0, |row| row.value))
}

/// Advances the data version; call it inside the transaction of the write.
pub async fn bump_data_version(db: &impl ConnectionTrait) -> Result<(), StoreError> {
    let updated = hub_state::Entity::update_many()
        .col_expr(
            hub_state::Column::Value,
            Expr::col(hub_state::Column::Value).add(1),
        )
        .filter(hub_state::Column::Key.eq(DATA_VERSION))
        .exec(db)
        .await?;
    if updated.rows_affected == 0 {
        hub_state::Entity::insert(hub_state::ActiveModel {
            key: Set(DATA_VERSION.to_owned()),
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
        .exec_without_returning(db)
        .await?;
    }
    Ok(())
}
