//! Regional governance rules (DESIGN §10): the work plan's state machine and budget, the
//! task forces' terms of reference, and the flags of meetings and action items.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, Weekday};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::access::Action;
use crate::catalogue::ServiceLine;
use crate::limits::{BoundError, MAX_BUDGET, MAX_DECIMALS, check_magnitude};
use crate::period::Period;

vocabulary!(
    /// Where a version of the ROMT annual work plan stands.
    WorkPlanStatus, "work plan status" {
        /// Being written by the ROMT.
        Draft => "DRAFT",
        /// Frozen, awaiting RCP approval.
        Submitted => "SUBMITTED",
        /// Approved by the RCP.
        Approved => "APPROVED",
        /// Sent back by the RCP with a comment; the ROMT edits and resubmits.
        Returned => "RETURNED",
        /// Replaced by an approved amendment.
        Superseded => "SUPERSEDED",
    }
);

impl WorkPlanStatus {
    /// Whether callers without a token may read a plan in this state: only what the RCP approved
    /// is public (an approved plan that was later amended stays so); drafts, submitted and
    /// returned versions are the ROMT's and the RCP's working material (DESIGN §17).
    pub fn is_public(self) -> bool {
        matches!(self, WorkPlanStatus::Approved | WorkPlanStatus::Superseded)
    }
}

vocabulary!(
    /// What is done to a work plan.
    WorkPlanAction, "work plan action" {
        Create => "CREATE",
        Edit => "EDIT",
        Submit => "SUBMIT",
        Approve => "APPROVE",
        Return => "RETURN",
        Amend => "AMEND",
        Supersede => "SUPERSEDE",
    }
);

vocabulary!(
    /// Where a work-plan activity stands.
    ActivityStatus, "activity status" {
        Planned => "PLANNED",
        Ongoing => "ONGOING",
        Completed => "COMPLETED",
        Cancelled => "CANCELLED",
    }
);

vocabulary!(
    /// Whether a task force is running.
    TaskForceStatus, "task force status" {
        Active => "ACTIVE",
        Closed => "CLOSED",
    }
);

vocabulary!(
    /// Where a task force deliverable stands.
    DeliverableStatus, "deliverable status" {
        Planned => "PLANNED",
        InProgress => "IN_PROGRESS",
        Done => "DONE",
    }
);

vocabulary!(
    /// A progress report's traffic light.
    ProgressRating, "progress rating" {
        Green => "GREEN",
        Amber => "AMBER",
        Red => "RED",
    }
);

vocabulary!(
    /// Which body meets.
    MeetingBody, "meeting body" {
        Romt => "ROMT",
        Rcp => "RCP",
    }
);

vocabulary!(
    /// Whether an action item is done.
    ActionStatus, "action item status" {
        Open => "OPEN",
        Done => "DONE",
    }
);

impl WorkPlanAction {
    /// The access-policy action a caller needs for this change (who may do it is in
    /// [`crate::access::allowed`]); `None` for a consequence no caller asks for directly.
    pub const fn access(self) -> Option<Action> {
        match self {
            WorkPlanAction::Create
            | WorkPlanAction::Edit
            | WorkPlanAction::Submit
            | WorkPlanAction::Amend => Some(Action::DraftWorkPlans),
            WorkPlanAction::Approve | WorkPlanAction::Return => Some(Action::DecideWorkPlans),
            WorkPlanAction::Supersede => None,
        }
    }
}

/// Why a work plan cannot change that way.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("a {status} plan cannot be {verb}")]
    WrongState {
        status: WorkPlanStatus,
        verb: &'static str,
    },
    #[error("returning a plan needs a comment saying what to change")]
    CommentRequired,
}

