//! The regional export: the figures of a year or quarter as the dashboard computes them for the
//! caller (the same computation, so the totals agree), in the sheets `Summary`, `ByKpi`,
//! `ByCountry`, `PlannedVsRealized`, `Completeness`, `DataQuality` and `Notes`. CSV and JSON give
//! `ByKpi`.

use hub_domain::analytics::FigureFlag;
use hub_domain::i18n::Lang;
use hub_domain::period::Period;
use hub_export::{Cell, Column, ExportFormat, Table, Writer};

use super::quality::quality_by_country;
use super::stream::{self, Download};
use super::{ExportRequest, notes};
use crate::error::{AppError, AppResult};
use crate::figures::completeness::CountryCompleteness;
use crate::figures::dashboard::RegionalDashboard;
use crate::figures::kpi::RegionalKpiValue;
use crate::{App, Caller};

const SUMMARY: [Column; 2] = [
    Column::new("figure", "Figure", "Cifra", 44),
    Column::new("value", "Value", "Valor", 20),
];

/// The columns of `ByKpi` (and of the CSV and JSON forms).
pub const BY_KPI: [Column; 13] = [
    Column::new("kpi", "KPI", "KPI", 18),
    Column::new("name", "Name", "Nombre", 40),
    Column::new("period", "Period", "Período", 9),
    Column::new("unit", "Unit", "Unidad", 9),
    Column::new("aggregation", "Across countries", "Entre países", 15),
    Column::new(
        "temporalAggregation",
        "Across quarters",
        "Entre trimestres",
        15,
    ),
    Column::new("value", "Regional value", "Valor regional", 16),
    Column::new("weight", "Weight", "Ponderación", 12),
    Column::new(
        "reportingCountries",
        "Countries reporting",
        "Países que informan",
        12,
    ),
    Column::new(
        "expectedCountries",
        "Countries expected",
        "Países esperados",
        12,
    ),
    Column::new("completeness", "Completeness", "Completitud", 12),
    Column::new("flags", "Flags", "Marcas", 18),
    Column::new("dataQuality", "Data quality", "Calidad de los datos", 30),
];

const BY_COUNTRY: [Column; 16] = [
    Column::new("country", "Country", "País", 9),
    Column::new("name", "Name", "Nombre", 24),
    Column::new(
        "costAvoidanceUsd",
        "Cost avoidance (USD)",
        "Costos evitados (USD)",
        18,
    ),
    Column::new(
        "plannedCostAvoidanceUsd",
        "Planned cost avoidance (USD)",
        "Costos evitados planificados (USD)",
        18,
    ),
    Column::new(
        "realizationRate",
        "Realization rate",
        "Tasa de realización",
        12,
    ),
    Column::new(
        "commonServicesActive",
        "Common services active",
        "Servicios comunes activos",
        12,
    ),
    Column::new("reported", "Reported", "Informó", 9),
    Column::new("onTime", "On time", "A tiempo", 9),
    Column::new(
        "quartersReported",
        "Quarters reported",
        "Trimestres informados",
        11,
    ),
    Column::new("quartersDue", "Quarters due", "Trimestres debidos", 11),
    Column::new("stale", "Stale source", "Fuente desactualizada", 11),
    Column::new("met", "KPIs met", "KPI alcanzados", 9),
    Column::new("progress", "KPIs progressing", "KPI con avance", 9),
    Column::new("noProgress", "KPIs without progress", "KPI sin avance", 9),
    Column::new("noData", "KPIs without data", "KPI sin datos", 9),
    Column::new("ratedKpis", "KPIs rated", "KPI evaluados", 9),
];

const PLANNED_VS_REALIZED: [Column; 5] = [
    Column::new("serviceLine", "Service line", "Línea de servicio", 18),
    Column::new(
        "plannedCostAvoidanceUsd",
        "Planned (USD)",
        "Planificados (USD)",
        18,
    ),
    Column::new("costAvoidanceUsd", "Realized (USD)", "Realizados (USD)", 18),
    Column::new(
        "realizationRate",
        "Realization rate",
        "Tasa de realización",
        12,
    ),
    Column::new(
        "commonServices",
        "Active common services",
        "Servicios comunes activos",
        12,
    ),
];

