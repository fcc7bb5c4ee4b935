//! Authentication: the `Authorization: Bearer` header becomes a [`Caller`].
//!
//! No header means anonymous (refused when `HUB_REQUIRE_AUTH=true`). A header that is
//! malformed, or a token that is unknown or revoked, is refused with 401 `UNAUTHENTICATED`:
//! never silently treated as anonymous, which would hide a misconfigured client. Failed
//! checks are counted per address ([`throttle`]); checking a token is the application's
//! (`App::authenticate`, which remembers successful checks while no token is revoked).

pub mod throttle;

use std::net::{IpAddr, SocketAddr};
use std::time::Instant;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::Method;
use axum::http::header::AUTHORIZATION;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub use hub_app::Caller;

use crate::error::ApiError;
use crate::request_id::current_id;
use crate::state::AppState;

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
        return Ok(Caller::anonymous().with_request_id(current_id()));
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
    let (principal, looked_up) = state.app().authenticate(token).await?;
    if looked_up {
        state.metrics().count("hub_token_lookups_total", "database");
    }
    match principal {
        Some(principal) => Ok(Caller::token(principal).with_request_id(current_id())),
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

fn is_download(request: &Request) -> bool {
    let path = request.uri().path();
    request.method() == Method::GET
        && (path.starts_with("/api/v1/exports/") || path.starts_with("/api/v1/templates/"))
}

/// The caller of the live web session whose cookie secret is `secret`, if any.
async fn session_caller(
    state: &AppState,
    secret: Option<&str>,
) -> Result<Option<Caller>, ApiError> {
    let Some(secret) = secret else {
        return Ok(None);
    };
    let session = state.app().session(secret).await?;
    Ok(session.map(|s| s.caller.with_request_id(current_id())))
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
    // A browser opening /graphql gets the explorer page, whatever the hub requires of API
    // calls: the explorer's own requests carry the token from its headers editor.
    if crate::explorer::wanted(&request) {
        return crate::explorer::page(&request);
    }
    // Downloads linked from the web application's pages carry its session cookie, not a
    // header; only these reads take it (writes with a cookie would need a CSRF token).
    if header.is_none() && is_download(&request) {
        let secret =
            hub_web::context::cookie(request.headers(), hub_web::SESSION_COOKIE).map(str::to_owned);
        let caller = session_caller(&state, secret.as_deref()).await;
        match caller {
            Ok(Some(caller)) => {
                request.extensions_mut().insert(caller);
                return next.run(request).await;
            }
            Ok(None) => {}
            Err(err) => return err.into_response(),
        }
    }
    // A browser cannot put a header on a WebSocket upgrade: an anonymous upgrade authenticates
    // (or is refused) at `connection_init` instead.
    if header.is_none() && request.uri().path() == "/graphql/ws" {
        request
            .extensions_mut()
            .insert(Caller::anonymous().with_request_id(current_id()));
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
