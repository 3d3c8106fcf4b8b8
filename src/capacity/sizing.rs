//! `blueprint size`: the fewest replicas of each component that meet every
//! operation's targets at peak with any one zone lost, at a target
//! utilisation (capacity-model.md, "Sizing").
//!
//! The design is judged in a fixed list of states: all up, each zone of the
//! design lost in turn (as `--fail zone:Z`), and, when some sized component
//! is placed in no zone, one replica of each such component lost at once
//! (their N+1). In every state each sized component stays at or below the
//! target utilisation and serves (no quorum lost), and each operation meets
//! its latency targets; its availability target, an expectation over the
//! zones' and replicas' failures already, is judged with all up.
//!
//! The search starts from a closed form per component (the replicas whose
//! survivors of the worst zone loss carry the load at the target), then
//! raises, one change a round, the component that helps the failing target
//! most (the largest queueing wait on a late operation's way, or the
//! component that costs an operation most availability), and gives a
//! target up when no component helps or raising it changed nothing (a
//! latency floor, a consumer past its queue's partitions, a third party).
//! Raises are in steps of a tenth, then each raised component is lowered
//! back, by bisection, to the fewest replicas that still meet every target.
//! Every round is one estimate per state, and the rounds are bounded, so
//! the work is a bounded multiple of `estimate --fail zone:Z` per zone.

use crate::capacity::availability::Culprit;
use crate::capacity::failure::Failure;
use crate::capacity::latency::NoLatency;
use crate::capacity::{self, Broken, Estimate, EstimateError, Options, cost};
use crate::design::quantity::format_percent;
use crate::design::{ComponentId, Design, Kind, Located};
use crate::rules::redundancy::is_owned;
use crate::ways::Ways;

/// The utilisation `size` sizes for when not told: room for a burst of a
/// third more than the peak before queues take off.
pub const DEFAULT_TARGET_UTILIZATION: f64 = 0.7;

/// Raising rounds before the search stops: far more than any bundled
/// design needs (a handful), and a bound on the work whatever the design.
const MAX_ROUNDS: usize = 64;

/// The result of sizing a design.
#[derive(Clone, Debug)]
pub struct Sizing {
    pub target_utilization: f64,
    /// The states judged: `all up`, `zone:az1`, `one replica of each`.
    pub states: Vec<String>,
    /// Every component the search sizes (owned: not a client nor a third
    /// party), in file order.
    pub components: Vec<ComponentSize>,
    /// The targets no replica count meets, with why.
    pub unmet: Vec<Unmet>,
    /// The monthly cost before and after, when the design prices any
    /// component.
    pub cost: Option<(f64, f64)>,
    /// The search stopped at [`MAX_ROUNDS`] with targets still failing.
    pub exhausted: bool,
}

impl Sizing {
    /// The components whose replica count changes.
    pub fn changes(&self) -> impl Iterator<Item = &ComponentSize> {
        self.components.iter().filter(|c| c.before != c.after)
    }
}

/// One component's replicas before and after.
#[derive(Clone, Debug, PartialEq)]
pub struct ComponentSize {
    pub component: ComponentId,
    pub before: u32,
    pub after: u32,
    /// What decided `after`.
    pub reason: Reason,
    /// Monthly cost before and after, when the component is priced.
    pub cost: Option<(f64, f64)>,
}

/// What decided a component's replica count.
#[derive(Clone, Debug, PartialEq)]
pub enum Reason {
    /// The target utilisation with the worst single loss (the closed form,
    /// as checked by the model).
    Utilisation,
    /// An operation's latency target in a state.
    Latency {
        operation: String,
        target: &'static str,
        state: String,
    },
    /// An operation's availability target.
    Availability { operation: String },
    /// The floor of its replication: one node per copy.
    Copies,
}

/// A target the search could not meet by replicas alone.
#[derive(Clone, Debug, PartialEq)]
pub struct Unmet {
    /// `latency p99 of redirect`, `availability of checkout`, `utilisation
    /// of worker`.
    pub target: String,
    /// The state it fails in.
    pub state: String,
    /// Why more replicas do not help.
    pub why: String,
}

/// Why a design cannot be sized.
#[derive(Clone, Debug, PartialEq)]
pub enum SizingError {
    /// The estimate itself failed (a loop that never settles).
    Estimate(EstimateError),
}

