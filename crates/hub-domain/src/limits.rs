//! The numeric bounds of DESIGN §17, in one place.
//!
//! Every number that enters the hub is bounded so that the figures computed from it fit an exact
//! decimal (about ±7.9e28): document numbers |x| ≤ 10^15 with at most 6 decimals (the JSON schemas
//! say the same with `minimum`/`maximum`/`multipleOf`), work-plan budgets ≤ 10^13, exchange rates
//! between 10^-6 and 10^15 units per USD, mapping factors |f| ≤ 10^6. With these, a converted
//! amount stays below 10^21 and a sum of every value the hub can hold stays far below the limit;
//! aggregation still uses checked arithmetic, so data stored before the bounds cannot panic it.

use rust_decimal::Decimal;

/// Largest absolute value of a number in a document: 10^15.
pub const MAX_DOCUMENT_NUMBER: Decimal = Decimal::from_parts(2_764_472_320, 232_830, 0, false, 0);
/// Decimals a number in a document may carry.
pub const MAX_DECIMALS: u32 = 6;
/// Largest budget (required or available) of a work-plan activity, in USD: 10^13.
pub const MAX_BUDGET: Decimal = Decimal::from_parts(1_316_134_912, 2_328, 0, false, 0);
/// Smallest exchange rate, in units of currency per USD: 10^-6.
pub const MIN_RATE: Decimal = Decimal::from_parts(1, 0, 0, false, 6);
/// Largest exchange rate, in units of currency per USD: 10^15.
pub const MAX_RATE: Decimal = MAX_DOCUMENT_NUMBER;
/// Largest absolute factor of a local-code mapping: 10^6.
pub const MAX_MAPPING_FACTOR: Decimal = Decimal::from_parts(1_000_000, 0, 0, false, 0);

/// A number outside its bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BoundError {
    #[error("{value} is larger than {max}, the largest the hub takes here")]
    TooLarge { value: Decimal, max: Decimal },
    #[error("{value} is smaller than {min}, the smallest the hub takes here")]
    TooSmall { value: Decimal, min: Decimal },
    #[error("{value} has more than {decimals} decimals; round it to at most {decimals}")]
    TooPrecise { value: Decimal, decimals: u32 },
}

/// Checks `|value| ≤ max` and at most `decimals` decimals.
pub fn check_magnitude(value: Decimal, max: Decimal, decimals: u32) -> Result<(), BoundError> {
    if value.abs() > max {
        return Err(BoundError::TooLarge { value, max });
    }
    if value.normalize().scale() > decimals {
        return Err(BoundError::TooPrecise { value, decimals });
    }
    Ok(())
}

/// Checks `min ≤ value ≤ max`.
pub fn check_range(value: Decimal, min: Decimal, max: Decimal) -> Result<(), BoundError> {
    if value < min {
        Err(BoundError::TooSmall { value, min })
    } else if value > max {
        Err(BoundError::TooLarge { value, max })
    } else {
        Ok(())
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
    fn the_constants_are_the_powers_of_ten_they_name() {
        assert_eq!(MAX_DOCUMENT_NUMBER, d("1000000000000000"));
        assert_eq!(MAX_BUDGET, d("10000000000000"));
        assert_eq!(MIN_RATE, d("0.000001"));
        assert_eq!(MAX_MAPPING_FACTOR, d("1000000"));
    }

    #[test]
    fn magnitude_and_decimals_are_bounded() {
        assert!(check_magnitude(d("1000000000000000"), MAX_DOCUMENT_NUMBER, 6).is_ok());
        assert!(check_magnitude(d("-1000000000000000"), MAX_DOCUMENT_NUMBER, 6).is_ok());
        assert!(check_magnitude(d("62.123456"), MAX_DOCUMENT_NUMBER, 6).is_ok());
        assert!(check_magnitude(d("62.1234560000"), MAX_DOCUMENT_NUMBER, 6).is_ok());
        assert!(matches!(
            check_magnitude(d("1000000000000001"), MAX_DOCUMENT_NUMBER, 6),
            Err(BoundError::TooLarge { .. })
        ));
        assert!(matches!(
            check_magnitude(d("62.1234567"), MAX_DOCUMENT_NUMBER, 6),
            Err(BoundError::TooPrecise { .. })
        ));
    }

    #[test]
    fn ranges_are_inclusive() {
        assert!(check_range(MIN_RATE, MIN_RATE, MAX_RATE).is_ok());
        assert!(check_range(MAX_RATE, MIN_RATE, MAX_RATE).is_ok());
        assert!(check_range(d("0.0000001"), MIN_RATE, MAX_RATE).is_err());
    }
}
