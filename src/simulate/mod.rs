//! `simulate`: a discrete-event simulation of a design under its entry
//! load, to check the analytic model where its assumptions (Poisson
//! arrivals, exponential service, independent stations) do not hold, and
//! to play failures over time.
//!
//! The pipeline: [`plan`] turns the design into stations, steps and a
//! failure timetable; [`engine`] runs one seeded replication of it;
//! [`run`] runs the replications in parallel (merged in replication order,
//! so the result does not depend on the number of threads) and turns their
//! [`stats`] tallies into figures with 95% confidence intervals;
//! [`compare`] sets them beside the analytic estimate.

mod calendar;
pub mod compare;
mod engine;
mod plan;
pub mod stats;

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;
use serde::Serialize;

use crate::Analysis;
use crate::capacity::Estimate;
use crate::capacity::failure::Failure;
use crate::design::quantity::{format_duration, parse_instant};
use stats::{BucketTally, FineHistogram, Interval, NodeTally, Sum, Tally, interval};

pub use engine::{BACKOFF_BASE, MAX_TASKS};

/// Simulated time measured unless `--duration` says otherwise, seconds.
pub const DEFAULT_DURATION: f64 = 60.0;
/// Simulated time run before measuring, seconds.
pub const DEFAULT_WARMUP: f64 = 10.0;
pub const DEFAULT_REPLICATIONS: u32 = 5;
/// With a single replication, its measured time is cut into this many
/// batches for the confidence intervals (batch means).
pub const BATCHES: usize = 10;

/// How requests arrive at each entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Arrivals {
    /// Evenly spaced.
    Constant,
    /// A Poisson process (exponential gaps), as the analytic model assumes.
    Poisson,
    /// Gaps four times as variable as Poisson's (squared coefficient of
    /// variation 4), at the same mean rate.
    Bursty,
    /// Each client's own `arrivals.burstiness` (Poisson where none is given).
    Designed,
}

impl Arrivals {
    pub fn as_str(self) -> &'static str {
        match self {
            Arrivals::Constant => "constant",
            Arrivals::Poisson => "poisson",
            Arrivals::Bursty => "bursty",
            Arrivals::Designed => "the clients' own",
        }
    }
}

/// The distribution of a service time around the component's `latency`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ServiceTime {
    /// Exponential, as the analytic model assumes.
    Exponential,
    /// Always exactly `latency`.
    Deterministic,
    /// Lognormal with mean `latency` and coefficient of variation `cv`.
    LogNormal { cv: f64 },
    /// Each component's own shape: lognormal as fitted to its measured
    /// percentiles, exponential where `latency` is a mean.
    Designed,
}

impl ServiceTime {
    /// Reads `exp`, `det` or `lognormal:CV`.
    pub fn parse(text: &str) -> Result<ServiceTime, String> {
        match text {
            "exp" => Ok(ServiceTime::Exponential),
            "det" => Ok(ServiceTime::Deterministic),
            _ => match text.strip_prefix("lognormal:").map(str::parse::<f64>) {
                Some(Ok(cv)) if cv.is_finite() && cv > 0.0 && cv <= 100.0 => {
                    Ok(ServiceTime::LogNormal { cv })
                }
                Some(_) => Err(format!(
                    "`{text}`: the coefficient of variation after `lognormal:` must be a number above 0 (and at most 100), such as `lognormal:0.5`"
                )),
                None => Err(format!(
                    "`{text}` is not a service time distribution: write exp, det or lognormal:CV"
                )),
            },
        }
    }
}

impl fmt::Display for ServiceTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServiceTime::Exponential => f.write_str("exp"),
            ServiceTime::Deterministic => f.write_str("det"),
            ServiceTime::LogNormal { cv } => write!(f, "lognormal:{cv}"),
            ServiceTime::Designed => f.write_str("the components' own"),
        }
    }
}

/// A failure over a window of the measured time: `TARGET@START..END`, or
/// `TARGET@START` (no recovery), or `TARGET` (down throughout).
#[derive(Clone, Debug, PartialEq)]
pub struct TimedFailure {
    pub failure: Failure,
    /// Seconds after the warm-up.
    pub from: f64,
    /// Seconds after the warm-up; none when it does not recover.
    pub until: Option<f64>,
}

