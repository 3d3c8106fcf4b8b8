//! The capacity model (shared/spec/capacity-model.md): from a checked design
//! and its graph to load, utilisation, latency, availability, queue backlog
//! and what a failure breaks, with the retries it sets off and the backlog
//! it leaves. Computed once as an [`Estimate`] and shared by
//! `check`, `estimate` and every renderer.

pub mod assumptions;
pub mod availability;
pub mod closed;
pub mod connections;
pub mod cost;
pub mod domains;
pub mod envelope;
pub mod failure;
pub mod latency;
pub mod lattice;
pub mod load;
pub mod outage;
pub mod replicas;
pub mod retries;
pub mod sizing;
pub mod station;
pub mod variability;

use rayon::prelude::*;

use availability::Availability;
use domains::Domains;
use failure::Failure;
use latency::{Calculator, CallTree, EndToEnd, NoLatency};
use load::{Load, UnboundedLoop};
use outage::Outage;
use replicas::ReplicaModel;
use retries::RetryLoad;

use crate::design::{Design, Kind};
use crate::ways::{WayOperationId, Ways};

#[derive(Clone, Debug)]
pub struct Options {
    /// `--load X`: multiplies the entry load.
    pub load_multiplier: f64,
    /// `--rps N`: sets the total entry load (before the multiplier).
    pub entry_rps: Option<f64>,
    pub failures: Vec<Failure>,
    /// Compute the end-to-end quantiles (the rest of the estimate does not
    /// need them).
    pub quantiles: bool,
    /// `--target-utilization U`: also size every component for it.
    pub target_utilization: Option<f64>,
    /// `--fail NAME@DURATION`: the failures last this many seconds; the
    /// estimate then gives the backlog they leave and its drain.
    pub outage: Option<f64>,
    /// Solve the load retries add (under `failures`, and per zone for
    /// BP410); what-ifs that only ask what breaks leave it out.
    pub retries: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            load_multiplier: 1.0,
            entry_rps: None,
            failures: Vec::new(),
            quantiles: true,
            target_utilization: None,
            outage: None,
            retries: true,
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
    /// The clients' own load, some of it from closed populations (`users`).
    Population,
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
    /// The mean by formula (section 5), beside the computed one.
    pub mean_by_formula: Option<f64>,
    pub availability: Availability,
    /// What costs it most, the largest first.
    pub costs: Vec<availability::Cost>,
}

