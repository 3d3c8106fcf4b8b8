//! The design after checking: every quantity in base units, every name
//! resolved to an index, defaults applied. Everything downstream (graph,
//! rules, capacity model, renderers) reads this and never the YAML.

use super::shape::ServiceShape;
use crate::diagnostic::Span;

/// A value and where the design gave it.
#[derive(Clone, Debug, PartialEq)]
pub struct Located<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Located<T> {
    pub fn new(value: T, span: Span) -> Self {
        Located { value, span }
    }
}

/// Declares a keyword enum: the YAML spelling of each variant, the list of
/// spellings for error messages, and parsing.
macro_rules! keywords {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl $name {
            /// Every spelling the format accepts, in the order of the spec.
            pub const NAMES: &'static [&'static str] = &[$($text),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn from_name(text: &str) -> Option<Self> {
                match text { $($text => Some($name::$variant),)+ _ => None }
            }
        }

        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({ "type": "string", "enum": $name::NAMES })
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

keywords!(
    /// What a component is; it decides which fields it may carry.
    Kind {
        Client = "client",
        Cdn = "cdn",
        Dns = "dns",
        LoadBalancer = "load_balancer",
        Gateway = "gateway",
        Service = "service",
        Worker = "worker",
        Cache = "cache",
        Queue = "queue",
        Database = "database",
        ObjectStore = "object_store",
        Search = "search",
        External = "external",
    }
);

impl Kind {
    /// Kinds that hold data: consistency and partition mode apply to them.
    pub fn is_store(self) -> bool {
        matches!(
            self,
            Kind::Database | Kind::Cache | Kind::Search | Kind::ObjectStore
        )
    }

    /// Kinds whose replicas keep no state unless the design says so.
    pub fn stateless_by_default(self) -> bool {
        matches!(
            self,
            Kind::Service | Kind::Worker | Kind::Gateway | Kind::LoadBalancer
        )
    }
}

keywords!(Algorithm {
    RoundRobin = "round_robin",
    LeastConnections = "least_connections",
    IpHash = "ip_hash",
    Random = "random",
    Weighted = "weighted",
});

keywords!(CachePattern {
    CacheAside = "cache_aside",
    ReadThrough = "read_through",
    WriteThrough = "write_through",
    WriteBehind = "write_behind",
});

keywords!(Eviction {
    Lru = "lru",
    Lfu = "lfu",
    Fifo = "fifo",
    Random = "random",
    Ttl = "ttl",
    None = "none",
});

keywords!(Delivery {
    AtMostOnce = "at_most_once",
    AtLeastOnce = "at_least_once",
    ExactlyOnce = "exactly_once",
});

keywords!(Consistency {
    Strong = "strong",
    BoundedStaleness = "bounded_staleness",
    Session = "session",
    ReadYourWrites = "read_your_writes",
    Eventual = "eventual",
});

keywords!(PartitionMode { Cp = "cp", Ap = "ap" });

keywords!(ReplicationMode {
    Sync = "sync",
    SemiSync = "semi_sync",
    Async = "async",
    Quorum = "quorum",
});

keywords!(ReadFrom {
    Primary = "primary",
    Replicas = "replicas",
    Any = "any",
});

keywords!(ShardStrategy {
    Hash = "hash",
    Range = "range",
    ConsistentHash = "consistent_hash",
    Directory = "directory",
});

keywords!(CallMode { Sync = "sync", Async = "async" });

keywords!(Op { Read = "read", Write = "write" });

/// Index of a component in [`Design::components`].
pub type ComponentId = usize;
/// Index of a zone in [`Design::zones`].
pub type ZoneId = usize;
/// Index of an operation in [`Design::operations`].
pub type OperationId = usize;

/// The chance that a zone is up unless the design says otherwise.
pub const DEFAULT_ZONE_AVAILABILITY: f64 = 0.9995;
/// The chance that a region is up unless the design says otherwise.
pub const DEFAULT_REGION_AVAILABILITY: f64 = 0.9999;

#[derive(Clone, Debug)]
pub struct Design {
    pub name: Located<String>,
    pub description: Option<String>,
    pub requirements: Requirements,
    pub zones: Vec<Located<String>>,
    pub regions: Vec<Region>,
    /// The chance that one zone is up.
    pub zone_availability: f64,
    /// The chance that one region is up.
    pub region_availability: f64,
    /// The operations the design declares, in file order (none when it
    /// declares none: each client then has one implicit operation).
    pub operations: Vec<Operation>,
    pub components: Vec<Component>,
    pub allow: Vec<Suppression>,
    /// Top-level fields the design leaves out, whose defaults apply
    /// (`zone_availability`, `region_availability`): see `assumptions`.
    pub assumed: Vec<&'static str>,
}

impl Design {
    pub fn component_named(&self, name: &str) -> Option<ComponentId> {
        self.components.iter().position(|c| c.name.value == name)
    }

    /// The load a client sends at peak when the design says so: its own
    /// `rps`, or the sum of its operations' `rps`.
    pub fn client_rps(&self, client: ComponentId) -> Option<f64> {
        if let Some(rps) = &self.components[client].rps {
            return Some(rps.value);
        }
        let mut total = None;
        for operation in &self.operations {
            if let (Some(entry), Some(rate)) = (&operation.client, &operation.rate)
                && entry.value == client
                && let OperationRate::Rps(rps) = rate.value
            {
                *total.get_or_insert(0.0) += rps;
            }
        }
        total
    }
}

/// How much load an operation takes at its client.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum OperationRate {
    /// A fraction of the client's load.
    Share(f64),
    /// Requests per second.
    Rps(f64),
}

