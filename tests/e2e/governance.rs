//! Regional governance through the GraphQL API with real tokens: the work plan's whole story,
//! task forces, meetings and their flags around their boundaries, the audit log, subscriptions.

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::support::TestHub;
use crate::support::hub::error_code;

const PLAN_FIELDS: &str = "id year title status version amends { id }
    activities { code budget { required available toBeMobilized } }
    totalRequired totalAvailable approvals { agency comment }
    history { action status actor agency comment version }";

fn activities(ict_required: i64) -> Value {
    json!([
        { "code": "A-PROC", "title": "Joint travel LTA", "serviceLine": "PROCUREMENT", "leadAgency": "UNDP",
          "participatingAgencies": ["UNICEF"], "required": "100000", "available": "60000",
          "startQuarter": "2027-Q1", "endQuarter": "2027-Q4", "kpiTargets": [{ "kpi": "PROC.LEADTIME", "target": "10" }] },
        { "code": "A-ICT", "title": "Common connectivity", "serviceLine": "ICT", "leadAgency": "UNICEF",
          "required": ict_required.to_string(), "available": "50000", "startQuarter": "2027-Q2", "endQuarter": "2027-Q4" }
    ])
}

fn plan_input(ict_required: i64) -> Value {
    json!({ "year": 2027, "title": "ROMT annual work plan 2027", "activities": activities(ict_required) })
}

struct Tokens {
    romt: String,
    rcp_undp: String,
    rcp_unicef: String,
    analyst: String,
}

async fn tokens(hub: &TestHub) -> Tokens {
    Tokens {
        romt: hub.token("ROMT", &["--agency", "RCO"]).await,
        rcp_undp: hub.token("RCP", &["--agency", "UNDP"]).await,
        rcp_unicef: hub.token("RCP", &["--agency", "UNICEF"]).await,
        analyst: hub.token("ANALYST", &[]).await,
    }
}

async fn mutate(hub: &TestHub, token: &str, mutation: &str, variables: Value) -> Value {
    hub.graphql(Some(token), mutation, variables).await
}

/// Runs a mutation that must succeed and returns the object under `field`.
async fn mutate_ok(
    hub: &TestHub,
    token: &str,
    mutation: &str,
    variables: Value,
    field: &str,
) -> Value {
    let body = mutate(hub, token, mutation, variables).await;
    assert!(body.get("errors").is_none(), "unexpected errors: {body:#}");
    body["data"][field].clone()
}

fn assert_state(plan: &Value, status: &str, version: i64) {
    assert_eq!(
        (plan["status"].as_str(), plan["version"].as_i64()),
        (Some(status), Some(version)),
        "{plan:#}"
    );
}

