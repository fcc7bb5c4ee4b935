//! One bounded fetch of one feed page: connect and total timeouts, a body limit enforced while
//! streaming, `If-None-Match`, and errors that say whether a retry can help.

use std::time::Duration;

use futures::StreamExt;
use reqwest::StatusCode;
use reqwest::header::{ETAG, IF_NONE_MATCH, RETRY_AFTER};
use serde_json::Value;

use crate::settings::FederationSettings;

/// What a fetch brought back.
#[derive(Debug, Clone)]
pub enum Fetched {
    /// 304: nothing new since the ETag.
    NotModified,
    /// A JSON page and its ETag.
    Page { body: Value, etag: Option<String> },
}

/// Why a fetch failed.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("cannot connect: {0}")]
    Connect(String),
    #[error("timed out after {0:?}")]
    Timeout(Duration),
    #[error("HTTP {status}")]
    Status {
        status: u16,
        retry_after: Option<Duration>,
    },
    #[error("the page is larger than {limit} bytes; aborted")]
    TooLarge { limit: usize },
    #[error("the page is not valid JSON: {0}")]
    Malformed(String),
    #[error("{0}")]
    Other(String),
}

impl FetchError {
    /// Whether retrying may help: timeouts, connection errors, 429 and 5xx.
    pub fn retryable(&self) -> bool {
        match self {
            FetchError::Connect(_) | FetchError::Timeout(_) => true,
            FetchError::Status { status, .. } => *status == 429 || *status >= 500,
            FetchError::TooLarge { .. } | FetchError::Malformed(_) | FetchError::Other(_) => false,
        }
    }

    /// The wait a `Retry-After` header asked for.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            FetchError::Status { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// The HTTP status, when there was a response.
    pub fn status(&self) -> Option<u16> {
        match self {
            FetchError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }
}

/// Builds the HTTP client of the puller (rustls, the configured timeouts).
pub fn http_client(settings: &FederationSettings) -> Result<reqwest::Client, FetchError> {
    reqwest::Client::builder()
        .connect_timeout(settings.connect_timeout)
        .timeout(settings.total_timeout)
        .user_agent(concat!("romt-hub/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| FetchError::Other(format!("HTTP client: {e}")))
}

/// `Retry-After` as seconds (HTTP dates are rare for feeds and read as "no hint").
fn parse_retry_after(value: &str) -> Option<Duration> {
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

fn classify(error: &reqwest::Error, total: Duration) -> FetchError {
    if error.is_timeout() {
        FetchError::Timeout(total)
    } else if error.is_connect() {
        FetchError::Connect(error.to_string())
    } else {
        FetchError::Other(error.to_string())
    }
}

/// Fetches `url?since=cursor` once.
pub async fn fetch(
    client: &reqwest::Client,
    settings: &FederationSettings,
    url: &str,
    token: Option<&str>,
    cursor: Option<&str>,
    etag: Option<&str>,
) -> Result<Fetched, FetchError> {
    let mut request = client.get(url);
    if let Some(cursor) = cursor {
        request = request.query(&[("since", cursor)]);
    }
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(etag) = etag {
        request = request.header(IF_NONE_MATCH, etag);
    }
    let response = request
        .send()
        .await
        .map_err(|e| classify(&e, settings.total_timeout))?;
    let status = response.status();
    if status == StatusCode::NOT_MODIFIED {
        return Ok(Fetched::NotModified);
    }
    if !status.is_success() {
        return Err(FetchError::Status {
            status: status.as_u16(),
            retry_after: response
                .headers()
                .get(RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(parse_retry_after),
        });
    }
    let limit = settings.max_body_bytes;
    if response
        .content_length()
        .is_some_and(|len| len > limit as u64)
    {
        return Err(FetchError::TooLarge { limit });
    }
    let etag = response
        .headers()
        .get(ETAG)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let mut body = Vec::new();
    let mut stream = response.bytes_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| classify(&e, settings.total_timeout))?;
        if body.len() + chunk.len() > limit {
            return Err(FetchError::TooLarge { limit });
        }
        body.extend_from_slice(&chunk);
    }
    let body = serde_json::from_slice(&body).map_err(|e| FetchError::Malformed(e.to_string()))?;
    Ok(Fetched::Page { body, etag })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_transient_faults_are_retried() {
        assert!(FetchError::Timeout(Duration::from_secs(1)).retryable());
        assert!(FetchError::Connect("refused".into()).retryable());
        assert!(
            FetchError::Status {
                status: 503,
                retry_after: None
            }
            .retryable()
        );
        assert!(
            FetchError::Status {
                status: 429,
                retry_after: None
            }
            .retryable()
        );
        assert!(
            !FetchError::Status {
                status: 404,
                retry_after: None
            }
            .retryable()
        );
        assert!(!FetchError::TooLarge { limit: 1 }.retryable());
        assert!(!FetchError::Malformed("x".into()).retryable());
    }

    #[test]
    fn retry_after_is_read_in_seconds() {
        assert_eq!(parse_retry_after(" 7 "), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2026 07:28:00 GMT"), None);
    }
}
