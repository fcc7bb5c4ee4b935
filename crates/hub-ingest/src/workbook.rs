//! Spreadsheets in (DESIGN §14): an XLSX workbook laid out as the hub's templates lay it out
//! (`hub_domain::workbook`) becomes a `kpi-report` or `bos` document, with the cell each part of
//! the document came from, so every problem the pipeline finds names its cell (`Values!C7`).
//!
//! Before anything is parsed the archive is checked: an `.xls`, `.ods` or CSV file sent as XLSX,
//! a workbook with macros or external links, and an archive that expands beyond the limit (a zip
//! bomb) are refused with their own codes. Columns are found by the field keys of row 2, so
//! labels, column order and added rows do not matter; a `Values` row whose value cell is empty
//! is skipped. Numbers typed as text are read as the workbook's language writes them
//! (`1.234,5` in Spanish, `1,234.5` in English, `12 %`); a cell that is not a number is refused
//! with its cell named, and the rest of the workbook goes on.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Cursor, Read};
use std::str::FromStr;

use calamine::{Data, DataType, Range, Reader, Xlsx};
use hub_domain::Decimal;
use hub_domain::i18n::Lang;
use hub_domain::workbook::{
    BOS_FIELDS, BOS_SERVICE_KEYS, FIRST_DATA_ROW, KEY_ROW, KPI_REPORT_FIELDS,
    KPI_REPORT_SERVICE_KEYS, PLANNED, PLANNED_KEYS, REPORT, SERVICES, TARGET_KEYS, TARGETS,
    VALUE_KEYS, VALUES, cell_ref,
};
use serde_json::{Map, Number, Value, json};
use sha2::{Digest, Sha256};

use crate::problem::{Problem, codes};

/// The content type of an XLSX workbook.
pub const XLSX_CONTENT_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// What a workbook may expand to, in bytes, once decompressed.
pub const MAX_EXPANDED_BYTES: u64 = 64 * 1024 * 1024;
/// The most files a workbook archive may hold.
pub const MAX_ENTRIES: usize = 2_000;
/// The most data rows read from one sheet.
pub const MAX_ROWS: u32 = 100_000;

/// Where each part of a document made from a workbook came from: JSON pointer → cell.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CellMap(BTreeMap<String, String>);

impl CellMap {
    fn put(&mut self, pointer: String, cell: String) {
        self.0.insert(pointer, cell);
    }

    /// The cell of `pointer`, or of the nearest part of the document that holds it (a value's
    /// row for a problem with the whole value).
    pub fn cell_of(&self, pointer: &str) -> Option<&str> {
        let mut pointer = pointer;
        loop {
            if let Some(cell) = self.0.get(pointer) {
                return Some(cell);
            }
            let (parent, _) = pointer.rsplit_once('/')?;
            pointer = parent;
        }
    }

    /// Sets the `cell` of every problem that has one.
    pub fn annotate(&self, problems: &mut [Problem]) {
        for problem in problems {
            if problem.cell.is_none() {
                problem.cell = self.cell_of(&problem.pointer).map(str::to_owned);
            }
        }
    }
}

/// A workbook turned into a document.
#[derive(Debug, Clone)]
pub struct WorkbookDocument {
    /// The document, as JSON.
    pub document: Value,
    /// Where its parts came from.
    pub cells: CellMap,
    /// Rows left out because a cell could not be read (a text where a number goes); each names
    /// its cell.
    pub rejected: Vec<Problem>,
    /// SHA-256 (hex) of the workbook's bytes.
    pub sha256: String,
    /// The language the workbook says it is in (numbers typed as text are read in it).
    pub language: Lang,
}

impl WorkbookDocument {
    /// The document as the bytes the pipeline ingests (and stores as the raw document).
    pub fn body(&self) -> Vec<u8> {
        serde_json::to_vec(&self.document).unwrap_or_default()
    }
}

fn refused(code: &str, message: impl Into<String>) -> Vec<Problem> {
    vec![Problem::new("", code, message)]
}

