//! Lists load what their fields need in a fixed number of queries: the statements a list costs
//! are the same for 5 items and for 20. The hub counts the statements each request runs itself
//! (`x-db-statements`), so work beside it (a shared version read, a token's `last_used_at`
//! written in the background) never counts.

use serde_json::{Value, json};

use crate::support::TestHub;
use crate::support::docs::kpi_report;

/// The statements the hub says a request ran (`x-db-statements`).
fn statements_of(response: &reqwest::Response) -> u64 {
    response.headers()["x-db-statements"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

/// The statements one query costs (asked twice: both answers must cost the same).
async fn cost(hub: &TestHub, token: &str, query: &str) -> (u64, Value) {
    let mut costs = Vec::new();
    let mut body = Value::Null;
    for _ in 0..2 {
        let response = hub
            .http
            .post(format!("{}/graphql", hub.url))
            .bearer_auth(token)
            .json(&json!({ "query": query }))
            .send()
            .await
            .unwrap();
        let statements = statements_of(&response);
        costs.push(statements);
        body = response.json().await.unwrap();
        assert!(body.get("errors").is_none(), "unexpected errors: {body:#}");
    }
    assert_eq!(
        costs[0], costs[1],
        "the same query cost differently: {costs:?}"
    );
    assert!(
        costs[0] > 0,
        "a list read from the database costs statements"
    );
    (costs[0], body["data"].clone())
}

fn plan(year: i32) -> Value {
    let activity = |code: &str, line: &str| {
        json!({ "code": code, "title": "Joint work", "serviceLine": line,
        "leadAgency": "UNDP", "participatingAgencies": ["UNICEF"], "required": "1000", "available": "400",
        "startQuarter": format!("{year}-Q1"), "endQuarter": format!("{year}-Q4"),
        "kpiTargets": [{ "kpi": "PROC.LEADTIME", "target": "10" }] })
    };
    json!({ "year": year, "title": format!("Plan {year}"),
            "activities": [activity("A-1", "PROCUREMENT"), activity("A-2", "ICT"), activity("A-3", "HR")] })
}

const PLANS: &str = "{ workPlans { id status version activities { code } totalRequired
    totalsByServiceLine { key } approvals { agency } history { action } versions { version } } }";

/// Adds plans for the years in `years`, each submitted and approved, so each has history,
/// versions and approvals.
async fn add_plans(hub: &TestHub, romt: &str, rcp: &str, years: std::ops::Range<i32>) {
    for year in years {
        let id = hub
            .query_ok(
                Some(romt),
                "mutation($i: WorkPlanInput!) { createWorkPlan(input: $i) { id } }",
                json!({ "i": plan(year) }),
            )
            .await["createWorkPlan"]["id"]
            .clone();
        hub.query_ok(
            Some(romt),
            "mutation($id: ID!) { submitWorkPlan(id: $id, expectedVersion: 1) { id } }",
            json!({ "id": id }),
        )
        .await;
        hub.query_ok(
            Some(rcp),
            "mutation($id: ID!) { approveWorkPlan(id: $id, expectedVersion: 2) { id } }",
            json!({ "id": id }),
        )
        .await;
    }
}

#[tokio::test]
async fn a_list_of_20_work_plans_costs_the_queries_of_a_list_of_5() {
    let hub = TestHub::start().await;
    let romt = hub.token("ROMT", &["--agency", "RCO"]).await;
    let rcp = hub.token("RCP", &["--agency", "UNDP"]).await;
    add_plans(&hub, &romt, &rcp, 2030..2035).await;
    let (five, data) = cost(&hub, &romt, PLANS).await;
    assert_eq!(data["workPlans"].as_array().unwrap().len(), 5);
    add_plans(&hub, &romt, &rcp, 2035..2050).await;
    let (twenty, data) = cost(&hub, &romt, PLANS).await;
    let plans = data["workPlans"].as_array().unwrap();
    assert_eq!(plans.len(), 20);
    assert!(
        plans
            .iter()
            .all(|p| p["history"].as_array().unwrap().len() == 3
                && p["versions"].as_array().unwrap().len() == 3)
    );
    assert_eq!(
        twenty, five,
        "20 plans cost {twenty} statements, 5 cost {five}"
    );
}

