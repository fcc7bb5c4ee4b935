//! Access tokens (DESIGN §10b): created with a role and scope and shown once, stored as a hash,
//! revoked at once. Checking a token is the one operation anonymous callers make; successful
//! checks are remembered while no token is revoked.

use hub_domain::access::{Action, Principal, Role};
use hub_domain::codes::{AgencyCode, CountryCode};
use hub_store::tokens::{self, NewToken, TokenInfo};
use serde_json::json;

use crate::audit::{self, Change};
use crate::error::AppResult;
use crate::{App, Caller};

pub use crate::tokens_cache::TokenCache;
pub use hub_store::tokens::TokenInfo as Token;

/// A token to create.
#[derive(Debug, Clone)]
pub struct TokenRequest {
    pub label: String,
    pub role: Role,
    pub country: Option<CountryCode>,
    pub agency: Option<AgencyCode>,
}

fn describe(info: &TokenInfo) -> serde_json::Value {
    json!({ "label": info.label, "role": info.role, "country": info.country, "agency": info.agency,
            "revoked": info.revoked_at.is_some() })
}

impl App {
    /// Creates a token and returns it with its secret, shown this once (ADMIN, or the operator).
    #[tracing::instrument(skip(self, caller, request), fields(caller = %caller.label(), request_id = caller.request_id(), role = %request.role))]
    pub async fn create_token(
        &self,
        caller: &Caller,
        request: TokenRequest,
    ) -> AppResult<(TokenInfo, String)> {
        caller.may(Action::ManageTokens)?;
        let txn = hub_store::begin(self.db()).await?;
        let (info, secret) = tokens::create(
            &txn,
            NewToken {
                label: request.label,
                role: request.role,
                country: request.country,
                agency: request.agency,
            },
        )
        .await?;
        let after = describe(&info);
        audit::record(
            &txn,
            caller,
            Change {
                action: "token.create",
                entity_type: "access_token",
                entity_id: info.id.to_string(),
                before: None,
                after: Some(&after),
                summary: format!("token {:?} created ({})", info.label, info.role),
            },
        )
        .await?;
        hub_store::commit(txn).await?;
        Ok((info, secret))
    }

    /// Every token, oldest first; never the secrets (ADMIN, or the operator).
    #[tracing::instrument(skip_all, fields(caller = %caller.label(), request_id = caller.request_id()))]
    pub async fn tokens(&self, caller: &Caller) -> AppResult<Vec<TokenInfo>> {
        caller.may(Action::ManageTokens)?;
        Ok(tokens::list(self.db()).await?)
    }

    /// Revokes a token named by id or label; every cached check of it ends at once.
    #[tracing::instrument(skip(self, caller), fields(caller = %caller.label(), request_id = caller.request_id()))]
    pub async fn revoke_token(&self, caller: &Caller, id_or_label: &str) -> AppResult<TokenInfo> {
        caller.may(Action::ManageTokens)?;
        let txn = hub_store::begin(self.db()).await?;
        let before = tokens::list(&txn)
            .await?
            .into_iter()
            .find(|t| t.label == id_or_label || t.id.to_string() == id_or_label)
            .map(|t| describe(&t));
        let info = tokens::revoke(&txn, id_or_label).await?;
        let after = describe(&info);
        audit::record(
            &txn,
            caller,
            Change {
                action: "token.revoke",
                entity_type: "access_token",
                entity_id: info.id.to_string(),
                before: before.as_ref(),
                after: Some(&after),
                summary: format!("token {:?} revoked", info.label),
            },
        )
        .await?;
        hub_store::commit(txn).await?;
        Ok(info)
    }

    /// The holder of `secret`, or `None` for an unknown or revoked token. A check is reused
    /// while the access version (advanced by every revocation) is unchanged; `looked_up` says
    /// whether the token table was read.
    #[tracing::instrument(skip_all)]
    pub async fn authenticate(&self, secret: &str) -> AppResult<(Option<Principal>, bool)> {
        let version = self.versions().await?.access;
        if let Some(hit) = self.token_cache().get(secret, version) {
            if hit.use_due {
                self.record_token_use(hit.principal.token_id);
            }
            return Ok((Some(hit.principal), false));
        }
        let principal = tokens::authenticate(self.db(), secret).await?;
        if let Some(principal) = &principal {
            self.token_cache().put(secret, principal.clone(), version);
        }
        Ok((principal, true))
    }

    /// Writes a remembered token's `last_used_at` beside the request, not in its way: the
    /// column is kept to the minute and losing one write loses nothing else.
    fn record_token_use(&self, token_id: i64) {
        let db = self.db().clone();
        tokio::spawn(async move {
            if let Err(e) = tokens::record_use(&db, token_id, hub_store::now()).await {
                tracing::warn!(error = %e, token_id, "cannot record when a token was used");
            }
        });
    }
}
