//! Reference data and what ingestion harmonizes with: country teams, the KPI catalogue,
//! exchange rates, local-code mappings and locked periods. Reads are for anyone; changes are
//! ADMIN's, each in one transaction with its audit entry.

use std::collections::BTreeSet;

use hub_domain::Decimal;
use hub_domain::access::Action;
use hub_domain::catalogue::KpiDefinition;
use hub_domain::codes::{CountryCode, CurrencyCode, KpiCode};
use hub_domain::money::Rate;
use hub_domain::period::{Month, Period};
use hub_ingest::facts::Reference;
use hub_store::mappings;
use hub_store::reference;
use hub_store::{locks, state};
use serde_json::json;

use crate::audit::{self, Change};
use crate::error::{AppError, AppResult};
use crate::{App, Caller};

pub use hub_store::mappings::{Mapping, MappingInput};
pub use hub_store::reference::{CountryTeam, ExchangeRate};

pub use hub_store::seed::{RateRow, SeedReport, parse_csv};

/// One month's rate as given: units of `currency` per 1 USD, for `month` (`YYYY-MM`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateInput {
    pub currency: String,
    pub month: String,
    pub rate: Decimal,
}

impl RateInput {
    /// Checks the `i`-th rate of a list; errors name `rates[i].field`.
    fn parse(&self, i: usize) -> AppResult<ExchangeRate> {
        let field = |name: &str| format!("rates[{i}].{name}");
        Ok(ExchangeRate {
            currency: CurrencyCode::parse(&self.currency.to_uppercase())
                .map_err(|e| AppError::invalid(&field("currency"), e))?,
            month: self
                .month
                .parse()
                .map_err(|e| AppError::invalid(&field("month"), e))?,
            rate: Rate::new(self.rate).map_err(|e| AppError::invalid(&field("rate"), e))?,
        })
    }
}

impl From<&RateRow> for RateInput {
    fn from(row: &RateRow) -> Self {
        RateInput {
            currency: row.currency.to_string(),
            month: row.month.to_string(),
            rate: row.rate.units_per_usd(),
        }
    }
}

/// A local KPI code of a country and the regional KPI it maps to, as given:
/// `regional = local × factor + offset`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MappingRequest {
    pub country: String,
    pub local_code: String,
    pub kpi: String,
    pub factor: Decimal,
    pub offset: Decimal,
}

impl MappingRequest {
    /// Checks the codes; errors name `input.field`.
    fn parse(self) -> AppResult<MappingInput> {
        Ok(MappingInput {
            country: CountryCode::parse(&self.country.to_uppercase())
                .map_err(|e| AppError::invalid("input.country", e))?,
            local_code: KpiCode::parse(&self.local_code)
                .map_err(|e| AppError::invalid("input.localCode", e))?,
            kpi: KpiCode::parse(&self.kpi).map_err(|e| AppError::invalid("input.kpi", e))?,
            factor: self.factor,
            offset: self.offset,
        })
    }
}

impl From<MappingInput> for MappingRequest {
    fn from(input: MappingInput) -> Self {
        MappingRequest {
            country: input.country.to_string(),
            local_code: input.local_code.to_string(),
            kpi: input.kpi.to_string(),
            factor: input.factor,
            offset: input.offset,
        }
    }
}

impl App {
    /// The region's country teams, by code.
    #[tracing::instrument(skip_all)]
    pub async fn countries(&self, active_only: bool) -> AppResult<Vec<CountryTeam>> {
        Ok(reference::countries(self.db(), active_only).await?)
    }

    /// One country team, or none for an unknown code.
    #[tracing::instrument(skip_all)]
    pub async fn country(&self, code: &str) -> AppResult<Option<CountryTeam>> {
        Ok(reference::country(self.db(), &code.to_uppercase()).await?)
    }

    /// The regional KPI catalogue.
    #[tracing::instrument(skip_all)]
    pub async fn kpis(&self) -> AppResult<Vec<KpiDefinition>> {
        Ok(reference::kpis(self.db()).await?)
    }

