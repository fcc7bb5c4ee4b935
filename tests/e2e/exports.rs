//! Exports (DESIGN §13), templates (§14) and the spreadsheet route of submissions, over HTTP:
//! a template filled as a user would and sent back, every kind of bad workbook, and exports
//! whose totals equal the figures the hub serves the same caller.

use std::str::FromStr;

use calamine::Data;
use hub_domain::Decimal;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};
use sha2::Digest;

use crate::support::TestHub;
use crate::support::docs::bos;
use crate::support::workbook::{Book, text};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// GETs a download; returns the status, the headers and the body.
async fn get(
    hub: &TestHub,
    token: Option<&str>,
    path: &str,
) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    let mut request = hub.http.get(format!("{}{path}", hub.url));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.bytes().await.expect("body").to_vec();
    (status, headers, body)
}

async fn get_ok(hub: &TestHub, token: Option<&str>, path: &str) -> Vec<u8> {
    let (status, _, body) = get(hub, token, path).await;
    assert_eq!(status, 200, "{path}: {}", String::from_utf8_lossy(&body));
    body
}

/// POSTs a workbook to `/api/v1/submissions`.
async fn submit_workbook(
    hub: &TestHub,
    token: &str,
    bytes: Vec<u8>,
    query: &str,
    headers: &[(&str, &str)],
) -> (u16, Value) {
    let mut request = hub
        .http
        .post(format!("{}/api/v1/submissions{query}", hub.url))
        .bearer_auth(token)
        .header("content-type", XLSX)
        .body(bytes);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

fn problems<'a>(receipt: &'a Value, list: &str) -> Vec<&'a Value> {
    receipt[list]
        .as_array()
        .map(|a| a.iter().collect())
        .unwrap_or_default()
}

