//! Pull throughput: `cargo bench --bench federation` (set `HUB_BENCH_DATABASE_URL` to a
//! PostgreSQL server URL to measure PostgreSQL too). 26 sources on loopback (wiremock), each a
//! country feed of 8 quarterly reports of 42 values, pulled with the default concurrency (8);
//! then a second round where every source answers 304. Prints Markdown for docs/benchmarks.md.

#![expect(clippy::expect_used, reason = "benchmarks fail loudly")]

mod common;

use std::time::Instant;

use common::{COUNTRIES, databases, operator, quarters, report};
use futures::StreamExt;
use hub_app::App;
use hub_app::sources::{NewSource, SyncOutcome};
use serde_json::json;
use wiremock::matchers::{header_exists, method};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn round(app: &App, ids: &[i64]) -> (f64, usize, Vec<SyncOutcome>) {
    let start = Instant::now();
    let caller = operator();
    let runs: Vec<_> = futures::stream::iter(ids.iter().copied())
        .map(|id| app.sync_source(&caller, id))
        .buffer_unordered(app.config().federation.concurrency)
        .collect()
        .await;
    let elapsed = start.elapsed().as_secs_f64();
    let runs: Vec<_> = runs.into_iter().map(|r| r.expect("run")).collect();
    let accepted = runs.iter().map(|r| r.accepted as usize).sum();
    (
        elapsed,
        accepted,
        runs.into_iter().map(|r| r.outcome).collect(),
    )
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let mut servers = Vec::new();
        for (i, (country, currency)) in COUNTRIES.iter().enumerate() {
            let documents: Vec<_> = quarters()[12..]
                .iter()
                .map(|period| report(country, currency, period, 3, i as u64))
                .collect();
            let feed = json!({ "documentType": "country-feed", "schemaVersion": "1.0", "publisher": country,
                               "generatedAt": "2026-07-10T08:00:00Z", "documents": documents,
                               "nextCursor": null, "hasMore": false });
            let server = MockServer::start().await;
            Mock::given(method("GET"))
                .and(header_exists("if-none-match"))
                .respond_with(ResponseTemplate::new(304))
                .with_priority(1)
                .mount(&server)
                .await;
            Mock::given(method("GET"))
                .respond_with(ResponseTemplate::new(200).insert_header("etag", "\"v1\"").set_body_json(feed))
                .with_priority(2)
                .mount(&server)
                .await;
            servers.push((country.to_string(), server));
        }
        println!("| database | round | sources | documents | time (s) | documents/s |");
        println!("|---|---|---:|---:|---:|---:|");
        for bench in databases().await {
            let mut ids = Vec::new();
            for (country, server) in &servers {
                let source = bench
                    .app
                    .register_source(
                        &operator(),
                        NewSource { name: format!("{country} feed"), url: server.uri(), token: None, interval_seconds: 900, countries: vec![country.clone()] },
                    )
                    .await
                    .expect("source");
                ids.push(source.id);
            }
            let (secs, accepted, outcomes) = round(&bench.app, &ids).await;
            assert!(outcomes.iter().all(|o| *o == SyncOutcome::Success), "{outcomes:?}");
            println!("| {} | first pull (200, 8 reports each) | 26 | {accepted} | {secs:.2} | {:.1} |", bench.name, accepted as f64 / secs);
            let (secs, _, outcomes) = round(&bench.app, &ids).await;
            assert!(outcomes.iter().all(|o| *o == SyncOutcome::NotModified), "{outcomes:?}");
            println!("| {} | every source answers 304 | 26 | 0 | {secs:.3} | - |", bench.name);
            bench.finish().await;
        }
    });
}
