//! The viewer of a request: the language they read, their session (if signed in), the caller
//! every operation of the page runs as, and the CSRF secret their forms carry.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use hub_app::Caller;
use hub_app::sessions::Session;
use hub_domain::access::{Action, Principal};
use hub_domain::i18n::Lang;

use crate::host::Host;
use crate::i18n::Tr;
use crate::layout::PageError;
use crate::{LANG_COOKIE, SESSION_COOKIE};

/// Who is looking, in which language.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub tr: Tr,
    /// The language named by `?lang=` on this request, to be remembered in a cookie.
    pub chosen_lang: Option<Lang>,
    pub session: Option<Session>,
    /// A session cookie was sent but its session has ended (expired, logged out, revoked).
    pub session_ended: bool,
    pub caller: Caller,
    /// The path and query of the page, without `lang` (for the language switch).
    pub here: String,
    pub request_id: String,
    pub address: Option<IpAddr>,
    /// The request's `Origin` (or `Referer`) host matches its `Host`, or names none.
    pub same_origin: bool,
}

/// The value of cookie `name` in the request's `Cookie` headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.trim())
}

fn query_lang(query: Option<&str>) -> Option<Lang> {
    query?
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| *key == "lang")
        .and_then(|(_, value)| Lang::parse_loose(value))
}

fn without_lang(path: &str, query: Option<&str>) -> String {
    let kept: Vec<&str> = query
        .unwrap_or_default()
        .split('&')
        .filter(|pair| !pair.is_empty() && !pair.starts_with("lang="))
        .collect();
    if kept.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", kept.join("&"))
    }
}

fn same_origin(headers: &HeaderMap) -> bool {
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let origin = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|v| v.to_str().ok());
    match (origin, host) {
        (None, _) => true,
        (Some("null"), _) | (Some(_), None) => false,
        (Some(origin), Some(host)) => origin
            .split_once("://")
            .map(|(_, rest)| rest.split('/').next().unwrap_or_default())
            .is_some_and(|origin_host| origin_host.eq_ignore_ascii_case(host)),
    }
}

/// The language of a request: `?lang=`, else the remembered choice, else `Accept-Language`.
pub fn language(headers: &HeaderMap, query: Option<&str>) -> Lang {
    query_lang(query)
        .or_else(|| cookie(headers, LANG_COOKIE).and_then(Lang::parse_loose))
        .unwrap_or_else(|| {
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .map_or(Lang::En, Lang::from_accept_language)
        })
}

impl<H: Host> FromRequestParts<H> for Ctx {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, host: &H) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query();
        let chosen_lang = query_lang(query);
        let lang = language(&parts.headers, query);
        let request_id = host.request_id();
        let tr = Tr(lang);
        let mut session_ended = false;
        let session = match cookie(&parts.headers, SESSION_COOKIE) {
            None | Some("") => None,
            Some(secret) => {
                let found = host
                    .app()
                    .session(secret)
                    .await
                    .map_err(|e| PageError::app(tr, e, &request_id))?;
                session_ended = found.is_none();
                found
            }
        };
        let caller = session
            .as_ref()
            .map_or_else(Caller::anonymous, |s| s.caller.clone())
            .with_request_id(request_id.clone());
        Ok(Ctx {
            tr,
            chosen_lang,
            session,
            session_ended,
            caller,
            here: without_lang(parts.uri.path(), query),
            request_id,
            address: parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|info| info.0.ip()),
            same_origin: same_origin(&parts.headers),
        })
    }
}

impl Ctx {
    /// The language of the page.
    pub fn lang(&self) -> Lang {
        self.tr.lang()
    }

    /// The signed-in token holder, if any.
    pub fn principal(&self) -> Option<&Principal> {
        self.caller.principal()
    }

    /// Whether the viewer may do `action` (to show or hide its controls; the operation itself
    /// checks again).
    pub fn can(&self, action: Action) -> bool {
        self.caller.can(action)
    }

    /// The CSRF secret forms of this session carry (empty when signed out).
    pub fn csrf(&self) -> &str {
        self.session.as_ref().map_or("", |s| s.csrf.as_str())
    }

    /// Refuses a write whose form does not carry this session's CSRF secret, or that comes from
    /// another site.
    pub fn check_write(&self, presented: &str) -> Result<(), PageError> {
        let Some(session) = &self.session else {
            return Err(PageError::SignIn);
        };
        if !self.same_origin || !session.csrf_matches(presented) {
            return Err(PageError::Csrf);
        }
        Ok(())
    }

    /// The link that shows this page in `lang` (the choice is then remembered in a cookie, so
    /// other links need no parameter).
    pub fn switch_to(&self, lang: Lang) -> String {
        let sep = if self.here.contains('?') { '&' } else { '?' };
        format!("{}{sep}lang={lang}", self.here)
    }
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    #[test]
    fn cookies_are_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; romt_lang=es; b=2"),
        );
        assert_eq!(cookie(&headers, LANG_COOKIE), Some("es"));
        assert_eq!(cookie(&headers, SESSION_COOKIE), None);
    }

    #[test]
    fn the_language_switch_keeps_the_rest_of_the_query() {
        assert_eq!(
            without_lang("/kpis/CA", Some("lang=es&year=2025")),
            "/kpis/CA?year=2025"
        );
        assert_eq!(without_lang("/", Some("lang=en")), "/");
        assert_eq!(query_lang(Some("year=2025&lang=ES")), Some(Lang::Es));
    }

    #[test]
    fn writes_from_another_site_are_not_same_origin() {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, HeaderValue::from_static("hub.example:8080"));
        assert!(same_origin(&headers));
        headers.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://hub.example:8080"),
        );
        assert!(same_origin(&headers));
        headers.insert(
            header::ORIGIN,
            HeaderValue::from_static("https://evil.example"),
        );
        assert!(!same_origin(&headers));
    }
}