#[tokio::test]
async fn the_whole_work_plan_story_with_two_approving_agencies_and_an_amendment() {
    let hub = TestHub::start_with(|c| c.workplan_approvals_required = 2).await;
    let t = tokens(&hub).await;
    let create = format!(
        "mutation($input: WorkPlanInput!) {{ createWorkPlan(input: $input) {{ {PLAN_FIELDS} }} }}"
    );
    let update = format!(
        "mutation($id: ID!, $v: Int!, $input: WorkPlanInput!) {{ updateWorkPlan(id: $id, expectedVersion: $v, input: $input) {{ {PLAN_FIELDS} }} }}"
    );
    let submit = format!(
        "mutation($id: ID!, $v: Int!) {{ submitWorkPlan(id: $id, expectedVersion: $v) {{ {PLAN_FIELDS} }} }}"
    );
    let approve = format!(
        "mutation($id: ID!, $v: Int!, $c: String) {{ approveWorkPlan(id: $id, expectedVersion: $v, comment: $c) {{ {PLAN_FIELDS} }} }}"
    );
    let send_back = format!(
        "mutation($id: ID!, $v: Int!, $c: String!) {{ returnWorkPlan(id: $id, expectedVersion: $v, comment: $c) {{ {PLAN_FIELDS} }} }}"
    );
    let amend = format!(
        "mutation($id: ID!, $v: Int!) {{ amendWorkPlan(id: $id, expectedVersion: $v) {{ {PLAN_FIELDS} }} }}"
    );

    // Only ROMT drafts.
    let body = mutate(
        &hub,
        &t.analyst,
        &create,
        json!({ "input": plan_input(150000) }),
    )
    .await;
    assert_eq!(error_code(&body), "FORBIDDEN");
    let plan = mutate_ok(
        &hub,
        &t.romt,
        &create,
        json!({ "input": plan_input(150000) }),
        "createWorkPlan",
    )
    .await;
    let id = plan["id"].as_str().unwrap().to_owned();
    assert_state(&plan, "DRAFT", 1);
    // The gap to mobilize is derived: 100,000 − 60,000 = 40,000.
    assert_eq!(plan["activities"][0]["budget"]["toBeMobilized"], "40000");
    assert_eq!(plan["totalRequired"], "250000");

    // Only ROMT submits; a stale version is a conflict.
    let body = mutate(&hub, &t.rcp_undp, &submit, json!({ "id": id, "v": 1 })).await;
    assert_eq!(error_code(&body), "FORBIDDEN");
    let body = mutate(&hub, &t.romt, &submit, json!({ "id": id, "v": 7 })).await;
    assert_eq!(error_code(&body), "CONFLICT");
    let plan = mutate_ok(
        &hub,
        &t.romt,
        &submit,
        json!({ "id": id, "v": 1 }),
        "submitWorkPlan",
    )
    .await;
    assert_state(&plan, "SUBMITTED", 2);

    // A submitted version is frozen.
    let body = mutate(
        &hub,
        &t.romt,
        &update,
        json!({ "id": id, "v": 2, "input": plan_input(120000) }),
    )
    .await;
    assert_eq!(error_code(&body), "CONFLICT");

    // Only the RCP returns, and with a comment.
    let body = mutate(
        &hub,
        &t.romt,
        &send_back,
        json!({ "id": id, "v": 2, "c": "no" }),
    )
    .await;
    assert_eq!(error_code(&body), "FORBIDDEN");
    let body = mutate(
        &hub,
        &t.rcp_undp,
        &send_back,
        json!({ "id": id, "v": 2, "c": "  " }),
    )
    .await;
    assert_eq!(error_code(&body), "VALIDATION_FAILED");
    let plan = mutate_ok(
        &hub,
        &t.rcp_undp,
        &send_back,
        json!({ "id": id, "v": 2, "c": "Phase the ICT activity." }),
        "returnWorkPlan",
    )
    .await;
    assert_state(&plan, "RETURNED", 3);

    // ROMT edits and resubmits.
    let plan = mutate_ok(
        &hub,
        &t.romt,
        &update,
        json!({ "id": id, "v": 3, "input": plan_input(120000) }),
        "updateWorkPlan",
    )
    .await;
    assert_state(&plan, "DRAFT", 4);
    let plan = mutate_ok(
        &hub,
        &t.romt,
        &submit,
        json!({ "id": id, "v": 4 }),
        "submitWorkPlan",
    )
    .await;
    assert_eq!(plan["version"], 5);

    // Two approvals from two agencies are required; the same agency twice does not count.
    let body = mutate(&hub, &t.romt, &approve, json!({ "id": id, "v": 5 })).await;
    assert_eq!(error_code(&body), "FORBIDDEN");
    let plan = mutate_ok(
        &hub,
        &t.rcp_undp,
        &approve,
        json!({ "id": id, "v": 5, "c": "Fine for UNDP" }),
        "approveWorkPlan",
    )
    .await;
    assert_state(&plan, "SUBMITTED", 6);
    let body = mutate(&hub, &t.rcp_undp, &approve, json!({ "id": id, "v": 6 })).await;
    assert_eq!(error_code(&body), "CONFLICT");
    let body = mutate(&hub, &t.rcp_unicef, &approve, json!({ "id": id, "v": 5 })).await;
    assert_eq!(error_code(&body), "CONFLICT", "stale version");
    let plan = mutate_ok(
        &hub,
        &t.rcp_unicef,
        &approve,
        json!({ "id": id, "v": 6 }),
        "approveWorkPlan",
    )
    .await;
    assert_state(&plan, "APPROVED", 7);
    assert_eq!(plan["approvals"].as_array().unwrap().len(), 2);

    // ROMT amends: a new draft whose `amends` is the approved plan.
    let body = mutate(&hub, &t.rcp_undp, &amend, json!({ "id": id, "v": 7 })).await;
    assert_eq!(error_code(&body), "FORBIDDEN");
    let amendment = mutate_ok(
        &hub,
        &t.romt,
        &amend,
        json!({ "id": id, "v": 7 }),
        "amendWorkPlan",
    )
    .await;
    let new_id = amendment["id"].as_str().unwrap().to_owned();
    assert_eq!(amendment["amends"]["id"], id);
    assert_eq!(amendment["status"], "DRAFT");
    mutate_ok(
        &hub,
        &t.romt,
        &update,
        json!({ "id": new_id, "v": 1, "input": plan_input(130000) }),
        "updateWorkPlan",
    )
    .await;
    mutate_ok(
        &hub,
        &t.romt,
        &submit,
        json!({ "id": new_id, "v": 2 }),
        "submitWorkPlan",
    )
    .await;
    mutate_ok(
        &hub,
        &t.rcp_unicef,
        &approve,
        json!({ "id": new_id, "v": 3 }),
        "approveWorkPlan",
    )
    .await;
    let approved = mutate_ok(
        &hub,
        &t.rcp_undp,
        &approve,
        json!({ "id": new_id, "v": 4 }),
        "approveWorkPlan",
    )
    .await;
    assert_eq!(approved["status"], "APPROVED");

    // The first plan is superseded; its history tells the whole story.
    let data = hub
        .query_ok(
            Some(&t.analyst),
            &format!("query($id: ID!) {{ workPlan(id: $id) {{ {PLAN_FIELDS} }} }}"),
            json!({ "id": id }),
        )
        .await;
    let old = &data["workPlan"];
    assert_eq!(old["status"], "SUPERSEDED");
    let steps: Vec<(String, String, Option<String>)> = old["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["action"].as_str().unwrap().to_owned(),
                h["status"].as_str().unwrap().to_owned(),
                h["agency"].as_str().map(str::to_owned),
            )
        })
        .collect();
    let expected = [
        ("CREATE", "DRAFT", Some("RCO")),
        ("SUBMIT", "SUBMITTED", Some("RCO")),
        ("RETURN", "RETURNED", Some("UNDP")),
        ("EDIT", "DRAFT", Some("RCO")),
        ("SUBMIT", "SUBMITTED", Some("RCO")),
        ("APPROVE", "SUBMITTED", Some("UNDP")),
        ("APPROVE", "APPROVED", Some("UNICEF")),
        ("SUPERSEDE", "SUPERSEDED", Some("UNDP")),
    ];
    let expected: Vec<(String, String, Option<String>)> = expected
        .iter()
        .map(|(a, s, g)| ((*a).to_owned(), (*s).to_owned(), g.map(str::to_owned)))
        .collect();
    assert_eq!(steps, expected);
    assert_eq!(old["history"][2]["comment"], "Phase the ICT activity.");

    // Every step is in the audit log, readable by the RCP but not by an analyst.
    let audit = "query($id: String) { auditLog(entityType: \"work_plan\", entityId: $id, first: 100) { edges { node { action actor agency } } } }";
    let data = hub
        .query_ok(Some(&t.rcp_undp), audit, json!({ "id": id }))
        .await;
    let actions: Vec<String> = data["auditLog"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["action"].as_str().unwrap().to_owned())
        .collect();
    for action in [
        "work_plan.create",
        "work_plan.submit",
        "work_plan.return",
        "work_plan.edit",
        "work_plan.approve",
        "work_plan.supersede",
    ] {
        assert!(
            actions.contains(&action.to_owned()),
            "{action} missing from {actions:?}"
        );
    }
    let body = hub
        .graphql(Some(&t.analyst), audit, json!({ "id": id }))
        .await;
    assert_eq!(error_code(&body), "FORBIDDEN");
}

