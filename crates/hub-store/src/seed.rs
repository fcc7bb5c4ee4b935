//! The region's reference data, embedded at build time from `seed/reference/`, and its
//! idempotent loading: existing rows are never overwritten, so a second run changes nothing and
//! an operator's corrections survive.

use hub_domain::catalogue::{
    Direction, ServiceLine, SpatialAggregation, TemporalAggregation, Unit,
};
use hub_domain::codes::{AgencyCode, CountryCode, CurrencyCode, KpiCode};
use hub_domain::money::Rate;
use hub_domain::period::Month;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, TryInsertResult,
};
use serde::Deserialize;

use crate::entity::{
    agency, country_coverage, country_team, currency, exchange_rate, kpi_definition,
};
use crate::{StoreError, now};

const CURRENCIES: &str = include_str!("../../../seed/reference/currencies.csv");
const COUNTRY_TEAMS: &str = include_str!("../../../seed/reference/country-teams.csv");
const AGENCIES: &str = include_str!("../../../seed/reference/agencies.csv");
const KPIS: &str = include_str!("../../../seed/reference/kpis.csv");
const EXCHANGE_RATES: &str = include_str!("../../../seed/reference/exchange-rates.csv");

/// How many rows of each kind a seeding run inserted (0 everywhere on a repeat run).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SeedReport {
    pub currencies: u64,
    pub country_teams: u64,
    pub agencies: u64,
    pub kpis: u64,
    /// Spanish KPI names filled in on a catalogue loaded before they existed.
    pub kpi_names: u64,
    pub exchange_rates: u64,
}

impl SeedReport {
    /// Whether the run inserted anything.
    pub fn changed_anything(&self) -> bool {
        self.currencies
            + self.country_teams
            + self.agencies
            + self.kpis
            + self.kpi_names
            + self.exchange_rates
            > 0
    }
}

#[derive(Deserialize)]
struct CurrencyRow {
    code: CurrencyCode,
    name: String,
    minor_units: i32,
}

#[derive(Deserialize)]
struct CountryTeamRow {
    code: CountryCode,
    name: String,
    subregion: String,
    currency: CurrencyCode,
    multi_country_office: bool,
    also_covers: String,
}

#[derive(Deserialize)]
struct AgencyRow {
    code: AgencyCode,
    name: String,
}

#[derive(Deserialize)]
struct KpiRow {
    code: KpiCode,
    name: String,
    name_es: String,
    unit: Unit,
    direction: Direction,
    spatial_aggregation: SpatialAggregation,
    temporal_aggregation: TemporalAggregation,
    service_line: Option<ServiceLine>,
    description: String,
}

/// One row of a `currency,month,rate` file, as `romt-hub rates import` reads it too.
#[derive(Debug, Clone, Deserialize)]
pub struct RateRow {
    pub currency: CurrencyCode,
    pub month: Month,
    pub rate: Rate,
}

/// Parses CSV text with a header row into records, naming the line of the first bad one.
pub fn parse_csv<T: serde::de::DeserializeOwned>(
    name: &str,
    text: &str,
) -> Result<Vec<T>, StoreError> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    reader
        .deserialize()
        .map(|record| {
            record.map_err(|e| {
                let line = e.position().map_or(0, csv::Position::line);
                StoreError::Invalid(format!("{name}: line {line}: {e}"))
            })
        })
        .collect()
}

/// Inserts rows unless their key exists; returns how many were inserted.
async fn insert_missing<E, A>(
    db: &impl ConnectionTrait,
    rows: impl IntoIterator<Item = A>,
) -> Result<u64, StoreError>
where
    E: EntityTrait,
    A: sea_orm::ActiveModelTrait<Entity = E> + Send,
{
    let rows: Vec<A> = rows.into_iter().collect();
    let mut inserted = 0;
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<A> = rows.by_ref().take(500).collect();
        let result = E::insert_many(chunk)
            .on_conflict_do_nothing()
            .exec_without_returning(db)
            .await?;
        if let TryInsertResult::Inserted(count) = result {
            inserted += count;
        }
    }
    Ok(inserted)
}

/// The embedded reference data, parsed: what offline validation checks against.
#[derive(Debug, Clone)]
pub struct EmbeddedReference {
    pub countries: Vec<String>,
    pub currencies: Vec<String>,
    pub agencies: Vec<String>,
    pub kpis: Vec<hub_domain::catalogue::KpiDefinition>,
    pub rates: Vec<RateRow>,
}

/// Parses the embedded reference data (no database involved).
pub fn embedded_reference() -> Result<EmbeddedReference, StoreError> {
    let currencies: Vec<CurrencyRow> = parse_csv("currencies.csv", CURRENCIES)?;
    let teams: Vec<CountryTeamRow> = parse_csv("country-teams.csv", COUNTRY_TEAMS)?;
    let agencies: Vec<AgencyRow> = parse_csv("agencies.csv", AGENCIES)?;
    let kpis: Vec<KpiRow> = parse_csv("kpis.csv", KPIS)?;
    Ok(EmbeddedReference {
        countries: teams.into_iter().map(|t| t.code.to_string()).collect(),
        currencies: currencies.into_iter().map(|c| c.code.to_string()).collect(),
        agencies: agencies.into_iter().map(|a| a.code.to_string()).collect(),
        kpis: kpis
            .into_iter()
            .map(|k| hub_domain::catalogue::KpiDefinition {
                code: k.code,
                name: k.name,
                name_es: k.name_es,
                unit: k.unit,
                direction: k.direction,
                spatial: k.spatial_aggregation,
                temporal: k.temporal_aggregation,
                service_line: k.service_line,
                description: k.description,
            })
            .collect(),
        rates: parse_csv("exchange-rates.csv", EXCHANGE_RATES)?,
    })
}

