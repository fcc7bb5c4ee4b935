//! The web application (DESIGN §15) over HTTP: what anonymous pages may show, sessions and
//! CSRF, governance actions from forms, Spanish pages, the explorer, downloads with a session,
//! and a workbook sent from the page. The browser suite (`tests/browser`) drives the same pages
//! in Chromium.

use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;
use std::sync::Mutex;

use calamine::Data;
use hub_domain::Decimal;
use serde_json::{Value, json};

use crate::support::TestHub;
use crate::support::docs::bos;
use crate::support::workbook::Book;

const CSP: &str = "default-src 'self'; connect-src 'self'; frame-ancestors 'none'; \
     base-uri 'none'; form-action 'self'; object-src 'none'";

async fn demo_hub() -> TestHub {
    TestHub::start_with(|c| c.seed = hub_app::config::SeedMode::Demo).await
}

/// A browser of its own: keeps its cookies, follows no redirect (tests look at them).
#[derive(Debug, Default)]
struct Browser {
    http: reqwest::Client,
    cookies: Mutex<BTreeMap<String, String>>,
}

impl Browser {
    fn new() -> Self {
        Browser {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            cookies: Mutex::default(),
        }
    }

    fn cookie_header(&self) -> String {
        let jar = self.cookies.lock().unwrap();
        jar.iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> reqwest::Response {
        let response = request
            .header("cookie", self.cookie_header())
            .send()
            .await
            .unwrap();
        let mut jar = self.cookies.lock().unwrap();
        for value in response.headers().get_all("set-cookie") {
            let text = value.to_str().unwrap();
            let pair = text.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            if text.contains("Max-Age=0") {
                jar.remove(name);
            } else {
                jar.insert(name.to_owned(), value.to_owned());
            }
        }
        response
    }

    fn get(&self, url: String) -> reqwest::RequestBuilder {
        self.http.get(url)
    }

    fn post(&self, url: String) -> reqwest::RequestBuilder {
        self.http.post(url)
    }
}

fn browser() -> Browser {
    Browser::new()
}

async fn page(client: &Browser, hub: &TestHub, path: &str) -> (u16, String) {
    let response = client.send(client.get(format!("{}{path}", hub.url))).await;
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

/// Signs `client` in with `token` through the form; returns the session's CSRF secret.
async fn sign_in(client: &Browser, hub: &TestHub, token: &str) -> String {
    let response = client
        .send(
            client
                .post(format!("{}/login", hub.url))
                .form(&[("token", token), ("next", "/")]),
        )
        .await;
    assert_eq!(response.status(), 303, "{}", response.text().await.unwrap());
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.starts_with("romt_session=rhs_"), "{cookie}");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let (_, html) = page(client, hub, "/").await;
    csrf_of(&html)
}

fn csrf_of(html: &str) -> String {
    let at = html
        .find("name=\"csrf\" value=\"")
        .expect("a form with a CSRF field");
    let rest = &html[at + "name=\"csrf\" value=\"".len()..];
    rest[..rest.find('"').unwrap()].to_owned()
}

/// Every `<data value="...">` of a page: the exact figures it shows.
fn figures(html: &str) -> Vec<Decimal> {
    html.match_indices("<data value=\"")
        .filter_map(|(at, m)| {
            let rest = &html[at + m.len()..];
            Decimal::from_str(&rest[..rest.find('"')?]).ok()
        })
        .map(|d| d.normalize())
        .collect()
}

/// Every number in a JSON answer (Decimals arrive as strings).
fn numbers(value: &Value, out: &mut BTreeSet<Decimal>) {
    match value {
        Value::Number(n) => {
            if let Ok(d) = Decimal::from_str(&n.to_string()) {
                out.insert(d.normalize());
            }
        }
        Value::String(s) => {
            if let Ok(d) = Decimal::from_str(s) {
                out.insert(d.normalize());
            }
        }
        Value::Array(items) => items.iter().for_each(|v| numbers(v, out)),
        Value::Object(map) => map.values().for_each(|v| numbers(v, out)),
        _ => {}
    }
}

const DASHBOARD: &str = "query($year: Int!) { dashboard(year: $year) { costAvoidanceUsd
    plannedCostAvoidanceUsd realizationRate realizationRateDue realizationRateReported
    commonServicesActive completeness expectedCountries
    reportingCountries byServiceLine { costAvoidanceUsd plannedCostAvoidanceUsd realizationRate
    commonServices } byCountry { country costAvoidanceUsd plannedCostAvoidanceUsd realizationRate
    realizationRateDue realizationRateReported
    commonServicesActive quartersReported quartersDue } dataQuality { count } } }";

