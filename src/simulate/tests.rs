//! The simulation against queueing theory. Every run has a fixed seed, so
//! the tests are repeatable; the tolerances are the simulation's own 95%
//! confidence intervals, so an engine that were wrong by more than its
//! noise would fail them.
//!
//! A test that checks several figures at once holds its headline figure to
//! the 95% interval and the others to twice their interval: a family of
//! figures each at 95% would fail by chance alone one time in a few (the
//! Bonferroni bound), while twice the interval is about the 99.5% level for
//! one figure with the replications used here.

use super::*;
use crate::capacity::{self, Estimate};
use crate::design::Design;

struct Run {
    design: Design,
    estimate: Estimate,
    simulation: Simulation,
}

impl Run {
    fn component(&self, name: &str) -> &ComponentFigures {
        let id = self.design.component_named(name).expect("component exists");
        &self.simulation.components[id]
    }

    fn analytic(&self, name: &str) -> &capacity::ComponentEstimate {
        let id = self.design.component_named(name).expect("component exists");
        &self.estimate.components[id]
    }

    fn end_to_end(&self) -> EndToEndFigures {
        self.simulation.end_to_end.expect("requests completed")
    }
}

fn simulate(yaml: &str, options: &Options) -> Run {
    let analysis = crate::analyse(yaml.as_bytes()).expect("valid design");
    let estimate = capacity::estimate(
        &analysis.design,
        &analysis.ways,
        &capacity::Options::default(),
    )
    .expect("the model settles");
    let simulation =
        run(&analysis, &estimate, options, &Progress::default()).expect("the simulation runs");
    Run {
        design: analysis.design,
        estimate,
        simulation,
    }
}

fn options(duration: f64, replications: u32) -> Options {
    Options {
        duration,
        warmup: 20.0,
        replications,
        ..Options::default()
    }
}

/// Each named station's simulated mean response time and utilisation lie
/// within twice their intervals of the analytic figures.
fn stations_agree(run: &Run, names: &[&str]) {
    for &name in names {
        let analytic = run.analytic(name);
        let simulated = run.component(name);
        assert_inside(
            name,
            simulated.latency.unwrap().mean,
            analytic.latency.unwrap().mean,
            2.0,
        );
        assert_inside(
            name,
            simulated.utilization.unwrap(),
            analytic.utilization().unwrap(),
            2.0,
        );
    }
}

/// Asserts that `expected` lies inside `widen` times the interval.
fn assert_inside(what: &str, interval: Interval, expected: f64, widen: f64) {
    let half_width = interval.half_width.expect("an interval");
    assert!(
        (interval.value - expected).abs() <= widen * half_width,
        "{what}: simulated {} ± {half_width} (x{widen}), expected {expected}",
        interval.value
    );
}

const MM1: &str = "version: 1
name: M/M/1
requirements: { peak_rps: 80/s }
components:
  users: { kind: client, calls: [{ to: server }] }
  server: { kind: service, capacity: 100/s, concurrency: 1 }
";

/// M/M/1 at lambda = 80/s, mu = 100/s (Kleinrock, Queueing Systems vol. 1,
/// 3.2; Harchol-Balter, Performance Modeling and Design of Computer
/// Systems, ch. 13): rho = 0.8, the response time is exponential at rate
/// mu - lambda = 20/s, so its mean is 50 ms and its p99 ln(100)/20 s.
#[test]
fn mm1_matches_the_closed_forms() {
    let run = simulate(MM1, &options(400.0, 8));
    let server = run.component("server");
    let latency = server.latency.unwrap();
    assert_inside("mean response", latency.mean, 0.05, 1.0);
    assert_inside("p99 response", latency.p99, 100f64.ln() / 20.0, 2.0);
    assert_inside("utilisation", server.utilization.unwrap(), 0.8, 2.0);
    assert_inside("end-to-end mean", run.end_to_end().mean, 0.05, 2.0);
    assert_eq!(run.simulation.errors, 0);
}

