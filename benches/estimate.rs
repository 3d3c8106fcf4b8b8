//! `estimate` (the capacity model with 100,000 Monte Carlo walks) of a
//! generated 10,000-component design, against the time serde-saphyr needs
//! to parse the same text into a generic value. Run with
//! `cargo bench --bench estimate`.

mod support;

use criterion::{Criterion, criterion_group, criterion_main};

fn estimate_against_parse(c: &mut Criterion) {
    let yaml = support::design(10_000);
    let mut group = c.benchmark_group("10k-components");
    group.sample_size(10);
    group.bench_function("parse-generic", |b| {
        b.iter(|| {
            serde_saphyr::from_str::<serde_json::Value>(&yaml).expect("generated design parses")
        })
    });
    group.bench_function("estimate", |b| {
        b.iter(|| {
            let analysis = blueprint::analyse(yaml.as_bytes()).expect("generated design is valid");
            blueprint::capacity::estimate(
                &analysis.design,
                &analysis.ways,
                &blueprint::capacity::Options::default(),
            )
            .expect("generated design settles")
        })
    });
    group.finish();
}

criterion_group!(benches, estimate_against_parse);
criterion_main!(benches);