impl TimedFailure {
    pub fn parse(text: &str) -> Result<TimedFailure, String> {
        let (target, window) = match text.split_once('@') {
            Some((target, window)) => (target, Some(window)),
            None => (text, None),
        };
        let failure = Failure::parse(target)?;
        let (from, until) = match window {
            None => (0.0, None),
            Some(window) => match window.split_once("..") {
                Some((from, until)) => (time_of(from, text)?, Some(time_of(until, text)?)),
                None => (time_of(window, text)?, None),
            },
        };
        if until.is_some_and(|until| until <= from) {
            return Err(format!(
                "`{text}`: the recovery time must come after the failure time"
            ));
        }
        Ok(TimedFailure {
            failure,
            from,
            until,
        })
    }
}

/// A time in a `--fail` window: a duration, or `0`.
fn time_of(text: &str, whole: &str) -> Result<f64, String> {
    parse_instant(text).map_err(|_| {
        format!("`{whole}`: `{text}` is not a time such as `90s`, `2m` or `1h` (after the warm-up)")
    })
}

impl fmt::Display for TimedFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}@{}", self.failure, format_duration(self.from))?;
        if let Some(until) = self.until {
            write!(f, "..{}", format_duration(until))?;
        }
        Ok(())
    }
}

/// The seed of the simulation unless `--seed` says otherwise.
pub const DEFAULT_SEED: u64 = 0x5EED_B1E5;

#[derive(Clone, Debug, PartialEq)]
pub struct Options {
    /// Simulated seconds measured, after the warm-up.
    pub duration: f64,
    /// Simulated seconds run first and not measured.
    pub warmup: f64,
    pub replications: u32,
    pub arrivals: Arrivals,
    pub service: ServiceTime,
    /// Thread-per-request servers: a replica's server is held while the
    /// request waits for its callees.
    pub blocking: bool,
    pub failures: Vec<TimedFailure>,
    pub seed: u64,
    /// The most component visits the run may simulate, over every
    /// replication and the warm-up: past it new requests are refused
    /// (counted in `Simulation::over_budget`) while those in the system
    /// finish, so a design whose retries multiply its work far beyond the
    /// model's expectation still ends in bounded time. None for no limit.
    pub visit_limit: Option<u64>,
}

impl Options {
    /// These options with the design's own arrivals and service times
    /// named as what they are when the design gives no shapes or
    /// burstiness: Poisson and exponential.
    pub fn for_design(&self, design: &crate::design::Design) -> Options {
        let markovian = crate::capacity::variability::is_markovian(design);
        Options {
            arrivals: match self.arrivals {
                Arrivals::Designed if markovian => Arrivals::Poisson,
                other => other,
            },
            service: match self.service {
                ServiceTime::Designed if markovian => ServiceTime::Exponential,
                other => other,
            },
            ..self.clone()
        }
    }
}

impl Default for Options {
    fn default() -> Self {
        Options {
            duration: DEFAULT_DURATION,
            warmup: DEFAULT_WARMUP,
            replications: DEFAULT_REPLICATIONS,
            arrivals: Arrivals::Designed,
            service: ServiceTime::Designed,
            blocking: false,
            failures: Vec::new(),
            seed: DEFAULT_SEED,
            visit_limit: None,
        }
    }
}

impl Options {
    /// Measurement units per replication: one, or batches when there is a
    /// single replication.
    fn batches(&self) -> usize {
        if self.replications > 1 { 1 } else { BATCHES }
    }

    /// Simulated seconds over all replications, for a progress bar.
    pub fn total_seconds(&self) -> f64 {
        f64::from(self.replications) * (self.warmup + self.duration)
    }

    /// The seed of replication `index`: one stream per replication.
    fn replication_seed(&self, index: u32) -> u64 {
        self.seed ^ (u64::from(index) + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15)
    }
}

/// Simulated time done so far over all replications, updated as they run
/// (for a progress bar; the library never draws one).
#[derive(Debug, Default)]
pub struct Progress {
    simulated_ms: AtomicU64,
}

impl Progress {
    pub fn simulated_seconds(&self) -> f64 {
        self.simulated_ms.load(Ordering::Relaxed) as f64 / 1000.0
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum SimulateError {
    /// A `--fail` names no component or zone of the design.
    Failure(String),
    /// No load enters the design.
    NoLoad,
    /// The run would take too long: this many component visits expected.
    TooLarge { visits: f64 },
    /// The design has more replicas than the simulation models.
    TooManyReplicas { replicas: u64 },
}

impl fmt::Display for SimulateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SimulateError::Failure(message) => f.write_str(message),
            SimulateError::NoLoad => f.write_str(
                "no load enters the design: give requirements.peak_rps, a client `rps` or --rps",
            ),
            SimulateError::TooLarge { visits } => write!(
                f,
                "the run would simulate about {} component visits, more than the {} allowed: shorten --duration or --warmup, or lower --replications or --load",
                crate::design::quantity::format_count(*visits),
                crate::design::quantity::format_count(MAX_VISITS)
            ),
            SimulateError::TooManyReplicas { replicas } => write!(
                f,
                "the design has {} replicas in all, more than the {} the simulation models",
                crate::design::quantity::format_count(*replicas as f64),
                crate::design::quantity::format_count(MAX_REPLICAS as f64)
            ),
        }
    }
}

