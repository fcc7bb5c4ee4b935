//! Ingestion: submissions and their slices, stored values with lineage, common services, BOS
//! plans and targets, KPI mappings, locked periods, idempotency keys and the data version.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn fk(from_table: &str, from_col: &str, to_table: &str, to_col: &str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from_table.to_owned(), from_col.to_owned())
        .to(to_table.to_owned(), to_col.to_owned())
        .to_owned()
}

async fn index(
    manager: &SchemaManager<'_>,
    table: &str,
    columns: &[&str],
    unique: bool,
) -> Result<(), DbErr> {
    let mut stmt = Index::create();
    stmt.name(format!("{table}_{}", columns.join("_")))
        .table(table.to_owned());
    for column in columns {
        stmt.col((*column).to_owned());
    }
    if unique {
        stmt.unique();
    }
    manager.create_index(stmt.to_owned()).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("submission")
                    .col(big_pk_auto("id"))
                    .col(string("document_type"))
                    .col(string("slice_key"))
                    .col(string("country"))
                    .col(string_null("period"))
                    .col(integer_null("cycle_start"))
                    .col(integer_null("cycle_end"))
                    .col(integer("revision"))
                    .col(string("status"))
                    .col(string("schema_version"))
                    .col(string("content_hash"))
                    .col(text("raw_document"))
                    .col(string("classification"))
                    .col(string_null("currency"))
                    .col(string_null("bos_status"))
                    .col(string_null("signed_on"))
                    .col(string_null("prepared_by_agency"))
                    .col(string("source_kind"))
                    .col(big_integer_null("source_id"))
                    .col(string("source_name"))
                    .col(timestamp_with_time_zone("received_at"))
                    .col(boolean("is_current"))
                    .col(big_integer_null("superseded_by"))
                    .col(integer("accepted_values"))
                    .col(integer("rejected_values"))
                    .col(text("receipt"))
                    .foreign_key(&mut fk("submission", "country", "country_team", "code"))
                    .to_owned(),
            )
            .await?;
        index(manager, "submission", &["slice_key", "revision"], true).await?;
        index(manager, "submission", &["country", "period"], false).await?;
        index(manager, "submission", &["received_at"], false).await?;

        manager
            .create_table(
                Table::create()
                    .table("document_slice")
                    .col(string("slice_key").primary_key())
                    .col(string("document_type"))
                    .col(string("country"))
                    .col(string_null("period"))
                    .col(integer_null("cycle_start"))
                    .col(integer_null("cycle_end"))
                    .col(big_integer_null("current_submission_id"))
                    .col(integer_null("current_revision"))
                    .col(string_null("current_hash"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("common_service")
                    .col(big_pk_auto("id"))
                    .col(big_integer("submission_id"))
                    .col(string("country"))
                    .col(string("service_id"))
                    .col(string("name"))
                    .col(string("service_line"))
                    .col(string("lead_agency"))
                    .col(text("client_agencies"))
                    .col(string_null("status"))
                    .col(string_null("modality"))
                    .col(string_null("stock_take_action"))
                    .col(string_null("one_time_monetary"))
                    .col(string_null("one_time_labour"))
                    .col(string_null("annual_cost_monetary"))
                    .col(string_null("annual_cost_labour"))
                    .col(string_null("annual_benefit_monetary"))
                    .col(string_null("annual_benefit_labour"))
                    .col(boolean("is_current"))
                    .foreign_key(&mut fk(
                        "common_service",
                        "submission_id",
                        "submission",
                        "id",
                    ))
                    .to_owned(),
            )
            .await?;
        index(manager, "common_service", &["submission_id"], false).await?;

        manager
            .create_table(
                Table::create()
                    .table("kpi_value")
                    .col(big_pk_auto("id"))
                    .col(big_integer("submission_id"))
                    .col(string("country"))
                    .col(string("period"))
                    .col(integer("revision"))
                    .col(timestamp_with_time_zone("received_at"))
                    .col(boolean("is_current"))
                    .col(string("pointer"))
                    .col(string("kpi"))
                    .col(string("reported_kpi"))
                    .col(string_null("common_service"))
                    .col(string_null("service_line"))
                    .col(string_null("value"))
                    .col(string("reported_value"))
                    .col(string_null("currency"))
                    .col(string_null("fx_rate"))
                    .col(string_null("fx_month"))
                    .col(string_null("baseline"))
                    .col(string_null("target"))
                    .col(string_null("denominator"))
                    .col(string("classification"))
                    .col(string("flags"))
                    .col(big_integer_null("mapping_id"))
                    .col(integer_null("mapping_version"))
                    .col(string_null("mapping_factor"))
                    .col(string_null("mapping_offset"))
                    .col(text_null("comment"))
                    .foreign_key(&mut fk("kpi_value", "submission_id", "submission", "id"))
                    .to_owned(),
            )
            .await?;
        index(manager, "kpi_value", &["submission_id"], false).await?;
        index(
            manager,
            "kpi_value",
            &["kpi", "period", "is_current"],
            false,
        )
        .await?;
        index(manager, "kpi_value", &["country", "period"], false).await?;

        manager
            .create_table(
                Table::create()
                    .table("bos_planned_ca")
                    .col(big_pk_auto("id"))
                    .col(big_integer("submission_id"))
                    .col(string("country"))
                    .col(string("service_id"))
                    .col(string_null("service_line"))
                    .col(integer("year"))
                    .col(string("amount"))
                    .col(string("currency"))
                    .col(string("pointer"))
                    .col(boolean("is_current"))
                    .foreign_key(&mut fk(
                        "bos_planned_ca",
                        "submission_id",
                        "submission",
                        "id",
                    ))
                    .to_owned(),
            )
            .await?;
        index(manager, "bos_planned_ca", &["submission_id"], false).await?;
        index(manager, "bos_planned_ca", &["year", "is_current"], false).await?;

        manager
            .create_table(
                Table::create()
                    .table("bos_kpi_target")
                    .col(big_pk_auto("id"))
                    .col(big_integer("submission_id"))
                    .col(string("service_id"))
                    .col(string("kpi"))
                    .col(string_null("baseline"))
                    .col(integer("year"))
                    .col(string("target"))
                    .col(string("pointer"))
                    .foreign_key(&mut fk(
                        "bos_kpi_target",
                        "submission_id",
                        "submission",
                        "id",
                    ))
                    .to_owned(),
            )
            .await?;
        index(manager, "bos_kpi_target", &["submission_id"], false).await?;

        manager
            .create_table(
                Table::create()
                    .table("kpi_mapping")
                    .col(big_pk_auto("id"))
                    .col(string("country"))
                    .col(string("local_code"))
                    .col(string("kpi"))
                    .col(string("factor"))
                    .col(string("offset"))
                    .col(integer("version"))
                    .col(boolean("active"))
                    .col(string("created_by"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk("kpi_mapping", "country", "country_team", "code"))
                    .foreign_key(&mut fk("kpi_mapping", "kpi", "kpi_definition", "code"))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "kpi_mapping",
            &["country", "local_code", "version"],
            true,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table("period_lock")
                    .col(string("period").primary_key())
                    .col(string("locked_by"))
                    .col(timestamp_with_time_zone("locked_at"))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("idempotency_key")
                    .col(string("caller"))
                    .col(string("key"))
                    .col(string("request_hash"))
                    .col(string("state"))
                    .col(integer_null("response_status"))
                    .col(text_null("response_body"))
                    .col(timestamp_with_time_zone("created_at"))
                    .primary_key(Index::create().col("caller").col("key"))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("hub_state")
                    .col(string("key").primary_key())
                    .col(big_integer("value"))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "hub_state",
            "idempotency_key",
            "period_lock",
            "kpi_mapping",
            "bos_kpi_target",
            "bos_planned_ca",
            "kpi_value",
            "common_service",
            "document_slice",
            "submission",
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
