//! Governance records: task forces, work plans (content, snapshots, history, approvals),
//! meetings and action items. Reads and writes only, in typed records; the rules live in
//! `hub_domain::governance` and the services of hub-app that apply them.
//!
//! Lists of many things are read for many parents at once (`members_of(&[ids])` ...), so a list
//! of task forces or plans loads in a fixed number of queries.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use hub_domain::access::Role;
use hub_domain::governance::{
    ActionStatus, Activity, DeliverableStatus, MeetingBody, PlanContent, ProgressRating,
    TaskForceStatus, WorkPlanAction, WorkPlanStatus,
};
use hub_domain::period::Period;
use sea_orm::sea_query::{Expr, LockType};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};

use crate::codec::{date, date_text, json_list, list_json, parsed};
use crate::entity::{
    action_item, deliverable, meeting, progress_report, task_force, task_force_chair,
    task_force_member, work_plan, work_plan_activity, work_plan_approval, work_plan_event,
    work_plan_version,
};
use crate::{Backend, StoreError, now};

// ---- task forces ----

/// A time-bound ROMT task force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskForce {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub purpose: String,
    /// Terms of reference.
    pub tor_text: Option<String>,
    pub tor_approved_on: Option<NaiveDate>,
    pub chair_agency: String,
    pub co_chair_agency: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub status: TaskForceStatus,
    pub created_at: DateTime<Utc>,
}

fn task_force_of(row: task_force::Model) -> Result<TaskForce, StoreError> {
    Ok(TaskForce {
        tor_approved_on: row.tor_approved_on.as_deref().map(date).transpose()?,
        start_date: date(&row.start_date)?,
        end_date: date(&row.end_date)?,
        status: parsed(&row.status)?,
        id: row.id,
        code: row.code,
        name: row.name,
        purpose: row.purpose,
        tor_text: row.tor_text,
        chair_agency: row.chair_agency,
        co_chair_agency: row.co_chair_agency,
        created_at: row.created_at,
    })
}

/// A task force to create.
#[derive(Debug, Clone)]
pub struct NewTaskForce {
    pub code: String,
    pub name: String,
    pub purpose: String,
    pub tor_text: Option<String>,
    pub tor_approved_on: Option<NaiveDate>,
    pub chair_agency: String,
    pub co_chair_agency: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
}

/// Every task force, by code.
pub async fn task_forces(db: &impl ConnectionTrait) -> Result<Vec<TaskForce>, StoreError> {
    task_force::Entity::find()
        .order_by_asc(task_force::Column::Code)
        .all(db)
        .await?
        .into_iter()
        .map(task_force_of)
        .collect()
}

/// One task force by code.
pub async fn task_force(
    db: &impl ConnectionTrait,
    code: &str,
) -> Result<Option<TaskForce>, StoreError> {
    task_force::Entity::find()
        .filter(task_force::Column::Code.eq(code))
        .one(db)
        .await?
        .map(task_force_of)
        .transpose()
}

/// Inserts a task force and its first chairmanship, from its start date.
pub async fn insert_task_force(
    db: &impl ConnectionTrait,
    new: &NewTaskForce,
) -> Result<TaskForce, StoreError> {
    let row = task_force::ActiveModel {
        code: Set(new.code.clone()),
        name: Set(new.name.clone()),
        purpose: Set(new.purpose.clone()),
        tor_text: Set(new.tor_text.clone()),
        tor_approved_on: Set(new.tor_approved_on.map(date_text)),
        chair_agency: Set(new.chair_agency.clone()),
        co_chair_agency: Set(new.co_chair_agency.clone()),
        start_date: Set(date_text(new.start_date)),
        end_date: Set(date_text(new.end_date)),
        status: Set(TaskForceStatus::Active.as_str().to_owned()),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    task_force_chair::ActiveModel {
        task_force_id: Set(row.id),
        chair_agency: Set(row.chair_agency.clone()),
        co_chair_agency: Set(row.co_chair_agency.clone()),
        from_date: Set(row.start_date.clone()),
        to_date: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    task_force_of(row)
}

/// Saves the description, terms of reference, end date and status of a task force.
pub async fn save_task_force(
    db: &impl ConnectionTrait,
    tf: &TaskForce,
) -> Result<TaskForce, StoreError> {
    let row = task_force::Entity::find_by_id(tf.id)
        .one(db)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("no task force {}", tf.code)))?;
    let mut active = row.into_active_model();
    active.name = Set(tf.name.clone());
    active.purpose = Set(tf.purpose.clone());
    active.tor_text = Set(tf.tor_text.clone());
    active.tor_approved_on = Set(tf.tor_approved_on.map(date_text));
    active.end_date = Set(date_text(tf.end_date));
    active.status = Set(tf.status.as_str().to_owned());
    task_force_of(active.update(db).await?)
}

