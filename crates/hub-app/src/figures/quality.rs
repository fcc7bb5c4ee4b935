//! The data quality report of a year (DESIGN §16): per country and quarter, the values rejected,
//! the outliers and rule violations among the values kept, and whether the report came on time,
//! late or not at all; with the previous year's totals beside, so a trend shows.

use std::collections::BTreeSet;

use hub_domain::analytics::{Timeliness, timeliness};
use hub_domain::period::Period;
use hub_domain::submission::ValueFlag;

use super::dashboard::timeliness_due;
use super::dataset::Dataset;

/// What went wrong in one quarter of one country.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QualityCounts {
    pub rejected_values: i32,
    pub outliers: i32,
    pub rule_violations: i32,
    pub late: i32,
    pub missing: i32,
}

impl QualityCounts {
    fn add(&mut self, other: &QualityCounts) {
        self.rejected_values += other.rejected_values;
        self.outliers += other.outliers;
        self.rule_violations += other.rule_violations;
        self.late += other.late;
        self.missing += other.missing;
    }
}

/// One quarter of one country.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QualityQuarter {
    pub period: Period,
    /// ON_TIME, LATE or MISSING; `None` for a quarter not yet due and not reported.
    pub timeliness: Option<Timeliness>,
    pub counts: QualityCounts,
}

/// One country's year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountryQuality {
    pub country: String,
    pub name: String,
    /// Its federation source has not synced for two intervals.
    pub stale: bool,
    pub quarters: Vec<QualityQuarter>,
    pub totals: QualityCounts,
    /// The same totals for the year before.
    pub previous: QualityCounts,
}

/// The report of a year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataQualityReport {
    pub year: i32,
    pub countries: Vec<CountryQuality>,
    pub totals: QualityCounts,
    pub previous: QualityCounts,
}

fn count(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

fn quarter(dataset: &Dataset, country: &str, period: Period) -> QualityQuarter {
    let report = dataset.reports.get(&(country.to_owned(), period));
    let status = match report {
        Some(r) => Some(timeliness(period, Some(r.first_received_at.date_naive()))),
        None if timeliness_due(period, dataset.reference_day()) => Some(Timeliness::Missing),
        None => None,
    };
    let flagged = |flag: ValueFlag| {
        count(
            dataset
                .values
                .iter()
                .filter(|v| &*v.country == country && v.period == period && v.flags.contains(&flag))
                .count(),
        )
    };
    QualityQuarter {
        period,
        timeliness: status,
        counts: QualityCounts {
            rejected_values: report.map_or(0, |r| r.rejected_values),
            outliers: flagged(ValueFlag::Outlier),
            rule_violations: flagged(ValueFlag::RuleViolation),
            late: i32::from(status == Some(Timeliness::Late)),
            missing: i32::from(status == Some(Timeliness::Missing)),
        },
    }
}

/// The report of `year` from a dataset holding the quarters of `year` and the year before.
pub fn data_quality_report(
    dataset: &Dataset,
    year: Period,
    stale: &BTreeSet<String>,
) -> DataQualityReport {
    let previous_year = year.previous();
    let mut report = DataQualityReport {
        year: year.calendar_year(),
        countries: Vec::new(),
        totals: QualityCounts::default(),
        previous: QualityCounts::default(),
    };
    for code in &dataset.countries {
        let country = code.to_string();
        let quarters: Vec<QualityQuarter> = year
            .quarters()
            .into_iter()
            .map(|q| quarter(dataset, &country, q))
            .collect();
        let mut totals = QualityCounts::default();
        for q in &quarters {
            totals.add(&q.counts);
        }
        let mut previous = QualityCounts::default();
        for q in previous_year.quarters() {
            previous.add(&quarter(dataset, &country, q).counts);
        }
        report.totals.add(&totals);
        report.previous.add(&previous);
        report.countries.push(CountryQuality {
            name: dataset.names.get(&country).cloned().unwrap_or_default(),
            stale: stale.contains(&country),
            country,
            quarters,
            totals,
            previous,
        });
    }
    report
}
