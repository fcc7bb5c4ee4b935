//! Regional figures: `regionalKpi`, `kpiSeries`, `dashboard`, `completeness`. The figures are
//! the application's (`hub_app::figures`, DESIGN §8); these are their GraphQL views.

use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use hub_app::figures::KpiSeriesPoint;
use hub_app::figures::completeness::{CompletenessCell, CountryCompleteness};
use hub_app::figures::dashboard::{
    CountryFigures, RatingCounts, RegionalDashboard, ServiceLineFigures,
};
use hub_app::figures::kpi::{CountryKpiValue, FlagCount, RegionalKpiValue, ValueLineage};
use hub_domain::Decimal;
use hub_domain::analytics::{FigureFlag, Rating, Timeliness};
use hub_domain::catalogue::{
    Direction, ServiceLine, SpatialAggregation, TemporalAggregation, Unit,
};
use hub_domain::submission::ValueFlag;

use super::context;
use super::limits;
use super::submission::SubmissionSource;
use crate::error::GqlResult;

/// How many times a data-quality mark occurs behind a figure.
#[derive(SimpleObject, Debug, Clone)]
#[graphql(name = "FlagCount")]
pub struct FlagCountView {
    pub flag: FigureFlag,
    pub count: i32,
}

fn flag_counts(counts: &[FlagCount]) -> Vec<FlagCountView> {
    counts
        .iter()
        .map(|c| FlagCountView {
            flag: c.flag,
            count: c.count,
        })
        .collect()
}

/// One stored value behind a country's figure, with where it came from.
#[derive(SimpleObject, Debug, Clone)]
#[graphql(name = "ValueLineage")]
pub struct ValueLineageView {
    pub period: String,
    pub common_service: Option<String>,
    pub service_line: Option<ServiceLine>,
    /// Harmonized value (USD for money); null without a rate.
    pub value: Option<Decimal>,
    pub reported_kpi: String,
    pub reported_value: Decimal,
    pub currency: Option<String>,
    pub fx_rate: Option<Decimal>,
    pub fx_month: Option<String>,
    pub denominator: Option<Decimal>,
    pub revision: i32,
    pub submission_id: ID,
    pub source: SubmissionSource,
    pub flags: Vec<ValueFlag>,
}

impl From<&ValueLineage> for ValueLineageView {
    fn from(v: &ValueLineage) -> Self {
        Self {
            period: v.period.to_string(),
            common_service: v.common_service.clone(),
            service_line: v.service_line,
            value: v.value,
            reported_kpi: v.reported_kpi.clone(),
            reported_value: v.reported_value,
            currency: v.currency.clone(),
            fx_rate: v.fx_rate,
            fx_month: v.fx_month.map(|m| m.to_string()),
            denominator: v.denominator,
            revision: v.revision,
            submission_id: ID::from(v.submission_id),
            source: SubmissionSource::from(&v.source),
            flags: v.flags.clone(),
        }
    }
}

/// A country's value behind a regional figure.
#[derive(SimpleObject, Debug, Clone)]
#[graphql(name = "CountryKpiValue")]
pub struct CountryKpiValueView {
    pub country: String,
    /// The country's combined value; null when it reported none the caller may see.
    pub value: Option<Decimal>,
    /// The reported values combined the same way, in the reporting currency and unit.
    pub reported_value: Option<Decimal>,
    pub currency: Option<String>,
    /// The rate used, when every value behind the figure used the same one.
    pub fx_rate: Option<Decimal>,
    pub fx_month: Option<String>,
    pub weight: Option<Decimal>,
    pub baseline: Option<Decimal>,
    pub target: Option<Decimal>,
    /// `(value − baseline) / (target − baseline)`.
    pub progress: Option<Decimal>,
    /// Null when the value has no baseline and target to rate against.
    pub rating: Option<Rating>,
    /// Revision of the (latest) report behind the value.
    pub revision: Option<i32>,
    pub submission_id: Option<ID>,
    pub source: Option<SubmissionSource>,
    /// NO_DATA, RATE_STALE, NO_RATE, MISSING_WEIGHT, STALE_SOURCE, OVERFLOW.
    pub flags: Vec<FigureFlag>,
    /// Every value behind the figure.
    #[graphql(complexity = "limits::bounded(limits::size::FEW, child_complexity)")]
    pub values: Vec<ValueLineageView>,
}

