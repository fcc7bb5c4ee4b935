//! Ids and Relay-style paging shared by every list: opaque cursors (the hex of `kind:id`, so a
//! cursor of one list is refused by another), page sizes, id arguments.

use async_graphql::ID;
use async_graphql::OutputType;
use async_graphql::connection::{Connection, Edge, EmptyFields};

use crate::error::ApiError;

/// The most items one page returns.
pub const MAX_PAGE: i32 = 500;

/// Checks `first`.
pub fn page_size(first: i32) -> Result<u64, ApiError> {
    if (1..=MAX_PAGE).contains(&first) {
        Ok(u64::try_from(first).unwrap_or(50))
    } else {
        Err(ApiError::invalid(
            "first",
            format!("must be between 1 and {MAX_PAGE}"),
        ))
    }
}

/// An opaque cursor for the item `id` of a list of `kind`.
pub fn encode(kind: &str, id: i64) -> String {
    hex::encode(format!("{kind}:{id}"))
}

/// The item id of a cursor that a list of `kind` returned.
pub fn decode(kind: &str, cursor: &str) -> Result<i64, ApiError> {
    hex::decode(cursor)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| {
            text.strip_prefix(kind)
                .and_then(|rest| rest.strip_prefix(':'))
                .and_then(|id| id.parse().ok())
        })
        .ok_or_else(|| ApiError::invalid("after", "not a cursor this list returned"))
}

/// A page of a list, newest first, as a connection: `before` is the decoded `after` cursor.
pub fn connection<T, N: OutputType>(
    kind: &str,
    rows: Vec<T>,
    more: bool,
    before: Option<i64>,
    id_of: impl Fn(&T) -> i64,
    node: impl Fn(T) -> N,
) -> Connection<String, N, EmptyFields, EmptyFields> {
    let mut connection = Connection::new(before.is_some(), more);
    connection.edges.extend(
        rows.into_iter()
            .map(|row| Edge::new(encode(kind, id_of(&row)), node(row))),
    );
    connection
}

/// A numeric id argument.
pub fn parse_id(field: &str, id: &ID) -> Result<i64, ApiError> {
    id.parse()
        .map_err(|_| ApiError::invalid(field, format!("{:?} is not an id", id.as_str())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_belong_to_their_list() {
        let cursor = encode("submission", 42);
        assert_eq!(decode("submission", &cursor).unwrap(), 42);
        assert!(decode("run", &cursor).is_err());
        assert!(decode("submission", "zz").is_err());
    }
}
