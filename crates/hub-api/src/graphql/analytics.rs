//! Regional figures: `regionalKpi`, `kpiSeries`, `dashboard`, `completeness`.

use async_graphql::{Context, Object};
use chrono::{DateTime, Utc};
use hub_domain::catalogue::ServiceLine;

use super::context;
use super::limits;
use crate::analytics::completeness::CountryCompleteness;
use crate::analytics::dashboard::RegionalDashboard;
use crate::analytics::kpi::RegionalKpiValue;
use crate::analytics::{self, KpiSeriesPoint};
use crate::error::GqlResult;

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
    ) -> GqlResult<RegionalKpiValue> {
        let (app, caller) = context(ctx)?;
        let figure =
            analytics::regional_kpi(app, &caller.viewer(), &kpi, &period, service_line, as_of)
                .await?;
        Ok((*figure).clone())
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
    ) -> GqlResult<Vec<KpiSeriesPoint>> {
        let (app, caller) = context(ctx)?;
        let series =
            analytics::kpi_series(app, &caller.viewer(), &kpi, &from, &to, countries).await?;
        Ok((*series).clone())
    }

    /// The regional BOS dashboard for a year or one of its quarters.
    async fn dashboard(
        &self,
        ctx: &Context<'_>,
        year: i32,
        quarter: Option<i32>,
        service_line: Option<ServiceLine>,
        as_of: Option<DateTime<Utc>>,
    ) -> GqlResult<RegionalDashboard> {
        let (app, caller) = context(ctx)?;
        let dashboard =
            analytics::dashboard(app, &caller.viewer(), year, quarter, service_line, as_of).await?;
        Ok((*dashboard).clone())
    }

    /// Who reported for which quarter from `from` to `to`: ON_TIME, LATE or MISSING.
    #[graphql(complexity = "limits::bounded(limits::size::COUNTRIES, child_complexity)")]
    async fn completeness(
        &self,
        ctx: &Context<'_>,
        from: String,
        to: String,
    ) -> GqlResult<Vec<CountryCompleteness>> {
        let (app, caller) = context(ctx)?;
        let matrix = analytics::completeness(app, &caller.viewer(), &from, &to).await?;
        Ok((*matrix).clone())
    }
}
