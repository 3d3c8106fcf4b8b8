//! `estimate` (the whole capacity model) of generated 10,000-component
//! designs of every shape, against the time serde-saphyr needs to parse the
//! same text into a generic value. Run with `cargo bench --bench estimate`.

mod support;

use criterion::{Criterion, criterion_group, criterion_main};

fn estimate_against_parse(c: &mut Criterion) {
    for shape in support::SHAPES {
        let yaml = support::shaped(shape, 10_000);
        let mut group = c.benchmark_group(format!("10k-{shape}"));
        group.sample_size(10);
        group.bench_function("parse-generic", |b| {
            b.iter(|| support::parse_generic(&yaml))
        });
        group.bench_function("estimate", |b| {
            b.iter(|| {
                let analysis =
                    blueprint::analyse(yaml.as_bytes()).expect("generated design is valid");
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
}

criterion_group!(benches, estimate_against_parse);
criterion_main!(benches);
