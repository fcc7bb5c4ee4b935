//! Task forces: their members, chairs, deliverables and progress reports.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use hub_app::governance::taskforces::{TaskForceDetails, TaskForceInput, TaskForceUpdate};
use hub_app::governance::{ChairTerm, Deliverable, ProgressReport};
use hub_domain::governance::{DeliverableStatus, GovernanceFlag, ProgressRating, TaskForceStatus};

use super::super::context;
use super::super::limits;
use super::super::paging::parse_id;
use crate::error::GqlResult;

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
#[graphql(name = "ChairTerm")]
pub struct ChairTermView {
    pub chair_agency: String,
    pub co_chair_agency: String,
    /// `YYYY-MM-DD`.
    pub from: String,
    pub to: Option<String>,
}

impl From<&ChairTerm> for ChairTermView {
    fn from(c: &ChairTerm) -> Self {
        Self {
            chair_agency: c.chair_agency.clone(),
            co_chair_agency: c.co_chair_agency.clone(),
            from: c.from.to_string(),
            to: c.to.map(|d| d.to_string()),
        }
    }
}

/// A deliverable of a task force.
#[derive(SimpleObject, Debug, Clone)]
#[graphql(name = "Deliverable")]
pub struct DeliverableView {
    pub id: ID,
    pub title: String,
    /// `YYYY-MM-DD`.
    pub due_date: String,
    pub status: DeliverableStatus,
    pub progress: i32,
    /// The work-plan activity it serves.
    pub activity_code: Option<String>,
    /// DELIVERABLE_OVERDUE when past due and not done.
    pub flags: Vec<GovernanceFlag>,
}

impl From<&Deliverable> for DeliverableView {
    fn from(d: &Deliverable) -> Self {
        Self {
            id: ID::from(d.id),
            flags: TaskForceDetails::deliverable_flags(d),
            title: d.title.clone(),
            due_date: d.due_date.to_string(),
            status: d.status,
            progress: d.progress,
            activity_code: d.activity_code.clone(),
        }
    }
}

/// A progress report to the RCP.
#[derive(SimpleObject, Debug, Clone)]
#[graphql(name = "ProgressReport")]
pub struct ProgressReportView {
    /// `YYYY` or `YYYY-Qn`.
    pub period: String,
    pub rating: ProgressRating,
    pub summary: String,
    pub reported_by: String,
    pub reported_at: DateTime<Utc>,
}

impl From<&ProgressReport> for ProgressReportView {
    fn from(r: &ProgressReport) -> Self {
        Self {
            period: r.period.to_string(),
            rating: r.rating,
            summary: r.summary.clone(),
            reported_by: r.reported_by.clone(),
            reported_at: r.reported_at,
        }
    }
}

/// A time-bound ROMT task force.
#[derive(Debug, Clone)]
pub struct TaskForceView(pub TaskForceDetails);

#[Object(name = "TaskForce")]
impl TaskForceView {
    async fn code(&self) -> &str {
        &self.0.task_force.code
    }
    async fn name(&self) -> &str {
        &self.0.task_force.name
    }
    async fn purpose(&self) -> &str {
        &self.0.task_force.purpose
    }
    /// Terms of reference.
    async fn tor_text(&self) -> Option<&str> {
        self.0.task_force.tor_text.as_deref()
    }
    /// `YYYY-MM-DD`.
    async fn tor_approved_on(&self) -> Option<String> {
        self.0.task_force.tor_approved_on.map(|d| d.to_string())
    }
    async fn chair_agency(&self) -> &str {
        &self.0.task_force.chair_agency
    }
    async fn co_chair_agency(&self) -> &str {
        &self.0.task_force.co_chair_agency
    }
    /// `YYYY-MM-DD`.
    async fn start_date(&self) -> String {
        self.0.task_force.start_date.to_string()
    }
    /// `YYYY-MM-DD`.
    async fn end_date(&self) -> String {
        self.0.task_force.end_date.to_string()
    }
    async fn status(&self) -> TaskForceStatus {
        self.0.task_force.status
    }
    /// PAST_END_DATE when past its end date and still active; MEMBER_WITHOUT_ALTERNATE and
    /// DELIVERABLE_OVERDUE when any member or deliverable has them.
    async fn flags(&self) -> Vec<GovernanceFlag> {
        self.0.flags()
    }
    /// The members, by name (tokens only: names of persons are not public).
    #[graphql(complexity = "limits::bounded(limits::size::FEW, child_complexity)")]
    async fn members(&self) -> GqlResult<Vec<TaskForceMember>> {
        Ok(self
            .0
            .members()?
            .iter()
            .map(|m| TaskForceMember {
                id: ID::from(m.id),
                flags: TaskForceDetails::member_flags(m),
                agency: m.agency.clone(),
                name: m.name.clone(),
                role: m.role.clone(),
                alternate_name: m.alternate_name.clone(),
            })
            .collect())
    }
    /// Chairmanship history, oldest first.
    #[graphql(complexity = "limits::bounded(limits::size::FEW, child_complexity)")]
    async fn chair_history(&self) -> Vec<ChairTermView> {
        self.0.chairs.iter().map(|c| c.into()).collect()
    }
    #[graphql(complexity = "limits::bounded(limits::size::FEW, child_complexity)")]
    async fn deliverables(&self) -> Vec<DeliverableView> {
        self.0
            .deliverables
            .iter()
            .map(DeliverableView::from)
            .collect()
    }
    #[graphql(complexity = "limits::bounded(limits::size::FEW, child_complexity)")]
    async fn progress_reports(&self) -> Vec<ProgressReportView> {
        self.0
            .reports
            .iter()
            .map(ProgressReportView::from)
            .collect()
    }
}

