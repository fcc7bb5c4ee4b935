//! Export throughput and memory: `cargo bench --bench exports` (set `HUB_BENCH_DATABASE_URL`
//! to a PostgreSQL server URL to measure PostgreSQL too). Loads about a million values through
//! the application (26 countries × 40 quarters × 69 services × 14 KPIs = 1,004,640), then
//! exports every value as CSV and as XLSX through `App::export`, reading the download as a client
//! would, and records the time and the peak resident memory above the idle process. The floor
//! is the same rows read with hand-written SQL, report by report, and written with the csv
//! crate. Prints Markdown for docs/benchmarks.md.

#![expect(clippy::expect_used, reason = "benchmarks fail loudly")]

mod common;

use std::time::{Duration, Instant};

use common::{COUNTRIES, databases, operator, report, submit};
use hub_app::App;
use hub_app::exports::{ExportFilters, ExportKind, ExportRequest};
use hub_domain::i18n::Lang;
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};

/// 69 services × 14 KPIs = 966 values per report.
const SERVICES: usize = 69;

/// The 40 quarters from 2016-Q3 to 2026-Q2.
fn quarters() -> Vec<String> {
    (2016..=2026)
        .flat_map(|y| (1..=4).map(move |q| format!("{y}-Q{q}")))
        .skip(2)
        .take(40)
        .collect()
}

async fn load(app: &App) -> usize {
    let mut values = 0;
    for (q, period) in quarters().iter().enumerate() {
        for (i, (country, currency)) in COUNTRIES.iter().enumerate() {
            let body = report(country, currency, period, SERVICES, (q * 31 + i) as u64).to_string();
            let outcome = submit(app, body.as_bytes()).await;
            assert_eq!(outcome.status, 201, "{:?}", outcome.receipt.errors);
            values += outcome.receipt.accepted_values;
        }
    }
    values
}

/// A line of `/proc/self/status` in KiB (`VmRSS`, `VmHWM`).
fn status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| {
            l.strip_prefix(field)?
                .trim_start_matches(':')
                .split_whitespace()
                .next()?
                .parse()
                .ok()
        })
        .unwrap_or(0)
}

/// Resets the peak resident set size (`VmHWM`) to the current one (Linux `clear_refs` 5).
fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// Exports every value in `format` and reads it to the end; returns the bytes, the time and the
/// peak resident memory above the idle process (MiB).
async fn export(app: &App, format: &str) -> (u64, Duration, f64) {
    let idle = status_kib("VmRSS");
    let reset = reset_peak();
    let start = Instant::now();
    let mut download = app
        .export(
            &operator(),
            ExportRequest {
                kind: ExportKind::Values,
                format: Some(format.to_owned()),
                accept: None,
                lang: Lang::En,
                filters: ExportFilters {
                    from: Some("2016-Q3".into()),
                    to: Some("2026-Q2".into()),
                    ..ExportFilters::default()
                },
            },
        )
        .await
        .expect("export starts");
    let mut bytes = 0u64;
    while let Some(chunk) = download.body.next_chunk().await {
        bytes += chunk.expect("export chunk").len() as u64;
    }
    let elapsed = start.elapsed();
    let peak = if reset { status_kib("VmHWM") } else { 0 };
    (bytes, elapsed, peak.saturating_sub(idle) as f64 / 1024.0)
}

/// The floor: the same rows, read report by report with one hand-written query each and
/// written as CSV.
async fn floor(db: &DatabaseConnection) -> (u64, Duration) {
    let backend = db.get_database_backend();
    let start = Instant::now();
    let ids = db
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT id FROM submission WHERE is_current AND document_type = 'kpi-report' ORDER BY country, period",
        ))
        .await
        .expect("reports");
    let mut out = csv::Writer::from_writer(Counted(0));
    for row in ids {
        let id: i64 = row.try_get("", "id").expect("id");
        let rows = db
            .query_all_raw(Statement::from_string(
                backend,
                format!(
                    "SELECT country, period, kpi, service_line, common_service, value, reported_value, currency, fx_rate, fx_month, flags, classification, revision, submission_id, comment FROM kpi_value WHERE submission_id = {id} ORDER BY id"
                ),
            ))
            .await
            .expect("values");
        for r in rows {
            let text = |c: &str| {
                r.try_get::<Option<String>>("", c)
                    .ok()
                    .flatten()
                    .unwrap_or_default()
            };
            let revision: i32 = r.try_get("", "revision").unwrap_or_default();
            let submission: i64 = r.try_get("", "submission_id").unwrap_or_default();
            out.write_record([
                text("country"),
                text("period"),
                text("kpi"),
                text("service_line"),
                text("common_service"),
                text("value"),
                text("reported_value"),
                text("currency"),
                text("fx_rate"),
                text("fx_month"),
                text("flags"),
                text("classification"),
                revision.to_string(),
                submission.to_string(),
                text("comment"),
            ])
            .expect("csv");
        }
        out.flush().expect("flush");
    }
    (out.get_ref().0, start.elapsed())
}

/// A sink that counts what is written to it, as a client reading a download would.
struct Counted(u64);

impl std::io::Write for Counted {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0 += bytes.len() as u64;
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::main]
async fn main() {
    println!(
        "| database | values | format | bytes | time (s) | values/s | floor (s) | time / floor | peak RSS above idle (MiB) |"
    );
    println!("|---|---:|---|---:|---:|---:|---:|---:|---:|");
    for bench in databases().await {
        let start = Instant::now();
        let values = load(&bench.app).await;
        eprintln!(
            "{}: {values} values loaded in {:.0} s",
            bench.name,
            start.elapsed().as_secs_f64()
        );
        let (floor_bytes, floor_time) = floor(&bench.db).await;
        eprintln!("{}: floor {floor_bytes} bytes", bench.name);
        for format in ["csv", "xlsx"] {
            let (bytes, elapsed, peak) = export(&bench.app, format).await;
            println!(
                "| {} | {values} | {format} | {bytes} | {:.1} | {:.0} | {:.1} | {:.1}× | {peak:.0} |",
                bench.name,
                elapsed.as_secs_f64(),
                values as f64 / elapsed.as_secs_f64(),
                floor_time.as_secs_f64(),
                elapsed.as_secs_f64() / floor_time.as_secs_f64(),
            );
        }
        bench.finish().await;
    }
}
