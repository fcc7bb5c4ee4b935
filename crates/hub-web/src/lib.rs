//! The web application of romt-hub (DESIGN §15): server-rendered pages for ROMT analysts,
//! country OMT officers, RCP members and the operator, in English and Spanish, with charts drawn
//! as SVG on the server, a little vanilla JavaScript (table sorting, confirmations), and no
//! external asset of any kind. Every figure and every action goes through `hub-app` with the
//! viewer's caller: a page is an adapter like a GraphQL resolver (parse, call, present).
//!
//! Layout:
//! - [`host`]: what the HTTP layer gives the pages (the application, request ids, the sign-in
//!   throttle), as a trait so hub-api's state plugs in without this crate knowing it.
//! - [`i18n`]: the message catalogues (`locales/{en,es}.ftl`, Fluent syntax).
//! - [`format`]: numbers, money and dates in the reader's locale.
//! - [`context`]: the viewer of a request: language, session, caller, CSRF secret.
//! - [`layout`]: the page shell (header, navigation, language switch, footer) and small parts.
//! - [`charts`]: SVG charts, each with a legend and its numbers in a table.
//! - [`assets`]: the stylesheet, script and GraphiQL files, compiled into the binary.
//! - [`pages`]: one module per page or group of pages.
//! - [`routes`]: every route of the web application.

pub mod assets;
pub mod charts;
pub mod context;
pub mod format;
pub mod host;
pub mod i18n;
pub mod layout;
pub mod pages;
pub mod routes;

pub use host::Host;
pub use routes::routes;

/// The cookie holding a session's secret.
pub const SESSION_COOKIE: &str = "romt_session";
/// The cookie remembering the chosen language.
pub const LANG_COOKIE: &str = "romt_lang";
