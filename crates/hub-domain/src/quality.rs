//! Data-quality rules (DESIGN §16): whether a value is an outlier against its country's own
//! history of the KPI, and the validation rules that compare values of one report.
//!
//! Statistics run in `f64`: they judge plausibility, they never become a figure. The stored
//! values stay exact decimals.

use std::collections::HashMap;

use crate::Decimal;

vocabulary!(
    /// How a value is judged against its history.
    OutlierAlgorithm, "outlier algorithm" {
        /// Standard score against the mean and sample standard deviation: |z| > 3.
        ZScore => "Z_SCORE",
        /// Modified z-score against the median and the median absolute deviation: > 3.5.
        ModZScore => "MOD_Z_SCORE",
        /// Outside bounds set for the country and KPI, or mean ± 2 standard deviations.
        MinMax => "MIN_MAX",
    }
);

vocabulary!(
    /// How much a broken validation rule matters.
    Importance, "importance" {
        High => "HIGH",
        Medium => "MEDIUM",
        Low => "LOW",
    }
);

vocabulary!(
    /// What a validation rule compares.
    RuleKind, "rule kind" {
        /// The report's `kpi` is at least the number of common services listed with `status`.
        CoversServices => "COVERS_SERVICES",
        /// The report's `kpi` is at most `factor` × its `otherKpi`.
        AtMostMultiple => "AT_MOST_MULTIPLE",
        /// The `kpi` of each common service is at most `factor` × the service's planned amount
        /// for the quarter (a quarter of the current BOS's plan for the year).
        AtMostPlannedShare => "AT_MOST_PLANNED_SHARE",
        /// Every value of `kpi` carries a denominator.
        RequiresDenominator => "REQUIRES_DENOMINATOR",
    }
);

/// The fewest earlier quarters a value is judged against.
pub const MIN_HISTORY: usize = 4;

/// The consistency constant of the modified z-score: 0.6745 ≈ Φ⁻¹(0.75), so that the MAD of
/// normal data scales like a standard deviation.
const MAD_SCALE: f64 = 0.6745;

/// When more than half the history is one number the MAD is 0; the mean absolute deviation
/// times √(π/2) stands in for it (as IBM SPSS does).
const MEAN_AD_SCALE: f64 = 1.253_314;

impl OutlierAlgorithm {
    /// The threshold of DESIGN §16: |z| > 3, modified z > 3.5, generated bounds at 2 sd.
    pub const fn default_threshold(self) -> f64 {
        match self {
            OutlierAlgorithm::ZScore => 3.0,
            OutlierAlgorithm::ModZScore => 3.5,
            OutlierAlgorithm::MinMax => 2.0,
        }
    }
}

/// Bounds a value should stay within, both included.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds {
    pub lower: f64,
    pub upper: f64,
}

impl Bounds {
    /// Whether `value` lies outside.
    pub fn excludes(&self, value: f64) -> bool {
        value < self.lower || value > self.upper
    }
}

/// How one value compares with its history.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Assessment {
    /// Mean of the history (`NaN`-free; 0 for an empty history).
    pub mean: f64,
    /// Sample standard deviation of the history.
    pub std_dev: f64,
    /// The algorithm's score (z or modified z); `None` when the spread is 0 or the bounds were
    /// set by hand, where no score is defined.
    pub score: Option<f64>,
    /// The range the algorithm accepts.
    pub bounds: Bounds,
    pub outlier: bool,
}

/// Mean and sample standard deviation, in one pass (Welford).
pub fn mean_and_std_dev(values: &[f64]) -> (f64, f64) {
    let (mut n, mut mean, mut m2) = (0.0_f64, 0.0_f64, 0.0_f64);
    for &x in values {
        n += 1.0;
        let delta = x - mean;
        mean += delta / n;
        m2 += delta * (x - mean);
    }
    let variance = if n > 1.0 { m2 / (n - 1.0) } else { 0.0 };
    (mean, variance.max(0.0).sqrt())
}

/// Powers of ten a double holds exactly (10^22 is the last).
const EXACT_POWERS_OF_TEN: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// A decimal as the floating point the outlier math works in: the double nearest to it, as its
/// text would parse; `None` if it has no such value.
pub fn to_f64(value: Decimal) -> Option<f64> {
    // A mantissa of at most 53 bits and a power of ten up to 10^22 are both exact doubles, so
    // one division rounds once, to the nearest double: what parsing the text gives, without
    // writing it (a report's history is hundreds of values).
    let mantissa = value.mantissa();
    let exact = i64::try_from(mantissa)
        .ok()
        .filter(|m| m.unsigned_abs() <= 1 << 53)
        .zip(EXACT_POWERS_OF_TEN.get(value.scale() as usize));
    match exact {
        Some((m, power)) => Some(m as f64 / power),
        None => value.to_string().parse().ok(),
    }
}

