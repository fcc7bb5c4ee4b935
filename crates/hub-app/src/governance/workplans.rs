//! The ROMT annual work plan: drafting, submission, approval or return by the RCP, amendment.
//!
//! Every change names the version it expects (`CONFLICT` otherwise) and advances it; every
//! version's content is kept as a snapshot, so a submitted version stays readable forever and any
//! two versions can be compared. Anonymous callers see approved plans only, and not their
//! history or earlier versions.

use std::collections::{BTreeMap, BTreeSet};

use hub_domain::Decimal;
use hub_domain::access::Action;
use hub_domain::catalogue::ServiceLine;
use hub_domain::governance::{
    Activity, ActivityStatus, Budget, KpiTarget, PlanContent, PlanDiff, TransitionError,
    WorkPlanAction, WorkPlanStatus, transition,
};
use hub_domain::limits::{MAX_BUDGET, MAX_DECIMALS, MAX_DOCUMENT_NUMBER, check_magnitude};
use hub_domain::period::Period;
use hub_store::governance::{self as store, Approval, HistoryEntry, PlanVersion, WorkPlan};
use hub_store::{Executor, Txn, reference};
use serde_json::json;

use super::{PlanEvent, check_agencies};
use crate::audit::{self, Change};
use crate::error::{AppError, AppResult};
use crate::{App, Caller};

/// The most activities one plan may hold.
pub const MAX_ACTIVITIES: usize = 1_000;

/// An activity as entered.
#[derive(Debug, Clone)]
pub struct ActivityInput {
    pub code: String,
    pub title: String,
    pub service_line: ServiceLine,
    pub task_force: Option<String>,
    pub lead_agency: String,
    pub participating_agencies: Vec<String>,
    pub required: Decimal,
    pub available: Decimal,
    /// `YYYY-Qn` of the plan's year.
    pub start_quarter: String,
    pub end_quarter: String,
    pub kpi_targets: Vec<KpiTarget>,
    pub status: ActivityStatus,
    pub progress: i32,
}

/// A plan's content as entered.
#[derive(Debug, Clone)]
pub struct PlanInput {
    pub year: i32,
    pub title: String,
    pub activities: Vec<ActivityInput>,
}

/// Which parts of plans a read loads besides their current content and approvals.
#[derive(Debug, Clone, Copy, Default)]
pub struct PlanParts {
    pub history: bool,
    pub versions: bool,
}

/// A plan with what was asked about it.
#[derive(Debug, Clone)]
pub struct WorkPlanDetails {
    pub plan: WorkPlan,
    /// The current content.
    pub content: PlanContent,
    /// Distinct RCP agencies needed to approve it.
    pub approvals_required: u32,
    approvals: Vec<Approval>,
    history: Option<Vec<HistoryEntry>>,
    versions: Option<Vec<PlanVersion>>,
    records_visible: bool,
}

impl WorkPlanDetails {
    fn hidden(&self) -> AppResult<()> {
        if self.records_visible {
            Ok(())
        } else {
            Err(AppError::Unauthenticated(format!(
                "{} need an access token",
                Action::ReadGovernanceRecords.describe()
            )))
        }
    }

    /// Approvals of the current submission (a return clears them).
    pub fn approvals(&self) -> impl Iterator<Item = &Approval> {
        self.approvals.iter().filter(|a| a.active)
    }

    /// Every step, oldest first (tokens only).
    pub fn history(&self) -> AppResult<&[HistoryEntry]> {
        self.hidden()?;
        self.history
            .as_deref()
            .ok_or_else(|| AppError::internal("the plan's history was not loaded"))
    }

    /// Every version with its content as it was (tokens only).
    pub fn versions(&self) -> AppResult<&[PlanVersion]> {
        self.hidden()?;
        self.versions
            .as_deref()
            .ok_or_else(|| AppError::internal("the plan's versions were not loaded"))
    }

    /// What changed from version `from` to version `to` (tokens only).
    pub fn diff(&self, from: i32, to: i32) -> AppResult<PlanDiff> {
        let versions = self.versions()?;
        let find = |field: &str, n: i32| {
            versions
                .iter()
                .find(|v| v.version == n)
                .map(|v| &v.content)
                .ok_or_else(|| {
                    AppError::invalid(
                        field,
                        format!("work plan {} has no version {n}", self.plan.id),
                    )
                })
        };
        find("from", from)?
            .diff(find("to", to)?)
            .map_err(|e| AppError::invalid("to", e))
    }

