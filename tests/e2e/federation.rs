//! Federation: pulling feeds from real HTTP servers on loopback (wiremock, the hub's own
//! country node, another hub), through every fault the puller must survive.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hub_app::Config;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use wiremock::matchers::{header, method, query_param};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use crate::support::TestHub;
use crate::support::docs::kpi_report;
use crate::support::hub::error_code;

/// Fast faults for tests: short timeouts, quick backoff, a one-second circuit cooldown.
fn fast(config: &mut Config) {
    let f = &mut config.federation;
    f.connect_timeout = Duration::from_secs(1);
    f.total_timeout = Duration::from_secs(2);
    f.retries = 2;
    f.backoff_base = Duration::from_millis(20);
    f.backoff_cap = Duration::from_millis(200);
    f.max_retry_after = Duration::from_secs(5);
    f.circuit_threshold = 5;
    f.circuit_cooldown = Duration::from_secs(1);
    f.tick = Duration::from_millis(50);
    f.max_body_bytes = 256 * 1024;
}

async fn hub() -> TestHub {
    TestHub::start_with(fast).await
}

fn feed(documents: Vec<Value>, next_cursor: Option<&str>, has_more: bool) -> Value {
    json!({ "documentType": "country-feed", "schemaVersion": "1.0", "publisher": "COL",
            "generatedAt": "2026-07-10T08:00:00Z", "documents": documents,
            "nextCursor": next_cursor, "hasMore": has_more })
}

async fn register(
    hub: &TestHub,
    name: &str,
    url: &str,
    countries: &[&str],
    interval: i64,
) -> String {
    let data = hub
        .query_ok(
            Some(&hub.admin_token),
            "mutation($input: SourceInput!) { registerSource(input: $input) { id } }",
            json!({ "input": { "name": name, "url": url, "countries": countries, "intervalSeconds": interval } }),
        )
        .await;
    data["registerSource"]["id"].as_str().unwrap().to_owned()
}

const SYNC: &str = "mutation($id: ID!) { syncSource(id: $id) {
    outcome pages accepted unchanged rejected httpStatus error
    errors { page index country code pointer message } } }";

async fn sync(hub: &TestHub, id: &str) -> Value {
    hub.query_ok(Some(&hub.admin_token), SYNC, json!({ "id": id }))
        .await["syncSource"]
        .clone()
}

async fn source(hub: &TestHub, id: &str) -> Value {
    let data = hub
        .query_ok(
            Some(&hub.admin_token),
            "{ sources { id name status lastError consecutiveFailures cursor hasToken lastSuccessAt } }",
            json!({}),
        )
        .await;
    data["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == id)
        .unwrap()
        .clone()
}

async fn feed_server(body: Value) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn documents_of_a_feed_are_stored_with_pull_lineage() {
    let hub = hub().await;
    let server = feed_server(feed(
        vec![kpi_report("2026-Q1", 1), kpi_report("2026-Q2", 1)],
        None,
        false,
    ))
    .await;
    let id = register(
        &hub,
        "COL system",
        &format!("{}/feed", server.uri()),
        &["COL"],
        900,
    )
    .await;
    let run = sync(&hub, &id).await;
    assert_eq!(run["outcome"], "SUCCESS", "{run:#}");
    assert_eq!(run["accepted"], 2);
    let data = hub
        .query_ok(
            None,
            "{ submissions(first: 5) { edges { node { period source { kind name sourceId } } } } }",
            json!({}),
        )
        .await;
    let node = &data["submissions"]["edges"][0]["node"];
    assert_eq!(
        node["source"],
        json!({ "kind": "PULL", "name": "COL system", "sourceId": id })
    );
    assert_eq!(source(&hub, &id).await["status"], "OK");
    // Pulling the same static feed again stores nothing twice.
    let run = sync(&hub, &id).await;
    assert_eq!(run["unchanged"], 2);
    assert_eq!(hub.count("SELECT COUNT(*) AS n FROM submission").await, 2);
}

#[tokio::test]
async fn a_304_means_nothing_new() {
    let hub = hub().await;
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(header("if-none-match", "\"v1\""))
        .respond_with(ResponseTemplate::new(304))
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("etag", "\"v1\"")
                .set_body_json(feed(vec![kpi_report("2026-Q1", 1)], None, false)),
        )
        .with_priority(2)
        .mount(&server)
        .await;
    let id = register(&hub, "COL", &server.uri(), &["COL"], 900).await;
    assert_eq!(sync(&hub, &id).await["outcome"], "SUCCESS");
    let run = sync(&hub, &id).await;
    assert_eq!(run["outcome"], "NOT_MODIFIED");
    assert_eq!(run["accepted"], 0);
    assert_eq!(source(&hub, &id).await["status"], "OK");
}

