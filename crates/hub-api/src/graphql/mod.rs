//! The GraphQL API at `/graphql`: the schema, its limits and the HTTP handler.
//!
//! Resolvers stay thin: they check the caller and call the same store and service functions the
//! REST handlers and the CLI use. Every error carries `extensions.code` (see [`ApiError`]).
//!
//! Layout: one module per area ([`reference`], [`access`], [`submission`], [`analytics`],
//! [`federation`], [`governance`], [`admin`]);
//! [`limits`] guards depth, complexity and aliases; [`paging`] holds ids and cursors.

use async_graphql::http::ALL_WEBSOCKET_PROTOCOLS;
use async_graphql::{Context, Data, MergedObject, Schema, Subscription};
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::body::Body;
use axum::extract::WebSocketUpgrade;
use axum::extract::{Query, Request, State};
use axum::http::{Method, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use futures::Stream;
use hub_domain::access::Role;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::state::AppState;

pub mod access;
pub mod admin;
pub mod analytics;
pub mod federation;
pub mod governance;
pub mod limits;
pub mod paging;
pub mod reference;
pub mod submission;

/// Root of all queries.
#[derive(MergedObject, Default, Debug)]
pub struct QueryRoot(
    reference::ReferenceQuery,
    access::AccessQuery,
    submission::SubmissionQuery,
    analytics::AnalyticsQuery,
    federation::FederationQuery,
    governance::GovernanceQuery,
    admin::AdminQuery,
);

/// Root of all mutations.
#[derive(MergedObject, Default, Debug)]
pub struct MutationRoot(
    submission::SubmissionMutation,
    admin::AdminMutation,
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
        caller.require(
            &[Role::Romt, Role::Rcp, Role::Admin],
            "following work plans",
        )?;
        let receiver = app.plan_events();
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

/// Builds the schema with its limits.
pub fn build_schema() -> HubSchema {
    Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        SubscriptionRoot,
    )
    .limit_depth(limits::MAX_DEPTH)
    .limit_complexity(limits::MAX_COMPLEXITY)
    .limit_recursive_depth(limits::MAX_RECURSIVE_DEPTH)
    .extension(limits::Limits)
    .finish()
}

/// The schema in SDL, as checked in at `graphql/schema.graphql`.
pub fn sdl() -> String {
    build_schema().sdl()
}

/// The state and caller of the request, for resolvers.
pub(crate) fn context<'a>(ctx: &'a Context<'_>) -> Result<(&'a AppState, &'a Caller), ApiError> {
    Ok((ctx.data::<AppState>()?, ctx.data::<Caller>()?))
}

/// A GraphQL-shaped error response with the HTTP status of the error.
pub fn error_response(err: ApiError) -> Response {
    let status = err.status();
    let gql: async_graphql::Error = err.into();
    let body = serde_json::json!({
        "data": null,
        "errors": [{ "message": gql.message, "extensions": gql.extensions }],
    });
    (status, Json(body)).into_response()
}

#[derive(serde::Deserialize)]
struct GetParams {
    query: String,
    #[serde(rename = "operationName")]
    operation_name: Option<String>,
    variables: Option<String>,
}

/// `GET` and `POST /graphql`. GET carries queries only; mutations must be POSTed.
pub async fn handler(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    request: Request,
) -> Response {
    let request = match read_request(&state, request).await {
        Ok(request) => request,
        Err(err) => return error_response(err),
    };
    let response = state
        .schema()
        .execute(request.data(state.clone()).data(caller))
        .await;
    Json(response).into_response()
}

async fn read_request(
    state: &AppState,
    request: Request,
) -> Result<async_graphql::Request, ApiError> {
    if request.method() == Method::GET {
        let Query(params) = Query::<GetParams>::try_from_uri(request.uri()).map_err(|e| {
            ApiError::invalid("query", format!("a GET request needs ?query=...: {e}"))
        })?;
        if limits::is_mutation(&params.query, params.operation_name.as_deref()) {
            return Err(ApiError::MethodNotAllowed(
                "mutations must be sent with POST, not GET".into(),
            ));
        }
        let mut gql = async_graphql::Request::new(params.query);
        if let Some(name) = params.operation_name {
            gql = gql.operation_name(name);
        }
        if let Some(variables) = params.variables {
            let value: serde_json::Value = serde_json::from_str(&variables)
                .map_err(|e| ApiError::invalid("variables", format!("not valid JSON: {e}")))?;
            gql = gql.variables(async_graphql::Variables::from_json(value));
        }
        return Ok(gql);
    }
    let body = read_json_body(request, state.config().max_body_bytes).await?;
    serde_json::from_slice(&body).map_err(|e| ApiError::Validation {
        field: None,
        message: format!("the body is not a GraphQL request: {e}"),
    })
}

/// Reads a JSON request body within `limit` bytes (also for chunked bodies without a length).
pub async fn read_json_body(request: Request, limit: usize) -> Result<axum::body::Bytes, ApiError> {
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = content_type.split(';').next().unwrap_or("").trim();
    if !(essence.eq_ignore_ascii_case("application/json") || essence.ends_with("+json")) {
        return Err(ApiError::UnsupportedMediaType(format!(
            "send JSON with Content-Type: application/json (got {:?})",
            if content_type.is_empty() {
                "nothing"
            } else {
                content_type
            }
        )));
    }
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|len| len > limit) {
        return Err(ApiError::PayloadTooLarge { limit });
    }
    axum::body::to_bytes(Body::new(request.into_body()), limit)
        .await
        .map_err(|err| {
            let err = err.into_inner();
            if err.is::<http_body_util::LengthLimitError>() {
                ApiError::PayloadTooLarge { limit }
            } else {
                ApiError::BadRequest(format!("the request body could not be read: {err}"))
            }
        })
}

/// `GET /graphql/ws`: GraphQL subscriptions over WebSocket (`graphql-transport-ws` and
/// `graphql-ws`). The token comes from the upgrade request's `Authorization` header, or from
/// the `Authorization` (or `authorization`) field of the connection-init payload for browsers.
pub async fn ws(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    protocol: GraphQLProtocol,
    upgrade: WebSocketUpgrade,
) -> Response {
    let schema = state.schema().clone();
    upgrade
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |stream| {
            let mut data = Data::default();
            data.insert(state.clone());
            GraphQLWebSocket::new(stream, schema, protocol)
                .with_data(data)
                .on_connection_init(move |payload| async move {
                    let header: Option<String> = payload
                        .get("Authorization")
                        .or_else(|| payload.get("authorization"))
                        .and_then(|v| v.as_str())
                        .map(str::to_owned);
                    let caller = match header {
                        Some(header) => crate::auth::resolve(&state, Some(header.as_str()))
                            .await
                            .map_err(async_graphql::Error::from)?,
                        None => caller,
                    };
                    let mut data = Data::default();
                    data.insert(caller);
                    Ok(data)
                })
                .serve()
        })
}

/// Fallback for methods other than GET and POST on `/graphql`.
pub async fn method_not_allowed() -> Response {
    error_response(ApiError::MethodNotAllowed(
        "use POST (or GET for queries) on /graphql".into(),
    ))
}

#[cfg(test)]
mod tests {
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