/// Loads the embedded reference data, inserting only what is missing.
pub async fn seed_reference(db: &impl ConnectionTrait) -> Result<SeedReport, StoreError> {
    let currencies: Vec<CurrencyRow> = parse_csv("currencies.csv", CURRENCIES)?;
    let teams: Vec<CountryTeamRow> = parse_csv("country-teams.csv", COUNTRY_TEAMS)?;
    let agencies: Vec<AgencyRow> = parse_csv("agencies.csv", AGENCIES)?;
    let kpis: Vec<KpiRow> = parse_csv("kpis.csv", KPIS)?;
    let rates: Vec<RateRow> = parse_csv("exchange-rates.csv", EXCHANGE_RATES)?;

    let mut report = SeedReport {
        currencies: insert_missing(
            db,
            currencies.into_iter().map(|c| currency::ActiveModel {
                code: Set(c.code.to_string()),
                name: Set(c.name),
                minor_units: Set(c.minor_units),
            }),
        )
        .await?,
        ..SeedReport::default()
    };

    let coverage: Vec<country_coverage::ActiveModel> = teams
        .iter()
        .flat_map(|t| {
            t.also_covers
                .split(';')
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(|covered| country_coverage::ActiveModel {
                    office: Set(t.code.to_string()),
                    covered: Set(covered.to_owned()),
                })
        })
        .collect();
    report.country_teams = insert_missing(
        db,
        teams.into_iter().map(|t| country_team::ActiveModel {
            code: Set(t.code.to_string()),
            name: Set(t.name),
            subregion: Set(t.subregion),
            currency: Set(t.currency.to_string()),
            multi_country_office: Set(t.multi_country_office),
            active: Set(true),
        }),
    )
    .await?;
    insert_missing(db, coverage).await?;

    report.agencies = insert_missing(
        db,
        agencies.into_iter().map(|a| agency::ActiveModel {
            code: Set(a.code.to_string()),
            name: Set(a.name),
        }),
    )
    .await?;

    let names_es: Vec<(String, String)> = kpis
        .iter()
        .map(|k| (k.code.to_string(), k.name_es.clone()))
        .collect();
    report.kpis = insert_missing(
        db,
        kpis.into_iter().map(|k| kpi_definition::ActiveModel {
            code: Set(k.code.to_string()),
            name: Set(k.name),
            name_es: Set(k.name_es),
            unit: Set(k.unit.as_str().to_owned()),
            direction: Set(k.direction.as_str().to_owned()),
            spatial_aggregation: Set(k.spatial_aggregation.as_str().to_owned()),
            temporal_aggregation: Set(k.temporal_aggregation.as_str().to_owned()),
            service_line: Set(k.service_line.map(|s| s.as_str().to_owned())),
            description: Set(k.description),
            active: Set(true),
        }),
    )
    .await?;
    // A catalogue loaded before the Spanish names existed gets them; a name an operator set
    // stays.
    for (code, name_es) in names_es {
        report.kpi_names += kpi_definition::Entity::update_many()
            .col_expr(kpi_definition::Column::NameEs, Expr::value(name_es))
            .filter(kpi_definition::Column::Code.eq(code))
            .filter(kpi_definition::Column::NameEs.eq(""))
            .exec(db)
            .await?
            .rows_affected;
    }

    let at = now();
    report.exchange_rates = insert_missing(
        db,
        rates.into_iter().map(|r| exchange_rate::ActiveModel {
            currency: Set(r.currency.to_string()),
            month: Set(r.month.to_string()),
            rate: Set(r.rate.units_per_usd().to_string()),
            source: Set("seed".to_owned()),
            updated_at: Set(at),
        }),
    )
    .await?;
    if report.changed_anything() {
        crate::state::bump_reference_version(db).await?;
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_reference_files_parse() {
        assert_eq!(parse_csv::<CurrencyRow>("c", CURRENCIES).unwrap().len(), 26);
        assert_eq!(
            parse_csv::<CountryTeamRow>("t", COUNTRY_TEAMS)
                .unwrap()
                .len(),
            26
        );
        assert_eq!(parse_csv::<AgencyRow>("a", AGENCIES).unwrap().len(), 21);
        assert_eq!(parse_csv::<KpiRow>("k", KPIS).unwrap().len(), 14);
        assert_eq!(
            parse_csv::<RateRow>("r", EXCHANGE_RATES).unwrap().len(),
            1200
        );
    }

    #[test]
    fn a_bad_csv_row_names_its_line() {
        let err = parse_csv::<RateRow>(
            "rates.csv",
            "currency,month,rate\nCOP,2026-06,4000\nCOP,2026-13,1\n",
        )
        .unwrap_err();
        assert!(err.to_string().contains("rates.csv: line 3"), "{err}");
    }
}
