//! Data quality (DESIGN §16): a follow-up mark on stored values, min-max bounds set per country
//! and KPI, and the validation rules, seeded with the four rules of the first release.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// `(id, kind, kpi, other_kpi, status, factor, importance, message_en, message_es)`.
type SeedRule = (
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
    &'static str,
    &'static str,
    &'static str,
);

const RULES: &[SeedRule] = &[
    (
        "CS_ACTIVE_COVERS_ACTIVE_SERVICES",
        "COVERS_SERVICES",
        "CS.ACTIVE",
        None,
        Some("ACTIVE"),
        None,
        "HIGH",
        "CS.ACTIVE should count at least every common service the report lists as ACTIVE",
        "CS.ACTIVE debe contar al menos cada servicio común que el informe indica como ACTIVE",
    ),
    (
        "LTA_SHARED_AT_MOST_TEN_PER_ACTIVE_SERVICE",
        "AT_MOST_MULTIPLE",
        "PROC.LTA.SHARED",
        Some("CS.ACTIVE"),
        None,
        Some("10"),
        "MEDIUM",
        "Shared long-term agreements (LTA) in use should not exceed 10 per common service in operation",
        "Los acuerdos a largo plazo (LTA) compartidos en uso no deberían superar 10 por servicio común en funcionamiento",
    ),
    (
        "CA_AT_MOST_THREE_TIMES_PLANNED_SHARE",
        "AT_MOST_PLANNED_SHARE",
        "CA",
        None,
        None,
        Some("3"),
        "MEDIUM",
        "The cost avoidance of a common service should not exceed 3 times its planned share for the quarter in the BOS",
        "Los costos evitados de un servicio común no deberían superar 3 veces su parte prevista para el trimestre en la BOS",
    ),
    (
        "CP_PCT_REQUIRES_DENOMINATOR",
        "REQUIRES_DENOMINATOR",
        "ADMIN.CP.PCT",
        None,
        None,
        None,
        "HIGH",
        "Personnel in common premises needs its denominator: the total personnel the percent is of",
        "El personal en locales comunes necesita su denominador: el total del personal del que es el porcentaje",
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("kpi_value")
                    .add_column(boolean("follow_up").default(false))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("outlier_bound")
                    .col(big_pk_auto("id"))
                    .col(string("country"))
                    .col(string("kpi"))
                    .col(string("lower"))
                    .col(string("upper"))
                    .col(string("set_by"))
                    .col(timestamp_with_time_zone("set_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("outlier_bound_country_kpi")
                    .table("outlier_bound")
                    .col("country")
                    .col("kpi")
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("validation_rule")
                    .col(string("id").primary_key())
                    .col(string("kind"))
                    .col(string("kpi"))
                    .col(string_null("other_kpi"))
                    .col(string_null("status"))
                    .col(string_null("factor"))
                    .col(string("importance"))
                    .col(text("message_en"))
                    .col(text("message_es"))
                    .col(boolean("enabled").default(true))
                    .col(timestamp_with_time_zone("updated_at"))
                    .to_owned(),
            )
            .await?;
        let mut insert = Query::insert();
        insert.into_table("validation_rule").columns([
            "id",
            "kind",
            "kpi",
            "other_kpi",
            "status",
            "factor",
            "importance",
            "message_en",
            "message_es",
            "enabled",
            "updated_at",
        ]);
        let seeded_at = chrono::DateTime::<chrono::Utc>::from_timestamp(1_788_220_800, 0)
            .ok_or_else(|| DbErr::Custom("seed time".into()))?;
        for &(id, kind, kpi, other, status, factor, importance, en, es) in RULES {
            insert
                .values([
                    id.into(),
                    kind.into(),
                    kpi.into(),
                    other.into(),
                    status.into(),
                    factor.into(),
                    importance.into(),
                    en.into(),
                    es.into(),
                    true.into(),
                    seeded_at.into(),
                ])
                .map_err(|e| DbErr::Custom(e.to_string()))?;
        }
        manager.exec_stmt(insert).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("validation_rule").to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table("outlier_bound").to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("kpi_value")
                    .drop_column("follow_up")
                    .to_owned(),
            )
            .await
    }
}
