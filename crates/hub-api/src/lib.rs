//! The HTTP face of romt-hub: one axum router serving GraphQL, REST, health, metrics and the
//! dashboard page, with authentication, request ids, limits and caching.
//!
//! Layout:
//! - [`analytics`]: regional figures (DESIGN §8) and their cache.
//! - [`config`]: the typed configuration, layered defaults → TOML file → `HUB_*` environment.
//! - [`startup`]: connect, migrate, seed, first admin token, serve with graceful shutdown.
//! - [`router`]: every route in one place.
//! - [`state`]: the shared application state.
//! - [`auth`]: bearer tokens to callers.
//! - [`request`]: request ids, spans and access logs.
//! - [`governance`]: task forces, work plans, meetings (services).
//! - [`error`]: the one API error type with HTTP status and GraphQL code per variant.
//! - [`graphql`]: the GraphQL schema, one module per area.
//! - [`body`]: request bodies within the body limit; [`panic`]: panics answered `INTERNAL`.
//! - [`rest`]: `POST /api/v1/submissions`.
//! - [`ratelimit`]: per-caller request limits.
//! - [`health`], [`metrics`]: operator endpoints.

pub mod analytics;
pub mod auth;
pub mod body;
pub mod config;
pub mod error;
pub mod governance;
pub mod graphql;
pub mod health;
pub mod metrics;
pub mod page;
pub mod panic;
pub mod ratelimit;
pub mod request;
pub mod rest;
pub mod router;
pub mod startup;
pub mod state;

pub use config::Config;
pub use error::ApiError;
pub use state::AppState;