/// A state the design is judged in.
struct State {
    name: String,
    failures: Vec<Failure>,
}

/// Something failing in a state.
#[derive(Clone, Debug, PartialEq)]
enum Violation {
    /// A sized component above the target utilisation, down, or without
    /// quorum.
    Overloaded { component: ComponentId },
    /// An operation's latency target (index into its targets).
    Latency { operation: usize, target: usize },
    /// An operation's availability target.
    Availability { operation: usize },
}

/// The violations of one state, with the estimate they were read from.
struct Judged {
    state: usize,
    violations: Vec<Violation>,
    estimate: Estimate,
}

struct Search<'a> {
    design: &'a Design,
    ways: &'a Ways,
    target: f64,
    states: Vec<State>,
    sized: Vec<bool>,
    quantiles: bool,
    /// Violations given up on, with the state they fail in.
    given_up: Vec<(usize, Violation)>,
}

/// Sizes `design` for `target_utilization` (0 < U <= 1).
pub fn size(design: &Design, ways: &Ways, target_utilization: f64) -> Result<Sizing, SizingError> {
    let sized: Vec<bool> = design.components.iter().map(is_owned).collect();
    let mut states = vec![State {
        name: "all up".to_string(),
        failures: Vec::new(),
    }];
    for zone in &design.zones {
        states.push(State {
            name: format!("zone:{} lost", zone.value),
            failures: vec![Failure::Zone(zone.value.clone())],
        });
    }
    let unplaced: Vec<Failure> = design
        .components
        .iter()
        .zip(&sized)
        .filter(|(c, sized)| **sized && !placed(design, c))
        .map(|(c, _)| Failure::Component {
            name: c.name().to_string(),
            count: Some(1),
        })
        .collect();
    if !unplaced.is_empty() {
        states.push(State {
            name: "one replica of each lost".to_string(),
            failures: unplaced,
        });
    }
    let quantiles = ways
        .operations
        .iter()
        .any(|operation| !operation.latency_slo.is_empty());
    let mut search = Search {
        design,
        ways,
        target: target_utilization,
        states,
        sized,
        quantiles,
        given_up: Vec::new(),
    };
    search.run()
}

/// Whether the component's replicas are spread over the design's zones (a
/// zone loss takes some of them).
fn placed(design: &Design, component: &crate::design::Component) -> bool {
    !design.zones.is_empty() && !component.zone_ids().is_empty()
}

