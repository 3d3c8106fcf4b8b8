//! Recognising what a problem needs in a candidate's design: each
//! [`Check`] looks at the kinds, fields and wiring of the components and at
//! the load the estimate puts on them, never at their names.

use crate::capacity::Estimate;
use crate::design::quantity::{format_rate, trim_number};
use crate::design::{Component, Consistency, Design, Kind, Op, ReplicationMode};
use crate::topology::Topology;
use crate::ways::Ways;

use super::scenario::Check;

/// What a check reads: the design, its graph and its estimate at the
/// scenario's peak.
pub struct Evidence<'a> {
    pub design: &'a Design,
    pub topology: &'a Topology,
    pub ways: &'a Ways,
    pub estimate: &'a Estimate,
}

/// Whether the need is met, and why, naming the components.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    pub passed: bool,
    pub reason: String,
}

fn pass(reason: String) -> Outcome {
    Outcome {
        passed: true,
        reason,
    }
}

fn fail(reason: String) -> Outcome {
    Outcome {
        passed: false,
        reason,
    }
}

impl Evidence<'_> {
    fn carries_load(&self, id: usize) -> bool {
        self.estimate.components[id].load.total() > 0.0
    }

    fn on_path(&self, id: usize) -> bool {
        self.ways.on_request_path[id]
    }

    /// Databases that take writes from the request path, in design order.
    fn written_databases(&self) -> Vec<usize> {
        (0..self.design.components.len())
            .filter(|&id| {
                self.design.components[id].kind() == Kind::Database
                    && self.on_path(id)
                    && self.estimate.components[id].load.writes > 0.0
            })
            .collect()
    }

    fn name(&self, id: usize) -> &str {
        self.design.components[id].name()
    }
}

/// Runs one check.
pub fn evaluate(check: &Check, evidence: &Evidence) -> Outcome {
    match check {
        Check::Cache { min_hit_ratio } => cache(evidence, Kind::Cache, *min_hit_ratio),
        Check::Cdn { min_hit_ratio } => cache(evidence, Kind::Cdn, *min_hit_ratio),
        Check::Queue => queue(evidence),
        Check::Sharded {
            min_shards,
            include_caches,
        } => sharded(evidence, *min_shards, *include_caches),
        Check::StrongWrites { every } => strong_writes(evidence, *every),
        Check::DurableWrites => durable_writes(evidence),
        Check::ObjectStore => object_store(evidence),
        Check::IdempotentWriters => idempotent_writers(evidence),
        Check::FailsOpen => fails_open(evidence),
    }
}

fn percent(fraction: f64) -> String {
    format!("{}%", trim_number(fraction * 100.0))
}

fn hit_ratio(component: &Component) -> f64 {
    component.hit_ratio.as_ref().map_or(0.0, |h| h.value)
}

/// A cache or CDN that requests read through, with a store behind it.
fn cache(evidence: &Evidence, kind: Kind, min_hit_ratio: f64) -> Outcome {
    let what = if kind == Kind::Cdn { "CDN" } else { "cache" };
    let best = (0..evidence.design.components.len())
        .filter(|&id| {
            let component = &evidence.design.components[id];
            component.kind() == kind
                && component.backing.is_some()
                && evidence.on_path(id)
                && evidence.estimate.components[id].load.reads > 0.0
        })
        .max_by(|&a, &b| {
            let (a, b) = (
                &evidence.design.components[a],
                &evidence.design.components[b],
            );
            hit_ratio(a).total_cmp(&hit_ratio(b))
        });
    let Some(id) = best else {
        return fail(format!(
            "no {what} on the request path answers reads in front of a store"
        ));
    };
    let component = &evidence.design.components[id];
    let backing = component
        .backing
        .as_ref()
        .map_or("", |b| evidence.name(b.value));
    let ratio = hit_ratio(component);
    if ratio < min_hit_ratio {
        fail(format!(
            "`{}` answers {} of reads before `{backing}`, below the {} the problem needs",
            component.name(),
            percent(ratio),
            percent(min_hit_ratio)
        ))
    } else {
        pass(format!(
            "`{}` answers {} of reads before `{backing}`",
            component.name(),
            percent(ratio)
        ))
    }
}