/// Hands the chair and co-chair to other agencies from `from`, closing the current term.
pub async fn rotate_chair(
    db: &impl ConnectionTrait,
    task_force_id: i64,
    chair: &str,
    co_chair: &str,
    from: NaiveDate,
) -> Result<(), StoreError> {
    task_force_chair::Entity::update_many()
        .col_expr(
            task_force_chair::Column::ToDate,
            Expr::value(date_text(from)),
        )
        .filter(task_force_chair::Column::TaskForceId.eq(task_force_id))
        .filter(task_force_chair::Column::ToDate.is_null())
        .exec(db)
        .await?;
    task_force_chair::ActiveModel {
        task_force_id: Set(task_force_id),
        chair_agency: Set(chair.to_owned()),
        co_chair_agency: Set(co_chair.to_owned()),
        from_date: Set(date_text(from)),
        to_date: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    task_force::Entity::update_many()
        .col_expr(
            task_force::Column::ChairAgency,
            Expr::value(chair.to_owned()),
        )
        .col_expr(
            task_force::Column::CoChairAgency,
            Expr::value(co_chair.to_owned()),
        )
        .filter(task_force::Column::Id.eq(task_force_id))
        .exec(db)
        .await?;
    Ok(())
}

/// A member of a task force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub id: i64,
    pub task_force_id: i64,
    pub agency: String,
    pub name: String,
    pub role: String,
    pub alternate_name: Option<String>,
}

/// Members of some task forces, in the order they joined.
pub async fn members_of(
    db: &impl ConnectionTrait,
    task_forces: &[i64],
) -> Result<Vec<Member>, StoreError> {
    Ok(task_force_member::Entity::find()
        .filter(task_force_member::Column::TaskForceId.is_in(task_forces.iter().copied()))
        .order_by_asc(task_force_member::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|m| Member {
            id: m.id,
            task_force_id: m.task_force_id,
            agency: m.agency,
            name: m.name,
            role: m.role,
            alternate_name: m.alternate_name,
        })
        .collect())
}

/// Adds a member.
pub async fn add_member(
    db: &impl ConnectionTrait,
    task_force_id: i64,
    agency: &str,
    name: &str,
    role: &str,
    alternate_name: Option<&str>,
) -> Result<(), StoreError> {
    task_force_member::ActiveModel {
        task_force_id: Set(task_force_id),
        agency: Set(agency.to_owned()),
        name: Set(name.to_owned()),
        role: Set(role.to_owned()),
        alternate_name: Set(alternate_name.map(str::to_owned)),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// A term of a chair and co-chair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChairTerm {
    pub task_force_id: i64,
    pub chair_agency: String,
    pub co_chair_agency: String,
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
}

/// Chairmanship histories of some task forces, oldest term first.
pub async fn chairs_of(
    db: &impl ConnectionTrait,
    task_forces: &[i64],
) -> Result<Vec<ChairTerm>, StoreError> {
    task_force_chair::Entity::find()
        .filter(task_force_chair::Column::TaskForceId.is_in(task_forces.iter().copied()))
        .order_by_asc(task_force_chair::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|c| {
            Ok(ChairTerm {
                task_force_id: c.task_force_id,
                from: date(&c.from_date)?,
                to: c.to_date.as_deref().map(date).transpose()?,
                chair_agency: c.chair_agency,
                co_chair_agency: c.co_chair_agency,
            })
        })
        .collect()
}

/// A deliverable of a task force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deliverable {
    pub id: i64,
    pub task_force_id: i64,
    pub title: String,
    pub due_date: NaiveDate,
    pub status: DeliverableStatus,
    /// Percent, 0 to 100.
    pub progress: i32,
    /// The work-plan activity it serves.
    pub activity_code: Option<String>,
}

