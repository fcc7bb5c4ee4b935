//! Regional figures (DESIGN §8): `regionalKpi`, `kpiSeries`, `dashboard` and `completeness`,
//! with a cache of computed results.
//!
//! Every figure is computed over the values the caller may see. Results are cached under a key
//! made of the question, its arguments, the caller's clearance, the data version (advanced by
//! every accepted submission, rate or mapping change, in the same transaction) and the day, so a
//! cached figure is never stale after a write.
//!
//! Layout: [`dataset`] loads what a question needs in a fixed number of queries; [`kpi`],
//! [`dashboard`] and [`completeness`] compute from it; [`cache`] keeps results.

pub mod cache;
pub mod completeness;
pub mod dashboard;
pub mod dataset;
pub mod kpi;
pub mod quality;

use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use hub_domain::Decimal;
use hub_domain::catalogue::ServiceLine;
use hub_domain::period::Period;

use self::cache::Cached;
use self::completeness::CountryCompleteness;
use self::dashboard::{BosInputs, DashboardArgs, RegionalDashboard};
use self::dataset::{Dataset, Parts};
use self::kpi::RegionalKpiValue;
use crate::error::{AppError, AppResult};
use crate::reference::kpi_of;
use crate::{App, Caller};

/// The longest range a series or completeness matrix may span, in quarters.
pub const MAX_RANGE_QUARTERS: i64 = 40;

fn parse_period(field: &str, text: &str) -> Result<Period, AppError> {
    text.parse().map_err(|e| AppError::invalid(field, e))
}

/// Checks a `from`..`to` range: same kind, in order, at most 40 quarters.
pub fn parse_range(from: &str, to: &str) -> Result<Vec<Period>, AppError> {
    let (from, to) = (parse_period("from", from)?, parse_period("to", to)?);
    if from.is_quarter() != to.is_quarter() {
        return Err(AppError::invalid(
            "to",
            "from and to must both be quarters or both years",
        ));
    }
    if from > to {
        return Err(AppError::invalid(
            "from",
            format!("{from} is after to = {to}"),
        ));
    }
    let quarters = if from.is_quarter() {
        from.count_to(to)
    } else {
        from.count_to(to) * 4
    };
    if quarters > MAX_RANGE_QUARTERS {
        return Err(AppError::invalid(
            "to",
            format!(
                "the range spans {quarters} quarters; at most {MAX_RANGE_QUARTERS} are allowed"
            ),
        ));
    }
    Ok(from.range_to(to))
}

pub(crate) fn quarters_of(periods: &[Period]) -> Vec<Period> {
    let mut quarters: Vec<Period> = periods.iter().flat_map(|p| p.quarters()).collect();
    quarters.sort();
    quarters.dedup();
    quarters
}

pub(crate) fn today() -> chrono::NaiveDate {
    Utc::now().date_naive()
}

/// One point of a KPI series: the regional figure (no country) or one country's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KpiSeriesPoint {
    pub period: Period,
    /// None for the regional figure.
    pub country: Option<String>,
    pub value: Option<Decimal>,
    /// For the regional figure: how many countries contribute.
    pub reporting_countries: Option<i32>,
}

impl App {
    /// The regional figure of one KPI for a period (`YYYY-Qn` or `YYYY`), with its drill-down by
    /// country, over what the caller may see; `as_of` gives it as it stood then.
    #[tracing::instrument(skip(self, caller), fields(caller = %caller.label(), request_id = caller.request_id()))]
    pub async fn regional_kpi(
        &self,
        caller: &Caller,
        kpi: &str,
        period: &str,
        service_line: Option<ServiceLine>,
        as_of: Option<DateTime<Utc>>,
    ) -> AppResult<Arc<RegionalKpiValue>> {
        let viewer = caller.viewer();
        let period = parse_period("period", period)?;
        let versions = self.versions().await?;
        let reference = self.reference_data(versions).await?;
        let definition = kpi_of(&reference, kpi)?;
        let key = format!("kpi|{kpi}|{period}|{service_line:?}|{as_of:?}");
        let today = today();
        self.figures()
            .get(versions.data, &viewer, key, today, async {
                let dataset = Dataset::load(
                    self.db(),
                    &reference,
                    &viewer,
                    &period.quarters(),
                    Parts {
                        kpis: Some(&[definition.code.to_string()]),
                        services: false,
                    },
                    as_of,
                    today,
                )
                .await?;
                Ok(Cached::Kpi(Arc::new(kpi::regional_kpi(
                    &dataset,
                    &definition,
                    period,
                    service_line,
                ))))
            })
            .await
            .and_then(Cached::into_kpi)
    }