    /// The plan's total budget.
    pub fn total(&self) -> AppResult<Budget> {
        self.content
            .total()
            .map_err(|e| AppError::invalid("activities", e))
    }

    /// Budget totals by service line, or by task force.
    pub fn totals_by(&self, task_force: bool) -> AppResult<BTreeMap<String, Budget>> {
        let totals = if task_force {
            self.content.totals_by(|a| a.task_force.clone())
        } else {
            self.content.totals_by(|a| Some(a.service_line.to_string()))
        };
        totals.map_err(|e| AppError::invalid("activities", e))
    }
}

fn transition_error(e: TransitionError) -> AppError {
    match e {
        TransitionError::WrongState { .. } => AppError::Conflict(e.to_string()),
        TransitionError::CommentRequired => AppError::invalid("comment", e),
    }
}

fn not_found(id: i64) -> AppError {
    AppError::NotFound(format!("no work plan {id}"))
}

fn check_version(plan: &WorkPlan, expected: i32) -> AppResult<()> {
    if plan.version == expected {
        Ok(())
    } else {
        Err(AppError::Conflict(format!(
            "work plan {} is at version {}, not {expected}; reload it and retry",
            plan.id, plan.version
        )))
    }
}

/// Checks a plan's content against the rules (unique activity codes, quarters of the plan's
/// year in order, known agencies, task forces and KPIs, possible budgets) and makes it a plan's
/// content; every refusal names its argument.
async fn validate(db: &impl Executor, input: PlanInput) -> AppResult<PlanContent> {
    Period::year(input.year).map_err(|e| AppError::invalid("input.year", e))?;
    if input.title.trim().is_empty() {
        return Err(AppError::invalid("input.title", "a plan needs a title"));
    }
    if input.activities.len() > MAX_ACTIVITIES {
        return Err(AppError::invalid(
            "input.activities",
            format!("a plan has at most {MAX_ACTIVITIES} activities"),
        ));
    }
    let kpis: BTreeSet<String> = reference::kpis(db)
        .await?
        .into_iter()
        .map(|k| k.code.to_string())
        .collect();
    let mut codes = BTreeSet::new();
    let mut activities = Vec::with_capacity(input.activities.len());
    for (i, a) in input.activities.into_iter().enumerate() {
        let at = |field: &str| format!("input.activities[{i}].{field}");
        if a.code.trim().is_empty() || !codes.insert(a.code.clone()) {
            return Err(AppError::invalid(
                &at("code"),
                format!("activity code {:?} is empty or used twice", a.code),
            ));
        }
        Budget::new(a.required, a.available).map_err(|e| {
            let required_at_fault = a.required.is_sign_negative()
                || check_magnitude(a.required, MAX_BUDGET, MAX_DECIMALS).is_err();
            AppError::invalid(
                &at(if required_at_fault {
                    "required"
                } else {
                    "available"
                }),
                e,
            )
        })?;
        let quarter = |field: &str, text: &str| -> AppResult<Period> {
            let q: Period = text.parse().map_err(|e| AppError::invalid(&at(field), e))?;
            if !q.is_quarter() || q.calendar_year() != input.year {
                return Err(AppError::invalid(
                    &at(field),
                    format!("{q} is not a quarter of {}", input.year),
                ));
            }
            Ok(q)
        };
        let start = quarter("startQuarter", &a.start_quarter)?;
        let end = quarter("endQuarter", &a.end_quarter)?;
        if start > end {
            return Err(AppError::invalid(
                &at("endQuarter"),
                format!("{end} is before {start}"),
            ));
        }
        if !(0..=100).contains(&a.progress) {
            return Err(AppError::invalid(
                &at("progress"),
                "progress is a percentage, 0 to 100",
            ));
        }
        let mut agencies = vec![(at("leadAgency"), a.lead_agency.clone())];
        agencies.extend(
            a.participating_agencies
                .iter()
                .enumerate()
                .map(|(j, code)| (at(&format!("participatingAgencies[{j}]")), code.clone())),
        );
        check_agencies(db, &agencies).await?;
        if let Some(tf) = &a.task_force
            && store::task_force(db, tf).await?.is_none()
        {
            return Err(AppError::invalid(
                &at("taskForce"),
                format!("unknown task force {tf}"),
            ));
        }
        for (j, t) in a.kpi_targets.iter().enumerate() {
            if !kpis.contains(&t.kpi) {
                return Err(AppError::invalid(
                    &at(&format!("kpiTargets[{j}].kpi")),
                    format!("unknown KPI {}", t.kpi),
                ));
            }
            check_magnitude(t.target, MAX_DOCUMENT_NUMBER, MAX_DECIMALS)
                .map_err(|e| AppError::invalid(&at(&format!("kpiTargets[{j}].target")), e))?;
        }
        activities.push(Activity {
            code: a.code,
            title: a.title,
            service_line: a.service_line,
            task_force: a.task_force,
            lead_agency: a.lead_agency,
            participating_agencies: a.participating_agencies,
            required: a.required,
            available: a.available,
            start_quarter: start,
            end_quarter: end,
            kpi_targets: a.kpi_targets,
            status: a.status,
            progress: a.progress,
        });
    }
    Ok(PlanContent {
        year: input.year,
        title: input.title,
        activities,
    })
}

