//! ROMT task forces: terms of reference, chair and co-chair agencies, members, deliverables and
//! progress reports to the RCP.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use hub_domain::access::Action;
use hub_domain::governance::{
    self as rules, DeliverableStatus, GovernanceFlag, ProgressRating, TaskForceStatus, check_chairs,
};
use hub_domain::period::Period;
use hub_store::Executor;
use hub_store::governance::{
    self as store, ChairTerm, Deliverable, Member, NewTaskForce, ProgressReport, TaskForce,
};
use serde_json::json;

use super::{check_agencies, parse_date, today};
use crate::audit::{self, Change};
use crate::error::{AppError, AppResult};
use crate::{App, Caller};

/// A task force to create, as entered.
#[derive(Debug, Clone)]
pub struct TaskForceInput {
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

/// What may change in a task force.
#[derive(Debug, Clone, Default)]
pub struct TaskForceUpdate {
    pub name: Option<String>,
    pub purpose: Option<String>,
    pub tor_text: Option<String>,
    pub tor_approved_on: Option<String>,
    pub end_date: Option<String>,
}

/// A task force with everything about it.
#[derive(Debug, Clone)]
pub struct TaskForceDetails {
    pub task_force: TaskForce,
    members: Vec<Member>,
    members_visible: bool,
    /// Chairmanship history, oldest first.
    pub chairs: Vec<ChairTerm>,
    /// By due date.
    pub deliverables: Vec<Deliverable>,
    /// Newest first.
    pub reports: Vec<ProgressReport>,
}

impl TaskForceDetails {
    /// The members, by name: for token holders only.
    pub fn members(&self) -> AppResult<&[Member]> {
        if self.members_visible {
            Ok(&self.members)
        } else {
            Err(AppError::Unauthenticated(format!(
                "{} need an access token",
                Action::ReadGovernanceRecords.describe()
            )))
        }
    }

    /// MEMBER_WITHOUT_ALTERNATE when the member has no alternate.
    pub fn member_flags(member: &Member) -> Vec<GovernanceFlag> {
        if member.alternate_name.is_none() {
            vec![GovernanceFlag::MemberWithoutAlternate]
        } else {
            vec![]
        }
    }

    /// DELIVERABLE_OVERDUE when past due and not done.
    pub fn deliverable_flags(deliverable: &Deliverable) -> Vec<GovernanceFlag> {
        let done = deliverable.status == DeliverableStatus::Done;
        if rules::overdue(deliverable.due_date, done, today()) {
            vec![GovernanceFlag::DeliverableOverdue]
        } else {
            vec![]
        }
    }

    /// PAST_END_DATE when past its end and still active; MEMBER_WITHOUT_ALTERNATE and
    /// DELIVERABLE_OVERDUE when any member or deliverable has them.
    pub fn flags(&self) -> Vec<GovernanceFlag> {
        let mut flags = Vec::new();
        if self.task_force.status == TaskForceStatus::Active && self.task_force.end_date < today() {
            flags.push(GovernanceFlag::PastEndDate);
        }
        if self
            .members
            .iter()
            .any(|m| !Self::member_flags(m).is_empty())
        {
            flags.push(GovernanceFlag::MemberWithoutAlternate);
        }
        if self
            .deliverables
            .iter()
            .any(|d| !Self::deliverable_flags(d).is_empty())
        {
            flags.push(GovernanceFlag::DeliverableOverdue);
        }
        flags
    }
}

fn valid_code(code: &str) -> bool {
    (2..=32).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-')
}

async fn find(db: &impl Executor, code: &str) -> AppResult<TaskForce> {
    store::task_force(db, code)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no task force {code}")))
}

fn dates(start: &str, end: &str) -> AppResult<(NaiveDate, NaiveDate)> {
    let (start, end) = (
        parse_date("input.startDate", start)?,
        parse_date("input.endDate", end)?,
    );
    if end < start {
        return Err(AppError::invalid(
            "input.endDate",
            "a task force ends after it starts",
        ));
    }
    Ok((start, end))
}

/// Loads the details of some task forces in five queries, whatever their number.
async fn details(
    db: &impl Executor,
    caller: &Caller,
    task_forces: Vec<TaskForce>,
) -> AppResult<Vec<TaskForceDetails>> {
    let ids: Vec<i64> = task_forces.iter().map(|t| t.id).collect();
    fn group<T>(items: Vec<T>, key: impl Fn(&T) -> i64) -> BTreeMap<i64, Vec<T>> {
        let mut by: BTreeMap<i64, Vec<T>> = BTreeMap::new();
        for item in items {
            by.entry(key(&item)).or_default().push(item);
        }
        by
    }
    let mut members = group(store::members_of(db, &ids).await?, |m| m.task_force_id);
    let mut chairs = group(store::chairs_of(db, &ids).await?, |c| c.task_force_id);
    let mut deliverables = group(store::deliverables_of(db, &ids).await?, |d| d.task_force_id);
    let mut reports = group(store::progress_reports_of(db, &ids).await?, |r| {
        r.task_force_id
    });
    let members_visible = caller.can(Action::ReadGovernanceRecords);
    Ok(task_forces
        .into_iter()
        .map(|task_force| {
            let id = task_force.id;
            TaskForceDetails {
                members: members.remove(&id).unwrap_or_default(),
                members_visible,
                chairs: chairs.remove(&id).unwrap_or_default(),
                deliverables: deliverables.remove(&id).unwrap_or_default(),
                reports: reports.remove(&id).unwrap_or_default(),
                task_force,
            }
        })
        .collect())
}

async fn one(db: &impl Executor, caller: &Caller, code: &str) -> AppResult<TaskForceDetails> {
    let task_force = find(db, code).await?;
    details(db, caller, vec![task_force])
        .await?
        .pop()
        .ok_or_else(|| AppError::internal("a loaded task force went missing"))
}

impl App {
    /// Every task force, by code.
    #[tracing::instrument(skip_all, fields(caller = %caller.label(), request_id = caller.request_id()))]
    pub async fn task_forces(&self, caller: &Caller) -> AppResult<Vec<TaskForceDetails>> {
        let all = store::task_forces(self.db()).await?;
        details(self.db(), caller, all).await
    }

