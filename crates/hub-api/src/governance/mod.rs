//! Regional governance services (DESIGN §10): task forces, the ROMT annual work plan and its
//! approval by the RCP, meetings and action items. Each mutation runs in one transaction with
//! its audit entry; the rules come from `hub_domain::governance`.
//!
//! Layout: [`workplan`], [`taskforce`], [`meetings`]; [`demo`] loads the demo governance data.

pub mod demo;
pub mod meetings;
pub mod taskforce;
pub mod workplan;

use chrono::NaiveDate;
use hub_domain::access::{Principal, Role};
use hub_store::audit::{self, Actor};
use hub_store::{ConnectionTrait, reference};
use serde_json::Value;

use crate::error::ApiError;

/// Who may run the ROMT's business: task forces, work plans, meetings.
pub const ROMT_ROLES: &[Role] = &[Role::Romt, Role::Admin];

/// Parses a `YYYY-MM-DD` argument.
pub fn parse_date(field: &str, text: &str) -> Result<NaiveDate, ApiError> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| ApiError::invalid(field, format!("{text:?} is not a date YYYY-MM-DD")))
}

/// Checks that every agency code is one the hub knows; each pair is (argument, code).
pub async fn check_agencies(
    db: &impl ConnectionTrait,
    agencies: &[(String, String)],
) -> Result<(), ApiError> {
    for (field, code) in agencies {
        if !reference::agency_exists(db, code).await? {
            return Err(ApiError::invalid(
                field,
                format!("unknown agency {code} (see the UN entities of the region)"),
            ));
        }
    }
    Ok(())
}

/// A governance change to audit.
#[derive(Debug)]
pub struct Change<'a> {
    pub action: &'a str,
    pub entity_type: &'a str,
    pub entity_id: String,
    pub before: Option<&'a Value>,
    pub after: Option<&'a Value>,
    pub summary: String,
}

/// Appends the audit entry of a change, in the change's transaction.
pub async fn audit(
    db: &impl ConnectionTrait,
    principal: &Principal,
    change: Change<'_>,
) -> Result<(), ApiError> {
    audit::record(
        db,
        audit::Entry {
            actor: &Actor::Principal(principal.clone()),
            action: change.action,
            entity_type: change.entity_type,
            entity_id: change.entity_id,
            before: change.before,
            after: change.after,
            request_id: Some(&crate::request::current_id()),
            summary: Some(change.summary),
        },
    )
    .await?;
    Ok(())
}
