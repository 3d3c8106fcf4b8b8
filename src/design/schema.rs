//! The JSON Schema of the design format, for editors (yaml-language-server)
//! and other tools. It is derived from the reader's own types in `raw`, so
//! the keys cannot drift from what the reader accepts; the types here only
//! describe the values those types keep as text (quantities, keywords).

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, generate::SchemaSettings, json_schema};

use super::lower::KIND_FIELDS;
use super::model::Kind;
use super::raw::RawDesign;

/// The schema, as pretty JSON (draft-07, which every YAML editor reads).
pub fn json() -> String {
    let generator = SchemaSettings::draft07().for_deserialize().into_generator();
    let mut schema = generator.into_root_schema_for::<RawDesign>();
    schema.insert("title".into(), "blueprint design".into());
    schema.insert(
        "description".into(),
        "A system design for blueprint: components, calls, zones, load and targets (format version 1).".into(),
    );
    let mut schema = serde_json::to_value(&schema).expect("a schema is JSON");
    if let Some(component) = schema.pointer_mut("/definitions/RawComponent") {
        component["allOf"] = per_kind_fields();
    }
    let mut text = serde_json::to_string_pretty(&schema).expect("a schema serialises");
    text.push('\n');
    text
}

/// For each kind, the kind-specific fields it may not carry (`tls` on a
/// service): the same table `lower` refuses them by, so an editor flags
/// what `check` would.
fn per_kind_fields() -> serde_json::Value {
    let rules = Kind::NAMES
        .iter()
        .filter_map(|&name| {
            let kind = Kind::from_name(name)?;
            let refused: serde_json::Map<String, serde_json::Value> = KIND_FIELDS
                .iter()
                .filter(|(_, kinds)| !kinds.contains(&kind))
                .map(|(field, _)| (field.to_string(), serde_json::Value::Bool(false)))
                .collect();
            Some(serde_json::json!({
                "if": { "properties": { "kind": { "const": name } }, "required": ["kind"] },
                "then": { "properties": refused }
            }))
        })
        .collect();
    serde_json::Value::Array(rules)
}

/// A quantity written as a number or as text with a unit.
macro_rules! quantity_schema {
    ($name:ident, $description:literal, $pattern:literal) => {
        pub struct $name;
        impl JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!({
                    "description": $description,
                    "anyOf": [
                        { "type": "number", "minimum": 0 },
                        { "type": "string", "pattern": $pattern }
                    ]
                })
            }
        }
    };
}

quantity_schema!(
    Count,
    "A count: 1200, 2.5k, 50M, 1B.",
    r"^\s*[0-9][0-9_]*(\.[0-9]+)?([eE][-+]?[0-9]+)?\s*[kKMBGT]?\s*$"
);
quantity_schema!(
    Rate,
    "A rate: 2000/s, 15k/s, 3/min, 40/h, 90M/day, 10M/month, 1B/year; a bare number is per second.",
    r"^\s*[0-9][0-9_]*(\.[0-9]+)?([eE][-+]?[0-9]+)?\s*[kKMBGT]?\s*(/\s*(s|sec|second|min|minute|h|hr|hour|d|day|month|mo|y|yr|year)\s*)?$"
);
quantity_schema!(
    Duration,
    "A duration with a unit: 90us, 0.5ms, 250ms, 2s, 5min, 1h, 30d, 5y.",
    r"^\s*[0-9][0-9_]*(\.[0-9]+)?([eE][-+]?[0-9]+)?\s*(ns|us|µs|ms|s|sec|m|min|h|hr|d|day|days|w|week|weeks|y|year|years)\s*$"
);
quantity_schema!(
    Bytes,
    "A size: 500B, 1KiB, 2MB, 3.5GiB, 2TB; a bare number is bytes.",
    r"^\s*[0-9][0-9_]*(\.[0-9]+)?([eE][-+]?[0-9]+)?\s*(B|KB|kB|MB|GB|TB|PB|KiB|MiB|GiB|TiB|PiB)?\s*$"
);
quantity_schema!(
    Cost,
    "A price per replica: 0.12/h, 2.9/day, 90/month, 1000/year (no currency sign; a month is 730 hours).",
    r"^\s*[0-9][0-9_]*(\.[0-9]+)?([eE][-+]?[0-9]+)?\s*[kKMBGT]?\s*/\s*(h|hr|hour|d|day|month|mo|y|yr|year)\s*$"
);
quantity_schema!(
    Percent,
    "A percentage (99.95%) or a fraction (0.9995).",
    r"^\s*[0-9][0-9_]*(\.[0-9]+)?\s*%?\s*$"
);

