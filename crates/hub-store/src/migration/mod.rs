//! Versioned schema migrations. Each runs on SQLite and PostgreSQL; a migration, once released,
//! is never edited: later changes come as new migrations.

use sea_orm_migration::prelude::*;

mod m0001_foundation;
mod m0002_ingestion;
mod m0003_federation;
mod m0004_governance;
mod m0005_idempotency_leases;
mod m0006_lists_as_json;
mod m0007_languages_and_workbooks;
mod m0008_web_sessions;
mod m0009_data_quality;
mod m0010_figure_facts;
mod m0011_figure_facts_layout_2;
mod m0012_figure_reads;

/// The hub's migrations, in order.
#[derive(Debug)]
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m0001_foundation::Migration),
            Box::new(m0002_ingestion::Migration),
            Box::new(m0003_federation::Migration),
            Box::new(m0004_governance::Migration),
            Box::new(m0005_idempotency_leases::Migration),
            Box::new(m0006_lists_as_json::Migration),
            Box::new(m0007_languages_and_workbooks::Migration),
            Box::new(m0008_web_sessions::Migration),
            Box::new(m0009_data_quality::Migration),
            Box::new(m0010_figure_facts::Migration),
            Box::new(m0011_figure_facts_layout_2::Migration),
            Box::new(m0012_figure_reads::Migration),
        ]
    }
}
