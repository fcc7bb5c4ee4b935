//! `/countries` and `/countries/{code}`: the country teams, and one country's values of a
//! quarter with their lineage (down to the submission and its raw document), its BOS common
//! services with their cost-benefit analysis, and planned against realized cost avoidance.

use axum::extract::{Path, Query, State};
use axum::response::Response;
use hub_app::submissions::{CommonService, SubmissionFilter, SubmissionParts};
use hub_domain::catalogue::Unit;
use hub_domain::period::Period;
use hub_domain::submission::DocumentType;
use maud::{Markup, html};
use serde::Deserialize;

use super::{app_error, default_year, line_name};
use crate::context::Ctx;
use crate::format;
use crate::host::Host;
use crate::i18n::Tr;
use crate::layout::{PageError, Section, View, empty, fig, fig_cell, fig_with, respond};

/// `GET /countries`.
pub async fn list<H: Host>(State(host): State<H>, ctx: Ctx) -> Response {
    let outcome = async {
        let tr = ctx.tr;
        let countries = host
            .app()
            .countries(false)
            .await
            .map_err(|e| app_error(&ctx, e))?;
        let title = tr.t("countries-title");
        let body = html! {
            h1 { (title) }
            p.lead { (tr.t("countries-lead")) }
            div.table-wrap { table.sortable {
                caption.visually-hidden { (title) }
                thead { tr {
                    th scope="col" { (tr.t("field-country")) }
                    th scope="col" { (tr.t("field-code")) }
                    th scope="col" { (tr.t("field-subregion")) }
                    th scope="col" { (tr.t("field-currency")) }
                    th scope="col" { (tr.t("field-status")) }
                } }
                tbody { @for c in &countries { tr {
                    th scope="row" { a href={ "/countries/" (c.code) } { (c.name) } }
                    td { (c.code) }
                    td { (c.subregion) }
                    td { (c.currency) }
                    td { (tr.t(if c.active { "country-active" } else { "country-inactive" })) }
                } } }
            } }
        };
        Ok(View::new(Section::Countries, title, body))
    }
    .await;
    respond(&ctx, outcome)
}

/// `?period=2026-Q2`.
#[derive(Debug, Deserialize)]
pub struct CountryQuery {
    pub period: Option<String>,
}

