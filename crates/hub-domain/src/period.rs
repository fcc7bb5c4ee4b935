//! Reporting periods and months.
//!
//! A [`Period`] is a quarter (`2026-Q2`) or a year (`2026`). A [`Month`] (`2026-06`) is the unit
//! of exchange rates: a quarterly value uses the rate of the last month of its quarter, a yearly
//! figure December of its year.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};

use crate::ParseError;

/// Earliest and latest years the hub accepts; outside them a period is a typo, not a plan.
pub const MIN_YEAR: i32 = 2000;
/// See [`MIN_YEAR`].
pub const MAX_YEAR: i32 = 2100;

/// A reporting period: one quarter of a year, or a whole year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Period {
    /// `YYYY-Qn`, `quarter` in 1..=4.
    Quarter { year: i32, quarter: u8 },
    /// `YYYY`.
    Year(i32),
}

impl Period {
    /// A quarter, checked.
    pub fn quarter(year: i32, quarter: u8) -> Result<Self, ParseError> {
        let text = format!("{year}-Q{quarter}");
        if !(MIN_YEAR..=MAX_YEAR).contains(&year) || !(1..=4).contains(&quarter) {
            return Err(ParseError::new("period", &text, EXPECTED));
        }
        Ok(Period::Quarter { year, quarter })
    }

    /// A year, checked.
    pub fn year(year: i32) -> Result<Self, ParseError> {
        if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
            return Err(ParseError::new("period", &year.to_string(), EXPECTED));
        }
        Ok(Period::Year(year))
    }

    /// The quarter a day falls in (clamped to the years the hub takes).
    pub fn of_date(date: NaiveDate) -> Self {
        use chrono::Datelike;
        let year = date.year().clamp(MIN_YEAR, MAX_YEAR);
        let quarter = u8::try_from((date.month() - 1) / 3 + 1).unwrap_or(1);
        Period::Quarter { year, quarter }
    }

    /// The calendar year the period falls in.
    pub fn calendar_year(self) -> i32 {
        match self {
            Period::Quarter { year, .. } | Period::Year(year) => year,
        }
    }

    /// Whether this is a quarter.
    pub fn is_quarter(self) -> bool {
        matches!(self, Period::Quarter { .. })
    }

    /// The month whose exchange rate converts values of this period.
    pub fn rate_month(self) -> Month {
        match self {
            Period::Quarter { year, quarter } => Month {
                year,
                month: quarter * 3,
            },
            Period::Year(year) => Month { year, month: 12 },
        }
    }

    /// First day of the period.
    pub fn start_date(self) -> NaiveDate {
        let (year, month) = match self {
            Period::Quarter { year, quarter } => (year, u32::from(quarter) * 3 - 2),
            Period::Year(year) => (year, 1),
        };
        first_of_month(year, month)
    }

    /// Last day of the period.
    pub fn end_date(self) -> NaiveDate {
        let next_start = match self {
            Period::Quarter { year, quarter: 4 } | Period::Year(year) => {
                first_of_month(year + 1, 1)
            }
            Period::Quarter { year, quarter } => first_of_month(year, u32::from(quarter) * 3 + 1),
        };
        next_start.pred_opt().unwrap_or(next_start)
    }

    /// The period right before this one (of the same kind).
    pub fn previous(self) -> Self {
        match self {
            Period::Quarter { year, quarter: 1 } => Period::Quarter {
                year: year - 1,
                quarter: 4,
            },
            Period::Quarter { year, quarter } => Period::Quarter {
                year,
                quarter: quarter - 1,
            },
            Period::Year(year) => Period::Year(year - 1),
        }
    }

    /// The period right after this one (of the same kind).
    pub fn next(self) -> Self {
        match self {
            Period::Quarter { year, quarter: 4 } => Period::Quarter {
                year: year + 1,
                quarter: 1,
            },
            Period::Quarter { year, quarter } => Period::Quarter {
                year,
                quarter: quarter + 1,
            },
            Period::Year(year) => Period::Year(year + 1),
        }
    }

    /// A period is in the future when it has not started by `today`.
    pub fn is_future(self, today: NaiveDate) -> bool {
        self.start_date() > today
    }

    /// The four quarters of a year, or the quarter itself.
    pub fn quarters(self) -> Vec<Period> {
        match self {
            Period::Quarter { .. } => vec![self],
            Period::Year(year) => (1..=4)
                .map(|quarter| Period::Quarter { year, quarter })
                .collect(),
        }
    }

    /// Every period from `self` to `to` inclusive, stepping by the kind of `self`; empty when
    /// `to` comes first or the kinds differ.
    pub fn range_to(self, to: Period) -> Vec<Period> {
        if self.is_quarter() != to.is_quarter() {
            return Vec::new();
        }
        let mut periods = Vec::new();
        let mut current = self;
        while current <= to {
            periods.push(current);
            current = current.next();
        }
        periods
    }

    /// Number of periods from `self` to `to` inclusive (0 when `to` comes first).
    pub fn count_to(self, to: Period) -> i64 {
        let index = |p: Period| match p {
            Period::Quarter { year, quarter } => i64::from(year) * 4 + i64::from(quarter),
            Period::Year(year) => i64::from(year),
        };
        (index(to) - index(self) + 1).max(0)
    }

    fn sort_key(self) -> (i32, u8) {
        match self {
            Period::Quarter { year, quarter } => (year, quarter),
            // A year sorts after its own quarters.
            Period::Year(year) => (year, 5),
        }
    }
}