/// SHA-256 (hex) of bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Refuses what is not a plain XLSX workbook of reasonable size before it is parsed.
fn check_archive(bytes: &[u8]) -> Result<(), Vec<Problem>> {
    const OLE: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    if bytes.starts_with(OLE) {
        return Err(refused(
            codes::WORKBOOK_NOT_XLSX,
            "this is an Excel 97-2003 (.xls) workbook; save it as an Excel workbook (.xlsx) and send that",
        ));
    }
    if !bytes.starts_with(b"PK\x03\x04") {
        return Err(refused(
            codes::WORKBOOK_NOT_XLSX,
            "this is not an Excel workbook (.xlsx): CSV and text files are not read as workbooks; use the hub's template, or send JSON as application/json",
        ));
    }
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
        refused(
            codes::WORKBOOK_UNREADABLE,
            format!("the workbook cannot be opened: {e}"),
        )
    })?;
    if archive.len() > MAX_ENTRIES {
        return Err(refused(
            codes::WORKBOOK_TOO_LARGE,
            format!("the workbook holds more than {MAX_ENTRIES} parts"),
        ));
    }
    let names: BTreeSet<String> = archive
        .file_names()
        .filter_map(Result::ok)
        .map(|n| n.into_owned())
        .collect();
    if names.contains("mimetype") && !names.contains("xl/workbook.xml") {
        return Err(refused(
            codes::WORKBOOK_NOT_XLSX,
            "this is an OpenDocument spreadsheet (.ods); save it as an Excel workbook (.xlsx) and send that",
        ));
    }
    if !names.contains("[Content_Types].xml") || !names.contains("xl/workbook.xml") {
        return Err(refused(
            codes::WORKBOOK_NOT_XLSX,
            "this archive is not an Excel workbook (.xlsx)",
        ));
    }
    if names
        .iter()
        .any(|n| n.ends_with("vbaProject.bin") || n.starts_with("xl/macrosheets/"))
    {
        return Err(refused(
            codes::WORKBOOK_MACROS,
            "the workbook contains macros; save it as a plain Excel workbook (.xlsx, not .xlsm) and send that",
        ));
    }
    if names.iter().any(|n| n.starts_with("xl/externalLinks/")) {
        return Err(refused(
            codes::WORKBOOK_EXTERNAL_LINKS,
            "the workbook links to other files; paste the values in (Paste special > Values) and remove the links",
        ));
    }
    // Declared sizes can lie: count what each part really expands to, up to the limit.
    let mut expanded: u64 = 0;
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).map_err(|e| {
            refused(
                codes::WORKBOOK_UNREADABLE,
                format!("the workbook cannot be opened: {e}"),
            )
        })?;
        let budget = MAX_EXPANDED_BYTES.saturating_sub(expanded) + 1;
        let read =
            std::io::copy(&mut (&mut entry).take(budget), &mut std::io::sink()).map_err(|e| {
                refused(
                    codes::WORKBOOK_UNREADABLE,
                    format!("the workbook cannot be read: {e}"),
                )
            })?;
        expanded += read;
        if expanded > MAX_EXPANDED_BYTES {
            return Err(refused(
                codes::WORKBOOK_TOO_LARGE,
                format!(
                    "the workbook expands to more than {} MiB; split it or remove what it does not need",
                    MAX_EXPANDED_BYTES / (1024 * 1024)
                ),
            ));
        }
    }
    Ok(())
}