fn deliverable_of(d: deliverable::Model) -> Result<Deliverable, StoreError> {
    Ok(Deliverable {
        due_date: date(&d.due_date)?,
        status: parsed(&d.status)?,
        id: d.id,
        task_force_id: d.task_force_id,
        title: d.title,
        progress: d.progress,
        activity_code: d.activity_code,
    })
}

/// Deliverables of some task forces, by due date.
pub async fn deliverables_of(
    db: &impl ConnectionTrait,
    task_forces: &[i64],
) -> Result<Vec<Deliverable>, StoreError> {
    deliverable::Entity::find()
        .filter(deliverable::Column::TaskForceId.is_in(task_forces.iter().copied()))
        .order_by_asc(deliverable::Column::DueDate)
        .order_by_asc(deliverable::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(deliverable_of)
        .collect()
}

/// One deliverable.
pub async fn deliverable(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<Deliverable>, StoreError> {
    deliverable::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(deliverable_of)
        .transpose()
}

/// Inserts a deliverable (`id` is ignored) or updates one.
pub async fn save_deliverable(
    db: &impl ConnectionTrait,
    d: &Deliverable,
    insert: bool,
) -> Result<Deliverable, StoreError> {
    let mut active = deliverable::ActiveModel {
        task_force_id: Set(d.task_force_id),
        title: Set(d.title.clone()),
        due_date: Set(date_text(d.due_date)),
        status: Set(d.status.as_str().to_owned()),
        progress: Set(d.progress),
        activity_code: Set(d.activity_code.clone()),
        ..Default::default()
    };
    let row = if insert {
        active.insert(db).await?
    } else {
        active.id = Set(d.id);
        active.update(db).await?
    };
    deliverable_of(row)
}

/// A progress report to the RCP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgressReport {
    pub task_force_id: i64,
    pub period: Period,
    pub rating: ProgressRating,
    pub summary: String,
    pub reported_by: String,
    pub reported_at: DateTime<Utc>,
}

/// Progress reports of some task forces, newest first.
pub async fn progress_reports_of(
    db: &impl ConnectionTrait,
    task_forces: &[i64],
) -> Result<Vec<ProgressReport>, StoreError> {
    progress_report::Entity::find()
        .filter(progress_report::Column::TaskForceId.is_in(task_forces.iter().copied()))
        .order_by_desc(progress_report::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|r| {
            Ok(ProgressReport {
                task_force_id: r.task_force_id,
                period: parsed(&r.period)?,
                rating: parsed(&r.rating)?,
                summary: r.summary,
                reported_by: r.reported_by,
                reported_at: r.reported_at,
            })
        })
        .collect()
}

/// Adds a progress report.
pub async fn add_progress_report(
    db: &impl ConnectionTrait,
    report: &ProgressReport,
) -> Result<(), StoreError> {
    progress_report::ActiveModel {
        task_force_id: Set(report.task_force_id),
        period: Set(report.period.to_string()),
        rating: Set(report.rating.as_str().to_owned()),
        summary: Set(report.summary.clone()),
        reported_by: Set(report.reported_by.clone()),
        reported_at: Set(report.reported_at),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Whether any work plan has an activity with this code.
pub async fn activity_code_exists(
    db: &impl ConnectionTrait,
    code: &str,
) -> Result<bool, StoreError> {
    Ok(work_plan_activity::Entity::find()
        .filter(work_plan_activity::Column::Code.eq(code))
        .one(db)
        .await?
        .is_some())
}

// ---- work plans ----

/// A ROMT annual work plan; `version` is the concurrency token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkPlan {
    pub id: i64,
    pub year: i32,
    pub title: String,
    pub status: WorkPlanStatus,
    pub version: i32,
    /// The approved plan this one amends.
    pub amends: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn work_plan_of(row: work_plan::Model) -> Result<WorkPlan, StoreError> {
    Ok(WorkPlan {
        status: parsed(&row.status)?,
        id: row.id,
        year: row.year,
        title: row.title,
        version: row.version,
        amends: row.amends,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

/// Work plans, newest year first, optionally of one year.
pub async fn work_plans(
    db: &impl ConnectionTrait,
    year: Option<i32>,
) -> Result<Vec<WorkPlan>, StoreError> {
    let mut query = work_plan::Entity::find()
        .order_by_desc(work_plan::Column::Year)
        .order_by_asc(work_plan::Column::Id);
    if let Some(year) = year {
        query = query.filter(work_plan::Column::Year.eq(year));
    }
    query.all(db).await?.into_iter().map(work_plan_of).collect()
}

/// One work plan; with `lock`, locked for the rest of the transaction (PostgreSQL).
pub async fn work_plan(
    db: &impl ConnectionTrait,
    id: i64,
    lock: bool,
) -> Result<Option<WorkPlan>, StoreError> {
    let mut query = work_plan::Entity::find_by_id(id);
    if lock && Backend::of(db) == Backend::Postgres {
        query = query.lock(LockType::Update);
    }
    query.one(db).await?.map(work_plan_of).transpose()
}

/// Open amendments of an approved plan (drafts, submitted or returned ones).
pub async fn open_amendments(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Vec<WorkPlan>, StoreError> {
    let open = [
        WorkPlanStatus::Draft,
        WorkPlanStatus::Submitted,
        WorkPlanStatus::Returned,
    ];
    work_plan::Entity::find()
        .filter(work_plan::Column::Amends.eq(id))
        .filter(work_plan::Column::Status.is_in(open.iter().map(|s| s.as_str())))
        .all(db)
        .await?
        .into_iter()
        .map(work_plan_of)
        .collect()
}

/// Inserts a draft plan at version 1.
pub async fn insert_work_plan(
    db: &impl ConnectionTrait,
    content: &PlanContent,
    amends: Option<i64>,
) -> Result<WorkPlan, StoreError> {
    let at = now();
    let row = work_plan::ActiveModel {
        year: Set(content.year),
        title: Set(content.title.clone()),
        status: Set(WorkPlanStatus::Draft.as_str().to_owned()),
        version: Set(1),
        amends: Set(amends),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    }
    .insert(db)
    .await?;
    work_plan_of(row)
}

/// Sets a plan's status and version (and title, when the content changed).
pub async fn set_work_plan_state(
    db: &impl ConnectionTrait,
    id: i64,
    status: WorkPlanStatus,
    version: i32,
    title: Option<&str>,
) -> Result<(), StoreError> {
    let mut update = work_plan::Entity::update_many()
        .col_expr(work_plan::Column::Status, Expr::value(status.as_str()))
        .col_expr(work_plan::Column::Version, Expr::value(version))
        .col_expr(work_plan::Column::UpdatedAt, Expr::value(now()))
        .filter(work_plan::Column::Id.eq(id));
    if let Some(title) = title {
        update = update.col_expr(work_plan::Column::Title, Expr::value(title.to_owned()));
    }
    update.exec(db).await?;
    Ok(())
}

fn activity_of(row: work_plan_activity::Model) -> Result<Activity, StoreError> {
    Ok(Activity {
        service_line: parsed(&row.service_line)?,
        status: parsed(&row.status)?,
        required: parsed(&row.required)?,
        available: parsed(&row.available)?,
        start_quarter: parsed(&row.start_quarter)?,
        end_quarter: parsed(&row.end_quarter)?,
        kpi_targets: serde_json::from_str(&row.kpi_targets).map_err(StoreError::corrupt)?,
        participating_agencies: json_list(&row.participating_agencies)?,
        code: row.code,
        title: row.title,
        task_force: row.task_force,
        lead_agency: row.lead_agency,
        progress: row.progress,
    })
}

/// The current activities of some plans, by plan, in order.
pub async fn activities_of(
    db: &impl ConnectionTrait,
    plans: &[i64],
) -> Result<BTreeMap<i64, Vec<Activity>>, StoreError> {
    let mut by_plan: BTreeMap<i64, Vec<Activity>> = BTreeMap::new();
    for row in work_plan_activity::Entity::find()
        .filter(work_plan_activity::Column::WorkPlanId.is_in(plans.iter().copied()))
        .order_by_asc(work_plan_activity::Column::WorkPlanId)
        .order_by_asc(work_plan_activity::Column::Position)
        .all(db)
        .await?
    {
        by_plan
            .entry(row.work_plan_id)
            .or_default()
            .push(activity_of(row)?);
    }
    Ok(by_plan)
}

/// Replaces the activities of a plan's current content (earlier content lives on in the
/// version snapshots).
pub async fn replace_activities(
    db: &impl ConnectionTrait,
    work_plan_id: i64,
    activities: &[Activity],
) -> Result<(), StoreError> {
    work_plan_activity::Entity::delete_many()
        .filter(work_plan_activity::Column::WorkPlanId.eq(work_plan_id))
        .exec(db)
        .await?;
    let rows = activities
        .iter()
        .enumerate()
        .map(|(i, a)| {
            Ok(work_plan_activity::ActiveModel {
                work_plan_id: Set(work_plan_id),
                position: Set(i32::try_from(i).unwrap_or(i32::MAX)),
                code: Set(a.code.clone()),
                title: Set(a.title.clone()),
                service_line: Set(a.service_line.as_str().to_owned()),
                task_force: Set(a.task_force.clone()),
                lead_agency: Set(a.lead_agency.clone()),
                participating_agencies: Set(list_json(&a.participating_agencies)),
                required: Set(a.required.normalize().to_string()),
                available: Set(a.available.normalize().to_string()),
                start_quarter: Set(a.start_quarter.to_string()),
                end_quarter: Set(a.end_quarter.to_string()),
                kpi_targets: Set(
                    serde_json::to_string(&a.kpi_targets).map_err(StoreError::corrupt)?
                ),
                status: Set(a.status.as_str().to_owned()),
                progress: Set(a.progress),
                ..Default::default()
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    if !rows.is_empty() {
        work_plan_activity::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// A version's snapshot, as stored: its status and its content.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Snapshot {
    status: WorkPlanStatus,
    #[serde(flatten)]
    content: PlanContent,
}

/// One version of a plan, with its content as it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanVersion {
    pub work_plan_id: i64,
    pub version: i32,
    pub status: WorkPlanStatus,
    pub at: DateTime<Utc>,
    pub content: PlanContent,
}

/// Records the snapshot of a version.
pub async fn add_version(
    db: &impl ConnectionTrait,
    work_plan_id: i64,
    version: i32,
    status: WorkPlanStatus,
    content: &PlanContent,
) -> Result<(), StoreError> {
    let snapshot = serde_json::to_string(&Snapshot {
        status,
        content: content.clone(),
    })
    .map_err(StoreError::corrupt)?;
    work_plan_version::ActiveModel {
        work_plan_id: Set(work_plan_id),
        version: Set(version),
        status: Set(status.as_str().to_owned()),
        snapshot: Set(snapshot),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Every version of some plans, oldest first.
pub async fn versions_of(
    db: &impl ConnectionTrait,
    plans: &[i64],
) -> Result<Vec<PlanVersion>, StoreError> {
    work_plan_version::Entity::find()
        .filter(work_plan_version::Column::WorkPlanId.is_in(plans.iter().copied()))
        .order_by_asc(work_plan_version::Column::WorkPlanId)
        .order_by_asc(work_plan_version::Column::Version)
        .all(db)
        .await?
        .into_iter()
        .map(|v| {
            let snapshot: Snapshot =
                serde_json::from_str(&v.snapshot).map_err(StoreError::corrupt)?;
            Ok(PlanVersion {
                work_plan_id: v.work_plan_id,
                version: v.version,
                status: parsed(&v.status)?,
                at: v.created_at,
                content: snapshot.content,
            })
        })
        .collect()
}

/// One step of a plan's history: who did what, for which agency, when, why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEntry {
    pub work_plan_id: i64,
    /// The version the change produced.
    pub version: i32,
    pub action: WorkPlanAction,
    /// The status after the change.
    pub status: WorkPlanStatus,
    pub actor: String,
    pub role: Option<Role>,
    pub agency: Option<String>,
    pub comment: Option<String>,
    pub at: DateTime<Utc>,
}

/// Appends to a plan's history (the entry's `at` is now).
pub async fn add_history(
    db: &impl ConnectionTrait,
    entry: &HistoryEntry,
) -> Result<(), StoreError> {
    work_plan_event::ActiveModel {
        work_plan_id: Set(entry.work_plan_id),
        version: Set(entry.version),
        action: Set(entry.action.as_str().to_owned()),
        status: Set(entry.status.as_str().to_owned()),
        actor: Set(entry.actor.clone()),
        role: Set(entry.role.map(|r| r.as_str().to_owned())),
        agency: Set(entry.agency.clone()),
        comment: Set(entry.comment.clone()),
        at: Set(entry.at),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The histories of some plans, oldest step first.
pub async fn history_of(
    db: &impl ConnectionTrait,
    plans: &[i64],
) -> Result<Vec<HistoryEntry>, StoreError> {
    work_plan_event::Entity::find()
        .filter(work_plan_event::Column::WorkPlanId.is_in(plans.iter().copied()))
        .order_by_asc(work_plan_event::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|e| {
            Ok(HistoryEntry {
                work_plan_id: e.work_plan_id,
                version: e.version,
                action: parsed(&e.action)?,
                status: parsed(&e.status)?,
                role: e.role.as_deref().map(parsed).transpose()?,
                actor: e.actor,
                agency: e.agency,
                comment: e.comment,
                at: e.at,
            })
        })
        .collect()
}

/// An RCP approval of one submission of a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approval {
    pub work_plan_id: i64,
    /// Which submission of the plan it approves.
    pub submission_round: i32,
    pub agency: String,
    pub actor: String,
    pub comment: Option<String>,
    /// Cleared by a return.
    pub active: bool,
    pub at: DateTime<Utc>,
}

/// Approvals of some plans, oldest first.
pub async fn approvals_of(
    db: &impl ConnectionTrait,
    plans: &[i64],
) -> Result<Vec<Approval>, StoreError> {
    Ok(work_plan_approval::Entity::find()
        .filter(work_plan_approval::Column::WorkPlanId.is_in(plans.iter().copied()))
        .order_by_asc(work_plan_approval::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|a| Approval {
            work_plan_id: a.work_plan_id,
            submission_round: a.submission_round,
            agency: a.agency,
            actor: a.actor,
            comment: a.comment,
            active: a.active,
            at: a.at,
        })
        .collect())
}

/// Records an approval.
pub async fn add_approval(
    db: &impl ConnectionTrait,
    approval: &Approval,
) -> Result<(), StoreError> {
    work_plan_approval::ActiveModel {
        work_plan_id: Set(approval.work_plan_id),
        submission_round: Set(approval.submission_round),
        agency: Set(approval.agency.clone()),
        actor: Set(approval.actor.clone()),
        comment: Set(approval.comment.clone()),
        active: Set(approval.active),
        at: Set(approval.at),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Clears the approvals of a plan (a return does).
pub async fn clear_approvals(
    db: &impl ConnectionTrait,
    work_plan_id: i64,
) -> Result<(), StoreError> {
    work_plan_approval::Entity::update_many()
        .col_expr(work_plan_approval::Column::Active, Expr::value(false))
        .filter(work_plan_approval::Column::WorkPlanId.eq(work_plan_id))
        .exec(db)
        .await?;
    Ok(())
}

// ---- meetings ----

/// A ROMT or RCP meeting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meeting {
    pub id: i64,
    pub body: MeetingBody,
    pub title: String,
    pub date: NaiveDate,
    pub member_agencies: Vec<String>,
    pub agenda: Vec<String>,
    pub agenda_sent_at: Option<DateTime<Utc>>,
    /// The agencies present; none until recorded.
    pub attendance: Option<Vec<String>>,
    pub minutes_circulated_at: Option<DateTime<Utc>>,
    pub minutes_finalized_at: Option<DateTime<Utc>>,
    pub decisions: Vec<String>,
    pub created_at: DateTime<Utc>,
}

fn meeting_of(m: meeting::Model) -> Result<Meeting, StoreError> {
    Ok(Meeting {
        body: parsed(&m.body)?,
        date: date(&m.date)?,
        member_agencies: json_list(&m.member_agencies)?,
        agenda: json_list(&m.agenda)?,
        attendance: m.attendance.as_deref().map(json_list).transpose()?,
        decisions: json_list(&m.decisions)?,
        id: m.id,
        title: m.title,
        agenda_sent_at: m.agenda_sent_at,
        minutes_circulated_at: m.minutes_circulated_at,
        minutes_finalized_at: m.minutes_finalized_at,
        created_at: m.created_at,
    })
}

/// Every meeting, newest first.
pub async fn meetings(db: &impl ConnectionTrait) -> Result<Vec<Meeting>, StoreError> {
    meeting::Entity::find()
        .order_by_desc(meeting::Column::Date)
        .order_by_desc(meeting::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(meeting_of)
        .collect()
}

/// One meeting.
pub async fn meeting(db: &impl ConnectionTrait, id: i64) -> Result<Option<Meeting>, StoreError> {
    meeting::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(meeting_of)
        .transpose()
}

/// Inserts a meeting (`id` and `created_at` are set) or saves one.
pub async fn save_meeting(
    db: &impl ConnectionTrait,
    m: &Meeting,
    insert: bool,
) -> Result<Meeting, StoreError> {
    let mut active = meeting::ActiveModel {
        body: Set(m.body.as_str().to_owned()),
        title: Set(m.title.clone()),
        date: Set(date_text(m.date)),
        member_agencies: Set(list_json(&m.member_agencies)),
        agenda: Set(list_json(&m.agenda)),
        agenda_sent_at: Set(m.agenda_sent_at),
        attendance: Set(m.attendance.as_deref().map(list_json)),
        minutes_circulated_at: Set(m.minutes_circulated_at),
        minutes_finalized_at: Set(m.minutes_finalized_at),
        decisions: Set(list_json(&m.decisions)),
        created_at: Set(m.created_at),
        ..Default::default()
    };
    let row = if insert {
        active.created_at = Set(now());
        active.insert(db).await?
    } else {
        active.id = Set(m.id);
        active.update(db).await?
    };
    meeting_of(row)
}

/// An action item of a meeting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionItem {
    pub id: i64,
    pub meeting_id: i64,
    pub description: String,
    pub responsible_agency: String,
    pub responsible_person: String,
    pub deadline: NaiveDate,
    pub status: ActionStatus,
    pub completed_at: Option<DateTime<Utc>>,
}

fn action_item_of(a: action_item::Model) -> Result<ActionItem, StoreError> {
    Ok(ActionItem {
        deadline: date(&a.deadline)?,
        status: parsed(&a.status)?,
        id: a.id,
        meeting_id: a.meeting_id,
        description: a.description,
        responsible_agency: a.responsible_agency,
        responsible_person: a.responsible_person,
        completed_at: a.completed_at,
    })
}

/// Action items, of some meetings or all, by deadline.
pub async fn action_items(
    db: &impl ConnectionTrait,
    meetings: Option<&[i64]>,
) -> Result<Vec<ActionItem>, StoreError> {
    let mut query = action_item::Entity::find()
        .order_by_asc(action_item::Column::Deadline)
        .order_by_asc(action_item::Column::Id);
    if let Some(meetings) = meetings {
        query = query.filter(action_item::Column::MeetingId.is_in(meetings.iter().copied()));
    }
    query
        .all(db)
        .await?
        .into_iter()
        .map(action_item_of)
        .collect()
}

/// One action item.
pub async fn action_item(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<ActionItem>, StoreError> {
    action_item::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(action_item_of)
        .transpose()
}

/// Inserts an action item (`id` is ignored) or saves one.
pub async fn save_action_item(
    db: &impl ConnectionTrait,
    a: &ActionItem,
    insert: bool,
) -> Result<ActionItem, StoreError> {
    let mut active = action_item::ActiveModel {
        meeting_id: Set(a.meeting_id),
        description: Set(a.description.clone()),
        responsible_agency: Set(a.responsible_agency.clone()),
        responsible_person: Set(a.responsible_person.clone()),
        deadline: Set(date_text(a.deadline)),
        status: Set(a.status.as_str().to_owned()),
        completed_at: Set(a.completed_at),
        ..Default::default()
    };
    let row = if insert {
        active.insert(db).await?
    } else {
        active.id = Set(a.id);
        active.update(db).await?
    };
    action_item_of(row)
}
