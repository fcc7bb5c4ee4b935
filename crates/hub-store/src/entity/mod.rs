//! sea-orm entities, one module per table. Decimals are stored as text so they stay exact on
//! both SQLite and PostgreSQL; the query modules parse them into `Decimal`.

pub mod access_token;
pub mod agency;
pub mod audit_log;
pub mod bos_kpi_target;
pub mod bos_planned_ca;
pub mod common_service;
pub mod country_coverage;
pub mod country_team;
pub mod currency;
pub mod document_slice;
pub mod exchange_rate;
pub mod federation_source;
pub mod hub_state;
pub mod idempotency_key;
pub mod kpi_definition;
pub mod kpi_mapping;
pub mod kpi_value;
pub mod period_lock;
pub mod submission;
pub mod sync_run;
