//! UN country teams of the region.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "country_team")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub code: String,
    pub name: String,
    pub subregion: String,
    pub currency: String,
    pub multi_country_office: bool,
    pub active: bool,
}

impl ActiveModelBehavior for ActiveModel {}
