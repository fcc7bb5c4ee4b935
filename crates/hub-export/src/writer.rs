//! Writing tables as CSV, JSON, SDMX-CSV or XLSX, row by row, so an export of any length is
//! written while it is read: CSV and JSON hand out their bytes as they go ([`Writer::take`]);
//! XLSX keeps each sheet in a temporary file (rust_xlsxwriter's constant-memory mode) and is
//! assembled at the end ([`Writer::into_workbook`]). Either way memory stays flat.

use std::io::Write;

use hub_domain::i18n::Lang;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{Color, ExcelDateTime, Format, FormatBorder, Workbook, Worksheet, XlsxError};

use crate::table::{Cell, Table};

/// The formats an export can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExportFormat {
    Csv,
    Xlsx,
    Json,
    /// SDMX-CSV 2.0 (values only).
    SdmxCsv,
}

impl ExportFormat {
    /// Every format, in the order the `format` parameter lists them.
    pub const ALL: [ExportFormat; 4] = [
        ExportFormat::Csv,
        ExportFormat::Xlsx,
        ExportFormat::Json,
        ExportFormat::SdmxCsv,
    ];

    /// The name of the `format` parameter.
    pub fn as_str(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Xlsx => "xlsx",
            ExportFormat::Json => "json",
            ExportFormat::SdmxCsv => "sdmx-csv",
        }
    }

    /// The media type of the response.
    pub fn content_type(self) -> &'static str {
        match self {
            ExportFormat::Csv => "text/csv; charset=utf-8",
            ExportFormat::Xlsx => {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
            ExportFormat::Json => "application/json",
            ExportFormat::SdmxCsv => "application/vnd.sdmx.data+csv; version=2.0.0; charset=utf-8",
        }
    }

    /// The file name extension.
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Csv | ExportFormat::SdmxCsv => "csv",
            ExportFormat::Xlsx => "xlsx",
            ExportFormat::Json => "json",
        }
    }

    /// The format a `format` parameter names.
    pub fn parse(text: &str) -> Option<ExportFormat> {
        match text.trim().to_ascii_lowercase().as_str() {
            "csv" => Some(ExportFormat::Csv),
            "xlsx" | "excel" => Some(ExportFormat::Xlsx),
            "json" => Some(ExportFormat::Json),
            "sdmx-csv" | "sdmx" => Some(ExportFormat::SdmxCsv),
            _ => None,
        }
    }

    /// The format an `Accept` header asks for, if it names one of ours.
    pub fn from_accept(accept: &str) -> Option<ExportFormat> {
        accept.split(',').find_map(|part| {
            let media = part.split(';').next().unwrap_or_default().trim();
            match media {
                "text/csv" => Some(ExportFormat::Csv),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => {
                    Some(ExportFormat::Xlsx)
                }
                "application/json" => Some(ExportFormat::Json),
                "application/vnd.sdmx.data+csv" => Some(ExportFormat::SdmxCsv),
                _ => None,
            }
        })
    }
}

