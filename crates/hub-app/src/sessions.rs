//! Web application sessions (DESIGN §15): `/login` exchanges a token for a server-side session
//! whose secret lives in an HttpOnly cookie. A session acts as its token's holder; it ends at
//! logout, at expiry, or at once when its token is revoked. Opening and ending one are audited.

use chrono::{DateTime, TimeDelta, Utc};
use hub_domain::access::Principal;
use hub_store::sessions;
use serde_json::json;

use crate::audit::{self, Change};
use crate::error::{AppError, AppResult};
use crate::{App, Caller};

pub use hub_store::sessions::SESSION_PREFIX;

/// A session just opened: the cookie's secret (never stored), the CSRF secret of its forms.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub principal: Principal,
    pub secret: String,
    pub csrf: String,
    pub expires_at: DateTime<Utc>,
}

/// A live session: the caller it acts as, and the CSRF secret its writes must carry.
#[derive(Debug, Clone)]
pub struct Session {
    pub caller: Caller,
    pub csrf: String,
    pub expires_at: DateTime<Utc>,
}

impl Session {
    /// Whether `presented` is this session's CSRF secret (compared in constant time).
    pub fn csrf_matches(&self, presented: &str) -> bool {
        let (a, b) = (self.csrf.as_bytes(), presented.as_bytes());
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

impl App {
    /// Opens a session with the token `secret`; `request_id` names the sign-in request in the
    /// audit entry. An unknown or revoked token is refused `UNAUTHENTICATED`.
    #[tracing::instrument(skip_all, fields(request_id))]
    pub async fn sign_in(&self, secret: &str, request_id: Option<&str>) -> AppResult<SignedIn> {
        let (principal, _) = self.authenticate(secret.trim()).await?;
        let principal = principal.ok_or_else(|| {
            AppError::Unauthenticated("the access token is unknown or revoked".into())
        })?;
        let mut caller = Caller::token(principal.clone());
        if let Some(id) = request_id {
            caller = caller.with_request_id(id);
        }
        let lifetime = TimeDelta::from_std(self.config().session_lifetime)
            .map_err(|e| AppError::internal(format!("session lifetime: {e}")))?;
        let txn = hub_store::begin(self.db()).await?;
        let opened = sessions::open(&txn, principal.token_id, lifetime).await?;
        let after = json!({ "token": principal.label, "expiresAt": opened.expires_at });
        audit::record(
            &txn,
            &caller,
            Change {
                action: "session.open",
                entity_type: "access_token",
                entity_id: principal.token_id.to_string(),
                before: None,
                after: Some(&after),
                summary: format!("signed in to the web application as {}", principal.label),
            },
        )
        .await?;
        hub_store::commit(txn).await?;
        Ok(SignedIn {
            principal,
            secret: opened.secret,
            csrf: opened.csrf,
            expires_at: opened.expires_at,
        })
    }

    /// The live session of the cookie secret `secret`, or `None` (unknown, ended, expired, or
    /// its token revoked).
    pub async fn session(&self, secret: &str) -> AppResult<Option<Session>> {
        if !secret.starts_with(SESSION_PREFIX) {
            return Ok(None);
        }
        Ok(sessions::find(self.db(), secret)
            .await?
            .map(|live| Session {
                caller: Caller::token(live.principal),
                csrf: live.csrf,
                expires_at: live.expires_at,
            }))
    }

    /// Ends the session `secret` held by `caller` (logout); `false` when it had already ended.
    #[tracing::instrument(skip_all, fields(caller = %caller.label(), request_id = caller.request_id()))]
    pub async fn sign_out(&self, caller: &Caller, secret: &str) -> AppResult<bool> {
        let Some(principal) = caller.principal() else {
            return Ok(false);
        };
        let txn = hub_store::begin(self.db()).await?;
        let ended = sessions::end(&txn, secret, principal.token_id).await?;
        if ended {
            audit::record(
                &txn,
                caller,
                Change {
                    action: "session.end",
                    entity_type: "access_token",
                    entity_id: principal.token_id.to_string(),
                    before: None,
                    after: None,
                    summary: format!("signed out of the web application ({})", principal.label),
                },
            )
            .await?;
        }
        hub_store::commit(txn).await?;
        Ok(ended)
    }
}