/// Reads a number typed as text the way a user writing in `lang` meant it: `1.234,5` (Spanish)
/// or `1,234.5` (English), spaces as thousands separators, a trailing `%`.
pub fn parse_number(text: &str, lang: Lang) -> Option<Decimal> {
    let cleaned: String = text
        .trim()
        .trim_end_matches('%')
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}' && *c != '\u{202f}' && *c != '\'')
        .collect();
    if cleaned.is_empty() {
        return None;
    }
    let (dots, commas) = (cleaned.matches('.').count(), cleaned.matches(',').count());
    let grouped = |sep: char| {
        // A lone separator followed by exactly three digits groups thousands.
        cleaned.rsplit_once(sep).is_some_and(|(head, tail)| {
            tail.len() == 3 && !head.trim_start_matches(['-', '+']).is_empty()
        })
    };
    let normalized = match (dots, commas) {
        (0, 0) => cleaned.clone(),
        (_, 0) if dots > 1 => cleaned.replace('.', ""),
        (0, _) if commas > 1 => cleaned.replace(',', ""),
        (1, 0) => match lang {
            Lang::Es if grouped('.') => cleaned.replace('.', ""),
            _ => cleaned.clone(),
        },
        (0, 1) => match lang {
            Lang::En if grouped(',') => cleaned.replace(',', ""),
            _ => cleaned.replace(',', "."),
        },
        _ => {
            // Both: the last one separates the decimals.
            let last_dot = cleaned.rfind('.');
            let last_comma = cleaned.rfind(',');
            if last_comma > last_dot {
                cleaned.replace('.', "").replace(',', ".")
            } else {
                cleaned.replace(',', "")
            }
        }
    };
    let normalized = normalized
        .strip_prefix('+')
        .unwrap_or(&normalized)
        .to_owned();
    if !normalized
        .chars()
        .all(|c| c.is_ascii_digit() || c == '.' || c == '-')
    {
        return None;
    }
    Decimal::from_str(&normalized).ok()
}

/// One sheet of a workbook, read at absolute positions.
struct Sheet<'a> {
    name: &'static str,
    range: &'a Range<Data>,
}

impl Sheet<'_> {
    fn get(&self, row: u32, col: u32) -> &Data {
        self.range.get_value((row, col)).unwrap_or(&Data::Empty)
    }

    fn end(&self) -> (u32, u32) {
        self.range.end().unwrap_or((0, 0))
    }

    fn cell(&self, row: u32, col: u32) -> String {
        cell_ref(self.name, row, col)
    }

    /// The columns of the field keys in row 2 that this sheet's records may have.
    fn columns(&self, keys: &[&str]) -> BTreeMap<&'static str, u32> {
        let mut out = BTreeMap::new();
        let (_, last_col) = self.end();
        for col in 0..=last_col {
            if let Data::String(text) = self.get(KEY_ROW, col) {
                let text = text.trim();
                if let Some(key) = keys.iter().find(|k| **k == text) {
                    out.entry(static_key(key)).or_insert(col);
                }
            }
        }
        out
    }
}

/// The `'static` copy of a layout key.
fn static_key(key: &str) -> &'static str {
    KPI_REPORT_FIELDS
        .iter()
        .chain(BOS_FIELDS)
        .chain(KPI_REPORT_SERVICE_KEYS)
        .chain(BOS_SERVICE_KEYS)
        .chain(VALUE_KEYS)
        .chain(PLANNED_KEYS)
        .chain(TARGET_KEYS)
        .find(|k| **k == key)
        .copied()
        .unwrap_or("")
}

/// What a cell holds, once read.
enum CellValue {
    Empty,
    Number(Decimal),
    /// A text where a number goes, or an error cell.
    Bad(String),
}

fn text_of(data: &Data) -> Option<String> {
    match data {
        Data::Empty => None,
        Data::String(s) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
        Data::Int(i) => Some(i.to_string()),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => Some(format!("{}", *f as i64)),
        Data::Float(f) => Some(f.to_string()),
        Data::Bool(b) => Some(b.to_string()),
        Data::DateTime(_) | Data::DateTimeIso(_) => data.as_date().map(|d| d.to_string()),
        Data::DurationIso(s) => Some(s.clone()),
        Data::Error(e) => Some(format!("#{e:?}")),
    }
}

