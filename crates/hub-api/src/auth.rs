//! Authentication: the `Authorization: Bearer` header becomes a [`Caller`].
//!
//! No header means anonymous (refused when `HUB_REQUIRE_AUTH=true`). A header that is
//! malformed, or a token that is unknown or revoked, is refused with 401 `UNAUTHENTICATED`:
//! never silently treated as anonymous, which would hide a misconfigured client.

use axum::extract::{Request, State};
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

/// Resolves the caller of a request from its bearer token.
pub async fn resolve(state: &AppState, header: Option<&str>) -> Result<Caller, ApiError> {
    let Some(header) = header else {
        if state.config().require_auth {
            return Err(ApiError::Unauthenticated(
                "this hub requires an access token (Authorization: Bearer TOKEN)".into(),
            ));
        }
        return Ok(Caller::anonymous());
    };
    let token = bearer(header).ok_or_else(|| {
        ApiError::Unauthenticated("the Authorization header must be `Bearer TOKEN`".into())
    })?;
    match hub_store::tokens::authenticate(state.db(), token).await? {
        Some(principal) => Ok(Caller {
            principal: Some(principal),
        }),
        None => Err(ApiError::Unauthenticated(
            "the access token is unknown or revoked".into(),
        )),
    }
}

/// Middleware for the API routes: puts the [`Caller`] into the request or answers 401.
pub async fn authenticate(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let header = request
        .headers()
        .get(AUTHORIZATION)
        .map(|v| v.to_str().unwrap_or("?"));
    match resolve(&state, header).await {
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
