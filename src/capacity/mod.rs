//! The capacity model (shared/spec/capacity-model.md): from a checked design
//! and its graph to load, utilisation, latency, availability, queue backlog
//! and what a failure breaks. Computed once as an [`Estimate`] and shared by
//! `check`, `estimate` and every renderer.

pub mod availability;
pub mod connections;
pub mod domains;
pub mod envelope;
pub mod failure;
pub mod latency;
pub mod load;
pub mod replicas;
pub mod station;

use rayon::prelude::*;

use availability::Availability;
use domains::Domains;
use failure::Failure;
use latency::{EndToEnd, NoLatency, Walker};
use load::{Load, UnboundedLoop};
use replicas::ReplicaModel;

use crate::design::{Design, Kind};
use crate::ways::{WayOperationId, Ways};

/// The walks of the Monte Carlo latency estimate by default: enough to keep
/// p99 within 2% of its true value.
pub const DEFAULT_WALKS: usize = 100_000;
/// Walks of all operations together, at most: a design with many
/// operations walks each fewer times, so that the work (and the samples
/// kept) do not grow with the walks times the operations.
pub const MAX_TOTAL_WALKS: usize = 10 * DEFAULT_WALKS;
/// Calls looked at by the walks of one operation, at most: a way through
/// components with thousands of calls each is walked fewer times (never
/// fewer than [`MIN_WALKS_PER_OPERATION`]), so the work stays bounded by
/// the size of the design. No bundled design comes near it.
pub const MAX_CALLS_WALKED: f64 = 5e7;
/// Walks of one operation, at least, when they are shared out.
pub const MIN_WALKS_PER_OPERATION: usize = 1_000;

/// The walks each of `operations` operations takes when `walks` are asked
/// for each: all of them while the total stays within
/// [`MAX_TOTAL_WALKS`], else an equal share of it (never fewer than
/// [`MIN_WALKS_PER_OPERATION`], nor more than asked).
pub fn walks_per_operation(walks: usize, operations: usize) -> usize {
    if operations <= 1 {
        return walks;
    }
    walks.min((MAX_TOTAL_WALKS / operations).max(MIN_WALKS_PER_OPERATION))
}

/// The seed of the walks unless `--seed` says otherwise.
pub const DEFAULT_SEED: u64 = 0x5EED_B1E5;

#[derive(Clone, Debug)]
pub struct Options {
    /// `--load X`: multiplies the entry load.
    pub load_multiplier: f64,
    /// `--rps N`: sets the total entry load (before the multiplier).
    pub entry_rps: Option<f64>,
    pub failures: Vec<Failure>,
    /// Monte Carlo walks; 0 skips the end-to-end quantiles.
    pub walks: usize,
    pub seed: u64,
    /// `--target-utilization U`: also size every component for it.
    pub target_utilization: Option<f64>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            load_multiplier: 1.0,
            entry_rps: None,
            failures: Vec::new(),
            walks: DEFAULT_WALKS,
            seed: DEFAULT_SEED,
            target_utilization: None,
        }
    }
}

/// Where the entry load came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntrySource {
    /// `requirements.peak_rps`.
    PeakRps,
    /// Derived from `requirements.workload`.
    Workload,
    /// Only the clients' own `rps`.
    Clients,
    /// `--rps` on the command line.
    CommandLine,
    /// Nothing says how much load enters.
    None,
}

#[derive(Clone, Debug)]
pub struct ComponentEstimate {
    pub load: Load,
    pub replica: ReplicaModel,
    /// Mean, p50 and p99 of one replica's response; none when the component
    /// is not modelled or cannot keep up.
    pub latency: Option<Latency>,
    /// The chance that it serves a request, over the states of the failure
    /// domains.
    pub availability: f64,
    /// Some request cannot do without it.
    pub required: bool,
    /// Replicas that keep utilisation at or below the target, when sizing.
    pub needed_replicas: Option<u32>,
    /// The single failure (a zone, or one replica) that leaves it unable to
    /// carry its load, if any.
    pub breaks_on: Option<SingleFailure>,
}

impl ComponentEstimate {
    pub fn utilization(&self) -> Option<f64> {
        self.replica.utilization
    }
}