/// Why an export could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("cannot write the workbook: {0}")]
    Xlsx(#[from] XlsxError),
    #[error("cannot write CSV: {0}")]
    Csv(#[from] csv::Error),
    #[error("cannot write: {0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Misuse(&'static str),
}

/// The most rows a worksheet holds, header included; longer tables continue on a new sheet.
pub const MAX_SHEET_ROWS: u32 = 1_048_576;

/// Formats of XLSX cells.
struct Formats {
    header: Format,
    usd: Format,
    number: Format,
    points: Format,
    ratio: Format,
    date: Format,
    time: Format,
    wrap: Format,
}

impl Formats {
    fn new() -> Self {
        Formats {
            header: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_background_color(Color::RGB(0x00DD_E6F0))
                .set_border_bottom(FormatBorder::Thin),
            usd: Format::new().set_num_format("#,##0.00"),
            number: Format::new().set_num_format("General"),
            points: Format::new().set_num_format("0.0##\" %\""),
            ratio: Format::new().set_num_format("0.0%"),
            date: Format::new().set_num_format("yyyy-mm-dd"),
            time: Format::new().set_num_format("yyyy-mm-dd hh:mm:ss"),
            wrap: Format::new().set_text_wrap(),
        }
    }
}

/// An XLSX workbook being written.
struct XlsxOut {
    workbook: Workbook,
    formats: Formats,
    sheet: Option<Worksheet>,
    table: Option<Table>,
    row: u32,
    part: u32,
}

fn sheet_name(name: &str, part: u32) -> String {
    let clean: String = name
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
        .collect();
    let suffix = if part > 1 {
        format!(" ({part})")
    } else {
        String::new()
    };
    let room = 31usize.saturating_sub(suffix.chars().count());
    format!("{}{suffix}", clean.chars().take(room).collect::<String>())
}

impl XlsxOut {
    fn open_sheet(&mut self) -> Result<(), ExportError> {
        let table = self
            .table
            .as_ref()
            .ok_or(ExportError::Misuse("a row before its table"))?;
        let mut sheet = self.workbook.new_worksheet_with_constant_memory()?;
        sheet.set_name(sheet_name(&table.name, self.part))?;
        for (col, column) in table.columns.iter().enumerate() {
            let col = u16::try_from(col).map_err(|_| ExportError::Misuse("too many columns"))?;
            sheet.set_column_width(col, f64::from(column.width))?;
            sheet.write_string_with_format(0, col, &column.header, &self.formats.header)?;
        }
        sheet.set_freeze_panes(1, 0)?;
        self.sheet = Some(sheet);
        self.row = 1;
        Ok(())
    }

    fn close_sheet(&mut self) -> Result<(), ExportError> {
        if let (Some(mut sheet), Some(table)) = (self.sheet.take(), self.table.as_ref()) {
            let last_col = u16::try_from(table.columns.len().saturating_sub(1)).unwrap_or(0);
            sheet.autofilter(0, 0, self.row.saturating_sub(1).max(1), last_col)?;
            self.workbook.push_worksheet(sheet);
        }
        Ok(())
    }

    fn row(&mut self, cells: &[Cell]) -> Result<(), ExportError> {
        if self.row >= MAX_SHEET_ROWS {
            self.close_sheet()?;
            self.part += 1;
            self.open_sheet()?;
        }
        let row = self.row;
        let f = &self.formats;
        let sheet = self
            .sheet
            .as_mut()
            .ok_or(ExportError::Misuse("a row before its table"))?;
        for (col, cell) in cells.iter().enumerate() {
            let col = u16::try_from(col).map_err(|_| ExportError::Misuse("too many columns"))?;
            let number = |d: &hub_domain::Decimal| d.to_f64().unwrap_or(f64::NAN);
            match cell {
                Cell::Empty => {}
                Cell::Text(t) => {
                    sheet.write_string(row, col, t)?;
                }
                Cell::Int(i) => {
                    // Excel holds numbers as doubles: exact up to 2^53.
                    sheet.write_number_with_format(row, col, *i as f64, &f.number)?;
                }
                Cell::Number(d) => {
                    sheet.write_number_with_format(row, col, number(d), &f.number)?;
                }
                Cell::Usd(d) => {
                    sheet.write_number_with_format(row, col, number(d), &f.usd)?;
                }
                Cell::Points(d) => {
                    sheet.write_number_with_format(row, col, number(d), &f.points)?;
                }
                Cell::Ratio(d) => {
                    sheet.write_number_with_format(row, col, number(d), &f.ratio)?;
                }
                Cell::Date(d) => {
                    let date = excel_date(*d)?;
                    sheet.write_datetime_with_format(row, col, &date, &f.date)?;
                }
                Cell::Time(t) => {
                    let time = ExcelDateTime::from_timestamp(t.timestamp())?;
                    sheet.write_datetime_with_format(row, col, &time, &f.time)?;
                }
            }
        }
        self.row += 1;
        Ok(())
    }
}

fn excel_date(date: chrono::NaiveDate) -> Result<ExcelDateTime, ExportError> {
    use chrono::Datelike;
    Ok(ExcelDateTime::from_ymd(
        u16::try_from(date.year()).unwrap_or(1900),
        u8::try_from(date.month()).unwrap_or(1),
        u8::try_from(date.day()).unwrap_or(1),
    )?)
}

enum Out {
    Csv {
        // Boxed: the csv writer's buffer state is large beside the other variants.
        writer: Box<csv::Writer<Vec<u8>>>,
        keys_as_headers: bool,
    },
    Json {
        buffer: Vec<u8>,
        keys: Vec<String>,
        rows: u64,
    },
    Xlsx(Box<XlsxOut>),
}

/// Writes the tables of one export in one format.
pub struct Writer {
    out: Out,
    tables: usize,
    open: bool,
}

impl std::fmt::Debug for Writer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Writer")
            .field("tables", &self.tables)
            .finish_non_exhaustive()
    }
}

