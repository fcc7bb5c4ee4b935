//! Data quality (DESIGN §16): outliers against a country's own history, validation rules across
//! one report, follow-ups and bounds, the data quality report, the plan's share of a partial
//! year, and schema messages an officer can act on, in English and Spanish.

use chrono::{Datelike, Utc};
use hub_domain::analytics::ON_TIME_DAYS;
use hub_domain::period::Period;
use hub_domain::quality::OutlierAlgorithm;
use serde_json::{Value, json};

use crate::support::TestHub;
use crate::support::docs::{bos, kpi_report, with_values};

/// The eight quarters of history the outlier tests report.
const QUARTERS: [&str; 8] = [
    "2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4", "2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4",
];
/// A lead time that varies from quarter to quarter as real ones do.
const STEADY: [i64; 8] = [30, 34, 28, 32, 31, 33, 29, 30];
/// The same with 2025-Q2 ten times the rest.
const ONE_SPIKE: [i64; 8] = [30, 34, 28, 32, 31, 300, 29, 33];

/// A report of `country` for `period` holding one lead time of its travel service.
fn lead_time_report(country: &str, period: &str, days: i64) -> Value {
    let mut report = with_values(
        kpi_report(period, 1),
        json!([{ "kpi": "PROC.LEADTIME", "commonService": format!("{country}-PROC-TRAVEL"), "value": days }]),
    );
    report["country"] = json!(country);
    report["currency"] = json!(if country == "MEX" { "MXN" } else { "COP" });
    report["commonServices"][0]["id"] = json!(format!("{country}-PROC-TRAVEL"));
    report
}

/// Submits the history of `country` and returns the receipts.
async fn submit_history(hub: &TestHub, country: &str, days: [i64; 8]) -> Vec<Value> {
    let mut receipts = Vec::new();
    for (period, value) in QUARTERS.iter().zip(days) {
        receipts.push(
            hub.submit_ok(&lead_time_report(country, period, value))
                .await,
        );
    }
    receipts
}

