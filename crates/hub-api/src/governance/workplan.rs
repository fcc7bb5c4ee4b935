//! The ROMT annual work plan: drafting, submission, approval or return by the RCP, amendment.
//!
//! Every change names the version it expects (`CONFLICT` otherwise) and advances it; every
//! version's content is kept as a snapshot, so a submitted version stays readable forever and
//! any two versions can be compared.

use std::collections::{BTreeMap, BTreeSet};

use hub_domain::Decimal;
use hub_domain::access::Principal;
use hub_domain::catalogue::ServiceLine;
use hub_domain::governance::{
    ActivityStatus, Budget, BudgetError, TransitionError, WorkPlanAction, WorkPlanStatus,
    transition,
};
use hub_domain::limits::{MAX_BUDGET, MAX_DECIMALS, MAX_DOCUMENT_NUMBER, check_magnitude};
use hub_domain::period::Period;
use hub_store::entity::{work_plan, work_plan_activity};
use hub_store::governance::{self as store, NewEvent};
use hub_store::{Db, TransactionTrait, reference};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{Change, audit, check_agencies};
use crate::error::ApiError;

/// The most activities one plan may hold.
pub const MAX_ACTIVITIES: usize = 1_000;

/// A KPI target of an activity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KpiTarget {
    pub kpi: String,
    pub target: Decimal,
}

/// One activity as entered (the gap to mobilize is derived).
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
    pub start_quarter: String,
    pub end_quarter: String,
    pub kpi_targets: Vec<KpiTarget>,
    pub status: ActivityStatus,
    pub progress: i32,
}

/// The content of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanContent {
    pub year: i32,
    pub title: String,
    pub activities: Vec<Activity>,
}

/// A version's snapshot.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Snapshot {
    pub status: WorkPlanStatus,
    #[serde(flatten)]
    pub content: PlanContent,
}

/// An event for subscribers (`workPlanEvents`).
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
    pub at: chrono::DateTime<chrono::Utc>,
}

fn transition_error(e: TransitionError) -> ApiError {
    match e {
        TransitionError::WrongRole { .. } => ApiError::Forbidden(e.to_string()),
        TransitionError::WrongState { .. } => ApiError::Conflict(e.to_string()),
        TransitionError::CommentRequired => ApiError::invalid("comment", e),
    }
}

