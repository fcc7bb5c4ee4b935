//! `/governance/workplans/{id}/activities/{code}`: the form that adds (`new`) or edits one
//! activity of a draft or returned plan, so the ROMT never re-sends a whole plan. A refused
//! activity comes back with what was entered and the reason.

use std::str::FromStr;

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use hub_app::AppError;
use hub_app::governance::workplans::{ActivityEdit, ActivityInput, PlanParts};
use hub_domain::Decimal;
use hub_domain::catalogue::ServiceLine;
use hub_domain::governance::{ActivityStatus, KpiTarget};
use maud::{Markup, html};
use serde::Deserialize;

use super::app_error;
use crate::context::Ctx;
use crate::host::Host;
use crate::layout::{PageError, Section, View, respond};

/// `?expected=3`: the plan version the form was opened on.
#[derive(Debug, Deserialize)]
pub struct Expected {
    pub expected: Option<i32>,
}

/// The activity form's fields, as text (so a refused form comes back as typed).
#[derive(Debug, Default, Clone, Deserialize)]
pub struct ActivityForm {
    #[serde(default)]
    pub csrf: String,
    pub expected: i32,
    pub code: String,
    pub title: String,
    pub service_line: String,
    #[serde(default)]
    pub task_force: String,
    pub lead_agency: String,
    #[serde(default)]
    pub participating_agencies: String,
    pub required: String,
    pub available: String,
    pub start_quarter: String,
    pub end_quarter: String,
    pub status: String,
    pub progress: String,
    #[serde(default)]
    pub kpi_1: String,
    #[serde(default)]
    pub target_1: String,
    #[serde(default)]
    pub kpi_2: String,
    #[serde(default)]
    pub target_2: String,
}

fn decimal(field: &str, text: &str) -> Result<Decimal, AppError> {
    let cleaned: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    Decimal::from_str(&cleaned)
        .map_err(|_| AppError::invalid(field, format!("{text:?} is not a number (write 1234.5)")))
}

impl ActivityForm {
    fn input(&self) -> Result<ActivityInput, AppError> {
        let service_line = ServiceLine::from_str(&self.service_line)
            .map_err(|e| AppError::invalid("serviceLine", e))?;
        let status =
            ActivityStatus::from_str(&self.status).map_err(|e| AppError::invalid("status", e))?;
        let progress =
            self.progress.trim().parse::<i32>().map_err(|_| {
                AppError::invalid("progress", "progress is a whole number, 0 to 100")
            })?;
        let mut kpi_targets = Vec::new();
        for (kpi, target) in [(&self.kpi_1, &self.target_1), (&self.kpi_2, &self.target_2)] {
            if kpi.trim().is_empty() {
                continue;
            }
            kpi_targets.push(KpiTarget {
                kpi: kpi.trim().to_owned(),
                target: decimal("target", target)?,
            });
        }
        Ok(ActivityInput {
            code: self.code.trim().to_owned(),
            title: self.title.trim().to_owned(),
            service_line,
            task_force: Some(self.task_force.trim().to_owned()).filter(|t| !t.is_empty()),
            lead_agency: self.lead_agency.trim().to_uppercase(),
            participating_agencies: self
                .participating_agencies
                .split([',', ' '])
                .map(|a| a.trim().to_uppercase())
                .filter(|a| !a.is_empty())
                .collect(),
            required: decimal("required", &self.required)?,
            available: decimal("available", &self.available)?,
            start_quarter: self.start_quarter.trim().to_owned(),
            end_quarter: self.end_quarter.trim().to_owned(),
            kpi_targets,
            status,
            progress,
        })
    }

