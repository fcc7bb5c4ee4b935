//! Figure facts in pack format 2, whose texts are stored once per pack in a table: every report
//! packed in format 1 by m0010 is packed again, so none is left to be read from its rows.

use sea_orm_migration::prelude::*;

use super::m0010_figure_facts::pack_every_report;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        pack_every_report(manager).await
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        // Format-2 packs stay: an older build reads a pack it does not know from its rows.
        Ok(())
    }
}