fn has_warning(receipt: &Value, code: &str) -> bool {
    receipt["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w["code"] == code)
}

const OUTLIERS: &str = "query($a: OutlierAlgorithm!) { outliers(kpi: \"PROC.LEADTIME\", from: \"2024-Q1\", to: \"2025-Q4\", algorithm: $a) { valueId submissionId country period value mean stdDev zScore lowerBound upperBound historyQuarters followUp } }";

#[tokio::test]
async fn a_value_ten_times_its_history_is_the_only_outlier_under_every_algorithm() {
    for algorithm in OutlierAlgorithm::ALL {
        let hub = TestHub::start_with(|c| c.outliers.algorithm = *algorithm).await;
        let spiked = submit_history(&hub, "COL", ONE_SPIKE).await;
        let steady = submit_history(&hub, "MEX", STEADY).await;
        let flagged: Vec<&str> = QUARTERS
            .iter()
            .zip(&spiked)
            .filter(|(_, receipt)| has_warning(receipt, "OUTLIER"))
            .map(|(q, _)| *q)
            .collect();
        assert_eq!(flagged, ["2025-Q2"], "{algorithm}: receipts {spiked:#?}");
        assert!(
            !steady.iter().any(|r| has_warning(r, "OUTLIER")),
            "{algorithm}: a steady history has no outlier: {steady:#?}"
        );

        // The receipt points at the value and says why, in both languages; the value is kept.
        let receipt = &spiked[5];
        assert_eq!(receipt["status"], "ACCEPTED_WITH_WARNINGS");
        assert_eq!(receipt["acceptedValues"], 1);
        let warning = &receipt["warnings"][0];
        assert_eq!(warning["code"], "OUTLIER");
        assert_eq!(warning["pointer"], "/values/0/value");
        assert!(
            warning["message"].as_str().unwrap().contains("300"),
            "{warning}"
        );
        assert!(
            warning["messageEs"].as_str().unwrap().contains("atípico"),
            "{warning}"
        );
        let id = receipt["id"].clone();

        // On demand, the same algorithm finds the same one value, and it is counted.
        let found = hub
            .query_ok(
                Some(&hub.admin_token),
                OUTLIERS,
                json!({ "a": algorithm.as_str() }),
            )
            .await;
        let found = found["outliers"].as_array().unwrap();
        assert_eq!(found.len(), 1, "{algorithm}: {found:#?}");
        assert_eq!(found[0]["country"], "COL");
        assert_eq!(found[0]["period"], "2025-Q2");
        assert_eq!(found[0]["value"], "300");
        assert_eq!(found[0]["historyQuarters"], 5);
        // GraphQL ids are strings, the REST receipt's a number.
        assert_eq!(found[0]["submissionId"], json!(id.to_string()));
        let kpi = hub
            .query_ok(
                Some(&hub.admin_token),
                "{ regionalKpi(kpi: \"PROC.LEADTIME\", period: \"2025-Q2\") { dataQuality { flag count } } }",
                json!({}),
            )
            .await;
        assert!(
            kpi["regionalKpi"]["dataQuality"]
                .as_array()
                .unwrap()
                .contains(&json!({ "flag": "OUTLIER", "count": 1 })),
            "{kpi}"
        );
    }
}

/// The history is what counts now: a quarter's superseded revision is left out, and reports
/// stored without packed figure facts (before migration m0010) are read from their rows.
#[tokio::test]
async fn a_value_is_judged_against_the_current_revisions_of_its_history_packed_or_not() {
    let hub = TestHub::start().await;
    // 2024-Q3's 300 was a typing error, corrected by its second revision.
    for (period, days) in QUARTERS.iter().zip([30, 34, 300, 32, 31]) {
        hub.submit_ok(&lead_time_report("COL", period, days)).await;
    }
    let mut corrected = lead_time_report("COL", QUARTERS[2], 28);
    corrected["revision"] = json!(2);
    hub.submit_ok(&corrected).await;
    let receipt = hub
        .submit_ok(&lead_time_report("COL", QUARTERS[5], 300))
        .await;
    assert!(has_warning(&receipt, "OUTLIER"), "{receipt:#}");

    for (period, days) in QUARTERS.iter().zip(STEADY).take(5) {
        hub.submit_ok(&lead_time_report("MEX", period, days)).await;
    }
    hub.sql("DELETE FROM figure_facts").await;
    let receipt = hub
        .submit_ok(&lead_time_report("MEX", QUARTERS[5], 300))
        .await;
    assert!(has_warning(&receipt, "OUTLIER"), "{receipt:#}");
    let steady = hub
        .submit_ok(&lead_time_report("MEX", QUARTERS[6], 29))
        .await;
    assert!(!has_warning(&steady, "OUTLIER"), "{steady:#}");
}

#[tokio::test]
async fn a_threshold_given_to_outliers_replaces_the_default() {
    let hub = TestHub::start().await;
    submit_history(&hub, "MEX", STEADY).await;
    // 2025-Q2 (33) is 0.9 sd above the four quarters before it and more than half an sd.
    let found = hub
        .query_ok(
            Some(&hub.admin_token),
            "{ outliers(kpi: \"PROC.LEADTIME\", from: \"2025-Q2\", to: \"2025-Q2\", threshold: 0.5) { period zScore } }",
            json!({}),
        )
        .await;
    assert_eq!(found["outliers"].as_array().unwrap().len(), 1, "{found}");
    let z = found["outliers"][0]["zScore"].as_f64().unwrap();
    assert!((z - 0.894).abs() < 0.001, "{z}");
}

#[tokio::test]
async fn bounds_set_by_hand_judge_min_max_and_a_follow_up_is_romt_s_to_mark() {
    let hub = TestHub::start().await;
    submit_history(&hub, "COL", ONE_SPIKE).await;
    let romt = hub.token("ROMT", &["--agency", "RCO"]).await;
    let analyst = hub.token("ANALYST", &[]).await;

    // Bounds set by hand replace mean ± 2 sd, whatever the history's length.
    let set = "mutation($l: Decimal, $u: Decimal) { setMinMax(country: \"COL\", kpi: \"PROC.LEADTIME\", lower: $l, upper: $u) { lower upper setBy } }";
    let denied = hub
        .graphql(Some(&analyst), set, json!({ "l": "0", "u": "31" }))
        .await;
    assert_eq!(denied["errors"][0]["extensions"]["code"], "FORBIDDEN");
    let bounds = hub
        .query_ok(Some(&romt), set, json!({ "l": "0", "u": "31" }))
        .await;
    assert_eq!(bounds["setMinMax"]["upper"], "31");
    let found = hub
        .query_ok(Some(&analyst), OUTLIERS, json!({ "a": "MIN_MAX" }))
        .await;
    let periods: Vec<&str> = found["outliers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["period"].as_str().unwrap())
        .collect();
    // Above 31: 2024-Q2 (34), 2024-Q4 (32), 2025-Q2 (300), 2025-Q4 (33); the most extreme first.
    assert_eq!(periods, ["2025-Q2", "2024-Q2", "2025-Q4", "2024-Q4"]);
    let listed = hub
        .query_ok(
            Some(&analyst),
            "{ minMaxBounds(country: \"COL\") { country kpi lower upper } }",
            json!({}),
        )
        .await;
    assert_eq!(
        listed["minMaxBounds"],
        json!([{ "country": "COL", "kpi": "PROC.LEADTIME", "lower": "0", "upper": "31" }])
    );
    // Cleared, they are generated again and only the spike stands out.
    hub.query_ok(Some(&romt), set, json!({ "l": null, "u": null }))
        .await;
    let found = hub
        .query_ok(Some(&analyst), OUTLIERS, json!({ "a": "MIN_MAX" }))
        .await;
    assert_eq!(found["outliers"].as_array().unwrap().len(), 1, "{found}");

    // A follow-up: ROMT marks the value, an analyst may not, and the mark is audited.
    let value_id = found["outliers"][0]["valueId"].clone();
    let mark = "mutation($v: ID!, $f: Boolean!) { markFollowUp(valueId: $v, followUp: $f) }";
    let denied = hub
        .graphql(Some(&analyst), mark, json!({ "v": value_id, "f": true }))
        .await;
    assert_eq!(denied["errors"][0]["extensions"]["code"], "FORBIDDEN");
    let marked = hub
        .query_ok(Some(&romt), mark, json!({ "v": value_id, "f": true }))
        .await;
    assert_eq!(marked["markFollowUp"], true);
    let found = hub
        .query_ok(Some(&analyst), OUTLIERS, json!({ "a": "Z_SCORE" }))
        .await;
    assert_eq!(found["outliers"][0]["followUp"], true);
    assert_eq!(
        hub.count(
            "SELECT COUNT(*) AS n FROM audit_log WHERE action IN ('value.follow_up', 'outlier_bound.set')"
        )
        .await,
        3
    );
    let missing = hub
        .graphql(Some(&romt), mark, json!({ "v": "99999999", "f": true }))
        .await;
    assert_eq!(missing["errors"][0]["extensions"]["code"], "NOT_FOUND");
}

/// A COL report of 2026-Q1 that breaks two seeded rules: one active service counted for two
/// listed, and a percentage of personnel without the personnel it is of.
fn report_breaking_rules(revision: i64) -> Value {
    let mut report = with_values(
        kpi_report("2026-Q1", revision),
        json!([
            { "kpi": "CS.ACTIVE", "value": 1 },
            { "kpi": "PROC.LEADTIME", "commonService": "COL-PROC-TRAVEL", "value": 12 },
            { "kpi": "ADMIN.CP.PCT", "value": 62.5 }
        ]),
    );
    report["commonServices"]
        .as_array_mut()
        .unwrap()
        .push(json!({
            "id": "COL-ICT-NET", "name": "Common network", "serviceLine": "ICT",
            "leadAgency": "UNICEF", "clientAgencies": ["UNDP"], "status": "ACTIVE"
        }));
    report
}

fn rule_warnings(receipt: &Value) -> Vec<(String, String)> {
    receipt["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["code"] == "RULE_VIOLATION")
        .map(|w| {
            (
                w["rule"].as_str().unwrap().to_owned(),
                w["pointer"].as_str().unwrap().to_owned(),
            )
        })
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect()
}

#[tokio::test]
async fn a_broken_validation_rule_is_a_warning_naming_the_rule_in_both_languages() {
    let hub = TestHub::start().await;
    let submit = "mutation($d: JSON!) { submitKpiReport(document: $d) { status acceptedValues warnings { pointer code rule message messageEs } } }";
    let receipt = hub
        .query_ok(
            Some(&hub.admin_token),
            submit,
            json!({ "d": report_breaking_rules(1) }),
        )
        .await["submitKpiReport"]
        .clone();
    // The values are kept: a rule violation is a warning.
    assert_eq!(receipt["status"], "ACCEPTED_WITH_WARNINGS");
    assert_eq!(receipt["acceptedValues"], 3);
    assert_eq!(
        rule_warnings(&receipt),
        [
            (
                "CP_PCT_REQUIRES_DENOMINATOR".to_owned(),
                "/values/2/denominator".to_owned()
            ),
            (
                "CS_ACTIVE_COVERS_ACTIVE_SERVICES".to_owned(),
                "/values/0/value".to_owned()
            ),
        ]
    );
    for warning in receipt["warnings"].as_array().unwrap() {
        let rule = warning["rule"].as_str().unwrap();
        assert!(warning["message"].as_str().unwrap().contains(rule));
        assert!(warning["messageEs"].as_str().unwrap().contains(rule));
    }
    let covers = receipt["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["rule"] == "CS_ACTIVE_COVERS_ACTIVE_SERVICES")
        .unwrap();
    assert!(
        covers["message"]
            .as_str()
            .unwrap()
            .contains("2 common services are listed as ACTIVE"),
        "{covers}"
    );
    assert!(
        covers["messageEs"]
            .as_str()
            .unwrap()
            .contains("servicios comunes"),
        "{covers}"
    );
}

#[tokio::test]
async fn the_seeded_rules_are_listed_and_only_an_admin_changes_them_with_a_trail() {
    let hub = TestHub::start().await;
    let romt = hub.token("ROMT", &["--agency", "RCO"]).await;
    let rules = hub
        .query_ok(
            None,
            "{ validationRules { id kind kpi importance messageEn messageEs enabled } }",
            json!({}),
        )
        .await;
    let ids: Vec<&str> = rules["validationRules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "CA_AT_MOST_THREE_TIMES_PLANNED_SHARE",
            "CP_PCT_REQUIRES_DENOMINATOR",
            "CS_ACTIVE_COVERS_ACTIVE_SERVICES",
            "LTA_SHARED_AT_MOST_TEN_PER_ACTIVE_SERVICE",
        ]
    );
    assert!(
        rules["validationRules"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["enabled"] == true && !r["messageEs"].as_str().unwrap().is_empty())
    );

    let update =
        "mutation($i: ValidationRuleInput!) { updateValidationRule(input: $i) { id enabled } }";
    let disable = json!({ "i": {
        "id": "CS_ACTIVE_COVERS_ACTIVE_SERVICES", "kind": "COVERS_SERVICES", "kpi": "CS.ACTIVE",
        "status": "ACTIVE", "importance": "HIGH", "enabled": false,
        "messageEn": "Active common services must count every ACTIVE service listed",
        "messageEs": "Los servicios comunes activos deben contar cada servicio ACTIVE listado" } });
    let denied = hub.graphql(Some(&romt), update, disable.clone()).await;
    assert_eq!(denied["errors"][0]["extensions"]["code"], "FORBIDDEN");
    let disabled = hub.query_ok(Some(&hub.admin_token), update, disable).await;
    assert_eq!(disabled["updateValidationRule"]["enabled"], false);
    assert_eq!(
        hub.count(
            "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'validation_rule.update' \
             AND entity_id = 'CS_ACTIVE_COVERS_ACTIVE_SERVICES'"
        )
        .await,
        1
    );
    // A disabled rule checks nothing; the others still do.
    let receipt = hub.submit_ok(&report_breaking_rules(1)).await;
    assert_eq!(
        rule_warnings(&receipt),
        [(
            "CP_PCT_REQUIRES_DENOMINATOR".to_owned(),
            "/values/2/denominator".to_owned()
        )]
    );

    // A new rule takes effect on the next report.
    let create =
        "mutation($i: ValidationRuleInput!) { createValidationRule(input: $i) { id importance } }";
    let lead_time = json!({ "i": {
        "id": "LEADTIME_AT_MOST_CS_ACTIVE", "kind": "AT_MOST_MULTIPLE", "kpi": "PROC.LEADTIME",
        "otherKpi": "CS.ACTIVE", "factor": "5", "importance": "LOW",
        "messageEn": "Lead time of at most five days per active service",
        "messageEs": "Plazo de a lo sumo cinco días por servicio activo" } });
    let created = hub
        .query_ok(Some(&hub.admin_token), create, lead_time.clone())
        .await;
    assert_eq!(created["createValidationRule"]["importance"], "LOW");
    let again = hub.graphql(Some(&hub.admin_token), create, lead_time).await;
    assert_eq!(again["errors"][0]["extensions"]["code"], "CONFLICT");
    let receipt = hub.submit_ok(&report_breaking_rules(2)).await;
    assert_eq!(
        rule_warnings(&receipt)
            .into_iter()
            .map(|(rule, _)| rule)
            .collect::<Vec<_>>(),
        ["CP_PCT_REQUIRES_DENOMINATOR", "LEADTIME_AT_MOST_CS_ACTIVE"]
    );
}

#[tokio::test]
async fn the_data_quality_report_counts_each_country_s_problems_by_quarter() {
    let hub = TestHub::start().await;
    submit_history(&hub, "COL", ONE_SPIKE).await;
    // 2025-Q3 again, with a value the hub rejects and a rule broken.
    let mut report = lead_time_report("COL", "2025-Q3", 29);
    report["revision"] = json!(2);
    report["values"].as_array_mut().unwrap().extend([
        json!({ "kpi": "NO.SUCH.KPI", "value": 1 }),
        json!({ "kpi": "ADMIN.CP.PCT", "value": 50 }),
    ]);
    hub.submit_ok(&report).await;
    let report = hub
        .query_ok(
            None,
            "{ dataQualityReport(year: 2025) { year countries { country quarters { period timeliness counts { rejectedValues outliers ruleViolations lateReports missingReports } } totals { rejectedValues outliers ruleViolations lateReports missingReports } previousYear { lateReports missingReports } } totals { outliers } } }",
            json!({}),
        )
        .await["dataQualityReport"]
        .clone();
    let colombia = report["countries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["country"] == "COL")
        .unwrap();
    let q = |period: &str| {
        colombia["quarters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|q| q["period"] == period)
            .unwrap()["counts"]
            .clone()
    };
    assert_eq!(q("2025-Q2")["outliers"], 1);
    assert_eq!(q("2025-Q3")["rejectedValues"], 1);
    assert_eq!(q("2025-Q3")["ruleViolations"], 1);
    // Every quarter of 2025 arrived today: all late, none missing; 2024 the same.
    assert_eq!(colombia["totals"]["lateReports"], 4);
    assert_eq!(colombia["totals"]["missingReports"], 0);
    assert_eq!(colombia["previousYear"]["lateReports"], 4);
    assert_eq!(report["totals"]["outliers"], 1);
    // A country that never reported has all four quarters missing.
    let mexico = report["countries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["country"] == "MEX")
        .unwrap();
    assert_eq!(mexico["totals"]["missingReports"], 4);
}

#[tokio::test]
async fn a_partial_year_is_compared_with_the_plan_of_its_quarters_due_and_reported() {
    let hub = TestHub::start().await;
    let year = Utc::now().year();
    let mut strategy = bos(1);
    strategy["cycle"] = json!({ "start": year - 1, "end": year + 3 });
    strategy["signedOn"] = json!(format!("{}-04-12", year - 1));
    strategy["commonServices"][0]["plannedCostAvoidance"] =
        json!([{ "year": year - 1, "amount": 40000 }, { "year": year, "amount": 40000 }]);
    strategy["commonServices"][0]["kpis"] = json!([]);
    hub.submit_ok(&strategy).await;
    hub.submit_ok(&lead_time_report("COL", &format!("{year}-Q1"), 12))
        .await;

    let query = "query($y: Int!) { dashboard(year: $y) { plannedCostAvoidanceUsd plannedDueUsd plannedReportedUsd byCountry { country plannedDueUsd plannedReportedUsd } } }";
    let dashboard = |y: i32| {
        let hub = &hub;
        async move { hub.query_ok(None, query, json!({ "y": y })).await["dashboard"].clone() }
    };
    // The same rule the hub uses: a quarter is due 30 days after it ends.
    let today = Utc::now().date_naive();
    let due = (1..=4)
        .filter(|q| {
            let quarter: Period = format!("{year}-Q{q}").parse().unwrap();
            (today - quarter.end_date()).num_days() > ON_TIME_DAYS
        })
        .count();
    let current = dashboard(year).await;
    assert_eq!(current["plannedCostAvoidanceUsd"], "40000");
    assert_eq!(
        current["plannedDueUsd"],
        json!((40000 / 4 * due as i64).to_string())
    );
    assert_eq!(current["plannedReportedUsd"], "10000");
    let colombia = current["byCountry"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["country"] == "COL")
        .unwrap();
    assert_eq!(colombia["plannedReportedUsd"], "10000");
    // A past year is wholly due: the plan of its quarters due is the whole plan.
    let past = dashboard(year - 1).await;
    assert_eq!(past["plannedDueUsd"], "40000");
    assert_eq!(past["plannedReportedUsd"], "0");
}

#[tokio::test]
async fn a_schema_error_reads_as_an_officer_s_words_in_english_and_spanish() {
    let hub = TestHub::start().await;
    let mut report = kpi_report("2026Q2", 1);
    report["values"][2]["denominator"] = json!("480");
    let (status, receipt) = hub.submit_document(&report).await;
    assert_eq!(status, 422);
    let errors = receipt["errors"].as_array().unwrap();
    let period = errors.iter().find(|e| e["pointer"] == "/period").unwrap();
    assert_eq!(period["keyword"], "pattern");
    assert!(
        period["message"]
            .as_str()
            .unwrap()
            .starts_with("Field \"period\": must look like \"2026-Q2\", not \"2026Q2\"."),
        "{period}"
    );
    assert!(
        period["messageEs"]
            .as_str()
            .unwrap()
            .starts_with("El campo \"period\": debe tener la forma \"2026-Q2\", no \"2026Q2\"."),
        "{period}"
    );
    assert!(
        period["detail"]
            .as_str()
            .unwrap()
            .contains("^[0-9]{4}-Q[1-4]$"),
        "the validator's words stay for machines: {period}"
    );
    let denominator = errors
        .iter()
        .find(|e| e["pointer"] == "/values/2/denominator")
        .unwrap();
    for text in [&denominator["message"], &denominator["messageEs"]] {
        let text = text.as_str().unwrap();
        assert!(text.contains("/values/2"), "{text}");
        assert!(
            !text.contains('^') && !text.contains("candidates"),
            "{text}"
        );
    }
    assert!(
        denominator["message"]
            .as_str()
            .unwrap()
            .starts_with("Value 3 (/values/2), field \"denominator\": must be a number"),
        "{denominator}"
    );
    assert!(
        denominator["messageEs"]
            .as_str()
            .unwrap()
            .starts_with("Valor 3 (/values/2), el campo \"denominator\": debe ser un número"),
        "{denominator}"
    );
}

#[tokio::test]
async fn cost_avoidance_is_checked_against_the_plan_of_the_bos_stored_just_before() {
    let hub = TestHub::start().await;
    let above_plan = |receipt: &Value| {
        rule_warnings(receipt)
            .iter()
            .any(|(rule, _)| rule == "CA_AT_MOST_THREE_TIMES_PLANNED_SHARE")
    };
    // 125 million COP is about 30,000 USD: more than three quarters of a 30,600 USD year.
    hub.submit_ok(&bos(1)).await;
    let receipt = hub.submit_ok(&kpi_report("2025-Q1", 1)).await;
    assert!(above_plan(&receipt), "{receipt}");

    // The plans are reference facts held in memory: a new BOS revision is in the next check.
    let mut larger = bos(2);
    larger["commonServices"][0]["plannedCostAvoidance"] =
        json!([{ "year": 2024, "amount": 306000 }, { "year": 2025, "amount": 306000 }]);
    hub.submit_ok(&larger).await;
    let receipt = hub.submit_ok(&kpi_report("2025-Q1", 2)).await;
    assert!(!above_plan(&receipt), "{receipt}");
}