/// A queue the request path writes to, with a consumer that drains it.
fn queue(evidence: &Evidence) -> Outcome {
    let mut undrained = None;
    for id in 0..evidence.design.components.len() {
        let component = &evidence.design.components[id];
        if component.kind() != Kind::Queue || !evidence.on_path(id) || !evidence.carries_load(id) {
            continue;
        }
        match &component.consumer {
            Some(consumer) => {
                return pass(format!(
                    "`{}` takes {} off the request path for `{}`",
                    component.name(),
                    format_rate(evidence.estimate.components[id].load.total()),
                    evidence.name(consumer.value)
                ));
            }
            None => undrained = Some(id),
        }
    }
    match undrained {
        Some(id) => fail(format!(
            "`{}` has no `consumer`: nothing does the work it holds",
            evidence.name(id)
        )),
        None => fail("no queue takes work off the request path".to_string()),
    }
}

/// The shards of a store, as the capacity model counts them.
fn shards(component: &Component) -> u32 {
    let sharding = component.sharding.as_ref().map(|s| &s.value);
    let given = sharding.and_then(|s| s.shards);
    if component.kind() == Kind::Database {
        let factor = component
            .replication
            .as_ref()
            .map_or(1, |r| r.value.factor)
            .max(1);
        given.unwrap_or((component.replica_count() / factor).max(1))
    } else {
        given.unwrap_or(component.replica_count())
    }
}

/// A store that says how its data is split (a shard key) over enough
/// shards. Caches count only when the problem's data lives in one.
fn sharded(evidence: &Evidence, min_shards: u32, include_caches: bool) -> Outcome {
    let stores: Vec<usize> = (0..evidence.design.components.len())
        .filter(|&id| {
            let kind = evidence.design.components[id].kind();
            (matches!(kind, Kind::Database | Kind::Search)
                || (include_caches && kind == Kind::Cache))
                && evidence.carries_load(id)
        })
        .collect();
    let keyed = stores.iter().copied().filter(|&id| {
        evidence.design.components[id]
            .sharding
            .as_ref()
            .is_some_and(|s| s.value.key.is_some())
    });
    let Some(widest) = keyed.max_by_key(|&id| shards(&evidence.design.components[id])) else {
        return fail(
            "no store declares a shard key (`sharding: { key: ... }`), so all its data sits on every node"
                .to_string(),
        );
    };
    let component = &evidence.design.components[widest];
    let count = shards(component);
    let key = component
        .sharding
        .as_ref()
        .and_then(|s| s.value.key.as_ref())
        .map_or("", |k| k.value.as_str());
    if count < min_shards {
        fail(format!(
            "the most widely sharded store, `{}`, has {count} shard{} by `{key}`; the data needs at least {min_shards}",
            component.name(),
            if count == 1 { "" } else { "s" }
        ))
    } else {
        pass(format!(
            "`{}` splits its data over {count} shards by `{key}` (at least {min_shards} needed)",
            component.name()
        ))
    }
}

/// Why a database's acknowledged writes could be lost or read stale; none
/// when they cannot.
fn weak_writes(component: &Component) -> Option<String> {
    let name = component.name();
    let consistency = component.consistency.as_ref().map(|c| c.value);
    if consistency != Some(Consistency::Strong) {
        let promise = consistency.map_or("no `consistency`".to_string(), |c| format!("`{c}`"));
        return Some(format!("`{name}` promises {promise}, not `strong`"));
    }
    let Some(replication) = component.replication.as_ref().map(|r| &r.value) else {
        return Some(format!("`{name}` keeps a single copy of each record"));
    };
    if replication.factor < 2 {
        return Some(format!("`{name}` keeps a single copy of each record"));
    }
    match replication.mode {
        ReplicationMode::Async => Some(format!(
            "`{name}` acknowledges before any other copy has the write (`async`)"
        )),
        ReplicationMode::Quorum => {
            let majority = replication.factor / 2 + 1;
            let read = replication.read_quorum.unwrap_or(majority);
            let write = replication.write_quorum.unwrap_or(majority);
            (read + write <= replication.factor).then(|| {
                format!(
                    "`{name}` reads {read} and writes {write} of {} copies: a read can miss the latest write",
                    replication.factor
                )
            })
        }
        ReplicationMode::Sync | ReplicationMode::SemiSync => None,
    }
}