    /// One KPI of the catalogue, `NOT_FOUND` otherwise.
    #[tracing::instrument(skip_all)]
    pub async fn kpi(&self, code: &str) -> AppResult<KpiDefinition> {
        let reference = self.reference_data(self.versions().await?).await?;
        kpi_of(&reference, code)
    }

    /// Monthly rates of one currency, optionally from and to a month (inclusive).
    #[tracing::instrument(skip_all)]
    pub async fn exchange_rates(
        &self,
        currency: &str,
        from: Option<&str>,
        to: Option<&str>,
    ) -> AppResult<Vec<ExchangeRate>> {
        let code = CurrencyCode::parse(currency).map_err(|e| AppError::invalid("currency", e))?;
        let month = |field: &str, text: Option<&str>| {
            text.map(|t| t.parse::<Month>().map_err(|e| AppError::invalid(field, e)))
                .transpose()
        };
        let (from, to) = (month("from", from)?, month("to", to)?);
        if let (Some(from), Some(to)) = (from, to)
            && from > to
        {
            return Err(AppError::invalid(
                "from",
                format!("{from} is after to = {to}"),
            ));
        }
        if !reference::currency_exists(self.db(), code.as_str()).await? {
            return Err(AppError::NotFound(format!("unknown currency {code}")));
        }
        Ok(reference::exchange_rates(self.db(), &code, from, to).await?)
    }

    /// Inserts or replaces monthly rates (ADMIN, or the operator's `rates import`); stored
    /// values waiting for a better rate are converted again. Returns how many were written.
    #[tracing::instrument(skip(self, caller, rates), fields(caller = %caller.label(), request_id = caller.request_id(), rates = rates.len()))]
    pub async fn upsert_exchange_rates(
        &self,
        caller: &Caller,
        rates: &[RateInput],
        source: &str,
    ) -> AppResult<u64> {
        caller.may(Action::ManageRates)?;
        if rates.is_empty() {
            return Err(AppError::invalid("rates", "give at least one rate"));
        }
        let rates = rates
            .iter()
            .enumerate()
            .map(|(i, r)| r.parse(i))
            .collect::<AppResult<Vec<ExchangeRate>>>()?;
        let rates = rates.as_slice();
        let txn = hub_store::begin(self.db()).await?;
        let (written, reconverted) =
            hub_ingest::admin::apply_exchange_rates(&txn, rates, source).await?;
        let currencies: BTreeSet<String> = rates.iter().map(|r| r.currency.to_string()).collect();
        let after = json!(
            rates
                .iter()
                .map(|r| json!([
                    r.currency.to_string(),
                    r.month.to_string(),
                    r.rate.units_per_usd().to_string()
                ]))
                .collect::<Vec<_>>()
        );
        audit::record(
            &txn,
            caller,
            Change {
                action: "exchange_rates.upsert",
                entity_type: "exchange_rate",
                entity_id: currencies.into_iter().collect::<Vec<_>>().join(","),
                before: None,
                after: Some(&after),
                summary: format!(
                    "{written} rate(s) written from {source}; {reconverted} stored value(s) re-converted"
                ),
            },
        )
        .await?;
        hub_store::commit(txn).await?;
        Ok(written)
    }

    /// Local-code mappings, every version, optionally of one country.
    #[tracing::instrument(skip_all)]
    pub async fn kpi_mappings(&self, country: Option<&str>) -> AppResult<Vec<Mapping>> {
        let country = country.map(str::to_uppercase);
        Ok(mappings::list(self.db(), country.as_deref()).await?)
    }

