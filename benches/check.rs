//! `check` of a generated 10,000-component design, against the time
//! serde-saphyr needs to parse the same text into a generic value.
//! Run with `cargo bench --bench check`.

mod support;

use criterion::{Criterion, criterion_group, criterion_main};

fn check_against_parse(c: &mut Criterion) {
    let yaml = support::design(10_000);
    let mut group = c.benchmark_group("10k-components");
    group.sample_size(10);
    group.bench_function("parse-generic", |b| {
        b.iter(|| {
            serde_saphyr::from_str::<serde_json::Value>(&yaml).expect("generated design parses")
        })
    });
    group.bench_function("check", |b| {
        b.iter(|| {
            blueprint::check(
                "generated.yaml",
                yaml.as_bytes(),
                &blueprint::CheckOptions::default(),
            )
        })
    });
    group.finish();
}

criterion_group!(benches, check_against_parse);
criterion_main!(benches);
