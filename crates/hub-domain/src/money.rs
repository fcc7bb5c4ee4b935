//! Exact decimals, exchange rates and the currency policy (DESIGN §6, "Currency policy").
//!
//! The hub uses the UN operational rate of exchange, in units of currency per 1 USD, one rate per
//! currency and month. A value converts at the rate of its period's month ([`crate::period::Period::rate_month`]);
//! when that month has no rate, the latest earlier rate within [`STALE_RATE_WINDOW_MONTHS`] is
//! used and the value is flagged stale; without any such rate the value keeps its reported
//! amount only and stays out of USD figures.

use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};

use crate::ParseError;
use crate::analytics::checked_sum;
use crate::codes::CurrencyCode;
use crate::limits::{MAX_RATE, MIN_RATE, check_range};
use crate::period::Month;
use crate::submission::ValueFlag;

/// How far back a missing month may borrow an earlier rate.
pub const STALE_RATE_WINDOW_MONTHS: i32 = 6;

/// Decimal places kept on converted USD amounts. Conversion divides, so some rounding is
/// unavoidable; a millionth of a dollar is far below any figure anyone reads.
pub const USD_SCALE: u32 = 6;

/// Parses an exact decimal from text, accepting the scientific notation JSON numbers may use.
pub fn parse_decimal(input: &str) -> Result<Decimal, ParseError> {
    Decimal::from_str(input)
        .or_else(|_| Decimal::from_scientific(input))
        .map(|d| d.normalize())
        .map_err(|_| {
            ParseError::new(
                "number",
                input,
                "a decimal number within ±7.9e28 with at most 28 decimals",
            )
        })
}

/// An exchange rate: units of a currency per 1 USD, strictly positive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Rate(Decimal);

impl Rate {
    /// A rate, checked to lie within [`MIN_RATE`] and [`MAX_RATE`] (so that every bounded
    /// amount converts to a USD amount that fits).
    pub fn new(units_per_usd: Decimal) -> Result<Self, ParseError> {
        check_range(units_per_usd, MIN_RATE, MAX_RATE)
            .map(|()| Rate(units_per_usd.normalize()))
            .map_err(|_| {
                ParseError::new(
                    "exchange rate",
                    &units_per_usd.to_string(),
                    format!("a number of currency units per 1 USD from {MIN_RATE} to {MAX_RATE}"),
                )
            })
    }

    /// The rate of the US dollar to itself.
    pub fn one() -> Self {
        Rate(Decimal::ONE)
    }

    /// Units of currency per 1 USD.
    pub fn units_per_usd(self) -> Decimal {
        self.0
    }

    /// Converts an amount in this rate's currency to USD (`amount / rate`), rounded to
    /// [`USD_SCALE`] places. `None` only when the result does not fit a decimal.
    pub fn to_usd(self, amount: Decimal) -> Option<Decimal> {
        amount
            .checked_div(self.0)
            .map(|usd| usd.round_dp_with_strategy(USD_SCALE, RoundingStrategy::MidpointNearestEven))
            .map(|usd| usd.normalize())
    }
}

impl FromStr for Rate {
    type Err = ParseError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        Rate::new(parse_decimal(input)?)
    }
}

impl<'de> serde::Deserialize<'de> for Rate {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// How a value's exchange rate was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateChoice {
    /// The rate of the month the policy asks for (or USD itself).
    Exact { month: Month, rate: Rate },
    /// An earlier month's rate, because the asked month has none: flag `RATE_STALE`.
    Stale { month: Month, rate: Rate },
    /// No rate within the window: flag `NO_RATE`, keep out of USD figures.
    Missing,
}

impl RateChoice {
    /// The rate and month used, if any.
    pub fn used(self) -> Option<(Month, Rate)> {
        match self {
            RateChoice::Exact { month, rate } | RateChoice::Stale { month, rate } => {
                Some((month, rate))
            }
            RateChoice::Missing => None,
        }
    }
}

