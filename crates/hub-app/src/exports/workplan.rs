//! The work plan export in UN INFO's Joint Work Plan layout (DESIGN §13): one row per activity
//! under UN INFO's own column names, which its import sheet expects in English whatever the
//! language of the export (the language sets the Notes). Budgets are split over the years of
//! each activity's quarters, so the yearly columns add up to the totals.

use std::collections::{BTreeMap, BTreeSet};

use hub_domain::Decimal;
use hub_domain::governance::{Activity, ActivityStatus};
use hub_export::{Cell, ExportFormat, Table};
use hub_store::reference;

use super::stream::{self, Download};
use super::{ExportRequest, notes};
use crate::error::{AppError, AppResult};
use crate::governance::workplans::PlanParts;
use crate::{App, Caller};

/// What UN INFO calls the region in the `Country` column.
const REGION: &str = "Latin America and the Caribbean";

/// UN INFO's columns before the yearly ones.
pub const LEADING: [&str; 14] = [
    "Country",
    "Plan name",
    "Sub-Output code",
    "Sub-Output",
    "ID",
    "Description",
    "Start date",
    "End date",
    "Status",
    "Agency abbreviations",
    "Agencies",
    "Total required resources",
    "Total available resources",
    "Total expenditure resources",
];

/// The columns after the yearly ones: the plan's approval status and version.
pub const TRAILING: [&str; 2] = ["Plan status", "Plan version"];

/// UN INFO's wording of an activity's status.
fn un_info_status(status: ActivityStatus) -> &'static str {
    match status {
        ActivityStatus::Planned => "Not started",
        ActivityStatus::Ongoing => "On track",
        ActivityStatus::Completed => "Achieved",
        ActivityStatus::Cancelled => "Discontinued",
    }
}

fn width(header: &str) -> u16 {
    match header {
        "Sub-Output" | "Description" | "Agencies" => 40,
        "Plan name" => 30,
        _ => 16,
    }
}

/// An amount split over years by the number of the activity's quarters in each; the last year
/// takes what rounding leaves, so the parts add up to the whole.
fn split(amount: Decimal, quarters: &BTreeMap<i32, u32>) -> BTreeMap<i32, Decimal> {
    let total: u32 = quarters.values().sum();
    let mut out = BTreeMap::new();
    if total == 0 {
        return out;
    }
    let mut left = amount;
    let last = quarters.keys().next_back().copied();
    for (year, n) in quarters {
        let part = if Some(*year) == last {
            left
        } else {
            (amount * Decimal::from(*n) / Decimal::from(total)).round_dp(2)
        };
        left -= part;
        out.insert(*year, part);
    }
    out
}

fn quarters_by_year(activity: &Activity) -> BTreeMap<i32, u32> {
    let mut out = BTreeMap::new();
    for quarter in activity.start_quarter.range_to(activity.end_quarter) {
        *out.entry(quarter.calendar_year()).or_insert(0) += 1;
    }
    out
}

fn description(activity: &Activity) -> String {
    let mut parts = vec![format!("Service line: {}", activity.service_line)];
    if let Some(tf) = &activity.task_force {
        parts.push(format!("Task force: {tf}"));
    }
    if !activity.kpi_targets.is_empty() {
        let targets: Vec<String> = activity
            .kpi_targets
            .iter()
            .map(|t| format!("{} {}", t.kpi, t.target.normalize()))
            .collect();
        parts.push(format!("KPI targets: {}", targets.join(", ")));
    }
    parts.join(". ")
}

