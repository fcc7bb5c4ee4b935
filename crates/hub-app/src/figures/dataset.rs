//! The data behind a set of figures: the reports that count for some quarters (now or as of a
//! time), their values the caller may see, and the reference data to interpret them. Fetched in
//! a fixed number of queries, then every figure is computed in memory.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use foldhash::fast::RandomState as Fast;
use hub_domain::access::{Classification, Viewer};
use hub_domain::catalogue::{KpiDefinition, ServiceLine};
use hub_domain::codes::CountryCode;
use hub_domain::period::Period;
use hub_ingest::facts::Reference;
use hub_store::Db;
use hub_store::analytics::{self, Counted};
use hub_store::submissions::{FigureValue, ReportService};

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
    /// The values the caller may see, report by report, each report's in document order.
    pub values: Vec<FigureValue>,
    /// Where each KPI's values are in `values`, in that order. Values stay where they were
    /// unpacked: a year holds thousands, and moving each into a list of its KPI cost more than
    /// computing the figures.
    by_kpi: HashMap<Arc<str>, Vec<u32>, Fast>,
    /// The common services each counted report listed (when loaded with them).
    pub services: Vec<ReportService>,
}

/// Whether the viewer may see data of `classification` reported by `country`.
pub(crate) fn visible(viewer: &Viewer, classification: Classification, country: &str) -> bool {
    CountryCode::parse(country).is_ok_and(|country| viewer.can_see(classification, &country))
}

/// What a dataset is loaded with besides its reports.
#[derive(Debug, Clone, Copy)]
pub struct Parts<'a> {
    /// The values of these KPIs (all when `None`; `Some(&[])` for none).
    pub kpis: Option<&'a [String]>,
    /// The common services the reports listed.
    pub services: bool,
}

impl Dataset {
    /// Loads the reports of `quarters` with what `parts` names; teams and catalogue come from
    /// `reference`, the reference data held in memory.
    pub async fn load(
        db: &Db,
        reference: &Reference,
        viewer: &Viewer,
        quarters: &[Period],
        parts: Parts<'_>,
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
        let read = match parts.kpis {
            // Only who reported: no packs to read.
            Some([]) if !parts.services => analytics::ReportFacts {
                reports: analytics::counted_reports(db, quarters, as_of).await?,
                ..Default::default()
            },
            kpis => analytics::report_facts(db, quarters, as_of, kpis, parts.services).await?,
        };
        let mut reports = BTreeMap::new();
        for counted in read.reports {
            if let Some(period) = counted.period {
                reports.insert((counted.country.clone(), period), counted);
            }
        }
        // Values come from every counted report: a value's own classification decides. They
        // come report by report, so a country code is parsed once per report.
        let mut values = read.values;
        let mut country: Option<(Arc<str>, Option<CountryCode>)> = None;
        values.retain(|value| {
            if country.as_ref().is_none_or(|(c, _)| *c != value.country) {
                country = Some((
                    Arc::clone(&value.country),
                    CountryCode::parse(&value.country).ok(),
                ));
            }
            let code = country.as_ref().and_then(|(_, code)| code.as_ref());
            code.is_some_and(|code| viewer.can_see(value.classification, code))
        });
        let mut by_kpi: HashMap<Arc<str>, Vec<u32>, Fast> = HashMap::default();
        for (at, value) in (0u32..).zip(&values) {
            match by_kpi.get_mut(&value.kpi) {
                Some(list) => list.push(at),
                None => {
                    by_kpi.insert(Arc::clone(&value.kpi), vec![at]);
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
            values,
            by_kpi,
            services: read.services,
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
        self.by_kpi
            .get(kpi)
            .into_iter()
            .flatten()
            .map(|&at| &self.values[at as usize])
            .filter(move |f| service_line.is_none() || f.service_line == service_line)
    }

    /// The KPIs with visible values, each with its values (in no particular order of KPIs).
    pub fn facts_by_kpi(&self) -> impl Iterator<Item = (&str, impl Iterator<Item = &FigureValue>)> {
        self.by_kpi
            .iter()
            .map(|(kpi, list)| (&**kpi, list.iter().map(|&at| &self.values[at as usize])))
    }
}
