//! Idempotency keys per caller: the first response to a key, replayed for repeats.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "idempotency_key")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub caller: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub key: String,
    pub request_hash: String,
    /// `IN_FLIGHT` or `DONE`.
    pub state: String,
    pub response_status: Option<i32>,
    #[sea_orm(column_type = "Text", nullable)]
    pub response_body: Option<String>,
    pub created_at: DateTimeUtc,
    /// Who holds an `IN_FLIGHT` claim (one attempt of the request).
    pub owner: Option<String>,
    /// Until when the claim holds; after it another attempt may take the key over.
    pub lease_until: Option<DateTimeUtc>,
}

impl ActiveModelBehavior for ActiveModel {}