#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct Latency {
    pub mean: f64,
    pub p50: f64,
    pub p99: f64,
}

/// A single failure and what it leaves of a component.
#[derive(Clone, Debug, PartialEq)]
pub struct SingleFailure {
    /// `zone:az1`, or `one replica`.
    pub lost: String,
    pub live: u32,
    pub utilization: Option<f64>,
    pub quorum_lost: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct QueueEstimate {
    pub queue: usize,
    pub consumer: Option<usize>,
    pub inflow: f64,
    /// What the consumer's serving replicas can take, messages/s.
    pub drain: Option<f64>,
    pub backlog_growth: f64,
}

impl QueueEstimate {
    /// Messages waiting after one hour at peak.
    pub fn lag_after_hour(&self) -> f64 {
        self.backlog_growth * 3600.0
    }
}

/// The figures of one operation (capacity-model.md, sections 5 and 7).
#[derive(Clone, Debug)]
pub struct OperationEstimate {
    pub operation: WayOperationId,
    /// Requests/s entering.
    pub rps: f64,
    pub end_to_end: Result<EndToEnd, NoLatency>,
    /// The walks taken for `end_to_end` (0 when none were).
    pub walks: usize,
    /// The mean by formula (section 5), beside the walk's.
    pub mean_by_formula: Option<f64>,
    pub availability: Availability,
    /// What costs it most, the largest first.
    pub costs: Vec<availability::Cost>,
}

#[derive(Clone, Debug)]
pub struct Estimate {
    pub entry_rps: f64,
    pub entry_source: EntrySource,
    /// Entry load per component (non-zero only at entries).
    pub entry_loads: Vec<f64>,
    pub components: Vec<ComponentEstimate>,
    /// The operations that enter the design, in the order of the ways.
    pub operations: Vec<OperationEstimate>,
    /// All traffic: each operation weighted by its rate.
    pub end_to_end: Result<EndToEnd, NoLatency>,
    /// The mean by formula (section 5), beside the walk's, of all traffic.
    pub mean_by_formula: Option<f64>,
    pub bottleneck: Option<usize>,
    /// The largest entry load the design sustains (at utilisation 1).
    pub max_entry_rps: Option<f64>,
    /// All traffic: the operations' availabilities weighted by their rates.
    pub availability: Availability,
    pub queues: Vec<QueueEstimate>,
    pub failures: Vec<Failure>,
    /// The failure domains the availability was weighed over.
    pub domains: Domains,
    /// The components holding clients' long-lived connections.
    pub connections: Vec<connections::Held>,
}

/// How a component fails to serve, under the estimate's load and failures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Broken {
    /// No replica is up.
    Down,
    /// Too few copies of a shard are up for its reads or writes.
    QuorumLost,
    /// Utilisation at or above 1.
    Saturated,
}

impl Broken {
    pub fn as_str(self) -> &'static str {
        match self {
            Broken::Down => "down",
            Broken::QuorumLost => "quorum lost",
            Broken::Saturated => "saturated",
        }
    }
}

impl ComponentEstimate {
    pub fn broken(&self) -> Option<Broken> {
        if self.replica.live == 0 {
            Some(Broken::Down)
        } else if self.replica.copies.is_some_and(|c| c.lost(self.load)) {
            Some(Broken::QuorumLost)
        } else if self.replica.is_saturated() {
            Some(Broken::Saturated)
        } else {
            None
        }
    }
}

impl Estimate {
    /// The least available components on the request path, weakest first,
    /// at most `count`: the ones to replicate first. Components above
    /// 99.9995% would print as 100% and explain nothing, so they are left out.
    pub fn weakest_on_path(&self, count: usize) -> Vec<(usize, f64)> {
        let mut weakest: Vec<(usize, f64)> = self
            .components
            .iter()
            .enumerate()
            .filter(|(_, c)| c.required && c.availability < 0.999_995)
            .map(|(id, c)| (id, c.availability))
            .collect();
        weakest.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        weakest.truncate(count);
        weakest
    }

    /// The estimate of the operation `operation` of the ways, when it enters.
    pub fn operation(&self, operation: WayOperationId) -> Option<&OperationEstimate> {
        self.operations.iter().find(|o| o.operation == operation)
    }

