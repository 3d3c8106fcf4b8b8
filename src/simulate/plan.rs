//! What the engine runs, built once from a design and its ways: each way
//! node's steps (the calls, cache misses and queues that its operation
//! takes, as the analytic model's `capacity::latency` walks them), each
//! component's replicas as stations, where its requests go (any replica, a
//! shard, or copies of a shard), where each operation's load enters, and
//! the failures as a timetable of replicas going down and coming back.

use super::{SimulateError, TimedFailure};
use crate::capacity::failure::{self, Failure};
use crate::capacity::load::Load;
use crate::capacity::replicas;
use crate::design::{CachePattern, Design, Kind, Op, ReadFrom};
use crate::ways::{Via, Wait, Ways};

/// No task, node or parent.
pub(super) const NONE: u32 = u32::MAX;

/// One thing a way node does for a request after its component's own
/// service, in the order of the design. Targets are way nodes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Step {
    /// A call the request waits for: a sync call, or an enqueue to a queue
    /// (which waits for the queue's own time only).
    Call {
        target: u32,
        op: Op,
        per_request: f64,
        parallel: bool,
        /// Seconds; infinite when the call has none.
        timeout: f64,
        /// The queue of this call's pending timeouts, or NONE without one.
        timer: u32,
        retries: u16,
        backoff: bool,
        fallback: bool,
    },
    /// An async call to a component that is not a queue: sent, not waited for.
    Send {
        target: u32,
        op: Op,
        per_request: f64,
    },
    /// On reads, a miss with probability `1 - hit_ratio` reads the backing.
    Miss { backing: u32, hit_ratio: f64 },
    /// On writes, a write-through cache (or a CDN) writes to its backing.
    WriteThrough { backing: u32 },
    /// On writes, a write-behind cache writes to its backing later.
    WriteBehind { backing: u32 },
    /// A queue hands the message to its consumer.
    Forward { consumer: u32 },
}

/// Where a request to a component is served.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Placement {
    /// Any live replica, chosen uniformly: the even, random split that
    /// keeps each replica's arrivals Poisson, as the analytic model assumes.
    Spread,
    /// One copy of each key over `shards` (a sharded cache or index): shard
    /// 0 also takes `hot_key_share` of all requests.
    Sharded { shards: u32, hot_key_share: f64 },
    /// A database: shards with `factor` copies each.
    Store(Store),
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Store {
    pub shards: u32,
    pub factor: u32,
    pub hot_key_share: f64,
    /// Reads go to the primary (the first live copy) rather than any copy.
    pub read_from_primary: bool,
    /// Copies a read asks, and waits for.
    pub read_needed: u32,
    /// Copies a write waits for (it is applied on every live copy).
    pub write_needed: u32,
}

#[derive(Clone, Debug)]
pub(super) struct ComponentPlan {
    /// Its replicas are nodes `first_node .. first_node + nodes`.
    pub first_node: u32,
    pub nodes: u32,
    /// Whether it has a service model; without one it takes no time.
    pub station: bool,
    /// Servers per replica (`concurrency`).
    pub servers: u32,
    /// Under `--blocking`, a server stays with a request until its calls
    /// answer: services and workers (thread per request). Balancers,
    /// gateways and CDNs are event-driven proxies and never hold one.
    pub holds_for_calls: bool,
    /// Mean service time of one request, seconds (`latency`).
    pub mean_service: f64,
    /// At most this many replicas work at once (a queue consumer's
    /// partitions).
    pub partition_cap: Option<u32>,
    pub placement: Placement,
}

/// A component serving requests of one operation (a node of the ways).
#[derive(Clone, Debug)]
pub(super) struct WayPlan {
    pub component: u32,
    pub steps: Vec<Step>,
}

/// Where an operation's requests enter.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Entry {
    /// The way node they enter at.
    pub way: u32,
    /// Requests/s.
    pub rate: f64,
    /// The index of the operation among the simulation's operations.
    pub operation: u32,
}

impl ComponentPlan {
    /// Whether some replicas are meant to be busier than others: a hot key,
    /// or primaries that take the reads of their shard.
    pub fn uneven(&self) -> bool {
        match self.placement {
            Placement::Spread => false,
            Placement::Sharded { hot_key_share, .. } => hot_key_share > 0.0,
            Placement::Store(store) => {
                store.hot_key_share > 0.0 || (store.factor > 1 && store.read_from_primary)
            }
        }
    }
}

/// A replica going down (or coming back) at a time.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Transition {
    /// Seconds from the start of the run (warm-up included).
    pub time: f64,
    pub node: u32,
    pub down: bool,
}

