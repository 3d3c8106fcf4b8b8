//! What a drawing of a design shows, independent of the drawing format:
//! one node per component (kind, name, replicas, and with an estimate its
//! load, utilisation and p99), one edge per call, miss, consumer and dead
//! letter, clusters for the zones (and regions) components run in, and the
//! worst finding on each component.

use std::collections::HashMap;

use crate::capacity::Estimate;
use crate::design::quantity::{format_duration, format_rate, trim_number};
use crate::design::{CallMode, Design, Kind, Op};
use crate::diagnostic::{Diagnostic, Severity};
use crate::topology::{EdgeKind, Topology};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    TopToBottom,
    LeftToRight,
}

/// How an edge is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EdgeStyle {
    /// A call the caller waits for.
    Sync,
    /// A call the caller does not wait for (an enqueue, fire-and-forget).
    Async,
    /// A queue handing messages to its consumer.
    Consumer,
    /// A cache or CDN sending misses to its backing store.
    Backing,
    /// A queue's poison messages.
    DeadLetter,
}

/// How hot a component runs, for its fill colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Heat {
    Cool,
    Warm,
    Hot,
    Saturated,
}

#[derive(Clone, Debug)]
pub struct Node {
    /// Index of the component in the design; stable ids for every format.
    pub id: usize,
    pub name: String,
    pub kind: Kind,
    pub replicas: u32,
    /// Extra lines under the name: `x3`, and with an estimate the figures.
    pub details: Vec<String>,
    pub heat: Option<Heat>,
    /// The worst severity among its live findings, and how many there are.
    pub finding: Option<(Severity, usize)>,
    /// Index into `Diagram::clusters`.
    pub cluster: Option<usize>,
}

#[derive(Clone, Debug)]
pub struct Edge {
    pub from: usize,
    pub to: usize,
    pub style: EdgeStyle,
    pub label: Option<String>,
}

/// A box around the components that run in the same zones.
#[derive(Clone, Debug)]
pub struct Cluster {
    pub label: String,
    /// The enclosing cluster (a region around zones).
    pub parent: Option<usize>,
}

#[derive(Clone, Debug)]
pub struct Diagram {
    pub title: String,
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
    pub clusters: Vec<Cluster>,
    pub direction: Direction,
    pub annotated: bool,
}

fn heat(utilization: f64, hot: f64) -> Heat {
    if utilization >= 1.0 {
        Heat::Saturated
    } else if utilization > hot {
        Heat::Hot
    } else if utilization > 0.6 {
        Heat::Warm
    } else {
        Heat::Cool
    }
}

/// Builds the diagram of a design. With an `estimate`, nodes also carry
/// their load, utilisation and p99 and are coloured by how hot they run;
/// `findings` mark the components they concern.
pub fn build(
    design: &Design,
    topology: &Topology,
    estimate: Option<&Estimate>,
    findings: &[Diagnostic],
    direction: Direction,
    hot_utilization: f64,
) -> Diagram {
    let mut clusters: Vec<Cluster> = Vec::new();
    let mut cluster_keys: Vec<Vec<usize>> = Vec::new();
    let mut region_clusters: Vec<Option<usize>> = vec![None; design.regions.len()];
    let mut nodes = Vec::with_capacity(design.components.len());
    for (id, component) in design.components.iter().enumerate() {
        // Replicas go round-robin over the listed zones, so the zones in use
        // are the first `replicas` of the list: no list of every replica.
        let listed = component.zone_ids();
        let in_use = listed.len().min(component.replica_count() as usize);
        let mut zones: Vec<usize> = listed[..in_use].to_vec();
        zones.sort_unstable();
        zones.dedup();
        let cluster = (!zones.is_empty()).then(|| {
            if let Some(index) = cluster_keys.iter().position(|key| *key == zones) {
                return index;
            }
            let region = design
                .regions
                .iter()
                .position(|r| zones.iter().all(|z| r.zones.contains(z)));
            let parent = region.map(|region| {
                *region_clusters[region].get_or_insert_with(|| {
                    clusters.push(Cluster {
                        label: format!("region {}", design.regions[region].name.value),
                        parent: None,
                    });
                    cluster_keys.push(Vec::new());
                    clusters.len() - 1
                })
            });
            let names: Vec<&str> = zones
                .iter()
                .map(|&z| design.zones[z].value.as_str())
                .collect();
            let label = if names.len() == 1 {
                format!("zone {}", names[0])
            } else {
                format!("zones {}", names.join(", "))
            };
            clusters.push(Cluster { label, parent });
            cluster_keys.push(zones.clone());
            clusters.len() - 1
        });

        let mut details = Vec::new();
        if component.kind() != Kind::Client {
            details.push(format!("x{}", component.replica_count()));
        }
        let mut node_heat = None;
        if let Some(estimate) = estimate {
            let figures = &estimate.components[id];
            let mut line = format_rate(figures.load.total());
            if let Some(utilization) = figures.utilization() {
                line.push_str(&if utilization.is_finite() {
                    format!(" · {}%", trim_number(utilization * 100.0))
                } else {
                    " · down".to_string()
                });
                node_heat = Some(heat(utilization, hot_utilization));
            }
            details.push(line);
            if let Some(latency) = figures.latency {
                details.push(format!("p99 {}", format_duration(latency.p99)));
            }
        }
        let live: Vec<&Diagnostic> = findings
            .iter()
            .filter(|d| !d.suppressed && d.component.as_deref() == Some(component.name()))
            .collect();
        let finding = live
            .iter()
            .map(|d| d.severity)
            .max()
            .map(|worst| (worst, live.len()));
        nodes.push(Node {
            id,
            name: component.name().to_string(),
            kind: component.kind(),
            replicas: component.replica_count(),
            details,
            heat: node_heat,
            finding,
            cluster,
        });
    }

    let mut edges = Vec::new();
    for (id, component) in design.components.iter().enumerate() {
        // Calls that would be drawn alike (same target, style and
        // operation) are one edge with their calls per request added up:
        // ten thousand reads of one store are one arrow, not ten thousand
        // for the layout; a read and a write stay two.
        let mut calls: HashMap<(usize, EdgeStyle, Op), (usize, f64)> = HashMap::new();
        for (target, kind) in topology.edges_from(id) {
            let (style, label) = match kind {
                EdgeKind::Call { index, mode } => {
                    let style = if mode == CallMode::Sync {
                        EdgeStyle::Sync
                    } else {
                        EdgeStyle::Async
                    };
                    let call = &component.calls[index];
                    let key = (target, style, call.op);
                    if let Some((_, total)) = calls.get_mut(&key) {
                        *total += call.per_request;
                        continue;
                    }
                    calls.insert(key, (edges.len(), call.per_request));
                    (style, None)
                }
                EdgeKind::Backing => (EdgeStyle::Backing, Some("miss".to_string())),
                EdgeKind::Consumer => (EdgeStyle::Consumer, None),
                EdgeKind::DeadLetter => (EdgeStyle::DeadLetter, Some("dead letter".to_string())),
            };
            edges.push(Edge {
                from: id,
                to: target,
                style,
                label,
            });
        }
        for (edge, per_request) in calls.into_values() {
            edges[edge].label =
                (per_request != 1.0).then(|| format!("x{}", trim_number(per_request)));
        }
    }
    Diagram {
        title: design.name.value.clone(),
        nodes,
        edges,
        clusters,
        direction,
        annotated: estimate.is_some(),
    }
}
