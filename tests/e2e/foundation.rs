//! The foundation: reference data, tokens, serve, health, configuration.

use std::time::Duration;

use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};

use crate::support::hub::{error_code, run_cli, stderr, stdout};
use crate::support::{TestDatabase, TestHub};

#[tokio::test]
async fn countries_lists_the_26_country_teams_with_their_currencies() {
    let hub = TestHub::start().await;
    let data = hub
        .query_ok(
            None,
            "{ countries { code currency alsoCovers } }",
            json!({}),
        )
        .await;
    let countries = data["countries"].as_array().unwrap();
    assert_eq!(countries.len(), 26);
    let find = |code: &str| {
        countries
            .iter()
            .find(|c| c["code"] == code)
            .unwrap()
            .clone()
    };
    assert_eq!(find("COL")["currency"], "COP");
    assert_eq!(find("ECU")["currency"], "USD");
    assert_eq!(find("BRB")["currency"], "BBD");
    assert_eq!(
        find("JAM")["alsoCovers"],
        json!(["BHS", "BMU", "CYM", "TCA"])
    );
    assert_eq!(find("ARG")["alsoCovers"], json!([]));
}

#[tokio::test]
async fn country_by_code_is_null_when_unknown() {
    let hub = TestHub::start().await;
    let data = hub
        .query_ok(
            None,
            r#"{ known: country(code: "MEX") { name currency multiCountryOffice } unknown: country(code: "XXX") { name } }"#,
            json!({}),
        )
        .await;
    assert_eq!(data["known"]["currency"], "MXN");
    assert_eq!(data["known"]["multiCountryOffice"], false);
    assert!(data["unknown"].is_null());
}

#[tokio::test]
async fn kpis_carry_exactly_the_catalogue_rules() {
    let hub = TestHub::start().await;
    let data = hub
        .query_ok(
            None,
            "{ kpis { code unit direction spatialAggregation temporalAggregation } }",
            json!({}),
        )
        .await;
    // DESIGN §7, column by column.
    let expected = [
        ("CA", "USD", "HIGHER", "SUM", "SUM"),
        ("CS.ACTIVE", "COUNT", "HIGHER", "SUM", "LAST"),
        ("PROC.LTA.SHARED", "COUNT", "HIGHER", "SUM", "LAST"),
        ("PROC.LEADTIME", "DAYS", "LOWER", "MEAN", "MEAN"),
        (
            "PROC.PRICE.PCT",
            "PERCENT",
            "HIGHER",
            "WEIGHTED_MEAN",
            "MEAN",
        ),
        ("HR.RECRUIT.DAYS", "DAYS", "LOWER", "MEDIAN", "MEAN"),
        ("HR.ROSTER.HIRES", "COUNT", "HIGHER", "SUM", "SUM"),
        ("ICT.UPTIME.PCT", "PERCENT", "HIGHER", "MEAN", "MEAN"),
        ("ICT.AGENCIES.PCT", "PERCENT", "HIGHER", "MEAN", "LAST"),
        ("FIN.BANK.PCT", "PERCENT", "HIGHER", "MEAN", "LAST"),
        ("LOG.FLEET.SHARED", "COUNT", "HIGHER", "SUM", "LAST"),
        ("LOG.FUEL.LITRES", "LITRES", "LOWER", "SUM", "SUM"),
        ("ADMIN.CP.PCT", "PERCENT", "HIGHER", "WEIGHTED_MEAN", "LAST"),
        (
            "CLIENT.SAT.PCT",
            "PERCENT",
            "HIGHER",
            "WEIGHTED_MEAN",
            "LAST",
        ),
    ];
    let kpis = data["kpis"].as_array().unwrap();
    assert_eq!(kpis.len(), expected.len());
    for (code, unit, direction, spatial, temporal) in expected {
        let kpi = kpis.iter().find(|k| k["code"] == code).unwrap();
        assert_eq!(
            kpi,
            &json!({ "code": code, "unit": unit, "direction": direction,
                     "spatialAggregation": spatial, "temporalAggregation": temporal }),
        );
    }
}

