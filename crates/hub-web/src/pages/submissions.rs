//! `/submissions` and `/submissions/{id}`: the documents the hub received, each with its
//! receipt — accepted values, rejected values and warnings, every problem explained in the
//! reader's language with its JSON pointer and, for workbooks, its cell. A country officer can
//! send a filled template (or a JSON document) from here, or check it first without storing.

use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use hub_app::AppError;
use hub_app::submissions::{
    Content, Options, Problem, Receipt, SubmissionDetails, SubmissionFilter, SubmissionParts,
    SubmitRequest,
};
use hub_domain::access::Action;
use hub_domain::i18n::Lang;
use hub_domain::submission::DocumentType;
use maud::{Markup, html};
use serde::Deserialize;

use super::app_error;
use crate::context::Ctx;
use crate::format;
use crate::host::Host;
use crate::i18n::Tr;
use crate::layout::{PageError, Section, View, empty, fig_with, notice, respond};

/// `?country=COL&period=2026-Q2&type=kpi-report`.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    pub country: Option<String>,
    pub period: Option<String>,
}

/// One problem of a receipt: its code explained in the reader's language, the hub's own
/// message, and where it is (the JSON pointer, the cell of a workbook).
pub fn problem_row(tr: Tr, problem: &Problem) -> Markup {
    let key = format!("problem-{}", problem.code);
    html! {
        tr {
            td { code { (problem.code) } }
            td {
                @if tr.has(&key) { strong { (tr.t(&key)) } br; }
                span.muted { (message(tr, problem)) }
            }
            td { code { (if problem.pointer.is_empty() { "/" } else { problem.pointer.as_str() }) } }
            td { (problem.cell.as_deref().unwrap_or("–")) }
        }
    }
}

/// The hub's message in the reader's language, where the hub has it in Spanish.
fn message(tr: Tr, problem: &Problem) -> &str {
    match (tr.lang(), &problem.message_es) {
        (Lang::Es, Some(es)) => es,
        _ => &problem.message,
    }
}

fn problems(tr: Tr, caption_key: &str, list: &[Problem]) -> Markup {
    if list.is_empty() {
        return html! {};
    }
    html! {
        div.table-wrap { table.sortable {
            caption { (tr.t(caption_key)) " (" (list.len()) ")" }
            thead { tr {
                th scope="col" { (tr.t("field-code")) }
                th scope="col" { (tr.t("field-problem")) }
                th scope="col" { (tr.t("field-pointer")) }
                th scope="col" { (tr.t("field-cell")) }
            } }
            tbody { @for p in list { (problem_row(tr, p)) } }
        } }
    }
}

/// A receipt: its status in words and every problem.
pub fn receipt(tr: Tr, receipt: &Receipt) -> Markup {
    let status = receipt.status.as_str();
    let kind = match status {
        "ACCEPTED" => "ok",
        "REJECTED" => "error",
        _ => "warn",
    };
    html! {
        (notice(kind, &tr.t(&format!("receipt-{status}"))))
        dl.facts {
            @if let Some(id) = receipt.id { dt { (tr.t("field-submission")) } dd { a href={ "/submissions/" (id) } { "#" (id) } } }
            @if let Some(c) = &receipt.country { dt { (tr.t("field-country")) } dd { (c) } }
            @if let Some(p) = &receipt.period { dt { (tr.t("field-period")) } dd { (p) } }
            @if let Some(r) = receipt.revision { dt { (tr.t("field-revision")) } dd { (r) } }
            dt { (tr.t("field-accepted-values")) } dd { (receipt.accepted_values) }
            dt { (tr.t("field-rejected-values")) } dd { (receipt.rejected_values.len()) }
            @if receipt.dry_run { dt { (tr.t("field-dry-run")) } dd { (tr.t("receipt-dry-run")) } }
        }
        (problems(tr, "receipt-errors", &receipt.errors))
        (problems(tr, "receipt-rejected", &receipt.rejected_values))
        (problems(tr, "receipt-warnings", &receipt.warnings))
    }
}

