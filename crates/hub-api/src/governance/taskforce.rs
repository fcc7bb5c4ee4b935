//! ROMT task forces: terms of reference, chair and co-chair agencies, members, deliverables and
//! progress reports to the RCP.

use chrono::NaiveDate;
use hub_domain::access::Principal;
use hub_domain::governance::{DeliverableStatus, ProgressRating, TaskForceStatus, check_chairs};
use hub_store::entity::{deliverable, progress_report, task_force, task_force_member};
use hub_store::governance as store;
use hub_store::sea_orm::ActiveValue::Set;
use hub_store::sea_orm::IntoActiveModel;
use hub_store::{Db, TransactionTrait};
use serde_json::json;

use super::{Change, audit, check_agencies, parse_date};
use crate::error::ApiError;

/// A task force to create.
#[derive(Debug, Clone)]
pub struct NewTaskForce {
    pub code: String,
    pub name: String,
    pub purpose: String,
    pub chair_agency: String,
    pub co_chair_agency: String,
    pub start_date: String,
    pub end_date: String,
    pub tor_text: Option<String>,
    pub tor_approved_on: Option<String>,
}

fn valid_code(code: &str) -> bool {
    (2..=32).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-')
}

async fn find(
    db: &impl hub_store::ConnectionTrait,
    code: &str,
) -> Result<task_force::Model, ApiError> {
    store::task_force(db, code)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no task force {code}")))
}

fn dates(start: &str, end: &str) -> Result<(NaiveDate, NaiveDate), ApiError> {
    let (start, end) = (
        parse_date("input.startDate", start)?,
        parse_date("input.endDate", end)?,
    );
    if end < start {
        return Err(ApiError::invalid(
            "input.endDate",
            "a task force ends after it starts",
        ));
    }
    Ok((start, end))
}

/// Creates a task force (ROMT).
pub async fn create(
    db: &Db,
    principal: &Principal,
    new: NewTaskForce,
) -> Result<task_force::Model, ApiError> {
    if !valid_code(&new.code) {
        return Err(ApiError::invalid(
            "input.code",
            "2 to 32 upper-case letters, digits or '-', e.g. TF-PROC",
        ));
    }
    if new.name.trim().is_empty() {
        return Err(ApiError::invalid("input.name", "a task force needs a name"));
    }
    check_chairs(&new.chair_agency, &new.co_chair_agency)
        .map_err(|e| ApiError::invalid("input.coChairAgency", e))?;
    dates(&new.start_date, &new.end_date)?;
    if let Some(on) = &new.tor_approved_on {
        parse_date("input.torApprovedOn", on)?;
    }
    check_agencies(
        db,
        &[
            ("input.chairAgency".into(), new.chair_agency.clone()),
            ("input.coChairAgency".into(), new.co_chair_agency.clone()),
        ],
    )
    .await?;
    let txn = db.begin().await.map_err(hub_store::StoreError::from)?;
    if store::task_force(&txn, &new.code).await?.is_some() {
        return Err(ApiError::Conflict(format!(
            "a task force {} already exists",
            new.code
        )));
    }
    let row = store::insert_task_force(
        &txn,
        task_force::ActiveModel {
            code: Set(new.code.clone()),
            name: Set(new.name.clone()),
            purpose: Set(new.purpose.clone()),
            tor_text: Set(new.tor_text.clone()),
            tor_approved_on: Set(new.tor_approved_on.clone()),
            chair_agency: Set(new.chair_agency.clone()),
            co_chair_agency: Set(new.co_chair_agency.clone()),
            start_date: Set(new.start_date.clone()),
            end_date: Set(new.end_date.clone()),
            status: Set(TaskForceStatus::Active.as_str().to_owned()),
            created_at: Set(hub_store::now()),
            ..Default::default()
        },
        &new.start_date,
    )
    .await?;
    let after = json!({ "code": row.code, "chair": row.chair_agency, "coChair": row.co_chair_agency,
                        "start": row.start_date, "end": row.end_date });
    audit(
        &txn,
        principal,
        Change {
            action: "task_force.create",
            entity_type: "task_force",
            entity_id: row.code.clone(),
            before: None,
            after: Some(&after),
            summary: format!(
                "task force {} created, chaired by {} with {}",
                row.code, row.chair_agency, row.co_chair_agency
            ),
        },
    )
    .await?;
    txn.commit().await.map_err(hub_store::StoreError::from)?;
    Ok(row)
}

/// What may change in a task force.
#[derive(Debug, Clone, Default)]
pub struct TaskForceUpdate {
    pub name: Option<String>,
    pub purpose: Option<String>,
    pub tor_text: Option<String>,
    pub tor_approved_on: Option<String>,
    pub end_date: Option<String>,
}

