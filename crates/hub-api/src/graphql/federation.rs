//! Federation sources and sync runs (ADMIN).

use std::collections::HashMap;

use async_graphql::connection::Connection;
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use hub_app::sources::{NewSource, Source, SourceStatus, SyncOutcome, SyncRun, SyncTrigger};

use super::context;
use super::limits;
use super::paging::{self, page_size, parse_id};
use crate::error::GqlResult;

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
pub struct FederationSource(pub Source);

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
    async fn countries(&self) -> &[String] {
        &self.0.countries
    }
    async fn active(&self) -> bool {
        self.0.active
    }
    /// OK, FAILING, STALE (no success for two intervals) or CIRCUIT_OPEN.
    async fn status(&self) -> SourceStatus {
        self.0.health().status(Utc::now())
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
#[derive(SimpleObject, Debug, Clone)]
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
pub struct SyncRunView {
    run: SyncRun,
    /// The run's source as it is now (loaded for the whole list at once).
    source: Option<Source>,
}

#[Object(name = "SyncRun")]
impl SyncRunView {
    async fn id(&self) -> ID {
        ID::from(self.run.id)
    }
    async fn source_id(&self) -> ID {
        ID::from(self.run.source_id)
    }
    /// The source, as it is now.
    async fn source(&self) -> Option<FederationSource> {
        self.source.clone().map(FederationSource)
    }
    async fn trigger(&self) -> SyncTrigger {
        self.run.trigger
    }
    /// The replica that ran it.
    async fn replica(&self) -> &str {
        &self.run.replica
    }
    async fn started_at(&self) -> DateTime<Utc> {
        self.run.started_at
    }
    async fn finished_at(&self) -> DateTime<Utc> {
        self.run.finished_at
    }
    /// SKIPPED when the circuit was open.
    async fn outcome(&self) -> SyncOutcome {
        self.run.outcome
    }
    async fn pages(&self) -> i32 {
        self.run.pages
    }
    /// Documents stored.
    async fn accepted(&self) -> i32 {
        self.run.accepted
    }
    /// Documents already stored unchanged.
    async fn unchanged(&self) -> i32 {
        self.run.unchanged
    }
    /// Documents rejected (listed in `errors`).
    async fn rejected(&self) -> i32 {
        self.run.rejected
    }
    async fn http_status(&self) -> Option<i32> {
        self.run.http_status
    }
    /// Why the run failed, if it did.
    async fn error(&self) -> Option<&str> {
        self.run.error.as_deref()
    }
    /// Per-document problems.
    #[graphql(complexity = "limits::bounded(limits::size::MANY, child_complexity)")]
    async fn errors(&self) -> Vec<SyncDocumentError> {
        self.run
            .errors
            .iter()
            .map(|e| SyncDocumentError {
                page: e.page,
                index: e.index,
                document_type: e.document_type.clone(),
                country: e.country.clone(),
                period: e.period.clone(),
                pointer: e.pointer.clone(),
                code: e.code.clone(),
                message: e.message.clone(),
            })
            .collect()
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
        Ok(app
            .sources(caller)
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
    ) -> GqlResult<Connection<String, SyncRunView>> {
        let (app, caller) = context(ctx)?;
        let source = source
            .as_ref()
            .map(|id| parse_id("source", id))
            .transpose()?;
        let before = after
            .as_deref()
            .map(|c| paging::decode("run", c))
            .transpose()?;
        let page = app
            .sync_runs(caller, source, before, page_size(first)?)
            .await?;
        let mut sources: HashMap<i64, Source> = HashMap::new();
        let look = ctx.look_ahead();
        // Runs are reached through `edges { node }` or `nodes`, or both.
        if look.field("edges").field("node").field("source").exists()
            || look.field("nodes").field("source").exists()
        {
            let mut ids: Vec<i64> = page.runs.iter().map(|r| r.source_id).collect();
            ids.sort_unstable();
            ids.dedup();
            sources = app.sources_by_id(caller, &ids).await?;
        }
        Ok(paging::connection(
            "run",
            page.runs,
            page.more,
            before,
            |r| r.id,
            |run| SyncRunView {
                source: sources.get(&run.source_id).cloned(),
                run,
            },
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
        let source = app
            .register_source(
                caller,
                NewSource {
                    name: input.name,
                    url: input.url,
                    token: input.token,
                    interval_seconds: input.interval_seconds,
                    countries: input.countries,
                },
            )
            .await?;
        Ok(FederationSource(source))
    }

    /// Pulls a source now (ADMIN) and returns the run. Refused while another pull of it runs.
    async fn sync_source(&self, ctx: &Context<'_>, id: ID) -> GqlResult<SyncRunView> {
        let (app, caller) = context(ctx)?;
        let run = app.sync_source(caller, parse_id("id", &id)?).await?;
        let source = app
            .sources_by_id(caller, &[run.source_id])
            .await?
            .remove(&run.source_id);
        Ok(SyncRunView { run, source })
    }
}
