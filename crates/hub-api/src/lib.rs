//! The HTTP face of romt-hub: one axum router serving GraphQL, REST, health, metrics and the
//! web application (crate `hub-web`), with authentication, request ids and limits. Every operation is the
//! application's (`hub_app::App`): handlers and resolvers turn HTTP into a call with the
//! request's caller and the answer back into HTTP. Nothing here touches the database.
//!
//! Layout:
//! - [`router`]: every route in one place; [`startup`]: serve with graceful shutdown.
//! - [`state`]: the application plus what only HTTP needs (schema, metrics, limits).
//! - [`auth`]: bearer tokens to callers; [`request`]: request ids, spans and access logs
//!   ([`request_id`] holds the id of the request being served).
//! - [`error`]: the one API error type with HTTP status and GraphQL code per variant.
//! - [`graphql`]: the GraphQL schema, one module per area.
//! - [`body`]: request bodies within the body limit; [`panic`]: panics answered `INTERNAL`.
//! - [`rest`]: `POST /api/v1/submissions`, `GET /federation/v1/feed`.
//! - [`exports`]: export and template downloads; [`openapi`]: the REST description.
//! - [`ratelimit`]: per-caller request limits.
//! - [`health`], [`metrics`]: operator endpoints; [`web`]: hosts the web application;
//!   [`explorer`]: the GraphiQL page for browsers at `/graphql`.
//! - [`node`]: `romt-hub country-node` over HTTP.

pub mod auth;
pub mod body;
pub mod error;
pub mod explorer;
pub mod exports;
pub mod graphql;
pub mod health;
pub mod metrics;
pub mod node;
pub mod openapi;
pub mod panic;
pub mod ratelimit;
pub mod request;
pub mod request_id;
pub mod rest;
pub mod router;
pub mod startup;
pub mod state;
pub mod web;

pub use error::ApiError;
pub use state::AppState;