/// The median (the mean of the middle two for an even count); 0 for an empty slice.
pub fn median(values: &[f64]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    if sorted.len() % 2 == 1 {
        sorted[mid]
    } else {
        (sorted[mid - 1] + sorted[mid]) / 2.0
    }
}

/// Judges `value` against `history` (the same country's earlier quarters of the KPI). Returns
/// `None` when the history is shorter than [`MIN_HISTORY`] and no bounds were set by hand.
/// `set_bounds` (for `MIN_MAX`) replaces the generated mean ± `threshold` sd.
pub fn assess(
    history: &[f64],
    value: f64,
    algorithm: OutlierAlgorithm,
    threshold: f64,
    set_bounds: Option<Bounds>,
) -> Option<Assessment> {
    let (mean, std_dev) = mean_and_std_dev(history);
    if let (OutlierAlgorithm::MinMax, Some(bounds)) = (algorithm, set_bounds) {
        return Some(Assessment {
            mean,
            std_dev,
            score: None,
            bounds,
            outlier: bounds.excludes(value),
        });
    }
    if history.len() < MIN_HISTORY || !value.is_finite() {
        return None;
    }
    let (centre, spread, scale) = match algorithm {
        OutlierAlgorithm::ZScore | OutlierAlgorithm::MinMax => (mean, std_dev, 1.0),
        OutlierAlgorithm::ModZScore => {
            let centre = median(history);
            let deviations: Vec<f64> = history.iter().map(|x| (x - centre).abs()).collect();
            let mad = median(&deviations);
            if mad > 0.0 {
                (centre, mad, MAD_SCALE)
            } else {
                let mean_ad = deviations.iter().sum::<f64>() / deviations.len() as f64;
                (centre, MEAN_AD_SCALE * mean_ad, 1.0)
            }
        }
    };
    // |scale · (value − centre) / spread| > threshold  ⇔  value outside centre ± threshold ·
    // spread / scale; with no spread every value but the centre is outside.
    let half_width = threshold * spread / scale;
    let bounds = Bounds {
        lower: centre - half_width,
        upper: centre + half_width,
    };
    let score = (spread > 0.0).then(|| scale * (value - centre) / spread);
    let outlier = match score {
        Some(score) if algorithm != OutlierAlgorithm::MinMax => score.abs() > threshold,
        _ => bounds.excludes(value),
    };
    Some(Assessment {
        mean,
        std_dev,
        score: if algorithm == OutlierAlgorithm::ModZScore {
            score
        } else {
            (std_dev > 0.0).then(|| (value - mean) / std_dev)
        },
        bounds,
        outlier,
    })
}

/// A validation rule across the values of one report.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidationRule {
    /// Stable id, e.g. `CS_ACTIVE_COVERS_ACTIVE_SERVICES`.
    pub id: String,
    pub kind: RuleKind,
    pub kpi: String,
    /// The KPI compared with, for `AT_MOST_MULTIPLE`.
    pub other_kpi: Option<String>,
    /// The common-service status counted, for `COVERS_SERVICES`.
    pub status: Option<String>,
    /// The multiple, for `AT_MOST_MULTIPLE` and `AT_MOST_PLANNED_SHARE`.
    pub factor: Option<Decimal>,
    pub importance: Importance,
    pub message_en: String,
    pub message_es: String,
    pub enabled: bool,
}

/// One value of the report, as the rules see it (harmonized).
#[derive(Debug, Clone, PartialEq)]
pub struct RuleValue {
    pub pointer: String,
    pub kpi: String,
    pub common_service: Option<String>,
    /// `None` when a money value had no rate.
    pub value: Option<Decimal>,
    pub has_denominator: bool,
}

/// What the rules read of one report.
#[derive(Debug, Clone, Default)]
pub struct RuleReport {
    pub values: Vec<RuleValue>,
    /// Each listed common service with its status.
    pub services: Vec<(String, Option<String>)>,
    /// The planned amount of each common service for the report's quarter, in the values'
    /// unit (USD), from the current BOS.
    pub planned_quarter: HashMap<String, Decimal>,
}