const KPI: &str =
    "query($kpi: String!, $period: String!) { regionalKpi(kpi: $kpi, period: $period) {
    value reportingCountries expectedCountries completeness byCountry { value baseline target
    progress } } }";

const SERIES: &str = "query($kpi: String!, $from: String!, $to: String!) {
    kpiSeries(kpi: $kpi, from: $from, to: $to) { value } }";

const COUNTRY: &str = "query($code: String!, $period: String!) { country(code: $code) {
    values(period: $period) { value reportedValue } } }";

/// The numbers the anonymous API gives for what the anonymous pages show.
async fn anonymous_answers(
    hub: &TestHub,
    kpis: &[String],
    countries: &[String],
) -> BTreeSet<Decimal> {
    let mut out = BTreeSet::new();
    let this_year = chrono::Utc::now()
        .format("%Y")
        .to_string()
        .parse::<i32>()
        .unwrap();
    for year in this_year - 4..=this_year {
        numbers(
            &hub.query_ok(None, DASHBOARD, json!({ "year": year })).await,
            &mut out,
        );
        for kpi in kpis {
            let vars = json!({ "kpi": kpi, "period": year.to_string() });
            numbers(&hub.query_ok(None, KPI, vars).await, &mut out);
            let vars = json!({ "kpi": kpi, "from": format!("{}-Q1", year - 1), "to": format!("{year}-Q4") });
            numbers(&hub.query_ok(None, SERIES, vars).await, &mut out);
        }
        for code in countries {
            for q in 1..=4 {
                let vars = json!({ "code": code, "period": format!("{year}-Q{q}") });
                numbers(&hub.query_ok(None, COUNTRY, vars).await, &mut out);
            }
        }
    }
    out
}

#[tokio::test]
async fn anonymous_pages_show_only_numbers_the_anonymous_api_gives() {
    let hub = demo_hub().await;
    let data = hub
        .query_ok(None, "{ kpis { code } countries { code } }", json!({}))
        .await;
    let kpis: Vec<String> = data["kpis"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["code"].as_str().unwrap().to_owned())
        .collect();
    let countries: Vec<String> = data["countries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap().to_owned())
        .collect();
    let mut paths = vec!["/".to_owned(), "/?year=2026".to_owned(), "/kpis".to_owned()];
    paths.extend(kpis.iter().map(|k| format!("/kpis/{k}?year=2025")));
    paths.extend(countries.iter().map(|c| format!("/countries/{c}")));
    let allowed = anonymous_answers(&hub, &kpis, &countries).await;

    let anonymous = browser();
    let mut shown = 0;
    for path in &paths {
        let (status, html) = page(&anonymous, &hub, path).await;
        assert_eq!(status, 200, "{path}");
        for figure in figures(&html) {
            shown += 1;
            assert!(
                allowed.contains(&figure),
                "{path} shows {figure}, which the anonymous API does not give"
            );
        }
    }
    assert!(shown > 100, "the anonymous pages show figures ({shown})");

    // The same pages signed in show figures the anonymous ones may not: the comparison above
    // would catch a page that ignored the viewer's clearance.
    let admin = browser();
    sign_in(&admin, &hub, &hub.admin_token).await;
    let mut restricted = 0;
    for path in &paths {
        let (_, html) = page(&admin, &hub, path).await;
        restricted += figures(&html)
            .iter()
            .filter(|f| !allowed.contains(f))
            .count();
    }
    assert!(restricted > 0, "signed in, internal figures appear");
}

#[tokio::test]
async fn the_overview_is_served_in_spanish_with_spanish_numbers_and_the_choice_is_remembered() {
    let hub = demo_hub().await;
    let client = browser();
    let response = client
        .send(client.get(format!("{}/?lang=es", hub.url)))
        .await;
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.starts_with("romt_lang=es"), "{cookie}");
    let html = response.text().await.unwrap();
    assert!(html.contains("<html lang=\"es\">"));
    assert!(html.contains("Resumen regional"));
    let spanish_amount = html.match_indices(">USD ").any(|(at, m)| {
        let digits: String = html[at + m.len()..]
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        digits.contains('.') && !html[at + m.len() + digits.len()..].starts_with(',')
    });
    assert!(spanish_amount, "amounts group thousands with points");
    assert!(html.contains("<svg"), "the overview draws its charts");
    // Without ?lang the cookie keeps Spanish; Accept-Language decides for a new visitor.
    let (_, kpis) = page(&client, &hub, "/kpis").await;
    assert!(kpis.contains("<html lang=\"es\">") && kpis.contains("Indicadores"));
    let fresh = hub
        .http
        .get(format!("{}/kpis", hub.url))
        .header("accept-language", "es-CO,es;q=0.9,en;q=0.5")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(fresh.contains("<html lang=\"es\">"));
}

