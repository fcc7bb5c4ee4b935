//! Every change is audited once, whatever its entry point: each mutation of the GraphQL schema
//! (walked from the SDL, so a new mutation cannot go unaudited unnoticed), each write command
//! of the CLI and each scheduled pull leaves exactly one audit entry when it succeeds, and none
//! when it fails.

use std::collections::BTreeSet;
use std::time::Duration;

use serde_json::{Value, json};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::TestHub;
use crate::support::docs::{bos, kpi_report};
use crate::support::hub::stderr;

async fn entries(hub: &TestHub) -> i64 {
    hub.count("SELECT COUNT(*) AS n FROM audit_log").await
}

/// The fields of the schema's `Mutation` type.
fn mutation_fields() -> BTreeSet<String> {
    let sdl = hub_api::graphql::sdl();
    let block = sdl
        .split("type MutationRoot {")
        .nth(1)
        .and_then(|rest| rest.split("\n}").next())
        .expect("a mutation root type");
    block
        .lines()
        .filter(|l| l.starts_with('\t') && l.chars().nth(1).is_some_and(|c| c.is_ascii_lowercase()))
        .filter_map(|l| l.trim().split(['(', ':']).next().map(str::to_owned))
        .collect()
}

/// An empty feed on loopback, for pulls that store nothing.
async fn empty_feed() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "documentType": "country-feed", "schemaVersion": "1.0", "publisher": "COL",
            "generatedAt": "2026-07-10T08:00:00Z", "documents": [], "nextCursor": null, "hasMore": false })))
        .mount(&server)
        .await;
    server
}

/// Runs mutations and checks the audit log around each.
struct Audited<'a> {
    hub: &'a TestHub,
    checked: BTreeSet<String>,
}

impl Audited<'_> {
    /// Runs `bad` (which must fail: an error, or a rejected receipt) and proves it left no entry,
    /// then `good` (which must succeed) and proves it left exactly one, of `action`. Returns the
    /// data of `good` under `field`.
    async fn check(
        &mut self,
        field: &str,
        token: &str,
        action: &str,
        bad: (&str, Value),
        good: (&str, Value),
    ) -> Value {
        let before = entries(self.hub).await;
        let body = self.hub.graphql(Some(token), bad.0, bad.1).await;
        let rejected = body["data"][field]["status"] == "REJECTED";
        assert!(
            body.get("errors").is_some() || rejected,
            "{field}: the failing call succeeded: {body:#}"
        );
        assert_eq!(
            entries(self.hub).await,
            before,
            "{field}: a failed call left an audit entry"
        );
        let body = self.hub.graphql(Some(token), good.0, good.1).await;
        assert!(body.get("errors").is_none(), "{field}: {body:#}");
        assert_eq!(
            entries(self.hub).await,
            before + 1,
            "{field}: a change must leave exactly one audit entry"
        );
        let last = self
            .hub
            .count(&format!(
                "SELECT COUNT(*) AS n FROM audit_log WHERE id = (SELECT MAX(id) FROM audit_log) AND action = '{action}'"
            ))
            .await;
        assert_eq!(last, 1, "{field}: the entry is not {action}");
        self.checked.insert(field.to_owned());
        body["data"][field].clone()
    }
}

fn plan(year: i32, available: i64) -> Value {
    json!({ "year": year, "title": format!("ROMT annual work plan {year}"), "activities": [
        { "code": "A-PROC", "title": "Joint travel LTA", "serviceLine": "PROCUREMENT", "leadAgency": "UNDP",
          "required": "100000", "available": available.to_string(),
          "startQuarter": format!("{year}-Q1"), "endQuarter": format!("{year}-Q4") } ] })
}

