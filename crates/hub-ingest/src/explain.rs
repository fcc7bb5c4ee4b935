//! Schema errors in a country officer's words (DESIGN §16), in English and Spanish: where the
//! problem is (array items counted from 1, with the pointer), what the rule asks for (an example
//! taken from the field's own description rather than the regular expression), and the field's
//! description from the schema (`description`, `x-description-es`).

use jsonschema::error::{TypeKind, ValidationErrorKind};
use serde_json::Value;

/// Values quoted back are cut to this many characters.
const MAX_QUOTE: usize = 40;

/// A text in both languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explained {
    pub en: String,
    pub es: String,
}

/// Explains one error of `kind` at `pointer` (a missing field's pointer already names it) on
/// `instance`, with the descriptions of `schema`.
pub fn explain(
    schema: &Value,
    pointer: &str,
    kind: &ValidationErrorKind,
    instance: &Value,
) -> Explained {
    let segments: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect();
    let (what_en, what_es) = rule(schema, &segments, kind, instance);
    let (where_en, where_es) = place(&segments);
    let (sentence_en, sentence_es) = match kind {
        // The pointer names the missing field: say where it belongs, then which it is.
        ValidationErrorKind::Required { .. } => {
            let (parent, field) = segments.split_at(segments.len().saturating_sub(1));
            let field = field.first().map(String::as_str).unwrap_or_default();
            if parent.is_empty() {
                (
                    format!("Field \"{field}\" is missing; add it."),
                    format!("Falta el campo \"{field}\"; añádalo."),
                )
            } else {
                let (in_en, in_es) = place(parent);
                (
                    format!("{in_en}: field \"{field}\" is missing; add it."),
                    format!("{in_es}: falta el campo \"{field}\"; añádalo."),
                )
            }
        }
        _ => (
            format!("{where_en}: {what_en}."),
            format!("{where_es}: {what_es}."),
        ),
    };
    let (about_en, about_es) = descriptions(schema, &segments);
    Explained {
        en: join(capitalize(&sentence_en), about_en),
        es: join(capitalize(&sentence_es), about_es),
    }
}

