//! Every route of the web application, with the headers every page carries: a strict
//! Content-Security-Policy (no inline script or style, nothing from elsewhere), no framing, no
//! sniffing, and no caching of pages (they depend on the session); gzip where the browser takes it.

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::middleware::map_response;
use axum::response::Response;
use axum::routing::{get, post};
use tower_http::compression::CompressionLayer;

use crate::host::Host;
use crate::pages::{
    countries, exports, governance, kpis, overview, sign_in, sources, submissions, workplans,
};

/// The policy of every page: only the hub's own files, no inline script or style.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; connect-src 'self'; \
     frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";

/// The explorer's policy: the pages' one, plus the hash of the one fixed `<style>` block the
/// dialog library inside GraphiQL injects (its scroll lock; the explorer never scrolls, so the
/// block's text never varies). A GraphiQL upgrade that changes it shows the new hash in the
/// browser console and in the browser suite.
pub const EXPLORER_CONTENT_SECURITY_POLICY: &str = "default-src 'self'; style-src 'self' \
     'sha256-Y/huXlwoYkVyQlxwSVcCi1RCDGDCSVBzDt0hYP9qlTc='; connect-src 'self'; \
     frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";

async fn page_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// The web application's routes, for a host `H` (hub-api's state).
pub fn routes<H: Host>() -> Router<H> {
    Router::new()
        .route("/", get(overview::page::<H>))
        .route("/kpis", get(kpis::list::<H>))
        .route("/kpis/{code}", get(kpis::page::<H>))
        .route("/countries", get(countries::list::<H>))
        .route("/countries/{code}", get(countries::page::<H>))
        .route(
            "/submissions",
            get(submissions::list::<H>).post(submissions::upload::<H>),
        )
        .route("/submissions/{id}", get(submissions::page::<H>))
        .route(
            "/governance/workplans",
            get(workplans::list::<H>).post(workplans::create::<H>),
        )
        .route("/governance/workplans/{id}", get(workplans::page::<H>))
        .route(
            "/governance/workplans/{id}/{action}",
            post(workplans::act::<H>),
        )
        .route(
            "/governance/workplans/{id}/activities/{code}",
            get(workplans::activity_form::<H>).post(workplans::save_activity::<H>),
        )
        .route("/governance/taskforces", get(governance::task_forces::<H>))
        .route("/governance/meetings", get(governance::meetings::<H>))
        .route("/sources", get(sources::page::<H>))
        .route("/exports", get(exports::page::<H>))
        .route("/login", get(sign_in::form::<H>).post(sign_in::submit::<H>))
        .route("/logout", post(sign_in::sign_out::<H>))
        .route("/assets/{*path}", get(crate::assets::serve))
        .layer(map_response(page_headers))
        // Pages and assets are text that shrinks well (GraphiQL's 3.5 MB script to a fifth);
        // the browser says whether it takes gzip.
        .layer(CompressionLayer::new().gzip(true))
}
