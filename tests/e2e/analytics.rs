//! Regional analytics against a hand-computed fixture: every figure below is worked out in the
//! comments from the documents the fixture submits.

use serde_json::{Value, json};

use crate::support::TestHub;
use crate::support::hub::error_code;

/// A kpi-report for the fixture.
fn report(
    country: &str,
    currency: &str,
    period: &str,
    revision: i64,
    services: &[(&str, &str)],
    values: Value,
) -> Value {
    let services: Vec<Value> = services
        .iter()
        .map(|(id, line)| json!({ "id": id, "name": format!("Service {id}"), "serviceLine": line,
                                   "leadAgency": "UNDP", "clientAgencies": ["UNICEF"], "status": "ACTIVE" }))
        .collect();
    json!({ "documentType": "kpi-report", "schemaVersion": "1.0", "country": country, "period": period,
            "revision": revision, "currency": currency, "commonServices": services, "values": values })
}

fn bos(country: &str, service: (&str, &str), planned_2025: i64) -> Value {
    json!({ "documentType": "bos", "schemaVersion": "1.0", "country": country, "revision": 1,
            "cycle": { "start": 2023, "end": 2027 }, "status": "SIGNED", "signedOn": "2023-03-01",
            "currency": "USD",
            "commonServices": [{ "id": service.0, "name": "Service", "serviceLine": service.1,
                "leadAgency": "UNDP", "clientAgencies": ["WFP"],
                "modality": "IN_HOUSE", "stockTakeAction": "CONTINUE",
                "cba": { "oneTimeCost": { "monetary": 0, "labour": 0 },
                         "annualCost": { "monetary": 1000, "labour": 0 },
                         "annualBenefit": { "monetary": 5000, "labour": 0 } },
                "plannedCostAvoidance": [{ "year": 2025, "amount": planned_2025 }],
                "kpis": [] }] })
}

/// The fixture. Returns a time after every document but COL 2025-Q2 revision 2.
async fn fixture(hub: &TestHub) -> String {
    // Rates: COP is 4000 per USD in the fixture's months; PEN has no rate anywhere near 2025-Q1.
    hub.query_ok(
        Some(&hub.admin_token),
        r#"mutation { upsertExchangeRates(rates: [
            { currency: "COP", month: "2025-03", rate: "4000" },
            { currency: "COP", month: "2025-06", rate: "4000" } ]) }"#,
        json!({}),
    )
    .await;
    hub.sql("DELETE FROM exchange_rate WHERE currency = 'PEN' AND month >= '2024-07' AND month <= '2025-12'").await;

    let submit = |doc: Value| async move { hub.submit_ok(&doc).await };
    // COL, in COP. Q1: CA 40,000,000 COP = 10,000 USD; ADMIN.CP.PCT 60 (weight 100); HR 40 days.
    submit(report(
        "COL",
        "COP",
        "2025-Q1",
        1,
        &[("COL-P", "PROCUREMENT")],
        json!([
            { "kpi": "CA", "commonService": "COL-P", "value": 40000000 },
            { "kpi": "ADMIN.CP.PCT", "value": 60, "denominator": 100 },
            { "kpi": "HR.RECRUIT.DAYS", "value": 40 }
        ]),
    ))
    .await;
    // Q2 revision 1: CA 80,000,000 COP = 20,000 USD; ADMIN.CP.PCT 80 (weight 300); HR 50 days.
    submit(report(
        "COL",
        "COP",
        "2025-Q2",
        1,
        &[("COL-P", "PROCUREMENT")],
        json!([
            { "kpi": "CA", "commonService": "COL-P", "value": 80000000 },
            { "kpi": "ADMIN.CP.PCT", "value": 80, "denominator": 300 },
            { "kpi": "HR.RECRUIT.DAYS", "value": 50 }
        ]),
    ))
    .await;
    // ECU, in USD. Q1: CA 5,000 (A, procurement) + 7,000 (B, ICT) = 12,000 within the country;
    // ADMIN.CP.PCT 50 (weight 200); HR 30; lead time 12 against baseline 20 and target 10.
    submit(report("ECU", "USD", "2025-Q1", 1, &[("ECU-A", "PROCUREMENT"), ("ECU-B", "ICT")], json!([
        { "kpi": "CA", "commonService": "ECU-A", "value": 5000 },
        { "kpi": "CA", "commonService": "ECU-B", "value": 7000 },
        { "kpi": "ADMIN.CP.PCT", "value": 50, "denominator": 200 },
        { "kpi": "HR.RECRUIT.DAYS", "value": 30 },
        { "kpi": "PROC.LEADTIME", "commonService": "ECU-A", "value": 12, "baseline": 20, "target": 10 }
    ]))).await;
    // Q2: CA 3,000 (A); ADMIN.CP.PCT 70 (weight 100). No Q3 or Q4: LAST is Q2.
    submit(report(
        "ECU",
        "USD",
        "2025-Q2",
        1,
        &[("ECU-A", "PROCUREMENT"), ("ECU-B", "ICT")],
        json!([
            { "kpi": "CA", "commonService": "ECU-A", "value": 3000 },
            { "kpi": "ADMIN.CP.PCT", "value": 70, "denominator": 100 }
        ]),
    ))
    .await;
    // SLV: ADMIN.CP.PCT 90 without a denominator (left out: MISSING_WEIGHT); HR 60.
    submit(report(
        "SLV",
        "USD",
        "2025-Q2",
        1,
        &[],
        json!([
            { "kpi": "ADMIN.CP.PCT", "value": 90 },
            { "kpi": "HR.RECRUIT.DAYS", "value": 60 }
        ]),
    ))
    .await;
    // PAN: CA 9,000 marked SENSITIVE (hidden from anonymous callers); HR 20.
    submit(report(
        "PAN",
        "USD",
        "2025-Q1",
        1,
        &[("PAN-S", "ADMINISTRATION")],
        json!([
            { "kpi": "CA", "commonService": "PAN-S", "value": 9000, "classification": "SENSITIVE" },
            { "kpi": "HR.RECRUIT.DAYS", "value": 20 }
        ]),
    ))
    .await;
    // PER: CA 100,000 PEN with no rate: stored, flagged NO_RATE, out of USD figures.
    submit(report(
        "PER",
        "PEN",
        "2025-Q1",
        1,
        &[("PER-S", "LOGISTICS")],
        json!([
            { "kpi": "CA", "commonService": "PER-S", "value": 100000 }
        ]),
    ))
    .await;
    // Plans for 2025: COL 60,000 USD (procurement), ECU 40,000 USD (procurement).
    submit(bos("COL", ("COL-P", "PROCUREMENT"), 60000)).await;
    let last = submit(bos("ECU", ("ECU-A", "PROCUREMENT"), 40000)).await;
    let between = last["receivedAt"].as_str().unwrap().to_owned();
    // Last of all, COL 2025-Q2 revision 2 corrects CA to 120,000,000 COP = 30,000 USD.
    submit(report(
        "COL",
        "COP",
        "2025-Q2",
        2,
        &[("COL-P", "PROCUREMENT")],
        json!([
            { "kpi": "CA", "commonService": "COL-P", "value": 120000000 },
            { "kpi": "ADMIN.CP.PCT", "value": 80, "denominator": 300 },
            { "kpi": "HR.RECRUIT.DAYS", "value": 50 }
        ]),
    ))
    .await;
    between
}

