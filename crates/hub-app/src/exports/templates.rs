//! The workbooks a country OMT fills in (DESIGN §14): a `kpi-report` template for one quarter
//! and a `bos` template, pre-filled with what the caller may see of the country's current BOS,
//! the catalogue, the agencies and the currencies. `hub-export` lays them out.

use hub_domain::codes::CountryCode;
use hub_domain::i18n::Lang;
use hub_domain::period::Period;
use hub_domain::submission::DocumentType;
use hub_export::template::{
    self, BosTemplate, Country, KpiReportTemplate, TemplatePlanned, TemplateService,
    TemplateTarget, Vocabulary,
};
use hub_ingest::workbook::XLSX_CONTENT_TYPE;
use hub_store::reference;
use hub_store::submissions::{self, CommonService, SliceKey, SliceScope, Submission};

use crate::error::{AppError, AppResult};
use crate::figures::dataset::visible;
use crate::{App, Caller};

/// Which template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateKind {
    /// A quarterly KPI report for `period` (`YYYY-Qn`).
    KpiReport { period: String },
    /// A Business Operations Strategy.
    Bos,
}

/// A template asked for.
#[derive(Debug, Clone)]
pub struct TemplateRequest {
    pub kind: TemplateKind,
    pub country: String,
    pub lang: Lang,
}

