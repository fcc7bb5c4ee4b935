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
    assert_eq!(
        before["data"]["regionalKpi"]["value"],
        Value::Null,
        "{before}"
    );
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

#[tokio::test]
async fn a_work_plan_event_through_one_replica_reaches_a_subscriber_of_the_other() {
    use futures::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::Message;
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;

    let database = TestDatabase::create().await;
    if !database.is_postgres() {
        return; // SQLite has one process: its events never leave it.
    }
    let token = prepare_database(&database.url).await;
    let writer = HubProcess::start(&database.url, &[]).await;
    let reader = HubProcess::start(&database.url, &[]).await;

    let mut request = format!("{}/graphql/ws", reader.url.replace("http://", "ws://"))
        .into_client_request()
        .unwrap();
    request.headers_mut().insert(
        "sec-websocket-protocol",
        "graphql-transport-ws".parse().unwrap(),
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    let send = |v: Value| Message::Text(v.to_string().into());
    socket
        .send(send(json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {token}") } })))
        .await
        .unwrap();
    let ack = socket.next().await.unwrap().unwrap();
    assert!(ack.to_string().contains("connection_ack"), "{ack}");
    socket
        .send(send(json!({ "id": "1", "type": "subscribe", "payload": { "query": "subscription { workPlanEvents { workPlanId action status year } }" } })))
        .await
        .unwrap();

    // Plans created through the writer, until the reader's subscriber hears one (the
    // subscription and the reader's listener are live from then on).
    let create = json!({ "query": "mutation($i: WorkPlanInput!) { createWorkPlan(input: $i) { id } }",
        "variables": { "i": { "year": 2027, "title": "ROMT annual work plan 2027", "activities": [
            { "code": "A-PROC", "title": "Joint travel LTA", "serviceLine": "PROCUREMENT",
              "leadAgency": "UNDP", "required": "100000", "available": "60000",
              "startQuarter": "2027-Q1", "endQuarter": "2027-Q4" } ] } } });
    let mut heard = None;
    for _ in 0..20 {
        let created: Value = reqwest::Client::new()
            .post(format!("{}/graphql", writer.url))
            .bearer_auth(&token)
            .json(&create)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let id = created["data"]["createWorkPlan"]["id"].clone();
        assert!(id.is_string(), "{created}");
        if let Ok(Some(Ok(message))) =
            tokio::time::timeout(std::time::Duration::from_millis(500), socket.next()).await
        {
            let value: Value = serde_json::from_str(&message.to_string()).unwrap();
            let event = &value["payload"]["data"]["workPlanEvents"];
            assert_eq!(event["action"], "CREATE", "{value}");
            assert_eq!(event["status"], "DRAFT", "{value}");
            heard = Some(id);
            break;
        }
    }
    assert!(
        heard.is_some(),
        "the reader's subscriber hears the writer's events"
    );
}