/// M/M/4 at lambda = 300/s, mu = 100/s per server: the analytic model's
/// Erlang C figures (themselves checked against published tables in
/// `capacity::station`).
#[test]
fn mmc_matches_erlang_c() {
    let yaml = "version: 1
name: M/M/4
requirements: { peak_rps: 300/s }
components:
  users: { kind: client, calls: [{ to: server }] }
  server: { kind: service, capacity: 400/s, concurrency: 4 }
";
    let run = simulate(yaml, &options(300.0, 8));
    let station = capacity::station::Station::new(4, 100.0, 300.0);
    let latency = run.component("server").latency.unwrap();
    assert_inside("mean response", latency.mean, station.mean_response(), 1.0);
    let exact_p99 = capacity::station::Response::Station(station).quantile(0.99);
    assert_inside("p99 response", latency.p99, exact_p99, 2.0);
    assert_inside(
        "utilisation",
        run.component("server").utilization.unwrap(),
        0.75,
        2.0,
    );
}

const TANDEM: &str = include_str!("../../tests/fixtures/simulate/tandem.yaml");

/// Three M/M/c stations in series form a Jackson network (Jackson,
/// "Jobshop-like queueing systems", 1963; Kleinrock vol. 1, 4.8): each
/// behaves as an independent M/M/c, so the mean end-to-end time is the sum
/// of the three stations' M/M/c means.
#[test]
fn jackson_tandem_matches_the_sum_of_the_station_means() {
    let run = simulate(TANDEM, &options(100.0, 8));
    let exact: f64 = ["a", "b", "c"]
        .iter()
        .map(|name| run.analytic(name).latency.unwrap().mean)
        .sum();
    assert!((run.estimate.mean_by_formula.unwrap() - exact).abs() < 1e-12);
    assert_inside("end-to-end mean", run.end_to_end().mean, exact, 1.0);
    stations_agree(&run, &["a", "b", "c"]);
    let comparison = compare::compare(&run.estimate, &run.simulation);
    assert_eq!(comparison.components.len(), 3);
}

/// A bundled design with exponential service agrees with its analytic
/// estimate: paste-service's caches, object store, semi-sync database and
/// fractional calls.
#[test]
fn a_bundled_design_agrees_with_the_analytic_model() {
    let yaml = include_str!("../../designs/paste-service.yaml");
    let run = simulate(yaml, &options(120.0, 8));
    let analytic = run.estimate.end_to_end.as_ref().unwrap();
    // The analytic end-to-end mean is itself a Monte Carlo estimate.
    let simulated = run.end_to_end().mean;
    assert!(
        simulated.contains(analytic.mean, compare::WALK_TOLERANCE * analytic.mean),
        "end-to-end mean: simulated {simulated:?}, analytic {}",
        analytic.mean
    );
    let mut modelled = 0;
    for (id, component) in run.design.components.iter().enumerate() {
        let simulated = &run.simulation.components[id];
        let analytic = &run.estimate.components[id];
        let (Some(utilization), Some(latency)) = (simulated.utilization, simulated.latency) else {
            continue;
        };
        modelled += 1;
        let name = component.name();
        assert_inside(name, utilization, analytic.utilization().unwrap(), 2.0);
        assert_inside(name, latency.mean, analytic.latency.unwrap().mean, 2.0);
    }
    assert_eq!(modelled, 6);
}

const SHAPED_TANDEM: &str = include_str!("../../tests/fixtures/simulate/shaped-tandem.yaml");

