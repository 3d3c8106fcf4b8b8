//! Availability (capacity-model.md, section 7), the way a service level
//! objective counts it: the share of an operation's requests that succeed.
//! A component serves a request while enough of its live replicas are up (a
//! store: enough copies of the one shard holding the key); a request
//! succeeds when every component it needs serves it; and all of it is
//! weighed over the states of the failure domains ([`super::domains`]).

use super::domains::{Domains, Placement};
use super::load::Load;
use super::replicas::{Copies, ReplicaModel};
use super::station::binomial_tail;
use crate::design::quantity::{format_duration, format_percent};
use crate::design::{Component, ComponentId, Design};
use crate::ways::Reach;

const SECONDS_PER_YEAR: f64 = 365.0 * 86_400.0;
const SECONDS_PER_MONTH: f64 = 30.0 * 86_400.0;

/// The chance that a component serves one read and one write.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Serve {
    pub read: f64,
    pub write: f64,
}

impl Serve {
    const NEVER: Serve = Serve {
        read: 0.0,
        write: 0.0,
    };

    /// Reads and writes mixed by their shares of `load`.
    fn mixed(self, load: Load) -> f64 {
        let share = load.read_share();
        share * self.read + (1.0 - share) * self.write
    }
}

/// How a component serves, with every domain up and in each state of the
/// domains that takes some of its replicas.
#[derive(Clone, Debug)]
pub struct ComponentServe {
    pub up: Serve,
    /// `(state index, serve)` for the states that touch it.
    pub states: Vec<(usize, Serve)>,
    /// In a zone of its own: down `1 - zone_up` of the time, alone.
    own_zone: Option<f64>,
    /// A keyed request reaches one of this many shards (a store), or none
    /// (a component whose replicas all serve every request).
    shards: Option<u32>,
}

impl ComponentServe {
    /// The chance that it serves a request with `visits` of it per request
    /// (reads and writes), given how it serves: a request that reaches it
    /// with probability `t` costs `t` times its unavailability. A store is
    /// reached one shard per key: `k` visits to `s` shards touch
    /// `s (1 - (1 - 1/s)^k)` distinct shards on average, each of which
    /// must serve.
    fn factor(&self, serve: Serve, visits: Load) -> f64 {
        let reached = |v: f64, up: f64| {
            if v <= 0.0 {
                return 1.0;
            }
            let t = v.min(1.0);
            let up = match self.shards {
                Some(shards) => {
                    let shards = f64::from(shards.max(1));
                    let keys = v / t;
                    let distinct = shards * (1.0 - (1.0 - 1.0 / shards).powf(keys));
                    up.powf(distinct.max(1.0))
                }
                None => up,
            };
            1.0 - t * (1.0 - up)
        };
        let sharded = self.shards.is_some();
        let in_zone = if sharded {
            reached(visits.reads, serve.read) * reached(visits.writes, serve.write)
        } else {
            reached(visits.total(), serve.mixed(visits))
        };
        match self.own_zone {
            Some(zone_up) => {
                let zone_down = if sharded {
                    reached(visits.reads, 0.0) * reached(visits.writes, 0.0)
                } else {
                    reached(visits.total(), 0.0)
                };
                zone_up * in_zone + (1.0 - zone_up) * zone_down
            }
            None => in_zone,
        }
    }
}

/// How every component serves, in every state of the domains.
pub fn serving(
    design: &Design,
    loads: &[Load],
    replicas: &[ReplicaModel],
    caps: &[Option<u32>],
    domains: &Domains,
) -> Vec<ComponentServe> {
    (0..design.components.len())
        .map(|id| {
            let component = &design.components[id];
            let placement = &domains.placements[id];
            let positions = zone_positions(component, placement, domains);
            let serve_when = |down: &[usize]| {
                serve(
                    component,
                    loads[id],
                    &replicas[id],
                    caps[id],
                    placement,
                    &positions,
                    down,
                )
            };
            ComponentServe {
                up: serve_when(&domains.states[0].down_zones),
                states: domains
                    .states_touching(id)
                    .map(|s| (s, serve_when(&domains.states[s].down_zones)))
                    .collect(),
                own_zone: matches!(placement, Placement::Own(_)).then_some(domains.zone_up),
                shards: replicas[id].copies.map(|c| c.shards),
            }
        })
        .collect()
}

