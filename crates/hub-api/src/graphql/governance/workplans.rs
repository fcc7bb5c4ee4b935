//! The ROMT annual work plan: drafts, submission to the RCP, approvals and returns,
//! amendments, with every version and step kept. A list of plans loads what its selection
//! names in a fixed number of queries.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use hub_app::governance::PlanEvent;
use hub_app::governance::workplans::{ActivityInput, PlanInput, PlanParts, WorkPlanDetails};
use hub_domain::Decimal;
use hub_domain::access::Role;
use hub_domain::catalogue::ServiceLine;
use hub_domain::governance::{
    Activity, ActivityStatus, Budget, BudgetError, KpiTarget, PlanDiff, WorkPlanAction,
    WorkPlanStatus,
};

use super::super::context;
use super::super::limits;
use super::super::paging::parse_id;
use crate::error::{ApiError, GqlResult};

/// An activity's budget.
#[derive(SimpleObject, Debug, Clone)]
#[graphql(name = "BudgetView")]
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
#[derive(Debug, Clone)]
pub struct ActivityView(pub Activity);

/// An activity of a work plan.
#[Object(name = "WorkPlanActivity")]
impl ActivityView {
    async fn code(&self) -> &str {
        &self.0.code
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    async fn service_line(&self) -> ServiceLine {
        self.0.service_line
    }
    async fn task_force(&self) -> Option<&str> {
        self.0.task_force.as_deref()
    }
    async fn lead_agency(&self) -> &str {
        &self.0.lead_agency
    }
    async fn participating_agencies(&self) -> &[String] {
        &self.0.participating_agencies
    }
    async fn budget(&self) -> BudgetView {
        self.0.budget().into()
    }
    /// `YYYY-Qn`.
    async fn start_quarter(&self) -> String {
        self.0.start_quarter.to_string()
    }
    async fn end_quarter(&self) -> String {
        self.0.end_quarter.to_string()
    }
    #[graphql(complexity = "limits::bounded(limits::size::FEW, child_complexity)")]
    async fn kpi_targets(&self) -> Vec<KpiTargetView> {
        self.0
            .kpi_targets
            .iter()
            .map(|t| KpiTargetView {
                kpi: t.kpi.clone(),
                target: t.target,
            })
            .collect()
    }
    async fn status(&self) -> ActivityStatus {
        self.0.status
    }
    async fn progress(&self) -> i32 {
        self.0.progress
    }
}

fn activities(list: &[Activity]) -> Vec<ActivityView> {
    list.iter().cloned().map(ActivityView).collect()
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
    pub action: WorkPlanAction,
    /// The status after the step.
    pub status: WorkPlanStatus,
    pub actor: String,
    pub role: Option<Role>,
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
    pub status: WorkPlanStatus,
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

impl WorkPlanDiff {
    fn new(from: i32, to: i32, diff: PlanDiff) -> Result<Self, ApiError> {
        Ok(Self {
            from_version: from,
            to_version: to,
            to_be_mobilized_delta: diff
                .budget_delta
                .required
                .checked_sub(diff.budget_delta.available)
                .ok_or_else(|| ApiError::invalid("to", BudgetError::TotalOverflow))?,
            required_delta: diff.budget_delta.required,
            available_delta: diff.budget_delta.available,
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
        })
    }
}

/// Reference to another plan.
#[derive(SimpleObject, Debug, Clone)]
pub struct WorkPlanRef {
    pub id: ID,
}

/// A ROMT annual work plan. `version` is the concurrency token: every change advances it.
#[derive(Debug, Clone)]
pub struct WorkPlanView(pub WorkPlanDetails);

fn totals(details: &WorkPlanDetails, task_force: bool) -> GqlResult<Vec<BudgetTotal>> {
    Ok(details
        .totals_by(task_force)?
        .into_iter()
        .map(|(key, b)| BudgetTotal {
            key,
            budget: b.into(),
        })
        .collect())
}

#[Object(name = "WorkPlan")]
impl WorkPlanView {
    async fn id(&self) -> ID {
        ID::from(self.0.plan.id)
    }
    async fn year(&self) -> i32 {
        self.0.plan.year
    }
    async fn title(&self) -> &str {
        &self.0.plan.title
    }
    async fn status(&self) -> WorkPlanStatus {
        self.0.plan.status
    }
    /// The concurrency token every change names.
    async fn version(&self) -> i32 {
        self.0.plan.version
    }
    /// The approved plan this one amends.
    async fn amends(&self) -> Option<WorkPlanRef> {
        self.0
            .plan
            .amends
            .map(|id| WorkPlanRef { id: ID::from(id) })
    }
    #[graphql(complexity = "limits::bounded(limits::size::COUNTRIES, child_complexity)")]
    async fn activities(&self) -> Vec<ActivityView> {
        activities(&self.0.content.activities)
    }
    async fn total_required(&self) -> GqlResult<Decimal> {
        Ok(self.0.total()?.required)
    }
    async fn total_available(&self) -> GqlResult<Decimal> {
        Ok(self.0.total()?.available)
    }
    async fn total_to_be_mobilized(&self) -> GqlResult<Decimal> {
        Ok(self.0.total()?.to_be_mobilized())
    }
    #[graphql(complexity = "limits::bounded(limits::size::FEW, child_complexity)")]
    async fn totals_by_service_line(&self) -> GqlResult<Vec<BudgetTotal>> {
        totals(&self.0, false)
    }
    #[graphql(complexity = "limits::bounded(limits::size::FEW, child_complexity)")]
    async fn totals_by_task_force(&self) -> GqlResult<Vec<BudgetTotal>> {
        totals(&self.0, true)
    }
    /// Distinct RCP agencies needed to approve it.
    async fn approvals_required(&self) -> i32 {
        i32::try_from(self.0.approvals_required).unwrap_or(i32::MAX)
    }
    /// Approvals of the current submission (a return clears them).
    #[graphql(complexity = "limits::bounded(limits::size::FEW, child_complexity)")]
    async fn approvals(&self) -> Vec<Approval> {
        self.0
            .approvals()
            .map(|a| Approval {
                agency: a.agency.clone(),
                actor: a.actor.clone(),
                at: a.at,
                comment: a.comment.clone(),
            })
            .collect()
    }
    /// Every step, oldest first: who did what, for which agency, when, why (tokens only).
    #[graphql(complexity = "limits::bounded(limits::size::COUNTRIES, child_complexity)")]
    async fn history(&self) -> GqlResult<Vec<WorkPlanHistoryEntry>> {
        Ok(self
            .0
            .history()?
            .iter()
            .map(|e| WorkPlanHistoryEntry {
                action: e.action,
                status: e.status,
                actor: e.actor.clone(),
                role: e.role,
                agency: e.agency.clone(),
                at: e.at,
                comment: e.comment.clone(),
                version: e.version,
            })
            .collect())
    }
    /// Every version with its content as it was (tokens only).
    #[graphql(complexity = "limits::bounded(limits::size::FEW, child_complexity)")]
    async fn versions(&self) -> GqlResult<Vec<WorkPlanVersion>> {
        self.0
            .versions()?
            .iter()
            .map(|v| {
                let total = v
                    .content
                    .total()
                    .map_err(|e| ApiError::invalid("activities", e))?;
                Ok(WorkPlanVersion {
                    version: v.version,
                    status: v.status,
                    at: v.at,
                    title: v.content.title.clone(),
                    total: total.into(),
                    activities: activities(&v.content.activities),
                })
            })
            .collect()
    }
    /// What changed from one version to another (tokens only).
    async fn diff(&self, from: i32, to: i32) -> GqlResult<WorkPlanDiff> {
        WorkPlanDiff::new(from, to, self.0.diff(from, to)?)
    }
}

/// An activity as entered.
#[derive(InputObject, Debug)]
#[graphql(name = "ActivityInput")]
pub struct ActivityInputView {
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
    pub activities: Vec<ActivityInputView>,
}

impl From<WorkPlanInput> for PlanInput {
    fn from(input: WorkPlanInput) -> Self {
        PlanInput {
            year: input.year,
            title: input.title,
            activities: input
                .activities
                .into_iter()
                .map(|a| ActivityInput {
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

/// The parts of plans that `selection` (a `WorkPlan` field's selection) names.
fn parts_of(selection: async_graphql::Lookahead<'_>) -> PlanParts {
    PlanParts {
        history: selection.field("history").exists(),
        versions: selection.field("versions").exists() || selection.field("diff").exists(),
    }
}

#[derive(Default, Debug)]
pub struct WorkPlanQuery;

#[Object]
impl WorkPlanQuery {
    /// Work plans, newest year first; without a token, only approved ones.
    #[graphql(complexity = "limits::bounded(limits::size::FEW, child_complexity)")]
    async fn work_plans(
        &self,
        ctx: &Context<'_>,
        year: Option<i32>,
    ) -> GqlResult<Vec<WorkPlanView>> {
        let (app, caller) = context(ctx)?;
        let parts = parts_of(ctx.look_ahead());
        Ok(app
            .work_plans(caller, year, parts)
            .await?
            .into_iter()
            .map(WorkPlanView)
            .collect())
    }
    /// A work plan; without a token, only an approved one.
    async fn work_plan(&self, ctx: &Context<'_>, id: ID) -> GqlResult<Option<WorkPlanView>> {
        let (app, caller) = context(ctx)?;
        let parts = parts_of(ctx.look_ahead());
        Ok(app
            .work_plan(caller, parse_id("id", &id)?, parts)
            .await?
            .map(WorkPlanView))
    }
}

#[derive(Default, Debug)]
pub struct WorkPlanMutation;

#[Object]
impl WorkPlanMutation {
    /// Drafts a work plan (ROMT).
    async fn create_work_plan(
        &self,
        ctx: &Context<'_>,
        input: WorkPlanInput,
    ) -> GqlResult<WorkPlanView> {
        let (app, caller) = context(ctx)?;
        Ok(WorkPlanView(
            app.create_work_plan(caller, input.into()).await?,
        ))
    }
    /// Replaces the content of a draft or returned plan (ROMT).
    async fn update_work_plan(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: i32,
        input: WorkPlanInput,
    ) -> GqlResult<WorkPlanView> {
        let (app, caller) = context(ctx)?;
        let id = parse_id("id", &id)?;
        Ok(WorkPlanView(
            app.update_work_plan(caller, id, expected_version, input.into())
                .await?,
        ))
    }
    /// Submits a plan to the RCP; the version is frozen (ROMT).
    async fn submit_work_plan(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: i32,
    ) -> GqlResult<WorkPlanView> {
        let (app, caller) = context(ctx)?;
        let id = parse_id("id", &id)?;
        Ok(WorkPlanView(
            app.submit_work_plan(caller, id, expected_version).await?,
        ))
    }
    /// Approves a submitted plan for the caller's agency (RCP).
    async fn approve_work_plan(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: i32,
        comment: Option<String>,
    ) -> GqlResult<WorkPlanView> {
        let (app, caller) = context(ctx)?;
        let id = parse_id("id", &id)?;
        Ok(WorkPlanView(
            app.approve_work_plan(caller, id, expected_version, comment.as_deref())
                .await?,
        ))
    }
    /// Returns a submitted plan to the ROMT with a comment (RCP).
    async fn return_work_plan(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: i32,
        comment: String,
    ) -> GqlResult<WorkPlanView> {
        let (app, caller) = context(ctx)?;
        let id = parse_id("id", &id)?;
        Ok(WorkPlanView(
            app.return_work_plan(caller, id, expected_version, &comment)
                .await?,
        ))
    }
    /// Starts an amendment of an approved plan: a new draft whose `amends` is this one (ROMT).
    async fn amend_work_plan(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: i32,
    ) -> GqlResult<WorkPlanView> {
        let (app, caller) = context(ctx)?;
        let id = parse_id("id", &id)?;
        Ok(WorkPlanView(
            app.amend_work_plan(caller, id, expected_version).await?,
        ))
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