/// Measured (lognormal) service times and bursty arrivals, simulated as
/// the design gives them (the default options), against the G/G/c
/// figures: Allen–Cunneen waits with QNA's departures along the tandem
/// (capacity-model.md, "Latency shapes"). The approximation is not exact,
/// so each station's mean is held to twice its interval; the end-to-end
/// mean and p99 to theirs. The same design's M/M/c figures (means alone,
/// Poisson arrivals) lie far outside, so the test tells the two apart.
#[test]
fn a_shaped_tandem_agrees_with_the_gg_figures() {
    let run = simulate(SHAPED_TANDEM, &options(100.0, 8));
    assert_eq!(run.simulation.options.service, ServiceTime::Designed);
    assert_eq!(run.simulation.options.arrivals, Arrivals::Designed);
    stations_agree(&run, &["a", "b", "c"]);
    let analytic = run.estimate.end_to_end.as_ref().unwrap();
    assert_inside("end-to-end mean", run.end_to_end().mean, analytic.mean, 2.0);
    assert_inside("end-to-end p99", run.end_to_end().p99, analytic.p99, 2.0);

    let means_only = SHAPED_TANDEM
        .replace("arrivals: { burstiness: 2 }, ", "")
        .replace("latency: { p50: 1ms, p99: 6ms }", "latency: 1.345ms")
        .replace(
            "latency: { p50: 4ms, p90: 12ms, p99: 30ms }",
            "latency: 5.8ms",
        );
    let markovian = simulate_estimate(&means_only);
    let station_a = markovian.components[1].latency.unwrap().mean;
    let simulated_a = run.component("a").latency.unwrap().mean;
    assert!(
        (simulated_a.value - station_a).abs() > 4.0 * simulated_a.half_width.unwrap(),
        "M/M/1 at `a` ({station_a}) is as close as G/G/1: the test cannot tell them apart"
    );
}

/// The estimate alone, for a design the test does not simulate.
fn simulate_estimate(yaml: &str) -> Estimate {
    let analysis = crate::analyse(yaml.as_bytes()).expect("valid design");
    capacity::estimate(
        &analysis.design,
        &analysis.ways,
        &capacity::Options::default(),
    )
    .expect("the model settles")
}

/// The bundled design with measured percentiles and bursty merchants
/// agrees with its G/G/c estimate: every component's utilisation within
/// twice its interval, its mean response within twice its interval or 2%
/// (Allen–Cunneen's error at a few servers and moderate load, where the
/// intervals of a long run are narrower than that), and each operation's
/// end-to-end mean within the walk's tolerance.
#[test]
fn the_shaped_bundled_design_agrees_with_the_gg_figures() {
    let yaml = include_str!("../../designs/payments-api.yaml");
    let run = simulate(yaml, &options(30.0, 4));
    let mut modelled = 0;
    for (id, component) in run.design.components.iter().enumerate() {
        let simulated = &run.simulation.components[id];
        let analytic = &run.estimate.components[id];
        let (Some(utilization), Some(latency)) = (simulated.utilization, simulated.latency) else {
            continue;
        };
        modelled += 1;
        let name = component.name();
        assert_inside(name, utilization, analytic.utilization().unwrap(), 2.0);
        let expected = analytic.latency.unwrap().mean;
        if (latency.mean.value - expected).abs() > 0.02 * expected {
            assert_inside(name, latency.mean, expected, 2.0);
        }
    }
    assert_eq!(modelled, 8);
    let analytic = run.estimate.end_to_end.as_ref().unwrap();
    let simulated = run.end_to_end();
    assert!(
        simulated
            .mean
            .contains(analytic.mean, compare::WALK_TOLERANCE * analytic.mean),
        "end-to-end mean: simulated {:?}, analytic {}",
        simulated.mean,
        analytic.mean
    );
    assert!(
        (simulated.p99.value - analytic.p99).abs() <= 0.03 * analytic.p99,
        "end-to-end p99: simulated {:?}, analytic {}",
        simulated.p99,
        analytic.p99
    );
}

/// Little's law, L = lambda W (Little, "A proof for the queuing formula
/// L = lambda W", 1961), at every station: the time-average number present
/// against the arrival rate times the mean time spent, both measured
/// independently by the engine.
#[test]
fn littles_law_holds_at_every_station() {
    for (yaml, blocking) in [
        (TANDEM, false),
        (TANDEM, true),
        (include_str!("../../designs/paste-service.yaml"), false),
    ] {
        let run = simulate(
            yaml,
            &Options {
                blocking,
                ..options(100.0, 2)
            },
        );
        for (id, component) in run.design.components.iter().enumerate() {
            let figures = &run.simulation.components[id];
            let Some(sojourn) = figures.mean_sojourn else {
                continue;
            };
            let little = figures.arrival_rate.value * sojourn.value;
            let present = figures.mean_present.value;
            assert!(
                (present - little).abs() <= 0.01 * present,
                "{}: L = {present}, lambda W = {little}",
                component.name(),
            );
        }
    }
}