/// The current content of a plan.
async fn content_of(db: &impl Executor, plan: &WorkPlan) -> AppResult<PlanContent> {
    let mut by_plan = store::activities_of(db, &[plan.id]).await?;
    Ok(PlanContent {
        year: plan.year,
        title: plan.title.clone(),
        activities: by_plan.remove(&plan.id).unwrap_or_default(),
    })
}

/// What a change records and announces.
struct Step<'a> {
    caller: &'a Caller,
    action: WorkPlanAction,
    status: WorkPlanStatus,
    version: i32,
    comment: Option<&'a str>,
}

impl Step<'_> {
    fn history(&self, plan: i64) -> HistoryEntry {
        let principal = self.caller.principal();
        HistoryEntry {
            work_plan_id: plan,
            version: self.version,
            action: self.action,
            status: self.status,
            actor: self.caller.label(),
            role: principal.map(|p| p.role),
            agency: principal
                .and_then(|p| p.agency.as_ref())
                .map(ToString::to_string),
            comment: self.comment.map(str::to_owned),
            at: hub_store::now(),
        }
    }

    fn event(&self, plan: &WorkPlan) -> PlanEvent {
        let entry = self.history(plan.id);
        PlanEvent {
            work_plan_id: plan.id,
            year: plan.year,
            action: self.action,
            status: self.status,
            version: self.version,
            actor: entry.actor,
            agency: entry.agency,
            comment: entry.comment,
            at: entry.at,
        }
    }

    /// Records the new version's snapshot and history step in `txn`; returns the event.
    async fn record(
        &self,
        txn: &Txn,
        plan: &WorkPlan,
        content: &PlanContent,
    ) -> AppResult<PlanEvent> {
        store::add_version(txn, plan.id, self.version, self.status, content).await?;
        store::add_history(txn, &self.history(plan.id)).await?;
        Ok(self.event(plan))
    }
}

