//! What a drawing of a design shows, independent of the drawing format:
//! one node per component (kind, name, replicas, and with an estimate its
//! load, utilisation and p99), one edge per call, miss, consumer and dead
//! letter (writes marked, and retries, circuit breakers and fallbacks in
//! its label), clusters for the zones (and regions) components run in, and
//! the live findings on each component.
//!
//! Zones are drawn the way cloud diagrams draw availability zones: each
//! zone is a box of its own holding the components that run only there,
//! and the components spread over several zones are drawn once, in a
//! "multi-zone" band beside them (inside their region's box when they stay
//! in one region). Drawing such a component across the boxes of its zones
//! instead would take a row of its own for each one.

use std::collections::HashMap;

use super::highlight::Highlight;
use crate::capacity::Estimate;
use crate::design::quantity::{format_duration, format_rate, trim_number};
use crate::design::{Call, CallMode, Design, Kind, Op};
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

/// A live finding on a component, for its badge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub severity: Severity,
    pub code: &'static str,
    pub name: &'static str,
    pub message: String,
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
    /// Its live (not suppressed) findings, in the order `check` lists them.
    pub findings: Vec<Finding>,
    /// Index into `Diagram::clusters`.
    pub cluster: Option<usize>,
}

impl Node {
    /// The worst severity among its findings, and how many there are.
    pub fn worst_finding(&self) -> Option<(Severity, usize)> {
        self.findings
            .iter()
            .map(|finding| finding.severity)
            .max()
            .map(|worst| (worst, self.findings.len()))
    }
}

#[derive(Clone, Debug)]
pub struct Edge {
    pub from: usize,
    pub to: usize,
    pub style: EdgeStyle,
    /// The call writes to the callee's data (`op: write`).
    pub write: bool,
    /// Calls per request, retries, circuit breaker, fallback, or what a
    /// cache's or queue's edge is (`miss`, `dead letter`).
    pub label: Option<String>,
}

/// A zone's box, a band of components spread over several zones, or a
/// region's box around them.
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
    /// One operation's way, drawn out and the rest dimmed
    /// ([`Diagram::highlight`]).
    pub highlight: Option<Highlight>,
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

/// Calls per request for a label: as `trim_number` writes numbers, except
/// that a share too small for its three decimals keeps two significant
/// digits (x0.0001, not x0).
fn per_request_text(value: f64) -> String {
    if value > 0.0 && value < 0.001 {
        let decimals = (-value.log10()).floor() as usize + 2;
        format!("{value:.decimals$}")
            .trim_end_matches('0')
            .to_string()
    } else {
        trim_number(value)
    }
}

/// What makes two calls from one component drawn alike: one edge stands
/// for all of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct CallKey {
    target: usize,
    style: EdgeStyle,
    op: Op,
    retries: u32,
    circuit_breaker: bool,
    fallback: bool,
}

/// The label of `call` made `per_request` times per request (its own
/// figure, or that of all the calls its edge stands for): calls per
/// request, retries, circuit breaker and fallback, in that order.
fn call_label(per_request: f64, call: &Call) -> Option<String> {
    let mut parts = Vec::new();
    if per_request != 1.0 {
        parts.push(format!("x{}", per_request_text(per_request)));
    }
    if let Some(retries) = call.retries.as_ref().filter(|r| r.value > 0) {
        parts.push(format!("retry x{}", retries.value));
    }
    if call.circuit_breaker {
        parts.push("breaker".to_string());
    }
    if call.fallback {
        parts.push("fallback".to_string());
    }
    (!parts.is_empty()).then(|| parts.join(" · "))
}

/// The zone boxes, multi-zone bands and region boxes, and each
/// component's place among them.
struct Zoning {
    clusters: Vec<Cluster>,
    /// Per component: its cluster.
    places: Vec<Option<usize>>,
    /// Per component in a band whose members run in different zones: the
    /// zones it runs in, for a line of its own.
    spread: Vec<Option<String>>,
}

