//! The OpenAPI 3.1 description of the REST part (submissions, exports, templates, the feed,
//! health), generated from the handlers' own annotations and served at
//! `/api/v1/openapi.json`; checked in at `schemas/openapi.json` (a test fails on drift).

use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::error::{ErrorBody, ErrorDetail};
use crate::{exports, health, rest};

/// Bearer tokens, as every API route takes them (optional where anonymous callers are served).
#[derive(Debug)]
struct BearerToken;

impl Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "An access token made with `romt-hub token create`; without one, PUBLIC data only.",
                    ))
                    .build(),
            ),
        );
    }
}

/// The REST part of the hub.
#[derive(OpenApi, Debug)]
#[openapi(
    info(
        title = "romt-hub REST API",
        description = "The REST part of romt-hub, the regional federation hub of the UN ROMT for Latin America and the Caribbean: submissions (JSON or XLSX workbooks), exports (DESIGN §13), spreadsheet templates (§14), the hub's federation feed and health. Everything else is GraphQL at /graphql (graphql/schema.graphql).",
        license(name = "Apache-2.0")
    ),
    paths(
        rest::submit,
        exports::values,
        exports::regional,
        exports::bos,
        exports::workplan,
        exports::kpi_report_template,
        exports::bos_template,
        rest::feed,
        health::healthz,
        health::readyz,
        document,
    ),
    components(schemas(
        hub_app::submissions::Receipt,
        hub_app::submissions::Problem,
        ErrorBody,
        ErrorDetail
    )),
    modifiers(&BearerToken),
    security((), ("bearer" = [])),
    tags(
        (name = "submissions", description = "Documents pushed by country OMTs"),
        (name = "exports", description = "Exports for the RCP and UN INFO (DESIGN §13)"),
        (name = "templates", description = "Spreadsheet templates for country OMTs (DESIGN §14)"),
        (name = "federation", description = "The hub's own feed"),
        (name = "operations", description = "Health and this description")
    )
)]
pub struct ApiDoc;

/// The document, as JSON text (pretty, with a final newline, as checked in).
pub fn json() -> String {
    let mut text = ApiDoc::openapi()
        .to_pretty_json()
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}

/// `GET /api/v1/openapi.json`: this description.
#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    tag = "operations",
    responses((status = 200, description = "The OpenAPI 3.1 document", content_type = "application/json"))
)]
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

#[cfg(test)]
mod tests {
    /// The checked-in description must match the code. To regenerate after a change, run this
    /// test with `UPDATE_SCHEMA=1`.
    #[test]
    fn checked_in_openapi_matches_the_code() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../schemas/openapi.json");
        let generated = super::json();
        if std::env::var_os("UPDATE_SCHEMA").is_some() {
            std::fs::write(path, &generated).unwrap();
        }
        let checked_in = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            checked_in == generated,
            "schemas/openapi.json is out of date with the code; regenerate it with\n  \
             UPDATE_SCHEMA=1 cargo test -p hub-api openapi\nand commit the result"
        );
    }

    #[test]
    fn every_rest_route_is_described() {
        let doc: serde_json::Value = serde_json::from_str(&super::json()).unwrap();
        assert_eq!(doc["openapi"], "3.1.0");
        let router = include_str!("router.rs");
        for line in router.lines().map(str::trim) {
            let Some(rest) = line.strip_prefix(".route(\"") else {
                continue;
            };
            let path = rest.split('"').next().unwrap_or_default();
            if path.starts_with("/api/") || path.starts_with("/federation/") || path.ends_with("z")
            {
                assert!(
                    doc["paths"].get(path).is_some(),
                    "{path} is routed but not in the OpenAPI document"
                );
            }
        }
    }
}
