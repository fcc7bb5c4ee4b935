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

// ---- HTTP methods, cost, depth, introspection, GraphQL over HTTP ----

/// A mutation that, if it ran, would lock a period (ADMIN).
const LOCK: &str = r#"mutation { lockPeriod(period: "2020-Q1") }"#;

#[tokio::test]
async fn head_put_and_delete_on_graphql_are_405_and_execute_nothing() {
    let hub = TestHub::start().await;
    for method in ["HEAD", "PUT", "DELETE", "PATCH"] {
        let response = hub
            .http
            .request(
                method.parse().unwrap(),
                format!("{}/graphql?query={}", hub.url, urlencode(LOCK)),
            )
            .bearer_auth(&hub.admin_token)
            .header("content-type", "application/json")
            .body(json!({ "query": LOCK }).to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 405, "{method}");
        assert_eq!(
            response.headers()["allow"],
            "GET, POST",
            "{method} names the methods that work"
        );
    }
    let data = hub
        .query_ok(Some(&hub.admin_token), "{ lockedPeriods }", json!({}))
        .await;
    assert_eq!(data["lockedPeriods"], json!([]), "nothing was locked");
    // GET runs queries, never mutations.
    let response = hub
        .http
        .get(format!("{}/graphql?query={}", hub.url, urlencode(LOCK)))
        .bearer_auth(&hub.admin_token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405);
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn thirty_aliases_of_large_pages_are_refused_before_they_run() {
    let hub = TestHub::start().await;
    hub.submit_ok(&kpi_report("2026-Q2", 1)).await;
    let aliases: Vec<String> = (0..30)
        .map(|i| format!("a{i}: submissions(first: 500) {{ edges {{ node {{ document values {{ id }} }} }} }}"))
        .collect();
    let query = format!("{{ {} }}", aliases.join(" "));
    let body = hub.graphql(None, &query, json!({})).await;
    assert_eq!(error_code(&body), "MAX_COMPLEXITY_LIMIT", "{body:#}");
    assert!(body.get("data").is_none(), "nothing ran: {body:#}");
    // One page of that size is refused too: 500 raw documents are too much for one answer.
    let body = hub
        .graphql(
            None,
            "{ submissions(first: 500) { edges { node { document values { id } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&body), "MAX_COMPLEXITY_LIMIT");
}

#[tokio::test]
async fn cost_just_below_the_limit_runs_and_just_above_is_refused() {
    let hub = TestHub::start().await;
    // A connection costs `first` × its selection: edges (1) + node (1) + 8 scalar fields = 10
    // per item, so first: 500 costs 5000 — the limit exactly. One more field outside it
    // (`me { label }` costs 2) goes over.
    let fields = "id country period revision status documentType receivedAt current";
    let at_limit = format!("{{ submissions(first: 500) {{ edges {{ node {{ {fields} }} }} }} }}");
    hub.query_ok(Some(&hub.admin_token), &at_limit, json!({}))
        .await;
    let below = format!(
        "{{ submissions(first: 499) {{ edges {{ node {{ {fields} }} }} }} me {{ label }} }}"
    );
    hub.query_ok(Some(&hub.admin_token), &below, json!({}))
        .await;
    let above = format!(
        "{{ submissions(first: 500) {{ edges {{ node {{ {fields} }} }} }} me {{ label }} }}"
    );
    let body = hub.graphql(Some(&hub.admin_token), &above, json!({})).await;
    assert_eq!(error_code(&body), "MAX_COMPLEXITY_LIMIT", "{body:#}");
}

/// The introspection query of graphql-js 16 (`getIntrospectionQuery()`), as GraphiQL sends it.
const INTROSPECTION: &str = r#"
query IntrospectionQuery {
  __schema {
    queryType { name } mutationType { name } subscriptionType { name }
    types { ...FullType }
    directives { name description locations args { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description
  fields(includeDeprecated: true) {
    name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason
  }
  inputFields { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type {
  kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name
    ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }
}"#;

#[tokio::test]
async fn standard_introspection_passes_the_depth_limit_and_can_be_turned_off() {
    let hub = TestHub::start().await;
    let data = hub.query_ok(None, INTROSPECTION, json!({})).await;
    assert!(
        data["__schema"]["types"].as_array().unwrap().len() > 50,
        "the whole schema loads"
    );
    // An ordinary query nested as deep is refused.
    let deep = "{ countries { commonServices { x: id } } }";
    hub.query_ok(None, deep, json!({})).await;
    let nested = format!("{{ {} }}", "a { ".repeat(12) + "a" + &" }".repeat(12));
    let body = hub.graphql(None, &nested, json!({})).await;
    assert_eq!(error_code(&body), "MAX_DEPTH_LIMIT", "{body:#}");

    let closed = TestHub::start_with(|c| c.introspection = false).await;
    let body = closed.graphql(None, INTROSPECTION, json!({})).await;
    assert_eq!(error_code(&body), "VALIDATION_FAILED", "{body:#}");
    // Without introspection, errors suggest no field names either.
    let body = closed
        .graphql(None, "{ countrie { code } }", json!({}))
        .await;
    let message = body["errors"][0]["message"].as_str().unwrap();
    assert!(!message.contains("Did you mean"), "{message}");
    let body = hub.graphql(None, "{ countrie { code } }", json!({})).await;
    let message = body["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("Did you mean"), "{message}");
    // Ordinary queries still work.
    closed
        .query_ok(None, "{ countries { code } }", json!({}))
        .await;
}

async fn post_graphql(hub: &TestHub, accept: &str, body: &str) -> (u16, String, Value) {
    let response = hub
        .http
        .post(format!("{}/graphql", hub.url))
        .header("content-type", "application/json")
        .header("accept", accept)
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let media = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    let text = response.text().await.unwrap();
    (
        status,
        media,
        serde_json::from_str(&text).unwrap_or(Value::Null),
    )
}

#[tokio::test]
async fn graphql_over_http_status_codes_follow_the_accepted_media_type() {
    let hub = TestHub::start().await;
    let modern = "application/graphql-response+json";
    let ok = json!({ "query": "{ __typename }" }).to_string();
    let (status, media, body) = post_graphql(&hub, modern, &ok).await;
    assert_eq!(
        (status, media.as_str()),
        (200, "application/graphql-response+json; charset=utf-8")
    );
    assert_eq!(body["data"]["__typename"], "QueryRoot");
    let (status, media, _) = post_graphql(&hub, "application/json", &ok).await;
    assert_eq!(
        (status, media.as_str()),
        (200, "application/json; charset=utf-8")
    );
    let (_, media, _) = post_graphql(&hub, "*/*", &ok).await;
    assert_eq!(media, "application/json; charset=utf-8");

    // Request errors: 400 and no data with the modern type, 200 with application/json.
    for broken in [
        json!({ "query": "{" }),
        json!({ "query": "{ nope }" }),
        json!({ "query": "query($n: Int!) { countries { code } }", "variables": { "n": "x" } }),
    ] {
        let (status, _, body) = post_graphql(&hub, modern, &broken.to_string()).await;
        assert_eq!(status, 400, "{broken}: {body:#}");
        assert!(body.get("data").is_none(), "{body:#}");
        assert!(body["errors"][0]["message"].is_string());
        let (status, _, body) = post_graphql(&hub, "application/json", &broken.to_string()).await;
        assert_eq!(status, 200, "{broken}: {body:#}");
        assert!(body.get("data").is_none(), "{body:#}");
    }
    // Not a GraphQL request at all: 400 whatever is accepted.
    for accept in [modern, "application/json"] {
        let (status, _, body) = post_graphql(&hub, accept, "{").await;
        assert_eq!(status, 400);
        assert_eq!(error_code(&body), "BAD_REQUEST");
        let (status, _, _) = post_graphql(&hub, accept, r#"{"variables":{}}"#).await;
        assert_eq!(status, 400);
    }
    // A media type the endpoint cannot answer in.
    let (status, _, body) = post_graphql(&hub, "text/html", &ok).await;
    assert_eq!(status, 406);
    assert_eq!(error_code(&body), "NOT_ACCEPTABLE");
}

#[tokio::test]
async fn an_answer_larger_than_the_response_cap_is_refused_with_its_code() {
    let hub = TestHub::start_with(|c| c.max_response_bytes = 64 * 1024).await;
    // 40 values with a 2,000-character comment each: a document of about 80 KiB.
    let values: Vec<Value> = (0..40)
        .map(|i| json!({ "kpi": "CS.ACTIVE", "commonService": format!("S{i}"), "value": 1, "comment": "x".repeat(2000) }))
        .collect();
    let services: Vec<Value> = (0..40)
        .map(|i| {
            json!({ "id": format!("S{i}"), "name": "Service", "serviceLine": "ICT",
                         "leadAgency": "UNDP", "clientAgencies": [], "status": "ACTIVE" })
        })
        .collect();
    let mut document = with_values(kpi_report("2026-Q2", 1), Value::Array(values));
    document["commonServices"] = Value::Array(services);
    hub.submit_ok(&document).await;
    let body = hub
        .graphql(
            Some(&hub.admin_token),
            "{ submissions(first: 1) { edges { node { document } } } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&body), "RESPONSE_TOO_LARGE", "{body:#}");
    assert_eq!(body["errors"][0]["extensions"]["limit"], 65536);
    // Smaller answers still come.
    hub.query_ok(
        Some(&hub.admin_token),
        "{ submissions(first: 1) { edges { node { id } } } }",
        json!({}),
    )
    .await;
}

async fn boom() -> &'static str {
    panic!("a defect the hub must contain")
}

#[tokio::test]
async fn a_panic_while_serving_is_answered_internal_with_the_request_id_and_the_hub_goes_on() {
    use axum::routing::get;
    let database = crate::support::TestDatabase::create().await;
    let config = hub_api::Config {
        database_url: database.url.clone(),
        seed: hub_api::config::SeedMode::Reference,
        ..hub_api::Config::default()
    };
    let prepared = hub_api::startup::prepare(config).await.unwrap();
    let routes = hub_api::router::routes(prepared.state.clone()).route("/boom", get(boom));
    let app = hub_api::router::layered(routes, prepared.state)
        .into_make_service_with_connect_info::<std::net::SocketAddr>();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let http = reqwest::Client::new();
    let response = http
        .get(format!("{url}/boom"))
        .header("x-request-id", "panic-test-1")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 500);
    assert_eq!(response.headers()["x-request-id"], "panic-test-1");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "INTERNAL");
    assert_eq!(body["error"]["requestId"], "panic-test-1");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.contains("panic-test-1"), "{message}");
    assert!(!message.contains("defect"), "no detail leaks: {message}");
    // The process and its other routes go on.
    for _ in 0..3 {
        let response = http.get(format!("{url}/boom")).send().await.unwrap();
        assert_eq!(response.status(), 500);
    }
    let response = http
        .post(format!("{url}/graphql"))
        .json(&json!({ "query": "{ countries { code } }" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

/// GraphQL documents the hub's own page and docs send: the page's query, fenced `graphql`
/// blocks (one operation per balanced top-level selection) and `"query":"..."` examples.
fn documented_operations() -> Vec<(String, String)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut found = Vec::new();
    let page = std::fs::read_to_string(root.join("crates/hub-api/src/page.html")).unwrap();
    if let Some(start) = page.find("const QUERY = `") {
        let rest = &page[start + "const QUERY = `".len()..];
        found.push((
            "page.html".to_owned(),
            rest[..rest.find('`').unwrap()].to_owned(),
        ));
    }
    let mut docs = vec![root.join("README.md")];
    for entry in std::fs::read_dir(root.join("docs")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            docs.push(path);
        }
    }
    for path in docs {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        for block in text.split("```graphql").skip(1) {
            let block = &block[..block.find("```").unwrap()];
            let (mut depth, mut current) = (0, String::new());
            for ch in block.chars() {
                current.push(ch);
                match ch {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            found.push((name.clone(), std::mem::take(&mut current)));
                        }
                    }
                    _ => {}
                }
            }
        }
        for example in text.split(r#""query":""#).skip(1) {
            found.push((
                name.clone(),
                example[..example.find('"').unwrap()].to_owned(),
            ));
        }
    }
    found
}

#[tokio::test]
async fn the_dashboard_page_and_documented_queries_pass_the_limits() {
    let hub = TestHub::start().await;
    let operations = documented_operations();
    assert!(operations.len() >= 5, "{operations:?}");
    let limits = [
        "MAX_COMPLEXITY_LIMIT",
        "MAX_DEPTH_LIMIT",
        "MAX_ALIASES_LIMIT",
    ];
    for (source, operation) in operations {
        let body = hub
            .graphql(
                Some(&hub.admin_token),
                &operation,
                json!({ "year": 2025, "quarter": null, "line": null }),
            )
            .await;
        // It validated (request errors carry no data) and no limit refused it; it may still
        // fail on execution (the README's examples name plans that do not exist here).
        assert!(
            body.get("data").is_some(),
            "{source}: {operation}\n{body:#}"
        );
        for error in body["errors"].as_array().into_iter().flatten() {
            let code = error["extensions"]["code"].as_str().unwrap_or("");
            assert!(!limits.contains(&code), "{source}: {operation}\n{body:#}");
        }
    }
}
