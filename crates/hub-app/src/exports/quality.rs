//! The `QualityByCountry` sheet of the regional export: the data quality report of the year
//! (DESIGN §16), one row per country and quarter, then the country's year and the year before.

use hub_domain::i18n::Lang;
use hub_export::{Cell, Column, Table, Writer};

use crate::error::{AppError, AppResult};
use crate::figures::quality::{DataQualityReport, QualityCounts};

const QUALITY_BY_COUNTRY: [Column; 9] = [
    Column::new("country", "Country", "País", 9),
    Column::new("period", "Period", "Período", 12),
    Column::new("timeliness", "Report", "Informe", 10),
    Column::new(
        "rejectedValues",
        "Rejected values",
        "Valores rechazados",
        12,
    ),
    Column::new("outliers", "Outliers", "Valores atípicos", 12),
    Column::new(
        "ruleViolations",
        "Rule violations",
        "Reglas incumplidas",
        12,
    ),
    Column::new("lateReports", "Late reports", "Informes tardíos", 10),
    Column::new(
        "missingReports",
        "Missing reports",
        "Informes faltantes",
        10,
    ),
    Column::new("staleSource", "Stale source", "Fuente desactualizada", 10),
];

fn counts(c: &QualityCounts) -> [Cell; 5] {
    [
        Cell::Int(i64::from(c.rejected_values)),
        Cell::Int(i64::from(c.outliers)),
        Cell::Int(i64::from(c.rule_violations)),
        Cell::Int(i64::from(c.late)),
        Cell::Int(i64::from(c.missing)),
    ]
}

/// Writes the sheet.
pub(crate) fn quality_by_country(
    writer: &mut Writer,
    report: &DataQualityReport,
    lang: Lang,
) -> AppResult<()> {
    writer
        .begin(Table::new("QualityByCountry", &QUALITY_BY_COUNTRY, lang))
        .map_err(AppError::internal)?;
    let stale = |s: bool| Cell::text(if s { lang.pick("yes", "sí") } else { "" });
    for country in &report.countries {
        for q in &country.quarters {
            let mut row = vec![
                Cell::text(&country.country),
                Cell::text(q.period.to_string()),
                Cell::opt_text(q.timeliness.map(|t| t.as_str())),
            ];
            row.extend(counts(&q.counts));
            row.push(stale(country.stale));
            writer.row(&row).map_err(AppError::internal)?;
        }
        for (label, totals) in [
            (report.year.to_string(), &country.totals),
            ((report.year - 1).to_string(), &country.previous),
        ] {
            let mut row = vec![
                Cell::text(&country.country),
                Cell::text(label),
                Cell::text(lang.pick("year", "año")),
            ];
            row.extend(counts(totals));
            row.push(stale(country.stale));
            writer.row(&row).map_err(AppError::internal)?;
        }
    }
    Ok(())
}