fn codes_and_cells(receipt: &Value, list: &str) -> Vec<(String, String)> {
    problems(receipt, list)
        .iter()
        .map(|p| {
            (
                p["code"].as_str().unwrap_or_default().to_owned(),
                p["cell"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// A hub with COL's BOS stored, and a COUNTRY token for COL.
async fn hub_with_col_bos() -> (TestHub, String) {
    let hub = TestHub::start().await;
    hub.submit_ok(&bos(1)).await;
    let token = hub.token("COUNTRY", &["--country", "COL"]).await;
    (hub, token)
}

async fn col_template(hub: &TestHub, token: &str, lang: &str) -> Book {
    let bytes = get_ok(
        hub,
        Some(token),
        &format!("/api/v1/templates/kpi-report?country=COL&period=2026-Q2&lang={lang}"),
    )
    .await;
    Book::read(&bytes)
}

/// The `Values` cell of `key` in row `row` (0-based), as the receipt names it.
fn cell(book: &Book, row: usize, key: &str) -> String {
    let col = u32::try_from(book.column("Values", key)).unwrap();
    hub_domain::workbook::cell_ref("Values", u32::try_from(row).unwrap(), col)
}

async fn stored_values(hub: &TestHub, submission: i64) -> Vec<(String, Option<String>, String)> {
    let sql = format!(
        "SELECT kpi, value, reported_value FROM kpi_value WHERE submission_id = {submission} ORDER BY id"
    );
    hub.db
        .query_all_raw(Statement::from_string(hub.db.get_database_backend(), sql))
        .await
        .unwrap()
        .into_iter()
        .map(|row| {
            (
                row.try_get::<String>("", "kpi").unwrap(),
                row.try_get::<Option<String>>("", "value").unwrap(),
                row.try_get::<String>("", "reported_value").unwrap(),
            )
        })
        .collect()
}

fn decimal(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap_or_else(|_| panic!("{text:?} is not a decimal"))
}

#[tokio::test]
async fn a_template_has_the_sheets_and_row_two_keys_of_the_layout_prefilled_for_the_country() {
    let (hub, token) = hub_with_col_bos().await;
    for lang in ["en", "es"] {
        let book = col_template(&hub, &token, lang).await;
        let names: Vec<&str> = book.sheets.iter().map(|(n, _)| n.as_str()).collect();
        for sheet in ["Instructions", "Report", "Services", "Values", "Lists"] {
            assert!(
                names.contains(&sheet),
                "{lang}: no sheet {sheet} in {names:?}"
            );
        }
        let field = |key: &str| {
            book.rows("Report")
                .iter()
                .find(|r| matches!(r.first(), Some(Data::String(s)) if s == key))
                .map(|r| text(&r[1]))
                .unwrap_or_else(|| panic!("no field {key}"))
        };
        assert_eq!(field("country"), "COL");
        assert_eq!(field("period"), "2026-Q2");
        assert_eq!(field("revision"), "1");
        assert_eq!(field("currency"), "COP");
        assert_eq!(field("language"), lang);
        for key in hub_domain::workbook::VALUE_KEYS {
            book.column("Values", key);
        }
        for key in hub_domain::workbook::KPI_REPORT_SERVICE_KEYS {
            book.column("Services", key);
        }
        // The BOS service is listed, and the KPI it follows carries the BOS's 2026 target
        // (none: the BOS sets 2025 and 2027) beside the service's CA row.
        book.find("Services", &[("id", "COL-PROC-TRAVEL")]);
        book.find(
            "Values",
            &[("kpi", "CA"), ("commonService", "COL-PROC-TRAVEL")],
        );
        book.find("Values", &[("kpi", "ADMIN.CP.PCT")]);
        // Labels are in the language asked for.
        let label = text(&book.rows("Values")[0][book.column("Values", "value")]);
        assert_eq!(
            label,
            if lang == "es" { "Valor" } else { "Value" },
            "{lang}"
        );
    }
    // A BOS template of the same country names its cycle and lists its planned figures.
    let bytes = get_ok(
        &hub,
        Some(&token),
        "/api/v1/templates/bos?country=COL&lang=es",
    )
    .await;
    let book = Book::read(&bytes);
    book.find(
        "PlannedCostAvoidance",
        &[("commonService", "COL-PROC-TRAVEL")],
    );
    book.find("Targets", &[("kpi", "PROC.LEADTIME")]);
}

#[tokio::test]
async fn a_template_filled_as_a_user_would_is_stored_with_the_cell_of_each_problem() {
    let (hub, token) = hub_with_col_bos().await;
    let mut book = col_template(&hub, &token, "es").await;
    // Typed by a Spanish-speaking officer: a number as text with Spanish separators, a
    // percent of 120, and a row added at the bottom.
    let ca = book.find(
        "Values",
        &[("kpi", "CA"), ("commonService", "COL-PROC-TRAVEL")],
    );
    book.set("Values", ca, "value", Data::String("125.000.000".into()));
    let pct = book.find("Values", &[("kpi", "ADMIN.CP.PCT")]);
    book.set("Values", pct, "value", Data::Float(120.0));
    book.set("Values", pct, "denominator", Data::Float(480.0));
    let added = book.push(
        "Values",
        &[
            ("kpi", Data::String("PROC.LEADTIME".into())),
            ("commonService", Data::String("COL-PROC-TRAVEL".into())),
            ("value", Data::String("12,5".into())),
        ],
    );
    book.set_field("preparedBy.agency", Data::String("UNDP".into()));
    book.set_field("preparedBy.contact", Data::String("omt@example.org".into()));
    let bytes = book.write();
    let sha = hex::encode(sha2::Sha256::digest(&bytes));

    let (status, receipt) = submit_workbook(
        &hub,
        &token,
        bytes.clone(),
        "?filename=COL-2026-Q2.xlsx",
        &[("idempotency-key", "col-2026-q2-workbook")],
    )
    .await;
    assert_eq!(status, 201, "{receipt:#}");
    assert_eq!(receipt["status"], "ACCEPTED_WITH_WARNINGS", "{receipt:#}");
    assert_eq!(receipt["acceptedValues"], 2, "{receipt:#}");
    assert_eq!(
        codes_and_cells(&receipt, "rejectedValues"),
        [("PERCENT_OUT_OF_RANGE".to_owned(), cell(&book, pct, "value"))],
        "{receipt:#}"
    );
    let id = receipt["id"].as_i64().unwrap();

    // What was typed is what is stored: COP converted at the June 2026 rate (DESIGN §6).
    let values = stored_values(&hub, id).await;
    let (_, usd, reported) = values.iter().find(|(k, _, _)| k == "CA").unwrap();
    assert_eq!(decimal(reported), Decimal::from(125_000_000));
    let expected = Decimal::from(125_000_000) / decimal("4161.4");
    let usd = decimal(usd.as_deref().unwrap());
    assert!(
        (usd - expected).abs() < decimal("0.01"),
        "{usd} vs {expected}"
    );
    let (_, _, lead) = values
        .iter()
        .find(|(k, _, _)| k == "PROC.LEADTIME")
        .unwrap();
    assert_eq!(decimal(lead), decimal("12.5"), "row {added} typed 12,5");

    // Lineage: the workbook's name and SHA-256 beside the JSON made from it.
    let lineage = hub
        .count(&format!(
            "SELECT COUNT(*) AS n FROM submission WHERE id = {id} AND workbook_name = 'COL-2026-Q2.xlsx' AND workbook_sha256 = '{sha}'"
        ))
        .await;
    assert_eq!(lineage, 1);
    let raw = hub
        .query_ok(
            Some(&hub.admin_token),
            "query($id: ID!) { submission(id: $id) { document } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(raw["submission"]["document"]["country"], "COL");
    assert_eq!(raw["submission"]["document"]["period"], "2026-Q2");

    // The same workbook under the same key is a replay; sent again as a new revision's
    // template would say, it is a new revision.
    let (status, replay) = submit_workbook(
        &hub,
        &token,
        bytes,
        "",
        &[("idempotency-key", "col-2026-q2-workbook")],
    )
    .await;
    assert_eq!(status, 201, "{replay:#}");
    assert_eq!(replay["replayed"], true);
    let next = col_template(&hub, &token, "en").await;
    let revision = next
        .rows("Report")
        .iter()
        .find(|r| matches!(r.first(), Some(Data::String(s)) if s == "revision"))
        .map(|r| text(&r[1]))
        .unwrap();
    assert_eq!(
        revision, "2",
        "the next template proposes the next revision"
    );
}

#[tokio::test]
async fn a_dry_run_and_validate_read_a_workbook_without_storing_it() {
    let (hub, token) = hub_with_col_bos().await;
    let mut book = col_template(&hub, &token, "en").await;
    let ca = book.find(
        "Values",
        &[("kpi", "CA"), ("commonService", "COL-PROC-TRAVEL")],
    );
    book.set("Values", ca, "value", Data::String("1,234.5".into()));
    let (status, receipt) = submit_workbook(&hub, &token, book.write(), "?dryRun=true", &[]).await;
    assert_eq!(status, 200, "{receipt:#}");
    assert_eq!(receipt["dryRun"], true);
    assert_eq!(receipt["acceptedValues"], 1);
    assert_eq!(
        hub.count("SELECT COUNT(*) AS n FROM submission WHERE document_type = 'kpi-report'")
            .await,
        0
    );

    // `romt-hub validate FILE.xlsx` names the cell of a problem and exits non-zero.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("COL.xlsx");
    book.set("Values", ca, "value", Data::String("doce".into()));
    std::fs::write(&path, book.write()).unwrap();
    let out = hub.cli(&["validate", path.to_str().unwrap()]).await;
    let stdout = crate::support::hub::stdout(&out);
    assert!(!out.status.success(), "{stdout}");
    assert!(
        stdout.contains(&cell(&book, ca, "value")) && stdout.contains("NOT_A_NUMBER"),
        "{stdout}"
    );
}

#[tokio::test]
async fn every_bad_cell_of_a_workbook_is_named_in_the_receipt() {
    let (hub, token) = hub_with_col_bos().await;
    let mut book = col_template(&hub, &token, "en").await;
    let ca = book.find(
        "Values",
        &[("kpi", "CA"), ("commonService", "COL-PROC-TRAVEL")],
    );
    book.set("Values", ca, "value", Data::String("twelve".into()));
    let unknown_kpi = book.push(
        "Values",
        &[
            ("kpi", Data::String("NOT.A.KPI".into())),
            ("value", Data::Float(3.0)),
        ],
    );
    let unknown_service = book.push(
        "Values",
        &[
            ("kpi", Data::String("PROC.LEADTIME".into())),
            ("commonService", Data::String("COL-NOT-LISTED".into())),
            ("value", Data::Float(9.0)),
        ],
    );
    let good = book.push(
        "Values",
        &[
            ("kpi", Data::String("PROC.LEADTIME".into())),
            ("commonService", Data::String("COL-PROC-TRAVEL".into())),
            ("value", Data::Float(11.0)),
        ],
    );
    let (status, receipt) = submit_workbook(&hub, &token, book.write(), "", &[]).await;
    assert_eq!(status, 201, "{receipt:#}");
    assert_eq!(
        receipt["acceptedValues"], 1,
        "row {good} is kept: {receipt:#}"
    );
    let mut got = codes_and_cells(&receipt, "rejectedValues");
    got.sort();
    let mut want = vec![
        ("NOT_A_NUMBER".to_owned(), cell(&book, ca, "value")),
        ("UNKNOWN_KPI".to_owned(), cell(&book, unknown_kpi, "kpi")),
        (
            "UNKNOWN_COMMON_SERVICE".to_owned(),
            cell(&book, unknown_service, "commonService"),
        ),
    ];
    want.sort();
    assert_eq!(got, want, "{receipt:#}");
    for problem in problems(&receipt, "rejectedValues") {
        assert!(
            problem["pointer"].as_str().is_some(),
            "every problem keeps its pointer: {problem}"
        );
    }
}

#[tokio::test]
async fn a_workbook_for_another_country_is_rejected_with_the_report_cell() {
    let (hub, token) = hub_with_col_bos().await;
    let mut book = col_template(&hub, &token, "en").await;
    let ca = book.find(
        "Values",
        &[("kpi", "CA"), ("commonService", "COL-PROC-TRAVEL")],
    );
    book.set("Values", ca, "value", Data::Float(5.0));
    book.set_field("country", Data::String("XXX".into()));
    let (status, receipt) = submit_workbook(&hub, &hub.admin_token, book.write(), "", &[]).await;
    assert_eq!(status, 422, "{receipt:#}");
    assert_eq!(receipt["status"], "REJECTED");
    let row = book
        .rows("Report")
        .iter()
        .position(|r| matches!(r.first(), Some(Data::String(s)) if s == "country"))
        .unwrap();
    let report_cell = hub_domain::workbook::cell_ref("Report", u32::try_from(row).unwrap(), 1);
    assert!(
        problems(&receipt, "errors")
            .iter()
            .any(|p| p["pointer"] == "/country" && p["cell"] == report_cell.as_str()),
        "{receipt:#}"
    );
    // A COUNTRY token of COL may not send another country's workbook at all.
    book.set_field("country", Data::String("PER".into()));
    let (status, _) = submit_workbook(&hub, &token, book.write(), "", &[]).await;
    assert_eq!(status, 403);
}

/// An archive of `entries` (name, bytes), deflated.
fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write;
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    for (name, bytes) in entries {
        out.start_file(*name, options).unwrap();
        out.write_all(bytes).unwrap();
    }
    out.finish().unwrap().into_inner()
}

#[tokio::test]
async fn what_is_not_a_plain_xlsx_workbook_is_refused_with_a_stable_code() {
    let hub = TestHub::start().await;
    let token = hub.token("COUNTRY", &["--country", "COL"]).await;
    let bomb_part = vec![b' '; 80 * 1024 * 1024];
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            ".xls",
            [
                &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1][..],
                &[0; 512],
            ]
            .concat(),
            "WORKBOOK_NOT_XLSX",
        ),
        (
            ".ods",
            zip_of(&[
                (
                    "mimetype",
                    b"application/vnd.oasis.opendocument.spreadsheet",
                ),
                ("content.xml", b"<office:document-content/>"),
            ]),
            "WORKBOOK_NOT_XLSX",
        ),
        ("CSV", b"kpi,value\nCA,100\n".to_vec(), "WORKBOOK_NOT_XLSX"),
        (
            "macros",
            zip_of(&[
                ("[Content_Types].xml", b"<Types/>"),
                ("xl/workbook.xml", b"<workbook/>"),
                ("xl/vbaProject.bin", b"\0\0"),
            ]),
            "WORKBOOK_MACROS",
        ),
        (
            "external links",
            zip_of(&[
                ("[Content_Types].xml", b"<Types/>"),
                ("xl/workbook.xml", b"<workbook/>"),
                ("xl/externalLinks/externalLink1.xml", b"<externalLink/>"),
            ]),
            "WORKBOOK_EXTERNAL_LINKS",
        ),
        (
            "zip bomb",
            zip_of(&[
                ("[Content_Types].xml", b"<Types/>"),
                ("xl/workbook.xml", b"<workbook/>"),
                ("xl/worksheets/sheet1.xml", &bomb_part),
            ]),
            "WORKBOOK_TOO_LARGE",
        ),
    ];
    drop(bomb_part);
    for (name, bytes, code) in cases {
        let (status, receipt) = submit_workbook(&hub, &token, bytes, "", &[]).await;
        assert_eq!(status, 422, "{name}: {receipt:#}");
        assert_eq!(receipt["status"], "REJECTED", "{name}");
        assert_eq!(receipt["errors"][0]["code"], code, "{name}: {receipt:#}");
        assert!(
            receipt["errors"][0]["message"].as_str().unwrap().len() > 20,
            "{name}: a message a user can act on"
        );
    }
    assert_eq!(
        hub.count("SELECT COUNT(*) AS n FROM submission").await,
        0,
        "nothing of a refused workbook is stored"
    );
}

#[tokio::test]
async fn a_workbook_above_the_body_limit_is_refused_413() {
    let hub = TestHub::start().await;
    let token = hub.token("COUNTRY", &["--country", "COL"]).await;
    // A real workbook of 6 MiB: cells of text that does not compress.
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    for row in 0..800u32 {
        let mut text = String::with_capacity(16 * 1024);
        while text.len() < 16 * 1024 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            text.push_str(&format!("{state:016x}"));
        }
        sheet.write_string(row, 0, &text).unwrap();
    }
    let bytes = workbook.save_to_buffer().unwrap();
    assert!(bytes.len() > 6 * 1024 * 1024, "{} bytes", bytes.len());
    let (status, body) = submit_workbook(&hub, &token, bytes, "", &[]).await;
    assert_eq!(status, 413, "{body:#}");
    assert_eq!(body["error"]["code"], "PAYLOAD_TOO_LARGE");
}

#[tokio::test]
async fn exports_refuse_what_they_cannot_answer_with_a_clear_error() {
    let hub = TestHub::start().await;
    let cases = [
        (
            "/api/v1/exports/values?from=2026-Q2&to=2025-Q1",
            422,
            "from",
        ),
        ("/api/v1/exports/values?format=pdf", 422, "format"),
        (
            "/api/v1/exports/regional?year=2025&format=sdmx-csv",
            422,
            "format",
        ),
        ("/api/v1/exports/values?lang=fr", 422, "lang"),
        ("/api/v1/exports/regional?year=abc", 422, "year"),
        ("/api/v1/exports/values?asOf=yesterday", 422, "asOf"),
        (
            "/api/v1/templates/kpi-report?country=COL&period=2026",
            422,
            "period",
        ),
        (
            "/api/v1/templates/kpi-report?country=ZZZ&period=2026-Q2",
            422,
            "country",
        ),
        ("/api/v1/templates/bos", 422, "country"),
    ];
    for (path, status, field) in cases {
        let (got, _, body) = get(&hub, None, path).await;
        let body: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(got, status, "{path}: {body:#}");
        assert_eq!(body["error"]["code"], "VALIDATION_FAILED", "{path}");
        assert_eq!(body["error"]["field"], field, "{path}: {body:#}");
    }
    // A draft work plan is working material for token holders: to anonymous callers it does
    // not exist.
    let romt = hub.token("ROMT", &["--agency", "UNDP"]).await;
    let draft = hub
        .query_ok(
            Some(&romt),
            r#"mutation { createWorkPlan(input: { year: 2027, title: "Draft", activities: [] }) { id } }"#,
            json!({}),
        )
        .await;
    let id = draft["createWorkPlan"]["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/exports/workplans/{id}");
    assert_eq!(get(&hub, None, &path).await.0, 404);
    assert_eq!(get(&hub, Some(&romt), &path).await.0, 200);
    assert_eq!(
        get(&hub, None, "/api/v1/exports/workplans/99999").await.0,
        404
    );
    assert_eq!(
        get(&hub, None, "/api/v1/exports/workplans/abc").await.0,
        404
    );
}

/// The number in an XLSX cell, or in a CSV/JSON text.
fn number(data: &Data) -> Option<f64> {
    match data {
        Data::Float(f) => Some(*f),
        Data::Int(i) => Some(*i as f64),
        _ => None,
    }
}

fn close(a: f64, b: Decimal) -> bool {
    let b: f64 = b.to_string().parse().unwrap();
    (a - b).abs() < 0.005
}

#[tokio::test]
async fn the_regional_export_equals_the_dashboard_and_anonymous_exports_hold_public_rows_only() {
    let hub = TestHub::start_with(|c| c.seed = hub_app::config::SeedMode::Demo).await;
    let analyst = hub.token("ANALYST", &[]).await;
    let query = "{ dashboard(year: 2025) { costAvoidanceUsd plannedCostAvoidanceUsd byCountry { country costAvoidanceUsd } } }";
    for token in [None, Some(analyst.as_str())] {
        let dashboard = hub.query_ok(token, query, json!({})).await["dashboard"].clone();
        let (status, headers, bytes) = get(
            &hub,
            token,
            "/api/v1/exports/regional?year=2025&format=xlsx&lang=es",
        )
        .await;
        assert_eq!(status, 200);
        assert_eq!(headers["content-type"], XLSX);
        assert_eq!(
            headers["content-disposition"].to_str().unwrap(),
            "attachment; filename=\"romt-regional-2025.xlsx\""
        );
        let book = Book::read(&bytes);
        let names: Vec<&str> = book.sheets.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "Summary",
                "ByKpi",
                "ByCountry",
                "PlannedVsRealized",
                "Completeness",
                "DataQuality",
                "QualityByCountry",
                "Notes"
            ]
        );
        let summary = book.rows("Summary");
        let realized = summary
            .iter()
            .find(|r| text(&r[0]) == "Costos evitados realizados (USD)")
            .and_then(|r| number(&r[1]))
            .unwrap();
        assert!(
            close(
                realized,
                decimal(dashboard["costAvoidanceUsd"].as_str().unwrap())
            ),
            "{realized} vs {dashboard}"
        );
        let planned = summary
            .iter()
            .find(|r| text(&r[0]) == "Costos evitados planificados (USD)")
            .and_then(|r| number(&r[1]))
            .unwrap();
        assert!(close(
            planned,
            decimal(dashboard["plannedCostAvoidanceUsd"].as_str().unwrap())
        ));
        let rows = book.rows("ByCountry");
        for country in dashboard["byCountry"].as_array().unwrap() {
            let row = rows
                .iter()
                .find(|r| text(&r[0]) == country["country"].as_str().unwrap())
                .unwrap();
            match country["costAvoidanceUsd"].as_str() {
                Some(usd) => assert!(close(number(&row[2]).unwrap(), decimal(usd)), "{country}"),
                None => assert_eq!(row[2], Data::Empty, "{country}"),
            }
        }
        // The quality sheet is the data quality report: each country's year row holds its totals.
        let report = hub
            .query_ok(
                token,
                "{ dataQualityReport(year: 2025) { countries { country totals { rejectedValues outliers ruleViolations lateReports missingReports } } } }",
                json!({}),
            )
            .await;
        let rows = book.rows("QualityByCountry");
        let countries = report["dataQualityReport"]["countries"].as_array().unwrap();
        assert!(!countries.is_empty());
        for country in countries {
            let code = country["country"].as_str().unwrap();
            let row = rows
                .iter()
                .find(|r| text(&r[0]) == code && text(&r[1]) == "2025")
                .unwrap_or_else(|| panic!("no 2025 row of {code}"));
            let totals = &country["totals"];
            for (at, field) in [
                "rejectedValues",
                "outliers",
                "ruleViolations",
                "lateReports",
                "missingReports",
            ]
            .into_iter()
            .enumerate()
            {
                assert_eq!(
                    number(&row[3 + at]),
                    totals[field].as_i64().map(|n| n as f64),
                    "{code} {field}"
                );
            }
        }
        let notes = book.rows("Notes");
        assert!(notes.iter().any(|r| text(&r[0]) == "Política cambiaria"));
        assert!(notes.iter().any(|r| text(&r[0]) == "Exportado el"));
    }

    // Values: anonymous sees PUBLIC rows only, the analyst INTERNAL ones too.
    let classes = |csv: Vec<u8>| {
        let mut reader = csv::Reader::from_reader(csv.as_slice());
        let headers = reader.headers().unwrap().clone();
        let at = headers.iter().position(|h| h == "Classification").unwrap();
        reader
            .records()
            .map(|r| r.unwrap()[at].to_owned())
            .collect::<std::collections::BTreeSet<_>>()
    };
    let anonymous = classes(get_ok(&hub, None, "/api/v1/exports/values?from=2025&to=2025").await);
    assert_eq!(anonymous.into_iter().collect::<Vec<_>>(), ["PUBLIC"]);
    let seen = classes(
        get_ok(
            &hub,
            Some(&analyst),
            "/api/v1/exports/values?from=2025&to=2025",
        )
        .await,
    );
    assert!(seen.contains("INTERNAL"), "{seen:?}");
    assert!(!seen.contains("SENSITIVE"), "{seen:?}");
}

