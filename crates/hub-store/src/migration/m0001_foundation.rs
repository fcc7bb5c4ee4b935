//! Reference data (country teams, currencies, agencies, KPI catalogue, exchange rates), access
//! tokens and the audit log.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("currency")
                    .col(string("code").primary_key())
                    .col(string("name"))
                    .col(integer("minor_units"))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("country_team")
                    .col(string("code").primary_key())
                    .col(string("name"))
                    .col(string("subregion"))
                    .col(string("currency"))
                    .col(boolean("multi_country_office"))
                    .col(boolean("active").default(true))
                    .foreign_key(
                        ForeignKey::create()
                            .from("country_team", "currency")
                            .to("currency", "code"),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("country_coverage")
                    .col(string("office"))
                    .col(string("covered"))
                    .primary_key(Index::create().col("office").col("covered"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("country_coverage", "office")
                            .to("country_team", "code"),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("agency")
                    .col(string("code").primary_key())
                    .col(string("name"))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("kpi_definition")
                    .col(string("code").primary_key())
                    .col(string("name"))
                    .col(string("unit"))
                    .col(string("direction"))
                    .col(string("spatial_aggregation"))
                    .col(string("temporal_aggregation"))
                    .col(string_null("service_line"))
                    .col(text("description"))
                    .col(boolean("active").default(true))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("exchange_rate")
                    .col(string("currency"))
                    .col(string("month"))
                    .col(string("rate"))
                    .col(string("source"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .primary_key(Index::create().col("currency").col("month"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("exchange_rate", "currency")
                            .to("currency", "code"),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("access_token")
                    .col(big_pk_auto("id"))
                    .col(string_uniq("label"))
                    .col(string("role"))
                    .col(string_null("country"))
                    .col(string_null("agency"))
                    .col(string_uniq("token_hash"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("last_used_at"))
                    .col(timestamp_with_time_zone_null("revoked_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("access_token", "country")
                            .to("country_team", "code"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("access_token", "agency")
                            .to("agency", "code"),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("audit_log")
                    .col(big_pk_auto("id"))
                    .col(timestamp_with_time_zone("at"))
                    .col(string("actor"))
                    .col(string_null("actor_role"))
                    .col(string_null("actor_agency"))
                    .col(string_null("actor_country"))
                    .col(string("action"))
                    .col(string("entity_type"))
                    .col(string("entity_id"))
                    .col(string_null("before_digest"))
                    .col(string_null("after_digest"))
                    .col(string_null("request_id"))
                    .col(text_null("summary"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("audit_log_entity")
                    .table("audit_log")
                    .col("entity_type")
                    .col("entity_id")
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "audit_log",
            "access_token",
            "exchange_rate",
            "kpi_definition",
            "agency",
            "country_coverage",
            "country_team",
            "currency",
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