#[tokio::test]
async fn ars_rates_for_2024_are_twelve_months_rising() {
    let hub = TestHub::start().await;
    let data = hub
        .query_ok(
            None,
            r#"{ exchangeRates(currency: "ARS", from: "2024-01", to: "2024-12") { currency month rate } }"#,
            json!({}),
        )
        .await;
    let rates = data["exchangeRates"].as_array().unwrap();
    assert_eq!(rates.len(), 12);
    let values: Vec<f64> = rates
        .iter()
        .map(|r| r["rate"].as_str().unwrap().parse().unwrap())
        .collect();
    assert!(values.windows(2).all(|w| w[1] > w[0]), "{values:?}");
    assert_eq!(rates[0]["month"], "2024-01");
    assert_eq!(rates[11]["month"], "2024-12");
}

#[tokio::test]
async fn exchange_rates_name_the_bad_argument() {
    let hub = TestHub::start().await;
    let body = hub
        .graphql(
            None,
            r#"{ exchangeRates(currency: "ARS", from: "2024-13") { rate } }"#,
            json!({}),
        )
        .await;
    assert_eq!(error_code(&body), "VALIDATION_FAILED");
    assert_eq!(body["errors"][0]["extensions"]["field"], "from");

    let body = hub
        .graphql(
            None,
            r#"{ exchangeRates(currency: "ARS", from: "2024-06", to: "2024-01") { rate } }"#,
            json!({}),
        )
        .await;
    assert_eq!(error_code(&body), "VALIDATION_FAILED");

    let body = hub
        .graphql(
            None,
            r#"{ exchangeRates(currency: "XYZ") { rate } }"#,
            json!({}),
        )
        .await;
    assert_eq!(error_code(&body), "NOT_FOUND");
}

