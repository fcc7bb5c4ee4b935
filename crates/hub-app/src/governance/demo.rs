//! The demo governance data: five task forces, a 2025 work plan approved after one return, a
//! 2026 plan submitted and awaiting the RCP, and meetings with minutes and action items (some
//! overdue). Loaded through the same operations as the API, by demo principals whose labels say
//! they are demo actors.

use chrono::{TimeDelta, TimeZone, Utc};
use hub_domain::Decimal;
use hub_domain::access::{Principal, Role};
use hub_domain::catalogue::ServiceLine;
use hub_domain::codes::AgencyCode;
use hub_domain::governance::{
    ActionStatus, ActivityStatus, DeliverableStatus, KpiTarget, MeetingBody, ProgressRating,
};

use super::meetings::{ActionItemInput, MeetingChange, MeetingInput};
use super::taskforces::TaskForceInput;
use super::workplans::{ActivityEdit, ActivityInput, PlanInput};
use crate::error::AppResult;
use crate::{App, Caller};

fn principal(label: &str, role: Role, agency: &str) -> Caller {
    Caller::token(Principal {
        token_id: 0,
        label: label.to_owned(),
        role,
        country: None,
        agency: AgencyCode::parse(agency).ok(),
    })
}

#[expect(
    clippy::too_many_arguments,
    reason = "a table row of demo data reads best flat"
)]
fn activity(
    code: &str,
    title: &str,
    line: ServiceLine,
    tf: &str,
    lead: &str,
    with: &[&str],
    required: i64,
    available: i64,
    start: &str,
    end: &str,
    kpi: Option<(&str, i64)>,
) -> ActivityInput {
    ActivityInput {
        code: code.to_owned(),
        title: title.to_owned(),
        service_line: line,
        task_force: Some(tf.to_owned()),
        lead_agency: lead.to_owned(),
        participating_agencies: with.iter().map(|a| (*a).to_owned()).collect(),
        required: Decimal::from(required),
        available: Decimal::from(available),
        start_quarter: start.to_owned(),
        end_quarter: end.to_owned(),
        kpi_targets: kpi
            .map(|(kpi, target)| {
                vec![KpiTarget {
                    kpi: kpi.to_owned(),
                    target: Decimal::from(target),
                }]
            })
            .unwrap_or_default(),
        status: ActivityStatus::Planned,
        progress: 0,
    }
}

fn plan(year: i32, title: &str, scale: i64) -> PlanInput {
    let q = |n: u8| format!("{year}-Q{n}");
    PlanInput {
        year,
        title: title.to_owned(),
        activities: vec![
            activity(
                &format!("WP{year}-PROC-01"),
                "Regional joint LTA for travel services",
                ServiceLine::Procurement,
                "TF-PROC",
                "UNDP",
                &["UNICEF", "WFP", "UNFPA"],
                120_000 * scale / 10,
                80_000,
                &q(1),
                &q(4),
                Some(("PROC.LEADTIME", 10)),
            ),
            activity(
                &format!("WP{year}-HR-01"),
                "Joint roster of national consultants",
                ServiceLine::Hr,
                "TF-HR",
                "UNFPA",
                &["ILO", "UNWOMEN"],
                60_000,
                25_000,
                &q(1),
                &q(3),
                Some(("HR.RECRUIT.DAYS", 45)),
            ),
            activity(
                &format!("WP{year}-ICT-01"),
                "Common connectivity in six multi-agency premises",
                ServiceLine::Ict,
                "TF-ICT",
                "UNICEF",
                &["WFP", "UNHCR"],
                200_000 * scale / 10,
                90_000,
                &q(2),
                &q(4),
                Some(("ICT.UPTIME.PCT", 99)),
            ),
            activity(
                &format!("WP{year}-CP-01"),
                "Feasibility of common premises in three capitals",
                ServiceLine::Administration,
                "TF-CP",
                "UNOPS",
                &["UNDP", "UNHCR"],
                80_000,
                80_000,
                &q(1),
                &q(2),
                None,
            ),
            activity(
                &format!("WP{year}-FIN-01"),
                "Harmonized banking services tender",
                ServiceLine::Finance,
                "TF-FIN",
                "UNDP",
                &["PAHO", "UNICEF"],
                40_000,
                15_000,
                &q(2),
                &q(4),
                Some(("FIN.BANK.PCT", 60)),
            ),
        ],
    }
}