fn number_of(data: &Data, lang: Lang) -> CellValue {
    match data {
        Data::Empty => CellValue::Empty,
        Data::Int(i) => CellValue::Number(Decimal::from(*i)),
        Data::Float(f) => match Decimal::from_str(&f.to_string()) {
            Ok(d) => CellValue::Number(d),
            Err(_) => CellValue::Bad(f.to_string()),
        },
        Data::String(s) if s.trim().is_empty() => CellValue::Empty,
        Data::String(s) => match parse_number(s, lang) {
            Some(d) => CellValue::Number(d),
            None => CellValue::Bad(s.trim().to_owned()),
        },
        other => CellValue::Bad(text_of(other).unwrap_or_default()),
    }
}

/// A JSON number for a decimal (integers stay integers).
fn json_number(d: Decimal) -> Value {
    let d = d.normalize();
    if d.fract().is_zero()
        && let Ok(i) = i64::try_from(d.mantissa() * 10i128.pow(d.scale()))
    {
        return Value::Number(Number::from(i));
    }
    let text = d.to_string();
    text.parse::<f64>()
        .ok()
        .and_then(Number::from_f64)
        .map_or(Value::String(text), Value::Number)
}

/// Sets `doc[path]` (a dotted key such as `preparedBy.agency`).
fn set_path(doc: &mut Map<String, Value>, key: &str, value: Value) {
    let mut parts: Vec<&str> = key.split('.').collect();
    let last = parts.pop().unwrap_or(key);
    let mut target = doc;
    for part in parts {
        let entry = target
            .entry(part.to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
        if !entry.is_object() {
            *entry = Value::Object(Map::new());
        }
        let Value::Object(next) = entry else {
            return;
        };
        target = next;
    }
    target.insert(last.to_owned(), value);
}

fn pointer_of(base: &str, key: &str) -> String {
    format!("{base}/{}", key.replace('.', "/"))
}

/// Fields whose values are numbers in documents.
fn numeric(key: &str) -> bool {
    matches!(
        key,
        "revision"
            | "cycle.start"
            | "cycle.end"
            | "value"
            | "baseline"
            | "target"
            | "denominator"
            | "year"
            | "amount"
    ) || key.starts_with("cba.")
}

/// Fields that are whole numbers.
fn whole(key: &str) -> bool {
    matches!(key, "revision" | "cycle.start" | "cycle.end" | "year")
}

struct Reading {
    lang: Lang,
    cells: CellMap,
    rejected: Vec<Problem>,
}

impl Reading {
    fn not_a_number(&mut self, cell: &str, text: &str, whole: bool) {
        let (en, es) = if whole {
            ("is not a whole number", "no es un número entero")
        } else {
            ("is not a number", "no es un número")
        };
        let what = self.lang.pick(en, es);
        let mut problem = Problem::new(
            "",
            codes::NOT_A_NUMBER,
            format!("{cell}: {text:?} {what}; the row is left out"),
        );
        problem.cell = Some(cell.to_owned());
        self.rejected.push(problem);
    }

    /// One cell as a JSON value for `key`; `Err` when the row must be left out.
    fn value(
        &mut self,
        sheet: &Sheet<'_>,
        row: u32,
        col: u32,
        key: &str,
    ) -> Result<Option<Value>, ()> {
        let data = sheet.get(row, col);
        if numeric(key) {
            return match number_of(data, self.lang) {
                CellValue::Empty => Ok(None),
                CellValue::Number(d) if whole(key) && !d.fract().is_zero() => {
                    self.not_a_number(&sheet.cell(row, col), &d.to_string(), true);
                    Err(())
                }
                CellValue::Number(d) => Ok(Some(json_number(d))),
                CellValue::Bad(t) => {
                    self.not_a_number(&sheet.cell(row, col), &t, whole(key));
                    Err(())
                }
            };
        }
        let Some(text) = text_of(data) else {
            return Ok(None);
        };
        Ok(Some(match key {
            "clientAgencies" => Value::Array(
                text.split([',', ';', '\n'])
                    .map(str::trim)
                    .filter(|a| !a.is_empty())
                    .map(|a| Value::String(a.to_uppercase()))
                    .collect(),
            ),
            "country" | "currency" | "leadAgency" | "preparedBy.agency" | "classification"
            | "serviceLine" | "status" | "modality" | "stockTakeAction" => {
                Value::String(text.to_uppercase())
            }
            _ => Value::String(text),
        }))
    }
}

/// The header fields of the `Report` sheet: key → (value, cell).
fn report_fields(sheet: &Sheet<'_>) -> BTreeMap<String, (Data, u32)> {
    let mut out = BTreeMap::new();
    let (last_row, _) = sheet.end();
    for row in 0..=last_row.min(MAX_ROWS) {
        if let Data::String(key) = sheet.get(row, 0) {
            let key = key.trim().to_owned();
            if !key.is_empty() {
                out.entry(key)
                    .or_insert_with(|| (sheet.get(row, 1).clone(), row));
            }
        }
    }
    out
}

/// Reads the records of a sheet (row 2 keys, data from row 3) into `(row, record)` pairs;
/// `skip_without` skips rows whose cell of that key is empty.
fn records(
    reading: &mut Reading,
    sheet: &Sheet<'_>,
    keys: &[&str],
    skip_without: Option<&str>,
    mut on_record: impl FnMut(&mut Reading, u32, Map<String, Value>, &BTreeMap<&'static str, u32>),
) -> Result<(), Vec<Problem>> {
    let columns = sheet.columns(keys);
    if columns.is_empty() {
        return Err(refused(
            codes::WORKBOOK_MISSING_KEYS,
            format!(
                "sheet {}: row 2 must hold the field keys ({}); they are missing",
                sheet.name,
                keys.join(", ")
            ),
        ));
    }
    let (last_row, _) = sheet.end();
    if last_row > FIRST_DATA_ROW + MAX_ROWS {
        return Err(refused(
            codes::WORKBOOK_TOO_LARGE,
            format!("sheet {} has more than {MAX_ROWS} rows", sheet.name),
        ));
    }
    for row in FIRST_DATA_ROW..=last_row {
        if columns
            .values()
            .all(|col| text_of(sheet.get(row, *col)).is_none())
        {
            continue;
        }
        if let Some(key) = skip_without
            && let Some(col) = columns.get(key)
            && text_of(sheet.get(row, *col)).is_none()
        {
            continue;
        }
        let mut record = Map::new();
        let mut bad = false;
        for (key, col) in &columns {
            match reading.value(sheet, row, *col, key) {
                Ok(Some(value)) => set_path(&mut record, key, value),
                Ok(None) => {}
                Err(()) => bad = true,
            }
        }
        if !bad {
            on_record(reading, row, record, &columns);
        }
    }
    Ok(())
}

fn sheet_or_refuse<'a>(
    sheets: &'a BTreeMap<&'static str, Range<Data>>,
    name: &'static str,
) -> Result<Sheet<'a>, Vec<Problem>> {
    sheets
        .get(name)
        .map(|range| Sheet { name, range })
        .ok_or_else(|| {
            refused(
                codes::WORKBOOK_MISSING_SHEET,
                format!("the workbook has no sheet {name:?}; start from the hub's template"),
            )
        })
}

