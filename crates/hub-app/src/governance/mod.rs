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

impl PlanEvent {
    /// The event as told to other replicas, with the replica that tells it.
    pub(crate) fn notice(&self, from: &str) -> String {
        let mut notice = serde_json::json!({
            "from": from, "workPlanId": self.work_plan_id, "year": self.year,
            "action": self.action, "status": self.status, "version": self.version,
            "actor": self.actor, "agency": self.agency, "comment": self.comment,
            "at": self.at.to_rfc3339(),
        });
        if notice.to_string().len() > hub_store::notify::MAX_PAYLOAD {
            // A long comment stays in the work plan's history; the notice goes without it.
            notice["comment"] = serde_json::Value::Null;
        }
        notice.to_string()
    }

    /// An event told by another replica: `None` for one of `own` or one that does not read.
    pub(crate) fn from_notice(text: &str, own: &str) -> Option<Self> {
        let v: serde_json::Value = serde_json::from_str(text).ok()?;
        if v["from"].as_str()? == own {
            return None;
        }
        let text_of = |key: &str| v[key].as_str().map(str::to_owned);
        Some(PlanEvent {
            work_plan_id: v["workPlanId"].as_i64()?,
            year: i32::try_from(v["year"].as_i64()?).ok()?,
            action: v["action"].as_str()?.parse().ok()?,
            status: v["status"].as_str()?.parse().ok()?,
            version: i32::try_from(v["version"].as_i64()?).ok()?,
            actor: text_of("actor")?,
            agency: text_of("agency"),
            comment: text_of("comment"),
            at: DateTime::parse_from_rfc3339(v["at"].as_str()?)
                .ok()?
                .with_timezone(&Utc),
        })
    }
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