const REGIONAL: &str = "query($kpi: String!, $period: String!, $asOf: DateTime, $line: ServiceLine) {
    regionalKpi(kpi: $kpi, period: $period, asOf: $asOf, serviceLine: $line) {
        kpi period unit aggregation value weight reportingCountries expectedCountries completeness flags
        dataQuality { flag count }
        byCountry { country value reportedValue currency fxRate fxMonth weight baseline target progress rating
                    revision submissionId source { kind } flags values { period value reportedValue } } } }";

fn country<'a>(figure: &'a Value, code: &str) -> &'a Value {
    figure["byCountry"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["country"] == code)
        .unwrap()
}

fn quality(figure: &Value, flag: &str) -> i64 {
    figure["dataQuality"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["flag"] == flag)
        .map_or(0, |f| f["count"].as_i64().unwrap())
}

#[tokio::test]
async fn regional_figures_match_the_hand_computed_fixture() {
    let hub = TestHub::start().await;
    let between = fixture(&hub).await;
    let admin = Some(hub.admin_token.as_str());

    // CA 2025, SUM across countries and quarters, for a caller who sees everything:
    // COL 10,000 + 30,000 = 40,000; ECU 12,000 + 3,000 = 15,000; PAN 9,000; PER has no rate.
    // 40,000 + 15,000 + 9,000 = 64,000 from 3 of 26 countries.
    let data = hub
        .query_ok(admin, REGIONAL, json!({ "kpi": "CA", "period": "2025" }))
        .await;
    let ca = &data["regionalKpi"];
    assert_eq!(ca["value"], "64000");
    assert_eq!(ca["unit"], "USD");
    assert_eq!(ca["aggregation"], "SUM");
    assert_eq!(ca["reportingCountries"], 3);
    assert_eq!(ca["expectedCountries"], 26);
    // 3 / 26 = 0.115384615... → 0.115385
    assert_eq!(ca["completeness"], "0.115385");
    assert_eq!(country(ca, "COL")["value"], "40000");
    assert_eq!(country(ca, "COL")["revision"], 2);
    assert_eq!(country(ca, "ECU")["value"], "15000");
    // The NO_RATE value is left out of the USD figure and counted.
    assert!(country(ca, "PER")["value"].is_null());
    assert!(
        country(ca, "PER")["flags"]
            .as_array()
            .unwrap()
            .contains(&json!("NO_RATE"))
    );
    assert_eq!(country(ca, "PER")["values"][0]["reportedValue"], "100000");
    assert_eq!(quality(ca, "NO_RATE"), 1);
    // A country without data is null with NO_DATA, never 0.
    assert!(country(ca, "BRA")["value"].is_null());
    assert!(
        country(ca, "BRA")["flags"]
            .as_array()
            .unwrap()
            .contains(&json!("NO_DATA"))
    );

    // The quarter drill-down carries the lineage: COL 2025-Q2 is 120,000,000 COP at 4000 (2025-06).
    let data = hub
        .query_ok(admin, REGIONAL, json!({ "kpi": "CA", "period": "2025-Q2" }))
        .await;
    let col = country(&data["regionalKpi"], "COL");
    assert_eq!(col["value"], "30000");
    assert_eq!(col["reportedValue"], "120000000");
    assert_eq!(col["currency"], "COP");
    assert_eq!(col["fxRate"], "4000");
    assert_eq!(col["fxMonth"], "2025-06");
    assert_eq!(col["source"]["kind"], "PUSH");
    // 2025-Q2: COL 30,000 + ECU 3,000 = 33,000.
    assert_eq!(data["regionalKpi"]["value"], "33000");

    // As of before revision 2: COL Q2 was 20,000, so 10,000 + 20,000 + 15,000 + 9,000 = 54,000.
    let data = hub
        .query_ok(
            admin,
            REGIONAL,
            json!({ "kpi": "CA", "period": "2025", "asOf": between }),
        )
        .await;
    assert_eq!(data["regionalKpi"]["value"], "54000");
    assert_eq!(country(&data["regionalKpi"], "COL")["revision"], 1);

    // An anonymous caller does not see PAN's SENSITIVE value, and no total includes it:
    // 40,000 + 15,000 = 55,000 from 2 countries.
    let data = hub
        .query_ok(None, REGIONAL, json!({ "kpi": "CA", "period": "2025" }))
        .await;
    assert_eq!(data["regionalKpi"]["value"], "55000");
    assert_eq!(data["regionalKpi"]["reportingCountries"], 2);
    assert!(country(&data["regionalKpi"], "PAN")["value"].is_null());
    assert!(
        country(&data["regionalKpi"], "PAN")["values"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    // Service line filter: procurement CA is COL 40,000 + ECU-A (5,000 + 3,000) = 48,000.
    let data = hub
        .query_ok(
            admin,
            REGIONAL,
            json!({ "kpi": "CA", "period": "2025", "line": "PROCUREMENT" }),
        )
        .await;
    assert_eq!(data["regionalKpi"]["value"], "48000");

    // ADMIN.CP.PCT 2025, WEIGHTED_MEAN across countries, LAST across quarters:
    // COL LAST = Q2 80 (weight 300); ECU has no Q3/Q4, LAST = Q2 70 (weight 100);
    // SLV 90 has no denominator and is left out (MISSING_WEIGHT).
    // (80·300 + 70·100) / (300 + 100) = 31,000 / 400 = 77.5, weight 400.
    let data = hub
        .query_ok(
            admin,
            REGIONAL,
            json!({ "kpi": "ADMIN.CP.PCT", "period": "2025" }),
        )
        .await;
    let cp = &data["regionalKpi"];
    assert_eq!(cp["value"], "77.5");
    assert_eq!(cp["weight"], "400");
    assert_eq!(cp["aggregation"], "WEIGHTED_MEAN");
    assert_eq!(country(cp, "ECU")["value"], "70");
    assert_eq!(country(cp, "ECU")["weight"], "100");
    assert!(country(cp, "SLV")["value"].is_null());
    assert!(
        country(cp, "SLV")["flags"]
            .as_array()
            .unwrap()
            .contains(&json!("MISSING_WEIGHT"))
    );
    assert_eq!(quality(cp, "MISSING_WEIGHT"), 1);

    // HR.RECRUIT.DAYS 2025, MEDIAN across countries, MEAN across quarters:
    // COL (40 + 50) / 2 = 45; ECU 30; SLV 60; PAN 20 (public).
    // Sorted 20, 30, 45, 60: an even count, so the middle pair is averaged: (30 + 45) / 2 = 37.5.
    let data = hub
        .query_ok(
            None,
            REGIONAL,
            json!({ "kpi": "HR.RECRUIT.DAYS", "period": "2025" }),
        )
        .await;
    assert_eq!(data["regionalKpi"]["value"], "37.5");
    assert_eq!(country(&data["regionalKpi"], "COL")["value"], "45");
    assert_eq!(data["regionalKpi"]["reportingCountries"], 4);

    // PROC.LEADTIME 2025-Q1 for ECU: 12 against baseline 20 and target 10:
    // (12 − 20) / (10 − 20) = 0.8 → PROGRESS.
    let data = hub
        .query_ok(
            None,
            REGIONAL,
            json!({ "kpi": "PROC.LEADTIME", "period": "2025-Q1" }),
        )
        .await;
    let ecu = country(&data["regionalKpi"], "ECU");
    assert_eq!(ecu["progress"], "0.8");
    assert_eq!(ecu["rating"], "PROGRESS");
    assert_eq!(country(&data["regionalKpi"], "COL")["rating"], "NO_DATA");

    // No data at all: null and NO_DATA.
    let data = hub
        .query_ok(
            None,
            REGIONAL,
            json!({ "kpi": "LOG.FUEL.LITRES", "period": "2025" }),
        )
        .await;
    assert!(data["regionalKpi"]["value"].is_null());
    assert_eq!(data["regionalKpi"]["flags"], json!(["NO_DATA"]));
    assert_eq!(data["regionalKpi"]["reportingCountries"], 0);
}

const DASHBOARD: &str = "query($year: Int!, $quarter: Int, $line: ServiceLine, $asOf: DateTime) {
    dashboard(year: $year, quarter: $quarter, serviceLine: $line, asOf: $asOf) {
        costAvoidanceUsd plannedCostAvoidanceUsd realizationRate commonServicesActive completeness
        reportingCountries
        byServiceLine { serviceLine costAvoidanceUsd plannedCostAvoidanceUsd commonServices }
        byCountry { country costAvoidanceUsd plannedCostAvoidanceUsd reported onTime stale
                    ratings { met progress noProgress noData } }
        dataQuality { flag count } } }";

fn line<'a>(dashboard: &'a Value, service_line: &str) -> &'a Value {
    dashboard["byServiceLine"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["serviceLine"] == service_line)
        .unwrap()
}