#[tokio::test]
async fn pages_carry_a_strict_csp_and_load_nothing_from_elsewhere() {
    let hub = demo_hub().await;
    for path in [
        "/",
        "/kpis",
        "/countries",
        "/countries/COL",
        "/submissions",
        "/governance/workplans",
        "/governance/taskforces",
        "/governance/meetings",
        "/exports",
        "/login",
    ] {
        let response = hub
            .http
            .get(format!("{}{path}", hub.url))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(response.headers()["content-security-policy"], CSP, "{path}");
        assert_eq!(response.headers()["x-frame-options"], "DENY");
        let html = response.text().await.unwrap();
        for external in [
            "src=\"http",
            "href=\"http",
            "src=\"//",
            "href=\"//",
            "@import",
            "url(http",
        ] {
            assert!(
                !html.contains(external),
                "{path}: external asset {external}"
            );
        }
        assert!(
            !html.contains(" style=\""),
            "{path}: inline style (the CSP forbids it)"
        );
        assert!(
            !html.contains("<script>"),
            "{path}: inline script (the CSP forbids it)"
        );
        assert!(
            html.starts_with("<!DOCTYPE html><html lang=\"en\">"),
            "{path}"
        );
    }
    let css = hub
        .http
        .get(format!("{}/assets/app.css", hub.url))
        .send()
        .await
        .unwrap();
    assert_eq!(css.status(), 200);
    assert!(
        css.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
}

#[tokio::test]
async fn a_session_is_opened_with_a_token_shown_in_the_header_and_ended_by_signing_out() {
    let hub = demo_hub().await;
    let token = hub.token("RCP", &["--agency", "UNDP"]).await;
    let client = browser();
    let refused = client
        .send(
            client
                .post(format!("{}/login", hub.url))
                .form(&[("token", "rhub_not-a-token")]),
        )
        .await;
    assert_eq!(refused.status(), 401);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("unknown or was revoked")
    );

    let csrf = sign_in(&client, &hub, &token).await;
    let (_, html) = page(&client, &hub, "/governance/workplans").await;
    assert!(
        html.contains("RCP member") && html.contains(" · UNDP"),
        "role and agency in the header"
    );
    assert!(html.contains("Awaiting your decision"));

    let forged = client
        .send(
            client
                .post(format!("{}/logout", hub.url))
                .form(&[("csrf", "forged")]),
        )
        .await;
    assert_eq!(
        forged.status(),
        403,
        "a sign-out without the CSRF secret is refused"
    );
    let out = client
        .send(
            client
                .post(format!("{}/logout", hub.url))
                .form(&[("csrf", csrf.as_str())]),
        )
        .await;
    assert_eq!(out.status(), 303);
    assert!(
        out.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    let (_, html) = page(&client, &hub, "/governance/workplans").await;
    assert!(!html.contains("RCP member"), "signed out");
}

#[tokio::test]
async fn revoking_a_token_ends_its_sessions_at_once() {
    let hub = demo_hub().await;
    let created = hub
        .cli(&[
            "token", "create", "--role", "ROMT", "--agency", "RCO", "--label", "web-romt",
        ])
        .await;
    let token = crate::support::hub::stdout(&created).trim().to_owned();
    let client = browser();
    sign_in(&client, &hub, &token).await;
    let (_, html) = page(&client, &hub, "/governance/workplans").await;
    assert!(html.contains("Draft a new plan"));
    assert!(
        hub.cli(&["token", "revoke", "web-romt"])
            .await
            .status
            .success()
    );
    let (_, html) = page(&client, &hub, "/governance/workplans").await;
    assert!(
        !html.contains("Draft a new plan"),
        "the session ended with its token"
    );
    assert!(html.contains("Your session has ended"));
}

/// The 2026 demo plan: its id and version.
async fn plan_2026(hub: &TestHub) -> (String, i64) {
    let data = hub
        .query_ok(
            Some(&hub.admin_token),
            "{ workPlans(year: 2026) { id version status } }",
            json!({}),
        )
        .await;
    let plan = &data["workPlans"][0];
    assert_eq!(plan["status"], "SUBMITTED");
    (
        plan["id"].as_str().unwrap().to_owned(),
        plan["version"].as_i64().unwrap(),
    )
}

async fn act(
    client: &Browser,
    hub: &TestHub,
    plan: &str,
    action: &str,
    form: &[(&str, &str)],
) -> (u16, String) {
    let response = client
        .send(
            client
                .post(format!("{}/governance/workplans/{plan}/{action}", hub.url))
                .form(form),
        )
        .await;
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

#[tokio::test]
async fn an_rcp_member_approves_the_plan_from_its_page_and_the_history_names_the_agency() {
    let hub = demo_hub().await;
    let token = hub.token("RCP", &["--agency", "UNDP"]).await;
    let client = browser();
    let csrf = sign_in(&client, &hub, &token).await;
    let (id, version) = plan_2026(&hub).await;
    let (status, html) = page(&client, &hub, &format!("/governance/workplans/{id}")).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("What changed"),
        "the diff against the previous content"
    );
    assert!(
        html.contains("<ins>Added: <code>WP2026-LOG-01</code></ins>"),
        "{html}"
    );
    assert!(html.contains("action=\"/governance/workplans/") && html.contains("/approve\""));

    let version = version.to_string();
    let (status, _) = act(
        &client,
        &hub,
        &id,
        "approve",
        &[
            ("csrf", &csrf),
            ("expected", &version),
            ("comment", "Agreed by UNDP"),
        ],
    )
    .await;
    assert_eq!(status, 303);
    let (_, html) = page(
        &client,
        &hub,
        &format!("/governance/workplans/{id}?done=approve"),
    )
    .await;
    assert!(html.contains("Your approval was recorded."));
    let history = &html[html.find("<h2>History</h2>").unwrap()..];
    let row = history
        .split("<tr>")
        .find(|row| row.contains("Approved</td>"))
        .expect("an approval row");
    assert!(
        row.contains("<td>UNDP</td>") && row.contains("Agreed by UNDP"),
        "{row}"
    );
    let data = hub
        .query_ok(
            Some(&hub.admin_token),
            "{ workPlans(year: 2026) { status approvals { agency } } }",
            json!({}),
        )
        .await;
    assert_eq!(data["workPlans"][0]["status"], "APPROVED");
    assert_eq!(data["workPlans"][0]["approvals"][0]["agency"], "UNDP");
}

#[tokio::test]
async fn a_return_without_a_comment_is_refused_and_a_stale_version_reads_as_a_conflict() {
    let hub = demo_hub().await;
    let token = hub.token("RCP", &["--agency", "UNICEF"]).await;
    let client = browser();
    let csrf = sign_in(&client, &hub, &token).await;
    let (id, version) = plan_2026(&hub).await;
    let current = version.to_string();
    let (status, html) = act(
        &client,
        &hub,
        &id,
        "return",
        &[("csrf", &csrf), ("expected", &current), ("comment", "  ")],
    )
    .await;
    assert_eq!(status, 400);
    assert!(html.contains("A return needs a comment saying what to change."));
    let stale = (version - 1).to_string();
    let (status, html) = act(
        &client,
        &hub,
        &id,
        "approve",
        &[("csrf", &csrf), ("expected", &stale)],
    )
    .await;
    assert_eq!(status, 409);
    assert!(html.contains("This plan changed since you opened it."));
    assert!(html.contains(&format!(
        "<a class=\"button\" href=\"/governance/workplans/{id}\">Reload the plan</a>"
    )));
    let (status, _) = act(
        &client,
        &hub,
        &id,
        "approve",
        &[("csrf", "forged"), ("expected", &current)],
    )
    .await;
    assert_eq!(
        status, 403,
        "a write without the session's CSRF secret is refused"
    );
    assert_eq!(plan_2026(&hub).await.1, version, "nothing changed");
}

#[tokio::test]
async fn the_romt_drafts_a_plan_and_edits_its_activities_one_at_a_time() {
    let hub = demo_hub().await;
    let token = hub.token("ROMT", &["--agency", "RCO"]).await;
    let client = browser();
    let csrf = sign_in(&client, &hub, &token).await;
    let created = client
        .send(
            client
                .post(format!("{}/governance/workplans", hub.url))
                .form(&[
                    ("csrf", csrf.as_str()),
                    ("year", "2027"),
                    ("title", "ROMT annual work plan 2027"),
                ]),
        )
        .await;
    assert_eq!(created.status(), 303);
    let location = created.headers()["location"].to_str().unwrap().to_owned();
    let id = location
        .trim_start_matches("/governance/workplans/")
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let activity = |code: &'static str, required: &'static str, expected: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("expected", expected.to_owned()),
            ("code", code.to_owned()),
            ("title", "Joint fleet".to_owned()),
            ("service_line", "LOGISTICS".to_owned()),
            ("task_force", "TF-PROC".to_owned()),
            ("lead_agency", "wfp".to_owned()),
            ("participating_agencies", "UNICEF, UNHCR".to_owned()),
            ("required", required.to_owned()),
            ("available", "1000".to_owned()),
            ("start_quarter", "2027-Q1".to_owned()),
            ("end_quarter", "2027-Q3".to_owned()),
            ("status", "PLANNED".to_owned()),
            ("progress", "0".to_owned()),
            ("kpi_1", String::new()),
            ("target_1", String::new()),
        ]
    };
    let post = |path: String, form: Vec<(&'static str, String)>| {
        let request = client.post(format!("{}{path}", hub.url)).form(&form);
        client.send(request)
    };
    let added = post(
        format!("/governance/workplans/{id}/activities/new"),
        activity("WP2027-LOG-01", "5000", "1"),
    )
    .await;
    assert_eq!(added.status(), 303);
    let refused = post(
        format!("/governance/workplans/{id}/activities/WP2027-LOG-01"),
        activity("WP2027-LOG-01", "lots", "2"),
    )
    .await;
    assert_eq!(refused.status(), 400);
    let body = refused.text().await.unwrap();
    assert!(
        body.contains("is not a number") && body.contains("value=\"lots\""),
        "the form comes back as typed"
    );
    let edited = post(
        format!("/governance/workplans/{id}/activities/WP2027-LOG-01"),
        activity("WP2027-LOG-01", "7500", "2"),
    )
    .await;
    assert_eq!(edited.status(), 303);
    let data = hub
        .query_ok(
            Some(&hub.admin_token),
            "query($id: ID!) { workPlan(id: $id) { version activities {
            code leadAgency participatingAgencies budget { required } } } }",
            json!({ "id": id }),
        )
        .await;
    let plan = &data["workPlan"];
    assert_eq!(plan["version"], 3);
    assert_eq!(plan["activities"][0]["leadAgency"], "WFP");
    assert_eq!(
        plan["activities"][0]["participatingAgencies"],
        json!(["UNICEF", "UNHCR"])
    );
    assert_eq!(plan["activities"][0]["budget"]["required"], "7500");
}

