//! Small files that once made a command run away (issue 14): numbers at
//! the limits of the format, a design on one long line, thousands of zones
//! or of calls to one target, a retry chain. Every command must finish
//! inside a time bound kept by a watchdog thread of this harness (which
//! kills the child, so a runaway fails the test instead of hanging it) and
//! inside a memory bound set with `setrlimit(RLIMIT_AS)` in the child, and
//! must end with an exit code, never a signal or a panic (the harness is
//! `tests/support`). The bounds are generous for a debug build on a busy
//! machine; before the fixes each of these ran for minutes or past
//! gigabytes.

#![cfg(unix)]

mod support;

use support::{MEMORY_LIMIT, TIME_LIMIT, bounded};

/// Runs each command on `design` and requires each to end in time, within
/// memory, with one of `codes`.
fn every_command_bounded(name: &str, design: &str, commands: &[&[&str]], codes: &[i32]) {
    let folder = tempfile::tempdir().unwrap();
    std::fs::write(folder.path().join(name), design).unwrap();
    for command in commands {
        let args: Vec<&str> = command
            .iter()
            .map(|arg| if *arg == "DESIGN" { name } else { arg })
            .collect();
        let run = bounded(folder.path(), &args);
        assert!(
            run.ended_cleanly(),
            "{name}: `blueprint {}` did not end within {TIME_LIMIT:?} and {MEMORY_LIMIT} bytes by itself: {:?} {}",
            args.join(" "),
            run.code,
            run.stderr
        );
        assert!(
            run.code.is_some_and(|code| codes.contains(&code)),
            "{name}: `blueprint {}` ended with {:?}: {}",
            args.join(" "),
            run.code,
            run.stderr
        );
    }
}

const ALL: &[&[&str]] = &[
    &["check", "DESIGN"],
    &["estimate", "DESIGN"],
    &["render", "DESIGN"],
    &["report", "DESIGN"],
    &["report", "DESIGN", "--format", "md"],
    &["simulate", "DESIGN", "--duration", "2s", "--warmup", "0s"],
    &["diff", "DESIGN", "DESIGN"],
    &["size", "DESIGN"],
];

fn service(fields: &str) -> String {
    format!(
        "version: 1\nname: runaway\nrequirements:\n  peak_rps: 1k/s\nzones: [az1, az2, az3]\ncomponents:\n  users:\n    kind: client\n    calls: [{{ to: api }}]\n  api:\n    kind: service\n    zones: [az1, az2, az3]\n{fields}\n"
    )
}

/// Beyond the limits: refused at once, naming the limit (BP003).
#[test]
fn numbers_beyond_the_limits_are_refused() {
    for (name, fields) in [
        (
            "replicas.yaml",
            "    replicas: 4294967295\n    capacity: 1k/s\n    latency: 1ms",
        ),
        (
            "concurrency.yaml",
            "    replicas: 3\n    concurrency: 4294967295\n    latency: 10ms",
        ),
        (
            "latency.yaml",
            "    replicas: 3\n    capacity: 1k/s\n    latency: 1e6s",
        ),
    ] {
        every_command_bounded(name, &service(fields), ALL, &[2]);
        let folder = tempfile::tempdir().unwrap();
        std::fs::write(folder.path().join(name), service(fields)).unwrap();
        let run = bounded(folder.path(), &["check", name]);
        assert!(run.stderr.contains("BP003"), "{}", run.stderr);
        assert!(run.stderr.contains("1,000,000"), "{}", run.stderr);
    }
}

/// At the limits: a million replicas in three zones, a million servers per
/// replica, a thousand copies per record. Every command works in time.
#[test]
fn numbers_at_the_limits_are_quick() {
    let designs = [
        (
            "replicas.yaml",
            service("    replicas: 1000000\n    capacity: 1k/s\n    latency: 1ms"),
        ),
        (
            "concurrency.yaml",
            service("    replicas: 3\n    concurrency: 1000000\n    latency: 10s"),
        ),
        (
            "factor.yaml",
            "version: 1\nname: copies\nrequirements:\n  peak_rps: 1k/s\n  latency_slo: { p99: 1s }\ncomponents:\n  users:\n    kind: client\n    calls: [{ to: db, op: write, per_request: 0.5 }, { to: db }]\n  db:\n    kind: database\n    replicas: 3\n    capacity: 100k/s\n    latency: 1ms\n    replication: { factor: 1000, mode: quorum }\n".to_string(),
        ),
    ];
    for (name, design) in designs {
        every_command_bounded(name, &design, ALL, &[0, 1, 2]);
    }
}