#[tokio::test]
async fn every_mutation_leaves_one_audit_entry_and_none_when_it_fails() {
    let hub = TestHub::start().await;
    let admin = hub.admin_token.clone();
    let romt = hub.token("ROMT", &["--agency", "RCO"]).await;
    let rcp = hub.token("RCP", &["--agency", "UNDP"]).await;
    let mut a = Audited {
        hub: &hub,
        checked: BTreeSet::new(),
    };

    // Submissions: a rejected document stores nothing and is not audited.
    let submit_report = "mutation($d: JSON!) { submitKpiReport(document: $d) { status } }";
    let bad_report = json!({ "d": { "documentType": "kpi-report", "country": "COL" } });
    a.check(
        "submitKpiReport",
        &admin,
        "submission.accept",
        (submit_report, bad_report),
        (submit_report, json!({ "d": kpi_report("2026-Q1", 1) })),
    )
    .await;
    let submit_bos = "mutation($d: JSON!) { submitBos(document: $d) { status } }";
    a.check(
        "submitBos",
        &admin,
        "submission.accept",
        (submit_bos, json!({ "d": { "documentType": "bos" } })),
        (submit_bos, json!({ "d": bos(1) })),
    )
    .await;

    // What ingestion harmonizes with.
    let rates = "mutation($r: [ExchangeRateInput!]!) { upsertExchangeRates(rates: $r) }";
    a.check(
        "upsertExchangeRates",
        &admin,
        "exchange_rates.upsert",
        (
            rates,
            json!({ "r": [{ "currency": "COP", "month": "2026-13", "rate": "4000" }] }),
        ),
        (
            rates,
            json!({ "r": [{ "currency": "COP", "month": "2026-01", "rate": "4100" }] }),
        ),
    )
    .await;
    let mapping = "mutation($i: KpiMappingInput!) { upsertKpiMapping(input: $i) { version } }";
    a.check(
        "upsertKpiMapping",
        &admin,
        "kpi_mapping.upsert",
        (
            mapping,
            json!({ "i": { "country": "XX", "localCode": "L.CA", "kpi": "CA" } }),
        ),
        (
            mapping,
            json!({ "i": { "country": "COL", "localCode": "L.CA", "kpi": "CA" } }),
        ),
    )
    .await;
    let lock = "mutation($p: String!) { lockPeriod(period: $p) }";
    a.check(
        "lockPeriod",
        &admin,
        "period.lock",
        (lock, json!({ "p": "2020-Q5" })),
        (lock, json!({ "p": "2020-Q1" })),
    )
    .await;

    // Data quality: follow-ups, bounds and rules.
    let value = hub
        .count("SELECT MIN(id) AS n FROM kpi_value WHERE country = 'COL'")
        .await;
    let follow = "mutation($v: ID!) { markFollowUp(valueId: $v, followUp: true) }";
    a.check(
        "markFollowUp",
        &romt,
        "value.follow_up",
        (follow, json!({ "v": "999999" })),
        (follow, json!({ "v": value.to_string() })),
    )
    .await;
    let bounds = "mutation($l: Decimal!, $u: Decimal!) { setMinMax(country: \"COL\", kpi: \"CA\", lower: $l, upper: $u) { lower upper } }";
    a.check(
        "setMinMax",
        &romt,
        "outlier_bound.set",
        (bounds, json!({ "l": "500", "u": "100" })),
        (bounds, json!({ "l": "100", "u": "500" })),
    )
    .await;
    let rule = |id: &str, enabled: bool| {
        json!({ "i": { "id": id, "kind": "REQUIRES_DENOMINATOR", "kpi": "CLIENT.SAT.PCT",
            "importance": "LOW", "messageEn": "Satisfaction needs its respondents",
            "messageEs": "La satisfacción necesita sus encuestados", "enabled": enabled } })
    };
    let create_rule =
        "mutation($i: ValidationRuleInput!) { createValidationRule(input: $i) { id } }";
    a.check(
        "createValidationRule",
        &admin,
        "validation_rule.create",
        (create_rule, rule("x", true)),
        (create_rule, rule("SAT_REQUIRES_RESPONDENTS", true)),
    )
    .await;
    let update_rule =
        "mutation($i: ValidationRuleInput!) { updateValidationRule(input: $i) { enabled } }";
    a.check(
        "updateValidationRule",
        &admin,
        "validation_rule.update",
        (update_rule, rule("NO_SUCH_RULE", false)),
        (update_rule, rule("SAT_REQUIRES_RESPONDENTS", false)),
    )
    .await;

    // Federation: a pull of an empty feed stores no document, so its run is the one change.
    let feed = empty_feed().await;
    let register = "mutation($i: SourceInput!) { registerSource(input: $i) { id } }";
    let source = a.check("registerSource", &admin, "source.register",
        (register, json!({ "i": { "name": "COL system", "url": "ftp://example.org", "countries": ["COL"] } })),
        (register, json!({ "i": { "name": "COL system", "url": feed.uri(), "countries": ["COL"], "intervalSeconds": 3600 } }))).await;
    let sync = "mutation($id: ID!) { syncSource(id: $id) { outcome } }";
    a.check(
        "syncSource",
        &admin,
        "source.sync",
        (sync, json!({ "id": "999999" })),
        (sync, json!({ "id": source["id"] })),
    )
    .await;

    // Task forces.
    let create_tf = "mutation($i: TaskForceInput!) { createTaskForce(input: $i) { code } }";
    let tf = |code: &str, end: &str| {
        json!({ "i": { "code": code, "name": "Procurement", "purpose": "Joint LTAs",
        "chairAgency": "UNDP", "coChairAgency": "UNICEF", "startDate": "2026-01-01", "endDate": end } })
    };
    a.check(
        "createTaskForce",
        &romt,
        "task_force.create",
        (create_tf, tf("TF-PROC", "2025-01-01")),
        (create_tf, tf("TF-PROC", "2027-12-31")),
    )
    .await;
    let update_tf = "mutation($c: String!) { updateTaskForce(code: $c, input: { purpose: \"Joint LTAs for all\" }) { code } }";
    a.check(
        "updateTaskForce",
        &romt,
        "task_force.update",
        (update_tf, json!({ "c": "TF-NONE" })),
        (update_tf, json!({ "c": "TF-PROC" })),
    )
    .await;
    let rotate = "mutation($a: String!) { rotateTaskForceChair(code: \"TF-PROC\", chairAgency: $a, coChairAgency: \"UNDP\", from: \"2026-06-01\") { code } }";
    a.check(
        "rotateTaskForceChair",
        &romt,
        "task_force.rotate_chair",
        (rotate, json!({ "a": "NOPE" })),
        (rotate, json!({ "a": "UNICEF" })),
    )
    .await;
    let member = "mutation($a: String!) { addTaskForceMember(code: \"TF-PROC\", input: { agency: $a, name: \"Ana Pérez\", role: \"Member\" }) { code } }";
    a.check(
        "addTaskForceMember",
        &romt,
        "task_force.add_member",
        (member, json!({ "a": "NOPE" })),
        (member, json!({ "a": "WFP" })),
    )
    .await;
    let deliverable = "mutation($d: String!) { addDeliverable(code: \"TF-PROC\", input: { title: \"LTA draft\", dueDate: $d }) { id } }";
    let d = a
        .check(
            "addDeliverable",
            &romt,
            "task_force.add_deliverable",
            (deliverable, json!({ "d": "2027-02-30" })),
            (deliverable, json!({ "d": "2027-06-30" })),
        )
        .await;
    let update_d = "mutation($id: ID!, $p: Int!) { updateDeliverable(id: $id, status: IN_PROGRESS, progress: $p) { id } }";
    a.check(
        "updateDeliverable",
        &romt,
        "task_force.update_deliverable",
        (update_d, json!({ "id": d["id"], "p": 150 })),
        (update_d, json!({ "id": d["id"], "p": 40 })),
    )
    .await;
    let report = "mutation($p: String!) { addProgressReport(code: \"TF-PROC\", input: { period: $p, rating: GREEN, summary: \"On track\" }) { code } }";
    a.check(
        "addProgressReport",
        &romt,
        "task_force.progress_report",
        (report, json!({ "p": "2026-Q9" })),
        (report, json!({ "p": "2026-Q2" })),
    )
    .await;
    let close = "mutation($c: String!) { closeTaskForce(code: $c) { code } }";
    a.check(
        "closeTaskForce",
        &romt,
        "task_force.close",
        (close, json!({ "c": "TF-NONE" })),
        (close, json!({ "c": "TF-PROC" })),
    )
    .await;

    // Work plans: draft, edit, submit, approve; a second one returned; the first amended.
    let create = "mutation($i: WorkPlanInput!) { createWorkPlan(input: $i) { id version } }";
    let p = a
        .check(
            "createWorkPlan",
            &romt,
            "work_plan.create",
            (create, json!({ "i": plan(2027, 200_000) })),
            (create, json!({ "i": plan(2027, 60_000) })),
        )
        .await;
    let id = p["id"].clone();
    let update = "mutation($id: ID!, $v: Int!, $i: WorkPlanInput!) { updateWorkPlan(id: $id, expectedVersion: $v, input: $i) { version } }";
    a.check(
        "updateWorkPlan",
        &romt,
        "work_plan.edit",
        (update, json!({ "id": id, "v": 7, "i": plan(2027, 50_000) })),
        (update, json!({ "id": id, "v": 1, "i": plan(2027, 50_000) })),
    )
    .await;
    let submit =
        "mutation($id: ID!, $v: Int!) { submitWorkPlan(id: $id, expectedVersion: $v) { version } }";
    a.check(
        "submitWorkPlan",
        &romt,
        "work_plan.submit",
        (submit, json!({ "id": id, "v": 1 })),
        (submit, json!({ "id": id, "v": 2 })),
    )
    .await;
    let approve = "mutation($id: ID!, $v: Int!) { approveWorkPlan(id: $id, expectedVersion: $v) { version } }";
    a.check(
        "approveWorkPlan",
        &rcp,
        "work_plan.approve",
        (approve, json!({ "id": id, "v": 2 })),
        (approve, json!({ "id": id, "v": 3 })),
    )
    .await;
    let second = hub
        .query_ok(Some(&romt), create, json!({ "i": plan(2028, 10_000) }))
        .await["createWorkPlan"]["id"]
        .clone();
    hub.query_ok(Some(&romt), submit, json!({ "id": second, "v": 1 }))
        .await;
    let send_back = "mutation($id: ID!, $c: String!) { returnWorkPlan(id: $id, expectedVersion: 2, comment: $c) { version } }";
    a.check(
        "returnWorkPlan",
        &rcp,
        "work_plan.return",
        (send_back, json!({ "id": second, "c": "  " })),
        (send_back, json!({ "id": second, "c": "Cost A-PROC again" })),
    )
    .await;
    let amend = "mutation($id: ID!, $v: Int!) { amendWorkPlan(id: $id, expectedVersion: $v) { id version } }";
    let amendment = a
        .check(
            "amendWorkPlan",
            &romt,
            "work_plan.create",
            (amend, json!({ "id": id, "v": 1 })),
            (amend, json!({ "id": id, "v": 4 })),
        )
        .await;

    // Approving an amendment changes two plans, and each gets its entry: the amendment's
    // approval and the supersession of the plan it replaces.
    hub.query_ok(
        Some(&romt),
        submit,
        json!({ "id": amendment["id"], "v": 1 }),
    )
    .await;
    let before = entries(&hub).await;
    hub.query_ok(
        Some(&rcp),
        approve,
        json!({ "id": amendment["id"], "v": 2 }),
    )
    .await;
    assert_eq!(entries(&hub).await, before + 2);
    assert_eq!(
        hub.count(&format!("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'work_plan.supersede' AND entity_id = '{}'", id.as_str().unwrap())).await,
        1
    );

    // Meetings and action items.
    let schedule = "mutation($d: String!) { scheduleMeeting(input: { body: ROMT, date: $d, title: \"ROMT\", memberAgencies: [\"UNDP\", \"WFP\"] }) { id } }";
    let m = a
        .check(
            "scheduleMeeting",
            &romt,
            "meeting.schedule",
            (schedule, json!({ "d": "2027-13-01" })),
            (schedule, json!({ "d": "2027-03-10" })),
        )
        .await;
    let agenda = "mutation($id: ID!) { setMeetingAgenda(id: $id, items: [\"LTAs\"], sentAt: \"2027-02-20T09:00:00Z\") { id } }";
    a.check(
        "setMeetingAgenda",
        &romt,
        "meeting.agenda",
        (agenda, json!({ "id": "999999" })),
        (agenda, json!({ "id": m["id"] })),
    )
    .await;
    let attendance =
        "mutation($id: ID!, $a: [String!]!) { recordAttendance(id: $id, agencies: $a) { id } }";
    a.check(
        "recordAttendance",
        &romt,
        "meeting.attendance",
        (attendance, json!({ "id": m["id"], "a": ["NOPE"] })),
        (attendance, json!({ "id": m["id"], "a": ["UNDP", "WFP"] })),
    )
    .await;
    let minutes = "mutation($id: ID!) { recordMinutes(id: $id, circulatedAt: \"2027-03-12T09:00:00Z\", decisions: [\"Go\"]) { id } }";
    a.check(
        "recordMinutes",
        &romt,
        "meeting.minutes",
        (minutes, json!({ "id": "999999" })),
        (minutes, json!({ "id": m["id"] })),
    )
    .await;
    let item = "mutation($m: ID!, $d: String!) { addActionItem(meetingId: $m, input: { description: \"Share the draft\", responsibleAgency: \"UNDP\", responsiblePerson: \"Ana Pérez\", deadline: $d }) { id } }";
    let i = a
        .check(
            "addActionItem",
            &romt,
            "action_item.create",
            (item, json!({ "m": m["id"], "d": "soon" })),
            (item, json!({ "m": m["id"], "d": "2027-04-10" })),
        )
        .await;
    let done = "mutation($id: ID!) { updateActionItem(id: $id, status: DONE) { id } }";
    a.check(
        "updateActionItem",
        &romt,
        "action_item.status",
        (done, json!({ "id": "999999" })),
        (done, json!({ "id": i["id"] })),
    )
    .await;

    assert_eq!(
        a.checked,
        mutation_fields(),
        "every mutation of the schema is checked here"
    );
}

