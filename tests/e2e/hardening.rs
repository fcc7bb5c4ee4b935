//! The hub tried as an attacker and as a careless client would (DESIGN §17): every reproduction
//! is answered with its code, nothing is stored twice, and every other caller keeps being served.

use serde_json::{Value, json};

use crate::support::TestHub;
use crate::support::docs::{kpi_report, with_values};
use crate::support::hub::error_code;

const FIGURES: &str = r#"{
    dashboard(year: 2026, quarter: 2) { costAvoidanceUsd dataQuality { flag count } }
    regionalKpi(kpi: "ADMIN.CP.PCT", period: "2026-Q2") { value flags byCountry { country value flags } }
    kpiSeries(kpi: "ADMIN.CP.PCT", from: "2026-Q1", to: "2026-Q2") { period country value }
}"#;

/// The figures of 2026-Q2 answer, for anonymous callers and for the admin.
async fn figures_answer(hub: &TestHub) -> Value {
    hub.query_ok(None, FIGURES, json!({})).await;
    hub.query_ok(Some(&hub.admin_token), FIGURES, json!({}))
        .await
}

#[tokio::test]
async fn a_weight_beyond_the_bound_is_a_schema_error_and_figures_keep_serving() {
    let hub = TestHub::start().await;
    let colombia = hub.token("COUNTRY", &["--country", "COL"]).await;
    hub.submit_ok(&kpi_report("2026-Q2", 1)).await;
    // The reproduction: one country token, one absurd weight.
    let attack = with_values(
        kpi_report("2026-Q2", 2),
        json!([{ "kpi": "ADMIN.CP.PCT", "value": 100, "denominator": 7e28 }]),
    );
    let (status, receipt) = hub.submit(Some(&colombia), attack.to_string(), "").await;
    assert_eq!(status, 422, "{receipt:#}");
    assert_eq!(receipt["status"], "REJECTED");
    assert_eq!(receipt["errors"][0]["code"], "SCHEMA_INVALID");
    assert_eq!(receipt["errors"][0]["pointer"], "/values/0/denominator");
    assert_eq!(receipt["errors"][0]["keyword"], "maximum");
    let data = figures_answer(&hub).await;
    assert_eq!(data["regionalKpi"]["value"], "62.5", "{data:#}");
}

#[tokio::test]
async fn numbers_above_ten_to_the_fifteen_or_with_seven_decimals_are_schema_errors() {
    let hub = TestHub::start().await;
    for (value, keyword) in [(json!(1e16), "maximum"), (json!(62.1234567), "multipleOf")] {
        let document = with_values(
            kpi_report("2026-Q2", 1),
            json!([{ "kpi": "ADMIN.CP.PCT", "value": value, "denominator": 480 }]),
        );
        let (status, receipt) = hub.submit_document(&document).await;
        assert_eq!(status, 422, "{receipt:#}");
        let error = &receipt["errors"][0];
        assert_eq!(error["pointer"], "/values/0/value", "{receipt:#}");
        assert_eq!(error["keyword"], keyword, "{receipt:#}");
    }
    assert_eq!(
        hub.count("SELECT COUNT(*) AS n FROM submission").await,
        0,
        "nothing is stored"
    );
}

#[tokio::test]
async fn weights_stored_before_the_bounds_do_not_take_the_figures_down() {
    let hub = TestHub::start().await;
    hub.submit_ok(&kpi_report("2026-Q2", 1)).await;
    // Data written before DESIGN §17: a weight whose product with the value does not fit.
    hub.sql(
        "UPDATE kpi_value SET denominator = '70000000000000000000000000000' WHERE kpi = 'ADMIN.CP.PCT'",
    )
    .await;
    let data = figures_answer(&hub).await;
    // One country: its weighted mean is its value, computed with scaled weights.
    assert_eq!(data["regionalKpi"]["value"], "62.5", "{data:#}");
}