#[tokio::test]
async fn the_dashboard_matches_the_hand_computed_fixture() {
    let hub = TestHub::start().await;
    fixture(&hub).await;
    let data = hub
        .query_ok(Some(&hub.admin_token), DASHBOARD, json!({ "year": 2025 }))
        .await;
    let d = &data["dashboard"];
    // Realized 64,000 (see the regional CA figure); planned COL 60,000 + ECU 40,000 = 100,000.
    assert_eq!(d["costAvoidanceUsd"], "64000");
    assert_eq!(d["plannedCostAvoidanceUsd"], "100000");
    assert_eq!(d["realizationRate"], "0.64");
    // By line: procurement 48,000 of 100,000 planned; ICT 7,000; administration 9,000 (PAN).
    assert_eq!(line(d, "PROCUREMENT")["costAvoidanceUsd"], "48000");
    assert_eq!(line(d, "PROCUREMENT")["plannedCostAvoidanceUsd"], "100000");
    assert_eq!(line(d, "ICT")["costAvoidanceUsd"], "7000");
    assert_eq!(line(d, "ADMINISTRATION")["costAvoidanceUsd"], "9000");
    assert!(line(d, "FINANCE")["costAvoidanceUsd"].is_null());
    // Active services of each country's latest 2025 report: COL 1, ECU 2, PAN 1, PER 1.
    assert_eq!(d["commonServicesActive"], 5);
    // 2025 is over: 26 × 4 = 104 country-quarters due; reported COL 2, ECU 2, SLV 1, PAN 1,
    // PER 1 = 7 → 7 / 104 = 0.0673076... → 0.067308. All arrived in 2026: all late.
    assert_eq!(d["completeness"], "0.067308");
    assert_eq!(d["reportingCountries"], 5);
    let col = d["byCountry"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["country"] == "COL")
        .unwrap();
    assert_eq!(col["costAvoidanceUsd"], "40000");
    assert_eq!(col["plannedCostAvoidanceUsd"], "60000");
    assert_eq!(col["reported"], true);
    assert_eq!(col["onTime"], false);
    let ecu = d["byCountry"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["country"] == "ECU")
        .unwrap();
    // ECU's lead time (baseline and target in its report): 12 against 20 → 10 is PROGRESS.
    assert_eq!(
        ecu["ratings"],
        json!({ "met": 0, "progress": 1, "noProgress": 0, "noData": 0 })
    );
    let quality = |flag: &str| {
        d["dataQuality"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["flag"] == flag)
            .map(|f| f["count"].clone())
    };
    assert_eq!(quality("NO_RATE"), Some(json!(1)));
    assert_eq!(quality("MISSING_WEIGHT"), Some(json!(1)));
    assert_eq!(quality("LATE_REPORT"), Some(json!(7)));
    assert_eq!(quality("MISSING_REPORT"), Some(json!(104 - 7)));

    // A quarter: 2025-Q1 realized COL 10,000 + ECU 12,000 + PAN 9,000 = 31,000; planned is a
    // quarter of the year's: 25,000 → 1.24.
    let data = hub
        .query_ok(
            Some(&hub.admin_token),
            DASHBOARD,
            json!({ "year": 2025, "quarter": 1 }),
        )
        .await;
    assert_eq!(data["dashboard"]["costAvoidanceUsd"], "31000");
    assert_eq!(data["dashboard"]["plannedCostAvoidanceUsd"], "25000");
    assert_eq!(data["dashboard"]["realizationRate"], "1.24");

    // An anonymous caller's totals leave PAN's SENSITIVE 9,000 out.
    let data = hub.query_ok(None, DASHBOARD, json!({ "year": 2025 })).await;
    assert_eq!(data["dashboard"]["costAvoidanceUsd"], "55000");
    assert!(line(&data["dashboard"], "ADMINISTRATION")["costAvoidanceUsd"].is_null());

    // Service line filter.
    let data = hub
        .query_ok(None, DASHBOARD, json!({ "year": 2025, "line": "ICT" }))
        .await;
    assert_eq!(data["dashboard"]["costAvoidanceUsd"], "7000");
    assert!(data["dashboard"]["plannedCostAvoidanceUsd"].is_null());
}