    /// A KPI per period from `from` to `to` (both quarters or both years, at most 40 quarters):
    /// the regional figure and each country's (or the listed countries').
    #[tracing::instrument(skip(self, caller), fields(caller = %caller.label(), request_id = caller.request_id()))]
    pub async fn kpi_series(
        &self,
        caller: &Caller,
        kpi: &str,
        from: &str,
        to: &str,
        countries: Option<Vec<String>>,
    ) -> AppResult<Arc<Vec<KpiSeriesPoint>>> {
        let viewer = caller.viewer();
        let periods = parse_range(from, to)?;
        let versions = self.versions().await?;
        let reference = self.reference_data(versions).await?;
        let definition = kpi_of(&reference, kpi)?;
        let known: BTreeSet<String> = hub_store::reference::countries(self.db(), false)
            .await?
            .into_iter()
            .map(|c| c.code.to_string())
            .collect();
        let countries: Option<Vec<String>> =
            countries.map(|list| list.into_iter().map(|c| c.to_uppercase()).collect());
        if let Some(list) = &countries
            && let Some(unknown) = list.iter().find(|c| !known.contains(*c))
        {
            return Err(AppError::NotFound(format!(
                "unknown country team {unknown}"
            )));
        }
        let key = format!("series|{kpi}|{from}|{to}|{countries:?}");
        let today = today();
        self.figures()
            .get(versions.data, &viewer, key, today, async {
                let dataset = Dataset::load(
                    self.db(),
                    &reference,
                    &viewer,
                    &quarters_of(&periods),
                    Parts {
                        kpis: Some(&[definition.code.to_string()]),
                        services: false,
                    },
                    None,
                    today,
                )
                .await?;
                let mut points = Vec::new();
                for period in &periods {
                    let figure = kpi::regional_kpi(&dataset, &definition, *period, None);
                    points.push(KpiSeriesPoint {
                        period: *period,
                        country: None,
                        value: figure.value,
                        reporting_countries: Some(figure.reporting_countries),
                    });
                    for row in figure.by_country {
                        if countries
                            .as_ref()
                            .is_none_or(|list| list.contains(&row.country))
                        {
                            points.push(KpiSeriesPoint {
                                period: *period,
                                country: Some(row.country),
                                value: row.value,
                                reporting_countries: None,
                            });
                        }
                    }
                }
                Ok(Cached::Series(Arc::new(points)))
            })
            .await
            .and_then(Cached::into_series)
    }