/// Quantiles of a response time, each with its interval.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EndToEndFigures {
    pub mean: Interval,
    pub p50: Interval,
    pub p90: Interval,
    pub p95: Interval,
    pub p99: Interval,
    pub p999: Interval,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LatencyFigures {
    pub mean: Interval,
    pub p50: Interval,
    pub p99: Interval,
}

/// One component's simulated figures.
#[derive(Clone, Debug, PartialEq)]
pub struct ComponentFigures {
    /// Utilisation of a replica: of those that served, together, when
    /// requests spread evenly; of the busiest one when shards, hot keys or
    /// primaries make some busier (the analytic model reports that one).
    /// None without a service model.
    pub utilization: Option<Interval>,
    /// Busy server time over up server time, all replicas together.
    pub mean_utilization: Option<f64>,
    /// Its own response time (waiting and service, not its callees).
    pub latency: Option<LatencyFigures>,
    /// Station visits per second (for a store, one per copy), all
    /// replicas together.
    pub arrival_rate: Interval,
    /// Time-average number of visits present, waiting or served (L), all
    /// replicas together.
    pub mean_present: Interval,
    /// Mean time a visit spends at a replica (W): Little's law says
    /// `mean_present = arrival_rate * mean_sojourn`.
    pub mean_sojourn: Option<Interval>,
    /// Requests to it that failed, over all replications.
    pub errors: u64,
    /// Calls to it abandoned at their timeout, over all replications.
    pub timeouts: u64,
}

/// One second of the measured time, averaged over the replications.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Bucket {
    /// Seconds after the warm-up.
    pub start_s: f64,
    /// Requests completed per second.
    pub throughput_rps: f64,
    /// Requests failed per second.
    pub errors_per_s: f64,
    pub p50_s: Option<f64>,
    pub p99_s: Option<f64>,
    /// Visits waiting in replica queues at the end of the second.
    pub backlog: f64,
    /// Requests in the system at the end of the second.
    pub in_flight: f64,
}

/// How the confidence intervals were formed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IntervalMethod {
    /// Across independent replications.
    Replications,
    /// Across batches of one replication.
    BatchMeans,
}

/// One operation's simulated requests.
#[derive(Clone, Debug, PartialEq)]
pub struct OperationFigures {
    /// The operation's index in the ways.
    pub operation: usize,
    /// Requests that entered during the measured time, over all replications.
    pub customers: u64,
    /// Requests that failed, over all replications.
    pub errors: u64,
    /// None when no request completed.
    pub end_to_end: Option<EndToEndFigures>,
}

impl OperationFigures {
    /// The share of its requests that succeeded.
    pub fn success(&self) -> Option<f64> {
        (self.customers > 0).then(|| 1.0 - self.errors as f64 / self.customers as f64)
    }
}

/// What a simulation measured: the figures a report or a table shows.
#[derive(Clone, Debug, PartialEq)]
pub struct Simulation {
    pub options: Options,
    /// Requests per second entering, over all entries.
    pub entry_rps: f64,
    /// The closed clients simulated as closed loops (their users think and
    /// send), by name; the others' requests arrive as `arrivals`.
    pub closed_loops: Vec<String>,
    /// Requests that entered during the measured time, over all replications.
    pub customers: u64,
    /// Requests that failed, over all replications.
    pub errors: u64,
    /// Of the failed, those refused on arrival because the run already held
    /// `MAX_TASKS` component visits: the design is overwhelmed.
    pub dropped: u64,
    /// Of the failed, those refused on arrival because the run had used up
    /// its `visit_limit`.
    pub over_budget: u64,
    /// None when no request completed.
    pub end_to_end: Option<EndToEndFigures>,
    /// The operations that entered, in the order of the ways.
    pub operations: Vec<OperationFigures>,
    /// Indexed like the design's components.
    pub components: Vec<ComponentFigures>,
    pub series: Vec<Bucket>,
    pub interval_method: IntervalMethod,
    /// The independent units the intervals come from.
    pub units: usize,
}