const COMPLETENESS: [Column; 5] = [
    Column::new("country", "Country", "País", 9),
    Column::new("period", "Quarter", "Trimestre", 9),
    Column::new("status", "Status", "Estado", 12),
    Column::new("receivedAt", "Received at", "Recibido el", 19),
    Column::new("revision", "Revision", "Revisión", 9),
];

const DATA_QUALITY: [Column; 3] = [
    Column::new("flag", "Flag", "Marca", 18),
    Column::new("count", "Count", "Cantidad", 10),
    Column::new("meaning", "Meaning", "Significado", 70),
];

/// What a figure flag means, in `lang`.
fn meaning(flag: FigureFlag, lang: Lang) -> &'static str {
    let (en, es) = match flag {
        FigureFlag::NoData => (
            "nothing to compute the figure from",
            "no hay datos para calcular la cifra",
        ),
        FigureFlag::RateStale => (
            "values converted with an earlier month's rate",
            "valores convertidos con el tipo de cambio de un mes anterior",
        ),
        FigureFlag::NoRate => (
            "money values without a rate, left out of USD figures",
            "montos sin tipo de cambio, excluidos de las cifras en USD",
        ),
        FigureFlag::MissingWeight => (
            "values of a weighted mean without a weight, left out",
            "valores de un promedio ponderado sin ponderación, excluidos",
        ),
        FigureFlag::StaleSource => (
            "data from a federation source that has not synced for two intervals",
            "datos de una fuente federada que no se sincroniza desde hace dos intervalos",
        ),
        FigureFlag::Overflow => (
            "a figure that does not fit an exact decimal, left out",
            "una cifra que no cabe en un decimal exacto, excluida",
        ),
        FigureFlag::PlannedNoRate => (
            "planned cost avoidance without a rate, left out",
            "costos evitados planificados sin tipo de cambio, excluidos",
        ),
        FigureFlag::LateReport => (
            "a report received more than 30 days after its quarter",
            "un informe recibido más de 30 días después de su trimestre",
        ),
        FigureFlag::MissingReport => (
            "a report due and not received",
            "un informe debido y no recibido",
        ),
        FigureFlag::RejectedValue => (
            "values rejected one by one from the reports behind the figure",
            "valores rechazados uno por uno en los informes detrás de la cifra",
        ),
        FigureFlag::Outlier => (
            "values far from their country's history of the KPI, kept to be checked",
            "valores atípicos frente a la historia del país para el KPI, conservados para revisión",
        ),
        FigureFlag::RuleViolation => (
            "values at which their report breaks a validation rule, kept to be checked",
            "valores en los que su informe no cumple una regla de validación, conservados para revisión",
        ),
    };
    lang.pick(en, es)
}

fn yes(b: bool, lang: Lang) -> Cell {
    Cell::text(if b {
        lang.pick("yes", "sí")
    } else {
        lang.pick("no", "no")
    })
}

fn kpi_row(k: &RegionalKpiValue, name: &str) -> Vec<Cell> {
    let quality = k
        .data_quality
        .iter()
        .map(|q| format!("{} {}", q.flag, q.count))
        .collect::<Vec<_>>()
        .join(", ");
    let value = match k.unit {
        hub_domain::catalogue::Unit::Usd => Cell::opt_usd(k.value),
        hub_domain::catalogue::Unit::Percent => k.value.map_or(Cell::Empty, Cell::Points),
        _ => Cell::opt_number(k.value),
    };
    vec![
        Cell::text(&k.kpi),
        Cell::text(name),
        Cell::text(k.period.to_string()),
        Cell::text(k.unit.as_str()),
        Cell::text(k.aggregation.as_str()),
        Cell::opt_text(k.temporal_aggregation.map(|t| t.as_str())),
        value,
        Cell::opt_number(k.weight),
        Cell::Int(i64::from(k.reporting_countries)),
        Cell::Int(i64::from(k.expected_countries)),
        Cell::opt_ratio(k.completeness),
        Cell::text(
            k.flags
                .iter()
                .map(|f| f.as_str())
                .collect::<Vec<_>>()
                .join(" "),
        ),
        Cell::text(quality),
    ]
}