#[derive(Clone, Debug)]
pub(super) struct Plan {
    pub components: Vec<ComponentPlan>,
    /// The nodes of the ways, as the ways number them.
    pub ways: Vec<WayPlan>,
    /// The component of each replica.
    pub node_component: Vec<u32>,
    /// Where each loaded operation enters, in the order of the ways.
    pub entries: Vec<Entry>,
    /// The simulated operations (of the ways), by their index in `Entry`.
    pub operations: Vec<usize>,
    pub transitions: Vec<Transition>,
    /// Calls with a timeout: each has a queue of pending timeouts.
    pub timers: usize,
    /// The closed clients simulated as closed loops.
    pub populations: Vec<Population>,
    /// For each simulated operation, the population that sends it, if a
    /// closed one does (its entry then has no arrival stream of its own).
    pub population_of: Vec<Option<u32>>,
}

/// A closed client's users (design-format.md, Closed workloads): each
/// sends a request, waits for it to end, thinks for an exponential time of
/// mean `think_time` and sends the next.
#[derive(Clone, Debug)]
pub(super) struct Population {
    /// The closed client's name.
    pub name: String,
    pub users: u32,
    pub think_time: f64,
    /// The entries its requests take, with the cumulative share of its
    /// requests up to and including each.
    pub entries: Vec<(u32, f64)>,
}

/// Closed clients with more users than this are simulated as the open
/// stream of their solved rate: each user is an event in the calendar.
pub const MAX_SIMULATED_USERS: u32 = 1_000_000;

/// The closed clients (with at most [`MAX_SIMULATED_USERS`] users) as
/// populations over the entries of their operations, their shares in
/// proportion to the operations' rates; and the population of each
/// simulated operation.
fn populations(
    design: &Design,
    ways: &Ways,
    rates: &[(usize, f64)],
    entries: &[Entry],
) -> (Vec<Population>, Vec<Option<u32>>) {
    let mut populations = Vec::new();
    let mut population_of = vec![None; rates.len()];
    for (id, component) in design.components.iter().enumerate() {
        let Some(users) = component.users.as_ref().map(|u| u.value) else {
            continue;
        };
        let own: Vec<&Entry> = entries
            .iter()
            .filter(|e| ways.operations[rates[e.operation as usize].0].entry == Some(id))
            .collect();
        let total: f64 = own.iter().map(|e| e.rate).sum();
        if users > MAX_SIMULATED_USERS || own.is_empty() || total <= 0.0 {
            continue;
        }
        let index = populations.len() as u32;
        let mut cumulative = 0.0;
        let mut shares = Vec::with_capacity(own.len());
        for entry in &own {
            cumulative += entry.rate / total;
            population_of[entry.operation as usize] = Some(index);
            let position = entries
                .iter()
                .position(|e| e.operation == entry.operation)
                .expect("listed") as u32;
            shares.push((position, cumulative));
        }
        populations.push(Population {
            name: component.name().to_string(),
            users,
            think_time: component.think_time.as_ref().map_or(0.0, |t| t.value),
            entries: shares,
        });
    }
    (populations, population_of)
}

/// Builds the plan of a design under the operations' rates of its
/// estimate, `(way operation, requests/s)`.
pub(super) fn build(
    design: &Design,
    ways: &Ways,
    rates: &[(usize, f64)],
    failures: &[TimedFailure],
    warmup: f64,
) -> Result<Plan, SimulateError> {
    let caps = replicas::partition_caps(design);
    let mut components = Vec::with_capacity(design.components.len());
    let mut node_component = Vec::new();
    let mut timers = 0;
    let way_plans = (0..ways.nodes.len())
        .map(|node| WayPlan {
            component: ways.nodes[node].component as u32,
            steps: steps_of(design, ways, node, &mut timers),
        })
        .collect();
    for (id, component) in design.components.iter().enumerate() {
        let nodes = component.replica_count();
        let first_node = node_component.len() as u32;
        node_component.extend(std::iter::repeat_n(id as u32, nodes as usize));
        let service = component.service;
        components.push(ComponentPlan {
            first_node,
            nodes,
            station: service.is_some(),
            servers: service.map_or(1, |s| s.concurrency.max(1)),
            holds_for_calls: matches!(component.kind(), Kind::Service | Kind::Worker),
            mean_service: service.map_or(0.0, |s| s.latency),
            partition_cap: caps[id],
            placement: placement(component),
        });
    }
    let entries: Vec<Entry> = rates
        .iter()
        .enumerate()
        .filter(|(_, (_, rps))| *rps > 0.0)
        .filter_map(|(index, &(operation, rps))| {
            Some(Entry {
                way: ways.operations[operation].entry_node? as u32,
                rate: rps,
                operation: index as u32,
            })
        })
        .collect();
    let (populations, population_of) = populations(design, ways, rates, &entries);
    let mut transitions = Vec::new();
    for timed in failures {
        // The capacity model's own check names what does not exist.
        failure::live_replicas(design, std::slice::from_ref(&timed.failure))
            .map_err(SimulateError::Failure)?;
        for node in failed_nodes(design, &components, &timed.failure) {
            transitions.push(Transition {
                time: warmup + timed.from,
                node,
                down: true,
            });
            if let Some(until) = timed.until {
                transitions.push(Transition {
                    time: warmup + until,
                    node,
                    down: false,
                });
            }
        }
    }
    // Stable: transitions at one time keep the order of the command line.
    transitions.sort_by(|a, b| a.time.total_cmp(&b.time));
    Ok(Plan {
        components,
        ways: way_plans,
        operations: rates.iter().map(|(operation, _)| *operation).collect(),
        populations,
        population_of,
        node_component,
        entries,
        transitions,
        timers: timers as usize,
    })
}

