//! Failure domains (design-format.md, Failure domains; capacity-model.md,
//! section 7): zones and regions fail whole, each independently, and take
//! every replica placed in them. A design that declares no zones runs every
//! replica in one zone; a component without `zones` in a design that
//! declares them runs in a zone of its own.
//!
//! Availability is an expectation over which domains are up. The states
//! weighed here are "all up", every single domain down and, while there are
//! few domains, every pair down: together they cover all but a negligible
//! chance (three zones at 99.95%: 1.25e-10), which is counted as a failure,
//! so the figures err on the safe side.

use super::failure::Failure;
use crate::design::{ComponentId, Design, Kind, ZoneId};

/// Pairs of domains down are weighed up to this many domains (136 pairs);
/// beyond it only single domains are, and the rest counts as down.
const MAX_DOMAINS_FOR_PAIRS: usize = 16;

/// A zone or region: the zones it takes down with it.
#[derive(Clone, Debug, PartialEq)]
pub struct Domain {
    pub name: String,
    /// The chance that it is up.
    pub up: f64,
    pub zones: Vec<ZoneId>,
}

/// Which domains are down, and the chance of exactly that.
#[derive(Clone, Debug, PartialEq)]
pub struct State {
    pub probability: f64,
    /// The domain down, when exactly one is.
    pub single_domain: Option<usize>,
    /// The zones down, sorted (those the what-if fails included).
    pub down_zones: Vec<ZoneId>,
}

/// Where a component's live replicas run.
#[derive(Clone, Debug, PartialEq)]
pub enum Placement {
    /// Replicas per zone (shared domains), sorted by zone, and their sum.
    Zoned {
        counts: Vec<(ZoneId, u32)>,
        live: u32,
    },
    /// All replicas in a zone of the component's own, up `zone_availability`
    /// of the time independently of everything else.
    Own(u32),
    /// Outside the design's failure domains: a third party, whose own
    /// `availability` already says how often it is up.
    Elsewhere(u32),
}

impl Placement {
    /// Replicas in zones, sorted by zone.
    pub fn zoned(counts: Vec<(ZoneId, u32)>) -> Placement {
        let live = counts.iter().map(|(_, count)| count).sum();
        Placement::Zoned { counts, live }
    }

    /// The replicas up when `down_zones` (sorted) are down. The work grows
    /// with the zones down (one or two), not with the zones listed.
    pub fn live_outside(&self, down_zones: &[ZoneId]) -> u32 {
        match self {
            Placement::Zoned { counts, live } => {
                live - down_zones
                    .iter()
                    .map(|zone| in_zone(counts, *zone))
                    .sum::<u32>()
            }
            Placement::Own(count) | Placement::Elsewhere(count) => *count,
        }
    }

    /// Whether any of its replicas runs in one of `zones` (sorted).
    pub fn touches(&self, zones: &[ZoneId]) -> bool {
        match self {
            Placement::Zoned { counts, .. } => zones.iter().any(|zone| in_zone(counts, *zone) > 0),
            Placement::Own(_) | Placement::Elsewhere(_) => false,
        }
    }
}

/// The replicas `counts` (sorted by zone) places in `zone`.
fn in_zone(counts: &[(ZoneId, u32)], zone: ZoneId) -> u32 {
    counts
        .binary_search_by_key(&zone, |(z, _)| *z)
        .map_or(0, |at| counts[at].1)
}

#[derive(Clone, Debug)]
pub struct Domains {
    pub domains: Vec<Domain>,
    /// `states[0]` has no domain down (but the what-if's failed zones).
    pub states: Vec<State>,
    /// The chance of the states not weighed (counted as down).
    pub unweighed: f64,
    /// Zone ids used for placement: the design's, and one more when it
    /// declares none (every replica then runs there).
    pub implicit_zone: Option<ZoneId>,
    /// The chance that a zone is up (for components in zones of their own).
    pub zone_up: f64,
    /// Where each component's live replicas run.
    pub placements: Vec<Placement>,
}

impl Domains {
    /// The domains of `design` with `failures` applied: a failed zone is down
    /// in every state; a component that lost `K` replicas keeps its first
    /// `replicas - K` in round-robin order.
    pub fn new(design: &Design, failures: &[Failure]) -> Domains {
        let failed_zones: Vec<ZoneId> = failures
            .iter()
            .filter_map(|f| match f {
                Failure::Zone(name) => design.zones.iter().position(|z| z.value == *name),
                Failure::Component { .. } => None,
            })
            .collect();
        let implicit_zone = design.zones.is_empty().then_some(0);
        let mut domains = Vec::new();
        match implicit_zone {
            Some(zone) => domains.push(Domain {
                name: "the design's one zone".to_string(),
                up: design.zone_availability,
                zones: vec![zone],
            }),
            None => {
                for (id, zone) in design.zones.iter().enumerate() {
                    if !failed_zones.contains(&id) {
                        domains.push(Domain {
                            name: format!("zone {}", zone.value),
                            up: design.zone_availability,
                            zones: vec![id],
                        });
                    }
                }
                for region in &design.regions {
                    let mut zones = region.zones.clone();
                    zones.sort_unstable();
                    zones.dedup();
                    domains.push(Domain {
                        name: format!("region {}", region.name.value),
                        up: design.region_availability,
                        zones,
                    });
                }
            }
        }
        let (states, unweighed) = states(&domains, &failed_zones);
        let placements = (0..design.components.len())
            .map(|id| placement(design, id, failures, &failed_zones, implicit_zone))
            .collect();
        Domains {
            domains,
            states,
            unweighed,
            implicit_zone,
            zone_up: design.zone_availability,
            placements,
        }
    }

