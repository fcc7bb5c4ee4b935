//! The access policy, operation by operation: every operation of the application, called by a
//! holder of every role and by an anonymous caller, is refused exactly when the policy table of
//! DESIGN §10b says so, and every action of the table is guarded by some operation. The calls go
//! straight to `hub_app::App`, the one path every entry point takes.

use std::future::Future;
use std::pin::Pin;

use hub_app::exports::templates::{TemplateKind, TemplateRequest};
use hub_app::exports::{ExportFilters, ExportKind, ExportRequest};
use hub_app::governance::meetings::{ActionItemInput, MeetingChange, MeetingInput};
use hub_app::governance::taskforces::{TaskForceInput, TaskForceUpdate};
use hub_app::governance::workplans::{ActivityEdit, ActivityInput, PlanInput, PlanParts};
use hub_app::quality::OutlierQuery;
use hub_app::reference::{MappingRequest, RateInput};
use hub_app::sources::NewSource;
use hub_app::submissions::{Content, Options, SubmissionFilter, SubmissionParts, SubmitRequest};
use hub_app::tokens::TokenRequest;
use hub_app::{App, AppError, AppResult, Caller};
use hub_domain::Decimal;
use hub_domain::access::{Action, Role, Scope, authorize};
use hub_domain::catalogue::ServiceLine;
use hub_domain::codes::{AgencyCode, CountryCode};
use hub_domain::governance::{
    ActionStatus, ActivityStatus, DeliverableStatus, MeetingBody, ProgressRating,
};
use hub_domain::i18n::Lang;
use hub_domain::quality::{Importance, OutlierAlgorithm, RuleKind, ValidationRule};
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::TestHub;
use crate::support::docs::kpi_report;

/// What the operations of the matrix work on, made by the operator beforehand.
struct Fixture {
    plan: i64,
    submitted_plan: i64,
    deliverable: i64,
    meeting: i64,
    action_item: i64,
    source: i64,
    /// A stored value of COL 2026-Q1.
    value: i64,
    report: Vec<u8>,
}

type Run = for<'a> fn(
    &'a App,
    &'a Caller,
    &'a Fixture,
) -> Pin<Box<dyn Future<Output = AppResult<()>> + Send + 'a>>;

/// One operation of the application and the action of the policy it needs (`None`: open to
/// anyone; what is shown then depends on the caller's clearance).
struct Operation {
    name: &'static str,
    action: Option<Action>,
    run: Run,
}

macro_rules! op {
    ($name:literal, $action:expr, |$app:ident, $caller:ident, $fx:ident| $body:expr) => {
        Operation {
            name: $name,
            action: $action,
            run: |$app, $caller, $fx| Box::pin(async move { $body.map(drop) }),
        }
    };
}

fn activity(code: &str) -> ActivityInput {
    ActivityInput {
        code: code.to_owned(),
        title: "Joint travel LTA".to_owned(),
        service_line: ServiceLine::Procurement,
        task_force: None,
        lead_agency: "UNDP".to_owned(),
        participating_agencies: vec!["UNICEF".to_owned()],
        required: Decimal::from(100_000),
        available: Decimal::from(60_000),
        start_quarter: "2027-Q1".to_owned(),
        end_quarter: "2027-Q4".to_owned(),
        kpi_targets: vec![],
        status: ActivityStatus::Planned,
        progress: 0,
    }
}

fn plan() -> PlanInput {
    PlanInput {
        year: 2027,
        title: "ROMT annual work plan 2027".to_owned(),
        activities: vec![activity("A-PROC")],
    }
}

fn task_force(code: &str) -> TaskForceInput {
    TaskForceInput {
        code: code.to_owned(),
        name: "Procurement task force".to_owned(),
        purpose: "Joint LTAs".to_owned(),
        chair_agency: "UNDP".to_owned(),
        co_chair_agency: "UNICEF".to_owned(),
        start_date: "2026-01-01".to_owned(),
        end_date: "2027-12-31".to_owned(),
        tor_text: None,
        tor_approved_on: None,
    }
}

fn meeting() -> MeetingInput {
    MeetingInput {
        body: MeetingBody::Romt,
        date: "2027-03-10".to_owned(),
        title: "ROMT quarterly".to_owned(),
        member_agencies: vec!["UNDP".to_owned(), "UNICEF".to_owned()],
    }
}

