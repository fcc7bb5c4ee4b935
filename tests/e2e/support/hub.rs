//! The real app on a loopback port with a fresh database.

use std::process::Output;

use hub_api::startup::serve;
use hub_app::App;
use hub_app::config::{Config, SeedMode};
use hub_app::startup::prepare;
use hub_store::Db;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use super::TestDatabase;

/// A running hub for one test. Dropping it stops the server and drops its database.
#[derive(Debug)]
pub struct TestHub {
    /// Base URL, e.g. `http://127.0.0.1:41234`.
    pub url: String,
    /// The admin token made on first start.
    pub admin_token: String,
    /// A pool of the test's own on the hub's database, for tests that inspect or disturb
    /// storage.
    pub db: Db,
    /// The hub's application, for tests that call its operations directly (as the CLI does).
    pub app: App,
    pub http: reqwest::Client,
    shutdown: Option<oneshot::Sender<()>>,
    // Declared last: the server stops (above) before its database is dropped.
    pub database: TestDatabase,
}

impl TestHub {
    /// A hub with reference data only.
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    /// A hub whose configuration `adjust` may change first.
    pub async fn start_with(adjust: impl FnOnce(&mut Config)) -> Self {
        init_logs();
        let database = TestDatabase::create().await;
        let mut config = Config {
            database_url: database.url.clone(),
            db_max_connections: 4,
            bind: "127.0.0.1:0".parse().expect("address"),
            seed: SeedMode::Reference,
            ..Config::default()
        };
        // Tests pull by hand unless they start the scheduler themselves, and poll freely.
        config.federation.scheduler = false;
        config.rate_limit_per_minute = 100_000;
        adjust(&mut config);
        let prepared = prepare(config.clone()).await.expect("hub prepares");
        let listener = TcpListener::bind(config.bind).await.expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        let (tx, rx) = oneshot::channel();
        let db = hub_store::db::connect(&database.url, 2)
            .await
            .expect("test pool");
        let app = prepared.app.clone();
        tokio::spawn(serve(prepared.app, listener, async {
            let _ = rx.await;
        }));
        TestHub {
            url,
            admin_token: prepared
                .first_admin_token
                .expect("first start makes an admin token"),
            db,
            app,
            http: reqwest::Client::new(),
            shutdown: Some(tx),
            database,
        }
    }

    /// POSTs a GraphQL request and returns the JSON body (whatever the HTTP status).
    pub async fn graphql(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let mut request = self
            .http
            .post(format!("{}/graphql", self.url))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request
            .send()
            .await
            .expect("request")
            .json()
            .await
            .expect("JSON body")
    }

    /// A GraphQL query that must succeed; returns `data`.
    pub async fn query_ok(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let body = self.graphql(token, query, variables).await;
        assert!(body.get("errors").is_none(), "unexpected errors: {body:#}");
        body["data"].clone()
    }

    /// Runs the `romt-hub` binary against this hub's database.
    pub async fn cli(&self, args: &[&str]) -> Output {
        run_cli(args, &[("HUB_DATABASE_URL", &self.database.url)]).await
    }

    /// Creates a token through the CLI and returns it.
    pub async fn token(&self, role: &str, extra: &[&str]) -> String {
        let label = format!("{}-{}", role.to_lowercase(), unique());
        let mut args = vec!["token", "create", "--role", role, "--label", &label];
        args.extend_from_slice(extra);
        let out = self.cli(&args).await;
        assert!(
            out.status.success(),
            "token create failed: {}",
            stderr(&out)
        );
        stdout(&out).trim().to_owned()
    }
}

