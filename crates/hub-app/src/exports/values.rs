//! The values export: every current harmonized value (or as it stood at `asOf`) that the caller
//! may see, with its lineage; in SDMX-CSV 2.0 too. Reports are read one at a time and their
//! values in pages, so the export holds flat memory whatever its length.

use std::collections::HashMap;

use hub_domain::catalogue::Unit;
use hub_domain::i18n::Lang;
use hub_export::{Cell, Column, ExportFormat, Table};
use hub_store::analytics;
use hub_store::submissions::{self, StoredValue};

use super::stream::{self, Download};
use super::{ExportRequest, notes, quarters_between};
use crate::error::{AppError, AppResult};
use crate::figures::dataset::visible;
use crate::{App, Caller};

/// Values read per query.
const PAGE: u64 = 5_000;

/// The columns of the values export.
pub const COLUMNS: [Column; 18] = [
    Column::new("country", "Country", "País", 9),
    Column::new("period", "Period", "Período", 9),
    Column::new("kpi", "KPI", "KPI", 18),
    Column::new("unit", "Unit", "Unidad", 9),
    Column::new("serviceLine", "Service line", "Línea de servicio", 16),
    Column::new("commonService", "Common service", "Servicio común", 22),
    Column::new("value", "Value (USD or unit)", "Valor (USD o unidad)", 16),
    Column::new("reportedValue", "Reported value", "Valor informado", 16),
    Column::new("currency", "Currency", "Moneda", 9),
    Column::new("rate", "Rate (per USD)", "Tipo de cambio (por USD)", 14),
    Column::new("rateMonth", "Rate month", "Mes del tipo de cambio", 11),
    Column::new("flags", "Flags", "Marcas", 16),
    Column::new("classification", "Classification", "Clasificación", 13),
    Column::new("revision", "Revision", "Revisión", 9),
    Column::new("submissionId", "Submission", "Envío", 10),
    Column::new("source", "Source", "Origen", 22),
    Column::new("receivedAt", "Received at", "Recibido el", 19),
    Column::new("comment", "Comment", "Comentario", 30),
];

/// The columns of SDMX-CSV 2.0 (`ROMT:KPI_VALUES(1.0)`).
const SDMX: [Column; 12] = [
    Column::new("STRUCTURE", "STRUCTURE", "STRUCTURE", 10),
    Column::new("STRUCTURE_ID", "STRUCTURE_ID", "STRUCTURE_ID", 10),
    Column::new("ACTION", "ACTION", "ACTION", 10),
    Column::new("REF_AREA", "REF_AREA", "REF_AREA", 10),
    Column::new("TIME_PERIOD", "TIME_PERIOD", "TIME_PERIOD", 10),
    Column::new("KPI", "KPI", "KPI", 10),
    Column::new("SERVICE_LINE", "SERVICE_LINE", "SERVICE_LINE", 10),
    Column::new("COMMON_SERVICE", "COMMON_SERVICE", "COMMON_SERVICE", 10),
    Column::new("OBS_VALUE", "OBS_VALUE", "OBS_VALUE", 10),
    Column::new("UNIT_MEASURE", "UNIT_MEASURE", "UNIT_MEASURE", 10),
    Column::new("OBS_STATUS", "OBS_STATUS", "OBS_STATUS", 10),
    Column::new("CONF_STATUS", "CONF_STATUS", "CONF_STATUS", 10),
];

fn measure(unit: Option<Unit>, value: hub_domain::Decimal) -> Cell {
    match unit {
        Some(Unit::Usd) => Cell::Usd(value),
        Some(Unit::Percent) => Cell::Points(value),
        _ => Cell::Number(value),
    }
}

fn flags_of(value: &StoredValue, separator: &str) -> String {
    value
        .flags
        .iter()
        .map(|f| f.as_str())
        .collect::<Vec<_>>()
        .join(separator)
}

fn row(value: &StoredValue, unit: Option<Unit>, source: &str) -> Vec<Cell> {
    vec![
        Cell::text(&value.country),
        Cell::text(value.period.to_string()),
        Cell::text(&value.kpi),
        Cell::opt_text(unit.map(|u| u.as_str())),
        Cell::opt_text(value.service_line.map(|s| s.as_str())),
        Cell::opt_text(value.common_service.clone()),
        value.value.map_or(Cell::Empty, |v| measure(unit, v)),
        if unit == Some(Unit::Usd) {
            Cell::Number(value.reported_value)
        } else {
            measure(unit, value.reported_value)
        },
        Cell::opt_text(value.currency.clone()),
        Cell::opt_number(value.fx_rate),
        Cell::opt_text(value.fx_month.map(|m| m.to_string())),
        Cell::text(flags_of(value, " ")),
        Cell::text(value.classification.as_str()),
        Cell::Int(i64::from(value.revision)),
        Cell::Int(value.submission_id),
        Cell::text(source),
        Cell::Time(value.received_at),
        Cell::opt_text(value.comment.clone()),
    ]
}

