//! Ingestion throughput: `cargo bench --bench ingest` (set `HUB_BENCH_DATABASE_URL` to a
//! PostgreSQL server URL to measure PostgreSQL too). Prints a Markdown table for
//! docs/benchmarks.md.

#![expect(clippy::expect_used, reason = "benchmarks fail loudly")]

mod common;

use common::{
    COUNTRIES, databases, floor, last_submission, ms, report, submissions_after, submit, time,
};

/// Submits a document that must be stored whole; returns its values.
async fn stored(app: &hub_app::App, body: &[u8]) -> usize {
    let outcome = submit(app, body).await;
    assert!(
        outcome.status == 201 && outcome.receipt.rejected_values.is_empty(),
        "{:?} {:?}",
        outcome.receipt.errors,
        outcome.receipt.rejected_values
    );
    outcome.receipt.accepted_values
}

/// Ingests `bodies` one after another through the application, then the same rows by raw
/// INSERTs (the floor); prints both and their ratio.
async fn workload(bench: &common::BenchDb, label: &str, bodies: &[Vec<u8>]) {
    let before = last_submission(&bench.db).await;
    let (values, elapsed) = time(async {
        let mut values = 0;
        for body in bodies {
            values += stored(&bench.app, body).await;
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
            workload(&bench, "reports of 42 values, one after another", &typical).await;
            // Larger reports: 15 services × 14 KPIs = 210 values, 26 countries × 2 quarters.
            workload(&bench, "reports of 210 values, one after another", &bodies(15, 8..10)).await;
            // One large report: 715 services × 14 KPIs = 10,010 values.
            let large = report("COL", "COP", "2021-Q3", 715, 1).to_string().into_bytes();
            workload(&bench, "one report of 10,010 values", &[large]).await;

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