/// The chance that a component serves one request while `down_zones` are
/// down: `k = ceil(load / capacity)` of its live replicas up (k-of-n), or
/// for a store, the copies a read or write needs of the shard holding the
/// key, averaged over its shards.
fn serve(
    component: &Component,
    load: Load,
    replica: &ReplicaModel,
    cap: Option<u32>,
    placement: &Placement,
    positions: &ZonePositions,
    down_zones: &[usize],
) -> Serve {
    let up = component.availability;
    if let Some(copies) = replica.copies {
        return serve_store(component, &copies, positions, down_zones, up);
    }
    let live = placement.live_outside(down_zones);
    let serving = cap.map_or(live, |cap| live.min(cap));
    let needed = match &component.service {
        Some(service) if load.total() > 0.0 => (load.total() / service.capacity).ceil().max(1.0),
        _ => 1.0,
    };
    if replica.live == 0 || needed > f64::from(serving) {
        return Serve::NEVER;
    }
    let chance = binomial_tail(live, needed as u32, up);
    Serve {
        read: chance,
        write: chance,
    }
}

/// Shard classes weighed at most, for a store whose placement pattern
/// repeats only after more shards than this: they are sampled evenly.
const MAX_SHARD_CLASSES: u32 = 4096;
/// Copies looked at, at most, for one store in one state of the domains:
/// with a thousand copies per shard, only a few classes are weighed.
const MAX_COPIES_LOOKED_AT: u32 = 16_384;

/// A store: shard `s` keeps copy `j` on node `(s f + j) mod N`, and node
/// `n` runs in the component's zone `n mod Z` (round-robin), so a shard's
/// copies sit in different zones where it has that many. A shard serves
/// while the copies a read (or write) needs are up, averaged over the
/// shards; the pattern repeats, so the work grows with the zones (or, when
/// the nodes are not a multiple of them, with the nodes, sampled beyond
/// `MAX_SHARD_CLASSES`), never with the shards.
fn serve_store(
    component: &Component,
    copies: &Copies,
    positions: &ZonePositions,
    down_zones: &[usize],
    up: f64,
) -> Serve {
    let nodes = component.replica_count().max(1);
    let factor = copies.factor.max(1);
    let shards = copies.shards.max(1);
    // With fewer nodes than copies, every node holds some copies of every
    // shard: a read needs the share of the nodes that holds its copies.
    let holders = factor.min(nodes);
    let scaled =
        |count: u32| (u64::from(count) * u64::from(holders)).div_ceil(u64::from(factor)) as u32;
    let read_needed = scaled(copies.read_needed.max(1));
    let write_needed = scaled(copies.write_needed.max(1));
    // Copies a `--fail` already took from the worst-hit shard.
    let failed = scaled(factor - copies.live.min(factor)).min(holders);
    let z = positions.listed.max(1);
    let period = if nodes.is_multiple_of(z) {
        z / gcd(factor % z, z)
    } else {
        nodes / gcd(factor % nodes, nodes)
    }
    .min(shards);
    // Each class looks at its copies: the classes weighed are spread so
    // that the copies looked at stay within MAX_COPIES_LOOKED_AT.
    let classes = MAX_SHARD_CLASSES.min((MAX_COPIES_LOOKED_AT / holders).max(1));
    let step = period.div_ceil(classes).max(1);
    let down_places = positions.places_in(down_zones);
    let (mut read, mut write, mut weight) = (0.0, 0.0, 0.0);
    for class in (0..period).step_by(step as usize) {
        let members = f64::from((shards - class).div_ceil(period));
        // Copy `j` of the class sits on node `start + j` (mod the nodes),
        // in the zone at place `node mod Z` of the list: the copies lost
        // are counted per place of a zone that is down, not per copy.
        let start = (u64::from(class) * u64::from(factor)) % u64::from(nodes);
        let end = start + u64::from(holders);
        let lost: u64 = down_places
            .iter()
            .map(|&place| {
                let first = on_place(start, end.min(u64::from(nodes)), place, z);
                let wrapped = on_place(0, end.saturating_sub(u64::from(nodes)), place, z);
                first + wrapped
            })
            .sum();
        let lost = lost as u32;
        let live = holders.saturating_sub(failed).saturating_sub(lost);
        read += members * binomial_tail(live, read_needed, up);
        write += members * binomial_tail(live, write_needed, up);
        weight += members;
    }
    Serve {
        read: read / weight,
        write: write / weight,
    }
}