/// A whole number (replicas, partitions, quorums); counts such as 2k too.
pub struct WholeNumber;
impl JsonSchema for WholeNumber {
    fn schema_name() -> Cow<'static, str> {
        "WholeNumber".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "anyOf": [
                { "type": "integer", "minimum": 0 },
                { "type": "string", "pattern": r"^\s*[0-9][0-9_]*(\.[0-9]+)?\s*[kKMBGT]?\s*$" }
            ]
        })
    }
}

/// `version: 1`.
pub struct Version;
impl JsonSchema for Version {
    fn schema_name() -> Cow<'static, str> {
        "Version".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "description": "The format version; this build reads 1.", "const": 1 })
    }
}

/// `dead_letter`: true, false, or the component that takes poison messages.
pub struct DeadLetter;
impl JsonSchema for DeadLetter {
    fn schema_name() -> Cow<'static, str> {
        "DeadLetter".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "anyOf": [{ "type": "boolean" }, { "$ref": "#/definitions/ComponentName" }] })
    }
}

/// A component name: `[a-z0-9_-]+`.
pub struct ComponentName;
impl JsonSchema for ComponentName {
    fn schema_name() -> Cow<'static, str> {
        "ComponentName".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "string", "pattern": "^[a-z0-9_-]+$" })
    }
}

/// The operations a call is made for: one name or a list of names.
pub struct OperationNames;
impl JsonSchema for OperationNames {
    fn schema_name() -> Cow<'static, str> {
        "OperationNames".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "anyOf": [
                { "type": "string", "pattern": "^[a-z0-9_-]+$" },
                { "type": "array", "items": { "type": "string", "pattern": "^[a-z0-9_-]+$" } }
            ]
        })
    }
}

/// A date, `YYYY-MM-DD`.
pub struct Date;
impl JsonSchema for Date {
    fn schema_name() -> Cow<'static, str> {
        "Date".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "string", "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$" })
    }
}

/// The components: names to component definitions.
pub struct Components;
impl JsonSchema for Components {
    fn schema_name() -> Cow<'static, str> {
        "Components".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let component = generator.subschema_for::<super::raw::RawComponent>();
        json_schema!({
            "type": "object",
            "minProperties": 1,
            "propertyNames": { "pattern": "^[a-z0-9_-]+$" },
            "additionalProperties": component
        })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_schema_names_every_key_and_keyword() {
        let schema = super::json();
        for word in [
            "\"replicas\"",
            "\"hit_ratio\"",
            "\"load_balancer\"",
            "\"consistent_hash\"",
            "\"additionalProperties\": false",
        ] {
            assert!(schema.contains(word), "the schema has no {word}");
        }
    }

    /// Every key has a description for the editor to show, and none leaks
    /// a note meant for the code's readers.
    #[test]
    fn every_key_is_described_for_users() {
        let schema: serde_json::Value = serde_json::from_str(&super::json()).unwrap();
        let mut undescribed = Vec::new();
        let root = [("design".to_string(), schema.clone())];
        let definitions = schema["definitions"].as_object().unwrap().clone();
        for (name, definition) in root.into_iter().chain(definitions) {
            for (key, property) in definition["properties"].as_object().into_iter().flatten() {
                if property.get("description").is_none() {
                    undescribed.push(format!("{name}.{key}"));
                }
            }
        }
        assert!(undescribed.is_empty(), "no description: {undescribed:?}");
        for internal in ["Boxed", "`lower`", "bytes, and ten"] {
            assert!(
                !super::json().contains(internal),
                "the schema says {internal}"
            );
        }
    }

    #[test]
    fn a_service_may_not_terminate_tls() {
        let schema: serde_json::Value = serde_json::from_str(&super::json()).unwrap();
        let rules = schema["definitions"]["RawComponent"]["allOf"]
            .as_array()
            .unwrap();
        let service = rules
            .iter()
            .find(|rule| rule["if"]["properties"]["kind"]["const"] == "service")
            .unwrap();
        assert_eq!(service["then"]["properties"]["tls"], false);
        assert!(service["then"]["properties"].get("auth").is_none());
    }
}
