//! The capacity model (shared/spec/capacity-model.md): from a checked design
//! and its graph to load, utilisation, latency, availability, queue backlog
//! and what a failure breaks. Computed once as an [`Estimate`] and shared by
//! `check`, `estimate` and every renderer.

pub mod availability;
pub mod envelope;
pub mod failure;
pub mod latency;
pub mod load;
pub mod replicas;
pub mod station;

use petgraph::visit::EdgeFiltered;
use rayon::prelude::*;

use availability::Availability;
use failure::Failure;
use latency::{EndToEnd, NoLatency, Walker};
use load::{Load, UnboundedLoop};
use replicas::ReplicaModel;

use crate::design::{Design, Kind};
use crate::topology::{EdgeKind, Topology};

/// The walks of the Monte Carlo latency estimate by default: enough to keep
/// p99 within 2% of its true value.
pub const DEFAULT_WALKS: usize = 100_000;
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
    pub availability: f64,
    /// Requests cannot do without it: counted in the path's availability.
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

#[derive(Clone, Debug)]
pub struct Estimate {
    pub entry_rps: f64,
    pub entry_source: EntrySource,
    /// Entry load per component (non-zero only at entries).
    pub entry_loads: Vec<f64>,
    pub components: Vec<ComponentEstimate>,
    pub end_to_end: Result<EndToEnd, NoLatency>,
    /// The mean by formula (section 5), beside the walk's.
    pub mean_by_formula: Option<f64>,
    pub bottleneck: Option<usize>,
    /// The largest entry load the design sustains (at utilisation 1).
    pub max_entry_rps: Option<f64>,
    pub availability: Availability,
    pub queues: Vec<QueueEstimate>,
    pub failures: Vec<Failure>,
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
fn entry_loads(design: &Design, topology: &Topology, options: &Options) -> (Vec<f64>, EntrySource) {
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
    let without_rps: Vec<usize> = topology
        .entries
        .iter()
        .copied()
        .filter(|&id| design.components[id].rps.is_none())
        .collect();
    for &id in &topology.entries {
        if let Some(rps) = &design.components[id].rps {
            entry[id] = rps.value;
        } else if let Some(peak) = peak {
            entry[id] = peak / without_rps.len() as f64;
        }
    }
    if let Some(total) = options.entry_rps {
        let current: f64 = entry.iter().sum();
        for &id in &topology.entries {
            entry[id] = if current > 0.0 {
                entry[id] * total / current
            } else {
                total / topology.entries.len() as f64
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

/// Runs the capacity model on a design.
pub fn estimate(
    design: &Design,
    topology: &Topology,
    options: &Options,
) -> Result<Estimate, EstimateError> {
    let (entry, entry_source) = entry_loads(design, topology, options);
    let entry_rps: f64 = entry.iter().sum();
    let loads = load::propagate(design, topology, &entry).map_err(EstimateError::Unbounded)?;
    let live = failure::live_replicas(design, &options.failures).map_err(EstimateError::Failure)?;
    let caps = replicas::partition_caps(design);
    let required = availability::required(design, topology);

    let replica_models: Vec<ReplicaModel> = design
        .components
        .iter()
        .enumerate()
        .map(|(id, component)| replicas::model(component, loads[id], live[id], caps[id]))
        .collect();
    // The response-time integrals and quantiles, and each component's
    // single-failure what-if, are the costly part: spread them over the
    // cores (collected in order, so the result is the same).
    let means: Vec<(f64, f64)> = replica_models.par_iter().map(own_means).collect();
    let components: Vec<ComponentEstimate> = (0..design.components.len())
        .into_par_iter()
        .map(|id| {
            let component = &design.components[id];
            let replica = replica_models[id].clone();
            let load = loads[id];
            ComponentEstimate {
                latency: latency_of(&replica, load, means[id]),
                availability: availability::of_component(component, load, &replica),
                required: required[id],
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

    let path_availability: f64 = components
        .iter()
        .filter(|c| c.required)
        .map(|c| c.availability)
        .product();
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
            let inflow = loads[id].total();
            QueueEstimate {
                queue: id,
                consumer,
                inflow,
                drain,
                backlog_growth: drain.map_or(0.0, |d| (inflow - d).max(0.0)),
            }
        })
        .collect();

    let walker = Walker::new(design, &replica_models, &means, &entry);
    let saturated: Vec<usize> = (0..design.components.len())
        .filter(|&id| topology.on_request_path[id] && components[id].replica.is_saturated())
        .collect();
    let (end_to_end, mean_by_formula) = if entry_rps <= 0.0 {
        (Err(NoLatency::NoLoad), None)
    } else if !saturated.is_empty() {
        (Err(NoLatency::Saturated(saturated)), None)
    } else {
        let mean = Some(walker.mean_by_formula(&callees_first(topology)));
        if options.walks == 0 {
            (Err(NoLatency::NotComputed), mean)
        } else {
            let visits: f64 = (0..design.components.len())
                .filter(|&id| topology.on_request_path[id])
                .map(|id| loads[id].total() / entry_rps)
                .sum();
            (walker.quantiles(options.walks, options.seed, visits), mean)
        }
    };

    Ok(Estimate {
        entry_rps,
        entry_source,
        entry_loads: entry,
        components,
        end_to_end,
        mean_by_formula,
        bottleneck: bottleneck.map(|(id, _)| id),
        max_entry_rps,
        availability: Availability::new(path_availability),
        queues,
        failures: options.failures.clone(),
    })
}

/// Components in an order where every callee comes before its callers
/// (along calls and cache misses, which have no cycle).
fn callees_first(topology: &Topology) -> Vec<usize> {
    let direct = EdgeFiltered::from_fn(&topology.graph, |edge| {
        matches!(edge.weight(), EdgeKind::Call { .. } | EdgeKind::Backing)
    });
    let mut order: Vec<usize> = petgraph::algo::toposort(&direct, None)
        .map(|nodes| nodes.into_iter().map(|n| n.index()).collect())
        .unwrap_or_default();
    order.reverse();
    order
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
        for (zone_id, zone) in design.zones.iter().enumerate() {
            let lost = component.replica_zones().filter(|z| *z == zone_id).count() as u32;
            if lost > 0 {
                scenarios.push((format!("zone:{}", zone.value), replicas - lost));
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
        let design = crate::design::load(yaml.as_bytes()).unwrap();
        let topology = crate::topology::build(&design).unwrap();
        let estimate = estimate(&design, &topology, options).unwrap();
        (design, estimate)
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
        assert!((estimate.availability.value - 0.998_001).abs() < 1e-12);
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
