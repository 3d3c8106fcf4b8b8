//! What the format allows at a place: its keys, keyword values and the
//! quantity a value holds, read from the format's JSON Schema
//! ([`crate::design::schema`], derived from the reader's own types, so it
//! cannot drift from what the reader accepts) and from which fields each
//! kind of component takes ([`crate::design::lower::kind_accepts`]).

use std::sync::OnceLock;

use serde_json::Value;

use super::context::Step;
use crate::design::quantity::QuantityKind;

/// The format's schema, parsed once.
pub fn schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA
        .get_or_init(|| serde_json::from_str(&crate::design::schema::json()).unwrap_or(Value::Null))
}

/// The schema of the value at `path` as the format writes it (its `$ref`
/// kept, which names quantities), or `None` where the format has nothing
/// (a key it does not define).
pub fn node(path: &[Step]) -> Option<&'static Value> {
    let mut node = schema();
    for step in path {
        node = match step {
            Step::Key(key) => child(node, key)?,
            Step::Item => variants(node).into_iter().find_map(|v| v.get("items"))?,
        };
    }
    Some(node)
}

/// The keys of a mapping node, in the order of the format, with the schema
/// of each one's value.
pub fn keys(node: &'static Value) -> Vec<(&'static str, &'static Value)> {
    variants(node)
        .into_iter()
        .filter_map(|v| v.get("properties").and_then(Value::as_object))
        .flatten()
        .map(|(key, value)| (key.as_str(), value))
        .collect()
}

/// The keywords a value may be: an enum's values, and `true`/`false` where
/// a boolean is accepted.
pub fn keywords(node: &'static Value) -> Vec<&'static str> {
    let mut words = Vec::new();
    for variant in variants(node) {
        if let Some(values) = variant.get("enum").and_then(Value::as_array) {
            words.extend(values.iter().filter_map(Value::as_str));
        }
        if types(variant).contains(&"boolean") {
            words.extend(["true", "false"]);
        }
    }
    words
}

/// Whether the value is a mapping (its key completes with `key:` and a new
/// line) or a list.
pub fn is_collection(node: &'static Value) -> bool {
    variants(node).into_iter().any(|v| {
        let types = types(v);
        types.contains(&"object") || types.contains(&"array")
    })
}

/// Whether the value names a component (`to`, `backing`, `consumer`,
/// `dead_letter`).
pub fn names_component(node: &'static Value) -> bool {
    references(node).contains(&"ComponentName")
}

/// The quantity the value holds (`capacity`: a rate), if it is one.
pub fn quantity(node: &'static Value) -> Option<QuantityKind> {
    references(node).into_iter().find_map(|name| match name {
        "Rate" => Some(QuantityKind::Rate),
        "Duration" => Some(QuantityKind::Duration),
        "Bytes" => Some(QuantityKind::Bytes),
        "Percent" => Some(QuantityKind::Percent),
        "Cost" => Some(QuantityKind::Cost),
        "Count" | "WholeNumber" => Some(QuantityKind::Count),
        _ => None,
    })
}

/// A one-line description of a value for a completion's detail: the
/// schema's own words where it has them.
pub fn describe(node: &'static Value) -> Option<String> {
    let described = variants(node)
        .into_iter()
        .chain(references(node).into_iter().filter_map(definition))
        .find_map(|v| v.get("description").and_then(Value::as_str));
    if let Some(text) = described {
        return Some(text.to_string());
    }
    let words = keywords(node);
    if !words.is_empty() {
        return Some(words.join(", "));
    }
    variants(node)
        .into_iter()
        .flat_map(types)
        .find(|t| *t != "null")
        .map(|t| match t {
            "object" => "a mapping".to_string(),
            "array" => "a list".to_string(),
            other => format!("a {other}"),
        })
}

fn definition(name: &str) -> Option<&'static Value> {
    schema().get("definitions")?.get(name)
}

