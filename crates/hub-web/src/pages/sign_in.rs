//! `/login` and `/logout`: a token is exchanged once for a server-side session whose secret the
//! browser keeps in an HttpOnly, SameSite=Strict cookie; the token itself is never stored in
//! the browser. Failed attempts count against the address's failed-authentication limit.

use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use hub_app::AppError;
use maud::html;
use serde::Deserialize;

use crate::SESSION_COOKIE;
use crate::context::Ctx;
use crate::host::Host;
use crate::layout::{PageError, Section, View, clear_session_cookie, notice, respond};

/// `?next=/governance/workplans/2`: where to go once signed in.
#[derive(Debug, Deserialize)]
pub struct Next {
    pub next: Option<String>,
}

/// The sign-in form's fields.
#[derive(Debug, Deserialize)]
pub struct SignInForm {
    pub token: String,
    pub next: Option<String>,
}

/// The sign-out form's fields.
#[derive(Debug, Deserialize)]
pub struct SignOutForm {
    pub csrf: String,
}

/// A local path to return to; anything else (another site, `//host`) becomes `/`.
fn local(next: Option<&str>) -> String {
    match next {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') => {
            path.to_owned()
        }
        _ => "/".to_owned(),
    }
}

fn form_view(ctx: &Ctx, next: &str, problem: Option<String>) -> View {
    let tr = ctx.tr;
    let body = html! {
        h1 { (tr.t("sign-in-title")) }
        @if let Some(problem) = &problem { (notice("error", problem)) }
        @if let Some(principal) = ctx.principal() {
            (notice("ok", &tr.t_with("sign-in-already", &[("label", principal.label.clone())])))
        }
        p.lead { (tr.t("sign-in-lead")) }
        form.stack method="post" action="/login" {
            input type="hidden" name="next" value=(next);
            div.field {
                label for="token" { (tr.t("sign-in-token")) }
                input id="token" name="token" type="password" required autocomplete="off"
                    spellcheck="false" aria-describedby="token-hint";
                p.hint id="token-hint" { (tr.t("sign-in-token-hint")) }
            }
            div { button type="submit" { (tr.t("sign-in-submit")) } }
        }
    };
    View {
        status: if problem.is_some() {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::OK
        },
        ..View::new(Section::SignIn, tr.t("sign-in-title"), body)
    }
}

/// `GET /login`.
pub async fn form<H: Host>(ctx: Ctx, Query(next): Query<Next>) -> Response {
    let next = local(next.next.as_deref());
    respond(&ctx, Ok(form_view(&ctx, &next, None)))
}

/// `POST /login`.
pub async fn submit<H: Host>(
    State(host): State<H>,
    ctx: Ctx,
    headers: HeaderMap,
    Form(form): Form<SignInForm>,
) -> Response {
    let tr = ctx.tr;
    let next = local(form.next.as_deref());
    if !ctx.same_origin {
        return respond(&ctx, Err(PageError::Csrf));
    }
    if let Err(wait) = host.sign_in_allowed(ctx.address) {
        let message = tr.t_with("sign-in-throttled", &[("seconds", wait.to_string())]);
        let mut view = form_view(&ctx, &next, Some(message));
        view.status = StatusCode::TOO_MANY_REQUESTS;
        return respond(&ctx, Ok(view));
    }
    match host.app().sign_in(&form.token, Some(&ctx.request_id)).await {
        Ok(signed_in) => {
            let lifetime = (signed_in.expires_at - chrono::Utc::now())
                .num_seconds()
                .max(0);
            let secure = headers
                .get("x-forwarded-proto")
                .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"https"));
            let cookie = format!(
                "{SESSION_COOKIE}={}; Path=/; Max-Age={lifetime}; HttpOnly; SameSite=Strict{}",
                signed_in.secret,
                if secure { "; Secure" } else { "" }
            );
            let mut response = Redirect::to(&next).into_response();
            if let Ok(value) = HeaderValue::from_str(&cookie) {
                response.headers_mut().append(header::SET_COOKIE, value);
            }
            response
        }
        Err(AppError::Unauthenticated(_)) => {
            host.sign_in_failed(ctx.address);
            respond(
                &ctx,
                Ok(form_view(&ctx, &next, Some(tr.t("sign-in-refused")))),
            )
        }
        Err(err) => respond(&ctx, Err(PageError::App(err, ctx.request_id.clone()))),
    }
}

/// `POST /logout`: ends the session on the server and forgets its cookie.
pub async fn sign_out<H: Host>(
    State(host): State<H>,
    ctx: Ctx,
    headers: HeaderMap,
    Form(form): Form<SignOutForm>,
) -> Response {
    if let Err(err) = ctx.check_write(&form.csrf) {
        return respond(&ctx, Err(err));
    }
    let secret = crate::context::cookie(&headers, SESSION_COOKIE).unwrap_or_default();
    if let Err(err) = host.app().sign_out(&ctx.caller, secret).await {
        return respond(&ctx, Err(PageError::App(err, ctx.request_id.clone())));
    }
    let mut response = Redirect::to("/").into_response();
    response
        .headers_mut()
        .append(header::SET_COOKIE, clear_session_cookie());
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(
            local(Some("/governance/workplans/2")),
            "/governance/workplans/2"
        );
        assert_eq!(local(Some("//evil.example/")), "/");
        assert_eq!(local(Some("https://evil.example/")), "/");
        assert_eq!(local(Some("/\\evil.example")), "/");
        assert_eq!(local(None), "/");
    }
}
