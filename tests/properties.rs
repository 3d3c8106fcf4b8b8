//! Property tests: no input makes the reader or the checks panic.

use proptest::prelude::*;

fn check(text: &[u8]) {
    let report = blueprint::check("prop.yaml", text, &blueprint::CheckOptions::default());
    for diagnostic in &report.diagnostics {
        if let Some(span) = diagnostic.span {
            assert!(span.line >= 1 && span.column >= 1, "{diagnostic:?}");
            assert!(
                span.start <= span.end && span.end <= report.source.len(),
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