#[tokio::test]
async fn the_workplan_export_has_the_un_info_columns_and_the_plans_totals() {
    let hub = TestHub::start_with(|c| c.seed = hub_app::config::SeedMode::Demo).await;
    let plans = hub
        .query_ok(
            None,
            "{ workPlans(year: 2025) { id status version totalRequired totalAvailable activities { code } } }",
            json!({}),
        )
        .await;
    let plan = plans["workPlans"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["status"] == "APPROVED")
        .unwrap()
        .clone();
    let id = plan["id"].as_str().unwrap();
    let bytes = get_ok(
        &hub,
        None,
        &format!("/api/v1/exports/workplans/{id}?format=xlsx"),
    )
    .await;
    let book = Book::read(&bytes);
    let rows = book.rows("Joint Work Plan");
    let header: Vec<String> = rows[0].iter().map(text).collect();
    let mut expected: Vec<String> = [
        "Country",
        "Plan name",
        "Sub-Output code",
        "Sub-Output",
        "ID",
        "Description",
        "Start date",
        "End date",
        "Status",
        "Agency abbreviations",
        "Agencies",
        "Total required resources",
        "Total available resources",
        "Total expenditure resources",
    ]
    .map(str::to_owned)
    .to_vec();
    for what in ["Required", "Available", "Expenditure"] {
        expected.push(format!("2025 {what}"));
    }
    let years: Vec<&String> = header[14..header.len() - 2].iter().collect();
    assert!(
        years.iter().all(|h| h.starts_with("20")),
        "yearly columns follow the totals: {header:?}"
    );
    assert_eq!(header[..17], expected[..], "{header:?}");
    assert_eq!(header[header.len() - 2..], ["Plan status", "Plan version"]);
    let data = &rows[1..];
    assert_eq!(data.len(), plan["activities"].as_array().unwrap().len());
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let sum = |col: usize| data.iter().filter_map(|r| number(&r[col])).sum::<f64>();
    assert!(close(
        sum(column("Total required resources")),
        decimal(plan["totalRequired"].as_str().unwrap())
    ));
    assert!(close(
        sum(column("Total available resources")),
        decimal(plan["totalAvailable"].as_str().unwrap())
    ));
    let yearly: f64 = header
        .iter()
        .enumerate()
        .filter(|(_, h)| h.ends_with(" Required"))
        .map(|(i, _)| sum(i))
        .sum();
    assert!(close(
        yearly,
        decimal(plan["totalRequired"].as_str().unwrap())
    ));
    for row in data {
        assert_eq!(
            text(&row[column("Sub-Output code")]),
            text(&row[column("ID")])
        );
        assert_eq!(text(&row[column("Plan status")]), "APPROVED");
        assert!(
            matches!(row[column("Start date")], Data::DateTime(_)),
            "dates are dates"
        );
    }
    // CSV and JSON hold the same rows.
    let csv = get_ok(
        &hub,
        None,
        &format!("/api/v1/exports/workplans/{id}?format=csv"),
    )
    .await;
    assert_eq!(
        csv::Reader::from_reader(csv.as_slice()).records().count(),
        data.len()
    );
    let json: Value = serde_json::from_slice(
        &get_ok(
            &hub,
            None,
            &format!("/api/v1/exports/workplans/{id}?format=json"),
        )
        .await,
    )
    .unwrap();
    assert_eq!(json.as_array().unwrap().len(), data.len());
}