/// Chooses the rate for `currency` in `month` by the currency policy, given a lookup of the
/// stored rates. USD is always exactly 1.
pub fn choose_rate(
    currency: &CurrencyCode,
    month: Month,
    mut lookup: impl FnMut(Month) -> Option<Rate>,
) -> RateChoice {
    if currency.is_usd() {
        return RateChoice::Exact {
            month,
            rate: Rate::one(),
        };
    }
    if let Some(rate) = lookup(month) {
        return RateChoice::Exact { month, rate };
    }
    let mut earlier = month;
    for _ in 0..STALE_RATE_WINDOW_MONTHS {
        earlier = earlier.previous();
        if let Some(rate) = lookup(earlier) {
            return RateChoice::Stale {
                month: earlier,
                rate,
            };
        }
    }
    RateChoice::Missing
}

/// An amount converted to USD by the currency policy, with the marks the value must carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conversion {
    /// The USD amount; `None` without a rate (`NO_RATE`) or when it does not fit (`OVERFLOW`).
    pub usd: Option<Decimal>,
    /// How the rate was found.
    pub choice: RateChoice,
    /// `RATE_STALE`, `NO_RATE` or `OVERFLOW`, as they apply.
    pub flags: Vec<ValueFlag>,
}

/// Converts `amount` in `currency` to USD at `month` by the currency policy. A result that does
/// not fit an exact decimal is flagged `OVERFLOW` rather than silently left empty (bounded rates
/// and amounts make it unreachable for data checked since DESIGN §17).
pub fn convert(
    amount: Decimal,
    currency: &CurrencyCode,
    month: Month,
    lookup: impl FnMut(Month) -> Option<Rate>,
) -> Conversion {
    let choice = choose_rate(currency, month, lookup);
    let mut flags = match choice {
        RateChoice::Exact { .. } => vec![],
        RateChoice::Stale { .. } => vec![ValueFlag::RateStale],
        RateChoice::Missing => vec![ValueFlag::NoRate],
    };
    let usd = choice.used().and_then(|(_, rate)| rate.to_usd(amount));
    if choice.used().is_some() && usd.is_none() {
        flags.push(ValueFlag::Overflow);
    }
    Conversion { usd, choice, flags }
}

/// Priority ratio of a common service's CBA (DESIGN §5.2): annual benefit over one-time plus
/// annual cost (money and labour together); none when the cost is 0.
pub fn priority_ratio(benefit: Decimal, cost: Decimal) -> Option<Decimal> {
    if cost.is_zero() {
        return None;
    }
    benefit.checked_div(cost).map(|r| r.round_dp(4).normalize())
}

