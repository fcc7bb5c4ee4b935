//! Problems found in a document, each at a JSON pointer with a stable code.

use serde::{Deserialize, Serialize};

/// One problem at one place of a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Problem {
    /// JSON pointer into the document (`""` is the whole document).
    pub pointer: String,
    /// Stable code, see [`codes`].
    pub code: String,
    /// What is wrong and, where possible, how to fix it (English).
    pub message: String,
    /// The same in Spanish, where the hub has it (schema errors, rule violations, outliers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_es: Option<String>,
    /// The JSON Schema keyword that failed, for schema errors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keyword: Option<String>,
    /// The spreadsheet cell the problem came from, for documents sent as workbooks
    /// (`Values!C7`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cell: Option<String>,
    /// The validation rule broken, for `RULE_VIOLATION`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// The validator's own words, for machines (schema errors).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl Problem {
    /// A problem with a code and message.
    pub fn new(pointer: impl Into<String>, code: &str, message: impl Into<String>) -> Self {
        Self {
            pointer: pointer.into(),
            code: code.to_owned(),
            message: message.into(),
            message_es: None,
            keyword: None,
            cell: None,
            rule: None,
            detail: None,
        }
    }

    /// The problem with its Spanish message as well.
    pub fn with_spanish(mut self, message_es: impl Into<String>) -> Self {
        self.message_es = Some(message_es.into());
        self
    }
}

/// The stable problem codes.
pub mod codes {
    /// The body is not UTF-8.
    pub const INVALID_UTF8: &str = "INVALID_UTF8";
    /// The body is not JSON.
    pub const MALFORMED_JSON: &str = "MALFORMED_JSON";
    /// The JSON nests deeper than the hub reads.
    pub const TOO_DEEP: &str = "TOO_DEEP";
    /// The JSON is not an object.
    pub const NOT_AN_OBJECT: &str = "NOT_AN_OBJECT";
    /// `documentType` is missing or not one the hub knows.
    pub const UNKNOWN_DOCUMENT_TYPE: &str = "UNKNOWN_DOCUMENT_TYPE";
    /// The document is not of the type this operation takes.
    pub const WRONG_DOCUMENT_TYPE: &str = "WRONG_DOCUMENT_TYPE";
    /// `schemaVersion` has a major version other than 1.
    pub const UNSUPPORTED_SCHEMA_VERSION: &str = "UNSUPPORTED_SCHEMA_VERSION";
    /// The document breaks its JSON schema.
    pub const SCHEMA_INVALID: &str = "SCHEMA_INVALID";
    /// `country` is not a country team of the region.
    pub const UNKNOWN_COUNTRY: &str = "UNKNOWN_COUNTRY";
    /// A pulled document is for a country its source may not publish for.
    pub const OUT_OF_SCOPE: &str = "OUT_OF_SCOPE";
    /// The period is not a valid period.
    pub const INVALID_PERIOD: &str = "INVALID_PERIOD";
    /// The period has not started yet.
    pub const FUTURE_PERIOD: &str = "FUTURE_PERIOD";
    /// The period is locked after its review.
    pub const PERIOD_LOCKED: &str = "PERIOD_LOCKED";
    /// The currency is not one the hub knows.
    pub const UNKNOWN_CURRENCY: &str = "UNKNOWN_CURRENCY";
    /// The BOS cycle is not a valid span of years.
    pub const INVALID_CYCLE: &str = "INVALID_CYCLE";
    /// Two common services share an id.
    pub const DUPLICATE_COMMON_SERVICE: &str = "DUPLICATE_COMMON_SERVICE";
    /// A revision lower than the current one.
    pub const STALE_REVISION: &str = "STALE_REVISION";
    /// The current revision number with different content.
    pub const CONFLICT: &str = "CONFLICT";
    /// A regional-looking KPI code that is not in the catalogue.
    pub const UNKNOWN_KPI: &str = "UNKNOWN_KPI";
    /// A local KPI code without a mapping for this country.
    pub const UNMAPPED_LOCAL_CODE: &str = "UNMAPPED_LOCAL_CODE";
    /// A `commonService` that the document does not list.
    pub const UNKNOWN_COMMON_SERVICE: &str = "UNKNOWN_COMMON_SERVICE";
    /// A second value for the same KPI and common service (or year).
    pub const DUPLICATE_VALUE: &str = "DUPLICATE_VALUE";
    /// A number too large or too precise to store exactly.
    pub const VALUE_OUT_OF_RANGE: &str = "VALUE_OUT_OF_RANGE";
    /// A workbook sent as XLSX that is not one (an `.xls`, an `.ods`, a CSV ...).
    pub const WORKBOOK_NOT_XLSX: &str = "WORKBOOK_NOT_XLSX";
    /// A workbook that cannot be opened or read.
    pub const WORKBOOK_UNREADABLE: &str = "WORKBOOK_UNREADABLE";
    /// A workbook that expands beyond the limit (a zip bomb), or holds too many parts or rows.
    pub const WORKBOOK_TOO_LARGE: &str = "WORKBOOK_TOO_LARGE";
    /// A workbook with macros.
    pub const WORKBOOK_MACROS: &str = "WORKBOOK_MACROS";
    /// A workbook that links to other files.
    pub const WORKBOOK_EXTERNAL_LINKS: &str = "WORKBOOK_EXTERNAL_LINKS";
    /// A workbook without a sheet the template has.
    pub const WORKBOOK_MISSING_SHEET: &str = "WORKBOOK_MISSING_SHEET";
    /// A sheet without the field keys of row 2.
    pub const WORKBOOK_MISSING_KEYS: &str = "WORKBOOK_MISSING_KEYS";
    /// A cell that should hold a number holds something else.
    pub const NOT_A_NUMBER: &str = "NOT_A_NUMBER";
    /// A year outside the BOS cycle.
    pub const YEAR_OUTSIDE_CYCLE: &str = "YEAR_OUTSIDE_CYCLE";
    /// An agency code the hub does not know (a warning: the service is kept).
    pub const UNKNOWN_AGENCY: &str = "UNKNOWN_AGENCY";
    /// A local code that only the hub can map (offline validation only).
    pub const LOCAL_CODE: &str = "LOCAL_CODE";
    /// A value far from the country's own history of the KPI (a warning: the value is kept).
    pub const OUTLIER: &str = "OUTLIER";
    /// The report breaks a validation rule (a warning naming the rule: the values are kept).
    pub const RULE_VIOLATION: &str = "RULE_VIOLATION";
}
