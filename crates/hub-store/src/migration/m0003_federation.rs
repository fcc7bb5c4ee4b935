//! Federation: the sources the hub pulls (with their cursor, ETag, lease and circuit state) and
//! one row per sync run.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("federation_source")
                    .col(big_pk_auto("id"))
                    .col(string_uniq("name"))
                    .col(text("url"))
                    .col(text_null("token"))
                    .col(integer("interval_seconds"))
                    .col(text("countries"))
                    .col(boolean("active"))
                    .col(text_null("cursor"))
                    .col(text_null("etag"))
                    .col(timestamp_with_time_zone("next_run_at"))
                    .col(string_null("lease_holder"))
                    .col(timestamp_with_time_zone_null("lease_expires_at"))
                    .col(integer("consecutive_failures"))
                    .col(timestamp_with_time_zone_null("circuit_open_until"))
                    .col(timestamp_with_time_zone_null("last_run_at"))
                    .col(boolean("last_run_failed"))
                    .col(timestamp_with_time_zone_null("last_success_at"))
                    .col(text_null("last_error"))
                    .col(timestamp_with_time_zone("created_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("sync_run")
                    .col(big_pk_auto("id"))
                    .col(big_integer("source_id"))
                    .col(string("trigger"))
                    .col(string("replica"))
                    .col(timestamp_with_time_zone("started_at"))
                    .col(timestamp_with_time_zone("finished_at"))
                    .col(string("outcome"))
                    .col(integer("pages"))
                    .col(integer("accepted"))
                    .col(integer("unchanged"))
                    .col(integer("rejected"))
                    .col(integer_null("http_status"))
                    .col(text_null("error"))
                    .col(text("document_errors"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("sync_run", "source_id")
                            .to("federation_source", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("sync_run_source_id")
                    .table("sync_run")
                    .col("source_id")
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["sync_run", "federation_source"] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