/// A template, ready to send.
#[derive(Debug, Clone)]
pub struct TemplateFile {
    pub filename: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

/// The link to a template (its path and query under the hub), for GraphQL and the pages.
pub fn template_link(kind: TemplateKind, country: &str, lang: Option<Lang>) -> AppResult<String> {
    let code = CountryCode::parse(country.trim().to_uppercase().as_str())
        .map_err(|e| AppError::invalid("country", e))?;
    let mut query = vec![("country", code.to_string())];
    let path = match kind {
        TemplateKind::KpiReport { period } => {
            let period: Period = period
                .trim()
                .parse()
                .map_err(|e| AppError::invalid("period", e))?;
            query.push(("period", period.to_string()));
            "/api/v1/templates/kpi-report"
        }
        TemplateKind::Bos => "/api/v1/templates/bos",
    };
    if let Some(lang) = lang {
        query.push(("lang", lang.as_str().to_owned()));
    }
    Ok(super::with_query(path, &query))
}

fn template_service(service: &CommonService) -> TemplateService {
    TemplateService {
        id: service.service_id.clone(),
        name: service.name.clone(),
        service_line: service.service_line,
        lead_agency: service.lead_agency.clone(),
        client_agencies: service.client_agencies.clone(),
        modality: service.modality,
        stock_take_action: service.stock_take_action,
        cba: service.cba.as_ref().map(|c| {
            [
                (c.one_time_monetary, c.one_time_labour),
                (c.annual_cost_monetary, c.annual_cost_labour),
                (c.annual_benefit_monetary, c.annual_benefit_labour),
            ]
        }),
    }
}

impl App {
    /// A template for a country (DESIGN §14). Open to every caller: what it pre-fills from the
    /// country's BOS is what the caller may see of it (the country's own officer sees all).
    #[tracing::instrument(skip_all, fields(caller = %caller.label(), request_id = caller.request_id(), country = %request.country))]
    pub async fn template(
        &self,
        caller: &Caller,
        request: TemplateRequest,
    ) -> AppResult<TemplateFile> {
        let code = CountryCode::parse(request.country.trim())
            .map_err(|e| AppError::invalid("country", e))?;
        let Some(team) = self.country(code.as_str()).await? else {
            return Err(AppError::invalid(
                "country",
                format!("{code} is not a country team of the region"),
            ));
        };
        let viewer = caller.viewer();
        let db = self.db();
        let bos = submissions::current_bos(db, code.as_str())
            .await?
            .filter(|b| visible(&viewer, b.classification, &b.country));
        let (services, planned, targets) = match &bos {
            Some(bos) => (
                submissions::services_of(db, &[bos.id]).await?,
                submissions::planned_of(db, &[bos.id], None).await?,
                submissions::targets_of(db, &[bos.id], None).await?,
            ),
            None => (vec![], vec![], vec![]),
        };
        let services: Vec<TemplateService> = services.iter().map(template_service).collect();
        let kpis = self.kpis().await?;
        let agencies: Vec<String> = reference::agencies(db)
            .await?
            .into_iter()
            .map(|a| a.code.to_string())
            .collect();
        let currencies = reference::currencies(db).await?;
        let vocabulary = Vocabulary {
            kpis: &kpis,
            agencies: &agencies,
            currencies: &currencies,
        };
        let currency = team.currency.to_string();
        let country = Country {
            code: code.as_str(),
            name: &team.name,
            currency: &currency,
        };
        let lang = request.lang;
        let (filename, bytes) = match &request.kind {
            TemplateKind::KpiReport { period } => {
                let period: Period = period
                    .trim()
                    .parse()
                    .map_err(|e| AppError::invalid("period", e))?;
                if !period.is_quarter() {
                    return Err(AppError::invalid(
                        "period",
                        format!("{period} is a year; a KPI report is for a quarter like 2026-Q2"),
                    ));
                }
                let key = SliceKey {
                    document_type: DocumentType::KpiReport,
                    country: code.clone(),
                    scope: SliceScope::Period(period),
                };
                let revision = self.next_revision(caller, &key).await?;
                let year = period.calendar_year();
                let targets: Vec<TemplateTarget> = targets
                    .iter()
                    .filter(|t| t.year == year)
                    .map(|t| TemplateTarget {
                        service_id: t.service_id.clone(),
                        kpi: t.kpi.clone(),
                        baseline: t.baseline,
                        year: t.year,
                        target: t.target,
                    })
                    .collect();
                let period_text = period.to_string();
                let bytes = template::kpi_report(&KpiReportTemplate {
                    lang,
                    country,
                    period: &period_text,
                    revision,
                    services: &services,
                    targets: &targets,
                    vocabulary,
                })
                .map_err(AppError::internal)?;
                (
                    format!("romt-kpi-report-{code}-{period}-{lang}.xlsx"),
                    bytes,
                )
            }
            TemplateKind::Bos => {
                let cycle = bos.as_ref().and_then(|b| b.cycle).unwrap_or_else(|| {
                    let year = chrono::Datelike::year(&chrono::Utc::now().date_naive());
                    (year, year + 4)
                });
                let key = SliceKey {
                    document_type: DocumentType::Bos,
                    country: code.clone(),
                    scope: SliceScope::Cycle {
                        start: cycle.0,
                        end: cycle.1,
                    },
                };
                let revision = self.next_revision(caller, &key).await?;
                let planned: Vec<TemplatePlanned> = planned
                    .iter()
                    .map(|p| TemplatePlanned {
                        service_id: p.service_id.clone(),
                        year: p.year,
                        amount: p.amount,
                    })
                    .collect();
                let targets: Vec<TemplateTarget> = targets
                    .iter()
                    .map(|t| TemplateTarget {
                        service_id: t.service_id.clone(),
                        kpi: t.kpi.clone(),
                        baseline: t.baseline,
                        year: t.year,
                        target: t.target,
                    })
                    .collect();
                let bos_currency = bos
                    .as_ref()
                    .and_then(|b| b.currency.clone())
                    .unwrap_or(currency.clone());
                let bytes = template::bos(&BosTemplate {
                    lang,
                    country: Country {
                        currency: &bos_currency,
                        ..country
                    },
                    revision,
                    cycle,
                    services: &services,
                    planned: &planned,
                    targets: &targets,
                    vocabulary,
                })
                .map_err(AppError::internal)?;
                (
                    format!("romt-bos-{code}-{}-{}-{lang}.xlsx", cycle.0, cycle.1),
                    bytes,
                )
            }
        };
        Ok(TemplateFile {
            filename,
            content_type: XLSX_CONTENT_TYPE,
            bytes,
        })
    }

    /// The revision a new document of `key` should carry: one above the current one when the
    /// caller may see it, else 1 (what exists is not revealed; the hub names the conflict when
    /// the document arrives).
    async fn next_revision(&self, caller: &Caller, key: &SliceKey) -> AppResult<i32> {
        let state = submissions::slice_state(self.db(), key, false).await?;
        let Some(id) = state.current_submission_id else {
            return Ok(1);
        };
        let viewer = caller.viewer();
        let current: Option<Submission> = submissions::get(self.db(), id).await?;
        Ok(match current {
            Some(s) if visible(&viewer, s.classification, &s.country) => s.revision + 1,
            _ => 1,
        })
    }
}
