//! Ingestion: the shared JSON schemas, their validation, and the one pipeline every document
//! goes through, pushed by a country team, pulled from a source or loaded as demo data.
//!
//! Steps (DESIGN §6), one database transaction per document: parse → schema validation (every
//! error with its JSON pointer, keyword and message) → semantic checks → harmonization (local
//! codes, currencies) → revision rules → store raw document, values and receipt → advance the
//! data version → audit entry.
//!
//! Layout:
//! - [`schemas`]: the embedded schemas, compiled once.
//! - [`parse`]: bytes to JSON with clear errors (UTF-8, syntax, depth).
//! - [`document`]: typed views of schema-valid documents.
//! - [`facts`]: what the checks need to know (catalogue, mappings, rates, locks), from the
//!   database or, offline, from the embedded reference data.
//! - [`check`]: semantic checks and harmonization into storable records.
//! - [`receipt`]: what the sender gets back.
//! - [`pipeline`]: the pipeline itself, with idempotency.
//! - [`demo`]: the embedded demo data set, loaded through the pipeline.
//! - [`admin`]: applying exchange rates (and re-converting the values they improve) inside the
//!   caller's transaction; the service layer audits it.
//! - [`problem`]: problem codes.
//! - [`workbook`]: XLSX workbooks (the templates' layout) into documents, every part with its
//!   cell.

pub mod admin;
pub mod check;
pub mod demo;
pub mod document;
mod explain;
pub mod facts;
pub mod parse;
pub mod pipeline;
pub mod problem;
pub mod quality;
pub mod receipt;
pub mod schemas;
pub mod workbook;

pub use pipeline::{FromWorkbook, IngestError, Ingestor, Options, Origin, Outcome, Request};
pub use problem::Problem;
pub use receipt::Receipt;
