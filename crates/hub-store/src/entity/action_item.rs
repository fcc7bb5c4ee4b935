//! Action items of meetings.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "action_item")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub meeting_id: i64,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    pub responsible_agency: String,
    pub responsible_person: String,
    /// `YYYY-MM-DD`.
    pub deadline: String,
    /// `OPEN` or `DONE`.
    pub status: String,
    pub completed_at: Option<DateTimeUtc>,
}

impl ActiveModelBehavior for ActiveModel {}