/// The places of a component's zones in its zone list, for a store: the
/// list's length, and `(zone, place)` sorted, so the places of the zones
/// down are found without reading the list.
struct ZonePositions {
    listed: u32,
    places: Vec<(usize, u32)>,
}

impl ZonePositions {
    fn places_in(&self, down_zones: &[usize]) -> Vec<u32> {
        down_zones
            .iter()
            .flat_map(|zone| {
                let from = self.places.partition_point(|(z, _)| z < zone);
                self.places[from..]
                    .iter()
                    .take_while(move |(z, _)| z == zone)
                    .map(|(_, place)| *place)
            })
            .collect()
    }
}

/// Where the copies of a store may be lost: its own zone list, the one
/// zone of a design without zones, or nowhere (a zone of its own, or a
/// third party).
fn zone_positions(
    component: &Component,
    placement: &Placement,
    domains: &Domains,
) -> ZonePositions {
    let zones: &[usize] = match (placement, domains.implicit_zone) {
        (Placement::Own(_) | Placement::Elsewhere(_), _) => &[],
        (Placement::Zoned { .. }, Some(zone)) => {
            return ZonePositions {
                listed: 1,
                places: vec![(zone, 0)],
            };
        }
        (Placement::Zoned { .. }, None) => component.zone_ids(),
    };
    let mut places: Vec<(usize, u32)> = zones
        .iter()
        .enumerate()
        .map(|(place, &zone)| (zone, place as u32))
        .collect();
    places.sort_unstable();
    ZonePositions {
        listed: zones.len() as u32,
        places,
    }
}

/// How many nodes `n` in `from..to` sit at `place` of a list of `listed`
/// zones (`n mod listed == place`).
fn on_place(from: u64, to: u64, place: u32, listed: u32) -> u64 {
    let below = |x: u64| {
        let place = u64::from(place);
        if x > place {
            (x - place - 1) / u64::from(listed) + 1
        } else {
            0
        }
    };
    below(to.max(from)) - below(from)
}

fn gcd(a: u32, b: u32) -> u32 {
    if a == 0 { b } else { gcd(b % a, a) }
}

/// The chance that a component serves a request of its own mix of reads and
/// writes, over the states of the domains.
pub fn expected(serve: &ComponentServe, load: Load, domains: &Domains) -> f64 {
    let visits = if load.total() > 0.0 {
        load.scaled(1.0 / load.total())
    } else {
        Load::reads(1.0)
    };
    expected_factor(serve, visits, domains)
}

fn expected_factor(serve: &ComponentServe, visits: Load, domains: &Domains) -> f64 {
    let up_factor = serve.factor(serve.up, visits);
    let mut total = domains.states[0].probability * up_factor;
    let mut touched = vec![false; domains.states.len()];
    for &(state, in_state) in &serve.states {
        touched[state] = true;
        total += domains.states[state].probability * serve.factor(in_state, visits);
    }
    for (state, weight) in domains.states.iter().enumerate().skip(1) {
        if !touched[state] {
            total += weight.probability * up_factor;
        }
    }
    total
}

/// What takes a share of an operation's requests down.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Culprit {
    /// A component whose replicas fail on their own.
    Component(ComponentId),
    /// A failure domain (a zone or region) going down, by index in
    /// [`Domains::domains`].
    Domain(usize),
}

impl Culprit {
    /// Its name for people: `` `db` `` or `zone az1`.
    pub fn describe(self, design: &Design, domains: &Domains) -> String {
        match self {
            Culprit::Component(_) => format!("`{}`", self.name(design, domains)),
            Culprit::Domain(_) => self.name(design, domains),
        }
    }

    /// Its name as plain text, for a table: `db` or `zone az1`.
    pub fn name(self, design: &Design, domains: &Domains) -> String {
        match self {
            Culprit::Component(id) => design.components[id].name().to_string(),
            Culprit::Domain(domain) => domains.domains[domain].name.clone(),
        }
    }
}

