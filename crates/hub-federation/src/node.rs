//! `romt-hub country-node`: a folder of documents served as a feed, for a country OMT that
//! publishes files instead of running a system. New or changed files are picked up on the next
//! request, no restart needed; files that fail their schema are skipped and logged.
//!
//! Order and cursor: documents are served oldest-modified first; the cursor is the position of
//! the last document served, so a pull `?since=CURSOR` gets only what changed after it.
//!
//! This module reads the folder and builds pages; hub-api serves them over HTTP.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::UNIX_EPOCH;

use hub_ingest::schemas::{SchemaKind, Schemas};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::feed::FeedPage;

/// Documents per page when the puller names no limit.
pub const DEFAULT_LIMIT: usize = 100;

#[derive(Debug, Clone)]
struct Entry {
    modified_nanos: u128,
    len: u64,
    document: Option<Arc<Value>>,
}

/// The node: a folder, its publisher name and what it has read so far.
#[derive(Clone)]
pub struct CountryNode {
    dir: PathBuf,
    publisher: String,
    schemas: Arc<Schemas>,
    seen: Arc<Mutex<HashMap<PathBuf, Entry>>>,
}

impl std::fmt::Debug for CountryNode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CountryNode")
            .field("dir", &self.dir)
            .field("publisher", &self.publisher)
            .finish()
    }
}

fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            json_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

/// A publisher name the feed schema accepts: letters, digits and `._:/-`, starting with a
/// letter or digit, at most 128 characters.
pub fn publisher_name(raw: &str) -> String {
    let cleaned: String = raw
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._:/-".contains(c) {
                c
            } else {
                '-'
            }
        })
        .skip_while(|c| !c.is_ascii_alphanumeric())
        .take(128)
        .collect();
    if cleaned.is_empty() {
        "country-node".to_owned()
    } else {
        cleaned
    }
}

impl CountryNode {
    /// A node serving `dir` as `publisher` (made fit for the feed schema).
    pub fn new(dir: PathBuf, publisher: &str) -> Result<Self, hub_ingest::schemas::SchemaError> {
        Ok(Self {
            dir,
            publisher: publisher_name(publisher),
            schemas: Arc::new(Schemas::compile()?),
            seen: Arc::new(Mutex::new(HashMap::new())),
        })
    }

    fn load(&self, path: &Path) -> Option<Arc<Value>> {
        let shown = path.display();
        let text = match std::fs::read(path) {
            Ok(text) => text,
            Err(e) => {
                tracing::warn!(file = %shown, error = %e, "skipped: cannot read");
                return None;
            }
        };
        let document: Value = match serde_json::from_slice(&text) {
            Ok(document) => document,
            Err(e) => {
                tracing::warn!(file = %shown, error = %e, "skipped: not JSON");
                return None;
            }
        };
        let kind = match document.get("documentType").and_then(Value::as_str) {
            Some("kpi-report") => SchemaKind::KpiReport,
            Some("bos") => SchemaKind::Bos,
            other => {
                tracing::warn!(file = %shown, document_type = ?other, "skipped: not a kpi-report or bos");
                return None;
            }
        };
        let newer_minor = document
            .get("schemaVersion")
            .and_then(Value::as_str)
            .and_then(|v| v.split_once('.'))
            .is_some_and(|(_, minor)| minor.parse::<u32>().is_ok_and(|m| m > 0));
        let problems = self.schemas.validate(kind, &document, newer_minor);
        if !problems.is_empty() {
            for p in &problems {
                tracing::warn!(file = %shown, pointer = %p.pointer, message = %p.message, "schema problem");
            }
            tracing::warn!(file = %shown, problems = problems.len(), "skipped: fails its schema");
            return None;
        }
        Some(Arc::new(document))
    }

