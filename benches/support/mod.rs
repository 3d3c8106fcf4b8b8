//! A generated design of any size, shaped like a real one: blocks of ten
//! components (balancer, gateway, four services, cache, database, queue,
//! worker), about nine lines each. Requests enter the first block; each
//! block's worker feeds the next block through its balancer, so every block
//! carries load and timeouts nest only within a block.

use std::fmt::Write;

// The same allocator as the `blueprint` binary, so the figures are the
// product's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

pub fn design(components: usize) -> String {
    let blocks = components.div_ceil(10).max(1);
    let mut yaml = String::with_capacity(components * 260);
    yaml.push_str(concat!(
        "version: 1\nname: Generated\nrequirements:\n  peak_rps: 50k/s\n  latency_slo: { p99: 800ms }\n",
        "  availability_slo: 99.9%\nzones: [az1, az2, az3]\ncomponents:\n",
        "  users:\n    kind: client\n    calls: [{ to: lb-0 }]\n",
    ));
    for block in 0..blocks {
        let _ = write!(
            yaml,
            "  lb-{block}:\n    kind: load_balancer\n    replicas: 3\n    zones: [az1, az2, az3]\n    capacity: 200k/s\n    latency: 0.2ms\n    health_check: true\n    calls: [{{ to: gw-{block}, timeout: 900ms }}]\n"
        );
        let _ = write!(
            yaml,
            "  gw-{block}:\n    kind: gateway\n    replicas: 3\n    zones: [az1, az2, az3]\n    capacity: 50k/s\n    latency: 1ms\n    health_check: true\n    calls:\n      - {{ to: svc-{block}-0, timeout: 800ms }}\n"
        );
        for service in 0..4 {
            let _ = write!(
                yaml,
                "  svc-{block}-{service}:\n    kind: service\n    replicas: 6\n    zones: [az1, az2, az3]\n    capacity: 20k/s\n    latency: 2ms\n    calls:\n"
            );
            if service < 3 {
                let _ = writeln!(
                    yaml,
                    "      - {{ to: svc-{block}-{}, per_request: 0.9, timeout: 500ms }}",
                    service + 1
                );
            } else {
                let _ = writeln!(yaml, "      - {{ to: cache-{block}, timeout: 50ms }}");
                let _ = writeln!(yaml, "      - {{ to: queue-{block}, per_request: 0.5 }}");
            }
        }
        let _ = write!(
            yaml,
            "  cache-{block}:\n    kind: cache\n    replicas: 3\n    zones: [az1, az2, az3]\n    capacity: 100k/s\n    latency: 0.5ms\n    hit_ratio: 0.9\n    backing: db-{block}\n    ttl: 10min\n"
        );
        let _ = write!(
            yaml,
            "  db-{block}:\n    kind: database\n    replicas: 9\n    zones: [az1, az2, az3]\n    capacity: 20k/s\n    latency: 3ms\n    replication: {{ factor: 3, mode: quorum, read_quorum: 2, write_quorum: 2 }}\n    partition_mode: cp\n"
        );
        let _ = write!(
            yaml,
            "  queue-{block}:\n    kind: queue\n    replicas: 3\n    zones: [az1, az2, az3]\n    partitions: 12\n    consumer: worker-{block}\n    dead_letter: true\n    capacity: 50k/s\n    latency: 1ms\n"
        );
        let _ = write!(
            yaml,
            "  worker-{block}:\n    kind: worker\n    replicas: 12\n    zones: [az1, az2, az3]\n    capacity: 5k/s\n    latency: 5ms\n    idempotent: true\n    calls:\n      - {{ to: db-{block}, op: write, timeout: 100ms }}\n"
        );
        if block + 1 < blocks {
            let _ = writeln!(
                yaml,
                "      - {{ to: lb-{}, per_request: 1.5, timeout: 1s }}",
                block + 1
            );
        }
    }
    yaml
}
