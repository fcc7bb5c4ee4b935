//! `romt-hub country-node` over HTTP: `GET /feed` (and `/`) serves a folder of documents as a
//! `country-feed`, with `ETag` / `If-None-Match`. The folder is read by `CountryNode`.

use std::future::Future;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use hub_app::sources::{CountryNode, NODE_DEFAULT_LIMIT};
use serde::Deserialize;

#[derive(Deserialize)]
struct FeedParams {
    since: Option<String>,
    limit: Option<usize>,
}

async fn feed(
    State(node): State<CountryNode>,
    Query(params): Query<FeedParams>,
    headers: HeaderMap,
) -> Response {
    let limit = params.limit.unwrap_or(NODE_DEFAULT_LIMIT);
    // Reading the folder is blocking file I/O.
    let page = tokio::task::spawn_blocking(move || node.page(params.since.as_deref(), limit)).await;
    let page = match page {
        Ok(Ok(page)) => page,
        Ok(Err(bad)) => return (StatusCode::BAD_REQUEST, bad.to_string()).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "reading the node's folder failed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == page.etag)
    {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, page.etag)]).into_response();
    }
    let mut response = axum::Json(page.body).into_response();
    if let Ok(value) = HeaderValue::from_str(&page.etag) {
        response.headers_mut().insert(header::ETAG, value);
    }
    response
}

/// The node's router: `GET /feed` and `GET /`.
pub fn router(node: CountryNode) -> Router {
    Router::new()
        .route("/", get(feed))
        .route("/feed", get(feed))
        .with_state(node)
}

/// Serves `node` on `listener` until `shutdown` completes.
pub async fn serve(
    node: CountryNode,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(node))
        .with_graceful_shutdown(shutdown)
        .await
}
