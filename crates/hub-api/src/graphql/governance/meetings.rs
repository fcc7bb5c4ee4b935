//! ROMT and RCP meetings: agenda, attendance and quorum, minutes, and their action items.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use hub_app::governance::ActionItem;
use hub_app::governance::meetings::{
    ActionItemInput, ActionItems, MeetingChange, MeetingDetails, MeetingInput,
};
use hub_domain::governance::{ActionStatus, GovernanceFlag, MeetingBody};

use super::super::context;
use super::super::limits;
use super::super::paging::parse_id;
use crate::error::GqlResult;

/// An action item of a meeting.
#[derive(SimpleObject, Debug, Clone)]
#[graphql(name = "ActionItem")]
pub struct ActionItemView {
    pub id: ID,
    pub meeting_id: ID,
    pub description: String,
    pub responsible_agency: String,
    /// The person responsible; null without a token (names of persons are not public).
    pub responsible_person: Option<String>,
    /// `YYYY-MM-DD`.
    pub deadline: String,
    pub status: ActionStatus,
    pub completed_at: Option<DateTime<Utc>>,
    /// OVERDUE when past its deadline and not done.
    pub flags: Vec<GovernanceFlag>,
}

impl ActionItemView {
    /// The view of `item`, naming `person` where the caller may see it.
    fn new(item: &ActionItem, person: Option<&str>) -> Self {
        Self {
            id: ID::from(item.id),
            meeting_id: ID::from(item.meeting_id),
            flags: ActionItems::flags(item),
            description: item.description.clone(),
            responsible_agency: item.responsible_agency.clone(),
            responsible_person: person.map(str::to_owned),
            deadline: item.deadline.to_string(),
            status: item.status,
            completed_at: item.completed_at,
        }
    }

    /// Every item of `items` as the caller may see it.
    fn all(items: &ActionItems) -> Vec<Self> {
        items
            .items
            .iter()
            .map(|item| Self::new(item, items.person(item)))
            .collect()
    }

    /// An item the caller just changed: its writer (who holds a token) sees the person.
    fn written(item: &ActionItem) -> Self {
        Self::new(item, Some(&item.responsible_person))
    }
}

/// A ROMT or RCP meeting.
#[derive(Debug, Clone)]
pub struct MeetingView(pub MeetingDetails);

#[Object(name = "Meeting")]
impl MeetingView {
    async fn id(&self) -> ID {
        ID::from(self.0.meeting.id)
    }
    async fn body(&self) -> MeetingBody {
        self.0.meeting.body
    }
    async fn title(&self) -> &str {
        &self.0.meeting.title
    }
    /// `YYYY-MM-DD`.
    async fn date(&self) -> String {
        self.0.meeting.date.to_string()
    }
    async fn member_agencies(&self) -> &[String] {
        &self.0.meeting.member_agencies
    }
    async fn agenda(&self) -> &[String] {
        &self.0.meeting.agenda
    }
    async fn agenda_sent_at(&self) -> Option<DateTime<Utc>> {
        self.0.meeting.agenda_sent_at
    }
    /// Agencies present; null until recorded.
    async fn attendance(&self) -> Option<&[String]> {
        self.0.meeting.attendance.as_deref()
    }
    /// Whether more than half of the member agencies attended (null until recorded).
    async fn quorum(&self) -> Option<bool> {
        self.0.quorum()
    }
    async fn minutes_circulated_at(&self) -> Option<DateTime<Utc>> {
        self.0.meeting.minutes_circulated_at
    }
    async fn minutes_finalized_at(&self) -> Option<DateTime<Utc>> {
        self.0.meeting.minutes_finalized_at
    }
    async fn decisions(&self) -> &[String] {
        &self.0.meeting.decisions
    }
    /// AGENDA_LATE, NO_QUORUM, MINUTES_OVERDUE.
    async fn flags(&self) -> Vec<GovernanceFlag> {
        self.0.flags()
    }
    #[graphql(complexity = "limits::bounded(limits::size::FEW, child_complexity)")]
    async fn action_items(&self) -> Vec<ActionItemView> {
        ActionItemView::all(&self.0.action_items)
    }
}

/// A meeting to schedule.
#[derive(InputObject, Debug)]
#[graphql(name = "MeetingInput")]
pub struct MeetingInputView {
    pub body: MeetingBody,
    /// `YYYY-MM-DD`.
    pub date: String,
    pub title: String,
    pub member_agencies: Vec<String>,
}

