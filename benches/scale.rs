//! Scale simulation: `cargo bench --bench scale` (set `HUB_BENCH_DATABASE_URL` to a PostgreSQL
//! server URL to measure PostgreSQL too). Loads N countries × Q quarters × S services × 14 KPIs
//! of synthetic reports through the application, from the region's 26 teams × 20 quarters × 3
//! services up to the value count of 130 teams × 40 quarters × 15 services, and records for each
//! size: ingestion values/s, the cold and warm `dashboard(year: 2025)`, a cold
//! `regionalKpi(CA, 2025)` and `kpiSeries(CA, 2016-Q3..2026-Q2)`, and the process's peak RSS.
//!
//! Each size runs in a process of its own (this binary started again with `ROMT_SCALE_RUN`), so
//! its peak RSS is its own. Teams beyond the region's 26 are synthetic (`XAA`, `XAB`, …, in USD).

#![expect(clippy::expect_used, reason = "benchmarks fail loudly")]

mod common;

use std::process::Command;
use std::time::Instant;

use common::{BenchDb, COUNTRIES, analyst, ms, report, submit, time_n};
use sea_orm::ConnectionTrait;

/// The sizes measured: (countries, quarters, services).
const SIZES: [(usize, usize, usize); 4] = [(26, 20, 3), (52, 20, 6), (130, 20, 10), (130, 40, 15)];

/// Tells a started copy which database and size to measure.
const RUN: &str = "ROMT_SCALE_RUN";

/// The `n` quarters up to 2026-Q2, oldest first.
fn quarters(n: usize) -> Vec<String> {
    let last = 2026 * 4 + 1; // 2026-Q2, counted from year 0 Q1
    (last + 1 - n..=last)
        .map(|i| format!("{}-Q{}", i / 4, i % 4 + 1))
        .collect()
}

/// `n` teams with their currencies: the region's, then synthetic ones.
fn teams(n: usize) -> Vec<(String, String)> {
    let synthetic = (b'A'..=b'Z')
        .flat_map(|a| (b'A'..=b'Z').map(move |b| format!("X{}{}", a as char, b as char)))
        .map(|code| (code, "USD".to_owned()));
    COUNTRIES
        .iter()
        .map(|(c, cur)| ((*c).to_owned(), (*cur).to_owned()))
        .chain(synthetic)
        .take(n)
        .collect()
}

async fn add_synthetic_teams(bench: &BenchDb, teams: &[(String, String)]) {
    for (code, _) in teams.iter().filter(|(c, _)| c.starts_with('X')) {
        bench
            .db
            .execute_unprepared(&format!(
                "INSERT INTO country_team (code, name, subregion, currency, multi_country_office, active)
                 VALUES ('{code}', 'Synthetic {code}', 'Synthetic', 'USD', false, true)"
            ))
            .await
            .expect("synthetic team");
    }
}

/// The process's peak resident set, in MB.
fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// Measures one size on one database; prints one Markdown row.
async fn measure(database: &str, (n, q, s): (usize, usize, usize)) {
    let bench = match database {
        "PostgreSQL" => BenchDb::postgres().await.expect("HUB_BENCH_DATABASE_URL"),
        _ => BenchDb::sqlite().await,
    };
    let app = &bench.app;
    let teams = teams(n);
    add_synthetic_teams(&bench, &teams).await;
    let periods = quarters(q);
    let start = Instant::now();
    let mut values = 0;
    for (qi, period) in periods.iter().enumerate() {
        for (i, (country, currency)) in teams.iter().enumerate() {
            let body = report(country, currency, period, s, (qi * 31 + i) as u64).to_string();
            let outcome = submit(app, body.as_bytes()).await;
            assert_eq!(outcome.status, 201, "{:?}", outcome.receipt.errors);
            values += outcome.receipt.accepted_values;
        }
    }
    let ingest = start.elapsed();
    let year_values = periods.iter().filter(|p| p.starts_with("2025")).count() * n * s * 14;
    let analyst = analyst(app).await;
    let runs = if values > 500_000 { 3 } else { 5 };
    let cold = time_n(runs, || async {
        app.forget_figures();
        app.dashboard(&analyst, 2025, None, None, None)
            .await
            .expect("dashboard");
    })
    .await;
    let warm = time_n(50, || async {
        app.dashboard(&analyst, 2025, None, None, None)
            .await
            .expect("dashboard");
    })
    .await;
    let kpi = time_n(runs, || async {
        app.forget_figures();
        app.regional_kpi(&analyst, "CA", "2025", None, None)
            .await
            .expect("regionalKpi");
    })
    .await;
    let (first, last) = (periods[0].clone(), periods[periods.len() - 1].clone());
    let series = time_n(runs, || async {
        app.forget_figures();
        app.kpi_series(&analyst, "CA", &first, &last, None)
            .await
            .expect("kpiSeries");
    })
    .await;
    println!(
        "| {database} | {n} × {q} × {s} | {values} | {year_values} | {:.0} | {} | {} | {} | {} | {:.0} |",
        values as f64 / ingest.as_secs_f64(),
        ms(cold),
        ms(warm),
        ms(kpi),
        ms(series),
        peak_rss_mb(),
    );
    bench.finish().await;
}

fn main() {
    if let Ok(run) = std::env::var(RUN) {
        let parts: Vec<&str> = run.split(':').collect();
        let size = |i: usize| parts[i].parse::<usize>().expect("size");
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(measure(parts[0], (size(1), size(2), size(3))));
        return;
    }
    let mut databases = vec!["SQLite"];
    if std::env::var("HUB_BENCH_DATABASE_URL").is_ok() {
        databases.push("PostgreSQL");
    }
    println!(
        "| database | countries × quarters × services | values | values of 2025 | ingestion values/s | cold dashboard (ms) | warm dashboard (ms) | cold regionalKpi(CA, 2025) (ms) | cold kpiSeries(CA, all) (ms) | peak RSS (MB) |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    let me = std::env::current_exe().expect("this benchmark");
    for database in databases {
        for (n, q, s) in SIZES {
            let started = Instant::now();
            let out = Command::new(&me)
                .env(RUN, format!("{database}:{n}:{q}:{s}"))
                .output()
                .expect("start a size");
            assert!(
                out.status.success(),
                "{database} {n}×{q}×{s}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            print!("{}", String::from_utf8_lossy(&out.stdout));
            eprintln!(
                "{database} {n}×{q}×{s}: {:.0} s",
                started.elapsed().as_secs_f64()
            );
        }
    }
}