fn zoning(design: &Design) -> Zoning {
    let zones_of: Vec<Vec<usize>> = design
        .components
        .iter()
        .map(|component| {
            // Replicas go round-robin over the listed zones, so the zones
            // in use are the first `replicas` of the list: no list of
            // every replica.
            let listed = component.zone_ids();
            let in_use = listed.len().min(component.replica_count() as usize);
            let mut zones: Vec<usize> = listed[..in_use].to_vec();
            zones.sort_unstable();
            zones.dedup();
            zones
        })
        .collect();
    let region_of_zone = |zone: usize| design.regions.iter().position(|r| r.zones.contains(&zone));
    // The region all of a component's zones are in, if there is one.
    let region_of = |zones: &[usize]| {
        let first = region_of_zone(*zones.first()?)?;
        zones
            .iter()
            .all(|&zone| region_of_zone(zone) == Some(first))
            .then_some(first)
    };
    let mut clusters: Vec<Cluster> = Vec::new();
    let mut region_clusters: Vec<Option<usize>> = vec![None; design.regions.len()];
    let mut zone_clusters: Vec<Option<usize>> = vec![None; design.zones.len()];
    // Bands by region (the last one: spread over several regions).
    let mut bands: Vec<Option<usize>> = vec![None; design.regions.len() + 1];
    let mut places = Vec::with_capacity(zones_of.len());
    for zones in &zones_of {
        if zones.is_empty() {
            places.push(None);
            continue;
        }
        let region = region_of(zones);
        let parent = region.map(|region| {
            *region_clusters[region].get_or_insert_with(|| {
                clusters.push(Cluster {
                    label: format!("region {}", design.regions[region].name.value),
                    parent: None,
                });
                clusters.len() - 1
            })
        });
        let slot = if let [zone] = zones[..] {
            &mut zone_clusters[zone]
        } else {
            &mut bands[region.unwrap_or(design.regions.len())]
        };
        let index = *slot.get_or_insert_with(|| {
            clusters.push(Cluster {
                label: String::new(),
                parent,
            });
            clusters.len() - 1
        });
        places.push(Some(index));
    }
    // Labels: a zone's name; a band's zones when all its members share
    // them, or else "multi-zone" and each member says where it runs.
    let zone_names = |zones: &[usize]| {
        zones
            .iter()
            .map(|&zone| design.zones[zone].value.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut spread = vec![None; zones_of.len()];
    for (zone, cluster) in zone_clusters.iter().enumerate() {
        if let Some(cluster) = *cluster {
            clusters[cluster].label = format!("zone {}", design.zones[zone].value);
        }
    }
    for (band, cluster) in bands.iter().enumerate() {
        let Some(cluster) = *cluster else { continue };
        let members: Vec<usize> = (0..zones_of.len())
            .filter(|&component| places[component] == Some(cluster))
            .collect();
        let shared = members
            .iter()
            .all(|&component| zones_of[component] == zones_of[members[0]]);
        let what = if band == design.regions.len() && !design.regions.is_empty() {
            "multi-region"
        } else {
            "multi-zone"
        };
        clusters[cluster].label = if shared {
            format!("{what}: {}", zone_names(&zones_of[members[0]]))
        } else {
            for &component in &members {
                spread[component] = Some(format!("in {}", zone_names(&zones_of[component])));
            }
            what.to_string()
        };
    }
    Zoning {
        clusters,
        places,
        spread,
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
    let Zoning {
        clusters,
        places,
        mut spread,
    } = zoning(design);
    let mut nodes = Vec::with_capacity(design.components.len());
    for (id, component) in design.components.iter().enumerate() {
        let mut details = Vec::new();
        if component.kind() != Kind::Client {
            details.push(format!("x{}", component.replica_count()));
        }
        details.extend(spread[id].take());
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
        // A component is marked for the findings on it, whether they lead
        // or follow from another.
        let findings = findings
            .iter()
            .flat_map(Diagnostic::and_caused)
            .filter(|d| !d.suppressed && d.component.as_deref() == Some(component.name()))
            .map(|d| Finding {
                severity: d.severity,
                code: d.code,
                name: d.name,
                message: d.message.clone(),
            })
            .collect();
        nodes.push(Node {
            id,
            name: component.name().to_string(),
            kind: component.kind(),
            replicas: component.replica_count(),
            details,
            heat: node_heat,
            findings,
            cluster: places[id],
        });
    }

    let mut edges = Vec::new();
    for (id, component) in design.components.iter().enumerate() {
        // Calls that would be drawn alike (same target, style, operation,
        // retries, breaker and fallback) are one edge with their calls per
        // request added up: ten thousand reads of one store are one arrow,
        // not ten thousand for the layout; a read and a write stay two.
        let mut calls: HashMap<CallKey, (usize, usize, f64)> = HashMap::new();
        for (target, kind) in topology.edges_from(id) {
            let (style, write, label) = match kind {
                EdgeKind::Call { index, mode } => {
                    let style = if mode == CallMode::Sync {
                        EdgeStyle::Sync
                    } else {
                        EdgeStyle::Async
                    };
                    let call = &component.calls[index];
                    let key = CallKey {
                        target,
                        style,
                        op: call.op,
                        retries: call.retries.as_ref().map_or(0, |r| r.value),
                        circuit_breaker: call.circuit_breaker,
                        fallback: call.fallback,
                    };
                    if let Some((_, _, total)) = calls.get_mut(&key) {
                        *total += call.per_request;
                        continue;
                    }
                    calls.insert(key, (edges.len(), index, call.per_request));
                    (
                        style,
                        call.op == Op::Write,
                        call_label(call.per_request, call),
                    )
                }
                EdgeKind::Backing => (EdgeStyle::Backing, false, Some("miss".to_string())),
                EdgeKind::Consumer => (EdgeStyle::Consumer, false, None),
                EdgeKind::DeadLetter => (
                    EdgeStyle::DeadLetter,
                    false,
                    Some("dead letter".to_string()),
                ),
            };
            edges.push(Edge {
                from: id,
                to: target,
                style,
                write,
                label,
            });
        }
        for (edge, index, per_request) in calls.into_values() {
            edges[edge].label = call_label(per_request, &component.calls[index]);
        }
    }
    Diagram {
        title: design.name.value.clone(),
        nodes,
        edges,
        clusters,
        direction,
        annotated: estimate.is_some(),
        highlight: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_shares_keep_their_digits() {
        assert_eq!(per_request_text(0.0001), "0.0001");
        assert_eq!(per_request_text(0.00015), "0.00015");
        assert_eq!(per_request_text(0.25), "0.25");
        assert_eq!(per_request_text(100.0), "100");
    }
}
