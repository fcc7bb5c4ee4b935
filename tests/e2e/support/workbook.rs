//! Workbooks in tests: a template read into cells, changed as a user would (values typed, rows
//! added) and written back as a new XLSX file.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};

/// Every sheet of a workbook as rows of cells (absolute positions, row 0 first).
#[derive(Debug, Clone)]
pub struct Book {
    pub sheets: Vec<(String, Vec<Vec<Data>>)>,
}

impl Book {
    /// Reads an XLSX workbook.
    pub fn read(bytes: &[u8]) -> Book {
        let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).expect("an XLSX file");
        let names = workbook.sheet_names().clone();
        let sheets = names
            .into_iter()
            .map(|name| {
                let range = workbook.worksheet_range(&name).expect("sheet");
                let (rows, cols) = range.end().map_or((0, 0), |(r, c)| (r + 1, c + 1));
                let grid = (0..rows)
                    .map(|r| {
                        (0..cols)
                            .map(|c| range.get_value((r, c)).cloned().unwrap_or(Data::Empty))
                            .collect()
                    })
                    .collect();
                (name, grid)
            })
            .collect();
        Book { sheets }
    }

    /// The rows of a sheet.
    pub fn rows(&self, sheet: &str) -> &Vec<Vec<Data>> {
        &self
            .sheets
            .iter()
            .find(|(n, _)| n == sheet)
            .unwrap_or_else(|| panic!("no sheet {sheet}"))
            .1
    }

    fn rows_mut(&mut self, sheet: &str) -> &mut Vec<Vec<Data>> {
        &mut self
            .sheets
            .iter_mut()
            .find(|(n, _)| n == sheet)
            .unwrap_or_else(|| panic!("no sheet {sheet}"))
            .1
    }

    /// The column of a row-2 field key.
    pub fn column(&self, sheet: &str, key: &str) -> usize {
        self.rows(sheet)[1]
            .iter()
            .position(|d| matches!(d, Data::String(s) if s == key))
            .unwrap_or_else(|| panic!("no key {key} in row 2 of {sheet}"))
    }

    /// The first data row whose cells under the given keys hold the given texts.
    pub fn find(&self, sheet: &str, matches: &[(&str, &str)]) -> usize {
        let columns: Vec<(usize, &str)> = matches
            .iter()
            .map(|(k, v)| (self.column(sheet, k), *v))
            .collect();
        self.rows(sheet)
            .iter()
            .enumerate()
            .skip(2)
            .find(|(_, row)| {
                columns
                    .iter()
                    .all(|(c, v)| matches!(row.get(*c), Some(Data::String(s)) if s == v))
            })
            .map(|(i, _)| i)
            .unwrap_or_else(|| panic!("no row of {sheet} with {matches:?}"))
    }

    /// Sets the cell of `key` in row `row` (0-based).
    pub fn set(&mut self, sheet: &str, row: usize, key: &str, value: Data) {
        let col = self.column(sheet, key);
        let rows = self.rows_mut(sheet);
        while rows.len() <= row {
            rows.push(vec![]);
        }
        let cells = &mut rows[row];
        while cells.len() <= col {
            cells.push(Data::Empty);
        }
        cells[col] = value;
    }

    /// Sets the value (column B) of a `Report` field.
    pub fn set_field(&mut self, key: &str, value: Data) {
        let rows = self.rows_mut("Report");
        let row = rows
            .iter_mut()
            .find(|r| matches!(r.first(), Some(Data::String(s)) if s == key))
            .unwrap_or_else(|| panic!("no field {key} in Report"));
        row[1] = value;
    }

    /// Adds a row at the bottom of a sheet, given by field keys; returns its index.
    pub fn push(&mut self, sheet: &str, cells: &[(&str, Data)]) -> usize {
        let row = self.rows(sheet).len();
        for (key, value) in cells {
            self.set(sheet, row, key, value.clone());
        }
        row
    }

    /// Writes the workbook as a new XLSX file (values only, as a user's save would keep).
    pub fn write(&self) -> Vec<u8> {
        let mut out = rust_xlsxwriter::Workbook::new();
        for (name, rows) in &self.sheets {
            let sheet = out.add_worksheet();
            sheet.set_name(name).expect("sheet name");
            for (r, row) in rows.iter().enumerate() {
                for (c, cell) in row.iter().enumerate() {
                    let (r, c) = (u32::try_from(r).unwrap(), u16::try_from(c).unwrap());
                    match cell {
                        Data::String(s) => {
                            sheet.write_string(r, c, s).unwrap();
                        }
                        Data::Float(f) => {
                            sheet.write_number(r, c, *f).unwrap();
                        }
                        Data::Int(i) => {
                            sheet.write_number(r, c, *i as f64).unwrap();
                        }
                        Data::Bool(b) => {
                            sheet.write_boolean(r, c, *b).unwrap();
                        }
                        Data::DateTime(d) => {
                            sheet.write_number(r, c, d.as_f64()).unwrap();
                        }
                        Data::DateTimeIso(s) | Data::DurationIso(s) => {
                            sheet.write_string(r, c, s).unwrap();
                        }
                        Data::Error(_) | Data::Empty => {}
                    }
                }
            }
        }
        out.save_to_buffer().expect("workbook")
    }
}

/// The text of a cell.
pub fn text(data: &Data) -> String {
    match data {
        Data::String(s) => s.clone(),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}