fn sdmx_row(value: &StoredValue, unit: Option<Unit>) -> Vec<Cell> {
    vec![
        Cell::text("dataflow"),
        Cell::text("ROMT:KPI_VALUES(1.0)"),
        Cell::text("I"),
        Cell::text(&value.country),
        Cell::text(value.period.to_string()),
        Cell::text(&value.kpi),
        Cell::opt_text(value.service_line.map(|s| s.as_str())),
        Cell::opt_text(value.common_service.clone()),
        Cell::opt_number(value.value),
        Cell::opt_text(unit.map(|u| u.as_str())),
        Cell::text(flags_of(value, "+")),
        Cell::text(value.classification.as_str()),
    ]
}

/// Starts the values export.
pub(crate) async fn start(
    app: &App,
    caller: &Caller,
    request: &ExportRequest,
    format: ExportFormat,
) -> AppResult<Download> {
    let filters = &request.filters;
    let quarters = quarters_between(filters.from.as_deref(), filters.to.as_deref())?;
    let as_of = filters.as_of()?;
    let country = filters.country();
    if let Some(code) = &country
        && app.country(code).await?.is_none()
    {
        return Err(AppError::invalid(
            "country",
            format!("{code} is not a country team of the region"),
        ));
    }
    let kpis: Option<Vec<String>> = filters.kpi.as_deref().map(|k| {
        k.split(',')
            .map(|c| c.trim().to_owned())
            .filter(|c| !c.is_empty())
            .collect()
    });
    let catalogue = app.kpis().await?;
    if let Some(kpis) = &kpis
        && let Some(unknown) = kpis
            .iter()
            .find(|k| !catalogue.iter().any(|d| d.code.as_str() == k.as_str()))
    {
        return Err(AppError::invalid(
            "kpi",
            format!("{unknown} is not a KPI of the catalogue"),
        ));
    }
    let units: HashMap<String, Unit> = catalogue
        .iter()
        .map(|k| (k.code.to_string(), k.unit))
        .collect();
    let viewer = caller.viewer();
    let mut reports: Vec<analytics::Counted> =
        analytics::counted_reports(app.db(), &quarters, as_of)
            .await?
            .into_iter()
            .filter(|r| country.as_deref().is_none_or(|c| r.country == c))
            .filter(|r| visible(&viewer, r.classification, &r.country))
            .collect();
    reports.sort_by(|a, b| (&a.country, a.period).cmp(&(&b.country, b.period)));

    let lang = request.lang;
    let (first, last) = (quarters.first().copied(), quarters.last().copied());
    let span = match (first, last) {
        (Some(f), Some(l)) => format!("{f}_{l}"),
        _ => "all".to_owned(),
    };
    let filename = format!("romt-values-{span}.{}", format.extension());
    let db = app.db().clone();
    let title = lang
        .pick(
            "KPI values with lineage",
            "Valores de KPI con su trazabilidad",
        )
        .to_owned();
    let notes = notes(caller, lang, &title, as_of, filter_notes(lang, request));
    Ok(stream::start(
        format,
        filename,
        move |mut writer, chunks| async move {
            let sdmx = format == ExportFormat::SdmxCsv;
            let table = if sdmx {
                Table::new("SDMX", &SDMX, Lang::En)
            } else {
                Table::new("Values", &COLUMNS, lang)
            };
            writer.begin(table).map_err(AppError::internal)?;
            for report in reports {
                let source = match report.source.id {
                    Some(id) => format!("{}:{} (#{id})", report.source.kind, report.source.name),
                    None => format!("{}:{}", report.source.kind, report.source.name),
                };
                let mut after = None;
                loop {
                    let page =
                        submissions::values_page(&db, report.id, kpis.as_deref(), after, PAGE)
                            .await?;
                    let full = page.len() as u64 == PAGE;
                    after = page.last().map(|v| v.id);
                    for value in page
                        .iter()
                        .filter(|v| visible(&viewer, v.classification, &v.country))
                    {
                        let unit = units.get(&value.kpi).copied();
                        let cells = if sdmx {
                            sdmx_row(value, unit)
                        } else {
                            row(value, unit, &source)
                        };
                        writer.row(&cells).map_err(AppError::internal)?;
                    }
                    chunks.flush(&mut writer).await?;
                    if !full {
                        break;
                    }
                }
            }
            writer.end().map_err(AppError::internal)?;
            writer
                .notes("Notes", lang, &notes)
                .map_err(AppError::internal)?;
            Ok(writer)
        },
    ))
}

/// The filters of a request, for the Notes sheet.
pub(crate) fn filter_notes(lang: Lang, request: &ExportRequest) -> Vec<(String, String)> {
    let f = &request.filters;
    let mut lines = Vec::new();
    let all = lang.pick("all", "todos");
    let show = |v: &Option<String>| {
        v.clone()
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| all.to_owned())
    };
    lines.push((lang.pick("From", "Desde").to_owned(), show(&f.from)));
    lines.push((lang.pick("To", "Hasta").to_owned(), show(&f.to)));
    lines.push(("KPI".to_owned(), show(&f.kpi)));
    lines.push((lang.pick("Country", "País").to_owned(), show(&f.country)));
    lines
}
