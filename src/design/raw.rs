//! The design format exactly as written: the shape of the YAML, every key
//! that a finding may point at wrapped in [`Spanned`]. Values stay as text
//! here (quantities, enum keywords) so that `lower` can check all of them and
//! report every bad one, not only the first.

use std::fmt;
use std::marker::PhantomData;

use schemars::JsonSchema;
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};

use super::model::{
    Algorithm, CachePattern, CallMode, Consistency, Delivery, Eviction, Kind, Op, PartitionMode,
    ReadFrom, ReplicationMode, ShardStrategy,
};
use super::schema;
use serde_saphyr::Spanned;

/// A scalar whose meaning `lower` decides: a number, a string or a bool.
#[derive(Clone, Debug, PartialEq)]
pub enum Scalar {
    Number(f64),
    Text(String),
    Bool(bool),
}

impl Scalar {
    /// The text a quantity parser reads: numbers print as written.
    pub fn as_text(&self) -> Option<String> {
        match self {
            // `1e300` as written, not three hundred digits in a message.
            Scalar::Number(number) if number.abs() >= 1e16 => Some(format!("{number:e}")),
            Scalar::Number(number) => Some(number.to_string()),
            Scalar::Text(text) => Some(text.clone()),
            Scalar::Bool(_) => None,
        }
    }
}

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ScalarVisitor;
        impl Visitor<'_> for ScalarVisitor {
            type Value = Scalar;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number or a string")
            }
            fn visit_bool<E: de::Error>(self, value: bool) -> Result<Scalar, E> {
                Ok(Scalar::Bool(value))
            }
            fn visit_i64<E: de::Error>(self, value: i64) -> Result<Scalar, E> {
                Ok(Scalar::Number(value as f64))
            }
            fn visit_u64<E: de::Error>(self, value: u64) -> Result<Scalar, E> {
                Ok(Scalar::Number(value as f64))
            }
            fn visit_f64<E: de::Error>(self, value: f64) -> Result<Scalar, E> {
                Ok(Scalar::Number(value))
            }
            fn visit_str<E: de::Error>(self, value: &str) -> Result<Scalar, E> {
                Ok(Scalar::Text(value.to_string()))
            }
        }
        deserializer.deserialize_any(ScalarVisitor)
    }
}

/// A mapping from names to values that keeps the order and the span of every
/// name. Duplicate names never reach it: the reader refuses them first.
#[derive(Debug)]
pub struct NamedMap<T>(pub Vec<(Spanned<String>, T)>);

impl<T> Default for NamedMap<T> {
    fn default() -> Self {
        NamedMap(Vec::new())
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for NamedMap<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NamedMapVisitor<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for NamedMapVisitor<T> {
            type Value = NamedMap<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping of names")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0));
                while let Some(key) = map.next_key::<Spanned<String>>()? {
                    entries.push((key, map.next_value()?));
                }
                Ok(NamedMap(entries))
            }
        }
        deserializer.deserialize_map(NamedMapVisitor(PhantomData))
    }
}

/// An optional field with its place. Boxed, because most fields of a component
/// are left out and a present `Spanned` is about a hundred bytes: ten
/// thousand components would otherwise hold 30 MB of empty fields.
pub type S<T> = Option<Box<Spanned<T>>>;

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawDesign {
    #[schemars(with = "Option<schema::Version>")]
    pub version: S<Scalar>,
    #[schemars(with = "Option<String>")]
    pub name: S<String>,
    #[schemars(with = "Option<String>")]
    pub description: S<String>,
    #[schemars(with = "Option<RawRequirements>")]
    pub requirements: S<RawRequirements>,
    #[schemars(with = "Option<Vec<String>>")]
    pub zones: Option<Vec<Spanned<String>>>,
    #[schemars(with = "Option<std::collections::BTreeMap<String, Vec<String>>>")]
    pub regions: Option<NamedMap<Vec<Spanned<String>>>>,
    #[schemars(with = "Option<schema::Percent>")]
    pub zone_availability: S<Scalar>,
    #[schemars(with = "Option<schema::Percent>")]
    pub region_availability: S<Scalar>,
    #[schemars(with = "Option<std::collections::BTreeMap<String, RawOperation>>")]
    pub operations: S<NamedMap<Spanned<RawOperation>>>,
    /// Boxed: a raw component is about 3 KB, and ten thousand of them
    /// would otherwise be copied each time the list grows.
    #[schemars(with = "Option<schema::Components>")]
    pub components: S<NamedMap<Spanned<Box<RawComponent>>>>,
    #[schemars(with = "Option<Vec<RawSuppression>>")]
    pub allow: Option<Vec<Spanned<RawSuppression>>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRequirements {
    #[schemars(with = "Option<schema::Rate>")]
    pub peak_rps: S<Scalar>,
    #[schemars(with = "Option<RawWorkload>")]
    pub workload: S<RawWorkload>,
    #[schemars(with = "Option<RawLatencySlo>")]
    pub latency_slo: S<RawLatencySlo>,
    #[schemars(with = "Option<schema::Percent>")]
    pub availability_slo: S<Scalar>,
}

/// One kind of request the system serves.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawOperation {
    #[schemars(with = "Option<schema::ComponentName>")]
    pub client: S<String>,
    #[schemars(with = "Option<schema::Percent>")]
    pub share: S<Scalar>,
    #[schemars(with = "Option<schema::Rate>")]
    pub rps: S<Scalar>,
    #[schemars(with = "Option<RawLatencySlo>")]
    pub latency_slo: S<RawLatencySlo>,
    #[schemars(with = "Option<schema::Percent>")]
    pub availability_slo: S<Scalar>,
    #[schemars(with = "Option<String>")]
    pub description: S<String>,
}