#[tokio::test]
async fn values_export_in_sdmx_csv_follows_the_dataflow_structure() {
    let (hub, token) = hub_with_col_bos().await;
    hub.submit_ok(&crate::support::docs::kpi_report("2026-Q1", 1))
        .await;
    let body = get_ok(
        &hub,
        Some(&token),
        "/api/v1/exports/values?format=sdmx-csv&country=COL&kpi=CA",
    )
    .await;
    let mut reader = csv::Reader::from_reader(body.as_slice());
    let headers: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        headers,
        [
            "STRUCTURE",
            "STRUCTURE_ID",
            "ACTION",
            "REF_AREA",
            "TIME_PERIOD",
            "KPI",
            "SERVICE_LINE",
            "COMMON_SERVICE",
            "OBS_VALUE",
            "UNIT_MEASURE",
            "OBS_STATUS",
            "CONF_STATUS"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1);
    assert_eq!(&rows[0][0], "dataflow");
    assert_eq!(&rows[0][1], "ROMT:KPI_VALUES(1.0)");
    assert_eq!(&rows[0][2], "I");
    assert_eq!(&rows[0][3], "COL");
    assert_eq!(&rows[0][4], "2026-Q1");
    assert_eq!(&rows[0][9], "USD");
}

#[tokio::test]
async fn graphql_gives_the_download_links_and_the_workbook_lineage() {
    let (hub, token) = hub_with_col_bos().await;
    let data = hub
        .query_ok(
            None,
            r#"{
                regional: exportUrl(kind: REGIONAL, format: XLSX, lang: ES, filters: { year: 2025 })
                values: exportUrl(kind: VALUES, format: SDMX_CSV, filters: { from: "2025-Q1", kpi: "CA,PROC.LEADTIME" })
                plan: exportUrl(kind: WORK_PLAN, filters: { workPlanId: "7" })
                template: templateUrl(kind: KPI_REPORT, country: "col", period: "2026-Q2", lang: ES)
                kpis { code name nameEs }
            }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        data["regional"],
        "/api/v1/exports/regional?format=xlsx&year=2025&lang=es"
    );
    assert_eq!(
        data["values"],
        "/api/v1/exports/values?format=sdmx-csv&from=2025-Q1&kpi=CA%2CPROC.LEADTIME"
    );
    assert_eq!(data["plan"], "/api/v1/exports/workplans/7");
    assert_eq!(
        data["template"],
        "/api/v1/templates/kpi-report?country=COL&period=2026-Q2&lang=es"
    );
    let ca = data["kpis"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["code"] == "CA")
        .unwrap();
    assert_eq!(ca["nameEs"], "Costos evitados realizados");
    // The links work as given.
    let (status, _, _) = get(&hub, Some(&token), data["template"].as_str().unwrap()).await;
    assert_eq!(status, 200);
    let refused = hub
        .graphql(
            None,
            "{ exportUrl(kind: REGIONAL, format: SDMX_CSV) }",
            json!({}),
        )
        .await;
    assert_eq!(
        crate::support::hub::error_code(&refused),
        "VALIDATION_FAILED"
    );

    // A submission made from a workbook names it, and its problems name their cells.
    let mut book = col_template(&hub, &token, "en").await;
    let pct = book.find("Values", &[("kpi", "ADMIN.CP.PCT")]);
    book.set("Values", pct, "value", Data::Float(130.0));
    let ca_row = book.find(
        "Values",
        &[("kpi", "CA"), ("commonService", "COL-PROC-TRAVEL")],
    );
    book.set("Values", ca_row, "value", Data::Float(1000.0));
    let (status, receipt) =
        submit_workbook(&hub, &token, book.write(), "?filename=informe.xlsx", &[]).await;
    assert_eq!(status, 201, "{receipt:#}");
    let data = hub
        .query_ok(
            Some(&token),
            "query($id: ID!) { submission(id: $id) { workbook { name sha256 } } }",
            json!({ "id": receipt["id"] }),
        )
        .await;
    assert_eq!(data["submission"]["workbook"]["name"], "informe.xlsx");
    assert_eq!(
        data["submission"]["workbook"]["sha256"]
            .as_str()
            .unwrap()
            .len(),
        64
    );
}

