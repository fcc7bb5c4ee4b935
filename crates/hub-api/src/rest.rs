//! REST endpoints: `POST /api/v1/submissions` and `GET /federation/v1/feed`; downloads are in
//! [`crate::exports`].

use axum::Extension;
use axum::Json;
use axum::extract::{Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use hub_app::sources::{FEED_DEFAULT_LIMIT, FEED_MAX_LIMIT};
use hub_app::submissions::{Content, Options, Receipt, SubmitRequest, XLSX_CONTENT_TYPE};
use std::collections::HashMap;

use crate::auth::Caller;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// `GET /federation/v1/feed?since=CURSOR&limit=N`: the hub's accepted documents, oldest first,
/// that the caller may see whole, as a `country-feed`; `ETag` and `If-None-Match` give 304.
#[utoipa::path(
    get,
    path = "/federation/v1/feed",
    tag = "federation",
    description = "The hub's accepted documents, oldest first, that the caller may see whole, as a country-feed document (schemas/country-feed.v1.schema.json).",
    params(
        ("since" = Option<String>, Query, description = "The cursor a previous page returned (`nextCursor`)"),
        ("limit" = Option<String>, Query, description = "Documents per page, 1 to the maximum (default 50)"),
        ("If-None-Match" = Option<String>, Header, description = "The ETag of a page already held: 304 when unchanged"),
    ),
    responses(
        (status = 200, description = "A page of the feed (country-feed JSON), with an ETag", content_type = "application/json"),
        (status = 304, description = "Unchanged since the given ETag"),
        (status = 401, description = "A bad or revoked token", body = ErrorBody),
        (status = 422, description = "A malformed cursor or limit", body = ErrorBody),
        (status = 429, description = "Too many requests", body = ErrorBody)
    ),
    security((), ("bearer" = []))
)]
pub async fn feed(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(params): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let since = params
        .get("since")
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<i64>()
                .map_err(|_| ApiError::invalid("since", "not a cursor this feed returned"))
        })
        .transpose()?;
    let limit = match params.get("limit") {
        None => FEED_DEFAULT_LIMIT,
        Some(text) => text
            .parse::<u64>()
            .ok()
            .filter(|n| (1..=FEED_MAX_LIMIT).contains(n))
            .ok_or_else(|| ApiError::invalid("limit", format!("from 1 to {FEED_MAX_LIMIT}")))?,
    };
    let (page, etag) = state.app().hub_feed(&caller, since, limit).await?;
    let etag_value = HeaderValue::from_str(&etag).map_err(|e| ApiError::Internal(e.to_string()))?;
    if headers
        .get(axum::http::header::IF_NONE_MATCH)
        .is_some_and(|v| v.as_bytes() == etag.as_bytes())
    {
        return Ok((
            StatusCode::NOT_MODIFIED,
            [(axum::http::header::ETAG, etag_value)],
        )
            .into_response());
    }
    let mut response = Json(page).into_response();
    response
        .headers_mut()
        .insert(axum::http::header::ETAG, etag_value);
    Ok(response)
}

/// Header naming an idempotency key.
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";

fn flag(params: &HashMap<String, String>, name: &str) -> Result<bool, ApiError> {
    match params.get(name).map(|v| v.to_ascii_lowercase()) {
        None => Ok(false),
        Some(v) if v == "true" || v == "1" => Ok(true),
        Some(v) if v == "false" || v == "0" => Ok(false),
        Some(v) => Err(ApiError::invalid(
            name,
            format!("{v:?} is not true or false"),
        )),
    }
}

