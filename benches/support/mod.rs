//! Generated designs of any size in several shapes, for the benchmarks and
//! for trying the tool on a large design. Every shape has latency and
//! availability targets and declares operations, so `check` runs the whole
//! model:
//!
//! - `blocks`: blocks of ten components (balancer, gateway, four services,
//!   cache, database, queue, worker), about nine lines each; requests enter
//!   the first block, each block's worker feeds the next block; `browse`
//!   reads through the cache, `order` writes through the queue.
//! - `deep`: chains of 100 services, each calling the next and a cache: a
//!   request goes 100 services deep with two calls per hop.
//! - `wide`: routers each calling 1,000 leaf services.
//! - `operations`: 50 operations, each routed by a gateway to a pipeline of
//!   its own.

use std::fmt::Write;

// The same allocator as the `blueprint` binary, so the figures are the
// product's.
#[global_allocator]
static ALLOCATOR: blueprint::allocator::Allocator = blueprint::allocator::Allocator;

/// The shapes, by name.
pub const SHAPES: [&str; 4] = ["blocks", "deep", "wide", "operations"];

/// A design of about `components` components in the named shape.
pub fn shaped(shape: &str, components: usize) -> String {
    match shape {
        "deep" => deep(components),
        "wide" => wide(components),
        "operations" => many_operations(components),
        _ => design(components),
    }
}

const HEADER: &str = concat!(
    "version: 1\nname: Generated\nrequirements:\n  peak_rps: 50k/s\n  latency_slo: { p99: 800ms }\n",
    "  availability_slo: 99.9%\nzones: [az1, az2, az3]\n",
);

/// The `blocks` shape.
pub fn design(components: usize) -> String {
    let blocks = components.div_ceil(10).max(1);
    let mut yaml = String::with_capacity(components * 260);
    yaml.push_str(HEADER);
    yaml.push_str(concat!(
        "operations:\n  browse: { share: 0.8 }\n  order: { share: 0.2, latency_slo: { p99: 1.5s } }\n",
        "components:\n  users:\n    kind: client\n    calls: [{ to: lb-0 }]\n",
    ));
    for block in 0..blocks {
        block_of_ten(&mut yaml, &block.to_string(), block + 1 < blocks, true);
    }
    yaml
}

