//! Min-max bounds of a KPI for one country, set by ROMT or ADMIN (`setMinMax`).

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outlier_bound")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub country: String,
    pub kpi: String,
    /// Decimal as text.
    pub lower: String,
    /// Decimal as text.
    pub upper: String,
    pub set_by: String,
    pub set_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