impl OperationEstimate {
    /// The components this operation waits on that cannot keep up: its
    /// requests then never finish, so its availability is "saturated", not
    /// a percentage.
    pub fn saturated(&self) -> &[usize] {
        match &self.end_to_end {
            Err(NoLatency::Saturated(components)) => components,
            _ => &[],
        }
    }
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
    /// The mean by formula (section 5), beside the computed one, of all
    /// traffic.
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
    /// Under `--fail`, the load the calls' retries add (none without
    /// failures, or when no call retries).
    pub retries: Option<RetryLoad>,
    /// The same for the loss of each zone in turn (on top of `--fail`), in
    /// the design's zone order, once per distinct placement of replicas
    /// (`retries::per_zone`): what BP410 reads. Empty without zones or
    /// retries.
    pub zone_retries: Vec<(usize, RetryLoad)>,
    /// Under `--fail NAME@DURATION`, the backlog the outage leaves.
    pub outage: Option<Outage>,
    /// What the design costs a month, when it prices any component.
    pub cost: Option<cost::Costs>,
    /// The closed clients (`users`), in component order, with the rate and
    /// response time their populations settle at (before `--load`/`--rps`).
    pub closed: Vec<closed::ClosedClient>,
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
    /// The components some loaded operation waits on that cannot keep up:
    /// all traffic's availability is then "saturated", not a percentage.
    pub fn saturated(&self) -> &[usize] {
        match &self.end_to_end {
            Err(NoLatency::Saturated(components)) => components,
            _ => &[],
        }
    }

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

/// The entry load of each component, where the total came from, and the
/// closed clients solved on the way. A closed client's rate is solved with
/// the open clients' design rates beside it, then scaled by `--rps` and
/// `--load` like every other rate (a what-if on the rate; a what-if on the
/// population changes `users`).
fn entry_loads(
    design: &Design,
    ways: &Ways,
    options: &Options,
    live: &[u32],
    caps: &[Option<u32>],
) -> Result<(Vec<f64>, EntrySource, Vec<closed::ClosedClient>), UnboundedLoop> {
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
        .filter(|&id| design.client_rps(id).is_none() && !design.components[id].is_closed())
        .collect();
    for &id in &without_rps {
        if let Some(peak) = peak {
            entry[id] = peak / without_rps.len() as f64;
        }
    }
    for &id in &entries {
        if let Some(rps) = design.client_rps(id) {
            entry[id] = rps;
        }
    }
    let closed = closed::solve_design(design, ways, &entry, live, caps)?;
    for client in &closed {
        entry[client.client] = client.throughput();
    }
    if without_rps.is_empty() && !closed.is_empty() {
        source = EntrySource::Population;
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
    Ok((entry, source, closed))
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
    let live = failure::live_replicas(design, &options.failures).map_err(EstimateError::Failure)?;
    let caps = replicas::partition_caps(design);
    let (entry, entry_source, closed) =
        entry_loads(design, ways, options, &live, &caps).map_err(EstimateError::Unbounded)?;
    let entry_rps: f64 = entry.iter().sum();
    let operation_rps: Vec<f64> = ways
        .operations
        .iter()
        .map(|o| o.entry.map_or(0.0, |e| entry[e] * o.share))
        .collect();
    let loads = load::propagate(design, ways, &operation_rps).map_err(EstimateError::Unbounded)?;
    let domains = Domains::new(design, &options.failures);

    let replica_models: Vec<ReplicaModel> = design
        .components
        .iter()
        .enumerate()
        .map(|(id, component)| replicas::model(component, loads.components[id], live[id], caps[id]))
        .collect();
    let replica_models = if variability::is_markovian(design) {
        replica_models
    } else {
        let scvs = variability::arrival_scvs(design, ways, &loads, &replica_models, &operation_rps);
        replica_models
            .into_iter()
            .enumerate()
            .map(|(id, replica)| {
                let scv =
                    variability::replica_scv(&replica, loads.components[id].total(), scvs[id]);
                replica.with_arrival_scv(scv)
            })
            .collect()
    };
    let serving =
        availability::serving(design, &loads.components, &replica_models, &caps, &domains);
    // The response-time integrals and quantiles, and each component's
    // single-failure what-if, are the costly part: spread them over the
    // cores (collected in order, so the result is the same).
    let means: Vec<(f64, f64)> = replica_models.par_iter().map(own_means).collect();
    let components: Vec<ComponentEstimate> = replica_models
        .into_par_iter()
        .enumerate()
        .map(|(id, replica)| {
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

    // Each component's replica model, kept once: in its estimate.
    let replica_models: Vec<&ReplicaModel> = components.iter().map(|c| &c.replica).collect();
    let tree = CallTree::new(design, ways, &replica_models, &means);
    let read_means = tree.read_means(&ways.callees_first);
    let shapes = options.quantiles.then(|| tree.shapes(&ways.callees_first));
    let mut calculator = shapes.as_ref().map(Calculator::new);
    let mut computed: Vec<(f64, latency::Computed)> = Vec::new();
    let mut operations = Vec::new();
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
        let (end_to_end, mean_by_formula) = if rps <= 0.0 {
            (Err(NoLatency::NoLoad), None)
        } else if !saturated.is_empty() {
            (Err(NoLatency::Saturated(saturated)), None)
        } else if let (Some(calculator), Some(shapes)) = (&mut calculator, &shapes) {
            let distribution = calculator.end_to_end(shapes.of_read(entry_node));
            let figures = distribution.figures;
            computed.push((rps, distribution));
            (Ok(figures), Some(mean))
        } else {
            (Err(NoLatency::NotComputed), Some(mean))
        };
        let operation_availability =
            availability::of_operation(ways.reach_of(id), &serving, &domains);
        operations.push(OperationEstimate {
            operation: id,
            rps,
            end_to_end,
            mean_by_formula,
            availability: operation_availability.availability,
            costs: operation_availability.costs,
        });
    }

    let (end_to_end, mean_by_formula) = overall_latency(&operations, &computed, entry_rps);
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

    let retrying = options.retries && retries::any(design);
    let retries = (!options.failures.is_empty() && retrying)
        .then(|| retries::solve(design, ways, &operation_rps, &loads, &live, &caps));
    let zone_retries = if retrying {
        retries::per_zone(design, ways, &operation_rps, &loads, &live, &caps)
    } else {
        Vec::new()
    };
    let outage = options.outage.map(|duration| {
        let up: Vec<ReplicaModel> = design
            .components
            .iter()
            .enumerate()
            .map(|(id, c)| replicas::model(c, loads.components[id], c.replica_count(), caps[id]))
            .collect();
        outage::outage(design, duration, &loads.components, &up, &replica_models)
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
        retries,
        zone_retries,
        outage,
        cost: cost::monthly(design),
        closed,
    })
}

/// All traffic's latency: the operations' distributions mixed by their
/// rates, or why there is none.
fn overall_latency(
    operations: &[OperationEstimate],
    computed: &[(f64, latency::Computed)],
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
    if computed.is_empty() {
        return (Err(NoLatency::NotComputed), mean);
    }
    let weighted: Vec<(f64, &latency::Computed)> = computed.iter().map(|(w, c)| (*w, c)).collect();
    (Ok(latency::mixture_of(&weighted)), mean)
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
    use super::latency::tests::exact_quantile;
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

    /// Every computed quantile of the design's traffic within 0.5% of the
    /// exact one.
    fn assert_quantiles(estimate: &Estimate, cdf: impl Fn(f64) -> f64) {
        let end_to_end = estimate.end_to_end.as_ref().unwrap();
        for share in [0.5, 0.9, 0.95, 0.99, 0.999] {
            let exact = exact_quantile(&cdf, share);
            let computed = end_to_end.quantile(share);
            assert!(
                (computed - exact).abs() <= 0.005 * exact,
                "p{share}: computed {computed}, exact {exact}"
            );
        }
    }

    /// A station's response as phases: with chance 1 - C the service
    /// alone (rate mu), with chance C a wait (rate c mu - lambda) and then
    /// the service.
    fn phases(station: crate::capacity::station::Station) -> Vec<(f64, Vec<f64>)> {
        let mu = station.service_rate;
        let theta = f64::from(station.servers) * mu - station.arrival_rate;
        let wait = station.wait_probability();
        vec![(1.0 - wait, vec![mu]), (wait, vec![theta, mu])]
    }

    /// P(sum of independent exponentials at distinct `rates` <= t): the
    /// hypoexponential, 1 - sum_i prod_{j != i} r_j / (r_j - r_i) e^{-r_i t}
    /// (Ross, Introduction to Probability Models, 5.2.4).
    fn hypoexponential(rates: &[f64], t: f64) -> f64 {
        1.0 - (0..rates.len())
            .map(|i| {
                let others: f64 = (0..rates.len())
                    .filter(|j| *j != i)
                    .map(|j| rates[j] / (rates[j] - rates[i]))
                    .product();
                others * (-rates[i] * t).exp()
            })
            .sum::<f64>()
    }

    /// The computed p99 of one M/M/4 station is its exact p99.
    #[test]
    fn one_station_gives_its_exact_quantiles() {
        let (_, estimate) = run(SINGLE_STATION, &Options::default());
        let station = estimate.components[1].replica.station.unwrap();
        assert_quantiles(&estimate, |t| station.response_cdf(t));
        let mean = estimate.mean_by_formula.unwrap();
        assert!((estimate.end_to_end.as_ref().unwrap().mean - mean).abs() <= 1e-3 * mean);
    }

    /// One G/G/4 station (bursty arrivals, a measured lognormal service):
    /// the quantiles computed on the grid are those of the station's own
    /// response distribution, and the mean is the Allen–Cunneen one.
    #[test]
    fn one_shaped_station_gives_its_quantiles() {
        let yaml = "version: 1
name: one G/G/4 station
requirements: { peak_rps: 300/s }
components:
  users: { kind: client, arrivals: { burstiness: 4 }, calls: [{ to: api }] }
  api: { kind: service, replicas: 1, concurrency: 4, latency: { p50: 6ms, p99: 40ms } }
";
        let (_, estimate) = run(yaml, &Options::default());
        let station = estimate.components[1].replica.station.unwrap();
        assert_eq!(station.variability.arrival_scv, 4.0);
        assert!(!station.variability.is_markovian());
        assert_quantiles(&estimate, |t| station.response_cdf(t));
        let mean = estimate.mean_by_formula.unwrap();
        assert!((mean - station.mean_response()).abs() < 1e-15);
        assert!((estimate.end_to_end.as_ref().unwrap().mean - mean).abs() <= 1e-3 * mean);
    }

    /// QNA along a tandem: bursty arrivals (ca2 = 4) through an exponential
    /// station at rho = 0.5 leave with cd2 = 1 + (1 - 0.25) 3 = 3.25 (Whitt
    /// 1983, eq. 38), which the next station sees; split at random over two
    /// replicas, each sees 1 + (3.25 - 1) / 2 (eq. 40).
    #[test]
    fn variability_passes_along_a_tandem() {
        let yaml = "version: 1
name: tandem
requirements: { peak_rps: 50/s }
components:
  users: { kind: client, arrivals: { burstiness: 4 }, calls: [{ to: a }] }
  a: { kind: service, capacity: 100/s, calls: [{ to: b }] }
  b: { kind: service, replicas: 2, capacity: 200/s }
";
        let (_, estimate) = run(yaml, &Options::default());
        let scv = |id: usize| {
            estimate.components[id]
                .replica
                .station
                .unwrap()
                .variability
                .arrival_scv
        };
        assert!((scv(1) - 4.0).abs() < 1e-12);
        assert!((scv(2) - (1.0 + 2.25 / 2.0)).abs() < 1e-12, "{}", scv(2));
    }

    /// A Jackson tandem (Jackson, "Jobshop-like queueing systems", 1963;
    /// Kleinrock vol. 1, 4.8): three M/M/1 stations in series at lambda =
    /// 50/s with mu = 100, 80 and 200/s. Each behaves as an independent
    /// M/M/1, so the mean sojourn is 1/50 + 1/30 + 1/150 = 0.06 s and the
    /// end-to-end time is the sum of three independent exponentials
    /// (rates 50, 30 and 150): survival sum_i prod_{j != i} r_j / (r_j - r_i)
    /// e^{-r_i t} (Ross, Introduction to Probability Models, 5.2.4).
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
        assert_quantiles(&estimate, |t| hypoexponential(&[50.0, 30.0, 150.0], t));
        let mean = estimate.end_to_end.as_ref().unwrap().mean;
        assert!((mean - 0.06).abs() <= 1e-3 * 0.06, "{mean}");
    }

    /// A parallel fan-out of 10: the client waits for the slowest of ten
    /// calls to one M/M/2 service, F(t)^10 with F the station's exact
    /// response-time distribution (David and Nagaraja, Order Statistics,
    /// 2.1).
    #[test]
    fn parallel_fan_out_of_ten() {
        let yaml = "version: 1
name: fan-out
requirements: { peak_rps: 100/s }
components:
  users: { kind: client, calls: [{ to: shard, per_request: 10, parallel: true }] }
  shard: { kind: service, capacity: 1500/s, concurrency: 2 }
";
        let (_, estimate) = run(yaml, &Options::default());
        let station = estimate.components[1].replica.station.unwrap();
        assert!(station.wait_probability() > 0.1, "the stations queue");
        assert_quantiles(&estimate, |t| station.response_cdf(t).powi(10));
    }

    /// A quorum wait: a write to three copies that waits for two, the 2nd
    /// fastest of three M/M/1 responses: 3F^2(1 - F) + F^3 (David and
    /// Nagaraja, 2.1).
    #[test]
    fn quorum_wait() {
        let yaml = "version: 1
name: quorum
requirements: { peak_rps: 200/s }
components:
  users: { kind: client, calls: [{ to: store, op: write }] }
  store:
    kind: database
    replicas: 3
    capacity: 1k/s
    concurrency: 1
    latency: 1ms
    replication: { factor: 3, mode: quorum, write_quorum: 2 }
";
        let (_, estimate) = run(yaml, &Options::default());
        let station = estimate.components[1].replica.station.unwrap();
        assert!(station.wait_probability() > 0.1, "the stations queue");
        assert_quantiles(&estimate, |t| {
            let f = station.response_cdf(t);
            3.0 * f * f * (1.0 - f) + f.powi(3)
        });
    }

    /// An M/M/c chain with a mixture: a service (M/M/2) reads through a
    /// cache (M/M/1) that hits 80% of the time and otherwise waits on a
    /// store (M/M/2). By hand: each station's time is one of its phase
    /// lists, so the whole is a mixture of sums of exponentials at distinct
    /// rates, each hypoexponential.
    #[test]
    fn mmc_chain_with_a_cache_mixture() {
        let yaml = "version: 1
name: chain
requirements: { peak_rps: 300/s }
components:
  users: { kind: client, calls: [{ to: api }] }
  api: { kind: service, capacity: 400/s, concurrency: 2, calls: [{ to: cache }] }
  cache: { kind: cache, capacity: 2k/s, concurrency: 1, hit_ratio: 0.8, backing: db }
  db: { kind: database, capacity: 100/s, concurrency: 2 }
";
        let (_, estimate) = run(yaml, &Options::default());
        let station = |id: usize| estimate.components[id].replica.station.unwrap();
        let mut paths: Vec<(f64, Vec<f64>)> = Vec::new();
        for (p_api, api) in phases(station(1)) {
            for (p_cache, cache) in phases(station(2)) {
                let hit = [api.clone(), cache.clone()].concat();
                paths.push((0.8 * p_api * p_cache, hit.clone()));
                for (p_db, db) in phases(station(3)) {
                    paths.push((0.2 * p_api * p_cache * p_db, [hit.clone(), db].concat()));
                }
            }
        }
        assert_quantiles(&estimate, |t| {
            paths
                .iter()
                .map(|(chance, rates)| chance * hypoexponential(rates, t))
                .sum()
        });
        let mean = estimate.mean_by_formula.unwrap();
        let computed = estimate.end_to_end.as_ref().unwrap().mean;
        assert!(
            (computed - mean).abs() <= 1e-3 * mean,
            "{computed} against {mean}"
        );
    }

    /// No randomness: the same figures on one thread as on all, and on
    /// every run.
    #[test]
    fn quantiles_are_repeatable_and_independent_of_threads() {
        let yaml = include_str!("../../designs/chat.yaml");
        let (_, first) = run(yaml, &Options::default());
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let (_, single_thread) = pool.install(|| run(yaml, &Options::default()));
        let (_, again) = run(yaml, &Options::default());
        assert_eq!(first.end_to_end, single_thread.end_to_end);
        assert_eq!(first.end_to_end, again.end_to_end);
        for (a, b) in first.operations.iter().zip(&single_thread.operations) {
            assert_eq!(a.end_to_end, b.end_to_end);
        }
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
            quantiles: false,
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
                quantiles: false,
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

    /// A chain of services, each calling the next `per_request` times
    /// (fractions included), the last reading through a cache.
    fn random_chain(stations: &[(u32, u32, f64)], hit_ratio: f64) -> String {
        let mut yaml = String::from(
            "version: 1\nname: chain\nrequirements: { peak_rps: 10/s }\ncomponents:\n  users: { kind: client, calls: [{ to: s0 }] }\n",
        );
        for (i, (capacity, concurrency, per_request)) in stations.iter().enumerate() {
            let next = if i + 1 < stations.len() {
                format!("s{}", i + 1)
            } else {
                "cache".to_string()
            };
            yaml.push_str(&format!(
                "  s{i}: {{ kind: service, capacity: {capacity}/s, concurrency: {concurrency}, calls: [{{ to: {next}, per_request: {per_request} }}] }}\n"
            ));
        }
        yaml.push_str(&format!(
            "  cache: {{ kind: cache, capacity: 50k/s, concurrency: 4, hit_ratio: {hit_ratio}, backing: db }}\n  db: {{ kind: database, capacity: 30k/s, concurrency: 3 }}\n"
        ));
        yaml
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]
        /// The computed mean is the closed-form mean (section 5) within
        /// 0.1% on random chains with fractional calls and cache mixtures.
        #[test]
        fn computed_mean_is_the_formula_mean(
            stations in proptest::collection::vec((200u32..5_000, 1u32..8, 0.1f64..3.0), 1..6),
            hit_ratio in 0.0f64..0.99,
        ) {
            let stations: Vec<(u32, u32, f64)> = stations
                .into_iter()
                .map(|(capacity, concurrency, per_request)| (capacity * 10, concurrency, (per_request * 100.0).round() / 100.0))
                .collect();
            let hit_ratio = (hit_ratio * 100.0).round() / 100.0;
            let (_, estimate) = run(&random_chain(&stations, hit_ratio), &Options::default());
            let formula = estimate.mean_by_formula.unwrap();
            let computed = estimate.end_to_end.as_ref().unwrap().mean;
            proptest::prop_assert!((computed - formula).abs() <= 1e-3 * formula, "{computed} against {formula}");
        }
    }

    proptest::proptest! {
        #[test]
        fn utilization_scales_linearly_with_load(multiplier in 0.1f64..10.0) {
            let (_, base) = run(SINGLE_STATION, &Options { quantiles: false, ..Options::default() });
            let (_, scaled) = run(SINGLE_STATION, &Options { quantiles: false, load_multiplier: multiplier, ..Options::default() });
            let expected = base.components[1].utilization().unwrap() * multiplier;
            let actual = scaled.components[1].utilization().unwrap();
            proptest::prop_assert!((actual - expected).abs() <= 1e-9 * expected);
        }
    }
}
