//! The page shell every page shares (header with navigation, the viewer's role and scope, the
//! language switch; footer), the errors a page can end in, and small parts pages repeat.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use hub_app::AppError;
use hub_domain::Decimal;
use hub_domain::access::Action;
use hub_domain::catalogue::Unit;
use hub_domain::i18n::Lang;
use maud::{DOCTYPE, Markup, html};

use crate::LANG_COOKIE;
use crate::assets;
use crate::context::Ctx;
use crate::format;
use crate::i18n::Tr;

/// What a page handler produces: its title and body, the shell is added around it.
#[derive(Debug)]
pub struct View {
    pub title: String,
    pub body: Markup,
    /// Which navigation entry is current.
    pub section: Section,
    pub status: StatusCode,
}

impl View {
    /// A page in `section`.
    pub fn new(section: Section, title: impl Into<String>, body: Markup) -> Self {
        View {
            title: title.into(),
            body,
            section,
            status: StatusCode::OK,
        }
    }
}

/// The navigation entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Overview,
    Kpis,
    Countries,
    Submissions,
    WorkPlans,
    TaskForces,
    Meetings,
    Sources,
    Exports,
    SignIn,
    None,
}

/// Why a page could not be shown.
#[derive(Debug)]
pub enum PageError {
    /// The page needs a signed-in viewer.
    SignIn,
    /// A write without this session's CSRF secret, or from another site.
    Csrf,
    /// The operation refused or failed.
    App(AppError, String),
    /// No such page or thing.
    NotFound,
    /// The session lookup failed before the viewer was known.
    Bare(Tr, AppError, String),
}

impl PageError {
    /// An application error during the request `request_id`.
    pub fn app(tr: Tr, err: AppError, request_id: &str) -> Self {
        PageError::Bare(tr, err, request_id.to_owned())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        // Only the extractor's own failure reaches here; handlers render errors in the shell.
        let (tr, status, message) = match &self {
            PageError::Bare(tr, err, id) => (*tr, status_of(err), describe(*tr, err, id)),
            _ => (Tr(Lang::En), StatusCode::BAD_REQUEST, String::new()),
        };
        let body = html! {
            (DOCTYPE)
            html lang=(tr.lang()) {
                head { meta charset="utf-8"; title { (tr.t("error-title")) } }
                body { main { h1 { (tr.t("error-title")) } p { (message) } } }
            }
        };
        (status, body).into_response()
    }
}

fn status_of(err: &AppError) -> StatusCode {
    match err {
        AppError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
        AppError::Forbidden(_) => StatusCode::FORBIDDEN,
        AppError::NotFound(_) => StatusCode::NOT_FOUND,
        AppError::Invalid { .. } | AppError::KeyReused(_) => StatusCode::BAD_REQUEST,
        AppError::Conflict(_) => StatusCode::CONFLICT,
        AppError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// An application error in the reader's words; the hub's own (English) detail follows where it
/// helps, internal details never.
pub fn describe(tr: Tr, err: &AppError, request_id: &str) -> String {
    match err {
        AppError::Unauthenticated(_) => tr.t("error-unauthenticated"),
        AppError::Forbidden(_) => tr.t("error-forbidden"),
        AppError::NotFound(detail) => format!("{} ({detail})", tr.t("error-not-found")),
        AppError::Invalid { message, .. } => format!("{} {message}", tr.t("error-invalid")),
        AppError::Conflict(detail) => format!("{} ({detail})", tr.t("error-conflict")),
        AppError::KeyReused(detail) => detail.clone(),
        AppError::Unavailable => tr.t("error-unavailable"),
        AppError::Internal(_) => tr.t_with("error-internal", &[("id", request_id.to_owned())]),
    }
}

/// Renders a page's outcome in the shell: the view, or its error as a page of its own.
pub fn respond(ctx: &Ctx, outcome: Result<View, PageError>) -> Response {
    let view = match outcome {
        Ok(view) => view,
        Err(PageError::SignIn) => {
            let next = urlencode(&ctx.here);
            return Redirect::to(&format!("/login?next={next}")).into_response();
        }
        Err(err) => error_view(ctx, err),
    };
    let status = view.status;
    let mut response = (status, shell(ctx, &view)).into_response();
    remember(ctx, &mut response);
    response
}

/// Sets the cookies a request asks for: the chosen language, the end of an ended session.
pub fn remember(ctx: &Ctx, response: &mut Response) {
    let headers = response.headers_mut();
    if let Some(lang) = ctx.chosen_lang {
        let cookie = format!("{LANG_COOKIE}={lang}; Path=/; Max-Age=31536000; SameSite=Lax");
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            headers.append(header::SET_COOKIE, value);
        }
    }
    if ctx.session_ended {
        headers.append(header::SET_COOKIE, clear_session_cookie());
    }
}

/// A `Set-Cookie` that removes the session cookie.
pub fn clear_session_cookie() -> HeaderValue {
    HeaderValue::from_static("romt_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict")
}

/// The error page of `err`.
pub fn error_view(ctx: &Ctx, err: PageError) -> View {
    let tr = ctx.tr;
    let (status, message) = match &err {
        PageError::NotFound => (StatusCode::NOT_FOUND, tr.t("error-page-not-found")),
        PageError::Csrf => (StatusCode::FORBIDDEN, tr.t("error-csrf")),
        PageError::SignIn => (StatusCode::UNAUTHORIZED, tr.t("error-unauthenticated")),
        PageError::App(err, id) | PageError::Bare(_, err, id) => {
            (status_of(err), describe(tr, err, id))
        }
    };
    if status.is_server_error() {
        tracing::error!(?err, request_id = %ctx.request_id, "page failed");
    }
    let body = html! {
        h1 { (tr.t("error-title")) }
        div.notice.error role="alert" { p { (message) } }
        @if status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN && ctx.session.is_none() {
            p { a href={ "/login?next=" (urlencode(&ctx.here)) } { (tr.t("nav-sign-in")) } }
        }
        p { a href="/" { (tr.t("error-back-home")) } }
    };
    View {
        status,
        ..View::new(Section::None, tr.t("error-title"), body)
    }
}

/// `text` for a query string value.
pub fn urlencode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(byte as char);
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

fn nav(ctx: &Ctx, current: Section) -> Markup {
    let tr = ctx.tr;
    let mut entries = vec![
        (Section::Overview, "/", "nav-overview"),
        (Section::Kpis, "/kpis", "nav-kpis"),
        (Section::Countries, "/countries", "nav-countries"),
        (Section::Submissions, "/submissions", "nav-submissions"),
        (Section::WorkPlans, "/governance/workplans", "nav-workplans"),
        (
            Section::TaskForces,
            "/governance/taskforces",
            "nav-taskforces",
        ),
        (Section::Meetings, "/governance/meetings", "nav-meetings"),
    ];
    if ctx.can(Action::ManageSources) {
        entries.push((Section::Sources, "/sources", "nav-sources"));
    }
    entries.push((Section::Exports, "/exports", "nav-exports"));
    html! {
        nav.main-nav aria-label=(tr.t("nav-label")) {
            ul {
                @for (section, href, key) in entries {
                    li {
                        @if section == current {
                            a href=(href) aria-current="page" { (tr.t(key)) }
                        } @else {
                            a href=(href) { (tr.t(key)) }
                        }
                    }
                }
            }
        }
    }
}

fn who(ctx: &Ctx) -> Markup {
    let tr = ctx.tr;
    html! {
        div.who {
            @if let Some(principal) = ctx.principal() {
                span.role {
                    span.badge { (tr.t(&format!("role-{}", principal.role))) }
                    @if let Some(country) = &principal.country { " · " (country) }
                    @if let Some(agency) = &principal.agency { " · " (agency) }
                    span.visually-hidden { " (" (principal.label) ")" }
                }
                form.inline method="post" action="/logout" {
                    input type="hidden" name="csrf" value=(ctx.csrf());
                    button.link type="submit" { (tr.t("nav-sign-out")) }
                }
            } @else {
                a href={ "/login?next=" (urlencode(&ctx.here)) } { (tr.t("nav-sign-in")) }
            }
            span.lang-switch {
                @for lang in Lang::ALL {
                    @if *lang == ctx.lang() {
                        span aria-current="true" lang=(lang) { (lang_name(*lang)) }
                    } @else {
                        a href=(ctx.switch_to(*lang)) lang=(lang) hreflang=(lang) { (lang_name(*lang)) }
                    }
                }
            }
        }
    }
}

fn lang_name(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "English",
        Lang::Es => "Español",
    }
}

