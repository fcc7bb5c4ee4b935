//! sea-orm entities, one module per table. Decimals are stored as text so they stay exact on
//! both SQLite and PostgreSQL; the query modules parse them into `Decimal`.

pub mod access_token;
pub mod action_item;
pub mod agency;
pub mod audit_log;
pub mod bos_kpi_target;
pub mod bos_planned_ca;
pub mod common_service;
pub mod country_coverage;
pub mod country_team;
pub mod currency;
pub mod deliverable;
pub mod document_slice;
pub mod exchange_rate;
pub mod federation_source;
pub mod hub_state;
pub mod idempotency_key;
pub mod kpi_definition;
pub mod kpi_mapping;
pub mod kpi_value;
pub mod meeting;
pub mod outlier_bound;
pub mod period_lock;
pub mod progress_report;
pub mod submission;
pub mod sync_run;
pub mod task_force;
pub mod task_force_chair;
pub mod task_force_member;
pub mod validation_rule;
pub mod web_session;
pub mod work_plan;
pub mod work_plan_activity;
pub mod work_plan_approval;
pub mod work_plan_event;
pub mod work_plan_version;
