//! Regional governance: task forces, work plans, meetings, action items, and the audit log.

use std::collections::BTreeMap;

use async_graphql::connection::Connection;
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use hub_domain::Decimal;
use hub_domain::access::{Principal, Role};
use hub_domain::catalogue::ServiceLine;
use hub_domain::governance::{
    self as rules, ActionStatus, ActivityStatus, Budget, BudgetError, DeliverableStatus,
    GovernanceFlag, MeetingBody, ProgressRating, WorkPlanAction, WorkPlanStatus,
};
use hub_store::entity::{action_item, audit_log, deliverable, meeting, task_force, work_plan};
use hub_store::governance as store;

use super::context;
use super::limits;
use super::paging::{self, page_size, parse_id};
use crate::error::{ApiError, GqlResult};
use crate::governance::ROMT_ROLES;
use crate::governance::meetings::{self, MeetingChange};
use crate::governance::taskforce::{self, NewTaskForce, TaskForceUpdate};
use crate::governance::workplan::{
    self, Activity, Ctx, KpiTarget, PlanContent, PlanEvent, Snapshot,
};
use crate::state::AppState;

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

fn date_of(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

fn romt<'a>(caller: &'a crate::auth::Caller, action: &str) -> Result<&'a Principal, ApiError> {
    caller.require(ROMT_ROLES, action)
}

// ---- task forces ----

/// A member of a task force.
#[derive(SimpleObject, Debug, Clone)]
pub struct TaskForceMember {
    pub id: ID,
    pub agency: String,
    pub name: String,
    pub role: String,
    pub alternate_name: Option<String>,
    /// MEMBER_WITHOUT_ALTERNATE when there is no alternate.
    pub flags: Vec<GovernanceFlag>,
}

/// A term of a chair and co-chair.
#[derive(SimpleObject, Debug, Clone)]
pub struct ChairTerm {
    pub chair_agency: String,
    pub co_chair_agency: String,
    pub from: String,
    pub to: Option<String>,
}

/// A deliverable of a task force.
#[derive(SimpleObject, Debug, Clone)]
pub struct Deliverable {
    pub id: ID,
    pub title: String,
    pub due_date: String,
    pub status: String,
    pub progress: i32,
    /// The work-plan activity it serves.
    pub activity_code: Option<String>,
    /// DELIVERABLE_OVERDUE when past due and not done.
    pub flags: Vec<GovernanceFlag>,
}

impl From<deliverable::Model> for Deliverable {
    fn from(d: deliverable::Model) -> Self {
        let overdue = date_of(&d.due_date)
            .is_some_and(|due| rules::overdue(due, d.status == "DONE", today()));
        Self {
            id: ID::from(d.id),
            flags: if overdue {
                vec![GovernanceFlag::DeliverableOverdue]
            } else {
                vec![]
            },
            title: d.title,
            due_date: d.due_date,
            status: d.status,
            progress: d.progress,
            activity_code: d.activity_code,
        }
    }
}

/// A progress report to the RCP.
#[derive(SimpleObject, Debug, Clone)]
pub struct ProgressReport {
    pub period: String,
    pub rating: String,
    pub summary: String,
    pub reported_by: String,
    pub reported_at: DateTime<Utc>,
}

/// A time-bound ROMT task force.
#[derive(Debug, Clone)]
pub struct TaskForce(pub task_force::Model);