#[tokio::test]
async fn three_pages_are_followed_by_their_cursor() {
    let hub = hub().await;
    let server = MockServer::start().await;
    let pages = [
        (None, "c1", true, "2025-Q4"),
        (Some("c1"), "c2", true, "2026-Q1"),
        (Some("c2"), "c3", false, "2026-Q2"),
    ];
    for (since, next, more, period) in pages {
        let mut mock = Mock::given(method("GET"));
        mock = match since {
            Some(since) => mock.and(query_param("since", since)),
            None => mock.and(wiremock::matchers::query_param_is_missing("since")),
        };
        mock.respond_with(ResponseTemplate::new(200).set_body_json(feed(
            vec![kpi_report(period, 1)],
            Some(next),
            more,
        )))
        .mount(&server)
        .await;
    }
    Mock::given(method("GET"))
        .and(query_param("since", "c3"))
        .respond_with(ResponseTemplate::new(200).set_body_json(feed(vec![], Some("c3"), false)))
        .mount(&server)
        .await;
    let id = register(&hub, "COL", &server.uri(), &["COL"], 900).await;
    let run = sync(&hub, &id).await;
    assert_eq!(
        (
            run["outcome"].clone(),
            run["pages"].clone(),
            run["accepted"].clone()
        ),
        (json!("SUCCESS"), json!(3), json!(3))
    );
    assert_eq!(source(&hub, &id).await["cursor"], "c3");
    let run = sync(&hub, &id).await;
    assert_eq!(
        (run["outcome"].clone(), run["accepted"].clone()),
        (json!("SUCCESS"), json!(0))
    );
}

#[tokio::test]
async fn a_source_slower_than_the_total_timeout_fails_the_run() {
    let hub = hub().await;
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(feed(vec![kpi_report("2026-Q1", 1)], None, false))
                .set_delay(Duration::from_secs(4)),
        )
        .mount(&server)
        .await;
    let id = register(&hub, "slow", &server.uri(), &["COL"], 900).await;
    let run = sync(&hub, &id).await;
    assert_eq!(run["outcome"], "FAILED");
    assert!(
        run["error"].as_str().unwrap().contains("timed out"),
        "{run}"
    );
    assert_eq!(hub.count("SELECT COUNT(*) AS n FROM submission").await, 0);
    let source = source(&hub, &id).await;
    assert_eq!(source["status"], "FAILING");
    assert!(source["lastError"].as_str().unwrap().contains("timed out"));
}

#[tokio::test]
async fn a_500_then_a_200_is_retried_within_the_run() {
    let hub = hub().await;
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(500))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(feed(
            vec![kpi_report("2026-Q1", 1)],
            None,
            false,
        )))
        .with_priority(2)
        .mount(&server)
        .await;
    let id = register(&hub, "flaky", &server.uri(), &["COL"], 900).await;
    let run = sync(&hub, &id).await;
    assert_eq!(run["outcome"], "SUCCESS", "{run:#}");
    assert_eq!(run["accepted"], 1);
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

/// Answers 429 with `Retry-After: 1` once, then the feed; records when each request came.
struct RetryAfterOnce {
    seen: Arc<Mutex<Vec<Instant>>>,
    body: Value,
}

impl Respond for RetryAfterOnce {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let mut seen = self.seen.lock().unwrap();
        seen.push(Instant::now());
        if seen.len() == 1 {
            ResponseTemplate::new(429).insert_header("retry-after", "1")
        } else {
            ResponseTemplate::new(200).set_body_json(self.body.clone())
        }
    }
}

