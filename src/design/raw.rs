//! The design format exactly as written: the shape of the YAML, every key
//! that a finding may point at wrapped in [`Spanned`]. Values stay as text
//! here (quantities, enum keywords) so that `lower` can check all of them and
//! report every bad one, not only the first.

use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
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

type S<T> = Option<Spanned<T>>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDesign {
    pub version: S<Scalar>,
    pub name: S<String>,
    pub description: S<String>,
    pub requirements: S<RawRequirements>,
    pub zones: Option<Vec<Spanned<String>>>,
    pub regions: Option<NamedMap<Vec<Spanned<String>>>>,
    pub components: S<NamedMap<Spanned<RawComponent>>>,
    pub allow: Option<Vec<Spanned<RawSuppression>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRequirements {
    pub peak_rps: S<Scalar>,
    pub workload: S<RawWorkload>,
    pub latency_slo: S<RawLatencySlo>,
    pub availability_slo: S<Scalar>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLatencySlo {
    pub p50: S<Scalar>,
    pub p90: S<Scalar>,
    pub p95: S<Scalar>,
    pub p99: S<Scalar>,
    pub p999: S<Scalar>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWorkload {
    pub daily_active_users: S<Scalar>,
    pub requests_per_user_per_day: S<Scalar>,
    pub peak_factor: S<Scalar>,
    pub read_ratio: S<Scalar>,
    pub reads_per_write: S<Scalar>,
    pub reads: S<Scalar>,
    pub writes: S<Scalar>,
    pub request_size: S<Scalar>,
    pub response_size: S<Scalar>,
    pub object_size: S<Scalar>,
    pub retention: S<Scalar>,
    pub cache_share: S<Scalar>,
}

/// Every field any kind may carry; `lower` refuses the ones that do not
/// belong to the component's kind.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawComponent {
    pub kind: S<String>,
    pub replicas: S<Scalar>,
    pub zones: Option<Spanned<Vec<Spanned<String>>>>,
    pub capacity: S<Scalar>,
    pub latency: S<Scalar>,
    pub concurrency: S<Scalar>,
    pub availability: S<Scalar>,
    pub engine: S<String>,
    pub stateful: S<bool>,
    pub calls: Option<Vec<Spanned<RawCall>>>,
    pub allow: Option<Vec<Spanned<RawSuppression>>>,
    pub tags: Option<Vec<Spanned<String>>>,
    // client
    pub rps: S<Scalar>,
    // load_balancer
    pub algorithm: S<String>,
    // load_balancer, gateway
    pub health_check: S<bool>,
    pub rate_limit: S<Scalar>,
    // load_balancer, gateway, cdn
    pub tls: S<bool>,
    // gateway, service
    pub auth: S<bool>,
    // cache, cdn
    pub hit_ratio: S<Scalar>,
    pub backing: S<String>,
    pub ttl: S<Scalar>,
    // cache
    pub pattern: S<String>,
    pub eviction: S<String>,
    // queue
    pub partitions: S<Scalar>,
    pub consumer: S<String>,
    pub dead_letter: S<Scalar>,
    pub delivery: S<String>,
    // worker, service
    pub idempotent: S<bool>,
    // stores
    pub consistency: S<String>,
    pub partition_mode: S<String>,
    pub replication: S<RawReplication>,
    pub sharding: S<RawSharding>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCall {
    pub to: S<String>,
    pub per_request: S<Scalar>,
    pub mode: S<String>,
    pub op: S<String>,
    pub parallel: S<bool>,
    pub timeout: S<Scalar>,
    pub retries: S<Scalar>,
    pub backoff: S<bool>,
    pub circuit_breaker: S<bool>,
    pub fallback: S<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawReplication {
    pub factor: S<Scalar>,
    pub mode: S<String>,
    pub read_quorum: S<Scalar>,
    pub write_quorum: S<Scalar>,
    pub read_from: S<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSharding {
    pub shards: S<Scalar>,
    pub key: S<String>,
    pub strategy: S<String>,
    pub hot_key_share: S<Scalar>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSuppression {
    pub rule: S<String>,
    pub reason: S<String>,
    pub until: S<Scalar>,
}
