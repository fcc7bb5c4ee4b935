//! Idempotency keys are claimed with an owner and a lease, so a key whose first request died
//! (client gone, process killed) can be taken over after the lease instead of staying
//! `IN_FLIGHT` until its retention ends.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per statement.
        manager
            .alter_table(
                Table::alter()
                    .table("idempotency_key")
                    .add_column(string_null("owner"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("idempotency_key")
                    .add_column(timestamp_with_time_zone_null("lease_until"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in ["lease_until", "owner"] {
            manager
                .alter_table(
                    Table::alter()
                        .table("idempotency_key")
                        .drop_column(column.to_owned())
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