/// The transitions of DESIGN §10. `approvals` is how many distinct agencies will have approved
/// this submission counting this one; `required` how many it needs. Returns the status after.
/// Who may make each change is the access policy's ([`WorkPlanAction::access`]).
pub fn transition(
    status: WorkPlanStatus,
    action: WorkPlanAction,
    approvals: u32,
    required: u32,
    comment: Option<&str>,
) -> Result<WorkPlanStatus, TransitionError> {
    use WorkPlanAction as A;
    use WorkPlanStatus as S;
    let wrong_state = |verb| TransitionError::WrongState { status, verb };
    match action {
        A::Create => Ok(S::Draft),
        A::Edit => match status {
            S::Draft | S::Returned => Ok(S::Draft),
            _ => Err(wrong_state(
                "edited (a submitted plan is frozen; amend an approved one)",
            )),
        },
        A::Submit => match status {
            S::Draft | S::Returned => Ok(S::Submitted),
            _ => Err(wrong_state("submitted")),
        },
        A::Approve => match status {
            S::Submitted if approvals >= required => Ok(S::Approved),
            S::Submitted => Ok(S::Submitted),
            _ => Err(wrong_state("approved")),
        },
        A::Return => match (status, comment.map(str::trim)) {
            (S::Submitted, Some(c)) if !c.is_empty() => Ok(S::Returned),
            (S::Submitted, _) => Err(TransitionError::CommentRequired),
            _ => Err(wrong_state("returned")),
        },
        A::Amend => match status {
            S::Approved => Ok(S::Approved),
            _ => Err(wrong_state("amended (only an approved plan is amended)")),
        },
        A::Supersede => match status {
            S::Approved => Ok(S::Superseded),
            _ => Err(wrong_state("superseded")),
        },
    }
}

/// An activity's budget: what it needs and what is secured; the gap is derived, never entered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Budget {
    pub required: Decimal,
    pub available: Decimal,
}

/// Why a budget is impossible.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BudgetError {
    #[error("budgets cannot be negative")]
    Negative,
    #[error("available funds cannot exceed the required budget")]
    AvailableAboveRequired,
    #[error("{0}")]
    OutOfBounds(#[from] BoundError),
    #[error("the plan's total budget does not fit an exact decimal")]
    TotalOverflow,
}

impl Budget {
    /// A budget, checked.
    pub fn new(required: Decimal, available: Decimal) -> Result<Self, BudgetError> {
        if required.is_sign_negative() || available.is_sign_negative() {
            return Err(BudgetError::Negative);
        }
        check_magnitude(required, MAX_BUDGET, MAX_DECIMALS)?;
        check_magnitude(available, MAX_BUDGET, MAX_DECIMALS)?;
        if available > required {
            return Err(BudgetError::AvailableAboveRequired);
        }
        Ok(Self {
            required,
            available,
        })
    }

    /// What is still to be mobilized. A checked budget has 0 ≤ available ≤ required, so the
    /// difference is exact; saturating only keeps a hand-made one from panicking.
    pub fn to_be_mobilized(self) -> Decimal {
        self.required.saturating_sub(self.available)
    }

    /// The sum of two budgets, or `None` when it does not fit.
    pub fn checked_add(self, other: Budget) -> Option<Budget> {
        Some(Budget {
            required: self.required.checked_add(other.required)?,
            available: self.available.checked_add(other.available)?,
        })
    }

    /// The total of several budgets. Bounded budgets cannot overflow it for any realistic plan;
    /// stored data from before the bounds gets an error instead of a panic.
    pub fn total(budgets: impl IntoIterator<Item = Budget>) -> Result<Budget, BudgetError> {
        budgets
            .into_iter()
            .try_fold(Budget::default(), Budget::checked_add)
            .ok_or(BudgetError::TotalOverflow)
    }
}

/// A KPI target of a work-plan activity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KpiTarget {
    pub kpi: String,
    pub target: Decimal,
}

/// One activity of the ROMT annual work plan (DESIGN §10); the gap to mobilize is derived.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Activity {
    pub code: String,
    pub title: String,
    pub service_line: ServiceLine,
    pub task_force: Option<String>,
    pub lead_agency: String,
    pub participating_agencies: Vec<String>,
    pub required: Decimal,
    pub available: Decimal,
    pub start_quarter: Period,
    pub end_quarter: Period,
    pub kpi_targets: Vec<KpiTarget>,
    pub status: ActivityStatus,
    pub progress: i32,
}