/// Checks a plan's content against the rules: unique activity codes, quarters of the plan's
/// year in order, known agencies, task forces and KPIs, possible budgets.
pub async fn validate(
    db: &impl hub_store::ConnectionTrait,
    content: &PlanContent,
) -> Result<(), ApiError> {
    Period::year(content.year).map_err(|e| ApiError::invalid("input.year", e))?;
    if content.title.trim().is_empty() {
        return Err(ApiError::invalid("input.title", "a plan needs a title"));
    }
    let kpis: BTreeSet<String> = reference::kpis(db)
        .await?
        .into_iter()
        .map(|k| k.code.to_string())
        .collect();
    if content.activities.len() > MAX_ACTIVITIES {
        return Err(ApiError::invalid(
            "input.activities",
            format!("a plan has at most {MAX_ACTIVITIES} activities"),
        ));
    }
    let mut codes = BTreeSet::new();
    for (i, a) in content.activities.iter().enumerate() {
        let at = |field: &str| format!("input.activities[{i}].{field}");
        if a.code.trim().is_empty() || !codes.insert(a.code.clone()) {
            return Err(ApiError::invalid(
                &at("code"),
                format!("activity code {:?} is empty or used twice", a.code),
            ));
        }
        Budget::new(a.required, a.available).map_err(|e| {
            let required_at_fault = a.required.is_sign_negative()
                || check_magnitude(a.required, MAX_BUDGET, MAX_DECIMALS).is_err();
            ApiError::invalid(
                &at(if required_at_fault {
                    "required"
                } else {
                    "available"
                }),
                e,
            )
        })?;
        let start: Period = a
            .start_quarter
            .parse()
            .map_err(|e| ApiError::invalid(&at("startQuarter"), e))?;
        let end: Period = a
            .end_quarter
            .parse()
            .map_err(|e| ApiError::invalid(&at("endQuarter"), e))?;
        for (field, q) in [("startQuarter", start), ("endQuarter", end)] {
            if !q.is_quarter() || q.calendar_year() != content.year {
                return Err(ApiError::invalid(
                    &at(field),
                    format!("{q} is not a quarter of {}", content.year),
                ));
            }
        }
        if start > end {
            return Err(ApiError::invalid(
                &at("endQuarter"),
                format!("{end} is before {start}"),
            ));
        }
        if !(0..=100).contains(&a.progress) {
            return Err(ApiError::invalid(
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
            return Err(ApiError::invalid(
                &at("taskForce"),
                format!("unknown task force {tf}"),
            ));
        }
        for (j, t) in a.kpi_targets.iter().enumerate() {
            if !kpis.contains(&t.kpi) {
                return Err(ApiError::invalid(
                    &at(&format!("kpiTargets[{j}].kpi")),
                    format!("unknown KPI {}", t.kpi),
                ));
            }
            check_magnitude(t.target, MAX_DOCUMENT_NUMBER, MAX_DECIMALS)
                .map_err(|e| ApiError::invalid(&at(&format!("kpiTargets[{j}].target")), e))?;
        }
    }
    Ok(())
}

fn activity_rows(plan_id: i64, content: &PlanContent) -> Vec<work_plan_activity::ActiveModel> {
    use hub_store::sea_orm::ActiveValue::Set;
    content
        .activities
        .iter()
        .enumerate()
        .map(|(i, a)| work_plan_activity::ActiveModel {
            work_plan_id: Set(plan_id),
            position: Set(i32::try_from(i).unwrap_or(i32::MAX)),
            code: Set(a.code.clone()),
            title: Set(a.title.clone()),
            service_line: Set(a.service_line.as_str().to_owned()),
            task_force: Set(a.task_force.clone()),
            lead_agency: Set(a.lead_agency.clone()),
            participating_agencies: Set(a.participating_agencies.join(";")),
            required: Set(a.required.normalize().to_string()),
            available: Set(a.available.normalize().to_string()),
            start_quarter: Set(a.start_quarter.clone()),
            end_quarter: Set(a.end_quarter.clone()),
            kpi_targets: Set(serde_json::to_string(&a.kpi_targets).unwrap_or_else(|_| "[]".into())),
            status: Set(a.status.as_str().to_owned()),
            progress: Set(a.progress),
            ..Default::default()
        })
        .collect()
}

/// The current content of a plan, read back from its activities.
pub async fn content(
    db: &impl hub_store::ConnectionTrait,
    plan: &work_plan::Model,
) -> Result<PlanContent, ApiError> {
    let parse = |text: &str| {
        text.parse::<Decimal>()
            .map_err(|e| ApiError::Internal(format!("stored budget: {e}")))
    };
    let mut activities = Vec::new();
    for row in store::activities(db, plan.id).await? {
        activities.push(Activity {
            service_line: row
                .service_line
                .parse()
                .map_err(|e| ApiError::Internal(format!("{e}")))?,
            status: row
                .status
                .parse()
                .map_err(|e| ApiError::Internal(format!("{e}")))?,
            required: parse(&row.required)?,
            available: parse(&row.available)?,
            kpi_targets: serde_json::from_str(&row.kpi_targets).unwrap_or_default(),
            participating_agencies: row
                .participating_agencies
                .split(';')
                .filter(|a| !a.is_empty())
                .map(str::to_owned)
                .collect(),
            code: row.code,
            title: row.title,
            task_force: row.task_force,
            lead_agency: row.lead_agency,
            start_quarter: row.start_quarter,
            end_quarter: row.end_quarter,
            progress: row.progress,
        });
    }
    Ok(PlanContent {
        year: plan.year,
        title: plan.title.clone(),
        activities,
    })
}

fn snapshot_json(status: WorkPlanStatus, content: &PlanContent) -> Result<String, ApiError> {
    serde_json::to_string(&Snapshot {
        status,
        content: content.clone(),
    })
    .map_err(|e| ApiError::Internal(format!("snapshot: {e}")))
}

fn status_of(plan: &work_plan::Model) -> Result<WorkPlanStatus, ApiError> {
    plan.status
        .parse()
        .map_err(|e| ApiError::Internal(format!("stored status: {e}")))
}

fn check_version(plan: &work_plan::Model, expected: i32) -> Result<(), ApiError> {
    if plan.version == expected {
        Ok(())
    } else {
        Err(ApiError::Conflict(format!(
            "work plan {} is at version {}, not {expected}; reload it and retry",
            plan.id, plan.version
        )))
    }
}

/// Everything a change needs.
#[derive(Debug, Clone, Copy)]
pub struct Ctx<'a> {
    pub db: &'a Db,
    pub principal: &'a Principal,
    pub approvals_required: u32,
}

impl Ctx<'_> {
    fn event<'b>(
        &'b self,
        plan: i64,
        version: i32,
        action: WorkPlanAction,
        status: WorkPlanStatus,
        comment: Option<&'b str>,
    ) -> NewEvent<'b> {
        NewEvent {
            work_plan_id: plan,
            version,
            action: action.as_str(),
            status: status.as_str(),
            actor: &self.principal.label,
            role: Some(self.principal.role.as_str()),
            agency: self.principal.agency.as_ref().map(|a| a.as_str()),
            comment,
        }
    }

    fn plan_event(
        &self,
        plan: &work_plan::Model,
        action: WorkPlanAction,
        status: WorkPlanStatus,
        version: i32,
        comment: Option<&str>,
    ) -> PlanEvent {
        PlanEvent {
            work_plan_id: plan.id,
            year: plan.year,
            action,
            status,
            version,
            actor: self.principal.label.clone(),
            agency: self.principal.agency.as_ref().map(ToString::to_string),
            comment: comment.map(str::to_owned),
            at: hub_store::now(),
        }
    }
}

