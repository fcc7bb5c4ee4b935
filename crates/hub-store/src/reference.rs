//! Reference data: country teams, currencies, agencies, the KPI catalogue and exchange rates.

use std::collections::HashMap;

use hub_domain::catalogue::KpiDefinition;
use hub_domain::codes::{AgencyCode, CountryCode, CurrencyCode, KpiCode};
use hub_domain::money::Rate;
use hub_domain::period::Month;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};

use crate::entity::{
    agency, country_coverage, country_team, currency, exchange_rate, kpi_definition,
};
use crate::{StoreError, now};

/// A UN country team.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountryTeam {
    pub code: CountryCode,
    pub name: String,
    pub subregion: String,
    pub currency: CurrencyCode,
    pub multi_country_office: bool,
    pub active: bool,
    /// Further countries a multi-country office covers (ISO alpha-3 codes).
    pub also_covers: Vec<String>,
}

/// A UN entity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agency {
    pub code: AgencyCode,
    pub name: String,
}

/// One month's exchange rate of one currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExchangeRate {
    pub currency: CurrencyCode,
    pub month: Month,
    pub rate: Rate,
}

fn parse<T: std::str::FromStr>(text: &str) -> Result<T, StoreError>
where
    T::Err: std::fmt::Display,
{
    text.parse().map_err(StoreError::corrupt)
}

fn to_country_team(
    row: country_team::Model,
    coverage: &mut HashMap<String, Vec<String>>,
) -> Result<CountryTeam, StoreError> {
    Ok(CountryTeam {
        code: parse(&row.code)?,
        currency: parse(&row.currency)?,
        also_covers: coverage.remove(&row.code).unwrap_or_default(),
        name: row.name,
        subregion: row.subregion,
        multi_country_office: row.multi_country_office,
        active: row.active,
    })
}

/// Country teams ordered by code; only active ones when `active_only`.
pub async fn countries(
    db: &impl ConnectionTrait,
    active_only: bool,
) -> Result<Vec<CountryTeam>, StoreError> {
    let mut query = country_team::Entity::find().order_by_asc(country_team::Column::Code);
    if active_only {
        query = query.filter(country_team::Column::Active.eq(true));
    }
    let rows = query.all(db).await?;
    let mut coverage: HashMap<String, Vec<String>> = HashMap::new();
    for row in country_coverage::Entity::find()
        .order_by_asc(country_coverage::Column::Covered)
        .all(db)
        .await?
    {
        coverage.entry(row.office).or_default().push(row.covered);
    }
    rows.into_iter()
        .map(|row| to_country_team(row, &mut coverage))
        .collect()
}

/// One country team, active or not.
pub async fn country(
    db: &impl ConnectionTrait,
    code: &str,
) -> Result<Option<CountryTeam>, StoreError> {
    let Some(row) = country_team::Entity::find_by_id(code.to_owned())
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let covered = country_coverage::Entity::find()
        .filter(country_coverage::Column::Office.eq(code))
        .order_by_asc(country_coverage::Column::Covered)
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.covered)
        .collect();
    let mut coverage = HashMap::from([(row.code.clone(), covered)]);
    to_country_team(row, &mut coverage).map(Some)
}

/// Whether the hub knows this currency.
pub async fn currency_exists(db: &impl ConnectionTrait, code: &str) -> Result<bool, StoreError> {
    Ok(currency::Entity::find_by_id(code.to_owned())
        .one(db)
        .await?
        .is_some())
}

/// The codes of every currency the hub knows, ordered.
pub async fn currencies(db: &impl ConnectionTrait) -> Result<Vec<String>, StoreError> {
    Ok(currency::Entity::find()
        .order_by_asc(currency::Column::Code)
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.code)
        .collect())
}

/// Every agency, ordered by code.
pub async fn agencies(db: &impl ConnectionTrait) -> Result<Vec<Agency>, StoreError> {
    agency::Entity::find()
        .order_by_asc(agency::Column::Code)
        .all(db)
        .await?
        .into_iter()
        .map(|row| {
            Ok(Agency {
                code: parse(&row.code)?,
                name: row.name,
            })
        })
        .collect()
}

/// Whether the hub knows this agency.
pub async fn agency_exists(db: &impl ConnectionTrait, code: &str) -> Result<bool, StoreError> {
    Ok(agency::Entity::find_by_id(code.to_owned())
        .one(db)
        .await?
        .is_some())
}

