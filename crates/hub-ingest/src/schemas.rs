//! The shared JSON schemas (draft 2020-12), embedded at build time from `schemas/` and compiled
//! once: `format` assertions on, the linear-time `regex` engine for patterns, and no remote
//! `$ref` fetching (jsonschema is built without its resolver features).

use jsonschema::error::ValidationErrorKind;
use jsonschema::{PatternOptions, Validator};
use serde_json::Value;

use crate::problem::{Problem, codes};

/// The kpi-report schema text.
pub const KPI_REPORT: &str = include_str!("../../../schemas/kpi-report.v1.schema.json");
/// The bos schema text.
pub const BOS: &str = include_str!("../../../schemas/bos.v1.schema.json");
/// The country-feed schema text.
pub const COUNTRY_FEED: &str = include_str!("../../../schemas/country-feed.v1.schema.json");

/// Which schema to validate against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemaKind {
    KpiReport,
    Bos,
    CountryFeed,
}

impl SchemaKind {
    /// The schema's text.
    pub fn text(self) -> &'static str {
        match self {
            SchemaKind::KpiReport => KPI_REPORT,
            SchemaKind::Bos => BOS,
            SchemaKind::CountryFeed => COUNTRY_FEED,
        }
    }
}

/// A schema that could not be compiled (a defect of the embedded files; a test guards it).
#[derive(Debug, thiserror::Error)]
#[error("embedded schema {kind:?} is broken: {message}")]
pub struct SchemaError {
    pub kind: SchemaKind,
    pub message: String,
}

/// The compiled validators.
pub struct Schemas {
    kpi_report: Validator,
    bos: Validator,
    country_feed: Validator,
}

impl std::fmt::Debug for Schemas {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Schemas")
    }
}

/// Messages longer than this quote no instance value (a 5 MB string would otherwise come back).
const MAX_MESSAGE: usize = 300;

fn compile(kind: SchemaKind) -> Result<Validator, SchemaError> {
    let broken = |message: String| SchemaError { kind, message };
    let schema: Value = serde_json::from_str(kind.text()).map_err(|e| broken(e.to_string()))?;
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .with_pattern_options(PatternOptions::regex())
        .build(&schema)
        .map_err(|e| broken(e.to_string()))
}

/// The decimals a `multipleOf` of the form 10^-n allows (6 for 0.000001).
fn decimals_of(multiple_of: f64) -> usize {
    let text = multiple_of.to_string();
    text.split_once('.')
        .map_or(0, |(_, fraction)| fraction.len())
}

fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

impl Schemas {
    /// Compiles the three schemas.
    pub fn compile() -> Result<Self, SchemaError> {
        Ok(Self {
            kpi_report: compile(SchemaKind::KpiReport)?,
            bos: compile(SchemaKind::Bos)?,
            country_feed: compile(SchemaKind::CountryFeed)?,
        })
    }

    fn validator(&self, kind: SchemaKind) -> &Validator {
        match kind {
            SchemaKind::KpiReport => &self.kpi_report,
            SchemaKind::Bos => &self.bos,
            SchemaKind::CountryFeed => &self.country_feed,
        }
    }