#[tokio::test]
async fn a_429_with_retry_after_is_honoured() {
    let hub = hub().await;
    let server = MockServer::start().await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    Mock::given(method("GET"))
        .respond_with(RetryAfterOnce {
            seen: Arc::clone(&seen),
            body: feed(vec![kpi_report("2026-Q1", 1)], None, false),
        })
        .mount(&server)
        .await;
    let id = register(&hub, "busy", &server.uri(), &["COL"], 900).await;
    let run = sync(&hub, &id).await;
    assert_eq!(run["outcome"], "SUCCESS", "{run:#}");
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2);
    // The retry waited the second the source asked for, not the 20 ms backoff.
    assert!(
        seen[1] - seen[0] >= Duration::from_millis(1000),
        "{:?}",
        seen[1] - seen[0]
    );

    // A source asking for an hour is not waited for: the run gives up and the next one asks again.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "3600"))
        .mount(&server)
        .await;
    let id = register(&hub, "very busy", &server.uri(), &["COL"], 900).await;
    let run = sync(&hub, &id).await;
    assert_eq!(run["outcome"], "FAILED");
    assert_eq!(run["httpStatus"], 429);
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_refused_connection_fails_the_run_and_marks_the_source_failing() {
    let hub = hub().await;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let id = register(
        &hub,
        "gone",
        &format!("http://127.0.0.1:{port}/feed"),
        &["COL"],
        900,
    )
    .await;
    let run = sync(&hub, &id).await;
    assert_eq!(run["outcome"], "FAILED");
    assert!(run["error"].as_str().unwrap().contains("connect"), "{run}");
    let source = source(&hub, &id).await;
    assert_eq!(source["status"], "FAILING");
    assert_eq!(source["consecutiveFailures"], 1);
}

#[tokio::test]
async fn malformed_json_fails_the_run_without_retrying() {
    let hub = hub().await;
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string("{\"documents\": [")
                .insert_header("content-type", "application/json"),
        )
        .mount(&server)
        .await;
    let id = register(&hub, "broken", &server.uri(), &["COL"], 900).await;
    let run = sync(&hub, &id).await;
    assert_eq!(run["outcome"], "FAILED");
    assert!(
        run["error"].as_str().unwrap().contains("not valid JSON"),
        "{run}"
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_schema_invalid_document_among_valid_ones_is_listed_and_the_others_stored() {
    let hub = hub().await;
    let server = feed_server(feed(
        vec![
            kpi_report("2025-Q4", 1),
            kpi_report("2026-Q1", 0),
            kpi_report("2026-Q2", 1),
        ],
        None,
        false,
    ))
    .await;
    let id = register(&hub, "COL", &server.uri(), &["COL"], 900).await;
    let run = sync(&hub, &id).await;
    assert_eq!(
        (
            run["outcome"].clone(),
            run["accepted"].clone(),
            run["rejected"].clone()
        ),
        (json!("SUCCESS"), json!(2), json!(1))
    );
    assert_eq!(run["errors"][0]["index"], 1);
    assert_eq!(run["errors"][0]["code"], "SCHEMA_INVALID");
    assert_eq!(run["errors"][0]["pointer"], "/revision");
    assert_eq!(hub.count("SELECT COUNT(*) AS n FROM submission").await, 2);
}

#[tokio::test]
async fn a_body_over_the_limit_is_aborted_and_nothing_is_stored() {
    let hub = hub().await;
    let documents: Vec<Value> = (1..=4)
        .map(|q| {
            let mut report = kpi_report(&format!("2025-Q{q}"), 1);
            report["values"][2]["comment"] = json!("x".repeat(2000));
            report
        })
        .cycle()
        .take(200)
        .collect();
    let server = feed_server(feed(documents, None, false)).await;
    let id = register(&hub, "huge", &server.uri(), &["COL"], 900).await;
    let run = sync(&hub, &id).await;
    assert_eq!(run["outcome"], "FAILED");
    assert!(
        run["error"].as_str().unwrap().contains("larger than"),
        "{run}"
    );
    assert_eq!(hub.count("SELECT COUNT(*) AS n FROM submission").await, 0);
}

#[tokio::test]
async fn a_document_outside_the_sources_scope_is_rejected_out_of_scope() {
    let hub = hub().await;
    let server = feed_server(feed(vec![kpi_report("2026-Q1", 1)], None, false)).await;
    let id = register(&hub, "PER system", &server.uri(), &["PER"], 900).await;
    let run = sync(&hub, &id).await;
    assert_eq!(run["rejected"], 1);
    assert_eq!(run["errors"][0]["code"], "OUT_OF_SCOPE");
    assert_eq!(run["errors"][0]["country"], "COL");
    assert_eq!(hub.count("SELECT COUNT(*) AS n FROM submission").await, 0);
}

#[tokio::test]
async fn the_circuit_opens_after_five_failed_runs_and_half_opens_after_the_cooldown() {
    let hub = TestHub::start_with(|c| {
        fast(c);
        c.federation.retries = 0;
    })
    .await;
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let id = register(&hub, "down", &server.uri(), &["COL"], 900).await;
    for _ in 0..5 {
        assert_eq!(sync(&hub, &id).await["outcome"], "FAILED");
    }
    assert_eq!(source(&hub, &id).await["status"], "CIRCUIT_OPEN");
    // While open, runs are skipped without calling the source.
    assert_eq!(sync(&hub, &id).await["outcome"], "SKIPPED");
    assert_eq!(server.received_requests().await.unwrap().len(), 5);
    // After the cooldown one probe goes through; it fails, so the circuit opens again.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(sync(&hub, &id).await["outcome"], "FAILED");
    assert_eq!(source(&hub, &id).await["status"], "CIRCUIT_OPEN");
    // The source recovers; the next probe succeeds and closes the circuit.
    server.reset().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(feed(
            vec![kpi_report("2026-Q1", 1)],
            None,
            false,
        )))
        .mount(&server)
        .await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(sync(&hub, &id).await["outcome"], "SUCCESS");
    let source = source(&hub, &id).await;
    assert_eq!(source["status"], "OK");
    assert_eq!(source["consecutiveFailures"], 0);
}

