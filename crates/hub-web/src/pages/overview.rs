//! `/`: the regional overview — the dashboard of a year with its charts: cost avoidance by year
//! and service line, planned against realized, who reported for which quarter, stale sources.

use std::collections::BTreeMap;

use axum::extract::{Query, State};
use axum::response::Response;
use hub_app::figures::completeness::CountryCompleteness;
use hub_app::figures::dashboard::RegionalDashboard;
use hub_domain::Decimal;
use hub_domain::catalogue::{ServiceLine, Unit};
use hub_domain::period::Period;
use maud::{Markup, html};
use serde::Deserialize;

use super::{app_error, last_ended_quarter, line_name, parse_year, quarters_up_to, years};
use crate::charts::{self, Chart, Series};
use crate::context::Ctx;
use crate::format;
use crate::host::Host;
use crate::i18n::Tr;
use crate::layout::{PageError, Section, View, empty, fig, fig_cell, fig_with, respond};

/// The overview's query: `?year=2025`.
#[derive(Debug, Deserialize)]
pub struct YearQuery {
    pub year: Option<String>,
}

/// `GET /`.
pub async fn page<H: Host>(
    State(host): State<H>,
    ctx: Ctx,
    Query(query): Query<YearQuery>,
) -> Response {
    let outcome = build(&host, &ctx, &query).await;
    respond(&ctx, outcome)
}

async fn build<H: Host>(host: &H, ctx: &Ctx, query: &YearQuery) -> Result<View, PageError> {
    let tr = ctx.tr;
    let app = host.app();
    let year = parse_year("year", query.year.as_deref(), ctx)?;
    let dashboard = app
        .dashboard(&ctx.caller, year, None, None, None)
        .await
        .map_err(|e| app_error(ctx, e))?;
    let mut by_year = Vec::new();
    for y in (year - 2)..=year {
        let figures = app
            .dashboard(&ctx.caller, y, None, None, None)
            .await
            .map_err(|e| app_error(ctx, e))?;
        by_year.push((y, figures));
    }
    let last = last_ended_quarter().min(Period::quarter(year, 4).unwrap_or(last_ended_quarter()));
    let quarters = quarters_up_to(last, 8);
    let (from, to) = (quarters[0].to_string(), last.to_string());
    let completeness = app
        .completeness(&ctx.caller, &from, &to)
        .await
        .map_err(|e| app_error(ctx, e))?;
    let title = tr.t_with("overview-title", &[("year", year.to_string())]);
    let body = html! {
        h1 { (title) }
        p.lead { (tr.t("overview-lead")) }
        (year_picker(tr, year))
        (cards(tr, &dashboard))
        div.grid-2 {
            section.panel { (charts::bars(&ca_by_year(tr, &by_year), true, tr)) }
            section.panel { (charts::bars(&planned_vs_realized(tr, &dashboard), false, tr)) }
        }
        section.panel {
            h2 { (tr.t("overview-completeness")) }
            p.muted { (tr.t("overview-completeness-hint")) }
            (completeness_grid(tr, &completeness, &quarters, &dashboard))
        }
        section.panel {
            h2 { (tr.t("overview-by-country")) }
            (country_table(tr, &dashboard))
        }
        @if !dashboard.data_quality.is_empty() {
            section.panel {
                h2 { (tr.t("overview-data-quality")) }
                ul.plain {
                    @for flag in &dashboard.data_quality {
                        li { (tr.t_or(&format!("flag-{}", flag.flag), flag.flag.as_str())) ": "
                            data value=(flag.count) { (format::number(tr.lang(), Decimal::from(flag.count), 0)) } }
                    }
                }
            }
        }
    };
    Ok(View::new(Section::Overview, title, body))
}

fn year_picker(tr: Tr, year: i32) -> Markup {
    html! {
        form.filters method="get" action="/" {
            div.field {
                label for="year" { (tr.t("field-year")) }
                select id="year" name="year" {
                    @for y in years() {
                        option value=(y) selected[y == year] { (y) }
                    }
                }
            }
            button type="submit" { (tr.t("action-show")) }
        }
    }
}