/// M/D/1 at rho = 0.8 with S = 10 ms: the Pollaczek-Khinchine mean wait
/// (Kleinrock vol. 1, 5.5; Harchol-Balter ch. 23), E[Wq] = rho E[S^2] /
/// (2 E[S] (1 - rho)) = rho S / (2 (1 - rho)) = 20 ms, half the M/M/1 wait,
/// so the mean response is 30 ms and the exponential model's 50 ms is
/// flagged.
#[test]
fn md1_matches_pollaczek_khinchine() {
    let run = simulate(
        MM1,
        &Options {
            service: ServiceTime::Deterministic,
            ..options(300.0, 8)
        },
    );
    let latency = run.component("server").latency.unwrap();
    assert_inside("M/D/1 mean response", latency.mean, 0.03, 1.0);
    let comparison = compare::compare(&run.estimate, &run.simulation);
    assert_eq!(comparison.components[0].mean.unwrap().agrees(), Some(false));
}

/// M/G/1 with lognormal service (coefficient of variation 0.5) at rho =
/// 0.5: Pollaczek-Khinchine with E[S^2] = (1 + cv^2) S^2 gives E[Wq] =
/// rho (1 + cv^2) S / (2 (1 - rho)) = 0.625 S, a mean response of 1.625 S.
#[test]
fn lognormal_service_keeps_its_mean_and_matches_pollaczek_khinchine() {
    let yaml = "version: 1
name: M/G/1
requirements: { peak_rps: 50/s }
components:
  users: { kind: client, calls: [{ to: server }] }
  server: { kind: service, capacity: 100/s, concurrency: 1 }
";
    let run = simulate(
        yaml,
        &Options {
            service: ServiceTime::LogNormal { cv: 0.5 },
            ..options(200.0, 8)
        },
    );
    let server = run.component("server");
    // This seed's run lands two half-widths high; twelve other seeds
    // scatter around the exact value as they should, and 20,000 s runs
    // give 16.25 ms to within 0.2%, so the band is three half-widths.
    assert_inside("mean response", server.latency.unwrap().mean, 0.01625, 3.0);
    assert_inside("utilisation", server.utilization.unwrap(), 0.5, 2.0);
}

/// Evenly spaced arrivals and fixed service times below capacity never
/// wait (D/D/1): every response is exactly the service time.
#[test]
fn constant_arrivals_and_fixed_service_never_wait() {
    let run = simulate(
        MM1,
        &Options {
            arrivals: Arrivals::Constant,
            service: ServiceTime::Deterministic,
            ..options(20.0, 2)
        },
    );
    let latency = run.component("server").latency.unwrap();
    assert!((latency.mean.value - 0.01).abs() < 1e-9, "{latency:?}");
    assert!((latency.p99.value - 0.01).abs() < 0.01 / 128.0);
}

/// Arrivals burstier than Poisson (squared coefficient of variation 4)
/// wait longer than M/M/1 says: the comparison flags the mean.
#[test]
fn bursty_arrivals_wait_longer_than_the_model_says() {
    let run = simulate(
        MM1,
        &Options {
            arrivals: Arrivals::Bursty,
            ..options(200.0, 4)
        },
    );
    let mean = run.component("server").latency.unwrap().mean;
    assert!(mean.value > 0.05 + mean.half_width.unwrap(), "{mean:?}");
}

const RETRIES: &str = "version: 1
name: retries
requirements: { peak_rps: 200/s }
components:
  users: { kind: client, calls: [{ to: api }] }
  api: { kind: service, capacity: 100k/s, concurrency: 1000, calls: [{ to: slow, timeout: 5ms, retries: 2 }] }
  slow: { kind: service, latency: 10ms, concurrency: 1000 }
";

