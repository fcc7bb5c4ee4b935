//! `/governance/taskforces` and `/governance/meetings`: the ROMT's task forces (chairs, members,
//! deliverables, progress) and its meetings with their action items, each with the flags of
//! the terms of reference (overdue deliverables and action items, late agendas, no quorum).

use axum::extract::State;
use axum::response::Response;
use hub_app::governance::meetings::ActionItems;
use hub_app::governance::taskforces::TaskForceDetails;
use hub_domain::governance::GovernanceFlag;
use maud::{Markup, html};

use super::app_error;
use crate::context::Ctx;
use crate::format;
use crate::host::Host;
use crate::i18n::Tr;
use crate::layout::{Section, View, empty, notice, respond};

fn flags(tr: Tr, flags: &[GovernanceFlag]) -> Markup {
    html! {
        @for flag in flags {
            " " span.status.bad { (tr.t(&format!("gflag-{flag}"))) }
        }
    }
}

/// `GET /governance/taskforces`.
pub async fn task_forces<H: Host>(State(host): State<H>, ctx: Ctx) -> Response {
    let outcome = async {
        let tr = ctx.tr;
        let list = host
            .app()
            .task_forces(&ctx.caller)
            .await
            .map_err(|e| app_error(&ctx, e))?;
        let body = html! {
            h1 { (tr.t("taskforces-title")) }
            p.lead { (tr.t("taskforces-lead")) }
            @if list.is_empty() { (empty(&tr.t("taskforces-none"))) }
            @for tf in &list { (task_force(&ctx, tf)) }
        };
        Ok(View::new(
            Section::TaskForces,
            tr.t("taskforces-title"),
            body,
        ))
    }
    .await;
    respond(&ctx, outcome)
}

fn task_force(ctx: &Ctx, details: &TaskForceDetails) -> Markup {
    let tr = ctx.tr;
    let lang = tr.lang();
    let tf = &details.task_force;
    html! {
        section.panel id=(tf.code) {
            h2 { (tf.name) " " span.muted { "(" (tf.code) ")" } (flags(tr, &details.flags())) }
            p { (tf.purpose) }
            dl.facts {
                dt { (tr.t("field-status")) } dd { (tr.t(&format!("tf-{}", tf.status))) }
                dt { (tr.t("field-chair")) } dd { (tf.chair_agency) " / " (tf.co_chair_agency) }
                dt { (tr.t("field-term")) } dd { (format::date(lang, tf.start_date)) " – " (format::date(lang, tf.end_date)) }
            }
            h3 { (tr.t("taskforce-members")) }
            @match details.members() {
                Ok(members) if members.is_empty() => { (empty(&tr.t("taskforce-no-members"))) }
                Ok(members) => {
                    div.table-wrap { table.sortable {
                        caption.visually-hidden { (tr.t("taskforce-members")) }
                        thead { tr {
                            th scope="col" { (tr.t("field-agency")) }
                            th scope="col" { (tr.t("field-name")) }
                            th scope="col" { (tr.t("field-role")) }
                            th scope="col" { (tr.t("field-alternate")) }
                        } }
                        tbody { @for m in members { tr {
                            td { (m.agency) }
                            td { (m.name) }
                            td { (m.role) }
                            td { (m.alternate_name.as_deref().unwrap_or("–")) (flags(tr, &TaskForceDetails::member_flags(m))) }
                        } } }
                    } }
                }
                Err(_) => { p.muted { (tr.t("taskforce-members-need-sign-in")) } }
            }
            h3 { (tr.t("taskforce-deliverables")) }
            @if details.deliverables.is_empty() {
                (empty(&tr.t("taskforce-no-deliverables")))
            } @else {
                div.table-wrap { table.sortable {
                    caption.visually-hidden { (tr.t("taskforce-deliverables")) }
                    thead { tr {
                        th scope="col" { (tr.t("field-title")) }
                        th scope="col" { (tr.t("field-due")) }
                        th scope="col" { (tr.t("field-status")) }
                        th.num scope="col" { (tr.t("field-progress")) }
                    } }
                    tbody { @for d in &details.deliverables { tr {
                        td { (d.title) @if let Some(code) = &d.activity_code { " " code { (code) } } }
                        td data-sort=(d.due_date) { (format::date(lang, d.due_date)) }
                        td { (tr.t(&format!("deliverable-{}", d.status))) (flags(tr, &TaskForceDetails::deliverable_flags(d))) }
                        td.num data-sort=(d.progress) { (d.progress) "%" }
                    } } }
                } }
            }
            @if let Some(report) = details.reports.first() {
                h3 { (tr.t("taskforce-latest-report")) }
                p { strong { (report.period) " · " (tr.t(&format!("rating-{}", report.rating))) } " — " (report.summary) }
            }
        }
    }
}

