//! Aggregation semantics (DESIGN §8), as plain functions over exact decimals.
//!
//! Values combine within a country and period by the KPI's "across countries" rule; a country's
//! year combines its quarters by the "across quarters" rule; the regional figure then combines
//! countries by the "across countries" rule again. A combined value carries the weights it was
//! made of, so a weighted mean of countries weighs each by its own total weight.

use rust_decimal::{Decimal, RoundingStrategy};

use crate::catalogue::{Direction, SpatialAggregation, TemporalAggregation};
use crate::period::Period;

/// Decimal places kept on computed figures (means divide).
pub const FIGURE_SCALE: u32 = 6;

fn round(value: Decimal) -> Decimal {
    value
        .round_dp_with_strategy(FIGURE_SCALE, RoundingStrategy::MidpointNearestEven)
        .normalize()
}

/// One value with its optional weight (the `denominator` of weighted means).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Weighted {
    pub value: Decimal,
    pub weight: Option<Decimal>,
}

impl Weighted {
    /// A value without weight.
    pub fn plain(value: Decimal) -> Self {
        Self {
            value,
            weight: None,
        }
    }

    /// A value with a weight.
    pub fn new(value: Decimal, weight: Option<Decimal>) -> Self {
        Self { value, weight }
    }
}

/// The result of combining values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Combined {
    /// `None` when nothing could be combined (no data, no weights for a weighted mean, or an
    /// overflow).
    pub value: Option<Decimal>,
    /// The sum of the weights the value was made of, if any had one.
    pub weight: Option<Decimal>,
    /// Values left out of a weighted mean for want of a weight (`MISSING_WEIGHT`).
    pub missing_weight: usize,
    /// The figure does not fit an exact decimal (`OVERFLOW`): it is left out, never wrapped or
    /// rounded into something plausible. Bounded inputs (DESIGN §17) make this unreachable for
    /// stored documents; it guards data stored before the bounds.
    pub overflow: bool,
}

impl Combined {
    /// The combined value as an input of the next step.
    pub fn as_weighted(&self) -> Option<Weighted> {
        self.value.map(|value| Weighted::new(value, self.weight))
    }

    fn overflowed(missing_weight: usize) -> Self {
        Combined {
            missing_weight,
            overflow: true,
            ..Combined::default()
        }
    }
}

/// The exact sum, or `None` when it does not fit a decimal. An empty sum is 0.
pub fn checked_sum(values: impl IntoIterator<Item = Decimal>) -> Option<Decimal> {
    values
        .into_iter()
        .try_fold(Decimal::ZERO, |total, v| total.checked_add(v))
}

/// The sum of the weights present: `Ok(None)` when none has one, `Err` on overflow.
fn sum_weights(weights: impl Iterator<Item = Option<Decimal>>) -> Result<Option<Decimal>, ()> {
    let mut total: Option<Decimal> = None;
    for weight in weights.flatten() {
        total = Some(
            total
                .unwrap_or(Decimal::ZERO)
                .checked_add(weight)
                .ok_or(())?,
        );
    }
    Ok(total)
}

/// The arithmetic mean. Never overflows: when the plain sum does not fit, each value is divided
/// first (each share is at most the largest value, so their sum fits).
fn mean(values: impl Iterator<Item = Decimal> + Clone) -> Option<Decimal> {
    let count = values.clone().count();
    match count {
        0 => return None,
        // Most means in a figure are of one value (one per service and quarter): no division.
        1 => return values.clone().next().map(round),
        _ => {}
    }
    let count = Decimal::from(count);
    match checked_sum(values.clone()) {
        Some(total) => total.checked_div(count).map(round),
        None => checked_sum(values.filter_map(|v| v.checked_div(count))).map(round),
    }
}

/// Values a median sorts on the stack; more go to the heap.
const MEDIAN_ON_STACK: usize = 16;

fn median(values: impl Iterator<Item = Decimal> + Clone) -> Option<Decimal> {
    let count = values.clone().count();
    if count <= MEDIAN_ON_STACK {
        let mut buffer = [Decimal::ZERO; MEDIAN_ON_STACK];
        for (slot, value) in buffer.iter_mut().zip(values) {
            *slot = value;
        }
        median_of(&mut buffer[..count])
    } else {
        median_of(&mut values.collect::<Vec<_>>())
    }
}