fn summary(
    writer: &mut Writer,
    d: &RegionalDashboard,
    period: Period,
    lang: Lang,
) -> AppResult<()> {
    writer
        .begin(Table::new("Summary", &SUMMARY, lang))
        .map_err(AppError::internal)?;
    let rows: Vec<(&str, Cell)> = vec![
        (
            lang.pick("Period", "Período"),
            Cell::text(period.to_string()),
        ),
        (
            lang.pick("Service line", "Línea de servicio"),
            Cell::text(
                d.service_line
                    .map_or_else(|| lang.pick("all", "todas").to_owned(), |s| s.to_string()),
            ),
        ),
        (
            lang.pick(
                "Cost avoidance realized (USD)",
                "Costos evitados realizados (USD)",
            ),
            Cell::opt_usd(d.cost_avoidance_usd),
        ),
        (
            lang.pick(
                "Cost avoidance planned (USD)",
                "Costos evitados planificados (USD)",
            ),
            Cell::opt_usd(d.planned_cost_avoidance_usd),
        ),
        (
            lang.pick("Realization rate", "Tasa de realización"),
            Cell::opt_ratio(d.realization_rate),
        ),
        (
            lang.pick("Common services active", "Servicios comunes activos"),
            Cell::Int(i64::from(d.common_services_active)),
        ),
        (
            lang.pick("Reporting completeness", "Completitud de los informes"),
            Cell::opt_ratio(d.completeness),
        ),
        (
            lang.pick("Country teams expected", "Equipos de país esperados"),
            Cell::Int(i64::from(d.expected_countries)),
        ),
        (
            lang.pick("Country teams reporting", "Equipos de país que informan"),
            Cell::Int(i64::from(d.reporting_countries)),
        ),
    ];
    for (label, value) in rows {
        writer
            .row(&[Cell::text(label), value])
            .map_err(AppError::internal)?;
    }
    Ok(())
}

fn by_country(writer: &mut Writer, d: &RegionalDashboard, lang: Lang) -> AppResult<()> {
    writer
        .begin(Table::new("ByCountry", &BY_COUNTRY, lang))
        .map_err(AppError::internal)?;
    for c in &d.by_country {
        let r = &c.ratings;
        writer
            .row(&[
                Cell::text(&c.country),
                Cell::text(&c.name),
                Cell::opt_usd(c.cost_avoidance_usd),
                Cell::opt_usd(c.planned_cost_avoidance_usd),
                Cell::opt_ratio(c.realization_rate),
                Cell::Int(i64::from(c.common_services_active)),
                yes(c.reported, lang),
                yes(c.on_time, lang),
                Cell::Int(i64::from(c.quarters_reported)),
                Cell::Int(i64::from(c.quarters_due)),
                yes(c.stale, lang),
                Cell::Int(i64::from(r.met)),
                Cell::Int(i64::from(r.progress)),
                Cell::Int(i64::from(r.no_progress)),
                Cell::Int(i64::from(r.no_data)),
                Cell::Int(i64::from(r.met + r.progress + r.no_progress + r.no_data)),
            ])
            .map_err(AppError::internal)?;
    }
    Ok(())
}

fn planned_vs_realized(writer: &mut Writer, d: &RegionalDashboard, lang: Lang) -> AppResult<()> {
    writer
        .begin(Table::new("PlannedVsRealized", &PLANNED_VS_REALIZED, lang))
        .map_err(AppError::internal)?;
    for s in &d.by_service_line {
        writer
            .row(&[
                Cell::text(s.service_line.as_str()),
                Cell::opt_usd(s.planned_cost_avoidance_usd),
                Cell::opt_usd(s.cost_avoidance_usd),
                Cell::opt_ratio(s.realization_rate),
                Cell::Int(i64::from(s.common_services)),
            ])
            .map_err(AppError::internal)?;
    }
    writer
        .row(&[
            Cell::text(lang.pick("Total", "Total")),
            Cell::opt_usd(d.planned_cost_avoidance_usd),
            Cell::opt_usd(d.cost_avoidance_usd),
            Cell::opt_ratio(d.realization_rate),
            Cell::Int(i64::from(d.common_services_active)),
        ])
        .map_err(AppError::internal)?;
    // A partial year is also compared with the plan's share for its quarters (docs/figures.md).
    for (label, planned, rate) in [
        (
            lang.pick(
                "Total, plan of the quarters due",
                "Total, plan de los trimestres vencidos",
            ),
            d.planned_due_usd,
            d.realization_rate_due,
        ),
        (
            lang.pick(
                "Total, plan of the quarters reported",
                "Total, plan de los trimestres informados",
            ),
            d.planned_reported_usd,
            d.realization_rate_reported,
        ),
    ] {
        writer
            .row(&[
                Cell::text(label),
                Cell::opt_usd(planned),
                Cell::opt_usd(d.cost_avoidance_usd),
                Cell::opt_ratio(rate),
                Cell::Empty,
            ])
            .map_err(AppError::internal)?;
    }
    Ok(())
}

