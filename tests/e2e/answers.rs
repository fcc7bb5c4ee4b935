//! Kept answers of repeated GraphQL questions (DESIGN §3): the same question from callers of the
//! same access is answered without executing it again, until a write advances a version; only
//! answers made of figures and reference lists are kept, and never across access.

use serde_json::{Value, json};

use crate::support::TestHub;
use crate::support::docs::{kpi_report, with_values};

/// The value of an unlabelled counter of `/metrics`.
async fn counter(hub: &TestHub, name: &str) -> u64 {
    let text = hub
        .http
        .get(format!("{}/metrics", hub.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let prefix = format!("{name} ");
    text.lines()
        .find_map(|line| line.strip_prefix(&prefix))
        .map_or(0, |n| n.trim().parse::<f64>().unwrap() as u64)
}

const LEAD_TIME: &str = "query($p: String!) { regionalKpi(kpi: \"PROC.LEADTIME\", period: $p) {
    value reportingCountries byCountry { country value } } }";

fn lead_time(days: i64, revision: i64) -> Value {
    with_values(
        kpi_report("2026-Q1", revision),
        json!([{ "kpi": "PROC.LEADTIME", "commonService": "COL-PROC-TRAVEL", "value": days }]),
    )
}

#[tokio::test]
async fn a_repeated_question_is_answered_as_kept_until_a_write_advances_the_data_version() {
    let hub = TestHub::start().await;
    hub.submit_ok(&lead_time(12, 1)).await;
    let variables = json!({ "p": "2026-Q1" });
    let first = hub.query_ok(None, LEAD_TIME, variables.clone()).await;
    // The same question typed differently is the same question.
    let retyped = LEAD_TIME.replace('\n', " ").replace("  ", " ");
    let second = hub.query_ok(None, &retyped, variables.clone()).await;
    assert_eq!(first, second);
    assert_eq!(first["regionalKpi"]["value"], "12");
    assert_eq!(counter(&hub, "hub_answer_hits_total").await, 1);
    // Other variables are another question.
    hub.query_ok(None, LEAD_TIME, json!({ "p": "2026-Q2" }))
        .await;
    assert_eq!(counter(&hub, "hub_answer_hits_total").await, 1);

    hub.submit_ok(&lead_time(15, 2)).await;
    let after = hub.query_ok(None, LEAD_TIME, variables).await;
    assert_eq!(after["regionalKpi"]["value"], "15", "{after}");
    assert_eq!(counter(&hub, "hub_answer_hits_total").await, 1);
}

#[tokio::test]
async fn answers_are_never_shared_between_callers_of_different_access() {
    let hub = TestHub::start().await;
    // A SENSITIVE value: seen by the admin, not by an anonymous caller or an analyst.
    let mut report = lead_time(12, 1);
    report["values"][0]["classification"] = json!("SENSITIVE");
    hub.submit_ok(&report).await;
    let analyst = hub.token("ANALYST", &[]).await;
    let variables = json!({ "p": "2026-Q1" });
    let admin = hub
        .query_ok(Some(&hub.admin_token), LEAD_TIME, variables.clone())
        .await;
    assert_eq!(admin["regionalKpi"]["value"], "12");
    for token in [None, Some(analyst.as_str())] {
        let other = hub.query_ok(token, LEAD_TIME, variables.clone()).await;
        assert_eq!(other["regionalKpi"]["value"], Value::Null, "{other}");
    }
    assert_eq!(counter(&hub, "hub_answer_hits_total").await, 0);
    // Two analysts have the same access: the second gets the first one's answer.
    let colleague = hub.token("ANALYST", &[]).await;
    let again = hub.query_ok(Some(&colleague), LEAD_TIME, variables).await;
    assert_eq!(again["regionalKpi"]["value"], Value::Null);
    assert_eq!(counter(&hub, "hub_answer_hits_total").await, 1);
}

#[tokio::test]
async fn answers_about_more_than_figures_and_reference_lists_are_never_kept() {
    let hub = TestHub::start().await;
    hub.submit_ok(&lead_time(12, 1)).await;
    let admin = Some(hub.admin_token.as_str());
    for query in [
        "{ countries { code currentBos { id } } }",
        "{ workPlans { id } }",
        "{ me { label } }",
        "{ countries { code } me { role } }",
        "{ __schema { queryType { name } } }",
    ] {
        for _ in 0..2 {
            hub.graphql(admin, query, json!({})).await;
        }
    }
    assert_eq!(counter(&hub, "hub_answer_hits_total").await, 0);
    assert_eq!(counter(&hub, "hub_answers_kept").await, 0);
    // A question with an error is not kept either.
    for _ in 0..2 {
        hub.graphql(
            admin,
            "{ regionalKpi(kpi: \"NOPE\", period: \"2026-Q1\") { value } }",
            json!({}),
        )
        .await;
    }
    assert_eq!(counter(&hub, "hub_answer_hits_total").await, 0);
    // Reference lists are.
    for _ in 0..2 {
        hub.query_ok(
            admin,
            "{ countries { code name currency } kpis { code } }",
            json!({}),
        )
        .await;
    }
    assert_eq!(counter(&hub, "hub_answer_hits_total").await, 1);
}
