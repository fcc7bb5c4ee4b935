//! Exports and spreadsheet templates (DESIGN §13, §14).
//!
//! This crate knows formats, not data: [`table`] describes what an export is made of (typed cells
//! under bilingual headers), [`writer`] writes it as CSV, JSON, SDMX-CSV or XLSX row by row
//! (constant memory whatever the length), and [`template`] builds the workbooks country OMTs fill
//! in. The service layer (`hub-app`) reads the data, checks who may see it, and feeds it here.

pub mod table;
pub mod template;
pub mod writer;

pub use table::{Cell, Column, Table};
pub use writer::{ExportError, ExportFormat, Writer};
