//! The vocabulary of the regional KPI catalogue (DESIGN §7).
//!
//! The catalogue itself lives in the database so a region can add KPIs without a release; this
//! module holds what a KPI definition is made of and the value rules each unit implies.

use rust_decimal::Decimal;

use crate::codes::KpiCode;

vocabulary!(
    /// The six fixed service lines of the BOS (common premises belong to administration).
    ServiceLine, "service line" {
        Administration => "ADMINISTRATION",
        Finance => "FINANCE",
        Hr => "HR",
        Ict => "ICT",
        Logistics => "LOGISTICS",
        Procurement => "PROCUREMENT",
    }
);

vocabulary!(
    /// The unit a KPI is measured in.
    Unit, "unit" {
        /// Money; documents give it in their own currency, the hub converts to USD.
        Usd => "USD",
        /// 0 to 100.
        Percent => "PERCENT",
        Days => "DAYS",
        /// Whole numbers only.
        Count => "COUNT",
        Litres => "LITRES",
    }
);

vocabulary!(
    /// Which way is better for a KPI.
    Direction, "direction" {
        Higher => "HIGHER",
        Lower => "LOWER",
    }
);

vocabulary!(
    /// How values combine across countries (and within one country and period).
    SpatialAggregation, "spatial aggregation" {
        Sum => "SUM",
        Mean => "MEAN",
        WeightedMean => "WEIGHTED_MEAN",
        Median => "MEDIAN",
    }
);

vocabulary!(
    /// How the quarters of one year combine into that year's value.
    TemporalAggregation, "temporal aggregation" {
        Sum => "SUM",
        Last => "LAST",
        Mean => "MEAN",
    }
);

/// A KPI of the regional catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KpiDefinition {
    pub code: KpiCode,
    pub name: String,
    /// The name in Spanish.
    pub name_es: String,
    pub unit: Unit,
    pub direction: Direction,
    pub spatial: SpatialAggregation,
    pub temporal: TemporalAggregation,
    /// The service line the KPI belongs to, when it belongs to one.
    pub service_line: Option<ServiceLine>,
    pub description: String,
}

impl KpiDefinition {
    /// The KPI's name in `lang`.
    pub fn name_in(&self, lang: crate::i18n::Lang) -> &str {
        match lang {
            crate::i18n::Lang::Es if !self.name_es.is_empty() => &self.name_es,
            _ => &self.name,
        }
    }
}

/// Why a value does not fit its unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum UnitViolation {
    #[error("a negative value is not allowed for this unit")]
    Negative,
    #[error("a percentage must be between 0 and 100")]
    PercentAbove100,
    #[error("a count must be a whole number")]
    FractionalCount,
}

impl UnitViolation {
    /// Stable code of the violation, as reported in receipts.
    pub fn code(self) -> &'static str {
        match self {
            UnitViolation::Negative => "VALUE_NEGATIVE",
            UnitViolation::PercentAbove100 => "PERCENT_OUT_OF_RANGE",
            UnitViolation::FractionalCount => "COUNT_NOT_INTEGRAL",
        }
    }
}

impl Unit {
    /// Checks that `value` is possible in this unit: every unit is non-negative, a percentage
    /// is at most 100 and a count is whole.
    pub fn check(self, value: Decimal) -> Result<(), UnitViolation> {
        if value.is_sign_negative() && !value.is_zero() {
            return Err(UnitViolation::Negative);
        }
        match self {
            Unit::Percent if value > Decimal::ONE_HUNDRED => Err(UnitViolation::PercentAbove100),
            Unit::Count if !value.fract().is_zero() => Err(UnitViolation::FractionalCount),
            _ => Ok(()),
        }
    }

    /// Whether values in this unit are money that needs converting to USD.
    pub fn is_monetary(self) -> bool {
        self == Unit::Usd
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    #[test]
    fn vocabulary_round_trips_its_names() {
        for line in ServiceLine::ALL {
            assert_eq!(line.as_str().parse::<ServiceLine>().unwrap(), *line);
        }
        assert_eq!(
            "WEIGHTED_MEAN".parse::<SpatialAggregation>().unwrap(),
            SpatialAggregation::WeightedMean
        );
        let err = "weighted_mean".parse::<SpatialAggregation>().unwrap_err();
        assert!(err.expected.contains("WEIGHTED_MEAN"));
    }

    #[test]
    fn percent_must_lie_between_0_and_100() {
        assert!(Unit::Percent.check(d("0")).is_ok());
        assert!(Unit::Percent.check(d("100")).is_ok());
        assert_eq!(
            Unit::Percent.check(d("100.01")),
            Err(UnitViolation::PercentAbove100)
        );
        assert_eq!(Unit::Percent.check(d("-1")), Err(UnitViolation::Negative));
    }

    #[test]
    fn count_must_be_whole_and_not_negative() {
        assert!(Unit::Count.check(d("12")).is_ok());
        assert!(Unit::Count.check(d("12.0")).is_ok());
        assert_eq!(
            Unit::Count.check(d("12.5")),
            Err(UnitViolation::FractionalCount)
        );
        assert_eq!(Unit::Count.check(d("-3")), Err(UnitViolation::Negative));
    }

    #[test]
    fn money_days_and_litres_must_not_be_negative() {
        for unit in [Unit::Usd, Unit::Days, Unit::Litres] {
            assert!(unit.check(d("0.5")).is_ok());
            assert!(unit.check(d("-0")).is_ok());
            assert_eq!(unit.check(d("-0.01")), Err(UnitViolation::Negative));
        }
    }
}