/// Turns an XLSX workbook into a document, or says why it cannot.
pub fn read_workbook(bytes: &[u8]) -> Result<WorkbookDocument, Vec<Problem>> {
    check_archive(bytes)?;
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| {
        refused(
            codes::WORKBOOK_UNREADABLE,
            format!("the workbook cannot be read: {e}"),
        )
    })?;
    let mut sheets: BTreeMap<&'static str, Range<Data>> = BTreeMap::new();
    for name in [REPORT, SERVICES, VALUES, PLANNED, TARGETS] {
        if let Ok(range) = workbook.worksheet_range(name) {
            sheets.insert(name, range);
        }
    }
    let report = sheet_or_refuse(&sheets, REPORT)?;
    let fields = report_fields(&report);
    let language = fields
        .get("language")
        .and_then(|(d, _)| text_of(d))
        .and_then(|t| Lang::parse_loose(&t))
        .unwrap_or(Lang::En);
    let document_type = fields
        .get("documentType")
        .and_then(|(d, _)| text_of(d))
        .unwrap_or_else(|| {
            if fields.contains_key("period") {
                "kpi-report".to_owned()
            } else {
                "bos".to_owned()
            }
        });
    let mut reading = Reading {
        lang: language,
        cells: CellMap::default(),
        rejected: Vec::new(),
    };
    let header_keys = match document_type.as_str() {
        "kpi-report" => KPI_REPORT_FIELDS,
        "bos" => BOS_FIELDS,
        other => {
            let row = fields.get("documentType").map_or(0, |(_, row)| *row);
            let mut problems = refused(
                codes::UNKNOWN_DOCUMENT_TYPE,
                format!(
                    "{}: {other:?} is not a document type the hub takes (kpi-report or bos)",
                    report.cell(row, 1)
                ),
            );
            problems[0].cell = Some(report.cell(row, 1));
            return Err(problems);
        }
    };
    let mut doc = Map::new();
    doc.insert("documentType".into(), json!(document_type));
    doc.insert("schemaVersion".into(), json!("1.0"));
    let mut header_bad = Vec::new();
    for key in header_keys.iter().filter(|k| **k != "language") {
        let Some((_, row)) = fields.get(*key) else {
            continue;
        };
        match reading.value(&report, *row, 1, key) {
            Ok(Some(value)) => {
                set_path(&mut doc, key, value);
                reading.cells.put(pointer_of("", key), report.cell(*row, 1));
            }
            // An empty field is still where a "required" problem should point.
            Ok(None) => reading.cells.put(pointer_of("", key), report.cell(*row, 1)),
            Err(()) => header_bad.push(*key),
        }
    }
    if !header_bad.is_empty() {
        // A header field that cannot be read makes the whole document unreadable.
        return Err(std::mem::take(&mut reading.rejected)
            .into_iter()
            .map(|mut p| {
                p.code = codes::NOT_A_NUMBER.to_owned();
                p.message = p.message.replace("; the row is left out", "");
                p
            })
            .collect());
    }
    reading.cells.put(String::new(), report.cell(0, 0));

    let service_keys = if document_type == "bos" {
        BOS_SERVICE_KEYS
    } else {
        KPI_REPORT_SERVICE_KEYS
    };
    let mut services: Vec<Value> = Vec::new();
    let mut service_index: BTreeMap<String, usize> = BTreeMap::new();
    if let Ok(sheet) = sheet_or_refuse(&sheets, SERVICES) {
        records(
            &mut reading,
            &sheet,
            service_keys,
            Some("id"),
            |reading, row, mut record, columns| {
                let index = services.len();
                let base = format!("/commonServices/{index}");
                reading.cells.put(base.clone(), sheet.cell(row, 0));
                for (key, col) in columns {
                    reading
                        .cells
                        .put(pointer_of(&base, key), sheet.cell(row, *col));
                }
                if document_type == "bos" {
                    record.insert("plannedCostAvoidance".into(), json!([]));
                    record.insert("kpis".into(), json!([]));
                }
                if let Some(id) = record.get("id").and_then(Value::as_str) {
                    service_index.entry(id.to_owned()).or_insert(index);
                }
                services.push(Value::Object(record));
            },
        )?;
    } else if document_type == "bos" {
        return Err(refused(
            codes::WORKBOOK_MISSING_SHEET,
            "the workbook has no sheet \"Services\"; start from the hub's template",
        ));
    }

    if document_type == "kpi-report" {
        let sheet = sheet_or_refuse(&sheets, VALUES)?;
        let mut values: Vec<Value> = Vec::new();
        records(
            &mut reading,
            &sheet,
            VALUE_KEYS,
            Some("value"),
            |reading, row, record, columns| {
                let base = format!("/values/{}", values.len());
                reading.cells.put(base.clone(), sheet.cell(row, 0));
                for (key, col) in columns {
                    reading
                        .cells
                        .put(pointer_of(&base, key), sheet.cell(row, *col));
                }
                values.push(Value::Object(record));
            },
        )?;
        if !services.is_empty() {
            doc.insert("commonServices".into(), Value::Array(services));
        }
        doc.insert("values".into(), Value::Array(values));
    } else {
        bos_details(&mut reading, &sheets, &mut services, &service_index)?;
        doc.insert("commonServices".into(), Value::Array(services));
    }
    Ok(WorkbookDocument {
        document: Value::Object(doc),
        cells: reading.cells,
        rejected: reading.rejected,
        sha256: sha256_hex(bytes),
        language,
    })
}