fn status_badge(tr: Tr, status: &str) -> Markup {
    html! { span class={ "status " (status) } { (tr.t(&format!("submission-{status}"))) } }
}

/// `GET /submissions`.
pub async fn list<H: Host>(
    State(host): State<H>,
    ctx: Ctx,
    Query(query): Query<ListQuery>,
) -> Response {
    let outcome = list_view(&host, &ctx, &query, None).await;
    respond(&ctx, outcome)
}

async fn list_view<H: Host>(
    host: &H,
    ctx: &Ctx,
    query: &ListQuery,
    sent: Option<(StatusCode, Markup)>,
) -> Result<View, PageError> {
    let tr = ctx.tr;
    let lang = tr.lang();
    let clean = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_uppercase)
    };
    let filter = SubmissionFilter {
        country: clean(&query.country),
        period: clean(&query.period),
        document_type: None,
        before_id: None,
    };
    let page = host
        .app()
        .submissions(&ctx.caller, &filter, 100, SubmissionParts::default())
        .await
        .map_err(|e| app_error(ctx, e))?;
    let title = tr.t("submissions-title");
    let body = html! {
        h1 { (title) }
        p.lead { (tr.t("submissions-lead")) }
        @if let Some((_, receipt)) = &sent {
            section.panel aria-labelledby="receipt-title" {
                h2 id="receipt-title" { (tr.t("receipt-title")) }
                (receipt)
            }
        }
        @if ctx.can(Action::SubmitDocuments) { (upload_form(ctx)) }
        form.filters method="get" action="/submissions" {
            div.field {
                label for="f-country" { (tr.t("field-country")) }
                input id="f-country" name="country" type="text" maxlength="3" value=(filter.country.clone().unwrap_or_default());
            }
            div.field {
                label for="f-period" { (tr.t("field-period")) }
                input id="f-period" name="period" type="text" maxlength="7" placeholder="2026-Q2" value=(filter.period.clone().unwrap_or_default());
            }
            button type="submit" { (tr.t("action-filter")) }
        }
        @if page.submissions.is_empty() {
            (empty(&tr.t("submissions-none")))
        } @else {
            div.table-wrap { table.sortable {
                caption.visually-hidden { (title) }
                thead { tr {
                    th.num scope="col" { "#" }
                    th scope="col" { (tr.t("field-country")) }
                    th scope="col" { (tr.t("field-document")) }
                    th scope="col" { (tr.t("field-period")) }
                    th.num scope="col" { (tr.t("field-revision")) }
                    th scope="col" { (tr.t("field-status")) }
                    th.num scope="col" { (tr.t("field-accepted-values")) }
                    th.num scope="col" { (tr.t("field-rejected-values")) }
                    th.hide-narrow scope="col" { (tr.t("field-received")) }
                } }
                tbody { @for s in &page.submissions {
                    @let s = &s.submission;
                    tr {
                        td.num data-sort=(s.id) { a href={ "/submissions/" (s.id) } { (s.id) } }
                        td { a href={ "/countries/" (s.country) } { (s.country) } }
                        td { (tr.t(&format!("doc-{}", s.document_type))) }
                        td { @if let Some(p) = s.period { (p) } @else if let Some((a, b)) = s.cycle { (a) "–" (b) } }
                        td.num { (s.revision) }
                        td { (status_badge(tr, s.status.as_str())) @if !s.is_current { " " span.muted { (tr.t("submission-superseded")) } } }
                        td.num { (s.accepted_values) }
                        td.num { (s.rejected_values) }
                        td.hide-narrow data-sort=(s.received_at.to_rfc3339()) { (format::moment(lang, s.received_at)) }
                    }
                } }
            } }
            @if page.more { p.muted { (tr.t("submissions-more")) } }
        }
    };
    let mut view = View::new(Section::Submissions, title, body);
    if let Some((status, _)) = sent {
        view.status = status;
    }
    Ok(view)
}

