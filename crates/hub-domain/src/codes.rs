//! Codes that identify things across documents, the database and the API.
//!
//! A code is checked for its shape here; whether it names something the hub knows (a country
//! team, a currency with rates, a KPI in the catalogue) is a question for the data.

fn is_upper_alpha(input: &str, len: usize) -> bool {
    input.len() == len && input.bytes().all(|b| b.is_ascii_uppercase())
}

code_type!(
    /// ISO 3166-1 alpha-3 code of a country team's host country, e.g. `COL`.
    CountryCode,
    "country code",
    "three upper-case letters (ISO 3166-1 alpha-3), e.g. COL",
    |s| is_upper_alpha(s, 3)
);

code_type!(
    /// ISO 4217 currency code, e.g. `COP`.
    CurrencyCode,
    "currency code",
    "three upper-case letters (ISO 4217), e.g. COP",
    |s| is_upper_alpha(s, 3)
);

code_type!(
    /// Short code of a UN entity, e.g. `UNDP`, `UNWOMEN`.
    AgencyCode,
    "agency code",
    "2 to 16 upper-case letters or digits starting with a letter, e.g. UNDP",
    |s| (2..=16).contains(&s.len())
        && s.as_bytes()[0].is_ascii_uppercase()
        && s.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
);

code_type!(
    /// A KPI code as written in a document: a regional code such as `PROC.LEADTIME` or a
    /// country's local code that a mapping turns into a regional one.
    KpiCode,
    "KPI code",
    "1 to 64 letters, digits, '.', '_' or '-', starting with a letter",
    |s| (1..=64).contains(&s.len())
        && s.as_bytes()[0].is_ascii_alphabetic()
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
);

impl CurrencyCode {
    /// The reference currency of every regional figure.
    pub fn usd() -> Self {
        Self("USD".to_owned())
    }

    /// Whether this is the US dollar, whose rate is 1 by definition.
    pub fn is_usd(&self) -> bool {
        self.0 == "USD"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn country_code_is_three_upper_case_letters() {
        assert!(CountryCode::parse("COL").is_ok());
        for bad in ["col", "CO", "COLO", "C0L", "", "ÇOL"] {
            assert!(
                CountryCode::parse(bad).is_err(),
                "{bad:?} should be rejected"
            );
        }
    }

    #[test]
    fn agency_code_allows_digits_after_a_letter() {
        assert!(AgencyCode::parse("UNWOMEN").is_ok());
        assert!(AgencyCode::parse("UN1").is_ok());
        assert!(AgencyCode::parse("1UN").is_err());
        assert!(AgencyCode::parse("U").is_err());
        assert!(AgencyCode::parse("undp").is_err());
    }

    #[test]
    fn kpi_code_accepts_regional_and_local_shapes() {
        for good in ["CA", "PROC.LEADTIME", "local_fleet-km", "x"] {
            assert!(KpiCode::parse(good).is_ok(), "{good:?}");
        }
        for bad in ["", ".CA", "CA KPI", &"A".repeat(65)] {
            assert!(KpiCode::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn parse_error_names_what_and_shortens_long_input() {
        let err = CountryCode::parse(&"x".repeat(500)).unwrap_err();
        assert_eq!(err.what, "country code");
        assert!(err.input.chars().count() <= 65);
        assert!(err.to_string().contains("ISO 3166-1"));
    }

    #[test]
    fn codes_round_trip_through_serde() {
        let code: CountryCode = serde_json::from_str("\"BRA\"").unwrap();
        assert_eq!(serde_json::to_string(&code).unwrap(), "\"BRA\"");
        assert!(serde_json::from_str::<CountryCode>("\"bra\"").is_err());
    }
}
