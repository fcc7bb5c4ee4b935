//! Exports (DESIGN §13) and spreadsheet templates (§14): what each export holds, read over what
//! the caller may see and written by `hub-export` while it is read. Every export is a
//! [`Download`]: its file name, its media type and a body of chunks that arrive as rows are
//! written, so an export of any length holds flat memory and starts at once.
//!
//! Layout: [`values`] (every harmonized value with lineage, also SDMX-CSV), [`regional`] (the
//! regional figures), [`bos`] (BOS results), [`workplan`] (the UN INFO Joint Work Plan layout),
//! [`templates`] (the workbooks country OMTs fill in), [`stream`] (the chunked body).

pub mod bos;
mod quality;
pub mod regional;
pub mod stream;
pub mod templates;
pub mod values;
pub mod workplan;

use chrono::{DateTime, Utc};
use hub_domain::i18n::Lang;
use hub_domain::period::Period;

pub use hub_export::ExportFormat;
pub use stream::{Body, Download};

use crate::error::{AppError, AppResult};
use crate::{App, Caller};

/// What to export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportKind {
    /// Every current harmonized value with its lineage.
    Values,
    /// The regional figures of a year or quarter.
    Regional,
    /// BOS results per country and common service.
    Bos,
    /// One work plan in the UN INFO Joint Work Plan layout.
    WorkPlan(i64),
}

impl ExportKind {
    /// The formats this export is offered in.
    pub fn formats(self) -> &'static [ExportFormat] {
        match self {
            ExportKind::Values => &ExportFormat::ALL,
            _ => &[ExportFormat::Csv, ExportFormat::Xlsx, ExportFormat::Json],
        }
    }

    /// The path of the export under `/api/v1/exports/`.
    pub fn path(self) -> String {
        match self {
            ExportKind::Values => "values".to_owned(),
            ExportKind::Regional => "regional".to_owned(),
            ExportKind::Bos => "bos".to_owned(),
            ExportKind::WorkPlan(id) => format!("workplans/{id}"),
        }
    }
}

/// The filters of an export, as given (checked by the export that uses them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportFilters {
    /// First and last period (`YYYY-Qn` or `YYYY`), values.
    pub from: Option<String>,
    pub to: Option<String>,
    /// KPI codes (comma-separated), values.
    pub kpi: Option<String>,
    /// A country team, values and BOS.
    pub country: Option<String>,
    /// The figures as they stood at a time (RFC 3339).
    pub as_of: Option<String>,
    /// Year and quarter, regional.
    pub year: Option<i32>,
    pub quarter: Option<i32>,
}

impl ExportFilters {
    fn as_of(&self) -> AppResult<Option<DateTime<Utc>>> {
        self.as_of
            .as_deref()
            .filter(|t| !t.trim().is_empty())
            .map(|t| {
                DateTime::parse_from_rfc3339(t.trim())
                    .map(|t| t.with_timezone(&Utc))
                    .map_err(|_| {
                        AppError::invalid(
                            "asOf",
                            format!("{t:?} is not a date-time like 2026-07-01T00:00:00Z"),
                        )
                    })
            })
            .transpose()
    }

    fn country(&self) -> Option<String> {
        self.country
            .as_deref()
            .map(|c| c.trim().to_uppercase())
            .filter(|c| !c.is_empty())
    }

    /// The query string of these filters (for links to an export).
    fn query(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        let mut text = |key: &'static str, value: &Option<String>| {
            if let Some(value) = value.as_deref().filter(|v| !v.is_empty()) {
                out.push((key, value.to_owned()));
            }
        };
        text("from", &self.from);
        text("to", &self.to);
        text("kpi", &self.kpi);
        text("country", &self.country);
        text("asOf", &self.as_of);
        if let Some(year) = self.year {
            out.push(("year", year.to_string()));
        }
        if let Some(quarter) = self.quarter {
            out.push(("quarter", quarter.to_string()));
        }
        out
    }
}

/// An export asked for.
#[derive(Debug, Clone)]
pub struct ExportRequest {
    pub kind: ExportKind,
    /// The `format` parameter, if given.
    pub format: Option<String>,
    /// The `Accept` header, if given.
    pub accept: Option<String>,
    pub lang: Lang,
    pub filters: ExportFilters,
}

