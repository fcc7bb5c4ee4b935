//! Ingestion throughput: `cargo bench --bench ingest` (set `HUB_BENCH_DATABASE_URL` to a
//! PostgreSQL server URL to measure PostgreSQL too). Documents go in-process through the
//! application and, for typical and larger reports, over REST too: `POST /api/v1/submissions`
//! to the hub's own HTTP server on loopback, one after another, as a country's system sends
//! them. Prints a Markdown table for docs/benchmarks.md.

#![expect(clippy::expect_used, reason = "benchmarks fail loudly")]

mod common;

use common::{
    COUNTRIES, databases, floor, last_submission, ms, report, submissions_after, submit, time,
    token,
};
use hub_app::App;
use hub_domain::access::Role;

/// How documents reach the hub.
enum Via {
    /// Called in-process, as every entry point calls the application.
    App,
    /// POSTed to the hub's HTTP server on loopback with an admin's token.
    Rest {
        client: reqwest::Client,
        url: String,
        token: String,
    },
}

impl Via {
    /// Serves `app` on a loopback port for the rest of the run and returns the way to it.
    async fn rest(app: &App) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let url = format!(
            "http://{}/api/v1/submissions",
            listener.local_addr().expect("address")
        );
        tokio::spawn(hub_api::startup::serve(
            app.clone(),
            listener,
            std::future::pending(),
        ));
        Via::Rest {
            client: reqwest::Client::new(),
            url,
            token: token(app, "bench-rest", Role::Admin).await,
        }
    }

    /// Submits a document that must be stored whole; returns its values.
    async fn stored(&self, app: &App, body: &[u8]) -> usize {
        match self {
            Via::App => {
                let outcome = submit(app, body).await;
                assert!(
                    outcome.status == 201 && outcome.receipt.rejected_values.is_empty(),
                    "{:?} {:?}",
                    outcome.receipt.errors,
                    outcome.receipt.rejected_values
                );
                outcome.receipt.accepted_values
            }
            Via::Rest { client, url, token } => {
                let response = client
                    .post(url)
                    .bearer_auth(token)
                    .header("content-type", "application/json")
                    .body(body.to_vec())
                    .send()
                    .await
                    .expect("POST /api/v1/submissions");
                let status = response.status().as_u16();
                let receipt: serde_json::Value = response.json().await.expect("receipt");
                let rejected = receipt["rejectedValues"].as_array().map_or(0, Vec::len);
                assert!(status == 201 && rejected == 0, "{status} {receipt}");
                receipt["acceptedValues"]
                    .as_u64()
                    .and_then(|n| usize::try_from(n).ok())
                    .expect("acceptedValues")
            }
        }
    }
}

/// Ingests `bodies` one after another `via` the application or REST, then the same rows by raw
/// INSERTs (the floor); prints both and their ratio.
async fn workload(bench: &common::BenchDb, via: &Via, label: &str, bodies: &[Vec<u8>]) {
    let before = last_submission(&bench.db).await;
    let (values, elapsed) = time(async {
        let mut values = 0;
        for body in bodies {
            values += via.stored(&bench.app, body).await;
        }
        values
    })
    .await;
    let stored_ids = submissions_after(&bench.db, before).await;
    let rows = floor::rows_of(&bench.db, &stored_ids).await;
    let floor = floor::raw_inserts(&bench.db, &rows, label).await;
    let secs = elapsed.as_secs_f64();
    println!(
        "| {} | {label} | {} | {values} | {secs:.2} | {:.1} | {:.0} | {:.2} | {:.2}× |",
        bench.name,
        bodies.len(),
        bodies.len() as f64 / secs,
        values as f64 / secs,
        floor.as_secs_f64(),
        floor.as_secs_f64() / secs,
    );
    eprintln!(
        "{} {label}: {} ms per document, floor {} ms",
        bench.name,
        ms(elapsed / bodies.len() as u32),
        ms(floor / bodies.len() as u32)
    );
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        println!(
            "| database | workload | documents | values | time (s) | documents/s | values/s | raw INSERTs (s) | hub / floor speed |"
        );
        println!("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        for bench in databases().await {
            // Typical reports: 26 countries × 8 quarters, 3 services × 14 KPIs = 42 values each.
            let bodies = |services: usize, quarters: std::ops::Range<usize>| -> Vec<Vec<u8>> {
                common::quarters()[quarters]
                    .iter()
                    .flat_map(|period| {
                        COUNTRIES.iter().enumerate().map(move |(i, (country, currency))| {
                            report(country, currency, period, services, i as u64)
                                .to_string()
                                .into_bytes()
                        })
                    })
                    .collect()
            };
            let typical = bodies(3, 12..20);
            let app = &Via::App;
            workload(&bench, app, "reports of 42 values, one after another", &typical).await;
            // Larger reports: 15 services × 14 KPIs = 210 values, 26 countries × 2 quarters.
            workload(&bench, app, "reports of 210 values, one after another", &bodies(15, 8..10)).await;
            // One large report: 715 services × 14 KPIs = 10,010 values.
            let large = report("COL", "COP", "2021-Q3", 715, 1).to_string().into_bytes();
            workload(&bench, app, "one report of 10,010 values", &[large]).await;
            // The same sizes over REST, for quarters not sent yet.
            let rest = &Via::rest(&bench.app).await;
            workload(&bench, rest, "reports of 42 values over REST", &bodies(3, 2..8)).await;
            workload(&bench, rest, "reports of 210 values over REST", &bodies(15, 10..12)).await;

            // Re-sending an unchanged document (idempotent re-ingestion, as a pull of a static file does).
            let (_, elapsed) = time(async {
                for body in typical.iter().take(52) {
                    assert_eq!(submit(&bench.app, body).await.status, 200);
                }
            })
            .await;
            println!(
                "| {} | unchanged re-sends (DUPLICATE) | 52 | 0 | {:.2} | {:.1} | - | - | - |",
                bench.name,
                elapsed.as_secs_f64(),
                52.0 / elapsed.as_secs_f64()
            );
            bench.finish().await;
        }
    });
}
