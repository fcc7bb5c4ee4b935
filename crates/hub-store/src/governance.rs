//! Governance records: task forces, work plans (content, snapshots, history, approvals),
//! meetings and action items. Reads and writes only; the rules live in `hub_domain::governance`
//! and the services that apply them.

use sea_orm::sea_query::{Expr, LockType};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, TryIntoModel,
};

use crate::entity::{
    action_item, deliverable, meeting, progress_report, task_force, task_force_chair,
    task_force_member, work_plan, work_plan_activity, work_plan_approval, work_plan_event,
    work_plan_version,
};
use crate::{Backend, StoreError, now};

// ---- task forces ----

/// Every task force, by code.
pub async fn task_forces(db: &impl ConnectionTrait) -> Result<Vec<task_force::Model>, StoreError> {
    Ok(task_force::Entity::find()
        .order_by_asc(task_force::Column::Code)
        .all(db)
        .await?)
}

/// One task force by code.
pub async fn task_force(
    db: &impl ConnectionTrait,
    code: &str,
) -> Result<Option<task_force::Model>, StoreError> {
    Ok(task_force::Entity::find()
        .filter(task_force::Column::Code.eq(code))
        .one(db)
        .await?)
}

/// Inserts a task force and its first chairmanship.
pub async fn insert_task_force(
    db: &impl ConnectionTrait,
    row: task_force::ActiveModel,
    chair_from: &str,
) -> Result<task_force::Model, StoreError> {
    let row = row.insert(db).await?;
    task_force_chair::ActiveModel {
        task_force_id: Set(row.id),
        chair_agency: Set(row.chair_agency.clone()),
        co_chair_agency: Set(row.co_chair_agency.clone()),
        from_date: Set(chair_from.to_owned()),
        to_date: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(row)
}

/// Saves changes to a task force.
pub async fn update_task_force(
    db: &impl ConnectionTrait,
    row: task_force::ActiveModel,
) -> Result<task_force::Model, StoreError> {
    Ok(row.update(db).await?)
}

/// Hands the chair and co-chair to other agencies from `from`, closing the current term.
pub async fn rotate_chair(
    db: &impl ConnectionTrait,
    task_force_id: i64,
    chair: &str,
    co_chair: &str,
    from: &str,
) -> Result<(), StoreError> {
    task_force_chair::Entity::update_many()
        .col_expr(
            task_force_chair::Column::ToDate,
            Expr::value(from.to_owned()),
        )
        .filter(task_force_chair::Column::TaskForceId.eq(task_force_id))
        .filter(task_force_chair::Column::ToDate.is_null())
        .exec(db)
        .await?;
    task_force_chair::ActiveModel {
        task_force_id: Set(task_force_id),
        chair_agency: Set(chair.to_owned()),
        co_chair_agency: Set(co_chair.to_owned()),
        from_date: Set(from.to_owned()),
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

/// Members of a task force.
pub async fn members(
    db: &impl ConnectionTrait,
    task_force_id: i64,
) -> Result<Vec<task_force_member::Model>, StoreError> {
    Ok(task_force_member::Entity::find()
        .filter(task_force_member::Column::TaskForceId.eq(task_force_id))
        .order_by_asc(task_force_member::Column::Id)
        .all(db)
        .await?)
}

/// Adds a member.
pub async fn add_member(
    db: &impl ConnectionTrait,
    row: task_force_member::ActiveModel,
) -> Result<task_force_member::Model, StoreError> {
    Ok(row.insert(db).await?)
}

/// Chairmanship history of a task force, oldest first.
pub async fn chairs(
    db: &impl ConnectionTrait,
    task_force_id: i64,
) -> Result<Vec<task_force_chair::Model>, StoreError> {
    Ok(task_force_chair::Entity::find()
        .filter(task_force_chair::Column::TaskForceId.eq(task_force_id))
        .order_by_asc(task_force_chair::Column::Id)
        .all(db)
        .await?)
}

/// Deliverables of a task force.
pub async fn deliverables(
    db: &impl ConnectionTrait,
    task_force_id: i64,
) -> Result<Vec<deliverable::Model>, StoreError> {
    Ok(deliverable::Entity::find()
        .filter(deliverable::Column::TaskForceId.eq(task_force_id))
        .order_by_asc(deliverable::Column::DueDate)
        .all(db)
        .await?)
}

/// One deliverable.
pub async fn deliverable(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<deliverable::Model>, StoreError> {
    Ok(deliverable::Entity::find_by_id(id).one(db).await?)
}

/// Inserts or updates a deliverable.
pub async fn save_deliverable(
    db: &impl ConnectionTrait,
    row: deliverable::ActiveModel,
) -> Result<deliverable::Model, StoreError> {
    Ok(row.save(db).await?.try_into_model()?)
}

/// Progress reports of a task force, newest first.
pub async fn progress_reports(
    db: &impl ConnectionTrait,
    task_force_id: i64,
) -> Result<Vec<progress_report::Model>, StoreError> {
    Ok(progress_report::Entity::find()
        .filter(progress_report::Column::TaskForceId.eq(task_force_id))
        .order_by_desc(progress_report::Column::Id)
        .all(db)
        .await?)
}

/// Adds a progress report.
pub async fn add_progress_report(
    db: &impl ConnectionTrait,
    row: progress_report::ActiveModel,
) -> Result<progress_report::Model, StoreError> {
    Ok(row.insert(db).await?)
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

/// Work plans, newest year first, optionally of one year.
pub async fn work_plans(
    db: &impl ConnectionTrait,
    year: Option<i32>,
) -> Result<Vec<work_plan::Model>, StoreError> {
    let mut query = work_plan::Entity::find()
        .order_by_desc(work_plan::Column::Year)
        .order_by_asc(work_plan::Column::Id);
    if let Some(year) = year {
        query = query.filter(work_plan::Column::Year.eq(year));
    }
    Ok(query.all(db).await?)
}

/// One work plan; with `lock`, locked for the rest of the transaction (PostgreSQL).
pub async fn work_plan(
    db: &impl ConnectionTrait,
    id: i64,
    lock: bool,
) -> Result<Option<work_plan::Model>, StoreError> {
    let mut query = work_plan::Entity::find_by_id(id);
    if lock && Backend::of(db) == Backend::Postgres {
        query = query.lock(LockType::Update);
    }
    Ok(query.one(db).await?)
}

/// Open amendments of an approved plan (drafts, submitted or returned ones).
pub async fn open_amendments(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Vec<work_plan::Model>, StoreError> {
    Ok(work_plan::Entity::find()
        .filter(work_plan::Column::Amends.eq(id))
        .filter(work_plan::Column::Status.is_in(["DRAFT", "SUBMITTED", "RETURNED"]))
        .all(db)
        .await?)
}

/// Inserts a plan.
pub async fn insert_work_plan(
    db: &impl ConnectionTrait,
    row: work_plan::ActiveModel,
) -> Result<work_plan::Model, StoreError> {
    Ok(row.insert(db).await?)
}

/// Sets a plan's status and version.
pub async fn set_work_plan_state(
    db: &impl ConnectionTrait,
    id: i64,
    status: &str,
    version: i32,
    title: Option<&str>,
) -> Result<(), StoreError> {
    let mut update = work_plan::Entity::update_many()
        .col_expr(work_plan::Column::Status, Expr::value(status.to_owned()))
        .col_expr(work_plan::Column::Version, Expr::value(version))
        .col_expr(work_plan::Column::UpdatedAt, Expr::value(now()))
        .filter(work_plan::Column::Id.eq(id));
    if let Some(title) = title {
        update = update.col_expr(work_plan::Column::Title, Expr::value(title.to_owned()));
    }
    update.exec(db).await?;
    Ok(())
}

/// The activities of a plan's current content, in order.
pub async fn activities(
    db: &impl ConnectionTrait,
    work_plan_id: i64,
) -> Result<Vec<work_plan_activity::Model>, StoreError> {
    Ok(work_plan_activity::Entity::find()
        .filter(work_plan_activity::Column::WorkPlanId.eq(work_plan_id))
        .order_by_asc(work_plan_activity::Column::Position)
        .all(db)
        .await?)
}

/// Replaces the activities of a plan's current content (earlier content lives on in the
/// version snapshots).
pub async fn replace_activities(
    db: &impl ConnectionTrait,
    work_plan_id: i64,
    rows: Vec<work_plan_activity::ActiveModel>,
) -> Result<(), StoreError> {
    work_plan_activity::Entity::delete_many()
        .filter(work_plan_activity::Column::WorkPlanId.eq(work_plan_id))
        .exec(db)
        .await?;
    if !rows.is_empty() {
        work_plan_activity::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// Records the snapshot of a version.
pub async fn add_version(
    db: &impl ConnectionTrait,
    work_plan_id: i64,
    version: i32,
    status: &str,
    snapshot: &str,
) -> Result<(), StoreError> {
    work_plan_version::ActiveModel {
        work_plan_id: Set(work_plan_id),
        version: Set(version),
        status: Set(status.to_owned()),
        snapshot: Set(snapshot.to_owned()),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Every version of a plan, oldest first.
pub async fn versions(
    db: &impl ConnectionTrait,
    work_plan_id: i64,
) -> Result<Vec<work_plan_version::Model>, StoreError> {
    Ok(work_plan_version::Entity::find()
        .filter(work_plan_version::Column::WorkPlanId.eq(work_plan_id))
        .order_by_asc(work_plan_version::Column::Version)
        .all(db)
        .await?)
}

/// An event of a plan's history.
#[derive(Debug, Clone)]
pub struct NewEvent<'a> {
    pub work_plan_id: i64,
    pub version: i32,
    pub action: &'a str,
    pub status: &'a str,
    pub actor: &'a str,
    pub role: Option<&'a str>,
    pub agency: Option<&'a str>,
    pub comment: Option<&'a str>,
}

/// Appends to a plan's history.
pub async fn add_event(
    db: &impl ConnectionTrait,
    event: NewEvent<'_>,
) -> Result<work_plan_event::Model, StoreError> {
    Ok(work_plan_event::ActiveModel {
        work_plan_id: Set(event.work_plan_id),
        version: Set(event.version),
        action: Set(event.action.to_owned()),
        status: Set(event.status.to_owned()),
        actor: Set(event.actor.to_owned()),
        role: Set(event.role.map(str::to_owned)),
        agency: Set(event.agency.map(str::to_owned)),
        comment: Set(event.comment.map(str::to_owned)),
        at: Set(now()),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// A plan's history, oldest first.
pub async fn events(
    db: &impl ConnectionTrait,
    work_plan_id: i64,
) -> Result<Vec<work_plan_event::Model>, StoreError> {
    Ok(work_plan_event::Entity::find()
        .filter(work_plan_event::Column::WorkPlanId.eq(work_plan_id))
        .order_by_asc(work_plan_event::Column::Id)
        .all(db)
        .await?)
}

/// Approvals of a plan (active ones count for the current submission).
pub async fn approvals(
    db: &impl ConnectionTrait,
    work_plan_id: i64,
) -> Result<Vec<work_plan_approval::Model>, StoreError> {
    Ok(work_plan_approval::Entity::find()
        .filter(work_plan_approval::Column::WorkPlanId.eq(work_plan_id))
        .order_by_asc(work_plan_approval::Column::Id)
        .all(db)
        .await?)
}

/// Records an approval.
pub async fn add_approval(
    db: &impl ConnectionTrait,
    work_plan_id: i64,
    submission_round: i32,
    agency: &str,
    actor: &str,
    comment: Option<&str>,
) -> Result<(), StoreError> {
    work_plan_approval::ActiveModel {
        work_plan_id: Set(work_plan_id),
        submission_round: Set(submission_round),
        agency: Set(agency.to_owned()),
        actor: Set(actor.to_owned()),
        comment: Set(comment.map(str::to_owned)),
        active: Set(true),
        at: Set(now()),
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

/// Every meeting, newest first.
pub async fn meetings(db: &impl ConnectionTrait) -> Result<Vec<meeting::Model>, StoreError> {
    Ok(meeting::Entity::find()
        .order_by_desc(meeting::Column::Date)
        .order_by_desc(meeting::Column::Id)
        .all(db)
        .await?)
}

/// One meeting.
pub async fn meeting(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<meeting::Model>, StoreError> {
    Ok(meeting::Entity::find_by_id(id).one(db).await?)
}

/// Inserts or updates a meeting.
pub async fn save_meeting(
    db: &impl ConnectionTrait,
    row: meeting::ActiveModel,
) -> Result<meeting::Model, StoreError> {
    Ok(row.save(db).await?.try_into_model()?)
}

/// Action items, of one meeting or all, by deadline.
pub async fn action_items(
    db: &impl ConnectionTrait,
    meeting_id: Option<i64>,
) -> Result<Vec<action_item::Model>, StoreError> {
    let mut query = action_item::Entity::find()
        .order_by_asc(action_item::Column::Deadline)
        .order_by_asc(action_item::Column::Id);
    if let Some(meeting_id) = meeting_id {
        query = query.filter(action_item::Column::MeetingId.eq(meeting_id));
    }
    Ok(query.all(db).await?)
}

/// One action item.
pub async fn action_item(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<action_item::Model>, StoreError> {
    Ok(action_item::Entity::find_by_id(id).one(db).await?)
}

/// Inserts or updates an action item.
pub async fn save_action_item(
    db: &impl ConnectionTrait,
    row: action_item::ActiveModel,
) -> Result<action_item::Model, StoreError> {
    Ok(row.save(db).await?.try_into_model()?)
}
