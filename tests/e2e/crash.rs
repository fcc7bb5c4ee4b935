//! The crash test: a stream of submissions, each with its own idempotency key, is cut by
//! `kill -9` of the hub; a new process starts on the same database and every key is retried.
//! Nothing may be lost or stored twice, every stored receipt must be whole, and no key may stay
//! claimed. `.ci/run` runs this test on its own and shows the summary line it prints.

use std::collections::BTreeMap;

use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement};
use serde_json::Value;

use crate::support::TestDatabase;
use crate::support::process::{HubProcess, prepare_database};

/// Documents in the stream, and how many run at once.
const DOCUMENTS: usize = 60;
const IN_FLIGHT: usize = 4;
/// Answers received before the process is killed.
const KILL_AFTER: usize = 20;

fn period(i: usize) -> String {
    format!("{}-Q{}", 2010 + i / 4, i % 4 + 1)
}

async fn rows(db: &DatabaseConnection, sql: &str) -> Vec<sea_orm::QueryResult> {
    db.query_all_raw(Statement::from_string(
        db.get_database_backend(),
        sql.to_owned(),
    ))
    .await
    .unwrap()
}

async fn count(db: &DatabaseConnection, sql: &str) -> i64 {
    rows(db, sql).await[0].try_get::<i64>("", "n").unwrap()
}

/// The submission id a receipt names.
fn id_of(receipt: &Value) -> Option<i64> {
    receipt["id"]
        .as_i64()
        .or_else(|| receipt["id"].as_str().and_then(|s| s.parse().ok()))
}

/// Document `i`: a report of its own quarter, large enough (2,000 values) that the kill finds
/// some of them mid-way.
fn document(i: usize) -> Value {
    let mut document = crate::ingest::large_report(200);
    document["period"] = Value::String(period(i));
    document
}

async fn submit(url: &str, token: &str, i: usize) -> Result<(u16, Value), reqwest::Error> {
    let response = reqwest::Client::new()
        .post(format!("{url}/api/v1/submissions"))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .header("idempotency-key", format!("crash-{i}"))
        .body(document(i).to_string())
        .send()
        .await?;
    let status = response.status().as_u16();
    Ok((status, response.json().await?))
}

#[tokio::test]
async fn kill_nine_during_a_stream_of_submissions_loses_and_duplicates_nothing() {
    let database = TestDatabase::create().await;
    let engine = if database.is_postgres() {
        "postgresql"
    } else {
        "sqlite"
    };
    let token = prepare_database(&database.url).await;
    let lease = [("HUB_IDEMPOTENCY_LEASE_SECS", "1")];
    let hub = HubProcess::start(&database.url, &lease).await;

    // The stream, IN_FLIGHT at a time; the process dies after KILL_AFTER answers.
    let (tx, mut answers) = tokio::sync::mpsc::unbounded_channel();
    let permits = std::sync::Arc::new(tokio::sync::Semaphore::new(IN_FLIGHT));
    let mut senders = Vec::new();
    for i in 0..DOCUMENTS {
        let (url, token, tx, permits) =
            (hub.url.clone(), token.clone(), tx.clone(), permits.clone());
        senders.push(tokio::spawn(async move {
            let _permit = permits.acquire_owned().await;
            let _ = tx.send((i, submit(&url, &token, i).await));
        }));
    }
    drop(tx);
    let mut acknowledged: BTreeMap<usize, i64> = BTreeMap::new();
    let mut answered = 0;
    while let Some((i, outcome)) = answers.recv().await {
        if let Ok((201, receipt)) = outcome {
            acknowledged.insert(
                i,
                id_of(&receipt).expect("a stored receipt names its submission"),
            );
        }
        answered += 1;
        if answered == KILL_AFTER {
            break;
        }
    }
    hub.kill9().await;
    for sender in senders {
        sender.abort();
    }

    let db = Database::connect(database.url.as_str()).await.unwrap();
    let stuck_at_kill = count(
        &db,
        "SELECT COUNT(*) AS n FROM idempotency_key WHERE state = 'IN_FLIGHT'",
    )
    .await;
    // Every receipt stored is whole: it is a receipt (stored before its row had an id, which
    // readers take from the row, so it names no other submission) of the values stored with it.
    let mut broken = 0;
    for row in rows(&db, "SELECT id, receipt, accepted_values FROM submission").await {
        let id: i64 = row.try_get("", "id").unwrap();
        let receipt: Value = serde_json::from_str(&row.try_get::<String>("", "receipt").unwrap())
            .unwrap_or(Value::Null);
        let accepted: i32 = row.try_get("", "accepted_values").unwrap();
        let values = count(
            &db,
            &format!("SELECT COUNT(*) AS n FROM kpi_value WHERE submission_id = {id}"),
        )
        .await;
        if !receipt.is_object()
            || id_of(&receipt).is_some_and(|named| named != id)
            || receipt["acceptedValues"] != accepted
            || i64::from(accepted) != values
        {
            broken += 1;
        }
    }
    assert_eq!(broken, 0, "every stored receipt is whole");

    // A new process; every key is retried until its lease is over.
    let hub = HubProcess::start(&database.url, &lease).await;
    let (mut replayed, mut fresh) = (0, 0);
    for i in 0..DOCUMENTS {
        let mut outcome = None;
        for _ in 0..300 {
            let (status, receipt) = submit(&hub.url, &token, i).await.unwrap();
            if status != 409 {
                outcome = Some((status, receipt));
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let (status, receipt) = outcome.unwrap_or_else(|| panic!("key crash-{i} stays claimed"));
        assert_eq!(status, 201, "crash-{i}: {receipt:#}");
        let id = id_of(&receipt).expect("a stored receipt names its submission");
        if let Some(first) = acknowledged.get(&i) {
            assert_eq!(id, *first, "an answered submission is the one replayed");
        }
        if receipt["replayed"] == true {
            replayed += 1;
        } else {
            fresh += 1;
        }
    }
    let stored = count(&db, "SELECT COUNT(*) AS n FROM submission").await;
    let slices = count(&db, "SELECT COUNT(DISTINCT slice_key) AS n FROM submission").await;
    let stuck = count(
        &db,
        "SELECT COUNT(*) AS n FROM idempotency_key WHERE state = 'IN_FLIGHT'",
    )
    .await;
    let lost = usize::try_from(DOCUMENTS as i64 - slices).unwrap_or(0);
    let duplicated = stored - slices;
    println!(
        "crash test ({engine}): {DOCUMENTS} submissions, {} answered before kill -9, {stuck_at_kill} keys claimed at the kill, \
         {replayed} replayed and {fresh} stored on retry; {lost} lost, {duplicated} duplicated, {broken} broken receipts, {stuck} keys stuck",
        acknowledged.len()
    );
    assert_eq!((lost, duplicated, stuck), (0, 0, 0));
    db.close().await.ok();
}
