//! Administration of what ingestion harmonizes with: exchange rates, local-code mappings,
//! locked periods. Mutations are for ADMIN tokens; the lists are readable by anyone.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use hub_app::reference::{Mapping, MappingRequest, RateInput};
use hub_domain::Decimal;

use super::context;
use super::limits;
use crate::error::GqlResult;

/// One month's rate: units of `currency` per 1 USD.
#[derive(InputObject, Debug)]
pub struct ExchangeRateInput {
    pub currency: String,
    /// `YYYY-MM`.
    pub month: String,
    pub rate: Decimal,
}

/// A local KPI code of a country and the regional KPI it maps to:
/// `regional = local × factor + offset`.
#[derive(InputObject, Debug)]
pub struct KpiMappingInput {
    pub country: String,
    pub local_code: String,
    pub kpi: String,
    #[graphql(default_with = "Decimal::ONE")]
    pub factor: Decimal,
    #[graphql(default_with = "Decimal::ZERO")]
    pub offset: Decimal,
}

/// A version of a local-code mapping.
#[derive(SimpleObject, Debug)]
#[graphql(name = "KpiMapping")]
pub struct KpiMappingView {
    pub id: ID,
    pub country: String,
    pub local_code: String,
    pub kpi: String,
    pub factor: Decimal,
    pub offset: Decimal,
    pub version: i32,
    /// Whether this is the version applied to new submissions.
    pub active: bool,
}

impl From<Mapping> for KpiMappingView {
    fn from(m: Mapping) -> Self {
        Self {
            id: ID::from(m.id),
            country: m.country,
            local_code: m.local_code,
            kpi: m.kpi,
            factor: m.factor,
            offset: m.offset,
            version: m.version,
            active: m.active,
        }
    }
}

#[derive(Default, Debug)]
pub struct AdminQuery;

#[Object]
impl AdminQuery {
    /// Local-code mappings, every version, optionally of one country.
    #[graphql(complexity = "limits::bounded(limits::size::MANY, child_complexity)")]
    async fn kpi_mappings(
        &self,
        ctx: &Context<'_>,
        country: Option<String>,
    ) -> GqlResult<Vec<KpiMappingView>> {
        let (app, _) = context(ctx)?;
        Ok(app
            .kpi_mappings(country.as_deref())
            .await?
            .into_iter()
            .map(KpiMappingView::from)
            .collect())
    }

    /// Periods closed to submissions.
    async fn locked_periods(&self, ctx: &Context<'_>) -> GqlResult<Vec<String>> {
        let (app, _) = context(ctx)?;
        Ok(app.locked_periods().await?)
    }
}

#[derive(Default, Debug)]
pub struct AdminMutation;

#[Object]
impl AdminMutation {
    /// Inserts or replaces monthly rates (ADMIN). Returns how many were written.
    async fn upsert_exchange_rates(
        &self,
        ctx: &Context<'_>,
        rates: Vec<ExchangeRateInput>,
    ) -> GqlResult<i32> {
        let (app, caller) = context(ctx)?;
        let rates: Vec<RateInput> = rates
            .into_iter()
            .map(|r| RateInput {
                currency: r.currency,
                month: r.month,
                rate: r.rate,
            })
            .collect();
        let written = app.upsert_exchange_rates(caller, &rates, "api").await?;
        Ok(i32::try_from(written).unwrap_or(i32::MAX))
    }

    /// Maps a country's local KPI code to a regional KPI (ADMIN). A change makes a new version.
    async fn upsert_kpi_mapping(
        &self,
        ctx: &Context<'_>,
        input: KpiMappingInput,
    ) -> GqlResult<KpiMappingView> {
        let (app, caller) = context(ctx)?;
        let request = MappingRequest {
            country: input.country,
            local_code: input.local_code,
            kpi: input.kpi,
            factor: input.factor,
            offset: input.offset,
        };
        Ok(app.upsert_kpi_mapping(caller, request).await?.into())
    }

    /// Locks a period (`YYYY-Qn`, or `YYYY` for the whole year) to submissions (ADMIN).
    /// Returns whether it was newly locked.
    async fn lock_period(&self, ctx: &Context<'_>, period: String) -> GqlResult<bool> {
        let (app, caller) = context(ctx)?;
        Ok(app.lock_period(caller, &period).await?)
    }
}