#[tokio::test]
async fn figures_of_an_older_data_version_are_evicted_once_a_newer_one_is_asked_for() {
    let hub = TestHub::start().await;
    fixture(&hub).await;
    let admin = Some(hub.admin_token.as_str());
    for year in [2024, 2025] {
        hub.query_ok(admin, DASHBOARD, json!({ "year": year }))
            .await;
        hub.query_ok(None, DASHBOARD, json!({ "year": year })).await;
    }
    let (_, _, entries) = hub.app.cache_stats().await;
    assert_eq!(entries, 4, "two years for two clearances");
    // A new revision advances the data version; the next question evicts the four.
    hub.submit_ok(&report(
        "ECU",
        "USD",
        "2025-Q2",
        2,
        &[("ECU-A", "PROCUREMENT")],
        json!([{ "kpi": "CA", "commonService": "ECU-A", "value": 8000 }]),
    ))
    .await;
    hub.query_ok(admin, DASHBOARD, json!({ "year": 2025 }))
        .await;
    let (_, _, entries) = hub.app.cache_stats().await;
    assert_eq!(
        entries, 1,
        "only the figure of the current data version is kept"
    );
}

#[tokio::test]
async fn a_new_revision_shows_in_the_next_dashboard_call() {
    let hub = TestHub::start().await;
    fixture(&hub).await;
    let admin = Some(hub.admin_token.as_str());
    let before = hub
        .query_ok(admin, DASHBOARD, json!({ "year": 2025 }))
        .await;
    assert_eq!(before["dashboard"]["costAvoidanceUsd"], "64000");
    // The same question the second time is answered as kept, without computing anything.
    hub.query_ok(admin, DASHBOARD, json!({ "year": 2025 }))
        .await;
    let metrics = hub
        .http
        .get(format!("{}/metrics", hub.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(metrics.contains("hub_answer_hits_total 1"), "{metrics}");
    assert!(metrics.contains("hub_cache_hits_total 0"), "{metrics}");
    // ECU revision 2 of 2025-Q2 raises its CA from 3,000 to 8,000.
    hub.submit_ok(&report(
        "ECU",
        "USD",
        "2025-Q2",
        2,
        &[("ECU-A", "PROCUREMENT")],
        json!([
            { "kpi": "CA", "commonService": "ECU-A", "value": 8000 }
        ]),
    ))
    .await;
    let after = hub
        .query_ok(admin, DASHBOARD, json!({ "year": 2025 }))
        .await;
    assert_eq!(after["dashboard"]["costAvoidanceUsd"], "69000");
    // Loading the missing PEN rate (4 per USD) converts PER's waiting 100,000 PEN to 25,000 USD,
    // and the next call shows it: 69,000 + 25,000 = 94,000.
    load_rate(&hub, "PEN", "2025-03", "4").await;
    let after_rate = hub
        .query_ok(admin, DASHBOARD, json!({ "year": 2025 }))
        .await;
    assert_eq!(after_rate["dashboard"]["costAvoidanceUsd"], "94000");
}

/// Loads one month's rate of a currency through the API, as ADMIN.
async fn load_rate(hub: &TestHub, currency: &str, month: &str, rate: &str) {
    hub.query_ok(
        Some(&hub.admin_token),
        "mutation($rates: [ExchangeRateInput!]!) { upsertExchangeRates(rates: $rates) }",
        json!({ "rates": [{ "currency": currency, "month": month, "rate": rate }] }),
    )
    .await;
}

#[tokio::test]
async fn a_plan_without_its_december_rate_counts_once_the_rate_is_loaded() {
    let hub = TestHub::start().await;
    let admin = Some(hub.admin_token.as_str());
    // COP has no rate from 2025-01 on, so December 2025 borrows none within six months.
    hub.sql("DELETE FROM exchange_rate WHERE currency = 'COP' AND month >= '2025-01'")
        .await;
    let mut plan = bos("COL", ("COL-A", "PROCUREMENT"), 4_000_000);
    plan["currency"] = json!("COP");
    hub.submit_ok(&plan).await;
    let before = hub
        .query_ok(admin, DASHBOARD, json!({ "year": 2025 }))
        .await;
    assert_eq!(before["dashboard"]["plannedCostAvoidanceUsd"], Value::Null);
    assert_eq!(quality(&before["dashboard"], "PLANNED_NO_RATE"), 1);
    // The rate loaded after the figures (and ingestion) read the reference data is used at once:
    // 4,000,000 COP at 4,000 per USD.
    load_rate(&hub, "COP", "2025-12", "4000").await;
    let after = hub
        .query_ok(admin, DASHBOARD, json!({ "year": 2025 }))
        .await;
    assert_eq!(after["dashboard"]["plannedCostAvoidanceUsd"], "1000");
    assert_eq!(quality(&after["dashboard"], "PLANNED_NO_RATE"), 0);
}

/// What figures read for the reports `ids`: their packs, or their rows where a pack is missing
/// or of another layout.
async fn figure_values(hub: &TestHub, ids: &[i64]) -> Vec<hub_store::submissions::FigureValue> {
    hub_store::submissions::figure_values_of(&hub.db, ids, None)
        .await
        .unwrap()
}

/// What the value rows of the reports `ids` say.
async fn row_values(hub: &TestHub, ids: &[i64]) -> Vec<hub_store::submissions::FigureValue> {
    hub_store::submissions::figure_values_from_rows(&hub.db, ids, None)
        .await
        .unwrap()
}

/// How many reports hold values (each of them has a pack).
async fn reports_with_values(hub: &TestHub) -> i64 {
    let n = hub
        .count("SELECT COUNT(DISTINCT submission_id) AS n FROM kpi_value")
        .await;
    assert!(n > 0);
    n
}

#[tokio::test]
async fn every_report_s_packed_figure_facts_are_its_value_rows() {
    let hub = TestHub::start().await;
    fixture(&hub).await;
    // A rate loaded later converts PER's waiting 100,000 PEN again: its pack follows its rows.
    load_rate(&hub, "PEN", "2025-03", "4").await;
    let packed_reports = hub.count("SELECT COUNT(*) AS n FROM figure_facts").await;
    assert_eq!(packed_reports, reports_with_values(&hub).await);
    let ids = hub.report_ids().await;
    let packed = figure_values(&hub, &ids).await;
    let rows = row_values(&hub, &ids).await;
    assert_eq!(packed, rows);
    let pen = packed
        .iter()
        .find(|v| &*v.country == "PER" && &*v.kpi == "CA")
        .unwrap();
    assert_eq!(pen.value.map(|v| v.to_string()).as_deref(), Some("25000"));
    // A report without a pack (stored before packs existed) is read from its rows.
    hub.sql("DELETE FROM figure_facts").await;
    assert_eq!(figure_values(&hub, &ids).await, rows);
}

#[tokio::test]
async fn reports_stored_before_figure_facts_existed_are_packed_by_their_migration() {
    let hub = TestHub::start().await;
    fixture(&hub).await;
    let ids = hub.report_ids().await;
    let rows = row_values(&hub, &ids).await;
    // The database as it was before migration m0010.
    hub.sql("DROP TABLE figure_facts").await;
    hub.sql("DELETE FROM seaql_migrations WHERE version LIKE 'm0010%'")
        .await;
    hub_store::db::migrate(&hub.db).await.unwrap();
    assert_eq!(
        hub.count("SELECT COUNT(*) AS n FROM figure_facts").await,
        reports_with_values(&hub).await
    );
    assert_eq!(figure_values(&hub, &ids).await, rows);
}

#[tokio::test]
async fn packs_of_an_older_layout_are_read_from_their_rows_and_packed_again_by_migration_m0012() {
    let hub = TestHub::start().await;
    fixture(&hub).await;
    let ids = hub.report_ids().await;
    let rows = row_values(&hub, &ids).await;
    let dashboard = "{ dashboard(year: 2025) { costAvoidanceUsd commonServicesActive byServiceLine { serviceLine commonServices } byCountry { country costAvoidanceUsd onTime ratings { met progress noProgress noData } } } }";
    let before = hub
        .query_ok(Some(&hub.admin_token), dashboard, json!({}))
        .await;
    // Every pack in a layout this build does not read (format 2, as m0011 wrote them).
    let old_layout = match hub.db.get_database_backend() {
        sea_orm::DatabaseBackend::Postgres => "UPDATE figure_facts SET facts = '\\x02'::bytea",
        _ => "UPDATE figure_facts SET facts = X'02'",
    };
    hub.sql(old_layout).await;
    assert_eq!(figure_values(&hub, &ids).await, rows);
    hub.app.forget_figures();
    let read_from_rows = hub
        .query_ok(Some(&hub.admin_token), dashboard, json!({}))
        .await;
    assert_eq!(read_from_rows, before);

    hub.sql("DELETE FROM seaql_migrations WHERE version LIKE 'm0012%'")
        .await;
    hub_store::db::migrate(&hub.db).await.unwrap();
    assert_eq!(
        hub.count("SELECT COUNT(*) AS n FROM figure_facts WHERE length(facts) > 1")
            .await,
        reports_with_values(&hub).await
    );
    assert_eq!(figure_values(&hub, &ids).await, rows);
}

#[tokio::test]
async fn series_and_completeness_cover_the_range() {
    let hub = TestHub::start().await;
    fixture(&hub).await;
    let data = hub
        .query_ok(
            Some(&hub.admin_token),
            r#"{ kpiSeries(kpi: "CA", from: "2025-Q1", to: "2025-Q3", countries: ["COL", "ECU"]) { period country value reportingCountries } }"#,
            json!({}),
        )
        .await;
    let points = data["kpiSeries"].as_array().unwrap();
    let point = |period: &str, country: Option<&str>| {
        points
            .iter()
            .find(|p| p["period"] == period && p["country"] == json!(country))
            .unwrap()["value"]
            .clone()
    };
    // Q1: COL 10,000 + ECU 12,000 + PAN 9,000 = 31,000; Q3: nothing.
    assert_eq!(point("2025-Q1", None), "31000");
    assert_eq!(point("2025-Q1", Some("COL")), "10000");
    assert_eq!(point("2025-Q2", Some("ECU")), "3000");
    assert!(point("2025-Q3", None).is_null());
    assert_eq!(
        points.len(),
        3 * 3,
        "a regional point and two countries per quarter"
    );

    let data = hub
        .query_ok(None, r#"{ completeness(from: "2025-Q1", to: "2025-Q2") { country on_time: onTime late missing periods { period status revision } } }"#, json!({}))
        .await;
    let rows = data["completeness"].as_array().unwrap();
    assert_eq!(rows.len(), 26);
    let col = rows.iter().find(|r| r["country"] == "COL").unwrap();
    assert_eq!(
        col["periods"][1],
        json!({ "period": "2025-Q2", "status": "LATE", "revision": 2 })
    );
    let bra = rows.iter().find(|r| r["country"] == "BRA").unwrap();
    assert_eq!(bra["missing"], 2);
}

#[tokio::test]
async fn bad_arguments_are_named() {
    let hub = TestHub::start().await;
    let cases = [
        (
            r#"{ regionalKpi(kpi: "NOPE", period: "2025") { value } }"#,
            "NOT_FOUND",
            None,
        ),
        (
            r#"{ regionalKpi(kpi: "CA", period: "2025-Q5") { value } }"#,
            "VALIDATION_FAILED",
            Some("period"),
        ),
        (
            r#"{ kpiSeries(kpi: "CA", from: "2026-Q1", to: "2025-Q1") { value } }"#,
            "VALIDATION_FAILED",
            Some("from"),
        ),
        (
            r#"{ kpiSeries(kpi: "CA", from: "2010-Q1", to: "2025-Q1") { value } }"#,
            "VALIDATION_FAILED",
            Some("to"),
        ),
        (
            r#"{ kpiSeries(kpi: "CA", from: "2025-Q1", to: "2025-Q2", countries: ["XXX"]) { value } }"#,
            "NOT_FOUND",
            None,
        ),
        (
            r#"{ dashboard(year: 2025, quarter: 5) { completeness } }"#,
            "VALIDATION_FAILED",
            Some("quarter"),
        ),
        (
            r#"{ completeness(from: "2025", to: "2025-Q2") { country } }"#,
            "VALIDATION_FAILED",
            Some("to"),
        ),
    ];
    for (query, code, field) in cases {
        let body = hub.graphql(None, query, json!({})).await;
        assert_eq!(error_code(&body), code, "{query}: {body}");
        if let Some(field) = field {
            assert_eq!(body["errors"][0]["extensions"]["field"], field, "{query}");
        }
        if code == "NOT_FOUND" {
            assert!(
                body["errors"][0]["message"]
                    .as_str()
                    .unwrap()
                    .contains("NOPE")
                    || body["errors"][0]["message"]
                        .as_str()
                        .unwrap()
                        .contains("XXX")
            );
        }
    }
}

#[tokio::test]
async fn the_demo_dashboard_for_2025_shows_realized_against_planned() {
    let hub = TestHub::start_with(|c| c.seed = hub_app::config::SeedMode::Demo).await;
    let data = hub
        .query_ok(Some(&hub.admin_token), DASHBOARD, json!({ "year": 2025 }))
        .await;
    let d = &data["dashboard"];
    assert!(
        d["costAvoidanceUsd"].is_string() && d["plannedCostAvoidanceUsd"].is_string(),
        "{d:#}"
    );
    let rate: f64 = d["realizationRate"].as_str().unwrap().parse().unwrap();
    assert!((0.5..1.5).contains(&rate), "{rate}");
    assert_eq!(d["byServiceLine"].as_array().unwrap().len(), 6);
    assert!(
        d["byServiceLine"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["costAvoidanceUsd"].is_string())
    );
    let reporting = d["byCountry"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["reported"] == true)
        .count();
    assert_eq!(reporting, 14);
    assert!(
        d["dataQuality"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["flag"] == "REJECTED_VALUE")
    );
    assert!(
        d["dataQuality"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["flag"] == "LATE_REPORT")
    );
    // HND skipped 2025-Q1 and BOL 2025-Q2: 14 × 4 − 2 = 54 of 104 country-quarters.
    assert_eq!(d["completeness"], "0.519231");
}

#[tokio::test]
async fn a_country_shows_its_current_bos_services_and_values() {
    let hub = TestHub::start().await;
    fixture(&hub).await;
    let data = hub
        .query_ok(
            None,
            r#"{ country(code: "COL") {
                currentBos { cycle revision }
                commonServices { id serviceLine priorityRatio }
                values(period: "2025-Q2") { kpi value revision current } } }"#,
            json!({}),
        )
        .await;
    let col = &data["country"];
    assert_eq!(
        col["currentBos"],
        json!({ "cycle": "2023-2027", "revision": 1 })
    );
    // The fixture's CBA: annual benefit 5,000 / (one-time 0 + annual cost 1,000) = 5.
    assert_eq!(
        col["commonServices"],
        json!([{ "id": "COL-P", "serviceLine": "PROCUREMENT", "priorityRatio": "5" }])
    );
    let ca = col["values"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["kpi"] == "CA")
        .unwrap();
    assert_eq!(
        ca,
        &json!({ "kpi": "CA", "value": "30000", "revision": 2, "current": true })
    );
    let body = hub
        .graphql(
            None,
            r#"{ country(code: "COL") { values(period: "2025-Q9") { kpi } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(error_code(&body), "VALIDATION_FAILED");
}

#[tokio::test]
async fn anonymous_completeness_counts_internal_reports_as_reported_but_hides_their_values() {
    let hub = TestHub::start().await;
    let mut report = crate::support::docs::kpi_report("2026-Q1", 1);
    report["classification"] = json!("INTERNAL");
    hub.submit_ok(&report).await;
    let query = r#"{ completeness(from: "2026-Q1", to: "2026-Q1") { country periods { status } }
        dashboard(year: 2026, quarter: 1) { byCountry { country reported costAvoidanceUsd } }
        country(code: "COL") { values(period: "2026-Q1") { kpi } } }"#;
    let data = hub.query_ok(None, query, json!({})).await;
    let col = |list: &Value| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|row| row["country"] == "COL")
            .cloned()
            .unwrap()
    };
    let status = &col(&data["completeness"])["periods"][0]["status"];
    assert!(
        status == "ON_TIME" || status == "LATE",
        "that COL reported is not secret: {status}"
    );
    let figures = col(&data["dashboard"]["byCountry"]);
    assert_eq!(figures["reported"], true);
    assert_eq!(figures["costAvoidanceUsd"], Value::Null, "its values are");
    assert_eq!(data["country"]["values"], json!([]));
    let admin = hub.query_ok(Some(&hub.admin_token), query, json!({})).await;
    assert_eq!(admin["country"]["values"].as_array().unwrap().len(), 3);
}