fn median_of(values: &mut [Decimal]) -> Option<Decimal> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let middle = values.len() / 2;
    if values.len() % 2 == 1 {
        Some(values[middle])
    } else {
        // Halving each side first cannot overflow; the plain midpoint is exact when it fits.
        let (low, high) = (values[middle - 1], values[middle]);
        let midpoint = match low.checked_add(high) {
            Some(total) => total / Decimal::TWO,
            None => low / Decimal::TWO + high / Decimal::TWO,
        };
        Some(round(midpoint))
    }
}

/// Σ(v·w)/Σw over values that have a weight. When the products do not fit, the weights are
/// scaled by the largest one first (the quotient is the same); `None` only when even that
/// overflows.
fn weighted_mean(
    weighted: impl Iterator<Item = (Decimal, Decimal)> + Clone,
    total_weight: Decimal,
) -> Option<Decimal> {
    if let Some(product) = sum_of_products(weighted.clone()) {
        return product.checked_div(total_weight).map(round);
    }
    let largest = weighted.clone().map(|(_, w)| w).max()?;
    let scaled = weighted.map(move |(v, w)| (v, w.checked_div(largest)));
    if scaled.clone().any(|(_, w)| w.is_none()) {
        return None;
    }
    let scaled = scaled.map(|(v, w)| (v, w.unwrap_or_default()));
    let product = sum_of_products(scaled.clone())?;
    let weight = checked_sum(scaled.map(|(_, w)| w))?;
    product.checked_div(weight).map(round)
}

/// Σ(v·w), or `None` when a product or the sum does not fit.
fn sum_of_products(mut pairs: impl Iterator<Item = (Decimal, Decimal)>) -> Option<Decimal> {
    pairs.try_fold(Decimal::ZERO, |total, (v, w)| {
        total.checked_add(v.checked_mul(w)?)
    })
}

/// Combines values by a spatial rule: within one country and period, or across countries.
pub fn combine(rule: SpatialAggregation, items: &[Weighted]) -> Combined {
    let values = items.iter().map(|w| w.value);
    let plain = |value: Option<Decimal>| match sum_weights(items.iter().map(|w| w.weight)) {
        Ok(weight) => Combined {
            value,
            weight,
            ..Combined::default()
        },
        Err(()) => Combined::overflowed(0),
    };
    match rule {
        SpatialAggregation::Sum if items.is_empty() => plain(None),
        SpatialAggregation::Sum => match checked_sum(values) {
            Some(total) => plain(Some(total)),
            None => Combined::overflowed(0),
        },
        SpatialAggregation::Mean => plain(mean(values)),
        SpatialAggregation::Median => plain(median(values)),
        SpatialAggregation::WeightedMean => {
            let weighted = items
                .iter()
                .filter_map(|w| w.weight.map(|weight| (w.value, weight)));
            let missing_weight = items.len() - weighted.clone().count();
            if missing_weight == items.len() {
                return Combined {
                    missing_weight,
                    ..Combined::default()
                };
            }
            let Some(total_weight) = checked_sum(weighted.clone().map(|(_, w)| w)) else {
                return Combined::overflowed(missing_weight);
            };
            let value = if total_weight.is_zero() {
                None
            } else {
                match weighted_mean(weighted, total_weight) {
                    Some(value) => Some(value),
                    None => return Combined::overflowed(missing_weight),
                }
            };
            Combined {
                value,
                weight: Some(total_weight),
                missing_weight,
                overflow: false,
            }
        }
    }
}

/// One quarter's combined value of a country, for the temporal step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuarterValue {
    pub quarter: u8,
    pub combined: Combined,
}