/// A kind of request the system serves (design-format.md, Operations).
#[derive(Clone, Debug)]
pub struct Operation {
    pub name: Located<String>,
    /// Where it enters; none for an internal operation, reached only
    /// through a call's `as:`.
    pub client: Option<Located<ComponentId>>,
    /// Its part of the client's load; none for an internal operation.
    pub rate: Option<Located<OperationRate>>,
    /// Its own targets; empty when it has none (the design's apply).
    pub latency_slo: Vec<LatencyTarget>,
    pub availability_slo: Option<Located<f64>>,
    pub description: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Region {
    pub name: Located<String>,
    pub zones: Vec<ZoneId>,
}

#[derive(Clone, Debug, Default)]
pub struct Requirements {
    pub peak_rps: Option<Located<f64>>,
    pub workload: Option<Located<Workload>>,
    pub latency_slo: Vec<LatencyTarget>,
    pub availability_slo: Option<Located<f64>>,
}

/// One end-to-end latency target, such as p99 <= 250ms.
#[derive(Clone, Debug, PartialEq)]
pub struct LatencyTarget {
    /// The quantile as a fraction: 0.99 for p99.
    pub quantile: f64,
    pub label: &'static str,
    pub seconds: Located<f64>,
}

/// How the daily traffic is given: per user, or as totals.
#[derive(Clone, Debug, PartialEq)]
pub enum Traffic {
    PerUser {
        requests_per_user_per_day: f64,
        /// Share of requests that are reads.
        read_ratio: f64,
    },
    /// Reads and writes per second, averaged over the day.
    Totals { read_rps: f64, write_rps: f64 },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Workload {
    pub daily_active_users: Option<f64>,
    pub traffic: Traffic,
    pub peak_factor: f64,
    pub request_size: Option<f64>,
    pub response_size: Option<f64>,
    pub object_size: Option<f64>,
    /// Seconds.
    pub retention: Option<f64>,
    pub cache_share: f64,
}

/// Service figures of one replica: `capacity = concurrency / latency`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ServiceModel {
    /// Requests per second one replica sustains.
    pub capacity: f64,
    /// Mean service time of one request, in seconds.
    pub latency: f64,
    /// Requests one replica serves at once.
    pub concurrency: u32,
    /// The distribution of the service time around `latency`, its mean:
    /// exponential unless `latency` gives measured percentiles.
    pub shape: ServiceShape,
}

#[derive(Clone, Debug)]
pub struct Component {
    pub name: Located<String>,
    pub kind: Located<Kind>,
    pub replicas: Option<Located<u32>>,
    pub zones: Option<Located<Vec<ZoneId>>>,
    /// None when the design gives none of capacity, latency, concurrency.
    pub service: Option<ServiceModel>,
    /// Where capacity, latency or concurrency was given (the first of them).
    pub service_span: Option<Span>,
    /// `latency` as written: what the design claims one request takes
    /// (the model's service time may differ, with whole servers).
    pub written_latency: Option<Located<f64>>,
    pub availability: f64,
    pub engine: Option<String>,
    pub stateful: bool,
    pub calls: Vec<Call>,
    pub allow: Vec<Suppression>,
    pub tags: Vec<String>,
    /// What one replica costs a month (of `quantity::HOURS_PER_MONTH`
    /// hours).
    pub cost: Option<Located<f64>>,
    pub rps: Option<Located<f64>>,
    /// Long-lived connections a client holds open at peak.
    pub connections: Option<Located<f64>>,
    /// A client's `arrivals.burstiness`: the squared coefficient of
    /// variation of the gaps between its requests (1, Poisson, when not
    /// given).
    pub burstiness: Option<Located<f64>>,
    /// A closed client's population (design-format.md, Closed workloads).
    pub users: Option<Located<u32>>,
    /// A closed client's mean think time, seconds.
    pub think_time: Option<Located<f64>>,
    /// The most open connections one replica holds.
    pub max_connections: Option<Located<f64>>,
    pub algorithm: Option<Located<Algorithm>>,
    pub health_check: Option<Located<bool>>,
    pub tls: Option<Located<bool>>,
    pub rate_limit: Option<Located<f64>>,
    pub auth: Option<Located<bool>>,
    pub hit_ratio: Option<Located<f64>>,
    pub backing: Option<Located<ComponentId>>,
    pub pattern: Option<Located<CachePattern>>,
    pub eviction: Option<Located<Eviction>>,
    pub ttl: Option<Located<f64>>,
    pub partitions: Option<Located<u32>>,
    pub consumer: Option<Located<ComponentId>>,
    pub dead_letter: Option<Located<DeadLetter>>,
    pub delivery: Option<Located<Delivery>>,
    pub idempotent: Option<Located<bool>>,
    pub consistency: Option<Located<Consistency>>,
    pub partition_mode: Option<Located<PartitionMode>>,
    pub replication: Option<Located<Replication>>,
    /// Boxed: few components shard, and a sharding is the largest field.
    pub sharding: Option<Box<Located<Sharding>>>,
    /// Fields the design leaves out whose value the tool assumes or derives
    /// (`availability`, and those of `capacity`, `latency`, `concurrency`
    /// that are not given): see `assumptions`.
    pub assumed: Vec<&'static str>,
}

impl Component {
    /// A client with a closed population (`users`): its rate is solved,
    /// not given.
    pub fn is_closed(&self) -> bool {
        self.users.is_some()
    }

