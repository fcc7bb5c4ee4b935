//! `/kpis` and `/kpis/{code}`: the catalogue with each KPI's regional figure, and one KPI over
//! time (the regional figure with each country as a thin line), countries compared on it, its
//! aggregation rule, and progress against the countries' targets.

use axum::extract::{Path, Query, State};
use axum::response::Response;
use hub_domain::catalogue::KpiDefinition;
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

/// `?year=2025`.
#[derive(Debug, Deserialize)]
pub struct KpiQuery {
    pub year: Option<String>,
}

fn year_form(tr: Tr, action: &str, year: i32) -> Markup {
    html! {
        form.filters method="get" action=(action) {
            div.field {
                label for="year" { (tr.t("field-year")) }
                select id="year" name="year" {
                    @for y in years() { option value=(y) selected[y == year] { (y) } }
                }
            }
            button type="submit" { (tr.t("action-show")) }
        }
    }
}

/// The aggregation rule of a KPI, in words.
pub fn rule(tr: Tr, kpi: &KpiDefinition) -> String {
    tr.t_with(
        "kpi-rule",
        &[
            ("spatial", tr.t(&format!("agg-spatial-{}", kpi.spatial))),
            ("temporal", tr.t(&format!("agg-temporal-{}", kpi.temporal))),
            ("direction", tr.t(&format!("direction-{}", kpi.direction))),
        ],
    )
}

/// `GET /kpis`.
pub async fn list<H: Host>(
    State(host): State<H>,
    ctx: Ctx,
    Query(query): Query<KpiQuery>,
) -> Response {
    let outcome = async {
        let tr = ctx.tr;
        let lang = tr.lang();
        let year = parse_year("year", query.year.as_deref(), &ctx)?;
        let app = host.app();
        let kpis = app.kpis().await.map_err(|e| app_error(&ctx, e))?;
        let mut rows = Vec::with_capacity(kpis.len());
        for kpi in &kpis {
            let figure = app
                .regional_kpi(&ctx.caller, kpi.code.as_str(), &year.to_string(), None, None)
                .await
                .map_err(|e| app_error(&ctx, e))?;
            rows.push((kpi, figure));
        }
        let title = tr.t("kpis-title");
        let body = html! {
            h1 { (title) }
            p.lead { (tr.t("kpis-lead")) }
            (year_form(tr, "/kpis", year))
            div.table-wrap { table.sortable {
                caption.visually-hidden { (title) }
                thead { tr {
                    th scope="col" { (tr.t("field-code")) }
                    th scope="col" { (tr.t("field-kpi")) }
                    th.hide-narrow scope="col" { (tr.t("field-service-line")) }
                    th.hide-narrow scope="col" { (tr.t("field-unit")) }
                    th.num scope="col" { (tr.t_with("field-regional-year", &[("year", year.to_string())])) }
                    th.num scope="col" { (tr.t("field-reporting")) }
                } }
                tbody { @for (kpi, figure) in &rows { tr {
                    td { a href={ "/kpis/" (kpi.code) "?year=" (year) } { code { (kpi.code) } } }
                    td { (kpi.name_in(lang)) }
                    td.hide-narrow { @match kpi.service_line { Some(l) => { (line_name(tr, l)) }, None => { "–" } } }
                    td.hide-narrow { (tr.t(&format!("unit-{}", kpi.unit))) }
                    (fig_cell(lang, figure.value, kpi.unit))
                    td.num data-sort=(figure.reporting_countries) { (figure.reporting_countries) " / " (figure.expected_countries) }
                } } }
            } }
        };
        Ok(View::new(Section::Kpis, title, body))
    }
    .await;
    respond(&ctx, outcome)
}

/// `GET /kpis/{code}`.
pub async fn page<H: Host>(
    State(host): State<H>,
    ctx: Ctx,
    Path(code): Path<String>,
    Query(query): Query<KpiQuery>,
) -> Response {
    let outcome = build(&host, &ctx, &code, &query).await;
    respond(&ctx, outcome)
}