/// Simulates a design under the entry loads of its analytic estimate
/// (`--load` and `--rps` are applied there), updating `progress` as it goes.
pub fn run(
    analysis: &Analysis,
    estimate: &Estimate,
    options: &Options,
    progress: &Progress,
) -> Result<Simulation, SimulateError> {
    let design = &analysis.design;
    if estimate.entry_rps <= 0.0 {
        return Err(SimulateError::NoLoad);
    }
    let options = &options.for_design(design);
    let replicas: u64 = design
        .components
        .iter()
        .map(|c| u64::from(c.replica_count()))
        .sum();
    if replicas > MAX_REPLICAS {
        return Err(SimulateError::TooManyReplicas { replicas });
    }
    let plan = plan::build(
        design,
        &analysis.ways,
        &operation_rates(estimate),
        &options.failures,
        options.warmup,
    )?;
    let visits = expected_visits(&plan, estimate, options);
    if visits > MAX_VISITS {
        return Err(SimulateError::TooLarge { visits });
    }
    let mut totals = Totals::new(&plan, options);
    let indices: Vec<u32> = (0..options.replications).collect();
    // A few replications at a time, so that memory does not grow with their
    // number; each chunk is merged in replication order.
    for chunk in indices.chunks(REPLICATIONS_AT_ONCE) {
        let replications: Vec<engine::Replication> = chunk
            .par_iter()
            .map(|&index| {
                engine::Engine::new(&plan, options, options.replication_seed(index), progress).run()
            })
            .collect();
        for replication in replications {
            totals.add(&plan, replication);
        }
    }
    Ok(totals.finish(&plan, options, estimate.entry_rps))
}

/// Component visits a run with the default duration simulates at most: a
/// few seconds of wall time (the engine simulates five to fifteen million
/// visits a second on two cores). A design that would need more runs for
/// a shorter simulated time ([`Options::within_budget`]).
pub const DEFAULT_VISIT_BUDGET: f64 = 2e7;

/// The component visits a run with `options` expects, from the analytic
/// loads (a store's counted once per copy it waits for or writes).
pub fn planned_visits(
    analysis: &Analysis,
    estimate: &Estimate,
    options: &Options,
) -> Result<f64, SimulateError> {
    let plan = plan::build(
        &analysis.design,
        &analysis.ways,
        &operation_rates(estimate),
        &options.failures,
        options.warmup,
    )?;
    Ok(expected_visits(&plan, estimate, options))
}

/// Requests per second entering each operation, as the plan takes them.
fn operation_rates(estimate: &Estimate) -> Vec<(usize, f64)> {
    estimate
        .operations
        .iter()
        .map(|o| (o.operation, o.rps))
        .collect()
}

impl Options {
    /// These options with the measured time and the warm-up shortened in
    /// proportion, so that a run expecting `visits` simulates about
    /// `budget`; unchanged when it fits. The measured time stays at least
    /// a millisecond, and long enough to play every `--fail` window with a
    /// quarter of its time after it.
    pub fn within_budget(&self, visits: f64, budget: f64) -> Options {
        if visits.is_nan() || visits <= budget {
            return self.clone();
        }
        let share = budget / visits;
        let last_failure = self
            .failures
            .iter()
            .map(|failure| failure.until.unwrap_or(failure.from))
            .fold(0.0, f64::max);
        let duration = (self.duration * share)
            .max(1e-3)
            .max(last_failure * 1.25)
            .min(self.duration);
        Options {
            duration,
            warmup: self.warmup * duration / self.duration,
            ..self.clone()
        }
    }
}

/// Replications run (and held in memory) at once.
const REPLICATIONS_AT_ONCE: usize = 8;
/// The most station visits a run may expect to simulate (about an hour on
/// two cores): beyond it the run is refused rather than left to grind.
pub const MAX_VISITS: f64 = 2e10;

/// Replicas (in all components) the simulation models at most.
pub const MAX_REPLICAS: u64 = 1_000_000;

/// Component visits (a store's counted once per copy) the run will
/// simulate, from the analytic loads.
fn expected_visits(plan: &plan::Plan, estimate: &Estimate, options: &Options) -> f64 {
    let per_second: f64 = plan
        .components
        .iter()
        .zip(&estimate.components)
        .map(|(component, figures)| match component.placement {
            plan::Placement::Store(store) => {
                figures.load.reads * f64::from(store.read_needed)
                    + figures.load.writes * f64::from(store.factor)
            }
            _ => figures.load.total(),
        })
        .sum();
    per_second * (options.warmup + options.duration) * f64::from(options.replications)
}

