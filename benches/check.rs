//! `check` of generated 10,000-component designs of every shape, against
//! the time serde-saphyr needs to parse the same text into a generic value.
//! Run with `cargo bench --bench check`; the ratio of each shape's `check`
//! to its `parse-generic` is the figure that matters.

mod support;

use criterion::{Criterion, criterion_group, criterion_main};

fn check_against_parse(c: &mut Criterion) {
    for shape in support::SHAPES {
        let yaml = support::shaped(shape, 10_000);
        let mut group = c.benchmark_group(format!("10k-{shape}"));
        group.sample_size(10);
        group.bench_function("parse-generic", |b| {
            b.iter(|| support::parse_generic(&yaml))
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
}

criterion_group!(benches, check_against_parse);
criterion_main!(benches);
