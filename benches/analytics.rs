//! Regional analytics latency: `cargo bench --bench analytics` (set `HUB_BENCH_DATABASE_URL` to
//! a PostgreSQL server URL to measure PostgreSQL too). Loads 26 countries × 20 quarters × 3
//! services × 14 KPIs (21,840 values) through the application, then times `dashboard`
//! and `regionalKpi` cold (cache cleared) and warm, beside one hand-written SQL query answering
//! the core of the same question over the same tables (the floor). Prints Markdown for
//! docs/benchmarks.md. `HUB_BENCH_COLD_RUNS` (default 10) sets how many cold dashboards are
//! timed: a few thousand give a profiler (`perf record -p`) something to see.

#![expect(clippy::expect_used, reason = "benchmarks fail loudly")]

mod common;

use std::time::Duration;

use common::{COUNTRIES, analyst, databases, ms, quarters, report, submit, time_n};
use hub_app::App;
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};

async fn load(app: &App) -> usize {
    let mut values = 0;
    for (q, period) in quarters().iter().enumerate() {
        for (i, (country, currency)) in COUNTRIES.iter().enumerate() {
            let body = report(country, currency, period, 3, (q * 31 + i) as u64).to_string();
            let outcome = submit(app, body.as_bytes()).await;
            assert_eq!(outcome.status, 201, "{:?}", outcome.receipt.errors);
            values += outcome.receipt.accepted_values;
        }
    }
    values
}

async fn floor(db: &DatabaseConnection, sql: &str) -> Duration {
    let backend = db.get_database_backend();
    time_n(20, || async {
        let rows = db
            .query_all_raw(Statement::from_string(backend, sql))
            .await
            .expect("floor query");
        assert!(!rows.is_empty());
    })
    .await
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        println!("| database | question | cold (ms) | warm (ms) | SQL floor (ms) | cold / floor |");
        println!("|---|---|---:|---:|---:|---:|");
        for bench in databases().await {
            let app = &bench.app;
            let values = load(app).await;
            eprintln!("{}: {values} values loaded", bench.name);
            let analyst = analyst(app).await;
            let year = "('2025-Q1','2025-Q2','2025-Q3','2025-Q4')";

            let cold_runs = std::env::var("HUB_BENCH_COLD_RUNS")
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(10);
            let cold = time_n(cold_runs, || async {
                app.forget_figures();
                app.dashboard(&analyst, 2025, None, None, None).await.expect("dashboard");
            }).await;
            let warm = time_n(200, || async {
                app.dashboard(&analyst, 2025, None, None, None).await.expect("dashboard");
            }).await;
            let sql = format!(
                "SELECT country, service_line, SUM(CAST(value AS NUMERIC)) AS usd FROM kpi_value
                 WHERE kpi = 'CA' AND is_current = true AND value IS NOT NULL AND period IN {year}
                   AND classification IN ('PUBLIC','INTERNAL') GROUP BY country, service_line"
            );
            let floor_dashboard = floor(&bench.db, &sql).await;
            println!("| {} | dashboard(year: 2025) | {} | {} | {} | {:.1}× |", bench.name, ms(cold), ms(warm), ms(floor_dashboard), cold.as_secs_f64() / floor_dashboard.as_secs_f64());

            for (kpi, period, floor_sql) in [
                ("CA", "2025", format!("SELECT SUM(CAST(value AS NUMERIC)) AS usd FROM kpi_value WHERE kpi = 'CA' AND is_current = true AND value IS NOT NULL AND period IN {year} AND classification IN ('PUBLIC','INTERNAL')")),
                ("ADMIN.CP.PCT", "2025-Q2", "SELECT SUM(CAST(value AS NUMERIC) * CAST(denominator AS NUMERIC)) / SUM(CAST(denominator AS NUMERIC)) AS v FROM kpi_value WHERE kpi = 'ADMIN.CP.PCT' AND is_current = true AND period = '2025-Q2' AND denominator IS NOT NULL AND classification IN ('PUBLIC','INTERNAL')".to_owned()),
            ] {
                let cold = time_n(10, || async {
                    app.forget_figures();
                    app.regional_kpi(&analyst, kpi, period, None, None).await.expect("kpi");
                }).await;
                let warm = time_n(200, || async {
                    app.regional_kpi(&analyst, kpi, period, None, None).await.expect("kpi");
                }).await;
                let f = floor(&bench.db, &floor_sql).await;
                println!("| {} | regionalKpi({kpi}, {period}) | {} | {} | {} | {:.1}× |", bench.name, ms(cold), ms(warm), ms(f), cold.as_secs_f64() / f.as_secs_f64());
            }
            bench.finish().await;
        }
    });
}