/// A callee with ample servers answers in an exponential time of mean
/// 10 ms, so an attempt outlives a 5 ms timeout with probability p =
/// e^-0.5. With two retries a request makes 1 + p + p^2 attempts on
/// average (each abandoned attempt still runs to its end), and fails
/// when all three time out, with probability p^3.
#[test]
fn timeouts_and_retries_multiply_the_callee_load() {
    let run = simulate(RETRIES, &options(60.0, 4));
    let p = (-0.5f64).exp();
    let attempts = 200.0 * (1.0 + p + p * p);
    let slow = run.component("slow");
    assert!(
        (slow.arrival_rate.value - attempts).abs() <= 0.02 * attempts,
        "{} attempts/s, expected {attempts}",
        slow.arrival_rate.value
    );
    let error_rate = run.simulation.errors as f64 / run.simulation.customers as f64;
    assert!(
        (error_rate - p.powi(3)).abs() < 0.01,
        "error rate {error_rate}, expected {}",
        p.powi(3)
    );
    assert!(slow.timeouts > 0);

    let with_fallback = RETRIES.replace("retries: 2", "retries: 2, fallback: true");
    let run = simulate(&with_fallback, &options(20.0, 2));
    assert_eq!(run.simulation.errors, 0);
}

/// Retries with backoff wait before trying again, so the requests that
/// fail take longer, but the attempts made stay 1 + p + p^2 per request.
#[test]
fn backoff_delays_retries_without_changing_their_number() {
    let yaml = RETRIES.replace("retries: 2", "retries: 2, backoff: true");
    let run = simulate(&yaml, &options(60.0, 4));
    let p = (-0.5f64).exp();
    let attempts = 200.0 * (1.0 + p + p * p);
    let slow = run.component("slow");
    assert!((slow.arrival_rate.value - attempts).abs() <= 0.02 * attempts);
    // Successful requests: a first attempt (< 5 ms), or a retry after a
    // 5 ms timeout and a backoff of up to 10 ms, then 20 ms.
    assert!(run.end_to_end().p99.value > 0.01);
}

/// The k-th fastest of f exponential copies at no load has mean
/// S sum_{i=0}^{k-1} 1/(f - i) (David and Nagaraja, Order Statistics, 2.5):
/// a quorum write (2 of 3) takes S (1/3 + 1/2); an async write waits for
/// the primary alone, S.
#[test]
fn writes_wait_for_the_copies_their_replication_needs() {
    let yaml = "version: 1
name: quorum
requirements: { peak_rps: 20/s }
components:
  users: { kind: client, calls: [{ to: api }] }
  api: { kind: service, capacity: 100k/s, concurrency: 1000, calls: [{ to: quorum_db, op: write }, { to: async_db, op: write }] }
  quorum_db: { kind: database, replicas: 3, latency: 10ms, concurrency: 1000, replication: { factor: 3, mode: quorum } }
  async_db: { kind: database, replicas: 3, latency: 10ms, concurrency: 1000, replication: { factor: 3, mode: async } }
";
    let run = simulate(yaml, &options(300.0, 4));
    let quorum = run.component("quorum_db").latency.unwrap().mean;
    assert_inside("2 of 3", quorum, 0.01 * (1.0 / 3.0 + 1.0 / 2.0), 1.0);
    let primary = run.component("async_db").latency.unwrap().mean;
    assert_inside("primary", primary, 0.01, 2.0);
    // Every write is applied on all three copies.
    assert!((run.component("quorum_db").arrival_rate.value - 60.0).abs() < 2.0);
}