impl Writer {
    /// A writer of `format`. Headers of CSV and XLSX are in the table's language; SDMX-CSV's
    /// are the SDMX codes; JSON uses the column keys.
    pub fn new(format: ExportFormat) -> Self {
        let out = match format {
            ExportFormat::Csv | ExportFormat::SdmxCsv => Out::Csv {
                writer: Box::new(csv::Writer::from_writer(Vec::new())),
                keys_as_headers: format == ExportFormat::SdmxCsv,
            },
            ExportFormat::Json => Out::Json {
                buffer: Vec::new(),
                keys: Vec::new(),
                rows: 0,
            },
            ExportFormat::Xlsx => Out::Xlsx(Box::new(XlsxOut {
                workbook: Workbook::new(),
                formats: Formats::new(),
                sheet: None,
                table: None,
                row: 0,
                part: 1,
            })),
        };
        Writer {
            out,
            tables: 0,
            open: false,
        }
    }

    /// Whether this writer holds several tables (an XLSX workbook); CSV and JSON hold one.
    pub fn holds_sheets(&self) -> bool {
        matches!(self.out, Out::Xlsx(_))
    }

    /// Starts a table.
    pub fn begin(&mut self, table: Table) -> Result<(), ExportError> {
        if self.open {
            self.end()?;
        }
        if self.tables > 0 && !self.holds_sheets() {
            return Err(ExportError::Misuse("CSV and JSON hold one table"));
        }
        match &mut self.out {
            Out::Csv {
                writer,
                keys_as_headers,
            } => {
                let headers: Vec<&str> = table
                    .columns
                    .iter()
                    .map(|c| {
                        if *keys_as_headers {
                            c.key.as_str()
                        } else {
                            c.header.as_str()
                        }
                    })
                    .collect();
                writer.write_record(headers)?;
            }
            Out::Json { buffer, keys, .. } => {
                buffer.push(b'[');
                *keys = table.columns.iter().map(|c| c.key.clone()).collect();
            }
            Out::Xlsx(x) => {
                x.table = Some(table);
                x.part = 1;
                x.open_sheet()?;
            }
        }
        self.tables += 1;
        self.open = true;
        Ok(())
    }

    /// Writes one row of the open table.
    pub fn row(&mut self, cells: &[Cell]) -> Result<(), ExportError> {
        if !self.open {
            return Err(ExportError::Misuse("a row before its table"));
        }
        match &mut self.out {
            Out::Csv { writer, .. } => {
                writer.write_record(cells.iter().map(Cell::plain))?;
            }
            Out::Json { buffer, keys, rows } => {
                if *rows > 0 {
                    buffer.push(b',');
                }
                buffer.extend_from_slice(b"\n{");
                for (i, (key, cell)) in keys.iter().zip(cells).enumerate() {
                    if i > 0 {
                        buffer.push(b',');
                    }
                    serde_json::to_writer(&mut *buffer, key)
                        .map_err(|e| ExportError::Io(e.into()))?;
                    buffer.push(b':');
                    json_cell(buffer, cell)?;
                }
                buffer.push(b'}');
                *rows += 1;
            }
            Out::Xlsx(x) => x.row(cells)?,
        }
        Ok(())
    }

