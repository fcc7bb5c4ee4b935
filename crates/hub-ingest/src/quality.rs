//! Data-quality review of a checked KPI report before it is stored (DESIGN §16): each value
//! judged against its country's own history of the KPI, and the report against the validation
//! rules. Nothing here rejects a value: an outlier or a broken rule is a warning in the receipt
//! and a flag on the stored value, counted in `dataQuality`.

use std::collections::{BTreeMap, HashMap};

use hub_domain::Decimal;
use hub_domain::codes::CurrencyCode;
use hub_domain::money::convert;
use hub_domain::period::{Month, Period};
use hub_domain::quality::{
    Bounds, Importance, OutlierAlgorithm, RuleReport, RuleValue, ValidationRule, assess, to_f64,
};
use hub_domain::submission::ValueFlag;
use hub_store::{Executor, StoreError, quality};

use crate::check::Record;
use crate::facts::Reference;
use crate::problem::{Problem, codes};

/// How values are judged at ingestion: one algorithm, a threshold per KPI where the default of
/// DESIGN §16 does not suit.
#[derive(Debug, Clone, PartialEq)]
pub struct OutlierSettings {
    pub algorithm: OutlierAlgorithm,
    /// Thresholds by KPI and algorithm, over the defaults.
    pub thresholds: HashMap<(String, OutlierAlgorithm), f64>,
}

impl Default for OutlierSettings {
    fn default() -> Self {
        Self {
            algorithm: OutlierAlgorithm::ZScore,
            thresholds: HashMap::new(),
        }
    }
}

impl OutlierSettings {
    /// The threshold of `algorithm` for `kpi`.
    pub fn threshold(&self, kpi: &str, algorithm: OutlierAlgorithm) -> f64 {
        self.thresholds
            .get(&(kpi.to_owned(), algorithm))
            .copied()
            .unwrap_or_else(|| algorithm.default_threshold())
    }

    /// Parses `KPI:ALGORITHM=threshold` pairs separated by commas
    /// (`CA:Z_SCORE=4,PROC.LEADTIME:MOD_Z_SCORE=5`).
    pub fn parse_thresholds(
        text: &str,
    ) -> Result<HashMap<(String, OutlierAlgorithm), f64>, String> {
        let mut out = HashMap::new();
        for pair in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let bad = || format!("{pair:?} is not KPI:ALGORITHM=THRESHOLD (e.g. CA:Z_SCORE=4)");
            let (key, threshold) = pair.split_once('=').ok_or_else(bad)?;
            let (kpi, algorithm) = key.split_once(':').ok_or_else(bad)?;
            let algorithm: OutlierAlgorithm = algorithm.trim().parse().map_err(|_| bad())?;
            let threshold: f64 = threshold.trim().parse().map_err(|_| bad())?;
            if !threshold.is_finite() || threshold <= 0.0 {
                return Err(format!("{pair:?}: the threshold must be a positive number"));
            }
            out.insert((kpi.trim().to_owned(), algorithm), threshold);
        }
        Ok(out)
    }
}

/// What the review needs from the database for one report.
#[derive(Debug, Clone, Default)]
pub struct QualityFacts {
    /// Earlier values per (KPI, common service), oldest first.
    pub history: HashMap<(String, Option<String>), Vec<f64>>,
    /// Bounds set for the report's country, by KPI.
    pub bounds: HashMap<String, Bounds>,
    pub rules: Vec<ValidationRule>,
    /// The planned cost avoidance of each common service for the quarter, in USD.
    pub planned_quarter: HashMap<String, Decimal>,
}

impl QualityFacts {
    /// Gathers the facts for a KPI report of `country` for `period`.
    pub async fn from_db(
        db: &impl Executor,
        reference: &Reference,
        record: &Record,
        period: Period,
    ) -> Result<Self, StoreError> {
        let country = record.slice.country.as_str();
        let mut kpis: Vec<String> = record.values.iter().map(|v| v.kpi.clone()).collect();
        kpis.sort();
        kpis.dedup();
        let rules = reference.rules.clone();
        let planned_quarter =
            if rules.iter().any(|r| r.kpi == "CA") && record.values.iter().any(|v| v.kpi == "CA") {
                planned_quarter(reference, country, period.calendar_year())
            } else {
                HashMap::new()
            };
        let points = quality::history(db, country, &kpis, period).await?;
        // Grouped by borrowed codes; each series' key is copied once, not once per value.
        let mut series: HashMap<(&str, Option<&str>), Vec<f64>> = HashMap::new();
        for point in &points {
            if let Some(value) = to_f64(point.value) {
                series
                    .entry((&point.kpi, point.common_service.as_deref()))
                    .or_default()
                    .push(value);
            }
        }
        let history = series
            .into_iter()
            .map(|((kpi, service), values)| ((kpi.to_owned(), service.map(str::to_owned)), values))
            .collect();
        let bounds = reference
            .bounds
            .iter()
            .filter(|((c, _), _)| c == country)
            .map(|((_, kpi), b)| (kpi.clone(), *b))
            .collect();
        Ok(Self {
            history,
            bounds,
            rules,
            planned_quarter,
        })
    }
}

