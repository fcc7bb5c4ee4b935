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
use crate::error::{ApiError, GqlResult};

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
    async fn kpis(&self, ctx: &Context<'_>) -> GqlResult<Vec<KpiView>> {
        let (app, _) = context(ctx)?;
        let kpis = reference::kpis(app.db()).await?;
        Ok(kpis.into_iter().map(KpiView::from).collect())
    }

    /// Monthly rates of one currency, optionally from and to a month (`YYYY-MM`, inclusive).
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
