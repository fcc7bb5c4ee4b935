//! The demo governance data: five task forces, a 2025 work plan approved after one return, a
//! 2026 plan submitted and awaiting the RCP, and meetings with minutes and action items (some
//! overdue). Loaded through the same services as the API, by demo principals whose labels say
//! they are demo actors.

use chrono::{TimeDelta, TimeZone, Utc};
use hub_domain::Decimal;
use hub_domain::access::{Principal, Role};
use hub_domain::catalogue::ServiceLine;
use hub_domain::codes::AgencyCode;
use hub_domain::governance::{
    ActionStatus, ActivityStatus, DeliverableStatus, MeetingBody, ProgressRating,
};
use hub_store::Db;

use super::meetings::{self, MeetingChange};
use super::taskforce::{self, NewTaskForce};
use super::workplan::{self, Activity, Ctx, KpiTarget, PlanContent};
use crate::error::ApiError;

fn principal(label: &str, role: Role, agency: &str) -> Principal {
    Principal {
        token_id: 0,
        label: label.to_owned(),
        role,
        country: None,
        agency: AgencyCode::parse(agency).ok(),
    }
}

#[allow(
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
) -> Activity {
    Activity {
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

fn plan(year: i32, title: &str, scale: i64) -> PlanContent {
    let q = |n: u8| format!("{year}-Q{n}");
    PlanContent {
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
pub async fn load(db: &Db, approvals_required: u32) -> Result<(), ApiError> {
    if !hub_store::governance::task_forces(db).await?.is_empty() {
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
        taskforce::create(db, &romt, NewTaskForce {
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
        taskforce::add_member(
            db,
            &romt,
            code,
            chair,
            &format!("Chair of {code}"),
            "Chair",
            Some(format!("Alternate of {chair}")),
        )
        .await?;
        taskforce::add_member(
            db,
            &romt,
            code,
            co_chair,
            &format!("Co-chair of {code}"),
            "Co-chair",
            None,
        )
        .await?;
    }
    taskforce::rotate_chair(db, &romt, "TF-FIN", "PAHO", "UNDP", "2025-07-01").await?;
    let d = taskforce::add_deliverable(
        db,
        &romt,
        "TF-PROC",
        "Regional travel LTA awarded",
        "2025-09-30",
        None,
    )
    .await?;
    taskforce::update_deliverable(db, &romt, d.id, DeliverableStatus::Done, 100).await?;
    taskforce::add_deliverable(
        db,
        &romt,
        "TF-ICT",
        "Connectivity survey of multi-agency premises",
        "2026-03-31",
        None,
    )
    .await?;
    taskforce::add_deliverable(
        db,
        &romt,
        "TF-HR",
        "Joint roster live in four countries",
        "2026-12-31",
        None,
    )
    .await?;
    taskforce::add_progress_report(
        db,
        &romt,
        "TF-PROC",
        "2025",
        ProgressRating::Green,
        "Travel LTA awarded; eleven country teams joined.",
    )
    .await?;
    taskforce::add_progress_report(
        db,
        &romt,
        "TF-ICT",
        "2025",
        ProgressRating::Amber,
        "Survey delayed by procurement of the connectivity audit.",
    )
    .await?;

    // 2025: drafted, submitted, returned, edited, resubmitted, approved.
    let ctx = |p| Ctx {
        db,
        principal: p,
        approvals_required,
    };
    let (plan_2025, _) =
        workplan::create(ctx(&romt), plan(2025, "ROMT annual work plan 2025", 10)).await?;
    workplan::submit(ctx(&romt), plan_2025, 1).await?;
    workplan::send_back(
        ctx(&rcp[0]),
        plan_2025,
        2,
        "The ICT activity asks for more than the task force can absorb; phase it.",
    )
    .await?;
    workplan::update(
        ctx(&romt),
        plan_2025,
        3,
        plan(2025, "ROMT annual work plan 2025", 8),
    )
    .await?;
    workplan::submit(ctx(&romt), plan_2025, 4).await?;
    // Versions 5, 6, ... : each approval advances the version.
    for (version, approver) in (5..).zip(&rcp[..approvals_required.clamp(1, 6) as usize]) {
        workplan::approve(
            ctx(approver),
            plan_2025,
            version,
            Some("Approved by the RCP."),
        )
        .await?;
    }
    // 2026: submitted, awaiting the RCP.
    let (plan_2026, _) =
        workplan::create(ctx(&romt), plan(2026, "ROMT annual work plan 2026", 12)).await?;
    workplan::submit(ctx(&romt), plan_2026, 1).await?;

    let members: Vec<String> = ["UNDP", "UNICEF", "WFP", "UNFPA", "PAHO", "UNHCR"]
        .map(String::from)
        .to_vec();
    let at = |y, m, d, h| {
        Utc.with_ymd_and_hms(y, m, d, h, 0, 0)
            .single()
            .unwrap_or_else(Utc::now)
    };
    let romt_meeting = meetings::schedule(
        db,
        &romt,
        MeetingBody::Romt,
        "2026-03-11",
        "ROMT quarterly meeting Q1 2026",
        &members,
    )
    .await?;
    meetings::change(
        db,
        &romt,
        romt_meeting.id,
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
    meetings::change(
        db,
        &romt,
        romt_meeting.id,
        MeetingChange::Attendance {
            agencies: members[..4].to_vec(),
        },
    )
    .await?;
    meetings::change(
        db,
        &romt,
        romt_meeting.id,
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
    let done = meetings::add_action_item(
        db,
        &romt,
        romt_meeting.id,
        "Circulate the 2025 dashboard to the OMT chairs",
        "RCO",
        "ROMT secretariat",
        "2026-03-25",
    )
    .await?;
    meetings::set_action_status(db, &romt, done.id, ActionStatus::Done).await?;
    meetings::add_action_item(
        db,
        &romt,
        romt_meeting.id,
        "Propose a joint fuel LTA for the Caribbean",
        "WFP",
        "Regional logistics officer",
        "2026-06-30",
    )
    .await?;
    meetings::add_action_item(
        db,
        &romt,
        romt_meeting.id,
        "Share the common premises feasibility study",
        "UNOPS",
        "Regional facilities manager",
        "2026-09-15",
    )
    .await?;

    let rcp_meeting = meetings::schedule(
        db,
        &romt,
        MeetingBody::Rcp,
        "2026-05-20",
        "RCP meeting: ROMT work plan 2026",
        &members,
    )
    .await?;
    meetings::change(
        db,
        &romt,
        rcp_meeting.id,
        MeetingChange::Agenda {
            items: vec!["ROMT work plan 2026 for approval".into()],
            sent_at: at(2026, 5, 18, 17),
        },
    )
    .await?;
    meetings::change(
        db,
        &romt,
        rcp_meeting.id,
        MeetingChange::Attendance {
            agencies: members[..3].to_vec(),
        },
    )
    .await?;
    meetings::add_action_item(
        db,
        &romt,
        rcp_meeting.id,
        "Re-table the 2026 work plan with quorum",
        "RCO",
        "ROMT secretariat",
        (Utc::now() + TimeDelta::days(30))
            .format("%Y-%m-%d")
            .to_string()
            .as_str(),
    )
    .await?;
    Ok(())
}
