//! Regional governance (DESIGN §10): task forces, the ROMT annual work plan and its approval by
//! the RCP, meetings and action items. Every change checks the access policy, runs in one
//! transaction with its audit entry, and applies the rules of `hub_domain::governance`.
//!
//! Reads return whole aggregates loaded set-based (a list of plans or task forces costs the same
//! few queries whatever its length); what anonymous callers may not see (names of persons,
//! working drafts) is left out there, once.
//!
//! Layout: [`taskforces`], [`workplans`], [`meetings`]; [`demo`] loads the demo data.

pub mod demo;
pub mod meetings;
pub mod taskforces;
pub mod workplans;

use chrono::{DateTime, NaiveDate, Utc};
use hub_domain::governance::{WorkPlanAction, WorkPlanStatus};
use hub_store::{Executor, reference};

use crate::error::{AppError, AppResult};

pub use hub_store::governance::{
    ActionItem, Approval, ChairTerm, Deliverable, HistoryEntry, Meeting, Member, PlanVersion,
    ProgressReport, TaskForce, WorkPlan,
};

/// A work plan change, for `workPlanEvents` subscribers.
#[derive(Debug, Clone)]
pub struct PlanEvent {
    pub work_plan_id: i64,
    pub year: i32,
    pub action: WorkPlanAction,
    pub status: WorkPlanStatus,
    pub version: i32,
    pub actor: String,
    pub agency: Option<String>,
    pub comment: Option<String>,
    pub at: DateTime<Utc>,
}

/// Today, for the date rules (flags).
pub(crate) fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// Parses a `YYYY-MM-DD` argument.
pub(crate) fn parse_date(field: &str, text: &str) -> AppResult<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| AppError::invalid(field, format!("{text:?} is not a date YYYY-MM-DD")))
}

/// Checks that every agency code is one the hub knows; each pair is (argument, code).
pub(crate) async fn check_agencies(
    db: &impl Executor,
    agencies: &[(String, String)],
) -> AppResult<()> {
    for (field, code) in agencies {
        if !reference::agency_exists(db, code).await? {
            return Err(AppError::invalid(
                field,
                format!("unknown agency {code} (see the UN entities of the region)"),
            ));
        }
    }
    Ok(())
}
