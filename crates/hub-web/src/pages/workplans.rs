//! `/governance/workplans` and `/governance/workplans/{id}`: the ROMT annual work plans, their
//! versions, history and diff, and the actions the signed-in role may take — ROMT drafts, edits
//! activities, submits and amends; RCP members approve or return with a comment. Every action
//! names the version the viewer saw; a plan changed meanwhile answers with a readable conflict
//! and a reload link instead of overwriting.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use hub_app::AppError;
use hub_app::governance::workplans::{ActivityEdit, PlanInput, PlanParts, WorkPlanDetails};
use hub_domain::access::{Action, Role};
use hub_domain::catalogue::Unit;
use hub_domain::governance::{PlanDiff, WorkPlanStatus};
use maud::{Markup, html};
use serde::Deserialize;

use super::app_error;
use crate::context::Ctx;
use crate::format;
use crate::host::Host;
use crate::i18n::Tr;
use crate::layout::{PageError, Section, View, describe, empty, fig, fig_cell, notice, respond};

pub use super::activity::{activity_form, save_activity};

const ALL_PARTS: PlanParts = PlanParts {
    history: true,
    versions: true,
};

/// `GET /governance/workplans`.
pub async fn list<H: Host>(State(host): State<H>, ctx: Ctx) -> Response {
    let outcome = async {
        let tr = ctx.tr;
        let plans = host
            .app()
            .work_plans(&ctx.caller, None, PlanParts::default())
            .await
            .map_err(|e| app_error(&ctx, e))?;
        let awaiting: Vec<&WorkPlanDetails> = plans
            .iter()
            .filter(|p| awaits_viewer(&ctx, p))
            .collect();
        let body = html! {
            h1 { (tr.t("workplans-title")) }
            p.lead { (tr.t("workplans-lead")) }
            @if ctx.can(Action::DecideWorkPlans) {
                section.panel {
                    h2 { (tr.t("workplans-awaiting")) }
                    @if awaiting.is_empty() {
                        (empty(&tr.t("workplans-awaiting-none")))
                    } @else {
                        ul.plain {
                            @for p in &awaiting {
                                li { a href={ "/governance/workplans/" (p.plan.id) } { (p.plan.title) } " · " (status(tr, p.plan.status)) }
                            }
                        }
                    }
                }
            }
            @if plans.is_empty() {
                (empty(&tr.t(if ctx.principal().is_some() { "workplans-none" } else { "workplans-none-anonymous" })))
            } @else {
                div.table-wrap {
                    table.sortable {
                        caption.visually-hidden { (tr.t("workplans-title")) }
                        thead { tr {
                            th scope="col" { (tr.t("field-year")) }
                            th scope="col" { (tr.t("field-title")) }
                            th scope="col" { (tr.t("field-status")) }
                            th.num scope="col" { (tr.t("field-version")) }
                            th.num scope="col" { (tr.t("field-approvals")) }
                            th.num scope="col" { (tr.t("field-required")) }
                            th.num.hide-narrow scope="col" { (tr.t("field-updated")) }
                        } }
                        tbody {
                            @for p in &plans {
                                tr {
                                    td { (p.plan.year) }
                                    td { a href={ "/governance/workplans/" (p.plan.id) } { (p.plan.title) } }
                                    td data-sort=(p.plan.status) { (status(tr, p.plan.status)) }
                                    td.num { (p.plan.version) }
                                    td.num { (p.approvals().count()) " / " (p.approvals_required) }
                                    (fig_cell(tr.lang(), p.total().ok().map(|b| b.required), Unit::Usd))
                                    td.num.hide-narrow data-sort=(p.plan.updated_at.to_rfc3339()) { (format::date(tr.lang(), p.plan.updated_at.date_naive())) }
                                }
                            }
                        }
                    }
                }
            }
            @if ctx.can(Action::DraftWorkPlans) {
                section.panel {
                    h2 { (tr.t("workplans-new")) }
                    form.stack method="post" action="/governance/workplans" {
                        input type="hidden" name="csrf" value=(ctx.csrf());
                        div.field {
                            label for="new-year" { (tr.t("field-year")) }
                            input id="new-year" name="year" type="number" min="2000" max="2100" required value=(super::today().format("%Y").to_string());
                        }
                        div.field {
                            label for="new-title" { (tr.t("field-title")) }
                            input id="new-title" name="title" type="text" required maxlength="200";
                        }
                        div { button type="submit" { (tr.t("action-create-draft")) } }
                    }
                }
            }
        };
        Ok(View::new(Section::WorkPlans, tr.t("workplans-title"), body))
    }
    .await;
    respond(&ctx, outcome)
}

