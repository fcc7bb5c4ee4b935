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
use crate::error::{ApiError, DownloadRefusals, ErrorBody};
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
#[utoipa::path(
    get,
    path = "/api/v1/exports/values",
    tag = "exports",
    description = "Every current harmonized value the caller may see, with its lineage (DESIGN §13).",
    params(
        ("format" = Option<String>, Query, description = "csv, xlsx or json (values also sdmx-csv); else the Accept header; else csv"),
        ("lang" = Option<String>, Query, description = "en or es: headers and labels; else Accept-Language; else en"),
        ("from" = Option<String>, Query, description = "First period, YYYY-Qn or YYYY (default: the first the hub stores)"),
        ("to" = Option<String>, Query, description = "Last period (default: the current quarter)"),
        ("kpi" = Option<String>, Query, description = "KPI codes, comma-separated"),
        ("country" = Option<String>, Query, description = "A country team, e.g. COL"),
        ("asOf" = Option<String>, Query, description = "The values as they stood at this time (RFC 3339)"),
    ),
    responses(
        (status = 200, description = "The export, as an attachment (`Content-Disposition`), streamed", content(("text/csv"), ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), ("application/json"), ("application/vnd.sdmx.data+csv"))),
        DownloadRefusals
    ),
    security((), ("bearer" = []))
)]
pub async fn values(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(params): Query<Params>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    export(&state, &caller, ExportKind::Values, &params, &headers).await
}

/// `GET /api/v1/exports/regional?year=&quarter=&asOf=&format=&lang=`.
#[utoipa::path(
    get,
    path = "/api/v1/exports/regional",
    tag = "exports",
    description = "The regional figures of a year or quarter: XLSX sheets Summary, ByKpi, ByCountry, PlannedVsRealized, Completeness, DataQuality, Notes; CSV and JSON give ByKpi.",
    params(
        ("format" = Option<String>, Query, description = "csv, xlsx or json (values also sdmx-csv); else the Accept header; else csv"),
        ("lang" = Option<String>, Query, description = "en or es: headers and labels; else Accept-Language; else en"),
        ("year" = Option<String>, Query, description = "The year (default: the current one)"),
        ("quarter" = Option<String>, Query, description = "A quarter 1-4 of the year"),
        ("asOf" = Option<String>, Query, description = "The figures as they stood at this time (RFC 3339)"),
    ),
    responses(
        (status = 200, description = "The export, as an attachment (`Content-Disposition`), streamed", content(("text/csv"), ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), ("application/json"))),
        DownloadRefusals
    ),
    security((), ("bearer" = []))
)]
pub async fn regional(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(params): Query<Params>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    export(&state, &caller, ExportKind::Regional, &params, &headers).await
}

/// `GET /api/v1/exports/bos?country=&format=&lang=`.
#[utoipa::path(
    get,
    path = "/api/v1/exports/bos",
    tag = "exports",
    description = "BOS results per country and common service: CBA, priority ratio, planned and realized cost avoidance per year in USD, realization rate.",
    params(
        ("format" = Option<String>, Query, description = "csv, xlsx or json (values also sdmx-csv); else the Accept header; else csv"),
        ("lang" = Option<String>, Query, description = "en or es: headers and labels; else Accept-Language; else en"),
        ("country" = Option<String>, Query, description = "A country team, e.g. COL (default: all)"),
    ),
    responses(
        (status = 200, description = "The export, as an attachment (`Content-Disposition`), streamed", content(("text/csv"), ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), ("application/json"))),
        DownloadRefusals
    ),
    security((), ("bearer" = []))
)]
pub async fn bos(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(params): Query<Params>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    export(&state, &caller, ExportKind::Bos, &params, &headers).await
}

/// `GET /api/v1/exports/workplans/{id}?format=&lang=`.
#[utoipa::path(
    get,
    path = "/api/v1/exports/workplans/{id}",
    tag = "exports",
    description = "A ROMT work plan in the UN INFO Joint Work Plan layout: one row per activity.",
    params(
        ("format" = Option<String>, Query, description = "csv, xlsx or json (values also sdmx-csv); else the Accept header; else csv"),
        ("lang" = Option<String>, Query, description = "en or es: headers and labels; else Accept-Language; else en"),
        ("id" = String, Path, description = "The work plan's id"),
    ),
    responses(
        (status = 200, description = "The export, as an attachment (`Content-Disposition`), streamed", content(("text/csv"), ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), ("application/json"))),
        (status = 404, description = "No such work plan, or one the caller may not see", body = ErrorBody),
        DownloadRefusals
    ),
    security((), ("bearer" = []))
)]
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
#[utoipa::path(
    get,
    path = "/api/v1/templates/kpi-report",
    tag = "templates",
    description = "A quarterly KPI report template for a country team, pre-filled from its current BOS and the catalogue (DESIGN §14).",
    params(
        ("country" = String, Query, description = "The country team, e.g. COL"),
        ("period" = String, Query, description = "The quarter, e.g. 2026-Q2"),
        ("lang" = Option<String>, Query, description = "en or es: instructions and labels; else Accept-Language; else en"),
    ),
    responses(
        (status = 200, description = "The XLSX workbook, as an attachment", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        DownloadRefusals
    ),
    security((), ("bearer" = []))
)]
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
#[utoipa::path(
    get,
    path = "/api/v1/templates/bos",
    tag = "templates",
    description = "A BOS template for a country team, pre-filled from its current BOS (DESIGN §14).",
    params(
        ("country" = String, Query, description = "The country team, e.g. COL"),
        ("lang" = Option<String>, Query, description = "en or es: instructions and labels; else Accept-Language; else en"),
    ),
    responses(
        (status = 200, description = "The XLSX workbook, as an attachment", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        DownloadRefusals
    ),
    security((), ("bearer" = []))
)]
pub async fn bos_template(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(params): Query<Params>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    template(&state, &caller, TemplateKind::Bos, &params, &headers).await
}