/// The whole page around `view`.
pub fn shell(ctx: &Ctx, view: &View) -> Markup {
    let tr = ctx.tr;
    html! {
        (DOCTYPE)
        html lang=(ctx.lang()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (view.title) " · " (tr.t("app-name")) }
                link rel="stylesheet" href=(assets::href("app.css"));
                link rel="icon" href=(assets::href("icon.svg")) type="image/svg+xml";
                script src=(assets::href("app.js")) defer {}
            }
            body {
                a.skip href="#main" { (tr.t("skip-to-content")) }
                header.top {
                    div.bar {
                        a.brand href="/" { (tr.t("app-name")) }
                        (who(ctx))
                    }
                    (nav(ctx, view.section))
                }
                main id="main" tabindex="-1" {
                    @if ctx.session_ended {
                        div.notice role="status" { p { (tr.t("session-ended")) } }
                    }
                    (view.body)
                }
                footer {
                    p {
                        (tr.t("footer-about")) " · "
                        a href="/graphql" { (tr.t("footer-explorer")) } " · "
                        a href="/api/v1/openapi.json" { (tr.t("footer-api")) }
                    }
                    p.muted { (tr.t("footer-request")) " " code { (ctx.request_id) } }
                }
            }
        }
    }
}

/// A figure: its number in the reader's format inside `<data value>` (the exact value, for
/// tools and for the tests comparing pages with the API), or a dash when there is none.
pub fn fig(lang: Lang, value: Option<Decimal>, unit: Unit) -> Markup {
    match value {
        Some(v) => html! { data value=(v) { (format::in_unit(lang, v, unit)) } },
        None => html! { span.none { "–" } },
    }
}

/// A figure formatted by `format`.
pub fn fig_with(lang: Lang, value: Option<Decimal>, format: fn(Lang, Decimal) -> String) -> Markup {
    match value {
        Some(v) => html! { data value=(v) { (format(lang, v)) } },
        None => html! { span.none { "–" } },
    }
}

/// A table cell holding a figure, sortable by its exact value.
pub fn fig_cell(lang: Lang, value: Option<Decimal>, unit: Unit) -> Markup {
    html! {
        td.num data-sort=(value.map(|v| v.to_string()).unwrap_or_default()) { (fig(lang, value, unit)) }
    }
}

/// A sortable table's header row.
pub fn head(tr: Tr, columns: &[&str]) -> Markup {
    html! {
        thead { tr {
            @for key in columns {
                th scope="col" { (tr.t(key)) }
            }
        } }
    }
}

/// A designed empty state: what is missing and what to do about it.
pub fn empty(message: &str) -> Markup {
    html! { p.empty { (message) } }
}

/// A status notice (a change done, a refusal) at the top of a page.
pub fn notice(kind: &str, message: &str) -> Markup {
    let role = if kind == "error" { "alert" } else { "status" };
    html! { div class=(format!("notice {kind}")) role=(role) { p { (message) } } }
}