/// With thread-per-request servers a replica of `a` holds its server while
/// `b` and `c` answer, so (Little's law on the servers) its busy servers
/// are lambda times its service time plus b's and c's responses: here
/// about 2 of its 4 servers, against 0.5 when servers do not block.
#[test]
fn blocking_servers_hold_a_thread_while_their_calls_run() {
    let yaml = "version: 1
name: layers
requirements: { peak_rps: 100/s }
components:
  users: { kind: client, calls: [{ to: a }] }
  a: { kind: service, latency: 5ms, concurrency: 4, calls: [{ to: b }] }
  b: { kind: service, latency: 8ms, concurrency: 2, calls: [{ to: c }] }
  c: { kind: service, latency: 4ms, concurrency: 1 }
";
    let blocking = simulate(
        yaml,
        &Options {
            blocking: true,
            ..options(200.0, 4)
        },
    );
    let a = blocking.component("a");
    let busy_servers = a.mean_utilization.unwrap() * 4.0;
    let hold = 0.005
        + blocking.component("b").latency.unwrap().mean.value
        + blocking.component("c").latency.unwrap().mean.value;
    assert!(
        (busy_servers - 100.0 * hold).abs() <= 0.02 * busy_servers,
        "{busy_servers} busy, expected {}",
        100.0 * hold
    );
    let non_blocking = simulate(yaml, &options(20.0, 2));
    assert!(
        a.utilization.unwrap().value > non_blocking.component("a").utilization.unwrap().value + 0.2
    );
    // The whole tandem fixture, 80% busy without blocking, cannot keep up
    // with it: a needs more threads than it has.
    let tandem = simulate(
        TANDEM,
        &Options {
            blocking: true,
            ..options(10.0, 2)
        },
    );
    assert!(tandem.component("a").utilization.unwrap().value > 0.99);
}

/// A balancer is an event-driven proxy: under `--blocking` it does not hold
/// a server for the downstream call, so its utilisation is its own work
/// (lambda x latency / servers, Little's law) as in the model, while the
/// service behind it holds one for its own callee.
#[test]
fn balancers_do_not_block_on_their_calls() {
    let yaml = "version: 1
name: proxy
requirements: { peak_rps: 100/s }
components:
  users: { kind: client, calls: [{ to: lb }] }
  lb: { kind: load_balancer, latency: 1ms, concurrency: 1, calls: [{ to: a }] }
  a: { kind: service, latency: 5ms, concurrency: 4, calls: [{ to: b }] }
  b: { kind: service, latency: 8ms, concurrency: 4 }
";
    let blocking = simulate(
        yaml,
        &Options {
            blocking: true,
            ..options(200.0, 4)
        },
    );
    let lb = blocking.component("lb").mean_utilization.unwrap();
    assert!((lb - 0.1).abs() <= 0.01, "balancer {lb}, expected 0.1");
    let a = blocking.component("a").mean_utilization.unwrap() * 4.0;
    let hold = 0.005 + blocking.component("b").latency.unwrap().mean.value;
    assert!(
        (a - 100.0 * hold).abs() <= 0.03 * a,
        "{a} busy, expected {}",
        100.0 * hold
    );
}

fn errors_between(simulation: &Simulation, from: f64, until: f64) -> f64 {
    simulation
        .series
        .iter()
        .filter(|b| b.start_s >= from && b.start_s < until)
        .map(|b| b.errors_per_s)
        .sum()
}

/// N+1: losing one of three zones leaves each tier able to carry the load,
/// so not one request fails, and the throughput holds through the window.
#[test]
fn a_zone_failure_in_an_n_plus_one_design_fails_no_request() {
    let run = simulate(
        include_str!("../../tests/fixtures/simulate/n-plus-one.yaml"),
        &Options {
            failures: vec![TimedFailure::parse("zone:az1@20s..40s").unwrap()],
            ..options(60.0, 2)
        },
    );
    assert_eq!(run.simulation.errors, 0);
    let during: Vec<&Bucket> = run.simulation.series[21..39].iter().collect();
    let throughput = during.iter().map(|b| b.throughput_rps).sum::<f64>() / during.len() as f64;
    assert!((throughput - 240.0).abs() < 15.0, "{throughput}/s");
}

/// Not N+1: with one of two zones down the survivor is over capacity, so
/// requests queue and time out inside the window; after the zone returns
/// the backlog drains and the errors stop.
#[test]
fn a_zone_failure_in_a_design_that_is_not_n_plus_one_fails_requests_until_it_recovers() {
    let run = simulate(
        include_str!("../../tests/fixtures/simulate/not-n-plus-one.yaml"),
        &Options {
            failures: vec![TimedFailure::parse("zone:az1@20s..40s").unwrap()],
            ..options(70.0, 2)
        },
    );
    let series = &run.simulation.series;
    assert_eq!(errors_between(&run.simulation, 0.0, 20.0), 0.0);
    assert!(errors_between(&run.simulation, 20.0, 40.0) > 500.0);
    assert!(series[39].backlog > 100.0, "{:?}", series[39]);
    assert_eq!(errors_between(&run.simulation, 60.0, 70.0), 0.0);
    assert!(series[65].backlog < 20.0, "{:?}", series[65]);
    assert!((series[65].throughput_rps - 120.0).abs() < 30.0);
}

