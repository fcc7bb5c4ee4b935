//! Sessions of the web application (DESIGN §15): a signed-in browser holds a random session
//! secret in an HttpOnly cookie; the hub keeps only its SHA-256, the token it was opened with,
//! the CSRF secret of its forms, and when it expires or ended.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("web_session")
                    .col(big_pk_auto("id"))
                    .col(string_uniq("session_hash"))
                    .col(big_integer("token_id"))
                    .col(string("csrf"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("expires_at"))
                    .col(timestamp_with_time_zone_null("ended_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("web_session", "token_id")
                            .to("access_token", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("web_session_token")
                    .table("web_session")
                    .col("token_id")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("web_session").to_owned())
            .await
    }
}
