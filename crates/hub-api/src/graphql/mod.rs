//! The GraphQL API at `/graphql`: the schema, its limits and the HTTP handler.
//!
//! Resolvers stay thin: each calls one operation of the application (`hub_app::App`) with the
//! request's caller, the same operation REST, the pages and the CLI call; access is checked and
//! audited there. Views here only shape the answer. Every error carries `extensions.code` (see
//! [`ApiError`]).
//!
//! Layout: one module per area ([`reference`], [`access`], [`submission`], [`analytics`],
//! [`federation`], [`governance`] (one module per aggregate), [`admin`]);
//! [`limits`] guards depth, complexity and aliases; [`paging`] holds ids and cursors;
//! [`http`] and [`ws`] carry GraphQL over HTTP and WebSocket.

use async_graphql::{Context, MergedObject, Schema, Subscription};
use futures::Stream;
use hub_app::App;

use hub_app::Caller;

use crate::error::ApiError;
use crate::metrics::Metrics;

pub mod access;
pub mod admin;
pub mod analytics;
pub mod answers;
pub mod exports;
pub mod federation;
pub mod governance;
pub mod http;
pub mod limits;
pub mod paging;
pub mod quality;
pub mod reference;
pub mod submission;
pub mod ws;

/// Root of all queries.
#[derive(MergedObject, Default, Debug)]
pub struct QueryRoot(
    reference::ReferenceQuery,
    access::AccessQuery,
    submission::SubmissionQuery,
    analytics::AnalyticsQuery,
    exports::ExportQuery,
    federation::FederationQuery,
    governance::GovernanceQuery,
    admin::AdminQuery,
    quality::QualityQuery,
);

/// Root of all mutations.
#[derive(MergedObject, Default, Debug)]
pub struct MutationRoot(
    submission::SubmissionMutation,
    admin::AdminMutation,
    quality::QualityMutation,
    federation::FederationMutation,
    governance::GovernanceMutation,
);

/// Root of all subscriptions (over `/graphql/ws`).
#[derive(Default, Debug)]
pub struct SubscriptionRoot;

#[Subscription]
impl SubscriptionRoot {
    /// Work plan changes as they happen: drafts, submissions, approvals, returns, amendments
    /// (ROMT, RCP and ADMIN tokens).
    async fn work_plan_events(
        &self,
        ctx: &Context<'_>,
    ) -> Result<impl Stream<Item = governance::WorkPlanEvent>, ApiError> {
        let (app, caller) = context(ctx)?;
        let receiver = app.follow_work_plans(caller)?;
        Ok(futures::stream::unfold(
            receiver,
            |mut receiver| async move {
                loop {
                    match receiver.recv().await {
                        Ok(event) => {
                            return Some((governance::WorkPlanEvent::from(event), receiver));
                        }
                        // A slow subscriber skips what it missed rather than blocking others.
                        Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                        Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
                    }
                }
            },
        ))
    }
}

/// The hub's GraphQL schema.
pub type HubSchema = Schema<QueryRoot, MutationRoot, SubscriptionRoot>;

/// Builds the schema with its limits; without `introspection`, `__schema`/`__type` and field
/// suggestions in error messages are off (`HUB_INTROSPECTION=false`).
pub fn build_schema(introspection: bool) -> HubSchema {
    let builder = Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        SubscriptionRoot,
    )
    .limit_complexity(limits::MAX_COMPLEXITY)
    .limit_recursive_depth(limits::MAX_RECURSIVE_DEPTH)
    .extension(limits::Limits { introspection })
    .extension(answers::Watch);
    if introspection {
        builder.finish()
    } else {
        builder
            .disable_introspection()
            .disable_suggestions()
            .finish()
    }
}

/// The schema in SDL, as checked in at `graphql/schema.graphql`.
pub fn sdl() -> String {
    build_schema(true).sdl()
}

/// The application and the caller of the request, for resolvers.
pub(crate) fn context<'a>(ctx: &'a Context<'_>) -> Result<(&'a App, &'a Caller), ApiError> {
    Ok((ctx.data::<App>()?, ctx.data::<Caller>()?))
}

/// The counters of `/metrics`, for the few resolvers that count something.
pub(crate) fn metrics<'a>(ctx: &'a Context<'_>) -> Result<&'a Metrics, ApiError> {
    Ok(ctx.data::<Metrics>()?)
}

/// What every operation's resolvers reach: the application and the counters.
pub(crate) fn request_data(app: &App, metrics: &Metrics) -> async_graphql::Data {
    let mut data = async_graphql::Data::default();
    data.insert(app.clone());
    data.insert(metrics.clone());
    data
}

pub use http::error_response;

#[cfg(test)]
mod tests {
    use async_graphql::registry::{MetaType, Registry};
    use async_graphql::{OutputType, SubscriptionType};

    /// Every field that returns a list of objects, or a connection, must say how many items it
    /// may return, or the cost check before execution could not bound the answer (DESIGN §17).
    #[test]
    fn every_object_list_declares_its_size_for_the_cost_check() {
        let mut registry = Registry::default();
        super::QueryRoot::create_type_info(&mut registry);
        super::MutationRoot::create_type_info(&mut registry);
        super::SubscriptionRoot::create_type_info(&mut registry);
        let is_object = |name: &str| {
            matches!(
                registry.types.get(name),
                Some(MetaType::Object { .. } | MetaType::Interface { .. } | MetaType::Union { .. })
            )
        };
        let mut uncosted = Vec::new();
        for (type_name, ty) in &registry.types {
            let MetaType::Object { fields, .. } = ty else {
                continue;
            };
            if type_name.starts_with("__") || type_name.ends_with("Connection") {
                continue; // introspection; edges/nodes are costed by the connection's `first`
            }
            for field in fields.values() {
                let inner = field.ty.trim_matches(|c| c == '[' || c == ']' || c == '!');
                let list_of_objects = field.ty.contains('[') && is_object(inner);
                if (list_of_objects || inner.ends_with("Connection"))
                    && field.compute_complexity.is_none()
                {
                    uncosted.push(format!("{type_name}.{}: {}", field.name, field.ty));
                }
            }
        }
        assert!(
            uncosted.is_empty(),
            "lists without a declared size (add #[graphql(complexity = ...)] with limits::page or limits::bounded):\n{}",
            uncosted.join("\n")
        );
    }

    /// The checked-in SDL must match the code. To regenerate after a schema change:
    /// `cargo run -- graphql-schema > graphql/schema.graphql` (or run this test with
    /// `UPDATE_SCHEMA=1`).
    #[test]
    fn checked_in_schema_matches_the_code() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../graphql/schema.graphql");
        let generated = super::sdl();
        if std::env::var_os("UPDATE_SCHEMA").is_some() {
            std::fs::write(path, &generated).unwrap();
        }
        let checked_in = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            checked_in == generated,
            "graphql/schema.graphql is out of date with the code; regenerate it with\n  \
             cargo run -- graphql-schema > graphql/schema.graphql\nand commit the result"
        );
    }
}
