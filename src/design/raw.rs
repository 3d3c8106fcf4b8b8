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

/// Reads a [`Scalar`]; [`RawLatency`] hands it its scalars too.
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

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
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
    /// The format version; only `1` today. Required.
    #[schemars(with = "Option<schema::Version>")]
    pub version: S<Scalar>,
    /// The design's title. Required.
    #[schemars(with = "Option<String>")]
    pub name: S<String>,
    /// Free text about the system: what it does, for whom.
    #[schemars(with = "Option<String>")]
    pub description: S<String>,
    /// The load at peak and the targets every operation must meet unless it sets its own.
    #[schemars(with = "Option<RawRequirements>")]
    pub requirements: S<RawRequirements>,
    /// The availability zones replicas may be placed in (`[az1, az2, az3]`). Without zones the design is one zone.
    #[schemars(with = "Option<Vec<String>>")]
    pub zones: Option<Vec<Spanned<String>>>,
    /// Optional grouping of zones into regions: region name -> its zones.
    #[schemars(with = "Option<std::collections::BTreeMap<String, Vec<String>>>")]
    pub regions: Option<NamedMap<Vec<Spanned<String>>>>,
    /// The chance that one zone is up (99.95% when not given); a zone fails whole.
    #[schemars(with = "Option<schema::Percent>")]
    pub zone_availability: S<Scalar>,
    /// The chance that one region is up (99.99% when not given).
    #[schemars(with = "Option<schema::Percent>")]
    pub region_availability: S<Scalar>,
    /// The kinds of request the system serves, by name, each with its
    /// share of the load and its own targets; without it, one per client.
    #[schemars(with = "Option<std::collections::BTreeMap<String, RawOperation>>")]
    pub operations: S<NamedMap<Spanned<RawOperation>>>,
    // Boxed: a raw component is about 3 KB, and ten thousand of them
    // would otherwise be copied each time the list grows.
    /// The parts of the system: name (`[a-z0-9_-]+`) -> component. Required.
    #[schemars(with = "Option<schema::Components>")]
    pub components: S<NamedMap<Spanned<Box<RawComponent>>>>,
    /// Findings accepted for the whole design, each with a rule and a reason.
    #[schemars(with = "Option<Vec<RawSuppression>>")]
    pub allow: Option<Vec<Spanned<RawSuppression>>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRequirements {
    /// Requests per second arriving at the entry at peak (`15k/s`); derived from `workload` when absent.
    #[schemars(with = "Option<schema::Rate>")]
    pub peak_rps: S<Scalar>,
    /// Back-of-the-envelope inputs (users, requests per user, read/write mix, sizes) from which the peak load is derived.
    #[schemars(with = "Option<RawWorkload>")]
    pub workload: S<RawWorkload>,
    /// End-to-end latency targets by percentile (`{ p99: 200ms }`).
    #[schemars(with = "Option<RawLatencySlo>")]
    pub latency_slo: S<RawLatencySlo>,
    /// The availability every operation must reach (`99.9%`).
    #[schemars(with = "Option<schema::Percent>")]
    pub availability_slo: S<Scalar>,
}

/// One kind of request the system serves.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawOperation {
    /// The client (a `client` component) where the operation enters;
    /// required when the design has several clients. An operation with
    /// neither `share` nor `rps` is internal, reached only through a call's
    /// `as`.
    #[schemars(with = "Option<schema::ComponentName>")]
    pub client: S<String>,
    /// The operation's part of its client's load, 0..1; the shares of one
    /// client add up to 1.
    #[schemars(with = "Option<schema::Percent>")]
    pub share: S<Scalar>,
    /// The operation's load, instead of `share`.
    #[schemars(with = "Option<schema::Rate>")]
    pub rps: S<Scalar>,
    /// This operation's own latency targets, instead of the design's.
    #[schemars(with = "Option<RawLatencySlo>")]
    pub latency_slo: S<RawLatencySlo>,
    /// This operation's own availability target, instead of the design's.
    #[schemars(with = "Option<schema::Percent>")]
    pub availability_slo: S<Scalar>,
    /// Free text.
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
    /// The median response time the operation must stay under.
    #[schemars(with = "Option<schema::Duration>")]
    pub p50: S<Scalar>,
    /// The 90th percentile target.
    #[schemars(with = "Option<schema::Duration>")]
    pub p90: S<Scalar>,
    /// The 95th percentile target.
    #[schemars(with = "Option<schema::Duration>")]
    pub p95: S<Scalar>,
    /// The 99th percentile target.
    #[schemars(with = "Option<schema::Duration>")]
    pub p99: S<Scalar>,
    /// The 99.9th percentile target.
    #[schemars(with = "Option<schema::Duration>")]
    pub p999: S<Scalar>,
}

