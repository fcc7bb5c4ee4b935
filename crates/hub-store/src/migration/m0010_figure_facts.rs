//! Figure facts: each kpi-report's figure values packed into one row, so a cold figure reads
//! one row per report instead of one per value. Reports stored before this migration get
//! theirs here; a report without one is still read from its value rows.

use sea_orm::{ConnectionTrait, Statement};
use sea_orm_migration::{prelude::*, schema::*};

use crate::submissions::refresh_figure_facts;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Packs (again) the figure facts of every kpi-report stored, a batch at a time.
pub(super) async fn pack_every_report(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT id FROM submission WHERE document_type = 'kpi-report' ORDER BY id",
        ))
        .await?;
    let ids = rows
        .iter()
        .map(|row| row.try_get_by_index::<i64>(0))
        .collect::<Result<Vec<_>, _>>()?;
    for batch in ids.chunks(BATCH) {
        refresh_figure_facts(db, batch)
            .await
            .map_err(|e| DbErr::Migration(format!("packing figure facts: {e}")))?;
    }
    Ok(())
}

/// Reports packed per batch while backfilling.
const BATCH: usize = 200;

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
