//! Validation rules across the values of one report (DESIGN §16), seeded and edited by ADMIN.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "validation_rule")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub kind: String,
    pub kpi: String,
    pub other_kpi: Option<String>,
    pub status: Option<String>,
    /// Decimal as text.
    pub factor: Option<String>,
    pub importance: String,
    #[sea_orm(column_type = "Text")]
    pub message_en: String,
    #[sea_orm(column_type = "Text")]
    pub message_es: String,
    pub enabled: bool,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