    fn from_input(a: &ActivityInput, expected: i32) -> Self {
        let target = |i: usize| a.kpi_targets.get(i);
        ActivityForm {
            csrf: String::new(),
            expected,
            code: a.code.clone(),
            title: a.title.clone(),
            service_line: a.service_line.to_string(),
            task_force: a.task_force.clone().unwrap_or_default(),
            lead_agency: a.lead_agency.clone(),
            participating_agencies: a.participating_agencies.join(", "),
            required: a.required.to_string(),
            available: a.available.to_string(),
            start_quarter: a.start_quarter.clone(),
            end_quarter: a.end_quarter.clone(),
            status: a.status.to_string(),
            progress: a.progress.to_string(),
            kpi_1: target(0).map(|t| t.kpi.clone()).unwrap_or_default(),
            target_1: target(0).map(|t| t.target.to_string()).unwrap_or_default(),
            kpi_2: target(1).map(|t| t.kpi.clone()).unwrap_or_default(),
            target_2: target(1).map(|t| t.target.to_string()).unwrap_or_default(),
        }
    }
}

/// `GET /governance/workplans/{id}/activities/{code}` (`new` for a new one).
pub async fn activity_form<H: Host>(
    State(host): State<H>,
    ctx: Ctx,
    Path((id, code)): Path<(String, String)>,
    Query(expected): Query<Expected>,
) -> Response {
    let outcome = async {
        if ctx.principal().is_none() {
            return Err(PageError::SignIn);
        }
        let plan_id: i64 = id.parse().map_err(|_| PageError::NotFound)?;
        let plan = host
            .app()
            .work_plan(&ctx.caller, plan_id, PlanParts::default())
            .await
            .map_err(|e| app_error(&ctx, e))?
            .ok_or(PageError::NotFound)?;
        let version = expected.expected.unwrap_or(plan.plan.version);
        let year = plan.plan.year;
        let form = if code == "new" {
            ActivityForm {
                expected: version,
                start_quarter: format!("{year}-Q1"),
                end_quarter: format!("{year}-Q4"),
                status: ActivityStatus::Planned.to_string(),
                progress: "0".into(),
                required: "0".into(),
                available: "0".into(),
                ..ActivityForm::default()
            }
        } else {
            let activity = plan
                .content
                .activities
                .iter()
                .find(|a| a.code == code)
                .ok_or(PageError::NotFound)?;
            ActivityForm::from_input(&ActivityInput::from(activity), version)
        };
        form_view(&host, &ctx, plan_id, year, &code, &form, None).await
    }
    .await;
    respond(&ctx, outcome)
}

/// `POST /governance/workplans/{id}/activities/{code}`.
pub async fn save_activity<H: Host>(
    State(host): State<H>,
    ctx: Ctx,
    Path((id, code)): Path<(String, String)>,
    Form(form): Form<ActivityForm>,
) -> Response {
    if let Err(err) = ctx.check_write(&form.csrf) {
        return respond(&ctx, Err(err));
    }
    let Ok(plan_id) = id.parse::<i64>() else {
        return respond(&ctx, Err(PageError::NotFound));
    };
    let saved = match form.input() {
        Ok(activity) => {
            let edit = ActivityEdit::Put {
                replacing: (code != "new").then(|| code.clone()),
                activity: Box::new(activity),
            };
            host.app()
                .edit_work_plan_activity(&ctx.caller, plan_id, form.expected, edit)
                .await
        }
        Err(err) => Err(err),
    };
    match saved {
        Ok(plan) => Redirect::to(&format!(
            "/governance/workplans/{}?done=saved",
            plan.plan.id
        ))
        .into_response(),
        Err(err) => {
            let year = form
                .start_quarter
                .get(..4)
                .and_then(|y| y.parse().ok())
                .unwrap_or(0);
            let problem = super::workplans::refusal(&ctx, plan_id, &err);
            let outcome = form_view(&host, &ctx, plan_id, year, &code, &form, Some(problem)).await;
            respond(&ctx, outcome)
        }
    }
}