    pub fn name(&self) -> &str {
        &self.name.value
    }

    pub fn kind(&self) -> Kind {
        self.kind.value
    }

    pub fn replica_count(&self) -> u32 {
        self.replicas.as_ref().map_or(1, |r| r.value)
    }

    /// The span a finding about the replica count points at: the
    /// `replicas` value, or the component's name when it is left at 1.
    pub fn replicas_span(&self) -> Span {
        self.replicas.as_ref().map_or(self.name.span, |r| r.span)
    }

    pub fn zone_ids(&self) -> &[ZoneId] {
        self.zones.as_ref().map_or(&[], |z| &z.value)
    }

    /// How many of the first `replicas` replicas run in each zone, spread
    /// round-robin over `zones`, sorted by zone; empty when the component
    /// names no zones. Work grows with the zones, not the replicas.
    pub fn replicas_per_zone(&self, replicas: u32) -> Vec<(ZoneId, u32)> {
        let zones = self.zone_ids();
        if zones.is_empty() {
            return Vec::new();
        }
        let whole = replicas / zones.len() as u32;
        let extra = replicas as usize % zones.len();
        let mut placed: Vec<(ZoneId, u32)> = zones
            .iter()
            .enumerate()
            .map(|(position, &zone)| (zone, whole + u32::from(position < extra)))
            .collect();
        // A zone listed twice gets both shares: sorted, then merged, so
        // that a list of thousands of zones costs no more than sorting it.
        placed.sort_by_key(|(zone, _)| *zone);
        let mut counts: Vec<(ZoneId, u32)> = Vec::with_capacity(placed.len());
        for (zone, count) in placed {
            match counts.last_mut() {
                Some((last, total)) if *last == zone => *total += count,
                _ => counts.push((zone, count)),
            }
        }
        counts
    }