#[tokio::test]
async fn a_sum_that_does_not_fit_is_flagged_overflow_and_left_out() {
    let hub = TestHub::start().await;
    for period in ["2026-Q1", "2026-Q2"] {
        hub.submit_ok(&kpi_report(period, 1)).await;
    }
    hub.sql("UPDATE kpi_value SET value = '70000000000000000000000000000' WHERE kpi = 'CA'")
        .await;
    let data = hub
        .query_ok(
            Some(&hub.admin_token),
            r#"{ regionalKpi(kpi: "CA", period: "2026") { value flags dataQuality { flag count }
                    byCountry { country value flags } }
                 dashboard(year: 2026) { costAvoidanceUsd dataQuality { flag count } } }"#,
            json!({}),
        )
        .await;
    let figure = &data["regionalKpi"];
    assert_eq!(figure["value"], Value::Null, "{data:#}");
    let colombia = figure["byCountry"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["country"] == "COL")
        .unwrap();
    assert!(
        colombia["flags"]
            .as_array()
            .unwrap()
            .contains(&json!("OVERFLOW")),
        "{data:#}"
    );
    let quality = data["dashboard"]["dataQuality"].as_array().unwrap();
    assert!(quality.iter().any(|q| q["flag"] == "OVERFLOW"), "{data:#}");
}

#[tokio::test]
async fn work_plan_budgets_above_ten_to_the_thirteen_are_refused_and_plans_keep_serving() {
    let hub = TestHub::start().await;
    let romt = hub.token("ROMT", &["--agency", "RCO"]).await;
    let create =
        "mutation($input: WorkPlanInput!) { createWorkPlan(input: $input) { id totalRequired } }";
    let plan = |required: &str| {
        json!({ "input": { "year": 2027, "title": "Plan", "activities": [
            { "code": "A1", "title": "Joint LTA", "serviceLine": "PROCUREMENT", "leadAgency": "UNDP",
              "required": required, "available": "0", "startQuarter": "2027-Q1", "endQuarter": "2027-Q4" },
            { "code": "A2", "title": "Fleet", "serviceLine": "LOGISTICS", "leadAgency": "WFP",
              "required": required, "available": "0", "startQuarter": "2027-Q1", "endQuarter": "2027-Q4" }
        ] } })
    };
    let body = hub
        .graphql(Some(&romt), create, plan("70000000000000000000000000000"))
        .await;
    assert_eq!(error_code(&body), "VALIDATION_FAILED");
    assert_eq!(
        body["errors"][0]["extensions"]["field"],
        "input.activities[0].required"
    );
    let body = hub
        .graphql(Some(&romt), create, plan("10000000000001"))
        .await;
    assert_eq!(error_code(&body), "VALIDATION_FAILED");
    let data = hub
        .query_ok(Some(&romt), create, plan("10000000000000"))
        .await;
    assert_eq!(data["createWorkPlan"]["totalRequired"], "20000000000000");

    // Budgets stored before the bound: the totals are a clear error, the rest still serves.
    hub.sql("UPDATE work_plan_activity SET required = '70000000000000000000000000000'")
        .await;
    let body = hub
        .graphql(
            Some(&romt),
            "{ workPlans { id title totalRequired } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&body), "VALIDATION_FAILED", "{body:#}");
    let data = hub
        .query_ok(Some(&romt), "{ workPlans { id title } }", json!({}))
        .await;
    assert!(!data["workPlans"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn exchange_rates_outside_their_bounds_are_refused() {
    let hub = TestHub::start().await;
    for rate in [
        "0.0000000000000000000000000001",
        "0.0000001",
        "10000000000000000",
    ] {
        let body = hub
            .graphql(
                Some(&hub.admin_token),
                "mutation($r: Decimal!) { upsertExchangeRates(rates: [{ currency: \"COP\", month: \"2026-06\", rate: $r }]) }",
                json!({ "r": rate }),
            )
            .await;
        assert_eq!(error_code(&body), "VALIDATION_FAILED", "{rate}: {body:#}");
        assert_eq!(body["errors"][0]["extensions"]["field"], "rates[0].rate");
    }
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), "currency,month,rate\nCOP,2026-06,1e-28\n").unwrap();
    let out = hub
        .cli(&["rates", "import", &file.path().display().to_string()])
        .await;
    assert!(!out.status.success());
    assert!(
        crate::support::hub::stderr(&out).contains("exchange rate"),
        "{}",
        crate::support::hub::stderr(&out)
    );
}