impl Drop for TestHub {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// A second hub process on the same database, for replica tests.
#[derive(Debug)]
pub struct Replica {
    pub url: String,
    shutdown: Option<oneshot::Sender<()>>,
}

impl Drop for Replica {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

impl TestHub {
    /// Starts another hub on this hub's database.
    pub async fn replica(&self, adjust: impl FnOnce(&mut Config)) -> Replica {
        let mut config = Config {
            database_url: self.database.url.clone(),
            db_max_connections: 4,
            bind: "127.0.0.1:0".parse().expect("address"),
            seed: SeedMode::Reference,
            ..Config::default()
        };
        config.federation.scheduler = false;
        adjust(&mut config);
        let prepared = prepare(config.clone()).await.expect("replica prepares");
        let listener = TcpListener::bind(config.bind).await.expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        let (tx, rx) = oneshot::channel();
        tokio::spawn(serve(prepared.app, listener, async {
            let _ = rx.await;
        }));
        Replica {
            url,
            shutdown: Some(tx),
        }
    }
}

/// Sends the hub's logs to the test output (shown for failing tests), at `RUST_LOG` or `warn`.
fn init_logs() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_test_writer()
        .try_init();
}

/// Runs the `romt-hub` binary with `env` (and without any inherited `HUB_*` setting).
pub async fn run_cli(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_romt-hub"));
    command.args(args);
    for (key, _) in std::env::vars().filter(|(k, _)| k.starts_with("HUB_")) {
        command.env_remove(key);
    }
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().await.expect("run romt-hub")
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A process-unique suffix.
pub fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// The error code of the first GraphQL error.
pub fn error_code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("no error code in {body:#}"))
}

impl TestHub {
    /// `POST /api/v1/submissions` with a JSON body; returns the status and the JSON body.
    pub async fn submit(
        &self,
        token: Option<&str>,
        body: impl Into<reqwest::Body>,
        query: &str,
    ) -> (u16, Value) {
        self.submit_with(token, body, query, &[]).await
    }

    /// Submits a JSON document with the admin token and no query options.
    pub async fn submit_document(&self, document: &Value) -> (u16, Value) {
        self.submit(Some(&self.admin_token), document.to_string(), "")
            .await
    }

    /// Like [`TestHub::submit`], with extra headers.
    pub async fn submit_with(
        &self,
        token: Option<&str>,
        body: impl Into<reqwest::Body>,
        query: &str,
        headers: &[(&str, &str)],
    ) -> (u16, Value) {
        let mut request = self
            .http
            .post(format!("{}/api/v1/submissions{query}", self.url))
            .header("content-type", "application/json")
            .body(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.expect("request");
        let status = response.status().as_u16();
        let text = response.text().await.expect("body");
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (status, body)
    }

    /// Submits a JSON document as admin and expects it stored; returns the receipt.
    pub async fn submit_ok(&self, document: &Value) -> Value {
        let (status, receipt) = self.submit_document(document).await;
        assert_eq!(status, 201, "{receipt:#}");
        receipt
    }

    /// Runs a SQL statement on the hub's database.
    pub async fn sql(&self, sql: &str) {
        use sea_orm::ConnectionTrait;
        self.db
            .execute_unprepared(sql)
            .await
            .expect("SQL statement");
    }

    /// Packs every report's figure facts again from its value rows, as the migration that
    /// introduced them did: for tests that write value rows by hand to stand for old data.
    pub async fn repack_figure_facts(&self) {
        let ids = self.report_ids().await;
        hub_store::submissions::refresh_figure_facts(&self.db, &ids)
            .await
            .expect("repack");
    }

    /// The ids of every kpi-report stored, oldest first.
    pub async fn report_ids(&self) -> Vec<i64> {
        use sea_orm::{ConnectionTrait, Statement};
        let sql = "SELECT id FROM submission WHERE document_type = 'kpi-report' ORDER BY id";
        let rows = self
            .db
            .query_all_raw(Statement::from_string(self.db.get_database_backend(), sql))
            .await
            .expect("report ids");
        rows.iter()
            .map(|r| r.try_get_by_index::<i64>(0).expect("id"))
            .collect()
    }

    /// A single integer from a SQL query (`SELECT COUNT(*) AS n ...`).
    pub async fn count(&self, sql: &str) -> i64 {
        use sea_orm::{ConnectionTrait, Statement};
        let row = self
            .db
            .query_one_raw(Statement::from_string(self.db.get_database_backend(), sql))
            .await
            .expect("query")
            .expect("a row");
        row.try_get::<i64>("", "n").expect("column n")
    }
}