/// The figures of one unit, kept for the intervals once its histograms are
/// merged.
struct UnitFigures {
    /// Mean, p50, p90, p95, p99, p999.
    end_to_end: [Option<f64>; 6],
    /// The same, of each operation.
    operations: Vec<[Option<f64>; 6]>,
    components: Vec<UnitComponent>,
}

struct UnitComponent {
    arrival_rate: f64,
    mean_present: f64,
    mean_sojourn: Option<f64>,
    utilization: Option<f64>,
    mean: Option<f64>,
    p50: Option<f64>,
    p99: Option<f64>,
}

const END_TO_END_QUANTILES: [f64; 5] = [0.5, 0.9, 0.95, 0.99, 0.999];

/// Everything merged so far, in replication order.
struct Totals {
    merged: Tally,
    units: Vec<UnitFigures>,
    series: Vec<BucketTally>,
    replications: u32,
}

impl Totals {
    fn new(plan: &plan::Plan, options: &Options) -> Totals {
        Totals {
            merged: Tally::new(
                0.0,
                plan.operations.len(),
                plan.components.len(),
                plan.node_component.len(),
            ),
            units: Vec::new(),
            series: Vec::new(),
            replications: options.replications,
        }
    }

    fn add(&mut self, plan: &plan::Plan, replication: engine::Replication) {
        for tally in &replication.tallies {
            let figures = |histogram: &FineHistogram, sum: &Sum| {
                let mut figures = [sum.mean(); 6];
                for (slot, q) in figures[1..].iter_mut().zip(END_TO_END_QUANTILES) {
                    *slot = histogram.quantile(q);
                }
                figures
            };
            let end_to_end = figures(&tally.end_to_end, &tally.end_to_end_sum);
            let operations = tally
                .operations
                .iter()
                .map(|o| figures(&o.end_to_end, &o.end_to_end_sum))
                .collect();
            let components = plan
                .components
                .iter()
                .enumerate()
                .map(|(id, component)| UnitComponent {
                    arrival_rate: tally.components[id].visits as f64 / tally.length,
                    mean_present: nodes_of(component, &tally.nodes)
                        .iter()
                        .map(|n| n.present)
                        .sum::<f64>()
                        / tally.length,
                    mean_sojourn: tally.components[id].sojourn.mean(),
                    utilization: utilization(component, &tally.nodes),
                    mean: tally.components[id].response_sum.mean(),
                    p50: tally.components[id].response.quantile(0.5),
                    p99: tally.components[id].response.quantile(0.99),
                })
                .collect();
            self.units.push(UnitFigures {
                end_to_end,
                operations,
                components,
            });
            self.merged.merge(tally);
        }
        if self.series.is_empty() {
            self.series = replication.series;
        } else {
            for (total, bucket) in self.series.iter_mut().zip(&replication.series) {
                total.merge(bucket);
            }
        }
    }