/// Databases written on the request path are strongly consistent and
/// replicate before they acknowledge.
fn strong_writes(evidence: &Evidence, every: bool) -> Outcome {
    let written = evidence.written_databases();
    if written.is_empty() {
        return fail("no database takes writes on the request path".to_string());
    }
    let (strong, weak): (Vec<usize>, Vec<usize>) = written
        .iter()
        .partition(|&&id| weak_writes(&evidence.design.components[id]).is_none());
    let names = |ids: &[usize]| -> String {
        ids.iter()
            .map(|&id| format!("`{}`", evidence.name(id)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if (every && weak.is_empty()) || (!every && !strong.is_empty()) {
        pass(format!(
            "{} {} strongly consistent and replicate{} before acknowledging",
            names(&strong),
            if strong.len() == 1 { "is" } else { "are" },
            if strong.len() == 1 { "s" } else { "" },
        ))
    } else {
        let reasons: Vec<String> = weak
            .iter()
            .filter_map(|&id| weak_writes(&evidence.design.components[id]))
            .collect();
        fail(reasons.join("; "))
    }
}

/// The copies a write to `component` waits for.
fn copies_per_write(component: &Component) -> u32 {
    let Some(replication) = component.replication.as_ref().map(|r| &r.value) else {
        return 1;
    };
    let majority = replication.factor / 2 + 1;
    match replication.mode {
        ReplicationMode::Async => 1,
        ReplicationMode::SemiSync => replication.factor.min(2),
        ReplicationMode::Sync => replication.factor,
        ReplicationMode::Quorum => replication.write_quorum.unwrap_or(majority),
    }
}

/// Every database written on the request path has the write on two copies
/// before the caller hears back.
fn durable_writes(evidence: &Evidence) -> Outcome {
    let written = evidence.written_databases();
    if written.is_empty() {
        return fail("no database takes writes on the request path".to_string());
    }
    let weak: Vec<String> = written
        .iter()
        .filter(|&&id| copies_per_write(&evidence.design.components[id]) < 2)
        .map(|&id| {
            format!(
                "`{}` acknowledges a write held by one copy",
                evidence.name(id)
            )
        })
        .collect();
    if weak.is_empty() {
        let held: Vec<String> = written
            .iter()
            .map(|&id| {
                format!(
                    "`{}` ({} copies)",
                    evidence.name(id),
                    copies_per_write(&evidence.design.components[id])
                )
            })
            .collect();
        pass(format!(
            "acknowledged writes are on two copies or more: {}",
            held.join(", ")
        ))
    } else {
        fail(weak.join("; "))
    }
}

/// Large objects go to an object store.
fn object_store(evidence: &Evidence) -> Outcome {
    let written = (0..evidence.design.components.len()).find(|&id| {
        evidence.design.components[id].kind() == Kind::ObjectStore
            && evidence.estimate.components[id].load.writes > 0.0
    });
    match written {
        Some(id) => pass(format!(
            "`{}` stores the objects ({} of writes)",
            evidence.name(id),
            format_rate(evidence.estimate.components[id].load.writes)
        )),
        None => fail("no object store takes the writes of the large objects".to_string()),
    }
}

/// Services and workers that write to a store can take the same request
/// twice (a retry, a redelivery) without doing it twice.
fn idempotent_writers(evidence: &Evidence) -> Outcome {
    let writers: Vec<usize> = (0..evidence.design.components.len())
        .filter(|&id| {
            let component = &evidence.design.components[id];
            matches!(component.kind(), Kind::Service | Kind::Worker)
                && evidence.carries_load(id)
                && component.calls.iter().any(|call| {
                    call.op == Op::Write
                        && evidence.design.components[call.to.value].kind().is_store()
                })
        })
        .collect();
    if writers.is_empty() {
        return fail("no service or worker writes to a store".to_string());
    }
    let careless: Vec<String> = writers
        .iter()
        .filter(|&&id| {
            let component = &evidence.design.components[id];
            !component.flag(&component.idempotent)
        })
        .map(|&id| format!("`{}`", evidence.name(id)))
        .collect();
    if careless.is_empty() {
        let names: Vec<String> = writers
            .iter()
            .map(|&id| format!("`{}`", evidence.name(id)))
            .collect();
        pass(format!("every writer is idempotent: {}", names.join(", ")))
    } else {
        fail(format!(
            "{} write{} to a store but {} not `idempotent`: a retried request is applied twice",
            careless.join(", "),
            if careless.len() == 1 { "s" } else { "" },
            if careless.len() == 1 { "is" } else { "are" },
        ))
    }
}

/// A store on the request path that requests do without when it is down.
fn fails_open(evidence: &Evidence) -> Outcome {
    let stores: Vec<usize> = (0..evidence.design.components.len())
        .filter(|&id| {
            evidence.design.components[id].kind().is_store()
                && evidence.on_path(id)
                && evidence.carries_load(id)
        })
        .collect();
    let busiest = |ids: &mut dyn Iterator<Item = usize>| {
        ids.max_by(|&a, &b| {
            let load = |id: usize| evidence.estimate.components[id].load.total();
            load(a).total_cmp(&load(b)).then(b.cmp(&a))
        })
    };
    let optional = busiest(
        &mut stores
            .iter()
            .copied()
            .filter(|&id| !evidence.estimate.components[id].required),
    );
    match (optional, busiest(&mut stores.iter().copied())) {
        (Some(id), _) => pass(format!(
            "requests go on without `{}` when it is down (a `fallback` on the way to it)",
            evidence.name(id)
        )),
        (None, Some(id)) => fail(format!(
            "every store on the request path is required: when `{}` is down, every request fails",
            evidence.name(id)
        )),
        (None, None) => fail("no store is on the request path".to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capacity::{self, Options};

    /// The outcome of `check` on a design given as YAML; the load is 100/s.
    fn outcome(components: &str, check: Check) -> Outcome {
        let yaml = format!(
            "version: 1\nname: t\nrequirements: {{ peak_rps: 100/s }}\ncomponents:\n  users: {{ kind: client, calls: [{{ to: api }}] }}\n{components}"
        );
        let analysis = crate::analyse(yaml.as_bytes()).unwrap();
        let options = Options {
            quantiles: false,
            ..Options::default()
        };
        let estimate = capacity::estimate(&analysis.design, &analysis.ways, &options).unwrap();
        evaluate(
            &check,
            &Evidence {
                design: &analysis.design,
                topology: &analysis.topology,
                ways: &analysis.ways,
                estimate: &estimate,
            },
        )
    }

    const DB: &str = "  db: { kind: database, replicas: 3, capacity: 1k/s, latency: 2ms }\n";

    fn with_cache(kind: &str, hit_ratio: &str) -> String {
        format!(
            "  api: {{ kind: service, capacity: 1k/s, latency: 2ms, calls: [{{ to: front }}] }}\n  front: {{ kind: {kind}, capacity: 1k/s, latency: 1ms, hit_ratio: {hit_ratio}, backing: db }}\n{DB}"
        )
    }

    #[test]
    fn a_cache_must_answer_enough_reads() {
        let check = Check::Cache { min_hit_ratio: 0.8 };
        let met = outcome(&with_cache("cache", "0.9"), check.clone());
        assert_eq!(met.reason, "`front` answers 90% of reads before `db`");
        assert!(met.passed);
        let low = outcome(&with_cache("cache", "0.5"), check.clone());
        assert!(!low.passed);
        assert!(
            low.reason.contains("answers 50% of reads"),
            "{}",
            low.reason
        );
        assert!(!outcome(&with_cache("cdn", "0.9"), check).passed);
        let cdn = outcome(
            &with_cache("cdn", "0.95"),
            Check::Cdn { min_hit_ratio: 0.9 },
        );
        assert!(cdn.passed, "{}", cdn.reason);
    }

    #[test]
    fn a_queue_must_be_fed_from_the_request_path_and_drained() {
        let drained = "  api: { kind: service, capacity: 1k/s, latency: 2ms, calls: [{ to: jobs }] }\n  jobs: { kind: queue, capacity: 1k/s, latency: 1ms, consumer: worker }\n  worker: { kind: worker, capacity: 1k/s, latency: 1ms }\n";
        let met = outcome(drained, Check::Queue);
        assert!(met.passed);
        assert_eq!(
            met.reason,
            "`jobs` takes 100/s off the request path for `worker`"
        );
        let undrained = drained.replace(", consumer: worker", "");
        let missing = outcome(&undrained, Check::Queue);
        assert!(!missing.passed);
        assert!(missing.reason.contains("`jobs` has no `consumer`"));
        let none = outcome(
            "  api: { kind: service, capacity: 1k/s, latency: 2ms }\n",
            Check::Queue,
        );
        assert_eq!(none.reason, "no queue takes work off the request path");
    }

    #[test]
    fn shards_are_counted_as_the_capacity_model_counts_them() {
        let sharded = "  api: { kind: service, capacity: 1k/s, latency: 2ms, calls: [{ to: db }] }\n  db: { kind: database, replicas: 12, capacity: 1k/s, latency: 2ms, replication: { factor: 3, mode: quorum }, sharding: { key: user_id } }\n";
        let check = |min_shards| Check::Sharded {
            min_shards,
            include_caches: false,
        };
        let met = outcome(sharded, check(4));
        assert!(met.passed);
        assert!(
            met.reason.contains("over 4 shards by `user_id`"),
            "{}",
            met.reason
        );
        let short = outcome(sharded, check(5));
        assert!(!short.passed);
        assert!(short.reason.contains("has 4 shards"), "{}", short.reason);
        let keyless = outcome(
            &sharded.replace(", sharding: { key: user_id }", ""),
            check(1),
        );
        assert!(!keyless.passed);
        assert!(keyless.reason.contains("no store declares a shard key"));

        let cache = "  api: { kind: service, capacity: 1k/s, latency: 2ms, calls: [{ to: counters }] }\n  counters: { kind: cache, replicas: 6, capacity: 1k/s, latency: 1ms, sharding: { key: tenant } }\n";
        assert!(!outcome(cache, check(3)).passed);
        let with_caches = Check::Sharded {
            min_shards: 3,
            include_caches: true,
        };
        assert!(outcome(cache, with_caches).passed);
    }

    fn written(db: &str) -> String {
        format!(
            "  api: {{ kind: service, capacity: 1k/s, latency: 2ms, calls: [{{ to: db, op: write }}] }}\n  db: {{ kind: database, replicas: 3, capacity: 1k/s, latency: 2ms, {db} }}\n"
        )
    }

    #[test]
    fn strong_writes_need_strong_consistency_and_replication_before_the_ack() {
        let every = Check::StrongWrites { every: true };
        let quorum = written(
            "consistency: strong, replication: { factor: 3, mode: quorum, read_quorum: 2, write_quorum: 2 }",
        );
        let met = outcome(&quorum, every.clone());
        assert!(met.passed, "{}", met.reason);
        // R + W = 3 copies: a read can miss the write (Dynamo, DeCandia et al. 2007, 4.5).
        let weak = written(
            "consistency: strong, replication: { factor: 3, mode: quorum, read_quorum: 1, write_quorum: 2 }",
        );
        let missed = outcome(&weak, every.clone());
        assert!(!missed.passed);
        assert!(
            missed.reason.contains("reads 1 and writes 2 of 3 copies"),
            "{}",
            missed.reason
        );
        let eventual = written("consistency: eventual, replication: { factor: 3, mode: sync }");
        assert!(
            outcome(&eventual, every.clone())
                .reason
                .contains("promises `eventual`")
        );
        let asynchronous = written("consistency: strong, replication: { factor: 3, mode: async }");
        assert!(!outcome(&asynchronous, every).passed);
    }

    #[test]
    fn strong_writes_in_one_store_are_enough_unless_every_store_is_asked() {
        let two = "  api: { kind: service, capacity: 1k/s, latency: 2ms, calls: [{ to: ledger, op: write }, { to: log, op: write }] }\n  ledger: { kind: database, replicas: 3, capacity: 1k/s, latency: 2ms, consistency: strong, replication: { factor: 3, mode: sync } }\n  log: { kind: database, replicas: 3, capacity: 1k/s, latency: 2ms, consistency: eventual, replication: { factor: 3, mode: async } }\n";
        assert!(outcome(two, Check::StrongWrites { every: false }).passed);
        let every = outcome(two, Check::StrongWrites { every: true });
        assert!(!every.passed);
        assert_eq!(every.reason, "`log` promises `eventual`, not `strong`");
    }

    #[test]
    fn durable_writes_wait_for_two_copies() {
        let semi = written("replication: { factor: 3, mode: semi_sync }");
        let met = outcome(&semi, Check::DurableWrites);
        assert!(met.passed);
        assert!(met.reason.contains("`db` (2 copies)"));
        let asynchronous = written("replication: { factor: 3, mode: async }");
        assert!(!outcome(&asynchronous, Check::DurableWrites).passed);
        let reads_only =
            "  api: { kind: service, capacity: 1k/s, latency: 2ms, calls: [{ to: db }] }\n"
                .to_string()
                + DB;
        assert_eq!(
            outcome(&reads_only, Check::DurableWrites).reason,
            "no database takes writes on the request path"
        );
    }

    #[test]
    fn an_object_store_must_take_writes() {
        let store = "  api: { kind: service, capacity: 1k/s, latency: 2ms, calls: [{ to: blobs, op: write, per_request: 0.5 }] }\n  blobs: { kind: object_store, capacity: 1k/s, latency: 20ms }\n";
        let met = outcome(store, Check::ObjectStore);
        assert_eq!(met.reason, "`blobs` stores the objects (50/s of writes)");
        assert!(!outcome(&store.replace("op: write, ", ""), Check::ObjectStore).passed);
    }

    #[test]
    fn every_writer_must_be_idempotent() {
        let careless = written("replication: { factor: 3, mode: sync }");
        let missed = outcome(&careless, Check::IdempotentWriters);
        assert!(!missed.passed);
        assert!(
            missed
                .reason
                .starts_with("`api` writes to a store but is not `idempotent`")
        );
        let careful = careless.replace("kind: service,", "kind: service, idempotent: true,");
        assert!(outcome(&careful, Check::IdempotentWriters).passed);
    }

    #[test]
    fn failing_open_needs_a_fallback_on_the_way_to_a_store() {
        let open = "  api: { kind: service, replicas: 2, capacity: 1k/s, latency: 2ms, calls: [{ to: limiter, fallback: true }] }\n  limiter: { kind: service, replicas: 2, capacity: 1k/s, latency: 1ms, calls: [{ to: counters, op: write }] }\n  counters: { kind: cache, replicas: 2, capacity: 1k/s, latency: 1ms }\n";
        let met = outcome(open, Check::FailsOpen);
        assert!(met.passed);
        assert!(met.reason.contains("without `counters`"));
        let closed = outcome(&open.replace(", fallback: true", ""), Check::FailsOpen);
        assert!(!closed.passed);
        assert_eq!(
            closed.reason,
            "every store on the request path is required: when `counters` is down, every request fails"
        );
    }
}