fn cards(tr: Tr, d: &RegionalDashboard) -> Markup {
    let lang = tr.lang();
    let card = |label: &str, value: Markup| {
        html! { div.card { span.label { (tr.t(label)) } span.value { (value) } } }
    };
    html! {
        div.cards {
            (card("card-cost-avoidance", fig(lang, d.cost_avoidance_usd, Unit::Usd)))
            (card("card-planned", fig(lang, d.planned_cost_avoidance_usd, Unit::Usd)))
            (card("card-realization", fig_with(lang, d.realization_rate, format::ratio)))
            (card("card-realization-due", fig_with(lang, d.realization_rate_due, format::ratio)))
            (card("card-realization-reported", fig_with(lang, d.realization_rate_reported, format::ratio)))
            (card("card-services", fig(lang, Some(Decimal::from(d.common_services_active)), Unit::Count)))
            (card("card-completeness", fig_with(lang, d.completeness, format::ratio)))
            (card("card-reporting", html! {
                (fig(lang, Some(Decimal::from(d.reporting_countries)), Unit::Count))
                " / "
                (fig(lang, Some(Decimal::from(d.expected_countries)), Unit::Count))
            }))
        }
    }
}

fn ca_by_year(tr: Tr, by_year: &[(i32, std::sync::Arc<RegionalDashboard>)]) -> Chart {
    let lines: Vec<ServiceLine> = ServiceLine::ALL.to_vec();
    let series = lines
        .iter()
        .map(|line| Series {
            label: line_name(tr, *line),
            values: by_year
                .iter()
                .map(|(_, d)| {
                    d.by_service_line
                        .iter()
                        .find(|f| f.service_line == *line)
                        .and_then(|f| f.cost_avoidance_usd)
                })
                .collect(),
            emphasis: false,
        })
        .filter(|s| s.values.iter().any(Option::is_some))
        .collect();
    Chart {
        id: "ca-by-year".into(),
        title: tr.t("chart-ca-by-year"),
        category_label: tr.t("field-year"),
        categories: by_year.iter().map(|(y, _)| y.to_string()).collect(),
        series,
        format: format::usd,
    }
}

fn planned_vs_realized(tr: Tr, d: &RegionalDashboard) -> Chart {
    let rows: Vec<_> = d
        .by_service_line
        .iter()
        .filter(|f| f.cost_avoidance_usd.is_some() || f.planned_cost_avoidance_usd.is_some())
        .collect();
    Chart {
        id: "planned-vs-realized".into(),
        title: tr.t_with("chart-planned-vs-realized", &[("year", d.year.to_string())]),
        category_label: tr.t("field-service-line"),
        categories: rows.iter().map(|f| line_name(tr, f.service_line)).collect(),
        series: vec![
            Series {
                label: tr.t("series-planned"),
                values: rows.iter().map(|f| f.planned_cost_avoidance_usd).collect(),
                emphasis: false,
            },
            Series {
                label: tr.t("series-realized"),
                values: rows.iter().map(|f| f.cost_avoidance_usd).collect(),
                emphasis: false,
            },
        ],
        format: format::usd,
    }
}