/// Ten components named `*-{id}`; with `next`, its worker feeds block
/// `id + 1`. With `split`, `browse` reads the cache and `order` enqueues;
/// without, every request does both.
fn block_of_ten(yaml: &mut String, id: &str, next: bool, split: bool) {
    let _ = write!(
        yaml,
        "  lb-{id}:\n    kind: load_balancer\n    replicas: 3\n    zones: [az1, az2, az3]\n    capacity: 200k/s\n    latency: 0.2ms\n    health_check: true\n    calls: [{{ to: gw-{id}, timeout: 900ms }}]\n"
    );
    let _ = write!(
        yaml,
        "  gw-{id}:\n    kind: gateway\n    replicas: 3\n    zones: [az1, az2, az3]\n    capacity: 50k/s\n    latency: 1ms\n    health_check: true\n    calls:\n      - {{ to: svc-{id}-0, timeout: 800ms }}\n"
    );
    for service in 0..4 {
        let _ = write!(
            yaml,
            "  svc-{id}-{service}:\n    kind: service\n    replicas: 6\n    zones: [az1, az2, az3]\n    capacity: 20k/s\n    latency: 2ms\n    calls:\n"
        );
        if service < 3 {
            let _ = writeln!(
                yaml,
                "      - {{ to: svc-{id}-{}, per_request: 0.9, timeout: 500ms }}",
                service + 1
            );
        } else if split {
            let _ = writeln!(
                yaml,
                "      - {{ to: cache-{id}, for: browse, timeout: 50ms }}"
            );
            let _ = writeln!(
                yaml,
                "      - {{ to: queue-{id}, for: order, per_request: 0.5 }}"
            );
        } else {
            let _ = writeln!(yaml, "      - {{ to: cache-{id}, timeout: 50ms }}");
            let _ = writeln!(yaml, "      - {{ to: queue-{id}, per_request: 0.5 }}");
        }
    }
    let _ = write!(
        yaml,
        "  cache-{id}:\n    kind: cache\n    replicas: 3\n    zones: [az1, az2, az3]\n    capacity: 100k/s\n    latency: 0.5ms\n    hit_ratio: 0.9\n    backing: db-{id}\n    ttl: 10min\n"
    );
    let _ = write!(
        yaml,
        "  db-{id}:\n    kind: database\n    replicas: 9\n    zones: [az1, az2, az3]\n    capacity: 20k/s\n    latency: 3ms\n    replication: {{ factor: 3, mode: quorum, read_quorum: 2, write_quorum: 2 }}\n    partition_mode: cp\n"
    );
    let _ = write!(
        yaml,
        "  queue-{id}:\n    kind: queue\n    replicas: 3\n    zones: [az1, az2, az3]\n    partitions: 12\n    consumer: worker-{id}\n    dead_letter: true\n    capacity: 50k/s\n    latency: 1ms\n"
    );
    let _ = write!(
        yaml,
        "  worker-{id}:\n    kind: worker\n    replicas: 12\n    zones: [az1, az2, az3]\n    capacity: 5k/s\n    latency: 5ms\n    idempotent: true\n    calls:\n      - {{ to: db-{id}, op: write, timeout: 100ms }}\n"
    );
    if next {
        let number: usize = id
            .rsplit('-')
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        let prefix = id
            .rsplit_once('-')
            .map_or(String::new(), |(p, _)| format!("{p}-"));
        let _ = writeln!(
            yaml,
            "      - {{ to: lb-{prefix}{}, per_request: 1.5, timeout: 1s }}",
            number + 1
        );
    }
}

/// The `deep` shape: a gateway spreads requests over chains of 100
/// services; each hop calls the next and its chain's cache, with timeouts
/// that shrink down the chain so that each covers what is below it.
fn deep(components: usize) -> String {
    const HOPS: usize = 100;
    let chains = components.div_ceil(HOPS + 1).max(1);
    let mut yaml = String::with_capacity(components * 220);
    yaml.push_str(HEADER);
    yaml.push_str("operations:\n  walk: { share: 1, latency_slo: { p99: 2s } }\ncomponents:\n");
    yaml.push_str("  users:\n    kind: client\n    calls: [{ to: gw }]\n");
    let _ = write!(
        yaml,
        "  gw:\n    kind: gateway\n    replicas: 30\n    zones: [az1, az2, az3]\n    capacity: 50k/s\n    latency: 0.5ms\n    health_check: true\n    calls:\n"
    );
    for chain in 0..chains {
        let _ = writeln!(
            yaml,
            "      - {{ to: hop-{chain}-0, per_request: {}, timeout: 3s }}",
            1.0 / chains as f64
        );
    }
    // The call into hop h waits for h's cache (20 ms) and the calls below.
    let timeout_into = |hop: usize| 20 * (HOPS - hop) + 5;
    for chain in 0..chains {
        for hop in 0..HOPS {
            let _ = write!(
                yaml,
                "  hop-{chain}-{hop}:\n    kind: service\n    replicas: 3\n    zones: [az1, az2, az3]\n    capacity: 5k/s\n    latency: 1ms\n    calls:\n      - {{ to: cache-{chain}, timeout: 20ms }}\n"
            );
            if hop + 1 < HOPS {
                let _ = writeln!(
                    yaml,
                    "      - {{ to: hop-{chain}-{}, timeout: {}ms }}",
                    hop + 1,
                    timeout_into(hop + 1)
                );
            }
        }
        let _ = write!(
            yaml,
            "  cache-{chain}:\n    kind: cache\n    replicas: 6\n    zones: [az1, az2, az3]\n    capacity: 200k/s\n    latency: 0.2ms\n"
        );
    }
    yaml
}