#[Object]
impl TaskForce {
    async fn code(&self) -> &str {
        &self.0.code
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn purpose(&self) -> &str {
        &self.0.purpose
    }
    /// Terms of reference.
    async fn tor_text(&self) -> Option<&str> {
        self.0.tor_text.as_deref()
    }
    async fn tor_approved_on(&self) -> Option<&str> {
        self.0.tor_approved_on.as_deref()
    }
    async fn chair_agency(&self) -> &str {
        &self.0.chair_agency
    }
    async fn co_chair_agency(&self) -> &str {
        &self.0.co_chair_agency
    }
    async fn start_date(&self) -> &str {
        &self.0.start_date
    }
    async fn end_date(&self) -> &str {
        &self.0.end_date
    }
    /// ACTIVE or CLOSED.
    async fn status(&self) -> &str {
        &self.0.status
    }
    /// PAST_END_DATE when past its end date and still active; MEMBER_WITHOUT_ALTERNATE and
    /// DELIVERABLE_OVERDUE when any member or deliverable has them.
    async fn flags(&self, ctx: &Context<'_>) -> GqlResult<Vec<GovernanceFlag>> {
        let (app, _) = context(ctx)?;
        let mut flags = Vec::new();
        if self.0.status == "ACTIVE" && date_of(&self.0.end_date).is_some_and(|end| end < today()) {
            flags.push(GovernanceFlag::PastEndDate);
        }
        if store::members(app.db(), self.0.id)
            .await?
            .iter()
            .any(|m| m.alternate_name.is_none())
        {
            flags.push(GovernanceFlag::MemberWithoutAlternate);
        }
        if store::deliverables(app.db(), self.0.id)
            .await?
            .into_iter()
            .map(Deliverable::from)
            .any(|d| !d.flags.is_empty())
        {
            flags.push(GovernanceFlag::DeliverableOverdue);
        }
        Ok(flags)
    }
    #[graphql(complexity = "limits::bounded(limits::size::FEW, child_complexity)")]
    /// The members, by name (tokens only: names of persons are not public).
    async fn members(&self, ctx: &Context<'_>) -> GqlResult<Vec<TaskForceMember>> {
        let (app, caller) = context(ctx)?;
        caller.require_token("task force members")?;
        Ok(store::members(app.db(), self.0.id)
            .await?
            .into_iter()
            .map(|m| TaskForceMember {
                id: ID::from(m.id),
                flags: if m.alternate_name.is_none() {
                    vec![GovernanceFlag::MemberWithoutAlternate]
                } else {
                    vec![]
                },
                agency: m.agency,
                name: m.name,
                role: m.role,
                alternate_name: m.alternate_name,
            })
            .collect())
    }
    /// Chairmanship history, oldest first.
    #[graphql(complexity = "limits::bounded(limits::size::FEW, child_complexity)")]
    async fn chair_history(&self, ctx: &Context<'_>) -> GqlResult<Vec<ChairTerm>> {
        let (app, _) = context(ctx)?;
        Ok(store::chairs(app.db(), self.0.id)
            .await?
            .into_iter()
            .map(|c| ChairTerm {
                chair_agency: c.chair_agency,
                co_chair_agency: c.co_chair_agency,
                from: c.from_date,
                to: c.to_date,
            })
            .collect())
    }
    #[graphql(complexity = "limits::bounded(limits::size::FEW, child_complexity)")]
    async fn deliverables(&self, ctx: &Context<'_>) -> GqlResult<Vec<Deliverable>> {
        let (app, _) = context(ctx)?;
        Ok(store::deliverables(app.db(), self.0.id)
            .await?
            .into_iter()
            .map(Deliverable::from)
            .collect())
    }
    #[graphql(complexity = "limits::bounded(limits::size::FEW, child_complexity)")]
    async fn progress_reports(&self, ctx: &Context<'_>) -> GqlResult<Vec<ProgressReport>> {
        let (app, _) = context(ctx)?;
        Ok(store::progress_reports(app.db(), self.0.id)
            .await?
            .into_iter()
            .map(|r| ProgressReport {
                period: r.period,
                rating: r.rating,
                summary: r.summary,
                reported_by: r.reported_by,
                reported_at: r.reported_at,
            })
            .collect())
    }
}

/// A task force to create.
#[derive(InputObject, Debug)]
pub struct TaskForceInput {
    /// e.g. `TF-PROC`.
    pub code: String,
    pub name: String,
    pub purpose: String,
    pub chair_agency: String,
    pub co_chair_agency: String,
    /// `YYYY-MM-DD`.
    pub start_date: String,
    pub end_date: String,
    pub tor_text: Option<String>,
    pub tor_approved_on: Option<String>,
}

/// Changes to a task force (absent fields stay).
#[derive(InputObject, Debug)]
pub struct TaskForceUpdateInput {
    pub name: Option<String>,
    pub purpose: Option<String>,
    pub tor_text: Option<String>,
    pub tor_approved_on: Option<String>,
    pub end_date: Option<String>,
}

/// A member to add.
#[derive(InputObject, Debug)]
pub struct TaskForceMemberInput {
    pub agency: String,
    pub name: String,
    pub role: String,
    pub alternate_name: Option<String>,
}

/// A deliverable to add.
#[derive(InputObject, Debug)]
pub struct DeliverableInput {
    pub title: String,
    pub due_date: String,
    pub activity_code: Option<String>,
}

/// A progress report to file.
#[derive(InputObject, Debug)]
pub struct ProgressReportInput {
    /// `YYYY` or `YYYY-Qn`.
    pub period: String,
    pub rating: ProgressRating,
    pub summary: String,
}

// ---- work plans ----

/// An activity's budget.
#[derive(SimpleObject, Debug, Clone)]
pub struct BudgetView {
    pub required: Decimal,
    pub available: Decimal,
    /// required − available, derived.
    pub to_be_mobilized: Decimal,
}

impl From<Budget> for BudgetView {
    fn from(b: Budget) -> Self {
        Self {
            required: b.required,
            available: b.available,
            to_be_mobilized: b.to_be_mobilized(),
        }
    }
}

/// A KPI target of an activity.
#[derive(SimpleObject, InputObject, Debug, Clone)]
#[graphql(input_name = "KpiTargetInput")]
pub struct KpiTargetView {
    pub kpi: String,
    pub target: Decimal,
}

/// An activity of a work plan.
#[derive(SimpleObject, Debug, Clone)]
#[graphql(name = "WorkPlanActivity")]
pub struct ActivityView {
    pub code: String,
    pub title: String,
    pub service_line: ServiceLine,
    pub task_force: Option<String>,
    pub lead_agency: String,
    pub participating_agencies: Vec<String>,
    pub budget: BudgetView,
    pub start_quarter: String,
    pub end_quarter: String,
    #[graphql(complexity = "limits::bounded(limits::size::FEW, child_complexity)")]
    pub kpi_targets: Vec<KpiTargetView>,
    pub status: ActivityStatus,
    pub progress: i32,
}

impl From<&Activity> for ActivityView {
    fn from(a: &Activity) -> Self {
        Self {
            code: a.code.clone(),
            title: a.title.clone(),
            service_line: a.service_line,
            task_force: a.task_force.clone(),
            lead_agency: a.lead_agency.clone(),
            participating_agencies: a.participating_agencies.clone(),
            budget: Budget {
                required: a.required,
                available: a.available,
            }
            .into(),
            start_quarter: a.start_quarter.clone(),
            end_quarter: a.end_quarter.clone(),
            kpi_targets: a
                .kpi_targets
                .iter()
                .map(|t| KpiTargetView {
                    kpi: t.kpi.clone(),
                    target: t.target,
                })
                .collect(),
            status: a.status,
            progress: a.progress,
        }
    }
}

/// Budget totals of a group of activities.
#[derive(SimpleObject, Debug, Clone)]
pub struct BudgetTotal {
    /// The service line or task force code.
    pub key: String,
    pub budget: BudgetView,
}

/// An approval by an RCP agency.
#[derive(SimpleObject, Debug, Clone)]
pub struct Approval {
    pub agency: String,
    pub actor: String,
    pub at: DateTime<Utc>,
    pub comment: Option<String>,
}

/// A step of a work plan's history.
#[derive(SimpleObject, Debug, Clone)]
pub struct WorkPlanHistoryEntry {
    pub action: String,
    /// The status after the step.
    pub status: String,
    pub actor: String,
    pub role: Option<String>,
    pub agency: Option<String>,
    pub at: DateTime<Utc>,
    pub comment: Option<String>,
    /// The version the step produced.
    pub version: i32,
}

/// A stored version of a plan.
#[derive(SimpleObject, Debug, Clone)]
pub struct WorkPlanVersion {
    pub version: i32,
    pub status: String,
    pub at: DateTime<Utc>,
    pub title: String,
    #[graphql(complexity = "limits::bounded(limits::size::COUNTRIES, child_complexity)")]
    pub activities: Vec<ActivityView>,
    pub total: BudgetView,
}

/// A field that changed.
#[derive(SimpleObject, Debug, Clone)]
pub struct FieldChange {
    pub field: String,
    pub from: String,
    pub to: String,
}

/// An activity that changed.
#[derive(SimpleObject, Debug, Clone)]
pub struct ActivityChange {
    pub code: String,
    #[graphql(complexity = "limits::bounded(limits::size::FEW, child_complexity)")]
    pub changes: Vec<FieldChange>,
}

/// How two versions differ.
#[derive(SimpleObject, Debug, Clone)]
pub struct WorkPlanDiff {
    pub from_version: i32,
    pub to_version: i32,
    pub added: Vec<String>,
    pub removed: Vec<String>,
    #[graphql(complexity = "limits::bounded(limits::size::COUNTRIES, child_complexity)")]
    pub changed: Vec<ActivityChange>,
    /// to − from of the required total.
    pub required_delta: Decimal,
    pub available_delta: Decimal,
    pub to_be_mobilized_delta: Decimal,
}

/// Reference to another plan.
#[derive(SimpleObject, Debug, Clone)]
pub struct WorkPlanRef {
    pub id: ID,
}

/// A ROMT annual work plan. `version` is the concurrency token: every change advances it.
#[derive(Debug, Clone)]
pub struct WorkPlan(pub work_plan::Model);

async fn versions_of(
    app: &AppState,
    id: i64,
) -> Result<Vec<(i32, String, DateTime<Utc>, Snapshot)>, ApiError> {
    store::versions(app.db(), id)
        .await?
        .into_iter()
        .map(|v| {
            let snapshot: Snapshot = serde_json::from_str(&v.snapshot)
                .map_err(|e| ApiError::Internal(format!("snapshot: {e}")))?;
            Ok((v.version, v.status, v.created_at, snapshot))
        })
        .collect()
}

impl WorkPlan {
    /// Whether `caller` may read this plan: any token, or anyone once the RCP approved it.
    fn readable_by(&self, caller: &crate::auth::Caller) -> bool {
        caller.principal().is_some()
            || self
                .0
                .status
                .parse::<WorkPlanStatus>()
                .is_ok_and(WorkPlanStatus::is_public)
    }
}

fn total_of(activities: &[Activity]) -> Result<Budget, ApiError> {
    Ok(workplan::totals(activities, |_| None::<String>)?.0)
}

#[Object]
impl WorkPlan {
    async fn id(&self) -> ID {
        ID::from(self.0.id)
    }
    async fn year(&self) -> i32 {
        self.0.year
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    async fn status(&self) -> GqlResult<WorkPlanStatus> {
        self.0
            .status
            .parse()
            .map_err(|e| ApiError::Internal(format!("{e}")))
    }
    /// The concurrency token every change names.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// The approved plan this one amends.
    async fn amends(&self) -> Option<WorkPlanRef> {
        self.0.amends.map(|id| WorkPlanRef { id: ID::from(id) })
    }
    #[graphql(complexity = "limits::bounded(limits::size::COUNTRIES, child_complexity)")]
    async fn activities(&self, ctx: &Context<'_>) -> GqlResult<Vec<ActivityView>> {
        let (app, _) = context(ctx)?;
        Ok(workplan::content(app.db(), &self.0)
            .await?
            .activities
            .iter()
            .map(ActivityView::from)
            .collect())
    }
    async fn total_required(&self, ctx: &Context<'_>) -> GqlResult<Decimal> {
        let (app, _) = context(ctx)?;
        Ok(total_of(&workplan::content(app.db(), &self.0).await?.activities)?.required)
    }
    async fn total_available(&self, ctx: &Context<'_>) -> GqlResult<Decimal> {
        let (app, _) = context(ctx)?;
        Ok(total_of(&workplan::content(app.db(), &self.0).await?.activities)?.available)
    }
    async fn total_to_be_mobilized(&self, ctx: &Context<'_>) -> GqlResult<Decimal> {
        let (app, _) = context(ctx)?;
        Ok(total_of(&workplan::content(app.db(), &self.0).await?.activities)?.to_be_mobilized())
    }
    #[graphql(complexity = "limits::bounded(limits::size::FEW, child_complexity)")]
    async fn totals_by_service_line(&self, ctx: &Context<'_>) -> GqlResult<Vec<BudgetTotal>> {
        let (app, _) = context(ctx)?;
        let content = workplan::content(app.db(), &self.0).await?;
        let (_, by) = workplan::totals(&content.activities, |a| Some(a.service_line.to_string()))?;
        Ok(by
            .into_iter()
            .map(|(key, b)| BudgetTotal {
                key,
                budget: b.into(),
            })
            .collect())
    }
    #[graphql(complexity = "limits::bounded(limits::size::FEW, child_complexity)")]
    async fn totals_by_task_force(&self, ctx: &Context<'_>) -> GqlResult<Vec<BudgetTotal>> {
        let (app, _) = context(ctx)?;
        let content = workplan::content(app.db(), &self.0).await?;
        let (_, by) = workplan::totals(&content.activities, |a| a.task_force.clone())?;
        Ok(by
            .into_iter()
            .map(|(key, b)| BudgetTotal {
                key,
                budget: b.into(),
            })
            .collect())
    }
    /// Distinct RCP agencies needed to approve it.
    async fn approvals_required(&self, ctx: &Context<'_>) -> GqlResult<i32> {
        let (app, _) = context(ctx)?;
        Ok(i32::try_from(app.config().workplan_approvals_required).unwrap_or(1))
    }
    /// Approvals of the current submission (a return clears them).
    #[graphql(complexity = "limits::bounded(limits::size::FEW, child_complexity)")]
    async fn approvals(&self, ctx: &Context<'_>) -> GqlResult<Vec<Approval>> {
        let (app, _) = context(ctx)?;
        Ok(store::approvals(app.db(), self.0.id)
            .await?
            .into_iter()
            .filter(|a| a.active)
            .map(|a| Approval {
                agency: a.agency,
                actor: a.actor,
                at: a.at,
                comment: a.comment,
            })
            .collect())
    }
    /// Every step, oldest first: who did what, for which agency, when, why.
    #[graphql(complexity = "limits::bounded(limits::size::COUNTRIES, child_complexity)")]
    async fn history(&self, ctx: &Context<'_>) -> GqlResult<Vec<WorkPlanHistoryEntry>> {
        let (app, caller) = context(ctx)?;
        caller.require_token("a plan's history and its actors")?;
        Ok(store::events(app.db(), self.0.id)
            .await?
            .into_iter()
            .map(|e| WorkPlanHistoryEntry {
                action: e.action,
                status: e.status,
                actor: e.actor,
                role: e.role,
                agency: e.agency,
                at: e.at,
                comment: e.comment,
                version: e.version,
            })
            .collect())
    }
    /// Every version with its content as it was.
    #[graphql(complexity = "limits::bounded(limits::size::FEW, child_complexity)")]
    async fn versions(&self, ctx: &Context<'_>) -> GqlResult<Vec<WorkPlanVersion>> {
        let (app, caller) = context(ctx)?;
        caller.require_token("a plan's earlier versions")?;
        versions_of(app, self.0.id)
            .await?
            .into_iter()
            .map(|(version, status, at, s)| {
                Ok(WorkPlanVersion {
                    version,
                    status,
                    at,
                    title: s.content.title.clone(),
                    total: total_of(&s.content.activities)?.into(),
                    activities: s
                        .content
                        .activities
                        .iter()
                        .map(ActivityView::from)
                        .collect(),
                })
            })
            .collect()
    }
    /// What changed from one version to another.
    async fn diff(&self, ctx: &Context<'_>, from: i32, to: i32) -> GqlResult<WorkPlanDiff> {
        let (app, caller) = context(ctx)?;
        caller.require_token("comparisons of a plan's versions")?;
        let versions = versions_of(app, self.0.id).await?;
        let find = |field: &str, n: i32| {
            versions
                .iter()
                .find(|(v, ..)| *v == n)
                .map(|(.., s)| s.content.clone())
                .ok_or_else(|| {
                    ApiError::invalid(field, format!("work plan {} has no version {n}", self.0.id))
                })
        };
        let as_map =
            |content: &PlanContent| -> BTreeMap<String, (BTreeMap<String, String>, Budget)> {
                content
                    .activities
                    .iter()
                    .map(|a| {
                        (
                            a.code.clone(),
                            (
                                workplan::fields(a),
                                Budget {
                                    required: a.required,
                                    available: a.available,
                                },
                            ),
                        )
                    })
                    .collect()
            };
        let diff = rules::diff(&as_map(&find("from", from)?), &as_map(&find("to", to)?))
            .map_err(|e| ApiError::invalid("to", e))?;
        Ok(WorkPlanDiff {
            from_version: from,
            to_version: to,
            added: diff.added,
            removed: diff.removed,
            changed: diff
                .changed
                .into_iter()
                .map(|(code, changes)| ActivityChange {
                    code,
                    changes: changes
                        .into_iter()
                        .map(|c| FieldChange {
                            field: c.field,
                            from: c.from,
                            to: c.to,
                        })
                        .collect(),
                })
                .collect(),
            required_delta: diff.budget_delta.required,
            available_delta: diff.budget_delta.available,
            to_be_mobilized_delta: diff
                .budget_delta
                .required
                .checked_sub(diff.budget_delta.available)
                .ok_or_else(|| ApiError::invalid("to", BudgetError::TotalOverflow))?,
        })
    }
}

/// An activity as entered.
#[derive(InputObject, Debug)]
pub struct ActivityInput {
    pub code: String,
    pub title: String,
    pub service_line: ServiceLine,
    pub task_force: Option<String>,
    pub lead_agency: String,
    #[graphql(default)]
    pub participating_agencies: Vec<String>,
    /// Budget required (USD).
    pub required: Decimal,
    /// Budget available (USD); the gap to mobilize is derived.
    pub available: Decimal,
    /// `YYYY-Qn` of the plan's year.
    pub start_quarter: String,
    pub end_quarter: String,
    #[graphql(default)]
    pub kpi_targets: Vec<KpiTargetView>,
    #[graphql(default_with = "ActivityStatus::Planned")]
    pub status: ActivityStatus,
    #[graphql(default)]
    pub progress: i32,
}

/// A plan's content.
#[derive(InputObject, Debug)]
pub struct WorkPlanInput {
    pub year: i32,
    pub title: String,
    pub activities: Vec<ActivityInput>,
}

impl From<WorkPlanInput> for PlanContent {
    fn from(input: WorkPlanInput) -> Self {
        PlanContent {
            year: input.year,
            title: input.title,
            activities: input
                .activities
                .into_iter()
                .map(|a| Activity {
                    code: a.code,
                    title: a.title,
                    service_line: a.service_line,
                    task_force: a.task_force,
                    lead_agency: a.lead_agency,
                    participating_agencies: a.participating_agencies,
                    required: a.required,
                    available: a.available,
                    start_quarter: a.start_quarter,
                    end_quarter: a.end_quarter,
                    kpi_targets: a
                        .kpi_targets
                        .into_iter()
                        .map(|t| KpiTarget {
                            kpi: t.kpi,
                            target: t.target,
                        })
                        .collect(),
                    status: a.status,
                    progress: a.progress,
                })
                .collect(),
        }
    }
}

// ---- meetings ----

/// An action item of a meeting.
#[derive(SimpleObject, Debug, Clone)]
pub struct ActionItem {
    pub id: ID,
    pub meeting_id: ID,
    pub description: String,
    pub responsible_agency: String,
    /// The person responsible; null without a token (names of persons are not public).
    pub responsible_person: Option<String>,
    pub deadline: String,
    pub status: String,
    pub completed_at: Option<DateTime<Utc>>,
    /// OVERDUE when past its deadline and not done.
    pub flags: Vec<GovernanceFlag>,
}

impl From<action_item::Model> for ActionItem {
    fn from(a: action_item::Model) -> Self {
        let late =
            date_of(&a.deadline).is_some_and(|d| rules::overdue(d, a.status == "DONE", today()));
        Self {
            id: ID::from(a.id),
            meeting_id: ID::from(a.meeting_id),
            flags: if late {
                vec![GovernanceFlag::Overdue]
            } else {
                vec![]
            },
            description: a.description,
            responsible_agency: a.responsible_agency,
            responsible_person: Some(a.responsible_person),
            deadline: a.deadline,
            status: a.status,
            completed_at: a.completed_at,
        }
    }
}

impl ActionItem {
    /// The item as `caller` may see it: without a token, the responsible person is left out.
    fn seen_by(mut self, caller: &crate::auth::Caller) -> Self {
        if caller.principal().is_none() {
            self.responsible_person = None;
        }
        self
    }
}

fn list(text: &str) -> Vec<String> {
    serde_json::from_str(text).unwrap_or_default()
}

/// A ROMT or RCP meeting.
#[derive(Debug, Clone)]
pub struct Meeting(pub meeting::Model);

#[Object]
impl Meeting {
    async fn id(&self) -> ID {
        ID::from(self.0.id)
    }
    /// ROMT or RCP.
    async fn body(&self) -> &str {
        &self.0.body
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    async fn date(&self) -> &str {
        &self.0.date
    }
    async fn member_agencies(&self) -> Vec<String> {
        self.0
            .member_agencies
            .split(';')
            .filter(|a| !a.is_empty())
            .map(str::to_owned)
            .collect()
    }
    async fn agenda(&self) -> Vec<String> {
        list(&self.0.agenda)
    }
    async fn agenda_sent_at(&self) -> Option<DateTime<Utc>> {
        self.0.agenda_sent_at
    }
    /// Agencies present; null until recorded.
    async fn attendance(&self) -> Option<Vec<String>> {
        self.0.attendance.as_ref().map(|a| {
            a.split(';')
                .filter(|a| !a.is_empty())
                .map(str::to_owned)
                .collect()
        })
    }
    /// Whether more than half of the member agencies attended (null until recorded).
    async fn quorum(&self) -> Option<bool> {
        self.quorum_known()
    }
    async fn minutes_circulated_at(&self) -> Option<DateTime<Utc>> {
        self.0.minutes_circulated_at
    }
    async fn minutes_finalized_at(&self) -> Option<DateTime<Utc>> {
        self.0.minutes_finalized_at
    }
    async fn decisions(&self) -> Vec<String> {
        list(&self.0.decisions)
    }
    /// AGENDA_LATE, NO_QUORUM, MINUTES_OVERDUE.
    async fn flags(&self) -> Vec<GovernanceFlag> {
        let Some(date) = date_of(&self.0.date) else {
            return vec![];
        };
        let today = today();
        let mut flags = Vec::new();
        let sent = self.0.agenda_sent_at.map(|t| t.date_naive());
        if (sent.is_some() || date >= today) && rules::agenda_late(sent, date, today) {
            flags.push(GovernanceFlag::AgendaLate);
        }
        if self.quorum_known() == Some(false) {
            flags.push(GovernanceFlag::NoQuorum);
        }
        if date <= today
            && rules::minutes_overdue(
                date,
                self.0.minutes_circulated_at.map(|t| t.date_naive()),
                today,
            )
        {
            flags.push(GovernanceFlag::MinutesOverdue);
        }
        flags
    }
    #[graphql(complexity = "limits::bounded(limits::size::FEW, child_complexity)")]
    async fn action_items(&self, ctx: &Context<'_>) -> GqlResult<Vec<ActionItem>> {
        let (app, caller) = context(ctx)?;
        Ok(store::action_items(app.db(), Some(self.0.id))
            .await?
            .into_iter()
            .map(|item| ActionItem::from(item).seen_by(caller))
            .collect())
    }
}

impl Meeting {
    fn quorum_known(&self) -> Option<bool> {
        let members = self
            .0
            .member_agencies
            .split(';')
            .filter(|a| !a.is_empty())
            .count();
        self.0
            .attendance
            .as_ref()
            .map(|a| rules::has_quorum(a.split(';').filter(|a| !a.is_empty()).count(), members))
    }
}

/// A meeting to schedule.
#[derive(InputObject, Debug)]
pub struct MeetingInput {
    pub body: MeetingBody,
    /// `YYYY-MM-DD`.
    pub date: String,
    pub title: String,
    pub member_agencies: Vec<String>,
}

/// An action item to add.
#[derive(InputObject, Debug)]
pub struct ActionItemInput {
    pub description: String,
    pub responsible_agency: String,
    pub responsible_person: String,
    /// `YYYY-MM-DD`.
    pub deadline: String,
}

// ---- audit log ----

/// One audit entry.
#[derive(SimpleObject, Debug, Clone)]
pub struct AuditEntry {
    pub id: ID,
    pub at: DateTime<Utc>,
    /// Token label, or `system:JOB`.
    pub actor: String,
    pub role: Option<String>,
    pub agency: Option<String>,
    pub country: Option<String>,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    pub before_digest: Option<String>,
    pub after_digest: Option<String>,
    pub request_id: Option<String>,
    pub summary: Option<String>,
}

impl From<audit_log::Model> for AuditEntry {
    fn from(a: audit_log::Model) -> Self {
        Self {
            id: ID::from(a.id),
            at: a.at,
            actor: a.actor,
            role: a.actor_role,
            agency: a.actor_agency,
            country: a.actor_country,
            action: a.action,
            entity_type: a.entity_type,
            entity_id: a.entity_id,
            before_digest: a.before_digest,
            after_digest: a.after_digest,
            request_id: a.request_id,
            summary: a.summary,
        }
    }
}

// ---- roots ----

#[derive(Default, Debug)]
pub struct GovernanceQuery;

#[Object]
impl GovernanceQuery {
    /// Every task force, by code.
    #[graphql(complexity = "limits::bounded(limits::size::FEW, child_complexity)")]
    async fn task_forces(&self, ctx: &Context<'_>) -> GqlResult<Vec<TaskForce>> {
        let (app, _) = context(ctx)?;
        Ok(store::task_forces(app.db())
            .await?
            .into_iter()
            .map(TaskForce)
            .collect())
    }
    async fn task_force(&self, ctx: &Context<'_>, code: String) -> GqlResult<Option<TaskForce>> {
        let (app, _) = context(ctx)?;
        Ok(store::task_force(app.db(), &code).await?.map(TaskForce))
    }
    /// Work plans, newest year first; without a token, only approved ones.
    #[graphql(complexity = "limits::bounded(limits::size::FEW, child_complexity)")]
    async fn work_plans(&self, ctx: &Context<'_>, year: Option<i32>) -> GqlResult<Vec<WorkPlan>> {
        let (app, caller) = context(ctx)?;
        Ok(store::work_plans(app.db(), year)
            .await?
            .into_iter()
            .map(WorkPlan)
            .filter(|plan| plan.readable_by(caller))
            .collect())
    }
    /// A work plan; without a token, only an approved one.
    async fn work_plan(&self, ctx: &Context<'_>, id: ID) -> GqlResult<Option<WorkPlan>> {
        let (app, caller) = context(ctx)?;
        Ok(store::work_plan(app.db(), parse_id("id", &id)?, false)
            .await?
            .map(WorkPlan)
            .filter(|plan| plan.readable_by(caller)))
    }
    /// Meetings, newest first.
    #[graphql(complexity = "limits::bounded(limits::size::MANY, child_complexity)")]
    async fn meetings(&self, ctx: &Context<'_>) -> GqlResult<Vec<Meeting>> {
        let (app, _) = context(ctx)?;
        Ok(store::meetings(app.db())
            .await?
            .into_iter()
            .map(Meeting)
            .collect())
    }
    /// Action items of every meeting, by deadline; only overdue ones with `overdueOnly`.
    #[graphql(complexity = "limits::bounded(limits::size::MANY, child_complexity)")]
    async fn action_items(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = false)] overdue_only: bool,
    ) -> GqlResult<Vec<ActionItem>> {
        let (app, caller) = context(ctx)?;
        Ok(store::action_items(app.db(), None)
            .await?
            .into_iter()
            .map(|item| ActionItem::from(item).seen_by(caller))
            .filter(|a| !overdue_only || a.flags.contains(&GovernanceFlag::Overdue))
            .collect())
    }
    /// The append-only audit log, newest first (ADMIN and RCP).
    #[graphql(complexity = "limits::page(first, child_complexity)")]
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        entity_type: Option<String>,
        entity_id: Option<String>,
        #[graphql(default = 50)] first: i32,
        after: Option<String>,
    ) -> GqlResult<Connection<String, AuditEntry>> {
        let (app, caller) = context(ctx)?;
        caller.require(&[Role::Admin, Role::Rcp], "reading the audit log")?;
        let before = after
            .as_deref()
            .map(|c| paging::decode("audit", c))
            .transpose()?;
        let (rows, more) = hub_store::audit::list(
            app.db(),
            entity_type.as_deref(),
            entity_id.as_deref(),
            before,
            page_size(first)?,
        )
        .await?;
        Ok(paging::connection(
            "audit",
            rows,
            more,
            before,
            |r| r.id,
            AuditEntry::from,
        ))
    }
}

