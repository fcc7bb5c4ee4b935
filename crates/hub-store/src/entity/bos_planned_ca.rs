//! Planned cost avoidance per common service and year, from BOS documents.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "bos_planned_ca")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub submission_id: i64,
    pub country: String,
    pub service_id: String,
    pub service_line: Option<String>,
    pub year: i32,
    /// In the BOS currency; converted to USD when figures are computed, at the rate of the
    /// year's December, so rates loaded later apply.
    pub amount: String,
    pub currency: String,
    pub pointer: String,
    pub is_current: bool,
}

impl ActiveModelBehavior for ActiveModel {}
