use std::fmt;

/// Why a piece of text is not a valid domain value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what} {input:?} is invalid: {expected}")]
pub struct ParseError {
    /// What was being parsed, e.g. "country code".
    pub what: &'static str,
    /// The offending input, shortened when long.
    pub input: String,
    /// What a valid value looks like.
    pub expected: String,
}

impl ParseError {
    pub(crate) fn new(what: &'static str, input: &str, expected: impl fmt::Display) -> Self {
        const MAX: usize = 64;
        let input = if input.chars().count() > MAX {
            let short: String = input.chars().take(MAX).collect();
            format!("{short}…")
        } else {
            input.to_owned()
        };
        Self {
            what,
            input,
            expected: expected.to_string(),
        }
    }
}