#[derive(Default, Debug)]
pub struct GovernanceMutation;

fn publish(app: &AppState, events: Vec<PlanEvent>) {
    for event in events {
        app.publish_plan_event(event);
    }
}

fn plan_ctx<'a>(app: &'a AppState, principal: &'a Principal) -> Ctx<'a> {
    Ctx {
        db: app.db(),
        principal,
        approvals_required: app.config().workplan_approvals_required,
    }
}

async fn load_plan(app: &AppState, id: i64) -> Result<WorkPlan, ApiError> {
    store::work_plan(app.db(), id, false)
        .await?
        .map(WorkPlan)
        .ok_or_else(|| ApiError::NotFound(format!("no work plan {id}")))
}

/// Applies one change to a meeting on behalf of a ROMT caller.
async fn change_meeting(ctx: &Context<'_>, id: &ID, change: MeetingChange) -> GqlResult<Meeting> {
    let (app, caller) = context(ctx)?;
    let p = romt(caller, "changing meetings")?;
    let meeting = meetings::change(app.db(), p, parse_id("id", id)?, change).await?;
    Ok(Meeting(meeting))
}

#[Object]
impl GovernanceMutation {
    /// Creates a task force (ROMT).
    async fn create_task_force(
        &self,
        ctx: &Context<'_>,
        input: TaskForceInput,
    ) -> GqlResult<TaskForce> {
        let (app, caller) = context(ctx)?;
        let p = romt(caller, "creating task forces")?;
        let row = taskforce::create(
            app.db(),
            p,
            NewTaskForce {
                code: input.code,
                name: input.name,
                purpose: input.purpose,
                chair_agency: input.chair_agency,
                co_chair_agency: input.co_chair_agency,
                start_date: input.start_date,
                end_date: input.end_date,
                tor_text: input.tor_text,
                tor_approved_on: input.tor_approved_on,
            },
        )
        .await?;
        Ok(TaskForce(row))
    }
    /// Changes a task force's description, terms of reference or end date (ROMT).
    async fn update_task_force(
        &self,
        ctx: &Context<'_>,
        code: String,
        input: TaskForceUpdateInput,
    ) -> GqlResult<TaskForce> {
        let (app, caller) = context(ctx)?;
        let p = romt(caller, "changing task forces")?;
        let row = taskforce::update(
            app.db(),
            p,
            &code,
            TaskForceUpdate {
                name: input.name,
                purpose: input.purpose,
                tor_text: input.tor_text,
                tor_approved_on: input.tor_approved_on,
                end_date: input.end_date,
            },
        )
        .await?;
        Ok(TaskForce(row))
    }
    /// Closes a task force (ROMT).
    async fn close_task_force(&self, ctx: &Context<'_>, code: String) -> GqlResult<TaskForce> {
        let (app, caller) = context(ctx)?;
        let p = romt(caller, "closing task forces")?;
        Ok(TaskForce(taskforce::close(app.db(), p, &code).await?))
    }
    /// Hands the chair and co-chair to other agencies from a date (ROMT).
    async fn rotate_task_force_chair(
        &self,
        ctx: &Context<'_>,
        code: String,
        chair_agency: String,
        co_chair_agency: String,
        from: String,
    ) -> GqlResult<TaskForce> {
        let (app, caller) = context(ctx)?;
        let p = romt(caller, "rotating chairs")?;
        Ok(TaskForce(
            taskforce::rotate_chair(app.db(), p, &code, &chair_agency, &co_chair_agency, &from)
                .await?,
        ))
    }
    /// Adds a member (ROMT).
    async fn add_task_force_member(
        &self,
        ctx: &Context<'_>,
        code: String,
        input: TaskForceMemberInput,
    ) -> GqlResult<TaskForce> {
        let (app, caller) = context(ctx)?;
        let p = romt(caller, "changing task forces")?;
        Ok(TaskForce(
            taskforce::add_member(
                app.db(),
                p,
                &code,
                &input.agency,
                &input.name,
                &input.role,
                input.alternate_name,
            )
            .await?,
        ))
    }
    /// Adds a deliverable (ROMT).
    async fn add_deliverable(
        &self,
        ctx: &Context<'_>,
        code: String,
        input: DeliverableInput,
    ) -> GqlResult<Deliverable> {
        let (app, caller) = context(ctx)?;
        let p = romt(caller, "changing task forces")?;
        Ok(taskforce::add_deliverable(
            app.db(),
            p,
            &code,
            &input.title,
            &input.due_date,
            input.activity_code,
        )
        .await?
        .into())
    }
    /// Updates a deliverable's status and progress (ROMT).
    async fn update_deliverable(
        &self,
        ctx: &Context<'_>,
        id: ID,
        status: DeliverableStatus,
        #[graphql(default)] progress: i32,
    ) -> GqlResult<Deliverable> {
        let (app, caller) = context(ctx)?;
        let p = romt(caller, "changing task forces")?;
        Ok(
            taskforce::update_deliverable(app.db(), p, parse_id("id", &id)?, status, progress)
                .await?
                .into(),
        )
    }
    /// Files a progress report to the RCP (ROMT).
    async fn add_progress_report(
        &self,
        ctx: &Context<'_>,
        code: String,
        input: ProgressReportInput,
    ) -> GqlResult<TaskForce> {
        let (app, caller) = context(ctx)?;
        let p = romt(caller, "reporting progress")?;
        taskforce::add_progress_report(
            app.db(),
            p,
            &code,
            &input.period,
            input.rating,
            &input.summary,
        )
        .await?;
        let row = store::task_force(app.db(), &code)
            .await?
            .ok_or_else(|| ApiError::NotFound(format!("no task force {code}")))?;
        Ok(TaskForce(row))
    }

