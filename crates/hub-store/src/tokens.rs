//! Access tokens: created with a role and scope, stored only as a SHA-256 hash, revocable.
//!
//! Tokens are 256 random bits, so a fast hash is the right tool: there is nothing to brute-force.

use chrono::{DateTime, TimeDelta, Utc};
use hub_domain::access::{Principal, Role, check_token_scope};
use hub_domain::codes::{AgencyCode, CountryCode};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};
use sha2::{Digest, Sha256};

use crate::entity::access_token;
use crate::{StoreError, now, reference, state};

/// Prefix of every token, so a leaked one is recognisable in logs and scanners.
pub const TOKEN_PREFIX: &str = "rhub_";

/// How often `last_used_at` is refreshed; more often would turn every read into a write.
const LAST_USED_RESOLUTION: TimeDelta = TimeDelta::minutes(1);

/// What a new token is for.
#[derive(Debug, Clone)]
pub struct NewToken {
    pub label: String,
    pub role: Role,
    pub country: Option<CountryCode>,
    pub agency: Option<AgencyCode>,
}

/// A token as listed: never the secret itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenInfo {
    pub id: i64,
    pub label: String,
    pub role: Role,
    pub country: Option<String>,
    pub agency: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

pub(crate) fn hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

fn info(row: access_token::Model) -> Result<TokenInfo, StoreError> {
    Ok(TokenInfo {
        id: row.id,
        role: row.role.parse().map_err(StoreError::corrupt)?,
        label: row.label,
        country: row.country,
        agency: row.agency,
        created_at: row.created_at,
        last_used_at: row.last_used_at,
        revoked_at: row.revoked_at,
    })
}

/// Creates a token and returns it with its secret, which is shown once and never stored.
pub async fn create(
    db: &impl ConnectionTrait,
    new: NewToken,
) -> Result<(TokenInfo, String), StoreError> {
    let label = new.label.trim();
    if label.is_empty() || label.chars().count() > 100 {
        return Err(StoreError::Invalid(
            "a token label must have 1 to 100 characters".into(),
        ));
    }
    check_token_scope(new.role, new.country.as_ref(), new.agency.as_ref())
        .map_err(|e| StoreError::Invalid(e.to_string()))?;
    if let Some(country) = &new.country
        && reference::country(db, country.as_str()).await?.is_none()
    {
        return Err(StoreError::Invalid(format!(
            "unknown country team {country}"
        )));
    }
    if let Some(agency) = &new.agency
        && !reference::agency_exists(db, agency.as_str()).await?
    {
        return Err(StoreError::Invalid(format!("unknown agency {agency}")));
    }
    if access_token::Entity::find()
        .filter(access_token::Column::Label.eq(label))
        .one(db)
        .await?
        .is_some()
    {
        return Err(StoreError::Conflict(format!(
            "a token labelled {label:?} already exists"
        )));
    }
    let secret = format!("{TOKEN_PREFIX}{}", hex::encode(rand::random::<[u8; 32]>()));
    let row = access_token::ActiveModel {
        label: Set(label.to_owned()),
        role: Set(new.role.as_str().to_owned()),
        country: Set(new.country.map(String::from)),
        agency: Set(new.agency.map(String::from)),
        token_hash: Set(hash(&secret)),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok((info(row)?, secret))
}

/// Every token, oldest first.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<TokenInfo>, StoreError> {
    access_token::Entity::find()
        .order_by_asc(access_token::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(info)
        .collect()
}

/// Whether any token exists (an empty hub gets a first admin token).
pub async fn any(db: &impl ConnectionTrait) -> Result<bool, StoreError> {
    Ok(access_token::Entity::find().one(db).await?.is_some())
}

/// Revokes a token named by id or label. Revoking a revoked token changes nothing.
pub async fn revoke(db: &impl ConnectionTrait, id_or_label: &str) -> Result<TokenInfo, StoreError> {
    let by_label = access_token::Entity::find()
        .filter(access_token::Column::Label.eq(id_or_label))
        .one(db)
        .await?;
    let row = match (by_label, id_or_label.parse::<i64>()) {
        (Some(row), _) => Some(row),
        (None, Ok(id)) => access_token::Entity::find_by_id(id).one(db).await?,
        (None, Err(_)) => None,
    }
    .ok_or_else(|| StoreError::NotFound(format!("no token with id or label {id_or_label:?}")))?;
    if row.revoked_at.is_some() {
        return info(row);
    }
    let mut active: access_token::ActiveModel = row.into();
    active.revoked_at = Set(Some(now()));
    let revoked = info(active.update(db).await?)?;
    // Ends every cached check of the token, in this process and every replica.
    state::bump_access_version(db).await?;
    Ok(revoked)
}

/// The principal holding `secret`, or `None` for an unknown or revoked token.
pub async fn authenticate(
    db: &impl ConnectionTrait,
    secret: &str,
) -> Result<Option<Principal>, StoreError> {
    let Some(row) = access_token::Entity::find()
        .filter(access_token::Column::TokenHash.eq(hash(secret)))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if row.revoked_at.is_some() {
        return Ok(None);
    }
    let at = now();
    if row
        .last_used_at
        .is_none_or(|last| at - last >= LAST_USED_RESOLUTION)
    {
        record_use(db, row.id, at).await?;
    }
    principal_of(row).map(Some)
}

/// Records that token `id` was used at `at` (a later use already recorded stays).
pub async fn record_use(
    db: &impl ConnectionTrait,
    id: i64,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    access_token::Entity::update_many()
        .col_expr(
            access_token::Column::LastUsedAt,
            sea_orm::sea_query::Expr::value(at),
        )
        .filter(access_token::Column::Id.eq(id))
        .filter(
            sea_orm::Condition::any()
                .add(access_token::Column::LastUsedAt.is_null())
                .add(access_token::Column::LastUsedAt.lt(at)),
        )
        .exec(db)
        .await?;
    Ok(())
}

/// The principal a token row stands for.
pub(crate) fn principal_of(row: access_token::Model) -> Result<Principal, StoreError> {
    Ok(Principal {
        token_id: row.id,
        role: row.role.parse().map_err(StoreError::corrupt)?,
        country: row
            .country
            .as_deref()
            .map(CountryCode::parse)
            .transpose()
            .map_err(StoreError::corrupt)?,
        agency: row
            .agency
            .as_deref()
            .map(AgencyCode::parse)
            .transpose()
            .map_err(StoreError::corrupt)?,
        label: row.label,
    })
}