/// The format of a request: `format` first, then `Accept`, else CSV; refused when the export
/// is not offered in it.
fn format_of(request: &ExportRequest) -> AppResult<ExportFormat> {
    let offered = request.kind.formats();
    let names = || {
        offered
            .iter()
            .map(|f| f.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let format = match request.format.as_deref().filter(|f| !f.trim().is_empty()) {
        Some(text) => ExportFormat::parse(text).ok_or_else(|| {
            AppError::invalid(
                "format",
                format!("{text:?} is not an export format; use one of {}", names()),
            )
        })?,
        None => request
            .accept
            .as_deref()
            .and_then(ExportFormat::from_accept)
            .filter(|f| offered.contains(f))
            .unwrap_or(ExportFormat::Csv),
    };
    if !offered.contains(&format) {
        return Err(AppError::invalid(
            "format",
            format!(
                "the {} export is offered in {} only",
                request.kind.path(),
                names()
            ),
        ));
    }
    Ok(format)
}

/// The periods of `from`..`to` (any length: exports have no cap), as quarters; the defaults
/// are the first quarter the hub stores and the current one.
fn quarters_between(from: Option<&str>, to: Option<&str>) -> AppResult<Vec<Period>> {
    let parse = |field: &str, text: &str| -> AppResult<Period> {
        text.trim().parse().map_err(|e| AppError::invalid(field, e))
    };
    let from = match from.filter(|t| !t.trim().is_empty()) {
        Some(text) => parse("from", text)?,
        None => Period::year(hub_domain::period::MIN_YEAR)
            .map_err(|e| AppError::internal(e.to_string()))?,
    };
    let to = match to.filter(|t| !t.trim().is_empty()) {
        Some(text) => parse("to", text)?,
        None => Period::of_date(Utc::now().date_naive()),
    };
    let first = from.quarters().first().copied().unwrap_or(from);
    let last = to.quarters().last().copied().unwrap_or(to);
    if first > last {
        return Err(AppError::invalid(
            "from",
            format!("{from} is after to = {to}"),
        ));
    }
    Ok(first.range_to(last))
}

/// What the Notes sheet says about the caller's clearance.
fn clearance(caller: &Caller, lang: Lang) -> String {
    match caller.principal() {
        None if caller.is_known() => lang
            .pick(
                "the hub's operator: every value",
                "el operador del hub: todos los valores",
            )
            .to_owned(),
        None => lang
            .pick("anonymous: PUBLIC data only", "anónimo: solo datos PUBLIC")
            .to_owned(),
        Some(p) => {
            let scope = match (p.role, &p.country) {
                (hub_domain::access::Role::Country, Some(country)) => {
                    lang.pick(
                        "PUBLIC and INTERNAL data, and the SENSITIVE data of ",
                        "datos PUBLIC e INTERNAL, y los datos SENSITIVE de ",
                    )
                    .to_owned()
                        + country.as_str()
                }
                (hub_domain::access::Role::Analyst, _) => lang
                    .pick("PUBLIC and INTERNAL data", "datos PUBLIC e INTERNAL")
                    .to_owned(),
                _ => lang
                    .pick(
                        "PUBLIC, INTERNAL and SENSITIVE data",
                        "datos PUBLIC, INTERNAL y SENSITIVE",
                    )
                    .to_owned(),
            };
            format!("{} ({}): {scope}", p.label, p.role)
        }
    }
}

/// The currency policy, as the Notes sheet explains it (DESIGN §6).
fn currency_policy(lang: Lang) -> &'static str {
    lang.pick(
        "Money is converted to USD at the UN operational rate of exchange of the last month of the period (a year: its December); when that month has no rate, the latest earlier rate is used and the value is flagged RATE_STALE; without any rate the value keeps its currency, has no USD value and is flagged NO_RATE. Planned cost avoidance of a BOS year is converted at that year's December rate.",
        "Los montos se convierten a USD al tipo de cambio operacional de las Naciones Unidas del último mes del período (un año: su diciembre); si ese mes no tiene tipo de cambio, se usa el último anterior y el valor se marca RATE_STALE; sin ningún tipo de cambio el valor conserva su moneda, no tiene valor en USD y se marca NO_RATE. Los costos evitados planificados de un año de la BOS se convierten al tipo de cambio de diciembre de ese año.",
    )
}

/// The lines of a Notes sheet: what, as of when, for whom, and when it was made.
fn notes(
    caller: &Caller,
    lang: Lang,
    title: &str,
    as_of: Option<DateTime<Utc>>,
    extra: Vec<(String, String)>,
) -> Vec<(String, String)> {
    let mut lines = vec![
        (
            lang.pick("Export", "Exportación").to_owned(),
            title.to_owned(),
        ),
        (
            lang.pick("Currency policy", "Política cambiaria")
                .to_owned(),
            currency_policy(lang).to_owned(),
        ),
        (
            lang.pick("As of", "A la fecha de").to_owned(),
            as_of.map_or_else(
                || {
                    lang.pick(
                        "now: the current revision of every report",
                        "ahora: la revisión vigente de cada informe",
                    )
                    .to_owned()
                },
                |t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            ),
        ),
        (
            lang.pick("Who asked", "Solicitado por").to_owned(),
            clearance(caller, lang),
        ),
        (
            lang.pick("Exported at", "Exportado el").to_owned(),
            Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        ),
    ];
    lines.extend(extra);
    lines
}

impl App {
    /// Starts an export for `caller`: checks the request and the caller's right to it, then
    /// streams it. Anyone may export what they may see; a work plan the caller may not see is
    /// `NOT_FOUND`.
    #[tracing::instrument(skip_all, fields(caller = %caller.label(), request_id = caller.request_id(), kind = ?request.kind))]
    pub async fn export(&self, caller: &Caller, request: ExportRequest) -> AppResult<Download> {
        let format = format_of(&request)?;
        match request.kind {
            ExportKind::Values => values::start(self, caller, &request, format).await,
            ExportKind::Regional => regional::start(self, caller, &request, format).await,
            ExportKind::Bos => bos::start(self, caller, &request, format).await,
            ExportKind::WorkPlan(id) => workplan::start(self, caller, &request, format, id).await,
        }
    }
}

/// The link to an export (its path and query under the hub), for GraphQL and the pages;
/// checks the format against what the export offers.
pub fn export_link(
    kind: ExportKind,
    format: Option<ExportFormat>,
    lang: Option<Lang>,
    filters: &ExportFilters,
) -> AppResult<String> {
    let mut query = filters.query();
    if let Some(format) = format {
        if !kind.formats().contains(&format) {
            return Err(AppError::invalid(
                "format",
                format!(
                    "the {} export is not offered as {}",
                    kind.path(),
                    format.as_str()
                ),
            ));
        }
        query.insert(0, ("format", format.as_str().to_owned()));
    }
    if let Some(lang) = lang {
        query.push(("lang", lang.as_str().to_owned()));
    }
    Ok(with_query(
        &format!("/api/v1/exports/{}", kind.path()),
        &query,
    ))
}

/// A path with its query, values percent-encoded.
pub(crate) fn with_query(path: &str, query: &[(&'static str, String)]) -> String {
    if query.is_empty() {
        return path.to_owned();
    }
    let query: Vec<String> = query
        .iter()
        .map(|(k, v)| format!("{k}={}", percent_encode(v)))
        .collect();
    format!("{path}?{}", query.join("&"))
}

/// Percent-encodes a query value (RFC 3986 unreserved characters stay).
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(kind: ExportKind, format: Option<&str>, accept: Option<&str>) -> ExportRequest {
        ExportRequest {
            kind,
            format: format.map(str::to_owned),
            accept: accept.map(str::to_owned),
            lang: Lang::En,
            filters: ExportFilters::default(),
        }
    }

    #[test]
    fn the_format_comes_from_the_parameter_then_accept_then_csv() {
        let f = |kind, format, accept| format_of(&request(kind, format, accept));
        assert_eq!(
            f(ExportKind::Values, Some("xlsx"), None).unwrap(),
            ExportFormat::Xlsx
        );
        assert_eq!(
            f(ExportKind::Values, None, Some("application/json")).unwrap(),
            ExportFormat::Json
        );
        assert_eq!(
            f(ExportKind::Values, None, Some("*/*")).unwrap(),
            ExportFormat::Csv
        );
        assert_eq!(f(ExportKind::Bos, None, None).unwrap(), ExportFormat::Csv);
        assert!(matches!(
            f(ExportKind::Values, Some("pdf"), None),
            Err(AppError::Invalid { field: Some(field), .. }) if field == "format"
        ));
        assert!(f(ExportKind::Regional, Some("sdmx-csv"), None).is_err());
    }

    #[test]
    fn ranges_of_any_length_are_taken_in_order() {
        assert_eq!(
            quarters_between(Some("2024"), Some("2025-Q2"))
                .unwrap()
                .len(),
            6
        );
        assert_eq!(
            quarters_between(Some("2015-Q1"), Some("2026-Q4"))
                .unwrap()
                .len(),
            48
        );
        assert!(quarters_between(Some("2026-Q2"), Some("2025-Q1")).is_err());
        assert!(quarters_between(Some("2026-Q5"), None).is_err());
    }

    #[test]
    fn query_values_are_encoded() {
        assert_eq!(
            percent_encode("2026-07-01T00:00:00+02:00"),
            "2026-07-01T00%3A00%3A00%2B02%3A00"
        );
        assert_eq!(percent_encode("CA,PROC.LEADTIME"), "CA%2CPROC.LEADTIME");
    }
}