/// Whether the plan waits for the viewer's agency (an RCP member who has not approved it).
fn awaits_viewer(ctx: &Ctx, plan: &WorkPlanDetails) -> bool {
    let Some(principal) = ctx.principal() else {
        return false;
    };
    principal.role == Role::Rcp
        && plan.plan.status == WorkPlanStatus::Submitted
        && !plan
            .approvals()
            .any(|a| Some(a.agency.as_str()) == principal.agency.as_ref().map(|a| a.as_str()))
}

/// A plan's status as a badge.
pub fn status(tr: Tr, status: WorkPlanStatus) -> Markup {
    html! { span class={ "status " (status) } { (tr.t(&format!("plan-{status}"))) } }
}

/// The new draft form's fields.
#[derive(Debug, Deserialize)]
pub struct NewPlanForm {
    pub csrf: String,
    pub year: String,
    pub title: String,
}

/// `POST /governance/workplans`: a new, empty draft.
pub async fn create<H: Host>(
    State(host): State<H>,
    ctx: Ctx,
    Form(form): Form<NewPlanForm>,
) -> Response {
    if let Err(err) = ctx.check_write(&form.csrf) {
        return respond(&ctx, Err(err));
    }
    let Ok(year) = form.year.trim().parse::<i32>() else {
        let err = AppError::invalid("year", format!("{:?} is not a year", form.year));
        return respond(&ctx, Err(app_error(&ctx, err)));
    };
    let input = PlanInput {
        year,
        title: form.title,
        activities: Vec::new(),
    };
    match host.app().create_work_plan(&ctx.caller, input).await {
        Ok(plan) => Redirect::to(&format!(
            "/governance/workplans/{}?done=created",
            plan.plan.id
        ))
        .into_response(),
        Err(err) => respond(&ctx, Err(app_error(&ctx, err))),
    }
}

/// The detail page's query: which versions to compare, and what was just done.
#[derive(Debug, Default, Deserialize)]
pub struct PlanQuery {
    pub from: Option<i32>,
    pub to: Option<i32>,
    pub done: Option<String>,
}

/// `GET /governance/workplans/{id}`.
pub async fn page<H: Host>(
    State(host): State<H>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(query): Query<PlanQuery>,
) -> Response {
    let outcome = detail(&host, &ctx, &id, &query, None).await;
    respond(&ctx, outcome)
}

async fn load<H: Host>(host: &H, ctx: &Ctx, id: &str) -> Result<WorkPlanDetails, PageError> {
    let id: i64 = id.parse().map_err(|_| PageError::NotFound)?;
    host.app()
        .work_plan(&ctx.caller, id, ALL_PARTS)
        .await
        .map_err(|e| app_error(ctx, e))?
        .ok_or(PageError::NotFound)
}

/// The version to compare the current one with: the newest earlier version whose content
/// differs (a submission or an approval changes the status, not the content).
fn previous_content_version(plan: &WorkPlanDetails) -> Option<i32> {
    let versions = plan.versions().ok()?;
    let current = versions.iter().find(|v| v.version == plan.plan.version)?;
    versions
        .iter()
        .rev()
        .filter(|v| v.version < current.version)
        .find(|v| v.content != current.content)
        .map(|v| v.version)
}