fn upload_form(ctx: &Ctx) -> Markup {
    let tr = ctx.tr;
    html! {
        section.panel {
            h2 { (tr.t("submit-title")) }
            p { (tr.t("submit-lead")) " " a href="/exports#templates" { (tr.t("submit-templates-link")) } }
            form.stack method="post" action="/submissions" enctype="multipart/form-data" {
                input type="hidden" name="csrf" value=(ctx.csrf());
                div.field {
                    label for="document" { (tr.t("field-file")) }
                    input id="document" name="document" type="file" required
                        accept=".xlsx,.json,application/json,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
                }
                div.field {
                    input id="dry_run" name="dry_run" type="checkbox" value="true";
                    label for="dry_run" { " " (tr.t("field-check-only")) }
                }
                div { button type="submit" { (tr.t("action-send")) } }
            }
        }
    }
}

/// `POST /submissions`: a workbook or JSON document sent from the page.
pub async fn upload<H: Host>(State(host): State<H>, ctx: Ctx, mut form: Multipart) -> Response {
    let tr = ctx.tr;
    let mut csrf = String::new();
    let mut dry_run = false;
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        match form.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_owned();
                let file_name = field.file_name().map(str::to_owned);
                match field.bytes().await {
                    Ok(bytes) => match name.as_str() {
                        "csrf" => csrf = String::from_utf8_lossy(&bytes).into_owned(),
                        "dry_run" => dry_run = true,
                        "document" => file = Some((file_name.unwrap_or_default(), bytes.to_vec())),
                        _ => {}
                    },
                    Err(e) => {
                        let err =
                            AppError::invalid("document", format!("the upload broke off: {e}"));
                        return respond(&ctx, Err(app_error(&ctx, err)));
                    }
                }
            }
            Ok(None) => break,
            Err(e) => {
                let err = AppError::invalid("document", format!("the upload is not a form: {e}"));
                return respond(&ctx, Err(app_error(&ctx, err)));
            }
        }
    }
    if let Err(err) = ctx.check_write(&csrf) {
        return respond(&ctx, Err(err));
    }
    let Some((name, body)) = file.filter(|(_, body)| !body.is_empty()) else {
        let err = AppError::invalid("document", tr.t("submit-no-file"));
        return respond(&ctx, Err(app_error(&ctx, err)));
    };
    let content = if body.starts_with(b"PK") || name.to_ascii_lowercase().ends_with(".xlsx") {
        Content::Workbook { name: &name }
    } else {
        Content::Json
    };
    let request = SubmitRequest {
        body: &body,
        content,
        expected: None,
        options: Options {
            dry_run,
            strict: false,
        },
        idempotency_key: None,
    };
    let outcome = match host.app().submit(&ctx.caller, request).await {
        Ok(outcome) => outcome,
        Err(err) => return respond(&ctx, Err(app_error(&ctx, err))),
    };
    let status = StatusCode::from_u16(outcome.status).unwrap_or(StatusCode::OK);
    let shown = (status, receipt(tr, &outcome.receipt));
    let view = list_view(&host, &ctx, &ListQuery::default(), Some(shown)).await;
    respond(&ctx, view)
}

/// `GET /submissions/{id}`.
pub async fn page<H: Host>(State(host): State<H>, ctx: Ctx, Path(id): Path<String>) -> Response {
    let outcome = async {
        let id: i64 = id.parse().map_err(|_| PageError::NotFound)?;
        let details = host
            .app()
            .submission(&ctx.caller, id, SubmissionParts::ALL)
            .await
            .map_err(|e| app_error(&ctx, e))?
            .ok_or(PageError::NotFound)?;
        detail(&ctx, &details)
    }
    .await;
    respond(&ctx, outcome)
}

