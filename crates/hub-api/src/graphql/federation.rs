//! Federation sources and sync runs (ADMIN).

use async_graphql::connection::Connection;
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use hub_domain::access::Role;
use hub_domain::federation::SourceStatus;
use hub_federation::sync::SyncError;
use hub_store::audit::{self, Actor};
use hub_store::entity::{federation_source, sync_run};
use hub_store::sources::{self, NewSource};
use serde_json::json;

use super::context;
use super::limits;
use super::paging::{self, page_size, parse_id};
use crate::error::{ApiError, GqlResult};

/// A source to register.
#[derive(InputObject, Debug)]
pub struct SourceInput {
    /// A unique name, e.g. `COL country system`.
    pub name: String,
    /// The feed URL (`GET URL?since=CURSOR`).
    pub url: String,
    /// Bearer token the source expects; stored, never returned.
    pub token: Option<String>,
    /// Seconds between pulls (default 900).
    #[graphql(default = 900)]
    pub interval_seconds: i32,
    /// Country teams the source may publish for; documents for others are `OUT_OF_SCOPE`.
    pub countries: Vec<String>,
}

/// A feed the hub pulls.
#[derive(Debug, Clone)]
pub struct FederationSource(pub federation_source::Model);

#[Object]
impl FederationSource {
    async fn id(&self) -> ID {
        ID::from(self.0.id)
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn url(&self) -> &str {
        &self.0.url
    }
    /// Whether a token is configured (the token itself is never shown).
    async fn has_token(&self) -> bool {
        self.0.token.is_some()
    }
    async fn interval_seconds(&self) -> i32 {
        self.0.interval_seconds
    }
    async fn countries(&self) -> Vec<String> {
        sources::countries_of(&self.0)
    }
    async fn active(&self) -> bool {
        self.0.active
    }
    /// OK, FAILING, STALE (no success for two intervals) or CIRCUIT_OPEN.
    async fn status(&self) -> SourceStatus {
        sources::health(&self.0).status(hub_store::now())
    }
    async fn last_success_at(&self) -> Option<DateTime<Utc>> {
        self.0.last_success_at
    }
    async fn last_run_at(&self) -> Option<DateTime<Utc>> {
        self.0.last_run_at
    }
    async fn last_error(&self) -> Option<&str> {
        self.0.last_error.as_deref()
    }
    async fn next_run_at(&self) -> DateTime<Utc> {
        self.0.next_run_at
    }
    async fn consecutive_failures(&self) -> i32 {
        self.0.consecutive_failures
    }
    async fn circuit_open_until(&self) -> Option<DateTime<Utc>> {
        self.0.circuit_open_until
    }
    /// Where the next pull resumes.
    async fn cursor(&self) -> Option<&str> {
        self.0.cursor.as_deref()
    }
}

/// A document of a pulled page that was not stored.
#[derive(SimpleObject, Debug, Clone, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncDocumentError {
    pub page: i32,
    pub index: i32,
    pub document_type: Option<String>,
    pub country: Option<String>,
    pub period: Option<String>,
    pub pointer: String,
    pub code: String,
    pub message: String,
}

/// One pull of one source.
#[derive(Debug, Clone)]
pub struct SyncRun(pub sync_run::Model);

#[Object]
impl SyncRun {
    async fn id(&self) -> ID {
        ID::from(self.0.id)
    }
    async fn source_id(&self) -> ID {
        ID::from(self.0.source_id)
    }
    /// The source, as it is now.
    async fn source(&self, ctx: &Context<'_>) -> GqlResult<Option<FederationSource>> {
        let (app, _) = context(ctx)?;
        Ok(sources::get(app.db(), self.0.source_id)
            .await?
            .map(FederationSource))
    }
    /// SCHEDULE or MANUAL.
    async fn trigger(&self) -> &str {
        &self.0.trigger
    }
    /// The replica that ran it.
    async fn replica(&self) -> &str {
        &self.0.replica
    }
    async fn started_at(&self) -> DateTime<Utc> {
        self.0.started_at
    }
    async fn finished_at(&self) -> DateTime<Utc> {
        self.0.finished_at
    }
    /// SUCCESS, NOT_MODIFIED, PARTIAL, FAILED or SKIPPED (circuit open).
    async fn outcome(&self) -> &str {
        &self.0.outcome
    }
    async fn pages(&self) -> i32 {
        self.0.pages
    }
    /// Documents stored.
    async fn accepted(&self) -> i32 {
        self.0.accepted
    }
    /// Documents already stored unchanged.
    async fn unchanged(&self) -> i32 {
        self.0.unchanged
    }
    /// Documents rejected (listed in `errors`).
    async fn rejected(&self) -> i32 {
        self.0.rejected
    }
    async fn http_status(&self) -> Option<i32> {
        self.0.http_status
    }
    /// Why the run failed, if it did.
    async fn error(&self) -> Option<&str> {
        self.0.error.as_deref()
    }
    /// Per-document problems.
    #[graphql(complexity = "limits::bounded(limits::size::MANY, child_complexity)")]
    async fn errors(&self) -> GqlResult<Vec<SyncDocumentError>> {
        serde_json::from_str(&self.0.document_errors)
            .map_err(|e| ApiError::Internal(format!("stored run errors: {e}")))
    }
}