async fn build<H: Host>(
    host: &H,
    ctx: &Ctx,
    code: &str,
    query: &KpiQuery,
) -> Result<View, PageError> {
    let tr = ctx.tr;
    let lang = tr.lang();
    let app = host.app();
    let year = parse_year("year", query.year.as_deref(), ctx)?;
    let kpi = match app.kpi(code).await {
        Ok(kpi) => kpi,
        Err(hub_app::AppError::NotFound(_)) => return Err(PageError::NotFound),
        Err(e) => return Err(app_error(ctx, e)),
    };
    let figure = app
        .regional_kpi(&ctx.caller, code, &year.to_string(), None, None)
        .await
        .map_err(|e| app_error(ctx, e))?;
    let last = last_ended_quarter().min(Period::quarter(year, 4).unwrap_or(last_ended_quarter()));
    let quarters = quarters_up_to(last, 8);
    let series = app
        .kpi_series(
            &ctx.caller,
            code,
            &quarters[0].to_string(),
            &last.to_string(),
            None,
        )
        .await
        .map_err(|e| app_error(ctx, e))?;
    let unit = kpi.unit;
    let format_unit: charts::Formatter = match unit {
        hub_domain::catalogue::Unit::Usd => format::usd,
        hub_domain::catalogue::Unit::Percent => format::percent,
        _ => |lang, v| format::number(lang, v, 1),
    };
    let mut countries: Vec<String> = series.iter().filter_map(|p| p.country.clone()).collect();
    countries.sort();
    countries.dedup();
    let value_at = |country: Option<&str>, period: &Period| {
        series
            .iter()
            .find(|p| p.period == *period && p.country.as_deref() == country)
            .and_then(|p| p.value)
    };
    let mut lines = vec![Series {
        label: tr.t("series-regional"),
        values: quarters.iter().map(|q| value_at(None, q)).collect(),
        emphasis: true,
    }];
    lines.extend(
        countries
            .iter()
            .map(|c| Series {
                label: c.clone(),
                values: quarters.iter().map(|q| value_at(Some(c), q)).collect(),
                emphasis: false,
            })
            .filter(|s| s.values.iter().any(Option::is_some)),
    );
    let over_time = Chart {
        id: "kpi-over-time".into(),
        title: tr.t_with(
            "chart-kpi-over-time",
            &[("kpi", kpi.name_in(lang).to_owned())],
        ),
        category_label: tr.t("field-quarter"),
        categories: quarters.iter().map(ToString::to_string).collect(),
        series: lines,
        format: format_unit,
    };
    let compared = Chart {
        id: "kpi-by-country".into(),
        title: tr.t_with("chart-kpi-by-country", &[("year", year.to_string())]),
        category_label: tr.t("field-country"),
        categories: figure
            .by_country
            .iter()
            .map(|c| c.country.clone())
            .collect(),
        series: vec![Series {
            label: kpi.name_in(lang).to_owned(),
            values: figure.by_country.iter().map(|c| c.value).collect(),
            emphasis: false,
        }],
        format: format_unit,
    };
    let title = format!("{} · {}", kpi.code, kpi.name_in(lang));
    let body = html! {
        p { a href="/kpis" { "← " (tr.t("kpis-title")) } }
        h1 { (title) }
        p.lead { (kpi.description) }
        (year_form(tr, &format!("/kpis/{}", kpi.code), year))
        dl.facts {
            dt { (tr.t("field-unit")) } dd { (tr.t(&format!("unit-{}", unit))) }
            dt { (tr.t("field-rule")) } dd { (rule(tr, &kpi)) }
            dt { (tr.t_with("field-regional-year", &[("year", year.to_string())])) } dd { (fig(lang, figure.value, unit)) }
            dt { (tr.t("field-reporting")) } dd { (figure.reporting_countries) " / " (figure.expected_countries) }
            dt { (tr.t("card-completeness")) } dd { (fig_with(lang, figure.completeness, format::ratio)) }
        }
        div.grid-2 {
            section.panel { (charts::lines(&over_time, tr)) }
            section.panel { (charts::ranked(&compared, tr)) }
        }
        section.panel {
            h2 { (tr.t("kpi-progress")) }
            @if figure.by_country.is_empty() {
                (empty(&tr.t("chart-no-data")))
            } @else {
                div.table-wrap { table.sortable {
                    caption.visually-hidden { (tr.t("kpi-progress")) }
                    thead { tr {
                        th scope="col" { (tr.t("field-country")) }
                        th.num scope="col" { (tr.t("field-value")) }
                        th.num scope="col" { (tr.t("field-baseline")) }
                        th.num scope="col" { (tr.t("field-target")) }
                        th.num scope="col" { (tr.t("field-progress")) }
                        th scope="col" { (tr.t("field-rating")) }
                    } }
                    tbody { @for c in &figure.by_country { tr {
                        th scope="row" { a href={ "/countries/" (c.country) } { (c.country) } }
                        (fig_cell(lang, c.value, unit))
                        (fig_cell(lang, c.baseline, unit))
                        (fig_cell(lang, c.target, unit))
                        td.num data-sort=(c.progress.map(|v| v.to_string()).unwrap_or_default()) { (fig_with(lang, c.progress, format::ratio)) }
                        td { @match c.rating { Some(r) => { (tr.t(&format!("rating-{r}"))) }, None => { "–" } } }
                    } } }
                } }
            }
        }
    };
    Ok(View::new(Section::Kpis, title, body))
}
