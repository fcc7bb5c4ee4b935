//! Administration of what ingestion harmonizes with: exchange rates, local-code mappings,
//! locked periods. Mutations are for ADMIN tokens; the lists are readable by anyone.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use hub_domain::Decimal;
use hub_domain::access::Role;
use hub_domain::codes::{CountryCode, CurrencyCode, KpiCode};
use hub_domain::money::Rate;
use hub_domain::period::Period;
use hub_store::mappings::{self, Mapping, MappingInput};
use hub_store::reference::ExchangeRate;

use super::context;
use super::limits;
use crate::error::{ApiError, GqlResult};

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
        let country = country.map(|c| c.to_uppercase());
        Ok(mappings::list(app.db(), country.as_deref())
            .await?
            .into_iter()
            .map(KpiMappingView::from)
            .collect())
    }

    /// Periods closed to submissions.
    async fn locked_periods(&self, ctx: &Context<'_>) -> GqlResult<Vec<String>> {
        let (app, _) = context(ctx)?;
        Ok(hub_store::locks::list(app.db()).await?)
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
        let principal = caller.require(&[Role::Admin], "loading exchange rates")?;
        if rates.is_empty() {
            return Err(ApiError::invalid("rates", "give at least one rate"));
        }
        let parsed = rates
            .into_iter()
            .enumerate()
            .map(|(i, r)| {
                Ok(ExchangeRate {
                    currency: CurrencyCode::parse(&r.currency)
                        .map_err(|e| ApiError::invalid(&format!("rates[{i}].currency"), e))?,
                    month: r
                        .month
                        .parse()
                        .map_err(|e| ApiError::invalid(&format!("rates[{i}].month"), e))?,
                    rate: Rate::new(r.rate)
                        .map_err(|e| ApiError::invalid(&format!("rates[{i}].rate"), e))?,
                })
            })
            .collect::<Result<Vec<_>, ApiError>>()?;
        let request_id = crate::request::current_id();
        let written = hub_ingest::admin::upsert_exchange_rates(
            app.db(),
            &hub_store::audit::Actor::Principal(principal.clone()),
            &parsed,
            "api",
            Some(&request_id),
        )
        .await?;
        Ok(i32::try_from(written).unwrap_or(i32::MAX))
    }

    /// Maps a country's local KPI code to a regional KPI (ADMIN). A change makes a new version.
    async fn upsert_kpi_mapping(
        &self,
        ctx: &Context<'_>,
        input: KpiMappingInput,
    ) -> GqlResult<KpiMappingView> {
        let (app, caller) = context(ctx)?;
        let principal = caller.require(&[Role::Admin], "changing KPI mappings")?;
        let input = MappingInput {
            country: CountryCode::parse(&input.country.to_uppercase())
                .map_err(|e| ApiError::invalid("input.country", e))?,
            local_code: KpiCode::parse(&input.local_code)
                .map_err(|e| ApiError::invalid("input.localCode", e))?,
            kpi: KpiCode::parse(&input.kpi).map_err(|e| ApiError::invalid("input.kpi", e))?,
            factor: input.factor,
            offset: input.offset,
        };
        let request_id = crate::request::current_id();
        let mapping = hub_ingest::admin::upsert_kpi_mapping(
            app.db(),
            &hub_store::audit::Actor::Principal(principal.clone()),
            input,
            Some(&request_id),
        )
        .await?;
        Ok(mapping.into())
    }

    /// Locks a period (`YYYY-Qn`, or `YYYY` for the whole year) to submissions (ADMIN).
    /// Returns whether it was newly locked.
    async fn lock_period(&self, ctx: &Context<'_>, period: String) -> GqlResult<bool> {
        let (app, caller) = context(ctx)?;
        let principal = caller.require(&[Role::Admin], "locking periods")?;
        let period: Period = period.parse().map_err(|e| ApiError::invalid("period", e))?;
        let request_id = crate::request::current_id();
        Ok(hub_ingest::admin::lock_period(
            app.db(),
            &hub_store::audit::Actor::Principal(principal.clone()),
            period,
            Some(&request_id),
        )
        .await?)
    }
}
