//! What the semantic checks need to know about the world, gathered once per document: from the
//! database for a real submission, or from the embedded reference data for offline validation.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use hub_domain::catalogue::KpiDefinition;
use hub_domain::codes::CurrencyCode;
use hub_domain::money::Rate;
use hub_domain::period::{Month, Period};
use hub_store::mappings::Mapping;
use hub_store::seed::EmbeddedReference;
use hub_store::{Executor, StoreError, locks, mappings, reference};

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

impl Facts {
    /// Gathers the facts from the hub's database.
    pub async fn from_db(
        db: &impl Executor,
        keys: Keys<'_>,
        today: NaiveDate,
    ) -> Result<Self, StoreError> {
        let country_known = reference::country(db, keys.country)
            .await?
            .is_some_and(|c| c.active);
        let currency_known = reference::currency_exists(db, keys.currency).await?;
        let kpis = reference::kpis(db)
            .await?
            .into_iter()
            .map(|k| (k.code.to_string(), k))
            .collect();
        let all_mappings = mappings::list(db, None).await?;
        let known_local_codes = all_mappings.iter().map(|m| m.local_code.clone()).collect();
        let mappings = all_mappings
            .into_iter()
            .filter(|m| m.active && m.country == keys.country)
            .map(|m| (m.local_code.clone(), m))
            .collect();
        let rates = match CurrencyCode::parse(keys.currency) {
            Ok(currency) if currency_known => reference::exchange_rates(db, &currency, None, None)
                .await?
                .into_iter()
                .map(|r| (r.month, r.rate))
                .collect(),
            _ => BTreeMap::new(),
        };
        let period_locked = match keys.period {
            Some(period) => locks::is_locked(db, period).await?,
            None => false,
        };
        let agencies = reference::agencies(db)
            .await?
            .into_iter()
            .map(|a| a.code.to_string())
            .collect();
        Ok(Facts {
            today,
            country_known,
            currency_known,
            kpis,
            mappings: Some(mappings),
            known_local_codes,
            rates,
            period_locked,
            agencies,
        })
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