/// The planned cost avoidance and KPI targets of a BOS, into its services.
fn bos_details(
    reading: &mut Reading,
    sheets: &BTreeMap<&'static str, Range<Data>>,
    services: &mut [Value],
    service_index: &BTreeMap<String, usize>,
) -> Result<(), Vec<Problem>> {
    let unknown = |reading: &mut Reading, cell: String, id: &str| {
        let mut problem = Problem::new(
            "",
            codes::UNKNOWN_COMMON_SERVICE,
            format!(
                "{cell}: {id:?} {}; the row is left out",
                reading.lang.pick(
                    "is not a service of the Services sheet",
                    "no es un servicio de la hoja Services"
                )
            ),
        );
        problem.cell = Some(cell);
        reading.rejected.push(problem);
    };
    if let Ok(sheet) = sheet_or_refuse(sheets, PLANNED) {
        records(
            reading,
            &sheet,
            PLANNED_KEYS,
            Some("amount"),
            |reading, row, record, columns| {
                let id = record
                    .get("commonService")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                let col = columns.get("commonService").copied().unwrap_or(0);
                let Some(index) = service_index.get(&id).copied() else {
                    unknown(reading, sheet.cell(row, col), &id);
                    return;
                };
                let Some(list) = services[index]
                    .get_mut("plannedCostAvoidance")
                    .and_then(Value::as_array_mut)
                else {
                    return;
                };
                let base = format!(
                    "/commonServices/{index}/plannedCostAvoidance/{}",
                    list.len()
                );
                reading.cells.put(base.clone(), sheet.cell(row, 0));
                let mut entry = Map::new();
                for key in ["year", "amount"] {
                    if let Some(value) = record.get(key) {
                        entry.insert(key.into(), value.clone());
                    }
                    if let Some(col) = columns.get(key) {
                        reading
                            .cells
                            .put(pointer_of(&base, key), sheet.cell(row, *col));
                    }
                }
                list.push(Value::Object(entry));
            },
        )?;
    }
    if let Ok(sheet) = sheet_or_refuse(sheets, TARGETS) {
        records(
            reading,
            &sheet,
            TARGET_KEYS,
            Some("value"),
            |reading, row, record, columns| {
                let id = record
                    .get("commonService")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                let col = columns.get("commonService").copied().unwrap_or(0);
                let Some(index) = service_index.get(&id).copied() else {
                    unknown(reading, sheet.cell(row, col), &id);
                    return;
                };
                let kpi = record.get("kpi").cloned().unwrap_or(Value::Null);
                let Some(plans) = services[index]
                    .get_mut("kpis")
                    .and_then(Value::as_array_mut)
                else {
                    return;
                };
                let position = match plans.iter().position(|p| p.get("kpi") == Some(&kpi)) {
                    Some(position) => position,
                    None => {
                        let mut plan = Map::new();
                        plan.insert("kpi".into(), kpi.clone());
                        plan.insert("targets".into(), json!([]));
                        plans.push(Value::Object(plan));
                        plans.len() - 1
                    }
                };
                let base = format!("/commonServices/{index}/kpis/{position}");
                let plan = &mut plans[position];
                reading.cells.put(base.clone(), sheet.cell(row, 0));
                if let Some(kpi_col) = columns.get("kpi") {
                    reading
                        .cells
                        .put(format!("{base}/kpi"), sheet.cell(row, *kpi_col));
                }
                if let (Some(baseline), Some(plan)) = (record.get("baseline"), plan.as_object_mut())
                {
                    plan.entry("baseline").or_insert_with(|| baseline.clone());
                    if let Some(col) = columns.get("baseline") {
                        reading
                            .cells
                            .put(format!("{base}/baseline"), sheet.cell(row, *col));
                    }
                }
                let Some(targets) = plan.get_mut("targets").and_then(Value::as_array_mut) else {
                    return;
                };
                let target_base = format!("{base}/targets/{}", targets.len());
                reading.cells.put(target_base.clone(), sheet.cell(row, 0));
                let mut target = Map::new();
                for key in ["year", "value"] {
                    if let Some(value) = record.get(key) {
                        target.insert(key.into(), value.clone());
                    }
                    if let Some(col) = columns.get(key) {
                        reading
                            .cells
                            .put(pointer_of(&target_base, key), sheet.cell(row, *col));
                    }
                }
                targets.push(Value::Object(target));
            },
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_typed_as_text_are_read_as_their_language_writes_them() {
        let n = |text: &str, lang: Lang| parse_number(text, lang).map(|d| d.to_string());
        assert_eq!(n("1.234,5", Lang::Es).as_deref(), Some("1234.5"));
        assert_eq!(n("1,234.5", Lang::En).as_deref(), Some("1234.5"));
        assert_eq!(n("1.234", Lang::Es).as_deref(), Some("1234"));
        assert_eq!(n("1.234", Lang::En).as_deref(), Some("1.234"));
        assert_eq!(n("1,234", Lang::En).as_deref(), Some("1234"));
        assert_eq!(n("1,234", Lang::Es).as_deref(), Some("1.234"));
        assert_eq!(n("12,5", Lang::En).as_deref(), Some("12.5"));
        assert_eq!(n("12 %", Lang::Es).as_deref(), Some("12"));
        assert_eq!(n("0,5%", Lang::Es).as_deref(), Some("0.5"));
        assert_eq!(n("1 234 567,89", Lang::Es).as_deref(), Some("1234567.89"));
        assert_eq!(n("1.234.567", Lang::En).as_deref(), Some("1234567"));
        assert_eq!(n("-12.5", Lang::En).as_deref(), Some("-12.5"));
        assert_eq!(n("+7", Lang::En).as_deref(), Some("7"));
        assert_eq!(n("doce", Lang::Es), None);
        assert_eq!(n("12abc", Lang::En), None);
        assert_eq!(n("", Lang::En), None);
        assert_eq!(n("%", Lang::En), None);
    }

    #[test]
    fn problems_find_the_cell_of_their_pointer_or_of_what_holds_it() {
        let mut cells = CellMap::default();
        cells.put("/values/3".into(), "Values!A7".into());
        cells.put("/values/3/value".into(), "Values!C7".into());
        cells.put(String::new(), "Report!A1".into());
        assert_eq!(cells.cell_of("/values/3/value"), Some("Values!C7"));
        assert_eq!(cells.cell_of("/values/3/denominator"), Some("Values!A7"));
        assert_eq!(cells.cell_of("/values/3"), Some("Values!A7"));
        assert_eq!(cells.cell_of("/country"), Some("Report!A1"));
    }

    #[test]
    fn what_is_not_a_plain_xlsx_is_refused_before_parsing() {
        let code = |bytes: &[u8]| read_workbook(bytes).unwrap_err()[0].code.clone();
        assert_eq!(
            code(b"country,period\nCOL,2026-Q2\n"),
            codes::WORKBOOK_NOT_XLSX
        );
        assert_eq!(
            code(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0]),
            codes::WORKBOOK_NOT_XLSX
        );
        assert_eq!(code(b"PK\x03\x04garbage"), codes::WORKBOOK_UNREADABLE);
    }
}