impl From<&CountryKpiValue> for CountryKpiValueView {
    fn from(c: &CountryKpiValue) -> Self {
        Self {
            country: c.country.clone(),
            value: c.value,
            reported_value: c.reported_value,
            currency: c.currency.clone(),
            fx_rate: c.fx_rate,
            fx_month: c.fx_month.map(|m| m.to_string()),
            weight: c.weight,
            baseline: c.baseline,
            target: c.target,
            progress: c.progress,
            rating: c.rating,
            revision: c.revision,
            submission_id: c.submission_id.map(ID::from),
            source: c.source.as_ref().map(SubmissionSource::from),
            flags: c.flags.clone(),
            values: c.values.iter().map(ValueLineageView::from).collect(),
        }
    }
}

/// A regional figure of one KPI for one period.
#[derive(SimpleObject, Debug, Clone)]
#[graphql(name = "RegionalKpiValue")]
pub struct RegionalKpiValueView {
    pub kpi: String,
    pub name: String,
    pub period: String,
    pub unit: Unit,
    pub direction: Direction,
    /// How countries (and values within a country) combine.
    pub aggregation: SpatialAggregation,
    /// How the quarters of a year combine (for a yearly figure).
    pub temporal_aggregation: Option<TemporalAggregation>,
    pub service_line: Option<ServiceLine>,
    /// Null when no country contributes (`NO_DATA`), never 0.
    pub value: Option<Decimal>,
    /// The sum of the weights behind a weighted figure.
    pub weight: Option<Decimal>,
    pub reporting_countries: i32,
    pub expected_countries: i32,
    /// reportingCountries / expectedCountries.
    pub completeness: Option<Decimal>,
    /// `NO_DATA` when there is no value, `OVERFLOW` when it does not fit an exact decimal.
    pub flags: Vec<FigureFlag>,
    #[graphql(complexity = "limits::bounded(limits::size::FEW, child_complexity)")]
    pub data_quality: Vec<FlagCountView>,
    #[graphql(complexity = "limits::bounded(limits::size::COUNTRIES, child_complexity)")]
    pub by_country: Vec<CountryKpiValueView>,
}

impl From<&RegionalKpiValue> for RegionalKpiValueView {
    fn from(r: &RegionalKpiValue) -> Self {
        Self {
            kpi: r.kpi.clone(),
            name: r.name.clone(),
            period: r.period.to_string(),
            unit: r.unit,
            direction: r.direction,
            aggregation: r.aggregation,
            temporal_aggregation: r.temporal_aggregation,
            service_line: r.service_line,
            value: r.value,
            weight: r.weight,
            reporting_countries: r.reporting_countries,
            expected_countries: r.expected_countries,
            completeness: r.completeness,
            flags: r.flags.clone(),
            data_quality: flag_counts(&r.data_quality),
            by_country: r.by_country.iter().map(CountryKpiValueView::from).collect(),
        }
    }
}

/// One point of a KPI series: the regional figure (no country) or one country's.
#[derive(SimpleObject, Debug, Clone)]
#[graphql(name = "KpiSeriesPoint")]
pub struct KpiSeriesPointView {
    pub period: String,
    /// Null for the regional figure.
    pub country: Option<String>,
    pub value: Option<Decimal>,
    /// For the regional figure: how many countries contribute.
    pub reporting_countries: Option<i32>,
}

impl From<&KpiSeriesPoint> for KpiSeriesPointView {
    fn from(p: &KpiSeriesPoint) -> Self {
        Self {
            period: p.period.to_string(),
            country: p.country.clone(),
            value: p.value,
            reporting_countries: p.reporting_countries,
        }
    }
}

/// Counts of ratings of a country's KPI values against their baselines and targets.
#[derive(SimpleObject, Debug, Clone)]
#[graphql(name = "RatingCounts")]
pub struct RatingCountsView {
    pub met: i32,
    pub progress: i32,
    pub no_progress: i32,
    pub no_data: i32,
}

impl From<&RatingCounts> for RatingCountsView {
    fn from(r: &RatingCounts) -> Self {
        Self {
            met: r.met,
            progress: r.progress,
            no_progress: r.no_progress,
            no_data: r.no_data,
        }
    }
}

/// One service line's share.
#[derive(SimpleObject, Debug, Clone)]
#[graphql(name = "ServiceLineFigures")]
pub struct ServiceLineFiguresView {
    pub service_line: ServiceLine,
    /// Null when no cost avoidance was reported for the line.
    pub cost_avoidance_usd: Option<Decimal>,
    pub planned_cost_avoidance_usd: Option<Decimal>,
    pub realization_rate: Option<Decimal>,
    /// Active common services of the line.
    pub common_services: i32,
}

impl From<&ServiceLineFigures> for ServiceLineFiguresView {
    fn from(s: &ServiceLineFigures) -> Self {
        Self {
            service_line: s.service_line,
            cost_avoidance_usd: s.cost_avoidance_usd,
            planned_cost_avoidance_usd: s.planned_cost_avoidance_usd,
            realization_rate: s.realization_rate,
            common_services: s.common_services,
        }
    }
}

