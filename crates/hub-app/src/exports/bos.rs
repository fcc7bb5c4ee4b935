//! The BOS results export: per country, common service and year of the BOS cycle, the service's
//! CBA and priority ratio, planned cost avoidance (in the BOS currency and in USD at the year's
//! December rate, DESIGN §6), realized cost avoidance in USD (the current `CA` values reported
//! for the service in the year's quarters) and the realization rate.

use std::collections::{BTreeSet, HashMap};

use hub_domain::Decimal;
use hub_domain::codes::CurrencyCode;
use hub_domain::money::{cba_priority_ratio, convert};
use hub_domain::period::{Month, Period};
use hub_export::{Cell, Column, ExportFormat, Table};
use hub_store::reference;

use super::stream::{self, Download};
use super::{ExportRequest, notes};
use crate::error::{AppError, AppResult};
use crate::figures::dataset::visible;
use crate::submissions::SubmissionParts;
use crate::{App, Caller};

/// The columns of the BOS export.
pub const COLUMNS: [Column; 23] = [
    Column::new("country", "Country", "País", 9),
    Column::new("cycle", "BOS cycle", "Ciclo de la BOS", 11),
    Column::new("commonService", "Common service", "Servicio común", 22),
    Column::new("name", "Name", "Nombre", 32),
    Column::new("serviceLine", "Service line", "Línea de servicio", 16),
    Column::new("leadAgency", "Lead agency", "Entidad líder", 12),
    Column::new(
        "clientAgencies",
        "Client agencies",
        "Entidades clientes",
        24,
    ),
    Column::new("modality", "Modality", "Modalidad", 12),
    Column::new(
        "stockTakeAction",
        "Stock-take action",
        "Acción del balance",
        14,
    ),
    Column::new(
        "oneTimeCostMonetary",
        "One-time cost: money",
        "Costo único: monetario",
        14,
    ),
    Column::new(
        "oneTimeCostLabour",
        "One-time cost: labour",
        "Costo único: mano de obra",
        14,
    ),
    Column::new(
        "annualCostMonetary",
        "Annual cost: money",
        "Costo anual: monetario",
        14,
    ),
    Column::new(
        "annualCostLabour",
        "Annual cost: labour",
        "Costo anual: mano de obra",
        14,
    ),
    Column::new(
        "annualBenefitMonetary",
        "Annual benefit: money",
        "Beneficio anual: monetario",
        14,
    ),
    Column::new(
        "annualBenefitLabour",
        "Annual benefit: labour",
        "Beneficio anual: mano de obra",
        14,
    ),
    Column::new("priorityRatio", "Priority ratio", "Índice de prioridad", 11),
    Column::new("year", "Year", "Año", 7),
    Column::new(
        "planned",
        "Planned (BOS currency)",
        "Planificados (moneda de la BOS)",
        16,
    ),
    Column::new("currency", "Currency", "Moneda", 9),
    Column::new("plannedUsd", "Planned (USD)", "Planificados (USD)", 16),
    Column::new("realizedUsd", "Realized (USD)", "Realizados (USD)", 16),
    Column::new(
        "realizationRate",
        "Realization rate",
        "Tasa de realización",
        12,
    ),
    Column::new("flags", "Flags", "Marcas", 14),
];

