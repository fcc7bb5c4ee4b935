//! sea-orm entities, one module per table. Decimals are stored as text so they stay exact on
//! both SQLite and PostgreSQL; the query modules parse them into `Decimal`.

pub mod access_token;
pub mod agency;
pub mod audit_log;
pub mod country_coverage;
pub mod country_team;
pub mod currency;
pub mod exchange_rate;
pub mod kpi_definition;
