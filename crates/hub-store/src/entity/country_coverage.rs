//! The further countries a multi-country office covers.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "country_coverage")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub office: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub covered: String,
}

impl ActiveModelBehavior for ActiveModel {}