/// The detail page; `problem` is the refusal of an action just tried (shown above the plan).
pub(crate) async fn detail<H: Host>(
    host: &H,
    ctx: &Ctx,
    id: &str,
    query: &PlanQuery,
    problem: Option<(StatusCode, Markup)>,
) -> Result<View, PageError> {
    let tr = ctx.tr;
    let lang = tr.lang();
    let plan = load(host, ctx, id).await?;
    let records = plan.history().is_ok();
    let to = query.to.unwrap_or(plan.plan.version);
    let from = query.from.or_else(|| previous_content_version(&plan));
    let total = plan.total().ok();
    let editable = ctx.can(Action::DraftWorkPlans)
        && matches!(
            plan.plan.status,
            WorkPlanStatus::Draft | WorkPlanStatus::Returned
        );
    let body = html! {
        p { a href="/governance/workplans" { "← " (tr.t("workplans-title")) } }
        h1 { (plan.plan.title) }
        @if let Some((_, message)) = &problem { (message) }
        @if let Some(done) = &query.done {
            (notice("ok", &tr.t_or(&format!("workplan-done-{done}"), done)))
        }
        dl.facts {
            dt { (tr.t("field-year")) } dd { (plan.plan.year) }
            dt { (tr.t("field-status")) } dd { (status(tr, plan.plan.status)) }
            dt { (tr.t("field-version")) } dd { (plan.plan.version) }
            dt { (tr.t("field-approvals")) } dd {
                (plan.approvals().count()) " / " (plan.approvals_required)
                @for a in plan.approvals() { " · " (a.agency) }
            }
            @if let Some(amends) = plan.plan.amends {
                dt { (tr.t("field-amends")) } dd { a href={ "/governance/workplans/" (amends) } { (tr.t_with("workplan-number", &[("id", amends.to_string())])) } }
            }
            @if let Some(total) = &total {
                dt { (tr.t("field-required")) } dd { (fig(lang, Some(total.required), Unit::Usd)) }
                dt { (tr.t("field-available")) } dd { (fig(lang, Some(total.available), Unit::Usd)) }
            }
        }
        (actions(ctx, &plan))
        section.panel {
            h2 { (tr.t("workplan-activities")) }
            (activities(ctx, &plan, editable))
            @if editable {
                p { a.button href={ "/governance/workplans/" (plan.plan.id) "/activities/new?expected=" (plan.plan.version) } { (tr.t("action-add-activity")) } }
            }
        }
        @if records {
            section.panel {
                h2 { (tr.t("workplan-diff")) }
                (diff_section(ctx, &plan, from, to))
            }
            section.panel {
                h2 { (tr.t("workplan-history")) }
                (history(tr, &plan))
            }
        } @else {
            (notice("info", &tr.t("workplan-records-need-sign-in")))
        }
    };
    let mut view = View::new(Section::WorkPlans, plan.plan.title.clone(), body);
    if let Some((code, _)) = problem {
        view.status = code;
    }
    Ok(view)
}