/// One country's figures.
#[derive(SimpleObject, Debug, Clone)]
#[graphql(name = "CountryFigures")]
pub struct CountryFiguresView {
    pub country: String,
    pub name: String,
    pub cost_avoidance_usd: Option<Decimal>,
    pub planned_cost_avoidance_usd: Option<Decimal>,
    pub realization_rate: Option<Decimal>,
    /// For a partial year: the plan's share for the quarters due so far (plan × due / 4).
    pub planned_due_usd: Option<Decimal>,
    /// Realized / the plan's share for the quarters due.
    pub realization_rate_due: Option<Decimal>,
    /// The plan's share for the quarters reported (plan × reported / 4).
    pub planned_reported_usd: Option<Decimal>,
    /// Realized / the plan's share for the quarters reported.
    pub realization_rate_reported: Option<Decimal>,
    pub common_services_active: i32,
    /// Whether it reported for at least one quarter of the period (that the caller may see).
    pub reported: bool,
    /// Whether every quarter due so far arrived within 30 days of its end.
    pub on_time: bool,
    /// Quarters reported, and due.
    pub quarters_reported: i32,
    pub quarters_due: i32,
    /// Whether its data comes from a federation source that has not synced for two intervals.
    pub stale: bool,
    pub ratings: RatingCountsView,
}

impl From<&CountryFigures> for CountryFiguresView {
    fn from(c: &CountryFigures) -> Self {
        Self {
            country: c.country.clone(),
            name: c.name.clone(),
            cost_avoidance_usd: c.cost_avoidance_usd,
            planned_cost_avoidance_usd: c.planned_cost_avoidance_usd,
            realization_rate: c.realization_rate,
            planned_due_usd: c.planned_due_usd,
            realization_rate_due: c.realization_rate_due,
            planned_reported_usd: c.planned_reported_usd,
            realization_rate_reported: c.realization_rate_reported,
            common_services_active: c.common_services_active,
            reported: c.reported,
            on_time: c.on_time,
            quarters_reported: c.quarters_reported,
            quarters_due: c.quarters_due,
            stale: c.stale,
            ratings: RatingCountsView::from(&c.ratings),
        }
    }
}

/// The regional dashboard.
#[derive(SimpleObject, Debug, Clone)]
#[graphql(name = "RegionalDashboard")]
pub struct RegionalDashboardView {
    pub year: i32,
    pub quarter: Option<i32>,
    pub service_line: Option<ServiceLine>,
    /// Realized cost avoidance in USD (values without a rate left out and counted in dataQuality).
    pub cost_avoidance_usd: Option<Decimal>,
    /// Planned cost avoidance of the current BOS of each country, at the December rate of the
    /// year (a quarter's share is a quarter of the year).
    pub planned_cost_avoidance_usd: Option<Decimal>,
    /// Realized / planned.
    pub realization_rate: Option<Decimal>,
    /// For a partial year: the plan's share for the quarters due so far (plan × due / 4).
    pub planned_due_usd: Option<Decimal>,
    /// Realized / the plan's share for the quarters due.
    pub realization_rate_due: Option<Decimal>,
    /// The plan's share for the quarters reported (Σ of each country's plan × its quarters reported / 4).
    pub planned_reported_usd: Option<Decimal>,
    /// Realized / the plan's share for the quarters reported.
    pub realization_rate_reported: Option<Decimal>,
    pub common_services_active: i32,
    /// Country-quarters reported / country-quarters due.
    pub completeness: Option<Decimal>,
    pub expected_countries: i32,
    pub reporting_countries: i32,
    #[graphql(complexity = "limits::bounded(limits::size::FEW, child_complexity)")]
    pub by_service_line: Vec<ServiceLineFiguresView>,
    #[graphql(complexity = "limits::bounded(limits::size::COUNTRIES, child_complexity)")]
    pub by_country: Vec<CountryFiguresView>,
    #[graphql(complexity = "limits::bounded(limits::size::FEW, child_complexity)")]
    pub data_quality: Vec<FlagCountView>,
}

