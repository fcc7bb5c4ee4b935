//! ROMT and RCP meetings.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "meeting")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// `ROMT` or `RCP`.
    pub body: String,
    pub title: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    #[sea_orm(column_type = "Text")]
    pub member_agencies: String,
    /// JSON list of agenda items.
    #[sea_orm(column_type = "Text")]
    pub agenda: String,
    pub agenda_sent_at: Option<DateTimeUtc>,
    /// `;`-separated agencies present; none until recorded.
    #[sea_orm(column_type = "Text", nullable)]
    pub attendance: Option<String>,
    pub minutes_circulated_at: Option<DateTimeUtc>,
    pub minutes_finalized_at: Option<DateTimeUtc>,
    /// JSON list of decisions.
    #[sea_orm(column_type = "Text")]
    pub decisions: String,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