fn actions(ctx: &Ctx, plan: &WorkPlanDetails) -> Markup {
    let tr = ctx.tr;
    let id = plan.plan.id;
    let version = plan.plan.version;
    let hidden = html! {
        input type="hidden" name="csrf" value=(ctx.csrf());
        input type="hidden" name="expected" value=(version);
    };
    let may_draft = ctx.can(Action::DraftWorkPlans);
    let may_decide = ctx.can(Action::DecideWorkPlans);
    let status = plan.plan.status;
    if !(may_draft || may_decide) {
        return html! {};
    }
    let editable = matches!(status, WorkPlanStatus::Draft | WorkPlanStatus::Returned);
    let any = (may_draft && (editable || status == WorkPlanStatus::Approved))
        || (may_decide && status == WorkPlanStatus::Submitted);
    html! {
        section.panel aria-labelledby="actions-title" {
            h2 id="actions-title" { (tr.t("workplan-actions")) }
            @if may_draft && editable {
                form method="post" action={ "/governance/workplans/" (id) "/submit" } data-confirm=(tr.t("confirm-submit")) {
                    (hidden)
                    p.hint { (tr.t("workplan-submit-hint")) }
                    button type="submit" { (tr.t("action-submit-plan")) }
                }
            }
            @if may_draft && status == WorkPlanStatus::Approved {
                form method="post" action={ "/governance/workplans/" (id) "/amend" } {
                    (hidden)
                    p.hint { (tr.t("workplan-amend-hint")) }
                    button type="submit" { (tr.t("action-amend-plan")) }
                }
            }
            @if may_decide && status == WorkPlanStatus::Submitted {
                div.grid-2 {
                    form.stack method="post" action={ "/governance/workplans/" (id) "/approve" } {
                        (hidden)
                        div.field {
                            label for="approve-comment" { (tr.t("field-comment-optional")) }
                            textarea id="approve-comment" name="comment" maxlength="2000" {}
                        }
                        div { button type="submit" { (tr.t("action-approve")) } }
                    }
                    form.stack method="post" action={ "/governance/workplans/" (id) "/return" } {
                        (hidden)
                        div.field {
                            label for="return-comment" { (tr.t("field-comment-required")) }
                            textarea id="return-comment" name="comment" required maxlength="2000" aria-describedby="return-hint" {}
                            p.hint id="return-hint" { (tr.t("workplan-return-hint")) }
                        }
                        div { button.danger type="submit" { (tr.t("action-return")) } }
                    }
                }
            }
            @if !any {
                p.muted { (tr.t_with("workplan-no-action", &[("status", tr.t(&format!("plan-{status}")))])) }
            }
        }
    }
}

