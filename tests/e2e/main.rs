//! End-to-end tests of romt-hub: the real app on a loopback port with a fresh database, and the
//! real binary for the CLI.
//!
//! Every test runs on SQLite by default and on PostgreSQL when `HUB_TEST_DATABASE_URL` names a
//! server (each test then gets a database of its own, dropped afterwards).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail loudly"
)]

mod support;

mod access;
mod analytics;
mod answers;
mod audit;
mod crash;
mod exports;
mod federation;
mod foundation;
mod governance;
mod hardening;
mod ingest;
mod quality;
mod queries;
mod replicas;
mod web;