const EXPECTED: &str = "YYYY-Qn (n from 1 to 4) or YYYY, years 2000 to 2100";

fn first_of_month(year: i32, month: u32) -> NaiveDate {
    // Years are bounded to MIN_YEAR..=MAX_YEAR+1 and months to 1..=12 by construction, which
    // chrono always represents; MIN is an unreachable fallback that keeps this total.
    NaiveDate::from_ymd_opt(year, month, 1).unwrap_or(NaiveDate::MIN)
}

impl Ord for Period {
    fn cmp(&self, other: &Self) -> Ordering {
        self.sort_key().cmp(&other.sort_key())
    }
}

impl PartialOrd for Period {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl FromStr for Period {
    type Err = ParseError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let invalid = || ParseError::new("period", input, EXPECTED);
        let bytes = input.as_bytes();
        let digits = |range: std::ops::Range<usize>| {
            bytes[range.clone()].iter().all(u8::is_ascii_digit) && !range.is_empty()
        };
        match bytes.len() {
            4 if digits(0..4) => Period::year(input.parse().map_err(|_| invalid())?),
            7 if digits(0..4) && &bytes[4..6] == b"-Q" && digits(6..7) => {
                let year = input[0..4].parse().map_err(|_| invalid())?;
                Period::quarter(year, bytes[6] - b'0')
            }
            _ => Err(invalid()),
        }
        .map_err(|_| invalid())
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::Quarter { year, quarter } => write!(f, "{year}-Q{quarter}"),
            Period::Year(year) => write!(f, "{year}"),
        }
    }
}

impl serde::Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Period {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// A calendar month, `YYYY-MM`: the unit of exchange rates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Month {
    year: i32,
    month: u8,
}

impl Month {
    /// A month, checked.
    pub fn new(year: i32, month: u8) -> Result<Self, ParseError> {
        if !(MIN_YEAR..=MAX_YEAR).contains(&year) || !(1..=12).contains(&month) {
            return Err(ParseError::new(
                "month",
                &format!("{year}-{month:02}"),
                MONTH_EXPECTED,
            ));
        }
        Ok(Month { year, month })
    }

    /// The month containing `date`.
    pub fn of(date: NaiveDate) -> Self {
        Month {
            year: date.year(),
            // month() is 1..=12 by chrono's contract.
            month: date.month() as u8,
        }
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.year
    }

    /// The month number, 1..=12.
    pub fn month(self) -> u8 {
        self.month
    }

    /// The month before.
    pub fn previous(self) -> Self {
        if self.month == 1 {
            Month {
                year: self.year - 1,
                month: 12,
            }
        } else {
            Month {
                year: self.year,
                month: self.month - 1,
            }
        }
    }