/// The nodes a failure takes down: every replica of a component, its last
/// `count` replicas, or every replica placed in a zone.
fn failed_nodes(design: &Design, plans: &[ComponentPlan], failure: &Failure) -> Vec<u32> {
    match failure {
        Failure::Component { name, count } => {
            let Some(id) = design.component_named(name) else {
                return Vec::new();
            };
            let plan = &plans[id];
            let lost = count.map_or(plan.nodes, |c| c.min(plan.nodes));
            (plan.first_node + plan.nodes - lost..plan.first_node + plan.nodes).collect()
        }
        Failure::Zone(zone) => {
            let Some(zone_id) = design.zones.iter().position(|z| z.value == *zone) else {
                return Vec::new();
            };
            design
                .components
                .iter()
                .zip(plans)
                .flat_map(|(component, plan)| {
                    component
                        .replica_zones()
                        .enumerate()
                        .filter(move |(_, z)| *z == zone_id)
                        .map(move |(replica, _)| plan.first_node + replica as u32)
                })
                .collect()
        }
    }
}

fn placement(component: &crate::design::Component) -> Placement {
    let hot_key_share = |sharding: &crate::design::Sharding| {
        sharding.hot_key_share.as_ref().map_or(0.0, |h| h.value)
    };
    if component.kind() == Kind::Database {
        // The capacity model's reading of shards, copies and quorums.
        let probe = Load {
            reads: 1.0,
            writes: 1.0,
        };
        let model = replicas::model(component, probe, component.replica_count(), None);
        if let Some(copies) = model.copies {
            let replication = component.replication.as_ref().map(|r| &r.value);
            return Placement::Store(Store {
                shards: copies.shards.max(1),
                factor: copies.factor.max(1),
                hot_key_share: component
                    .sharding
                    .as_ref()
                    .map_or(0.0, |s| hot_key_share(&s.value)),
                read_from_primary: replication.is_none_or(|r| r.read_from == ReadFrom::Primary),
                read_needed: copies.read_needed.max(1),
                write_needed: copies.write_needed.max(1),
            });
        }
    }
    match &component.sharding {
        Some(sharding) => Placement::Sharded {
            shards: sharding
                .value
                .shards
                .unwrap_or(component.replica_count())
                .clamp(1, component.replica_count().max(1)),
            hot_key_share: hot_key_share(&sharding.value),
        },
        None => Placement::Spread,
    }
}

