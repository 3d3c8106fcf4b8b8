//! How variable each station's arrivals are (capacity-model.md, "Latency
//! shapes"): Whitt's Queueing Network Analyzer (QNA; Bell System Technical
//! Journal 62(9), 1983) carried along the ways. Each flow is a rate and the
//! squared coefficient of variation (SCV) of its gaps:
//!
//! - a client sends its `arrivals.burstiness` (1, Poisson, when not given);
//! - flows that meet are merged by QNA's asymptotic method, the rate-weighted
//!   mean of their SCVs (QNA eq. 36 without its interpolation);
//! - a share `p` of a flow (a call made for some requests, a cache's misses,
//!   one replica's part of the load spread at random) has SCV `1 + p (c2 -
//!   1)` (QNA eq. 40); a call made more than once per request keeps its
//!   caller's SCV (a simplification: QNA treats such batches separately);
//! - a station with `c` servers at utilisation `rho` turns arrivals of SCV
//!   `ca2` and a service of SCV `cs2` into departures of SCV `cd2 = 1 + (1 -
//!   rho^2)(ca2 - 1) + rho^2 (cs2 - 1) / sqrt(c)` (QNA eq. 38);
//! - in a loop through a queue, a flow back to an earlier member is not
//!   followed (it arrives Poisson), so the pass is one sweep.
//!
//! Everything is kept as the excess `c2 - 1`, so that a design without
//! shapes or burstiness gives exactly 1 everywhere: the M/M/c numbers, byte
//! for byte.

use super::load::Loads;
use super::replicas::ReplicaModel;
use super::station::Station;
use crate::design::{Design, ServiceShape};
use crate::ways::{Ways, carried};

/// Whether the design gives any shape or burstiness (otherwise every
/// station is M/M/c and this pass is skipped).
pub fn is_markovian(design: &Design) -> bool {
    design.components.iter().all(|component| {
        component.burstiness.is_none()
            && component
                .service
                .is_none_or(|service| service.shape == ServiceShape::Exponential)
    })
}

/// The SCV of the arrivals at each component, all its operations merged.
pub fn arrival_scvs(
    design: &Design,
    ways: &Ways,
    loads: &Loads,
    replicas: &[ReplicaModel],
    operation_rps: &[f64],
) -> Vec<f64> {
    // Per node: the rate of the flows in and their rate-weighted excess.
    let mut rate_in = vec![0.0; ways.nodes.len()];
    let mut excess_in = vec![0.0; ways.nodes.len()];
    for (operation, &rps) in operation_rps.iter().enumerate() {
        if let Some(entry) = ways.operations[operation].entry_node {
            let client = &design.components[ways.nodes[entry].component];
            let burstiness = client.burstiness.as_ref().map_or(1.0, |b| b.value);
            rate_in[entry] += rps;
            excess_in[entry] += rps * (burstiness - 1.0);
        }
    }
    for group in &ways.load_groups {
        for &node in group {
            let component = ways.nodes[node].component;
            let total = loads.nodes[node].total();
            if total <= 0.0 {
                continue;
            }
            let arrivals = if rate_in[node] > 0.0 {
                excess_in[node] / rate_in[node]
            } else {
                0.0
            };
            let departures = departure_excess(&replicas[component], loads, component, arrivals);
            for edge in ways.edges_from(node) {
                let sent = carried(design, component, edge.via, loads.nodes[node]).total();
                if sent <= 0.0 {
                    continue;
                }
                let share = (sent / total).min(1.0);
                rate_in[edge.to] += sent;
                excess_in[edge.to] += sent * share * departures;
            }
        }
    }
    let mut rate = vec![0.0; design.components.len()];
    let mut excess = vec![0.0; design.components.len()];
    for (node, way_node) in ways.nodes.iter().enumerate() {
        rate[way_node.component] += rate_in[node];
        excess[way_node.component] += excess_in[node];
    }
    rate.iter()
        .zip(&excess)
        .map(|(&rate, &excess)| if rate > 0.0 { 1.0 + excess / rate } else { 1.0 })
        .collect()
}

/// The excess SCV `cd2 - 1` of what leaves a component whose arrivals
/// have excess `arrivals`: each replica takes its share of them (a random
/// split) and QNA's departure formula applies to its station; the
/// replicas' departures merge back with the same excess. A component with
/// no station (or a saturated one) passes its arrivals on.
fn departure_excess(replica: &ReplicaModel, loads: &Loads, component: usize, arrivals: f64) -> f64 {
    let Some(station) = replica.station else {
        return arrivals;
    };
    let rho = station.utilization();
    if rho >= 1.0 {
        return arrivals;
    }
    let replica_arrivals = replica_share(&station, loads.components[component].total()) * arrivals;
    let service = station.variability.service.scv() - 1.0;
    (1.0 - rho * rho) * replica_arrivals + rho * rho * service / f64::from(station.servers).sqrt()
}

/// The SCV one replica of a component sees when the component's arrivals
/// have SCV `scv`: its share `p` of them, `1 + p (scv - 1)`.
pub fn replica_scv(replica: &ReplicaModel, load_total: f64, scv: f64) -> f64 {
    let Some(station) = replica.station else {
        return scv;
    };
    1.0 + replica_share(&station, load_total) * (scv - 1.0)
}

/// The share of its component's `load_total` that one replica's station
/// takes (all of it when the component carries none).
fn replica_share(station: &Station, load_total: f64) -> f64 {
    if load_total > 0.0 {
        (station.arrival_rate / load_total).min(1.0)
    } else {
        1.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capacity::station::{Station, Variability};

    /// QNA's departure formula on a worked case: an M/G/1 station (ca2 = 1)
    /// at rho = 0.8 with deterministic service (cs2 = 0) sends departures
    /// of SCV 1 - 0.64 = 0.36 (Whitt 1983, eq. 38; Hopp and Spearman,
    /// Factory Physics, 3rd ed., eq. 8.10, `cd2 = (1 - u^2) ca2 + u^2
    /// ce2`, which is the same for one server).
    #[test]
    fn departures_follow_qna() {
        let station = Station::new(1, 100.0, 80.0).with_variability(Variability {
            arrival_scv: 1.0,
            service: ServiceShape::Lognormal { sigma: 1e-9 },
        });
        let replica = ReplicaModel {
            live: 1,
            serving: 1,
            station: Some(station),
            utilization: Some(0.8),
            read: crate::capacity::station::Response::Station(station),
            write: crate::capacity::station::Response::Station(station),
            copies: None,
        };
        let loads = Loads {
            nodes: vec![],
            components: vec![crate::ways::Load::reads(80.0)],
        };
        let excess = departure_excess(&replica, &loads, 0, 0.0);
        assert!((1.0 + excess - 0.36).abs() < 1e-9, "{}", 1.0 + excess);
        // Bursty arrivals (ca2 = 4) into an exponential server at 0.5:
        // cd2 = 1 + 0.75 * 3 = 3.25 (Hopp and Spearman, eq. 8.10).
        let station = Station::new(1, 100.0, 50.0);
        let replica = ReplicaModel {
            station: Some(station),
            utilization: Some(0.5),
            ..replica
        };
        let loads = Loads {
            nodes: vec![],
            components: vec![crate::ways::Load::reads(50.0)],
        };
        assert!((1.0 + departure_excess(&replica, &loads, 0, 3.0) - 3.25).abs() < 1e-12);
    }
}