/// An action item to add.
#[derive(InputObject, Debug)]
#[graphql(name = "ActionItemInput")]
pub struct ActionItemInputView {
    pub description: String,
    pub responsible_agency: String,
    pub responsible_person: String,
    /// `YYYY-MM-DD`.
    pub deadline: String,
}

#[derive(Default, Debug)]
pub struct MeetingQuery;

#[Object]
impl MeetingQuery {
    /// Meetings, newest first.
    #[graphql(complexity = "limits::bounded(limits::size::MANY, child_complexity)")]
    async fn meetings(&self, ctx: &Context<'_>) -> GqlResult<Vec<MeetingView>> {
        let (app, caller) = context(ctx)?;
        Ok(app
            .meetings(caller)
            .await?
            .into_iter()
            .map(MeetingView)
            .collect())
    }
    /// Action items of every meeting, by deadline; only overdue ones with `overdueOnly`.
    #[graphql(complexity = "limits::bounded(limits::size::MANY, child_complexity)")]
    async fn action_items(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = false)] overdue_only: bool,
    ) -> GqlResult<Vec<ActionItemView>> {
        let (app, caller) = context(ctx)?;
        Ok(ActionItemView::all(
            &app.action_items(caller, overdue_only).await?,
        ))
    }
}

/// Applies one change to a meeting.
async fn change(ctx: &Context<'_>, id: &ID, change: MeetingChange) -> GqlResult<MeetingView> {
    let (app, caller) = context(ctx)?;
    Ok(MeetingView(
        app.change_meeting(caller, parse_id("id", id)?, change)
            .await?,
    ))
}

#[derive(Default, Debug)]
pub struct MeetingMutation;

#[Object]
impl MeetingMutation {
    /// Schedules a ROMT or RCP meeting (ROMT).
    async fn schedule_meeting(
        &self,
        ctx: &Context<'_>,
        input: MeetingInputView,
    ) -> GqlResult<MeetingView> {
        let (app, caller) = context(ctx)?;
        let input = MeetingInput {
            body: input.body,
            date: input.date,
            title: input.title,
            member_agencies: input.member_agencies,
        };
        Ok(MeetingView(app.schedule_meeting(caller, input).await?))
    }
    /// Records the agenda and when it was sent (ROMT).
    async fn set_meeting_agenda(
        &self,
        ctx: &Context<'_>,
        id: ID,
        items: Vec<String>,
        sent_at: DateTime<Utc>,
    ) -> GqlResult<MeetingView> {
        change(ctx, &id, MeetingChange::Agenda { items, sent_at }).await
    }
    /// Records which member agencies attended (ROMT).
    async fn record_attendance(
        &self,
        ctx: &Context<'_>,
        id: ID,
        agencies: Vec<String>,
    ) -> GqlResult<MeetingView> {
        change(ctx, &id, MeetingChange::Attendance { agencies }).await
    }
    /// Records the minutes: when circulated and finalized, and the decisions (ROMT).
    async fn record_minutes(
        &self,
        ctx: &Context<'_>,
        id: ID,
        circulated_at: DateTime<Utc>,
        finalized_at: Option<DateTime<Utc>>,
        #[graphql(default)] decisions: Vec<String>,
    ) -> GqlResult<MeetingView> {
        let minutes = MeetingChange::Minutes {
            circulated_at,
            finalized_at,
            decisions,
        };
        change(ctx, &id, minutes).await
    }
    /// Adds an action item to a meeting (ROMT).
    async fn add_action_item(
        &self,
        ctx: &Context<'_>,
        meeting_id: ID,
        input: ActionItemInputView,
    ) -> GqlResult<ActionItemView> {
        let (app, caller) = context(ctx)?;
        let input = ActionItemInput {
            description: input.description,
            responsible_agency: input.responsible_agency,
            responsible_person: input.responsible_person,
            deadline: input.deadline,
        };
        let item = app
            .add_action_item(caller, parse_id("meetingId", &meeting_id)?, input)
            .await?;
        Ok(ActionItemView::written(&item))
    }
    /// Marks an action item open or done (ROMT).
    async fn update_action_item(
        &self,
        ctx: &Context<'_>,
        id: ID,
        status: ActionStatus,
    ) -> GqlResult<ActionItemView> {
        let (app, caller) = context(ctx)?;
        let item = app
            .update_action_item(caller, parse_id("id", &id)?, status)
            .await?;
        Ok(ActionItemView::written(&item))
    }
}