/// `GET /governance/meetings`.
pub async fn meetings<H: Host>(State(host): State<H>, ctx: Ctx) -> Response {
    let outcome = async {
        let tr = ctx.tr;
        let lang = tr.lang();
        let app = host.app();
        let meetings = app
            .meetings(&ctx.caller)
            .await
            .map_err(|e| app_error(&ctx, e))?;
        let overdue = app
            .action_items(&ctx.caller, true)
            .await
            .map_err(|e| app_error(&ctx, e))?;
        let body = html! {
            h1 { (tr.t("meetings-title")) }
            p.lead { (tr.t("meetings-lead")) }
            section.panel {
                h2 { (tr.t("meetings-overdue")) }
                @if overdue.items.is_empty() {
                    (notice("ok", &tr.t("meetings-overdue-none")))
                } @else {
                    (items(tr, &overdue))
                }
            }
            @if meetings.is_empty() { (empty(&tr.t("meetings-none"))) }
            @for m in &meetings {
                section.panel {
                    h2 { (m.meeting.title) (flags(tr, &m.flags())) }
                    dl.facts {
                        dt { (tr.t("field-date")) } dd { (format::date(lang, m.meeting.date)) }
                        dt { (tr.t("field-body")) } dd { (m.meeting.body) }
                        dt { (tr.t("field-quorum")) } dd {
                            @match m.quorum() {
                                Some(true) => { (tr.t("quorum-yes")) }
                                Some(false) => { (tr.t("quorum-no")) }
                                None => { (tr.t("quorum-unknown")) }
                            }
                        }
                        @if let Some(at) = m.meeting.agenda_sent_at {
                            dt { (tr.t("field-agenda-sent")) } dd { (format::moment(lang, at)) }
                        }
                        @if let Some(at) = m.meeting.minutes_finalized_at {
                            dt { (tr.t("field-minutes-final")) } dd { (format::moment(lang, at)) }
                        }
                    }
                    @if !m.meeting.agenda.is_empty() {
                        h3 { (tr.t("meeting-agenda")) }
                        ol { @for item in &m.meeting.agenda { li { (item) } } }
                    }
                    @if !m.meeting.decisions.is_empty() {
                        h3 { (tr.t("meeting-decisions")) }
                        ul.plain { @for d in &m.meeting.decisions { li { (d) } } }
                    }
                    h3 { (tr.t("meeting-action-items")) }
                    @if m.action_items.items.is_empty() {
                        (empty(&tr.t("meeting-no-action-items")))
                    } @else {
                        (items(tr, &m.action_items))
                    }
                }
            }
        };
        Ok(View::new(Section::Meetings, tr.t("meetings-title"), body))
    }
    .await;
    respond(&ctx, outcome)
}

fn items(tr: Tr, items: &ActionItems) -> Markup {
    let lang = tr.lang();
    html! {
        div.table-wrap { table.sortable {
            caption.visually-hidden { (tr.t("meeting-action-items")) }
            thead { tr {
                th scope="col" { (tr.t("field-description")) }
                th scope="col" { (tr.t("field-agency")) }
                th scope="col" { (tr.t("field-person")) }
                th scope="col" { (tr.t("field-deadline")) }
                th scope="col" { (tr.t("field-status")) }
            } }
            tbody { @for item in &items.items { tr {
                td { (item.description) }
                td { (item.responsible_agency) }
                td { (items.person(item).unwrap_or("–")) }
                td data-sort=(item.deadline) { (format::date(lang, item.deadline)) }
                td { (tr.t(&format!("action-status-{}", item.status))) (flags(tr, &ActionItems::flags(item))) }
            } } }
        } }
    }
}
