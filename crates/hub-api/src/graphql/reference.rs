//! Reference data: country teams, the KPI catalogue and exchange rates.

use async_graphql::{Context, Object, SimpleObject};
use hub_app::reference::CountryTeam;
use hub_app::submissions::SubmissionParts;
use hub_domain::Decimal;
use hub_domain::catalogue::{
    Direction, KpiDefinition, ServiceLine, SpatialAggregation, TemporalAggregation, Unit,
};

use super::context;
use super::limits;
use super::submission::{CommonServiceView, SubmissionView, ValueView, parts_of};
use crate::error::GqlResult;

/// A UN country team of the region.
#[derive(Debug, Clone)]
pub struct CountryTeamView(pub CountryTeam);

#[Object(name = "CountryTeam")]
impl CountryTeamView {
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
        let parts: SubmissionParts = parts_of(ctx.look_ahead());
        let code = self.0.code.as_str();
        Ok(app
            .current_bos(caller, &[code], parts)
            .await?
            .remove(code)
            .map(SubmissionView))
    }
    /// The country's common services: those of its current BOS (with CBA and priority ratio),
    /// or, without a BOS, those of its latest report.
    #[graphql(complexity = "limits::bounded(limits::size::FEW, child_complexity)")]
    async fn common_services(&self, ctx: &Context<'_>) -> GqlResult<Vec<CommonServiceView>> {
        let (app, caller) = context(ctx)?;
        Ok(app
            .country_common_services(caller, self.0.code.as_str())
            .await?
            .into_iter()
            .map(CommonServiceView)
            .collect())
    }
    /// The country's current values for a period (`YYYY-Qn`, or `YYYY` for its quarters) that
    /// the caller may see, with lineage.
    #[graphql(complexity = "limits::bounded(limits::size::MANY, child_complexity)")]
    async fn values(&self, ctx: &Context<'_>, period: String) -> GqlResult<Vec<ValueView>> {
        let (app, caller) = context(ctx)?;
        Ok(app
            .country_values(caller, self.0.code.as_str(), &period)
            .await?
            .into_iter()
            .map(ValueView)
            .collect())
    }
}

/// A KPI of the regional catalogue with its aggregation rules.
#[derive(SimpleObject, Debug)]
#[graphql(name = "KpiDefinition")]
pub struct KpiView {
    pub code: String,
    pub name: String,
    /// The name in Spanish (the UN's terms, `glossary-en-es.csv`).
    pub name_es: String,
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
            name_es: k.name_in(hub_domain::i18n::Lang::Es).to_owned(),
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

#[Object]
impl ReferenceQuery {
    /// The region's country teams, by code.
    #[graphql(complexity = "limits::bounded(limits::size::COUNTRIES, child_complexity)")]
    async fn countries(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = true)] active_only: bool,
    ) -> GqlResult<Vec<CountryTeamView>> {
        let (app, _) = context(ctx)?;
        let teams = app.countries(active_only).await?;
        Ok(teams.into_iter().map(CountryTeamView).collect())
    }

    /// One country team, or null when the code is unknown.
    async fn country(&self, ctx: &Context<'_>, code: String) -> GqlResult<Option<CountryTeamView>> {
        let (app, _) = context(ctx)?;
        Ok(app.country(&code).await?.map(CountryTeamView))
    }

    /// The regional KPI catalogue.
    #[graphql(complexity = "limits::bounded(limits::size::COUNTRIES, child_complexity)")]
    async fn kpis(&self, ctx: &Context<'_>) -> GqlResult<Vec<KpiView>> {
        let (app, _) = context(ctx)?;
        let kpis = app.kpis().await?;
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
        let rates = app
            .exchange_rates(&currency, from.as_deref(), to.as_deref())
            .await?;
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