    /// The states in which some replica of `component` is down with its
    /// domain (all but the first), by index.
    pub fn states_touching(&self, component: ComponentId) -> impl Iterator<Item = usize> + '_ {
        let placement = &self.placements[component];
        // Only replicas in shared zones go down with a domain.
        let last = match placement {
            Placement::Zoned { .. } => self.states.len(),
            Placement::Own(_) | Placement::Elsewhere(_) => 1,
        };
        (1..last).filter(move |&s| placement.touches(&self.states[s].down_zones))
    }
}

/// All up, each domain down alone and, with few domains, each pair down,
/// each with its chance; and the chance of everything else.
fn states(domains: &[Domain], failed_zones: &[ZoneId]) -> (Vec<State>, f64) {
    let all_up: f64 = domains.iter().map(|d| d.up).product();
    let down_zones = |down: &[usize]| {
        let mut zones: Vec<ZoneId> = failed_zones.to_vec();
        for &d in down {
            zones.extend_from_slice(&domains[d].zones);
        }
        zones.sort_unstable();
        zones.dedup();
        zones
    };
    let chance = |down: &[usize]| {
        down.iter()
            .map(|&d| (1.0 - domains[d].up) / domains[d].up)
            .product::<f64>()
            * all_up
    };
    let mut states = vec![State {
        probability: all_up,
        single_domain: None,
        down_zones: down_zones(&[]),
    }];
    for first in 0..domains.len() {
        states.push(State {
            probability: chance(&[first]),
            single_domain: Some(first),
            down_zones: down_zones(&[first]),
        });
    }
    if domains.len() <= MAX_DOMAINS_FOR_PAIRS {
        for first in 0..domains.len() {
            for second in first + 1..domains.len() {
                states.push(State {
                    probability: chance(&[first, second]),
                    single_domain: None,
                    down_zones: down_zones(&[first, second]),
                });
            }
        }
    }
    let weighed: f64 = states.iter().map(|s| s.probability).sum();
    (states, (1.0 - weighed).max(0.0))
}

fn placement(
    design: &Design,
    id: ComponentId,
    failures: &[Failure],
    failed_zones: &[ZoneId],
    implicit_zone: Option<ZoneId>,
) -> Placement {
    let component = &design.components[id];
    let mut live = component.replica_count();
    for failure in failures {
        if let Failure::Component { name, count } = failure
            && name == component.name()
        {
            live = count.map_or(0, |count| live.saturating_sub(count));
        }
    }
    if component.kind() == Kind::External {
        return Placement::Elsewhere(live);
    }
    if let Some(zone) = implicit_zone {
        return Placement::zoned(vec![(zone, live)]);
    }
    if component.zone_ids().is_empty() {
        return Placement::Own(live);
    }
    let mut counts = component.replicas_per_zone(live);
    for (zone, count) in &mut counts {
        if failed_zones.contains(zone) {
            *count = 0;
        }
    }
    Placement::zoned(counts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn design(yaml: &str) -> Design {
        crate::design::load(yaml.as_bytes()).unwrap()
    }

    #[test]
    fn states_cover_all_but_three_zones_down() {
        let domains = Domains::new(
            &design(
                "version: 1\nname: t\nzones: [a, b, c]\ncomponents:\n  api: { kind: service, replicas: 3, zones: [a, b, c] }\n",
            ),
            &[],
        );
        // 1 + 3 + 3 states; what is left is all three down: 0.0005^3.
        assert_eq!(domains.states.len(), 7);
        assert!((domains.unweighed - 0.0005f64.powi(3)).abs() < 1e-15);
        assert!((domains.states[0].probability - 0.9995f64.powi(3)).abs() < 1e-15);
        assert_eq!(
            domains.placements[0],
            Placement::zoned(vec![(0, 1), (1, 1), (2, 1)])
        );
    }

    #[test]
    fn a_design_without_zones_is_one_zone() {
        let domains = Domains::new(
            &design("version: 1\nname: t\ncomponents:\n  api: { kind: service, replicas: 4 }\n"),
            &[],
        );
        assert_eq!(domains.states.len(), 2);
        assert_eq!(domains.placements[0], Placement::zoned(vec![(0, 4)]));
        assert_eq!(domains.placements[0].live_outside(&[0]), 0);
    }

    #[test]
    fn a_failed_zone_is_down_in_every_state() {
        let design = design(
            "version: 1\nname: t\nzones: [a, b]\ncomponents:\n  api: { kind: service, replicas: 5, zones: [a, b] }\n  db: { kind: database }\n",
        );
        let domains = Domains::new(&design, &[Failure::Zone("a".into())]);
        assert!(domains.states.iter().all(|s| s.down_zones.contains(&0)));
        assert_eq!(
            domains.placements[0],
            Placement::zoned(vec![(0, 0), (1, 2)])
        );
        assert_eq!(domains.placements[1], Placement::Own(1));
    }
}
