//! Versioned mappings of a country's local KPI codes to regional KPIs.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "kpi_mapping")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub country: String,
    pub local_code: String,
    pub kpi: String,
    pub factor: String,
    pub offset: String,
    pub version: i32,
    pub active: bool,
    pub created_by: String,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
