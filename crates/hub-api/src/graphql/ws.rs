//! GraphQL over WebSocket at `/graphql/ws` (`graphql-transport-ws`, and the older `graphql-ws`),
//! under the same limits as HTTP:
//!
//! - authentication at `connection_init`: the `Authorization` field of its payload (browsers
//!   cannot set headers on an upgrade), else the upgrade request's header; `HUB_REQUIRE_AUTH`
//!   applies there;
//! - every operation counts against the caller's rate limit, like an HTTP request;
//! - a message larger than `HUB_MAX_BODY_BYTES` ends the connection (1009);
//! - at most `HUB_WS_MAX_SUBSCRIPTIONS` operations run at once on one connection;
//! - a connection with no message either way for `HUB_WS_IDLE_TIMEOUT_SECS` is closed.
//!
//! A refused operation gets an `error` message for its id with the usual `extensions.code`;
//! the connection and its other operations go on.

use std::collections::HashSet;
use std::net::IpAddr;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use async_graphql::Data;
use async_graphql::http::{ALL_WEBSOCKET_PROTOCOLS, WebSocketProtocols as Protocols};
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::Extension;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};

use crate::auth::{Caller, client_address};
use crate::error::ApiError;
use crate::ratelimit;
use crate::state::AppState;

/// What one connection knows about itself, shared by its reader and writer.
#[derive(Debug)]
struct Connection {
    /// The rate-limit key of whoever authenticated on this connection.
    caller_key: Mutex<String>,
    /// Ids of the operations running.
    running: Mutex<HashSet<String>>,
    /// When the last message went either way.
    last_message: Mutex<Instant>,
}

impl Connection {
    fn touch(&self) {
        *lock(&self.last_message) = Instant::now();
    }

    fn idle_since(&self) -> Instant {
        *lock(&self.last_message)
    }
}

/// Locks a mutex; a poisoned one only means another task panicked while holding it.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

/// The envelope of a protocol message, payload left unread.
#[derive(serde::Deserialize)]
struct Envelope {
    #[serde(rename = "type")]
    kind: String,
    id: Option<String>,
}

fn protocol_of(request: &Request) -> Option<Protocols> {
    request
        .headers()
        .get(header::SEC_WEBSOCKET_PROTOCOL)?
        .to_str()
        .ok()?
        .split(',')
        .find_map(|p| Protocols::from_str(p.trim()).ok())
}

/// `GET /graphql/ws`.
pub async fn handler(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    graphql_protocol: GraphQLProtocol,
    upgrade: WebSocketUpgrade,
    request: Request,
) -> Response {
    let Some(protocol) = protocol_of(&request) else {
        return (
            StatusCode::BAD_REQUEST,
            "ask for the graphql-transport-ws (or graphql-ws) subprotocol",
        )
            .into_response();
    };
    let address = client_address(&request);
    let limit = state.config().max_body_bytes;
    upgrade
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .max_message_size(limit)
        .max_frame_size(limit)
        .on_upgrade(move |socket| serve(state, caller, address, protocol, graphql_protocol, socket))
}

/// A protocol `error` message refusing operation `id`.
fn refusal(protocol: Protocols, id: &str, err: ApiError) -> String {
    let gql: async_graphql::Error = err.into();
    let error = json!({ "message": gql.message, "extensions": gql.extensions });
    let payload = match protocol {
        Protocols::GraphQLWS => Value::Array(vec![error]),
        Protocols::SubscriptionsTransportWS => error,
    };
    json!({ "type": "error", "id": id, "payload": payload }).to_string()
}

/// Decides whether a client message may go on to the executor; a refusal is sent back instead.
fn admit(
    state: &AppState,
    connection: &Connection,
    protocol: Protocols,
    text: &str,
) -> Result<(), String> {
    let Ok(envelope) = serde_json::from_str::<Envelope>(text) else {
        return Ok(()); // the executor answers malformed messages itself
    };
    let Some(id) = envelope.id else {
        return Ok(());
    };
    match envelope.kind.as_str() {
        "subscribe" | "start" => {
            if let Some(limits) = state.rate_limits()
                && let Err(wait) = limits.check(&lock(&connection.caller_key))
            {
                state.metrics().count("hub_rate_limited_total", "websocket");
                return Err(refusal(
                    protocol,
                    &id,
                    ApiError::RateLimited {
                        retry_after_secs: wait.as_secs().max(1),
                    },
                ));
            }
            let mut running = lock(&connection.running);
            let max = state.config().ws_max_subscriptions;
            if !running.contains(&id) && running.len() >= max {
                return Err(refusal(protocol, &id, ApiError::TooManyOperations { max }));
            }
            running.insert(id);
        }
        "complete" | "stop" => {
            lock(&connection.running).remove(&id);
        }
        _ => {}
    }
    Ok(())
}

