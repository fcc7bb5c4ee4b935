//! The shared JSON schemas (draft 2020-12), embedded at build time from `schemas/` and compiled
//! once: `format` assertions on, the linear-time `regex` engine for patterns, and no remote
//! `$ref` fetching (jsonschema is built without its resolver features).

use jsonschema::error::ValidationErrorKind;
use jsonschema::{PatternOptions, Validator};
use serde_json::Value;

use crate::explain::explain;
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

/// The compiled validators, and the schemas' texts for the descriptions messages quote.
pub struct Schemas {
    kpi_report: (Validator, Value),
    bos: (Validator, Value),
    country_feed: (Validator, Value),
}

impl std::fmt::Debug for Schemas {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Schemas")
    }
}

/// Validator messages longer than this quote no instance value (a 5 MB string would otherwise
/// come back).
const MAX_MESSAGE: usize = 300;

fn compile(kind: SchemaKind) -> Result<(Validator, Value), SchemaError> {
    let broken = |message: String| SchemaError { kind, message };
    let schema: Value = serde_json::from_str(kind.text()).map_err(|e| broken(e.to_string()))?;
    let validator = jsonschema::draft202012::options()
        .should_validate_formats(true)
        .with_pattern_options(PatternOptions::regex())
        .build(&schema)
        .map_err(|e| broken(e.to_string()))?;
    Ok((validator, schema))
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

    fn validator(&self, kind: SchemaKind) -> &(Validator, Value) {
        match kind {
            SchemaKind::KpiReport => &self.kpi_report,
            SchemaKind::Bos => &self.bos,
            SchemaKind::CountryFeed => &self.country_feed,
        }
    }

    /// Every schema error of `document`, each with its pointer, keyword, the validator's own
    /// words (`detail`) and a message in English and Spanish an officer can act on. With
    /// `ignore_unknown_fields` (documents of a newer minor version) fields this version does not
    /// know are not errors.
    pub fn validate(
        &self,
        kind: SchemaKind,
        document: &Value,
        ignore_unknown_fields: bool,
    ) -> Vec<Problem> {
        let (validator, schema) = self.validator(kind);
        // Most documents are valid: the yes-or-no check stops at nothing and tracks no paths.
        if validator.is_valid(document) {
            return Vec::new();
        }
        validator
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
                let mut detail = e.to_string();
                if detail.len() > MAX_MESSAGE {
                    detail = e.masked().to_string();
                }
                if detail.len() > MAX_MESSAGE {
                    detail = format!("the value breaks the `{}` rule", e.kind().keyword());
                }
                let explained = explain(schema, &pointer, e.kind(), e.instance());
                Problem {
                    pointer,
                    code: codes::SCHEMA_INVALID.to_owned(),
                    message: explained.en,
                    message_es: Some(explained.es),
                    keyword: Some(e.kind().keyword().to_owned()),
                    cell: None,
                    rule: None,
                    detail: Some(detail),
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
            problems
                .iter()
                .all(|p| p.detail.as_ref().unwrap().len() <= MAX_MESSAGE
                    && !p.message.contains(&"x".repeat(100))
                    && !p.message_es.as_ref().unwrap().contains(&"x".repeat(100))),
            "{problems:?}"
        );
    }

    fn examples() -> Vec<(String, Value)> {
        let dir = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../schemas/examples/invalid"
        );
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        files.sort();
        files
            .into_iter()
            .map(|p| {
                let text = std::fs::read_to_string(&p).unwrap();
                (
                    p.file_name().unwrap().to_string_lossy().into_owned(),
                    serde_json::from_str(&text).unwrap(),
                )
            })
            .collect()
    }

    fn kind_of(document: &Value) -> SchemaKind {
        match document["documentType"].as_str() {
            Some("bos") => SchemaKind::Bos,
            Some("country-feed") => SchemaKind::CountryFeed,
            _ => SchemaKind::KpiReport,
        }
    }

    #[test]
    fn every_invalid_example_is_explained_in_plain_english_and_spanish() {
        let schemas = Schemas::compile().unwrap();
        let examples = examples();
        assert!(examples.len() >= 42, "{} examples", examples.len());
        let machine_words = [
            "^",
            "$",
            "[0-9]",
            "[A-Z",
            "{4}",
            "other candidates",
            "does not match",
            "is not valid under",
            "is not one of",
        ];
        for (name, document) in examples {
            let problems = schemas.validate(kind_of(&document), &document, false);
            assert_eq!(problems.len(), 1, "{name}: {problems:#?}");
            let p = &problems[0];
            let es = p.message_es.as_deref().unwrap();
            for text in [p.message.as_str(), es] {
                for word in machine_words {
                    assert!(!text.contains(word), "{name}: {word:?} in {text}");
                }
                assert!(text.ends_with('.'), "{name}: {text}");
            }
            assert_ne!(p.message, es, "{name}");
            assert!(p.keyword.is_some() && p.detail.is_some(), "{name}");
            // An item of an array is named by its ordinal, with its pointer.
            if let Some(rest) = p.pointer.strip_prefix("/values/") {
                let index: usize = rest.split('/').next().unwrap().parse().unwrap();
                let ordinal = format!("alue {} (/values/{index})", index + 1);
                assert!(p.message.contains(&ordinal), "{name}: {}", p.message);
                assert!(
                    es.contains(&format!("alor {} (/values/{index})", index + 1)),
                    "{name}: {es}"
                );
            }
            println!("{name}\n  {}\n  {es}", p.message);
        }
    }

    #[test]
    fn a_period_in_the_wrong_form_is_explained_by_its_example() {
        let schemas = Schemas::compile().unwrap();
        let problems = schemas.validate(
            SchemaKind::KpiReport,
            &json!({ "documentType": "kpi-report", "schemaVersion": "1.0", "country": "COL",
                     "period": "2026Q2", "revision": 1, "currency": "COP", "values": [] }),
            false,
        );
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0]
                .message
                .starts_with("Field \"period\": must look like \"2026-Q2\", not \"2026Q2\"."),
            "{}",
            problems[0].message
        );
        assert!(
            problems[0].message_es.as_deref().unwrap().starts_with(
                "El campo \"period\": debe tener la forma \"2026-Q2\", no \"2026Q2\"."
            ),
            "{:?}",
            problems[0].message_es
        );
        assert!(
            problems[0]
                .detail
                .as_deref()
                .unwrap()
                .contains("does not match")
        );
    }
}