    /// True while no component a request needs is broken.
    pub fn path_up(&self) -> bool {
        self.components
            .iter()
            .all(|c| !c.required || c.broken().is_none())
    }

    pub fn headroom(&self) -> Option<f64> {
        let rho = self
            .bottleneck
            .and_then(|b| self.components[b].utilization())?;
        (rho > 0.0).then(|| 1.0 / rho)
    }
}

/// Why there is no estimate.
#[derive(Clone, Debug, PartialEq)]
pub enum EstimateError {
    /// A `--fail` target names nothing in the design.
    Failure(String),
    /// A loop through a queue multiplies its own traffic.
    Unbounded(UnboundedLoop),
}

/// The entry load of each component and where the total came from.
fn entry_loads(design: &Design, ways: &Ways, options: &Options) -> (Vec<f64>, EntrySource) {
    let mut entries: Vec<usize> = ways.entering().filter_map(|(_, o)| o.entry).collect();
    entries.sort_unstable();
    entries.dedup();
    let mut entry = vec![0.0; design.components.len()];
    let requirements = &design.requirements;
    let derived_peak = requirements
        .workload
        .as_ref()
        .map(|w| envelope::compute(design, &w.value).peak_rps);
    let (peak, mut source) = match (&requirements.peak_rps, derived_peak) {
        (Some(peak), _) => (Some(peak.value), EntrySource::PeakRps),
        (None, Some(peak)) => (Some(peak), EntrySource::Workload),
        (None, None) => (None, EntrySource::Clients),
    };
    let without_rps: Vec<usize> = entries
        .iter()
        .copied()
        .filter(|&id| design.client_rps(id).is_none())
        .collect();
    for &id in &entries {
        if let Some(rps) = design.client_rps(id) {
            entry[id] = rps;
        } else if let Some(peak) = peak {
            entry[id] = peak / without_rps.len() as f64;
        }
    }
    if let Some(total) = options.entry_rps {
        let current: f64 = entry.iter().sum();
        for &id in &entries {
            entry[id] = if current > 0.0 {
                entry[id] * total / current
            } else {
                total / entries.len() as f64
            };
        }
        source = EntrySource::CommandLine;
    }
    for rps in &mut entry {
        *rps *= options.load_multiplier;
    }
    if entry.iter().sum::<f64>() <= 0.0 {
        source = EntrySource::None;
    }
    (entry, source)
}

/// The mean, p50 and p99 of one replica's response, reads and writes
/// mixed; `own_means` are the read and write means, computed once.
fn latency_of(replica: &ReplicaModel, load: Load, own_means: (f64, f64)) -> Option<Latency> {
    replica.station?;
    if replica.is_saturated() {
        return None;
    }
    let response = replica.response(load);
    let read_share = load.read_share();
    let mean = read_share * own_means.0 + (1.0 - read_share) * own_means.1;
    Some(Latency {
        mean,
        p50: response.quantile(0.5),
        p99: response.quantile(0.99),
    })
}

/// A replica's own mean response to a read and to a write.
fn own_means(replica: &ReplicaModel) -> (f64, f64) {
    let read = replica.read.mean();
    let write = if replica.write == replica.read {
        read
    } else {
        replica.write.mean()
    };
    (read, write)
}