impl App {
    /// Loads the details of some plans set-based: a fixed number of queries whatever their
    /// number.
    async fn plan_details(
        &self,
        caller: &Caller,
        plans: Vec<WorkPlan>,
        parts: PlanParts,
    ) -> AppResult<Vec<WorkPlanDetails>> {
        let records_visible = caller.can(Action::ReadGovernanceRecords);
        let plans: Vec<WorkPlan> = plans
            .into_iter()
            .filter(|p| records_visible || p.status.is_public())
            .collect();
        let ids: Vec<i64> = plans.iter().map(|p| p.id).collect();
        let mut activities = store::activities_of(self.db(), &ids).await?;
        let mut approvals: BTreeMap<i64, Vec<Approval>> = BTreeMap::new();
        for a in store::approvals_of(self.db(), &ids).await? {
            approvals.entry(a.work_plan_id).or_default().push(a);
        }
        let mut history: BTreeMap<i64, Vec<HistoryEntry>> = BTreeMap::new();
        if parts.history && records_visible {
            for h in store::history_of(self.db(), &ids).await? {
                history.entry(h.work_plan_id).or_default().push(h);
            }
        }
        let mut versions: BTreeMap<i64, Vec<PlanVersion>> = BTreeMap::new();
        if parts.versions && records_visible {
            for v in store::versions_of(self.db(), &ids).await? {
                versions.entry(v.work_plan_id).or_default().push(v);
            }
        }
        let required = self.config().workplan_approvals_required;
        Ok(plans
            .into_iter()
            .map(|plan| {
                let id = plan.id;
                WorkPlanDetails {
                    content: PlanContent {
                        year: plan.year,
                        title: plan.title.clone(),
                        activities: activities.remove(&id).unwrap_or_default(),
                    },
                    approvals_required: required,
                    approvals: approvals.remove(&id).unwrap_or_default(),
                    history: parts
                        .history
                        .then(|| history.remove(&id).unwrap_or_default()),
                    versions: parts
                        .versions
                        .then(|| versions.remove(&id).unwrap_or_default()),
                    records_visible,
                    plan,
                }
            })
            .collect())
    }

    /// Work plans, newest year first; without a token, only approved ones.
    #[tracing::instrument(skip_all, fields(caller = %caller.label(), request_id = caller.request_id()))]
    pub async fn work_plans(
        &self,
        caller: &Caller,
        year: Option<i32>,
        parts: PlanParts,
    ) -> AppResult<Vec<WorkPlanDetails>> {
        let plans = store::work_plans(self.db(), year).await?;
        self.plan_details(caller, plans, parts).await
    }

    /// A work plan; without a token, only an approved one.
    #[tracing::instrument(skip_all, fields(caller = %caller.label(), request_id = caller.request_id()))]
    pub async fn work_plan(
        &self,
        caller: &Caller,
        id: i64,
        parts: PlanParts,
    ) -> AppResult<Option<WorkPlanDetails>> {
        let Some(plan) = store::work_plan(self.db(), id, false).await? else {
            return Ok(None);
        };
        Ok(self.plan_details(caller, vec![plan], parts).await?.pop())
    }

    async fn reload(&self, caller: &Caller, id: i64) -> AppResult<WorkPlanDetails> {
        let parts = PlanParts {
            history: true,
            versions: true,
        };
        self.work_plan(caller, id, parts)
            .await?
            .ok_or_else(|| not_found(id))
    }

    /// Drafts a work plan (ROMT).
    #[tracing::instrument(skip(self, caller, input), fields(caller = %caller.label(), request_id = caller.request_id(), year = input.year))]
    pub async fn create_work_plan(
        &self,
        caller: &Caller,
        input: PlanInput,
    ) -> AppResult<WorkPlanDetails> {
        caller.may(Action::DraftWorkPlans)?;
        let content = validate(self.db(), input).await?;
        let id = self.create_draft(caller, content, None).await?;
        self.reload(caller, id).await
    }

    async fn create_draft(
        &self,
        caller: &Caller,
        content: PlanContent,
        amends: Option<i64>,
    ) -> AppResult<i64> {
        let status = transition(WorkPlanStatus::Draft, WorkPlanAction::Create, 0, 0, None)
            .map_err(transition_error)?;
        let txn = hub_store::begin(self.db()).await?;
        let plan = store::insert_work_plan(&txn, &content, amends).await?;
        store::replace_activities(&txn, plan.id, &content.activities).await?;
        let comment = amends.map(|id| format!("amendment of work plan {id}"));
        let step = Step {
            caller,
            action: WorkPlanAction::Create,
            status,
            version: 1,
            comment: comment.as_deref(),
        };
        let event = step.record(&txn, &plan, &content).await?;
        let after = json!({ "year": plan.year, "title": plan.title, "activities": content.activities.len(), "amends": amends });
        audit::record(
            &txn,
            caller,
            Change {
                action: "work_plan.create",
                entity_type: "work_plan",
                entity_id: plan.id.to_string(),
                before: None,
                after: Some(&after),
                summary: format!(
                    "work plan {} for {} drafted{}",
                    plan.id,
                    plan.year,
                    comment.map(|c| format!(" ({c})")).unwrap_or_default()
                ),
            },
        )
        .await?;
        hub_store::commit(txn).await?;
        self.publish(vec![PlanEvent {
            comment: None,
            ..event
        }]);
        Ok(plan.id)
    }

