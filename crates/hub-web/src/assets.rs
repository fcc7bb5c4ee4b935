//! The web application's static files, compiled into the binary: the stylesheet, the script,
//! the icon and the GraphiQL explorer (vendored from npm, see `assets-src/graphiql`). Their
//! URLs carry a digest of their content, so browsers may keep them for a year.

use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// One file: its path under `/assets/`, content type and bytes.
struct Asset {
    path: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
}

macro_rules! asset {
    ($path:literal, $type:expr) => {
        Asset {
            path: $path,
            content_type: $type,
            bytes: include_bytes!(concat!("../assets/", $path)),
        }
    };
}

const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

static ASSETS: &[Asset] = &[
    asset!("app.css", CSS),
    asset!("app.js", JS),
    asset!("icon.svg", "image/svg+xml"),
    asset!("graphiql/graphiql.min.css", CSS),
    asset!("graphiql/explorer.css", CSS),
    asset!("graphiql/react.min.js", JS),
    asset!("graphiql/react-dom.min.js", JS),
    asset!("graphiql/graphiql.min.js", JS),
    asset!("graphiql/explorer.js", JS),
];

/// FNV-1a: a stable digest of an asset's bytes for its URL (not a security measure).
fn digest(bytes: &[u8]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in bytes {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{:012x}", hash & 0xffff_ffff_ffff)
}

/// GraphiQL's fonts and icons, listed by `build.rs`.
static MEDIA: &[Asset] = include!(concat!(env!("OUT_DIR"), "/media.rs"));

static DIGESTS: LazyLock<Vec<String>> =
    LazyLock::new(|| ASSETS.iter().map(|a| digest(a.bytes)).collect());

/// The URL of asset `path`, with its digest.
pub fn href(path: &str) -> String {
    match ASSETS.iter().position(|a| a.path == path) {
        Some(i) => format!("/assets/{path}?v={}", DIGESTS[i]),
        None => format!("/assets/{path}"),
    }
}

/// `GET /assets/{*path}`.
pub async fn serve(Path(path): Path<String>) -> Response {
    let Some(asset) = ASSETS.iter().chain(MEDIA).find(|a| a.path == path) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let mut response = asset.bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(asset.content_type),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asset_urls_change_with_their_content() {
        assert_ne!(digest(b"a"), digest(b"b"));
        assert!(href("app.css").starts_with("/assets/app.css?v="));
        assert!(!MEDIA.is_empty(), "GraphiQL's fonts are compiled in");
    }
}
