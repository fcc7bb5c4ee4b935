//! `GET /graphql` from a browser: the GraphiQL explorer, from the hub's own assets (vendored,
//! see `assets-src/graphiql`). Tokens go in its headers editor; the explorer never uses the
//! session cookie, so a page elsewhere cannot make it write.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use hub_domain::i18n::Lang;
use maud::{DOCTYPE, html};

use crate::assets::href;
use crate::i18n::Tr;
use crate::routes::EXPLORER_CONTENT_SECURITY_POLICY;

/// The explorer page, in `lang` for its title and the text shown while it loads.
pub fn page(lang: Lang) -> Response {
    let tr = Tr(lang);
    let body = html! {
        (DOCTYPE)
        html lang=(lang) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (tr.t("explorer-title")) " · " (tr.t("app-name")) }
                link rel="stylesheet" href=(href("graphiql/graphiql.min.css"));
                link rel="stylesheet" href=(href("graphiql/explorer.css"));
                link rel="icon" href=(href("icon.svg")) type="image/svg+xml";
                script src=(href("graphiql/react.min.js")) defer {}
                script src=(href("graphiql/react-dom.min.js")) defer {}
                script src=(href("graphiql/graphiql.min.js")) defer {}
                script src=(href("graphiql/explorer.js")) defer {}
            }
            body {
                div id="graphiql" { p.loading { (tr.t("explorer-loading")) } }
                noscript { p { (tr.t("explorer-noscript")) } }
            }
        }
    };
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(EXPLORER_CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::VARY,
        HeaderValue::from_static("Accept, Accept-Language"),
    );
    response
}