/// Loads the demo governance data (once: nothing happens when task forces exist).
pub async fn load(app: &App) -> AppResult<()> {
    if !hub_store::governance::task_forces(app.db())
        .await?
        .is_empty()
    {
        return Ok(());
    }
    let romt = principal("demo: ROMT secretariat", Role::Romt, "RCO");
    let rcp = ["UNDP", "UNICEF", "WFP", "UNFPA", "PAHO", "UNHCR"]
        .map(|agency| principal(&format!("demo: RCP member ({agency})"), Role::Rcp, agency));

    let task_forces = [
        (
            "TF-PROC",
            "Procurement task force",
            "Joint procurement and long-term agreements",
            "UNDP",
            "UNICEF",
        ),
        (
            "TF-HR",
            "Human resources task force",
            "Joint rosters and harmonized recruitment",
            "UNFPA",
            "ILO",
        ),
        (
            "TF-ICT",
            "ICT task force",
            "Common connectivity and shared ICT services",
            "UNICEF",
            "WFP",
        ),
        (
            "TF-CP",
            "Common premises task force",
            "Common premises and facility services",
            "UNOPS",
            "UNHCR",
        ),
        (
            "TF-FIN",
            "Finance task force",
            "Common banking and harmonized cash transfers",
            "UNDP",
            "PAHO",
        ),
    ];
    for (code, name, purpose, chair, co_chair) in task_forces {
        app.create_task_force(&romt, TaskForceInput {
            code: code.into(),
            name: name.into(),
            purpose: purpose.into(),
            chair_agency: chair.into(),
            co_chair_agency: co_chair.into(),
            start_date: "2024-01-15".into(),
            end_date: if code == "TF-CP" { "2026-06-30".into() } else { "2027-12-31".into() },
            tor_text: Some(format!("Terms of reference of the {name}: {purpose}. Reports to the ROMT quarterly and to the RCP twice a year.")),
            tor_approved_on: Some("2024-02-01".into()),
        })
        .await?;
        app.add_task_force_member(
            &romt,
            code,
            chair,
            &format!("Chair of {code}"),
            "Chair",
            Some(format!("Alternate of {chair}")),
        )
        .await?;
        app.add_task_force_member(
            &romt,
            code,
            co_chair,
            &format!("Co-chair of {code}"),
            "Co-chair",
            None,
        )
        .await?;
    }
    app.rotate_task_force_chair(&romt, "TF-FIN", "PAHO", "UNDP", "2025-07-01")
        .await?;
    let d = app
        .add_deliverable(
            &romt,
            "TF-PROC",
            "Regional travel LTA awarded",
            "2025-09-30",
            None,
        )
        .await?;
    app.update_deliverable(&romt, d.id, DeliverableStatus::Done, 100)
        .await?;
    app.add_deliverable(
        &romt,
        "TF-ICT",
        "Connectivity survey of multi-agency premises",
        "2026-03-31",
        None,
    )
    .await?;
    app.add_deliverable(
        &romt,
        "TF-HR",
        "Joint roster live in four countries",
        "2026-12-31",
        None,
    )
    .await?;
    app.add_progress_report(
        &romt,
        "TF-PROC",
        "2025",
        ProgressRating::Green,
        "Travel LTA awarded; eleven country teams joined.",
    )
    .await?;
    app.add_progress_report(
        &romt,
        "TF-ICT",
        "2025",
        ProgressRating::Amber,
        "Survey delayed by procurement of the connectivity audit.",
    )
    .await?;

    // 2025: drafted, submitted, returned, edited, resubmitted, approved.
    let approvals_required = app.config().workplan_approvals_required;
    let plan_2025 = app
        .create_work_plan(&romt, plan(2025, "ROMT annual work plan 2025", 10))
        .await?
        .plan
        .id;
    app.submit_work_plan(&romt, plan_2025, 1).await?;
    app.return_work_plan(
        &rcp[0],
        plan_2025,
        2,
        "The ICT activity asks for more than the task force can absorb; phase it.",
    )
    .await?;
    app.update_work_plan(
        &romt,
        plan_2025,
        3,
        plan(2025, "ROMT annual work plan 2025", 8),
    )
    .await?;
    app.submit_work_plan(&romt, plan_2025, 4).await?;
    // Versions 5, 6, ... : each approval advances the version.
    for (version, approver) in (5..).zip(&rcp[..approvals_required.clamp(1, 6) as usize]) {
        app.approve_work_plan(approver, plan_2025, version, Some("Approved by the RCP."))
            .await?;
    }
    // 2026: drafted, given a logistics activity after the Q1 meeting, submitted, awaiting the
    // RCP (its diff shows what the edit changed).
    let plan_2026 = app
        .create_work_plan(&romt, plan(2026, "ROMT annual work plan 2026", 12))
        .await?
        .plan
        .id;
    let logistics = activity(
        "WP2026-LOG-01",
        "Shared warehousing and fleet pooling in two hubs",
        ServiceLine::Logistics,
        "TF-PROC",
        "WFP",
        &["UNICEF", "UNHCR"],
        90_000,
        40_000,
        "2026-Q2",
        "2026-Q4",
        None,
    );
    app.edit_work_plan_activity(
        &romt,
        plan_2026,
        1,
        ActivityEdit::Put {
            replacing: None,
            activity: Box::new(logistics),
        },
    )
    .await?;
    app.submit_work_plan(&romt, plan_2026, 2).await?;

    let members: Vec<String> = ["UNDP", "UNICEF", "WFP", "UNFPA", "PAHO", "UNHCR"]
        .map(String::from)
        .to_vec();
    let at = |y, m, d, h| {
        Utc.with_ymd_and_hms(y, m, d, h, 0, 0)
            .single()
            .unwrap_or_else(Utc::now)
    };
    let meeting = |body, date: &str, title: &str| MeetingInput {
        body,
        date: date.to_owned(),
        title: title.to_owned(),
        member_agencies: members.clone(),
    };
    let item = |description: &str, agency: &str, person: &str, deadline: &str| ActionItemInput {
        description: description.to_owned(),
        responsible_agency: agency.to_owned(),
        responsible_person: person.to_owned(),
        deadline: deadline.to_owned(),
    };
    let romt_meeting = app
        .schedule_meeting(
            &romt,
            meeting(
                MeetingBody::Romt,
                "2026-03-11",
                "ROMT quarterly meeting Q1 2026",
            ),
        )
        .await?
        .meeting
        .id;
    app.change_meeting(
        &romt,
        romt_meeting,
        MeetingChange::Agenda {
            items: vec![
                "Dashboard 2025: cost avoidance by service line".into(),
                "Work plan 2026".into(),
                "Task force reports".into(),
            ],
            sent_at: at(2026, 3, 4, 9),
        },
    )
    .await?;
    app.change_meeting(
        &romt,
        romt_meeting,
        MeetingChange::Attendance {
            agencies: members[..4].to_vec(),
        },
    )
    .await?;
    app.change_meeting(
        &romt,
        romt_meeting,
        MeetingChange::Minutes {
            circulated_at: at(2026, 3, 16, 15),
            finalized_at: Some(at(2026, 3, 20, 12)),
            decisions: vec![
                "Submit the 2026 work plan to the RCP".into(),
                "TF-ICT to complete the connectivity survey by 31 March".into(),
            ],
        },
    )
    .await?;
    let done = app
        .add_action_item(
            &romt,
            romt_meeting,
            item(
                "Circulate the 2025 dashboard to the OMT chairs",
                "RCO",
                "ROMT secretariat",
                "2026-03-25",
            ),
        )
        .await?;
    app.update_action_item(&romt, done.id, ActionStatus::Done)
        .await?;
    app.add_action_item(
        &romt,
        romt_meeting,
        item(
            "Propose a joint fuel LTA for the Caribbean",
            "WFP",
            "Regional logistics officer",
            "2026-06-30",
        ),
    )
    .await?;
    app.add_action_item(
        &romt,
        romt_meeting,
        item(
            "Share the common premises feasibility study",
            "UNOPS",
            "Regional facilities manager",
            "2026-09-15",
        ),
    )
    .await?;

    let rcp_meeting = app
        .schedule_meeting(
            &romt,
            meeting(
                MeetingBody::Rcp,
                "2026-05-20",
                "RCP meeting: ROMT work plan 2026",
            ),
        )
        .await?
        .meeting
        .id;
    app.change_meeting(
        &romt,
        rcp_meeting,
        MeetingChange::Agenda {
            items: vec!["ROMT work plan 2026 for approval".into()],
            sent_at: at(2026, 5, 18, 17),
        },
    )
    .await?;
    app.change_meeting(
        &romt,
        rcp_meeting,
        MeetingChange::Attendance {
            agencies: members[..3].to_vec(),
        },
    )
    .await?;
    let in_a_month = (Utc::now() + TimeDelta::days(30))
        .format("%Y-%m-%d")
        .to_string();
    app.add_action_item(
        &romt,
        rcp_meeting,
        item(
            "Re-table the 2026 work plan with quorum",
            "RCO",
            "ROMT secretariat",
            &in_a_month,
        ),
    )
    .await?;
    Ok(())
}