/// Runs the capacity model on a design along its ways.
pub fn estimate(
    design: &Design,
    ways: &Ways,
    options: &Options,
) -> Result<Estimate, EstimateError> {
    let (entry, entry_source) = entry_loads(design, ways, options);
    let entry_rps: f64 = entry.iter().sum();
    let operation_rps: Vec<f64> = ways
        .operations
        .iter()
        .map(|o| o.entry.map_or(0.0, |e| entry[e] * o.share))
        .collect();
    let loads = load::propagate(design, ways, &operation_rps).map_err(EstimateError::Unbounded)?;
    let live = failure::live_replicas(design, &options.failures).map_err(EstimateError::Failure)?;
    let caps = replicas::partition_caps(design);
    let domains = Domains::new(design, &options.failures);

    let replica_models: Vec<ReplicaModel> = design
        .components
        .iter()
        .enumerate()
        .map(|(id, component)| replicas::model(component, loads.components[id], live[id], caps[id]))
        .collect();
    let serving =
        availability::serving(design, &loads.components, &replica_models, &caps, &domains);
    // The response-time integrals and quantiles, and each component's
    // single-failure what-if, are the costly part: spread them over the
    // cores (collected in order, so the result is the same).
    let means: Vec<(f64, f64)> = replica_models.par_iter().map(own_means).collect();
    let components: Vec<ComponentEstimate> = (0..design.components.len())
        .into_par_iter()
        .map(|id| {
            let replica = replica_models[id].clone();
            let load = loads.components[id];
            ComponentEstimate {
                latency: latency_of(&replica, load, means[id]),
                availability: availability::expected(&serving[id], load, &domains),
                required: ways.required[id],
                needed_replicas: options.target_utilization.and_then(|target| {
                    let utilization = replica.utilization.filter(|u| u.is_finite())?;
                    Some(
                        ((f64::from(replica.serving.max(1)) * utilization / target).ceil() as u32)
                            .max(1),
                    )
                }),
                breaks_on: single_failure(design, id, load, caps[id]),
                load,
                replica,
            }
        })
        .collect();

    let bottleneck = components
        .iter()
        .enumerate()
        .filter_map(|(id, c)| c.utilization().map(|u| (id, u)))
        .filter(|(_, u)| *u > 0.0)
        .fold(None, |best: Option<(usize, f64)>, (id, u)| match best {
            Some((_, best_u)) if best_u >= u => best,
            _ => Some((id, u)),
        });
    let max_entry_rps = bottleneck.and_then(|(_, rho)| rho.is_finite().then(|| entry_rps / rho));

    let queues = design
        .components
        .iter()
        .enumerate()
        .filter(|(_, c)| c.kind() == Kind::Queue)
        .map(|(id, queue)| {
            let consumer = queue.consumer.as_ref().map(|c| c.value);
            let drain = consumer.and_then(|c| {
                let service = design.components[c].service.as_ref()?;
                Some(f64::from(components[c].replica.serving) * service.capacity)
            });
            let inflow = loads.components[id].total();
            QueueEstimate {
                queue: id,
                consumer,
                inflow,
                drain,
                backlog_growth: drain.map_or(0.0, |d| (inflow - d).max(0.0)),
            }
        })
        .collect();

    let walker = Walker::new(design, ways, &replica_models, &means);
    let read_means = walker.read_means(&ways.callees_first);
    let mut samples: Vec<(f64, Vec<f64>)> = Vec::new();
    let mut operations = Vec::new();
    let walks = walks_per_operation(options.walks, ways.entering().count());
    // The calls a walk looks at in each component, at most (one per edge
    // of its busiest node).
    let calls_at: Vec<usize> = (0..design.components.len())
        .map(|c| {
            ways.nodes_of(c)
                .iter()
                .map(|&n| ways.edges_from(n).len())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for (id, operation) in ways.entering() {
        let rps = operation_rps[id];
        let entry_node = operation
            .entry_node
            .expect("entering operations have an entry node");
        let saturated: Vec<usize> = ways
            .waited_on(id)
            .into_iter()
            .filter(|&c| components[c].replica.is_saturated())
            .collect();
        let mean = read_means[entry_node];
        let mut walked = 0;
        let (end_to_end, mean_by_formula) = if rps <= 0.0 {
            (Err(NoLatency::NoLoad), None)
        } else if !saturated.is_empty() {
            (Err(NoLatency::Saturated(saturated)), None)
        } else if walks == 0 {
            (Err(NoLatency::NotComputed), Some(mean))
        } else {
            let reach = ways.reach_of(id);
            let visits: f64 = reach.iter().map(|r| r.visits.total()).sum::<f64>() + 1.0;
            let calls: f64 = reach
                .iter()
                .map(|r| r.visits.total() * (1 + calls_at[r.component]) as f64)
                .sum::<f64>()
                + 1.0;
            let walks = walks
                .min((MAX_CALLS_WALKED / calls) as usize)
                .max(MIN_WALKS_PER_OPERATION.min(walks));
            walked = walks;
            match walker.sample(entry_node, walks, options.seed, visits) {
                Ok(times) => {
                    let summary = latency::summarise(times.clone());
                    samples.push((rps, times));
                    (Ok(summary), Some(mean))
                }
                Err(error) => (Err(error), Some(mean)),
            }
        };
        let operation_availability =
            availability::of_operation(ways.reach_of(id), &serving, &domains);
        operations.push(OperationEstimate {
            operation: id,
            rps,
            end_to_end,
            walks: walked,
            mean_by_formula,
            availability: operation_availability.availability,
            costs: operation_availability.costs,
        });
    }

    let (end_to_end, mean_by_formula) = overall_latency(&operations, samples, entry_rps);
    let loaded: f64 = operations.iter().map(|o| o.rps).sum();
    let availability = Availability::new(if loaded > 0.0 {
        operations
            .iter()
            .map(|o| o.rps * o.availability.value)
            .sum::<f64>()
            / loaded
    } else {
        // No load: every operation counts alike.
        operations.iter().map(|o| o.availability.value).sum::<f64>()
            / operations.len().max(1) as f64
    });

    Ok(Estimate {
        entry_rps,
        entry_source,
        entry_loads: entry,
        components,
        operations,
        end_to_end,
        mean_by_formula,
        bottleneck: bottleneck.map(|(id, _)| id),
        max_entry_rps,
        availability,
        queues,
        failures: options.failures.clone(),
        domains,
        connections: connections::held(design, &live),
    })
}

/// All traffic's latency: the operations' walks mixed by their rates, or
/// why there is none.
fn overall_latency(
    operations: &[OperationEstimate],
    samples: Vec<(f64, Vec<f64>)>,
    entry_rps: f64,
) -> (Result<EndToEnd, NoLatency>, Option<f64>) {
    if entry_rps <= 0.0 {
        return (Err(NoLatency::NoLoad), None);
    }
    let loaded: Vec<&OperationEstimate> = operations.iter().filter(|o| o.rps > 0.0).collect();
    let mut saturated: Vec<usize> = loaded
        .iter()
        .filter_map(|o| match &o.end_to_end {
            Err(NoLatency::Saturated(components)) => Some(components.clone()),
            _ => None,
        })
        .flatten()
        .collect();
    saturated.sort_unstable();
    saturated.dedup();
    if !saturated.is_empty() {
        return (Err(NoLatency::Saturated(saturated)), None);
    }
    let total: f64 = loaded.iter().map(|o| o.rps).sum();
    let mean = loaded
        .iter()
        .map(|o| o.mean_by_formula.map(|m| m * o.rps / total))
        .sum::<Option<f64>>();
    if let Some(error) = loaded.iter().find_map(|o| o.end_to_end.as_ref().err()) {
        return (Err(error.clone()), mean);
    }
    if samples.is_empty() {
        return (Err(NoLatency::NotComputed), mean);
    }
    (Ok(latency::summarise_mixture(samples)), mean)
}

/// The first single failure, in the order of the design's zones, that
/// leaves `id` unable to carry its load: losing a zone it has replicas in,
/// or (with no zones) losing one replica.
fn single_failure(
    design: &Design,
    id: usize,
    load: Load,
    cap: Option<u32>,
) -> Option<SingleFailure> {
    let component = &design.components[id];
    let replicas = component.replica_count();
    let mut scenarios: Vec<(String, u32)> = Vec::new();
    if component.zones.is_some() && !design.zones.is_empty() {
        // Zone by zone, from the count per zone: never per replica.
        for (zone_id, lost) in component.replicas_per_zone(replicas) {
            if lost > 0 {
                let zone = &design.zones[zone_id].value;
                scenarios.push((format!("zone:{zone}"), replicas - lost));
            }
        }
    } else {
        scenarios.push(("one replica".to_string(), replicas - 1));
    }
    scenarios.into_iter().find_map(|(lost, live)| {
        let replica = replicas::model(component, load, live, cap);
        let quorum_lost = replica.copies.is_some_and(|c| c.lost(load));
        let down = live == 0;
        (down || quorum_lost || replica.is_saturated()).then_some(SingleFailure {
            lost,
            live,
            utilization: replica.utilization,
            quorum_lost,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(yaml: &str, options: &Options) -> (Design, Estimate) {
        let analysis = crate::analyse(yaml.as_bytes()).unwrap();
        let estimate = estimate(&analysis.design, &analysis.ways, options).unwrap();
        (analysis.design, estimate)
    }

    const SINGLE_STATION: &str = "version: 1
name: one M/M/4 station
requirements: { peak_rps: 300/s }
components:
  users: { kind: client, calls: [{ to: api }] }
  api: { kind: service, replicas: 1, capacity: 400/s, concurrency: 4 }
";

    /// The Monte Carlo p99 with the default walk count is within 2% of the
    /// exact M/M/c p99 (capacity-model.md, section 5).
    #[test]
    fn monte_carlo_p99_matches_the_exact_value() {
        let (_, estimate) = run(SINGLE_STATION, &Options::default());
        let exact = estimate.components[1].latency.unwrap().p99;
        let walked = estimate.end_to_end.as_ref().unwrap().p99;
        assert!(
            (walked - exact).abs() <= 0.02 * exact,
            "walked {walked}, exact {exact}"
        );
        let mean = estimate.mean_by_formula.unwrap();
        assert!((estimate.end_to_end.as_ref().unwrap().mean - mean).abs() <= 0.02 * mean);
    }

    /// A Jackson tandem (Jackson, "Jobshop-like queueing systems", 1963;
    /// Kleinrock vol. 1, 4.8): three M/M/1 stations in series at lambda =
    /// 50/s with mu = 100, 80 and 200/s. Each behaves as an independent
    /// M/M/1, so the mean sojourn is 1/50 + 1/30 + 1/150 = 0.06 s and the
    /// end-to-end time is the sum of three independent exponentials
    /// (rates 50, 30 and 150), whose p99 solves the hypoexponential CDF.
    #[test]
    fn jackson_tandem() {
        let yaml = "version: 1
name: tandem
requirements: { peak_rps: 50/s }
components:
  users: { kind: client, calls: [{ to: a }] }
  a: { kind: service, capacity: 100/s, calls: [{ to: b }] }
  b: { kind: service, capacity: 80/s, calls: [{ to: c }] }
  c: { kind: service, capacity: 200/s }
";
        let (_, estimate) = run(yaml, &Options::default());
        assert!((estimate.mean_by_formula.unwrap() - 0.06).abs() < 1e-12);
        let rates = [50.0f64, 30.0, 150.0];
        let survival = |t: f64| -> f64 {
            (0..3)
                .map(|i| {
                    let others: f64 = (0..3)
                        .filter(|j| *j != i)
                        .map(|j| rates[j] / (rates[j] - rates[i]))
                        .product();
                    others * (-rates[i] * t).exp()
                })
                .sum()
        };
        let (mut low, mut high) = (0.0, 1.0);
        for _ in 0..100 {
            let middle = (low + high) / 2.0;
            if survival(middle) > 0.01 {
                low = middle
            } else {
                high = middle
            }
        }
        let end_to_end = estimate.end_to_end.as_ref().unwrap();
        assert!(
            (end_to_end.p99 - low).abs() <= 0.02 * low,
            "walked {}, exact {low}",
            end_to_end.p99
        );
        assert!((end_to_end.mean - 0.06).abs() <= 0.01 * 0.06);
    }

    #[test]
    fn walks_are_repeatable_and_independent_of_threads() {
        let (_, first) = run(SINGLE_STATION, &Options::default());
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let (_, single_thread) = pool.install(|| run(SINGLE_STATION, &Options::default()));
        assert_eq!(first.end_to_end, single_thread.end_to_end);
        let other_seed = Options {
            seed: 7,
            ..Options::default()
        };
        let (_, reseeded) = run(SINGLE_STATION, &other_seed);
        assert_ne!(first.end_to_end, reseeded.end_to_end);
    }

    #[test]
    fn bottleneck_headroom_and_largest_load() {
        let (_, estimate) = run(SINGLE_STATION, &Options::default());
        assert_eq!(estimate.bottleneck, Some(1));
        assert!((estimate.components[1].utilization().unwrap() - 0.75).abs() < 1e-12);
        assert!((estimate.max_entry_rps.unwrap() - 400.0).abs() < 1e-9);
        assert!((estimate.headroom().unwrap() - 4.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn saturation_removes_latency() {
        let options = Options {
            load_multiplier: 2.0,
            ..Options::default()
        };
        let (_, estimate) = run(SINGLE_STATION, &options);
        assert!(estimate.components[1].utilization().unwrap() >= 1.0);
        assert!(estimate.components[1].latency.is_none());
        assert_eq!(estimate.end_to_end, Err(NoLatency::Saturated(vec![1])));
    }

    #[test]
    fn sizing_for_a_target_utilization() {
        let options = Options {
            target_utilization: Some(0.5),
            ..Options::default()
        };
        let (_, estimate) = run(SINGLE_STATION, &options);
        // 300/s at 400/s per replica and 50%: 1.5 -> 2 replicas.
        assert_eq!(estimate.components[1].needed_replicas, Some(2));
    }

    #[test]
    fn zone_failure_breaks_a_design_that_is_not_n_plus_one() {
        let yaml = "version: 1
name: zones
requirements: { peak_rps: 1000/s }
zones: [a, b]
components:
  users: { kind: client, calls: [{ to: api }] }
  api: { kind: service, replicas: 2, zones: [a, b], capacity: 800/s, latency: 5ms }
";
        let (_, estimate) = run(yaml, &Options::default());
        let breaks = estimate.components[1].breaks_on.clone().unwrap();
        assert_eq!(breaks.lost, "zone:a");
        assert!(breaks.utilization.unwrap() >= 1.0);
        let failed = Options {
            failures: vec![Failure::Zone("a".into())],
            ..Options::default()
        };
        let (_, estimate) = run(yaml, &failed);
        assert_eq!(estimate.components[1].replica.live, 1);
        assert!(estimate.end_to_end.is_err());
    }

    #[test]
    fn series_availability_of_the_request_path() {
        let yaml = "version: 1
name: two in series
requirements: { peak_rps: 10/s }
components:
  users: { kind: client, calls: [{ to: api }] }
  api: { kind: service, calls: [{ to: db }] }
  db: { kind: service }
";
        let (_, estimate) = run(yaml, &Options::default());
        // Two 99.9% components in series, in the one zone (99.95%) a
        // design without zones runs in.
        assert!((estimate.availability.value - 0.998_001 * 0.9995).abs() < 1e-12);
    }

    fn availability_of(yaml: &str, failures: Vec<Failure>) -> f64 {
        let options = Options {
            walks: 0,
            failures,
            ..Options::default()
        };
        run(yaml, &options).1.availability.value
    }

    /// Request-weighted availability (capacity-model.md, section 7): a
    /// one-replica service that 0.1% of requests reach costs them 0.1% of
    /// its 0.1% unavailability, not all of it. By hand, with zones and the
    /// caller never down: 1 - 0.001 x 0.001.
    #[test]
    fn a_rarely_used_single_replica_costs_its_share() {
        let yaml = "version: 1
name: t
requirements: { peak_rps: 100/s }
zones: [a, b, c]
zone_availability: 100%
components:
  users: { kind: client, calls: [{ to: api }] }
  api:
    kind: service
    replicas: 3
    zones: [a, b, c]
    availability: 100%
    calls: [{ to: rare, per_request: 0.001 }]
  rare: { kind: service, zones: [a] }
";
        let value = availability_of(yaml, Vec::new());
        assert!((value - (1.0 - 0.001 * 0.001)).abs() < 1e-12, "{value}");
    }

    /// A keyed request reads one shard, so a quorum store is as available
    /// with 1, 100 or 1,000 shards. By hand: each shard keeps one copy per
    /// zone and reads need 2 of 3. All zones up (p0 = 0.9995^3):
    /// 3a^2(1-a) + a^3; one zone down (p1 = 0.0005 x 0.9995^2, three ways):
    /// a^2; two down: no quorum.
    #[test]
    fn a_quorum_store_does_not_lose_availability_to_its_shards() {
        let design = |shards: u32| {
            format!(
                "version: 1
name: t
requirements: {{ peak_rps: 100/s }}
zones: [a, b, c]
components:
  users: {{ kind: client, calls: [{{ to: api }}] }}
  api: {{ kind: service, replicas: 3, zones: [a, b, c], availability: 100%, calls: [{{ to: db }}] }}
  db:
    kind: database
    replicas: {}
    zones: [a, b, c]
    replication: {{ factor: 3, mode: quorum }}
    sharding: {{ shards: {shards} }}
",
                shards * 3
            )
        };
        let a: f64 = 0.999;
        let p0 = 0.9995f64.powi(3);
        let p1 = 0.0005 * 0.9995f64.powi(2);
        let expected = p0 * (3.0 * a * a * (1.0 - a) + a.powi(3)) + 3.0 * p1 * a * a;
        for shards in [1, 100, 1000] {
            let value = availability_of(&design(shards), Vec::new());
            assert!((value - expected).abs() < 1e-12, "{shards} shards: {value}");
        }
    }

    /// A store whose nodes all sit in zone `a`, on the way of 30% of
    /// requests: those requests fail while `a` is down (alone, or with one
    /// other zone); everything else survives any one or two zones.
    #[test]
    fn a_store_in_one_zone_costs_its_share_of_that_zone() {
        let yaml = "version: 1
name: t
requirements: { peak_rps: 100/s }
zones: [a, b, c]
components:
  users: { kind: client, calls: [{ to: api }] }
  api:
    kind: service
    replicas: 3
    zones: [a, b, c]
    availability: 100%
    calls: [{ to: db, per_request: 0.3 }]
  db: { kind: database, replicas: 3, zones: [a], availability: 100% }
";
        let up = 0.9995f64;
        let p0 = up.powi(3);
        let p1 = (1.0 - up) * up * up;
        let p2 = (1.0 - up) * (1.0 - up) * up;
        let expected = p0 + 3.0 * p1 + 3.0 * p2 - 0.3 * (p1 + 2.0 * p2);
        let value = availability_of(yaml, Vec::new());
        assert!(
            (value - expected).abs() < 1e-12,
            "{value} against {expected}"
        );
        let (_, failed) = run(
            yaml,
            &Options {
                walks: 0,
                failures: vec![Failure::Zone("a".into())],
                ..Options::default()
            },
        );
        assert!(!failed.path_up());
    }

    /// k of n with a zone down: `api` needs 2 of its 3 replicas for its
    /// load; with zone `a` failed, both others and both their zones must be
    /// up: 0.9995^2 x 0.999^2.
    #[test]
    fn k_of_n_with_a_zone_down() {
        let yaml = "version: 1
name: t
requirements: { peak_rps: 150/s }
zones: [a, b, c]
components:
  users: { kind: client, calls: [{ to: api }] }
  api: { kind: service, replicas: 3, zones: [a, b, c], capacity: 100/s, latency: 1ms }
";
        let value = availability_of(yaml, vec![Failure::Zone("a".into())]);
        let expected = 0.9995f64.powi(2) * 0.999f64.powi(2);
        assert!((value - expected).abs() < 1e-12, "{value}");
    }

    /// Without zones every replica runs in one zone, so no request beats
    /// the zone's availability however many replicas there are.
    #[test]
    fn a_design_without_zones_is_capped_by_its_zone() {
        let yaml = "version: 1
name: t
requirements: { peak_rps: 100/s }
components:
  users: { kind: client, calls: [{ to: api }] }
  api: { kind: service, replicas: 10, availability: 100% }
";
        assert!((availability_of(yaml, Vec::new()) - 0.9995).abs() < 1e-12);
        let custom = yaml.replace("requirements:", "zone_availability: 99.99%\nrequirements:");
        assert!((availability_of(&custom, Vec::new()) - 0.9999).abs() < 1e-12);
    }

    proptest::proptest! {
        #[test]
        fn utilization_scales_linearly_with_load(multiplier in 0.1f64..10.0) {
            let (_, base) = run(SINGLE_STATION, &Options { walks: 0, ..Options::default() });
            let (_, scaled) = run(SINGLE_STATION, &Options { walks: 0, load_multiplier: multiplier, ..Options::default() });
            let expected = base.components[1].utilization().unwrap() * multiplier;
            let actual = scaled.components[1].utilization().unwrap();
            proptest::prop_assert!((actual - expected).abs() <= 1e-9 * expected);
        }
    }
}