impl Activity {
    /// The activity's budget.
    pub fn budget(&self) -> Budget {
        Budget {
            required: self.required,
            available: self.available,
        }
    }

    /// The fields two versions of the activity are compared on, by name, as text.
    pub fn fields(&self) -> BTreeMap<String, String> {
        BTreeMap::from([
            ("title".into(), self.title.clone()),
            ("serviceLine".into(), self.service_line.to_string()),
            (
                "taskForce".into(),
                self.task_force.clone().unwrap_or_default(),
            ),
            ("leadAgency".into(), self.lead_agency.clone()),
            (
                "participatingAgencies".into(),
                self.participating_agencies.join(", "),
            ),
            ("required".into(), self.required.normalize().to_string()),
            ("available".into(), self.available.normalize().to_string()),
            ("startQuarter".into(), self.start_quarter.to_string()),
            ("endQuarter".into(), self.end_quarter.to_string()),
            ("status".into(), self.status.to_string()),
            ("progress".into(), self.progress.to_string()),
            (
                "kpiTargets".into(),
                self.kpi_targets
                    .iter()
                    .map(|t| format!("{} {}", t.kpi, t.target))
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
        ])
    }
}

/// What a version of a work plan holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanContent {
    pub year: i32,
    pub title: String,
    pub activities: Vec<Activity>,
}

impl PlanContent {
    /// The total budget of the plan.
    pub fn total(&self) -> Result<Budget, BudgetError> {
        Budget::total(self.activities.iter().map(Activity::budget))
    }

    /// Budget totals by a key of the activities (service line, task force); activities without
    /// a key are left out.
    pub fn totals_by<K: Ord>(
        &self,
        key: impl Fn(&Activity) -> Option<K>,
    ) -> Result<BTreeMap<K, Budget>, BudgetError> {
        let mut by: BTreeMap<K, Budget> = BTreeMap::new();
        for activity in &self.activities {
            if let Some(k) = key(activity) {
                let entry = by.entry(k).or_default();
                *entry = entry
                    .checked_add(activity.budget())
                    .ok_or(BudgetError::TotalOverflow)?;
            }
        }
        Ok(by)
    }

    /// How `to` differs from this version.
    pub fn diff(&self, to: &PlanContent) -> Result<PlanDiff, BudgetError> {
        let as_map = |content: &PlanContent| {
            content
                .activities
                .iter()
                .map(|a| (a.code.clone(), (a.fields(), a.budget())))
                .collect::<BTreeMap<_, _>>()
        };
        diff(&as_map(self), &as_map(to))
    }
}

/// One field of an activity that changed between two versions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    pub field: String,
    pub from: String,
    pub to: String,
}

/// How two versions of a plan differ.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PlanDiff {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    /// Activity code → its changed fields.
    pub changed: BTreeMap<String, Vec<FieldChange>>,
    /// Change of the totals (to − from).
    pub budget_delta: Budget,
}

/// Compares two versions, each a map activity code → (fields by name, budget).
pub fn diff(
    from: &BTreeMap<String, (BTreeMap<String, String>, Budget)>,
    to: &BTreeMap<String, (BTreeMap<String, String>, Budget)>,
) -> Result<PlanDiff, BudgetError> {
    let mut out = PlanDiff::default();
    let total = |plan: &BTreeMap<String, (BTreeMap<String, String>, Budget)>| {
        Budget::total(plan.values().map(|(_, b)| *b))
    };
    let (before, after) = (total(from)?, total(to)?);
    out.budget_delta = Budget {
        required: after
            .required
            .checked_sub(before.required)
            .ok_or(BudgetError::TotalOverflow)?,
        available: after
            .available
            .checked_sub(before.available)
            .ok_or(BudgetError::TotalOverflow)?,
    };
    for code in to.keys().filter(|c| !from.contains_key(*c)) {
        out.added.push(code.clone());
    }
    for code in from.keys().filter(|c| !to.contains_key(*c)) {
        out.removed.push(code.clone());
    }
    for (code, (old_fields, _)) in from {
        let Some((new_fields, _)) = to.get(code) else {
            continue;
        };
        let mut names: Vec<&String> = old_fields.keys().chain(new_fields.keys()).collect();
        names.sort();
        names.dedup();
        let changes: Vec<FieldChange> = names
            .into_iter()
            .filter_map(|name| {
                let (a, b) = (old_fields.get(name), new_fields.get(name));
                (a != b).then(|| FieldChange {
                    field: name.clone(),
                    from: a.cloned().unwrap_or_default(),
                    to: b.cloned().unwrap_or_default(),
                })
            })
            .collect();
        if !changes.is_empty() {
            out.changed.insert(code.clone(), changes);
        }
    }
    Ok(out)
}

