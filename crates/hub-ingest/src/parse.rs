//! From bytes to JSON, with an error a sender can act on.

use serde_json::Value;

use crate::problem::{Problem, codes};

/// Nesting the hub reads; serde_json refuses deeper input without using the stack for it, so a
/// document nested 10,000 levels deep is a clear error, not a crash.
pub const MAX_DEPTH: usize = 128;

/// Parses a body into JSON: UTF-8 first, then syntax, with line and column.
pub fn parse_json(body: &[u8]) -> Result<Value, Problem> {
    let text = std::str::from_utf8(body).map_err(|e| {
        Problem::new(
            "",
            codes::INVALID_UTF8,
            format!(
                "the body is not valid UTF-8 (first bad byte at offset {}); send JSON encoded as UTF-8",
                e.valid_up_to()
            ),
        )
    })?;
    serde_json::from_str(text).map_err(|e| {
        let (code, what) = if e.to_string().contains("recursion limit") {
            (
                codes::TOO_DEEP,
                format!("the JSON nests deeper than {MAX_DEPTH} levels"),
            )
        } else {
            (
                codes::MALFORMED_JSON,
                "the body is not valid JSON".to_owned(),
            )
        };
        Problem::new(
            "",
            code,
            format!("{what} (line {}, column {}): {e}", e.line(), e.column()),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_utf8_is_named_with_its_offset() {
        let err = parse_json(b"{\"a\": \"\xff\"}").unwrap_err();
        assert_eq!(err.code, codes::INVALID_UTF8);
        assert!(err.message.contains("offset 7"), "{}", err.message);
    }

    #[test]
    fn malformed_json_gives_line_and_column() {
        let err = parse_json(b"{\n  \"a\": 1,\n}").unwrap_err();
        assert_eq!(err.code, codes::MALFORMED_JSON);
        assert!(err.message.contains("line 3"), "{}", err.message);
    }

    #[test]
    fn ten_thousand_levels_of_nesting_is_a_clear_error() {
        let deep = "[".repeat(10_000) + &"]".repeat(10_000);
        let err = parse_json(deep.as_bytes()).unwrap_err();
        assert_eq!(err.code, codes::TOO_DEEP);
        let deep = "{\"a\":".repeat(10_000) + "1" + &"}".repeat(10_000);
        assert_eq!(
            parse_json(deep.as_bytes()).unwrap_err().code,
            codes::TOO_DEEP
        );
    }
}

/// JSON text with object keys sorted at every level, so two documents with the same content
/// compare equal whatever order their fields came in.
pub fn canonical_json(value: &Value) -> String {
    fn write(value: &Value, out: &mut String) {
        match value {
            Value::Object(map) => {
                out.push('{');
                let mut entries: Vec<_> = map.iter().collect();
                entries.sort_by(|a, b| a.0.cmp(b.0));
                for (i, (key, value)) in entries.into_iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&Value::String(key.clone()).to_string());
                    out.push(':');
                    write(value, out);
                }
                out.push('}');
            }
            Value::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write(item, out);
                }
                out.push(']');
            }
            other => out.push_str(&other.to_string()),
        }
    }
    let mut out = String::new();
    write(value, &mut out);
    out
}

#[cfg(test)]
mod canonical_tests {
    use super::canonical_json;
    use serde_json::json;

    #[test]
    fn key_order_does_not_change_the_canonical_text() {
        let a: serde_json::Value =
            serde_json::from_str(r#"{"b":1,"a":{"y":[1,2],"x":"s"}}"#).unwrap();
        let b = json!({"a": {"x": "s", "y": [1, 2]}, "b": 1});
        assert_eq!(canonical_json(&a), canonical_json(&b));
        assert_eq!(canonical_json(&b), r#"{"a":{"x":"s","y":[1,2]},"b":1}"#);
    }
}
