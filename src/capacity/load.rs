//! Load propagation (capacity-model.md, section 1): the reads and writes per
//! second each component receives at the entry load, operation by
//! operation along the ways, summed per component.

use std::collections::HashMap;

use crate::design::Design;
pub use crate::ways::Load;
use crate::ways::{NodeId, Ways, carried};

/// A loop through a queue whose traffic grows without end (every message
/// produces at least one more).
#[derive(Clone, Debug, PartialEq)]
pub struct UnboundedLoop {
    pub components: Vec<usize>,
}

/// Loops through queues settle by iteration; this many rounds without
/// settling means the loop amplifies its own traffic.
const MAX_ROUNDS: usize = 10_000;

/// The load of every node of the ways, and of every component (the sum of
/// its nodes).
#[derive(Clone, Debug)]
pub struct Loads {
    pub nodes: Vec<Load>,
    pub components: Vec<Load>,
}

/// Propagates the entry load of each operation (`entry_rps[operation]`,
/// requests/s) along the ways. Loads settle group by group; loops, which
/// only a queue or an async call can close, are iterated until they settle.
pub fn propagate(design: &Design, ways: &Ways, entry_rps: &[f64]) -> Result<Loads, UnboundedLoop> {
    propagate_scaled(design, ways, entry_rps, &[])
}

/// [`propagate`] with every edge's load multiplied by `scale[edge]` (its
/// index in `ways.edges`; 1 past the end of `scale`): the attempts per call
/// that retries make (`retries.rs`).
pub fn propagate_scaled(
    design: &Design,
    ways: &Ways,
    entry_rps: &[f64],
    scale: &[f64],
) -> Result<Loads, UnboundedLoop> {
    let mut nodes = vec![Load::default(); ways.nodes.len()];
    for (operation, &rps) in entry_rps.iter().enumerate() {
        if let Some(entry) = ways.operations[operation].entry_node {
            nodes[entry].add(Load::reads(rps));
        }
    }
    for group in &ways.load_groups {
        let looped = group.len() > 1
            || ways
                .edges_from(group[0])
                .iter()
                .any(|edge| edge.to == group[0]);
        if looped {
            settle_loop(design, ways, group, &mut nodes, scale)?;
        }
        for &node in group {
            let from = ways.nodes[node].component;
            let first = ways.first_edge(node);
            for (index, edge) in ways.edges_from(node).iter().enumerate() {
                if looped && group.binary_search(&edge.to).is_ok() {
                    continue;
                }
                let sent = carried(design, from, edge.via, nodes[node])
                    .scaled(scale.get(first + index).copied().unwrap_or(1.0));
                nodes[edge.to].add(sent);
            }
        }
    }
    let mut components = vec![Load::default(); design.components.len()];
    for (node, load) in nodes.iter().enumerate() {
        components[ways.nodes[node].component].add(*load);
    }
    Ok(Loads { nodes, components })
}

/// Fixed-point iteration over a loop: each member's load is what enters it
/// from outside the loop plus what the other members send it.
fn settle_loop(
    design: &Design,
    ways: &Ways,
    group: &[NodeId],
    loads: &mut [Load],
    scale: &[f64],
) -> Result<(), UnboundedLoop> {
    let position: HashMap<NodeId, usize> = group.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let from_outside: Vec<Load> = group.iter().map(|&n| loads[n]).collect();
    for _ in 0..MAX_ROUNDS {
        let mut next = from_outside.clone();
        for &node in group {
            let from = ways.nodes[node].component;
            let first = ways.first_edge(node);
            for (index, edge) in ways.edges_from(node).iter().enumerate() {
                if let Some(&target) = position.get(&edge.to) {
                    let factor = scale.get(first + index).copied().unwrap_or(1.0);
                    next[target].add(carried(design, from, edge.via, loads[node]).scaled(factor));
                }
            }
        }
        let mut change: f64 = 0.0;
        for (&member, load) in group.iter().zip(&next) {
            let before = loads[member].total();
            change = change.max((load.total() - before).abs() / before.max(1e-9));
            loads[member] = *load;
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
    let mut components: Vec<usize> = group.iter().map(|&n| ways.nodes[n].component).collect();
    components.sort_unstable();
    components.dedup();
    Err(UnboundedLoop { components })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loads_of(yaml: &str, entry_rps: f64) -> Vec<(String, Load)> {
        let analysis = crate::analyse(yaml.as_bytes()).unwrap();
        let mut entry = vec![0.0; analysis.ways.operations.len()];
        entry[0] = entry_rps;
        let loads = propagate(&analysis.design, &analysis.ways, &entry).unwrap();
        analysis
            .design
            .components
            .iter()
            .map(|c| c.name().to_string())
            .zip(loads.components)
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
