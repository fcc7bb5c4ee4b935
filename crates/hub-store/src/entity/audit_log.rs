//! The append-only audit log: one row per mutation.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub at: DateTimeUtc,
    /// Token label, `anonymous` or `system`.
    pub actor: String,
    pub actor_role: Option<String>,
    pub actor_agency: Option<String>,
    pub actor_country: Option<String>,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    pub before_digest: Option<String>,
    pub after_digest: Option<String>,
    pub request_id: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub summary: Option<String>,
}

impl ActiveModelBehavior for ActiveModel {}
