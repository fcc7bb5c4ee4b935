//! Two `romt-hub serve` processes on one database: what one stores, the other's next figure
//! holds, however warm its cache was (DESIGN §3: caches are keyed by the data version the
//! write advanced in its own transaction).

use serde_json::{Value, json};

use crate::support::TestDatabase;
use crate::support::docs::{kpi_report, with_values};
use crate::support::process::{HubProcess, prepare_database};

async fn graphql(url: &str, token: &str, query: &str) -> Value {
    reqwest::Client::new()
        .post(format!("{url}/graphql"))
        .bearer_auth(token)
        .json(&json!({ "query": query }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn submit(url: &str, token: &str, document: &Value) -> u16 {
    reqwest::Client::new()
        .post(format!("{url}/api/v1/submissions"))
        .bearer_auth(token)
        .json(document)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

const LEAD_TIME: &str = "{ regionalKpi(kpi: \"PROC.LEADTIME\", period: \"2026-Q1\") { value reportingCountries } dashboard(year: 2026) { reportingCountries } }";

#[tokio::test]
async fn a_submission_through_one_replica_is_in_the_next_figure_read_through_the_other() {
    let database = TestDatabase::create().await;
    let token = prepare_database(&database.url).await;
    let writer = HubProcess::start(&database.url, &[]).await;
    let reader = HubProcess::start(&database.url, &[]).await;

    // The reader's cache holds the figure before any report.
    let before = graphql(&reader.url, &token, LEAD_TIME).await;
    assert_eq!(before["data"]["regionalKpi"]["value"], Value::Null, "{before}");
    assert_eq!(before["data"]["dashboard"]["reportingCountries"], 0);
    let again = graphql(&reader.url, &token, LEAD_TIME).await;
    assert_eq!(again, before, "served from the reader's cache");

    // Each revision stored through the writer is in the reader's very next answer.
    for (revision, days) in [(1, 12), (2, 15), (3, 9)] {
        let report = with_values(
            kpi_report("2026-Q1", revision),
            json!([{ "kpi": "PROC.LEADTIME", "commonService": "COL-PROC-TRAVEL", "value": days }]),
        );
        assert_eq!(submit(&writer.url, &token, &report).await, 201);
        let after = graphql(&reader.url, &token, LEAD_TIME).await;
        assert_eq!(
            after["data"]["regionalKpi"]["value"],
            json!(days.to_string()),
            "revision {revision}: {after}"
        );
        assert_eq!(after["data"]["regionalKpi"]["reportingCountries"], 1);
        assert_eq!(after["data"]["dashboard"]["reportingCountries"], 1);
    }
}
