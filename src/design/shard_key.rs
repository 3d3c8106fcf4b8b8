//! What a shard key's name says about its values: whether it only grows (a
//! time, a date, a sequence, an auto-increment id) or has few distinct
//! values (a country, a status). BP208 warns about both, and the capacity
//! model puts every write of a growing key under `range` on the newest
//! shard (capacity-model.md, section 3), so the warning and the numbers
//! tell one story.

/// Words that make a key monotonic: its new values always sort last.
const MONOTONIC: &[&str] = &[
    "time",
    "timestamp",
    "ts",
    "date",
    "datetime",
    "created",
    "updated",
    "at",
    "seq",
    "sequence",
    "serial",
    "increment",
    "autoincrement",
];

/// Words of fields with few distinct values.
const LOW_CARDINALITY: &[&str] = &[
    "country", "region", "status", "state", "type", "kind", "category", "language", "lang",
    "locale", "currency", "gender", "flag", "bool", "enabled", "active", "tier", "level",
];

/// The words of a key name: `createdAt`, `created_at` and `created-at` are
/// all `created`, `at`.
pub fn words(key: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    for c in key.chars() {
        let boundary = c == '_' || c == '-' || c == '.' || c.is_uppercase();
        if boundary && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        if c.is_alphanumeric() {
            current.push(c.to_ascii_lowercase());
        }
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// Whether the key's new values always sort after the old ones.
pub fn grows(key: &str) -> bool {
    let words = words(key);
    words == ["id"]
        || words.iter().any(|w| w.starts_with("auto"))
        || words.iter().any(|w| MONOTONIC.contains(&w.as_str()))
}

/// Whether the key has few distinct values.
pub fn few_values(key: &str) -> bool {
    let words = words(key);
    words
        .iter()
        .any(|w| LOW_CARDINALITY.contains(&w.as_str()) || w.starts_with("is"))
        && words.len() <= 2
}
