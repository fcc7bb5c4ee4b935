//! What an export is made of: tables of typed cells under bilingual column headers. The writers
//! (`crate::writer`) turn them into CSV, JSON, SDMX-CSV or XLSX; the cell's type decides how it
//! is written (a number stays a number, a date a date).

use chrono::{DateTime, NaiveDate, Utc};
use hub_domain::Decimal;
use hub_domain::i18n::Lang;

/// One column of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// The stable key (JSON field name; codes stay codes in every language).
    pub key: &'static str,
    /// The header in English and in Spanish.
    pub en: &'static str,
    pub es: &'static str,
    /// Width in characters in XLSX.
    pub width: u16,
}

impl Column {
    /// A column.
    pub const fn new(key: &'static str, en: &'static str, es: &'static str, width: u16) -> Self {
        Column { key, en, es, width }
    }

    /// The header in `lang`.
    pub fn header(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.en,
            Lang::Es => self.es,
        }
    }
}

/// A column whose header is made at run time (`2027 Required`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DynColumn {
    pub key: String,
    pub header: String,
    pub width: u16,
}

/// A table: a sheet of an XLSX workbook, or the whole of a CSV or JSON export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// The sheet name (at most 31 characters, as Excel allows).
    pub name: String,
    pub columns: Vec<DynColumn>,
}

impl Table {
    /// A table of fixed columns, with headers in `lang`.
    pub fn new(name: &str, columns: &[Column], lang: Lang) -> Self {
        Table {
            name: name.to_owned(),
            columns: columns
                .iter()
                .map(|c| DynColumn {
                    key: c.key.to_owned(),
                    header: c.header(lang).to_owned(),
                    width: c.width,
                })
                .collect(),
        }
    }

    /// Adds a column made at run time.
    pub fn push(&mut self, key: impl Into<String>, header: impl Into<String>, width: u16) {
        self.columns.push(DynColumn {
            key: key.into(),
            header: header.into(),
            width,
        });
    }
}

/// One typed cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Empty,
    Text(String),
    Int(i64),
    /// A plain number (a count, days, litres ...).
    Number(Decimal),
    /// US dollars.
    Usd(Decimal),
    /// A percentage given in points, 0 to 100 (the unit of PERCENT KPIs).
    Points(Decimal),
    /// A ratio, 0 to 1 (completeness, realization rate); shown as a percentage in XLSX.
    Ratio(Decimal),
    Date(NaiveDate),
    Time(DateTime<Utc>),
}

impl Cell {
    /// A text cell.
    pub fn text(text: impl Into<String>) -> Cell {
        Cell::Text(text.into())
    }

    /// A text cell, or empty.
    pub fn opt_text(text: Option<impl Into<String>>) -> Cell {
        text.map_or(Cell::Empty, |t| Cell::Text(t.into()))
    }

    /// A number cell, or empty.
    pub fn opt_number(number: Option<Decimal>) -> Cell {
        number.map_or(Cell::Empty, Cell::Number)
    }

    /// A dollar cell, or empty.
    pub fn opt_usd(number: Option<Decimal>) -> Cell {
        number.map_or(Cell::Empty, Cell::Usd)
    }

    /// A ratio cell, or empty.
    pub fn opt_ratio(number: Option<Decimal>) -> Cell {
        number.map_or(Cell::Empty, Cell::Ratio)
    }

    /// An integer cell, or empty.
    pub fn opt_int(number: Option<i64>) -> Cell {
        number.map_or(Cell::Empty, Cell::Int)
    }

    /// The cell as plain text: what CSV writes (numbers with a `.` decimal point, dates as
    /// `YYYY-MM-DD`, times as RFC 3339 UTC).
    pub fn plain(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(t) => t.clone(),
            Cell::Int(i) => i.to_string(),
            Cell::Number(d) | Cell::Usd(d) | Cell::Points(d) | Cell::Ratio(d) => {
                d.normalize().to_string()
            }
            Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
            Cell::Time(t) => t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        }
    }
}