    /// Maps a country's local KPI code to a regional KPI (ADMIN); a change makes a new version.
    #[tracing::instrument(skip(self, caller, input), fields(caller = %caller.label(), request_id = caller.request_id(), country = %input.country, local_code = %input.local_code))]
    pub async fn upsert_kpi_mapping(
        &self,
        caller: &Caller,
        input: MappingRequest,
    ) -> AppResult<Mapping> {
        caller.may(Action::ManageMappings)?;
        let input = input.parse()?;
        let txn = hub_store::begin(self.db()).await?;
        let (mapping, changed) = mappings::upsert(&txn, input, &caller.label()).await?;
        if changed {
            let after = json!({
                "country": mapping.country, "localCode": mapping.local_code, "kpi": mapping.kpi,
                "factor": mapping.factor.to_string(), "offset": mapping.offset.to_string(),
                "version": mapping.version,
            });
            audit::record(
                &txn,
                caller,
                Change {
                    action: "kpi_mapping.upsert",
                    entity_type: "kpi_mapping",
                    entity_id: format!("{}/{}", mapping.country, mapping.local_code),
                    before: None,
                    after: Some(&after),
                    summary: format!(
                        "{} {} → {} ×{} +{} (version {})",
                        mapping.country,
                        mapping.local_code,
                        mapping.kpi,
                        mapping.factor,
                        mapping.offset,
                        mapping.version
                    ),
                },
            )
            .await?;
            state::bump_data_version(&txn).await?;
        }
        hub_store::commit(txn).await?;
        Ok(mapping)
    }

    /// Periods closed to submissions.
    #[tracing::instrument(skip_all)]
    pub async fn locked_periods(&self) -> AppResult<Vec<String>> {
        Ok(locks::list(self.db()).await?)
    }

    /// Locks a period (`YYYY-Qn`, or `YYYY` for the whole year) to submissions (ADMIN).
    /// Returns whether it was newly locked.
    #[tracing::instrument(skip(self, caller), fields(caller = %caller.label(), request_id = caller.request_id()))]
    pub async fn lock_period(&self, caller: &Caller, period: &str) -> AppResult<bool> {
        caller.may(Action::LockPeriods)?;
        let period: Period = period.parse().map_err(|e| AppError::invalid("period", e))?;
        let txn = hub_store::begin(self.db()).await?;
        let locked = locks::lock(&txn, period, &caller.label()).await?;
        if locked {
            audit::record(
                &txn,
                caller,
                Change {
                    action: "period.lock",
                    entity_type: "period",
                    entity_id: period.to_string(),
                    before: None,
                    after: Some(&json!({ "period": period.to_string(), "locked": true })),
                    summary: format!("{period} locked to submissions"),
                },
            )
            .await?;
        }
        hub_store::commit(txn).await?;
        Ok(locked)
    }

    /// Loads the region's reference data, inserting only what is missing (the operator). A run
    /// that finds everything in place changes nothing and writes no audit entry.
    #[tracing::instrument(skip(self, caller), fields(caller = %caller.label(), request_id = caller.request_id()))]
    pub async fn seed_reference(&self, caller: &Caller) -> AppResult<SeedReport> {
        caller.may(Action::ManageRates)?;
        let txn = hub_store::begin(self.db()).await?;
        let report = hub_store::seed::seed_reference(&txn).await?;
        if report.changed_anything() {
            audit::record(
                &txn,
                caller,
                Change {
                    action: "reference.seed",
                    entity_type: "reference_data",
                    entity_id: "region".to_owned(),
                    before: None,
                    after: Some(&json!(format!("{report:?}"))),
                    summary: format!("reference data loaded: {report:?}"),
                },
            )
            .await?;
            state::bump_data_version(&txn).await?;
        }
        hub_store::commit(txn).await?;
        tracing::info!(?report, "reference data loaded");
        Ok(report)
    }
}

/// One KPI of the catalogue held in `reference`, `NOT_FOUND` otherwise.
pub(crate) fn kpi_of(reference: &Reference, code: &str) -> AppResult<KpiDefinition> {
    reference
        .kpis()
        .get(code)
        .cloned()
        .ok_or_else(|| AppError::NotFound(format!("unknown KPI {code} (see the kpis query)")))
}