/// Combines the quarters of one year by a temporal rule. Quarters without a value are ignored;
/// `LAST` takes the latest quarter present.
pub fn temporal(rule: TemporalAggregation, quarters: &[QuarterValue]) -> Combined {
    let present = quarters
        .iter()
        .filter_map(|q| q.combined.value.map(|v| (q.quarter, v, q.combined.weight)));
    let missing_weight = quarters.iter().map(|q| q.combined.missing_weight).sum();
    // A quarter that overflowed taints every rule but LAST, which may not even look at it.
    let overflow = quarters.iter().any(|q| q.combined.overflow);
    if present.clone().next().is_none() {
        return Combined {
            missing_weight,
            overflow,
            ..Combined::default()
        };
    }
    let weights = present.clone().filter_map(|(_, _, w)| w);
    let values = present.clone().map(|(_, v, _)| v);
    let (value, weight) = match rule {
        TemporalAggregation::Sum if overflow => (None, None),
        TemporalAggregation::Sum => match checked_sum(values) {
            None => (None, None),
            Some(total) if weights.clone().next().is_none() => (Some(total), None),
            Some(total) => match checked_sum(weights) {
                Some(weight) => (Some(total), Some(weight)),
                None => (None, None),
            },
        },
        TemporalAggregation::Mean if overflow => (None, None),
        TemporalAggregation::Mean => (mean(values), mean(weights)),
        TemporalAggregation::Last => {
            let last = present.max_by_key(|(quarter, _, _)| *quarter);
            (last.map(|(_, v, _)| v), last.and_then(|(_, _, w)| w))
        }
    };
    Combined {
        overflow: value.is_none(),
        value,
        weight,
        missing_weight,
    }
}

vocabulary!(
    /// A data-quality mark on a figure, or counted behind one (`dataQuality`).
    FigureFlag, "figure flag" {
        /// Nothing to compute the figure from.
        NoData => "NO_DATA",
        /// Values converted with an earlier month's rate.
        RateStale => "RATE_STALE",
        /// Money values without a rate, left out of USD figures.
        NoRate => "NO_RATE",
        /// Values of a weighted mean without a weight, left out.
        MissingWeight => "MISSING_WEIGHT",
        /// Data from a federation source that has not synced for two intervals.
        StaleSource => "STALE_SOURCE",
        /// A figure that does not fit an exact decimal, left out.
        Overflow => "OVERFLOW",
        /// Planned cost avoidance without a rate, left out.
        PlannedNoRate => "PLANNED_NO_RATE",
        /// A report received more than 30 days after its quarter.
        LateReport => "LATE_REPORT",
        /// A report due and not received.
        MissingReport => "MISSING_REPORT",
        /// Values rejected one by one from the reports behind the figure.
        RejectedValue => "REJECTED_VALUE",
        /// Values flagged as outliers against their country's history.
        Outlier => "OUTLIER",
        /// Values at which their report breaks a validation rule.
        RuleViolation => "RULE_VIOLATION",
    }
);

vocabulary!(
    /// How far a value got from its baseline towards its target.
    Rating, "rating" {
        /// At or beyond the target.
        Met => "MET",
        /// Part of the way.
        Progress => "PROGRESS",
        /// At or behind the baseline.
        NoProgress => "NO_PROGRESS",
        /// No value to rate.
        NoData => "NO_DATA",
    }
);

/// Progress `(a − b) / (t − b)` and its rating. When the target equals the baseline, the value
/// is `MET` if it is at least as good as the target in the KPI's direction (progress is then
/// undefined).
pub fn progress(
    actual: Option<Decimal>,
    baseline: Decimal,
    target: Decimal,
    direction: Direction,
) -> (Option<Decimal>, Rating) {
    let Some(actual) = actual else {
        return (None, Rating::NoData);
    };
    if target == baseline {
        let met = match direction {
            Direction::Higher => actual >= target,
            Direction::Lower => actual <= target,
        };
        return (None, if met { Rating::Met } else { Rating::NoProgress });
    }
    let Some(p) = actual
        .checked_sub(baseline)
        .zip(target.checked_sub(baseline))
        .and_then(|(gained, wanted)| gained.checked_div(wanted))
        .map(round)
    else {
        return (None, Rating::NoData);
    };
    let rating = if p >= Decimal::ONE {
        Rating::Met
    } else if p > Decimal::ZERO {
        Rating::Progress
    } else {
        Rating::NoProgress
    };
    (Some(p), rating)
}

vocabulary!(
    /// Whether a country reported for a period, and in time.
    Timeliness, "timeliness" {
        OnTime => "ON_TIME",
        Late => "LATE",
        Missing => "MISSING",
    }
);

/// Days after a period's end within which a report is on time.
pub const ON_TIME_DAYS: i64 = 30;

/// On time when first received within 30 days after the period ends.
pub fn timeliness(period: Period, first_received: Option<chrono::NaiveDate>) -> Timeliness {
    match first_received {
        None => Timeliness::Missing,
        Some(date) if (date - period.end_date()).num_days() <= ON_TIME_DAYS => Timeliness::OnTime,
        Some(_) => Timeliness::Late,
    }
}