impl Search<'_> {
    fn run(&mut self) -> Result<Sizing, SizingError> {
        let before: Vec<u32> = self
            .design
            .components
            .iter()
            .map(|c| c.replica_count())
            .collect();
        let all_up = self.estimate(&before, 0)?;
        let mut reasons: Vec<Reason> = vec![Reason::Utilisation; before.len()];
        let mut counts: Vec<u32> = before
            .iter()
            .enumerate()
            .map(|(id, &count)| {
                if !self.sized[id] {
                    return count;
                }
                let (start, reason) = self.start(id, &all_up);
                reasons[id] = reason;
                start
            })
            .collect();
        let floors = counts.clone();
        let floor_reasons = reasons.clone();
        let mut unmet: Vec<Unmet> = Vec::new();
        let mut exhausted = true;
        // The value each raised violation had before its raise, to see
        // whether the raise helped.
        let mut last_raise: Option<(usize, Violation, ComponentId, f64)> = None;
        // The utilisation of each component raised for its load, per state,
        // when it was raised.
        let mut raised_for_load: Vec<(ComponentId, usize, f64)> = Vec::new();
        for _ in 0..MAX_ROUNDS {
            let judged = self.judge(&counts)?;
            if let Some((state, violation, component, value)) = last_raise.take() {
                let now = judged
                    .iter()
                    .find(|j| j.state == state)
                    .map(|j| self.measure(&violation, &j.estimate));
                let still_failing = judged
                    .iter()
                    .any(|j| j.state == state && j.violations.contains(&violation));
                // A raise that closes less than a hundredth of the gap to
                // the target would creep for ever: given up.
                let goal = self.goal(&violation);
                let gap = if value.is_finite() { value - goal } else { 1.0 };
                if still_failing && now.is_some_and(|now| now >= value - 0.01 * gap || now.is_nan())
                {
                    let why = match violation {
                        Violation::Latency { .. } => format!(
                            "more replicas of `{}`, the longest queue on its way, shorten it by less than a hundredth of what it misses by: the rest is service time (a latency floor)",
                            self.design.components[component].name()
                        ),
                        _ => self.no_help(component),
                    };
                    unmet.push(self.unmet(state, &violation, why));
                    self.given_up.push((state, violation));
                    continue;
                }
            }
            let Some(first) = judged.iter().find(|j| !j.violations.is_empty()) else {
                exhausted = false;
                break;
            };
            // Every overloaded component of every state is raised at once:
            // each is a component's own matter, settled by its closed form.
            let mut overloaded: Vec<ComponentId> = judged
                .iter()
                .flat_map(|j| &j.violations)
                .filter_map(|v| match v {
                    Violation::Overloaded { component } => Some(*component),
                    _ => None,
                })
                .collect();
            overloaded.sort_unstable();
            overloaded.dedup();
            if !overloaded.is_empty() {
                for &component in &overloaded {
                    let violation = Violation::Overloaded { component };
                    // Per state: its utilisation now, and at the last raise.
                    // A raise that closed less than a hundredth of the gap
                    // to the target in a state (every replica in the zone
                    // lost, every write on the newest range shard) would
                    // creep for ever: given up there, named once.
                    let mut raise = false;
                    for j in judged.iter().filter(|j| j.violations.contains(&violation)) {
                        let now = self.utilization_in(component, &j.estimate);
                        let previous = raised_for_load
                            .iter()
                            .find(|(c, state, _)| *c == component && *state == j.state)
                            .map(|(_, _, value)| *value);
                        let stuck = previous.is_some_and(|previous| {
                            now >= previous || now > previous - 0.01 * (previous - self.target)
                        });
                        if stuck {
                            let named = self.unmet(j.state, &violation, String::new()).target;
                            if !unmet.iter().any(|u| u.target == named) {
                                unmet.push(self.unmet(
                                    j.state,
                                    &violation,
                                    self.no_help(component),
                                ));
                            }
                            self.given_up.push((j.state, violation.clone()));
                        } else {
                            raised_for_load
                                .retain(|(c, state, _)| !(*c == component && *state == j.state));
                            raised_for_load.push((component, j.state, now));
                            raise = true;
                        }
                    }
                    if raise {
                        counts[component] = self.grow(component, counts[component], 1);
                        reasons[component] = Reason::Utilisation;
                    }
                }
                continue;
            }
            let violation = first.violations[0].clone();
            match self.helper(first.state, &violation, &first.estimate) {
                Ok(component) => {
                    let value = self.measure(&violation, &first.estimate);
                    let step = (counts[component] / 10).max(1);
                    counts[component] = self.grow(component, counts[component], step);
                    reasons[component] = self.reason(first.state, &violation);
                    last_raise = Some((first.state, violation, component, value));
                }
                Err(why) => {
                    unmet.push(self.unmet(first.state, &violation, why));
                    self.given_up.push((first.state, violation));
                }
            }
        }
        if !exhausted {
            self.lower(&mut counts, &floors)?;
            for id in 0..counts.len() {
                if counts[id] == floors[id] {
                    reasons[id] = floor_reasons[id].clone();
                }
            }
        }
        let cost_of = |counts: &[u32]| cost::with_replicas(self.design, counts).map(|c| c.total);
        let cost = cost_of(&before).zip(cost_of(&counts));
        let costs_before = cost::with_replicas(self.design, &before);
        let costs_after = cost::with_replicas(self.design, &counts);
        let components = (0..before.len())
            .filter(|&id| self.sized[id])
            .map(|id| ComponentSize {
                component: id,
                before: before[id],
                after: counts[id],
                reason: reasons[id].clone(),
                cost: costs_before
                    .as_ref()
                    .and_then(|c| c.components[id])
                    .zip(costs_after.as_ref().and_then(|c| c.components[id])),
            })
            .collect();
        Ok(Sizing {
            target_utilization: self.target,
            states: self.states.iter().map(|s| s.name.clone()).collect(),
            components,
            unmet,
            cost,
            exhausted,
        })
    }

    /// The closed form: the fewest replicas whose survivors of the worst
    /// single loss carry the component's load at the target utilisation,
    /// and no fewer than its copies need.
    fn start(&self, id: ComponentId, all_up: &Estimate) -> (u32, Reason) {
        let component = &self.design.components[id];
        let load = all_up.components[id].load.total();
        let needed = match &component.service {
            Some(service) if service.capacity > 0.0 => {
                let live = (load / (service.capacity * self.target) - 1e-9).ceil();
                live.clamp(1.0, f64::from(u32::MAX / 2)) as u32
            }
            _ => 1,
        };
        // With every replica in one zone no count survives its loss: the
        // zone's state then says so.
        let mut zones: Vec<usize> = component.zone_ids().to_vec();
        zones.sort_unstable();
        zones.dedup();
        let mut count = needed;
        if !placed(self.design, component) || zones.len() > 1 {
            while count - self.worst_loss(id, count) < needed && count < 1_000_000 {
                count += 1;
            }
        }
        let copies = self.copies(id);
        if copies > count {
            return (copies, Reason::Copies);
        }
        (self.round_to_copies(id, count), Reason::Utilisation)
    }

    /// Replicas lost in the worst single loss with `count` replicas: the
    /// zone that holds the most of them, or one replica.
    fn worst_loss(&self, id: ComponentId, count: u32) -> u32 {
        let component = &self.design.components[id];
        if placed(self.design, component) {
            component
                .replicas_per_zone(count)
                .into_iter()
                .map(|(_, lost)| lost)
                .max()
                .unwrap_or(0)
        } else {
            1
        }
    }

    /// A replicated database needs a node per copy of a shard.
    fn copies(&self, id: ComponentId) -> u32 {
        let component = &self.design.components[id];
        match (&component.replication, component.kind()) {
            (Some(replication), Kind::Database) => replication.value.factor.max(1),
            _ => 1,
        }
    }

    /// A replicated database grows by whole shards (a node per copy).
    fn round_to_copies(&self, id: ComponentId, count: u32) -> u32 {
        let copies = self.copies(id);
        count.div_ceil(copies) * copies
    }

    fn grow(&self, id: ComponentId, count: u32, step: u32) -> u32 {
        let step = step.max(self.copies(id));
        self.round_to_copies(id, count.saturating_add(step))
            .min(1_000_000)
    }

    /// After the raises, each raised component back down, by bisection, to
    /// the fewest replicas that still meet every target (not given up).
    fn lower(&self, counts: &mut [u32], floors: &[u32]) -> Result<(), SizingError> {
        for id in 0..counts.len() {
            if !self.sized[id] || counts[id] <= floors[id] {
                continue;
            }
            let (mut low, mut high) = (floors[id], counts[id]);
            counts[id] = low;
            if self.meets(counts)? {
                continue;
            }
            while high - low > self.copies(id) {
                let middle = self.round_to_copies(id, low + (high - low) / 2);
                if middle >= high {
                    break;
                }
                counts[id] = middle;
                if self.meets(counts)? {
                    high = middle;
                } else {
                    low = middle;
                }
            }
            counts[id] = high;
        }
        Ok(())
    }

    fn meets(&self, counts: &[u32]) -> Result<bool, SizingError> {
        Ok(self.judge(counts)?.iter().all(|j| j.violations.is_empty()))
    }

    /// The design with `counts` replicas, estimated in state `state`.
    fn estimate(&self, counts: &[u32], state: usize) -> Result<Estimate, SizingError> {
        let mut design = self.design.clone();
        for (component, &count) in design.components.iter_mut().zip(counts) {
            if component.replica_count() != count {
                let span = component.replicas_span();
                component.replicas = Some(Located::new(count, span));
            }
        }
        let options = Options {
            failures: self.states[state].failures.clone(),
            quantiles: self.quantiles,
            ..Options::default()
        };
        capacity::estimate(&design, self.ways, &options).map_err(SizingError::Estimate)
    }

    /// Every state with what fails in it (given-up violations left out).
    fn judge(&self, counts: &[u32]) -> Result<Vec<Judged>, SizingError> {
        (0..self.states.len())
            .map(|state| {
                let estimate = self.estimate(counts, state)?;
                let violations = self
                    .violations(state, &estimate)
                    .into_iter()
                    .filter(|v| !self.given_up.contains(&(state, v.clone())))
                    .collect();
                Ok(Judged {
                    state,
                    violations,
                    estimate,
                })
            })
            .collect()
    }

    fn violations(&self, state: usize, estimate: &Estimate) -> Vec<Violation> {
        let mut violations = Vec::new();
        for (id, figures) in estimate.components.iter().enumerate() {
            if !self.sized[id] || figures.load.total() <= 0.0 {
                continue;
            }
            let over = figures
                .utilization()
                .is_some_and(|u| u > self.target + 1e-9);
            if over || figures.broken().is_some() {
                violations.push(Violation::Overloaded { component: id });
            }
        }
        for (index, operation) in estimate.operations.iter().enumerate() {
            if operation.rps <= 0.0 {
                continue;
            }
            let named = &self.ways.operations[operation.operation];
            for (target, goal) in named.latency_slo.iter().enumerate() {
                let late = match &operation.end_to_end {
                    Ok(end_to_end) => end_to_end.quantile(goal.quantile) > goal.seconds.value,
                    Err(NoLatency::Saturated(_)) => true,
                    Err(_) => false,
                };
                if late {
                    violations.push(Violation::Latency {
                        operation: index,
                        target,
                    });
                }
            }
            if state == 0
                && let Some(goal) = &named.availability_slo
                && operation.availability.value < goal.value
            {
                violations.push(Violation::Availability { operation: index });
            }
        }
        violations
    }

    /// The value of a violation's figure ([`Search::measure`]) that meets
    /// it.
    fn goal(&self, violation: &Violation) -> f64 {
        let operation = |index: usize| &self.ways.operations[self.entering()[index]];
        match violation {
            Violation::Overloaded { .. } => self.target,
            Violation::Latency {
                operation: index,
                target,
            } => operation(*index).latency_slo[*target].seconds.value,
            Violation::Availability { operation: index } => {
                1.0 - operation(*index)
                    .availability_slo
                    .as_ref()
                    .map_or(1.0, |goal| goal.value)
            }
        }
    }

    /// Why more replicas of `id` did not help.
    fn no_help(&self, id: ComponentId) -> String {
        let component = &self.design.components[id];
        let name = component.name();
        let mut zones: Vec<usize> = component.zone_ids().to_vec();
        zones.sort_unstable();
        zones.dedup();
        if placed(self.design, component) && zones.len() == 1 {
            format!(
                "every replica of `{name}` is in one zone, so losing it leaves none whatever the count: spread it over more zones"
            )
        } else if component
            .sharding
            .as_ref()
            .is_some_and(|s| s.value.writes_to_newest_shard())
        {
            format!(
                "every write to `{name}` lands on its newest range shard (BP208), which more nodes do not split"
            )
        } else if self
            .design
            .components
            .iter()
            .any(|q| q.consumer.as_ref().is_some_and(|c| c.value == id) && q.partitions.is_some())
        {
            format!(
                "`{name}` consumes a queue with fewer partitions than it has replicas: more of them idle"
            )
        } else {
            format!(
                "more replicas of `{name}` change nothing here (its load does not split over them)"
            )
        }
    }

    /// A component's utilisation in one state, infinite when down or
    /// without quorum.
    fn utilization_in(&self, id: ComponentId, estimate: &Estimate) -> f64 {
        let figures = &estimate.components[id];
        if figures.broken().is_some_and(|b| b != Broken::Saturated) {
            f64::INFINITY
        } else {
            figures.utilization().unwrap_or(0.0)
        }
    }

    /// The figure a violation is judged on, lower is better: the late
    /// quantile, the unavailability, the utilisation.
    fn measure(&self, violation: &Violation, estimate: &Estimate) -> f64 {
        match violation {
            Violation::Overloaded { component } => estimate.components[*component]
                .utilization()
                .unwrap_or(f64::INFINITY),
            Violation::Latency { operation, target } => {
                let figures = &estimate.operations[*operation];
                let goal = &self.ways.operations[figures.operation].latency_slo[*target];
                figures
                    .end_to_end
                    .as_ref()
                    .map_or(f64::INFINITY, |e| e.quantile(goal.quantile))
            }
            Violation::Availability { operation } => {
                1.0 - estimate.operations[*operation].availability.value
            }
        }
    }

    /// The sized component whose raise helps `violation` most, or why none
    /// does.
    fn helper(
        &self,
        state: usize,
        violation: &Violation,
        estimate: &Estimate,
    ) -> Result<ComponentId, String> {
        match violation {
            Violation::Overloaded { component } => Ok(*component),
            Violation::Latency { operation, .. } => {
                let figures = &estimate.operations[*operation];
                if let Err(NoLatency::Saturated(components)) = &figures.end_to_end {
                    if let Some(&stuck) = components.iter().find(|&&c| !self.sized[c]) {
                        return Err(format!(
                            "`{}` cannot keep up, and `size` does not size it (a client or a third party)",
                            self.design.components[stuck].name()
                        ));
                    }
                    if let Some(&stuck) = components.iter().find(|&&c| {
                        self.given_up
                            .contains(&(state, Violation::Overloaded { component: c }))
                    }) {
                        return Err(format!(
                            "`{}` is down or saturated in this state whatever its replicas",
                            self.design.components[stuck].name()
                        ));
                    }
                }
                let reach = self.ways.reach_of(figures.operation);
                let late = self.measure(violation, estimate);
                let best = self
                    .ways
                    .waited_on(figures.operation)
                    .into_iter()
                    .filter(|&c| self.sized[c])
                    .filter_map(|c| {
                        let wait = self.queueing_wait(c, estimate)?;
                        let visits = reach
                            .iter()
                            .find(|r| r.component == c)
                            .map_or(1.0, |r| r.visits.reads + r.visits.writes);
                        Some((c, wait * visits.max(1.0)))
                    })
                    .fold(
                        None,
                        |best: Option<(ComponentId, f64)>, (c, score)| match best {
                            Some((_, best_score)) if best_score >= score => best,
                            _ => Some((c, score)),
                        },
                    );
                match best {
                    // A wait below a thousandth of the figure: what is left
                    // is service time, which replicas do not shorten.
                    Some((component, score)) if score > 1e-3 * late.min(1e9) => Ok(component),
                    _ => Err("the service times on its way alone exceed it (a latency floor): more replicas shorten only the queues".to_string()),
                }
            }
            Violation::Availability { operation } => {
                let figures = &estimate.operations[*operation];
                let shortfall = self.measure(violation, estimate) - self.goal(violation);
                let sized_costs: f64 = figures
                    .costs
                    .iter()
                    .filter(|cost| matches!(cost.culprit, Culprit::Component(c) if self.sized[c]))
                    .map(|cost| cost.unavailability)
                    .sum();
                // Even with none of its own components failing it would
                // miss: the rest is zones and third parties.
                let fixable = sized_costs >= shortfall;
                figures
                    .costs
                    .iter()
                    .find_map(|cost| match cost.culprit {
                        Culprit::Component(c) if self.sized[c] && fixable => Some(c),
                        _ => None,
                    })
                    .ok_or_else(|| {
                        let top = figures
                            .costs
                            .iter()
                            .find(|cost| !matches!(cost.culprit, Culprit::Component(c) if self.sized[c]))
                            .map_or_else(
                                || "its own components' single replicas".to_string(),
                                |cost| cost.culprit.describe(self.design, &estimate.domains),
                            );
                        format!(
                            "zones and third parties alone cost it more than its target allows ({} down); the largest is {top}",
                            format_percent(self.goal(violation))
                        )
                    })
            }
        }
    }

    /// A component's mean wait in queue per visit: its mean response less
    /// its own service time.
    fn queueing_wait(&self, id: ComponentId, estimate: &Estimate) -> Option<f64> {
        let figures = &estimate.components[id];
        if figures.replica.is_saturated() {
            return Some(f64::INFINITY);
        }
        let service = self.design.components[id].service.as_ref()?;
        let latency = figures.latency?;
        Some((latency.mean - service.latency).max(0.0))
    }

    fn reason(&self, state: usize, violation: &Violation) -> Reason {
        match violation {
            Violation::Overloaded { .. } => Reason::Utilisation,
            Violation::Latency { operation, target } => {
                let named = self.operation_name(*operation);
                let goal = self.goal_label(*operation, *target);
                Reason::Latency {
                    operation: named,
                    target: goal,
                    state: self.states[state].name.clone(),
                }
            }
            Violation::Availability { operation } => Reason::Availability {
                operation: self.operation_name(*operation),
            },
        }
    }

    /// The operations of an estimate are those that enter, in the order of
    /// the ways, the same in every state.
    fn entering(&self) -> Vec<usize> {
        self.ways.entering().map(|(id, _)| id).collect()
    }

    fn operation_name(&self, index: usize) -> String {
        let id = self.entering()[index];
        self.ways.operations[id].name.clone()
    }

    fn goal_label(&self, index: usize, target: usize) -> &'static str {
        let id = self.entering()[index];
        self.ways.operations[id].latency_slo[target].label
    }

    fn unmet(&self, state: usize, violation: &Violation, why: String) -> Unmet {
        let target = match violation {
            Violation::Overloaded { component } => format!(
                "utilisation of `{}`",
                self.design.components[*component].name()
            ),
            Violation::Latency { operation, target } => format!(
                "{} of `{}`",
                self.goal_label(*operation, *target),
                self.operation_name(*operation)
            ),
            Violation::Availability { operation } => {
                format!("availability of `{}`", self.operation_name(*operation))
            }
        };
        Unmet {
            target,
            state: self.states[state].name.clone(),
            why,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sized(yaml: &str) -> (Design, Sizing) {
        let analysis = crate::analyse(yaml.as_bytes()).unwrap();
        let sizing = size(&analysis.design, &analysis.ways, 0.7).unwrap();
        (analysis.design, sizing)
    }

    fn after(design: &Design, sizing: &Sizing, name: &str) -> u32 {
        let id = design.component_named(name).unwrap();
        sizing
            .components
            .iter()
            .find(|c| c.component == id)
            .unwrap()
            .after
    }

    /// Without zones the worst loss is one replica: 1,000/s on 500/s
    /// replicas at 70% needs 3 survivors, so 4 (N+1).
    #[test]
    fn without_zones_one_replica_is_the_worst_loss() {
        let (design, sizing) = sized(
            "version: 1\nname: t\nrequirements: { peak_rps: 1000/s }\ncomponents:\n  users: { kind: client, calls: [{ to: api }] }\n  api: { kind: service, replicas: 9, capacity: 500/s, latency: 4ms }\n",
        );
        assert_eq!(sizing.states, ["all up", "one replica of each lost"]);
        assert_eq!(after(&design, &sizing, "api"), 4);
        assert!(sizing.unmet.is_empty() && !sizing.exhausted);
    }

    /// Every replica in one zone: no count survives that zone, and `size`
    /// says so instead of raising it for ever.
    #[test]
    fn one_zone_is_reported_not_chased() {
        let (design, sizing) = sized(
            "version: 1\nname: t\nrequirements: { peak_rps: 1000/s }\nzones: [a, b]\ncomponents:\n  users: { kind: client, calls: [{ to: api }] }\n  api: { kind: service, replicas: 2, zones: [a], capacity: 500/s, latency: 4ms }\n",
        );
        assert_eq!(after(&design, &sizing, "api"), 3);
        assert!(!sizing.exhausted);
        assert_eq!(sizing.unmet.len(), 1, "{:?}", sizing.unmet);
        assert_eq!(sizing.unmet[0].target, "utilisation of `api`");
        assert_eq!(sizing.unmet[0].state, "zone:a lost");
        assert!(sizing.unmet[0].why.contains("in one zone"));
    }

    /// A p99 target above the service's own (4.6 x 4ms = 18.4ms for an
    /// exponential service): the closed form's count leaves the p99 too
    /// long, and the search raises the replicas until it holds, then no
    /// further: sizing the result again changes nothing, and one fewer is
    /// raised back.
    #[test]
    fn a_latency_target_raises_past_the_utilisation_count() {
        let yaml = |replicas: u32| {
            format!(
                "version: 1\nname: t\nrequirements: {{ peak_rps: 1000/s, latency_slo: {{ p99: 30ms }} }}\ncomponents:\n  users: {{ kind: client, calls: [{{ to: api }}] }}\n  api: {{ kind: service, replicas: {replicas}, capacity: 250/s, latency: 4ms, concurrency: 1 }}\n"
            )
        };
        let (design, sizing) = sized(&yaml(1));
        let count = after(&design, &sizing, "api");
        // 1,000 / (250 x 0.7) = 5.7: 6 survivors, 7 with one lost.
        assert!(count > 7, "{count}");
        assert!(matches!(
            sizing.components[0].reason,
            Reason::Latency { .. }
        ));
        assert!(sizing.unmet.is_empty());
        let (_, again) = sized(&yaml(count));
        assert!(again.changes().next().is_none(), "{:?}", again.components);
        let (design, fewer) = sized(&yaml(count - 1));
        assert_eq!(after(&design, &fewer, "api"), count);
    }
}