#[tokio::test]
async fn browsers_get_the_graphql_explorer_from_the_hubs_own_assets() {
    let hub = TestHub::start().await;
    let response = hub
        .http
        .get(format!("{}/graphql", hub.url))
        .header("accept", "text/html,application/xhtml+xml")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.starts_with("default-src 'self'") && !csp.contains("unsafe"),
        "{csp}"
    );
    let html = response.text().await.unwrap();
    assert!(html.contains("id=\"graphiql\""));
    let script = html
        .split("src=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    assert!(script.starts_with("/assets/graphiql/"), "{script}");
    let asset = hub
        .http
        .get(format!("{}{script}", hub.url))
        .send()
        .await
        .unwrap();
    assert_eq!(asset.status(), 200);
    assert!(
        asset.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    // A GraphQL client asking for JSON still gets GraphQL.
    let body = hub.query_ok(None, "{ kpis { code } }", json!({})).await;
    assert!(body["kpis"].as_array().is_some());
}

#[tokio::test]
async fn downloads_linked_from_the_exports_page_hold_what_the_session_may_see() {
    let hub = demo_hub().await;
    let anonymous = browser();
    let (_, html) = page(&anonymous, &hub, "/exports").await;
    let link = html
        .match_indices("href=\"/api/v1/exports/values?")
        .map(|(at, _)| {
            let rest = &html[at + 6..];
            rest[..rest.find('"').unwrap()].replace("&amp;", "&")
        })
        .find(|l| l.contains("format=csv"))
        .expect("a CSV link to the values");
    let url = format!("{}{link}", hub.url);
    let rows = async |client: &Browser| {
        let response = client.send(client.get(url.clone())).await;
        assert_eq!(response.status(), 200);
        response.text().await.unwrap().lines().count()
    };
    let public = rows(&anonymous).await;
    let analyst = browser();
    let token = hub.token("ANALYST", &[]).await;
    sign_in(&analyst, &hub, &token).await;
    let internal = rows(&analyst).await;
    assert!(
        internal > public,
        "the session's clearance applies ({internal} > {public})"
    );
}

#[tokio::test]
async fn a_country_officer_sends_a_workbook_from_the_page_and_reads_each_problem_in_spanish() {
    let hub = TestHub::start().await;
    hub.submit_ok(&bos(1)).await;
    let token = hub.token("COUNTRY", &["--country", "COL"]).await;
    let client = browser();
    let csrf = sign_in(&client, &hub, &token).await;
    let template = client
        .send(client.get(format!(
            "{}/api/v1/templates/kpi-report?country=COL&period=2026-Q2&lang=es",
            hub.url
        )))
        .await;
    assert_eq!(
        template.status(),
        200,
        "the template link works with the session"
    );
    let mut book = Book::read(&template.bytes().await.unwrap());
    let row = book.push(
        "Values",
        &[
            ("kpi", Data::String("PROC.LEADTIME".into())),
            ("value", Data::String("doce".into())),
        ],
    );
    let col = u32::try_from(book.column("Values", "value")).unwrap();
    let cell = hub_domain::workbook::cell_ref("Values", u32::try_from(row).unwrap(), col);

    let boundary = "romt-test-boundary";
    let mut body = Vec::new();
    body.extend(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n")
            .as_bytes(),
    );
    body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"document\"; filename=\"COL-2026-Q2.xlsx\"\r\nContent-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n").as_bytes());
    body.extend(book.write());
    body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
    let response = client
        .send(
            client
                .post(format!("{}/submissions?lang=es", hub.url))
                .header(
                    "content-type",
                    format!("multipart/form-data; boundary={boundary}"),
                )
                .body(body),
        )
        .await;
    let status = response.status().as_u16();
    let html = response.text().await.unwrap();
    assert!(status < 500, "{status}");
    assert!(html.contains("<html lang=\"es\">"));
    assert!(html.contains("Acuse de recibo"));
    assert!(
        html.contains("Esta celda debe contener un número."),
        "the problem in Spanish"
    );
    assert!(
        html.contains(&format!("<td>{cell}</td>")),
        "the cell of the problem ({cell})"
    );
}