#[tokio::test]
async fn submitted_versions_stay_readable_and_any_two_can_be_compared() {
    let hub = TestHub::start().await;
    let t = tokens(&hub).await;
    let create = "mutation($input: WorkPlanInput!) { createWorkPlan(input: $input) { id } }";
    let id = mutate_ok(
        &hub,
        &t.romt,
        create,
        json!({ "input": plan_input(150000) }),
        "createWorkPlan",
    )
    .await["id"]
        .clone();
    let mut input = plan_input(120000);
    input["activities"].as_array_mut().unwrap().remove(0);
    input["activities"].as_array_mut().unwrap().push(json!({ "code": "A-FLEET", "title": "Shared fleet", "serviceLine": "LOGISTICS",
        "leadAgency": "WFP", "required": "30000", "available": "0", "startQuarter": "2027-Q3", "endQuarter": "2027-Q4" }));
    let update = "mutation($id: ID!, $input: WorkPlanInput!) { updateWorkPlan(id: $id, expectedVersion: 1, input: $input) { version } }";
    mutate_ok(
        &hub,
        &t.romt,
        update,
        json!({ "id": id, "input": input }),
        "updateWorkPlan",
    )
    .await;
    let data = hub
        .query_ok(Some(&t.rcp_undp), "query($id: ID!) { workPlan(id: $id) {
            versions { version status total { required } activities { code } }
            diff(from: 1, to: 2) { added removed changed { code changes { field from to } } requiredDelta availableDelta toBeMobilizedDelta } } }",
            json!({ "id": id }))
        .await;
    let plan = &data["workPlan"];
    assert_eq!(plan["versions"].as_array().unwrap().len(), 2);
    assert_eq!(plan["versions"][0]["total"]["required"], "250000");
    let diff = &plan["diff"];
    assert_eq!(diff["added"], json!(["A-FLEET"]));
    assert_eq!(diff["removed"], json!(["A-PROC"]));
    assert_eq!(diff["changed"][0]["code"], "A-ICT");
    assert_eq!(
        diff["changed"][0]["changes"][0],
        json!({ "field": "required", "from": "150000", "to": "120000" })
    );
    // Required 250,000 → 150,000; available 110,000 → 50,000.
    assert_eq!(diff["requiredDelta"], "-100000");
    assert_eq!(diff["availableDelta"], "-60000");
    assert_eq!(diff["toBeMobilizedDelta"], "-40000");
}