/// The `wide` shape: routers each spread requests over 1,000 leaf
/// services.
fn wide(components: usize) -> String {
    const LEAVES: usize = 1000;
    let aggregators = components.div_ceil(LEAVES + 1).max(1);
    let mut yaml = String::with_capacity(components * 200);
    yaml.push_str(HEADER);
    yaml.push_str("operations:\n  search: { share: 1 }\ncomponents:\n");
    yaml.push_str("  users:\n    kind: client\n    calls: [{ to: gw }]\n");
    let _ = write!(
        yaml,
        "  gw:\n    kind: gateway\n    replicas: 30\n    zones: [az1, az2, az3]\n    capacity: 50k/s\n    latency: 0.5ms\n    health_check: true\n    calls:\n"
    );
    for aggregator in 0..aggregators {
        let _ = writeln!(
            yaml,
            "      - {{ to: agg-{aggregator}, per_request: {}, timeout: 700ms }}",
            1.0 / aggregators as f64
        );
    }
    for aggregator in 0..aggregators {
        let _ = write!(
            yaml,
            "  agg-{aggregator}:\n    kind: service\n    replicas: 30\n    zones: [az1, az2, az3]\n    capacity: 10k/s\n    latency: 1ms\n    calls:\n"
        );
        for leaf in 0..LEAVES {
            let _ = writeln!(
                yaml,
                "      - {{ to: leaf-{aggregator}-{leaf}, per_request: {}, timeout: 100ms }}",
                1.0 / LEAVES as f64
            );
        }
        for leaf in 0..LEAVES {
            let _ = write!(
                yaml,
                "  leaf-{aggregator}-{leaf}:\n    kind: service\n    replicas: 3\n    zones: [az1, az2, az3]\n    capacity: 20k/s\n    latency: 2ms\n"
            );
        }
    }
    yaml
}

/// The `operations` shape: 50 operations, each routed by the gateway to a
/// pipeline of blocks of its own.
fn many_operations(components: usize) -> String {
    const OPERATIONS: usize = 50;
    let blocks = (components / 10 / OPERATIONS).max(1);
    let mut yaml = String::with_capacity(components * 260);
    yaml.push_str(HEADER);
    yaml.push_str("operations:\n");
    for operation in 0..OPERATIONS {
        let _ = writeln!(
            yaml,
            "  op{operation}: {{ share: {}, latency_slo: {{ p99: {}ms }} }}",
            1.0 / OPERATIONS as f64,
            600 + 10 * operation
        );
    }
    yaml.push_str("components:\n  users:\n    kind: client\n    calls: [{ to: router }]\n");
    let _ = write!(
        yaml,
        "  router:\n    kind: gateway\n    replicas: 30\n    zones: [az1, az2, az3]\n    capacity: 50k/s\n    latency: 0.5ms\n    health_check: true\n    calls:\n"
    );
    for operation in 0..OPERATIONS {
        let _ = writeln!(
            yaml,
            "      - {{ to: lb-op{operation}-0, for: op{operation}, timeout: 1s }}"
        );
    }
    for operation in 0..OPERATIONS {
        for block in 0..blocks {
            block_of_ten(
                &mut yaml,
                &format!("op{operation}-{block}"),
                block + 1 < blocks,
                false,
            );
        }
    }
    yaml
}

/// The baseline the benchmarks compare with: serde-saphyr parsing the text
/// into a generic value, under the node and size limits blueprint's own
/// reader allows (serde-saphyr's default of 250,000 nodes is below what a
/// 10,000-component design has).
pub fn parse_generic(yaml: &str) -> serde_json::Value {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_nodes = blueprint::design::read::MAX_NODES;
    budget.max_events = 4 * blueprint::design::read::MAX_NODES;
    budget.max_reader_input_bytes = Some(blueprint::design::read::MAX_FILE_BYTES);
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    serde_saphyr::from_str_with_options(yaml, options).expect("generated design parses")
}