/// Updates a task force's description, terms of reference or end date (ROMT).
pub async fn update(
    db: &Db,
    principal: &Principal,
    code: &str,
    change: TaskForceUpdate,
) -> Result<task_force::Model, ApiError> {
    let txn = db.begin().await.map_err(hub_store::StoreError::from)?;
    let row = find(&txn, code).await?;
    let before =
        json!({ "name": row.name, "end": row.end_date, "torApprovedOn": row.tor_approved_on });
    if let Some(end) = &change.end_date {
        dates(&row.start_date, end)?;
    }
    if let Some(on) = &change.tor_approved_on {
        parse_date("input.torApprovedOn", on)?;
    }
    let mut active = row.into_active_model();
    if let Some(v) = change.name {
        active.name = Set(v);
    }
    if let Some(v) = change.purpose {
        active.purpose = Set(v);
    }
    if let Some(v) = change.tor_text {
        active.tor_text = Set(Some(v));
    }
    if let Some(v) = change.tor_approved_on {
        active.tor_approved_on = Set(Some(v));
    }
    if let Some(v) = change.end_date {
        active.end_date = Set(v);
    }
    let row = store::update_task_force(&txn, active).await?;
    let after =
        json!({ "name": row.name, "end": row.end_date, "torApprovedOn": row.tor_approved_on });
    audit(
        &txn,
        principal,
        Change {
            action: "task_force.update",
            entity_type: "task_force",
            entity_id: row.code.clone(),
            before: Some(&before),
            after: Some(&after),
            summary: format!("task force {} updated", row.code),
        },
    )
    .await?;
    txn.commit().await.map_err(hub_store::StoreError::from)?;
    Ok(row)
}

/// Closes a task force (ROMT).
pub async fn close(
    db: &Db,
    principal: &Principal,
    code: &str,
) -> Result<task_force::Model, ApiError> {
    let txn = db.begin().await.map_err(hub_store::StoreError::from)?;
    let row = find(&txn, code).await?;
    if row.status == TaskForceStatus::Closed.as_str() {
        return Err(ApiError::Conflict(format!(
            "task force {code} is already closed"
        )));
    }
    let mut active = row.into_active_model();
    active.status = Set(TaskForceStatus::Closed.as_str().to_owned());
    let row = store::update_task_force(&txn, active).await?;
    audit(
        &txn,
        principal,
        Change {
            action: "task_force.close",
            entity_type: "task_force",
            entity_id: row.code.clone(),
            before: Some(&json!({ "status": "ACTIVE" })),
            after: Some(&json!({ "status": "CLOSED" })),
            summary: format!("task force {} closed", row.code),
        },
    )
    .await?;
    txn.commit().await.map_err(hub_store::StoreError::from)?;
    Ok(row)
}

/// Hands the chair and co-chair to other agencies from a date, keeping the history (ROMT).
pub async fn rotate_chair(
    db: &Db,
    principal: &Principal,
    code: &str,
    chair: &str,
    co_chair: &str,
    from: &str,
) -> Result<task_force::Model, ApiError> {
    check_chairs(chair, co_chair).map_err(|e| ApiError::invalid("coChairAgency", e))?;
    parse_date("from", from)?;
    check_agencies(
        db,
        &[
            ("chairAgency".into(), chair.to_owned()),
            ("coChairAgency".into(), co_chair.to_owned()),
        ],
    )
    .await?;
    let txn = db.begin().await.map_err(hub_store::StoreError::from)?;
    let row = find(&txn, code).await?;
    store::rotate_chair(&txn, row.id, chair, co_chair, from).await?;
    audit(
        &txn,
        principal,
        Change {
            action: "task_force.rotate_chair",
            entity_type: "task_force",
            entity_id: row.code.clone(),
            before: Some(&json!({ "chair": row.chair_agency, "coChair": row.co_chair_agency })),
            after: Some(&json!({ "chair": chair, "coChair": co_chair, "from": from })),
            summary: format!("task force {code}: chair {chair}, co-chair {co_chair} from {from}"),
        },
    )
    .await?;
    let row = find(&txn, code).await?;
    txn.commit().await.map_err(hub_store::StoreError::from)?;
    Ok(row)
}

/// Adds a member (ROMT).
pub async fn add_member(
    db: &Db,
    principal: &Principal,
    code: &str,
    agency: &str,
    name: &str,
    role: &str,
    alternate: Option<String>,
) -> Result<task_force::Model, ApiError> {
    if name.trim().is_empty() {
        return Err(ApiError::invalid("input.name", "a member needs a name"));
    }
    check_agencies(db, &[("input.agency".into(), agency.to_owned())]).await?;
    let txn = db.begin().await.map_err(hub_store::StoreError::from)?;
    let row = find(&txn, code).await?;
    let alternate = alternate.filter(|a| !a.trim().is_empty());
    store::add_member(
        &txn,
        task_force_member::ActiveModel {
            task_force_id: Set(row.id),
            agency: Set(agency.to_owned()),
            name: Set(name.to_owned()),
            role: Set(role.to_owned()),
            alternate_name: Set(alternate.clone()),
            ..Default::default()
        },
    )
    .await?;
    audit(
        &txn,
        principal,
        Change {
            action: "task_force.add_member",
            entity_type: "task_force",
            entity_id: row.code.clone(),
            before: None,
            after: Some(
                &json!({ "agency": agency, "name": name, "role": role, "alternate": alternate }),
            ),
            summary: format!("{name} ({agency}) joined task force {code} as {role}"),
        },
    )
    .await?;
    txn.commit().await.map_err(hub_store::StoreError::from)?;
    Ok(row)
}

