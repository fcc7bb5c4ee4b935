//! Downloads: `GET /api/v1/exports/{values,regional,bos,workplans/{id}}` (DESIGN §13) and
//! `GET /api/v1/templates/{kpi-report,bos}` (§14). The handlers read the query, pick the
//! language (`lang`, else `Accept-Language`), call hub-app and stream what it writes as an
//! attachment.

use std::collections::HashMap;

use axum::Extension;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use hub_app::exports::templates::{TemplateKind, TemplateRequest};
use hub_app::exports::{Download, ExportFilters, ExportKind, ExportRequest};
use hub_domain::i18n::Lang;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::state::AppState;

type Params = HashMap<String, String>;

/// The language of a download: `lang` when given (refused when it is not `en` or `es`), else
/// the first of `Accept-Language` the hub speaks, else English.
pub fn language(params: &Params, headers: &HeaderMap) -> Result<Lang, ApiError> {
    match params
        .get("lang")
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
    {
        Some(text) => Lang::parse_loose(text)
            .ok_or_else(|| ApiError::invalid("lang", format!("{text:?} is not en or es"))),
        None => Ok(headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .map_or(Lang::En, Lang::from_accept_language)),
    }
}

fn text(params: &Params, name: &str) -> Option<String> {
    params
        .get(name)
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

fn number(params: &Params, name: &str) -> Result<Option<i32>, ApiError> {
    text(params, name)
        .map(|v| {
            v.parse::<i32>()
                .map_err(|_| ApiError::invalid(name, format!("{v:?} is not a whole number")))
        })
        .transpose()
}

/// The filters of an export, from its query string.
pub fn filters(params: &Params) -> Result<ExportFilters, ApiError> {
    Ok(ExportFilters {
        from: text(params, "from"),
        to: text(params, "to"),
        kpi: text(params, "kpi"),
        country: text(params, "country"),
        as_of: text(params, "asOf"),
        year: number(params, "year")?,
        quarter: number(params, "quarter")?,
    })
}

/// `Content-Disposition: attachment` with the file name (ASCII, as the hub names its files).
fn attachment(filename: &str) -> Result<HeaderValue, ApiError> {
    let safe: String = filename
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    HeaderValue::from_str(&format!("attachment; filename=\"{safe}\""))
        .map_err(|e| ApiError::Internal(e.to_string()))
}

/// Streams a download: its chunks as they are written; a failure half-way ends the body with
/// an error, so the client sees a broken transfer rather than a short file.
fn streamed(download: Download) -> Result<Response, ApiError> {
    let disposition = attachment(&download.filename)?;
    let stream = futures::stream::unfold(download.body, |mut body| async move {
        body.next_chunk().await.map(|chunk| {
            (
                chunk.map_err(|e| std::io::Error::other(e.to_string())),
                body,
            )
        })
    });
    Ok((
        StatusCode::OK,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(download.content_type),
            ),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        Body::from_stream(stream),
    )
        .into_response())
}

async fn export(
    state: &AppState,
    caller: &Caller,
    kind: ExportKind,
    params: &Params,
    headers: &HeaderMap,
) -> Result<Response, ApiError> {
    let request = ExportRequest {
        kind,
        format: text(params, "format"),
        accept: headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        lang: language(params, headers)?,
        filters: filters(params)?,
    };
    let download = state.app().export(caller, request).await?;
    state.metrics().count("hub_exports_total", kind_label(kind));
    streamed(download)
}

fn kind_label(kind: ExportKind) -> &'static str {
    match kind {
        ExportKind::Values => "values",
        ExportKind::Regional => "regional",
        ExportKind::Bos => "bos",
        ExportKind::WorkPlan(_) => "workplan",
    }
}

/// `GET /api/v1/exports/values?from=&to=&kpi=&country=&asOf=&format=&lang=`.
pub async fn values(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(params): Query<Params>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    export(&state, &caller, ExportKind::Values, &params, &headers).await
}

/// `GET /api/v1/exports/regional?year=&quarter=&asOf=&format=&lang=`.
pub async fn regional(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(params): Query<Params>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    export(&state, &caller, ExportKind::Regional, &params, &headers).await
}

/// `GET /api/v1/exports/bos?country=&format=&lang=`.
pub async fn bos(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(params): Query<Params>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    export(&state, &caller, ExportKind::Bos, &params, &headers).await
}

/// `GET /api/v1/exports/workplans/{id}?format=&lang=`.
pub async fn workplan(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    Query(params): Query<Params>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let id = id
        .parse::<i64>()
        .map_err(|_| ApiError::NotFound(format!("no work plan {id:?}")))?;
    export(&state, &caller, ExportKind::WorkPlan(id), &params, &headers).await
}

async fn template(
    state: &AppState,
    caller: &Caller,
    kind: TemplateKind,
    params: &Params,
    headers: &HeaderMap,
) -> Result<Response, ApiError> {
    let country = text(params, "country")
        .ok_or_else(|| ApiError::invalid("country", "name the country team, e.g. country=COL"))?;
    let file = state
        .app()
        .template(
            caller,
            TemplateRequest {
                kind,
                country,
                lang: language(params, headers)?,
            },
        )
        .await?;
    Ok((
        StatusCode::OK,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(file.content_type),
            ),
            (header::CONTENT_DISPOSITION, attachment(&file.filename)?),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        file.bytes,
    )
        .into_response())
}

/// `GET /api/v1/templates/kpi-report?country=&period=&lang=`.
pub async fn kpi_report_template(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(params): Query<Params>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let period = text(&params, "period")
        .ok_or_else(|| ApiError::invalid("period", "name the quarter, e.g. period=2026-Q2"))?;
    template(
        &state,
        &caller,
        TemplateKind::KpiReport { period },
        &params,
        &headers,
    )
    .await
}

/// `GET /api/v1/templates/bos?country=&lang=`.
pub async fn bos_template(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(params): Query<Params>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    template(&state, &caller, TemplateKind::Bos, &params, &headers).await
}
