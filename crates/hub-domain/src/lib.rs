//! The pure domain of romt-hub.
//!
//! Everything a figure or a rule depends on lives here as plain data and plain functions, so it can
//! be tested without a database or a runtime: codes and periods parsed once into newtypes, the KPI
//! catalogue vocabulary, exact money and the currency policy, the access policy, aggregation and
//! governance rules. This crate must not depend on sea-orm, axum or tokio; CI
//! checks that with `cargo tree`.
//!
//! Layout:
//! - [`codes`]: country, currency, agency and KPI codes.
//! - [`federation`]: source health, the circuit breaker and full-jitter backoff.
//! - [`i18n`]: the two languages (English, Spanish).
//! - [`governance`]: the work plan's state machine and budget, ToR and meeting rules.
//! - [`limits`]: the numeric bounds of DESIGN §17 (document numbers, budgets, rates).
//! - [`period`]: reporting periods (`YYYY-Qn`, `YYYY`) and months (`YYYY-MM`).
//! - [`catalogue`]: service lines, units, directions and aggregation rules of the KPI catalogue.
//! - [`access`]: roles, classifications, who may see what, and the access policy: one table
//!   `Action` → roles and [`access::authorize`], the only role check of the hub.
//! - [`analytics`]: aggregation, progress and timeliness rules (DESIGN §8).
//! - [`money`]: exact decimals, exchange rates and the currency policy.
//! - [`quality`]: outliers against a country's history and validation rules over one report
//!   (DESIGN §16).
//! - [`submission`]: document kinds, outcomes, value flags and the revision rules.
//! - [`workbook`]: the spreadsheet layout of templates and the importer (DESIGN §14).

#[macro_use]
mod macros;

pub mod access;
pub mod analytics;
pub mod catalogue;
pub mod codes;
pub mod federation;
pub mod governance;
pub mod i18n;
pub mod limits;
pub mod money;
pub mod period;
pub mod quality;
pub mod submission;
pub mod workbook;

mod error;

pub use error::ParseError;
pub use rust_decimal::Decimal;