/// Chairmanship belongs to agencies, and to two different ones.
pub fn check_chairs(chair: &str, co_chair: &str) -> Result<(), String> {
    if chair == co_chair {
        Err(format!(
            "the chair and co-chair must be different agencies (both {chair})"
        ))
    } else {
        Ok(())
    }
}

vocabulary!(
    /// A mark on a governance object that needs attention.
    GovernanceFlag, "governance flag" {
        /// A task force member without an alternate.
        MemberWithoutAlternate => "MEMBER_WITHOUT_ALTERNATE",
        /// A deliverable past its due date and not done.
        DeliverableOverdue => "DELIVERABLE_OVERDUE",
        /// A task force past its end date still active.
        PastEndDate => "PAST_END_DATE",
        /// The agenda went out less than 3 working days before the meeting.
        AgendaLate => "AGENDA_LATE",
        /// Not more than half of the member agencies attended.
        NoQuorum => "NO_QUORUM",
        /// Minutes not circulated within 7 days of the meeting.
        MinutesOverdue => "MINUTES_OVERDUE",
        /// An action item past its deadline and not done.
        Overdue => "OVERDUE",
    }
);

/// Working days an agenda must precede its meeting.
pub const AGENDA_WORKING_DAYS: i64 = 3;
/// Days after a meeting within which minutes must be circulated.
pub const MINUTES_DAYS: i64 = 7;