/// The priority ratio from a CBA's parts: benefit (money, labour) over one-time and annual cost
/// (money, labour each); none when the cost is 0 or a sum does not fit.
pub fn cba_priority_ratio(benefit: [Decimal; 2], cost: [Decimal; 4]) -> Option<Decimal> {
    priority_ratio(checked_sum(benefit)?, checked_sum(cost)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn m(text: &str) -> Month {
        text.parse().unwrap()
    }

    fn d(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    fn cop() -> CurrencyCode {
        CurrencyCode::parse("COP").unwrap()
    }

    fn rates(entries: &[(&str, &str)]) -> BTreeMap<Month, Rate> {
        entries
            .iter()
            .map(|(month, rate)| (m(month), rate.parse().unwrap()))
            .collect()
    }

    #[test]
    fn usd_is_amount_divided_by_rate() {
        let rate: Rate = "4000".parse().unwrap();
        assert_eq!(rate.to_usd(d("125000000")), Some(d("31250")));
        let rate: Rate = "3".parse().unwrap();
        assert_eq!(rate.to_usd(d("1")), Some(d("0.333333")));
    }

    #[test]
    fn priority_ratio_is_benefit_over_cost_and_none_without_cost() {
        // DESIGN §5.2 example: (21000 + 9600) / (0 + 3600 + 0 + 0) = 8.5
        assert_eq!(priority_ratio(d("30600"), d("3600")), Some(d("8.5")));
        assert_eq!(priority_ratio(d("100"), d("0")), None);
        assert_eq!(
            cba_priority_ratio([d("21000"), d("9600")], [d("0"), d("3600"), d("0"), d("0")]),
            Some(d("8.5"))
        );
        let huge = d("70000000000000000000000000000");
        assert_eq!(cba_priority_ratio([huge, huge], [d("1"); 4]), None);
    }

    #[test]
    fn rate_must_be_positive_and_within_its_bounds() {
        assert!("0".parse::<Rate>().is_err());
        assert!("-1".parse::<Rate>().is_err());
        assert!("abc".parse::<Rate>().is_err());
        // 1e-28 would turn every amount into a USD figure that does not fit a decimal.
        assert!("1e-28".parse::<Rate>().is_err());
        assert!("0.000001".parse::<Rate>().is_ok());
        assert!("1e16".parse::<Rate>().is_err());
        let smallest: Rate = "0.000001".parse().unwrap();
        assert_eq!(
            smallest.to_usd(d("1000000000000000")),
            Some(d("1000000000000000000000"))
        );
    }

    #[test]
    fn usd_needs_no_stored_rate() {
        let choice = choose_rate(&CurrencyCode::usd(), m("2026-06"), |_| None);
        assert_eq!(
            choice,
            RateChoice::Exact {
                month: m("2026-06"),
                rate: Rate::one()
            }
        );
    }

    #[test]
    fn the_asked_month_is_used_when_present() {
        let table = rates(&[("2026-05", "4100"), ("2026-06", "4000")]);
        let choice = choose_rate(&cop(), m("2026-06"), |month| table.get(&month).copied());
        assert!(matches!(choice, RateChoice::Exact { month, .. } if month == m("2026-06")));
    }

    #[test]
    fn a_missing_month_borrows_the_latest_earlier_rate_within_six_months_and_is_stale() {
        let table = rates(&[("2025-11", "4300"), ("2026-01", "4200")]);
        let choice = choose_rate(&cop(), m("2026-06"), |month| table.get(&month).copied());
        assert_eq!(
            choice,
            RateChoice::Stale {
                month: m("2026-01"),
                rate: "4200".parse().unwrap()
            }
        );
        // Exactly six months back is still inside the window.
        let table = rates(&[("2025-12", "4300")]);
        let choice = choose_rate(&cop(), m("2026-06"), |month| table.get(&month).copied());
        assert!(matches!(choice, RateChoice::Stale { month, .. } if month == m("2025-12")));
    }

    #[test]
    fn no_rate_within_six_months_is_missing() {
        let table = rates(&[("2025-11", "4300"), ("2026-07", "3900")]);
        let choice = choose_rate(&cop(), m("2026-06"), |month| table.get(&month).copied());
        assert_eq!(choice, RateChoice::Missing);
    }

    #[test]
    fn a_conversion_that_does_not_fit_is_flagged_overflow() {
        // Only a rate stored before rates were bounded can do this.
        let tiny = Rate(d("0.0000000000000000000000000001"));
        let conversion = convert(d("100"), &cop(), m("2026-06"), |_| Some(tiny));
        assert_eq!(conversion.usd, None);
        assert_eq!(conversion.flags, vec![ValueFlag::Overflow]);
        let stale = convert(d("100"), &cop(), m("2026-06"), |month| {
            (month == m("2026-05")).then(|| "4".parse().unwrap())
        });
        assert_eq!(stale.usd, Some(d("25")));
        assert_eq!(stale.flags, vec![ValueFlag::RateStale]);
        let missing = convert(d("100"), &cop(), m("2026-06"), |_| None);
        assert_eq!(
            (missing.usd, missing.flags),
            (None, vec![ValueFlag::NoRate])
        );
    }

    #[test]
    fn decimals_parse_exactly_including_scientific_notation() {
        assert_eq!(parse_decimal("62.5").unwrap(), d("62.5"));
        assert_eq!(parse_decimal("1e3").unwrap(), d("1000"));
        assert_eq!(parse_decimal("0.1").unwrap().to_string(), "0.1");
        assert!(parse_decimal("1e40").is_err());
        assert!(parse_decimal("NaN").is_err());
    }
}