impl From<&RegionalDashboard> for RegionalDashboardView {
    fn from(d: &RegionalDashboard) -> Self {
        Self {
            year: d.year,
            quarter: d.quarter,
            service_line: d.service_line,
            cost_avoidance_usd: d.cost_avoidance_usd,
            planned_cost_avoidance_usd: d.planned_cost_avoidance_usd,
            realization_rate: d.realization_rate,
            planned_due_usd: d.planned_due_usd,
            realization_rate_due: d.realization_rate_due,
            planned_reported_usd: d.planned_reported_usd,
            realization_rate_reported: d.realization_rate_reported,
            common_services_active: d.common_services_active,
            completeness: d.completeness,
            expected_countries: d.expected_countries,
            reporting_countries: d.reporting_countries,
            by_service_line: d
                .by_service_line
                .iter()
                .map(ServiceLineFiguresView::from)
                .collect(),
            by_country: d.by_country.iter().map(CountryFiguresView::from).collect(),
            data_quality: flag_counts(&d.data_quality),
        }
    }
}

/// One country's state for one quarter.
#[derive(SimpleObject, Debug, Clone)]
#[graphql(name = "CompletenessCell")]
pub struct CompletenessCellView {
    pub period: String,
    /// ON_TIME, LATE or MISSING; null while the quarter has not ended and nothing arrived.
    pub status: Option<Timeliness>,
    /// When the first revision arrived.
    pub received_at: Option<DateTime<Utc>>,
    pub revision: Option<i32>,
    pub submission_id: Option<ID>,
}

/// One country's row of the completeness matrix.
#[derive(SimpleObject, Debug, Clone)]
#[graphql(name = "CountryCompleteness")]
pub struct CountryCompletenessView {
    pub country: String,
    #[graphql(complexity = "limits::bounded(limits::size::FEW, child_complexity)")]
    pub periods: Vec<CompletenessCellView>,
    pub on_time: i32,
    pub late: i32,
    pub missing: i32,
}

impl From<&CountryCompleteness> for CountryCompletenessView {
    fn from(c: &CountryCompleteness) -> Self {
        let cell = |p: &CompletenessCell| CompletenessCellView {
            period: p.period.to_string(),
            status: p.status,
            received_at: p.received_at,
            revision: p.revision,
            submission_id: p.submission_id.map(ID::from),
        };
        Self {
            country: c.country.clone(),
            periods: c.periods.iter().map(cell).collect(),
            on_time: c.on_time,
            late: c.late,
            missing: c.missing,
        }
    }
}

#[derive(Default, Debug)]
pub struct AnalyticsQuery;

#[Object]
impl AnalyticsQuery {
    /// The regional figure of one KPI for a period (`YYYY-Qn` or `YYYY`), with its drill-down by
    /// country; `asOf` gives the figure as it stood then, from the revisions received by then.
    async fn regional_kpi(
        &self,
        ctx: &Context<'_>,
        kpi: String,
        period: String,
        service_line: Option<ServiceLine>,
        as_of: Option<DateTime<Utc>>,
    ) -> GqlResult<RegionalKpiValueView> {
        let (app, caller) = context(ctx)?;
        let figure = app
            .regional_kpi(caller, &kpi, &period, service_line, as_of)
            .await?;
        Ok(RegionalKpiValueView::from(figure.as_ref()))
    }

    /// A KPI per period from `from` to `to` (both quarters or both years, at most 40 quarters):
    /// the regional figure and each country's (or the listed countries').
    #[graphql(complexity = "limits::bounded(limits::size::MANY, child_complexity)")]
    async fn kpi_series(
        &self,
        ctx: &Context<'_>,
        kpi: String,
        from: String,
        to: String,
        countries: Option<Vec<String>>,
    ) -> GqlResult<Vec<KpiSeriesPointView>> {
        let (app, caller) = context(ctx)?;
        let series = app.kpi_series(caller, &kpi, &from, &to, countries).await?;
        Ok(series.iter().map(KpiSeriesPointView::from).collect())
    }

    /// The regional BOS dashboard for a year or one of its quarters.
    async fn dashboard(
        &self,
        ctx: &Context<'_>,
        year: i32,
        quarter: Option<i32>,
        service_line: Option<ServiceLine>,
        as_of: Option<DateTime<Utc>>,
    ) -> GqlResult<RegionalDashboardView> {
        let (app, caller) = context(ctx)?;
        let dashboard = app
            .dashboard(caller, year, quarter, service_line, as_of)
            .await?;
        Ok(RegionalDashboardView::from(dashboard.as_ref()))
    }

    /// Who reported for which quarter from `from` to `to`: ON_TIME, LATE or MISSING.
    #[graphql(complexity = "limits::bounded(limits::size::COUNTRIES, child_complexity)")]
    async fn completeness(
        &self,
        ctx: &Context<'_>,
        from: String,
        to: String,
    ) -> GqlResult<Vec<CountryCompletenessView>> {
        let (app, caller) = context(ctx)?;
        let matrix = app.completeness(caller, &from, &to).await?;
        Ok(matrix.iter().map(CountryCompletenessView::from).collect())
    }
}