/// Notes operations the server finished, so they no longer count against the bound.
fn finished(connection: &Connection, text: &str) {
    if let Ok(envelope) = serde_json::from_str::<Envelope>(text)
        && matches!(envelope.kind.as_str(), "complete" | "error")
        && let Some(id) = envelope.id
    {
        lock(&connection.running).remove(&id);
    }
}

async fn serve(
    state: AppState,
    caller: Caller,
    address: Option<IpAddr>,
    protocol: Protocols,
    graphql_protocol: GraphQLProtocol,
    socket: WebSocket,
) {
    let connection = Arc::new(Connection {
        caller_key: Mutex::new(ratelimit::key_of(&caller, address)),
        running: Mutex::new(HashSet::new()),
        last_message: Mutex::new(Instant::now()),
    });
    let (mut sink, source) = socket.split();
    let (refused, refusals) = futures::channel::mpsc::unbounded::<Message>();
    let (answered, answers) = futures::channel::mpsc::unbounded::<Message>();

    let reader = {
        let (state, connection) = (state.clone(), connection.clone());
        // An oversized message or a broken connection is an error item: the executor stops
        // reading there, which ends the connection.
        source.filter_map(move |message| {
            let outcome = match message {
                Ok(Message::Text(text)) => {
                    connection.touch();
                    match admit(&state, &connection, protocol, text.as_str()) {
                        Ok(()) => Some(Ok(Message::Text(text))),
                        Err(refusal) => {
                            let _ = refused.unbounded_send(Message::Text(refusal.into()));
                            None
                        }
                    }
                }
                Ok(other) => {
                    connection.touch();
                    Some(Ok(other))
                }
                Err(err) => Some(Err(err)),
            };
            std::future::ready(outcome)
        })
    };

    let on_init = {
        let state = state.clone();
        let connection = connection.clone();
        move |payload: Value| async move {
            let header = payload
                .get("Authorization")
                .or_else(|| payload.get("authorization"))
                .and_then(Value::as_str)
                .map(str::to_owned);
            let caller = match header {
                Some(header) => crate::auth::resolve(&state, Some(&header), address)
                    .await
                    .map_err(async_graphql::Error::from)?,
                None if caller.principal().is_none() => {
                    // Anonymous at the upgrade and at init: HUB_REQUIRE_AUTH applies here.
                    crate::auth::resolve(&state, None, address)
                        .await
                        .map_err(async_graphql::Error::from)?
                }
                None => caller,
            };
            *lock(&connection.caller_key) = ratelimit::key_of(&caller, address);
            let mut data = Data::default();
            data.insert(caller);
            Ok(data)
        }
    };

    let data = super::request_data(state.app(), state.metrics());
    let executor =
        GraphQLWebSocket::new_with_pair(answered, reader, state.schema().clone(), graphql_protocol)
            .with_data(data)
            .on_connection_init(on_init)
            .serve();

    let writer = async {
        let mut outgoing = futures::stream::select(answers, refusals);
        let idle = state.config().ws_idle_timeout;
        loop {
            let deadline = connection.idle_since() + idle;
            match tokio::time::timeout_at(deadline.into(), outgoing.next()).await {
                Ok(Some(message)) => {
                    if let Message::Text(text) = &message {
                        finished(&connection, text.as_str());
                    }
                    connection.touch();
                    let closing = matches!(message, Message::Close(_));
                    if sink.send(message).await.is_err() || closing {
                        break;
                    }
                }
                Ok(None) => break,
                Err(_) if Instant::now() >= connection.idle_since() + idle => {
                    let _ = sink
                        .send(Message::Close(Some(CloseFrame {
                            code: 1000,
                            reason: format!("idle for {} s", idle.as_secs()).into(),
                        })))
                        .await;
                    break;
                }
                Err(_) => {} // a message came in meanwhile: wait again from it
            }
        }
        let _ = sink.close().await;
    };
    // The executor ends when the client's side does; the writer when the connection closes or
    // idles out. Either ends the connection.
    tokio::select! {
        () = executor => {}
        () = writer => {}
    }
}