    /// Replaces the content of a draft or returned plan (ROMT).
    #[tracing::instrument(skip(self, caller, input), fields(caller = %caller.label(), request_id = caller.request_id()))]
    pub async fn update_work_plan(
        &self,
        caller: &Caller,
        id: i64,
        expected: i32,
        input: PlanInput,
    ) -> AppResult<WorkPlanDetails> {
        caller.may(Action::DraftWorkPlans)?;
        let txn = hub_store::begin(self.db()).await?;
        let plan = store::work_plan(&txn, id, true)
            .await?
            .ok_or_else(|| not_found(id))?;
        check_version(&plan, expected)?;
        let status =
            transition(plan.status, WorkPlanAction::Edit, 0, 0, None).map_err(transition_error)?;
        if input.year != plan.year {
            return Err(AppError::invalid(
                "input.year",
                format!("this is the {} plan; its year does not change", plan.year),
            ));
        }
        let content = validate(&txn, input).await?;
        let before = serde_json::to_value(content_of(&txn, &plan).await?).unwrap_or_default();
        let version = plan.version + 1;
        store::replace_activities(&txn, id, &content.activities).await?;
        store::set_work_plan_state(&txn, id, status, version, Some(&content.title)).await?;
        let step = Step {
            caller,
            action: WorkPlanAction::Edit,
            status,
            version,
            comment: None,
        };
        let event = step.record(&txn, &plan, &content).await?;
        let after = serde_json::to_value(&content).unwrap_or_default();
        audit::record(
            &txn,
            caller,
            Change {
                action: "work_plan.edit",
                entity_type: "work_plan",
                entity_id: id.to_string(),
                before: Some(&before),
                after: Some(&after),
                summary: format!("work plan {id} edited (version {version})"),
            },
        )
        .await?;
        hub_store::commit(txn).await?;
        self.publish(vec![event]);
        self.reload(caller, id).await
    }

    /// Submits a draft or returned plan to the RCP (ROMT); the version is frozen.
    #[tracing::instrument(skip(self, caller), fields(caller = %caller.label(), request_id = caller.request_id()))]
    pub async fn submit_work_plan(
        &self,
        caller: &Caller,
        id: i64,
        expected: i32,
    ) -> AppResult<WorkPlanDetails> {
        caller.may(Action::DraftWorkPlans)?;
        let plan = store::work_plan(self.db(), id, false)
            .await?
            .ok_or_else(|| not_found(id))?;
        if content_of(self.db(), &plan).await?.activities.is_empty() {
            return Err(AppError::invalid(
                "id",
                "a plan without activities cannot be submitted",
            ));
        }
        self.change_state(caller, id, expected, WorkPlanAction::Submit, None)
            .await
    }

    /// Records an RCP approval for the caller's agency; the plan is approved once enough
    /// distinct agencies approved (RCP).
    #[tracing::instrument(skip(self, caller, comment), fields(caller = %caller.label(), request_id = caller.request_id()))]
    pub async fn approve_work_plan(
        &self,
        caller: &Caller,
        id: i64,
        expected: i32,
        comment: Option<&str>,
    ) -> AppResult<WorkPlanDetails> {
        caller.may(Action::DecideWorkPlans)?;
        self.change_state(caller, id, expected, WorkPlanAction::Approve, comment)
            .await
    }

    /// Returns a submitted plan to the ROMT with a comment; earlier approvals are cleared (RCP).
    #[tracing::instrument(skip(self, caller, comment), fields(caller = %caller.label(), request_id = caller.request_id()))]
    pub async fn return_work_plan(
        &self,
        caller: &Caller,
        id: i64,
        expected: i32,
        comment: &str,
    ) -> AppResult<WorkPlanDetails> {
        caller.may(Action::DecideWorkPlans)?;
        self.change_state(caller, id, expected, WorkPlanAction::Return, Some(comment))
            .await
    }

