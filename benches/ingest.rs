//! Ingestion throughput: `cargo bench --bench ingest` (set `HUB_BENCH_DATABASE_URL` to a
//! PostgreSQL server URL to measure PostgreSQL too). Prints a Markdown table for
//! docs/benchmarks.md.

#![expect(clippy::expect_used, reason = "benchmarks fail loudly")]

mod common;

use common::{COUNTRIES, databases, ms, quarters, report, submit, time};

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

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        println!("| database | workload | documents | values | time (s) | documents/s | values/s |");
        println!("|---|---|---:|---:|---:|---:|---:|");
        for bench in databases().await {
            // Typical reports: 26 countries × 8 quarters, 3 services × 14 KPIs = 42 values each.
            let bodies: Vec<Vec<u8>> = quarters()[12..]
                .iter()
                .flat_map(|period| {
                    COUNTRIES.iter().enumerate().map(move |(i, (country, currency))| {
                        report(country, currency, period, 3, i as u64).to_string().into_bytes()
                    })
                })
                .collect();
            let (values, elapsed) = time(async {
                let mut values = 0;
                for body in &bodies {
                    values += stored(&bench.app, body).await;
                }
                values
            })
            .await;
            let secs = elapsed.as_secs_f64();
            println!(
                "| {} | typical reports, one after another | {} | {values} | {secs:.2} | {:.1} | {:.0} |",
                bench.name,
                bodies.len(),
                bodies.len() as f64 / secs,
                values as f64 / secs
            );

            // One large report: 715 services × 14 KPIs = 10,010 values.
            let large = report("COL", "COP", "2021-Q3", 715, 1).to_string().into_bytes();
            let (values, elapsed) = time(stored(&bench.app, &large)).await;
            let secs = elapsed.as_secs_f64();
            println!(
                "| {} | one report of 10,010 values ({} KiB) | 1 | {values} | {secs:.2} | {:.2} | {:.0} |",
                bench.name,
                large.len() / 1024,
                1.0 / secs,
                values as f64 / secs
            );

            // Re-sending an unchanged document (idempotent re-ingestion, as a pull of a static file does).
            let (_, elapsed) = time(async {
                for body in bodies.iter().take(52) {
                    assert_eq!(submit(&bench.app, body).await.status, 200);
                }
            })
            .await;
            println!(
                "| {} | unchanged re-sends (DUPLICATE) | 52 | 0 | {:.2} | {:.1} | - |",
                bench.name,
                elapsed.as_secs_f64(),
                52.0 / elapsed.as_secs_f64()
            );
            eprintln!("{}: per typical document {} ms", bench.name, ms(elapsed / 52));
            bench.finish().await;
        }
    });
}
