//! Any YAML value, for reading other tools' files (Kubernetes manifests,
//! Compose files) whose shape is theirs, not ours. Reading is lenient: a
//! field of the wrong type reads as absent, so a manifest the import does
//! not understand is skipped with a note rather than refused.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Integer(i128),
    Float(f64),
    Text(String),
    List(Vec<Value>),
    /// Keys as text, in file order. The reader refuses duplicate keys.
    Map(Vec<(String, Value)>),
}

impl Value {
    /// The value at `key` of a mapping.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The value at a path of mapping keys.
    pub fn at(&self, path: &[&str]) -> Option<&Value> {
        path.iter().try_fold(self, |value, key| value.get(key))
    }

    /// The text of a string.
    pub fn text(&self) -> Option<&str> {
        match self {
            Value::Text(text) => Some(text),
            _ => None,
        }
    }

    /// The text of a string at a path.
    pub fn text_at(&self, path: &[&str]) -> Option<&str> {
        self.at(path).and_then(Value::text)
    }

    /// Any scalar as text: `8080` and `"8080"` read the same.
    pub fn scalar(&self) -> Option<String> {
        match self {
            Value::Text(text) => Some(text.clone()),
            Value::Integer(number) => Some(number.to_string()),
            Value::Float(number) => Some(number.to_string()),
            Value::Bool(flag) => Some(flag.to_string()),
            Value::Null | Value::List(_) | Value::Map(_) => None,
        }
    }

    /// A whole number, written as a number or as the text of one.
    pub fn whole(&self) -> Option<i128> {
        match self {
            Value::Integer(number) => Some(*number),
            Value::Text(text) => text.trim().parse().ok(),
            _ => None,
        }
    }

    /// The items of a list; nothing for anything else.
    pub fn items(&self) -> &[Value] {
        match self {
            Value::List(items) => items,
            _ => &[],
        }
    }

    /// The entries of a mapping; nothing for anything else.
    pub fn entries(&self) -> &[(String, Value)] {
        match self {
            Value::Map(entries) => entries,
            _ => &[],
        }
    }

    /// The entries of a mapping whose values are scalars, as text.
    pub fn string_map(&self) -> Vec<(String, String)> {
        self.entries()
            .iter()
            .filter_map(|(key, value)| value.scalar().map(|text| (key.clone(), text)))
            .collect()
    }

    /// The text of a scalar used as a mapping key.
    fn into_key(self) -> String {
        match self {
            Value::Text(text) => text,
            other => other.scalar().unwrap_or_default(),
        }
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<Value, E> {
        Ok(Value::Bool(value))
    }
    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Value, E> {
        Ok(Value::Integer(value.into()))
    }
    fn visit_i128<E: de::Error>(self, value: i128) -> Result<Value, E> {
        Ok(Value::Integer(value))
    }
    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Value, E> {
        Ok(Value::Integer(value.into()))
    }
    fn visit_u128<E: de::Error>(self, value: u128) -> Result<Value, E> {
        Ok(i128::try_from(value).map_or(Value::Float(value as f64), Value::Integer))
    }
    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Value, E> {
        Ok(Value::Float(value))
    }
    fn visit_str<E: de::Error>(self, value: &str) -> Result<Value, E> {
        Ok(Value::Text(value.to_string()))
    }
    fn visit_string<E: de::Error>(self, value: String) -> Result<Value, E> {
        Ok(Value::Text(value))
    }
    fn visit_bytes<E: de::Error>(self, value: &[u8]) -> Result<Value, E> {
        Ok(Value::Text(String::from_utf8_lossy(value).into_owned()))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        Value::deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::List(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut entries = Vec::new();
        while let Some(Key(key)) = map.next_key()? {
            entries.push((key, map.next_value()?));
        }
        Ok(Value::Map(entries))
    }
}

/// A mapping key as written: read as a string, so that a key `y` or `on`
/// stays that text instead of becoming a YAML 1.1 boolean.
struct Key(String);

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_string(ValueVisitor)
            .map(|value| Key(value.into_key()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::design::read::parse_documents;

    #[test]
    fn documents_read_as_values_with_keys_as_text() {
        let documents: Vec<Value> =
            parse_documents("a: 1\nb: [x, true]\n---\n---\n8080: ~\n").unwrap();
        assert_eq!(documents.len(), 2);
        assert_eq!(documents[0].get("a"), Some(&Value::Integer(1)));
        assert_eq!(documents[0].get("b").unwrap().items().len(), 2);
        assert_eq!(documents[1].get("8080"), Some(&Value::Null));
    }

    #[test]
    fn merge_keys_are_expanded_and_keys_stay_text() {
        let documents: Vec<Value> =
            parse_documents("x: &base { image: redis }\ny:\n  <<: *base\n  ports: [1]\n").unwrap();
        assert_eq!(
            documents[0].text_at(&["y", "image"]),
            Some("redis"),
            "{documents:?}"
        );
    }
}