    /// The zone each replica runs in, spread round-robin over `zones`.
    pub fn replica_zones(&self) -> impl Iterator<Item = ZoneId> + '_ {
        let zones = self.zone_ids();
        (0..self.replica_count() as usize)
            .filter(move |_| !zones.is_empty())
            .map(move |replica| zones[replica % zones.len()])
    }

    /// How many replicas [`Component::replica_zones`] places in `zone`,
    /// counted per place in the zone list rather than per replica (the
    /// replica at place `p` and every `zones.len()`-th after it), so the
    /// work does not grow with the number of replicas.
    pub fn replicas_in_zone(&self, zone: ZoneId) -> u32 {
        let zones = self.zone_ids();
        let replicas = self.replica_count() as usize;
        zones
            .iter()
            .enumerate()
            .filter(|&(place, &z)| z == zone && place < replicas)
            .map(|(place, _)| ((replicas - 1 - place) / zones.len() + 1) as u32)
            .sum()
    }

    pub fn flag(&self, field: &Option<Located<bool>>) -> bool {
        field.as_ref().is_some_and(|f| f.value)
    }

    pub fn cache_pattern(&self) -> CachePattern {
        self.pattern
            .as_ref()
            .map_or(CachePattern::CacheAside, |p| p.value)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum DeadLetter {
    Enabled(bool),
    To(ComponentId),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    /// Span of the whole call entry.
    pub span: Span,
    pub to: Located<ComponentId>,
    pub per_request: f64,
    pub mode: CallMode,
    pub op: Op,
    pub parallel: bool,
    pub timeout: Option<Located<f64>>,
    pub retries: Option<Located<u32>>,
    pub backoff: bool,
    pub circuit_breaker: bool,
    pub fallback: bool,
    /// The operations this call is made for; empty for every operation.
    pub for_operations: Vec<OperationId>,
    /// The operation the callee serves this call as, when not the caller's.
    pub as_operation: Option<Located<OperationId>>,
}

impl Call {
    pub fn is_sync(&self) -> bool {
        self.mode == CallMode::Sync
    }

    /// Whether the caller makes this call for a request of `operation`
    /// (none for an implicit operation, which only calls without `for` serve).
    pub fn applies_to(&self, operation: Option<OperationId>) -> bool {
        self.for_operations.is_empty()
            || operation.is_some_and(|o| self.for_operations.contains(&o))
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Replication {
    pub factor: u32,
    pub mode: ReplicationMode,
    pub read_quorum: Option<u32>,
    pub write_quorum: Option<u32>,
    pub read_from: ReadFrom,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Sharding {
    pub shards: Option<u32>,
    pub key: Option<Located<String>>,
    pub strategy: Option<Located<ShardStrategy>>,
    pub hot_key_share: Option<Located<f64>>,
}

impl Sharding {
    /// Ranges over a key that only grows: every new record, so every
    /// write, lands on the newest shard.
    pub fn writes_to_newest_shard(&self) -> bool {
        self.strategy
            .as_ref()
            .is_some_and(|s| s.value == ShardStrategy::Range)
            && self
                .key
                .as_ref()
                .is_some_and(|k| super::shard_key::grows(&k.value))
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Suppression {
    pub span: Span,
    pub rule: Located<String>,
    pub reason: Option<String>,
    /// `YYYY-MM-DD`, compared as text.
    pub until: Option<Located<String>>,
}