    /// Every schema error of `document`, each with its pointer, keyword and message. With
    /// `ignore_unknown_fields` (documents of a newer minor version) fields this version does not
    /// know are not errors.
    pub fn validate(
        &self,
        kind: SchemaKind,
        document: &Value,
        ignore_unknown_fields: bool,
    ) -> Vec<Problem> {
        self.validator(kind)
            .iter_errors(document)
            .filter(|e| {
                !(ignore_unknown_fields
                    && matches!(e.kind(), ValidationErrorKind::AdditionalProperties { .. }))
            })
            .map(|e| {
                let mut pointer = e.instance_path().to_string();
                if let ValidationErrorKind::Required { property } = e.kind()
                    && let Some(name) = property.as_str()
                {
                    pointer = format!("{pointer}/{}", escape(name));
                }
                let mut message = match e.kind() {
                    // "0.1234567 is not a multiple of 0.000001" says the rule the long way round.
                    ValidationErrorKind::MultipleOf { multiple_of } => format!(
                        "{} has more decimals than the hub keeps; round it to at most {} decimals",
                        e.instance(),
                        decimals_of(*multiple_of)
                    ),
                    _ => e.to_string(),
                };
                if message.len() > MAX_MESSAGE {
                    message = e.masked().to_string();
                }
                if message.len() > MAX_MESSAGE {
                    message = format!("the value breaks the `{}` rule", e.kind().keyword());
                }
                Problem {
                    pointer,
                    code: codes::SCHEMA_INVALID.to_owned(),
                    message,
                    keyword: Some(e.kind().keyword().to_owned()),
                    cell: None,
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn embedded_schemas_are_valid_draft_2020_12() {
        for kind in [
            SchemaKind::KpiReport,
            SchemaKind::Bos,
            SchemaKind::CountryFeed,
        ] {
            let schema: Value = serde_json::from_str(kind.text()).unwrap();
            assert!(
                jsonschema::draft202012::meta::is_valid(&schema),
                "{kind:?} is not a valid 2020-12 schema"
            );
        }
        Schemas::compile().unwrap();
    }

    #[test]
    fn a_missing_field_points_at_where_it_belongs() {
        let schemas = Schemas::compile().unwrap();
        let problems = schemas.validate(
            SchemaKind::KpiReport,
            &json!({ "documentType": "kpi-report", "schemaVersion": "1.0" }),
            false,
        );
        let pointers: Vec<_> = problems.iter().map(|p| p.pointer.as_str()).collect();
        assert!(pointers.contains(&"/country"), "{problems:?}");
        assert!(problems.iter().all(|p| p.code == "SCHEMA_INVALID"));
        assert!(
            problems
                .iter()
                .any(|p| p.keyword.as_deref() == Some("required"))
        );
    }

    #[test]
    fn numbers_are_bounded_and_carry_at_most_six_decimals() {
        let schemas = Schemas::compile().unwrap();
        let report = |value: Value| {
            json!({
                "documentType": "kpi-report", "schemaVersion": "1.0", "country": "COL",
                "period": "2026-Q2", "revision": 1, "currency": "COP",
                "values": [{ "kpi": "CA", "value": value }]
            })
        };
        let problems = |value| schemas.validate(SchemaKind::KpiReport, &report(value), false);
        for fine in [
            json!(1e15),
            json!(-1e15),
            json!(62.123456),
            json!(0),
            json!(125000000),
        ] {
            assert!(
                problems(fine.clone()).is_empty(),
                "{fine}: {:?}",
                problems(fine.clone())
            );
        }
        let too_big = problems(json!(1e16));
        assert_eq!(too_big.len(), 1, "{too_big:?}");
        assert_eq!(too_big[0].pointer, "/values/0/value");
        assert_eq!(too_big[0].keyword.as_deref(), Some("maximum"));
        let too_fine = problems(json!(62.1234567));
        assert_eq!(too_fine.len(), 1, "{too_fine:?}");
        assert_eq!(too_fine[0].keyword.as_deref(), Some("multipleOf"));
        assert!(
            too_fine[0].message.contains("at most 6 decimals"),
            "{}",
            too_fine[0].message
        );
        assert_eq!(
            problems(json!(-7e28))[0].keyword.as_deref(),
            Some("minimum")
        );
    }

    #[test]
    fn long_values_are_not_quoted_back() {
        let schemas = Schemas::compile().unwrap();
        let long = "x".repeat(10_000);
        let problems = schemas.validate(
            SchemaKind::KpiReport,
            &json!({ "documentType": "kpi-report", "schemaVersion": long }),
            false,
        );
        assert!(
            problems.iter().all(|p| p.message.len() <= MAX_MESSAGE),
            "{problems:?}"
        );
    }
}