#[tokio::test]
async fn every_write_command_of_the_cli_leaves_one_audit_entry_and_none_when_it_fails() {
    let hub = TestHub::start_with(|c| c.seed = hub_app::config::SeedMode::None).await;
    async fn run(hub: &TestHub, args: &[&str], succeeds: bool, added: i64, action: &str) {
        let before = entries(hub).await;
        let out = hub.cli(args).await;
        assert_eq!(out.status.success(), succeeds, "{args:?}: {}", stderr(&out));
        assert_eq!(entries(hub).await, before + added, "{args:?}");
        if added > 0 {
            let last = hub
                .count(&format!(
                    "SELECT COUNT(*) AS n FROM audit_log WHERE id = (SELECT MAX(id) FROM audit_log) AND action = '{action}' AND actor LIKE 'system:cli:%'"
                ))
                .await;
            assert_eq!(
                last, 1,
                "{args:?}: the entry is not the operator's {action}"
            );
        }
    }

    // `seed` takes no input to get wrong; a second run finds everything in place and changes
    // nothing, so it writes nothing.
    run(&hub, &["seed"], true, 1, "reference.seed").await;
    run(&hub, &["seed"], true, 0, "reference.seed").await;

    run(
        &hub,
        &[
            "token",
            "create",
            "--role",
            "ANALYST",
            "--label",
            "cli-analyst",
        ],
        true,
        1,
        "token.create",
    )
    .await;
    run(
        &hub,
        &[
            "token",
            "create",
            "--role",
            "COUNTRY",
            "--label",
            "no-country",
        ],
        false,
        0,
        "",
    )
    .await;
    run(
        &hub,
        &["token", "revoke", "cli-analyst"],
        true,
        1,
        "token.revoke",
    )
    .await;
    run(&hub, &["token", "revoke", "nobody"], false, 0, "").await;

    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("rates.csv");
    std::fs::write(&good, "currency,month,rate\nCOP,2026-01,4100\n").unwrap();
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "currency,month,rate\nCOP,2026-01,0\n").unwrap();
    run(
        &hub,
        &["rates", "import", bad.to_str().unwrap()],
        false,
        0,
        "",
    )
    .await;
    run(
        &hub,
        &["rates", "import", good.to_str().unwrap()],
        true,
        1,
        "exchange_rates.upsert",
    )
    .await;

    let add = |url: &'static str| {
        [
            "sources",
            "add",
            "--name",
            "COL system",
            "--url",
            url,
            "--countries",
            "COL",
        ]
    };
    run(&hub, &add("ftp://example.org"), false, 0, "").await;
    run(
        &hub,
        &add("http://127.0.0.1:9/feed"),
        true,
        1,
        "source.register",
    )
    .await;
}

#[tokio::test]
async fn a_scheduled_pull_leaves_one_audit_entry_per_run() {
    let hub = TestHub::start_with(|c| {
        c.federation.scheduler = true;
        c.federation.tick = Duration::from_millis(50);
    })
    .await;
    let feed = empty_feed().await;
    hub.query_ok(
        Some(&hub.admin_token),
        "mutation($i: SourceInput!) { registerSource(input: $i) { id } }",
        json!({ "i": { "name": "COL system", "url": feed.uri(), "countries": ["COL"], "intervalSeconds": 3600 } }),
    )
    .await;
    let runs = "SELECT COUNT(*) AS n FROM sync_run";
    for _ in 0..400 {
        if hub.count(runs).await > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(hub.count(runs).await, 1, "the due source was pulled once");
    assert_eq!(
        hub.count("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'source.sync' AND actor = 'system:scheduler'").await,
        1
    );
}
