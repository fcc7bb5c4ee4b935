//! The regional KPI catalogue.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "kpi_definition")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub code: String,
    pub name: String,
    /// The name in Spanish.
    pub name_es: String,
    pub unit: String,
    pub direction: String,
    pub spatial_aggregation: String,
    pub temporal_aggregation: String,
    pub service_line: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    pub active: bool,
}

impl ActiveModelBehavior for ActiveModel {}
