//! Load propagation (capacity-model.md, section 1): the reads and writes per
//! second each component receives at the entry load.

use std::collections::HashMap;

use petgraph::algo::tarjan_scc;
use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;

use crate::design::{CachePattern, Design, Kind, Op};
use crate::topology::{EdgeKind, Topology};

/// Requests per second a component receives, by what they do to its data.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Load {
    pub reads: f64,
    pub writes: f64,
}

impl Load {
    pub fn total(&self) -> f64 {
        self.reads + self.writes
    }

    pub fn read_share(&self) -> f64 {
        if self.total() > 0.0 {
            self.reads / self.total()
        } else {
            1.0
        }
    }

    fn add(&mut self, other: Load) {
        self.reads += other.reads;
        self.writes += other.writes;
    }
}

/// A loop through a queue whose traffic grows without end (every message
/// produces at least one more).
#[derive(Clone, Debug, PartialEq)]
pub struct UnboundedLoop {
    pub components: Vec<usize>,
}

/// Loops through queues settle by iteration; this many rounds without
/// settling means the loop amplifies its own traffic.
const MAX_ROUNDS: usize = 10_000;

/// What one unit of `from`'s load sends along an edge.
pub fn carried(design: &Design, from: usize, edge: EdgeKind, load: Load) -> Load {
    let component = &design.components[from];
    match edge {
        EdgeKind::Call { index, .. } => {
            let call = &component.calls[index];
            let amount = load.total() * call.per_request;
            match call.op {
                Op::Read => Load {
                    reads: amount,
                    writes: 0.0,
                },
                Op::Write => Load {
                    reads: 0.0,
                    writes: amount,
                },
            }
        }
        EdgeKind::Backing => {
            let hit_ratio = component.hit_ratio.as_ref().map_or(0.0, |h| h.value);
            let writes_pass = component.kind() == Kind::Cdn
                || matches!(
                    component.cache_pattern(),
                    CachePattern::WriteThrough | CachePattern::WriteBehind
                );
            Load {
                reads: (1.0 - hit_ratio) * load.reads,
                writes: if writes_pass { load.writes } else { 0.0 },
            }
        }
        EdgeKind::Consumer => load,
        EdgeKind::DeadLetter => Load::default(),
    }
}

/// Propagates the entry loads (indexed by component) through the graph.
/// Loads settle in topological order; loops, which only a queue can close,
/// are iterated until they settle.
pub fn propagate(
    design: &Design,
    topology: &Topology,
    entry: &[f64],
) -> Result<Vec<Load>, UnboundedLoop> {
    let graph = &topology.graph;
    let mut loads: Vec<Load> = entry
        .iter()
        .map(|&rps| Load {
            reads: rps,
            writes: 0.0,
        })
        .collect();
    // tarjan_scc yields groups in reverse topological order.
    let mut groups = tarjan_scc(graph);
    groups.reverse();
    for group in groups {
        let looped = group.len() > 1 || graph.find_edge(group[0], group[0]).is_some();
        if looped {
            settle_loop(design, topology, &group, &mut loads)?;
        }
        for &node in &group {
            for edge in graph.edges(node) {
                if looped && group.contains(&edge.target()) {
                    continue;
                }
                let sent = carried(design, node.index(), *edge.weight(), loads[node.index()]);
                loads[edge.target().index()].add(sent);
            }
        }
    }
    Ok(loads)
}

/// Fixed-point iteration over a loop: each member's load is what enters it
/// from outside the loop plus what the other members send it.
fn settle_loop(
    design: &Design,
    topology: &Topology,
    group: &[NodeIndex],
    loads: &mut [Load],
) -> Result<(), UnboundedLoop> {
    let graph = &topology.graph;
    let position: HashMap<NodeIndex, usize> =
        group.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let from_outside: Vec<Load> = group.iter().map(|n| loads[n.index()]).collect();
    for _ in 0..MAX_ROUNDS {
        let mut next = from_outside.clone();
        for &node in group {
            for edge in graph.edges(node) {
                if let Some(&target) = position.get(&edge.target()) {
                    next[target].add(carried(
                        design,
                        node.index(),
                        *edge.weight(),
                        loads[node.index()],
                    ));
                }
            }
        }
        let mut change: f64 = 0.0;
        for (member, load) in group.iter().zip(&next) {
            let before = loads[member.index()].total();
            change = change.max((load.total() - before).abs() / before.max(1e-9));
            loads[member.index()] = *load;
        }
        if next
            .iter()
            .any(|l| !l.total().is_finite() || l.total() >= 1e15)
        {
            break;
        }
        if change < 1e-12 {
            return Ok(());
        }
    }
    Err(UnboundedLoop {
        components: group.iter().map(|n| n.index()).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loads_of(yaml: &str, entry_rps: f64) -> Vec<(String, Load)> {
        let design = crate::design::load(yaml.as_bytes()).unwrap();
        let topology = crate::topology::build(&design).unwrap();
        let mut entry = vec![0.0; design.components.len()];
        entry[topology.entries[0]] = entry_rps;
        let loads = propagate(&design, &topology, &entry).unwrap();
        design
            .components
            .iter()
            .map(|c| c.name().to_string())
            .zip(loads)
            .collect()
    }

    fn load(loads: &[(String, Load)], name: &str) -> Load {
        loads.iter().find(|(n, _)| n == name).unwrap().1
    }

    #[test]
    fn fan_out_shares_caches_and_queues() {
        let loads = loads_of(
            "version: 1
name: t
components:
  users: { kind: client, calls: [{ to: api }] }
  api:
    kind: service
    calls:
      - { to: cache, per_request: 2 }
      - { to: db, op: write, per_request: 0.25 }
      - { to: events, per_request: 0.5 }
  cache: { kind: cache, hit_ratio: 0.9, backing: db }
  db: { kind: database }
  events: { kind: queue, consumer: worker }
  worker: { kind: worker, calls: [{ to: db, op: write }] }
",
            1000.0,
        );
        assert_eq!(load(&loads, "api").total(), 1000.0);
        assert_eq!(load(&loads, "cache").reads, 2000.0);
        let db = load(&loads, "db");
        assert!((db.reads - 200.0).abs() < 1e-9, "{db:?}");
        assert!((db.writes - (250.0 + 500.0)).abs() < 1e-9, "{db:?}");
        assert_eq!(load(&loads, "worker").total(), 500.0);
    }

    #[test]
    fn write_through_caches_pass_writes() {
        let loads = loads_of(
            "version: 1
name: t
components:
  api: { kind: service, calls: [{ to: cache, op: write }] }
  cache: { kind: cache, hit_ratio: 0.9, backing: db, pattern: write_through }
  db: { kind: database }
",
            100.0,
        );
        assert_eq!(load(&loads, "db").writes, 100.0);
    }

    #[test]
    fn a_loop_through_a_queue_settles() {
        // Half of the messages produce one more: 100 / (1 - 0.5) = 200.
        let loads = loads_of(
            "version: 1
name: t
components:
  api: { kind: service, calls: [{ to: q }] }
  q: { kind: queue, consumer: w }
  w: { kind: worker, calls: [{ to: q, per_request: 0.5 }] }
",
            100.0,
        );
        assert!((load(&loads, "q").total() - 200.0).abs() < 1e-6);
        assert!((load(&loads, "w").total() - 200.0).abs() < 1e-6);
    }
}
