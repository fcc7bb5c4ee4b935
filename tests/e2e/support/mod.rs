//! Test harness: fresh databases, the app on port 0, GraphQL and CLI helpers.

pub mod database;
pub mod docs;
pub mod hub;
pub mod process;

pub use database::TestDatabase;
pub use hub::TestHub;
pub mod workbook;
