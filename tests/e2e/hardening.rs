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
    hub.repack_figure_facts().await;
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
    hub.repack_figure_facts().await;
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
    let config = hub_app::Config {
        database_url: database.url.clone(),
        seed: hub_app::config::SeedMode::Reference,
        ..hub_app::Config::default()
    };
    let prepared = hub_app::startup::prepare(config).await.unwrap();
    let state = hub_api::AppState::new(prepared.app);
    let routes = hub_api::router::routes(state.clone()).route("/boom", get(boom));
    let app = hub_api::router::layered(routes, state)
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

/// GraphQL documents the hub's docs send (its pages call the application directly): fenced
/// `graphql` blocks (one operation per balanced top-level selection) and `"query":"..."` examples.
fn documented_operations() -> Vec<(String, String)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut found = Vec::new();
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
async fn documented_queries_pass_the_limits() {
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

// ---- WebSocket ----

mod websocket {
    use std::time::Duration;

    use futures::{SinkExt, StreamExt};
    use serde_json::{Value, json};
    use tokio_tungstenite::tungstenite::Message;
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;

    use crate::support::TestHub;

    pub use crate::support::hub::error_code;

    pub type Socket = tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >;

    /// Opens `/graphql/ws` (graphql-transport-ws) without any header.
    pub async fn open(hub: &TestHub) -> Socket {
        let mut request = format!("{}/graphql/ws", hub.url.replace("http://", "ws://"))
            .into_client_request()
            .unwrap();
        request.headers_mut().insert(
            "sec-websocket-protocol",
            "graphql-transport-ws".parse().unwrap(),
        );
        tokio_tungstenite::connect_async(request).await.unwrap().0
    }

    pub async fn send(socket: &mut Socket, message: Value) {
        socket
            .send(Message::Text(message.to_string().into()))
            .await
            .unwrap();
    }

    /// The next protocol message, or `None` when the connection ended (closed or broken).
    pub async fn next(socket: &mut Socket) -> Option<Value> {
        loop {
            match tokio::time::timeout(Duration::from_secs(20), socket.next()).await {
                Ok(Some(Ok(Message::Text(text)))) => return serde_json::from_str(&text).ok(),
                Ok(Some(Ok(Message::Close(_)))) | Ok(None) | Ok(Some(Err(_))) => return None,
                Ok(Some(Ok(_))) => continue,
                Err(_) => panic!("no message within 20 s"),
            }
        }
    }

    /// Opens a connection and initialises it with `token`.
    pub async fn connect(hub: &TestHub, token: &str) -> Socket {
        let mut socket = open(hub).await;
        send(
            &mut socket,
            json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {token}") } }),
        )
        .await;
        let ack = next(&mut socket).await.unwrap();
        assert_eq!(ack["type"], "connection_ack", "{ack}");
        socket
    }

    pub fn subscribe(id: &str, query: &str) -> Value {
        json!({ "id": id, "type": "subscribe", "payload": { "query": query } })
    }

    pub fn code(message: &Value) -> &str {
        message["payload"][0]["extensions"]["code"]
            .as_str()
            .unwrap_or("")
    }
}

#[tokio::test]
async fn forty_websocket_operations_with_a_limit_of_twenty_refuse_twenty() {
    use websocket::*;
    let hub = TestHub::start_with(|c| {
        c.rate_limit_per_minute = 20;
        c.ws_max_subscriptions = 100;
    })
    .await;
    let mut socket = connect(&hub, &hub.admin_token).await;
    for i in 0..40 {
        send(&mut socket, subscribe(&i.to_string(), "{ __typename }")).await;
    }
    let (mut answered, mut refused) = (0, 0);
    while answered + refused < 40 {
        let message = next(&mut socket).await.expect("the connection stays open");
        match message["type"].as_str() {
            Some("next") => answered += 1,
            Some("error") => {
                assert_eq!(code(&message), "RATE_LIMITED", "{message}");
                refused += 1;
            }
            _ => {}
        }
    }
    // The caller's 20 requests of the minute: each operation counts like an HTTP request.
    assert_eq!((answered, refused), (20, 20));
    // HTTP shares the budget: the same token is refused there too now.
    let body = hub
        .graphql(Some(&hub.admin_token), "{ __typename }", json!({}))
        .await;
    assert_eq!(error_code(&body), "RATE_LIMITED");
}

#[tokio::test]
async fn a_websocket_connection_runs_a_bounded_number_of_subscriptions() {
    use websocket::*;
    let hub = TestHub::start_with(|c| c.ws_max_subscriptions = 3).await;
    let rcp = hub.token("RCP", &["--agency", "UNDP"]).await;
    let mut socket = connect(&hub, &rcp).await;
    let events = "subscription { workPlanEvents { action } }";
    for id in ["1", "2", "3", "4"] {
        send(&mut socket, subscribe(id, events)).await;
    }
    let refusal = next(&mut socket).await.unwrap();
    assert_eq!(
        (refusal["type"].as_str(), refusal["id"].as_str()),
        (Some("error"), Some("4"))
    );
    assert_eq!(code(&refusal), "MAX_SUBSCRIPTIONS_LIMIT", "{refusal}");
    // Completing one frees a place.
    send(&mut socket, json!({ "id": "1", "type": "complete" })).await;
    send(&mut socket, subscribe("5", events)).await;
    send(&mut socket, subscribe("6", events)).await;
    // The hub confirms the completion of 1; then 5 runs and 6 is the one refused.
    let mut refusal = next(&mut socket).await.unwrap();
    while refusal["type"] == "complete" {
        refusal = next(&mut socket).await.unwrap();
    }
    assert_eq!(refusal["id"], "6", "{refusal}");
    assert_eq!(code(&refusal), "MAX_SUBSCRIPTIONS_LIMIT");
}

#[tokio::test]
async fn a_websocket_message_above_the_body_limit_ends_only_its_connection() {
    use futures::SinkExt;
    use websocket::*;
    let hub = TestHub::start().await;
    let mut socket = connect(&hub, &hub.admin_token).await;
    let huge = "x".repeat(12 * 1024 * 1024);
    let _ = socket
        .send(tokio_tungstenite::tungstenite::Message::Text(
            subscribe("1", &format!("{{ __typename }} # {huge}"))
                .to_string()
                .into(),
        ))
        .await;
    assert!(next(&mut socket).await.is_none(), "the connection ends");
    // Others are served.
    let mut other = connect(&hub, &hub.admin_token).await;
    send(&mut other, subscribe("1", "{ __typename }")).await;
    assert_eq!(next(&mut other).await.unwrap()["type"], "next");
    hub.query_ok(None, "{ __typename }", json!({})).await;
}

#[tokio::test]
async fn an_idle_websocket_is_closed() {
    use futures::StreamExt;
    use websocket::*;
    let hub = TestHub::start_with(|c| c.ws_idle_timeout = std::time::Duration::from_secs(1)).await;
    let mut socket = connect(&hub, &hub.admin_token).await;
    let mut closed = None;
    while let Some(message) = socket.next().await {
        if let Ok(tokio_tungstenite::tungstenite::Message::Close(frame)) = message {
            closed = frame;
            break;
        }
    }
    let frame = closed.expect("a close frame");
    assert_eq!(u16::from(frame.code), 1000);
    assert!(frame.reason.contains("idle"), "{}", frame.reason);
}

#[tokio::test]
async fn websocket_callers_authenticate_at_connection_init() {
    use websocket::*;
    let hub = TestHub::start_with(|c| c.require_auth = true).await;
    // A browser's upgrade carries no header: the hub waits for connection_init.
    let mut socket = open(&hub).await;
    send(&mut socket, json!({ "type": "connection_init" })).await;
    assert!(
        next(&mut socket).await.is_none(),
        "refused without a token under HUB_REQUIRE_AUTH"
    );
    let mut socket = open(&hub).await;
    send(
        &mut socket,
        json!({ "type": "connection_init", "payload": { "Authorization": "Bearer rhub_wrong" } }),
    )
    .await;
    assert!(next(&mut socket).await.is_none(), "a bad token is refused");
    let mut socket = connect(&hub, &hub.admin_token).await;
    send(&mut socket, subscribe("1", "{ me { role } }")).await;
    let answer = next(&mut socket).await.unwrap();
    assert_eq!(answer["payload"]["data"]["me"]["role"], "ADMIN", "{answer}");
}

// ---- failed authentication ----

/// A counter of `/metrics` (`name{kind="label"} N`), 0 when absent.
async fn metric(hub: &TestHub, name: &str, kind: &str) -> u64 {
    let text = hub
        .http
        .get(format!("{}/metrics", hub.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let prefix = format!("{name}{{kind=\"{kind}\"}} ");
    text.lines()
        .find_map(|line| line.strip_prefix(&prefix))
        .map_or(0, |n| n.trim().parse().unwrap())
}

#[tokio::test]
async fn forty_invalid_tokens_from_one_address_are_throttled_before_any_lookup() {
    let hub = TestHub::start().await; // 10 failures per address and minute, the default
    let mut statuses = Vec::new();
    for i in 0..40 {
        let response = hub
            .http
            .post(format!("{}/graphql", hub.url))
            .bearer_auth(format!("rhub_guess{i:04}"))
            .json(&json!({ "query": "{ me { role } }" }))
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        if status == 429 {
            let wait: u64 = response.headers()["retry-after"]
                .to_str()
                .unwrap()
                .parse()
                .unwrap();
            assert!((1..=60).contains(&wait), "{wait}");
            let body: Value = response.json().await.unwrap();
            assert_eq!(error_code(&body), "RATE_LIMITED");
        }
        statuses.push(status);
    }
    assert_eq!(statuses[..10], [401; 10]);
    assert_eq!(statuses[10..], [429; 30]);
    assert_eq!(
        metric(&hub, "hub_token_lookups_total", "database").await,
        10,
        "the throttled 30 never reached the database"
    );
    // Token checks from that address wait out the minute; anonymous reads go on.
    let body = hub
        .graphql(Some(&hub.admin_token), "{ me { role } }", json!({}))
        .await;
    assert_eq!(error_code(&body), "RATE_LIMITED");
    hub.query_ok(None, "{ countries { code } }", json!({}))
        .await;
}

#[tokio::test]
async fn token_checks_are_cached_until_any_token_is_revoked() {
    let hub = TestHub::start().await;
    let analyst = hub.token("ANALYST", &[]).await;
    for _ in 0..5 {
        hub.query_ok(Some(&analyst), "{ me { role } }", json!({}))
            .await;
    }
    assert_eq!(
        metric(&hub, "hub_token_lookups_total", "database").await,
        1,
        "one lookup, then the cache"
    );
    // Revoked from another process (the CLI): refused at the very next request.
    let label = hub
        .query_ok(Some(&analyst), "{ me { label } }", json!({}))
        .await["me"]["label"]
        .as_str()
        .unwrap()
        .to_owned();
    let out = hub.cli(&["token", "revoke", &label]).await;
    assert!(out.status.success());
    let body = hub
        .graphql(Some(&analyst), "{ me { role } }", json!({}))
        .await;
    assert_eq!(error_code(&body), "UNAUTHENTICATED");
}

// ---- idempotency keys that recover ----

mod keys {
    use serde_json::Value;

    use crate::support::TestHub;

    use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};

    /// The state of `key` in the store: `None` when it is not there.
    pub async fn state_in(db: &DatabaseConnection, key: &str) -> Option<String> {
        let row = db
            .query_one_raw(Statement::from_string(
                db.get_database_backend(),
                format!("SELECT state FROM idempotency_key WHERE key = '{key}'"),
            ))
            .await
            .unwrap()?;
        row.try_get::<String>("", "state").ok()
    }

    pub async fn state(hub: &TestHub, key: &str) -> Option<String> {
        state_in(&hub.db, key).await
    }

    /// Waits until `key` is in one of `states` (`None` for gone), polling the store.
    pub async fn wait_for(hub: &TestHub, key: &str, states: &[Option<&str>]) -> Option<String> {
        wait_in(&hub.db, key, states).await
    }

    pub async fn wait_in(
        db: &DatabaseConnection,
        key: &str,
        states: &[Option<&str>],
    ) -> Option<String> {
        for _ in 0..3000 {
            let now = state_in(db, key).await;
            if states.contains(&now.as_deref()) {
                return now;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        panic!("key {key} never reached {states:?}");
    }

    /// Submissions stored for COL 2026-Q2.
    pub async fn stored(hub: &TestHub) -> i64 {
        hub.count(
            "SELECT COUNT(*) AS n FROM submission WHERE country = 'COL' AND period = '2026-Q2'",
        )
        .await
    }

    /// A document big enough that the hub is still working on it when the client gives up.
    pub fn slow_document() -> Value {
        crate::ingest::large_report(1000)
    }
}

#[tokio::test]
async fn a_key_whose_client_disconnected_is_released_and_retried_at_once() {
    // An hour's lease: only the release of the dropped request can free the key in time.
    let hub =
        TestHub::start_with(|c| c.idempotency_lease = std::time::Duration::from_secs(3600)).await;
    let body = keys::slow_document().to_string();
    let client = {
        let (http, url, token, body) = (
            hub.http.clone(),
            hub.url.clone(),
            hub.admin_token.clone(),
            body.clone(),
        );
        tokio::spawn(async move {
            http.post(format!("{url}/api/v1/submissions"))
                .bearer_auth(token)
                .header("content-type", "application/json")
                .header("idempotency-key", "gone-client")
                .body(body)
                .send()
                .await
        })
    };
    keys::wait_for(&hub, "gone-client", &[Some("IN_FLIGHT"), Some("DONE")]).await;
    client.abort(); // the client goes away mid-request
    let after = keys::wait_for(&hub, "gone-client", &[None, Some("DONE")]).await;
    assert_eq!(after, None, "the dropped request released its claim");
    let (status, receipt) = hub
        .submit_with(
            Some(&hub.admin_token),
            body.clone(),
            "",
            &[("idempotency-key", "gone-client")],
        )
        .await;
    assert_eq!(status, 201, "{receipt:#}");
    assert_eq!(receipt["replayed"], false);
    assert_eq!(keys::stored(&hub).await, 1);
    // And the key now replays that response.
    let (status, receipt) = hub
        .submit_with(
            Some(&hub.admin_token),
            body,
            "",
            &[("idempotency-key", "gone-client")],
        )
        .await;
    assert_eq!((status, receipt["replayed"].as_bool()), (201, Some(true)));
    assert_eq!(keys::stored(&hub).await, 1, "stored exactly once");
}

#[tokio::test]
async fn a_request_dropped_the_moment_its_claim_is_stored_releases_it() {
    use std::future::Future;
    use std::task::{Context, Poll, Waker};

    let hub =
        TestHub::start_with(|c| c.idempotency_lease = std::time::Duration::from_secs(3600)).await;
    let (principal, _) = hub.app.authenticate(&hub.admin_token).await.unwrap();
    let caller = hub_app::Caller::token(principal.expect("the admin token is valid"));
    let body = keys::slow_document().to_string();
    let mut submission = Box::pin(hub.app.submit(
        &caller,
        hub_app::submissions::SubmitRequest {
            body: body.as_bytes(),
            content: hub_app::submissions::Content::Json,
            expected: None,
            options: hub_ingest::Options::default(),
            idempotency_key: Some("dropped-at-claim"),
        },
    ));
    // Polled by hand: between two polls the database may store the claim while the request
    // has not yet seen its answer. It is dropped right then, as a server drops the handler
    // of a client that went away.
    let mut context = Context::from_waker(Waker::noop());
    let mut seen = None;
    for _ in 0..30_000 {
        if let Poll::Ready(outcome) = submission.as_mut().poll(&mut context) {
            panic!("the submission ended before its claim was seen: {outcome:?}");
        }
        seen = keys::state_in(&hub.db, "dropped-at-claim").await;
        if seen.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(1)).await;
    }
    assert_eq!(seen.as_deref(), Some("IN_FLIGHT"), "the claim was stored");
    drop(submission);
    let after = keys::wait_for(&hub, "dropped-at-claim", &[None]).await;
    assert_eq!(after, None, "the dropped request released its claim");
}

#[tokio::test]
async fn a_claim_whose_lease_ran_out_is_taken_over_by_one_retry_only() {
    let hub =
        TestHub::start_with(|c| c.idempotency_lease = std::time::Duration::from_secs(1)).await;
    let document = kpi_report("2026-Q2", 1);
    let fingerprint = hub_ingest::pipeline::request_fingerprint(
        document.to_string().as_bytes(),
        Some(&document),
        hub_ingest::Options::default(),
    );
    let admin = hub
        .count("SELECT id AS n FROM access_token WHERE label = 'initial-admin'")
        .await;
    // The claim a killed process left behind: its lease ran out a minute ago.
    hub.sql(&format!(
        "INSERT INTO idempotency_key (caller, key, request_hash, state, created_at, owner, lease_until)
         VALUES ('{admin}', 'orphan', '{fingerprint}', 'IN_FLIGHT', '2026-01-01 00:00:00+00', 'dead-owner', '2026-01-01 00:01:00+00')"
    ))
    .await;
    let attempts = (0..4).map(|_| {
        hub.submit_with(
            Some(&hub.admin_token),
            document.to_string(),
            "",
            &[("idempotency-key", "orphan")],
        )
    });
    let outcomes = futures::future::join_all(attempts).await;
    let fresh = outcomes
        .iter()
        .filter(|(status, body)| *status == 201 && body["replayed"] == false)
        .count();
    assert_eq!(fresh, 1, "one attempt took the key over: {outcomes:#?}");
    for (status, body) in &outcomes {
        assert!(
            *status == 201 || (*status == 409 && body["error"]["code"] == "CONFLICT"),
            "{status}: {body:#}"
        );
    }
    assert_eq!(keys::stored(&hub).await, 1);
    assert_eq!(keys::state(&hub, "orphan").await.as_deref(), Some("DONE"));
}

#[tokio::test]
async fn a_key_held_by_a_killed_process_is_taken_over_after_its_lease() {
    use crate::support::process::{HubProcess, prepare_database};
    use sea_orm::ConnectionTrait;
    let database = crate::support::TestDatabase::create().await;
    let token = prepare_database(&database.url).await;
    let lease = [("HUB_IDEMPOTENCY_LEASE_SECS", "1")];
    let hub = HubProcess::start(&database.url, &lease).await;
    let db = sea_orm::Database::connect(database.url.as_str())
        .await
        .unwrap();
    let body = keys::slow_document().to_string();
    let submit = |url: String, body: String, token: String| async move {
        let response = reqwest::Client::new()
            .post(format!("{url}/api/v1/submissions"))
            .bearer_auth(token)
            .header("content-type", "application/json")
            .header("idempotency-key", "killed")
            .body(body)
            .send()
            .await?;
        let status = response.status().as_u16();
        let body: Value = response.json().await?;
        Ok::<_, reqwest::Error>((status, body))
    };
    let first = tokio::spawn(submit(hub.url.clone(), body.clone(), token.clone()));
    keys::wait_in(&db, "killed", &[Some("IN_FLIGHT"), Some("DONE")]).await;
    hub.kill9().await;
    assert!(
        first.await.unwrap().is_err(),
        "the first request died with the process"
    );
    assert_eq!(
        keys::state_in(&db, "killed").await.as_deref(),
        Some("IN_FLIGHT"),
        "nobody was left to release the claim"
    );
    // A new process on the same database: the retry waits out the lease, then takes over.
    let hub = HubProcess::start(&database.url, &lease).await;
    let mut outcome = None;
    for _ in 0..300 {
        let (status, receipt) = submit(hub.url.clone(), body.clone(), token.clone())
            .await
            .unwrap();
        if status != 409 {
            outcome = Some((status, receipt));
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let (status, receipt) = outcome.expect("the key is taken over once its lease is over");
    assert_eq!(status, 201, "{receipt:#}");
    assert_eq!(receipt["replayed"], false);
    let stored = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM submission".to_owned(),
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get::<i64>("", "n")
        .unwrap();
    assert_eq!(stored, 1, "stored exactly once");
    assert_eq!(keys::state_in(&db, "killed").await.as_deref(), Some("DONE"));
    db.close().await.ok();
}

// ---- governance data that is not public ----

#[tokio::test]
async fn anonymous_callers_see_approved_plans_and_task_force_names_only() {
    let hub = TestHub::start().await;
    let romt = hub.token("ROMT", &["--agency", "RCO"]).await;
    let rcp = hub.token("RCP", &["--agency", "UNDP"]).await;
    let plan = |title: &str| {
        json!({ "input": { "year": 2027, "title": title, "activities": [
            { "code": "A1", "title": "Joint LTA", "serviceLine": "PROCUREMENT", "leadAgency": "UNDP",
              "required": "1000", "available": "0", "startQuarter": "2027-Q1", "endQuarter": "2027-Q4" } ] } })
    };
    let create = "mutation($input: WorkPlanInput!) { createWorkPlan(input: $input) { id } }";
    let submit = "mutation($id: ID!) { submitWorkPlan(id: $id, expectedVersion: 1) { id } }";
    let mut ids = Vec::new();
    for title in ["Draft plan", "Approved plan", "Returned plan"] {
        let data = hub.query_ok(Some(&romt), create, plan(title)).await;
        ids.push(data["createWorkPlan"]["id"].as_str().unwrap().to_owned());
    }
    for id in &ids[1..] {
        hub.query_ok(Some(&romt), submit, json!({ "id": id })).await;
    }
    hub.query_ok(
        Some(&rcp),
        "mutation($id: ID!) { approveWorkPlan(id: $id, expectedVersion: 2) { id } }",
        json!({ "id": ids[1] }),
    )
    .await;
    hub.query_ok(
        Some(&rcp),
        "mutation($id: ID!) { returnWorkPlan(id: $id, expectedVersion: 2, comment: \"Phase it\") { id } }",
        json!({ "id": ids[2] }),
    )
    .await;

    let plans = "{ workPlans { title status } }";
    let anonymous = hub.query_ok(None, plans, json!({})).await;
    assert_eq!(
        anonymous["workPlans"],
        json!([{ "title": "Approved plan", "status": "APPROVED" }])
    );
    let with_token = hub.query_ok(Some(&romt), plans, json!({})).await;
    assert_eq!(with_token["workPlans"].as_array().unwrap().len(), 3);
    let one = "query($id: ID!) { workPlan(id: $id) { title } }";
    for (id, visible) in [(&ids[0], false), (&ids[1], true), (&ids[2], false)] {
        let data = hub.query_ok(None, one, json!({ "id": id })).await;
        assert_eq!(data["workPlan"].is_null(), !visible, "{id}: {data}");
    }
    // Who did what, and earlier versions, need a token even on an approved plan.
    for field in [
        "history { actor }",
        "versions { version }",
        "diff(from: 1, to: 2) { added }",
    ] {
        let query = format!("query($id: ID!) {{ workPlan(id: $id) {{ title {field} }} }}");
        let body = hub.graphql(None, &query, json!({ "id": ids[1] })).await;
        assert_eq!(error_code(&body), "UNAUTHENTICATED", "{field}: {body:#}");
        hub.query_ok(Some(&rcp), &query, json!({ "id": ids[1] }))
            .await;
    }

    // Task forces: names for everyone, members' names for tokens.
    hub.query_ok(Some(&romt), r#"mutation { createTaskForce(input: { code: "TF-PROC", name: "Procurement", purpose: "Joint tenders", chairAgency: "UNDP", coChairAgency: "WFP", startDate: "2026-01-01", endDate: "2027-12-31" }) { code } }"#, json!({})).await;
    hub.query_ok(Some(&romt), r#"mutation { addTaskForceMember(code: "TF-PROC", input: { agency: "UNDP", name: "Ana Pérez", role: "Chair" }) { code } }"#, json!({})).await;
    let names = hub
        .query_ok(None, "{ taskForces { code name chairAgency } }", json!({}))
        .await;
    assert_eq!(names["taskForces"][0]["name"], "Procurement");
    let body = hub
        .graphql(None, "{ taskForces { code members { name } } }", json!({}))
        .await;
    assert_eq!(error_code(&body), "UNAUTHENTICATED");
    assert!(!body.to_string().contains("Ana Pérez"));
    let members = hub
        .query_ok(Some(&rcp), "{ taskForces { members { name } } }", json!({}))
        .await;
    assert_eq!(members["taskForces"][0]["members"][0]["name"], "Ana Pérez");

    // Action items: the person responsible is for tokens only.
    let meeting = hub.query_ok(Some(&romt), r#"mutation { scheduleMeeting(input: { body: RCP, date: "2026-11-11", title: "RCP", memberAgencies: ["UNDP", "WFP"] }) { id } }"#, json!({})).await;
    hub.query_ok(
        Some(&romt),
        "mutation($m: ID!) { addActionItem(meetingId: $m, input: { description: \"Share the study\", responsibleAgency: \"UNDP\", responsiblePerson: \"Ana Pérez\", deadline: \"2026-12-31\" }) { id } }",
        json!({ "m": meeting["scheduleMeeting"]["id"] }),
    )
    .await;
    let items = "{ actionItems { responsibleAgency responsiblePerson } meetings { actionItems { responsiblePerson } } }";
    let anonymous = hub.query_ok(None, items, json!({})).await;
    assert_eq!(
        anonymous["actionItems"][0],
        json!({ "responsibleAgency": "UNDP", "responsiblePerson": null })
    );
    assert!(anonymous["meetings"][0]["actionItems"][0]["responsiblePerson"].is_null());
    let with_token = hub.query_ok(Some(&rcp), items, json!({})).await;
    assert_eq!(
        with_token["actionItems"][0]["responsiblePerson"],
        "Ana Pérez"
    );
}