/// A design written on one line: about 5,000 errors on it, printed for
/// people (each used to re-read the whole line).
#[test]
fn many_errors_on_one_long_line() {
    let mut parts = Vec::new();
    let mut size = 0;
    let mut index = 0;
    while size < 200_000 {
        let part = format!("c{index}: {{kind: service, capacity: fast}}");
        size += part.len() + 2;
        parts.push(part);
        index += 1;
    }
    let design = format!(
        "{{version: 1, name: x, components: {{{}}}}}\n",
        parts.join(", ")
    );
    every_command_bounded("errors.yaml", &design, &[&["check", "DESIGN"]], &[2]);
}

/// A valid design of 2,000 components on one line of about 130 KB: its
/// report used to repeat the whole line under every finding (529 MB).
#[test]
fn a_valid_design_on_one_line() {
    let mut calls = Vec::new();
    let mut services = Vec::new();
    for index in 0..2_000 {
        calls.push(format!("{{to: s{index}, per_request: 0.001}}"));
        services.push(format!(
            "s{index}: {{kind: service, capacity: 1k/s, latency: 1ms}}"
        ));
    }
    let design = format!(
        "{{version: 1, name: x, requirements: {{peak_rps: 100/s}}, components: {{users: {{kind: client, calls: [{{to: gw}}]}}, gw: {{kind: gateway, replicas: 2, capacity: 100k/s, latency: 1ms, calls: [{}]}}, {}}}}}\n",
        calls.join(", "),
        services.join(", ")
    );
    let folder = tempfile::tempdir().unwrap();
    std::fs::write(folder.path().join("line.yaml"), &design).unwrap();
    for args in [
        &["check", "line.yaml"][..],
        &["report", "line.yaml", "--format", "md"],
    ] {
        let run = bounded(folder.path(), args);
        assert!(!run.timed_out, "{args:?} ran past {TIME_LIMIT:?}");
        assert!(run.code.is_some_and(|c| c <= 2), "{args:?}: {}", run.stderr);
        let output = run.stdout.len() + run.stderr.len();
        assert!(
            output < 64 * design.len(),
            "{args:?}: {output} bytes out of a {} byte design",
            design.len()
        );
    }
}

/// Thousands of zones, each lost in turn in the report.
#[test]
fn thousands_of_zones() {
    let zones: Vec<String> = (0..5_000).map(|index| format!("z{index}")).collect();
    let design = format!(
        "version: 1\nname: zones\nrequirements:\n  peak_rps: 1k/s\nzones: [{list}]\ncomponents:\n  users:\n    kind: client\n    calls: [{{ to: api }}]\n  api:\n    kind: service\n    replicas: 5000\n    zones: [{list}]\n    capacity: 1k/s\n    latency: 1ms\n",
        list = zones.join(", ")
    );
    every_command_bounded(
        "zones.yaml",
        &design,
        &[&["check", "DESIGN"], &["report", "DESIGN"]],
        &[0, 1],
    );
}

/// Ten thousand calls from one service to one store: one edge to draw.
#[test]
fn ten_thousand_calls_to_one_target() {
    let mut design = String::from(
        "version: 1\nname: calls\nrequirements:\n  peak_rps: 100/s\ncomponents:\n  users:\n    kind: client\n    calls: [{ to: api }]\n  api:\n    kind: service\n    replicas: 2\n    capacity: 1M/s\n    latency: 1ms\n    calls:\n",
    );
    for _ in 0..10_000 {
        design.push_str("      - { to: db, per_request: 0.0001, timeout: 1s }\n");
    }
    design.push_str(
        "  db:\n    kind: service\n    replicas: 2\n    capacity: 1k/s\n    latency: 1ms\n",
    );
    every_command_bounded(
        "calls.yaml",
        &design,
        &[&["check", "DESIGN"], &["render", "DESIGN"]],
        &[0, 1],
    );
}

/// A short chain of retried calls with timeouts below the callee's
/// latency: `simulate` with its defaults stays within its budget of visits.
#[test]
fn simulate_by_default_stays_within_its_budget() {
    let design = "version: 1\nname: retry chain\nrequirements:\n  peak_rps: 2k/s\ncomponents:\n  users:\n    kind: client\n    calls: [{ to: a }]\n  a:\n    kind: service\n    replicas: 2\n    capacity: 10k/s\n    latency: 1ms\n    calls: [{ to: b, timeout: 2ms, retries: 3 }]\n  b:\n    kind: service\n    replicas: 2\n    capacity: 10k/s\n    latency: 1ms\n    calls: [{ to: c, timeout: 2ms, retries: 3 }]\n  c:\n    kind: service\n    replicas: 2\n    capacity: 10k/s\n    latency: 1ms\n";
    every_command_bounded("chain.yaml", design, &[&["simulate", "DESIGN"]], &[0]);
}

