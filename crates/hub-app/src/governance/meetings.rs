//! ROMT and RCP meetings: agenda, attendance, minutes, decisions and action items, with the
//! flags of the ToR (late agenda, no quorum, minutes overdue, overdue items).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use hub_domain::access::Action;
use hub_domain::governance::{self as rules, ActionStatus, GovernanceFlag, MeetingBody};
use hub_store::Executor;
use hub_store::governance::{self as store, ActionItem, Meeting};
use serde_json::json;

use super::{check_agencies, parse_date, today};
use crate::audit::{self, Change};
use crate::error::{AppError, AppResult};
use crate::{App, Caller};

/// A meeting to schedule, as entered.
#[derive(Debug, Clone)]
pub struct MeetingInput {
    pub body: MeetingBody,
    pub date: String,
    pub title: String,
    pub member_agencies: Vec<String>,
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

/// An action item to add, as entered.
#[derive(Debug, Clone)]
pub struct ActionItemInput {
    pub description: String,
    pub responsible_agency: String,
    pub responsible_person: String,
    pub deadline: String,
}

/// Action items as a caller may see them: the responsible person is for token holders only.
#[derive(Debug, Clone)]
pub struct ActionItems {
    pub items: Vec<ActionItem>,
    persons_visible: bool,
}

impl ActionItems {
    /// The person responsible for `item`, if the caller may see it.
    pub fn person<'a>(&self, item: &'a ActionItem) -> Option<&'a str> {
        self.persons_visible
            .then_some(item.responsible_person.as_str())
    }

    /// OVERDUE when past its deadline and not done.
    pub fn flags(item: &ActionItem) -> Vec<GovernanceFlag> {
        if rules::overdue(item.deadline, item.status == ActionStatus::Done, today()) {
            vec![GovernanceFlag::Overdue]
        } else {
            vec![]
        }
    }
}

/// A meeting with its action items.
#[derive(Debug, Clone)]
pub struct MeetingDetails {
    pub meeting: Meeting,
    pub action_items: ActionItems,
}

impl MeetingDetails {
    /// Whether more than half of the member agencies attended (none until recorded).
    pub fn quorum(&self) -> Option<bool> {
        self.meeting
            .attendance
            .as_ref()
            .map(|present| rules::has_quorum(present.len(), self.meeting.member_agencies.len()))
    }

    /// AGENDA_LATE, NO_QUORUM, MINUTES_OVERDUE.
    pub fn flags(&self) -> Vec<GovernanceFlag> {
        let (date, today) = (self.meeting.date, today());
        let mut flags = Vec::new();
        let sent = self.meeting.agenda_sent_at.map(|t| t.date_naive());
        if (sent.is_some() || date >= today) && rules::agenda_late(sent, date, today) {
            flags.push(GovernanceFlag::AgendaLate);
        }
        if self.quorum() == Some(false) {
            flags.push(GovernanceFlag::NoQuorum);
        }
        if date <= today
            && rules::minutes_overdue(
                date,
                self.meeting.minutes_circulated_at.map(|t| t.date_naive()),
                today,
            )
        {
            flags.push(GovernanceFlag::MinutesOverdue);
        }
        flags
    }
}