async fn runs(hub: &TestHub) -> Vec<Value> {
    let data = hub
        .query_ok(
            Some(&hub.admin_token),
            "{ syncRuns(first: 500) { edges { node { sourceId outcome startedAt finishedAt replica accepted } } } }",
            json!({}),
        )
        .await;
    data["syncRuns"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"].clone())
        .collect()
}

async fn wait_for_runs(hub: &TestHub, count: usize) -> Vec<Value> {
    for _ in 0..400 {
        let runs = runs(hub).await;
        if runs.len() >= count {
            return runs;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("fewer than {count} runs after 20 s: {:#?}", runs(hub).await);
}

#[tokio::test]
async fn one_hanging_source_does_not_delay_four_others() {
    let hub = TestHub::start_with(|c| {
        fast(c);
        c.federation.scheduler = true;
        c.federation.retries = 0;
    })
    .await;
    let hanging = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(30)))
        .mount(&hanging)
        .await;
    let hanging_id = register(&hub, "hanging", &hanging.uri(), &["PER"], 3600).await;
    let mut quick = Vec::new();
    let mut servers = Vec::new();
    for (i, period) in ["2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2"]
        .iter()
        .enumerate()
    {
        let server = feed_server(feed(vec![kpi_report(period, 1)], None, false)).await;
        quick.push(register(&hub, &format!("quick {i}"), &server.uri(), &["COL"], 3600).await);
        servers.push(server);
    }
    let runs = wait_for_runs(&hub, 5).await;
    let hanging_run = runs.iter().find(|r| r["sourceId"] == hanging_id).unwrap();
    assert_eq!(hanging_run["outcome"], "FAILED");
    for id in &quick {
        let run = runs.iter().find(|r| r["sourceId"] == *id).unwrap();
        assert_eq!(run["outcome"], "SUCCESS", "{run}");
        // Each quick source was done before the hanging one gave up.
        assert!(run["finishedAt"].as_str().unwrap() < hanging_run["finishedAt"].as_str().unwrap());
    }
}

#[tokio::test]
async fn two_replicas_on_one_postgresql_pull_a_source_once_per_round() {
    let hub = TestHub::start_with(|c| {
        fast(c);
        c.federation.scheduler = true;
        c.federation.replica_id = "replica-a".into();
    })
    .await;
    if !hub.database.is_postgres() {
        eprintln!(
            "two_replicas_on_one_postgresql_pull_a_source_once_per_round: PostgreSQL only (SQLite has one process)"
        );
        return;
    }
    let second = hub
        .replica(|c| {
            fast(c);
            c.federation.scheduler = true;
            c.federation.replica_id = "replica-b".into();
        })
        .await;
    let ready = hub
        .http
        .get(format!("{}/readyz", second.url))
        .send()
        .await
        .unwrap();
    assert_eq!(
        ready.status(),
        200,
        "the second replica serves the same database"
    );
    let server = feed_server(feed(
        vec![kpi_report("2026-Q1", 1), kpi_report("2026-Q2", 1)],
        None,
        false,
    ))
    .await;
    register(&hub, "COL", &server.uri(), &["COL"], 1).await;
    let runs = wait_for_runs(&hub, 5).await;
    let mut runs: Vec<(String, String)> = runs
        .iter()
        .map(|r| {
            (
                r["startedAt"].as_str().unwrap().to_owned(),
                r["finishedAt"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    runs.sort();
    for pair in runs.windows(2) {
        let (previous, next) = (&pair[0], &pair[1]);
        let gap = chrono::DateTime::parse_from_rfc3339(&next.0).unwrap()
            - chrono::DateTime::parse_from_rfc3339(&previous.1).unwrap();
        // One run per round: the next starts an interval after the previous finished.
        assert!(
            gap >= chrono::TimeDelta::milliseconds(1000),
            "runs overlap or repeat within a round: {pair:?}"
        );
    }
    assert_eq!(
        hub.count("SELECT COUNT(*) AS n FROM submission").await,
        2,
        "no document stored twice"
    );
    assert_eq!(
        hub.count("SELECT COUNT(*) AS n FROM kpi_value").await,
        6,
        "no value stored twice"
    );
}

#[tokio::test]
async fn a_lease_held_by_a_dead_replica_expires_and_another_takes_over() {
    // This hub does not schedule; it only registers the source.
    let hub = hub().await;
    let server = feed_server(feed(vec![kpi_report("2026-Q1", 1)], None, false)).await;
    let id = register(&hub, "COL", &server.uri(), &["COL"], 3600).await;
    // A replica claimed the due source and died: its lease runs for another second.
    let claimed = hub_store::sources::claim(
        &hub.db,
        id.parse().unwrap(),
        "dead",
        chrono::TimeDelta::seconds(1),
        hub_store::now(),
        false,
    )
    .await
    .unwrap();
    assert!(claimed);
    // A live replica with a scheduler finds the lease held, then expired, and takes over.
    let _live = hub
        .replica(|c| {
            fast(c);
            c.federation.scheduler = true;
            c.federation.replica_id = "live".into();
        })
        .await;
    let runs = wait_for_runs(&hub, 1).await;
    assert_eq!(runs.len(), 1, "exactly one run, by the live replica");
    assert_eq!(runs[0]["outcome"], "SUCCESS");
    assert_eq!(runs[0]["replica"], "live");
}

#[tokio::test]
async fn a_hub_pulls_another_hubs_feed() {
    let upstream = hub().await;
    upstream.submit_ok(&kpi_report("2026-Q1", 1)).await;
    upstream.submit_ok(&kpi_report("2026-Q2", 1)).await;
    let mut internal = kpi_report("2025-Q4", 1);
    internal["classification"] = json!("INTERNAL");
    upstream.submit_ok(&internal).await;

    let downstream = hub().await;
    let id = register(
        &downstream,
        "LAC hub",
        &format!("{}/federation/v1/feed", upstream.url),
        &["COL"],
        900,
    )
    .await;
    let run = sync(&downstream, &id).await;
    // Without a token the upstream serves its public documents only.
    assert_eq!(
        (run["outcome"].clone(), run["accepted"].clone()),
        (json!("SUCCESS"), json!(2))
    );
    let again = sync(&downstream, &id).await;
    assert!(
        again["outcome"] == "NOT_MODIFIED" || again["accepted"] == 0,
        "{again}"
    );
    assert_eq!(
        downstream
            .count("SELECT COUNT(*) AS n FROM submission")
            .await,
        2
    );
}

#[tokio::test]
async fn the_hub_feed_pages_with_a_cursor_answers_304_and_hides_what_the_caller_may_not_see() {
    let hub = hub().await;
    for period in ["2025-Q3", "2025-Q4", "2026-Q1"] {
        hub.submit_ok(&kpi_report(period, 1)).await;
    }
    let mut internal = kpi_report("2026-Q2", 1);
    internal["classification"] = json!("INTERNAL");
    hub.submit_ok(&internal).await;
    let get = |query: String, token: Option<String>, etag: Option<String>| {
        let hub = &hub;
        async move {
            let mut request = hub
                .http
                .get(format!("{}/federation/v1/feed{query}", hub.url));
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            if let Some(etag) = etag {
                request = request.header("if-none-match", etag);
            }
            request.send().await.unwrap()
        }
    };
    let response = get("?limit=2".into(), None, None).await;
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    let page: Value = response.json().await.unwrap();
    assert_eq!(page["documentType"], "country-feed");
    assert_eq!(page["documents"].as_array().unwrap().len(), 2);
    assert_eq!(page["hasMore"], true);
    let cursor = page["nextCursor"].as_str().unwrap().to_owned();
    assert_eq!(get("?limit=2".into(), None, Some(etag)).await.status(), 304);
    let page: Value = get(format!("?limit=2&since={cursor}"), None, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        page["documents"].as_array().unwrap().len(),
        1,
        "the INTERNAL report is not public"
    );
    let page: Value = get(
        format!("?limit=2&since={cursor}"),
        Some(hub.admin_token.clone()),
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(page["documents"].as_array().unwrap().len(), 2);
    let response = get("?limit=0".into(), None, None).await;
    assert_eq!(response.status(), 422);
}

#[tokio::test]
async fn tokens_of_sources_are_never_returned_and_only_admins_manage_sources() {
    let hub = hub().await;
    let data = hub
        .query_ok(
            Some(&hub.admin_token),
            r#"mutation { registerSource(input: { name: "secret", url: "http://127.0.0.1:9/feed", token: "s3cr3t-token", countries: ["COL"] }) { id hasToken } }"#,
            json!({}),
        )
        .await;
    assert_eq!(data["registerSource"]["hasToken"], true);
    let body = hub
        .graphql(
            Some(&hub.admin_token),
            "{ sources { id name url hasToken lastError } }",
            json!({}),
        )
        .await;
    assert!(!body.to_string().contains("s3cr3t-token"));
    let out = hub.cli(&["sources", "list"]).await;
    assert!(!String::from_utf8_lossy(&out.stdout).contains("s3cr3t-token"));
    let analyst = hub.token("ANALYST", &[]).await;
    let body = hub
        .graphql(Some(&analyst), r#"mutation { registerSource(input: { name: "x", url: "http://h/feed", countries: ["COL"] }) { id } }"#, json!({}))
        .await;
    assert_eq!(error_code(&body), "FORBIDDEN");
    let body = hub
        .graphql(Some(&analyst), "{ sources { id } }", json!({}))
        .await;
    assert_eq!(error_code(&body), "FORBIDDEN");
    let body = hub
        .graphql(Some(&hub.admin_token), r#"mutation { registerSource(input: { name: "y", url: "ftp://h/feed", countries: ["COL"] }) { id } }"#, json!({}))
        .await;
    assert_eq!(error_code(&body), "VALIDATION_FAILED");
    let body = hub
        .graphql(Some(&hub.admin_token), r#"mutation { registerSource(input: { name: "z", url: "http://h/feed", countries: ["XXX"] }) { id } }"#, json!({}))
        .await;
    assert_eq!(error_code(&body), "VALIDATION_FAILED");
}

/// A `romt-hub country-node` process serving `dir`.
struct Node {
    child: tokio::process::Child,
    url: String,
}

async fn country_node(dir: &std::path::Path) -> Node {
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_romt-hub"))
        .args([
            "country-node",
            "--dir",
            dir.to_str().unwrap(),
            "--bind",
            "127.0.0.1:0",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let line = lines.next_line().await.unwrap().unwrap();
    let url = line.rsplit(' ').next().unwrap().to_owned();
    Node { child, url }
}

#[tokio::test]
async fn two_country_nodes_feed_the_hub_and_a_stopped_one_turns_failing_then_stale() {
    let hub = hub().await;
    let seed = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("seed/feeds");
    let mut cri = country_node(&seed.join("CRI")).await;
    let pry = country_node(&seed.join("PRY")).await;
    let cri_id = register(&hub, "CRI node", &cri.url, &["CRI"], 1).await;
    let pry_id = register(&hub, "PRY node", &pry.url, &["PRY"], 1).await;
    let run = sync(&hub, &cri_id).await;
    assert_eq!(
        (run["outcome"].clone(), run["accepted"].clone()),
        (json!("SUCCESS"), json!(7)),
        "{run:#}"
    );
    assert_eq!(sync(&hub, &pry_id).await["accepted"], 7);

    cri.child.kill().await.unwrap();
    let run = sync(&hub, &cri_id).await;
    assert_eq!(run["outcome"], "FAILED");
    assert_eq!(source(&hub, &cri_id).await["status"], "FAILING");
    // Two intervals (2 s) after its last success, the source is stale; the other is not.
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let run = sync(&hub, &pry_id).await;
    assert_eq!(
        (run["outcome"].clone(), run["accepted"].clone()),
        (json!("SUCCESS"), json!(0)),
        "{run:#}"
    );
    assert_eq!(source(&hub, &cri_id).await["status"], "STALE");
    assert_eq!(source(&hub, &pry_id).await["status"], "OK");
    // The dashboard marks CRI's figures stale and keeps its last good data.
    let data = hub
        .query_ok(
            None,
            "{ dashboard(year: 2025) { byCountry { country stale reported costAvoidanceUsd } } }",
            json!({}),
        )
        .await;
    let row = |code: &str| {
        data["dashboard"]["byCountry"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["country"] == code)
            .unwrap()
            .clone()
    };
    assert_eq!(row("CRI")["stale"], true);
    assert_eq!(row("CRI")["reported"], true);
    assert!(row("CRI")["costAvoidanceUsd"].is_string());
    assert_eq!(row("PRY")["stale"], false);
}

#[tokio::test]
async fn a_country_node_picks_up_new_files_and_skips_invalid_ones() {
    let hub = hub().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("q1.json"),
        kpi_report("2026-Q1", 1).to_string(),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("broken.json"),
        "{ \"documentType\": \"kpi-report\" }",
    )
    .unwrap();
    let node = country_node(dir.path()).await;
    let id = register(&hub, "folder", &node.url, &["COL"], 900).await;
    let run = sync(&hub, &id).await;
    assert_eq!(
        (run["accepted"].clone(), run["rejected"].clone()),
        (json!(1), json!(0)),
        "the broken file is skipped at the node: {run:#}"
    );
    std::fs::write(
        dir.path().join("q2.json"),
        kpi_report("2026-Q2", 1).to_string(),
    )
    .unwrap();
    let run = sync(&hub, &id).await;
    assert_eq!(run["accepted"], 1, "{run:#}");
    assert_eq!(hub.count("SELECT COUNT(*) AS n FROM submission").await, 2);
}

#[tokio::test]
async fn pulled_reports_are_judged_by_when_they_were_published() {
    let hub = hub().await;
    let published = |period: &str, at: Option<&str>| {
        let mut report = kpi_report(period, 1);
        if let Some(at) = at {
            report["publishedAt"] = json!(at);
        }
        report
    };
    let server = feed_server(feed(
        vec![
            // Published within 30 days of the quarter's end: on time, though pulled today.
            published("2026-Q1", Some("2026-04-20T09:00:00Z")),
            published("2026-Q2", Some("2026-07-15T09:00:00+02:00")),
            // A publication time after the pull cannot be: the pull counts.
            published("2026-Q3", Some("2099-01-01T00:00:00Z")),
            // Without one, the pull counts, as before.
            published("2025-Q4", None),
        ],
        None,
        false,
    ))
    .await;
    let id = register(
        &hub,
        "COL system",
        &format!("{}/feed", server.uri()),
        &["COL"],
        900,
    )
    .await;
    let run = sync(&hub, &id).await;
    assert_eq!(run["accepted"], 4, "{run:#}");
    let data = hub
        .query_ok(
            None,
            r#"{ completeness(from: "2025-Q4", to: "2026-Q3") { country periods { period status } } }"#,
            json!({}),
        )
        .await;
    let col = data["completeness"]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["country"] == "COL")
        .unwrap();
    let statuses: Vec<(&str, &str)> = col["periods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["period"].as_str().unwrap(), p["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        statuses,
        vec![
            ("2025-Q4", "LATE"),
            ("2026-Q1", "ON_TIME"),
            ("2026-Q2", "ON_TIME"),
            ("2026-Q3", "LATE"),
        ]
    );
    // This hub's own feed says when it received each document, so a hub pulling it keeps the
    // timeliness.
    let own: Value = hub
        .http
        .get(format!("{}/federation/v1/feed", hub.url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let q1 = own["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["period"] == "2026-Q1")
        .unwrap();
    assert_eq!(q1["publishedAt"], "2026-04-20T09:00:00Z");
    assert!(
        own["documents"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["publishedAt"].is_string()),
        "every document of the feed carries publishedAt"
    );
}
