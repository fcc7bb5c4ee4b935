//! Who reported for which quarter, and in time.

use chrono::{DateTime, Utc};
use hub_domain::analytics::{Timeliness, timeliness};
use hub_domain::period::Period;

use super::dashboard::timeliness_due;
use super::dataset::Dataset;

/// One country's state for one quarter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompletenessCell {
    pub period: Period,
    /// ON_TIME, LATE or MISSING; null while the quarter has not ended and nothing arrived.
    pub status: Option<Timeliness>,
    /// When the first revision arrived.
    pub received_at: Option<DateTime<Utc>>,
    pub revision: Option<i32>,
    pub submission_id: Option<i64>,
}

/// One country's row of the completeness matrix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountryCompleteness {
    pub country: String,
    pub periods: Vec<CompletenessCell>,
    pub on_time: i32,
    pub late: i32,
    pub missing: i32,
}

/// The country × quarter matrix over `quarters`.
pub fn completeness(dataset: &Dataset, quarters: &[Period]) -> Vec<CountryCompleteness> {
    let day = dataset.reference_day();
    dataset
        .countries
        .iter()
        .map(|country| {
            let mut row = CountryCompleteness {
                country: country.to_string(),
                periods: Vec::new(),
                on_time: 0,
                late: 0,
                missing: 0,
            };
            for quarter in quarters {
                let report = dataset.reports.get(&(country.to_string(), *quarter));
                let status = match report {
                    Some(r) => Some(timeliness(*quarter, Some(r.first_received_at.date_naive()))),
                    None if timeliness_due(*quarter, day) => Some(Timeliness::Missing),
                    None => None,
                };
                match status {
                    Some(Timeliness::OnTime) => row.on_time += 1,
                    Some(Timeliness::Late) => row.late += 1,
                    Some(Timeliness::Missing) => row.missing += 1,
                    None => {}
                }
                row.periods.push(CompletenessCell {
                    period: *quarter,
                    status,
                    received_at: report.map(|r| r.first_received_at),
                    revision: report.map(|r| r.revision),
                    submission_id: report.map(|r| r.id),
                });
            }
            row
        })
        .collect()
}
