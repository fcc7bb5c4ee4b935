//! The serialized answers of repeated questions, served without executing them again.
//!
//! An answer is kept under the question (its document with insignificant whitespace, commas
//! and comments removed, the operation name and the variables), who asks (role, country and
//! agency: everything access depends on), the data and reference versions committed when the
//! question arrived, and the day (timeliness depends on it). A write advances a version in its
//! own transaction, so the next question after it is a new key: an answer is never stale.
//!
//! Only answers made entirely of figures and reference lists are kept: the [`Probe`] extension
//! watches every field an execution resolves and spoils the answer on any field outside
//! [`KEPT_FIELDS`] (work plans, submissions, audit entries ... depend on more than the versions).
//! Answers with errors are never kept.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::time::Duration;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextResolve, ResolveInfo,
};
use async_graphql::{ServerResult, Value};
use axum::body::Bytes;
use hub_app::versions::Versions;

/// Bytes of answers (and their keys) kept at most.
pub const CAPACITY_BYTES: u64 = 64 * 1024 * 1024;

/// Fields whose answers depend on nothing but the versions, the caller's access and the day:
/// `(type, field)`, `*` for every field of the type; root fields are on `QueryRoot`.
pub const KEPT_FIELDS: &[(&str, &str)] = &[
    ("QueryRoot", "countries"),
    ("QueryRoot", "country"),
    ("QueryRoot", "kpis"),
    ("QueryRoot", "exchangeRates"),
    ("QueryRoot", "regionalKpi"),
    ("QueryRoot", "kpiSeries"),
    ("QueryRoot", "dashboard"),
    ("QueryRoot", "completeness"),
    ("CountryTeam", "code"),
    ("CountryTeam", "name"),
    ("CountryTeam", "subregion"),
    ("CountryTeam", "currency"),
    ("CountryTeam", "multiCountryOffice"),
    ("CountryTeam", "alsoCovers"),
    ("CountryTeam", "active"),
    ("KpiDefinition", "*"),
    ("ExchangeRate", "*"),
    ("RegionalKpiValue", "*"),
    ("CountryKpiValue", "*"),
    ("ValueLineage", "*"),
    ("KpiSeriesPoint", "*"),
    ("RegionalDashboard", "*"),
    ("ServiceLineFigures", "*"),
    ("CountryFigures", "*"),
    ("RatingCounts", "*"),
    ("FlagCount", "*"),
    ("CountryCompleteness", "*"),
    ("CompletenessCell", "*"),
];

/// Whether `field` of `parent` may be kept. Each item of a list is seen again with the list's
/// type as parent (`[CountryFigures!]`) and the list's field as name: the field itself was
/// judged on its own parent already, and the item's fields are judged on their type.
fn kept(parent: &str, field: &str) -> bool {
    if parent.starts_with('[') {
        return true;
    }
    KEPT_FIELDS
        .iter()
        .any(|&(t, f)| t == parent && (f == "*" || f == field))
}

/// The document without what GraphQL ignores (whitespace, commas, comments), so the same
/// question typed differently is one key. A document with a block string is kept as sent.
pub fn normalize(query: &str) -> String {
    if query.contains("\"\"\"") {
        return query.to_owned();
    }
    let mut out = String::with_capacity(query.len());
    let mut chars = query.chars();
    let mut gap = false;
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                gap = false;
                out.push('"');
                while let Some(s) = chars.next() {
                    out.push(s);
                    match s {
                        '\\' => out.extend(chars.next()),
                        '"' => break,
                        _ => {}
                    }
                }
            }
            '#' => {
                gap = true;
                for s in chars.by_ref() {
                    if s == '\n' || s == '\r' {
                        break;
                    }
                }
            }
            c if c.is_whitespace() || c == ',' || c == '\u{feff}' => gap = true,
            c => {
                // A space only where it separates two names or numbers.
                let word = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
                if gap && out.chars().next_back().is_some_and(word) && (word(c) || c == '.') {
                    out.push(' ');
                }
                gap = false;
                out.push(c);
            }
        }
    }
    out
}

/// What makes two questions the same.
#[derive(Debug)]
pub struct Question<'a> {
    pub query: &'a str,
    pub operation_name: Option<&'a str>,
    pub variables: Option<&'a serde_json::Value>,
    /// [`hub_app::Caller::access_key`].
    pub access: &'a str,
    pub versions: Versions,
    pub day: chrono::NaiveDate,
}

impl Question<'_> {
    fn key(&self) -> String {
        let variables = self
            .variables
            .map(serde_json::Value::to_string)
            .unwrap_or_default();
        format!(
            "{}\u{1f}{}\u{1f}d{}r{}\u{1f}{}\u{1f}{}\u{1f}{}",
            self.access,
            self.day,
            self.versions.data,
            self.versions.reference,
            self.operation_name.unwrap_or(""),
            variables,
            normalize(self.query)
        )
    }
}