/// A share of an operation's requests lost to one culprit.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Cost {
    pub culprit: Culprit,
    /// The share of requests it fails (to first order).
    pub unavailability: f64,
}

impl Cost {
    /// The downtime a year it stands for.
    pub fn downtime_per_year_s(&self) -> f64 {
        self.unavailability * SECONDS_PER_YEAR
    }
}

/// The first `count` costs in words:
/// `` `db` 0.1% (8.76h a year), zone az1 0.02% (1.75h a year) ``.
pub fn describe_costs(design: &Design, domains: &Domains, costs: &[Cost], count: usize) -> String {
    costs
        .iter()
        .take(count)
        .map(|cost| {
            format!(
                "{} {} ({} a year)",
                cost.culprit.describe(design, domains),
                format_share(cost.unavailability),
                format_duration(cost.downtime_per_year_s())
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A share of requests as a percentage, never rounded down to nothing.
pub fn format_share(fraction: f64) -> String {
    if fraction > 0.0 && fraction < 5e-7 {
        "<0.0001%".to_string()
    } else {
        format_percent(fraction)
    }
}

/// An operation's availability and what costs it most.
#[derive(Clone, Debug, PartialEq)]
pub struct OperationAvailability {
    pub availability: Availability,
    /// The operation's availability budget, the largest cost first: each
    /// component with every domain up (and, for a component in a zone of
    /// its own, that zone), and each domain down alone.
    pub costs: Vec<Cost>,
}

/// A product that keeps count of its zero factors apart, so that one factor
/// can be swapped for another.
#[derive(Clone, Copy, Debug)]
struct Product {
    value: f64,
    zeros: i64,
}

impl Product {
    const ONE: Product = Product {
        value: 1.0,
        zeros: 0,
    };

    fn times(&mut self, factor: f64) {
        if factor > 0.0 {
            self.value *= factor
        } else {
            self.zeros += 1
        }
    }

    fn over(&mut self, factor: f64) {
        if factor > 0.0 {
            self.value /= factor
        } else {
            self.zeros -= 1
        }
    }

    fn value(self) -> f64 {
        if self.zeros > 0 { 0.0 } else { self.value }
    }
}

/// An operation's availability: over the states of the domains, the chance
/// that every component it reaches serves it (capacity-model.md, section 7).
/// Each state changes only the components with replicas in its domains, so
/// the work is the operation's components times the states each is in.
pub fn of_operation(
    reach: &[Reach],
    serving: &[ComponentServe],
    domains: &Domains,
) -> OperationAvailability {
    let mut all_up = Product::ONE;
    let mut change = vec![Product::ONE; domains.states.len()];
    let mut costs = Vec::with_capacity(reach.len());
    for r in reach {
        let serve = &serving[r.component];
        let up = serve.factor(serve.up, r.visits);
        all_up.times(up);
        for &(state, in_state) in &serve.states {
            change[state].times(serve.factor(in_state, r.visits));
            change[state].over(up);
        }
        if up < 1.0 {
            costs.push(Cost {
                culprit: Culprit::Component(r.component),
                unavailability: 1.0 - up,
            });
        }
    }
    let up_value = all_up.value();
    let mut value = domains.states[0].probability * up_value;
    for (state, weight) in domains.states.iter().enumerate().skip(1) {
        let mut product = all_up;
        product.value *= change[state].value;
        product.zeros += change[state].zeros;
        value += weight.probability * product.value();
        if let Some(domain) = weight.single_domain
            && product.value() < up_value
        {
            costs.push(Cost {
                culprit: Culprit::Domain(domain),
                unavailability: weight.probability * (up_value - product.value()),
            });
        }
    }
    costs.sort_by(|a, b| b.unavailability.total_cmp(&a.unavailability));
    OperationAvailability {
        availability: Availability::new(value.clamp(0.0, 1.0)),
        costs,
    }
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
    fn gcd_of_small_numbers() {
        assert_eq!(gcd(0, 3), 3);
        assert_eq!(gcd(2, 3), 1);
        assert_eq!(gcd(3, 6), 3);
    }

    #[test]
    fn k_of_n() {
        assert!((binomial_tail(3, 2, 0.9) - 0.972).abs() < 1e-12);
    }
}