/// The steps of a way node, as `capacity::latency` walks them (and, for
/// what the walk leaves out because nobody waits for it, as
/// `capacity::load` sends load: async calls, write-behind, consumers).
/// Numbers the calls with a timeout from `timers` on.
fn steps_of(design: &Design, ways: &Ways, node: usize, timers: &mut u32) -> Vec<Step> {
    let component = &design.components[ways.nodes[node].component];
    let mut steps = Vec::new();
    for edge in ways.edges_from(node) {
        let target = edge.to as u32;
        match edge.via {
            Via::Call(index) => {
                let call = &component.calls[index];
                if edge.wait == Wait::Detached {
                    steps.push(Step::Send {
                        target,
                        op: call.op,
                        per_request: call.per_request,
                    });
                    continue;
                }
                let timer = if call.timeout.is_some() {
                    *timers += 1;
                    *timers - 1
                } else {
                    NONE
                };
                steps.push(Step::Call {
                    target,
                    op: call.op,
                    per_request: call.per_request,
                    parallel: call.parallel,
                    timeout: call.timeout.as_ref().map_or(f64::INFINITY, |t| t.value),
                    timer,
                    retries: call
                        .retries
                        .as_ref()
                        .map_or(0, |r| r.value.min(u32::from(u16::MAX)) as u16),
                    backoff: call.backoff,
                    fallback: call.fallback,
                });
            }
            Via::Backing => {
                let hit_ratio = component.hit_ratio.as_ref().map_or(0.0, |h| h.value);
                steps.push(Step::Miss {
                    backing: target,
                    hit_ratio,
                });
                if component.kind() == Kind::Cdn
                    || component.cache_pattern() == CachePattern::WriteThrough
                {
                    steps.push(Step::WriteThrough { backing: target });
                } else if component.cache_pattern() == CachePattern::WriteBehind {
                    steps.push(Step::WriteBehind { backing: target });
                }
            }
            Via::Consumer => steps.push(Step::Forward { consumer: target }),
        }
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;

    fn design(yaml: &str) -> Design {
        crate::design::load(yaml.as_bytes()).unwrap()
    }

    #[test]
    fn steps_follow_the_analytic_walk() {
        let analysis = crate::analyse(
            "version: 1
name: t
components:
  api:
    kind: service
    calls:
      - { to: cache, timeout: 10ms, retries: 2, backoff: true }
      - { to: events }
      - { to: audit, mode: async, per_request: 0.5 }
  cache: { kind: cache, hit_ratio: 0.9, backing: db, pattern: write_behind }
  events: { kind: queue, consumer: worker }
  worker: { kind: worker }
  audit: { kind: service }
  db: { kind: database }
"
            .as_bytes(),
        )
        .unwrap();
        let (design, ways) = (&analysis.design, &analysis.ways);
        // The ways number api 0, then cache 1, events 2, audit 3, db 4 and
        // worker 5 as they are reached.
        let mut timers = 0;
        let api = steps_of(design, ways, 0, &mut timers);
        assert!(matches!(
            api[0],
            Step::Call { target: 1, retries: 2, backoff: true, timeout, timer: 0, .. } if (timeout - 0.01).abs() < 1e-12
        ));
        assert_eq!(timers, 1);
        assert!(matches!(api[1], Step::Call { target: 2, .. }));
        assert!(matches!(api[2], Step::Send { target: 3, .. }));
        assert_eq!(
            steps_of(design, ways, 1, &mut timers),
            vec![
                Step::Miss {
                    backing: 4,
                    hit_ratio: 0.9
                },
                Step::WriteBehind { backing: 4 }
            ]
        );
        assert_eq!(
            steps_of(design, ways, 2, &mut timers),
            vec![Step::Forward { consumer: 5 }]
        );
    }

    #[test]
    fn failures_become_a_timetable() {
        let analysis = crate::analyse(
            "version: 1
name: t
zones: [a, b]
components:
  api: { kind: service, replicas: 4, zones: [a, b], capacity: 10/s }
  db: { kind: database, replicas: 3, capacity: 10/s }
"
            .as_bytes(),
        )
        .unwrap();
        let (design, ways) = (&analysis.design, &analysis.ways);
        let failures = [
            TimedFailure::parse("zone:a@10s..20s").unwrap(),
            TimedFailure::parse("db:1@5s").unwrap(),
        ];
        let plan = build(design, ways, &[(0, 1.0)], &failures, 2.0).unwrap();
        // api's replicas 0 and 2 are in zone a; db's last node is node 6.
        assert_eq!(
            plan.transitions,
            vec![
                Transition {
                    time: 7.0,
                    node: 6,
                    down: true
                },
                Transition {
                    time: 12.0,
                    node: 0,
                    down: true
                },
                Transition {
                    time: 12.0,
                    node: 2,
                    down: true
                },
                Transition {
                    time: 22.0,
                    node: 0,
                    down: false
                },
                Transition {
                    time: 22.0,
                    node: 2,
                    down: false
                },
            ]
        );
        let unknown = [TimedFailure::parse("zone:c@1s").unwrap()];
        assert!(build(design, ways, &[(0, 1.0)], &unknown, 0.0).is_err());
    }

    #[test]
    fn a_quorum_store_reads_and_writes_its_quorums() {
        let design = design(
            "version: 1
name: t
components:
  db: { kind: database, replicas: 9, capacity: 10/s, replication: { factor: 3, mode: quorum, read_from: any }, sharding: { hot_key_share: 0.1 } }
",
        );
        assert_eq!(
            placement(&design.components[0]),
            Placement::Store(Store {
                shards: 3,
                factor: 3,
                hot_key_share: 0.1,
                read_from_primary: false,
                read_needed: 2,
                write_needed: 2,
            })
        );
    }
}