/// Kept answers, bounded in bytes; hits and misses counted for `/metrics`.
#[derive(Debug)]
pub struct Answers {
    kept: moka::sync::Cache<String, Bytes>,
    hits: AtomicU64,
    misses: AtomicU64,
    /// The newest data and reference versions seen: older answers go when they move.
    newest: AtomicI64,
}

impl Default for Answers {
    fn default() -> Self {
        Self {
            kept: moka::sync::Cache::builder()
                .max_capacity(CAPACITY_BYTES)
                .weigher(|key: &String, answer: &Bytes| {
                    u32::try_from(key.len() + answer.len()).unwrap_or(u32::MAX)
                })
                .time_to_idle(Duration::from_secs(15 * 60))
                .build(),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            newest: AtomicI64::new(i64::MIN),
        }
    }
}

/// An answer being made: the key it will be kept under, if it turns out to be keepable.
#[derive(Debug)]
pub struct Pending {
    key: String,
    probe: Probe,
}

impl Pending {
    /// What the execution must carry for its fields to be watched.
    pub fn probe(&self) -> Probe {
        self.probe.clone()
    }
}

impl Answers {
    /// The kept answer to `question`, or what keeping the answer about to be made takes.
    pub fn find(&self, question: &Question<'_>) -> Result<Bytes, Pending> {
        // Versions only grow: both fit in one ordering by their sum.
        let moment = question.versions.data + question.versions.reference;
        if moment > self.newest.fetch_max(moment, Ordering::Relaxed) {
            self.kept.invalidate_all();
        }
        let key = question.key();
        match self.kept.get(&key) {
            Some(answer) => {
                self.hits.fetch_add(1, Ordering::Relaxed);
                Ok(answer)
            }
            None => {
                self.misses.fetch_add(1, Ordering::Relaxed);
                Err(Pending {
                    key,
                    probe: Probe::default(),
                })
            }
        }
    }

    /// Keeps `answer` when every field it resolved may be kept and it has no errors.
    pub fn keep(&self, pending: Pending, answer: &async_graphql::Response, bytes: &Bytes) {
        if answer.errors.is_empty() && !pending.probe.spoiled() {
            self.kept.insert(pending.key, bytes.clone());
        }
    }

    /// (hits, misses, answers kept) for `/metrics`.
    pub fn stats(&self) -> (u64, u64, u64) {
        self.kept.run_pending_tasks();
        (
            self.hits.load(Ordering::Relaxed),
            self.misses.load(Ordering::Relaxed),
            self.kept.entry_count(),
        )
    }
}

/// Carried by an execution whose answer may be kept; spoiled by any field outside
/// [`KEPT_FIELDS`].
#[derive(Debug, Clone, Default)]
pub struct Probe(Arc<AtomicBool>);

impl Probe {
    fn spoil(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    fn spoiled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// The extension that watches resolved fields for the [`Probe`] of the execution.
#[derive(Debug, Clone, Copy)]
pub struct Watch;

impl ExtensionFactory for Watch {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Watch)
    }
}

#[async_trait::async_trait]
impl Extension for Watch {
    async fn resolve(
        &self,
        ctx: &ExtensionContext<'_>,
        info: ResolveInfo<'_>,
        next: NextResolve<'_>,
    ) -> ServerResult<Option<Value>> {
        if let Some(probe) = ctx.data_opt::<Probe>()
            && (info.is_for_introspection || !kept(info.parent_type, info.name))
        {
            probe.spoil();
        }
        next.run(ctx, info).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_question_typed_differently_is_one_key() {
        let a = normalize("{ dashboard(year: 2025) { costAvoidanceUsd, byCountry { country } } }");
        let b = normalize(
            "query {\n  # the regional figure\n  dashboard(year:2025){costAvoidanceUsd byCountry{country}}\n}",
        );
        assert_eq!(normalize(&a), a, "normalizing twice changes nothing");
        assert_eq!(a.replace("query", ""), b.replace("query", ""), "{a} / {b}");
        assert_eq!(
            normalize("{ a(x: \"two  spaces, # no comment\") }"),
            "{a(x:\"two  spaces, # no comment\")}"
        );
        assert_eq!(normalize("query Q($y: Int) { b }"), "query Q($y:Int){b}");
        assert_ne!(normalize("{ a b }"), normalize("{ ab }"));
    }

    #[test]
    fn only_figures_and_reference_lists_are_kept() {
        assert!(kept("QueryRoot", "dashboard"));
        assert!(kept("QueryRoot", "countries"));
        assert!(kept("RegionalDashboard", "byCountry"));
        assert!(kept("CountryTeam", "name"));
        assert!(!kept("CountryTeam", "currentBos"), "a BOS is a submission");
        assert!(!kept("QueryRoot", "workPlans"));
        assert!(!kept("QueryRoot", "me"));
        assert!(!kept("MutationRoot", "submitReport"));
    }
}
