//! GraphQL over HTTP at `/graphql`, as the GraphQL-over-HTTP specification describes it.
//!
//! - `POST` with an `application/json` body, or `GET` with `query`, `operationName`,
//!   `variables` and `extensions` in the URL (queries only: a mutation over GET is 405). Any
//!   other method, `HEAD` included, is 405 and runs nothing.
//! - The response media type follows `Accept`: `application/graphql-response+json` when the
//!   caller asks for it, else `application/json` (also for `*/*` or no `Accept`); 406 when the
//!   caller accepts neither.
//! - With `application/graphql-response+json`, a request error (the document does not parse or
//!   validate, a limit is exceeded, variables do not fit) is a 400 without a `data` entry; with
//!   `application/json` every well-formed request gets 200, as the specification asks.
//! - A panic while executing is answered `INTERNAL` (500) with the request id, and logged.
//! - A response larger than `HUB_MAX_RESPONSE_BYTES` is replaced by a `RESPONSE_TOO_LARGE` error.

use std::panic::AssertUnwindSafe;

use axum::Extension;
use axum::body::{Body, Bytes};
use axum::extract::{Query, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures::FutureExt;
use serde_json::{Value, json};

use super::answers::{Pending, Question};
use super::limits;
use crate::error::ApiError;
use crate::state::AppState;
use hub_app::Caller;

/// The media type of the GraphQL-over-HTTP specification.
pub const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";

/// The media type a response is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaType {
    /// `application/graphql-response+json`: status codes tell request errors apart.
    GraphqlResponse,
    /// `application/json`: 200 for every well-formed request.
    Json,
}

impl MediaType {
    fn header(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            MediaType::GraphqlResponse => "application/graphql-response+json; charset=utf-8",
            MediaType::Json => "application/json; charset=utf-8",
        })
    }
}

/// Chooses the response media type from an `Accept` header: the acceptable type with the
/// highest quality, `application/graphql-response+json` first on a tie; `None` when the caller
/// accepts neither (406).
pub fn negotiate(accept: Option<&str>) -> Option<MediaType> {
    let Some(accept) = accept.filter(|a| !a.trim().is_empty()) else {
        return Some(MediaType::Json);
    };
    let mut best: Option<(f32, MediaType)> = None;
    for item in accept.split(',') {
        let mut parts = item.split(';').map(str::trim);
        let range = parts.next().unwrap_or("").to_ascii_lowercase();
        let mut quality = 1.0_f32;
        let mut charset_ok = true;
        for param in parts {
            let (name, value) = param.split_once('=').unwrap_or((param, ""));
            let value = value.trim().trim_matches('"');
            match name.trim().to_ascii_lowercase().as_str() {
                "q" => quality = value.parse().unwrap_or(0.0),
                "charset" => charset_ok = value.eq_ignore_ascii_case("utf-8"),
                _ => {}
            }
        }
        let media = match range.as_str() {
            GRAPHQL_RESPONSE_JSON => MediaType::GraphqlResponse,
            "application/json" | "application/*" | "*/*" => MediaType::Json,
            _ => continue,
        };
        if !charset_ok || quality <= 0.0 {
            continue;
        }
        let better = match best {
            None => true,
            Some((q, chosen)) => {
                quality > q
                    || (quality == q
                        && media == MediaType::GraphqlResponse
                        && chosen != MediaType::GraphqlResponse)
            }
        };
        if better {
            best = Some((quality, media));
        }
    }
    best.map(|(_, media)| media)
}

/// A GraphQL-shaped error response (no `data` entry) with the error's HTTP status.
pub fn error_response(err: ApiError) -> Response {
    error_response_as(err, MediaType::Json)
}

fn error_response_as(err: ApiError, media: MediaType) -> Response {
    let status = err.status();
    let retry_after = err.retry_after();
    let mut response = write(status, &errors_body(err), media);
    let headers = response.headers_mut();
    if status == StatusCode::METHOD_NOT_ALLOWED {
        headers.insert(header::ALLOW, HeaderValue::from_static("GET, POST"));
    }
    if let Some(value) = retry_after {
        headers.insert(header::RETRY_AFTER, value);
    }
    response
}

fn errors_body(err: ApiError) -> Value {
    let gql: async_graphql::Error = err.into();
    json!({ "errors": [{ "message": gql.message, "extensions": gql.extensions }] })
}

fn write(status: StatusCode, body: &Value, media: MediaType) -> Response {
    let bytes = serde_json::to_vec(body).unwrap_or_else(|_| b"{}".to_vec());
    let mut response = (status, Body::from(bytes)).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, media.header());
    response
}

#[derive(serde::Deserialize)]
struct GetParams {
    query: Option<String>,
    #[serde(rename = "operationName")]
    operation_name: Option<String>,
    variables: Option<String>,
    extensions: Option<String>,
}