#[tokio::test]
async fn the_cli_writes_templates_submits_workbooks_and_downloads_exports() {
    let (hub, token) = hub_with_col_bos().await;
    let dir = tempfile::tempdir().unwrap();
    let template = dir.path().join("COL-2026-Q2.xlsx");
    let out = hub
        .cli(&[
            "template",
            "kpi-report",
            "--country",
            "COL",
            "--period",
            "2026-Q2",
            "--lang",
            "es",
            "--out",
            template.to_str().unwrap(),
        ])
        .await;
    assert!(
        out.status.success(),
        "{}",
        crate::support::hub::stderr(&out)
    );
    let mut book = Book::read(&std::fs::read(&template).unwrap());
    book.find("Services", &[("id", "COL-PROC-TRAVEL")]);
    let pct = book.find("Values", &[("kpi", "ADMIN.CP.PCT")]);
    book.set("Values", pct, "value", Data::String("120 %".into()));
    let ca = book.find(
        "Values",
        &[("kpi", "CA"), ("commonService", "COL-PROC-TRAVEL")],
    );
    book.set("Values", ca, "value", Data::String("2.500.000".into()));
    book.set_field("preparedBy.agency", Data::String("UNDP".into()));
    std::fs::write(&template, book.write()).unwrap();

    let out = hub
        .cli(&[
            "submit",
            template.to_str().unwrap(),
            "--hub",
            &hub.url,
            "--token",
            &token,
            "--allow-warnings",
        ])
        .await;
    let printed = crate::support::hub::stdout(&out);
    assert!(
        out.status.success(),
        "{printed}{}",
        crate::support::hub::stderr(&out)
    );
    assert!(printed.contains("ACCEPTED_WITH_WARNINGS"), "{printed}");
    assert!(
        printed.contains(&format!("{} (/values/", cell(&book, pct, "value")))
            && printed.contains("PERCENT_OUT_OF_RANGE"),
        "the receipt names the cell: {printed}"
    );

    let csv_path = dir.path().join("values.csv");
    let out = hub
        .cli(&[
            "export",
            "values",
            "--country",
            "COL",
            "--lang",
            "es",
            "--out",
            csv_path.to_str().unwrap(),
            "--hub",
            &hub.url,
            "--token",
            &token,
        ])
        .await;
    assert!(
        out.status.success(),
        "{}",
        crate::support::hub::stderr(&out)
    );
    let csv = std::fs::read(&csv_path).unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_slice());
    assert_eq!(&reader.headers().unwrap()[0], "País");
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1, "the CA value of 2026-Q2");
    assert_eq!(&rows[0][7], "2500000");

    // A mistake in the arguments is exit code 2 with the hub's message.
    let out = hub
        .cli(&["export", "values", "--format", "pdf", "--hub", &hub.url])
        .await;
    assert_eq!(out.status.code(), Some(2));
    assert!(crate::support::hub::stderr(&out).contains("format"));
    let out = hub.cli(&["export", "workplan", "--hub", &hub.url]).await;
    assert_eq!(out.status.code(), Some(2));
}
