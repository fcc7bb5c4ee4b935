//! `/sources` (ADMIN): the federation sources the hub pulls, their health (circuit, failures,
//! last success), and their recent runs with errors.

use axum::extract::State;
use axum::response::Response;
use hub_domain::access::Action;
use maud::html;

use super::app_error;
use crate::context::Ctx;
use crate::format;
use crate::host::Host;
use crate::layout::{PageError, Section, View, empty, respond};

/// `GET /sources`.
pub async fn page<H: Host>(State(host): State<H>, ctx: Ctx) -> Response {
    let outcome = async {
        let tr = ctx.tr;
        let lang = tr.lang();
        if ctx.principal().is_none() {
            return Err(PageError::SignIn);
        }
        if !ctx.can(Action::ManageSources) {
            return Err(app_error(
                &ctx,
                hub_app::AppError::Forbidden(Action::ManageSources.describe().to_owned()),
            ));
        }
        let app = host.app();
        let sources = app.sources(&ctx.caller).await.map_err(|e| app_error(&ctx, e))?;
        let runs = app
            .sync_runs(&ctx.caller, None, None, 30)
            .await
            .map_err(|e| app_error(&ctx, e))?;
        let now = chrono::Utc::now();
        let body = html! {
            h1 { (tr.t("sources-title")) }
            p.lead { (tr.t("sources-lead")) }
            @if sources.is_empty() {
                (empty(&tr.t("sources-none")))
            } @else {
                div.table-wrap { table.sortable {
                    caption.visually-hidden { (tr.t("sources-title")) }
                    thead { tr {
                        th scope="col" { (tr.t("field-name")) }
                        th scope="col" { (tr.t("field-countries")) }
                        th scope="col" { (tr.t("field-health")) }
                        th scope="col" { (tr.t("field-last-success")) }
                        th.num scope="col" { (tr.t("field-failures")) }
                        th scope="col" { (tr.t("field-last-error")) }
                    } }
                    tbody { @for s in &sources {
                        @let open = s.circuit_open_until.is_some_and(|t| t > now);
                        tr {
                            td { (s.name) br; code.muted { (s.url) } }
                            td { (s.countries.join(", ")) }
                            td {
                                @if !s.active { span.status.warn { (tr.t("source-inactive")) } }
                                @else if open { span.status.bad { (tr.t("source-circuit-open")) } }
                                @else if s.last_run_failed { span.status.bad { (tr.t("source-failing")) } }
                                @else { span.status.ok { (tr.t("source-healthy")) } }
                            }
                            td data-sort=(s.last_success_at.map(|t| t.to_rfc3339()).unwrap_or_default()) {
                                @match s.last_success_at { Some(t) => { (format::moment(lang, t)) }, None => { (tr.t("never")) } }
                            }
                            td.num { (s.consecutive_failures) }
                            td { (s.last_error.as_deref().unwrap_or("–")) }
                        }
                    } }
                } }
            }
            h2 { (tr.t("sources-runs")) }
            @if runs.runs.is_empty() {
                (empty(&tr.t("sources-no-runs")))
            } @else {
                div.table-wrap { table.sortable {
                    caption.visually-hidden { (tr.t("sources-runs")) }
                    thead { tr {
                        th scope="col" { (tr.t("field-when")) }
                        th scope="col" { (tr.t("field-source")) }
                        th scope="col" { (tr.t("field-outcome")) }
                        th.num scope="col" { (tr.t("field-accepted")) }
                        th.num scope="col" { (tr.t("field-rejected")) }
                        th scope="col" { (tr.t("field-errors")) }
                    } }
                    tbody { @for r in &runs.runs { tr {
                        td data-sort=(r.started_at.to_rfc3339()) { (format::moment(lang, r.started_at)) }
                        td { (sources.iter().find(|s| s.id == r.source_id).map_or("?", |s| s.name.as_str())) }
                        td { span class={ "status " (if r.outcome.as_str() == "FAILED" { "bad" } else if r.outcome.as_str() == "PARTIAL" { "warn" } else { "ok" }) } { (tr.t(&format!("sync-{}", r.outcome))) } }
                        td.num { (r.accepted) }
                        td.num { (r.rejected) }
                        td {
                            @if let Some(e) = &r.error { (e) }
                            @for e in r.errors.iter().take(5) { div { code { (e.code) } " " (e.message) } }
                        }
                    } } }
                } }
            }
        };
        Ok(View::new(Section::Sources, tr.t("sources-title"), body))
    }
    .await;
    respond(&ctx, outcome)
}
