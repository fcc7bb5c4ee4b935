//! Reference data: country teams, the KPI catalogue and exchange rates.

use async_graphql::{Context, Object, SimpleObject};
use hub_domain::Decimal;
use hub_domain::catalogue::{
    Direction, KpiDefinition, ServiceLine, SpatialAggregation, TemporalAggregation, Unit,
};
use hub_domain::codes::CurrencyCode;
use hub_domain::period::Month;
use hub_store::reference;

use super::context;
use super::limits;
use super::submission::{CommonServiceView, StoredValue, SubmissionSource, SubmissionView};
use crate::analytics::dataset::visible;
use crate::error::{ApiError, GqlResult};
use hub_domain::period::Period;
use hub_store::submissions;

/// A UN country team of the region.
#[derive(Debug, Clone)]
pub struct CountryTeam(pub reference::CountryTeam);

#[Object]
impl CountryTeam {
    /// ISO 3166-1 alpha-3 code of the host country.
    async fn code(&self) -> &str {
        self.0.code.as_str()
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn subregion(&self) -> &str {
        &self.0.subregion
    }
    /// Local currency (ISO 4217).
    async fn currency(&self) -> &str {
        self.0.currency.as_str()
    }
    /// Whether this is a multi-country office.
    async fn multi_country_office(&self) -> bool {
        self.0.multi_country_office
    }
    /// Further countries a multi-country office covers.
    async fn also_covers(&self) -> &[String] {
        &self.0.also_covers
    }
    /// Whether the team is expected to report.
    async fn active(&self) -> bool {
        self.0.active
    }
    /// The current BOS (the current revision whose cycle starts last), if the caller may see it.
    async fn current_bos(&self, ctx: &Context<'_>) -> GqlResult<Option<SubmissionView>> {
        let (app, caller) = context(ctx)?;
        let bos = submissions::current_bos(app.db(), self.0.code.as_str()).await?;
        Ok(bos
            .filter(|b| visible(&caller.viewer(), &b.classification, &b.country))
            .map(SubmissionView))
    }
    /// The country's common services: those of its current BOS (with CBA and priority ratio),
    /// or, without a BOS, those of its latest report.
    #[graphql(complexity = "limits::bounded(limits::size::FEW, child_complexity)")]
    async fn common_services(&self, ctx: &Context<'_>) -> GqlResult<Vec<CommonServiceView>> {
        let (app, caller) = context(ctx)?;
        let viewer = caller.viewer();
        let code = self.0.code.as_str();
        let source = match submissions::current_bos(app.db(), code).await? {
            Some(bos) => Some(bos),
            None => submissions::latest_report(app.db(), code).await?,
        };
        let Some(source) = source.filter(|s| visible(&viewer, &s.classification, &s.country))
        else {
            return Ok(vec![]);
        };
        Ok(submissions::services_of(app.db(), source.id)
            .await?
            .into_iter()
            .map(CommonServiceView)
            .collect())
    }
    /// The country's current values for a period (`YYYY-Qn`, or `YYYY` for its quarters) that
    /// the caller may see, with lineage.
    #[graphql(complexity = "limits::bounded(limits::size::MANY, child_complexity)")]
    async fn values(&self, ctx: &Context<'_>, period: String) -> GqlResult<Vec<StoredValue>> {
        let (app, caller) = context(ctx)?;
        let viewer = caller.viewer();
        let period: Period = period.parse().map_err(|e| ApiError::invalid("period", e))?;
        let periods: Vec<String> = period.quarters().iter().map(ToString::to_string).collect();
        let rows = submissions::current_values(app.db(), self.0.code.as_str(), &periods).await?;
        let mut values = Vec::new();
        let mut sources: std::collections::HashMap<i64, SubmissionSource> = Default::default();
        for row in rows {
            if !visible(&viewer, &row.classification, &row.country) {
                continue;
            }
            if !sources.contains_key(&row.submission_id)
                && let Some(s) = submissions::get(app.db(), row.submission_id).await?
            {
                sources.insert(row.submission_id, SubmissionView(s).lineage_source());
            }
            let source = sources
                .get(&row.submission_id)
                .cloned()
                .unwrap_or(SubmissionSource {
                    kind: hub_domain::submission::SourceKind::Push,
                    name: String::new(),
                    source_id: None,
                });
            values.push(StoredValue { row, source });
        }
        Ok(values)
    }
}

/// A KPI of the regional catalogue with its aggregation rules.
#[derive(SimpleObject, Debug)]
#[graphql(name = "KpiDefinition")]
pub struct KpiView {
    pub code: String,
    pub name: String,
    pub unit: Unit,
    /// Which way is better.
    pub direction: Direction,
    /// How values combine across countries.
    pub spatial_aggregation: SpatialAggregation,
    /// How the quarters of a year combine.
    pub temporal_aggregation: TemporalAggregation,
    pub service_line: Option<ServiceLine>,
    pub description: String,
}

impl From<KpiDefinition> for KpiView {
    fn from(k: KpiDefinition) -> Self {
        Self {
            code: k.code.to_string(),
            name: k.name,
            unit: k.unit,
            direction: k.direction,
            spatial_aggregation: k.spatial,
            temporal_aggregation: k.temporal,
            service_line: k.service_line,
            description: k.description,
        }
    }
}

/// One month's UN operational rate of exchange: units of `currency` per 1 USD.
#[derive(SimpleObject, Debug)]
pub struct ExchangeRate {
    pub currency: String,
    /// `YYYY-MM`.
    pub month: String,
    pub rate: Decimal,
}

#[derive(Default, Debug)]
pub struct ReferenceQuery;

fn parse_month(field: &str, text: Option<String>) -> Result<Option<Month>, ApiError> {
    text.map(|t| t.parse().map_err(|e| ApiError::invalid(field, e)))
        .transpose()
}

#[Object]
impl ReferenceQuery {
    /// The region's country teams, by code.
    #[graphql(complexity = "limits::bounded(limits::size::COUNTRIES, child_complexity)")]
    async fn countries(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = true)] active_only: bool,
    ) -> GqlResult<Vec<CountryTeam>> {
        let (app, _) = context(ctx)?;
        let teams = reference::countries(app.db(), active_only).await?;
        Ok(teams.into_iter().map(CountryTeam).collect())
    }

    /// One country team, or null when the code is unknown.
    async fn country(&self, ctx: &Context<'_>, code: String) -> GqlResult<Option<CountryTeam>> {
        let (app, _) = context(ctx)?;
        let team = reference::country(app.db(), &code.to_uppercase()).await?;
        Ok(team.map(CountryTeam))
    }

    /// The regional KPI catalogue.
    #[graphql(complexity = "limits::bounded(limits::size::COUNTRIES, child_complexity)")]
    async fn kpis(&self, ctx: &Context<'_>) -> GqlResult<Vec<KpiView>> {
        let (app, _) = context(ctx)?;
        let kpis = reference::kpis(app.db()).await?;
        Ok(kpis.into_iter().map(KpiView::from).collect())
    }

    /// Monthly rates of one currency, optionally from and to a month (`YYYY-MM`, inclusive).
    #[graphql(complexity = "limits::bounded(limits::size::MANY, child_complexity)")]
    async fn exchange_rates(
        &self,
        ctx: &Context<'_>,
        currency: String,
        from: Option<String>,
        to: Option<String>,
    ) -> GqlResult<Vec<ExchangeRate>> {
        let (app, _) = context(ctx)?;
        let code = CurrencyCode::parse(&currency).map_err(|e| ApiError::invalid("currency", e))?;
        let from = parse_month("from", from)?;
        let to = parse_month("to", to)?;
        if let (Some(from), Some(to)) = (from, to)
            && from > to
        {
            return Err(ApiError::invalid(
                "from",
                format!("{from} is after to = {to}"),
            ));
        }
        if !reference::currency_exists(app.db(), code.as_str()).await? {
            return Err(ApiError::NotFound(format!("unknown currency {code}")));
        }
        let rates = reference::exchange_rates(app.db(), &code, from, to).await?;
        Ok(rates
            .into_iter()
            .map(|r| ExchangeRate {
                currency: r.currency.to_string(),
                month: r.month.to_string(),
                rate: r.rate.units_per_usd(),
            })
            .collect())
    }
}