/// Starts the BOS export.
pub(crate) async fn start(
    app: &App,
    caller: &Caller,
    request: &ExportRequest,
    format: ExportFormat,
) -> AppResult<Download> {
    let lang = request.lang;
    let country = request.filters.country();
    let teams = app.countries(true).await?;
    let codes: Vec<String> = match &country {
        Some(code) => {
            if !teams.iter().any(|t| t.code.as_str() == code) {
                return Err(AppError::invalid(
                    "country",
                    format!("{code} is not a country team of the region"),
                ));
            }
            vec![code.clone()]
        }
        None => teams.iter().map(|t| t.code.to_string()).collect(),
    };
    let refs: Vec<&str> = codes.iter().map(String::as_str).collect();
    let parts = SubmissionParts {
        common_services: true,
        planned: true,
        ..SubmissionParts::default()
    };
    let strategies = app.current_bos(caller, &refs, parts).await?;
    let currencies: Vec<String> = strategies
        .values()
        .filter_map(|b| b.submission.currency.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let rates = reference::rates_of(app.db(), &currencies).await?;
    let viewer = caller.viewer();

    // One row per country, service and year of the cycle, computed before the download starts
    // (a BOS export holds a few thousand rows at most).
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    for code in &codes {
        let Some(bos) = strategies.get(code) else {
            continue;
        };
        let Some((start, end)) = bos.submission.cycle else {
            continue;
        };
        let currency = bos.submission.currency.clone().unwrap_or_default();
        let quarters: Vec<Period> = (start..=end)
            .filter_map(|y| Period::year(y).ok())
            .flat_map(Period::quarters)
            .collect();
        let mut realized: HashMap<(String, i32), Decimal> = HashMap::new();
        for value in hub_store::submissions::current_values(app.db(), code, &quarters).await? {
            if value.kpi != "CA" || !visible(&viewer, value.classification, &value.country) {
                continue;
            }
            if let (Some(service), Some(usd)) = (&value.common_service, value.value) {
                let total = realized
                    .entry((service.clone(), value.period.calendar_year()))
                    .or_default();
                *total = total.checked_add(usd).unwrap_or(*total);
            }
        }
        let planned = bos.planned()?;
        for service in bos.common_services()? {
            let cba = service.cba.as_ref();
            let ratio = cba.and_then(|c| {
                cba_priority_ratio(
                    [c.annual_benefit_monetary, c.annual_benefit_labour],
                    [
                        c.one_time_monetary,
                        c.one_time_labour,
                        c.annual_cost_monetary,
                        c.annual_cost_labour,
                    ],
                )
            });
            for year in start..=end {
                let amount = planned
                    .iter()
                    .find(|p| p.service_id == service.service_id && p.year == year)
                    .map(|p| p.amount);
                let mut flags = Vec::new();
                let planned_usd = match (amount, CurrencyCode::parse(&currency)) {
                    (Some(amount), Ok(code)) => {
                        let month = Month::new(year, 12).map_err(AppError::internal)?;
                        let table = rates.get(&currency);
                        let conversion = convert(amount, &code, month, |m| {
                            table.and_then(|t| t.get(&m)).copied()
                        });
                        flags.extend(conversion.flags.iter().map(|f| f.as_str()));
                        conversion.usd
                    }
                    _ => None,
                };
                let realized_usd = realized.get(&(service.service_id.clone(), year)).copied();
                let rate = match (realized_usd, planned_usd) {
                    (Some(r), Some(p)) if !p.is_zero() => r.checked_div(p),
                    _ => None,
                };
                let money = |f: fn(&hub_store::submissions::Cba) -> Decimal| {
                    cba.map_or(Cell::Empty, |c| Cell::Number(f(c)))
                };
                rows.push(vec![
                    Cell::text(code),
                    Cell::text(format!("{start}-{end}")),
                    Cell::text(&service.service_id),
                    Cell::text(&service.name),
                    Cell::text(service.service_line.as_str()),
                    Cell::text(&service.lead_agency),
                    Cell::text(service.client_agencies.join(", ")),
                    Cell::opt_text(service.modality.map(|m| m.as_str())),
                    Cell::opt_text(service.stock_take_action.map(|s| s.as_str())),
                    money(|c| c.one_time_monetary),
                    money(|c| c.one_time_labour),
                    money(|c| c.annual_cost_monetary),
                    money(|c| c.annual_cost_labour),
                    money(|c| c.annual_benefit_monetary),
                    money(|c| c.annual_benefit_labour),
                    Cell::opt_number(ratio),
                    Cell::Int(i64::from(year)),
                    Cell::opt_number(amount),
                    Cell::text(&currency),
                    Cell::opt_usd(planned_usd),
                    Cell::opt_usd(realized_usd),
                    Cell::opt_ratio(rate),
                    Cell::text(flags.join(" ")),
                ]);
            }
        }
    }
    let filename = match &country {
        Some(code) => format!("romt-bos-{code}.{}", format.extension()),
        None => format!("romt-bos.{}", format.extension()),
    };
    let title = lang
        .pick(
            "BOS results per country and common service",
            "Resultados de la BOS por país y servicio común",
        )
        .to_owned();
    let notes = notes(caller, lang, &title, None, vec![]);
    Ok(stream::start(
        format,
        filename,
        move |mut writer, chunks| async move {
            writer
                .begin(Table::new("BOS", &COLUMNS, lang))
                .map_err(AppError::internal)?;
            for row in rows {
                writer.row(&row).map_err(AppError::internal)?;
            }
            chunks.flush(&mut writer).await?;
            writer
                .notes("Notes", lang, &notes)
                .map_err(AppError::internal)?;
            Ok(writer)
        },
    ))
}