fn action_item() -> ActionItemInput {
    ActionItemInput {
        description: "Share the LTA draft".to_owned(),
        responsible_agency: "UNDP".to_owned(),
        responsible_person: "Ana Pérez".to_owned(),
        deadline: "2027-04-10".to_owned(),
    }
}

/// Every operation of the application that takes a caller.
fn operations() -> Vec<Operation> {
    vec![
        // Submissions (DESIGN §5–§7).
        op!(
            "may_submit",
            Some(Action::SubmitDocuments),
            |app, caller, _fx| app.may_submit(caller)
        ),
        op!(
            "submit",
            Some(Action::SubmitDocuments),
            |app, caller, fx| app
                .submit(
                    caller,
                    SubmitRequest {
                        body: &fx.report,
                        content: Content::Json,
                        expected: None,
                        options: Options {
                            dry_run: true,
                            strict: false
                        },
                        idempotency_key: None
                    }
                )
                .await
        ),
        op!("submissions", None, |app, caller, _fx| app
            .submissions(
                caller,
                &SubmissionFilter::default(),
                10,
                SubmissionParts::ALL
            )
            .await),
        op!("submission", None, |app, caller, _fx| app
            .submission(caller, 1, SubmissionParts::ALL)
            .await),
        op!("current_bos", None, |app, caller, _fx| app
            .current_bos(caller, &["COL"], SubmissionParts::ALL)
            .await),
        op!("country_common_services", None, |app, caller, _fx| app
            .country_common_services(caller, "COL")
            .await),
        op!("country_values", None, |app, caller, _fx| app
            .country_values(caller, "COL", "2026")
            .await),
        op!("hub_feed", None, |app, caller, _fx| app
            .hub_feed(caller, None, 10)
            .await),
        // Figures (DESIGN §8).
        op!("regional_kpi", None, |app, caller, _fx| app
            .regional_kpi(caller, "CA", "2026", None, None)
            .await),
        op!("kpi_series", None, |app, caller, _fx| app
            .kpi_series(caller, "CA", "2026-Q1", "2026-Q2", None)
            .await),
        op!("dashboard", None, |app, caller, _fx| app
            .dashboard(caller, 2026, None, None, None)
            .await),
        op!("completeness", None, |app, caller, _fx| app
            .completeness(caller, "2026-Q1", "2026-Q2")
            .await),
        // Exports and templates (DESIGN §13, §14): open; what they hold follows clearance.
        op!("export", None, |app, caller, fx| async {
            let download = app
                .export(
                    caller,
                    ExportRequest {
                        kind: ExportKind::WorkPlan(fx.plan),
                        format: Some("csv".into()),
                        accept: None,
                        lang: Lang::En,
                        filters: ExportFilters::default(),
                    },
                )
                .await?;
            download.body.collect().await
        }
        .await),
        op!("template", None, |app, caller, _fx| app
            .template(
                caller,
                TemplateRequest {
                    kind: TemplateKind::Bos,
                    country: "COL".into(),
                    lang: Lang::Es,
                }
            )
            .await),
        // Reference data ingestion harmonizes with.
        op!(
            "upsert_exchange_rates",
            Some(Action::ManageRates),
            |app, caller, _fx| app
                .upsert_exchange_rates(
                    caller,
                    &[RateInput {
                        currency: "COP".into(),
                        month: "2026-01".into(),
                        rate: Decimal::from(4000)
                    }],
                    "test"
                )
                .await
        ),
        op!(
            "seed_reference",
            Some(Action::ManageRates),
            |app, caller, _fx| app.seed_reference(caller).await
        ),
        op!("seed", Some(Action::ManageRates), |app, caller, _fx| app
            .seed(caller, hub_app::config::SeedMode::Reference)
            .await
            .map_err(|e| match e {
                hub_app::startup::StartupError::Seed(e) => e,
                other => AppError::internal(other),
            })),
        op!(
            "upsert_kpi_mapping",
            Some(Action::ManageMappings),
            |app, caller, _fx| app
                .upsert_kpi_mapping(
                    caller,
                    MappingRequest {
                        country: "COL".into(),
                        local_code: "L.CA".into(),
                        kpi: "CA".into(),
                        factor: Decimal::ONE,
                        offset: Decimal::ZERO
                    }
                )
                .await
        ),
        op!(
            "lock_period",
            Some(Action::LockPeriods),
            |app, caller, _fx| app.lock_period(caller, "2019-Q1").await
        ),
        // Data quality (DESIGN §16): outliers and the report are open, what they judge follows
        // clearance; follow-ups and bounds are ROMT's and ADMIN's, the rules ADMIN's.
        op!("outliers", None, |app, caller, _fx| app
            .outliers(
                caller,
                &OutlierQuery {
                    kpi: "CA".into(),
                    from: "2025".into(),
                    to: "2026".into(),
                    algorithm: OutlierAlgorithm::ZScore,
                    threshold: None,
                    max_results: None
                }
            )
            .await),
        op!("data_quality_report", None, |app, caller, _fx| app
            .data_quality_report(caller, 2026)
            .await),
        op!(
            "mark_follow_up",
            Some(Action::ReviewDataQuality),
            |app, caller, fx| app.mark_follow_up(caller, fx.value, true).await
        ),
        op!(
            "set_min_max",
            Some(Action::ReviewDataQuality),
            |app, caller, _fx| app
                .set_min_max(
                    caller,
                    "COL",
                    "CA",
                    Some((Decimal::ZERO, Decimal::from(1_000_000)))
                )
                .await
        ),
        op!(
            "save_validation_rule",
            Some(Action::ManageValidationRules),
            |app, caller, _fx| app
                .save_validation_rule(
                    caller,
                    &ValidationRule {
                        id: format!("MATRIX_{}", crate::support::hub::unique()),
                        kind: RuleKind::RequiresDenominator,
                        kpi: "CLIENT.SAT.PCT".into(),
                        other_kpi: None,
                        status: None,
                        factor: None,
                        importance: Importance::Low,
                        message_en: "Satisfaction needs its respondents".into(),
                        message_es: "La satisfacción necesita sus encuestados".into(),
                        enabled: false
                    },
                    false
                )
                .await
        ),
        // Tokens.
        op!(
            "create_token",
            Some(Action::ManageTokens),
            |app, caller, _fx| app
                .create_token(
                    caller,
                    TokenRequest {
                        label: format!("matrix-{}", crate::support::hub::unique()),
                        role: Role::Analyst,
                        country: None,
                        agency: None
                    }
                )
                .await
        ),
        op!("tokens", Some(Action::ManageTokens), |app, caller, _fx| app
            .tokens(caller)
            .await),
        op!(
            "revoke_token",
            Some(Action::ManageTokens),
            |app, caller, _fx| app.revoke_token(caller, "matrix-victim").await
        ),
        // Federation sources (DESIGN §9).
        op!(
            "register_source",
            Some(Action::ManageSources),
            |app, caller, _fx| app
                .register_source(
                    caller,
                    NewSource {
                        name: format!("matrix {}", crate::support::hub::unique()),
                        url: "http://127.0.0.1:9/feed".into(),
                        token: None,
                        interval_seconds: 3600,
                        countries: vec!["COL".into()]
                    }
                )
                .await
        ),
        op!(
            "sources",
            Some(Action::ManageSources),
            |app, caller, _fx| app.sources(caller).await
        ),
        op!(
            "sources_by_id",
            Some(Action::ManageSources),
            |app, caller, fx| app.sources_by_id(caller, &[fx.source]).await
        ),
        op!(
            "sync_runs",
            Some(Action::ManageSources),
            |app, caller, _fx| app.sync_runs(caller, None, None, 10).await
        ),
        op!(
            "sync_source",
            Some(Action::ManageSources),
            |app, caller, fx| app.sync_source(caller, fx.source).await
        ),
        // Task forces (DESIGN §10).
        op!("task_forces", None, |app, caller, _fx| app
            .task_forces(caller)
            .await),
        op!("task_force", None, |app, caller, _fx| app
            .task_force(caller, "TF-MATRIX")
            .await),
        op!(
            "task force members",
            Some(Action::ReadGovernanceRecords),
            |app, caller, _fx| {
                let found = app
                    .task_force(caller, "TF-MATRIX")
                    .await?
                    .expect("fixture task force");
                found.members().map(<[_]>::len)
            }
        ),
        op!(
            "create_task_force",
            Some(Action::ManageTaskForces),
            |app, caller, _fx| app
                .create_task_force(
                    caller,
                    task_force(&format!("TF-M{}", crate::support::hub::unique()))
                )
                .await
        ),
        op!(
            "update_task_force",
            Some(Action::ManageTaskForces),
            |app, caller, _fx| app
                .update_task_force(
                    caller,
                    "TF-MATRIX",
                    TaskForceUpdate {
                        purpose: Some("Joint LTAs, all agencies".into()),
                        ..TaskForceUpdate::default()
                    }
                )
                .await
        ),
        op!(
            "rotate_task_force_chair",
            Some(Action::ManageTaskForces),
            |app, caller, _fx| app
                .rotate_task_force_chair(caller, "TF-MATRIX", "UNICEF", "UNDP", "2026-06-01")
                .await
        ),
        op!(
            "add_task_force_member",
            Some(Action::ManageTaskForces),
            |app, caller, _fx| app
                .add_task_force_member(caller, "TF-MATRIX", "WFP", "Marta Ruiz", "Member", None)
                .await
        ),
        op!(
            "add_deliverable",
            Some(Action::ManageTaskForces),
            |app, caller, _fx| app
                .add_deliverable(caller, "TF-MATRIX", "LTA draft", "2027-06-30", None)
                .await
        ),
        op!(
            "update_deliverable",
            Some(Action::ManageTaskForces),
            |app, caller, fx| app
                .update_deliverable(caller, fx.deliverable, DeliverableStatus::InProgress, 40)
                .await
        ),
        op!(
            "add_progress_report",
            Some(Action::ManageTaskForces),
            |app, caller, _fx| app
                .add_progress_report(
                    caller,
                    "TF-MATRIX",
                    "2026-Q2",
                    ProgressRating::Green,
                    "On track"
                )
                .await
        ),
        op!(
            "close_task_force",
            Some(Action::ManageTaskForces),
            |app, caller, _fx| app.close_task_force(caller, "TF-CLOSE").await
        ),
        // Work plans (DESIGN §10).
        op!("work_plans", None, |app, caller, _fx| app
            .work_plans(caller, None, PlanParts::default())
            .await),
        op!("work_plan", None, |app, caller, fx| app
            .work_plan(caller, fx.submitted_plan, PlanParts::default())
            .await),
        op!(
            "work plan history",
            Some(Action::ReadGovernanceRecords),
            |app, caller, fx| {
                let parts = PlanParts {
                    history: true,
                    versions: false,
                };
                let found = app.work_plan(caller, fx.submitted_plan, parts).await?;
                // Anonymous callers see approved plans only; this one is submitted.
                let found = found.ok_or_else(|| AppError::Unauthenticated("not shown".into()))?;
                found.history().map(<[_]>::len)
            }
        ),
        op!(
            "create_work_plan",
            Some(Action::DraftWorkPlans),
            |app, caller, _fx| app.create_work_plan(caller, plan()).await
        ),
        op!(
            "update_work_plan",
            Some(Action::DraftWorkPlans),
            |app, caller, fx| app.update_work_plan(caller, fx.plan, 1, plan()).await
        ),
        op!(
            "edit_work_plan_activity",
            Some(Action::DraftWorkPlans),
            |app, caller, fx| app
                .edit_work_plan_activity(
                    caller,
                    fx.plan,
                    1,
                    ActivityEdit::Put {
                        replacing: None,
                        activity: Box::new(activity("A-WEB")),
                    },
                )
                .await
        ),
        // Signing out ends the caller's own session; anyone may try (a stranger's secret ends
        // nothing).
        op!("sign_out", None, |app, caller, _fx| app
            .sign_out(caller, "rhs_not-a-session")
            .await),
        op!(
            "submit_work_plan",
            Some(Action::DraftWorkPlans),
            |app, caller, fx| app.submit_work_plan(caller, fx.plan, 1).await
        ),
        op!(
            "amend_work_plan",
            Some(Action::DraftWorkPlans),
            |app, caller, fx| app.amend_work_plan(caller, fx.plan, 1).await
        ),
        op!(
            "approve_work_plan",
            Some(Action::DecideWorkPlans),
            |app, caller, fx| app
                .approve_work_plan(caller, fx.submitted_plan, 2, Some("Fine"))
                .await
        ),
        op!(
            "return_work_plan",
            Some(Action::DecideWorkPlans),
            |app, caller, fx| app
                .return_work_plan(caller, fx.submitted_plan, 2, "Please cost A-PROC again")
                .await
        ),
        op!(
            "follow_work_plans",
            Some(Action::FollowWorkPlans),
            |app, caller, _fx| async { app.follow_work_plans(caller) }.await
        ),
        // Meetings and action items (DESIGN §10).
        op!("meetings", None, |app, caller, _fx| app
            .meetings(caller)
            .await),
        op!("action_items", None, |app, caller, _fx| app
            .action_items(caller, false)
            .await),
        op!(
            "action item persons",
            Some(Action::ReadGovernanceRecords),
            |app, caller, _fx| {
                let items = app.action_items(caller, false).await?;
                let item = items.items.first().expect("fixture action item");
                items
                    .person(item)
                    .map(str::len)
                    .ok_or_else(|| AppError::Unauthenticated("not shown".into()))
            }
        ),
        op!(
            "schedule_meeting",
            Some(Action::ManageMeetings),
            |app, caller, _fx| app.schedule_meeting(caller, meeting()).await
        ),
        op!(
            "change_meeting",
            Some(Action::ManageMeetings),
            |app, caller, fx| app
                .change_meeting(
                    caller,
                    fx.meeting,
                    MeetingChange::Attendance {
                        agencies: vec!["UNDP".into()]
                    }
                )
                .await
        ),
        op!(
            "add_action_item",
            Some(Action::ManageMeetings),
            |app, caller, fx| app.add_action_item(caller, fx.meeting, action_item()).await
        ),
        op!(
            "update_action_item",
            Some(Action::ManageMeetings),
            |app, caller, fx| app
                .update_action_item(caller, fx.action_item, ActionStatus::Done)
                .await
        ),
        // The audit log.
        op!(
            "audit_log",
            Some(Action::ReadAuditLog),
            |app, caller, _fx| app.audit_log(caller, None, None, None, 10).await
        ),
        op!(
            "audit_entries",
            Some(Action::ReadAuditLog),
            |app, caller, _fx| app.audit_entries(caller).await
        ),
    ]
}