    /// Ends the open table.
    pub fn end(&mut self) -> Result<(), ExportError> {
        if !self.open {
            return Ok(());
        }
        match &mut self.out {
            Out::Csv { writer, .. } => writer.flush()?,
            Out::Json { buffer, .. } => buffer.extend_from_slice(b"\n]\n"),
            Out::Xlsx(x) => x.close_sheet()?,
        }
        self.open = false;
        Ok(())
    }

    /// Adds a sheet of notes (`label | text` rows) to an XLSX workbook; nothing for CSV or
    /// JSON, which hold their one table only.
    pub fn notes(
        &mut self,
        name: &str,
        lang: Lang,
        lines: &[(String, String)],
    ) -> Result<(), ExportError> {
        if !self.holds_sheets() {
            return Ok(());
        }
        if self.open {
            self.end()?;
        }
        let Out::Xlsx(x) = &mut self.out else {
            return Ok(());
        };
        let mut sheet = x.workbook.new_worksheet_with_constant_memory()?;
        sheet.set_name(sheet_name(name, 1))?;
        sheet.set_column_width(0, 28)?;
        sheet.set_column_width(1, 100)?;
        sheet.write_string_with_format(0, 0, lang.pick("Note", "Nota"), &x.formats.header)?;
        sheet.write_string_with_format(0, 1, lang.pick("Detail", "Detalle"), &x.formats.header)?;
        for (row, (label, text)) in lines.iter().enumerate() {
            let row = u32::try_from(row + 1).unwrap_or(u32::MAX);
            sheet.write_string_with_format(row, 0, label, &x.formats.header)?;
            sheet.write_string_with_format(row, 1, text, &x.formats.wrap)?;
        }
        x.workbook.push_worksheet(sheet);
        self.tables += 1;
        Ok(())
    }

    /// The bytes written since the last call (CSV and JSON); XLSX gives its bytes at the end.
    pub fn take(&mut self) -> Vec<u8> {
        match &mut self.out {
            Out::Csv { writer, .. } => {
                // A fresh writer per chunk: `into_inner` hands out what was written.
                let full =
                    std::mem::replace(writer, Box::new(csv::Writer::from_writer(Vec::new())));
                full.into_inner().unwrap_or_default()
            }
            Out::Json { buffer, .. } => std::mem::take(buffer),
            Out::Xlsx(_) => Vec::new(),
        }
    }

    /// Ends the export: the XLSX workbook to save (with [`save`]), or `None` for CSV and JSON
    /// (whose last bytes [`Writer::take`] gives).
    pub fn into_workbook(mut self) -> Result<Option<Workbook>, ExportError> {
        self.end()?;
        match self.out {
            Out::Xlsx(x) => Ok(Some(x.workbook)),
            Out::Json { .. } | Out::Csv { .. } => Ok(None),
        }
    }
}

/// Saves a workbook to `out` (blocking: compression happens here).
pub fn save(mut workbook: Workbook, out: impl Write + Send) -> Result<(), ExportError> {
    workbook.save_to_writer(out)?;
    Ok(())
}

