//! Common services as a submission listed them (KPI report or BOS, with its CBA).

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "common_service")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub submission_id: i64,
    pub country: String,
    pub service_id: String,
    pub name: String,
    pub service_line: String,
    pub lead_agency: String,
    /// `;`-separated agency codes.
    #[sea_orm(column_type = "Text")]
    pub client_agencies: String,
    pub status: Option<String>,
    pub modality: Option<String>,
    pub stock_take_action: Option<String>,
    pub one_time_monetary: Option<String>,
    pub one_time_labour: Option<String>,
    pub annual_cost_monetary: Option<String>,
    pub annual_cost_labour: Option<String>,
    pub annual_benefit_monetary: Option<String>,
    pub annual_benefit_labour: Option<String>,
    pub is_current: bool,
}

impl ActiveModelBehavior for ActiveModel {}