async fn fixture(hub: &TestHub, feed: &MockServer) -> Fixture {
    let app = &hub.app;
    let operator = Caller::operator("test:matrix");
    app.create_token(
        &operator,
        TokenRequest {
            label: "matrix-victim".into(),
            role: Role::Analyst,
            country: None,
            agency: None,
        },
    )
    .await
    .unwrap();
    app.create_task_force(&operator, task_force("TF-MATRIX"))
        .await
        .unwrap();
    app.create_task_force(&operator, task_force("TF-CLOSE"))
        .await
        .unwrap();
    app.add_task_force_member(&operator, "TF-MATRIX", "UNDP", "Ana Pérez", "Chair", None)
        .await
        .unwrap();
    let deliverable = app
        .add_deliverable(&operator, "TF-MATRIX", "Joint LTA", "2027-03-31", None)
        .await
        .unwrap()
        .id;
    let plan = app
        .create_work_plan(&operator, plan())
        .await
        .unwrap()
        .plan
        .id;
    let mut other = self::plan();
    other.year = 2028;
    other.activities[0].start_quarter = "2028-Q1".into();
    other.activities[0].end_quarter = "2028-Q4".into();
    let submitted = app
        .create_work_plan(&operator, other)
        .await
        .unwrap()
        .plan
        .id;
    app.submit_work_plan(&operator, submitted, 1).await.unwrap();
    let meeting = app
        .schedule_meeting(&operator, meeting())
        .await
        .unwrap()
        .meeting
        .id;
    let action_item = app
        .add_action_item(&operator, meeting, action_item())
        .await
        .unwrap()
        .id;
    let source = app
        .register_source(
            &operator,
            NewSource {
                name: "matrix feed".into(),
                url: format!("{}/feed", feed.uri()),
                token: None,
                interval_seconds: 3600,
                countries: vec!["COL".into()],
            },
        )
        .await
        .unwrap()
        .id;
    let stored = kpi_report("2026-Q1", 1);
    hub.submit_ok(&stored).await;
    let value = hub
        .count("SELECT MIN(id) AS n FROM kpi_value WHERE country = 'COL'")
        .await;
    Fixture {
        plan,
        submitted_plan: submitted,
        deliverable,
        meeting,
        action_item,
        source,
        value,
        report: kpi_report("2026-Q1", 2).to_string().into_bytes(),
    }
}

