//! Web application sessions (DESIGN §15): opened with a token, kept server-side, ended by logout,
//! by expiry, or at once by the revocation of their token.

use chrono::{DateTime, TimeDelta, Utc};
use hub_domain::access::Principal;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
};

use crate::entity::{access_token, web_session};
use crate::tokens::{hash, principal_of};
use crate::{StoreError, now};

/// Prefix of every session secret, so one is recognisable (and never mistaken for a token).
pub const SESSION_PREFIX: &str = "rhs_";

/// A session just opened: the secret for the cookie (shown once, never stored) and the CSRF
/// secret its forms carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenedSession {
    pub secret: String,
    pub csrf: String,
    pub expires_at: DateTime<Utc>,
}

/// A live session: who holds it and the CSRF secret of its forms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveSession {
    pub principal: Principal,
    pub csrf: String,
    pub expires_at: DateTime<Utc>,
}

fn random_secret(prefix: &str) -> String {
    format!("{prefix}{}", hex::encode(rand::random::<[u8; 32]>()))
}

/// Opens a session for token `token_id`, living `lifetime`.
pub async fn open(
    db: &impl ConnectionTrait,
    token_id: i64,
    lifetime: TimeDelta,
) -> Result<OpenedSession, StoreError> {
    let secret = random_secret(SESSION_PREFIX);
    let csrf = hex::encode(rand::random::<[u8; 32]>());
    let created_at = now();
    let expires_at = created_at + lifetime;
    web_session::ActiveModel {
        session_hash: Set(hash(&secret)),
        token_id: Set(token_id),
        csrf: Set(csrf.clone()),
        created_at: Set(created_at),
        expires_at: Set(expires_at),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(OpenedSession {
        secret,
        csrf,
        expires_at,
    })
}

/// The live session of `secret`: `None` when unknown, ended, expired, or its token revoked.
pub async fn find(
    db: &impl ConnectionTrait,
    secret: &str,
) -> Result<Option<LiveSession>, StoreError> {
    let Some(session) = web_session::Entity::find()
        .filter(web_session::Column::SessionHash.eq(hash(secret)))
        .filter(web_session::Column::EndedAt.is_null())
        .filter(web_session::Column::ExpiresAt.gt(now()))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let token = access_token::Entity::find_by_id(session.token_id)
        .one(db)
        .await?;
    match token {
        Some(token) if token.revoked_at.is_none() => Ok(Some(LiveSession {
            principal: principal_of(token)?,
            csrf: session.csrf,
            expires_at: session.expires_at,
        })),
        _ => Ok(None),
    }
}

/// Ends the session of `secret` opened with token `token_id`; `false` when there was no live one.
pub async fn end(
    db: &impl ConnectionTrait,
    secret: &str,
    token_id: i64,
) -> Result<bool, StoreError> {
    let ended = web_session::Entity::update_many()
        .col_expr(
            web_session::Column::EndedAt,
            sea_orm::sea_query::Expr::value(now()),
        )
        .filter(web_session::Column::SessionHash.eq(hash(secret)))
        .filter(web_session::Column::TokenId.eq(token_id))
        .filter(web_session::Column::EndedAt.is_null())
        .exec(db)
        .await?;
    Ok(ended.rows_affected > 0)
}