/// A broken rule, at the value (or field) it concerns.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    pub rule: String,
    pub importance: Importance,
    pub pointer: String,
    /// The rule's message and what was found, in English.
    pub message_en: String,
    /// The same in Spanish.
    pub message_es: String,
}

fn values_of<'a>(report: &'a RuleReport, kpi: &'a str) -> impl Iterator<Item = &'a RuleValue> {
    report.values.iter().filter(move |v| v.kpi == kpi)
}

impl ValidationRule {
    /// Every violation of this rule in `report` (none for a disabled rule, or when the report
    /// does not carry what the rule compares).
    pub fn check(&self, report: &RuleReport) -> Vec<Violation> {
        if !self.enabled {
            return vec![];
        }
        let total = |kpi: &str| -> Option<Decimal> {
            let mut values = values_of(report, kpi).filter_map(|v| v.value).peekable();
            values.peek()?;
            values.try_fold(Decimal::ZERO, |sum, v| sum.checked_add(v))
        };
        let first_pointer = || {
            values_of(report, &self.kpi)
                .next()
                .map(|v| format!("{}/value", v.pointer))
                .unwrap_or_default()
        };
        let violation = |pointer: String, en: String, es: String| Violation {
            rule: self.id.clone(),
            importance: self.importance,
            pointer,
            message_en: format!("{} ({en}; rule {})", self.message_en, self.id),
            message_es: format!("{} ({es}; regla {})", self.message_es, self.id),
        };
        match self.kind {
            RuleKind::CoversServices => {
                let Some(reported) = total(&self.kpi) else {
                    return vec![];
                };
                let status = self.status.as_deref().unwrap_or("ACTIVE");
                let listed = report
                    .services
                    .iter()
                    .filter(|(_, s)| s.as_deref() == Some(status))
                    .count();
                if reported >= Decimal::from(listed) {
                    return vec![];
                }
                vec![violation(
                    first_pointer(),
                    format!(
                        "{} is {reported}, {listed} common services are listed as {status}",
                        self.kpi
                    ),
                    format!(
                        "{} es {reported}, hay {listed} servicios comunes en estado {status}",
                        self.kpi
                    ),
                )]
            }
            RuleKind::AtMostMultiple => {
                let (Some(other), Some(factor)) = (self.other_kpi.as_deref(), self.factor) else {
                    return vec![];
                };
                let (Some(reported), Some(base)) = (total(&self.kpi), total(other)) else {
                    return vec![];
                };
                match base.checked_mul(factor) {
                    Some(limit) if reported > limit => vec![violation(
                        first_pointer(),
                        format!(
                            "{} is {reported}, at most {factor} × {other} = {limit}",
                            self.kpi
                        ),
                        format!(
                            "{} es {reported}, como máximo {factor} × {other} = {limit}",
                            self.kpi
                        ),
                    )],
                    _ => vec![],
                }
            }
            RuleKind::AtMostPlannedShare => {
                let Some(factor) = self.factor else {
                    return vec![];
                };
                values_of(report, &self.kpi)
                    .filter_map(|v| {
                        let service = v.common_service.as_deref()?;
                        let planned = *report.planned_quarter.get(service)?;
                        let limit = planned.checked_mul(factor)?;
                        let value = v.value?;
                        (value > limit).then(|| {
                            violation(
                                format!("{}/value", v.pointer),
                                format!(
                                    "{service}: {value} against {planned} planned for the quarter, at most {factor} × that"
                                ),
                                format!(
                                    "{service}: {value} frente a {planned} previstos para el trimestre, como máximo {factor} × eso"
                                ),
                            )
                        })
                    })
                    .collect()
            }
            RuleKind::RequiresDenominator => values_of(report, &self.kpi)
                .filter(|v| !v.has_denominator)
                .map(|v| {
                    violation(
                        format!("{}/denominator", v.pointer),
                        format!("{} has no denominator", v.pointer),
                        format!("{} no tiene denominador", v.pointer),
                    )
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The textbook formulas, written the slow and obvious way.
    mod naive {
        pub fn mean(xs: &[f64]) -> f64 {
            xs.iter().sum::<f64>() / xs.len() as f64
        }
        pub fn std_dev(xs: &[f64]) -> f64 {
            let m = mean(xs);
            (xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (xs.len() as f64 - 1.0)).sqrt()
        }
        pub fn median(xs: &[f64]) -> f64 {
            let mut s = xs.to_vec();
            s.sort_by(|a, b| a.partial_cmp(b).unwrap());
            let n = s.len();
            if n % 2 == 1 {
                s[n / 2]
            } else {
                (s[n / 2 - 1] + s[n / 2]) / 2.0
            }
        }
        pub fn z_outlier(history: &[f64], value: f64, threshold: f64) -> bool {
            let sd = std_dev(history);
            if sd == 0.0 {
                value != mean(history)
            } else {
                ((value - mean(history)) / sd).abs() > threshold
            }
        }
        pub fn mod_z_outlier(history: &[f64], value: f64, threshold: f64) -> bool {
            let med = median(history);
            let deviations: Vec<f64> = history.iter().map(|x| (x - med).abs()).collect();
            let mad = median(&deviations);
            let score = if mad > 0.0 {
                0.6745 * (value - med) / mad
            } else {
                let mean_ad = mean(&deviations);
                if mean_ad == 0.0 {
                    return value != med;
                }
                (value - med) / (1.253314 * mean_ad)
            };
            score.abs() > threshold
        }
        pub fn min_max_outlier(history: &[f64], value: f64, k: f64) -> bool {
            let (m, sd) = (mean(history), std_dev(history));
            value < m - k * sd || value > m + k * sd
        }
    }

    /// Rounding in a sum grows with the size of the terms, not of the result: a mean near zero
    /// of values near 1e9 is only as exact as those values allow.
    fn close_for(xs: &[f64], a: f64, b: f64) -> bool {
        let scale = xs.iter().fold(0.0_f64, |m, x| m.max(x.abs()));
        (a - b).abs() <= 1e-12 * xs.len() as f64 * (1.0 + scale)
    }

    /// Away from the threshold itself, where rounding may tip either way.
    fn clear_of(score: f64, threshold: f64) -> bool {
        (score.abs() - threshold).abs() > 1e-6
    }

    proptest! {
        #[test]
        fn a_decimal_becomes_the_double_its_text_parses_to(
            mantissa in prop_oneof![any::<i64>(), -(1i64 << 53)..=(1i64 << 53), -100_000i64..100_000],
            scale in 0u32..=28,
        ) {
            let value = Decimal::new(mantissa, scale);
            let parsed: f64 = value.to_string().parse().unwrap();
            prop_assert_eq!(to_f64(value), Some(parsed), "{}", value);
        }

        #[test]
        fn mean_std_dev_and_median_agree_with_the_textbook(
            xs in prop::collection::vec(-1e9f64..1e9, 2..60)
        ) {
            let (mean, sd) = mean_and_std_dev(&xs);
            prop_assert!(close_for(&xs, mean, naive::mean(&xs)), "{mean} vs {}", naive::mean(&xs));
            prop_assert!((sd - naive::std_dev(&xs)).abs() <= 1e-6 * (1.0 + sd), "{sd}");
            prop_assert_eq!(median(&xs), naive::median(&xs));
        }

        #[test]
        fn each_algorithm_flags_what_the_textbook_flags(
            history in prop::collection::vec(0f64..1e6, MIN_HISTORY..40),
            value in -1e7f64..1e7,
        ) {
            let z = assess(&history, value, OutlierAlgorithm::ZScore, 3.0, None).unwrap();
            if z.score.is_none_or(|s| clear_of(s, 3.0)) {
                prop_assert_eq!(z.outlier, naive::z_outlier(&history, value, 3.0));
            }
            let m = assess(&history, value, OutlierAlgorithm::ModZScore, 3.5, None).unwrap();
            if m.score.is_none_or(|s| clear_of(s, 3.5)) {
                prop_assert_eq!(m.outlier, naive::mod_z_outlier(&history, value, 3.5));
            }
            let b = assess(&history, value, OutlierAlgorithm::MinMax, 2.0, None).unwrap();
            if b.score.is_none_or(|s| clear_of(s, 2.0)) {
                prop_assert_eq!(b.outlier, naive::min_max_outlier(&history, value, 2.0));
            }
        }

        #[test]
        fn a_value_inside_its_history_is_never_an_outlier(
            history in prop::collection::vec(0f64..1e6, MIN_HISTORY..40),
        ) {
            // The median of the history is within every algorithm's bounds.
            let value = median(&history);
            for &algorithm in OutlierAlgorithm::ALL {
                let a = assess(&history, value, algorithm, algorithm.default_threshold(), None).unwrap();
                prop_assert!(!a.outlier, "{algorithm}: {a:?}");
            }
        }
    }

    #[test]
    fn ten_times_a_steady_history_is_an_outlier_under_every_algorithm() {
        let history = [100.0, 103.0, 98.0, 101.0, 99.0, 102.0, 100.5];
        for &algorithm in OutlierAlgorithm::ALL {
            let t = algorithm.default_threshold();
            assert!(
                assess(&history, 1000.0, algorithm, t, None)
                    .unwrap()
                    .outlier,
                "{algorithm}"
            );
            assert!(
                !assess(&history, 101.5, algorithm, t, None).unwrap().outlier,
                "{algorithm}"
            );
        }
    }

    #[test]
    fn fewer_than_four_earlier_quarters_judge_nothing_but_set_bounds_do() {
        let history = [100.0, 100.0, 100.0];
        assert_eq!(
            assess(&history, 1e6, OutlierAlgorithm::ZScore, 3.0, None),
            None
        );
        let bounds = Bounds {
            lower: 0.0,
            upper: 500.0,
        };
        let a = assess(&[], 600.0, OutlierAlgorithm::MinMax, 2.0, Some(bounds)).unwrap();
        assert!(a.outlier);
        assert_eq!(a.bounds, bounds);
    }

    #[test]
    fn a_constant_history_flags_any_change_and_nothing_else() {
        let history = [50.0; 6];
        for &algorithm in OutlierAlgorithm::ALL {
            let t = algorithm.default_threshold();
            assert!(!assess(&history, 50.0, algorithm, t, None).unwrap().outlier);
            assert!(assess(&history, 51.0, algorithm, t, None).unwrap().outlier);
        }
    }

    fn value(
        pointer: &str,
        kpi: &str,
        service: Option<&str>,
        v: i64,
        denominator: bool,
    ) -> RuleValue {
        RuleValue {
            pointer: pointer.into(),
            kpi: kpi.into(),
            common_service: service.map(Into::into),
            value: Some(Decimal::from(v)),
            has_denominator: denominator,
        }
    }

    fn rule(kind: RuleKind, kpi: &str) -> ValidationRule {
        ValidationRule {
            id: "R".into(),
            kind,
            kpi: kpi.into(),
            other_kpi: None,
            status: None,
            factor: None,
            importance: Importance::High,
            message_en: "broken".into(),
            message_es: "roto".into(),
            enabled: true,
        }
    }

    #[test]
    fn active_services_must_be_counted_by_cs_active() {
        let mut report = RuleReport {
            values: vec![value("/values/0", "CS.ACTIVE", None, 1, false)],
            services: vec![
                ("A".into(), Some("ACTIVE".into())),
                ("B".into(), Some("ACTIVE".into())),
                ("C".into(), Some("PLANNED".into())),
            ],
            ..RuleReport::default()
        };
        let r = rule(RuleKind::CoversServices, "CS.ACTIVE");
        let found = r.check(&report);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].pointer, "/values/0/value");
        assert!(
            found[0].message_en.contains("rule R"),
            "{}",
            found[0].message_en
        );
        assert!(found[0].message_es.starts_with("roto"));
        report.values[0].value = Some(Decimal::from(2));
        assert!(r.check(&report).is_empty());
        let disabled = ValidationRule {
            enabled: false,
            ..r
        };
        report.values[0].value = Some(Decimal::ZERO);
        assert!(disabled.check(&report).is_empty());
    }

    #[test]
    fn multiples_planned_shares_and_denominators_are_checked_per_value() {
        let report = RuleReport {
            values: vec![
                value("/values/0", "CS.ACTIVE", None, 2, false),
                value("/values/1", "PROC.LTA.SHARED", None, 21, false),
                value("/values/2", "CA", Some("S1"), 400, false),
                value("/values/3", "CA", Some("S2"), 200, false),
                value("/values/4", "ADMIN.CP.PCT", None, 60, false),
            ],
            planned_quarter: HashMap::from([
                ("S1".into(), Decimal::from(100)),
                ("S2".into(), Decimal::from(100)),
            ]),
            ..RuleReport::default()
        };
        let multiple = ValidationRule {
            other_kpi: Some("CS.ACTIVE".into()),
            factor: Some(Decimal::from(10)),
            ..rule(RuleKind::AtMostMultiple, "PROC.LTA.SHARED")
        };
        assert_eq!(multiple.check(&report)[0].pointer, "/values/1/value");
        let share = ValidationRule {
            factor: Some(Decimal::from(3)),
            ..rule(RuleKind::AtMostPlannedShare, "CA")
        };
        let found = share.check(&report);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].pointer, "/values/2/value");
        let denominator = rule(RuleKind::RequiresDenominator, "ADMIN.CP.PCT");
        assert_eq!(
            denominator.check(&report)[0].pointer,
            "/values/4/denominator"
        );
    }
}