/// A token holder of `role` (COUNTRY for COL, RCP for UNDP), as the API would see them.
async fn holder(app: &App, role: Role) -> Caller {
    let request = TokenRequest {
        label: format!("matrix-{role}"),
        role,
        country: (role == Role::Country).then(|| CountryCode::parse("COL").unwrap()),
        agency: matches!(role, Role::Rcp | Role::Romt).then(|| AgencyCode::parse("UNDP").unwrap()),
    };
    let (_, secret) = app
        .create_token(&Caller::operator("test:matrix"), request)
        .await
        .unwrap();
    let (principal, _) = app.authenticate(&secret).await.unwrap();
    Caller::token(principal.expect("a fresh token is valid"))
}

#[tokio::test]
async fn every_operation_refuses_exactly_the_callers_the_policy_table_refuses() {
    let hub = TestHub::start().await;
    let feed = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "documentType": "country-feed", "schemaVersion": "1.0", "publisher": "COL",
            "generatedAt": "2026-07-10T08:00:00Z", "documents": [], "nextCursor": null, "hasMore": false })))
        .mount(&feed)
        .await;
    let fx = fixture(&hub, &feed).await;
    let mut callers = vec![(None, Caller::anonymous())];
    for role in Role::ALL {
        callers.push((Some(*role), holder(&hub.app, *role).await));
    }

    let mut wrong = Vec::new();
    for operation in operations() {
        for (role, caller) in &callers {
            let outcome = (operation.run)(&hub.app, caller, &fx).await;
            let refusal = match &outcome {
                Err(AppError::Unauthenticated(_)) => Some("UNAUTHENTICATED"),
                Err(AppError::Forbidden(_)) => Some("FORBIDDEN"),
                _ => None,
            };
            let expected = match operation.action {
                None => None,
                Some(action) => authorize(caller.principal(), action, Scope::Hub)
                    .err()
                    .map(|_| {
                        if role.is_some() {
                            "FORBIDDEN"
                        } else {
                            "UNAUTHENTICATED"
                        }
                    }),
            };
            if refusal != expected {
                wrong.push(format!(
                    "{} by {}: expected {}, got {outcome:?}",
                    operation.name,
                    role.map_or("anonymous", |r| r.as_str()),
                    expected.unwrap_or("no refusal"),
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "operations disagree with the policy table:\n{}",
        wrong.join("\n")
    );

    // Every action of the table guards at least one operation.
    let guarded: Vec<Action> = operations().iter().filter_map(|o| o.action).collect();
    let unguarded: Vec<&Action> = Action::ALL
        .iter()
        .filter(|a| !guarded.contains(a))
        .collect();
    assert!(
        unguarded.is_empty(),
        "actions no operation checks: {unguarded:?}"
    );
}

#[tokio::test]
async fn a_country_token_submits_for_its_own_country_only() {
    let hub = TestHub::start().await;
    let colombia = holder(&hub.app, Role::Country).await;
    let mut peru = kpi_report("2026-Q1", 1);
    peru["country"] = json!("PER");
    peru["currency"] = json!("PEN");
    for (document, allowed) in [(kpi_report("2026-Q1", 1), true), (peru, false)] {
        let body = document.to_string().into_bytes();
        let outcome = hub
            .app
            .submit(
                &colombia,
                SubmitRequest {
                    body: &body,
                    content: Content::Json,
                    expected: None,
                    options: Options::default(),
                    idempotency_key: None,
                },
            )
            .await;
        assert_eq!(outcome.is_ok(), allowed, "{outcome:?}");
        if !allowed {
            assert!(
                matches!(outcome, Err(AppError::Forbidden(_))),
                "{outcome:?}"
            );
        }
    }
}

/// The names of the application's operations that take a caller, read from its source: the
/// matrix above must call each of them, so a new operation cannot skip the policy unnoticed.
fn operations_in_source() -> Vec<String> {
    fn walk(dir: &std::path::Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                // Signatures are formatted by rustfmt: one line, or the name line then
                // `&self,` and `caller: &Caller,` lines.
                let lines: Vec<&str> = text.lines().map(str::trim).collect();
                for (i, line) in lines.iter().enumerate() {
                    let Some(rest) = line
                        .strip_prefix("pub async fn ")
                        .or_else(|| line.strip_prefix("pub fn "))
                    else {
                        continue;
                    };
                    let name = rest.split(['(', '<']).next().unwrap_or_default();
                    let signature = lines[i..(i + 3).min(lines.len())].join(" ");
                    if signature.contains("caller: &Caller") {
                        out.push(name.to_owned());
                    }
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/hub-app/src"),
        &mut out,
    );
    out
}

#[test]
fn the_matrix_calls_every_operation_that_takes_a_caller() {
    let called: Vec<&str> = operations().iter().map(|o| o.name).collect();
    let missing: Vec<String> = operations_in_source()
        .into_iter()
        .filter(|name| !called.contains(&name.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "operations of hub-app missing from the access matrix: {missing:?}"
    );
}
