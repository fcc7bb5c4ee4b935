//! `GET /graphql` from a browser: the GraphiQL explorer page (crate `hub-web`) instead of a
//! GraphQL answer. A leaf module: authentication asks it before treating a request as an API call.

use axum::extract::Request;
use axum::http::Method;
use axum::http::header::{ACCEPT, ACCEPT_LANGUAGE};
use axum::response::Response;
use hub_domain::i18n::Lang;

/// Whether a request is a browser opening `/graphql`: a GET for HTML without a query.
pub fn wanted(request: &Request) -> bool {
    let html = request
        .headers()
        .get(ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.to_ascii_lowercase().contains("text/html"));
    let has_query = request
        .uri()
        .query()
        .is_some_and(|q| q.split('&').any(|pair| pair.starts_with("query=")));
    request.method() == Method::GET && request.uri().path() == "/graphql" && html && !has_query
}

/// The explorer page, in the language of the request: `?lang=`, the remembered choice, else
/// `Accept-Language`.
pub fn page(request: &Request) -> Response {
    let headers = request.headers();
    let chosen = request.uri().query().and_then(|q| {
        q.split('&')
            .filter_map(|pair| pair.split_once('='))
            .find(|(key, _)| *key == "lang")
            .and_then(|(_, value)| Lang::parse_loose(value))
    });
    let lang = chosen
        .or_else(|| {
            hub_web::context::cookie(headers, hub_web::LANG_COOKIE).and_then(Lang::parse_loose)
        })
        .or_else(|| {
            headers
                .get(ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .map(Lang::from_accept_language)
        })
        .unwrap_or(Lang::En);
    hub_web::pages::explorer::page(lang)
}