/// A queue's consumers pull: while every one of them is down the messages
/// wait in the queue instead of failing, and once they are back every
/// replica takes from the one line, so the backlog drains at the whole
/// consumer's spare capacity (400/s - 380/s here), not a share of it.
#[test]
fn messages_wait_in_the_queue_while_its_consumers_are_down() {
    let run = simulate(
        include_str!("../../tests/fixtures/dynamics/queue-drain.yaml"),
        &Options {
            failures: vec![TimedFailure::parse("worker@10s..20s").unwrap()],
            ..options(120.0, 2)
        },
    );
    assert_eq!(run.simulation.errors, 0);
    let series = &run.simulation.series;
    // 10 s x 380/s held by the queue when the workers come back.
    assert!(
        (series[19].backlog - 3_800.0).abs() < 200.0,
        "{:?}",
        series[19]
    );
    // Drained at 20/s: half of it 95 s after the workers are back (pushed
    // to the replicas, the messages of the outage would have failed, and
    // the rest drained by 5/s per replica).
    assert!(
        (series[114].backlog - 1_900.0).abs() < 400.0,
        "{:?}",
        series[114]
    );
}

/// A replica that does not come back keeps its component short for the
/// rest of the run; one that names nothing is refused.
#[test]
fn failures_without_recovery_and_unknown_targets() {
    let run = simulate(
        include_str!("../../tests/fixtures/simulate/not-n-plus-one.yaml"),
        &Options {
            failures: vec![TimedFailure::parse("api@10s").unwrap()],
            ..options(20.0, 1)
        },
    );
    assert_eq!(errors_between(&run.simulation, 0.0, 10.0), 0.0);
    assert!(run.simulation.series[15].errors_per_s > 100.0);

    let analysis = crate::analyse(MM1.as_bytes()).unwrap();
    let design = &analysis.design;
    let estimate =
        capacity::estimate(design, &analysis.ways, &capacity::Options::default()).unwrap();
    let unknown = Options {
        failures: vec![TimedFailure::parse("servr@1s").unwrap()],
        ..Options::default()
    };
    let error = super::run(&analysis, &estimate, &unknown, &Progress::default()).unwrap_err();
    assert!(
        error.to_string().contains("did you mean `server`"),
        "{error}"
    );
}

#[test]
fn results_are_the_same_whatever_the_number_of_threads() {
    let options = options(10.0, 4);
    let in_pool = |threads| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| simulate(TANDEM, &options).simulation)
    };
    let one = in_pool(1);
    assert_eq!(one, in_pool(2));
    assert_eq!(one, in_pool(3));
    let reseeded = simulate(
        TANDEM,
        &Options {
            seed: 7,
            ..options.clone()
        },
    );
    assert_ne!(one.end_to_end, reseeded.simulation.end_to_end);
}

/// A single replication takes its intervals from batches of its measured
/// time.
#[test]
fn one_replication_uses_batch_means() {
    let run = simulate(MM1, &options(100.0, 1));
    assert_eq!(run.simulation.interval_method, IntervalMethod::BatchMeans);
    assert_eq!(run.simulation.units, BATCHES);
    assert!(run.end_to_end().mean.half_width.is_some());
}

#[test]
fn customers_count_the_requests_that_entered() {
    let run = simulate(MM1, &options(100.0, 3));
    // 80/s over 100 s, three times: Poisson, so within a few sigma of 24,000.
    let customers = run.simulation.customers as f64;
    assert!((customers - 24_000.0).abs() < 5.0 * 24_000f64.sqrt());
    assert_eq!(run.simulation.series.len(), 100);
}