    /// Drafts a work plan (ROMT).
    async fn create_work_plan(
        &self,
        ctx: &Context<'_>,
        input: WorkPlanInput,
    ) -> GqlResult<WorkPlan> {
        let (app, caller) = context(ctx)?;
        let p = romt(caller, "drafting work plans")?;
        let (id, events) = workplan::create(plan_ctx(app, p), input.into()).await?;
        publish(app, events);
        load_plan(app, id).await
    }
    /// Replaces the content of a draft or returned plan (ROMT).
    async fn update_work_plan(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: i32,
        input: WorkPlanInput,
    ) -> GqlResult<WorkPlan> {
        let (app, caller) = context(ctx)?;
        let p = romt(caller, "editing work plans")?;
        let id = parse_id("id", &id)?;
        publish(
            app,
            workplan::update(plan_ctx(app, p), id, expected_version, input.into()).await?,
        );
        load_plan(app, id).await
    }
    /// Submits a plan to the RCP; the version is frozen (ROMT).
    async fn submit_work_plan(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: i32,
    ) -> GqlResult<WorkPlan> {
        let (app, caller) = context(ctx)?;
        let p = romt(caller, "submitting work plans")?;
        let id = parse_id("id", &id)?;
        publish(
            app,
            workplan::submit(plan_ctx(app, p), id, expected_version).await?,
        );
        load_plan(app, id).await
    }
    /// Approves a submitted plan for the caller's agency (RCP).
    async fn approve_work_plan(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: i32,
        comment: Option<String>,
    ) -> GqlResult<WorkPlan> {
        let (app, caller) = context(ctx)?;
        let p = caller.require(&[Role::Rcp], "approving work plans")?;
        let id = parse_id("id", &id)?;
        publish(
            app,
            workplan::approve(plan_ctx(app, p), id, expected_version, comment.as_deref()).await?,
        );
        load_plan(app, id).await
    }
    /// Returns a submitted plan to the ROMT with a comment (RCP).
    async fn return_work_plan(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: i32,
        comment: String,
    ) -> GqlResult<WorkPlan> {
        let (app, caller) = context(ctx)?;
        let p = caller.require(&[Role::Rcp], "returning work plans")?;
        let id = parse_id("id", &id)?;
        publish(
            app,
            workplan::send_back(plan_ctx(app, p), id, expected_version, &comment).await?,
        );
        load_plan(app, id).await
    }
    /// Starts an amendment of an approved plan: a new draft whose `amends` is this one (ROMT).
    async fn amend_work_plan(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: i32,
    ) -> GqlResult<WorkPlan> {
        let (app, caller) = context(ctx)?;
        let p = romt(caller, "amending work plans")?;
        let (new_id, events) =
            workplan::amend(plan_ctx(app, p), parse_id("id", &id)?, expected_version).await?;
        publish(app, events);
        load_plan(app, new_id).await
    }

