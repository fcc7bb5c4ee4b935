//! Shared by the benchmarks: fresh databases and generated documents.

#![allow(dead_code, reason = "each benchmark uses part of this module")]

pub mod floor;

use std::time::{Duration, Instant};

use hub_app::submissions::{Options, Outcome, SubmitRequest};
use hub_app::tokens::TokenRequest;
use hub_app::{App, Caller, Config};
use hub_domain::access::Role;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use serde_json::{Value, json};

/// A database for one benchmark run, with the application over it.
pub struct BenchDb {
    pub name: &'static str,
    pub url: String,
    /// The hub's operations, as every entry point calls them.
    pub app: App,
    /// A connection of the benchmark's own, for the SQL floors.
    pub db: DatabaseConnection,
    cleanup: Option<(String, String)>,
    _dir: Option<tempfile::TempDir>,
}

impl BenchDb {
    /// A migrated, reference-seeded SQLite file.
    pub async fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("bench.db").display()
        );
        let (app, db) = prepare(&url).await;
        BenchDb {
            name: "SQLite",
            url,
            app,
            db,
            cleanup: None,
            _dir: Some(dir),
        }
    }

    /// A migrated, reference-seeded PostgreSQL database on the server of
    /// `HUB_BENCH_DATABASE_URL`, if set.
    pub async fn postgres() -> Option<Self> {
        let admin = std::env::var("HUB_BENCH_DATABASE_URL").ok()?;
        let name = format!("romt_bench_{}", std::process::id());
        let conn = Database::connect(admin.as_str())
            .await
            .expect("connect HUB_BENCH_DATABASE_URL");
        conn.execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\""))
            .await
            .ok();
        conn.execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
            .await
            .expect("create bench db");
        conn.close().await.ok();
        let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
        let url = format!("{base}/{name}");
        let (app, db) = prepare(&url).await;
        Some(BenchDb {
            name: "PostgreSQL",
            url,
            app,
            db,
            cleanup: Some((admin, name)),
            _dir: None,
        })
    }

    /// Drops a PostgreSQL bench database.
    pub async fn finish(self) {
        self.db.close().await.ok();
        if let Some((admin, name)) = self.cleanup
            && let Ok(conn) = Database::connect(admin.as_str()).await
        {
            conn.execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                .await
                .ok();
        }
    }
}

async fn prepare(url: &str) -> (App, DatabaseConnection) {
    let config = Config {
        database_url: url.to_owned(),
        db_max_connections: 10,
        // One caller sends everything (the REST benchmarks); no limit, as `benches/load.sh`.
        rate_limit_per_minute: 0,
        ..Config::default()
    };
    let app = hub_app::startup::open(config).await.expect("open");
    app.seed_reference(&Caller::operator("bench"))
        .await
        .expect("seed");
    // Connected as the hub connects (no TLS on loopback), so the floors pay what the hub pays.
    let db = hub_store::db::connect(url, 4).await.expect("connect");
    (app, db)
}

/// The caller benchmarks act as: the operator (documents are stored as the hub's own).
pub fn operator() -> Caller {
    Caller::operator("bench")
}

/// Submits a document through the application, as the operator.
pub async fn submit(app: &App, body: &[u8]) -> Outcome {
    app.submit(
        &operator(),
        SubmitRequest {
            body,
            content: hub_app::submissions::Content::Json,
            expected: None,
            options: Options::default(),
            idempotency_key: None,
        },
    )
    .await
    .expect("submit")
}

/// Every database the benchmarks run on.
pub async fn databases() -> Vec<BenchDb> {
    let mut all = vec![BenchDb::sqlite().await];
    all.extend(BenchDb::postgres().await);
    all
}

/// Country teams with their currencies.
pub const COUNTRIES: [(&str, &str); 26] = [
    ("ARG", "ARS"),
    ("BOL", "BOB"),
    ("BRA", "BRL"),
    ("CHL", "CLP"),
    ("COL", "COP"),
    ("ECU", "USD"),
    ("PRY", "PYG"),
    ("PER", "PEN"),
    ("URY", "UYU"),
    ("VEN", "VES"),
    ("GUY", "GYD"),
    ("SUR", "SRD"),
    ("BLZ", "BZD"),
    ("CRI", "CRC"),
    ("SLV", "USD"),
    ("GTM", "GTQ"),
    ("HND", "HNL"),
    ("MEX", "MXN"),
    ("NIC", "NIO"),
    ("PAN", "USD"),
    ("CUB", "CUP"),
    ("DOM", "DOP"),
    ("HTI", "HTG"),
    ("JAM", "JMD"),
    ("TTO", "TTD"),
    ("BRB", "BBD"),
];