/// The file name of a workbook: `?filename=`, else the `filename` of `Content-Disposition`, else
/// `workbook.xlsx`; only its last path segment is kept.
fn workbook_name(params: &HashMap<String, String>, headers: &HeaderMap) -> String {
    let from_header = || {
        let value = headers
            .get(axum::http::header::CONTENT_DISPOSITION)?
            .to_str()
            .ok()?;
        value.split(';').find_map(|part| {
            let (key, name) = part.trim().split_once('=')?;
            (key.trim().eq_ignore_ascii_case("filename"))
                .then(|| name.trim().trim_matches('"').to_owned())
        })
    };
    let name = params
        .get("filename")
        .cloned()
        .or_else(from_header)
        .unwrap_or_default();
    let name = name.rsplit(['/', '\\']).next().unwrap_or("").trim();
    let name: String = name.chars().filter(|c| !c.is_control()).take(200).collect();
    if name.is_empty() {
        "workbook.xlsx".to_owned()
    } else {
        name
    }
}

/// `POST /api/v1/submissions`: a `kpi-report` or `bos` document as the body, in JSON or as an
/// XLSX workbook laid out as the templates are (DESIGN §14). 201 stored, 200 duplicate, replay or
/// dry run, 422 rejected (with the receipt), 409 revision clash, 401/403, 413, 415, 429.
#[utoipa::path(
    post,
    path = "/api/v1/submissions",
    tag = "submissions",
    description = "Submits a kpi-report or bos document (JSON, or an XLSX workbook made from a template). The receipt lists every problem with its JSON pointer and, for a workbook, its cell.",
    params(
        ("dryRun" = Option<bool>, Query, description = "Check everything, store nothing"),
        ("strict" = Option<bool>, Query, description = "Reject the whole document if any value is rejected"),
        ("filename" = Option<String>, Query, description = "The workbook's file name, kept in lineage (else Content-Disposition, else workbook.xlsx)"),
        ("Idempotency-Key" = Option<String>, Header, description = "Applies a retried request once; a replay answers the first receipt"),
    ),
    request_body(
        description = "The document",
        content(
            ("application/json"),
            ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        )
    ),
    responses(
        (status = 201, description = "Stored", body = Receipt),
        (status = 200, description = "A duplicate, a replay or a dry run", body = Receipt),
        (status = 422, description = "Rejected, with the receipt (or a bad parameter)", body = Receipt),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "The token may not submit for this country", body = ErrorBody),
        (status = 409, description = "The revision clashes with a stored one, or the key is in flight", body = Receipt),
        (status = 413, description = "The body exceeds HUB_MAX_BODY_BYTES", body = ErrorBody),
        (status = 415, description = "Neither JSON nor an XLSX workbook", body = ErrorBody),
        (status = 429, description = "Too many requests", body = ErrorBody)
    ),
    security(("bearer" = []))
)]
pub async fn submit(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(params): Query<HashMap<String, String>>,
    headers: HeaderMap,
    request: Request,
) -> Result<Response, ApiError> {
    state.app().may_submit(&caller)?;
    let options = Options {
        dry_run: flag(&params, "dryRun")?,
        strict: flag(&params, "strict")?,
    };
    let key = match headers.get(IDEMPOTENCY_KEY) {
        Some(value) => Some(
            value
                .to_str()
                .map_err(|_| ApiError::invalid("Idempotency-Key", "must be visible ASCII text"))?,
        ),
        None => None,
    };
    let limit = state.config().max_body_bytes;
    let workbook = crate::body::content_type(&request) == XLSX_CONTENT_TYPE;
    let name = workbook.then(|| workbook_name(&params, &headers));
    let body = if workbook {
        crate::body::read_limited(request, limit).await?
    } else {
        crate::body::read_json(request, limit).await?
    };
    let content = match &name {
        Some(name) => Content::Workbook { name },
        None => Content::Json,
    };
    let outcome = state
        .app()
        .submit(
            &caller,
            SubmitRequest {
                body: &body,
                content,
                expected: None,
                options,
                idempotency_key: key,
            },
        )
        .await?;
    state
        .metrics()
        .count("hub_submissions_total", outcome.receipt.status.as_str());
    let status = StatusCode::from_u16(outcome.status).unwrap_or(StatusCode::OK);
    let replayed = outcome.receipt.replayed;
    let mut response = (status, Json(outcome.receipt)).into_response();
    if replayed {
        response
            .headers_mut()
            .insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    Ok(response)
}