fn json_cell(buffer: &mut Vec<u8>, cell: &Cell) -> Result<(), ExportError> {
    match cell {
        Cell::Empty => buffer.extend_from_slice(b"null"),
        Cell::Text(t) => {
            serde_json::to_writer(&mut *buffer, t).map_err(|e| ExportError::Io(e.into()))?;
        }
        Cell::Int(_) | Cell::Number(_) | Cell::Usd(_) | Cell::Points(_) | Cell::Ratio(_) => {
            // Exact decimal text is a valid JSON number.
            buffer.extend_from_slice(cell.plain().as_bytes());
        }
        Cell::Date(_) | Cell::Time(_) => {
            serde_json::to_writer(&mut *buffer, &cell.plain())
                .map_err(|e| ExportError::Io(e.into()))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::Column;
    use hub_domain::Decimal;

    const COLUMNS: [Column; 3] = [
        Column::new("country", "Country", "País", 10),
        Column::new("value", "Value", "Valor", 12),
        Column::new("date", "Date", "Fecha", 12),
    ];

    fn rows(writer: &mut Writer) {
        writer
            .begin(Table::new("Values", &COLUMNS, Lang::Es))
            .unwrap();
        let date = chrono::NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
        writer
            .row(&[
                Cell::text("COL"),
                Cell::Usd(Decimal::new(12345, 1)),
                Cell::Date(date),
            ])
            .unwrap();
        writer
            .row(&[Cell::text("a \"quoted\", text"), Cell::Empty, Cell::Empty])
            .unwrap();
    }

    #[test]
    fn csv_has_headers_in_the_language_and_plain_values() {
        let mut writer = Writer::new(ExportFormat::Csv);
        rows(&mut writer);
        writer.end().unwrap();
        let text = String::from_utf8(writer.take()).unwrap();
        assert_eq!(
            text,
            "País,Valor,Fecha\nCOL,1234.5,2026-06-30\n\"a \"\"quoted\"\", text\",,\n"
        );
    }

    #[test]
    fn json_is_an_array_of_objects_keyed_by_code_with_exact_numbers() {
        let mut writer = Writer::new(ExportFormat::Json);
        rows(&mut writer);
        writer.end().unwrap();
        let value: serde_json::Value = serde_json::from_slice(&writer.take()).unwrap();
        assert_eq!(value[0]["country"], "COL");
        assert_eq!(value[0]["value"].to_string(), "1234.5");
        assert_eq!(value[0]["date"], "2026-06-30");
        assert!(value[1]["value"].is_null());
    }

    #[test]
    fn xlsx_cells_are_typed_and_readable() {
        use calamine::{Data, Reader, Xlsx};
        let mut writer = Writer::new(ExportFormat::Xlsx);
        rows(&mut writer);
        writer
            .notes("Notes", Lang::En, &[("As of".into(), "now".into())])
            .unwrap();
        let workbook = writer.into_workbook().unwrap().unwrap();
        let mut bytes = Vec::new();
        save(workbook, &mut bytes).unwrap();
        let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(book.sheet_names(), vec!["Values", "Notes"]);
        let range = book.worksheet_range("Values").unwrap();
        assert_eq!(range.get_value((0, 1)), Some(&Data::String("Valor".into())));
        assert_eq!(range.get_value((1, 1)), Some(&Data::Float(1234.5)));
        assert!(matches!(range.get_value((1, 2)), Some(Data::DateTime(_))));
    }

    #[test]
    fn formats_are_chosen_by_parameter_then_accept_header() {
        assert_eq!(ExportFormat::parse("XLSX"), Some(ExportFormat::Xlsx));
        assert_eq!(ExportFormat::parse("pdf"), None);
        assert_eq!(
            ExportFormat::from_accept("text/html, application/json;q=0.9"),
            Some(ExportFormat::Json)
        );
        assert_eq!(ExportFormat::from_accept("*/*"), None);
    }

    #[test]
    fn sheet_names_fit_excel() {
        assert_eq!(sheet_name("Values", 1), "Values");
        assert_eq!(sheet_name("Values", 2), "Values (2)");
        assert_eq!(
            sheet_name("A/B: very long name of a sheet indeed", 3)
                .chars()
                .count(),
            31
        );
    }
}