/// Follows a chain of `$ref`s to the definition.
fn resolve(mut node: &'static Value) -> &'static Value {
    for _ in 0..16 {
        match node
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/definitions/"))
            .and_then(definition)
        {
            Some(target) => node = target,
            None => break,
        }
    }
    node
}

/// The choices a value may be, each resolved: the non-null variants of its
/// `anyOf`/`oneOf` (an optional value is its value or null), or itself.
fn variants(node: &'static Value) -> Vec<&'static Value> {
    let mut found = Vec::new();
    let mut pending = vec![node];
    while let Some(node) = pending.pop() {
        if found.len() > 32 {
            break;
        }
        let node = resolve(node);
        match node
            .get("anyOf")
            .or_else(|| node.get("oneOf"))
            .and_then(Value::as_array)
        {
            Some(choices) => pending.extend(choices.iter().rev().filter(|c| !is_null(c))),
            None if !is_null(node) => found.push(node),
            None => {}
        }
    }
    found
}

/// The definitions a node refers to, by name, through its variants.
fn references(node: &'static Value) -> Vec<&'static str> {
    let mut names = Vec::new();
    let mut pending = vec![node];
    while let Some(node) = pending.pop() {
        if names.len() > 16 {
            break;
        }
        if let Some(name) = node
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/definitions/"))
        {
            names.push(name);
            pending.extend(definition(name));
        }
        for key in ["anyOf", "oneOf"] {
            pending.extend(
                node.get(key)
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten(),
            );
        }
    }
    names
}

/// The schema of `key` in a mapping: a defined property, or the value of
/// any key of a map (`components`, `regions`).
fn child(node: &'static Value, key: &str) -> Option<&'static Value> {
    let variants = variants(node);
    variants
        .iter()
        .find_map(|v| v.get("properties").and_then(|p| p.get(key)))
        .or_else(|| {
            variants
                .iter()
                .find_map(|v| v.get("additionalProperties").filter(|a| a.is_object()))
        })
}

fn types(node: &'static Value) -> Vec<&'static str> {
    match node.get("type") {
        Some(Value::String(one)) => vec![one.as_str()],
        Some(Value::Array(many)) => many.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn is_null(node: &Value) -> bool {
    node.get("type").and_then(Value::as_str) == Some("null")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(steps: &[&str]) -> Vec<Step> {
        steps
            .iter()
            .map(|s| match *s {
                "-" => Step::Item,
                key => Step::Key(key.to_string()),
            })
            .collect()
    }

    #[test]
    fn keys_at_each_level() {
        let top: Vec<&str> = keys(node(&[]).unwrap()).into_iter().map(|k| k.0).collect();
        assert!(top.contains(&"components") && top.contains(&"requirements"));
        let component: Vec<&str> = keys(node(&path(&["components", "api"])).unwrap())
            .into_iter()
            .map(|k| k.0)
            .collect();
        assert!(component.contains(&"replicas") && component.contains(&"hit_ratio"));
        let call: Vec<&str> = keys(node(&path(&["components", "api", "calls", "-"])).unwrap())
            .into_iter()
            .map(|k| k.0)
            .collect();
        assert!(call.contains(&"to") && call.contains(&"timeout"));
        let replication = node(&path(&["components", "db", "replication"])).unwrap();
        assert!(keys(replication).iter().any(|k| k.0 == "read_quorum"));
        assert!(node(&path(&["components", "db", "nonsense"])).is_none());
    }

    #[test]
    fn values_keywords_and_quantities() {
        let kind = node(&path(&["components", "api", "kind"])).unwrap();
        assert!(keywords(kind).contains(&"load_balancer"));
        let mode = node(&path(&["components", "db", "replication", "mode"])).unwrap();
        assert_eq!(keywords(mode), ["sync", "semi_sync", "async", "quorum"]);
        let tls = node(&path(&["components", "lb", "tls"])).unwrap();
        assert_eq!(keywords(tls), ["true", "false"]);
        let capacity = node(&path(&["components", "api", "capacity"])).unwrap();
        assert_eq!(quantity(capacity), Some(QuantityKind::Rate));
        let p99 = node(&path(&["requirements", "latency_slo", "p99"])).unwrap();
        assert_eq!(quantity(p99), Some(QuantityKind::Duration));
        let to = node(&path(&["components", "api", "calls", "-", "to"])).unwrap();
        assert!(names_component(to));
        let dead_letter = node(&path(&["components", "q", "dead_letter"])).unwrap();
        assert!(names_component(dead_letter));
        assert_eq!(keywords(dead_letter), ["true", "false"]);
        assert!(describe(capacity).unwrap().contains("rate"));
        assert!(is_collection(
            node(&path(&["components", "api", "calls"])).unwrap()
        ));
    }
}