/// A component's `latency`: a mean, or percentiles as measured.
#[derive(Debug)]
pub enum RawLatency {
    Mean(Scalar),
    Percentiles(RawMeasuredLatency),
}

impl<'de> Deserialize<'de> for RawLatency {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct LatencyVisitor;
        impl<'de> Visitor<'de> for LatencyVisitor {
            type Value = RawLatency;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a duration or percentiles such as { p50: 4ms, p99: 40ms }")
            }
            fn visit_bool<E: de::Error>(self, value: bool) -> Result<RawLatency, E> {
                ScalarVisitor.visit_bool(value).map(RawLatency::Mean)
            }
            fn visit_i64<E: de::Error>(self, value: i64) -> Result<RawLatency, E> {
                ScalarVisitor.visit_i64(value).map(RawLatency::Mean)
            }
            fn visit_u64<E: de::Error>(self, value: u64) -> Result<RawLatency, E> {
                ScalarVisitor.visit_u64(value).map(RawLatency::Mean)
            }
            fn visit_f64<E: de::Error>(self, value: f64) -> Result<RawLatency, E> {
                ScalarVisitor.visit_f64(value).map(RawLatency::Mean)
            }
            fn visit_str<E: de::Error>(self, value: &str) -> Result<RawLatency, E> {
                ScalarVisitor.visit_str(value).map(RawLatency::Mean)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawLatency, A::Error> {
                RawMeasuredLatency::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(RawLatency::Percentiles)
            }
        }
        deserializer.deserialize_any(LatencyVisitor)
    }
}

/// A service time's percentiles as measured (when idle); at least two, increasing.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawMeasuredLatency {
    /// The median service time.
    #[schemars(with = "Option<schema::Duration>")]
    pub p50: S<Scalar>,
    /// The 90th percentile.
    #[schemars(with = "Option<schema::Duration>")]
    pub p90: S<Scalar>,
    /// The 95th percentile.
    #[schemars(with = "Option<schema::Duration>")]
    pub p95: S<Scalar>,
    /// The 99th percentile.
    #[schemars(with = "Option<schema::Duration>")]
    pub p99: S<Scalar>,
    /// The 99.9th percentile.
    #[schemars(with = "Option<schema::Duration>")]
    pub p999: S<Scalar>,
}

