//! Query limits, each refused with its own stable code before anything runs: depth
//! (`MAX_DEPTH_LIMIT`), cost (`MAX_COMPLEXITY_LIMIT`) and aliases (`MAX_ALIASES_LIMIT`).
//!
//! Cost counts list sizes: a field that returns a list multiplies the cost of what is selected
//! under it by the items it may return, its `first` argument for connections ([`page`]) or the
//! list's bound for plain lists ([`bounded`]). Every object list of the schema declares one; a
//! test walks the schema and fails on a list without. Introspection (`__schema`, `__type`) is
//! exempt from the depth limit, so standard tools load the schema; it has its own, deeper limit.

use std::collections::HashSet;
use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextRequest, NextValidation,
};
use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, OperationType, Selection, SelectionSet,
};
use async_graphql::{
    ErrorExtensionValues, Response, ServerError, ServerResult, ValidationResult, Variables,
};

/// Deepest selection nesting accepted, introspection aside.
pub const MAX_DEPTH: usize = 12;
/// Deepest nesting inside `__schema` / `__type` (graphql-js's introspection query needs 13).
pub const MAX_INTROSPECTION_DEPTH: usize = 24;
/// Largest cost accepted: roughly, the fields an answer may hold.
pub const MAX_COMPLEXITY: usize = 5_000;
/// Most aliases accepted in one document (aliases multiply work cheaply for an attacker).
pub const MAX_ALIASES: usize = 30;
/// Deepest nesting the parser accepts for any structure (values, selections).
pub const MAX_RECURSIVE_DEPTH: usize = 32;

/// Bounds of plain lists, for their cost.
pub mod size {
    /// Small lists: flags, approvals, members, history entries.
    pub const FEW: usize = 10;
    /// One item per country team or service line.
    pub const COUNTRIES: usize = 30;
    /// Longer lists: KPI series, values of a report, meetings, receipts' problems.
    pub const MANY: usize = 100;
    /// The cost of a raw document: it may be megabytes of JSON.
    pub const DOCUMENT: usize = 50;
}

/// A cost so large it is refused whatever else the query holds, yet far from overflowing when
/// async-graphql adds costs up.
const SATURATED: usize = 1 << 32;

/// The cost of a connection page: `first` items, each costing `child`.
pub fn page(first: i32, child: usize) -> usize {
    let items = usize::try_from(first.max(1)).unwrap_or(1);
    items.saturating_mul(child.max(1)).min(SATURATED)
}

/// The cost of a plain list of at most `items`, each costing `child`.
pub fn bounded(items: usize, child: usize) -> usize {
    items.saturating_mul(child.max(1)).min(SATURATED)
}

/// Extension enforcing depth, aliases and the introspection switch, and giving the complexity
/// error its code.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Whether `__schema` and `__type` may be asked (`HUB_INTROSPECTION`).
    pub introspection: bool,
}

impl ExtensionFactory for Limits {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(*self)
    }
}

fn coded(mut error: ServerError, code: &str) -> ServerError {
    let mut extensions = error.extensions.take().unwrap_or_default();
    extensions.set("code", code);
    error.extensions = Some(extensions);
    error
}

fn has_code(extensions: Option<&ErrorExtensionValues>) -> bool {
    extensions.is_some_and(|e| e.get("code").is_some())
}

fn count_aliases(set: &SelectionSet) -> usize {
    set.items
        .iter()
        .map(|item| match &item.node {
            Selection::Field(field) => {
                usize::from(field.node.alias.is_some())
                    + count_aliases(&field.node.selection_set.node)
            }
            Selection::InlineFragment(fragment) => count_aliases(&fragment.node.selection_set.node),
            Selection::FragmentSpread(_) => 0,
        })
        .sum()
}

fn aliases(document: &ExecutableDocument) -> usize {
    let operations: usize = document
        .operations
        .iter()
        .map(|(_, op)| count_aliases(&op.node.selection_set.node))
        .sum();
    let fragments: usize = document
        .fragments
        .values()
        .map(|f| count_aliases(&f.node.selection_set.node))
        .sum();
    operations + fragments
}

fn is_introspection(name: &str) -> bool {
    name == "__schema" || name == "__type"
}

/// The deepest nesting of `set`, split in (ordinary, introspection) depth. Fragment spreads are
/// followed once per path (a cycle is a validation error reported later; here it ends the walk).
fn depths<'a>(
    set: &'a SelectionSet,
    document: &'a ExecutableDocument,
    inside_introspection: bool,
    visiting: &mut HashSet<&'a str>,
) -> (usize, usize) {
    let mut deepest = (0, 0);
    for item in &set.items {
        let (ordinary, introspection) = match &item.node {
            Selection::Field(field) => {
                let field = &field.node;
                let entering = inside_introspection || is_introspection(field.name.node.as_str());
                let (o, i) = depths(&field.selection_set.node, document, entering, visiting);
                if entering {
                    (0, 1 + o.max(i))
                } else {
                    (1 + o, i)
                }
            }
            Selection::InlineFragment(fragment) => depths(
                &fragment.node.selection_set.node,
                document,
                inside_introspection,
                visiting,
            ),
            Selection::FragmentSpread(spread) => {
                let name = spread.node.fragment_name.node.as_str();
                match document.fragments.get(&spread.node.fragment_name.node) {
                    Some(fragment) if visiting.insert(name) => {
                        let found = depths(
                            &fragment.node.selection_set.node,
                            document,
                            inside_introspection,
                            visiting,
                        );
                        visiting.remove(name);
                        found
                    }
                    _ => (0, 0),
                }
            }
        };
        deepest = (deepest.0.max(ordinary), deepest.1.max(introspection));
    }
    deepest
}