fn json_param(name: &str, text: Option<String>) -> Result<Option<Value>, ApiError> {
    let Some(text) = text.filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    match serde_json::from_str::<Value>(&text) {
        Ok(Value::Null) => Ok(None),
        Ok(value @ Value::Object(_)) => Ok(Some(value)),
        Ok(_) => Err(ApiError::BadRequest(format!(
            "{name} must be a JSON object"
        ))),
        Err(e) => Err(ApiError::BadRequest(format!(
            "{name} is not valid JSON: {e}"
        ))),
    }
}

/// A request as sent: what kept answers are found by, and what the executor runs.
#[derive(Debug)]
struct Parsed {
    query: String,
    operation_name: Option<String>,
    variables: Option<Value>,
    extensions: serde_json::Map<String, Value>,
}

impl Parsed {
    fn into_request(self) -> async_graphql::Request {
        let mut gql = async_graphql::Request::new(self.query);
        if let Some(name) = self.operation_name {
            gql = gql.operation_name(name);
        }
        if let Some(variables) = self.variables {
            gql = gql.variables(async_graphql::Variables::from_json(variables));
        }
        for (key, value) in self.extensions {
            if let Ok(value) = async_graphql::Value::from_json(value) {
                gql.extensions.insert(key, value);
            }
        }
        gql
    }

    /// Whether its answer may have been kept: a question (mutations never are) without
    /// extensions (which may change how it runs).
    fn may_be_kept(&self) -> bool {
        self.extensions.is_empty() && !self.query.trim_start().starts_with("mutation")
    }
}

fn from_get(request: &Request) -> Result<Parsed, ApiError> {
    let Query(params) = Query::<GetParams>::try_from_uri(request.uri())
        .map_err(|e| ApiError::BadRequest(format!("the query string cannot be read: {e}")))?;
    let query = params.query.filter(|q| !q.is_empty()).ok_or_else(|| {
        ApiError::BadRequest("a GET request needs the document in ?query=...".into())
    })?;
    if limits::is_mutation(&query, params.operation_name.as_deref()) {
        return Err(ApiError::MethodNotAllowed(
            "mutations must be sent with POST, not GET".into(),
        ));
    }
    let extensions = match json_param("extensions", params.extensions)? {
        Some(Value::Object(map)) => map,
        _ => serde_json::Map::new(),
    };
    Ok(Parsed {
        query,
        operation_name: params.operation_name,
        variables: json_param("variables", params.variables)?,
        extensions,
    })
}

fn from_post(body: &[u8]) -> Result<Parsed, ApiError> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| ApiError::BadRequest(format!("the body is not valid JSON: {e}")))?;
    let Value::Object(mut map) = value else {
        return Err(ApiError::BadRequest(
            "the body must be one GraphQL request object (batches are not supported)".into(),
        ));
    };
    let query = match map.remove("query") {
        Some(Value::String(query)) if !query.is_empty() => query,
        Some(Value::String(_)) | None | Some(Value::Null) => {
            return Err(ApiError::BadRequest(
                "the request has no document: send {\"query\": \"...\"}".into(),
            ));
        }
        Some(_) => return Err(ApiError::BadRequest("query must be a string".into())),
    };
    let mut object = |field: &str| match map.remove(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(m)) => Ok(Some(m)),
        Some(_) => Err(ApiError::BadRequest(format!(
            "{field} must be a JSON object"
        ))),
    };
    let variables = object("variables")?.map(Value::Object);
    let extensions = object("extensions")?.unwrap_or_default();
    let operation_name = match map.remove("operationName") {
        None | Some(Value::Null) => None,
        Some(Value::String(name)) => Some(name),
        Some(_) => {
            return Err(ApiError::BadRequest(
                "operationName must be a string".into(),
            ));
        }
    };
    Ok(Parsed {
        query,
        operation_name,
        variables,
        extensions,
    })
}

/// Whether a response carries only request errors: nothing was executed, so there is no data.
fn is_request_error(response: &async_graphql::Response) -> bool {
    response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|e| e.path.is_empty())
}

/// Runs an execution, turning a panic inside it into `INTERNAL` (logged with the request id
/// when the error is answered).
async fn contained<F: Future<Output = async_graphql::Response>>(
    execution: F,
) -> Result<async_graphql::Response, ApiError> {
    AssertUnwindSafe(execution)
        .catch_unwind()
        .await
        .map_err(|panic| {
            ApiError::Internal(format!(
                "panic while executing GraphQL: {}",
                crate::panic::message(panic.as_ref())
            ))
        })
}