#[tokio::test]
async fn lists_of_task_forces_meetings_and_submissions_cost_the_same_for_5_and_20() {
    let hub = TestHub::start().await;
    let romt = hub.token("ROMT", &["--agency", "RCO"]).await;
    let add = |from: usize, to: usize| {
        let (hub, romt) = (&hub, &romt);
        async move {
            for n in from..to {
                let code = format!("TF-{n:02}");
                hub.query_ok(Some(romt), "mutation($c: String!) { createTaskForce(input: { code: $c, name: \"TF\", purpose: \"P\", chairAgency: \"UNDP\", coChairAgency: \"WFP\", startDate: \"2026-01-01\", endDate: \"2027-12-31\" }) { code } }", json!({ "c": code })).await;
                hub.query_ok(Some(romt), "mutation($c: String!) { addTaskForceMember(code: $c, input: { agency: \"UNDP\", name: \"Ana\", role: \"Chair\" }) { code } }", json!({ "c": code })).await;
                hub.query_ok(Some(romt), "mutation($c: String!) { addDeliverable(code: $c, input: { title: \"D\", dueDate: \"2027-06-30\" }) { id } }", json!({ "c": code })).await;
                hub.query_ok(Some(romt), "mutation($c: String!) { addProgressReport(code: $c, input: { period: \"2026-Q2\", rating: GREEN, summary: \"ok\" }) { code } }", json!({ "c": code })).await;
                let meeting = hub.query_ok(Some(romt), "mutation($d: String!) { scheduleMeeting(input: { body: ROMT, date: $d, title: \"M\", memberAgencies: [\"UNDP\", \"WFP\"] }) { id } }", json!({ "d": format!("2027-01-{:02}", n + 1) })).await["scheduleMeeting"]["id"].clone();
                hub.query_ok(Some(romt), "mutation($m: ID!) { addActionItem(meetingId: $m, input: { description: \"Do\", responsibleAgency: \"UNDP\", responsiblePerson: \"Ana\", deadline: \"2027-04-10\" }) { id } }", json!({ "m": meeting })).await;
                let year = 2000 + n / 4;
                let quarter = n % 4 + 1;
                hub.submit_ok(&kpi_report(&format!("{year}-Q{quarter}"), 1))
                    .await;
            }
        }
    };
    let lists = [
        (
            "taskForces",
            "{ taskForces { code flags members { name flags } chairHistory { from } deliverables { title flags } progressReports { rating } } }",
        ),
        (
            "meetings",
            "{ meetings { id flags quorum actionItems { description responsiblePerson flags } } }",
        ),
        (
            "submissions",
            "{ submissions(first: 20) { edges { node { id receipt { status } document values { kpi } commonServices { id } } } } }",
        ),
        (
            "submissions",
            "{ submissions(first: 20) { edges { node { id plannedCostAvoidance { year } } } } }",
        ),
    ];
    add(0, 5).await;
    let mut five = Vec::new();
    for (_, query) in lists {
        five.push(cost(&hub, &romt, query).await.0);
    }
    add(5, 20).await;
    for ((name, query), five) in lists.into_iter().zip(five) {
        let (twenty, data) = cost(&hub, &romt, query).await;
        let items = match name {
            "submissions" => data[name]["edges"].as_array().unwrap().len(),
            _ => data[name].as_array().unwrap().len(),
        };
        assert_eq!(items, 20, "{name}");
        assert_eq!(
            twenty, five,
            "{name}: 20 cost {twenty} statements, 5 cost {five}"
        );
    }
}

#[tokio::test]
async fn a_page_read_through_nodes_loads_what_its_nodes_select() {
    let hub = TestHub::start().await;
    hub.submit_ok(&kpi_report("2026-Q1", 1)).await;
    // Found by schemathesis: `nodes` selecting parts that `edges { node }` does not.
    let query = "{ submissions(first: 1) { edges { node { revision } }
        nodes { receipt { replayed } values { kpi } commonServices { country } } } }";
    let data = hub.query_ok(Some(&hub.admin_token), query, json!({})).await;
    let node = &data["submissions"]["nodes"][0];
    assert_eq!(node["values"].as_array().unwrap().len(), 3);
    assert_eq!(node["receipt"]["replayed"], false);
    assert_eq!(node["commonServices"][0]["country"], "COL");
}

/// Submits `document` over REST as admin, expects it stored, and returns its statements.
async fn storing_cost(hub: &TestHub, document: &Value) -> u64 {
    let response = hub
        .http
        .post(format!("{}/api/v1/submissions", hub.url))
        .bearer_auth(&hub.admin_token)
        .header("content-type", "application/json")
        .body(document.to_string())
        .send()
        .await
        .unwrap();
    let statements = statements_of(&response);
    let status = response.status().as_u16();
    let receipt: Value = response.json().await.unwrap();
    assert_eq!(status, 201, "{receipt:#}");
    statements
}

/// A report with `services` common services, two values each, and one country-wide value.
fn report_of(period: &str, revision: i64, services: usize) -> Value {
    let ids: Vec<String> = (0..services).map(|n| format!("COL-PROC-{n:02}")).collect();
    let mut document = kpi_report(period, revision);
    document["commonServices"] = ids
        .iter()
        .map(|id| {
            json!({ "id": id, "name": "Common LTA", "serviceLine": "PROCUREMENT",
            "leadAgency": "UNDP", "clientAgencies": ["UNICEF"], "status": "ACTIVE" })
        })
        .collect();
    let mut values: Vec<Value> = ids
        .iter()
        .flat_map(|id| {
            [
                json!({ "kpi": "CA", "commonService": id, "value": 1_000_000 }),
                json!({ "kpi": "PROC.LEADTIME", "commonService": id, "value": 12, "baseline": 20, "target": 10 }),
            ]
        })
        .collect();
    values.push(json!({ "kpi": "ADMIN.CP.PCT", "value": 62.5, "denominator": 480 }));
    document["values"] = Value::from(values);
    document
}

#[tokio::test]
async fn a_report_is_stored_in_the_same_few_statements_whatever_its_size_or_revision() {
    let hub = TestHub::start().await;
    // Warm: the reference facts are read once, then held until they change.
    hub.submit_ok(&report_of("2025-Q1", 1, 1)).await;
    let small = storing_cost(&hub, &report_of("2025-Q2", 1, 1)).await;
    let typical = storing_cost(&hub, &report_of("2025-Q3", 1, 20)).await;
    let revised = storing_cost(&hub, &report_of("2025-Q3", 2, 20)).await;
    assert_eq!(
        (typical, revised),
        (small, small),
        "3 values cost {small} statements, 41 cost {typical}, a revision of 41 cost {revised}"
    );
    // The reference version, the outlier history, the slice lock (which takes the new id),
    // and every write at once (BEGIN and COMMIT are not statements the pool counts).
    assert_eq!(small, 4, "a report cost {small} statements");
}
