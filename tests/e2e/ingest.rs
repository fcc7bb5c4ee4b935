//! Ingestion: the shared schemas, the pipeline through REST, GraphQL and the CLI, revisions,
//! idempotency, harmonization and lineage, and every kind of bad input.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::support::TestHub;
use crate::support::docs::{bos, kpi_report, with_values};
use crate::support::hub::{error_code, stderr, stdout};

const SUBMIT_KPI: &str =
    "mutation($d: JSON!, $key: String, $dry: Boolean! = false, $strict: Boolean! = false) {
    submitKpiReport(document: $d, idempotencyKey: $key, dryRun: $dry, strict: $strict) {
        id status country period revision acceptedValues replayed dryRun
        rejectedValues { pointer code message } warnings { pointer code message }
        errors { pointer code message keyword } } }";
const SUBMIT_BOS: &str = "mutation($d: JSON!) { submitBos(document: $d) {
    id status acceptedValues errors { pointer code message } } }";

fn examples(folder: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("schemas/examples")
        .join(folder);
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

fn error_codes(receipt: &Value) -> Vec<String> {
    receipt["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap().to_owned())
        .collect()
}

fn rejected_codes(receipt: &Value) -> Vec<(String, String)> {
    receipt["rejectedValues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["pointer"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn country_token(hub: &TestHub, country: &str) -> String {
    hub.token("COUNTRY", &["--country", country]).await
}

#[tokio::test]
async fn every_example_behaves_as_its_folder_says_through_rest_graphql_and_validate() {
    let hub = TestHub::start().await;
    for file in examples("valid") {
        let name = file.display().to_string();
        let out = hub.cli(&["validate", &name]).await;
        assert!(out.status.success(), "validate {name}: {}", stdout(&out));
        let document: Value =
            serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        let kind = document["documentType"].as_str().unwrap();
        if kind == "country-feed" {
            continue; // feeds are pulled, not pushed; `validate` covers them
        }
        let (status, receipt) = hub
            .submit(
                Some(&hub.admin_token),
                std::fs::read(&file).unwrap(),
                "?dryRun=true",
            )
            .await;
        assert_eq!(status, 200, "REST dry run of {name}: {receipt:#}");
        assert_ne!(receipt["status"], "REJECTED", "{name}: {receipt:#}");
        let mutation = if kind == "bos" {
            SUBMIT_BOS
        } else {
            SUBMIT_KPI
        };
        let data = hub
            .query_ok(Some(&hub.admin_token), mutation, json!({ "d": document }))
            .await;
        let receipt = if kind == "bos" {
            &data["submitBos"]
        } else {
            &data["submitKpiReport"]
        };
        assert!(
            receipt["status"] == "ACCEPTED" || receipt["status"] == "ACCEPTED_WITH_WARNINGS",
            "GraphQL {name}: {receipt:#}"
        );
    }
    for file in examples("invalid") {
        let name = file.display().to_string();
        let out = hub.cli(&["validate", &name]).await;
        assert_eq!(
            out.status.code(),
            Some(1),
            "validate {name}: {}",
            stdout(&out)
        );
        assert!(
            stdout(&out).starts_with(&format!("{name}: /"))
                || stdout(&out).starts_with(&format!("{name}: (document)")),
            "{}",
            stdout(&out)
        );
        let text = std::fs::read_to_string(&file).unwrap();
        let document: Value = serde_json::from_str(&text).unwrap();
        if document["documentType"] == "country-feed" {
            continue;
        }
        let (status, receipt) = hub.submit(Some(&hub.admin_token), text, "").await;
        assert_eq!(status, 422, "REST {name}: {receipt:#}");
        assert_eq!(receipt["status"], "REJECTED");
        assert!(!receipt["errors"].as_array().unwrap().is_empty());
        let body = hub
            .graphql(Some(&hub.admin_token), SUBMIT_KPI, json!({ "d": document }))
            .await;
        assert_eq!(
            body["data"]["submitKpiReport"]["status"], "REJECTED",
            "GraphQL {name}: {body:#}"
        );
    }
    assert_eq!(hub.count("SELECT COUNT(*) AS n FROM kpi_value WHERE submission_id IN (SELECT id FROM submission WHERE status = 'REJECTED')").await, 0);
}

#[tokio::test]
async fn cop_cost_avoidance_is_stored_in_usd_at_the_june_rate_with_its_lineage() {
    let hub = TestHub::start().await;
    let token = country_token(&hub, "COL").await;
    let (status, receipt) = hub
        .submit(Some(&token), kpi_report("2026-Q2", 1).to_string(), "")
        .await;
    assert_eq!(status, 201, "{receipt:#}");
    assert_eq!(receipt["status"], "ACCEPTED");
    assert_eq!(receipt["acceptedValues"], 3);
    let id = receipt["id"].as_i64().unwrap();

    let rates = hub
        .query_ok(
            None,
            r#"{ exchangeRates(currency: "COP", from: "2026-06", to: "2026-06") { rate } }"#,
            json!({}),
        )
        .await;
    let rate: f64 = rates["exchangeRates"][0]["rate"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();

    let data = hub
        .query_ok(
            None,
            "query($id: ID!) { submission(id: $id) { country period revision status current
                source { kind name }
                values { kpi value reportedValue currency fxRate fxMonth flags serviceLine
                         submissionId source { kind name } } } }",
            json!({ "id": id.to_string() }),
        )
        .await;
    let submission = &data["submission"];
    assert_eq!(submission["source"]["kind"], "PUSH");
    assert!(
        submission["source"]["name"]
            .as_str()
            .unwrap()
            .starts_with("country-")
    );
    let ca = submission["values"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["kpi"] == "CA")
        .unwrap();
    assert_eq!(ca["reportedValue"], "125000000");
    assert_eq!(ca["currency"], "COP");
    assert_eq!(ca["fxMonth"], "2026-06");
    assert_eq!(ca["fxRate"].as_str().unwrap().parse::<f64>().unwrap(), rate);
    let usd: f64 = ca["value"].as_str().unwrap().parse().unwrap();
    assert!(
        (usd - 125_000_000.0 / rate).abs() < 0.000_001,
        "{usd} vs {}",
        125_000_000.0 / rate
    );
    assert_eq!(ca["flags"], json!([]));
    assert_eq!(ca["serviceLine"], "PROCUREMENT");
    assert_eq!(ca["submissionId"], id.to_string());
    assert_eq!(ca["source"]["kind"], "PUSH");
}

#[tokio::test]
async fn revision_2_replaces_revision_1_entirely_and_revision_1_stays_readable() {
    let hub = TestHub::start().await;
    let first = hub.submit_ok(&kpi_report("2026-Q1", 1)).await;
    let second = hub
        .submit_ok(&with_values(
            kpi_report("2026-Q1", 2),
            json!([{ "kpi": "CA", "commonService": "COL-PROC-TRAVEL", "value": 100000000 }]),
        ))
        .await;
    let query = "query($id: ID!) { submission(id: $id) { revision current supersededBy values { kpi current } } }";
    let old = hub
        .query_ok(None, query, json!({ "id": first["id"].to_string() }))
        .await;
    assert_eq!(old["submission"]["current"], false);
    assert_eq!(old["submission"]["supersededBy"], second["id"].to_string());
    let old_kpis: Vec<_> = old["submission"]["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["kpi"].clone())
        .collect();
    assert_eq!(
        old_kpis,
        [json!("CA"), json!("PROC.LEADTIME"), json!("ADMIN.CP.PCT")]
    );
    assert!(
        old["submission"]["values"]
            .as_array()
            .unwrap()
            .iter()
            .all(|v| v["current"] == false)
    );

    let new = hub
        .query_ok(None, query, json!({ "id": second["id"].to_string() }))
        .await;
    assert_eq!(new["submission"]["current"], true);
    assert_eq!(new["submission"]["values"].as_array().unwrap().len(), 1);
    // PROC.LEADTIME was only in revision 1: no current value remains for it.
    assert_eq!(
        hub.count(
            "SELECT COUNT(*) AS n FROM kpi_value WHERE kpi = 'PROC.LEADTIME' AND is_current = true"
        )
        .await,
        0
    );
}

#[tokio::test]
async fn a_storage_failure_in_the_middle_of_a_document_leaves_no_row_behind() {
    let hub = TestHub::start().await;
    // A real failure inside the transaction: the database refuses the third value's row.
    if hub.database.is_postgres() {
        hub.sql(
            "CREATE FUNCTION refuse_third_value() RETURNS trigger AS $$
             BEGIN RAISE EXCEPTION 'injected storage failure'; END; $$ LANGUAGE plpgsql",
        )
        .await;
        hub.sql(
            "CREATE TRIGGER refuse_third BEFORE INSERT ON kpi_value FOR EACH ROW
             WHEN (NEW.pointer = '/values/2') EXECUTE FUNCTION refuse_third_value()",
        )
        .await;
    } else {
        hub.sql(
            "CREATE TRIGGER refuse_third BEFORE INSERT ON kpi_value
             WHEN NEW.pointer = '/values/2' BEGIN SELECT RAISE(ABORT, 'injected storage failure'); END",
        )
        .await;
    }
    let (status, body) = hub
        .submit(
            Some(&hub.admin_token),
            kpi_report("2026-Q2", 1).to_string(),
            "",
        )
        .await;
    assert_eq!(status, 500, "{body:#}");
    assert_eq!(body["error"]["code"], "INTERNAL");
    assert!(
        !body.to_string().contains("injected"),
        "no SQL detail leaks: {body}"
    );
    for table in ["submission", "kpi_value", "common_service"] {
        assert_eq!(
            hub.count(&format!("SELECT COUNT(*) AS n FROM {table}"))
                .await,
            0,
            "{table}"
        );
    }
    assert_eq!(
        hub.count("SELECT COUNT(*) AS n FROM audit_log WHERE entity_type = 'submission'")
            .await,
        0,
        "no audit entry for a document that was not stored"
    );
    assert_eq!(
        hub.count(
            "SELECT COUNT(*) AS n FROM document_slice WHERE current_submission_id IS NOT NULL"
        )
        .await,
        0
    );
}

#[tokio::test]
async fn the_demo_seed_loads_every_document_through_the_pipeline_as_intended() {
    let hub = TestHub::start_with(|c| c.seed = hub_app::config::SeedMode::Demo).await;
    let manifest: Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("seed/demo/manifest.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let documents = manifest["documents"].as_array().unwrap().len() as i64;
    assert_eq!(
        hub.count("SELECT COUNT(*) AS n FROM submission").await,
        documents
    );
    assert_eq!(
        hub.count("SELECT COUNT(*) AS n FROM submission WHERE source_kind <> 'SEED'")
            .await,
        0
    );
    // Exactly the three deliberate mistakes are rejected value by value.
    assert_eq!(
        hub.count("SELECT COUNT(*) AS n FROM submission WHERE rejected_values > 0")
            .await,
        3
    );
    // Beyond those, the only warnings are the data-quality ones: the invented series are noisy
    // trends, so some quarters stand out from their first four (DESIGN §16), and two reports send
    // ADMIN.CP.PCT without its denominator. The seed is deterministic, so the counts are exact.
    let warned = |code: &str| {
        format!("SELECT COUNT(*) AS n FROM submission WHERE receipt LIKE '%\"code\":\"{code}\"%'")
    };
    assert_eq!(
        hub.count(
            "SELECT COUNT(*) AS n FROM submission WHERE status = 'ACCEPTED_WITH_WARNINGS' \
             AND rejected_values = 0 AND receipt NOT LIKE '%\"code\":\"OUTLIER\"%' \
             AND receipt NOT LIKE '%\"code\":\"RULE_VIOLATION\"%'"
        )
        .await,
        0
    );
    assert_eq!(hub.count(&warned("OUTLIER")).await, 24);
    assert_eq!(
        hub.count("SELECT COUNT(*) AS n FROM kpi_value WHERE flags LIKE '%OUTLIER%'")
            .await,
        30
    );
    assert_eq!(hub.count(&warned("RULE_VIOLATION")).await, 2);
    // The local codes were mapped, and the revisions superseded their first versions.
    assert!(
        hub.count("SELECT COUNT(*) AS n FROM kpi_value WHERE mapping_id IS NOT NULL")
            .await
            > 0
    );
    assert_eq!(
        hub.count("SELECT COUNT(*) AS n FROM submission WHERE is_current = false")
            .await,
        3
    );
    assert!(
        hub.count("SELECT COUNT(*) AS n FROM kpi_value WHERE classification = 'SENSITIVE'")
            .await
            > 0
    );
    // Loading it again changes nothing.
    let out = hub.cli(&["seed", "--demo"]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        hub.count("SELECT COUNT(*) AS n FROM submission").await,
        documents
    );
}

#[tokio::test]
async fn malformed_json_is_rejected_with_line_and_column() {
    let hub = TestHub::start().await;
    let (status, receipt) = hub
        .submit(
            Some(&hub.admin_token),
            "{\n \"documentType\": \"kpi-report\",\n}",
            "",
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(error_codes(&receipt), ["MALFORMED_JSON"]);
    assert!(
        receipt["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("line 3"),
        "{receipt}"
    );
}

#[tokio::test]
async fn invalid_utf8_is_rejected_not_mangled() {
    let hub = TestHub::start().await;
    let mut body = kpi_report("2026-Q2", 1).to_string().into_bytes();
    let at = body.windows(3).position(|w| w == b"COL").unwrap();
    body[at] = 0xff;
    let (status, receipt) = hub.submit(Some(&hub.admin_token), body, "").await;
    assert_eq!(status, 422);
    assert_eq!(error_codes(&receipt), ["INVALID_UTF8"]);
}

#[tokio::test]
async fn wrong_types_are_schema_errors_at_their_pointers() {
    let hub = TestHub::start().await;
    let mut document = kpi_report("2026-Q2", 1);
    document["revision"] = json!("one");
    document["values"][1]["value"] = json!("twelve");
    let (status, receipt) = hub.submit_document(&document).await;
    assert_eq!(status, 422);
    let pointers: Vec<_> = receipt["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["pointer"].as_str().unwrap())
        .collect();
    assert!(
        pointers.contains(&"/revision") && pointers.contains(&"/values/1/value"),
        "{receipt:#}"
    );
    assert!(
        receipt["errors"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["code"] == "SCHEMA_INVALID" && e["keyword"] == "type")
    );
}

#[tokio::test]
async fn an_unknown_document_type_is_rejected() {
    let hub = TestHub::start().await;
    let mut document = kpi_report("2026-Q2", 1);
    document["documentType"] = json!("budget");
    let (status, receipt) = hub.submit_document(&document).await;
    assert_eq!(status, 422);
    assert_eq!(error_codes(&receipt), ["UNKNOWN_DOCUMENT_TYPE"]);
    assert_eq!(receipt["errors"][0]["pointer"], "/documentType");
}

#[tokio::test]
async fn another_major_schema_version_is_rejected() {
    let hub = TestHub::start().await;
    let mut document = kpi_report("2026-Q2", 1);
    document["schemaVersion"] = json!("2.0");
    let (status, receipt) = hub.submit_document(&document).await;
    assert_eq!(status, 422);
    assert_eq!(error_codes(&receipt), ["UNSUPPORTED_SCHEMA_VERSION"]);
}

#[tokio::test]
async fn a_newer_minor_version_with_an_extra_field_is_accepted() {
    let hub = TestHub::start().await;
    let mut document = kpi_report("2026-Q2", 1);
    document["schemaVersion"] = json!("1.3");
    document["reportingSystem"] = json!("UNINFO-bridge 2.1");
    document["values"][0]["confidence"] = json!("high");
    let (status, receipt) = hub.submit_document(&document).await;
    assert_eq!(status, 201, "{receipt:#}");
    assert_eq!(receipt["status"], "ACCEPTED");
    // ... while version 1.0 must not carry unknown fields.
    document["schemaVersion"] = json!("1.0");
    document["revision"] = json!(2);
    let (status, receipt) = hub.submit_document(&document).await;
    assert_eq!(status, 422);
    assert!(
        receipt["errors"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["keyword"] == "additionalProperties")
    );
}

#[tokio::test]
async fn an_unknown_country_is_rejected() {
    let hub = TestHub::start().await;
    let mut document = kpi_report("2026-Q2", 1);
    document["country"] = json!("XYZ");
    let (status, receipt) = hub.submit_document(&document).await;
    assert_eq!(status, 422);
    assert_eq!(error_codes(&receipt), ["UNKNOWN_COUNTRY"]);
    assert_eq!(receipt["errors"][0]["pointer"], "/country");
}

#[tokio::test]
async fn a_country_token_submitting_for_another_country_is_forbidden_and_nothing_is_stored() {
    let hub = TestHub::start().await;
    let peru = country_token(&hub, "PER").await;
    let (status, body) = hub
        .submit(Some(&peru), kpi_report("2026-Q2", 1).to_string(), "")
        .await;
    assert_eq!(status, 403);
    assert_eq!(body["error"]["code"], "FORBIDDEN");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("PER only")
    );
    let body = hub
        .graphql(
            Some(&peru),
            SUBMIT_KPI,
            json!({ "d": kpi_report("2026-Q2", 1) }),
        )
        .await;
    assert_eq!(error_code(&body), "FORBIDDEN");
    assert_eq!(hub.count("SELECT COUNT(*) AS n FROM submission").await, 0);
    // Roles that never submit are refused too.
    let analyst = hub.token("ANALYST", &[]).await;
    let (status, _) = hub
        .submit(Some(&analyst), kpi_report("2026-Q2", 1).to_string(), "")
        .await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn an_anonymous_submission_is_unauthenticated() {
    let hub = TestHub::start().await;
    let (status, body) = hub
        .submit(None, kpi_report("2026-Q2", 1).to_string(), "")
        .await;
    assert_eq!(status, 401);
    assert_eq!(body["error"]["code"], "UNAUTHENTICATED");
    let body = hub
        .graphql(None, SUBMIT_KPI, json!({ "d": kpi_report("2026-Q2", 1) }))
        .await;
    assert_eq!(error_code(&body), "UNAUTHENTICATED");
}

#[tokio::test]
async fn a_future_period_is_rejected() {
    let hub = TestHub::start().await;
    let (status, receipt) = hub
        .submit(
            Some(&hub.admin_token),
            kpi_report("2031-Q1", 1).to_string(),
            "",
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(error_codes(&receipt), ["FUTURE_PERIOD"]);
}

#[tokio::test]
async fn a_locked_period_is_rejected() {
    let hub = TestHub::start().await;
    let data = hub
        .query_ok(
            Some(&hub.admin_token),
            r#"mutation { lockPeriod(period: "2025") }"#,
            json!({}),
        )
        .await;
    assert_eq!(data["lockPeriod"], true);
    let (status, receipt) = hub
        .submit(
            Some(&hub.admin_token),
            kpi_report("2025-Q3", 1).to_string(),
            "",
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(error_codes(&receipt), ["PERIOD_LOCKED"]);
    // Other years stay open, and only admins lock.
    hub.submit_ok(&kpi_report("2026-Q1", 1)).await;
    let analyst = hub.token("ANALYST", &[]).await;
    let body = hub
        .graphql(
            Some(&analyst),
            r#"mutation { lockPeriod(period: "2024") }"#,
            json!({}),
        )
        .await;
    assert_eq!(error_code(&body), "FORBIDDEN");
}

#[tokio::test]
async fn revision_zero_is_a_schema_error() {
    let hub = TestHub::start().await;
    let (status, receipt) = hub
        .submit(
            Some(&hub.admin_token),
            kpi_report("2026-Q2", 0).to_string(),
            "",
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(receipt["errors"][0]["pointer"], "/revision");
    assert_eq!(receipt["errors"][0]["keyword"], "minimum");
}

#[tokio::test]
async fn bad_values_are_rejected_one_by_one_and_the_rest_is_stored() {
    let hub = TestHub::start().await;
    let document = with_values(
        kpi_report("2026-Q2", 1),
        json!([
            { "kpi": "PROC.LEADTIME", "commonService": "COL-PROC-TRAVEL", "value": 12 },
            { "kpi": "NOT.A.KPI", "value": 1 },
            { "kpi": "tiempo_local", "value": 3 },
            { "kpi": "CA", "commonService": "COL-GHOST", "value": 1000 },
            { "kpi": "ICT.UPTIME.PCT", "value": 100.5 },
            { "kpi": "LOG.FLEET.SHARED", "value": -2 },
            { "kpi": "HR.ROSTER.HIRES", "value": 2.5 }
        ]),
    );
    let (status, receipt) = hub.submit_document(&document).await;
    assert_eq!(status, 201, "{receipt:#}");
    assert_eq!(receipt["status"], "ACCEPTED_WITH_WARNINGS");
    assert_eq!(receipt["acceptedValues"], 1);
    assert_eq!(
        rejected_codes(&receipt),
        [
            ("/values/1/kpi".into(), "UNKNOWN_KPI".into()),
            ("/values/2/kpi".into(), "UNMAPPED_LOCAL_CODE".into()),
            (
                "/values/3/commonService".into(),
                "UNKNOWN_COMMON_SERVICE".into()
            ),
            ("/values/4/value".into(), "PERCENT_OUT_OF_RANGE".into()),
            ("/values/5/value".into(), "VALUE_NEGATIVE".into()),
            ("/values/6/value".into(), "COUNT_NOT_INTEGRAL".into()),
        ]
    );
    assert_eq!(hub.count("SELECT COUNT(*) AS n FROM kpi_value").await, 1);
}

#[tokio::test]
async fn strict_rejects_the_whole_document_on_any_bad_value() {
    let hub = TestHub::start().await;
    let document = with_values(
        kpi_report("2026-Q2", 1),
        json!([{ "kpi": "PROC.LEADTIME", "value": 12 }, { "kpi": "ICT.UPTIME.PCT", "value": 140 }]),
    );
    let (status, receipt) = hub
        .submit(Some(&hub.admin_token), document.to_string(), "?strict=true")
        .await;
    assert_eq!(status, 422);
    assert_eq!(receipt["status"], "REJECTED");
    assert_eq!(error_codes(&receipt), ["PERCENT_OUT_OF_RANGE"]);
    assert_eq!(hub.count("SELECT COUNT(*) AS n FROM submission").await, 0);
}

#[tokio::test]
async fn an_unmapped_local_code_is_accepted_once_mapped_with_the_mapping_in_its_lineage() {
    let hub = TestHub::start().await;
    let values = json!([{ "kpi": "lead_weeks", "value": 3 }]);
    let (_, receipt) = hub
        .submit(
            Some(&hub.admin_token),
            with_values(kpi_report("2026-Q2", 1), values.clone()).to_string(),
            "",
        )
        .await;
    assert_eq!(
        rejected_codes(&receipt),
        [("/values/0/kpi".into(), "UNMAPPED_LOCAL_CODE".into())]
    );
    let data = hub
        .query_ok(
            Some(&hub.admin_token),
            r#"mutation { upsertKpiMapping(input: { country: "COL", localCode: "lead_weeks", kpi: "PROC.LEADTIME", factor: "7" }) { version active factor } }"#,
            json!({}),
        )
        .await;
    assert_eq!(data["upsertKpiMapping"]["version"], 1);
    let receipt = hub
        .submit_ok(&with_values(kpi_report("2026-Q2", 2), values))
        .await;
    assert_eq!(receipt["status"], "ACCEPTED");
    let data = hub
        .query_ok(
            None,
            "query($id: ID!) { submission(id: $id) { values { kpi reportedKpi value reportedValue mapping { version factor offset } } } }",
            json!({ "id": receipt["id"].to_string() }),
        )
        .await;
    let value = &data["submission"]["values"][0];
    assert_eq!(value["kpi"], "PROC.LEADTIME");
    assert_eq!(value["reportedKpi"], "lead_weeks");
    assert_eq!(value["value"], "21");
    assert_eq!(value["reportedValue"], "3");
    assert_eq!(
        value["mapping"],
        json!({ "version": 1, "factor": "7", "offset": "0" })
    );
}

#[tokio::test]
async fn an_unknown_currency_is_rejected() {
    let hub = TestHub::start().await;
    let mut document = kpi_report("2026-Q2", 1);
    document["currency"] = json!("XXX");
    let (status, receipt) = hub.submit_document(&document).await;
    assert_eq!(status, 422);
    assert_eq!(error_codes(&receipt), ["UNKNOWN_CURRENCY"]);
}

#[tokio::test]
async fn a_month_without_a_rate_borrows_an_earlier_one_and_is_flagged_stale() {
    let hub = TestHub::start().await;
    hub.sql("DELETE FROM exchange_rate WHERE currency = 'COP' AND month = '2026-06'")
        .await;
    let receipt = hub.submit_ok(&kpi_report("2026-Q2", 1)).await;
    assert_eq!(receipt["status"], "ACCEPTED_WITH_WARNINGS");
    assert_eq!(receipt["warnings"][0]["code"], "RATE_STALE");
    assert_eq!(receipt["warnings"][0]["pointer"], "/values/0/value");
    let data = hub
        .query_ok(
            None,
            "query($id: ID!) { submission(id: $id) { values { kpi fxMonth flags value } } }",
            json!({ "id": receipt["id"].to_string() }),
        )
        .await;
    let ca = &data["submission"]["values"][0];
    assert_eq!(ca["fxMonth"], "2026-05");
    assert_eq!(ca["flags"], json!(["RATE_STALE"]));
    assert!(ca["value"].is_string());

    // Loading the June rate converts the value again at the right month.
    let data = hub
        .query_ok(
            Some(&hub.admin_token),
            r#"mutation { upsertExchangeRates(rates: [{ currency: "COP", month: "2026-06", rate: "4000" }]) }"#,
            json!({}),
        )
        .await;
    assert_eq!(data["upsertExchangeRates"], 1);
    let data = hub
        .query_ok(
            None,
            "query($id: ID!) { submission(id: $id) { values { fxMonth flags value } } }",
            json!({ "id": receipt["id"].to_string() }),
        )
        .await;
    let ca = &data["submission"]["values"][0];
    assert_eq!(ca["fxMonth"], "2026-06");
    assert_eq!(ca["flags"], json!([]));
    assert_eq!(ca["value"], "31250");
}

#[tokio::test]
async fn no_rate_within_six_months_keeps_the_value_out_of_usd_and_flags_it() {
    let hub = TestHub::start().await;
    hub.sql("DELETE FROM exchange_rate WHERE currency = 'COP' AND month >= '2025-12' AND month <= '2026-06'").await;
    let receipt = hub.submit_ok(&kpi_report("2026-Q2", 1)).await;
    assert_eq!(receipt["warnings"][0]["code"], "NO_RATE");
    let data = hub
        .query_ok(None, "query($id: ID!) { submission(id: $id) { values { kpi value reportedValue currency fxMonth flags } } }", json!({ "id": receipt["id"].to_string() }))
        .await;
    let ca = &data["submission"]["values"][0];
    assert!(ca["value"].is_null(), "{ca}");
    assert_eq!(ca["reportedValue"], "125000000");
    assert_eq!(ca["currency"], "COP");
    assert_eq!(ca["flags"], json!(["NO_RATE"]));
}

#[tokio::test]
async fn an_exact_duplicate_is_a_no_op() {
    let hub = TestHub::start().await;
    let first = hub.submit_ok(&kpi_report("2026-Q2", 1)).await;
    // Same content, other field order and spacing.
    let reordered = serde_json::to_string_pretty(&kpi_report("2026-Q2", 1)).unwrap();
    let (status, receipt) = hub.submit(Some(&hub.admin_token), reordered, "").await;
    assert_eq!(status, 200, "{receipt:#}");
    assert_eq!(receipt["status"], "DUPLICATE");
    assert_eq!(receipt["id"], first["id"]);
    assert_eq!(hub.count("SELECT COUNT(*) AS n FROM submission").await, 1);
}

#[tokio::test]
async fn the_same_revision_with_other_content_is_a_conflict() {
    let hub = TestHub::start().await;
    hub.submit_ok(&kpi_report("2026-Q2", 1)).await;
    let changed = with_values(
        kpi_report("2026-Q2", 1),
        json!([{ "kpi": "PROC.LEADTIME", "value": 9 }]),
    );
    let (status, receipt) = hub.submit_document(&changed).await;
    assert_eq!(status, 409, "{receipt:#}");
    assert_eq!(error_codes(&receipt), ["CONFLICT"]);
    assert!(
        receipt["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("revision 2")
    );
}

#[tokio::test]
async fn a_revision_lower_than_the_current_one_is_stale() {
    let hub = TestHub::start().await;
    hub.submit_ok(&kpi_report("2026-Q2", 3)).await;
    let (status, receipt) = hub
        .submit(
            Some(&hub.admin_token),
            kpi_report("2026-Q2", 2).to_string(),
            "",
        )
        .await;
    assert_eq!(status, 409);
    assert_eq!(error_codes(&receipt), ["STALE_REVISION"]);
}

#[tokio::test]
async fn an_idempotency_key_replays_the_first_response_and_refuses_another_body() {
    let hub = TestHub::start().await;
    let body = kpi_report("2026-Q2", 1).to_string();
    let key = [("idempotency-key", "col-2026-q2-r1")];
    let (status, first) = hub
        .submit_with(Some(&hub.admin_token), body.clone(), "", &key)
        .await;
    assert_eq!(status, 201);
    let (status, again) = hub
        .submit_with(Some(&hub.admin_token), body, "", &key)
        .await;
    assert_eq!(status, 201, "a replay has the first status");
    assert_eq!(again["replayed"], true);
    assert_eq!(again["id"], first["id"]);
    assert_eq!(hub.count("SELECT COUNT(*) AS n FROM submission").await, 1);

    let other = kpi_report("2026-Q1", 1).to_string();
    let (status, body) = hub
        .submit_with(Some(&hub.admin_token), other, "", &key)
        .await;
    assert_eq!(status, 422);
    assert_eq!(body["error"]["code"], "IDEMPOTENCY_KEY_REUSED");

    // The same key through GraphQL replays too (the key belongs to the caller, not the route).
    let data = hub
        .query_ok(
            Some(&hub.admin_token),
            SUBMIT_KPI,
            json!({ "d": kpi_report("2026-Q2", 1), "key": "col-2026-q2-r1" }),
        )
        .await;
    assert_eq!(data["submitKpiReport"]["replayed"], true);

    let long = "k".repeat(256);
    let (status, body) = hub
        .submit_with(
            Some(&hub.admin_token),
            kpi_report("2026-Q3", 1).to_string(),
            "",
            &[("idempotency-key", &long)],
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(body["error"]["code"], "VALIDATION_FAILED");
}

#[tokio::test]
async fn a_key_whose_first_request_is_still_running_is_answered_409() {
    let hub = TestHub::start().await;
    let document = kpi_report("2026-Q2", 1);
    let fingerprint = hub_ingest::pipeline::request_fingerprint(
        document.to_string().as_bytes(),
        Some(&document),
        hub_ingest::Options::default(),
    );
    let admin_id = hub
        .count("SELECT id AS n FROM access_token WHERE label = 'initial-admin'")
        .await;
    hub.sql(&format!(
        "INSERT INTO idempotency_key (caller, key, request_hash, state, created_at)
         VALUES ('{admin_id}', 'busy', '{fingerprint}', 'IN_FLIGHT', CURRENT_TIMESTAMP)"
    ))
    .await;
    let (status, body) = hub
        .submit_with(
            Some(&hub.admin_token),
            document.to_string(),
            "",
            &[("idempotency-key", "busy")],
        )
        .await;
    assert_eq!(status, 409, "{body:#}");
    assert_eq!(body["error"]["code"], "CONFLICT");
    assert_eq!(hub.count("SELECT COUNT(*) AS n FROM submission").await, 0);
}

#[tokio::test]
async fn a_body_over_the_limit_is_413_before_parsing_even_when_chunked() {
    let hub = TestHub::start().await;
    let big = format!("{{\"pad\": \"{}\"}}", "x".repeat(6 * 1024 * 1024));
    let (status, body) = hub.submit(Some(&hub.admin_token), big.clone(), "").await;
    assert_eq!(status, 413);
    assert_eq!(body["error"]["code"], "PAYLOAD_TOO_LARGE");

    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = big
        .into_bytes()
        .chunks(64 * 1024)
        .map(|c| Ok(c.to_vec()))
        .collect();
    let stream = futures::stream::iter(chunks);
    let (status, body) = hub
        .submit(
            Some(&hub.admin_token),
            reqwest::Body::wrap_stream(stream),
            "",
        )
        .await;
    assert_eq!(status, 413, "chunked: {body}");

    let response = hub
        .http
        .post(format!("{}/graphql", hub.url))
        .bearer_auth(&hub.admin_token)
        .header("content-type", "application/json")
        .body(format!(
            "{{\"query\": \"{}\"}}",
            "x".repeat(6 * 1024 * 1024)
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    let body: Value = response.json().await.unwrap();
    assert_eq!(error_code(&body), "PAYLOAD_TOO_LARGE");
    assert_eq!(hub.count("SELECT COUNT(*) AS n FROM submission").await, 0);
}

#[tokio::test]
async fn a_body_that_is_not_json_is_415() {
    let hub = TestHub::start().await;
    let response = hub
        .http
        .post(format!("{}/api/v1/submissions", hub.url))
        .bearer_auth(&hub.admin_token)
        .header("content-type", "text/csv")
        .body("country,period\nCOL,2026-Q2\n")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 415);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "UNSUPPORTED_MEDIA_TYPE");
}

#[tokio::test]
async fn a_document_nested_ten_thousand_levels_deep_is_a_clear_error() {
    let hub = TestHub::start().await;
    let deep = format!(
        "{{\"documentType\":\"kpi-report\",\"x\":{}1{}}}",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let (status, receipt) = hub.submit(Some(&hub.admin_token), deep.clone(), "").await;
    assert_eq!(status, 422);
    assert_eq!(error_codes(&receipt), ["TOO_DEEP"]);
    // Through GraphQL the variables are refused as a malformed request, without a crash.
    let response = hub
        .http
        .post(format!("{}/graphql", hub.url))
        .bearer_auth(&hub.admin_token)
        .header("content-type", "application/json")
        .body(format!("{{\"query\":\"mutation($d: JSON!) {{ submitKpiReport(document: $d) {{ status }} }}\",\"variables\":{{\"d\":{deep}}}}}"))
        .send()
        .await
        .unwrap();
    // A body that is not JSON is 400 (GraphQL over HTTP), with a code of its own.
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(error_code(&body), "BAD_REQUEST");
    // The hub is still there.
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

/// A report with `services` common services and ten values each.
pub fn large_report(services: usize) -> Value {
    let kpis = [
        ("CA", 1000),
        ("PROC.LEADTIME", 12),
        ("PROC.PRICE.PCT", 8),
        ("HR.RECRUIT.DAYS", 40),
        ("HR.ROSTER.HIRES", 3),
        ("ICT.UPTIME.PCT", 99),
        ("LOG.FLEET.SHARED", 5),
        ("LOG.FUEL.LITRES", 800),
        ("CLIENT.SAT.PCT", 85),
        ("PROC.LTA.SHARED", 4),
    ];
    let common: Vec<Value> = (0..services)
        .map(|i| json!({ "id": format!("COL-S{i}"), "name": format!("Service {i}"), "serviceLine": "PROCUREMENT",
                          "leadAgency": "UNDP", "clientAgencies": ["UNICEF"], "status": "ACTIVE" }))
        .collect();
    let values: Vec<Value> = (0..services)
        .flat_map(|i| kpis.iter().map(move |(kpi, v)| json!({ "kpi": kpi, "commonService": format!("COL-S{i}"), "value": v, "denominator": 10 })))
        .collect();
    let mut document = kpi_report("2026-Q2", 1);
    document["commonServices"] = json!(common);
    document["values"] = json!(values);
    document
}

#[tokio::test]
async fn ten_thousand_values_in_one_document_are_accepted() {
    let hub = TestHub::start().await;
    let receipt = hub.submit_ok(&large_report(1000)).await;
    assert_eq!(receipt["status"], "ACCEPTED");
    assert_eq!(receipt["acceptedValues"], 10_000);
    assert_eq!(
        hub.count("SELECT COUNT(*) AS n FROM kpi_value").await,
        10_000
    );
}

#[tokio::test]
async fn a_dry_run_returns_the_real_receipt_and_stores_nothing() {
    let hub = TestHub::start().await;
    let (status, receipt) = hub
        .submit(
            Some(&hub.admin_token),
            kpi_report("2026-Q2", 1).to_string(),
            "?dryRun=true",
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(receipt["status"], "ACCEPTED");
    assert_eq!(receipt["dryRun"], true);
    assert!(receipt["id"].is_null());
    assert_eq!(receipt["acceptedValues"], 3);
    assert_eq!(hub.count("SELECT COUNT(*) AS n FROM submission").await, 0);
    assert_eq!(
        hub.count("SELECT COUNT(*) AS n FROM document_slice").await,
        0
    );
    // A dry run sees the revision rules too.
    hub.submit_ok(&kpi_report("2026-Q2", 2)).await;
    let (status, receipt) = hub
        .submit(
            Some(&hub.admin_token),
            kpi_report("2026-Q2", 1).to_string(),
            "?dryRun=true",
        )
        .await;
    assert_eq!(status, 409);
    assert_eq!(error_codes(&receipt), ["STALE_REVISION"]);
}

#[tokio::test]
async fn a_bos_is_stored_with_its_services_plans_and_priority_ratio() {
    let hub = TestHub::start().await;
    let receipt = hub.submit_ok(&bos(1)).await;
    assert_eq!(receipt["cycle"], "2023-2027");
    assert_eq!(receipt["acceptedValues"], 4, "{receipt:#}");
    let data = hub
        .query_ok(
            None,
            "query($id: ID!) { submission(id: $id) { documentType cycle
                commonServices { id serviceLine modality stockTakeAction priorityRatio }
                plannedCostAvoidance { commonService year amount currency } } }",
            json!({ "id": receipt["id"].to_string() }),
        )
        .await;
    let submission = &data["submission"];
    assert_eq!(submission["documentType"], "BOS");
    // (21000 + 9600) / (0 + 3600 + 0 + 0)
    assert_eq!(submission["commonServices"][0]["priorityRatio"], "8.5");
    assert_eq!(
        submission["plannedCostAvoidance"].as_array().unwrap().len(),
        2
    );
    let mut wrong = bos(2);
    wrong["commonServices"][0]["plannedCostAvoidance"][0]["year"] = json!(2031);
    let (_, receipt) = hub.submit_document(&wrong).await;
    assert_eq!(
        rejected_codes(&receipt),
        [(
            "/commonServices/0/plannedCostAvoidance/0/year".into(),
            "YEAR_OUTSIDE_CYCLE".into()
        )]
    );
}

#[tokio::test]
async fn submissions_are_listed_newest_first_in_pages_and_filtered() {
    let hub = TestHub::start().await;
    for period in ["2025-Q3", "2025-Q4", "2026-Q1"] {
        hub.submit_ok(&kpi_report(period, 1)).await;
    }
    let query = "query($after: String, $period: String) { submissions(first: 2, after: $after, period: $period) {
        edges { cursor node { period } } pageInfo { hasNextPage endCursor } } }";
    let page = hub.query_ok(None, query, json!({})).await;
    let periods: Vec<_> = page["submissions"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["period"].clone())
        .collect();
    assert_eq!(periods, [json!("2026-Q1"), json!("2025-Q4")]);
    assert_eq!(page["submissions"]["pageInfo"]["hasNextPage"], true);
    let cursor = page["submissions"]["pageInfo"]["endCursor"].clone();
    let next = hub.query_ok(None, query, json!({ "after": cursor })).await;
    assert_eq!(next["submissions"]["edges"][0]["node"]["period"], "2025-Q3");
    assert_eq!(next["submissions"]["pageInfo"]["hasNextPage"], false);
    let filtered = hub
        .query_ok(None, query, json!({ "period": "2025-Q4" }))
        .await;
    assert_eq!(
        filtered["submissions"]["edges"].as_array().unwrap().len(),
        1
    );
    let body = hub
        .graphql(
            None,
            "{ submissions(first: 501) { edges { cursor } } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&body), "VALIDATION_FAILED");
}

#[tokio::test]
async fn internal_and_sensitive_submissions_are_hidden_from_those_who_may_not_see_them() {
    let hub = TestHub::start().await;
    let mut document = kpi_report("2026-Q2", 1);
    document["classification"] = json!("INTERNAL");
    document["values"][0]["classification"] = json!("SENSITIVE");
    let receipt = hub.submit_ok(&document).await;
    let id = receipt["id"].to_string();
    let query = "query($id: ID!) { submission(id: $id) { values { kpi } document } }";
    let anonymous = hub.query_ok(None, query, json!({ "id": id })).await;
    assert!(anonymous["submission"].is_null());
    let analyst = hub.token("ANALYST", &[]).await;
    let seen = hub
        .query_ok(Some(&analyst), query, json!({ "id": id }))
        .await;
    let kpis: Vec<_> = seen["submission"]["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["kpi"].clone())
        .collect();
    assert_eq!(
        kpis,
        [json!("PROC.LEADTIME"), json!("ADMIN.CP.PCT")],
        "the SENSITIVE CA value is hidden"
    );
    assert!(
        seen["submission"]["document"].is_null(),
        "the raw document would reveal it"
    );
    let colombia = country_token(&hub, "COL").await;
    let own = hub
        .query_ok(Some(&colombia), query, json!({ "id": id }))
        .await;
    assert_eq!(own["submission"]["values"].as_array().unwrap().len(), 3);
    assert!(own["submission"]["document"].is_object());
}

#[tokio::test]
async fn validate_prints_one_line_per_problem_and_exits_1() {
    let hub = TestHub::start().await;
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    let mut document = kpi_report("2026-Q2", 0);
    document["values"][2]["value"] = json!(120);
    std::fs::write(&bad, document.to_string()).unwrap();
    let good = dir.path().join("good.json");
    std::fs::write(&good, kpi_report("2026-Q2", 1).to_string()).unwrap();
    let out = hub
        .cli(&["validate", good.to_str().unwrap(), bad.to_str().unwrap()])
        .await;
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(
        text.contains(&format!("{}: valid", good.display())),
        "{text}"
    );
    assert!(
        text.contains(&format!("{}: /revision: ", bad.display())),
        "{text}"
    );
    let out = hub.cli(&["validate", good.to_str().unwrap()]).await;
    assert!(out.status.success());
}

#[tokio::test]
async fn submit_prints_the_receipt_readably() {
    let hub = TestHub::start().await;
    let token = country_token(&hub, "COL").await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("col.json");
    let document = with_values(
        kpi_report("2026-Q2", 1),
        json!([{ "kpi": "PROC.LEADTIME", "value": 12 }, { "kpi": "ICT.UPTIME.PCT", "value": 101 }]),
    );
    std::fs::write(&file, document.to_string()).unwrap();
    let path = file.to_str().unwrap();
    let out = hub
        .cli(&["submit", path, "--hub", &hub.url, "--token", &token])
        .await;
    assert_eq!(
        out.status.code(),
        Some(3),
        "a rejected value exits 3: {}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("1 value(s) rejected"),
        "{}",
        stderr(&out)
    );
    let text = stdout(&out);
    assert!(
        text.contains("kpi-report COL 2026-Q2 revision 1: ACCEPTED_WITH_WARNINGS"),
        "{text}"
    );
    assert!(text.contains("rejected /values/1/value:"), "{text}");
    let out = hub
        .cli(&[
            "submit",
            path,
            "--hub",
            &hub.url,
            "--token",
            &token,
            "--allow-warnings",
        ])
        .await;
    assert!(
        out.status.success(),
        "--allow-warnings accepts it: {}",
        stderr(&out)
    );
    assert!(stdout(&out).contains("DUPLICATE"), "{}", stdout(&out));
    let out = hub
        .cli(&["submit", path, "--hub", &hub.url, "--token", "rhub_wrong"])
        .await;
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("401"), "{}", stderr(&out));
}

#[tokio::test]
async fn rates_import_loads_a_csv_and_refuses_unknown_currencies() {
    let hub = TestHub::start().await;
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("rates.csv");
    std::fs::write(
        &good,
        "currency,month,rate\nCOP,2027-01,4200.5\nBRL,2027-01,5.9\n",
    )
    .unwrap();
    let out = hub.cli(&["rates", "import", good.to_str().unwrap()]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let data = hub
        .query_ok(
            None,
            r#"{ exchangeRates(currency: "COP", from: "2027-01") { month rate } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        data["exchangeRates"],
        json!([{ "month": "2027-01", "rate": "4200.5" }])
    );
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "currency,month,rate\nABC,2027-01,1\n").unwrap();
    let out = hub.cli(&["rates", "import", bad.to_str().unwrap()]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("unknown currency ABC"),
        "{}",
        stderr(&out)
    );
    let malformed = dir.path().join("malformed.csv");
    std::fs::write(&malformed, "currency,month,rate\nCOP,2027-13,1\n").unwrap();
    let out = hub
        .cli(&["rates", "import", malformed.to_str().unwrap()])
        .await;
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("line 2"), "{}", stderr(&out));
}

#[tokio::test]
async fn accepted_submissions_are_audited_and_counted() {
    let hub = TestHub::start().await;
    let receipt = hub.submit_ok(&kpi_report("2026-Q2", 1)).await;
    assert_eq!(
        hub.count(&format!(
            "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'submission.accept' AND entity_id = '{}' AND actor = 'initial-admin'",
            receipt["id"]
        ))
        .await,
        1
    );
    let metrics = hub
        .http
        .get(format!("{}/metrics", hub.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains(r#"hub_submissions_total{kind="ACCEPTED"} 1"#),
        "{metrics}"
    );
}
