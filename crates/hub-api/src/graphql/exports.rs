//! `exportUrl` and `templateUrl`: the download link of an export (DESIGN §13) or a template
//! (§14), so the pages and scripts reach the one REST download. The link is a path under the
//! hub (`/api/v1/exports/...?...`); it carries no token: the download asks for one as every
//! API call does.

use async_graphql::{Enum, ID, InputObject, Object};
use hub_app::exports::templates::{TemplateKind, template_link};
use hub_app::exports::{ExportFilters, ExportFormat, ExportKind};
use hub_domain::i18n::Lang;

use crate::error::{ApiError, GqlResult};

/// What to export.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(name = "ExportKind")]
pub enum ExportKindView {
    /// Every current harmonized value with its lineage.
    Values,
    /// The regional figures of a year or quarter.
    Regional,
    /// BOS results per country and common service.
    Bos,
    /// A work plan in the UN INFO Joint Work Plan layout (`filters.workPlanId`).
    WorkPlan,
}

/// The file format of an export.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(name = "ExportFormat")]
pub enum ExportFormatView {
    Csv,
    Xlsx,
    Json,
    /// SDMX-CSV 2.0 (values only).
    SdmxCsv,
}

impl From<ExportFormatView> for ExportFormat {
    fn from(f: ExportFormatView) -> Self {
        match f {
            ExportFormatView::Csv => ExportFormat::Csv,
            ExportFormatView::Xlsx => ExportFormat::Xlsx,
            ExportFormatView::Json => ExportFormat::Json,
            ExportFormatView::SdmxCsv => ExportFormat::SdmxCsv,
        }
    }
}

/// A language of the hub's texts.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(name = "Language")]
pub enum LanguageView {
    En,
    Es,
}

impl From<LanguageView> for Lang {
    fn from(l: LanguageView) -> Self {
        match l {
            LanguageView::En => Lang::En,
            LanguageView::Es => Lang::Es,
        }
    }
}

/// The filters of an export; each applies to the exports that name it.
#[derive(InputObject, Debug, Default)]
#[graphql(name = "ExportFilters")]
pub struct ExportFiltersInput {
    /// First period, `YYYY-Qn` or `YYYY` (values).
    pub from: Option<String>,
    /// Last period (values).
    pub to: Option<String>,
    /// KPI codes, comma-separated (values).
    pub kpi: Option<String>,
    /// A country team (values, BOS).
    pub country: Option<String>,
    /// The figures as they stood at a time, RFC 3339 (values, regional).
    pub as_of: Option<String>,
    /// Year (regional).
    pub year: Option<i32>,
    /// Quarter 1–4 (regional).
    pub quarter: Option<i32>,
    /// The work plan (WORK_PLAN).
    pub work_plan_id: Option<ID>,
}

/// A template kind.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(name = "TemplateKind")]
pub enum TemplateKindView {
    /// A quarterly KPI report (needs `period`).
    KpiReport,
    /// A Business Operations Strategy.
    Bos,
}

#[derive(Default, Debug)]
pub struct ExportQuery;

#[Object]
impl ExportQuery {
    /// The download link of an export: a path under the hub, e.g.
    /// `/api/v1/exports/regional?format=xlsx&year=2025&lang=es`. Refused when the export is not
    /// offered in `format` (SDMX-CSV is for values).
    async fn export_url(
        &self,
        kind: ExportKindView,
        format: Option<ExportFormatView>,
        lang: Option<LanguageView>,
        filters: Option<ExportFiltersInput>,
    ) -> GqlResult<String> {
        let filters = filters.unwrap_or_default();
        let kind = match kind {
            ExportKindView::Values => ExportKind::Values,
            ExportKindView::Regional => ExportKind::Regional,
            ExportKindView::Bos => ExportKind::Bos,
            ExportKindView::WorkPlan => {
                let id = filters
                    .work_plan_id
                    .as_ref()
                    .ok_or_else(|| {
                        ApiError::invalid("filters.workPlanId", "name the work plan to export")
                    })?
                    .parse::<i64>()
                    .map_err(|_| ApiError::invalid("filters.workPlanId", "not a work plan id"))?;
                ExportKind::WorkPlan(id)
            }
        };
        let filters = ExportFilters {
            from: filters.from,
            to: filters.to,
            kpi: filters.kpi,
            country: filters.country,
            as_of: filters.as_of,
            year: filters.year,
            quarter: filters.quarter,
        };
        Ok(hub_app::exports::export_link(
            kind,
            format.map(Into::into),
            lang.map(Into::into),
            &filters,
        )?)
    }

    /// The download link of a spreadsheet template for a country team, e.g.
    /// `/api/v1/templates/kpi-report?country=COL&period=2026-Q2&lang=es`.
    async fn template_url(
        &self,
        kind: TemplateKindView,
        country: String,
        period: Option<String>,
        lang: Option<LanguageView>,
    ) -> GqlResult<String> {
        let kind = match kind {
            TemplateKindView::KpiReport => TemplateKind::KpiReport {
                period: period.ok_or_else(|| {
                    ApiError::invalid(
                        "period",
                        "a KPI report template is for a quarter, e.g. 2026-Q2",
                    )
                })?,
            },
            TemplateKindView::Bos => TemplateKind::Bos,
        };
        Ok(template_link(kind, &country, lang.map(Into::into))?)
    }
}