/// How a client's requests arrive.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawArrivals {
    /// The squared coefficient of variation of the gaps between requests, above 0: 1 is Poisson (the default), above 1 bursty (4: flash crowds, batch jobs), below 1 smoother than Poisson.
    #[schemars(with = "Option<schema::Count>")]
    pub burstiness: S<Scalar>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawWorkload {
    /// Users active on a day (`50M`).
    #[schemars(with = "Option<schema::Count>")]
    pub daily_active_users: S<Scalar>,
    /// Requests each active user makes in a day.
    #[schemars(with = "Option<schema::Count>")]
    pub requests_per_user_per_day: S<Scalar>,
    /// Peak load over the day's average (2 when not given).
    #[schemars(with = "Option<schema::Count>")]
    pub peak_factor: S<Scalar>,
    /// Share of requests that are reads, 0..1 (0.5 when not given).
    #[schemars(with = "Option<schema::Percent>")]
    pub read_ratio: S<Scalar>,
    /// Reads for every write, instead of `read_ratio`.
    #[schemars(with = "Option<schema::Count>")]
    pub reads_per_write: S<Scalar>,
    /// Reads as a rate (`100M/month`), with `writes`, instead of users and requests per user.
    #[schemars(with = "Option<schema::Rate>")]
    pub reads: S<Scalar>,
    /// Writes as a rate (`10M/month`), with `reads`.
    #[schemars(with = "Option<schema::Rate>")]
    pub writes: S<Scalar>,
    /// Bytes sent with one request.
    #[schemars(with = "Option<schema::Bytes>")]
    pub request_size: S<Scalar>,
    /// Bytes returned by one request.
    #[schemars(with = "Option<schema::Bytes>")]
    pub response_size: S<Scalar>,
    /// Bytes stored by one write.
    #[schemars(with = "Option<schema::Bytes>")]
    pub object_size: S<Scalar>,
    /// How long written objects are kept (`5y`).
    #[schemars(with = "Option<schema::Duration>")]
    pub retention: S<Scalar>,
    /// Share of a day's read objects worth caching, 0..1 (0.2 when not given, the 80/20 rule).
    #[schemars(with = "Option<schema::Percent>")]
    pub cache_share: S<Scalar>,
}