    /// Starts an amendment of an approved plan: a new draft with the same content, whose
    /// approval will supersede this one (ROMT). Returns the new draft.
    #[tracing::instrument(skip(self, caller), fields(caller = %caller.label(), request_id = caller.request_id()))]
    pub async fn amend_work_plan(
        &self,
        caller: &Caller,
        id: i64,
        expected: i32,
    ) -> AppResult<WorkPlanDetails> {
        caller.may(Action::DraftWorkPlans)?;
        let plan = store::work_plan(self.db(), id, false)
            .await?
            .ok_or_else(|| not_found(id))?;
        check_version(&plan, expected)?;
        transition(plan.status, WorkPlanAction::Amend, 0, 0, None).map_err(transition_error)?;
        if let Some(open) = store::open_amendments(self.db(), id).await?.first() {
            return Err(AppError::Conflict(format!(
                "work plan {id} already has an open amendment: work plan {}",
                open.id
            )));
        }
        let content = content_of(self.db(), &plan).await?;
        let new_id = self.create_draft(caller, content, Some(id)).await?;
        self.reload(caller, new_id).await
    }

    /// Applies a state change that does not touch the content: submit, approve, return. An
    /// approval that approves an amendment supersedes the plan it amends, in the same
    /// transaction and audit entry.
    async fn change_state(
        &self,
        caller: &Caller,
        id: i64,
        expected: i32,
        action: WorkPlanAction,
        comment: Option<&str>,
    ) -> AppResult<WorkPlanDetails> {
        let required = self.config().workplan_approvals_required;
        let txn = hub_store::begin(self.db()).await?;
        let plan = store::work_plan(&txn, id, true)
            .await?
            .ok_or_else(|| not_found(id))?;
        check_version(&plan, expected)?;
        let current = plan.status;
        // The state first, so a wrong state is told before anything else.
        transition(current, action, 0, required, comment).map_err(transition_error)?;
        let history = store::history_of(&txn, &[id]).await?;
        let round = i32::try_from(
            history
                .iter()
                .filter(|e| e.action == WorkPlanAction::Submit)
                .count(),
        )
        .unwrap_or(i32::MAX);
        let mut approvals = 0;
        let mut approving_agency = None;
        if action == WorkPlanAction::Approve {
            let agency = caller
                .principal()
                .and_then(|p| p.agency.as_ref())
                .ok_or_else(|| {
                    AppError::Forbidden("an RCP token must name the agency it approves for".into())
                })?
                .to_string();
            let active: Vec<Approval> = store::approvals_of(&txn, &[id])
                .await?
                .into_iter()
                .filter(|a| a.active && a.submission_round == round)
                .collect();
            if active.iter().any(|a| a.agency == agency) {
                return Err(AppError::Conflict(format!(
                    "{agency} has already approved this submission; approvals must come from {required} different agencies"
                )));
            }
            approvals = u32::try_from(active.len()).unwrap_or(u32::MAX) + 1;
            approving_agency = Some(agency);
        }
        let status =
            transition(current, action, approvals, required, comment).map_err(transition_error)?;
        let version = plan.version + 1;
        let content = content_of(&txn, &plan).await?;
        match action {
            WorkPlanAction::Approve => {
                store::add_approval(
                    &txn,
                    &Approval {
                        work_plan_id: id,
                        submission_round: round,
                        agency: approving_agency.unwrap_or_default(),
                        actor: caller.label(),
                        comment: comment.map(str::to_owned),
                        active: true,
                        at: hub_store::now(),
                    },
                )
                .await?;
            }
            WorkPlanAction::Return => store::clear_approvals(&txn, id).await?,
            _ => {}
        }
        store::set_work_plan_state(&txn, id, status, version, None).await?;
        let step = Step {
            caller,
            action,
            status,
            version,
            comment,
        };
        let mut events = vec![step.record(&txn, &plan, &content).await?];
        let verb = action.as_str().to_lowercase();
        let mut summary =
            format!("work plan {id} {verb}: {current} → {status} (version {version})");
        let mut superseded = None;
        if status == WorkPlanStatus::Approved
            && let Some(old_id) = plan.amends
            && let Some(old) = store::work_plan(&txn, old_id, true).await?
        {
            let old_status = transition(old.status, WorkPlanAction::Supersede, 0, 0, None)
                .map_err(transition_error)?;
            let old_version = old.version + 1;
            let old_content = content_of(&txn, &old).await?;
            let note = format!("superseded by the approved amendment, work plan {id}");
            store::set_work_plan_state(&txn, old_id, old_status, old_version, None).await?;
            let old_step = Step {
                caller,
                action: WorkPlanAction::Supersede,
                status: old_status,
                version: old_version,
                comment: Some(&note),
            };
            events.push(old_step.record(&txn, &old, &old_content).await?);
            summary.push_str(&format!("; work plan {old_id} superseded"));
            superseded = Some(old_id);
            // The superseded plan changed too: it gets an entry of its own.
            audit::record(
                &txn,
                caller,
                Change {
                    action: "work_plan.supersede",
                    entity_type: "work_plan",
                    entity_id: old_id.to_string(),
                    before: Some(&json!({ "status": old.status, "version": old.version })),
                    after: Some(
                        &json!({ "status": old_status, "version": old_version, "supersededBy": id }),
                    ),
                    summary: note.clone(),
                },
            )
            .await?;
        }
        audit::record(
            &txn,
            caller,
            Change {
                action: &format!("work_plan.{verb}"),
                entity_type: "work_plan",
                entity_id: id.to_string(),
                before: Some(&json!({ "status": current, "version": plan.version })),
                after: Some(
                    &json!({ "status": status, "version": version, "comment": comment,
                                     "supersedes": superseded }),
                ),
                summary,
            },
        )
        .await?;
        hub_store::commit(txn).await?;
        self.publish(events);
        self.reload(caller, id).await
    }
}