/// The (ordinary, introspection) depth of a document's operations.
fn depth(document: &ExecutableDocument) -> (usize, usize) {
    document
        .operations
        .iter()
        .map(|(_, op)| {
            depths(
                &op.node.selection_set.node,
                document,
                false,
                &mut HashSet::new(),
            )
        })
        .fold((0, 0), |a, b| (a.0.max(b.0), a.1.max(b.1)))
}

/// Whether the operation a GET request would run is a mutation or subscription.
pub fn is_mutation(query: &str, operation_name: Option<&str>) -> bool {
    let Ok(document) = async_graphql::parser::parse_query(query) else {
        return false;
    };
    let kind = match (&document.operations, operation_name) {
        (DocumentOperations::Single(op), _) => Some(op.node.ty),
        (DocumentOperations::Multiple(ops), Some(name)) => ops
            .iter()
            .find(|(n, _)| n.as_str() == name)
            .map(|(_, op)| op.node.ty),
        (DocumentOperations::Multiple(ops), None) => ops.values().next().map(|op| op.node.ty),
    };
    matches!(
        kind,
        Some(OperationType::Mutation | OperationType::Subscription)
    )
}

#[async_trait::async_trait]
impl Extension for Limits {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let mut response = next.run(ctx).await;
        // Errors async-graphql raises itself (parse errors, unknown fields, bad argument types)
        // are the caller's mistakes.
        for error in &mut response.errors {
            if !has_code(error.extensions.as_ref()) {
                let taken = std::mem::replace(error, ServerError::new("", None));
                *error = coded(taken, "VALIDATION_FAILED");
            }
        }
        response
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        let (ordinary, introspection) = depth(&document);
        if introspection > 0 && !self.introspection {
            return Err(coded(
                ServerError::new(
                    "introspection is turned off on this hub (HUB_INTROSPECTION=false); the schema is published as graphql/schema.graphql",
                    None,
                ),
                "VALIDATION_FAILED",
            ));
        }
        if ordinary > MAX_DEPTH || introspection > MAX_INTROSPECTION_DEPTH {
            let message = if ordinary > MAX_DEPTH {
                format!(
                    "the query is nested {ordinary} levels deep; at most {MAX_DEPTH} are allowed"
                )
            } else {
                format!(
                    "the introspection query is nested {introspection} levels deep; at most {MAX_INTROSPECTION_DEPTH} are allowed"
                )
            };
            return Err(coded(ServerError::new(message, None), "MAX_DEPTH_LIMIT"));
        }
        let count = aliases(&document);
        if count > MAX_ALIASES {
            return Err(coded(
                ServerError::new(
                    format!("the query uses {count} aliases; at most {MAX_ALIASES} are allowed"),
                    None,
                ),
                "MAX_ALIASES_LIMIT",
            ));
        }
        Ok(document)
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        next.run(ctx).await.map_err(|errors| {
            errors
                .into_iter()
                .map(|error| match error.message.as_str() {
                    "Query is too complex." => coded(
                        ServerError::new(
                            format!(
                                "the query may return too much: its cost is above {MAX_COMPLEXITY} (each list counts as many times as it may have items; ask for fewer items with `first`, or fewer fields)"
                            ),
                            None,
                        ),
                        "MAX_COMPLEXITY_LIMIT",
                    ),
                    _ => error,
                })
                .collect()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_are_counted_in_operations_and_fragments() {
        let doc = async_graphql::parser::parse_query(
            "query { a: kpis { code } b: kpis { x: code } ...F } fragment F on QueryRoot { c: me { label } }",
        )
        .unwrap();
        assert_eq!(aliases(&doc), 4);
    }

    #[test]
    fn introspection_is_measured_apart_from_the_query() {
        let doc = async_graphql::parser::parse_query(
            "{ a { b { c } } __schema { types { fields { type { ofType { ofType { name } } } } } } }",
        )
        .unwrap();
        assert_eq!(depth(&doc), (3, 7));
        let doc = async_graphql::parser::parse_query(
            "query { ...F } fragment F on QueryRoot { a { ...G } } fragment G on A { b { ...F } }",
        )
        .unwrap();
        // A fragment cycle ends the walk instead of recursing forever.
        assert_eq!(depth(&doc).0, 2);
    }

    #[test]
    fn list_costs_saturate_instead_of_overflowing() {
        assert_eq!(page(500, 4), 2000);
        assert_eq!(page(-3, 4), 4);
        assert_eq!(page(i32::MAX, usize::MAX), SATURATED);
        assert_eq!(bounded(size::COUNTRIES, 0), size::COUNTRIES);
    }

    #[test]
    fn get_detects_mutations_by_operation() {
        assert!(is_mutation("mutation { x }", None));
        assert!(!is_mutation("{ kpis { code } }", None));
        assert!(is_mutation("query A { a } mutation B { b }", Some("B")));
        assert!(!is_mutation("query A { a } mutation B { b }", Some("A")));
    }
}
