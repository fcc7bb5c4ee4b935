//! KPI baselines and yearly targets of BOS common services.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "bos_kpi_target")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub submission_id: i64,
    pub service_id: String,
    pub kpi: String,
    pub baseline: Option<String>,
    pub year: i32,
    pub target: String,
    pub pointer: String,
}

impl ActiveModelBehavior for ActiveModel {}