    /// One task force by code.
    #[tracing::instrument(skip_all, fields(caller = %caller.label(), request_id = caller.request_id()))]
    pub async fn task_force(
        &self,
        caller: &Caller,
        code: &str,
    ) -> AppResult<Option<TaskForceDetails>> {
        match store::task_force(self.db(), code).await? {
            Some(tf) => Ok(details(self.db(), caller, vec![tf]).await?.pop()),
            None => Ok(None),
        }
    }

    /// Creates a task force (ROMT).
    #[tracing::instrument(skip(self, caller, input), fields(caller = %caller.label(), request_id = caller.request_id(), code = %input.code))]
    pub async fn create_task_force(
        &self,
        caller: &Caller,
        input: TaskForceInput,
    ) -> AppResult<TaskForceDetails> {
        caller.may(Action::ManageTaskForces)?;
        if !valid_code(&input.code) {
            return Err(AppError::invalid(
                "input.code",
                "2 to 32 upper-case letters, digits or '-', e.g. TF-PROC",
            ));
        }
        if input.name.trim().is_empty() {
            return Err(AppError::invalid("input.name", "a task force needs a name"));
        }
        check_chairs(&input.chair_agency, &input.co_chair_agency)
            .map_err(|e| AppError::invalid("input.coChairAgency", e))?;
        let (start_date, end_date) = dates(&input.start_date, &input.end_date)?;
        let tor_approved_on = input
            .tor_approved_on
            .as_deref()
            .map(|on| parse_date("input.torApprovedOn", on))
            .transpose()?;
        check_agencies(
            self.db(),
            &[
                ("input.chairAgency".into(), input.chair_agency.clone()),
                ("input.coChairAgency".into(), input.co_chair_agency.clone()),
            ],
        )
        .await?;
        let txn = hub_store::begin(self.db()).await?;
        if store::task_force(&txn, &input.code).await?.is_some() {
            return Err(AppError::Conflict(format!(
                "a task force {} already exists",
                input.code
            )));
        }
        let row = store::insert_task_force(
            &txn,
            &NewTaskForce {
                code: input.code,
                name: input.name,
                purpose: input.purpose,
                tor_text: input.tor_text,
                tor_approved_on,
                chair_agency: input.chair_agency,
                co_chair_agency: input.co_chair_agency,
                start_date,
                end_date,
            },
        )
        .await?;
        let after = json!({ "code": row.code, "chair": row.chair_agency, "coChair": row.co_chair_agency,
                            "start": row.start_date, "end": row.end_date });
        audit::record(
            &txn,
            caller,
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
        hub_store::commit(txn).await?;
        one(self.db(), caller, &row.code).await
    }

    /// Updates a task force's description, terms of reference or end date (ROMT).
    #[tracing::instrument(skip(self, caller, change), fields(caller = %caller.label(), request_id = caller.request_id()))]
    pub async fn update_task_force(
        &self,
        caller: &Caller,
        code: &str,
        change: TaskForceUpdate,
    ) -> AppResult<TaskForceDetails> {
        caller.may(Action::ManageTaskForces)?;
        let txn = hub_store::begin(self.db()).await?;
        let mut tf = find(&txn, code).await?;
        let before =
            json!({ "name": tf.name, "end": tf.end_date, "torApprovedOn": tf.tor_approved_on });
        if let Some(end) = &change.end_date {
            let end = parse_date("input.endDate", end)?;
            if end < tf.start_date {
                return Err(AppError::invalid(
                    "input.endDate",
                    "a task force ends after it starts",
                ));
            }
            tf.end_date = end;
        }
        if let Some(on) = &change.tor_approved_on {
            tf.tor_approved_on = Some(parse_date("input.torApprovedOn", on)?);
        }
        if let Some(v) = change.name {
            tf.name = v;
        }
        if let Some(v) = change.purpose {
            tf.purpose = v;
        }
        if let Some(v) = change.tor_text {
            tf.tor_text = Some(v);
        }
        let tf = store::save_task_force(&txn, &tf).await?;
        let after =
            json!({ "name": tf.name, "end": tf.end_date, "torApprovedOn": tf.tor_approved_on });
        audit::record(
            &txn,
            caller,
            Change {
                action: "task_force.update",
                entity_type: "task_force",
                entity_id: tf.code.clone(),
                before: Some(&before),
                after: Some(&after),
                summary: format!("task force {} updated", tf.code),
            },
        )
        .await?;
        hub_store::commit(txn).await?;
        one(self.db(), caller, code).await
    }

    /// Closes a task force (ROMT).
    #[tracing::instrument(skip(self, caller), fields(caller = %caller.label(), request_id = caller.request_id()))]
    pub async fn close_task_force(
        &self,
        caller: &Caller,
        code: &str,
    ) -> AppResult<TaskForceDetails> {
        caller.may(Action::ManageTaskForces)?;
        let txn = hub_store::begin(self.db()).await?;
        let mut tf = find(&txn, code).await?;
        if tf.status == TaskForceStatus::Closed {
            return Err(AppError::Conflict(format!(
                "task force {code} is already closed"
            )));
        }
        tf.status = TaskForceStatus::Closed;
        store::save_task_force(&txn, &tf).await?;
        audit::record(
            &txn,
            caller,
            Change {
                action: "task_force.close",
                entity_type: "task_force",
                entity_id: tf.code.clone(),
                before: Some(&json!({ "status": "ACTIVE" })),
                after: Some(&json!({ "status": "CLOSED" })),
                summary: format!("task force {} closed", tf.code),
            },
        )
        .await?;
        hub_store::commit(txn).await?;
        one(self.db(), caller, code).await
    }

    /// Hands the chair and co-chair to other agencies from a date, keeping the history (ROMT).
    #[tracing::instrument(skip(self, caller), fields(caller = %caller.label(), request_id = caller.request_id()))]
    pub async fn rotate_task_force_chair(
        &self,
        caller: &Caller,
        code: &str,
        chair: &str,
        co_chair: &str,
        from: &str,
    ) -> AppResult<TaskForceDetails> {
        caller.may(Action::ManageTaskForces)?;
        check_chairs(chair, co_chair).map_err(|e| AppError::invalid("coChairAgency", e))?;
        let from_date = parse_date("from", from)?;
        check_agencies(
            self.db(),
            &[
                ("chairAgency".into(), chair.to_owned()),
                ("coChairAgency".into(), co_chair.to_owned()),
            ],
        )
        .await?;
        let txn = hub_store::begin(self.db()).await?;
        let tf = find(&txn, code).await?;
        store::rotate_chair(&txn, tf.id, chair, co_chair, from_date).await?;
        audit::record(
            &txn,
            caller,
            Change {
                action: "task_force.rotate_chair",
                entity_type: "task_force",
                entity_id: tf.code.clone(),
                before: Some(&json!({ "chair": tf.chair_agency, "coChair": tf.co_chair_agency })),
                after: Some(&json!({ "chair": chair, "coChair": co_chair, "from": from })),
                summary: format!(
                    "task force {code}: chair {chair}, co-chair {co_chair} from {from}"
                ),
            },
        )
        .await?;
        hub_store::commit(txn).await?;
        one(self.db(), caller, code).await
    }

    /// Adds a member (ROMT).
    #[tracing::instrument(skip(self, caller, name, alternate), fields(caller = %caller.label(), request_id = caller.request_id()))]
    pub async fn add_task_force_member(
        &self,
        caller: &Caller,
        code: &str,
        agency: &str,
        name: &str,
        role: &str,
        alternate: Option<String>,
    ) -> AppResult<TaskForceDetails> {
        caller.may(Action::ManageTaskForces)?;
        if name.trim().is_empty() {
            return Err(AppError::invalid("input.name", "a member needs a name"));
        }
        check_agencies(self.db(), &[("input.agency".into(), agency.to_owned())]).await?;
        let txn = hub_store::begin(self.db()).await?;
        let tf = find(&txn, code).await?;
        let alternate = alternate.filter(|a| !a.trim().is_empty());
        store::add_member(&txn, tf.id, agency, name, role, alternate.as_deref()).await?;
        audit::record(
            &txn,
            caller,
            Change {
                action: "task_force.add_member",
                entity_type: "task_force",
                entity_id: tf.code.clone(),
                before: None,
                after: Some(
                    &json!({ "agency": agency, "name": name, "role": role, "alternate": alternate }),
                ),
                summary: format!("{name} ({agency}) joined task force {code} as {role}"),
            },
        )
        .await?;
        hub_store::commit(txn).await?;
        one(self.db(), caller, code).await
    }

    /// Adds a deliverable; it must fall within the task force's life (ROMT).
    #[tracing::instrument(skip(self, caller), fields(caller = %caller.label(), request_id = caller.request_id()))]
    pub async fn add_deliverable(
        &self,
        caller: &Caller,
        code: &str,
        title: &str,
        due: &str,
        activity: Option<String>,
    ) -> AppResult<Deliverable> {
        caller.may(Action::ManageTaskForces)?;
        let due_date = parse_date("input.dueDate", due)?;
        let txn = hub_store::begin(self.db()).await?;
        let tf = find(&txn, code).await?;
        if due_date < tf.start_date {
            return Err(AppError::invalid(
                "input.dueDate",
                format!("{due} is before the task force starts ({})", tf.start_date),
            ));
        }
        if let Some(activity) = &activity
            && !store::activity_code_exists(&txn, activity).await?
        {
            return Err(AppError::invalid(
                "input.activityCode",
                format!("no work-plan activity {activity}"),
            ));
        }
        let item = store::save_deliverable(
            &txn,
            &Deliverable {
                id: 0,
                task_force_id: tf.id,
                title: title.to_owned(),
                due_date,
                status: DeliverableStatus::Planned,
                progress: 0,
                activity_code: activity,
            },
            true,
        )
        .await?;
        audit::record(
            &txn,
            caller,
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
        hub_store::commit(txn).await?;
        Ok(item)
    }

    /// Updates a deliverable's status and progress (ROMT).
    #[tracing::instrument(skip(self, caller), fields(caller = %caller.label(), request_id = caller.request_id()))]
    pub async fn update_deliverable(
        &self,
        caller: &Caller,
        id: i64,
        status: DeliverableStatus,
        progress: i32,
    ) -> AppResult<Deliverable> {
        caller.may(Action::ManageTaskForces)?;
        if !(0..=100).contains(&progress) {
            return Err(AppError::invalid(
                "progress",
                "progress is a percentage, 0 to 100",
            ));
        }
        let txn = hub_store::begin(self.db()).await?;
        let mut item = store::deliverable(&txn, id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("no deliverable {id}")))?;
        let before = json!({ "status": item.status, "progress": item.progress });
        item.status = status;
        item.progress = if status == DeliverableStatus::Done {
            100
        } else {
            progress
        };
        let item = store::save_deliverable(&txn, &item, false).await?;
        audit::record(
            &txn,
            caller,
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
        hub_store::commit(txn).await?;
        Ok(item)
    }

    /// Files a progress report to the RCP (ROMT).
    #[tracing::instrument(skip(self, caller, summary), fields(caller = %caller.label(), request_id = caller.request_id()))]
    pub async fn add_progress_report(
        &self,
        caller: &Caller,
        code: &str,
        period: &str,
        rating: ProgressRating,
        summary: &str,
    ) -> AppResult<TaskForceDetails> {
        caller.may(Action::ManageTaskForces)?;
        let period: Period = period
            .parse()
            .map_err(|e| AppError::invalid("input.period", e))?;
        if summary.trim().is_empty() {
            return Err(AppError::invalid(
                "input.summary",
                "a progress report needs a summary",
            ));
        }
        let txn = hub_store::begin(self.db()).await?;
        let tf = find(&txn, code).await?;
        store::add_progress_report(
            &txn,
            &ProgressReport {
                task_force_id: tf.id,
                period,
                rating,
                summary: summary.to_owned(),
                reported_by: caller.label(),
                reported_at: hub_store::now(),
            },
        )
        .await?;
        audit::record(
            &txn,
            caller,
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
        hub_store::commit(txn).await?;
        one(self.db(), caller, code).await
    }
}
