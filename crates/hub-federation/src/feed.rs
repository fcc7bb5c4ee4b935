//! The `country-feed` document (DESIGN §5.3) and the hub's own feed at
//! `GET /federation/v1/feed`, so hubs can be chained.

use chrono::{DateTime, Utc};
use hub_domain::access::{Classification, Viewer};
use hub_domain::codes::CountryCode;
use hub_store::{Executor, StoreError, submissions};
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// A feed page as served.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FeedPage {
    pub document_type: &'static str,
    pub schema_version: &'static str,
    pub publisher: String,
    pub generated_at: DateTime<Utc>,
    pub documents: Vec<Value>,
    pub next_cursor: Option<String>,
    pub has_more: bool,
}

impl FeedPage {
    /// A page of `documents`.
    pub fn new(
        publisher: &str,
        documents: Vec<Value>,
        next_cursor: Option<String>,
        has_more: bool,
    ) -> Self {
        Self {
            document_type: "country-feed",
            schema_version: "1.0",
            publisher: publisher.to_owned(),
            generated_at: hub_store::now(),
            documents,
            next_cursor,
            has_more,
        }
    }
}

/// The most documents one page of the hub's feed carries.
pub const MAX_LIMIT: u64 = 500;
/// Documents per page when the caller names no limit.
pub const DEFAULT_LIMIT: u64 = 100;

/// Whether the viewer may see a whole document: its own classification and every value's.
pub fn fully_visible(viewer: &Viewer, document: &Value, country: &str) -> bool {
    let Ok(country) = CountryCode::parse(country) else {
        return false;
    };
    let classes = std::iter::once(document.get("classification")).chain(
        document
            .get("values")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|v| v.get("classification")),
    );
    classes.flatten().all(|c| {
        c.as_str()
            .and_then(|c| c.parse::<Classification>().ok())
            .is_some_and(|c| viewer.can_see(c, &country))
    })
}

/// The hub's own feed: every accepted revision after `since` (a submission id), oldest first,
/// that the viewer may see whole. Returns the page and its ETag.
pub async fn hub_feed(
    db: &impl Executor,
    viewer: &Viewer,
    publisher: &str,
    since: Option<i64>,
    limit: u64,
) -> Result<(FeedPage, String), StoreError> {
    let mut rows = submissions::feed_documents(db, since, limit + 1).await?;
    let has_more = rows.len() as u64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    let last = rows.last().map(|r| r.id).or(since);
    let mut documents = Vec::new();
    let mut ids = Vec::new();
    for row in rows {
        let mut document: Value =
            serde_json::from_str(&row.raw_document).map_err(StoreError::corrupt)?;
        // A chained hub judges timeliness by when this hub received the document (DESIGN §16).
        if let Some(fields) = document.as_object_mut() {
            fields.entry("publishedAt").or_insert_with(|| {
                Value::String(row.received_at.format("%Y-%m-%dT%H:%M:%SZ").to_string())
            });
        }
        if fully_visible(viewer, &document, &row.country) {
            ids.push(row.id);
            documents.push(document);
        }
    }
    let next_cursor = last.map(|id| id.to_string());
    let etag = format!(
        "\"{}\"",
        hex::encode(Sha256::digest(format!(
            "{}|{since:?}|{limit}|{last:?}|{ids:?}",
            viewer.clearance_key()
        )))
    );
    Ok((
        FeedPage::new(publisher, documents, next_cursor, has_more),
        etag,
    ))
}