/// A task force to create.
#[derive(InputObject, Debug)]
#[graphql(name = "TaskForceInput")]
pub struct TaskForceInputView {
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

#[derive(Default, Debug)]
pub struct TaskForceQuery;

#[Object]
impl TaskForceQuery {
    /// Every task force, by code.
    #[graphql(complexity = "limits::bounded(limits::size::FEW, child_complexity)")]
    async fn task_forces(&self, ctx: &Context<'_>) -> GqlResult<Vec<TaskForceView>> {
        let (app, caller) = context(ctx)?;
        Ok(app
            .task_forces(caller)
            .await?
            .into_iter()
            .map(TaskForceView)
            .collect())
    }
    async fn task_force(
        &self,
        ctx: &Context<'_>,
        code: String,
    ) -> GqlResult<Option<TaskForceView>> {
        let (app, caller) = context(ctx)?;
        Ok(app.task_force(caller, &code).await?.map(TaskForceView))
    }
}

#[derive(Default, Debug)]
pub struct TaskForceMutation;

#[Object]
impl TaskForceMutation {
    /// Creates a task force (ROMT).
    async fn create_task_force(
        &self,
        ctx: &Context<'_>,
        input: TaskForceInputView,
    ) -> GqlResult<TaskForceView> {
        let (app, caller) = context(ctx)?;
        let input = TaskForceInput {
            code: input.code,
            name: input.name,
            purpose: input.purpose,
            chair_agency: input.chair_agency,
            co_chair_agency: input.co_chair_agency,
            start_date: input.start_date,
            end_date: input.end_date,
            tor_text: input.tor_text,
            tor_approved_on: input.tor_approved_on,
        };
        Ok(TaskForceView(app.create_task_force(caller, input).await?))
    }
    /// Changes a task force's description, terms of reference or end date (ROMT).
    async fn update_task_force(
        &self,
        ctx: &Context<'_>,
        code: String,
        input: TaskForceUpdateInput,
    ) -> GqlResult<TaskForceView> {
        let (app, caller) = context(ctx)?;
        let change = TaskForceUpdate {
            name: input.name,
            purpose: input.purpose,
            tor_text: input.tor_text,
            tor_approved_on: input.tor_approved_on,
            end_date: input.end_date,
        };
        Ok(TaskForceView(
            app.update_task_force(caller, &code, change).await?,
        ))
    }
    /// Closes a task force (ROMT).
    async fn close_task_force(&self, ctx: &Context<'_>, code: String) -> GqlResult<TaskForceView> {
        let (app, caller) = context(ctx)?;
        Ok(TaskForceView(app.close_task_force(caller, &code).await?))
    }
    /// Hands the chair and co-chair to other agencies from a date (ROMT).
    async fn rotate_task_force_chair(
        &self,
        ctx: &Context<'_>,
        code: String,
        chair_agency: String,
        co_chair_agency: String,
        from: String,
    ) -> GqlResult<TaskForceView> {
        let (app, caller) = context(ctx)?;
        Ok(TaskForceView(
            app.rotate_task_force_chair(caller, &code, &chair_agency, &co_chair_agency, &from)
                .await?,
        ))
    }
    /// Adds a member (ROMT).
    async fn add_task_force_member(
        &self,
        ctx: &Context<'_>,
        code: String,
        input: TaskForceMemberInput,
    ) -> GqlResult<TaskForceView> {
        let (app, caller) = context(ctx)?;
        Ok(TaskForceView(
            app.add_task_force_member(
                caller,
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
    ) -> GqlResult<DeliverableView> {
        let (app, caller) = context(ctx)?;
        let deliverable = app
            .add_deliverable(
                caller,
                &code,
                &input.title,
                &input.due_date,
                input.activity_code,
            )
            .await?;
        Ok(DeliverableView::from(&deliverable))
    }
    /// Updates a deliverable's status and progress (ROMT).
    async fn update_deliverable(
        &self,
        ctx: &Context<'_>,
        id: ID,
        status: DeliverableStatus,
        #[graphql(default)] progress: i32,
    ) -> GqlResult<DeliverableView> {
        let (app, caller) = context(ctx)?;
        let deliverable = app
            .update_deliverable(caller, parse_id("id", &id)?, status, progress)
            .await?;
        Ok(DeliverableView::from(&deliverable))
    }
    /// Files a progress report to the RCP (ROMT).
    async fn add_progress_report(
        &self,
        ctx: &Context<'_>,
        code: String,
        input: ProgressReportInput,
    ) -> GqlResult<TaskForceView> {
        let (app, caller) = context(ctx)?;
        Ok(TaskForceView(
            app.add_progress_report(caller, &code, &input.period, input.rating, &input.summary)
                .await?,
        ))
    }
}