    /// The regional BOS dashboard for a year or one of its quarters.
    #[tracing::instrument(skip(self, caller), fields(caller = %caller.label(), request_id = caller.request_id()))]
    pub async fn dashboard(
        &self,
        caller: &Caller,
        year: i32,
        quarter: Option<i32>,
        service_line: Option<ServiceLine>,
        as_of: Option<DateTime<Utc>>,
    ) -> AppResult<Arc<RegionalDashboard>> {
        let viewer = caller.viewer();
        let year_period = Period::year(year).map_err(|e| AppError::invalid("year", e))?;
        let quarter = match quarter {
            None => None,
            Some(q) => Some(
                u8::try_from(q)
                    .ok()
                    .filter(|q| (1..=4).contains(q))
                    .ok_or_else(|| {
                        AppError::invalid("quarter", format!("{q} is not a quarter from 1 to 4"))
                    })?,
            ),
        };
        let period = match quarter {
            Some(q) => Period::quarter(year, q).map_err(|e| AppError::invalid("quarter", e))?,
            None => year_period,
        };
        let key = format!("dashboard|{year}|{quarter:?}|{service_line:?}|{as_of:?}");
        let today = today();
        let versions = self.versions().await?;
        self.figures()
            .get(versions.data, &viewer, key, today, async {
                let reference = self.reference_data(versions).await?;
                // Independent reads, at once (each on a connection of its own on PostgreSQL);
                // boxed, as three such futures side by side are too large for a thread's stack.
                let quarters = period.quarters();
                let (dataset, bos, stale) = tokio::try_join!(
                    Box::pin(Dataset::load(
                        self.db(),
                        &reference,
                        &viewer,
                        &quarters,
                        Parts {
                            kpis: None,
                            services: true,
                        },
                        as_of,
                        today,
                    )),
                    Box::pin(BosInputs::load(self.db(), &viewer, year, as_of)),
                    async {
                        hub_store::sources::stale_countries(self.db(), Utc::now())
                            .await
                            .map_err(AppError::from)
                    },
                )?;
                let args = DashboardArgs {
                    year,
                    quarter,
                    service_line,
                };
                let d = dashboard::dashboard(&reference, &dataset, bos, &args, &stale)?;
                Ok(Cached::Dashboard(Arc::new(d)))
            })
            .await
            .and_then(Cached::into_dashboard)
    }

    /// Who reported for which quarter from `from` to `to`: ON_TIME, LATE or MISSING.
    #[tracing::instrument(skip(self, caller), fields(caller = %caller.label(), request_id = caller.request_id()))]
    pub async fn completeness(
        &self,
        caller: &Caller,
        from: &str,
        to: &str,
    ) -> AppResult<Arc<Vec<CountryCompleteness>>> {
        self.completeness_as_of(caller, from, to, None).await
    }

    /// The completeness matrix as it stood at `as_of` (exports).
    pub(crate) async fn completeness_as_of(
        &self,
        caller: &Caller,
        from: &str,
        to: &str,
        as_of: Option<DateTime<Utc>>,
    ) -> AppResult<Arc<Vec<CountryCompleteness>>> {
        let viewer = caller.viewer();
        let periods = parse_range(from, to)?;
        let quarters = quarters_of(&periods);
        let key = format!("completeness|{from}|{to}|{as_of:?}");
        let today = today();
        let versions = self.versions().await?;
        self.figures()
            .get(versions.data, &viewer, key, today, async {
                let reference = self.reference_data(versions).await?;
                let dataset = Dataset::load(
                    self.db(),
                    &reference,
                    &viewer,
                    &quarters,
                    Parts {
                        kpis: Some(&[]),
                        services: false,
                    },
                    as_of,
                    today,
                )
                .await?;
                Ok(Cached::Completeness(Arc::new(completeness::completeness(
                    &dataset, &quarters,
                ))))
            })
            .await
            .and_then(Cached::into_completeness)
    }

    /// Forgets every computed figure (benchmarks measure cold figures with it).
    pub fn forget_figures(&self) {
        self.figures().clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_checked_and_named() {
        assert_eq!(parse_range("2024-Q3", "2026-Q2").unwrap().len(), 8);
        assert_eq!(parse_range("2020", "2025").unwrap().len(), 6);
        let field = |r: Result<Vec<Period>, AppError>| match r {
            Err(AppError::Invalid { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            field(parse_range("2026-Q2", "2024-Q3")).as_deref(),
            Some("from")
        );
        assert_eq!(
            field(parse_range("2014-Q1", "2026-Q2")).as_deref(),
            Some("to")
        );
        assert_eq!(field(parse_range("2024", "2026-Q2")).as_deref(), Some("to"));
        assert_eq!(
            field(parse_range("2024-Q5", "2026-Q2")).as_deref(),
            Some("from")
        );
    }
}