#[tokio::test]
async fn country_token_is_seen_by_me_until_it_is_revoked() {
    let hub = TestHub::start().await;
    let out = hub
        .cli(&[
            "token",
            "create",
            "--role",
            "COUNTRY",
            "--country",
            "COL",
            "--label",
            "colombia-omt",
        ])
        .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let token = stdout(&out).trim().to_owned();
    assert!(
        token.starts_with("rhub_"),
        "stdout holds only the token: {token:?}"
    );
    assert!(
        !stderr(&out).contains(&token),
        "the token is not repeated on stderr"
    );

    let me = "{ me { label role country agency } }";
    let data = hub.query_ok(Some(&token), me, json!({})).await;
    assert_eq!(
        data["me"],
        json!({ "label": "colombia-omt", "role": "COUNTRY", "country": "COL", "agency": null })
    );

    let out = hub.cli(&["token", "revoke", "colombia-omt"]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let response = hub
        .http
        .post(format!("{}/graphql", hub.url))
        .bearer_auth(&token)
        .json(&json!({ "query": me }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let body: Value = response.json().await.unwrap();
    assert_eq!(error_code(&body), "UNAUTHENTICATED");
}

#[tokio::test]
async fn anonymous_me_is_null() {
    let hub = TestHub::start().await;
    let data = hub.query_ok(None, "{ me { label } }", json!({})).await;
    assert!(data["me"].is_null());
}

#[tokio::test]
async fn unknown_or_malformed_tokens_are_unauthenticated_never_anonymous() {
    let hub = TestHub::start().await;
    for header in [
        "Bearer rhub_not-a-real-token",
        "Basic YWxhZGRpbjpvcGVu",
        "Bearer",
    ] {
        let response = hub
            .http
            .post(format!("{}/graphql", hub.url))
            .header("authorization", header)
            .json(&json!({ "query": "{ me { label } }" }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401, "{header}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(error_code(&body), "UNAUTHENTICATED", "{header}");
    }
}

#[tokio::test]
async fn require_auth_refuses_anonymous_callers() {
    let hub = TestHub::start_with(|c| c.require_auth = true).await;
    let response = hub
        .http
        .post(format!("{}/graphql", hub.url))
        .json(&json!({ "query": "{ kpis { code } }" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let data = hub
        .query_ok(Some(&hub.admin_token), "{ me { role } }", json!({}))
        .await;
    assert_eq!(data["me"]["role"], "ADMIN");
}

#[tokio::test]
async fn token_list_shows_labels_and_roles_but_never_tokens() {
    let hub = TestHub::start().await;
    let token = hub.token("RCP", &["--agency", "UNDP"]).await;
    let out = hub.cli(&["token", "list"]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let listing = stdout(&out);
    assert!(listing.contains("initial-admin"));
    assert!(
        listing.contains("RCP") && listing.contains("UNDP"),
        "{listing}"
    );
    assert!(!listing.contains(&token));
    assert!(!listing.contains(&hub.admin_token));
}

#[tokio::test]
async fn token_scope_rules_are_enforced_with_exit_code_2() {
    let hub = TestHub::start().await;
    let cases: &[(&[&str], &str)] = &[
        (&["--role", "SUPERUSER", "--label", "a"], "ADMIN"),
        (
            &["--role", "COUNTRY", "--label", "b"],
            "must name its country",
        ),
        (
            &["--role", "COUNTRY", "--country", "XXX", "--label", "c"],
            "unknown country team XXX",
        ),
        (
            &["--role", "COUNTRY", "--country", "colombia", "--label", "d"],
            "alpha-3",
        ),
        (
            &["--role", "ANALYST", "--country", "COL", "--label", "e"],
            "only a COUNTRY token",
        ),
        (&["--role", "RCP", "--label", "f"], "must name the agency"),
        (
            &["--role", "RCP", "--agency", "NOPE", "--label", "g"],
            "unknown agency NOPE",
        ),
    ];
    for (args, message) in cases {
        let mut full = vec!["token", "create"];
        full.extend_from_slice(args);
        let out = hub.cli(&full).await;
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(message), "{args:?}: {}", stderr(&out));
        assert!(stdout(&out).is_empty());
    }
    let out = hub
        .cli(&[
            "token",
            "create",
            "--role",
            "ROMT",
            "--label",
            "initial-admin",
        ])
        .await;
    assert_eq!(
        out.status.code(),
        Some(2),
        "duplicate label: {}",
        stderr(&out)
    );
}

#[tokio::test]
async fn revoking_an_unknown_token_is_a_clear_error() {
    let hub = TestHub::start().await;
    let out = hub.cli(&["token", "revoke", "nobody"]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no token with id or label \"nobody\""));
}

#[tokio::test]
async fn seeding_twice_changes_nothing() {
    let hub = TestHub::start().await;
    let count = |table: &'static str| {
        let db = hub.db.clone();
        async move {
            let row = db
                .query_one_raw(sea_orm::Statement::from_string(
                    db.get_database_backend(),
                    format!("SELECT COUNT(*) AS n FROM {table}"),
                ))
                .await
                .unwrap()
                .unwrap();
            row.try_get::<i64>("", "n").unwrap()
        }
    };
    let before = (
        count("country_team").await,
        count("exchange_rate").await,
        count("kpi_definition").await,
    );
    assert_eq!(before, (26, 1200, 14));
    let report = hub_store::seed::seed_reference(&hub.db).await.unwrap();
    assert!(!report.changed_anything(), "{report:?}");
    let out = hub.cli(&["seed"]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let after = (
        count("country_team").await,
        count("exchange_rate").await,
        count("kpi_definition").await,
    );
    assert_eq!(before, after);
}

#[tokio::test]
async fn readyz_is_unavailable_while_a_migration_is_pending() {
    let hub = TestHub::start().await;
    let readyz = || async {
        hub.http
            .get(format!("{}/readyz", hub.url))
            .send()
            .await
            .unwrap()
            .status()
    };
    assert_eq!(readyz().await, 200);
    let last = hub_store::db::applied_migrations(&hub.db)
        .await
        .unwrap()
        .pop()
        .unwrap();
    hub.db
        .execute_unprepared(&format!(
            "DELETE FROM seaql_migrations WHERE version = '{last}'"
        ))
        .await
        .unwrap();
    assert_eq!(readyz().await, 503);
    hub.db
        .execute_unprepared(&format!(
            "INSERT INTO seaql_migrations (version, applied_at) VALUES ('{last}', 0)"
        ))
        .await
        .unwrap();
    assert_eq!(readyz().await, 200);
}

#[tokio::test]
async fn readyz_is_unavailable_while_the_database_is_unreachable() {
    let hub = TestHub::start().await;
    if !hub.database.is_postgres() {
        // An embedded SQLite file cannot become unreachable under an open connection; the
        // PostgreSQL run of this suite proves the rule.
        eprintln!("readyz_is_unavailable_while_the_database_is_unreachable: PostgreSQL only");
        return;
    }
    let readyz = || async {
        hub.http
            .get(format!("{}/readyz", hub.url))
            .send()
            .await
            .unwrap()
            .status()
    };
    assert_eq!(readyz().await, 200);
    let name = hub.database.name().to_owned();
    hub.database
        .admin_execute(&format!(
            "ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS false"
        ))
        .await;
    hub.database
        .admin_execute(&format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
        ))
        .await;
    assert_eq!(readyz().await, 503);
    hub.database
        .admin_execute(&format!("ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS true"))
        .await;
    assert_eq!(readyz().await, 200);
}

#[tokio::test]
async fn every_response_carries_a_request_id_and_echoes_a_sane_one() {
    let hub = TestHub::start().await;
    let response = hub
        .http
        .get(format!("{}/healthz", hub.url))
        .send()
        .await
        .unwrap();
    let id = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(!id.is_empty());
    let response = hub
        .http
        .get(format!("{}/healthz", hub.url))
        .header("x-request-id", "trace-42")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-request-id"], "trace-42");
    let response = hub
        .http
        .get(format!("{}/nowhere", hub.url))
        .header("x-request-id", "bad id with spaces")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    assert_ne!(response.headers()["x-request-id"], "bad id with spaces");
}

#[tokio::test]
async fn metrics_are_served_in_prometheus_text_format() {
    let hub = TestHub::start().await;
    hub.http
        .get(format!("{}/healthz", hub.url))
        .send()
        .await
        .unwrap();
    let response = hub
        .http
        .get(format!("{}/metrics", hub.url))
        .send()
        .await
        .unwrap();
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    let text = response.text().await.unwrap();
    assert!(
        text.contains(r#"hub_http_requests_total{method="GET",route="/healthz",status="200"} "#),
        "{text}"
    );
}

#[tokio::test]
async fn too_many_aliases_are_refused_with_their_own_code() {
    let hub = TestHub::start().await;
    let aliases: String = (0..31).map(|i| format!("a{i}: kpis {{ code }} ")).collect();
    let body = hub
        .graphql(None, &format!("{{ {aliases} }}"), json!({}))
        .await;
    assert_eq!(error_code(&body), "MAX_ALIASES_LIMIT");
}

#[tokio::test]
async fn graphql_syntax_errors_are_validation_failures() {
    let hub = TestHub::start().await;
    let body = hub.graphql(None, "{ kpis { code ", json!({})).await;
    assert_eq!(error_code(&body), "VALIDATION_FAILED");
    let body = hub.graphql(None, "{ kpis { nonsense } }", json!({})).await;
    assert_eq!(error_code(&body), "VALIDATION_FAILED");
}

#[tokio::test]
async fn graphql_get_serves_queries() {
    let hub = TestHub::start().await;
    let response = hub
        .http
        .get(format!("{}/graphql", hub.url))
        .query(&[("query", "{ kpis { code } }")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["data"]["kpis"].as_array().unwrap().len(), 14);
}

#[tokio::test]
async fn a_bad_configuration_value_names_the_variable_and_exits_2() {
    let out = run_cli(&["migrate"], &[("HUB_BIND", "localhost:80")]).await;
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("HUB_BIND") && err.contains("IP address and port"),
        "{err}"
    );

    let out = run_cli(&["migrate"], &[("HUB_SEED", "everything")]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("HUB_SEED"));
}

#[tokio::test]
async fn an_unreachable_database_at_start_is_a_clear_error_not_a_panic() {
    let out = run_cli(
        &["migrate"],
        &[("HUB_DATABASE_URL", "postgres://hub:secret@127.0.0.1:1/hub")],
    )
    .await;
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("cannot open the database at postgres://hub:***@127.0.0.1:1/hub"),
        "{err}"
    );
    assert!(
        !err.contains("secret") && !err.contains("panicked"),
        "{err}"
    );
}

#[tokio::test]
async fn serve_prints_its_url_and_a_one_time_admin_token_then_stops_on_sigterm() {
    let database = TestDatabase::create().await;
    let start = || {
        let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_romt-hub"));
        command
            .arg("serve")
            .env("HUB_DATABASE_URL", &database.url)
            .env("HUB_BIND", "127.0.0.1:0")
            .env("HUB_SEED", "reference")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true);
        command.spawn().unwrap()
    };
    let mut child = start();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next_line().await.unwrap().unwrap();
    let url = first
        .strip_prefix("romt-hub listening on ")
        .unwrap()
        .to_owned();
    assert!(
        lines
            .next_line()
            .await
            .unwrap()
            .unwrap()
            .contains("admin token")
    );
    let token = lines.next_line().await.unwrap().unwrap().trim().to_owned();
    assert!(token.starts_with("rhub_"));

    let data: Value = reqwest::Client::new()
        .post(format!("{url}/graphql"))
        .bearer_auth(&token)
        .json(&json!({ "query": "{ me { role } countries { code } }" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(data["data"]["me"]["role"], "ADMIN");
    assert_eq!(data["data"]["countries"].as_array().unwrap().len(), 26);

    let pid = child.id().unwrap().to_string();
    let killed = tokio::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .await
        .unwrap();
    assert!(killed.success());
    let status = tokio::time::timeout(Duration::from_secs(30), child.wait())
        .await
        .expect("the hub stops after SIGTERM")
        .unwrap();
    assert!(status.success(), "graceful shutdown exits 0: {status}");

    // A second start finds tokens and prints none.
    let mut child = start();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    assert!(
        lines
            .next_line()
            .await
            .unwrap()
            .unwrap()
            .starts_with("romt-hub listening on")
    );
    child.start_kill().unwrap();
    let rest = lines.next_line().await.unwrap_or(None);
    assert!(
        rest.as_deref().is_none_or(|l| !l.contains("admin token")),
        "{rest:?}"
    );
    let _ = child.wait().await;
}

#[tokio::test]
async fn a_caller_over_its_rate_limit_gets_429_with_retry_after() {
    let hub = TestHub::start_with(|c| c.rate_limit_per_minute = 3).await;
    let analyst = hub.token("ANALYST", &[]).await;
    let post = |token: &str| {
        hub.http
            .post(format!("{}/graphql", hub.url))
            .bearer_auth(token)
            .json(&json!({ "query": "{ kpis { code } }" }))
            .send()
    };
    for _ in 0..3 {
        assert_eq!(post(&analyst).await.unwrap().status(), 200);
    }
    let response = post(&analyst).await.unwrap();
    assert_eq!(response.status(), 429);
    assert!(response.headers().contains_key("retry-after"));
    let body: Value = response.json().await.unwrap();
    assert_eq!(error_code(&body), "RATE_LIMITED");
    // REST answers the same way for the same caller.
    let response = hub
        .http
        .post(format!("{}/api/v1/submissions", hub.url))
        .bearer_auth(&analyst)
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 429);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "RATE_LIMITED");
    // Another caller has its own budget, and health checks are never limited.
    assert_eq!(post(&hub.admin_token).await.unwrap().status(), 200);
    for _ in 0..5 {
        assert_eq!(
            hub.http
                .get(format!("{}/healthz", hub.url))
                .send()
                .await
                .unwrap()
                .status(),
            200
        );
    }
}

#[tokio::test]
async fn replicas_starting_together_on_postgresql_migrate_one_after_the_other() {
    let database = TestDatabase::create().await;
    if !database.is_postgres() {
        eprintln!("replicas_starting_together...: PostgreSQL only (SQLite runs one process)");
        return;
    }
    let config = hub_app::Config {
        database_url: database.url.clone(),
        ..hub_app::Config::default()
    };
    let (a, b, c) = tokio::join!(
        hub_app::startup::open(config.clone()),
        hub_app::startup::open(config.clone()),
        hub_app::startup::open(config.clone()),
    );
    for app in [a, b, c] {
        let app = app.expect("every replica starts");
        app.readiness().await.expect("every migration is applied");
    }
    let db = hub_store::db::connect(&database.url, 1).await.unwrap();
    assert!(
        hub_store::db::pending_migrations(&db)
            .await
            .unwrap()
            .is_empty()
    );
    db.close().await.unwrap();
}

#[tokio::test]
async fn a_database_on_this_machine_is_reached_without_tls() {
    let hub = TestHub::start().await;
    if hub.db.get_database_backend() != sea_orm::DatabaseBackend::Postgres {
        return; // SQLite is a file; there is no connection to protect.
    }
    // The server of these machines offers TLS, which `sslmode=prefer` would take; on loopback
    // the hub declines it (crates/hub-store/src/db.rs says why).
    assert_eq!(
        hub.count("SELECT COUNT(*) AS n FROM pg_stat_ssl WHERE pid = pg_backend_pid() AND NOT ssl")
            .await,
        1
    );
}
