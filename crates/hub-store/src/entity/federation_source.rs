//! Federation sources: where the hub pulls, with the state of its pulls.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "federation_source")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub name: String,
    #[sea_orm(column_type = "Text")]
    pub url: String,
    /// Bearer token sent to the source; never returned by the API.
    #[sea_orm(column_type = "Text", nullable)]
    pub token: Option<String>,
    pub interval_seconds: i32,
    /// `;`-separated country codes the source may publish for.
    #[sea_orm(column_type = "Text")]
    pub countries: String,
    pub active: bool,
    #[sea_orm(column_type = "Text", nullable)]
    pub cursor: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub etag: Option<String>,
    pub next_run_at: DateTimeUtc,
    /// The replica running a pull now, while its lease lasts.
    pub lease_holder: Option<String>,
    pub lease_expires_at: Option<DateTimeUtc>,
    pub consecutive_failures: i32,
    pub circuit_open_until: Option<DateTimeUtc>,
    pub last_run_at: Option<DateTimeUtc>,
    pub last_run_failed: bool,
    pub last_success_at: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text", nullable)]
    pub last_error: Option<String>,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