    /// The folder's valid documents, oldest-modified first, re-reading changed files.
    fn documents(&self) -> Vec<(String, u128, u64, Arc<Value>)> {
        let mut files = Vec::new();
        json_files(&self.dir, &mut files);
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        seen.retain(|path, _| files.contains(path));
        let mut out = Vec::new();
        for path in files {
            let Ok(meta) = std::fs::metadata(&path) else {
                continue;
            };
            let modified_nanos = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            let len = meta.len();
            let fresh = seen
                .get(&path)
                .is_some_and(|e| e.modified_nanos == modified_nanos && e.len == len);
            if !fresh {
                let document = self.load(&path);
                seen.insert(
                    path.clone(),
                    Entry {
                        modified_nanos,
                        len,
                        document,
                    },
                );
            }
            if let Some(Entry {
                document: Some(document),
                ..
            }) = seen.get(&path)
            {
                let relative = path
                    .strip_prefix(&self.dir)
                    .unwrap_or(&path)
                    .display()
                    .to_string();
                out.push((relative, modified_nanos, len, Arc::clone(document)));
            }
        }
        out.sort_by(|a, b| (a.1, &a.0).cmp(&(b.1, &b.0)));
        out
    }

    /// A page of the feed after `since` (a cursor this node returned), at most `limit`
    /// documents, with its ETag. Reads the folder: blocking file I/O, call it off the runtime.
    pub fn page(&self, since: Option<&str>, limit: usize) -> Result<NodePage, BadCursor> {
        let after_cursor = match since {
            Some(cursor) => Some(parse_cursor(cursor).ok_or(BadCursor)?),
            None => None,
        };
        let limit = limit.clamp(1, 1000);
        let after: Vec<_> = self
            .documents()
            .into_iter()
            .filter(|(path, modified, _, _)| {
                after_cursor
                    .as_ref()
                    .is_none_or(|(m, p)| (*modified, path) > (*m, p))
            })
            .collect();
        let has_more = after.len() > limit;
        let page: Vec<_> = after.into_iter().take(limit).collect();
        let next_cursor = page
            .last()
            .map(|(path, modified, _, _)| cursor_of(*modified, path))
            .or_else(|| since.map(str::to_owned));
        let mut digest = Sha256::new();
        digest.update(format!("{since:?}|{limit}"));
        for (path, modified, len, _) in &page {
            digest.update(format!("|{path}|{modified}|{len}"));
        }
        let etag = format!("\"{}\"", hex::encode(digest.finalize()));
        let documents = page.into_iter().map(|(_, _, _, d)| (*d).clone()).collect();
        Ok(NodePage {
            body: FeedPage::new(&self.publisher, documents, next_cursor, has_more),
            etag,
        })
    }
}

/// One page of a country node's feed.
#[derive(Debug, Clone)]
pub struct NodePage {
    pub body: FeedPage,
    pub etag: String,
}

/// A `since` that is not a cursor the node returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("since: not a cursor this node returned")]
pub struct BadCursor;

fn cursor_of(modified: u128, path: &str) -> String {
    hex::encode(format!("{modified}|{path}"))
}

fn parse_cursor(cursor: &str) -> Option<(u128, String)> {
    let text = String::from_utf8(hex::decode(cursor).ok()?).ok()?;
    let (modified, path) = text.split_once('|')?;
    Some((modified.parse().ok()?, path.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn publisher_names_fit_the_feed_schema() {
        assert_eq!(publisher_name("CRI"), "CRI");
        assert_eq!(publisher_name(".tmpAb12"), "tmpAb12");
        assert_eq!(publisher_name("Costa Rica OMT"), "Costa-Rica-OMT");
        assert_eq!(publisher_name("..."), "country-node");
    }

    #[test]
    fn cursors_round_trip() {
        let cursor = cursor_of(1_700_000_000_123_456_789, "sub/a b.json");
        assert_eq!(
            parse_cursor(&cursor),
            Some((1_700_000_000_123_456_789, "sub/a b.json".to_owned()))
        );
        assert_eq!(parse_cursor("zz"), None);
    }
}
