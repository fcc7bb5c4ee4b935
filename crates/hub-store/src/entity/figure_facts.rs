//! The figure values of a kpi-report submission, packed into one row (`submissions::pack`),
//! written with its value rows and rewritten whenever they change.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "figure_facts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub submission_id: i64,
    #[sea_orm(column_type = "Blob")]
    pub facts: Vec<u8>,
}

impl ActiveModelBehavior for ActiveModel {}