    /// The month after.
    pub fn next(self) -> Self {
        if self.month == 12 {
            Month {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Month {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    /// How many months `earlier` lies before `self` (negative when it lies after).
    pub fn months_since(self, earlier: Month) -> i32 {
        (self.year - earlier.year) * 12 + i32::from(self.month) - i32::from(earlier.month)
    }
}

const MONTH_EXPECTED: &str = "YYYY-MM, years 2000 to 2100";

impl FromStr for Month {
    type Err = ParseError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let invalid = || ParseError::new("month", input, MONTH_EXPECTED);
        let bytes = input.as_bytes();
        if bytes.len() != 7
            || bytes[4] != b'-'
            || !bytes[..4].iter().chain(&bytes[5..]).all(u8::is_ascii_digit)
        {
            return Err(invalid());
        }
        let year = input[..4].parse().map_err(|_| invalid())?;
        let month = input[5..].parse().map_err(|_| invalid())?;
        Month::new(year, month).map_err(|_| invalid())
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{:02}", self.year, self.month)
    }
}

impl serde::Serialize for Month {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Month {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_falls_in_its_quarter() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(Period::of_date(day(2026, 12, 1)).to_string(), "2026-Q4");
        assert_eq!(Period::of_date(day(2026, 1, 1)).to_string(), "2026-Q1");
        assert_eq!(Period::of_date(day(2026, 6, 30)).to_string(), "2026-Q2");
    }

    fn p(text: &str) -> Period {
        text.parse().unwrap()
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn period_parses_quarters_and_years_and_prints_them_back() {
        for text in ["2026-Q2", "2024-Q4", "2025", "2000", "2100-Q1"] {
            assert_eq!(p(text).to_string(), text);
        }
    }

    #[test]
    fn period_rejects_malformed_text() {
        for bad in [
            "2026-Q0",
            "2026-Q5",
            "2026Q2",
            "26-Q2",
            "2026-q2",
            "1999",
            "2101",
            "",
            "2026-Q2 ",
            "２０２６",
            "2026-06",
        ] {
            assert!(bad.parse::<Period>().is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn quarter_rate_month_is_the_last_month_of_the_quarter() {
        assert_eq!(p("2026-Q2").rate_month().to_string(), "2026-06");
        assert_eq!(p("2026-Q1").rate_month().to_string(), "2026-03");
        assert_eq!(p("2026-Q4").rate_month().to_string(), "2026-12");
        assert_eq!(p("2025").rate_month().to_string(), "2025-12");
    }

    #[test]
    fn periods_order_chronologically_with_a_year_after_its_quarters() {
        let mut periods = [p("2025"), p("2025-Q3"), p("2024-Q4"), p("2025-Q1")];
        periods.sort();
        let texts: Vec<_> = periods.iter().map(ToString::to_string).collect();
        assert_eq!(texts, ["2024-Q4", "2025-Q1", "2025-Q3", "2025"]);
    }

    #[test]
    fn previous_and_next_cross_year_boundaries() {
        assert_eq!(p("2026-Q1").previous(), p("2025-Q4"));
        assert_eq!(p("2025-Q4").next(), p("2026-Q1"));
        assert_eq!(p("2025").next(), p("2026"));
        assert_eq!(p("2025-Q2").next().previous(), p("2025-Q2"));
    }

    #[test]
    fn period_is_future_only_when_it_has_not_started() {
        let today = date(2026, 11, 25);
        assert!(!p("2026-Q4").is_future(today));
        assert!(!p("2026-Q3").is_future(today));
        assert!(p("2027-Q1").is_future(today));
        assert!(p("2027").is_future(today));
        assert!(!p("2026-Q4").is_future(date(2026, 10, 1)));
        assert!(p("2026-Q4").is_future(date(2026, 9, 30)));
    }

    #[test]
    fn start_and_end_dates_cover_the_period() {
        assert_eq!(p("2026-Q1").start_date(), date(2026, 1, 1));
        assert_eq!(p("2026-Q1").end_date(), date(2026, 3, 31));
        assert_eq!(p("2024-Q4").end_date(), date(2024, 12, 31));
        assert_eq!(p("2024").end_date(), date(2024, 12, 31));
        assert_eq!(p("2026-Q2").end_date(), date(2026, 6, 30));
    }

    #[test]
    fn range_and_count_agree() {
        let range = p("2024-Q3").range_to(p("2026-Q2"));
        assert_eq!(range.len(), 8);
        assert_eq!(p("2024-Q3").count_to(p("2026-Q2")), 8);
        assert!(p("2026-Q2").range_to(p("2024-Q3")).is_empty());
        assert_eq!(p("2026-Q2").count_to(p("2024-Q3")), 0);
        assert!(p("2024").range_to(p("2026-Q2")).is_empty());
    }

    #[test]
    fn month_parses_and_steps() {
        let m: Month = "2026-01".parse().unwrap();
        assert_eq!(m.previous().to_string(), "2025-12");
        assert_eq!(m.previous().next(), m);
        assert_eq!(m.months_since("2025-07".parse().unwrap()), 6);
        for bad in ["2026-13", "2026-00", "2026-1", "202601", "2026/01"] {
            assert!(bad.parse::<Month>().is_err(), "{bad:?}");
        }
    }
}