#[test]
fn parses_failure_windows_and_service_times() {
    assert_eq!(
        TimedFailure::parse("zone:az1@60s..3m").unwrap(),
        TimedFailure {
            failure: Failure::Zone("az1".into()),
            from: 60.0,
            until: Some(180.0),
        }
    );
    assert_eq!(
        TimedFailure::parse("db:1@2m").unwrap(),
        TimedFailure {
            failure: Failure::Component {
                name: "db".into(),
                count: Some(1)
            },
            from: 120.0,
            until: None,
        }
    );
    assert_eq!(TimedFailure::parse("db").unwrap().from, 0.0);
    assert_eq!(TimedFailure::parse("db@0..1s").unwrap().until, Some(1.0));
    assert!(TimedFailure::parse("db@2m..1m").is_err());
    assert!(TimedFailure::parse("db@soon").is_err());
    assert_eq!(
        TimedFailure::parse("zone:az1@60s..3m").unwrap().to_string(),
        "zone:az1@60s..3min"
    );
    assert_eq!(ServiceTime::parse("det"), Ok(ServiceTime::Deterministic));
    assert_eq!(
        ServiceTime::parse("lognormal:1.5"),
        Ok(ServiceTime::LogNormal { cv: 1.5 })
    );
    assert!(ServiceTime::parse("lognormal:-1").is_err());
    assert!(ServiceTime::parse("gamma").is_err());
}

/// Two operations on different ways: `read` through a fast cache, `write`
/// through a slower store. The simulation runs each on its own way, and each
/// one's mean agrees with the model's (the sum of M/M/c means on its way,
/// Jackson's theorem as above) within its interval.
const TWO_OPERATIONS: &str = "version: 1
name: two operations
requirements: { peak_rps: 200/s }
operations:
  read: { share: 0.75 }
  write: { share: 0.25 }
components:
  users: { kind: client, calls: [{ to: api }] }
  api:
    kind: service
    capacity: 400/s
    concurrency: 2
    calls:
      - { to: cache, for: read }
      - { to: store, op: write, for: write }
  cache: { kind: service, capacity: 300/s }
  store: { kind: service, capacity: 100/s }
";

#[test]
fn each_operation_agrees_with_the_model_on_its_own_way() {
    let run = simulate(TWO_OPERATIONS, &options(200.0, 8));
    let comparison = compare::compare(&run.estimate, &run.simulation);
    assert_eq!(comparison.operations.len(), 2);
    for operation in &run.simulation.operations {
        let analytic = run.estimate.operation(operation.operation).unwrap();
        let exact = analytic.mean_by_formula.unwrap();
        let simulated = operation.end_to_end.unwrap().mean;
        assert_inside(
            &format!("operation {}", operation.operation),
            simulated,
            exact,
            2.0,
        );
        assert_eq!(operation.errors, 0);
    }
    // 150 reads/s at 300/s: 1/150 s; 50 writes/s at 100/s: 1/50 s; the api
    // (M/M/2 at 200/s of 400/s) adds the same to both.
    let read = run.estimate.operation(0).unwrap().mean_by_formula.unwrap();
    let write = run.estimate.operation(1).unwrap().mean_by_formula.unwrap();
    assert!((write - read - (1.0 / 50.0 - 1.0 / 150.0)).abs() < 1e-12);
}

/// A push back through the gateway (`as: deliver`, async) runs: the
/// gateway serves the pushes as well as the requests, and nothing waits on
/// them or loops.
#[test]
fn a_push_through_the_gateway_runs() {
    let yaml = "version: 1
name: push
requirements: { peak_rps: 100/s }
operations:
  send: { share: 1 }
  deliver: {}
components:
  phones: { kind: client, calls: [{ to: gateway }] }
  gateway: { kind: gateway, capacity: 1k/s, calls: [{ to: chat, for: send }] }
  chat:
    kind: service
    capacity: 1k/s
    calls:
      - { to: gateway, as: deliver, mode: async, per_request: 2 }
";
    let run = simulate(yaml, &options(50.0, 4));
    let gateway = run.component("gateway");
    // 100 sends and 200 pushes a second.
    assert_inside("gateway arrivals", gateway.arrival_rate, 300.0, 3.0);
    assert_eq!(run.simulation.operations.len(), 1);
    assert_eq!(run.simulation.errors, 0);
}