fn to_kpi(row: kpi_definition::Model) -> Result<KpiDefinition, StoreError> {
    Ok(KpiDefinition {
        code: KpiCode::parse(&row.code).map_err(StoreError::corrupt)?,
        unit: parse(&row.unit)?,
        direction: parse(&row.direction)?,
        spatial: parse(&row.spatial_aggregation)?,
        temporal: parse(&row.temporal_aggregation)?,
        service_line: row.service_line.as_deref().map(parse).transpose()?,
        name: row.name,
        name_es: row.name_es,
        description: row.description,
    })
}

/// The active KPI catalogue, ordered by code.
pub async fn kpis(db: &impl ConnectionTrait) -> Result<Vec<KpiDefinition>, StoreError> {
    kpi_definition::Entity::find()
        .filter(kpi_definition::Column::Active.eq(true))
        .order_by_asc(kpi_definition::Column::Code)
        .all(db)
        .await?
        .into_iter()
        .map(to_kpi)
        .collect()
}

/// Exchange rates of one currency from `from` to `to` inclusive, by month.
pub async fn exchange_rates(
    db: &impl ConnectionTrait,
    currency: &CurrencyCode,
    from: Option<Month>,
    to: Option<Month>,
) -> Result<Vec<ExchangeRate>, StoreError> {
    let mut query = exchange_rate::Entity::find()
        .filter(exchange_rate::Column::Currency.eq(currency.as_str()))
        .order_by_asc(exchange_rate::Column::Month);
    // `YYYY-MM` text sorts like the months it names.
    if let Some(from) = from {
        query = query.filter(exchange_rate::Column::Month.gte(from.to_string()));
    }
    if let Some(to) = to {
        query = query.filter(exchange_rate::Column::Month.lte(to.to_string()));
    }
    query
        .all(db)
        .await?
        .into_iter()
        .map(|row| {
            Ok(ExchangeRate {
                currency: currency.clone(),
                month: parse(&row.month)?,
                rate: parse(&row.rate)?,
            })
        })
        .collect()
}

/// Every stored rate of the given currencies, in one query.
pub async fn rates_of(
    db: &impl ConnectionTrait,
    currencies: &[String],
) -> Result<HashMap<String, std::collections::BTreeMap<Month, Rate>>, StoreError> {
    let mut out: HashMap<String, std::collections::BTreeMap<Month, Rate>> = HashMap::new();
    if currencies.is_empty() {
        return Ok(out);
    }
    for row in exchange_rate::Entity::find()
        .filter(exchange_rate::Column::Currency.is_in(currencies.iter().cloned()))
        .all(db)
        .await?
    {
        let (month, rate) = (parse(&row.month)?, parse(&row.rate)?);
        out.entry(row.currency).or_default().insert(month, rate);
    }
    Ok(out)
}

/// Inserts or replaces rates (one per currency and month). Unknown currencies are refused.
/// Returns how many rates were written.
pub async fn upsert_exchange_rates(
    db: &impl ConnectionTrait,
    rates: &[ExchangeRate],
    source: &str,
) -> Result<u64, StoreError> {
    for rate in rates {
        if !currency_exists(db, rate.currency.as_str()).await? {
            return Err(StoreError::Invalid(format!(
                "unknown currency {} (rate for {})",
                rate.currency, rate.month
            )));
        }
    }
    let at = now();
    let mut written = 0;
    for chunk in rates.chunks(500) {
        let models = chunk.iter().map(|r| exchange_rate::ActiveModel {
            currency: Set(r.currency.to_string()),
            month: Set(r.month.to_string()),
            rate: Set(r.rate.units_per_usd().to_string()),
            source: Set(source.to_owned()),
            updated_at: Set(at),
        });
        written += exchange_rate::Entity::insert_many(models)
            .on_conflict(
                OnConflict::columns([
                    exchange_rate::Column::Currency,
                    exchange_rate::Column::Month,
                ])
                .update_columns([
                    exchange_rate::Column::Rate,
                    exchange_rate::Column::Source,
                    exchange_rate::Column::UpdatedAt,
                ])
                .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
    }
    crate::state::bump_reference_version(db).await?;
    Ok(written)
}
