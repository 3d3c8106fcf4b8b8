//! Availability (capacity-model.md, section 7): k-of-n per component,
//! quorum per shard for stores, and the components a request cannot do
//! without in series.

use super::load::Load;
use super::replicas::ReplicaModel;
use super::station::binomial_tail;
use crate::design::{CallMode, Component, Design, Kind};
use crate::topology::{EdgeKind, Topology};

const SECONDS_PER_YEAR: f64 = 365.0 * 86_400.0;
const SECONDS_PER_MONTH: f64 = 30.0 * 86_400.0;

/// The chance that a component can serve its load.
pub fn of_component(component: &Component, load: Load, replica: &ReplicaModel) -> f64 {
    let up = component.availability;
    if let Some(copies) = replica.copies {
        let needed = if load.writes > 0.0 {
            copies.write_needed.max(copies.read_needed)
        } else {
            copies.read_needed
        };
        let shard = binomial_tail(copies.live, needed.max(1), up);
        return shard.powf(f64::from(copies.shards));
    }
    let needed = match &component.service {
        Some(service) if load.total() > 0.0 => (load.total() / service.capacity).ceil().max(1.0),
        _ => 1.0,
    };
    if needed > f64::from(replica.serving.max(replica.live)) {
        return 0.0;
    }
    binomial_tail(replica.live, needed as u32, up)
}

/// The components a request waits on and cannot do without: reached from
/// the entries by sync calls without `fallback`, enqueues and cache misses.
/// Clients are not counted.
pub fn required(design: &Design, topology: &Topology) -> Vec<bool> {
    let mut required = vec![false; design.components.len()];
    let mut stack: Vec<usize> = topology.entries.clone();
    for &entry in &topology.entries {
        required[entry] = true;
    }
    while let Some(id) = stack.pop() {
        for (target, edge) in topology.edges_from(id) {
            let needed = match edge {
                EdgeKind::Call { index, mode } => {
                    let call = &design.components[id].calls[index];
                    !call.fallback
                        && (mode == CallMode::Sync
                            || design.components[target].kind() == Kind::Queue)
                }
                EdgeKind::Backing => true,
                EdgeKind::Consumer | EdgeKind::DeadLetter => false,
            };
            if needed && !required[target] {
                required[target] = true;
                stack.push(target);
            }
        }
    }
    for (id, component) in design.components.iter().enumerate() {
        if component.kind() == Kind::Client {
            required[id] = false;
        }
    }
    required
}

/// Availability as people read it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Availability {
    /// A fraction in 0..=1.
    pub value: f64,
    /// `-log10(1 - A)`, capped at 15 (a float cannot tell more apart).
    pub nines: f64,
    pub downtime_per_year_s: f64,
    pub downtime_per_month_s: f64,
}

impl Availability {
    pub fn new(value: f64) -> Availability {
        let unavailable = (1.0 - value).clamp(0.0, 1.0);
        Availability {
            value,
            // Adding 0.0 turns the -0 of a path that is always down into 0.
            nines: -(unavailable.max(1e-15)).log10() + 0.0,
            downtime_per_year_s: unavailable * SECONDS_PER_YEAR,
            downtime_per_month_s: unavailable * SECONDS_PER_MONTH,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The System Design Primer's worked examples ("Availability in
    /// numbers"): two 99.9% components in sequence give 99.8%; in parallel
    /// 99.9999%. 99.9% is 8h 45m 57s of downtime a year, 43m 49.7s a month
    /// (the primer's table uses a 30.4-day month; ours is 30 days: 43m 12s).
    #[test]
    fn primer_examples() {
        let series = Availability::new(0.999 * 0.999);
        assert!((series.value - 0.998_001).abs() < 1e-12);
        let parallel = binomial_tail(2, 1, 0.999);
        assert!((parallel - 0.999_999).abs() < 1e-12);
        let three_nines = Availability::new(0.999);
        assert!((three_nines.downtime_per_year_s - 31_536.0).abs() < 1e-6);
        assert!((three_nines.downtime_per_month_s - 2_592.0).abs() < 1e-6);
        assert!((three_nines.nines - 3.0).abs() < 1e-9);
    }

    /// k-of-n (Trivedi, Probability and Statistics with Reliability,
    /// Queuing, and Computer Science Applications, 2nd ed., 3.5): a 2-of-3
    /// system of 0.9 components is 3(0.9^2)(0.1) + 0.9^3 = 0.972.
    #[test]
    fn k_of_n() {
        assert!((binomial_tail(3, 2, 0.9) - 0.972).abs() < 1e-12);
    }
}