#[tokio::test]
async fn impossible_plans_and_task_forces_are_refused_with_their_argument_named() {
    let hub = TestHub::start().await;
    let t = tokens(&hub).await;
    let create = "mutation($input: WorkPlanInput!) { createWorkPlan(input: $input) { id } }";
    let mut negative = plan_input(150000);
    negative["activities"][0]["required"] = json!("-5");
    let mut too_much = plan_input(150000);
    too_much["activities"][0]["available"] = json!("100001");
    let mut stranger = plan_input(150000);
    stranger["activities"][0]["leadAgency"] = json!("ACME");
    for (input, field) in [
        (negative, "input.activities[0].required"),
        (too_much, "input.activities[0].available"),
        (stranger, "input.activities[0].leadAgency"),
    ] {
        let body = mutate(&hub, &t.romt, create, json!({ "input": input })).await;
        assert_eq!(error_code(&body), "VALIDATION_FAILED", "{body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], field, "{body}");
    }

    let create_tf =
        "mutation($input: TaskForceInput!) { createTaskForce(input: $input) { code flags } }";
    let task_force = |chair: &str, co_chair: &str| {
        json!({ "input": { "code": "TF-PROC", "name": "Procurement", "purpose": "Joint procurement",
                           "chairAgency": chair, "coChairAgency": co_chair, "startDate": "2026-01-01", "endDate": "2027-12-31" } })
    };
    let body = mutate(&hub, &t.romt, create_tf, task_force("UNDP", "UNDP")).await;
    assert_eq!(error_code(&body), "VALIDATION_FAILED");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("different agencies")
    );
    let body = mutate(&hub, &t.romt, create_tf, task_force("UNDP", "NOPE")).await;
    assert_eq!(error_code(&body), "VALIDATION_FAILED");
    let body = mutate(&hub, &t.analyst, create_tf, task_force("UNDP", "UNICEF")).await;
    assert_eq!(error_code(&body), "FORBIDDEN");
    mutate_ok(
        &hub,
        &t.romt,
        create_tf,
        task_force("UNDP", "UNICEF"),
        "createTaskForce",
    )
    .await;
    let body = mutate(&hub, &t.romt,
        r#"mutation { addDeliverable(code: "TF-PROC", input: { title: "Early", dueDate: "2025-12-31" }) { id } }"#, json!({})).await;
    assert_eq!(error_code(&body), "VALIDATION_FAILED");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("before the task force starts")
    );
    assert_eq!(
        hub.count("SELECT COUNT(*) AS n FROM deliverable").await,
        0,
        "nothing changed"
    );
}