// Every field any kind may carry; `lower` refuses the ones that do not
// belong to the component's kind (and the schema says which per kind).
/// A part of the system; which keys apply depends on its `kind`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawComponent {
    /// What the component is: client, cdn, dns, load_balancer, gateway, service, worker, cache, queue, database, object_store, search or external. Required.
    #[schemars(with = "Option<Kind>")]
    pub kind: S<String>,
    /// Instances of the component (for a database: nodes); 1 when not given.
    #[schemars(with = "Option<schema::WholeNumber>")]
    pub replicas: S<Scalar>,
    /// The zones its replicas run in, spread round-robin in the order given.
    #[schemars(with = "Option<Vec<String>>")]
    pub zones: Option<Spanned<Vec<Spanned<String>>>>,
    /// The most requests per second one replica sustains (`2k/s`).
    #[schemars(with = "Option<schema::Rate>")]
    pub capacity: S<Scalar>,
    /// Time one replica spends on one request when idle (its service time): a mean (`5ms`), taken as exponential, or percentiles as measured (`{ p50: 4ms, p99: 40ms }`, at least two), fitted by a lognormal.
    #[schemars(with = "Option<schema::ServiceLatency>")]
    pub latency: S<RawLatency>,
    /// Requests one replica serves at once (threads, workers, connections).
    #[schemars(with = "Option<schema::WholeNumber>")]
    pub concurrency: S<Scalar>,
    /// The chance that one replica is up (99.9% when not given).
    #[schemars(with = "Option<schema::Percent>")]
    pub availability: S<Scalar>,
    /// The product behind it (`redis`, `postgres`, `kafka`...).
    #[schemars(with = "Option<String>")]
    pub engine: S<String>,
    /// Whether a replica keeps state another replica cannot serve.
    #[schemars(with = "Option<bool>")]
    pub stateful: S<bool>,
    /// What this component calls for each request it serves.
    #[schemars(with = "Option<Vec<RawCall>>")]
    pub calls: Option<Vec<Spanned<RawCall>>>,
    /// Findings accepted for this component, each with a rule and a reason.
    #[schemars(with = "Option<Vec<RawSuppression>>")]
    pub allow: Option<Vec<Spanned<RawSuppression>>>,
    /// Free labels (`payments`, `public`); some rules read them.
    #[schemars(with = "Option<Vec<String>>")]
    pub tags: Option<Vec<Spanned<String>>>,
    /// Every kind but a client: what one replica costs to run, per hour, day, month or year (`0.12/h`, `90/month`; a month is 730 hours; no currency sign). `estimate`, `report`, `diff` and `size` then show the monthly cost.
    #[schemars(with = "Option<schema::Cost>")]
    pub cost: S<Scalar>,
    // client
    /// Client only: the load this client sends at peak (`40k/s`).
    #[schemars(with = "Option<schema::Rate>")]
    pub rps: S<Scalar>,
    /// Client only: connections the clients hold open at peak (WebSockets, MQTT, long polls).
    #[schemars(with = "Option<schema::Count>")]
    pub connections: S<Scalar>,
    /// Client only: how its requests arrive (`{ burstiness: 4 }`); Poisson when not given.
    #[schemars(with = "Option<RawArrivals>")]
    pub arrivals: S<RawArrivals>,
    /// Client only: a closed population instead of `rps`: this many users
    /// (or pooled connections, or jobs in circulation), each sending one
    /// request, waiting for its answer and thinking for `think_time` before
    /// the next. The rate follows from the design (Mean Value Analysis).
    #[schemars(with = "Option<schema::WholeNumber>")]
    pub users: S<Scalar>,
    /// Client only, with `users`: the mean time a user waits between an
    /// answer and its next request (`5s`); 0 when not given.
    #[schemars(with = "Option<schema::Duration>")]
    pub think_time: S<Scalar>,
    // load_balancer, gateway, service
    /// Load balancer, gateway or service: the most open connections one replica holds.
    #[schemars(with = "Option<schema::Count>")]
    pub max_connections: S<Scalar>,
    // load_balancer
    /// Load balancer only: how requests are spread over the replicas it calls.
    #[schemars(with = "Option<Algorithm>")]
    pub algorithm: S<String>,
    // load_balancer, gateway
    /// Load balancer or gateway: removes failed replicas of what it calls.
    #[schemars(with = "Option<bool>")]
    pub health_check: S<bool>,
    /// Load balancer or gateway: the most requests per second one replica accepts.
    #[schemars(with = "Option<schema::Rate>")]
    pub rate_limit: S<Scalar>,
    // load_balancer, gateway, cdn
    /// Load balancer, gateway or CDN: terminates TLS.
    #[schemars(with = "Option<bool>")]
    pub tls: S<bool>,
    // gateway, service
    /// Gateway or service: authenticates its callers.
    #[schemars(with = "Option<bool>")]
    pub auth: S<bool>,
    // cache, cdn
    /// Cache or CDN: share of reads served without the backing store, 0..1.
    #[schemars(with = "Option<schema::Percent>")]
    pub hit_ratio: S<Scalar>,
    /// Cache or CDN: the component misses (and write-through writes) go to.
    #[schemars(with = "Option<schema::ComponentName>")]
    pub backing: S<String>,
    /// Cache or CDN: how long an entry lives (`10min`).
    #[schemars(with = "Option<schema::Duration>")]
    pub ttl: S<Scalar>,
    // cache
    /// Cache only: how it is kept filled (cache_aside when not given).
    #[schemars(with = "Option<CachePattern>")]
    pub pattern: S<String>,
    /// Cache only: what it drops when full.
    #[schemars(with = "Option<Eviction>")]
    pub eviction: S<String>,
    // queue
    /// Queue only: the most consumers that can read in parallel.
    #[schemars(with = "Option<schema::WholeNumber>")]
    pub partitions: S<Scalar>,
    /// Queue only: the worker that consumes its messages.
    #[schemars(with = "Option<schema::ComponentName>")]
    pub consumer: S<String>,
    /// Queue only: `true`, or the queue poison messages go to.
    #[schemars(with = "Option<schema::DeadLetter>")]
    pub dead_letter: S<Scalar>,
    /// Queue only: the delivery guarantee to consumers.
    #[schemars(with = "Option<Delivery>")]
    pub delivery: S<String>,
    // worker, service, external
    /// Worker, service or external: handling a request or message twice is safe (for an external: the provider deduplicates, e.g. by an idempotency key).
    #[schemars(with = "Option<bool>")]
    pub idempotent: S<bool>,
    // stores
    /// Database, cache, search or object store: what readers are promised.
    #[schemars(with = "Option<Consistency>")]
    pub consistency: S<String>,
    /// Database, cache, search or object store: what it gives up in a network partition (`cp` refuses, `ap` keeps accepting).
    #[schemars(with = "Option<PartitionMode>")]
    pub partition_mode: S<String>,
    /// Database only: copies of each record and how writes and reads wait for them.
    #[schemars(with = "Option<RawReplication>")]
    pub replication: S<RawReplication>,
    /// Database, cache or search: how records are split over shards.
    #[schemars(with = "Option<RawSharding>")]
    pub sharding: S<RawSharding>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCall {
    /// The component called. Required.
    #[schemars(with = "Option<schema::ComponentName>")]
    pub to: S<String>,
    /// Mean calls per request the caller serves: a fan-out above 1, a share of requests below 1 (1 when not given).
    #[schemars(with = "Option<schema::Count>")]
    pub per_request: S<Scalar>,
    /// `sync` (the caller waits) or `async` (it does not); async when calling a queue.
    #[schemars(with = "Option<CallMode>")]
    pub mode: S<String>,
    /// What the call does to the callee's data: `read` (the default) or `write`.
    #[schemars(with = "Option<Op>")]
    pub op: S<String>,
    /// Calls with `per_request` above 1 go out at once, the caller waiting for the slowest.
    #[schemars(with = "Option<bool>")]
    pub parallel: S<bool>,
    /// How long the caller waits for one attempt (`200ms`).
    #[schemars(with = "Option<schema::Duration>")]
    pub timeout: S<Scalar>,
    /// Attempts after the first when one fails or times out (0 when not given).
    #[schemars(with = "Option<schema::WholeNumber>")]
    pub retries: S<Scalar>,
    /// Retries wait with exponential backoff and jitter.
    #[schemars(with = "Option<bool>")]
    pub backoff: S<bool>,
    /// The caller stops calling a failing callee for a while.
    #[schemars(with = "Option<bool>")]
    pub circuit_breaker: S<bool>,
    /// The caller can answer without the callee.
    #[schemars(with = "Option<bool>")]
    pub fallback: S<bool>,
    /// The operations this call is made for (a name or a list); without
    /// it, the call is made for every operation.
    #[serde(rename = "for")]
    #[schemars(rename = "for", with = "Option<schema::OperationNames>")]
    pub for_operations: S<Names>,
    /// The operation the callee serves this call as (a push, a callback),
    /// instead of the caller's.
    #[serde(rename = "as")]
    #[schemars(rename = "as", with = "Option<String>")]
    pub as_operation: S<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawReplication {
    /// Copies of each record.
    #[schemars(with = "Option<schema::WholeNumber>")]
    pub factor: S<Scalar>,
    /// How a write waits for its copies: sync, semi_sync, async or quorum.
    #[schemars(with = "Option<ReplicationMode>")]
    pub mode: S<String>,
    /// Copies a read waits for (quorum mode).
    #[schemars(with = "Option<schema::WholeNumber>")]
    pub read_quorum: S<Scalar>,
    /// Copies a write waits for (quorum mode).
    #[schemars(with = "Option<schema::WholeNumber>")]
    pub write_quorum: S<Scalar>,
    /// Where reads go: the primary, the replicas, or any copy.
    #[schemars(with = "Option<ReadFrom>")]
    pub read_from: S<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSharding {
    /// Shards the records are split over (the node count divided by the replication factor when not given).
    #[schemars(with = "Option<schema::WholeNumber>")]
    pub shards: S<Scalar>,
    /// The field records are sharded by (`user_id`).
    #[schemars(with = "Option<String>")]
    pub key: S<String>,
    /// How keys map to shards: hash, range, consistent_hash or directory.
    #[schemars(with = "Option<ShardStrategy>")]
    pub strategy: S<String>,
    /// Share of the load on the hottest key, 0..1.
    #[schemars(with = "Option<schema::Percent>")]
    pub hot_key_share: S<Scalar>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSuppression {
    /// The rule accepted: a code (`BP101`) or a name (`single-replica`).
    #[schemars(with = "Option<String>")]
    pub rule: S<String>,
    /// Why the finding is accepted; a suppression without one is itself a finding.
    #[schemars(with = "Option<String>")]
    pub reason: S<String>,
    /// A date (`2027-03-31`) after which the acceptance lapses.
    #[schemars(with = "Option<schema::Date>")]
    pub until: S<Scalar>,
}