/// `GET`, `POST` (and any other method, refused) on `/graphql`.
pub async fn handler(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    request: Request,
) -> Response {
    let accept = request
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok());
    let Some(media) = negotiate(accept) else {
        return error_response(ApiError::NotAcceptable(format!(
            "this endpoint answers {GRAPHQL_RESPONSE_JSON} or application/json"
        )));
    };
    let gql = match *request.method() {
        Method::GET => from_get(&request),
        Method::POST => {
            match crate::body::read_json(request, state.config().max_body_bytes).await {
                Ok(body) => from_post(&body),
                Err(err) => Err(err),
            }
        }
        _ => Err(ApiError::MethodNotAllowed(
            "use POST (or GET for queries) on /graphql".into(),
        )),
    };
    let parsed = match gql {
        Ok(parsed) => parsed,
        Err(err) => return error_response_as(err, media),
    };
    let pending = if parsed.may_be_kept() {
        match kept_answer(&state, &caller, &parsed).await {
            Ok(answer) => return write_bytes(StatusCode::OK, answer, media),
            Err(pending) => pending,
        }
    } else {
        None
    };
    let mut gql = parsed.into_request();
    if let Some(pending) = &pending {
        gql = gql.data(pending.probe());
    }
    let executed = contained(
        state.schema().execute(
            gql.data(state.app().clone())
                .data(state.metrics().clone())
                .data(caller),
        ),
    )
    .await;
    let response = match executed {
        Ok(response) => response,
        Err(err) => return error_response_as(err, media),
    };
    let request_error = is_request_error(&response);
    let status = if media == MediaType::GraphqlResponse && request_error {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let serialized = if request_error {
        // Nothing ran: the answer has no data entry.
        serde_json::to_vec(&json!({ "errors": response.errors }))
    } else {
        serde_json::to_vec(&response)
    };
    let bytes = match serialized {
        Ok(bytes) => Bytes::from(bytes),
        Err(e) => {
            return error_response_as(
                ApiError::Internal(format!("cannot serialize a response: {e}")),
                media,
            );
        }
    };
    let limit = state.config().max_response_bytes;
    if bytes.len() > limit {
        state
            .metrics()
            .count("hub_graphql_refused_total", "RESPONSE_TOO_LARGE");
        let mut response = error_response_as(ApiError::ResponseTooLarge { limit }, media);
        if media == MediaType::Json {
            // application/json answers every well-formed request with 200.
            *response.status_mut() = StatusCode::OK;
        }
        return response;
    }
    if let Some(pending) = pending {
        state.answers().keep(pending, &response, &bytes);
    }
    write_bytes(status, bytes, media)
}

/// The kept answer to `parsed` from `caller`, or what keeping its answer takes (nothing when
/// the versions cannot be read: the question then runs, and its answer is not kept).
async fn kept_answer(
    state: &AppState,
    caller: &Caller,
    parsed: &Parsed,
) -> Result<Bytes, Option<Pending>> {
    let versions = state.app().versions().await.map_err(|_| None)?;
    let access = caller.access_key();
    state
        .answers()
        .find(&Question {
            query: &parsed.query,
            operation_name: parsed.operation_name.as_deref(),
            variables: parsed.variables.as_ref(),
            access: &access,
            versions,
            day: chrono::Utc::now().date_naive(),
        })
        .map_err(Some)
}

fn write_bytes(status: StatusCode, bytes: Bytes, media: MediaType) -> Response {
    let mut out = (status, Body::from(bytes)).into_response();
    out.headers_mut()
        .insert(header::CONTENT_TYPE, media.header());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_chooses_the_graphql_response_type_only_when_asked() {
        assert_eq!(negotiate(None), Some(MediaType::Json));
        assert_eq!(negotiate(Some("")), Some(MediaType::Json));
        assert_eq!(negotiate(Some("*/*")), Some(MediaType::Json));
        assert_eq!(
            negotiate(Some("application/json; charset=utf-8")),
            Some(MediaType::Json)
        );
        assert_eq!(
            negotiate(Some("application/graphql-response+json")),
            Some(MediaType::GraphqlResponse)
        );
        assert_eq!(
            negotiate(Some(
                "application/graphql-response+json, application/json;q=0.9"
            )),
            Some(MediaType::GraphqlResponse)
        );
        assert_eq!(
            negotiate(Some(
                "application/graphql-response+json;q=0.5, application/json"
            )),
            Some(MediaType::Json)
        );
        assert_eq!(negotiate(Some("text/html")), None);
        assert_eq!(negotiate(Some("application/json; charset=latin1")), None);
    }

    #[tokio::test]
    async fn a_panic_inside_the_executor_is_an_internal_error() {
        let outcome = contained(async { panic!("resolver defect") }).await;
        match outcome {
            Err(ApiError::Internal(detail)) => assert!(detail.contains("resolver defect")),
            other => panic!("{other:?}"),
        }
        let fine = contained(async { async_graphql::Response::new(async_graphql::Value::Null) });
        assert!(fine.await.is_ok());
    }

    #[test]
    fn post_bodies_must_be_one_request_with_a_document() {
        assert!(from_post(br#"{"query":"{ kpis { code } }"}"#).is_ok());
        assert!(from_post(br#"{"query":"{ a }","variables":null,"operationName":null}"#).is_ok());
        for bad in [
            &br#"[{"query":"{ a }"}]"#[..],
            br#"{"variables":{}}"#,
            br#"{"query":1}"#,
            br#"{"query":"{ a }","variables":"x"}"#,
            br#"{"query":"{ a }","operationName":1}"#,
            b"{",
        ] {
            assert!(
                matches!(from_post(bad), Err(ApiError::BadRequest(_))),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
    }
}
