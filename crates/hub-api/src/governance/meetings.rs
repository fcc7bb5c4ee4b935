//! ROMT and RCP meetings: agenda, attendance, minutes, decisions and action items.

use chrono::{DateTime, Utc};
use hub_domain::access::Principal;
use hub_domain::governance::{ActionStatus, MeetingBody};
use hub_store::entity::{action_item, meeting};
use hub_store::governance as store;
use hub_store::sea_orm::ActiveValue::Set;
use hub_store::sea_orm::IntoActiveModel;
use hub_store::{Db, TransactionTrait};
use serde_json::json;

use super::{Change, audit, check_agencies, parse_date};
use crate::error::ApiError;

async fn find(db: &impl hub_store::ConnectionTrait, id: i64) -> Result<meeting::Model, ApiError> {
    store::meeting(db, id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no meeting {id}")))
}

/// Schedules a meeting (ROMT).
pub async fn schedule(
    db: &Db,
    principal: &Principal,
    body: MeetingBody,
    date: &str,
    title: &str,
    members: &[String],
) -> Result<meeting::Model, ApiError> {
    parse_date("input.date", date)?;
    if title.trim().is_empty() {
        return Err(ApiError::invalid("input.title", "a meeting needs a title"));
    }
    if members.is_empty() {
        return Err(ApiError::invalid(
            "input.memberAgencies",
            "name the member agencies (quorum is counted on them)",
        ));
    }
    let agencies: Vec<(String, String)> = members
        .iter()
        .enumerate()
        .map(|(i, code)| (format!("input.memberAgencies[{i}]"), code.clone()))
        .collect();
    check_agencies(db, &agencies).await?;
    let txn = db.begin().await.map_err(hub_store::StoreError::from)?;
    let row = store::save_meeting(
        &txn,
        meeting::ActiveModel {
            body: Set(body.as_str().to_owned()),
            title: Set(title.to_owned()),
            date: Set(date.to_owned()),
            member_agencies: Set(members.join(";")),
            agenda: Set("[]".to_owned()),
            agenda_sent_at: Set(None),
            attendance: Set(None),
            minutes_circulated_at: Set(None),
            minutes_finalized_at: Set(None),
            decisions: Set("[]".to_owned()),
            created_at: Set(hub_store::now()),
            ..Default::default()
        },
    )
    .await?;
    audit(
        &txn,
        principal,
        Change {
            action: "meeting.schedule",
            entity_type: "meeting",
            entity_id: row.id.to_string(),
            before: None,
            after: Some(&json!({ "body": body, "date": date, "title": title, "members": members })),
            summary: format!("{body} meeting {title:?} on {date}"),
        },
    )
    .await?;
    txn.commit().await.map_err(hub_store::StoreError::from)?;
    Ok(row)
}

/// A change to a meeting.
#[derive(Debug, Clone)]
pub enum MeetingChange {
    Agenda {
        items: Vec<String>,
        sent_at: DateTime<Utc>,
    },
    Attendance {
        agencies: Vec<String>,
    },
    Minutes {
        circulated_at: DateTime<Utc>,
        finalized_at: Option<DateTime<Utc>>,
        decisions: Vec<String>,
    },
}

/// Records the agenda, the attendance or the minutes of a meeting (ROMT).
pub async fn change(
    db: &Db,
    principal: &Principal,
    id: i64,
    change: MeetingChange,
) -> Result<meeting::Model, ApiError> {
    if let MeetingChange::Attendance { agencies } = &change {
        let pairs: Vec<(String, String)> = agencies
            .iter()
            .enumerate()
            .map(|(i, code)| (format!("agencies[{i}]"), code.clone()))
            .collect();
        check_agencies(db, &pairs).await?;
    }
    let txn = db.begin().await.map_err(hub_store::StoreError::from)?;
    let row = find(&txn, id).await?;
    let members: Vec<&str> = row
        .member_agencies
        .split(';')
        .filter(|a| !a.is_empty())
        .collect();
    let mut active = row.clone().into_active_model();
    let (action, after) = match &change {
        MeetingChange::Agenda { items, sent_at } => {
            if items.is_empty() {
                return Err(ApiError::invalid(
                    "items",
                    "an agenda has at least one item",
                ));
            }
            active.agenda = Set(json!(items).to_string());
            active.agenda_sent_at = Set(Some(*sent_at));
            (
                "meeting.agenda",
                json!({ "items": items, "sentAt": sent_at }),
            )
        }
        MeetingChange::Attendance { agencies } => {
            if let Some(stranger) = agencies.iter().find(|a| !members.contains(&a.as_str())) {
                return Err(ApiError::invalid(
                    "agencies",
                    format!("{stranger} is not a member agency of this meeting"),
                ));
            }
            active.attendance = Set(Some(agencies.join(";")));
            ("meeting.attendance", json!({ "agencies": agencies }))
        }
        MeetingChange::Minutes {
            circulated_at,
            finalized_at,
            decisions,
        } => {
            if finalized_at.is_some_and(|f| f < *circulated_at) {
                return Err(ApiError::invalid(
                    "finalizedAt",
                    "minutes are finalized after they are circulated",
                ));
            }
            active.minutes_circulated_at = Set(Some(*circulated_at));
            active.minutes_finalized_at = Set(*finalized_at);
            active.decisions = Set(json!(decisions).to_string());
            (
                "meeting.minutes",
                json!({ "circulatedAt": circulated_at, "finalizedAt": finalized_at, "decisions": decisions }),
            )
        }
    };
    let saved = store::save_meeting(&txn, active).await?;
    audit(
        &txn,
        principal,
        Change {
            action,
            entity_type: "meeting",
            entity_id: id.to_string(),
            before: None,
            after: Some(&after),
            summary: format!("meeting {id}: {}", action.trim_start_matches("meeting.")),
        },
    )
    .await?;
    txn.commit().await.map_err(hub_store::StoreError::from)?;
    Ok(saved)
}

/// Adds an action item to a meeting (ROMT).
pub async fn add_action_item(
    db: &Db,
    principal: &Principal,
    meeting_id: i64,
    description: &str,
    agency: &str,
    person: &str,
    deadline: &str,
) -> Result<action_item::Model, ApiError> {
    parse_date("input.deadline", deadline)?;
    if description.trim().is_empty() || person.trim().is_empty() {
        return Err(ApiError::invalid(
            "input.description",
            "an action item needs a description and a responsible person",
        ));
    }
    check_agencies(db, &[("input.responsibleAgency".into(), agency.to_owned())]).await?;
    let txn = db.begin().await.map_err(hub_store::StoreError::from)?;
    find(&txn, meeting_id).await?;
    let item = store::save_action_item(
        &txn,
        action_item::ActiveModel {
            meeting_id: Set(meeting_id),
            description: Set(description.to_owned()),
            responsible_agency: Set(agency.to_owned()),
            responsible_person: Set(person.to_owned()),
            deadline: Set(deadline.to_owned()),
            status: Set(ActionStatus::Open.as_str().to_owned()),
            completed_at: Set(None),
            ..Default::default()
        },
    )
    .await?;
    audit(&txn, principal, Change {
        action: "action_item.create",
        entity_type: "action_item",
        entity_id: item.id.to_string(),
        before: None,
        after: Some(&json!({ "meeting": meeting_id, "agency": agency, "person": person, "deadline": deadline })),
        summary: format!("action for {person} ({agency}) due {deadline}"),
    })
    .await?;
    txn.commit().await.map_err(hub_store::StoreError::from)?;
    Ok(item)
}

/// Marks an action item open or done (ROMT).
pub async fn set_action_status(
    db: &Db,
    principal: &Principal,
    id: i64,
    status: ActionStatus,
) -> Result<action_item::Model, ApiError> {
    let txn = db.begin().await.map_err(hub_store::StoreError::from)?;
    let item = store::action_item(&txn, id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no action item {id}")))?;
    let before = json!({ "status": item.status });
    let mut active = item.into_active_model();
    active.status = Set(status.as_str().to_owned());
    active.completed_at = Set((status == ActionStatus::Done).then(hub_store::now));
    let item = store::save_action_item(&txn, active).await?;
    audit(
        &txn,
        principal,
        Change {
            action: "action_item.status",
            entity_type: "action_item",
            entity_id: id.to_string(),
            before: Some(&before),
            after: Some(&json!({ "status": status })),
            summary: format!("action item {id}: {status}"),
        },
    )
    .await?;
    txn.commit().await.map_err(hub_store::StoreError::from)?;
    Ok(item)
}