fn join(sentence: String, about: Option<String>) -> String {
    match about {
        Some(about) => format!("{sentence} {about}"),
        None => sentence,
    }
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// What an array's items are called, in both languages.
fn item_name(array: &str) -> (&'static str, &'static str) {
    match array {
        "values" => ("value", "valor"),
        "commonServices" => ("common service", "servicio común"),
        "clientAgencies" => ("client agency", "entidad cliente"),
        "plannedCostAvoidance" => ("planned cost avoidance", "costos evitados previstos"),
        "kpis" => ("KPI", "KPI"),
        "targets" => ("target", "meta"),
        "documents" => ("document", "documento"),
        _ => ("item", "elemento"),
    }
}

/// Where the pointer leads, e.g. `value 3 (/values/2), field "value"`.
fn place(segments: &[String]) -> (String, String) {
    if segments.is_empty() {
        return ("the document".to_owned(), "el documento".to_owned());
    }
    let (mut en, mut es): (Vec<String>, Vec<String>) = (vec![], vec![]);
    let mut pointer = String::new();
    // Fields inside fields read as one path, `preparedBy/contact`.
    let mut fields: Vec<&str> = vec![];
    let flush = |fields: &mut Vec<&str>, en: &mut Vec<String>, es: &mut Vec<String>| {
        if !fields.is_empty() {
            let path = fields.join("/");
            en.push(format!("field \"{path}\""));
            es.push(format!("el campo \"{path}\""));
            fields.clear();
        }
    };
    let mut i = 0;
    while i < segments.len() {
        let name = &segments[i];
        let index = segments.get(i + 1).and_then(|s| s.parse::<usize>().ok());
        match index {
            Some(index) => {
                flush(&mut fields, &mut en, &mut es);
                pointer.push_str(&format!("/{name}/{index}"));
                let (item_en, item_es) = item_name(name);
                en.push(format!("{item_en} {} ({pointer})", index + 1));
                es.push(format!("{item_es} {} ({pointer})", index + 1));
                i += 2;
            }
            None => {
                pointer.push_str(&format!("/{name}"));
                fields.push(name);
                i += 1;
            }
        }
    }
    flush(&mut fields, &mut en, &mut es);
    (en.join(", "), es.join(", "))
}

fn quote(value: &Value) -> String {
    let text = match value {
        Value::String(s) => format!("\"{s}\""),
        other => other.to_string(),
    };
    if text.chars().count() > MAX_QUOTE {
        let cut: String = text.chars().take(MAX_QUOTE).collect();
        format!("{cut}…")
    } else {
        text
    }
}

fn json_type(value: &Value) -> (&'static str, &'static str) {
    match value {
        Value::Null => ("null", "null"),
        Value::Bool(_) => ("true or false", "true o false"),
        Value::Number(n) if n.is_i64() || n.is_u64() => ("a whole number", "un número entero"),
        Value::Number(_) => ("a number", "un número"),
        Value::String(_) => ("text", "un texto"),
        Value::Array(_) => ("a list", "una lista"),
        Value::Object(_) => ("a group of fields", "un grupo de campos"),
    }
}

fn type_name(name: &str) -> (&'static str, &'static str) {
    match name {
        "integer" => ("a whole number", "un número entero"),
        "number" => ("a number", "un número"),
        "string" => ("text", "un texto"),
        "array" => ("a list", "una lista"),
        "object" => ("a group of fields", "un grupo de campos"),
        "boolean" => ("true or false", "true o false"),
        _ => ("null", "null"),
    }
}

fn options(values: &Value) -> String {
    match values {
        Value::Array(items) => items
            .iter()
            .map(|v| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}

/// The decimals a `multipleOf` of the form 10^-n allows (6 for 0.000001).
pub(crate) fn decimals_of(multiple_of: f64) -> usize {
    let text = multiple_of.to_string();
    text.split_once('.')
        .map_or(0, |(_, fraction)| fraction.len())
}

/// What the failed rule asks for, in both languages.
fn rule(
    schema: &Value,
    segments: &[String],
    kind: &ValidationErrorKind,
    instance: &Value,
) -> (String, String) {
    let found = quote(instance);
    match kind {
        ValidationErrorKind::Required { .. } => (String::new(), String::new()),
        ValidationErrorKind::AdditionalProperties { unexpected }
        | ValidationErrorKind::UnevaluatedProperties { unexpected } => {
            let names = unexpected
                .iter()
                .map(|n| format!("\"{n}\""))
                .collect::<Vec<_>>()
                .join(", ");
            (
                format!(
                    "{names} is not a field of this document in schema version 1.0; remove it or check its spelling"
                ),
                format!(
                    "{names} no es un campo de este documento en la versión 1.0 del esquema; elimínelo o revise cómo está escrito"
                ),
            )
        }
        ValidationErrorKind::Enum { options: allowed } => {
            let allowed = options(allowed);
            (
                format!("must be one of {allowed}, not {found}"),
                format!("debe ser uno de estos: {allowed}; no {found}"),
            )
        }
        ValidationErrorKind::Constant { expected_value } => {
            let expected = quote(expected_value);
            (
                format!("must be {expected}, not {found}"),
                format!("debe ser {expected}, no {found}"),
            )
        }
        ValidationErrorKind::Pattern { .. } => match example(schema, segments) {
            Some(examples) => (
                format!("must look like {}, not {found}", examples.join(" or ")),
                format!("debe tener la forma {}, no {found}", examples.join(" o ")),
            ),
            None => (
                format!("{found} is not written the way this field needs"),
                format!("{found} no está escrito como este campo lo requiere"),
            ),
        },
        ValidationErrorKind::Format { format } => {
            let (en, es) = match format.as_str() {
                "date" => (
                    "a date written YYYY-MM-DD, such as 2026-06-30",
                    "una fecha escrita AAAA-MM-DD, como 2026-06-30",
                ),
                "date-time" => (
                    "a date and time with its time zone, such as 2026-07-10T08:00:00Z",
                    "una fecha y hora con su zona horaria, como 2026-07-10T08:00:00Z",
                ),
                "email" => (
                    "an e-mail address, such as omt.colombia@un.org",
                    "una dirección de correo electrónico, como omt.colombia@un.org",
                ),
                _ => ("a valid value", "un valor válido"),
            };
            (
                format!("must be {en}, not {found}"),
                format!("debe ser {es}, no {found}"),
            )
        }
        ValidationErrorKind::Type { kind } => {
            let expected: Vec<(&str, &str)> = match kind {
                TypeKind::Single(t) => vec![type_name(&t.to_string())],
                TypeKind::Multiple(set) => set.iter().map(|t| type_name(&t.to_string())).collect(),
            };
            let en = expected
                .iter()
                .map(|e| e.0)
                .collect::<Vec<_>>()
                .join(" or ");
            let es = expected.iter().map(|e| e.1).collect::<Vec<_>>().join(" o ");
            let (is_en, is_es) = match instance {
                Value::String(_) | Value::Array(_) | Value::Object(_) => {
                    let (is_en, is_es) = json_type(instance);
                    (format!("{is_en} ({found})"), format!("{is_es} ({found})"))
                }
                _ => (found.clone(), found.clone()),
            };
            (
                format!("must be {en}, not {is_en}"),
                format!("debe ser {es}, no {is_es}"),
            )
        }
        ValidationErrorKind::Minimum { limit } => (
            format!("must be at least {limit}, not {found}"),
            format!("debe ser como mínimo {limit}, no {found}"),
        ),
        ValidationErrorKind::Maximum { limit } => (
            format!("must be at most {limit}, not {found}"),
            format!("debe ser como máximo {limit}, no {found}"),
        ),
        ValidationErrorKind::ExclusiveMinimum { limit } => (
            format!("must be greater than {limit}, not {found}"),
            format!("debe ser mayor que {limit}, no {found}"),
        ),
        ValidationErrorKind::ExclusiveMaximum { limit } => (
            format!("must be less than {limit}, not {found}"),
            format!("debe ser menor que {limit}, no {found}"),
        ),
        ValidationErrorKind::MultipleOf { multiple_of } => {
            let decimals = decimals_of(*multiple_of);
            (
                format!(
                    "{found} has more decimals than the hub keeps; round it to at most {decimals} decimals"
                ),
                format!(
                    "{found} tiene más decimales de los que el centro conserva; redondéelo a {decimals} decimales como máximo"
                ),
            )
        }
        ValidationErrorKind::MinLength { limit: 1 } => (
            "must not be empty".to_owned(),
            "no puede estar vacío".to_owned(),
        ),
        ValidationErrorKind::MinLength { limit } => (
            format!("must have at least {limit} characters"),
            format!("debe tener al menos {limit} caracteres"),
        ),
        ValidationErrorKind::MaxLength { limit } => {
            let length = instance.as_str().map_or(0, |s| s.chars().count());
            (
                format!("must have at most {limit} characters; it has {length}"),
                format!("debe tener como máximo {limit} caracteres; tiene {length}"),
            )
        }
        ValidationErrorKind::MinItems { limit } => (
            format!("must list at least {limit}"),
            format!("debe incluir al menos {limit}"),
        ),
        ValidationErrorKind::MaxItems { limit } => (
            format!("must list at most {limit}"),
            format!("debe incluir como máximo {limit}"),
        ),
        ValidationErrorKind::UniqueItems => (
            "lists the same entry more than once; list each one once".to_owned(),
            "incluye el mismo elemento más de una vez; indique cada uno una sola vez".to_owned(),
        ),
        ValidationErrorKind::FalseSchema => (
            "is not allowed here".to_owned(),
            "no está permitido aquí".to_owned(),
        ),
        other => (
            format!("does not follow the schema's \"{}\" rule", other.keyword()),
            format!("no cumple la regla \"{}\" del esquema", other.keyword()),
        ),
    }
}

/// Follows a local `$ref` (`#/$defs/...`).
fn resolve<'a>(root: &'a Value, node: &'a Value) -> &'a Value {
    let mut node = node;
    for _ in 0..8 {
        match node.get("$ref").and_then(Value::as_str) {
            Some(reference) => match reference.strip_prefix('#').and_then(|p| root.pointer(p)) {
                Some(target) => node = target,
                None => break,
            },
            None => break,
        }
    }
    node
}

/// The subschemas along the instance path, each as written (before its `$ref`).
fn path_nodes<'a>(root: &'a Value, segments: &[String]) -> Vec<&'a Value> {
    let mut nodes = vec![root];
    let mut node = root;
    for segment in segments {
        let resolved = resolve(root, node);
        let child = resolved
            .get("properties")
            .and_then(|p| p.get(segment.as_str()))
            .or_else(|| {
                segment
                    .parse::<usize>()
                    .ok()
                    .and_then(|_| resolved.get("items"))
            });
        match child {
            Some(child) => {
                nodes.push(child);
                node = child;
            }
            None => return vec![],
        }
    }
    nodes
}

fn annotation(root: &Value, node: &Value, key: &str) -> Option<String> {
    node.get(key)
        .or_else(|| resolve(root, node).get(key))
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// The first sentence of the field's description, in both languages.
fn descriptions(root: &Value, segments: &[String]) -> (Option<String>, Option<String>) {
    if segments.is_empty() {
        return (None, None);
    }
    let nodes = path_nodes(root, segments);
    let Some(leaf) = nodes.last() else {
        return (None, None);
    };
    (
        annotation(root, leaf, "description").map(|d| first_sentence(&d)),
        annotation(root, leaf, "x-description-es").map(|d| first_sentence(&d)),
    )
}

/// Examples of the field's form: the quoted texts right after "e.g." in its description (or
/// in the description of the definition it refers to); a version for `schemaVersion`, whose
/// description names the form but gives no example.
fn example(root: &Value, segments: &[String]) -> Option<Vec<String>> {
    if segments.last().is_some_and(|s| s == "schemaVersion") {
        return Some(vec!["\"1.0\"".to_owned(), "\"1.1\"".to_owned()]);
    }
    let nodes = path_nodes(root, segments);
    let leaf = nodes.last()?;
    [
        leaf.get("description"),
        resolve(root, leaf).get("description"),
    ]
    .into_iter()
    .flatten()
    .filter_map(Value::as_str)
    .find_map(|text| {
        let mut rest = text.split_once("e.g.")?.1.trim_start();
        let mut found = vec![];
        while let Some(quoted) = rest.strip_prefix('"') {
            let end = quoted.find('"')?;
            found.push(format!("\"{}\"", &quoted[..end]));
            rest = quoted[end + 1..].strip_prefix(", ").unwrap_or("");
        }
        (!found.is_empty()).then_some(found)
    })
}

/// Up to the first full stop that ends a sentence (not the one of "e.g." or "p. ej.").
fn first_sentence(text: &str) -> String {
    let bytes = text.as_bytes();
    for (i, _) in text.match_indices(". ") {
        let before = &text[..i];
        let abbreviation = ["e.g", "i.e", "p. ej", "etc", "p.ej"]
            .iter()
            .any(|a| before.ends_with(a));
        let next_upper = bytes
            .get(i + 2)
            .is_some_and(|b| b.is_ascii_uppercase() || *b == b'`' || *b >= 0x80);
        if !abbreviation && next_upper {
            return text[..=i].to_owned();
        }
    }
    text.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn array_positions_are_counted_from_one_with_the_pointer() {
        let segments: Vec<String> = ["values", "2", "value"].map(String::from).to_vec();
        let (en, es) = place(&segments);
        assert_eq!(en, "value 3 (/values/2), field \"value\"");
        let nested: Vec<String> = ["preparedBy", "contact"].map(String::from).to_vec();
        assert_eq!(place(&nested).0, "field \"preparedBy/contact\"");
        assert_eq!(es, "valor 3 (/values/2), el campo \"value\"");
    }

    #[test]
    fn a_sentence_ends_after_its_abbreviations() {
        assert_eq!(
            first_sentence("The quarter, \"YYYY-Qn\" (e.g. \"2026-Q2\"). The hub rejects it."),
            "The quarter, \"YYYY-Qn\" (e.g. \"2026-Q2\")."
        );
        assert_eq!(first_sentence("No stop here"), "No stop here");
    }
}
