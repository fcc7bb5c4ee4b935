//! Query limits: depth, complexity and aliases, each refused with its own stable code.

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

/// Deepest selection nesting accepted.
pub const MAX_DEPTH: usize = 12;
/// Largest complexity (roughly, fields selected) accepted.
pub const MAX_COMPLEXITY: usize = 2_000;
/// Most aliases accepted in one document (aliases multiply work cheaply for an attacker).
pub const MAX_ALIASES: usize = 30;
/// Deepest nesting the parser accepts for any structure (values, selections).
pub const MAX_RECURSIVE_DEPTH: usize = 32;

/// Extension enforcing the alias limit and giving depth and complexity errors their codes.
#[derive(Debug, Clone, Copy)]
pub struct Limits;

impl ExtensionFactory for Limits {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Limits)
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
                    "Query is nested too deep." => coded(
                        ServerError::new(
                            format!("the query is nested deeper than {MAX_DEPTH} levels"),
                            None,
                        ),
                        "MAX_DEPTH_LIMIT",
                    ),
                    "Query is too complex." => coded(
                        ServerError::new(
                            format!("the query is more complex than {MAX_COMPLEXITY}"),
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
    fn get_detects_mutations_by_operation() {
        assert!(is_mutation("mutation { x }", None));
        assert!(!is_mutation("{ kpis { code } }", None));
        assert!(is_mutation("query A { a } mutation B { b }", Some("B")));
        assert!(!is_mutation("query A { a } mutation B { b }", Some("A")));
    }
}