fn completeness(writer: &mut Writer, matrix: &[CountryCompleteness], lang: Lang) -> AppResult<()> {
    writer
        .begin(Table::new("Completeness", &COMPLETENESS, lang))
        .map_err(AppError::internal)?;
    for country in matrix {
        for cell in &country.periods {
            writer
                .row(&[
                    Cell::text(&country.country),
                    Cell::text(cell.period.to_string()),
                    Cell::opt_text(cell.status.map(|s| s.as_str())),
                    cell.received_at.map_or(Cell::Empty, Cell::Time),
                    Cell::opt_int(cell.revision.map(i64::from)),
                ])
                .map_err(AppError::internal)?;
        }
    }
    Ok(())
}

fn data_quality(writer: &mut Writer, d: &RegionalDashboard, lang: Lang) -> AppResult<()> {
    writer
        .begin(Table::new("DataQuality", &DATA_QUALITY, lang))
        .map_err(AppError::internal)?;
    for q in &d.data_quality {
        writer
            .row(&[
                Cell::text(q.flag.as_str()),
                Cell::Int(i64::from(q.count)),
                Cell::text(meaning(q.flag, lang)),
            ])
            .map_err(AppError::internal)?;
    }
    Ok(())
}

/// Starts the regional export.
pub(crate) async fn start(
    app: &App,
    caller: &Caller,
    request: &ExportRequest,
    format: ExportFormat,
) -> AppResult<Download> {
    let filters = &request.filters;
    let year = filters
        .year
        .ok_or_else(|| AppError::invalid("year", "name the year of the figures (year=2025)"))?;
    let quarter = filters.quarter;
    let as_of = filters.as_of()?;
    let lang = request.lang;
    let period = match quarter {
        Some(q) => u8::try_from(q)
            .ok()
            .and_then(|q| Period::quarter(year, q).ok())
            .ok_or_else(|| AppError::invalid("quarter", "a quarter is 1, 2, 3 or 4"))?,
        None => Period::year(year).map_err(|e| AppError::invalid("year", e))?,
    };
    // Computed before the download starts, so a bad request is refused with its code.
    let dashboard = app.dashboard(caller, year, quarter, None, as_of).await?;
    let catalogue = app.kpis().await?;
    let mut by_kpi = Vec::with_capacity(catalogue.len());
    for kpi in &catalogue {
        let figure = app
            .regional_kpi(caller, kpi.code.as_str(), &period.to_string(), None, as_of)
            .await?;
        by_kpi.push((kpi.name_in(lang).to_owned(), figure));
    }
    let quarters = period.quarters();
    let (from, to) = (
        quarters
            .first()
            .map(ToString::to_string)
            .unwrap_or_default(),
        quarters.last().map(ToString::to_string).unwrap_or_default(),
    );
    let matrix = app.completeness_as_of(caller, &from, &to, as_of).await?;
    let quality = app.data_quality_report(caller, year).await?;
    let filename = format!("romt-regional-{period}.{}", format.extension());
    let title = format!(
        "{} {period}",
        lang.pick("Regional figures", "Cifras regionales")
    );
    let notes = notes(caller, lang, &title, as_of, vec![]);
    Ok(stream::start(
        format,
        filename,
        move |mut writer, _chunks| async move {
            if writer.holds_sheets() {
                summary(&mut writer, &dashboard, period, lang)?;
            }
            writer
                .begin(Table::new("ByKpi", &BY_KPI, lang))
                .map_err(AppError::internal)?;
            for (name, figure) in &by_kpi {
                writer
                    .row(&kpi_row(figure, name))
                    .map_err(AppError::internal)?;
            }
            if writer.holds_sheets() {
                by_country(&mut writer, &dashboard, lang)?;
                planned_vs_realized(&mut writer, &dashboard, lang)?;
                completeness(&mut writer, &matrix, lang)?;
                data_quality(&mut writer, &dashboard, lang)?;
                quality_by_country(&mut writer, &quality, lang)?;
                writer
                    .notes("Notes", lang, &notes)
                    .map_err(AppError::internal)?;
            }
            Ok(writer)
        },
    ))
}