/// `GET /countries/{code}`.
pub async fn page<H: Host>(
    State(host): State<H>,
    ctx: Ctx,
    Path(code): Path<String>,
    Query(query): Query<CountryQuery>,
) -> Response {
    let outcome = async {
        let tr = ctx.tr;
        let lang = tr.lang();
        let app = host.app();
        let code = code.to_uppercase();
        let country = app
            .country(&code)
            .await
            .map_err(|e| app_error(&ctx, e))?
            .ok_or(PageError::NotFound)?;
        let reports = app
            .submissions(
                &ctx.caller,
                &SubmissionFilter {
                    country: Some(code.clone()),
                    ..SubmissionFilter::default()
                },
                12,
                SubmissionParts::default(),
            )
            .await
            .map_err(|e| app_error(&ctx, e))?;
        let latest = reports
            .submissions
            .iter()
            .filter(|s| s.submission.document_type == DocumentType::KpiReport)
            .filter_map(|s| s.submission.period)
            .max();
        let period: Option<Period> = match query.period.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
            Some(text) => Some(text.parse().map_err(|e| {
                app_error(&ctx, hub_app::AppError::invalid("period", e))
            })?),
            None => latest,
        };
        let values = match period {
            Some(p) => app
                .country_values(&ctx.caller, &code, &p.to_string())
                .await
                .map_err(|e| app_error(&ctx, e))?,
            None => Vec::new(),
        };
        let kpis = app.kpis().await.map_err(|e| app_error(&ctx, e))?;
        let services = app
            .country_common_services(&ctx.caller, &code)
            .await
            .map_err(|e| app_error(&ctx, e))?;
        let year = default_year();
        let dashboard = app
            .dashboard(&ctx.caller, year, None, None, None)
            .await
            .map_err(|e| app_error(&ctx, e))?;
        let figures = dashboard.by_country.iter().find(|c| c.country == code);
        let title = format!("{} ({})", country.name, country.code);
        let body = html! {
            p { a href="/countries" { "← " (tr.t("countries-title")) } }
            h1 { (title) }
            dl.facts {
                dt { (tr.t("field-subregion")) } dd { (country.subregion) }
                dt { (tr.t("field-currency")) } dd { (country.currency) }
            }
            section.panel {
                h2 { (tr.t_with("country-planned-vs-realized", &[("year", year.to_string())])) }
                @match figures {
                    Some(f) => {
                        div.cards {
                            div.card { span.label { (tr.t("card-cost-avoidance")) } span.value { (fig(lang, f.cost_avoidance_usd, Unit::Usd)) } }
                            div.card { span.label { (tr.t("card-planned")) } span.value { (fig(lang, f.planned_cost_avoidance_usd, Unit::Usd)) } }
                            div.card { span.label { (tr.t("card-realization")) } span.value { (fig_with(lang, f.realization_rate, format::ratio)) } }
                            div.card { span.label { (tr.t("card-realization-due")) } span.value { (fig_with(lang, f.realization_rate_due, format::ratio)) } }
                            div.card { span.label { (tr.t("card-realization-reported")) } span.value { (fig_with(lang, f.realization_rate_reported, format::ratio)) } }
                            div.card { span.label { (tr.t("field-quarters-reported")) } span.value { (f.quarters_reported) " / " (f.quarters_due) } }
                        }
                        @if f.stale { p { span.status.stale { (tr.t("status-stale")) } " " (tr.t("status-stale-hint")) } }
                    }
                    None => { (empty(&tr.t("country-no-figures"))) }
                }
            }
            section.panel {
                h2 { (tr.t("country-values")) @if let Some(p) = period { " · " (p) } }
                form.filters method="get" action={ "/countries/" (code) } {
                    div.field {
                        label for="period" { (tr.t("field-period")) }
                        input id="period" name="period" type="text" pattern="[0-9]{4}-Q[1-4]" value=(period.map(|p| p.to_string()).unwrap_or_default());
                    }
                    button type="submit" { (tr.t("action-show")) }
                }
                @if values.is_empty() {
                    (empty(&tr.t("country-no-values")))
                } @else {
                    div.table-wrap { table.sortable {
                        caption.visually-hidden { (tr.t("country-values")) }
                        thead { tr {
                            th scope="col" { (tr.t("field-kpi")) }
                            th scope="col" { (tr.t("field-service")) }
                            th.num scope="col" { (tr.t("field-value")) }
                            th.num.hide-narrow scope="col" { (tr.t("field-reported")) }
                            th.hide-narrow scope="col" { (tr.t("field-classification")) }
                            th scope="col" { (tr.t("field-submission")) }
                        } }
                        tbody { @for v in &values {
                            @let kpi = kpis.iter().find(|k| k.code.as_str() == v.value.kpi);
                            @let unit = kpi.map_or(Unit::Count, |k| k.unit);
                            tr {
                                td { a href={ "/kpis/" (v.value.kpi) } { code { (v.value.kpi) } } @if let Some(k) = kpi { " " span.hide-narrow { (k.name_in(lang)) } } }
                                td { (v.value.common_service.as_deref().unwrap_or("–")) @if let Some(l) = v.value.service_line { " " span.muted { (line_name(tr, l)) } } }
                                (fig_cell(lang, v.value.value, unit))
                                td.num.hide-narrow { (format::number(lang, v.value.reported_value, 6)) @if let Some(c) = &v.value.currency { " " (c) } }
                                td.hide-narrow { (tr.t(&format!("class-{}", v.value.classification))) }
                                td { a href={ "/submissions/" (v.value.submission_id) } { "#" (v.value.submission_id) } " r" (v.value.revision) }
                            }
                        } }
                    } }
                }
            }
            (services_panel(tr, &services))
            section.panel {
                h2 { (tr.t("country-submissions")) }
                @if reports.submissions.is_empty() {
                    (empty(&tr.t("submissions-none")))
                } @else {
                    ul.plain { @for s in &reports.submissions {
                        @let s = &s.submission;
                        li {
                            a href={ "/submissions/" (s.id) } { "#" (s.id) } " · " (tr.t(&format!("doc-{}", s.document_type)))
                            @if let Some(p) = s.period { " " (p) } " r" (s.revision) " · " (tr.t(&format!("submission-{}", s.status)))
                        }
                    } }
                }
            }
        };
        Ok(View::new(Section::Countries, title, body))
    }
    .await;
    respond(&ctx, outcome)
}

/// A country's common services with their status and the annual benefit of their CBA (the
/// current BOS on the country page; one BOS on its submission page).
pub fn services_panel(tr: Tr, services: &[CommonService]) -> Markup {
    let lang = tr.lang();
    html! {
        section.panel {
            h2 { (tr.t("country-services")) }
            @if services.is_empty() {
                (empty(&tr.t("country-no-services")))
            } @else {
                div.table-wrap { table.sortable {
                    caption.visually-hidden { (tr.t("country-services")) }
                    thead { tr {
                        th scope="col" { (tr.t("field-code")) }
                        th scope="col" { (tr.t("field-name")) }
                        th scope="col" { (tr.t("field-service-line")) }
                        th scope="col" { (tr.t("field-lead-agency")) }
                        th.hide-narrow scope="col" { (tr.t("field-clients")) }
                        th scope="col" { (tr.t("field-status")) }
                        th.num scope="col" { (tr.t("field-annual-benefit")) }
                    } }
                    tbody { @for s in services { tr {
                        td { code { (s.service_id) } }
                        td { (s.name) }
                        td { (line_name(tr, s.service_line)) }
                        td { (s.lead_agency) }
                        td.hide-narrow { (s.client_agencies.join(", ")) }
                        td { @match s.status { Some(st) => { (tr.t(&format!("service-{st}"))) }, None => { "–" } } }
                        td.num { @match &s.cba { Some(cba) => { (format::number(lang, cba.annual_benefit_monetary, 0)) }, None => { "–" } } }
                    } } }
                } }
            }
        }
    }
}