fn is_working_day(day: NaiveDate) -> bool {
    !matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Working days (Monday to Friday) from `sent` (included) to `meeting` (excluded).
pub fn working_days_between(sent: NaiveDate, meeting: NaiveDate) -> i64 {
    sent.iter_days()
        .take_while(|d| *d < meeting)
        .filter(|d| is_working_day(*d))
        .count() as i64
}

/// An agenda is late when it went out less than 3 working days before the meeting (sent on the
/// Friday for a Wednesday meeting is in time; on the Saturday it is late).
pub fn agenda_late(sent: Option<NaiveDate>, meeting: NaiveDate, today: NaiveDate) -> bool {
    match sent {
        Some(sent) => working_days_between(sent, meeting) < AGENDA_WORKING_DAYS,
        // Not sent yet: late once there are fewer than 3 working days left.
        None => working_days_between(today, meeting) < AGENDA_WORKING_DAYS,
    }
}

/// Quorum is more than half of the member agencies: exactly half is not enough.
pub fn has_quorum(attending: usize, members: usize) -> bool {
    attending * 2 > members
}

/// Minutes are overdue when circulated more than 7 days after the meeting, or not circulated
/// and more than 7 days have passed.
pub fn minutes_overdue(
    meeting: NaiveDate,
    circulated: Option<NaiveDate>,
    today: NaiveDate,
) -> bool {
    let day = circulated.unwrap_or(today);
    (day - meeting).num_days() > MINUTES_DAYS
}

/// Past its deadline and not done.
pub fn overdue(deadline: NaiveDate, done: bool, today: NaiveDate) -> bool {
    !done && deadline < today
}

#[cfg(test)]
mod tests {
    use super::*;
    use WorkPlanAction as A;
    use WorkPlanStatus as S;
    use std::str::FromStr;

    fn d(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn every_allowed_transition() {
        let ok = |status, action, approvals, comment| {
            transition(status, action, approvals, 2, comment).unwrap()
        };
        assert_eq!(ok(S::Draft, A::Create, 0, None), S::Draft);
        assert_eq!(ok(S::Draft, A::Edit, 0, None), S::Draft);
        assert_eq!(ok(S::Returned, A::Edit, 0, None), S::Draft);
        assert_eq!(ok(S::Draft, A::Submit, 0, None), S::Submitted);
        assert_eq!(ok(S::Returned, A::Submit, 0, None), S::Submitted);
        assert_eq!(ok(S::Submitted, A::Approve, 1, None), S::Submitted);
        assert_eq!(ok(S::Submitted, A::Approve, 2, None), S::Approved);
        assert_eq!(ok(S::Submitted, A::Return, 0, Some("budget")), S::Returned);
        assert_eq!(ok(S::Approved, A::Amend, 0, None), S::Approved);
        assert_eq!(ok(S::Approved, A::Supersede, 0, None), S::Superseded);
    }

    #[test]
    fn every_forbidden_transition_by_state() {
        let forbidden = [
            (S::Submitted, A::Edit),
            (S::Approved, A::Edit),
            (S::Superseded, A::Edit),
            (S::Submitted, A::Submit),
            (S::Approved, A::Submit),
            (S::Superseded, A::Submit),
            (S::Draft, A::Approve),
            (S::Returned, A::Approve),
            (S::Approved, A::Approve),
            (S::Superseded, A::Approve),
            (S::Draft, A::Return),
            (S::Approved, A::Return),
            (S::Returned, A::Return),
            (S::Draft, A::Amend),
            (S::Submitted, A::Amend),
            (S::Returned, A::Amend),
            (S::Superseded, A::Amend),
            (S::Draft, A::Supersede),
        ];
        for (status, action) in forbidden {
            let result = transition(status, action, 5, 1, Some("comment"));
            assert!(
                matches!(result, Err(TransitionError::WrongState { .. })),
                "{status} {action}: {result:?}"
            );
        }
    }

    #[test]
    fn only_romt_edits_and_only_rcp_decides() {
        use crate::access::{Principal, Role, Scope, authorize};
        let token = |role| Principal {
            token_id: 1,
            label: "t".into(),
            role,
            country: None,
            agency: None,
        };
        let may = |role, action: A| {
            let needed = action.access().expect("a caller's action");
            authorize(Some(&token(role)), needed, Scope::Hub).is_ok()
        };
        for action in [A::Create, A::Edit, A::Submit, A::Amend] {
            for role in [Role::Rcp, Role::Analyst, Role::Country] {
                assert!(!may(role, action), "{role} {action}");
            }
            assert!(may(Role::Romt, action) && may(Role::Admin, action));
        }
        for action in [A::Approve, A::Return] {
            for role in [Role::Romt, Role::Admin, Role::Analyst, Role::Country] {
                assert!(!may(role, action), "{role} {action}");
            }
            assert!(may(Role::Rcp, action));
        }
        assert_eq!(A::Supersede.access(), None);
    }

    #[test]
    fn only_approved_plans_are_public() {
        let public: Vec<_> = S::ALL.iter().filter(|s| s.is_public()).collect();
        assert_eq!(public, [&S::Approved, &S::Superseded]);
    }

    #[test]
    fn a_return_needs_a_comment() {
        for comment in [None, Some(""), Some("   ")] {
            assert_eq!(
                transition(S::Submitted, A::Return, 0, 1, comment),
                Err(TransitionError::CommentRequired)
            );
        }
    }

    #[test]
    fn budget_gap_is_derived_and_impossible_budgets_refused() {
        let budget = Budget::new(d("100000"), d("60000")).unwrap();
        assert_eq!(budget.to_be_mobilized(), d("40000"));
        assert_eq!(Budget::new(d("-1"), d("0")), Err(BudgetError::Negative));
        assert_eq!(
            Budget::new(d("10"), d("11")),
            Err(BudgetError::AvailableAboveRequired)
        );
    }

    #[test]
    fn budgets_are_bounded_and_totals_never_panic() {
        assert!(Budget::new(d("10000000000000"), d("0")).is_ok());
        assert!(matches!(
            Budget::new(d("10000000000001"), d("0")),
            Err(BudgetError::OutOfBounds(_))
        ));
        assert!(matches!(
            Budget::new(d("1e28"), d("1e28")),
            Err(BudgetError::OutOfBounds(_))
        ));
        // Budgets stored before the bound existed: a clear error, not a panic.
        let huge = Budget {
            required: d("70000000000000000000000000000"),
            available: d("0"),
        };
        assert_eq!(Budget::total([huge, huge]), Err(BudgetError::TotalOverflow));
        let max = Budget::new(d("10000000000000"), d("10000000000000")).unwrap();
        assert_eq!(
            Budget::total(std::iter::repeat_n(max, 1000))
                .unwrap()
                .required,
            d("10000000000000000")
        );
    }

    #[test]
    fn diff_names_added_removed_and_changed_activities_and_budget_deltas() {
        let plan = |items: &[(&str, &str, &str, &str)]| {
            items
                .iter()
                .map(|(code, title, required, available)| {
                    (
                        (*code).to_owned(),
                        (
                            BTreeMap::from([("title".to_owned(), (*title).to_owned())]),
                            Budget::new(d(required), d(available)).unwrap(),
                        ),
                    )
                })
                .collect::<BTreeMap<_, _>>()
        };
        let from = plan(&[
            ("A1", "Joint LTA", "100", "50"),
            ("A2", "Roster", "40", "40"),
        ]);
        let to = plan(&[
            ("A1", "Joint LTAs", "120", "50"),
            ("A3", "Fleet", "30", "0"),
        ]);
        let diff = diff(&from, &to).unwrap();
        assert_eq!(diff.added, ["A3"]);
        assert_eq!(diff.removed, ["A2"]);
        assert_eq!(diff.changed["A1"][0].field, "title");
        assert_eq!(
            diff.budget_delta,
            Budget {
                required: d("10"),
                available: d("-40")
            }
        );
    }

    #[test]
    fn chair_and_co_chair_must_differ() {
        assert!(check_chairs("UNDP", "UNICEF").is_ok());
        assert!(check_chairs("UNDP", "UNDP").is_err());
    }

    #[test]
    fn quorum_is_more_than_half_and_exactly_half_is_not() {
        assert!(!has_quorum(3, 6));
        assert!(has_quorum(4, 6));
        assert!(has_quorum(3, 5));
        assert!(!has_quorum(2, 5));
    }

    #[test]
    fn agenda_sent_three_working_days_before_across_a_weekend_is_in_time() {
        // Wednesday 2026-03-11; Friday 03-06 leaves Fri, Mon, Tue: 3 working days.
        let meeting = date("2026-03-11");
        let today = date("2026-01-01");
        assert!(!agenda_late(Some(date("2026-03-06")), meeting, today));
        // Saturday leaves Mon and Tue only.
        assert!(agenda_late(Some(date("2026-03-07")), meeting, today));
        assert!(agenda_late(Some(date("2026-03-09")), meeting, today));
        assert!(!agenda_late(Some(date("2026-03-05")), meeting, today));
    }

    #[test]
    fn minutes_on_day_seven_are_in_time_and_on_day_eight_overdue() {
        let meeting = date("2026-03-11");
        let today = date("2026-06-01");
        assert!(!minutes_overdue(meeting, Some(date("2026-03-18")), today));
        assert!(minutes_overdue(meeting, Some(date("2026-03-19")), today));
        assert!(!minutes_overdue(meeting, None, date("2026-03-18")));
        assert!(minutes_overdue(meeting, None, date("2026-03-19")));
    }

    #[test]
    fn action_items_are_overdue_past_their_deadline_unless_done() {
        let today = date("2026-03-11");
        assert!(overdue(date("2026-03-10"), false, today));
        assert!(!overdue(date("2026-03-11"), false, today));
        assert!(!overdue(date("2026-03-10"), true, today));
    }
}