    /// Schedules a ROMT or RCP meeting (ROMT).
    async fn schedule_meeting(&self, ctx: &Context<'_>, input: MeetingInput) -> GqlResult<Meeting> {
        let (app, caller) = context(ctx)?;
        let p = romt(caller, "scheduling meetings")?;
        Ok(Meeting(
            meetings::schedule(
                app.db(),
                p,
                input.body,
                &input.date,
                &input.title,
                &input.member_agencies,
            )
            .await?,
        ))
    }
    /// Records the agenda and when it was sent (ROMT).
    async fn set_meeting_agenda(
        &self,
        ctx: &Context<'_>,
        id: ID,
        items: Vec<String>,
        sent_at: DateTime<Utc>,
    ) -> GqlResult<Meeting> {
        change_meeting(ctx, &id, MeetingChange::Agenda { items, sent_at }).await
    }
    /// Records which member agencies attended (ROMT).
    async fn record_attendance(
        &self,
        ctx: &Context<'_>,
        id: ID,
        agencies: Vec<String>,
    ) -> GqlResult<Meeting> {
        change_meeting(ctx, &id, MeetingChange::Attendance { agencies }).await
    }
    /// Records the minutes: when circulated and finalized, and the decisions (ROMT).
    async fn record_minutes(
        &self,
        ctx: &Context<'_>,
        id: ID,
        circulated_at: DateTime<Utc>,
        finalized_at: Option<DateTime<Utc>>,
        #[graphql(default)] decisions: Vec<String>,
    ) -> GqlResult<Meeting> {
        let minutes = MeetingChange::Minutes {
            circulated_at,
            finalized_at,
            decisions,
        };
        change_meeting(ctx, &id, minutes).await
    }
    /// Adds an action item to a meeting (ROMT).
    async fn add_action_item(
        &self,
        ctx: &Context<'_>,
        meeting_id: ID,
        input: ActionItemInput,
    ) -> GqlResult<ActionItem> {
        let (app, caller) = context(ctx)?;
        let p = romt(caller, "adding action items")?;
        Ok(meetings::add_action_item(
            app.db(),
            p,
            parse_id("meetingId", &meeting_id)?,
            &input.description,
            &input.responsible_agency,
            &input.responsible_person,
            &input.deadline,
        )
        .await?
        .into())
    }
    /// Marks an action item open or done (ROMT).
    async fn update_action_item(
        &self,
        ctx: &Context<'_>,
        id: ID,
        status: ActionStatus,
    ) -> GqlResult<ActionItem> {
        let (app, caller) = context(ctx)?;
        let p = romt(caller, "changing action items")?;
        Ok(
            meetings::set_action_status(app.db(), p, parse_id("id", &id)?, status)
                .await?
                .into(),
        )
    }
}

/// A change to a work plan, as subscribers see it.
#[derive(SimpleObject, Debug, Clone)]
pub struct WorkPlanEvent {
    pub work_plan_id: ID,
    pub year: i32,
    pub action: WorkPlanAction,
    pub status: WorkPlanStatus,
    pub version: i32,
    pub actor: String,
    pub agency: Option<String>,
    pub comment: Option<String>,
    pub at: DateTime<Utc>,
}

impl From<PlanEvent> for WorkPlanEvent {
    fn from(e: PlanEvent) -> Self {
        Self {
            work_plan_id: ID::from(e.work_plan_id),
            year: e.year,
            action: e.action,
            status: e.status,
            version: e.version,
            actor: e.actor,
            agency: e.agency,
            comment: e.comment,
            at: e.at,
        }
    }
}