fn activities(ctx: &Ctx, plan: &WorkPlanDetails, editable: bool) -> Markup {
    let tr = ctx.tr;
    let lang = tr.lang();
    if plan.content.activities.is_empty() {
        return empty(&tr.t("workplan-no-activities"));
    }
    html! {
        div.table-wrap {
            table.sortable {
                caption.visually-hidden { (tr.t("workplan-activities")) }
                thead { tr {
                    th scope="col" { (tr.t("field-code")) }
                    th scope="col" { (tr.t("field-title")) }
                    th scope="col" { (tr.t("field-service-line")) }
                    th.hide-narrow scope="col" { (tr.t("field-task-force")) }
                    th.hide-narrow scope="col" { (tr.t("field-lead-agency")) }
                    th.num scope="col" { (tr.t("field-required")) }
                    th.num scope="col" { (tr.t("field-available")) }
                    th.hide-narrow scope="col" { (tr.t("field-quarters")) }
                    th scope="col" { (tr.t("field-status")) }
                    @if editable { th scope="col" { (tr.t("field-actions")) } }
                } }
                tbody {
                    @for a in &plan.content.activities {
                        tr {
                            td { code { (a.code) } }
                            td { (a.title) }
                            td { (super::line_name(tr, a.service_line)) }
                            td.hide-narrow { (a.task_force.as_deref().unwrap_or("–")) }
                            td.hide-narrow { (a.lead_agency) }
                            (fig_cell(lang, Some(a.required), Unit::Usd))
                            (fig_cell(lang, Some(a.available), Unit::Usd))
                            td.hide-narrow { (a.start_quarter) "–" (a.end_quarter) }
                            td { (tr.t(&format!("activity-{}", a.status))) " · " (a.progress) "%" }
                            @if editable {
                                td {
                                    div.actions {
                                        a href={ "/governance/workplans/" (plan.plan.id) "/activities/" (a.code) "?expected=" (plan.plan.version) } {
                                            (tr.t("action-edit")) span.visually-hidden { " " (a.code) }
                                        }
                                        form method="post" action={ "/governance/workplans/" (plan.plan.id) "/remove" } data-confirm=(tr.t_with("confirm-remove", &[("code", a.code.clone())])) {
                                            input type="hidden" name="csrf" value=(ctx.csrf());
                                            input type="hidden" name="expected" value=(plan.plan.version);
                                            input type="hidden" name="code" value=(a.code);
                                            button.link type="submit" { (tr.t("action-remove")) span.visually-hidden { " " (a.code) } }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn diff_section(ctx: &Ctx, plan: &WorkPlanDetails, from: Option<i32>, to: i32) -> Markup {
    let tr = ctx.tr;
    let versions: Vec<i32> = plan
        .versions()
        .map(|v| v.iter().map(|v| v.version).collect())
        .unwrap_or_default();
    let Some(from) = from else {
        return empty(&tr.t("workplan-diff-none"));
    };
    let picker = html! {
        form.filters method="get" action={ "/governance/workplans/" (plan.plan.id) } {
            div.field {
                label for="diff-from" { (tr.t("field-from-version")) }
                select id="diff-from" name="from" {
                    @for v in &versions { option value=(v) selected[*v == from] { (v) } }
                }
            }
            div.field {
                label for="diff-to" { (tr.t("field-to-version")) }
                select id="diff-to" name="to" {
                    @for v in &versions { option value=(v) selected[*v == to] { (v) } }
                }
            }
            button type="submit" { (tr.t("action-compare")) }
        }
    };
    match plan.diff(from, to) {
        Ok(diff) => html! {
            (picker)
            p { (tr.t_with("workplan-diff-between", &[("from", from.to_string()), ("to", to.to_string())])) }
            (diff_table(tr, &diff))
        },
        Err(err) => html! { (picker) (notice("error", &describe(tr, &err, &ctx.request_id))) },
    }
}

fn diff_table(tr: Tr, diff: &PlanDiff) -> Markup {
    let lang = tr.lang();
    if diff.added.is_empty() && diff.removed.is_empty() && diff.changed.is_empty() {
        return empty(&tr.t("workplan-diff-same"));
    }
    html! {
        ul.plain {
            @for code in &diff.added { li { ins { (tr.t("diff-added")) " " code { (code) } } } }
            @for code in &diff.removed { li { del { (tr.t("diff-removed")) " " code { (code) } } } }
        }
        @if !diff.changed.is_empty() {
            div.table-wrap {
                table.sortable {
                    caption { (tr.t("diff-changed")) }
                    thead { tr {
                        th scope="col" { (tr.t("field-code")) }
                        th scope="col" { (tr.t("field-field")) }
                        th scope="col" { (tr.t("diff-before")) }
                        th scope="col" { (tr.t("diff-after")) }
                    } }
                    tbody {
                        @for (code, changes) in &diff.changed {
                            @for change in changes {
                                tr {
                                    td { code { (code) } }
                                    td { (change.field) }
                                    td { del { (change.from) } }
                                    td { ins { (change.to) } }
                                }
                            }
                        }
                    }
                }
            }
        }
        p {
            (tr.t("diff-budget")) " "
            (tr.t("field-required")) ": " (signed(lang, diff.budget_delta.required)) " · "
            (tr.t("field-available")) ": " (signed(lang, diff.budget_delta.available))
        }
    }
}

fn signed(lang: hub_domain::i18n::Lang, value: hub_domain::Decimal) -> Markup {
    let sign = if value.is_sign_positive() && !value.is_zero() {
        "+"
    } else {
        ""
    };
    html! { data value=(value) { (sign) (format::usd(lang, value)) } }
}

fn history(tr: Tr, plan: &WorkPlanDetails) -> Markup {
    let lang = tr.lang();
    let Ok(entries) = plan.history() else {
        return html! {};
    };
    html! {
        div.table-wrap {
            table.sortable {
                caption.visually-hidden { (tr.t("workplan-history")) }
                thead { tr {
                    th scope="col" { (tr.t("field-when")) }
                    th.num scope="col" { (tr.t("field-version")) }
                    th scope="col" { (tr.t("field-action")) }
                    th scope="col" { (tr.t("field-status")) }
                    th scope="col" { (tr.t("field-by")) }
                    th scope="col" { (tr.t("field-agency")) }
                    th scope="col" { (tr.t("field-comment")) }
                } }
                tbody {
                    @for e in entries.iter().rev() {
                        tr {
                            td data-sort=(e.at.to_rfc3339()) { (format::moment(lang, e.at)) }
                            td.num { (e.version) }
                            td { (tr.t(&format!("plan-action-{}", e.action))) }
                            td { (status(tr, e.status)) }
                            td { (e.actor) @if let Some(role) = e.role { " (" (tr.t(&format!("role-{role}"))) ")" } }
                            td { (e.agency.as_deref().unwrap_or("–")) }
                            td { (e.comment.as_deref().unwrap_or("")) }
                        }
                    }
                }
            }
        }
    }
}

/// The fields every action form carries.
#[derive(Debug, Deserialize)]
pub struct ActionForm {
    pub csrf: String,
    pub expected: i32,
    pub comment: Option<String>,
    /// The activity an action applies to (`remove`).
    pub code: Option<String>,
}

/// `POST /governance/workplans/{id}/{action}`: submit, approve, return, amend, remove (an
/// activity).
pub async fn act<H: Host>(
    State(host): State<H>,
    ctx: Ctx,
    Path((id, action)): Path<(String, String)>,
    Form(form): Form<ActionForm>,
) -> Response {
    let tr = ctx.tr;
    if let Err(err) = ctx.check_write(&form.csrf) {
        return respond(&ctx, Err(err));
    }
    let Ok(plan_id) = id.parse::<i64>() else {
        return respond(&ctx, Err(PageError::NotFound));
    };
    let app = host.app();
    let caller = &ctx.caller;
    let comment = form
        .comment
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    let outcome = match action.as_str() {
        "submit" => app.submit_work_plan(caller, plan_id, form.expected).await,
        "approve" => {
            app.approve_work_plan(caller, plan_id, form.expected, comment)
                .await
        }
        "return" => match comment {
            Some(comment) => {
                app.return_work_plan(caller, plan_id, form.expected, comment)
                    .await
            }
            None => Err(AppError::invalid(
                "comment",
                tr.t("workplan-return-needs-comment"),
            )),
        },
        "amend" => app.amend_work_plan(caller, plan_id, form.expected).await,
        "remove" => {
            let code = form.code.clone().unwrap_or_default();
            app.edit_work_plan_activity(
                caller,
                plan_id,
                form.expected,
                ActivityEdit::Remove { code },
            )
            .await
        }
        _ => return respond(&ctx, Err(PageError::NotFound)),
    };
    match outcome {
        Ok(plan) => Redirect::to(&format!(
            "/governance/workplans/{}?done={action}",
            plan.plan.id
        ))
        .into_response(),
        Err(err) => {
            let problem = refusal(&ctx, plan_id, &err);
            let view = detail(&host, &ctx, &id, &PlanQuery::default(), Some(problem)).await;
            respond(&ctx, view)
        }
    }
}

/// An action's refusal as a notice: a version conflict in words, with a reload link.
pub(crate) fn refusal(ctx: &Ctx, plan_id: i64, err: &AppError) -> (StatusCode, Markup) {
    let tr = ctx.tr;
    match err {
        AppError::Conflict(_) => (
            StatusCode::CONFLICT,
            html! {
                div.notice.error role="alert" {
                    p { strong { (tr.t("workplan-conflict")) } }
                    p.muted { (describe(tr, err, &ctx.request_id)) }
                    p { a.button href={ "/governance/workplans/" (plan_id) } { (tr.t("action-reload")) } }
                }
            },
        ),
        AppError::Invalid { .. } => (
            StatusCode::BAD_REQUEST,
            notice("error", &describe(tr, err, &ctx.request_id)),
        ),
        AppError::Forbidden(_) | AppError::Unauthenticated(_) => (
            StatusCode::FORBIDDEN,
            notice("error", &describe(tr, err, &ctx.request_id)),
        ),
        _ => (
            StatusCode::BAD_REQUEST,
            notice("error", &describe(tr, err, &ctx.request_id)),
        ),
    }
}