/// The country × quarter grid: on time, late or missing, each with a symbol as well as a
/// colour; countries whose source is stale are marked.
pub fn completeness_grid(
    tr: Tr,
    rows: &[CountryCompleteness],
    quarters: &[Period],
    dashboard: &RegionalDashboard,
) -> Markup {
    if rows.is_empty() {
        return empty(&tr.t("empty-completeness"));
    }
    let names: BTreeMap<&str, (&str, bool)> = dashboard
        .by_country
        .iter()
        .map(|c| (c.country.as_str(), (c.name.as_str(), c.stale)))
        .collect();
    let lang = tr.lang();
    html! {
        ul.legend {
            li { span.status.ON_TIME { "✓" } " " (tr.t("status-ON_TIME")) }
            li { span.status.LATE { "!" } " " (tr.t("status-LATE")) }
            li { span.status.MISSING { "✗" } " " (tr.t("status-MISSING")) }
            li { span.status.stale { (tr.t("status-stale")) } " " (tr.t("status-stale-hint")) }
        }
        div.table-wrap {
            table.sortable.grid {
                caption.visually-hidden { (tr.t("overview-completeness")) }
                thead { tr {
                    th scope="col" { (tr.t("field-country")) }
                    @for q in quarters { th scope="col" { (q) } }
                    @for status in ["ON_TIME", "LATE", "MISSING"] {
                        th.num scope="col" {
                            span aria-hidden="true" { (symbol(status)) }
                            span.visually-hidden { (tr.t(&format!("status-{status}"))) }
                        }
                    }
                } }
                tbody {
                    @for row in rows {
                        @let (name, stale) = names.get(row.country.as_str()).copied().unwrap_or((row.country.as_str(), false));
                        tr {
                            th scope="row" data-sort=(name) {
                                a href={ "/countries/" (row.country) } {
                                    span.name { (name) } span.code title=(name) { (row.country) }
                                }
                                @if stale { " " span.status.stale { (tr.t("status-stale")) } }
                            }
                            @for q in quarters {
                                @let cell = row.periods.iter().find(|c| c.period == *q);
                                @let status = cell.and_then(|c| c.status).map_or("MISSING", |s| s.as_str());
                                td class={ "cell " (status) } data-sort=(status) {
                                    span aria-hidden="true" { (symbol(status)) }
                                    span.visually-hidden { (tr.t(&format!("status-{status}"))) }
                                }
                            }
                            td.num { (format::number(lang, Decimal::from(row.on_time), 0)) }
                            td.num { (format::number(lang, Decimal::from(row.late), 0)) }
                            td.num { (format::number(lang, Decimal::from(row.missing), 0)) }
                        }
                    }
                }
            }
        }
    }
}

fn symbol(status: &str) -> &'static str {
    match status {
        "ON_TIME" => "✓",
        "LATE" => "!",
        _ => "✗",
    }
}

fn country_table(tr: Tr, d: &RegionalDashboard) -> Markup {
    let lang = tr.lang();
    if d.by_country.is_empty() {
        return empty(&tr.t("empty-dashboard"));
    }
    html! {
        div.table-wrap {
            table.sortable {
                caption.visually-hidden { (tr.t("overview-by-country")) }
                thead { tr {
                    th scope="col" { (tr.t("field-country")) }
                    th.num scope="col" { (tr.t("field-cost-avoidance")) }
                    th.num scope="col" { (tr.t("field-planned")) }
                    th.num scope="col" { (tr.t("field-realization")) }
                    th.num scope="col" { (tr.t("field-services")) }
                    th.num scope="col" { (tr.t("field-quarters-reported")) }
                } }
                tbody {
                    @for c in &d.by_country {
                        tr {
                            th scope="row" data-sort=(c.name) {
                                a href={ "/countries/" (c.country) } { (c.name) }
                                @if c.stale { " " span.status.stale { (tr.t("status-stale")) } }
                            }
                            (fig_cell(lang, c.cost_avoidance_usd, Unit::Usd))
                            (fig_cell(lang, c.planned_cost_avoidance_usd, Unit::Usd))
                            td.num data-sort=(c.realization_rate.map(|v| v.to_string()).unwrap_or_default()) {
                                (fig_with(lang, c.realization_rate, format::ratio))
                            }
                            td.num { (format::number(lang, Decimal::from(c.common_services_active), 0)) }
                            td.num data-sort=(c.quarters_reported) {
                                (c.quarters_reported) " / " (c.quarters_due)
                            }
                        }
                    }
                }
            }
        }
    }
}