/// One name or a list of names (`for: send` or `for: [send, history]`).
/// A single name has no place of its own: `lower` gives it the place of the
/// whole value.
#[derive(Debug, Default)]
pub struct Names(pub Vec<Spanned<String>>);

impl<'de> Deserialize<'de> for Names {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NamesVisitor;
        impl<'de> Visitor<'de> for NamesVisitor {
            type Value = Names;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a name or a list of names")
            }
            fn visit_str<E: de::Error>(self, value: &str) -> Result<Names, E> {
                let unknown = serde_saphyr::Location::UNKNOWN;
                Ok(Names(vec![Spanned::new(
                    value.to_string(),
                    unknown,
                    unknown,
                )]))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Names, A::Error> {
                let mut names = Vec::new();
                while let Some(name) = seq.next_element::<Spanned<String>>()? {
                    names.push(name);
                }
                Ok(Names(names))
            }
        }
        deserializer.deserialize_any(NamesVisitor)
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawLatencySlo {
    #[schemars(with = "Option<schema::Duration>")]
    pub p50: S<Scalar>,
    #[schemars(with = "Option<schema::Duration>")]
    pub p90: S<Scalar>,
    #[schemars(with = "Option<schema::Duration>")]
    pub p95: S<Scalar>,
    #[schemars(with = "Option<schema::Duration>")]
    pub p99: S<Scalar>,
    #[schemars(with = "Option<schema::Duration>")]
    pub p999: S<Scalar>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawWorkload {
    #[schemars(with = "Option<schema::Count>")]
    pub daily_active_users: S<Scalar>,
    #[schemars(with = "Option<schema::Count>")]
    pub requests_per_user_per_day: S<Scalar>,
    #[schemars(with = "Option<schema::Count>")]
    pub peak_factor: S<Scalar>,
    #[schemars(with = "Option<schema::Percent>")]
    pub read_ratio: S<Scalar>,
    #[schemars(with = "Option<schema::Count>")]
    pub reads_per_write: S<Scalar>,
    #[schemars(with = "Option<schema::Rate>")]
    pub reads: S<Scalar>,
    #[schemars(with = "Option<schema::Rate>")]
    pub writes: S<Scalar>,
    #[schemars(with = "Option<schema::Bytes>")]
    pub request_size: S<Scalar>,
    #[schemars(with = "Option<schema::Bytes>")]
    pub response_size: S<Scalar>,
    #[schemars(with = "Option<schema::Bytes>")]
    pub object_size: S<Scalar>,
    #[schemars(with = "Option<schema::Duration>")]
    pub retention: S<Scalar>,
    #[schemars(with = "Option<schema::Percent>")]
    pub cache_share: S<Scalar>,
}

/// Every field any kind may carry; `lower` refuses the ones that do not
/// belong to the component's kind.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawComponent {
    #[schemars(with = "Option<Kind>")]
    pub kind: S<String>,
    #[schemars(with = "Option<schema::WholeNumber>")]
    pub replicas: S<Scalar>,
    #[schemars(with = "Option<Vec<String>>")]
    pub zones: Option<Spanned<Vec<Spanned<String>>>>,
    #[schemars(with = "Option<schema::Rate>")]
    pub capacity: S<Scalar>,
    #[schemars(with = "Option<schema::Duration>")]
    pub latency: S<Scalar>,
    #[schemars(with = "Option<schema::WholeNumber>")]
    pub concurrency: S<Scalar>,
    #[schemars(with = "Option<schema::Percent>")]
    pub availability: S<Scalar>,
    #[schemars(with = "Option<String>")]
    pub engine: S<String>,
    #[schemars(with = "Option<bool>")]
    pub stateful: S<bool>,
    #[schemars(with = "Option<Vec<RawCall>>")]
    pub calls: Option<Vec<Spanned<RawCall>>>,
    #[schemars(with = "Option<Vec<RawSuppression>>")]
    pub allow: Option<Vec<Spanned<RawSuppression>>>,
    #[schemars(with = "Option<Vec<String>>")]
    pub tags: Option<Vec<Spanned<String>>>,
    // client
    #[schemars(with = "Option<schema::Rate>")]
    pub rps: S<Scalar>,
    #[schemars(with = "Option<schema::Count>")]
    pub connections: S<Scalar>,
    // load_balancer, gateway, service
    #[schemars(with = "Option<schema::Count>")]
    pub max_connections: S<Scalar>,
    // load_balancer
    #[schemars(with = "Option<Algorithm>")]
    pub algorithm: S<String>,
    // load_balancer, gateway
    #[schemars(with = "Option<bool>")]
    pub health_check: S<bool>,
    #[schemars(with = "Option<schema::Rate>")]
    pub rate_limit: S<Scalar>,
    // load_balancer, gateway, cdn
    #[schemars(with = "Option<bool>")]
    pub tls: S<bool>,
    // gateway, service
    #[schemars(with = "Option<bool>")]
    pub auth: S<bool>,
    // cache, cdn
    #[schemars(with = "Option<schema::Percent>")]
    pub hit_ratio: S<Scalar>,
    #[schemars(with = "Option<schema::ComponentName>")]
    pub backing: S<String>,
    #[schemars(with = "Option<schema::Duration>")]
    pub ttl: S<Scalar>,
    // cache
    #[schemars(with = "Option<CachePattern>")]
    pub pattern: S<String>,
    #[schemars(with = "Option<Eviction>")]
    pub eviction: S<String>,
    // queue
    #[schemars(with = "Option<schema::WholeNumber>")]
    pub partitions: S<Scalar>,
    #[schemars(with = "Option<schema::ComponentName>")]
    pub consumer: S<String>,
    #[schemars(with = "Option<schema::DeadLetter>")]
    pub dead_letter: S<Scalar>,
    #[schemars(with = "Option<Delivery>")]
    pub delivery: S<String>,
    // worker, service, external
    #[schemars(with = "Option<bool>")]
    pub idempotent: S<bool>,
    // stores
    #[schemars(with = "Option<Consistency>")]
    pub consistency: S<String>,
    #[schemars(with = "Option<PartitionMode>")]
    pub partition_mode: S<String>,
    #[schemars(with = "Option<RawReplication>")]
    pub replication: S<RawReplication>,
    #[schemars(with = "Option<RawSharding>")]
    pub sharding: S<RawSharding>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCall {
    #[schemars(with = "Option<schema::ComponentName>")]
    pub to: S<String>,
    #[schemars(with = "Option<schema::Count>")]
    pub per_request: S<Scalar>,
    #[schemars(with = "Option<CallMode>")]
    pub mode: S<String>,
    #[schemars(with = "Option<Op>")]
    pub op: S<String>,
    #[schemars(with = "Option<bool>")]
    pub parallel: S<bool>,
    #[schemars(with = "Option<schema::Duration>")]
    pub timeout: S<Scalar>,
    #[schemars(with = "Option<schema::WholeNumber>")]
    pub retries: S<Scalar>,
    #[schemars(with = "Option<bool>")]
    pub backoff: S<bool>,
    #[schemars(with = "Option<bool>")]
    pub circuit_breaker: S<bool>,
    #[schemars(with = "Option<bool>")]
    pub fallback: S<bool>,
    #[serde(rename = "for")]
    #[schemars(rename = "for", with = "Option<schema::OperationNames>")]
    pub for_operations: S<Names>,
    #[serde(rename = "as")]
    #[schemars(rename = "as", with = "Option<String>")]
    pub as_operation: S<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawReplication {
    #[schemars(with = "Option<schema::WholeNumber>")]
    pub factor: S<Scalar>,
    #[schemars(with = "Option<ReplicationMode>")]
    pub mode: S<String>,
    #[schemars(with = "Option<schema::WholeNumber>")]
    pub read_quorum: S<Scalar>,
    #[schemars(with = "Option<schema::WholeNumber>")]
    pub write_quorum: S<Scalar>,
    #[schemars(with = "Option<ReadFrom>")]
    pub read_from: S<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSharding {
    #[schemars(with = "Option<schema::WholeNumber>")]
    pub shards: S<Scalar>,
    #[schemars(with = "Option<String>")]
    pub key: S<String>,
    #[schemars(with = "Option<ShardStrategy>")]
    pub strategy: S<String>,
    #[schemars(with = "Option<schema::Percent>")]
    pub hot_key_share: S<Scalar>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSuppression {
    #[schemars(with = "Option<String>")]
    pub rule: S<String>,
    #[schemars(with = "Option<String>")]
    pub reason: S<String>,
    #[schemars(with = "Option<schema::Date>")]
    pub until: S<Scalar>,
}