/// Adds a deliverable; it must fall within the task force's life (ROMT).
pub async fn add_deliverable(
    db: &Db,
    principal: &Principal,
    code: &str,
    title: &str,
    due: &str,
    activity: Option<String>,
) -> Result<deliverable::Model, ApiError> {
    let due_date = parse_date("input.dueDate", due)?;
    let txn = db.begin().await.map_err(hub_store::StoreError::from)?;
    let row = find(&txn, code).await?;
    let start = parse_date("startDate", &row.start_date)?;
    if due_date < start {
        return Err(ApiError::invalid(
            "input.dueDate",
            format!("{due} is before the task force starts ({})", row.start_date),
        ));
    }
    if let Some(activity) = &activity
        && !store::activity_code_exists(&txn, activity).await?
    {
        return Err(ApiError::invalid(
            "input.activityCode",
            format!("no work-plan activity {activity}"),
        ));
    }
    let item = store::save_deliverable(
        &txn,
        deliverable::ActiveModel {
            task_force_id: Set(row.id),
            title: Set(title.to_owned()),
            due_date: Set(due.to_owned()),
            status: Set(DeliverableStatus::Planned.as_str().to_owned()),
            progress: Set(0),
            activity_code: Set(activity),
            ..Default::default()
        },
    )
    .await?;
    audit(
        &txn,
        principal,
        Change {
            action: "task_force.add_deliverable",
            entity_type: "deliverable",
            entity_id: item.id.to_string(),
            before: None,
            after: Some(&json!({ "taskForce": code, "title": title, "due": due })),
            summary: format!("deliverable {title:?} of {code} due {due}"),
        },
    )
    .await?;
    txn.commit().await.map_err(hub_store::StoreError::from)?;
    Ok(item)
}

/// Updates a deliverable's status and progress (ROMT).
pub async fn update_deliverable(
    db: &Db,
    principal: &Principal,
    id: i64,
    status: DeliverableStatus,
    progress: i32,
) -> Result<deliverable::Model, ApiError> {
    if !(0..=100).contains(&progress) {
        return Err(ApiError::invalid(
            "progress",
            "progress is a percentage, 0 to 100",
        ));
    }
    let txn = db.begin().await.map_err(hub_store::StoreError::from)?;
    let item = store::deliverable(&txn, id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no deliverable {id}")))?;
    let before = json!({ "status": item.status, "progress": item.progress });
    let mut active = item.into_active_model();
    active.status = Set(status.as_str().to_owned());
    active.progress = Set(if status == DeliverableStatus::Done {
        100
    } else {
        progress
    });
    let item = store::save_deliverable(&txn, active).await?;
    audit(
        &txn,
        principal,
        Change {
            action: "task_force.update_deliverable",
            entity_type: "deliverable",
            entity_id: id.to_string(),
            before: Some(&before),
            after: Some(&json!({ "status": item.status, "progress": item.progress })),
            summary: format!("deliverable {id}: {} ({}%)", item.status, item.progress),
        },
    )
    .await?;
    txn.commit().await.map_err(hub_store::StoreError::from)?;
    Ok(item)
}

/// Files a progress report to the RCP (ROMT).
pub async fn add_progress_report(
    db: &Db,
    principal: &Principal,
    code: &str,
    period: &str,
    rating: ProgressRating,
    summary: &str,
) -> Result<progress_report::Model, ApiError> {
    period
        .parse::<hub_domain::period::Period>()
        .map_err(|e| ApiError::invalid("input.period", e))?;
    if summary.trim().is_empty() {
        return Err(ApiError::invalid(
            "input.summary",
            "a progress report needs a summary",
        ));
    }
    let txn = db.begin().await.map_err(hub_store::StoreError::from)?;
    let row = find(&txn, code).await?;
    let report = store::add_progress_report(
        &txn,
        progress_report::ActiveModel {
            task_force_id: Set(row.id),
            period: Set(period.to_owned()),
            rating: Set(rating.as_str().to_owned()),
            summary: Set(summary.to_owned()),
            reported_by: Set(principal.label.clone()),
            reported_at: Set(hub_store::now()),
            ..Default::default()
        },
    )
    .await?;
    audit(
        &txn,
        principal,
        Change {
            action: "task_force.progress_report",
            entity_type: "task_force",
            entity_id: code.to_owned(),
            before: None,
            after: Some(&json!({ "period": period, "rating": rating })),
            summary: format!("{code} reported {rating} for {period}"),
        },
    )
    .await?;
    txn.commit().await.map_err(hub_store::StoreError::from)?;
    Ok(report)
}