    fn finish(self, plan: &plan::Plan, options: &Options, entry_rps: f64) -> Simulation {
        let merged = &self.merged;
        let measured = merged.length;
        let over_units = |point: Option<f64>, pick: &dyn Fn(&UnitFigures) -> Option<f64>| {
            let per_unit: Vec<f64> = self.units.iter().filter_map(pick).collect();
            point.map(|point| interval(point, &per_unit))
        };
        // The figures of a histogram with their intervals over the units,
        // `pick` finding a unit's own.
        let end_to_end_of =
            |histogram: &FineHistogram,
             sum: &Sum,
             pick: &dyn Fn(&UnitFigures) -> &[Option<f64>; 6]| {
                let quantile = |index: usize| {
                    over_units(histogram.quantile(END_TO_END_QUANTILES[index - 1]), &|u| {
                        pick(u)[index]
                    })
                };
                Some(EndToEndFigures {
                    mean: over_units(sum.mean(), &|u| pick(u)[0])?,
                    p50: quantile(1)?,
                    p90: quantile(2)?,
                    p95: quantile(3)?,
                    p99: quantile(4)?,
                    p999: quantile(5)?,
                })
            };
        let end_to_end = end_to_end_of(&merged.end_to_end, &merged.end_to_end_sum, &|u| {
            &u.end_to_end
        });
        let operations = plan
            .operations
            .iter()
            .enumerate()
            .map(|(index, &operation)| {
                let tally = &merged.operations[index];
                OperationFigures {
                    operation,
                    customers: tally.customers,
                    errors: tally.errors,
                    end_to_end: end_to_end_of(&tally.end_to_end, &tally.end_to_end_sum, &|u| {
                        &u.operations[index]
                    }),
                }
            })
            .collect();
        let components = plan
            .components
            .iter()
            .enumerate()
            .map(|(id, component)| {
                let tally = &merged.components[id];
                let nodes = nodes_of(component, &merged.nodes);
                let latency = (|| {
                    Some(LatencyFigures {
                        mean: over_units(tally.response_sum.mean(), &|u| u.components[id].mean)?,
                        p50: over_units(tally.response.quantile(0.5), &|u| u.components[id].p50)?,
                        p99: over_units(tally.response.quantile(0.99), &|u| u.components[id].p99)?,
                    })
                })();
                let (busy, up, present) = nodes.iter().fold((0.0, 0.0, 0.0), |acc, node| {
                    (acc.0 + node.busy, acc.1 + node.up, acc.2 + node.present)
                });
                let servers = f64::from(component.servers);
                ComponentFigures {
                    utilization: over_units(utilization(component, &merged.nodes), &|u| {
                        u.components[id].utilization
                    }),
                    mean_utilization: (component.station && up > 0.0)
                        .then(|| busy / (servers * up)),
                    latency: if component.station { latency } else { None },
                    arrival_rate: interval(
                        tally.visits as f64 / measured,
                        &self
                            .units
                            .iter()
                            .map(|u| u.components[id].arrival_rate)
                            .collect::<Vec<_>>(),
                    ),
                    mean_present: interval(
                        present / measured,
                        &self
                            .units
                            .iter()
                            .map(|u| u.components[id].mean_present)
                            .collect::<Vec<_>>(),
                    ),
                    mean_sojourn: over_units(tally.sojourn.mean(), &|u| {
                        u.components[id].mean_sojourn
                    }),
                    errors: tally.errors,
                    timeouts: tally.timeouts,
                }
            })
            .collect();
        let runs = f64::from(self.replications.max(1));
        let series = self
            .series
            .iter()
            .enumerate()
            .map(|(index, bucket)| {
                let start = index as f64;
                let length = (options.duration - start).clamp(1e-9, 1.0);
                Bucket {
                    start_s: start,
                    throughput_rps: bucket.completed as f64 / runs / length,
                    errors_per_s: bucket.errors as f64 / runs / length,
                    p50_s: bucket.latency.quantile(0.5),
                    p99_s: bucket.latency.quantile(0.99),
                    backlog: bucket.backlog as f64 / runs,
                    in_flight: bucket.in_flight as f64 / runs,
                }
            })
            .collect();
        Simulation {
            options: options.clone(),
            entry_rps,
            closed_loops: plan.populations.iter().map(|p| p.name.clone()).collect(),
            customers: merged.customers,
            errors: merged.errors,
            dropped: merged.dropped,
            over_budget: merged.over_budget,
            end_to_end,
            operations,
            components,
            series,
            interval_method: if options.replications > 1 {
                IntervalMethod::Replications
            } else {
                IntervalMethod::BatchMeans
            },
            units: self.units.len(),
        }
    }
}

/// The tallies of a component's replicas.
fn nodes_of<'a>(component: &plan::ComponentPlan, nodes: &'a [NodeTally]) -> &'a [NodeTally] {
    &nodes[component.first_node as usize..][..component.nodes as usize]
}

/// A replica's utilisation from the replicas' busy and up time: of those
/// that served, together, when requests spread evenly; the busiest one's
/// when the component's placement makes some busier.
fn utilization(component: &plan::ComponentPlan, nodes: &[NodeTally]) -> Option<f64> {
    if !component.station {
        return None;
    }
    let servers = f64::from(component.servers);
    let served = nodes_of(component, nodes)
        .iter()
        .filter(|node| node.up > 0.0 && node.busy > 0.0);
    if component.uneven() {
        served
            .map(|node| node.busy / (servers * node.up))
            .reduce(f64::max)
    } else {
        let (busy, up) = served.fold((0.0, 0.0), |(busy, up), node| {
            (busy + node.busy, up + node.up)
        });
        (up > 0.0).then(|| busy / (servers * up))
    }
}

#[cfg(test)]
mod tests;