#[derive(Default, Debug)]
pub struct FederationQuery;

#[Object]
impl FederationQuery {
    /// Every federation source with its health (ADMIN).
    #[graphql(complexity = "limits::bounded(limits::size::COUNTRIES, child_complexity)")]
    async fn sources(&self, ctx: &Context<'_>) -> GqlResult<Vec<FederationSource>> {
        let (app, caller) = context(ctx)?;
        caller.require(&[Role::Admin], "reading federation sources")?;
        Ok(sources::list(app.db())
            .await?
            .into_iter()
            .map(FederationSource)
            .collect())
    }

    /// Sync runs, newest first, optionally of one source (ADMIN).
    #[graphql(complexity = "limits::page(first, child_complexity)")]
    async fn sync_runs(
        &self,
        ctx: &Context<'_>,
        source: Option<ID>,
        #[graphql(default = 50)] first: i32,
        after: Option<String>,
    ) -> GqlResult<Connection<String, SyncRun>> {
        let (app, caller) = context(ctx)?;
        caller.require(&[Role::Admin], "reading sync runs")?;
        let source = source
            .as_ref()
            .map(|id| parse_id("source", id))
            .transpose()?;
        let before = after
            .as_deref()
            .map(|c| paging::decode("run", c))
            .transpose()?;
        let (rows, more) = sources::runs(app.db(), source, before, page_size(first)?).await?;
        Ok(paging::connection(
            "run",
            rows,
            more,
            before,
            |r| r.id,
            SyncRun,
        ))
    }
}

#[derive(Default, Debug)]
pub struct FederationMutation;

#[Object]
impl FederationMutation {
    /// Registers a feed to pull (ADMIN). Its first pull is due at once.
    async fn register_source(
        &self,
        ctx: &Context<'_>,
        input: SourceInput,
    ) -> GqlResult<FederationSource> {
        let (app, caller) = context(ctx)?;
        let principal = caller.require(&[Role::Admin], "registering sources")?;
        let countries: Vec<String> = input
            .countries
            .iter()
            .map(|c| c.trim().to_uppercase())
            .collect();
        let source = sources::create(
            app.db(),
            NewSource {
                name: input.name,
                url: input.url,
                token: input.token,
                interval_seconds: input.interval_seconds,
                countries,
            },
        )
        .await?;
        let after = json!({ "name": source.name, "url": source.url, "countries": source.countries,
                            "intervalSeconds": source.interval_seconds });
        audit::record(
            app.db(),
            audit::Entry {
                actor: &Actor::Principal(principal.clone()),
                action: "source.register",
                entity_type: "federation_source",
                entity_id: source.id.to_string(),
                before: None,
                after: Some(&after),
                request_id: Some(&crate::request::current_id()),
                summary: Some(format!(
                    "source {} registered for {}",
                    source.name, source.countries
                )),
            },
        )
        .await?;
        Ok(FederationSource(source))
    }

    /// Pulls a source now (ADMIN) and returns the run. Refused while another pull of it runs.
    async fn sync_source(&self, ctx: &Context<'_>, id: ID) -> GqlResult<SyncRun> {
        let (app, caller) = context(ctx)?;
        let principal = caller.require(&[Role::Admin], "syncing sources")?;
        let id = parse_id("id", &id)?;
        let run = hub_federation::sync_source(
            app.db(),
            app.ingestor(),
            app.puller(),
            &app.config().federation,
            id,
        )
        .await
        .map_err(|e| match e {
            SyncError::Busy => ApiError::Conflict(e.to_string()),
            SyncError::NotFound(_) => ApiError::NotFound(e.to_string()),
            SyncError::Store(e) => e.into(),
        })?;
        audit::record(
            app.db(),
            audit::Entry {
                actor: &Actor::Principal(principal.clone()),
                action: "source.sync",
                entity_type: "federation_source",
                entity_id: id.to_string(),
                before: None,
                after: Some(&json!({ "run": run.id, "outcome": run.outcome })),
                request_id: Some(&crate::request::current_id()),
                summary: Some(format!(
                    "manual pull: {} ({} accepted, {} unchanged, {} rejected)",
                    run.outcome, run.accepted, run.unchanged, run.rejected
                )),
            },
        )
        .await?;
        Ok(SyncRun(run))
    }
}
