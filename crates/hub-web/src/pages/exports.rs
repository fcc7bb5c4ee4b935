//! `/exports`: downloads (values, regional figures, BOS results, work plans in the UN INFO
//! layout) in every format each offers, and the spreadsheet templates a country OMT fills.
//! The links go to the REST exports, which read the signed-in session on GET, so a download
//! holds what the viewer may see.

use axum::extract::State;
use axum::response::Response;
use hub_app::exports::templates::{TemplateKind, template_link};
use hub_app::exports::{ExportFilters, ExportKind, export_link};
use hub_app::governance::workplans::PlanParts;
use maud::{Markup, html};

use super::{app_error, default_year, last_ended_quarter, quarters_up_to};
use crate::context::Ctx;
use crate::host::Host;
use crate::i18n::Tr;
use crate::layout::{Section, View, respond};

fn links(tr: Tr, kind: ExportKind, filters: &ExportFilters) -> Markup {
    html! {
        ul.legend {
            @for format in kind.formats() {
                @if let Ok(href) = export_link(kind, Some(*format), Some(tr.lang()), filters) {
                    li { a href=(href) download { (tr.t(&format!("format-{}", format.as_str()))) } }
                }
            }
        }
    }
}

/// `GET /exports`.
pub async fn page<H: Host>(State(host): State<H>, ctx: Ctx) -> Response {
    let outcome = async {
        let tr = ctx.tr;
        let app = host.app();
        let countries = app.countries(true).await.map_err(|e| app_error(&ctx, e))?;
        let plans = app
            .work_plans(&ctx.caller, None, PlanParts::default())
            .await
            .map_err(|e| app_error(&ctx, e))?;
        let quarters = quarters_up_to(last_ended_quarter(), 8);
        let recent = ExportFilters {
            from: Some(quarters[0].to_string()),
            to: quarters.last().map(ToString::to_string),
            ..ExportFilters::default()
        };
        let year = default_year();
        let next_quarter = last_ended_quarter().next().to_string();
        let example = template_link(
            TemplateKind::KpiReport { period: next_quarter.clone() },
            countries.first().map_or("COL", |c| c.code.as_str()),
            Some(tr.lang()),
        )
        .ok();
        let title = tr.t("exports-title");
        let body = html! {
            h1 { (title) }
            p.lead { (tr.t("exports-lead")) }
            @if ctx.principal().is_none() { p.notice { (tr.t("exports-anonymous")) } }
            div.grid-2 {
                section.panel {
                    h2 { (tr.t("export-values")) }
                    p { (tr.t_with("export-values-hint", &[("from", quarters[0].to_string()), ("to", last_ended_quarter().to_string())])) }
                    (links(tr, ExportKind::Values, &recent))
                }
                section.panel {
                    h2 { (tr.t("export-regional")) }
                    @for y in [year, year - 1] {
                        h3 { (y) }
                        (links(tr, ExportKind::Regional, &ExportFilters { year: Some(y), ..ExportFilters::default() }))
                    }
                }
                section.panel {
                    h2 { (tr.t("export-bos")) }
                    p { (tr.t("export-bos-hint")) }
                    (links(tr, ExportKind::Bos, &ExportFilters::default()))
                }
                section.panel {
                    h2 { (tr.t("export-workplans")) }
                    p { (tr.t("export-workplans-hint")) }
                    @if plans.is_empty() { p.empty { (tr.t("workplans-none-anonymous")) } }
                    @for p in &plans {
                        h3 { (p.plan.title) }
                        (links(tr, ExportKind::WorkPlan(p.plan.id), &ExportFilters::default()))
                    }
                }
            }
            section.panel id="templates" {
                h2 { (tr.t("templates-title")) }
                p { (tr.t("templates-lead")) }
                div.grid-2 {
                    form.stack method="get" action="/api/v1/templates/kpi-report" {
                        h3 { (tr.t("template-kpi-report")) }
                        (country_select(tr, "t-country", &countries))
                        div.field {
                            label for="t-period" { (tr.t("field-period")) }
                            input id="t-period" name="period" type="text" required pattern="[0-9]{4}-Q[1-4]" value=(next_quarter) aria-describedby="t-period-hint";
                            p.hint id="t-period-hint" { (tr.t("template-period-hint")) }
                        }
                        (lang_select(tr, "t-lang"))
                        div { button type="submit" { (tr.t("action-download-template")) } }
                    }
                    form.stack method="get" action="/api/v1/templates/bos" {
                        h3 { (tr.t("template-bos")) }
                        (country_select(tr, "b-country", &countries))
                        (lang_select(tr, "b-lang"))
                        div { button type="submit" { (tr.t("action-download-template")) } }
                    }
                }
                @if let Some(href) = example { p.muted { (tr.t("templates-link-hint")) " " code { (href) } } }
                p { (tr.t("templates-send-back")) " " a href="/submissions" { (tr.t("nav-submissions")) } }
            }
        };
        Ok(View::new(Section::Exports, title, body))
    }
    .await;
    respond(&ctx, outcome)
}

fn country_select(tr: Tr, id: &str, countries: &[hub_app::reference::CountryTeam]) -> Markup {
    html! {
        div.field {
            label for=(id) { (tr.t("field-country")) }
            select id=(id) name="country" {
                @for c in countries { option value=(c.code) { (c.name) " (" (c.code) ")" } }
            }
        }
    }
}

fn lang_select(tr: Tr, id: &str) -> Markup {
    html! {
        div.field {
            label for=(id) { (tr.t("field-language")) }
            select id=(id) name="lang" {
                option value="en" selected[tr.lang() == hub_domain::i18n::Lang::En] { "English" }
                option value="es" selected[tr.lang() == hub_domain::i18n::Lang::Es] { "Español" }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use hub_app::exports::ExportFormat;

    use super::*;

    #[test]
    fn every_export_format_has_a_label() {
        for format in ExportFormat::ALL {
            for lang in hub_domain::i18n::Lang::ALL {
                assert!(Tr(*lang).has(&format!("format-{}", format.as_str())));
            }
        }
    }
}