fn detail(ctx: &Ctx, details: &SubmissionDetails) -> Result<View, PageError> {
    let tr = ctx.tr;
    let lang = tr.lang();
    let s = &details.submission;
    let values = details.values().map_err(|e| app_error(ctx, e))?;
    let document = details.document().map_err(|e| app_error(ctx, e))?;
    let services = details.common_services().map_err(|e| app_error(ctx, e))?;
    let title = tr.t_with("submission-title", &[("id", s.id.to_string())]);
    let body = html! {
        p { a href="/submissions" { "← " (tr.t("submissions-title")) } }
        h1 { (title) }
        dl.facts {
            dt { (tr.t("field-country")) } dd { a href={ "/countries/" (s.country) } { (s.country) } }
            dt { (tr.t("field-document")) } dd { (tr.t(&format!("doc-{}", s.document_type))) }
            @if let Some(p) = s.period { dt { (tr.t("field-period")) } dd { (p) } }
            dt { (tr.t("field-revision")) } dd { (s.revision) }
            dt { (tr.t("field-status")) } dd { (status_badge(tr, s.status.as_str())) }
            dt { (tr.t("field-classification")) } dd { (tr.t(&format!("class-{}", s.classification))) }
            dt { (tr.t("field-source")) } dd { (s.source.name) }
            @if let Some(w) = &s.workbook { dt { (tr.t("field-workbook")) } dd { (w.name) " " code.muted { (w.sha256.get(..12).unwrap_or_default()) } } }
            dt { (tr.t("field-received")) } dd { (format::moment(lang, s.received_at)) }
            @if let Some(next) = s.superseded_by { dt { (tr.t("field-superseded-by")) } dd { a href={ "/submissions/" (next) } { "#" (next) } } }
        }
        @if let Ok(r) = details.receipt() {
            section.panel { h2 { (tr.t("receipt-title")) } (receipt(tr, r)) }
        }
        @if s.document_type == DocumentType::Bos { (super::countries::services_panel(tr, services)) }
        section.panel {
            h2 { (tr.t("submission-values")) }
            @if values.is_empty() {
                (empty(&tr.t("submission-no-values")))
            } @else {
                div.table-wrap { table.sortable {
                    caption.visually-hidden { (tr.t("submission-values")) }
                    thead { tr {
                        th scope="col" { (tr.t("field-kpi")) }
                        th scope="col" { (tr.t("field-service")) }
                        th.num scope="col" { (tr.t("field-reported")) }
                        th.num scope="col" { (tr.t("field-harmonized")) }
                        th.hide-narrow scope="col" { (tr.t("field-pointer")) }
                    } }
                    tbody { @for v in &values {
                        @let v = &v.value;
                        tr {
                            td { a href={ "/kpis/" (v.kpi) } { code { (v.kpi) } } @if v.reported_kpi != v.kpi { " " span.muted { "(" (v.reported_kpi) ")" } } }
                            td { (v.common_service.as_deref().unwrap_or("–")) }
                            td.num data-sort=(v.reported_value) { (fig_with(lang, Some(v.reported_value), |l, x| format::number(l, x, 6))) @if let Some(c) = &v.currency { " " (c) } }
                            td.num data-sort=(v.value.map(|x| x.to_string()).unwrap_or_default()) { (fig_with(lang, v.value, |l, x| format::number(l, x, 2))) }
                            td.hide-narrow { code { (v.pointer) } }
                        }
                    } }
                } }
            }
        }
        section.panel {
            h2 { (tr.t("submission-document")) }
            @match document {
                Some(doc) => {
                    pre tabindex="0" role="region" aria-label=(tr.t("submission-document")) {
                        code { (serde_json::to_string_pretty(doc).unwrap_or_default()) }
                    }
                }
                None => { p.muted { (tr.t("submission-document-hidden")) } }
            }
        }
    };
    Ok(View::new(Section::Submissions, title, body))
}
