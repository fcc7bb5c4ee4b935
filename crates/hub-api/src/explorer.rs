//! `GET /graphql` from a browser: the GraphiQL explorer page (crate `hub-web`) instead of a
//! GraphQL answer. A leaf module: authentication asks it before treating a request as an API call.

use axum::extract::Request;
use axum::http::Method;
use axum::http::header::ACCEPT;
use axum::response::Response;

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

/// The explorer page, in the language of the request (`?lang=`, the remembered choice, else
/// `Accept-Language`).
pub fn page(request: &Request) -> Response {
    let lang = hub_web::context::language(request.headers(), request.uri().query());
    hub_web::pages::explorer::page(lang)
}
