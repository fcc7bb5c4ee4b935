//! What the semantic checks need to know about the world: for a real submission from the
//! reference data read once per reference version ([`Reference`]), for offline validation from
//! the embedded reference data.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use hub_domain::catalogue::KpiDefinition;
use hub_domain::money::Rate;
use hub_domain::period::{Month, Period};
use hub_domain::quality::{Bounds, ValidationRule, to_f64};
use hub_store::mappings::Mapping;
use hub_store::reference::CountryTeam;
use hub_store::seed::EmbeddedReference;
use hub_store::submissions::{self, PlannedCa};
use hub_store::{Executor, StoreError, locks, mappings, quality, reference};

/// The keys of a document that decide which facts matter.
#[derive(Debug, Clone, Copy)]
pub struct Keys<'a> {
    pub country: &'a str,
    pub currency: &'a str,
    pub period: Option<Period>,
}

/// Facts for checking one document.
#[derive(Debug, Clone)]
pub struct Facts {
    /// The date "in the future" is judged against.
    pub today: NaiveDate,
    pub country_known: bool,
    pub currency_known: bool,
    /// The regional catalogue by code.
    pub kpis: HashMap<String, KpiDefinition>,
    /// Active local-code mappings of the country; `None` offline, where only the hub knows.
    pub mappings: Option<HashMap<String, Mapping>>,
    /// Local codes some country maps, to tell an unmapped local code from a typo.
    pub known_local_codes: HashSet<String>,
    /// Rates of the document's currency by month.
    pub rates: BTreeMap<Month, Rate>,
    pub period_locked: bool,
    pub agencies: HashSet<String>,
}

/// The reference data every document is checked with, read at once and shared by the documents
/// that follow until the reference version (`hub_store::state`) changes: the catalogue, the
/// countries and currencies, every mapping, rate and lock, the agencies, the enabled validation
/// rules, the min-max bounds set by hand and the plans of each country's current BOS.
#[derive(Debug)]
pub struct Reference {
    /// The reference version it was read at.
    pub version: i64,
    active_countries: HashSet<String>,
    /// The active country teams, by code: the region figures are computed for.
    teams: Vec<CountryTeam>,
    currencies: HashSet<String>,
    kpis: HashMap<String, KpiDefinition>,
    mappings: Vec<Mapping>,
    rates: HashMap<String, BTreeMap<Month, Rate>>,
    locks: HashSet<String>,
    agencies: HashSet<String>,
    /// Enabled validation rules, by id.
    pub rules: Vec<ValidationRule>,
    /// Bounds set by hand, by (country, KPI).
    pub bounds: HashMap<(String, String), Bounds>,
    /// The planned cost avoidance of each country's current BOS, by country.
    plans: HashMap<String, Vec<PlannedCa>>,
}

impl Reference {
    /// Reads it from the database, as of `version`.
    pub async fn load(db: &impl Executor, version: i64) -> Result<Self, StoreError> {
        let currencies: HashSet<String> = reference::currencies(db).await?.into_iter().collect();
        let all: Vec<String> = currencies.iter().cloned().collect();
        let teams = reference::countries(db, true).await?;
        let mut plans: HashMap<String, Vec<PlannedCa>> = HashMap::new();
        for plan in submissions::current_bos_plans(db).await? {
            plans.entry(plan.country.clone()).or_default().push(plan);
        }
        Ok(Reference {
            version,
            active_countries: teams.iter().map(|c| c.code.to_string()).collect(),
            teams,
            rates: reference::rates_of(db, &all).await?,
            currencies,
            kpis: reference::kpis(db)
                .await?
                .into_iter()
                .map(|k| (k.code.to_string(), k))
                .collect(),
            mappings: mappings::list(db, None).await?,
            locks: locks::list(db).await?.into_iter().collect(),
            agencies: reference::agencies(db)
                .await?
                .into_iter()
                .map(|a| a.code.to_string())
                .collect(),
            rules: quality::rules(db)
                .await?
                .into_iter()
                .filter(|r| r.enabled)
                .collect(),
            bounds: quality::bounds(db, None, None)
                .await?
                .into_iter()
                .filter_map(|b| {
                    Some((
                        (b.country, b.kpi),
                        Bounds {
                            lower: to_f64(b.lower)?,
                            upper: to_f64(b.upper)?,
                        },
                    ))
                })
                .collect(),
            plans,
        })
    }

    /// The planned cost avoidance of `country`'s current BOS (none without one).
    pub fn plans_of(&self, country: &str) -> &[PlannedCa] {
        self.plans.get(country).map_or(&[], Vec::as_slice)
    }

    /// The active country teams, by code.
    pub fn teams(&self) -> &[CountryTeam] {
        &self.teams
    }

    /// The regional catalogue by code.
    pub fn kpis(&self) -> &HashMap<String, KpiDefinition> {
        &self.kpis
    }

    /// The rates of `currency` by month.
    pub fn rates(&self, currency: &str) -> Option<&BTreeMap<Month, Rate>> {
        self.rates.get(currency)
    }

    /// Whether submissions to `period` are refused: the period or its year is locked.
    fn is_locked(&self, period: Period) -> bool {
        self.locks.contains(&period.to_string())
            || self
                .locks
                .contains(&Period::Year(period.calendar_year()).to_string())
    }
}

impl Facts {
    /// The facts for one document, from the shared reference data.
    pub fn from_reference(reference: &Reference, keys: Keys<'_>, today: NaiveDate) -> Self {
        let currency_known = reference.currencies.contains(keys.currency);
        Facts {
            today,
            country_known: reference.active_countries.contains(keys.country),
            currency_known,
            kpis: reference.kpis.clone(),
            mappings: Some(
                reference
                    .mappings
                    .iter()
                    .filter(|m| m.active && m.country == keys.country)
                    .map(|m| (m.local_code.clone(), m.clone()))
                    .collect(),
            ),
            known_local_codes: reference
                .mappings
                .iter()
                .map(|m| m.local_code.clone())
                .collect(),
            rates: if currency_known {
                reference
                    .rates
                    .get(keys.currency)
                    .cloned()
                    .unwrap_or_default()
            } else {
                BTreeMap::new()
            },
            period_locked: keys.period.is_some_and(|p| reference.is_locked(p)),
            agencies: reference.agencies.clone(),
        }
    }

    /// Facts from the embedded reference data, for offline validation: no mappings (the hub
    /// holds them), no locks, the seed's rates.
    pub fn offline(reference: &EmbeddedReference, keys: Keys<'_>, today: NaiveDate) -> Self {
        Facts {
            today,
            country_known: reference.countries.iter().any(|c| c == keys.country),
            currency_known: reference.currencies.iter().any(|c| c == keys.currency),
            kpis: reference
                .kpis
                .iter()
                .map(|k| (k.code.to_string(), k.clone()))
                .collect(),
            mappings: None,
            known_local_codes: HashSet::new(),
            rates: reference
                .rates
                .iter()
                .filter(|r| r.currency.as_str() == keys.currency)
                .map(|r| (r.month, r.rate))
                .collect(),
            period_locked: false,
            agencies: reference.agencies.iter().cloned().collect(),
        }
    }
}
