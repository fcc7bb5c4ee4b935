//! KPI names in Spanish (DESIGN §15), and the lineage of documents that arrived as workbooks
//! (DESIGN §14): the file name and the SHA-256 of the workbook a document was made from.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per statement. The seed fills the Spanish names of a catalogue
        // loaded before this migration.
        manager
            .alter_table(
                Table::alter()
                    .table("kpi_definition")
                    .add_column(string("name_es").default(""))
                    .to_owned(),
            )
            .await?;
        for column in ["workbook_name", "workbook_sha256"] {
            manager
                .alter_table(
                    Table::alter()
                        .table("submission")
                        .add_column(string_null(column))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in ["workbook_sha256", "workbook_name"] {
            manager
                .alter_table(
                    Table::alter()
                        .table("submission")
                        .drop_column(column.to_owned())
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table("kpi_definition")
                    .drop_column("name_es".to_owned())
                    .to_owned(),
            )
            .await
    }
}