/// Creates a draft plan (ROMT).
pub async fn create(ctx: Ctx<'_>, content: PlanContent) -> Result<(i64, Vec<PlanEvent>), ApiError> {
    transition(
        WorkPlanStatus::Draft,
        WorkPlanAction::Create,
        ctx.principal.role,
        0,
        ctx.approvals_required,
        None,
    )
    .map_err(transition_error)?;
    validate(ctx.db, &content).await?;
    create_draft(ctx, content, None).await
}

async fn create_draft(
    ctx: Ctx<'_>,
    content: PlanContent,
    amends: Option<i64>,
) -> Result<(i64, Vec<PlanEvent>), ApiError> {
    use hub_store::sea_orm::ActiveValue::Set;
    let txn = ctx.db.begin().await.map_err(hub_store::StoreError::from)?;
    let at = hub_store::now();
    let plan = store::insert_work_plan(
        &txn,
        work_plan::ActiveModel {
            year: Set(content.year),
            title: Set(content.title.clone()),
            status: Set(WorkPlanStatus::Draft.as_str().to_owned()),
            version: Set(1),
            amends: Set(amends),
            created_at: Set(at),
            updated_at: Set(at),
            ..Default::default()
        },
    )
    .await?;
    store::replace_activities(&txn, plan.id, activity_rows(plan.id, &content)).await?;
    store::add_version(
        &txn,
        plan.id,
        1,
        WorkPlanStatus::Draft.as_str(),
        &snapshot_json(WorkPlanStatus::Draft, &content)?,
    )
    .await?;
    let comment = amends.map(|id| format!("amendment of work plan {id}"));
    store::add_event(
        &txn,
        ctx.event(
            plan.id,
            1,
            WorkPlanAction::Create,
            WorkPlanStatus::Draft,
            comment.as_deref(),
        ),
    )
    .await?;
    let after = json!({ "year": plan.year, "title": plan.title, "activities": content.activities.len(), "amends": amends });
    audit(
        &txn,
        ctx.principal,
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
    txn.commit().await.map_err(hub_store::StoreError::from)?;
    Ok((
        plan.id,
        vec![ctx.plan_event(
            &plan,
            WorkPlanAction::Create,
            WorkPlanStatus::Draft,
            1,
            None,
        )],
    ))
}

/// Replaces the content of a draft or returned plan (ROMT).
pub async fn update(
    ctx: Ctx<'_>,
    id: i64,
    expected: i32,
    content: PlanContent,
) -> Result<Vec<PlanEvent>, ApiError> {
    let txn = ctx.db.begin().await.map_err(hub_store::StoreError::from)?;
    let plan = store::work_plan(&txn, id, true)
        .await?
        .ok_or_else(|| not_found(id))?;
    check_version(&plan, expected)?;
    let status = transition(
        status_of(&plan)?,
        WorkPlanAction::Edit,
        ctx.principal.role,
        0,
        ctx.approvals_required,
        None,
    )
    .map_err(transition_error)?;
    if content.year != plan.year {
        return Err(ApiError::invalid(
            "input.year",
            format!("this is the {} plan; its year does not change", plan.year),
        ));
    }
    validate(&txn, &content).await?;
    let before = serde_json::to_value(self::content(&txn, &plan).await?).unwrap_or_default();
    let version = plan.version + 1;
    store::replace_activities(&txn, id, activity_rows(id, &content)).await?;
    store::set_work_plan_state(&txn, id, status.as_str(), version, Some(&content.title)).await?;
    store::add_version(
        &txn,
        id,
        version,
        status.as_str(),
        &snapshot_json(status, &content)?,
    )
    .await?;
    store::add_event(
        &txn,
        ctx.event(id, version, WorkPlanAction::Edit, status, None),
    )
    .await?;
    let after = serde_json::to_value(&content).unwrap_or_default();
    audit(
        &txn,
        ctx.principal,
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
    txn.commit().await.map_err(hub_store::StoreError::from)?;
    Ok(vec![ctx.plan_event(
        &plan,
        WorkPlanAction::Edit,
        status,
        version,
        None,
    )])
}

fn not_found(id: i64) -> ApiError {
    ApiError::NotFound(format!("no work plan {id}"))
}

/// Applies a state change that does not touch the content: submit, approve, return.
async fn change_state(
    ctx: Ctx<'_>,
    id: i64,
    expected: i32,
    action: WorkPlanAction,
    comment: Option<&str>,
) -> Result<Vec<PlanEvent>, ApiError> {
    let txn = ctx.db.begin().await.map_err(hub_store::StoreError::from)?;
    let plan = store::work_plan(&txn, id, true)
        .await?
        .ok_or_else(|| not_found(id))?;
    check_version(&plan, expected)?;
    let current = status_of(&plan)?;
    // Role and state first, so a wrong caller learns that before anything else.
    transition(
        current,
        action,
        ctx.principal.role,
        0,
        ctx.approvals_required,
        comment,
    )
    .map_err(transition_error)?;
    let history = store::events(&txn, id).await?;
    let round = i32::try_from(
        history
            .iter()
            .filter(|e| e.action == WorkPlanAction::Submit.as_str())
            .count(),
    )
    .unwrap_or(i32::MAX);
    let mut approvals = 0;
    if action == WorkPlanAction::Approve {
        let agency = ctx.principal.agency.as_ref().ok_or_else(|| {
            ApiError::Forbidden("an RCP token must name the agency it approves for".into())
        })?;
        let active: Vec<_> = store::approvals(&txn, id)
            .await?
            .into_iter()
            .filter(|a| a.active && a.submission_round == round)
            .collect();
        if active.iter().any(|a| a.agency == agency.as_str()) {
            return Err(ApiError::Conflict(format!(
                "{agency} has already approved this submission; approvals must come from {} different agencies",
                ctx.approvals_required
            )));
        }
        approvals = u32::try_from(active.len()).unwrap_or(u32::MAX) + 1;
    }
    let status = transition(
        current,
        action,
        ctx.principal.role,
        approvals,
        ctx.approvals_required,
        comment,
    )
    .map_err(transition_error)?;
    let version = plan.version + 1;
    let content = content(&txn, &plan).await?;
    match action {
        WorkPlanAction::Approve => {
            let agency = ctx
                .principal
                .agency
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default();
            store::add_approval(&txn, id, round, &agency, &ctx.principal.label, comment).await?;
        }
        WorkPlanAction::Return => store::clear_approvals(&txn, id).await?,
        _ => {}
    }
    store::set_work_plan_state(&txn, id, status.as_str(), version, None).await?;
    store::add_version(
        &txn,
        id,
        version,
        status.as_str(),
        &snapshot_json(status, &content)?,
    )
    .await?;
    store::add_event(&txn, ctx.event(id, version, action, status, comment)).await?;
    let verb = action.as_str().to_lowercase();
    audit(
        &txn,
        ctx.principal,
        Change {
            action: &format!("work_plan.{verb}"),
            entity_type: "work_plan",
            entity_id: id.to_string(),
            before: Some(&json!({ "status": current, "version": plan.version })),
            after: Some(&json!({ "status": status, "version": version, "comment": comment })),
            summary: format!("work plan {id} {verb}: {current} → {status} (version {version})"),
        },
    )
    .await?;
    let mut events = vec![ctx.plan_event(&plan, action, status, version, comment)];
    if status == WorkPlanStatus::Approved
        && let Some(old_id) = plan.amends
        && let Some(old) = store::work_plan(&txn, old_id, true).await?
    {
        let superseded = transition(
            status_of(&old)?,
            WorkPlanAction::Supersede,
            ctx.principal.role,
            0,
            0,
            None,
        )
        .map_err(transition_error)?;
        let old_version = old.version + 1;
        let old_content = self::content(&txn, &old).await?;
        let note = format!("superseded by the approved amendment, work plan {id}");
        store::set_work_plan_state(&txn, old_id, superseded.as_str(), old_version, None).await?;
        store::add_version(
            &txn,
            old_id,
            old_version,
            superseded.as_str(),
            &snapshot_json(superseded, &old_content)?,
        )
        .await?;
        store::add_event(
            &txn,
            ctx.event(
                old_id,
                old_version,
                WorkPlanAction::Supersede,
                superseded,
                Some(&note),
            ),
        )
        .await?;
        audit(
            &txn,
            ctx.principal,
            Change {
                action: "work_plan.supersede",
                entity_type: "work_plan",
                entity_id: old_id.to_string(),
                before: Some(&json!({ "status": "APPROVED", "version": old.version })),
                after: Some(
                    &json!({ "status": superseded, "version": old_version, "supersededBy": id }),
                ),
                summary: note.clone(),
            },
        )
        .await?;
        events.push(ctx.plan_event(
            &old,
            WorkPlanAction::Supersede,
            superseded,
            old_version,
            Some(&note),
        ));
    }
    txn.commit().await.map_err(hub_store::StoreError::from)?;
    Ok(events)
}

/// Submits a draft or returned plan to the RCP (ROMT); the version is frozen.
pub async fn submit(ctx: Ctx<'_>, id: i64, expected: i32) -> Result<Vec<PlanEvent>, ApiError> {
    let plan = store::work_plan(ctx.db, id, false)
        .await?
        .ok_or_else(|| not_found(id))?;
    if content(ctx.db, &plan).await?.activities.is_empty() {
        return Err(ApiError::invalid(
            "id",
            "a plan without activities cannot be submitted",
        ));
    }
    change_state(ctx, id, expected, WorkPlanAction::Submit, None).await
}

/// Records an RCP approval; the plan is approved once enough distinct agencies approved.
pub async fn approve(
    ctx: Ctx<'_>,
    id: i64,
    expected: i32,
    comment: Option<&str>,
) -> Result<Vec<PlanEvent>, ApiError> {
    change_state(ctx, id, expected, WorkPlanAction::Approve, comment).await
}

/// Returns a submitted plan to the ROMT with a comment (RCP); earlier approvals are cleared.
pub async fn send_back(
    ctx: Ctx<'_>,
    id: i64,
    expected: i32,
    comment: &str,
) -> Result<Vec<PlanEvent>, ApiError> {
    change_state(ctx, id, expected, WorkPlanAction::Return, Some(comment)).await
}

/// Starts an amendment of an approved plan: a new draft with the same content, whose approval
/// will supersede this one (ROMT).
pub async fn amend(
    ctx: Ctx<'_>,
    id: i64,
    expected: i32,
) -> Result<(i64, Vec<PlanEvent>), ApiError> {
    let plan = store::work_plan(ctx.db, id, false)
        .await?
        .ok_or_else(|| not_found(id))?;
    check_version(&plan, expected)?;
    transition(
        status_of(&plan)?,
        WorkPlanAction::Amend,
        ctx.principal.role,
        0,
        ctx.approvals_required,
        None,
    )
    .map_err(transition_error)?;
    if let Some(open) = store::open_amendments(ctx.db, id).await?.first() {
        return Err(ApiError::Conflict(format!(
            "work plan {id} already has an open amendment: work plan {}",
            open.id
        )));
    }
    let content = content(ctx.db, &plan).await?;
    create_draft(ctx, content, Some(id)).await
}

/// Totals of the plan's activities, overall and by a key.
pub fn totals<K: Ord + Clone>(
    activities: &[Activity],
    key: impl Fn(&Activity) -> Option<K>,
) -> Result<(Budget, BTreeMap<K, Budget>), ApiError> {
    let overflow = |e: BudgetError| ApiError::invalid("activities", e);
    let budget_of = |a: &Activity| Budget {
        required: a.required,
        available: a.available,
    };
    let total = Budget::total(activities.iter().map(budget_of)).map_err(overflow)?;
    let mut by: BTreeMap<K, Budget> = BTreeMap::new();
    for a in activities {
        if let Some(k) = key(a) {
            let entry = by.entry(k).or_default();
            *entry = entry
                .checked_add(budget_of(a))
                .ok_or(BudgetError::TotalOverflow)
                .map_err(overflow)?;
        }
    }
    Ok((total, by))
}

/// The fields of an activity compared by `diff`.
pub fn fields(a: &Activity) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("title".into(), a.title.clone()),
        ("serviceLine".into(), a.service_line.to_string()),
        ("taskForce".into(), a.task_force.clone().unwrap_or_default()),
        ("leadAgency".into(), a.lead_agency.clone()),
        (
            "participatingAgencies".into(),
            a.participating_agencies.join(", "),
        ),
        ("required".into(), a.required.normalize().to_string()),
        ("available".into(), a.available.normalize().to_string()),
        ("startQuarter".into(), a.start_quarter.clone()),
        ("endQuarter".into(), a.end_quarter.clone()),
        ("status".into(), a.status.to_string()),
        ("progress".into(), a.progress.to_string()),
        (
            "kpiTargets".into(),
            a.kpi_targets
                .iter()
                .map(|t| format!("{} {}", t.kpi, t.target))
                .collect::<Vec<_>>()
                .join(", "),
        ),
    ])
}
