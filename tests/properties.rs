//! Property tests: no input makes the reader or the checks panic.

use proptest::prelude::*;

fn check(text: &[u8]) {
    let report = blueprint::check("prop.yaml", text, &blueprint::CheckOptions::default());
    for diagnostic in &report.diagnostics {
        if let Some(span) = diagnostic.span {
            assert!(span.line >= 1 && span.column >= 1, "{diagnostic:?}");
            assert!(
                span.start() <= span.end() && span.end() <= report.source.len(),
                "{diagnostic:?}"
            );
        }
    }
    // Rendering touches every span: it must not panic either.
    blueprint::diagnostic::text::render(std::slice::from_ref(&report), false);
}

/// Lines built from the design format's own vocabulary, at random depths,
/// so that most inputs get past the YAML syntax into the checks.
fn yaml_like() -> impl Strategy<Value = String> {
    let keys = prop::sample::select(vec![
        "version",
        "name",
        "components",
        "zones",
        "requirements",
        "peak_rps",
        "api",
        "db",
        "cache",
        "q",
        "users",
        "kind",
        "replicas",
        "calls",
        "to",
        "capacity",
        "latency",
        "concurrency",
        "backing",
        "consumer",
        "hit_ratio",
        "replication",
        "factor",
        "mode",
        "sharding",
        "workload",
        "reads",
        "writes",
        "allow",
        "rule",
        "reason",
        "until",
        "health_check",
        "dead_letter",
        "per_request",
        "timeout",
        "retries",
        "availability",
        "p99",
    ]);
    let values = prop::sample::select(vec![
        "",
        "1",
        "0",
        "-3",
        "2",
        "service",
        "database",
        "cache",
        "queue",
        "client",
        "load_balancer",
        "api",
        "db",
        "q",
        "cache",
        "15k/s",
        "4ms",
        "0.9",
        "99.9%",
        "true",
        "no",
        "[az1, az2]",
        "[{ to: db }]",
        "[{ to: api }]",
        "{ factor: 3, mode: quorum, write_quorum: 1 }",
        "&a [x]",
        "*a",
        "'",
        "[",
        "{",
        "~",
        "2027-01-01",
        "1e400",
    ]);
    let line = (0usize..4, keys, values)
        .prop_map(|(depth, key, value)| format!("{}{key}: {value}", "  ".repeat(depth)));
    prop::collection::vec(line, 0..40).prop_map(|lines| lines.join("\n"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        check(&bytes);
    }

    #[test]
    fn yaml_shaped_text_never_panics(text in yaml_like()) {
        check(text.as_bytes());
    }

    #[test]
    fn valid_designs_with_random_numbers_never_panic(
        replicas in 0u32..5,
        capacity in "[0-9]{1,6}(k)?/s",
        latency in "[0-9]{1,3}(ms|us|s)",
        per_request in 0.0f64..5.0,
        hit in 0.0f64..1.2,
    ) {
        let text = format!(
            "version: 1\nname: p\ncomponents:\n  users: {{ kind: client, calls: [{{ to: api }}] }}\n  api:\n    kind: service\n    replicas: {replicas}\n    capacity: {capacity}\n    latency: {latency}\n    calls: [{{ to: cache, per_request: {per_request} }}]\n  cache: {{ kind: cache, hit_ratio: {hit}, backing: db }}\n  db: {{ kind: database }}\n"
        );
        check(text.as_bytes());
    }
}

/// A random valid design: components call only later ones (no cycle), with
/// random kinds, replica counts, capacities, fan-out, hit ratios and queues.
fn random_design() -> impl Strategy<Value = String> {
    let component = (
        prop::sample::select(vec![
            "service", "database", "cache", "queue", "worker", "gateway", "external", "search",
        ]),
        1u32..6,
        prop::option::of((1u32..50_000, 1u32..200)),
        prop::collection::vec(
            (1usize..8, 0.05f64..3.0, any::<bool>(), any::<bool>()),
            0..3,
        ),
        0.0f64..1.0,
    );
    (prop::collection::vec(component, 2..12), 1u32..200_000).prop_map(|(components, peak)| {
        let count = components.len();
        let mut yaml = format!(
            "version: 1\nname: random\nrequirements: {{ peak_rps: {peak}, latency_slo: {{ p99: 1s }}, availability_slo: 99.9% }}\nzones: [a, b, c]\ncomponents:\n  users: {{ kind: client, calls: [{{ to: c0 }}] }}\n"
        );
        for (index, (kind, replicas, service, calls, hit)) in components.iter().enumerate() {
            yaml.push_str(&format!("  c{index}:\n    kind: {kind}\n    replicas: {replicas}\n    zones: [a, b, c]\n"));
            if let Some((capacity, latency_ms)) = service {
                yaml.push_str(&format!("    capacity: {capacity}/s\n    latency: {latency_ms}ms\n"));
            }
            let later = |offset: usize| index + 1 + offset % (count - index - 1).max(1);
            match *kind {
                "cache" if index + 1 < count => {
                    yaml.push_str(&format!("    hit_ratio: {hit}\n    backing: c{}\n", later(calls.len())));
                }
                "queue" if index + 1 < count => {
                    yaml.push_str(&format!("    partitions: 4\n    consumer: c{}\n", later(calls.len())));
                }
                "database" => {
                    yaml.push_str("    replication: { factor: 3, mode: quorum }\n    sharding: { key: id, hot_key_share: 0.1 }\n");
                }
                _ => {}
            }
            let targets: Vec<String> = calls
                .iter()
                .filter(|_| index + 1 < count && !matches!(*kind, "queue" | "cache"))
                .map(|(offset, per_request, parallel, write)| {
                    let op = if *write { "write" } else { "read" };
                    format!("{{ to: c{}, per_request: {per_request}, parallel: {parallel}, op: {op} }}", later(*offset))
                })
                .collect();
            if !targets.is_empty() {
                yaml.push_str(&format!("    calls: [{}]\n", targets.join(", ")));
            }
        }
        yaml
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn the_model_never_panics_and_its_figures_make_sense(yaml in random_design(), zone in prop::sample::select(vec!["a", "b"])) {
        let analysis = blueprint::analyse(yaml.as_bytes()).unwrap_or_else(|errors| panic!("{yaml}\n{errors:#?}"));
        for failures in [vec![], vec![blueprint::capacity::failure::Failure::Zone(zone.to_string())]] {
            let options = blueprint::capacity::Options { failures, ..Default::default() };
            let Ok(estimate) = blueprint::capacity::estimate(&analysis.design, &analysis.ways, &options) else { continue };
            prop_assert!((0.0..=1.0).contains(&estimate.availability.value));
            for component in &estimate.components {
                prop_assert!(component.utilization().is_none_or(|u| u >= 0.0));
                if let Some(latency) = component.latency {
                    prop_assert!(latency.p50 <= latency.p99 && latency.mean.is_finite());
                }
            }
            if let Ok(end_to_end) = estimate.end_to_end {
                let quantiles = [end_to_end.p50, end_to_end.p90, end_to_end.p95, end_to_end.p99, end_to_end.p999];
                prop_assert!(quantiles.windows(2).all(|w| w[0] <= w[1]), "{quantiles:?}");
            }
        }
        blueprint::check("random.yaml", yaml.as_bytes(), &blueprint::CheckOptions::default());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(100))]

    /// The same random designs with a closed client (`users`, `think_time`)
    /// instead of an open one: its solved rate is the client's rate, Little's
    /// law holds over its loop, and nothing its requests wait on is driven
    /// to saturation by it alone (a closed population cannot overload what
    /// only it loads), with or without a zone lost.
    #[test]
    fn a_closed_client_never_saturates_what_it_waits_on(
        yaml in random_design(),
        users in 1u32..5_000,
        think_ms in 0u32..10_000,
        zone in prop::sample::select(vec!["a", "b"]),
    ) {
        // No think time is written by leaving it out (a duration is never 0).
        let think_time = if think_ms == 0 { String::new() } else { format!("think_time: {think_ms}ms, ") };
        let closed = yaml.replace(
            "users: { kind: client, calls",
            &format!("users: {{ kind: client, users: {users}, {think_time}calls"),
        );
        let analysis = blueprint::analyse(closed.as_bytes()).unwrap_or_else(|errors| panic!("{closed}\n{errors:#?}"));
        for failures in [vec![], vec![blueprint::capacity::failure::Failure::Zone(zone.to_string())]] {
            let options = blueprint::capacity::Options { failures, quantiles: false, ..Default::default() };
            let Ok(estimate) = blueprint::capacity::estimate(&analysis.design, &analysis.ways, &options) else { continue };
            prop_assert_eq!(estimate.closed.len(), 1);
            let client = &estimate.closed[0];
            prop_assert_eq!(estimate.entry_loads[client.client], client.throughput());
            let Some(solution) = client.solution else { continue };
            if !solution.response_time.is_finite() {
                continue;
            }
            let circulating = solution.throughput * (solution.response_time + f64::from(think_ms) / 1000.0);
            prop_assert!((circulating - f64::from(users)).abs() <= 1e-6 * f64::from(users), "{circulating} of {users}");
            for (id, component) in estimate.components.iter().enumerate() {
                if analysis.ways.required[id]
                    && let Some(utilization) = component.utilization().filter(|u| u.is_finite())
                {
                    prop_assert!(utilization < 1.0 + 1e-9, "{} at {utilization}\n{closed}", analysis.design.components[id].name());
                }
            }
        }
    }
}

proptest! {
    // Each revision runs the full estimate: fewer cases.
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn diff_never_panics_and_a_design_equals_itself(old in random_design(), new in random_design()) {
        use blueprint::compare;
        use blueprint::diagnostic::Severity;
        use blueprint::present::diff::{Labels, render_json, render_markdown, render_text};
        let options = blueprint::CheckOptions::default();
        let assess = |yaml: &str| compare::assess(blueprint::analyse(yaml.as_bytes()).unwrap(), &options);
        let (old, new) = (assess(&old), assess(&new));
        let same = compare::compare(&old, &old);
        prop_assert!(same.is_empty(), "{:?}", same.changed);
        prop_assert!(same.regressions(Severity::Info).is_empty());
        let diff = compare::compare(&old, &new);
        let labels = Labels { old: "old.yaml", new: "new.yaml" };
        render_text(&diff, &labels, Severity::Warning);
        render_markdown(&diff, &labels, Severity::Warning);
        let json: serde_json::Value = serde_json::from_str(&render_json(&diff, &labels, Severity::Warning)).unwrap();
        prop_assert_eq!(&json["version"], 1);
    }
}

proptest! {
    // Each report lays out a diagram and re-runs the model for its charts.
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn a_report_of_any_design_is_written_whole(yaml in random_design()) {
        use blueprint::diagnostic::Severity;
        use blueprint::report::{self, Input};
        let analysis = blueprint::analyse(yaml.as_bytes()).unwrap();
        let options = blueprint::CheckOptions::default();
        let review = blueprint::review_with(&analysis, &options, true);
        let document = report::build(&Input {
            path: "random.yaml",
            source: &yaml,
            analysis: &analysis,
            estimate: review.estimate.as_ref(),
            findings: &review.findings,
            fail_on: Severity::Warning,
            hot_utilization: 0.8,
            simulation: None,
        });
        let html = report::html::render(&document);
        prop_assert!(html.starts_with("<!DOCTYPE html>") && html.ends_with("</html>\n"));
        prop_assert_eq!(html.matches("<section id=").count(), html.matches("</section>").count());
        let markdown = report::markdown::render(&document);
        prop_assert!(markdown.starts_with("# random: design review"));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn the_simulation_never_panics_and_counts_add_up(
        yaml in random_design(),
        blocking in any::<bool>(),
        zone in prop::sample::select(vec!["a", "b", "c"]),
    ) {
        use blueprint::simulate::{self, Options, Progress, TimedFailure};
        let analysis = blueprint::analyse(yaml.as_bytes()).unwrap();
        // A light load, so that each case simulates a few hundred requests.
        let model = blueprint::capacity::Options { entry_rps: Some(200.0), quantiles: false, ..Default::default() };
        let Ok(estimate) = blueprint::capacity::estimate(&analysis.design, &analysis.ways, &model) else {
            return Ok(());
        };
        let options = Options {
            duration: 2.0,
            warmup: 0.5,
            replications: 2,
            blocking,
            failures: vec![TimedFailure::parse(&format!("zone:{zone}@0.5s..1.5s")).unwrap()],
            ..Options::default()
        };
        let simulation = simulate::run(&analysis, &estimate, &options, &Progress::default()).unwrap();
        prop_assert!(simulation.customers > 0);
        prop_assert!(simulation.errors <= simulation.customers);
        prop_assert!(simulation.dropped <= simulation.errors);
        prop_assert_eq!(simulation.components.len(), analysis.design.components.len());
        for component in &simulation.components {
            prop_assert!(component.utilization.is_none_or(|u| (0.0..=1.0 + 1e-9).contains(&u.value)));
        }
    }
}

/// A random valid design with operations: 1 to 3 operations share the
/// client's load; each call is made for every operation or for a random
/// few (`for`); some calls hand the callee an internal operation (`as`).
/// Calls only go to later components, so no sync cycle can form. With
/// `single_keys`, every call is made at most once per request, so a store
/// is reached for one key at a time.
fn random_design_with_operations(single_keys: bool) -> impl Strategy<Value = String> {
    let component = (
        prop::sample::select(vec![
            "service", "database", "cache", "queue", "worker", "gateway", "search",
        ]),
        1u32..6,
        prop::option::of((1u32..50_000, 1u32..200)),
        prop::collection::vec(
            (
                1usize..8,
                0.05f64..3.0,
                any::<bool>(),
                prop::option::of(prop::collection::vec(0usize..3, 1..3)),
                prop::option::weighted(0.2, any::<bool>()),
            ),
            0..3,
        ),
        0.0f64..1.0,
    );
    (
        prop::collection::vec(component, 2..12),
        1u32..200_000,
        prop::collection::vec(1u32..10, 1..4),
    )
        .prop_map(move |(components, peak, weights)| {
            let count = components.len();
            let total: u32 = weights.iter().sum();
            let mut shares: Vec<f64> = weights.iter().map(|w| f64::from(*w) / f64::from(total)).collect();
            // The last share takes the rounding, so they add up to 1.
            let rest: f64 = shares[..shares.len() - 1].iter().sum();
            *shares.last_mut().unwrap() = 1.0 - rest;
            let mut yaml = format!(
                "version: 1\nname: random\nrequirements: {{ peak_rps: {peak}, latency_slo: {{ p99: 1s }}, availability_slo: 99.9% }}\nzones: [a, b, c]\noperations:\n"
            );
            for (index, share) in shares.iter().enumerate() {
                yaml.push_str(&format!("  o{index}: {{ share: {share} }}\n"));
            }
            yaml.push_str("  internal: {}\ncomponents:\n  users: { kind: client, calls: [{ to: c0 }] }\n");
            for (index, (kind, replicas, service, calls, hit)) in components.iter().enumerate() {
                yaml.push_str(&format!("  c{index}:\n    kind: {kind}\n    replicas: {replicas}\n    zones: [a, b, c]\n"));
                if let Some((capacity, latency_ms)) = service {
                    yaml.push_str(&format!("    capacity: {capacity}/s\n    latency: {latency_ms}ms\n"));
                }
                let later = |offset: usize| index + 1 + offset % (count - index - 1).max(1);
                match *kind {
                    "cache" if index + 1 < count => {
                        yaml.push_str(&format!("    hit_ratio: {hit}\n    backing: c{}\n", later(calls.len())));
                    }
                    "queue" if index + 1 < count => {
                        yaml.push_str(&format!("    partitions: 4\n    consumer: c{}\n", later(calls.len())));
                    }
                    "database" => {
                        yaml.push_str("    replication: { factor: 3, mode: quorum }\n    sharding: { key: id }\n");
                    }
                    _ => {}
                }
                let targets: Vec<String> = calls
                    .iter()
                    .filter(|_| index + 1 < count && !matches!(*kind, "queue" | "cache"))
                    .map(|(offset, per_request, write, only, handoff)| {
                        let op = if *write { "write" } else { "read" };
                        let per_request = if single_keys { per_request.min(1.0) } else { *per_request };
                        let mut call = format!("{{ to: c{}, per_request: {per_request}, op: {op}", later(*offset));
                        if let Some(only) = only {
                            let names: Vec<String> = only
                                .iter()
                                .map(|o| format!("o{}", o % shares.len()))
                                .collect();
                            call.push_str(&format!(", for: [{}]", names.join(", ")));
                        }
                        if let Some(sync) = handoff {
                            call.push_str(if *sync { ", as: internal" } else { ", as: internal, mode: async" });
                        }
                        call.push_str(" }");
                        call
                    })
                    .collect();
                if !targets.is_empty() {
                    yaml.push_str(&format!("    calls: [{}]\n", targets.join(", ")));
                }
            }
            yaml
        })
}

fn model_of(
    analysis: &blueprint::Analysis,
    options: &blueprint::capacity::Options,
) -> Option<blueprint::capacity::Estimate> {
    blueprint::capacity::estimate(&analysis.design, &analysis.ways, options).ok()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Operations never panic anything, their availabilities are shares of
    /// requests, and all traffic's is their rate-weighted mean.
    #[test]
    fn operations_never_panic_and_availabilities_are_shares(yaml in random_design_with_operations(false)) {
        let analysis = blueprint::analyse(yaml.as_bytes()).unwrap_or_else(|errors| panic!("{yaml}\n{errors:#?}"));
        let options = blueprint::capacity::Options::default();
        if let Some(estimate) = model_of(&analysis, &options) {
            for operation in &estimate.operations {
                prop_assert!((0.0..=1.0).contains(&operation.availability.value));
                prop_assert!(operation.costs.iter().all(|c| c.unavailability >= 0.0));
            }
            let total: f64 = estimate.operations.iter().map(|o| o.rps).sum();
            if total > 0.0 {
                let weighted: f64 = estimate.operations.iter().map(|o| o.rps * o.availability.value).sum::<f64>() / total;
                prop_assert!((weighted - estimate.availability.value).abs() < 1e-9);
            }
        }
        blueprint::check("random.yaml", yaml.as_bytes(), &blueprint::CheckOptions::default());
    }

    /// Loads add up across operations: each operation alone puts its own
    /// load on every component, and together they put the sum.
    #[test]
    fn loads_add_up_across_operations(yaml in random_design_with_operations(false)) {
        use blueprint::capacity::load::propagate;
        let analysis = blueprint::analyse(yaml.as_bytes()).unwrap();
        let ways = &analysis.ways;
        let rates: Vec<f64> = ways.operations.iter().map(|o| 1000.0 * o.share).collect();
        let Ok(together) = propagate(&analysis.design, ways, &rates) else { return Ok(()) };
        let mut summed = vec![0.0; analysis.design.components.len()];
        for operation in 0..rates.len() {
            let mut alone = vec![0.0; rates.len()];
            alone[operation] = rates[operation];
            let loads = propagate(&analysis.design, ways, &alone).unwrap();
            for (sum, load) in summed.iter_mut().zip(&loads.components) {
                *sum += load.total();
            }
        }
        for (sum, load) in summed.iter().zip(&together.components) {
            prop_assert!((sum - load.total()).abs() <= 1e-9 * load.total().max(1.0), "{sum} against {}", load.total());
        }
    }

    /// One more replica of a component that is not a store never lowers
    /// any operation's availability (it spreads round-robin, so every zone
    /// keeps at least what it had).
    #[test]
    fn a_replica_more_never_lowers_availability(yaml in random_design_with_operations(false), pick in 0usize..12) {
        let analysis = blueprint::analyse(yaml.as_bytes()).unwrap();
        let candidates: Vec<usize> = analysis.design.components.iter().enumerate()
            .filter(|(_, c)| !matches!(c.kind(), blueprint::design::Kind::Client | blueprint::design::Kind::Database))
            .map(|(id, _)| id)
            .collect();
        if candidates.is_empty() {
            return Ok(());
        }
        let id = candidates[pick % candidates.len()];
        let name = analysis.design.components[id].name().to_string();
        let replicas = analysis.design.components[id].replica_count();
        let more = yaml.replacen(
            &format!("  {name}:\n    kind: {}\n    replicas: {replicas}\n", analysis.design.components[id].kind()),
            &format!("  {name}:\n    kind: {}\n    replicas: {}\n", analysis.design.components[id].kind(), replicas + 1),
            1,
        );
        prop_assert_ne!(&more, &yaml);
        let options = blueprint::capacity::Options { quantiles: false, ..Default::default() };
        let (Some(before), Some(after)) = (
            model_of(&analysis, &options),
            model_of(&blueprint::analyse(more.as_bytes()).unwrap(), &options),
        ) else { return Ok(()) };
        for (old, new) in before.operations.iter().zip(&after.operations) {
            prop_assert!(new.availability.value >= old.availability.value - 1e-12,
                "{name}: {} -> {}", old.availability.value, new.availability.value);
        }
    }

    /// One more shard (three more nodes, one copy in each zone) of a store
    /// never lowers availability when each request reads one key.
    #[test]
    fn a_shard_more_never_lowers_availability(yaml in random_design_with_operations(true)) {
        let analysis = blueprint::analyse(yaml.as_bytes()).unwrap();
        let Some(store) = analysis.design.components.iter().find(|c| c.kind() == blueprint::design::Kind::Database) else {
            return Ok(());
        };
        let replicas = store.replica_count();
        let name = store.name().to_string();
        // Only requests that touch one key: several keys over more shards
        // touch more shards, each of which may be down.
        let id = analysis.design.component_named(&name).unwrap();
        let one_key = analysis.ways.reach.iter().flatten()
            .filter(|r| r.component == id)
            .all(|r| r.visits.reads <= 1.0 && r.visits.writes <= 1.0);
        if !one_key {
            return Ok(());
        }
        let more = yaml.replacen(
            &format!("  {name}:\n    kind: database\n    replicas: {replicas}\n"),
            &format!("  {name}:\n    kind: database\n    replicas: {}\n", replicas + 3),
            1,
        );
        let options = blueprint::capacity::Options { quantiles: false, ..Default::default() };
        let (Some(before), Some(after)) = (
            model_of(&analysis, &options),
            model_of(&blueprint::analyse(more.as_bytes()).unwrap(), &options),
        ) else { return Ok(()) };
        for (old, new) in before.operations.iter().zip(&after.operations) {
            prop_assert!(new.availability.value >= old.availability.value - 1e-12,
                "{name}: {} -> {}", old.availability.value, new.availability.value);
        }
    }
}
