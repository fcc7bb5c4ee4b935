//! Figure facts: each kpi-report's figure values packed into one row, so a cold figure reads
//! one row per report instead of one per value. Reports stored before this migration get
//! theirs here; a report without one is still read from its value rows.

use sea_orm_migration::{prelude::*, schema::*};

use crate::submissions::pack_stale_reports;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Packs the figure facts of every kpi-report stored without a pack of the current layout.
pub(super) async fn pack_every_report(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    pack_stale_reports(manager.get_connection())
        .await
        .map_err(|e| DbErr::Migration(format!("packing figure facts: {e}")))
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("figure_facts")
                    .col(big_integer("submission_id").primary_key())
                    .col(blob("facts"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("figure_facts", "submission_id")
                            .to("submission", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        pack_every_report(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("figure_facts").to_owned())
            .await
    }
}
