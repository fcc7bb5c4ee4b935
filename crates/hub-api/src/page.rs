//! `GET /`: the regional dashboard page, self-contained (no external assets).

use axum::response::Html;

const PAGE: &str = include_str!("page.html");

/// The dashboard page; it reads its figures from `/graphql`.
pub async fn dashboard() -> Html<&'static str> {
    Html(PAGE)
}
