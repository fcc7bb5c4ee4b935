//! What cold figures read, read without a scan: each kpi-report's figure facts also list its
//! common services (pack format 3; the dashboard counts the active ones without reading their
//! rows), and submissions are found by (document type, period) and (document type, cycle) through
//! indexes. Without them, finding the reports of a year scanned every submission, raw document
//! included (on SQLite, a later column of a row with a large document is read through its
//! overflow pages). When a slice's first revision arrived is read from (slice key, received at):
//! without it PostgreSQL took the minimum by walking `received_at` from the oldest, filtering
//! slice keys, 0.8 ms per report (430 ms for a year of 130 countries, against 2 ms with it).

use sea_orm_migration::prelude::*;

use super::m0010_figure_facts::pack_every_report;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Idempotent: a database holding the indexes without this migration's record (a run
        // cut short after them) migrates again.
        for columns in [
            ["document_type", "period"],
            ["document_type", "cycle_start"],
            ["slice_key", "received_at"],
        ] {
            let mut stmt = Index::create();
            stmt.if_not_exists()
                .name(format!("submission_{}", columns.join("_")))
                .table("submission");
            for column in columns {
                stmt.col(column.to_owned());
            }
            manager.create_index(stmt).await?;
        }
        pack_every_report(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Format-3 packs stay: an older build reads a pack it does not know from its rows.
        for name in [
            "submission_document_type_period",
            "submission_document_type_cycle_start",
            "submission_slice_key_received_at",
        ] {
            manager
                .drop_index(Index::drop().name(name).table("submission").to_owned())
                .await?;
        }
        Ok(())
    }
}