#[tokio::test]
async fn task_force_flags_show_members_without_alternates_overdue_deliverables_and_past_end_dates()
{
    let hub = TestHub::start().await;
    let t = tokens(&hub).await;
    mutate_ok(&hub, &t.romt, r#"mutation { createTaskForce(input: { code: "TF-OLD", name: "Old", purpose: "p", chairAgency: "UNDP", coChairAgency: "WFP", startDate: "2024-01-01", endDate: "2025-12-31" }) { code } }"#, json!({}), "createTaskForce").await;
    mutate_ok(&hub, &t.romt, r#"mutation { addTaskForceMember(code: "TF-OLD", input: { agency: "UNDP", name: "Ana", role: "Chair", alternateName: "Luis" }) { code } }"#, json!({}), "addTaskForceMember").await;
    mutate_ok(&hub, &t.romt, r#"mutation { addTaskForceMember(code: "TF-OLD", input: { agency: "WFP", name: "Marta", role: "Co-chair" }) { code } }"#, json!({}), "addTaskForceMember").await;
    mutate_ok(&hub, &t.romt, r#"mutation { addDeliverable(code: "TF-OLD", input: { title: "Report", dueDate: "2025-06-30" }) { id } }"#, json!({}), "addDeliverable").await;
    mutate_ok(&hub, &t.romt, r#"mutation { rotateTaskForceChair(code: "TF-OLD", chairAgency: "WFP", coChairAgency: "UNDP", from: "2025-01-01") { code } }"#, json!({}), "rotateTaskForceChair").await;
    let data = hub
        .query_ok(Some(&t.analyst), r#"{ taskForce(code: "TF-OLD") { flags chairAgency members { name flags } deliverables { flags } chairHistory { chairAgency from to } } }"#, json!({}))
        .await;
    let tf = &data["taskForce"];
    assert_eq!(
        tf["flags"],
        json!([
            "PAST_END_DATE",
            "MEMBER_WITHOUT_ALTERNATE",
            "DELIVERABLE_OVERDUE"
        ])
    );
    assert_eq!(tf["members"][0]["flags"], json!([]));
    assert_eq!(
        tf["members"][1]["flags"],
        json!(["MEMBER_WITHOUT_ALTERNATE"])
    );
    assert_eq!(tf["chairAgency"], "WFP");
    assert_eq!(
        tf["chairHistory"],
        json!([
            { "chairAgency": "UNDP", "from": "2024-01-01", "to": "2025-01-01" },
            { "chairAgency": "WFP", "from": "2025-01-01", "to": null }
        ])
    );
}

#[tokio::test]
async fn meeting_flags_are_right_around_their_boundaries() {
    let hub = TestHub::start().await;
    let t = tokens(&hub).await;
    let members = json!(["UNDP", "UNICEF", "WFP", "UNFPA", "PAHO", "UNHCR"]);
    let schedule = "mutation($date: String!, $members: [String!]!) { scheduleMeeting(input: { body: ROMT, date: $date, title: \"ROMT\", memberAgencies: $members }) { id } }";
    let meeting = |date: &'static str| {
        let (hub, romt, members) = (&hub, &t.romt, members.clone());
        async move {
            mutate_ok(
                hub,
                romt,
                schedule,
                json!({ "date": date, "members": members }),
                "scheduleMeeting",
            )
            .await["id"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    let flags = |id: String| {
        let hub = &hub;
        async move {
            let data = hub
                .query_ok(None, "{ meetings { id flags quorum } }", json!({}))
                .await;
            data["meetings"]
                .as_array()
                .unwrap()
                .iter()
                .find(|m| m["id"] == id.as_str())
                .unwrap()
                .clone()
        }
    };
    let agenda = "mutation($id: ID!, $at: DateTime!) { setMeetingAgenda(id: $id, items: [\"Budget\"], sentAt: $at) { id } }";
    let attendance =
        "mutation($id: ID!, $who: [String!]!) { recordAttendance(id: $id, agencies: $who) { id } }";
    let minutes = "mutation($id: ID!, $at: DateTime!) { recordMinutes(id: $id, circulatedAt: $at, decisions: [\"Go\"]) { id } }";

    // Wednesday 2026-03-11. Agenda on Friday 03-06: Fri, Mon, Tue = 3 working days, in time;
    // exactly half of six agencies attend: no quorum; minutes on day 7 (03-18): in time.
    let a = meeting("2026-03-11").await;
    mutate_ok(
        &hub,
        &t.romt,
        agenda,
        json!({ "id": a, "at": "2026-03-06T17:00:00Z" }),
        "setMeetingAgenda",
    )
    .await;
    mutate_ok(
        &hub,
        &t.romt,
        attendance,
        json!({ "id": a, "who": ["UNDP", "UNICEF", "WFP"] }),
        "recordAttendance",
    )
    .await;
    mutate_ok(
        &hub,
        &t.romt,
        minutes,
        json!({ "id": a, "at": "2026-03-18T16:00:00Z" }),
        "recordMinutes",
    )
    .await;
    let m = flags(a).await;
    assert_eq!(m["flags"], json!(["NO_QUORUM"]));
    assert_eq!(m["quorum"], false);

    // Same Wednesday; agenda on Saturday 03-07 (only Mon and Tue left): late; four of six
    // attend: quorum; minutes on day 8 (03-19): overdue.
    let b = meeting("2026-03-11").await;
    mutate_ok(
        &hub,
        &t.romt,
        agenda,
        json!({ "id": b, "at": "2026-03-07T09:00:00Z" }),
        "setMeetingAgenda",
    )
    .await;
    mutate_ok(
        &hub,
        &t.romt,
        attendance,
        json!({ "id": b, "who": ["UNDP", "UNICEF", "WFP", "PAHO"] }),
        "recordAttendance",
    )
    .await;
    mutate_ok(
        &hub,
        &t.romt,
        minutes,
        json!({ "id": b, "at": "2026-03-19T09:00:00Z" }),
        "recordMinutes",
    )
    .await;
    let m = flags(b).await;
    assert_eq!(m["flags"], json!(["AGENDA_LATE", "MINUTES_OVERDUE"]));
    assert_eq!(m["quorum"], true);

    // Attendance from outside the membership is refused.
    let body = mutate(
        &hub,
        &t.romt,
        attendance,
        json!({ "id": m["id"], "who": ["UNOPS"] }),
    )
    .await;
    assert_eq!(error_code(&body), "VALIDATION_FAILED");
}

#[tokio::test]
async fn overdue_action_items_are_flagged_and_listed() {
    let hub = TestHub::start().await;
    let t = tokens(&hub).await;
    let id = mutate_ok(&hub, &t.romt, r#"mutation { scheduleMeeting(input: { body: RCP, date: "2026-03-11", title: "RCP", memberAgencies: ["UNDP", "WFP"] }) { id } }"#, json!({}), "scheduleMeeting").await["id"].clone();
    let add = "mutation($m: ID!, $deadline: String!) { addActionItem(meetingId: $m, input: { description: \"Share the study\", responsibleAgency: \"UNDP\", responsiblePerson: \"Ana\", deadline: $deadline }) { id flags } }";
    let late = mutate_ok(
        &hub,
        &t.romt,
        add,
        json!({ "m": id, "deadline": "2026-04-01" }),
        "addActionItem",
    )
    .await;
    assert_eq!(late["flags"], json!(["OVERDUE"]));
    let done = mutate_ok(
        &hub,
        &t.romt,
        add,
        json!({ "m": id, "deadline": "2026-04-02" }),
        "addActionItem",
    )
    .await;
    mutate_ok(
        &hub,
        &t.romt,
        "mutation($id: ID!) { updateActionItem(id: $id, status: DONE) { id } }",
        json!({ "id": done["id"] }),
        "updateActionItem",
    )
    .await;
    mutate_ok(
        &hub,
        &t.romt,
        add,
        json!({ "m": id, "deadline": "2999-01-01" }),
        "addActionItem",
    )
    .await;
    let data = hub
        .query_ok(
            None,
            "{ all: actionItems { id } overdue: actionItems(overdueOnly: true) { id } }",
            json!({}),
        )
        .await;
    assert_eq!(data["all"].as_array().unwrap().len(), 3);
    assert_eq!(data["overdue"], json!([{ "id": late["id"] }]));
}

#[tokio::test]
async fn the_rcp_sees_a_submission_arrive_over_the_websocket() {
    let hub = TestHub::start().await;
    let t = tokens(&hub).await;
    let url = format!("{}/graphql/ws", hub.url.replace("http://", "ws://"));
    let mut request = url.into_client_request().unwrap();
    request.headers_mut().insert(
        "sec-websocket-protocol",
        "graphql-transport-ws".parse().unwrap(),
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    let send = |v: Value| Message::Text(v.to_string().into());
    socket.send(send(json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {}", t.rcp_undp) } }))).await.unwrap();
    let ack = socket.next().await.unwrap().unwrap();
    assert!(ack.to_string().contains("connection_ack"), "{ack}");
    socket
        .send(send(json!({ "id": "1", "type": "subscribe", "payload": { "query": "subscription { workPlanEvents { action status year actor } }" } })))
        .await
        .unwrap();
    // The subscription is live once an event comes through: create plans until one does.
    let create = "mutation($input: WorkPlanInput!) { createWorkPlan(input: $input) { id } }";
    let mut first = None;
    for _ in 0..20 {
        let id = mutate_ok(
            &hub,
            &t.romt,
            create,
            json!({ "input": plan_input(150000) }),
            "createWorkPlan",
        )
        .await["id"]
            .clone();
        if let Ok(Some(Ok(message))) =
            tokio::time::timeout(std::time::Duration::from_millis(500), socket.next()).await
        {
            let value: Value = serde_json::from_str(&message.to_string()).unwrap();
            assert_eq!(
                value["payload"]["data"]["workPlanEvents"]["action"], "CREATE",
                "{value}"
            );
            first = Some(id);
            break;
        }
    }
    let id = first.expect("the subscription delivers events");
    // Drain events of plans created before the subscription answered.
    while let Ok(Some(Ok(_))) =
        tokio::time::timeout(std::time::Duration::from_millis(200), socket.next()).await
    {}
    mutate_ok(
        &hub,
        &t.romt,
        "mutation($id: ID!) { submitWorkPlan(id: $id, expectedVersion: 1) { id } }",
        json!({ "id": id }),
        "submitWorkPlan",
    )
    .await;
    let message = tokio::time::timeout(std::time::Duration::from_secs(10), socket.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let value: Value = serde_json::from_str(&message.to_string()).unwrap();
    let event = &value["payload"]["data"]["workPlanEvents"];
    assert_eq!(event["action"], "SUBMIT");
    assert_eq!(event["status"], "SUBMITTED");
    assert_eq!(event["year"], 2027);

    // Without a token the subscription is refused.
    let mut request = format!("{}/graphql/ws", hub.url.replace("http://", "ws://"))
        .into_client_request()
        .unwrap();
    request.headers_mut().insert(
        "sec-websocket-protocol",
        "graphql-transport-ws".parse().unwrap(),
    );
    let (mut anonymous, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    anonymous
        .send(send(json!({ "type": "connection_init" })))
        .await
        .unwrap();
    anonymous.next().await.unwrap().unwrap();
    anonymous.send(send(json!({ "id": "1", "type": "subscribe", "payload": { "query": "subscription { workPlanEvents { action } }" } }))).await.unwrap();
    let reply: Value =
        serde_json::from_str(&anonymous.next().await.unwrap().unwrap().to_string()).unwrap();
    let errors = if reply["type"] == "error" {
        &reply["payload"]
    } else {
        &reply["payload"]["errors"]
    };
    assert_eq!(
        errors[0]["extensions"]["code"], "UNAUTHENTICATED",
        "{reply}"
    );
}

#[tokio::test]
async fn the_demo_data_shows_the_governance_objects() {
    let hub = TestHub::start_with(|c| c.seed = hub_app::config::SeedMode::Demo).await;
    let anonymous = hub
        .query_ok(None, "{ workPlans { year status } }", json!({}))
        .await;
    assert_eq!(
        anonymous["workPlans"],
        json!([{ "year": 2025, "status": "APPROVED" }]),
        "the public sees the approved plan only"
    );
    let data = hub
        .query_ok(Some(&hub.admin_token), "{ taskForces { code flags } workPlans { year status history { action } }
                           meetings { title flags actionItems { flags } } overdue: actionItems(overdueOnly: true) { id } }", json!({}))
        .await;
    assert_eq!(data["taskForces"].as_array().unwrap().len(), 5);
    let plans = data["workPlans"].as_array().unwrap();
    let plan = |year: i64| plans.iter().find(|p| p["year"] == year).unwrap();
    assert_eq!(plan(2025)["status"], "APPROVED");
    assert!(
        plan(2025)["history"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["action"] == "RETURN"),
        "approved after one return"
    );
    assert_eq!(plan(2026)["status"], "SUBMITTED");
    let meetings = data["meetings"].as_array().unwrap();
    assert_eq!(meetings.len(), 2);
    assert!(
        meetings
            .iter()
            .any(|m| m["flags"].as_array().unwrap().contains(&json!("NO_QUORUM")))
    );
    assert!(
        !data["overdue"].as_array().unwrap().is_empty(),
        "some action items are overdue"
    );
}
