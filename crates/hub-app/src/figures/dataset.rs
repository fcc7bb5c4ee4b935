//! The data behind a set of figures: the reports that count for some quarters (now or as of a
//! time), their values the caller may see, and the reference data to interpret them. Fetched in
//! a fixed number of queries, then every figure is computed in memory.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use hub_domain::access::{Classification, Viewer};
use hub_domain::catalogue::{KpiDefinition, ServiceLine};
use hub_domain::codes::CountryCode;
use hub_domain::period::Period;
use hub_ingest::facts::Reference;
use hub_store::Db;
use hub_store::analytics::{self, Counted};
use hub_store::submissions::{self, FigureValue};

use crate::error::AppResult;

/// Reports and values for a set of quarters.
#[derive(Debug, Clone)]
pub struct Dataset {
    pub today: NaiveDate,
    pub as_of: Option<DateTime<Utc>>,
    /// Active country teams, by code.
    pub countries: Vec<CountryCode>,
    /// Their names.
    pub names: HashMap<String, String>,
    pub kpis: HashMap<String, KpiDefinition>,
    /// Every counted report, by (country, quarter), whatever its classification: that a country
    /// reported is not secret (DESIGN §16), its values are.
    pub reports: BTreeMap<(String, Period), Counted>,
    /// The values the caller may see, by KPI.
    pub facts: HashMap<String, Vec<FigureValue>>,
}

/// Whether the viewer may see data of `classification` reported by `country`.
pub(crate) fn visible(viewer: &Viewer, classification: Classification, country: &str) -> bool {
    CountryCode::parse(country).is_ok_and(|country| viewer.can_see(classification, &country))
}

impl Dataset {
    /// Loads the reports of `quarters` (and their values of `kpis`, all KPIs when `None`);
    /// teams and catalogue come from `reference`, the reference data held in memory.
    pub async fn load(
        db: &Db,
        reference: &Reference,
        viewer: &Viewer,
        quarters: &[Period],
        kpis: Option<&[String]>,
        as_of: Option<DateTime<Utc>>,
        today: NaiveDate,
    ) -> AppResult<Self> {
        let teams = reference.teams();
        let names = teams
            .iter()
            .map(|c| (c.code.to_string(), c.name.clone()))
            .collect();
        let countries = teams.iter().map(|c| c.code.clone()).collect();
        let catalogue = reference.kpis().clone();
        let mut reports = BTreeMap::new();
        for counted in analytics::counted_reports(db, quarters, as_of).await? {
            if let Some(period) = counted.period {
                reports.insert((counted.country.clone(), period), counted);
            }
        }
        // Values come from every counted report: a value's own classification decides.
        let ids: Vec<i64> = reports.values().map(|c| c.id).collect();
        let mut facts: HashMap<String, Vec<FigureValue>> = HashMap::new();
        let rows = match kpis {
            Some([]) => Vec::new(),
            _ => submissions::figure_values_of(db, &ids, kpis).await?,
        };
        for row in rows {
            if visible(viewer, row.classification, &row.country) {
                match facts.get_mut(&*row.kpi) {
                    Some(list) => list.push(row),
                    None => {
                        facts.insert(row.kpi.to_string(), vec![row]);
                    }
                }
            }
        }
        Ok(Dataset {
            today,
            as_of,
            countries,
            names,
            kpis: catalogue,
            reports,
            facts,
        })
    }

    /// The day completeness and lateness are judged on: the as-of time, or today.
    pub fn reference_day(&self) -> NaiveDate {
        self.as_of.map_or(self.today, |t| t.date_naive())
    }

    /// Visible values of one KPI, optionally of one service line.
    pub fn facts_of<'a>(
        &'a self,
        kpi: &str,
        service_line: Option<ServiceLine>,
    ) -> impl Iterator<Item = &'a FigureValue> {
        self.facts
            .get(kpi)
            .into_iter()
            .flatten()
            .filter(move |f| service_line.is_none() || f.service_line == service_line)
    }
}