/// The 14 regional KPIs with a plausible value.
pub const KPIS: [(&str, f64); 14] = [
    ("CA", 250000.0),
    ("CS.ACTIVE", 1.0),
    ("PROC.LTA.SHARED", 4.0),
    ("PROC.LEADTIME", 14.0),
    ("PROC.PRICE.PCT", 7.5),
    ("HR.RECRUIT.DAYS", 45.0),
    ("HR.ROSTER.HIRES", 3.0),
    ("ICT.UPTIME.PCT", 99.1),
    ("ICT.AGENCIES.PCT", 70.0),
    ("FIN.BANK.PCT", 60.0),
    ("LOG.FLEET.SHARED", 6.0),
    ("LOG.FUEL.LITRES", 900.0),
    ("ADMIN.CP.PCT", 55.0),
    ("CLIENT.SAT.PCT", 82.0),
];

/// A kpi-report with `services` common services, each with every KPI (14 values per service).
pub fn report(country: &str, currency: &str, period: &str, services: usize, seed: u64) -> Value {
    let lines = [
        "PROCUREMENT",
        "ADMINISTRATION",
        "ICT",
        "LOGISTICS",
        "HR",
        "FINANCE",
    ];
    let common: Vec<Value> = (0..services)
        .map(|i| {
            json!({ "id": format!("{country}-S{i}"), "name": format!("Service {i}"),
            "serviceLine": lines[i % lines.len()], "leadAgency": "UNDP",
            "clientAgencies": ["UNICEF", "WFP"], "status": "ACTIVE" })
        })
        .collect();
    let values: Vec<Value> = (0..services)
        .flat_map(|i| {
            KPIS.iter().map(move |(kpi, base)| {
                let wobble = ((seed + i as u64 * 7 + kpi.len() as u64) % 10) as f64 / 10.0;
                let value = shape(
                    kpi,
                    if *kpi == "CA" {
                        base * (1.0 + wobble)
                    } else {
                        base + wobble
                    },
                );
                json!({ "kpi": kpi, "commonService": format!("{country}-S{i}"), "value": value,
                        "baseline": shape(kpi, value * 1.1), "target": shape(kpi, value * 0.9),
                        "denominator": 100 })
            })
        })
        .collect();
    json!({ "documentType": "kpi-report", "schemaVersion": "1.0", "country": country,
            "period": period, "revision": 1, "currency": currency,
            "preparedBy": { "agency": "UNDP", "contact": "omt@example.org" },
            "commonServices": common, "values": values })
}

/// Makes a number fit its KPI's unit: counts and money whole, percentages at most 100.
fn shape(kpi: &str, x: f64) -> f64 {
    if kpi.ends_with("PCT") {
        (x * 10.0).round().min(1000.0) / 10.0
    } else if matches!(
        kpi,
        "CA" | "CS.ACTIVE" | "PROC.LTA.SHARED" | "HR.ROSTER.HIRES" | "LOG.FLEET.SHARED"
    ) {
        x.round()
    } else {
        (x * 10.0).round() / 10.0
    }
}

/// The quarters from 2021-Q3 to 2026-Q2 (20).
pub fn quarters() -> Vec<String> {
    (2021..=2026)
        .flat_map(|y| (1..=4).map(move |q| format!("{y}-Q{q}")))
        .skip(2)
        .take(20)
        .collect()
}

/// Median of measured durations.
pub fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// Times `f` once.
pub async fn time<F: Future<Output = T>, T>(f: F) -> (T, Duration) {
    let start = Instant::now();
    let out = f.await;
    (out, start.elapsed())
}

/// Milliseconds with two decimals.
pub fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

/// The ids of the submissions stored after `after`, oldest first.
pub async fn submissions_after(db: &DatabaseConnection, after: i64) -> Vec<i64> {
    let sql = format!("SELECT id FROM submission WHERE id > {after} ORDER BY id");
    db.query_all_raw(sea_orm::Statement::from_string(
        db.get_database_backend(),
        sql,
    ))
    .await
    .expect("submission ids")
    .iter()
    .map(|row| row.try_get::<i64>("", "id").expect("id"))
    .collect()
}

/// The highest submission id so far (0 when none).
pub async fn last_submission(db: &DatabaseConnection) -> i64 {
    submissions_after(db, 0).await.last().copied().unwrap_or(0)
}

/// An ANALYST token holder, as the figures are asked for through the API.
pub async fn analyst(app: &App) -> Caller {
    let secret = token(app, "bench-analyst", Role::Analyst).await;
    let (principal, _) = app.authenticate(&secret).await.expect("authenticate");
    Caller::token(principal.expect("a valid token"))
}

/// The secret of a new region-wide token of `role`.
pub async fn token(app: &App, label: &str, role: Role) -> String {
    let request = TokenRequest {
        label: label.to_owned(),
        role,
        country: None,
        agency: None,
    };
    let (_, secret) = app.create_token(&operator(), request).await.expect("token");
    secret
}

/// The median of `n` runs of `f`.
pub async fn time_n<F, Fut>(n: usize, mut f: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: Future<Output = ()>,
{
    let mut samples = Vec::with_capacity(n);
    for _ in 0..n {
        let start = Instant::now();
        f().await;
        samples.push(start.elapsed());
    }
    median(samples)
}
