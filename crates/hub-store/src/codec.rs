//! How values are written in columns and read back, in one place: dates as `YYYY-MM-DD`,
//! vocabularies and periods by their text, decimals as exact text, lists as JSON arrays.
//! A value that does not read back is corrupt stored data, never a caller's mistake.

use std::str::FromStr;

use chrono::NaiveDate;

use crate::StoreError;

/// A `YYYY-MM-DD` column.
pub(crate) fn date(text: &str) -> Result<NaiveDate, StoreError> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|e| StoreError::corrupt(format!("stored date {text:?}: {e}")))
}

/// A date as its column text.
pub(crate) fn date_text(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// A column holding the text of a vocabulary, a period, a decimal ...
pub(crate) fn parsed<T>(text: &str) -> Result<T, StoreError>
where
    T: FromStr,
    T::Err: std::fmt::Display,
{
    text.parse()
        .map_err(|e| StoreError::corrupt(format!("stored value {text:?}: {e}")))
}

/// An optional column of the same kind.
pub(crate) fn parsed_opt<T>(text: Option<&str>) -> Result<Option<T>, StoreError>
where
    T: FromStr,
    T::Err: std::fmt::Display,
{
    text.map(parsed).transpose()
}

/// A JSON array of strings.
pub(crate) fn json_list(text: &str) -> Result<Vec<String>, StoreError> {
    serde_json::from_str(text)
        .map_err(|e| StoreError::corrupt(format!("stored list {text:?}: {e}")))
}

/// A JSON array of vocabulary values.
pub(crate) fn json_vocab<T: FromStr>(text: &str) -> Result<Vec<T>, StoreError>
where
    T::Err: std::fmt::Display,
{
    json_list(text)?.iter().map(|item| parsed(item)).collect()
}

/// A list as its column text.
pub(crate) fn list_json<T: AsRef<str>>(items: &[T]) -> String {
    let items: Vec<&str> = items.iter().map(AsRef::as_ref).collect();
    serde_json::to_string(&items).unwrap_or_else(|_| "[]".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_and_dates_read_back_what_was_written() {
        let items = vec!["UNDP".to_owned(), "WFP".to_owned()];
        assert_eq!(json_list(&list_json(&items)).unwrap(), items);
        assert_eq!(list_json::<String>(&[]), "[]");
        let day = NaiveDate::from_ymd_opt(2026, 3, 11).unwrap();
        assert_eq!(date(&date_text(day)).unwrap(), day);
        assert!(matches!(date("11/03/2026"), Err(StoreError::Corrupt(_))));
    }
}
