//! Authentication: the `Authorization: Bearer` header becomes a [`Caller`].
//!
//! No header means anonymous (refused when `HUB_REQUIRE_AUTH=true`). A header that is
//! malformed, or a token that is unknown or revoked, is refused with 401 `UNAUTHENTICATED`:
//! never silently treated as anonymous, which would hide a misconfigured client. Failed
//! checks are counted per address ([`throttle`]); successful ones are remembered briefly
//! ([`cache`]) while no token was revoked.

pub mod cache;
pub mod throttle;

use std::net::{IpAddr, SocketAddr};
use std::time::Instant;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::header::AUTHORIZATION;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hub_domain::access::{Principal, Role, Viewer};
use hub_store::audit::Actor;

use crate::error::ApiError;
use crate::state::AppState;

/// Who is calling: the token's principal, or nobody.
#[derive(Debug, Clone, Default)]
pub struct Caller {
    principal: Option<Principal>,
}

impl Caller {
    /// An anonymous caller.
    pub fn anonymous() -> Self {
        Self::default()
    }

    /// The holder of a token.
    pub fn principal(&self) -> Option<&Principal> {
        self.principal.as_ref()
    }

    /// What the caller may see.
    pub fn viewer(&self) -> Viewer {
        self.principal
            .as_ref()
            .map_or_else(Viewer::anonymous, Principal::viewer)
    }

    /// The caller, required to hold one of `roles`; `action` says what for in the error.
    pub fn require(&self, roles: &[Role], action: &str) -> Result<&Principal, ApiError> {
        let principal = self
            .principal
            .as_ref()
            .ok_or_else(|| ApiError::Unauthenticated(format!("{action} needs an access token")))?;
        if roles.contains(&principal.role) {
            Ok(principal)
        } else {
            let allowed: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
            Err(ApiError::Forbidden(format!(
                "{action} is for {} tokens; this token is {}",
                allowed.join(" or "),
                principal.role
            )))
        }
    }

    /// Refuses an anonymous caller: `what` (persons' names, working drafts) needs a token.
    pub fn require_token(&self, what: &str) -> Result<&Principal, ApiError> {
        self.principal
            .as_ref()
            .ok_or_else(|| ApiError::Unauthenticated(format!("{what} need an access token")))
    }

    /// The audit actor for a change made by this caller.
    pub fn actor(&self) -> Option<Actor> {
        self.principal.clone().map(Actor::Principal)
    }
}

fn bearer(value: &str) -> Option<&str> {
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// Resolves the caller of a request from its bearer token; `address` is the client's, for the
/// failed-authentication limit.
pub async fn resolve(
    state: &AppState,
    header: Option<&str>,
    address: Option<IpAddr>,
) -> Result<Caller, ApiError> {
    let Some(header) = header else {
        if state.config().require_auth {
            return Err(ApiError::Unauthenticated(
                "this hub requires an access token (Authorization: Bearer TOKEN)".into(),
            ));
        }
        return Ok(Caller::anonymous());
    };
    let throttle = state.auth_failures().zip(address);
    if let Some((limiter, address)) = throttle
        && let Some(wait) = limiter.blocked(address, Instant::now())
    {
        state
            .metrics()
            .count("hub_rate_limited_total", "authentication");
        return Err(ApiError::RateLimited {
            retry_after_secs: wait.as_secs().max(1),
        });
    }
    let failed = |message: &str| {
        if let Some((limiter, address)) = throttle {
            limiter.failed(address, Instant::now());
        }
        state.metrics().count("hub_auth_failures_total", "token");
        ApiError::Unauthenticated(message.to_owned())
    };
    let Some(token) = bearer(header) else {
        return Err(failed("the Authorization header must be `Bearer TOKEN`"));
    };
    let version = hub_store::state::access_version(state.db()).await?;
    if let Some(principal) = state.tokens().get(token, version) {
        return Ok(Caller {
            principal: Some(principal),
        });
    }
    state.metrics().count("hub_token_lookups_total", "database");
    match hub_store::tokens::authenticate(state.db(), token).await? {
        Some(principal) => {
            state.tokens().put(token, principal.clone(), version);
            Ok(Caller {
                principal: Some(principal),
            })
        }
        None => Err(failed("the access token is unknown or revoked")),
    }
}

/// The client address of a request (the connection's peer).
pub fn client_address(request: &Request) -> Option<IpAddr> {
    request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip())
}

/// Middleware for the API routes: puts the [`Caller`] into the request or answers 401 (429
/// while the address is over its failed-authentication limit).
pub async fn authenticate(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let header = request
        .headers()
        .get(AUTHORIZATION)
        .map(|v| v.to_str().unwrap_or("?"));
    let address = client_address(&request);
    // A browser cannot put a header on a WebSocket upgrade: an anonymous upgrade authenticates
    // (or is refused) at `connection_init` instead.
    if header.is_none() && request.uri().path() == "/graphql/ws" {
        request.extensions_mut().insert(Caller::anonymous());
        return next.run(request).await;
    }
    match resolve(&state, header, address).await {
        Ok(caller) => {
            request.extensions_mut().insert(caller);
            next.run(request).await
        }
        Err(err) if request.uri().path().starts_with("/graphql") => {
            crate::graphql::error_response(err).into_response()
        }
        Err(err) => err.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_scheme_is_case_insensitive_and_needs_a_token() {
        assert_eq!(bearer("Bearer abc"), Some("abc"));
        assert_eq!(bearer("bearer  abc "), Some("abc"));
        assert_eq!(bearer("Basic abc"), None);
        assert_eq!(bearer("Bearer "), None);
        assert_eq!(bearer("abc"), None);
    }
}