/// A store of a thousand copies per shard, a million shards and nodes, in a
/// thousand zones: its availability is weighed per zone down and per class
/// of shards, never per copy (`estimate` ran past two minutes).
#[test]
fn a_store_of_many_copies_in_many_zones() {
    let zones: Vec<String> = (0..1_000).map(|index| format!("z{index}")).collect();
    let design = format!(
        "version: 1\nname: store\nrequirements:\n  peak_rps: 1k/s\nzones: [{list}]\ncomponents:\n  users:\n    kind: client\n    calls: [{{ to: db }}]\n  db:\n    kind: database\n    replicas: 999999\n    zones: [{list}]\n    capacity: 1M/s\n    latency: 1ms\n    sharding: {{ shards: 1000000, key: user_id }}\n    replication: {{ factor: 1000, mode: quorum }}\n",
        list = zones.join(", ")
    );
    every_command_bounded(
        "store.yaml",
        &design,
        &[
            &["check", "DESIGN"],
            &["estimate", "DESIGN"],
            &["report", "DESIGN", "--format", "md"],
        ],
        &[0, 1],
    );
}

/// Hundreds of operations, each its own way through a gateway, each with
/// its latency computed (`estimate` took 30 s and 438 MB for 100 with the
/// Monte Carlo walk the computed percentiles replaced).
#[test]
fn hundreds_of_operations() {
    let count = 400;
    let operations: String = (0..count)
        .map(|index| format!("  op{index}: {{ rps: 2.5/s }}\n"))
        .collect();
    let calls: Vec<String> = (0..count)
        .map(|index| format!("{{ to: s{index}, for: op{index} }}"))
        .collect();
    let services: String = (0..count)
        .map(|index| {
            format!("  s{index}: {{ kind: service, capacity: 1k/s, latency: 1ms, calls: [{{ to: db }}] }}\n")
        })
        .collect();
    let design = format!(
        "version: 1\nname: operations\noperations:\n{operations}components:\n  users: {{ kind: client, rps: 1k/s, calls: [{{ to: gw }}] }}\n  gw: {{ kind: gateway, replicas: 2, capacity: 100k/s, latency: 1ms, calls: [{}] }}\n{services}  db: {{ kind: database, replicas: 3, capacity: 100k/s, latency: 1ms }}\n",
        calls.join(", ")
    );
    every_command_bounded(
        "operations.yaml",
        &design,
        &[&["check", "DESIGN"], &["estimate", "DESIGN"]],
        &[0, 1],
    );
}

/// Closed clients at the limits: a billion users (Schweitzer, and an open
/// stream in `simulate`), a million users who never think calling a
/// component that a failure takes down (each would send again the instant
/// its request fails), many closed clients sharing one chain.
#[test]
fn closed_clients_at_the_limits_stay_bounded() {
    let billion = "version: 1\nname: runaway\ncomponents:\n  staff: { kind: client, users: 1000000000, think_time: 1ms, calls: [{ to: api }] }\n  api: { kind: service, replicas: 1000, concurrency: 64, latency: 1ms, calls: [{ to: db }] }\n  db: { kind: database, replicas: 9, latency: 1ms }\n";
    every_command_bounded("billion.yaml", billion, ALL, &[0, 1]);
    let hot_loop = "version: 1\nname: runaway\nzones: [a, b]\ncomponents:\n  pool: { kind: client, users: 1000000, calls: [{ to: db }] }\n  db: { kind: database, latency: 1ms, zones: [a] }\n";
    every_command_bounded(
        "hot-loop.yaml",
        hot_loop,
        &[&[
            "simulate",
            "DESIGN",
            "--duration",
            "2s",
            "--warmup",
            "0s",
            "--fail",
            "db",
        ]],
        &[0, 1],
    );
    let mut many = String::from("version: 1\nname: runaway\ncomponents:\n");
    for client in 0..200 {
        many.push_str(&format!(
            "  u{client}: {{ kind: client, users: 1000, think_time: 1s, calls: [{{ to: s0 }}] }}\n"
        ));
    }
    for service in 0..50 {
        let next = if service < 49 {
            format!(", calls: [{{ to: s{} }}]", service + 1)
        } else {
            String::new()
        };
        many.push_str(&format!(
            "  s{service}: {{ kind: service, replicas: 3, latency: 1ms{next} }}\n"
        ));
    }
    // The report of 200 operations' sections is refused as too large (2).
    every_command_bounded("many.yaml", &many, ALL, &[0, 1, 2]);
}