/// The share of a period's `plan` for `counted` of its `quarters` quarters (the quarters due, or
/// the quarters reported): plan × counted / quarters. `None` for a period without quarters or
/// a product that does not fit.
pub fn plan_share(plan: Decimal, counted: usize, quarters: usize) -> Option<Decimal> {
    if quarters == 0 {
        return None;
    }
    plan.checked_mul(Decimal::from(counted))?
        .checked_div(Decimal::from(quarters))
}

/// `part / whole`, rounded; `None` when `whole` is 0.
pub fn ratio(part: Decimal, whole: Decimal) -> Option<Decimal> {
    if whole.is_zero() {
        None
    } else {
        part.checked_div(whole).map(round)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_partial_year_is_compared_with_the_plan_of_its_quarters() {
        let plan = Decimal::from(400_000);
        assert_eq!(plan_share(plan, 2, 4), Some(Decimal::from(200_000)));
        assert_eq!(plan_share(plan, 4, 4), Some(plan));
        assert_eq!(plan_share(plan, 0, 4), Some(Decimal::ZERO));
        assert_eq!(plan_share(plan, 1, 0), None);
        // Realized 150 000 after two quarters: 37.5 % of the year, 75 % of its first half.
        let realized = Decimal::from(150_000);
        assert_eq!(ratio(realized, plan), Some(Decimal::new(375, 3)));
        assert_eq!(
            ratio(realized, plan_share(plan, 2, 4).unwrap()),
            Some(Decimal::new(75, 2))
        );
    }
    use proptest::prelude::*;
    use std::str::FromStr;

    fn d(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    fn w(value: &str, weight: Option<&str>) -> Weighted {
        Weighted::new(d(value), weight.map(d))
    }

    #[test]
    fn sum_mean_and_median_combine_plain_values() {
        let items = [w("1", None), w("2", None), w("6", None)];
        assert_eq!(combine(SpatialAggregation::Sum, &items).value, Some(d("9")));
        assert_eq!(
            combine(SpatialAggregation::Mean, &items).value,
            Some(d("3"))
        );
        assert_eq!(
            combine(SpatialAggregation::Median, &items).value,
            Some(d("2"))
        );
    }

    #[test]
    fn an_even_count_median_averages_the_middle_pair() {
        let items = [w("10", None), w("40", None), w("20", None), w("30", None)];
        assert_eq!(
            combine(SpatialAggregation::Median, &items).value,
            Some(d("25"))
        );
    }

    #[test]
    fn weighted_mean_leaves_out_values_without_weight_and_counts_them() {
        // (60·100 + 80·300) / (100 + 300) = 30000 / 400 = 75; the third has no weight.
        let items = [w("60", Some("100")), w("80", Some("300")), w("10", None)];
        let combined = combine(SpatialAggregation::WeightedMean, &items);
        assert_eq!(combined.value, Some(d("75")));
        assert_eq!(combined.weight, Some(d("400")));
        assert_eq!(combined.missing_weight, 1);
    }

    #[test]
    fn weighted_mean_without_any_weight_has_no_value() {
        let combined = combine(SpatialAggregation::WeightedMean, &[w("5", None)]);
        assert_eq!(combined.value, None);
        assert_eq!(combined.missing_weight, 1);
    }

    #[test]
    fn nothing_to_combine_is_no_data_never_zero() {
        for rule in SpatialAggregation::ALL {
            assert_eq!(combine(*rule, &[]).value, None, "{rule}");
        }
        assert_eq!(temporal(TemporalAggregation::Sum, &[]).value, None);
    }

    fn q(quarter: u8, value: &str, weight: Option<&str>) -> QuarterValue {
        QuarterValue {
            quarter,
            combined: Combined {
                value: Some(d(value)),
                weight: weight.map(d),
                ..Combined::default()
            },
        }
    }

    #[test]
    fn last_takes_the_latest_quarter_present_with_its_weight() {
        // Q4 is missing, so Q3 is the last.
        let quarters = [
            q(1, "10", Some("5")),
            q(3, "30", Some("7")),
            q(2, "20", None),
        ];
        let combined = temporal(TemporalAggregation::Last, &quarters);
        assert_eq!(combined.value, Some(d("30")));
        assert_eq!(combined.weight, Some(d("7")));
    }

    #[test]
    fn temporal_mean_carries_the_mean_of_the_quarters_weights() {
        let quarters = [q(1, "10", Some("100")), q(2, "20", Some("300"))];
        let combined = temporal(TemporalAggregation::Mean, &quarters);
        assert_eq!(combined.value, Some(d("15")));
        assert_eq!(combined.weight, Some(d("200")));
    }

    #[test]
    fn temporal_sum_adds_the_quarters() {
        let quarters = [q(1, "10", None), q(2, "20", None), q(4, "5", None)];
        assert_eq!(
            temporal(TemporalAggregation::Sum, &quarters).value,
            Some(d("35"))
        );
    }

    #[test]
    fn progress_rates_against_baseline_and_target() {
        // Lead time: baseline 20, target 10 (lower is better), actual 12: (12−20)/(10−20) = 0.8.
        assert_eq!(
            progress(Some(d("12")), d("20"), d("10"), Direction::Lower),
            (Some(d("0.8")), Rating::Progress)
        );
        assert_eq!(
            progress(Some(d("10")), d("20"), d("10"), Direction::Lower).1,
            Rating::Met
        );
        assert_eq!(
            progress(Some(d("25")), d("20"), d("10"), Direction::Lower).1,
            Rating::NoProgress
        );
        assert_eq!(
            progress(Some(d("20")), d("20"), d("10"), Direction::Lower).1,
            Rating::NoProgress
        );
        assert_eq!(
            progress(None, d("20"), d("10"), Direction::Lower),
            (None, Rating::NoData)
        );
    }

    #[test]
    fn target_equal_to_baseline_is_met_when_at_least_as_good() {
        assert_eq!(
            progress(Some(d("95")), d("95"), d("95"), Direction::Higher).1,
            Rating::Met
        );
        assert_eq!(
            progress(Some(d("96")), d("95"), d("95"), Direction::Higher).1,
            Rating::Met
        );
        assert_eq!(
            progress(Some(d("94")), d("95"), d("95"), Direction::Higher).1,
            Rating::NoProgress
        );
        assert_eq!(
            progress(Some(d("9")), d("10"), d("10"), Direction::Lower).1,
            Rating::Met
        );
        assert_eq!(
            progress(Some(d("11")), d("10"), d("10"), Direction::Lower).1,
            Rating::NoProgress
        );
    }

    #[test]
    fn reports_are_on_time_within_30_days_of_the_period_end() {
        let q2: Period = "2026-Q2".parse().unwrap();
        let day = |m, d| chrono::NaiveDate::from_ymd_opt(2026, m, d).unwrap();
        assert_eq!(timeliness(q2, Some(day(7, 30))), Timeliness::OnTime);
        assert_eq!(timeliness(q2, Some(day(7, 31))), Timeliness::Late);
        assert_eq!(timeliness(q2, None), Timeliness::Missing);
    }

    #[test]
    fn a_weight_near_the_decimal_limit_still_gives_the_weighted_mean() {
        // 100 · 7e28 does not fit a decimal: the weights are scaled instead of panicking.
        let items = [
            w("100", Some("70000000000000000000000000000")),
            w("50", Some("1")),
        ];
        let combined = combine(SpatialAggregation::WeightedMean, &items);
        assert_eq!(combined.value, Some(d("100")));
        assert!(!combined.overflow);
        // The largest bounded inputs (DESIGN §17) multiply exactly.
        let bound = "1000000000000000";
        let items = [w(bound, Some(bound)), w("0", Some(bound))];
        let combined = combine(SpatialAggregation::WeightedMean, &items);
        assert_eq!(combined.value, Some(d("500000000000000")));
    }

    #[test]
    fn a_sum_that_does_not_fit_is_flagged_overflow_not_wrapped() {
        let huge = "50000000000000000000000000000";
        let items = [w(huge, None), w(huge, None)];
        let combined = combine(SpatialAggregation::Sum, &items);
        assert_eq!(combined.value, None);
        assert!(combined.overflow);
        let quarters = [q(1, huge, None), q(2, huge, None)];
        let yearly = temporal(TemporalAggregation::Sum, &quarters);
        assert_eq!(yearly.value, None);
        assert!(yearly.overflow);
        assert_eq!(checked_sum([d(huge), d(huge)]), None);
    }

    #[test]
    fn means_and_medians_of_huge_values_never_overflow() {
        let huge = "50000000000000000000000000000";
        let items = [w(huge, None), w(huge, None)];
        assert_eq!(
            combine(SpatialAggregation::Mean, &items).value,
            Some(d(huge))
        );
        assert_eq!(
            combine(SpatialAggregation::Median, &items).value,
            Some(d(huge))
        );
        let quarters = [q(1, huge, None), q(2, huge, None)];
        assert_eq!(
            temporal(TemporalAggregation::Mean, &quarters).value,
            Some(d(huge))
        );
        // Extreme values far apart: progress neither panics nor invents a figure.
        let (p, _) = progress(
            Some(d("-70000000000000000000000000000")),
            d("70000000000000000000000000000"),
            d("0"),
            Direction::Higher,
        );
        assert_eq!(p, None);
    }

    // Naive references: the definitions written the most obvious way, in f64-free integer math.

    fn naive_sum(values: &[i64]) -> i64 {
        let mut total = 0;
        for v in values {
            total += v;
        }
        total
    }

    fn naive_median_times_two(values: &[i64]) -> i64 {
        let mut sorted = values.to_vec();
        sorted.sort_unstable();
        let n = sorted.len();
        if n % 2 == 1 {
            sorted[n / 2] * 2
        } else {
            sorted[n / 2 - 1] + sorted[n / 2]
        }
    }

    proptest! {
        #[test]
        fn sum_matches_the_naive_sum(values in prop::collection::vec(-1_000_000i64..1_000_000, 1..50)) {
            let items: Vec<Weighted> = values.iter().map(|v| Weighted::plain(Decimal::from(*v))).collect();
            prop_assert_eq!(combine(SpatialAggregation::Sum, &items).value, Some(Decimal::from(naive_sum(&values))));
        }

        #[test]
        fn median_matches_the_naive_median(values in prop::collection::vec(-1_000_000i64..1_000_000, 1..50)) {
            let items: Vec<Weighted> = values.iter().map(|v| Weighted::plain(Decimal::from(*v))).collect();
            let twice = combine(SpatialAggregation::Median, &items).value.unwrap() * Decimal::TWO;
            prop_assert_eq!(twice, Decimal::from(naive_median_times_two(&values)));
        }

        #[test]
        fn mean_times_count_is_the_sum(values in prop::collection::vec(0i64..1_000_000, 1..50)) {
            let items: Vec<Weighted> = values.iter().map(|v| Weighted::plain(Decimal::from(*v))).collect();
            let mean = combine(SpatialAggregation::Mean, &items).value.unwrap();
            let back = mean * Decimal::from(values.len());
            let exact = Decimal::from(naive_sum(&values));
            prop_assert!((back - exact).abs() <= Decimal::from(values.len()) / Decimal::from(1_000_000), "{back} vs {exact}");
        }

        #[test]
        fn weighted_mean_matches_the_naive_formula(
            pairs in prop::collection::vec((0i64..10_000, prop::option::of(1i64..1_000)), 1..40)
        ) {
            let items: Vec<Weighted> = pairs
                .iter()
                .map(|(v, w)| Weighted::new(Decimal::from(*v), w.map(Decimal::from)))
                .collect();
            let combined = combine(SpatialAggregation::WeightedMean, &items);
            let mut num = 0i64;
            let mut den = 0i64;
            let mut missing = 0;
            for (v, w) in &pairs {
                match w { Some(w) => { num += v * w; den += w; } None => missing += 1 }
            }
            prop_assert_eq!(combined.missing_weight, missing);
            if den == 0 {
                prop_assert_eq!(combined.value, None);
            } else {
                let expected = round(Decimal::from(num) / Decimal::from(den));
                prop_assert_eq!(combined.value, Some(expected));
            }
        }

        #[test]
        fn last_is_the_value_of_the_highest_quarter_present(
            present in prop::collection::btree_map(1u8..=4, 0i64..1000, 1..=4)
        ) {
            let quarters: Vec<QuarterValue> = present
                .iter()
                .map(|(quarter, v)| QuarterValue {
                    quarter: *quarter,
                    combined: Combined { value: Some(Decimal::from(*v)), ..Combined::default() },
                })
                .collect();
            let (_, last) = present.iter().next_back().unwrap();
            prop_assert_eq!(temporal(TemporalAggregation::Last, &quarters).value, Some(Decimal::from(*last)));
        }
    }
}