/// A change to one activity of a draft or returned plan, as the web application's forms make
/// it (the rest of the plan stays as it is).
#[derive(Debug, Clone)]
pub enum ActivityEdit {
    /// Adds `activity`, or replaces the activity coded `replacing` with it.
    Put {
        replacing: Option<String>,
        activity: Box<ActivityInput>,
    },
    /// Removes the activity coded `code`.
    Remove { code: String },
}

impl From<&Activity> for ActivityInput {
    fn from(a: &Activity) -> Self {
        ActivityInput {
            code: a.code.clone(),
            title: a.title.clone(),
            service_line: a.service_line,
            task_force: a.task_force.clone(),
            lead_agency: a.lead_agency.clone(),
            participating_agencies: a.participating_agencies.clone(),
            required: a.required,
            available: a.available,
            start_quarter: a.start_quarter.to_string(),
            end_quarter: a.end_quarter.to_string(),
            kpi_targets: a.kpi_targets.clone(),
            status: a.status,
            progress: a.progress,
        }
    }
}

impl App {
    /// Adds, replaces or removes one activity of a draft or returned plan (ROMT): an edit of
    /// the plan like [`App::update_work_plan`], with the same version check, rules and audit.
    #[tracing::instrument(skip(self, caller, edit), fields(caller = %caller.label(), request_id = caller.request_id()))]
    pub async fn edit_work_plan_activity(
        &self,
        caller: &Caller,
        id: i64,
        expected: i32,
        edit: ActivityEdit,
    ) -> AppResult<WorkPlanDetails> {
        caller.may(Action::DraftWorkPlans)?;
        let plan = store::work_plan(self.db(), id, false)
            .await?
            .ok_or_else(|| not_found(id))?;
        check_version(&plan, expected)?;
        let content = content_of(self.db(), &plan).await?;
        let mut activities: Vec<ActivityInput> =
            content.activities.iter().map(ActivityInput::from).collect();
        let find = |activities: &[ActivityInput], code: &str| {
            activities
                .iter()
                .position(|a| a.code == code)
                .ok_or_else(|| AppError::NotFound(format!("work plan {id} has no activity {code}")))
        };
        match edit {
            ActivityEdit::Put {
                replacing: Some(code),
                activity,
            } => {
                let at = find(&activities, &code)?;
                activities[at] = *activity;
            }
            ActivityEdit::Put {
                replacing: None,
                activity,
            } => activities.push(*activity),
            ActivityEdit::Remove { code } => {
                let at = find(&activities, &code)?;
                activities.remove(at);
            }
        }
        let input = PlanInput {
            year: plan.year,
            title: content.title,
            activities,
        };
        self.update_work_plan(caller, id, expected, input).await
    }
}