/// A quarter of each common service's planned cost avoidance for `year` in the country's
/// current BOS, in USD at the year's December rate (as the dashboard converts plans).
fn planned_quarter(reference: &Reference, country: &str, year: i32) -> HashMap<String, Decimal> {
    let Ok(december) = Month::new(year, 12) else {
        return HashMap::new();
    };
    let empty = BTreeMap::new();
    let mut out = HashMap::new();
    for plan in reference
        .plans_of(country)
        .iter()
        .filter(|p| p.year == year)
    {
        let Ok(currency) = CurrencyCode::parse(&plan.currency) else {
            continue;
        };
        let table = reference.rates(&plan.currency).unwrap_or(&empty);
        let usd = convert(plan.amount, &currency, december, |m| table.get(&m).copied()).usd;
        if let Some(quarter) = usd.and_then(|u| u.checked_div(Decimal::from(4))) {
            out.insert(plan.service_id.clone(), quarter);
        }
    }
    out
}

/// The importance of a rule in the Spanish of its message.
fn importancia(importance: Importance) -> &'static str {
    match importance {
        Importance::High => "alta",
        Importance::Medium => "media",
        Importance::Low => "baja",
    }
}

fn number(value: f64) -> String {
    let rounded = (value * 100.0).round() / 100.0;
    format!("{rounded}")
}

/// Judges the values of `record` and checks its rules; flags the values concerned and returns
/// the warnings for the receipt.
pub fn review(
    record: &mut Record,
    facts: &QualityFacts,
    settings: &OutlierSettings,
) -> Vec<Problem> {
    let mut warnings = Vec::new();
    let algorithm = settings.algorithm;
    for value in &mut record.values {
        let Some(current) = value.value.and_then(to_f64) else {
            continue;
        };
        let empty = Vec::new();
        let history = facts
            .history
            .get(&(value.kpi.clone(), value.common_service.clone()))
            .unwrap_or(&empty);
        let threshold = settings.threshold(&value.kpi, algorithm);
        let set = facts.bounds.get(&value.kpi).copied();
        let Some(assessment) = assess(history, current, algorithm, threshold, set) else {
            continue;
        };
        if !assessment.outlier {
            continue;
        }
        value.flags.push(ValueFlag::Outlier);
        let range = format!(
            "{} – {}",
            number(assessment.bounds.lower),
            number(assessment.bounds.upper)
        );
        let series = value
            .common_service
            .as_deref()
            .map(|s| format!(" ({s})"))
            .unwrap_or_default();
        let quarters = history.len();
        warnings.push(
            Problem::new(
                format!("{}/value", value.pointer),
                codes::OUTLIER,
                format!(
                    "{} {}{series} is an outlier: far from this country's history of {quarters} earlier quarters ({algorithm}: expected {range}, mean {}); it is kept: check it, or correct it in a new revision",
                    value.kpi,
                    number(current),
                    number(assessment.mean),
                ),
            )
            .with_spanish(format!(
                "{} {}{series} es un valor atípico: se aleja de la historia del país en {quarters} trimestres anteriores ({algorithm}: se esperaba {range}, media {}); se conserva: revíselo o corríjalo en una nueva revisión",
                value.kpi,
                number(current),
                number(assessment.mean),
            )),
        );
    }

    let report = RuleReport {
        values: record
            .values
            .iter()
            .map(|v| RuleValue {
                pointer: v.pointer.clone(),
                kpi: v.kpi.clone(),
                common_service: v.common_service.clone(),
                value: v.value,
                has_denominator: v.denominator.is_some(),
            })
            .collect(),
        services: record
            .services
            .iter()
            .map(|s| (s.service_id.clone(), s.status.map(|st| st.to_string())))
            .collect(),
        planned_quarter: facts.planned_quarter.clone(),
    };
    for rule in &facts.rules {
        for violation in rule.check(&report) {
            if let Some(value) = record
                .values
                .iter_mut()
                .find(|v| violation.pointer.starts_with(&format!("{}/", v.pointer)))
                && !value.flags.contains(&ValueFlag::RuleViolation)
            {
                value.flags.push(ValueFlag::RuleViolation);
            }
            let mut problem = Problem::new(
                violation.pointer,
                codes::RULE_VIOLATION,
                format!(
                    "{} (importance {})",
                    violation.message_en,
                    violation.importance.as_str().to_lowercase()
                ),
            )
            .with_spanish(format!(
                "{} (importancia {})",
                violation.message_es,
                importancia(violation.importance)
            ));
            problem.rule = Some(violation.rule);
            warnings.push(problem);
        }
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_are_read_per_kpi_and_algorithm() {
        let parsed =
            OutlierSettings::parse_thresholds("CA:Z_SCORE=4, PROC.LEADTIME:MOD_Z_SCORE=5").unwrap();
        let settings = OutlierSettings {
            thresholds: parsed,
            ..OutlierSettings::default()
        };
        assert_eq!(settings.threshold("CA", OutlierAlgorithm::ZScore), 4.0);
        assert_eq!(settings.threshold("CA", OutlierAlgorithm::ModZScore), 3.5);
        assert_eq!(
            settings.threshold("PROC.LEADTIME", OutlierAlgorithm::ModZScore),
            5.0
        );
        for bad in ["CA=4", "CA:Z=4", "CA:Z_SCORE=-1", "CA:Z_SCORE=x"] {
            assert!(OutlierSettings::parse_thresholds(bad).is_err(), "{bad}");
        }
    }
}
