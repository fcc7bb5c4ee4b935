//! The data behind a set of figures: the reports that count for some quarters (now or as of a
//! time), their values the caller may see, and the reference data to interpret them. Fetched in
//! a fixed number of queries, then every figure is computed in memory.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use hub_domain::Decimal;
use hub_domain::access::{Classification, Viewer};
use hub_domain::catalogue::{KpiDefinition, ServiceLine};
use hub_domain::codes::CountryCode;
use hub_domain::period::Period;
use hub_store::analytics::{self, Counted};
use hub_store::entity::kpi_value;
use hub_store::{Db, reference};

use crate::error::ApiError;

/// A value as figures use it.
#[derive(Debug, Clone)]
pub struct Fact {
    pub row: kpi_value::Model,
    pub period: Period,
    /// `None` for money without a rate.
    pub value: Option<Decimal>,
    pub reported: Decimal,
    pub weight: Option<Decimal>,
    pub baseline: Option<Decimal>,
    pub target: Option<Decimal>,
    pub service_line: Option<ServiceLine>,
}

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
    /// Reports the caller may see, by (country, quarter).
    pub reports: BTreeMap<(String, Period), Counted>,
    /// Reports the caller may not see (they count as not reported for this caller).
    pub hidden_reports: usize,
    /// Visible values by KPI.
    pub facts: HashMap<String, Vec<Fact>>,
}

pub(crate) fn parse_decimal(text: Option<&str>) -> Result<Option<Decimal>, ApiError> {
    text.map(|t| {
        t.parse::<Decimal>()
            .map_err(|e| ApiError::Internal(format!("stored decimal {t:?}: {e}")))
    })
    .transpose()
}

pub(crate) fn visible(viewer: &Viewer, classification: &str, country: &str) -> bool {
    match (
        classification.parse::<Classification>(),
        CountryCode::parse(country),
    ) {
        (Ok(class), Ok(country)) => viewer.can_see(class, &country),
        _ => false,
    }
}

impl Dataset {
    /// Loads the reports of `quarters` (and their values of `kpis`, all KPIs when `None`).
    pub async fn load(
        db: &Db,
        viewer: &Viewer,
        quarters: &[Period],
        kpis: Option<&[String]>,
        as_of: Option<DateTime<Utc>>,
        today: NaiveDate,
    ) -> Result<Self, ApiError> {
        let teams = reference::countries(db, true).await?;
        let names = teams
            .iter()
            .map(|c| (c.code.to_string(), c.name.clone()))
            .collect();
        let countries = teams.into_iter().map(|c| c.code).collect();
        let catalogue = reference::kpis(db)
            .await?
            .into_iter()
            .map(|k| (k.code.to_string(), k))
            .collect();
        let periods: Vec<String> = quarters.iter().map(ToString::to_string).collect();
        let mut reports = BTreeMap::new();
        let mut hidden_reports = 0;
        for counted in analytics::counted_reports(db, &periods, as_of).await? {
            let Some(period) = counted
                .period
                .as_deref()
                .and_then(|p| p.parse::<Period>().ok())
            else {
                continue;
            };
            if visible(viewer, &counted.classification, &counted.country) {
                reports.insert((counted.country.clone(), period), counted);
            } else {
                hidden_reports += 1;
            }
        }
        // Values come from every counted report: a value's own classification decides.
        let ids: Vec<i64> = reports.values().map(|c| c.id).collect();
        let mut facts: HashMap<String, Vec<Fact>> = HashMap::new();
        let rows = match kpis {
            Some([]) => Vec::new(),
            _ => analytics::values_of(db, &ids, kpis).await?,
        };
        for row in rows {
            if !visible(viewer, &row.classification, &row.country) {
                continue;
            }
            let Ok(period) = row.period.parse::<Period>() else {
                continue;
            };
            let fact = Fact {
                period,
                value: parse_decimal(row.value.as_deref())?,
                reported: parse_decimal(Some(&row.reported_value))?.unwrap_or_default(),
                weight: parse_decimal(row.denominator.as_deref())?,
                baseline: parse_decimal(row.baseline.as_deref())?,
                target: parse_decimal(row.target.as_deref())?,
                service_line: row.service_line.as_deref().and_then(|s| s.parse().ok()),
                row,
            };
            facts.entry(fact.row.kpi.clone()).or_default().push(fact);
        }
        Ok(Dataset {
            today,
            as_of,
            countries,
            names,
            kpis: catalogue,
            reports,
            hidden_reports,
            facts,
        })
    }

    /// The day completeness and lateness are judged on: the as-of time, or today.
    pub fn reference_day(&self) -> NaiveDate {
        self.as_of.map_or(self.today, |t| t.date_naive())
    }

    /// Visible facts of one KPI, optionally of one service line.
    pub fn facts_of<'a>(
        &'a self,
        kpi: &str,
        service_line: Option<ServiceLine>,
    ) -> impl Iterator<Item = &'a Fact> {
        self.facts
            .get(kpi)
            .into_iter()
            .flatten()
            .filter(move |f| service_line.is_none() || f.service_line == service_line)
    }
}