async fn find(db: &impl Executor, id: i64) -> AppResult<Meeting> {
    store::meeting(db, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no meeting {id}")))
}

impl App {
    /// Meetings with their action items, in two queries.
    async fn meeting_details(
        &self,
        caller: &Caller,
        meetings: Vec<Meeting>,
    ) -> AppResult<Vec<MeetingDetails>> {
        let ids: Vec<i64> = meetings.iter().map(|m| m.id).collect();
        let mut items: BTreeMap<i64, Vec<ActionItem>> = BTreeMap::new();
        for item in store::action_items(self.db(), Some(&ids)).await? {
            items.entry(item.meeting_id).or_default().push(item);
        }
        let persons_visible = caller.can(Action::ReadGovernanceRecords);
        Ok(meetings
            .into_iter()
            .map(|meeting| MeetingDetails {
                action_items: ActionItems {
                    items: items.remove(&meeting.id).unwrap_or_default(),
                    persons_visible,
                },
                meeting,
            })
            .collect())
    }

    async fn meeting_of(&self, caller: &Caller, id: i64) -> AppResult<MeetingDetails> {
        let meeting = find(self.db(), id).await?;
        self.meeting_details(caller, vec![meeting])
            .await?
            .pop()
            .ok_or_else(|| AppError::internal("a loaded meeting went missing"))
    }

    /// Meetings, newest first.
    #[tracing::instrument(skip_all, fields(caller = %caller.label(), request_id = caller.request_id()))]
    pub async fn meetings(&self, caller: &Caller) -> AppResult<Vec<MeetingDetails>> {
        let meetings = store::meetings(self.db()).await?;
        self.meeting_details(caller, meetings).await
    }

    /// Action items of every meeting, by deadline; only overdue ones with `overdue_only`.
    #[tracing::instrument(skip_all, fields(caller = %caller.label(), request_id = caller.request_id()))]
    pub async fn action_items(
        &self,
        caller: &Caller,
        overdue_only: bool,
    ) -> AppResult<ActionItems> {
        let items = store::action_items(self.db(), None)
            .await?
            .into_iter()
            .filter(|item| !overdue_only || !ActionItems::flags(item).is_empty())
            .collect();
        Ok(ActionItems {
            items,
            persons_visible: caller.can(Action::ReadGovernanceRecords),
        })
    }

    /// Schedules a meeting (ROMT).
    #[tracing::instrument(skip(self, caller, input), fields(caller = %caller.label(), request_id = caller.request_id()))]
    pub async fn schedule_meeting(
        &self,
        caller: &Caller,
        input: MeetingInput,
    ) -> AppResult<MeetingDetails> {
        caller.may(Action::ManageMeetings)?;
        let date = parse_date("input.date", &input.date)?;
        if input.title.trim().is_empty() {
            return Err(AppError::invalid("input.title", "a meeting needs a title"));
        }
        if input.member_agencies.is_empty() {
            return Err(AppError::invalid(
                "input.memberAgencies",
                "name the member agencies (quorum is counted on them)",
            ));
        }
        let agencies: Vec<(String, String)> = input
            .member_agencies
            .iter()
            .enumerate()
            .map(|(i, code)| (format!("input.memberAgencies[{i}]"), code.clone()))
            .collect();
        check_agencies(self.db(), &agencies).await?;
        let txn = hub_store::begin(self.db()).await?;
        let row = store::save_meeting(
            &txn,
            &Meeting {
                id: 0,
                body: input.body,
                title: input.title.clone(),
                date,
                member_agencies: input.member_agencies.clone(),
                agenda: vec![],
                agenda_sent_at: None,
                attendance: None,
                minutes_circulated_at: None,
                minutes_finalized_at: None,
                decisions: vec![],
                created_at: hub_store::now(),
            },
            true,
        )
        .await?;
        let (body, title, members) = (input.body, &input.title, &input.member_agencies);
        audit::record(
            &txn,
            caller,
            Change {
                action: "meeting.schedule",
                entity_type: "meeting",
                entity_id: row.id.to_string(),
                before: None,
                after: Some(
                    &json!({ "body": body, "date": input.date, "title": title, "members": members }),
                ),
                summary: format!("{body} meeting {title:?} on {}", input.date),
            },
        )
        .await?;
        hub_store::commit(txn).await?;
        self.meeting_of(caller, row.id).await
    }

    /// Records the agenda, the attendance or the minutes of a meeting (ROMT).
    #[tracing::instrument(skip(self, caller, change), fields(caller = %caller.label(), request_id = caller.request_id()))]
    pub async fn change_meeting(
        &self,
        caller: &Caller,
        id: i64,
        change: MeetingChange,
    ) -> AppResult<MeetingDetails> {
        caller.may(Action::ManageMeetings)?;
        if let MeetingChange::Attendance { agencies } = &change {
            let pairs: Vec<(String, String)> = agencies
                .iter()
                .enumerate()
                .map(|(i, code)| (format!("agencies[{i}]"), code.clone()))
                .collect();
            check_agencies(self.db(), &pairs).await?;
        }
        let txn = hub_store::begin(self.db()).await?;
        let mut meeting = find(&txn, id).await?;
        let (action, after) = match &change {
            MeetingChange::Agenda { items, sent_at } => {
                if items.is_empty() {
                    return Err(AppError::invalid(
                        "items",
                        "an agenda has at least one item",
                    ));
                }
                meeting.agenda = items.clone();
                meeting.agenda_sent_at = Some(*sent_at);
                (
                    "meeting.agenda",
                    json!({ "items": items, "sentAt": sent_at }),
                )
            }
            MeetingChange::Attendance { agencies } => {
                if let Some(stranger) = agencies
                    .iter()
                    .find(|a| !meeting.member_agencies.contains(a))
                {
                    return Err(AppError::invalid(
                        "agencies",
                        format!("{stranger} is not a member agency of this meeting"),
                    ));
                }
                meeting.attendance = Some(agencies.clone());
                ("meeting.attendance", json!({ "agencies": agencies }))
            }
            MeetingChange::Minutes {
                circulated_at,
                finalized_at,
                decisions,
            } => {
                if finalized_at.is_some_and(|f| f < *circulated_at) {
                    return Err(AppError::invalid(
                        "finalizedAt",
                        "minutes are finalized after they are circulated",
                    ));
                }
                meeting.minutes_circulated_at = Some(*circulated_at);
                meeting.minutes_finalized_at = *finalized_at;
                meeting.decisions = decisions.clone();
                (
                    "meeting.minutes",
                    json!({ "circulatedAt": circulated_at, "finalizedAt": finalized_at, "decisions": decisions }),
                )
            }
        };
        store::save_meeting(&txn, &meeting, false).await?;
        audit::record(
            &txn,
            caller,
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
        hub_store::commit(txn).await?;
        self.meeting_of(caller, id).await
    }

    /// Adds an action item to a meeting (ROMT).
    #[tracing::instrument(skip(self, caller, input), fields(caller = %caller.label(), request_id = caller.request_id()))]
    pub async fn add_action_item(
        &self,
        caller: &Caller,
        meeting_id: i64,
        input: ActionItemInput,
    ) -> AppResult<ActionItem> {
        caller.may(Action::ManageMeetings)?;
        let deadline = parse_date("input.deadline", &input.deadline)?;
        if input.description.trim().is_empty() || input.responsible_person.trim().is_empty() {
            return Err(AppError::invalid(
                "input.description",
                "an action item needs a description and a responsible person",
            ));
        }
        check_agencies(
            self.db(),
            &[(
                "input.responsibleAgency".into(),
                input.responsible_agency.clone(),
            )],
        )
        .await?;
        let txn = hub_store::begin(self.db()).await?;
        find(&txn, meeting_id).await?;
        let item = store::save_action_item(
            &txn,
            &ActionItem {
                id: 0,
                meeting_id,
                description: input.description,
                responsible_agency: input.responsible_agency,
                responsible_person: input.responsible_person,
                deadline,
                status: ActionStatus::Open,
                completed_at: None,
            },
            true,
        )
        .await?;
        let (agency, person) = (&item.responsible_agency, &item.responsible_person);
        audit::record(
            &txn,
            caller,
            Change {
                action: "action_item.create",
                entity_type: "action_item",
                entity_id: item.id.to_string(),
                before: None,
                after: Some(
                    &json!({ "meeting": meeting_id, "agency": agency, "person": person,
                                     "deadline": input.deadline }),
                ),
                summary: format!("action for {person} ({agency}) due {}", input.deadline),
            },
        )
        .await?;
        hub_store::commit(txn).await?;
        Ok(item)
    }

    /// Marks an action item open or done (ROMT).
    #[tracing::instrument(skip(self, caller), fields(caller = %caller.label(), request_id = caller.request_id()))]
    pub async fn update_action_item(
        &self,
        caller: &Caller,
        id: i64,
        status: ActionStatus,
    ) -> AppResult<ActionItem> {
        caller.may(Action::ManageMeetings)?;
        let txn = hub_store::begin(self.db()).await?;
        let mut item = store::action_item(&txn, id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("no action item {id}")))?;
        let before = json!({ "status": item.status });
        item.status = status;
        item.completed_at = (status == ActionStatus::Done).then(hub_store::now);
        let item = store::save_action_item(&txn, &item, false).await?;
        audit::record(
            &txn,
            caller,
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
        hub_store::commit(txn).await?;
        Ok(item)
    }
}