/// Starts the work plan export; a plan the caller may not see does not exist for them.
pub(crate) async fn start(
    app: &App,
    caller: &Caller,
    request: &ExportRequest,
    format: ExportFormat,
    id: i64,
) -> AppResult<Download> {
    let lang = request.lang;
    let details = app
        .work_plan(caller, id, PlanParts::default())
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no work plan {id}")))?;
    let names: BTreeMap<String, String> = reference::agencies(app.db())
        .await?
        .into_iter()
        .map(|a| (a.code.to_string(), a.name))
        .collect();
    let plan = details.plan.clone();
    let activities = details.content.activities.clone();
    let years: BTreeSet<i32> = activities
        .iter()
        .flat_map(|a| quarters_by_year(a).into_keys())
        .collect();
    let mut table = Table {
        name: "Joint Work Plan".to_owned(),
        columns: Vec::new(),
    };
    for header in LEADING {
        table.push(header, header, width(header));
    }
    for year in &years {
        for what in ["Required", "Available", "Expenditure"] {
            let header = format!("{year} {what}");
            table.push(header.clone(), header, 14);
        }
    }
    for header in TRAILING {
        table.push(header, header, 14);
    }
    let total = details.total()?;
    let title = format!(
        "{} {} ({}), {} {}",
        lang.pick("ROMT work plan", "Plan de trabajo del ROMT"),
        plan.year,
        plan.title,
        lang.pick("version", "versión"),
        plan.version
    );
    let extra = vec![
        (
            lang.pick("Plan status", "Estado del plan").to_owned(),
            plan.status.to_string(),
        ),
        (
            lang.pick("Total required (USD)", "Total requerido (USD)").to_owned(),
            total.required.normalize().to_string(),
        ),
        (
            lang.pick("Total available (USD)", "Total disponible (USD)").to_owned(),
            total.available.normalize().to_string(),
        ),
        (
            lang.pick("UN INFO", "UN INFO").to_owned(),
            lang.pick(
                "The column names are UN INFO's Joint Work Plan import names; paste the rows into its import sheet. Expenditure is not recorded by the hub and is left empty.",
                "Los nombres de las columnas son los de la importación del Plan de Trabajo Conjunto de UN INFO; pegue las filas en su hoja de importación. El hub no registra gastos; esas columnas quedan vacías.",
            )
            .to_owned(),
        ),
    ];
    let notes = notes(caller, lang, &title, None, extra);
    let filename = format!(
        "romt-workplan-{}-v{}.{}",
        plan.year,
        plan.version,
        format.extension()
    );
    Ok(stream::start(
        format,
        filename,
        move |mut writer, chunks| async move {
            writer.begin(table).map_err(AppError::internal)?;
            for activity in &activities {
                let mut agencies = vec![activity.lead_agency.clone()];
                agencies.extend(
                    activity
                        .participating_agencies
                        .iter()
                        .filter(|a| **a != activity.lead_agency)
                        .cloned(),
                );
                let full: Vec<String> = agencies
                    .iter()
                    .map(|a| names.get(a).cloned().unwrap_or_else(|| a.clone()))
                    .collect();
                let quarters = quarters_by_year(activity);
                let required = split(activity.required, &quarters);
                let available = split(activity.available, &quarters);
                let mut cells = vec![
                    Cell::text(REGION),
                    Cell::text(&plan.title),
                    Cell::text(&activity.code),
                    Cell::text(&activity.title),
                    Cell::text(&activity.code),
                    Cell::text(description(activity)),
                    Cell::Date(activity.start_quarter.start_date()),
                    Cell::Date(activity.end_quarter.end_date()),
                    Cell::text(un_info_status(activity.status)),
                    Cell::text(agencies.join(", ")),
                    Cell::text(full.join(", ")),
                    Cell::Usd(activity.required),
                    Cell::Usd(activity.available),
                    Cell::Empty,
                ];
                for year in &years {
                    cells.push(required.get(year).map_or(Cell::Empty, |d| Cell::Usd(*d)));
                    cells.push(available.get(year).map_or(Cell::Empty, |d| Cell::Usd(*d)));
                    cells.push(Cell::Empty);
                }
                cells.push(Cell::text(plan.status.as_str()));
                cells.push(Cell::Int(i64::from(plan.version)));
                writer.row(&cells).map_err(AppError::internal)?;
            }
            chunks.flush(&mut writer).await?;
            writer
                .notes("Notes", lang, &notes)
                .map_err(AppError::internal)?;
            Ok(writer)
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budgets_split_over_years_add_up_to_the_whole() {
        let quarters: BTreeMap<i32, u32> = [(2026, 1), (2027, 2)].into_iter().collect();
        let parts = split(Decimal::from(100), &quarters);
        assert_eq!(parts[&2026], Decimal::new(3333, 2));
        assert_eq!(parts[&2027], Decimal::new(6667, 2));
        assert_eq!(parts.values().copied().sum::<Decimal>(), Decimal::from(100));
    }

    #[test]
    fn a_period_range_counts_quarters_per_year() {
        let q = |t: &str| t.parse::<hub_domain::period::Period>().unwrap();
        let n: u32 = q("2026-Q3").range_to(q("2027-Q2")).len() as u32;
        assert_eq!(n, 4);
    }
}
