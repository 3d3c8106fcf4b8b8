//! The SVG of a generated design (layout and writing, the design already
//! read) at 1,000 and 10,000 components. Run with `cargo bench --bench
//! render`; `cargo run --release --example layout_vs_dot` times the whole
//! `render` command beside Graphviz `dot`.

// Only the `blocks` shape of the generator is used here.
#[allow(dead_code)]
mod support;

use blueprint::render::diagram::{self, Direction};
use criterion::{Criterion, criterion_group, criterion_main};

fn svg_of_generated_designs(c: &mut Criterion) {
    let mut group = c.benchmark_group("render-svg");
    group.sample_size(10);
    for components in [1_000, 10_000] {
        let yaml = support::design(components);
        let analysis = blueprint::analyse(yaml.as_bytes()).expect("generated design is valid");
        let drawing = diagram::build(
            &analysis.design,
            &analysis.topology,
            None,
            &[],
            Direction::TopToBottom,
            0.8,
        );
        group.bench_function(format!("{components}-components"), |b| {
            b.iter(|| blueprint::render::svg::render(&drawing))
        });
    }
    group.finish();
}

criterion_group!(benches, svg_of_generated_designs);
criterion_main!(benches);