async fn form_view<H: Host>(
    host: &H,
    ctx: &Ctx,
    plan_id: i64,
    year: i32,
    code: &str,
    form: &ActivityForm,
    problem: Option<(StatusCode, Markup)>,
) -> Result<View, PageError> {
    let tr = ctx.tr;
    let task_forces = host
        .app()
        .task_forces(&ctx.caller)
        .await
        .map_err(|e| app_error(ctx, e))?;
    let kpis = host.app().kpis().await.map_err(|e| app_error(ctx, e))?;
    let title = if code == "new" {
        tr.t("activity-new-title")
    } else {
        tr.t_with("activity-edit-title", &[("code", code.to_owned())])
    };
    let quarters: Vec<String> = (1..=4).map(|q| format!("{year}-Q{q}")).collect();
    let text = |id: &str, label: &str, value: &str, required: bool| {
        html! {
            div.field {
                label for=(id) { (tr.t(label)) }
                input id=(id) name=(id) type="text" value=(value) required[required];
            }
        }
    };
    let select = |id: &str, label: &str, value: &str, options: Vec<(String, String)>| {
        html! {
            div.field {
                label for=(id) { (tr.t(label)) }
                select id=(id) name=(id) {
                    @for (key, text) in &options { option value=(key) selected[key == value] { (text) } }
                }
            }
        }
    };
    let lines = ServiceLine::ALL
        .iter()
        .map(|l| (l.to_string(), super::line_name(tr, *l)))
        .collect();
    let statuses = ActivityStatus::ALL
        .iter()
        .map(|s| (s.to_string(), tr.t(&format!("activity-{s}"))))
        .collect();
    let mut tf_options = vec![(String::new(), tr.t("option-none"))];
    tf_options.extend(task_forces.iter().map(|t| {
        (
            t.task_force.code.clone(),
            format!("{} · {}", t.task_force.code, t.task_force.name),
        )
    }));
    let mut kpi_options = vec![(String::new(), tr.t("option-none"))];
    kpi_options.extend(kpis.iter().map(|k| {
        (
            k.code.to_string(),
            format!("{} · {}", k.code, k.name_in(tr.lang())),
        )
    }));
    let quarter_options: Vec<(String, String)> =
        quarters.iter().map(|q| (q.clone(), q.clone())).collect();
    let body = html! {
        p { a href={ "/governance/workplans/" (plan_id) } { "← " (tr.t("activity-back")) } }
        h1 { (title) }
        @if let Some((_, message)) = &problem { (message) }
        form.stack method="post" action={ "/governance/workplans/" (plan_id) "/activities/" (code) } {
            input type="hidden" name="csrf" value=(ctx.csrf());
            input type="hidden" name="expected" value=(form.expected);
            (text("code", "field-code", &form.code, true))
            (text("title", "field-title", &form.title, true))
            (select("service_line", "field-service-line", &form.service_line, lines))
            (select("task_force", "field-task-force", &form.task_force, tf_options))
            (text("lead_agency", "field-lead-agency", &form.lead_agency, true))
            div.field {
                label for="participating_agencies" { (tr.t("field-participating")) }
                input id="participating_agencies" name="participating_agencies" type="text" value=(form.participating_agencies) aria-describedby="participating-hint";
                p.hint id="participating-hint" { (tr.t("activity-participating-hint")) }
            }
            div.grid-2 {
                (text("required", "field-required-usd", &form.required, true))
                (text("available", "field-available-usd", &form.available, true))
            }
            div.grid-2 {
                (select("start_quarter", "field-start-quarter", &form.start_quarter, quarter_options.clone()))
                (select("end_quarter", "field-end-quarter", &form.end_quarter, quarter_options))
            }
            div.grid-2 {
                (select("status", "field-status", &form.status, statuses))
                div.field {
                    label for="progress" { (tr.t("field-progress")) }
                    input id="progress" name="progress" type="number" min="0" max="100" value=(form.progress) required;
                }
            }
            fieldset {
                legend { (tr.t("field-kpi-targets")) }
                div.grid-2 {
                    (select("kpi_1", "field-kpi", &form.kpi_1, kpi_options.clone()))
                    (text("target_1", "field-target", &form.target_1, false))
                    (select("kpi_2", "field-kpi-second", &form.kpi_2, kpi_options))
                    (text("target_2", "field-target-second", &form.target_2, false))
                }
            }
            div.actions {
                button type="submit" { (tr.t("action-save-activity")) }
                a.button.secondary href={ "/governance/workplans/" (plan_id) } { (tr.t("action-cancel")) }
            }
        }
    };
    let mut view = View::new(Section::WorkPlans, title, body);
    if let Some((status, _)) = problem {
        view.status = status;
    }
    Ok(view)
}
