//! `simulate` throughput in customers (requests entering) per second of
//! wall time: the three-station M/M/c tandem of
//! `tests/fixtures/simulate/tandem.yaml` (the speed target: at least
//! 5,000,000 a second on two cores), and a bundled design with caches,
//! quorum stores, queues and timeouts. Run with `cargo bench --bench simulate`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

use blueprint::simulate::{self, Options, Progress};

fn simulate_design(c: &mut Criterion, name: &str, yaml: &str, duration: f64) {
    let analysis = blueprint::analyse(yaml.as_bytes()).expect("the design is valid");
    let estimate = blueprint::capacity::estimate(
        &analysis.design,
        &analysis.ways,
        &blueprint::capacity::Options {
            quantiles: false,
            ..blueprint::capacity::Options::default()
        },
    )
    .expect("the model settles");
    let options = Options {
        duration,
        warmup: 0.0,
        replications: 4,
        ..Options::default()
    };
    let customers = simulate::run(&analysis, &estimate, &options, &Progress::default())
        .expect("the simulation runs")
        .customers;
    let mut group = c.benchmark_group("simulate");
    group.sample_size(10);
    group.throughput(Throughput::Elements(customers));
    group.bench_function(name, |b| {
        b.iter(|| {
            simulate::run(&analysis, &estimate, &options, &Progress::default())
                .expect("the simulation runs")
        })
    });
    group.finish();
}

fn tandem(c: &mut Criterion) {
    simulate_design(
        c,
        "mmc-tandem",
        include_str!("../tests/fixtures/simulate/tandem.yaml"),
        500.0,
    );
}

fn url_shortener(c: &mut Criterion) {
    simulate_design(
        c,
        "url-shortener",
        include_str!("../designs/url-shortener.yaml"),
        5.0,
    );
}

criterion_group!(benches, tandem, url_shortener);
criterion_main!(benches);
