//! Retries under failure (docs/capacity-model.md, "Failure dynamics"): the
//! load that `retries` add when a share of calls fails or times out, solved
//! as a fixed point because more load means more timeouts and so more
//! retries.
//!
//! An attempt fails when its callee has no replica up (or lost the quorum
//! it needs), when the callee is saturated, when its own response takes
//! longer than the call's `timeout` (from the callee's response-time
//! distribution at its load), or when the callee's request fails because a
//! call it needs failed after its own retries. Failure detection is
//! assumed: once a replica is down, callers send only to the live ones (the
//! spread over live replicas of the rest of the model), so a partial loss
//! fails no call in the steady state; the calls in flight when it fails
//! are a transient this figure leaves out. Attempts are independent, so a
//! call with `retries: r` whose attempts fail with share `q` makes
//! `(1 - q^(r+1)) / (1 - q)` attempts on average and fails with `q^(r+1)`;
//! a layer that retries a layer that retries multiplies through the ways.
//! `backoff` changes when retries come, not how many: the steady state is
//! the same with and without it. A `circuit_breaker` is taken to be open
//! while half or more of the attempts fail: its call then makes one attempt.

use rayon::prelude::*;

use super::load::{self, Load, Loads};
use super::replicas::{self, ReplicaModel};
use crate::design::{Design, Op};
use crate::ways::{Via, Wait, Ways, carried};

/// Rounds of the fixed point at most: the load only grows from round to
/// round, so it settles or passes saturation well within this.
pub const MAX_ROUNDS: usize = 100;
/// The largest relative change of a component's load that counts as settled.
const SETTLED: f64 = 1e-9;
/// Attempts per call below which a call's retries count as adding nothing
/// (a thousandth more load).
pub const NOTICEABLE: f64 = 1.001;
/// A circuit breaker is open while at least this share of attempts fail.
pub const BREAKER_OPENS: f64 = 0.5;

/// Attempts per call with `retries` when each attempt fails with share
/// `failure` independently: `1 + q + ... + q^r = (1 - q^(r+1)) / (1 - q)`.
pub fn attempts(failure: f64, retries: u32) -> f64 {
    let q = failure.clamp(0.0, 1.0);
    if q >= 1.0 {
        f64::from(retries) + 1.0
    } else {
        (1.0 - q.powf(f64::from(retries) + 1.0)) / (1.0 - q)
    }
}

/// A call whose retries add load: its attempts at the fixed point.
#[derive(Clone, Debug, PartialEq)]
pub struct RetryingCall {
    pub caller: usize,
    /// Its index in the caller's `calls`.
    pub call: usize,
    pub callee: usize,
    /// The share of its attempts that fail or time out (the largest over
    /// the operations it is made for).
    pub failure_share: f64,
    /// Attempts per call.
    pub attempts: f64,
}

/// The load with retries under one set of failures.
#[derive(Clone, Debug, PartialEq)]
pub struct RetryLoad {
    /// Each component's load without retries.
    pub without: Vec<Load>,
    /// Each component's load with retries.
    pub loads: Vec<Load>,
    /// The busiest replica's utilisation with retries.
    pub utilization: Vec<Option<f64>>,
    /// Components with a replica up that are saturated without retries.
    pub saturated_without: Vec<usize>,
    /// Components with a replica up that are saturated with retries.
    pub saturated: Vec<usize>,
    /// The iteration reached a fixed point within [`MAX_ROUNDS`].
    pub settled: bool,
    pub rounds: usize,
    /// The calls that make [`NOTICEABLE`] attempts or more, in design order.
    pub calls: Vec<RetryingCall>,
}

impl RetryLoad {
    /// Load with retries over load without, of one component.
    pub fn multiplier(&self, component: usize) -> f64 {
        let without = self.without[component].total();
        if without > 0.0 {
            self.loads[component].total() / without
        } else {
            1.0
        }
    }

    /// Components the retries push from below saturation to at or above it.
    pub fn saturated_by_retries(&self) -> Vec<usize> {
        self.saturated
            .iter()
            .copied()
            .filter(|c| !self.saturated_without.contains(c))
            .collect()
    }
}

/// Whether any call of the design retries (nothing to solve otherwise).
pub fn any(design: &Design) -> bool {
    design
        .components
        .iter()
        .flat_map(|c| &c.calls)
        .any(|call| call.retries.as_ref().is_some_and(|r| r.value > 0))
}

/// A component that serves no request: nothing up, or not enough copies.
fn cannot_serve(model: &ReplicaModel, load: Load) -> bool {
    model.live == 0 || model.copies.is_some_and(|c| c.lost(load))
}

/// Components with a replica up whose utilisation is at or above 1.
fn saturated(models: &[ReplicaModel], loads: &[Load]) -> Vec<usize> {
    models
        .iter()
        .enumerate()
        .filter(|(id, m)| m.live > 0 && !cannot_serve(m, loads[*id]) && m.is_saturated())
        .map(|(id, _)| id)
        .collect()
}

/// Solves the retry load of a design with `live` replicas up, from its
/// loads without retries (`base`, under `entry_rps` per operation).
pub fn solve(
    design: &Design,
    ways: &Ways,
    entry_rps: &[f64],
    base: &Loads,
    live: &[u32],
    caps: &[Option<u32>],
) -> RetryLoad {
    let models_at = |loads: &[Load]| -> Vec<ReplicaModel> {
        design
            .components
            .iter()
            .enumerate()
            .map(|(id, c)| replicas::model(c, loads[id], live[id], caps[id]))
            .collect()
    };
    let mut loads = base.clone();
    let mut models = models_at(&loads.components);
    let saturated_without = saturated(&models, &loads.components);
    let mut scale = vec![1.0; ways.edges.len()];
    let mut failure = vec![0.0; ways.edges.len()];
    let mut rounds = 0;
    let mut settled = false;
    while rounds < MAX_ROUNDS {
        rounds += 1;
        let mut next_scale = vec![1.0; ways.edges.len()];
        // The share of each node's requests that fail, callees first.
        let mut fails = vec![0.0; ways.nodes.len()];
        for &node in &ways.callees_first {
            let from = ways.nodes[node].component;
            let first = ways.first_edge(node);
            let node_load = loads.nodes[node];
            let mut success = 1.0;
            for (index, edge) in ways.edges_from(node).iter().enumerate() {
                if edge.wait != Wait::Waits {
                    continue;
                }
                let to = ways.nodes[edge.to].component;
                let call = match edge.via {
                    Via::Call(call) => Some(&design.components[from].calls[call]),
                    _ => None,
                };
                let q = if cannot_serve(&models[to], loads.components[to])
                    || models[to].is_saturated()
                {
                    1.0
                } else {
                    let timed_out = call
                        .and_then(|c| c.timeout.as_ref().map(|t| (c.op, t.value)))
                        .map_or(0.0, |(op, timeout)| {
                            let response = match op {
                                Op::Read => &models[to].read,
                                Op::Write => &models[to].write,
                            };
                            (1.0 - response.cdf(timeout)).clamp(0.0, 1.0)
                        });
                    1.0 - (1.0 - timed_out) * (1.0 - fails[edge.to])
                };
                let retries = call.and_then(|c| c.retries.as_ref()).map_or(0, |r| r.value);
                let open = call.is_some_and(|c| c.circuit_breaker) && q >= BREAKER_OPENS;
                let (tries, call_fails) = if open {
                    (1.0, q)
                } else {
                    (attempts(q, retries), q.powf(f64::from(retries) + 1.0))
                };
                next_scale[first + index] = tries;
                failure[first + index] = q;
                if edge.required && node_load.total() > 0.0 {
                    let per_request =
                        carried(design, from, edge.via, node_load).total() / node_load.total();
                    success *= (1.0 - call_fails).powf(per_request);
                }
            }
            fails[node] = 1.0 - success;
        }
        let Ok(next) = load::propagate_scaled(design, ways, entry_rps, &next_scale) else {
            // The retries make a loop through a queue grow without end.
            scale = next_scale;
            break;
        };
        let change = next
            .components
            .iter()
            .zip(&loads.components)
            .map(|(after, before)| {
                (after.total() - before.total()).abs() / before.total().max(1e-12)
            })
            .fold(0.0, f64::max);
        loads = next;
        scale = next_scale;
        models = models_at(&loads.components);
        if change < SETTLED {
            settled = true;
            break;
        }
    }
    let mut calls: Vec<RetryingCall> = Vec::new();
    for (index, edge) in ways.edges.iter().enumerate() {
        let Via::Call(call) = edge.via else { continue };
        if scale[index] < NOTICEABLE {
            continue;
        }
        let caller = ways.nodes[edge.from].component;
        let found = calls
            .iter_mut()
            .find(|c| c.caller == caller && c.call == call);
        match found {
            Some(known) => {
                known.attempts = known.attempts.max(scale[index]);
                known.failure_share = known.failure_share.max(failure[index]);
            }
            None => calls.push(RetryingCall {
                caller,
                call,
                callee: ways.nodes[edge.to].component,
                failure_share: failure[index],
                attempts: scale[index],
            }),
        }
    }
    calls.sort_by_key(|c| (c.caller, c.call));
    RetryLoad {
        without: base.components.clone(),
        utilization: models.iter().map(|m| m.utilization).collect(),
        saturated: saturated(&models, &loads.components),
        loads: loads.components,
        saturated_without,
        settled,
        rounds,
        calls,
    }
}

/// Distinct placements of replicas in a zone [`per_zone`] solves at most.
pub const MAX_ZONES: usize = 100;

/// The retry load of losing each zone in turn, on top of `live`: one
/// solution per distinct placement (a zone holding the same replicas as an
/// earlier one, or none, adds nothing), the first [`MAX_ZONES`] of them, in
/// the design's zone order.
pub fn per_zone(
    design: &Design,
    ways: &Ways,
    entry_rps: &[f64],
    base: &Loads,
    live: &[u32],
    caps: &[Option<u32>],
) -> Vec<(usize, RetryLoad)> {
    // The replicas each zone holds, by component: one pass over every
    // component's zone list, never per replica.
    let mut held: Vec<Vec<(usize, u32)>> = vec![Vec::new(); design.zones.len()];
    for (id, component) in design.components.iter().enumerate() {
        for (zone, count) in component.replicas_per_zone(component.replica_count()) {
            if count > 0 {
                held[zone].push((id, count));
            }
        }
    }
    let mut placements: Vec<&Vec<(usize, u32)>> = Vec::new();
    let mut zones: Vec<(usize, Vec<u32>)> = Vec::new();
    for (zone, placement) in held.iter().enumerate() {
        if placement.is_empty() || placements.contains(&placement) {
            continue;
        }
        if placements.len() == MAX_ZONES {
            break;
        }
        placements.push(placement);
        let mut after = live.to_vec();
        for &(id, count) in placement {
            after[id] = after[id].saturating_sub(count);
        }
        zones.push((zone, after));
    }
    zones
        .into_par_iter()
        .map(|(zone, after)| (zone, solve(design, ways, entry_rps, base, &after, caps)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attempts_per_call() {
        // Nothing fails: one attempt; everything fails: every retry.
        assert_eq!(attempts(0.0, 3), 1.0);
        assert_eq!(attempts(1.0, 3), 4.0);
        // Half fail, two retries: 1 + 0.5 + 0.25.
        assert!((attempts(0.5, 2) - 1.75).abs() < 1e-12);
        assert_eq!(attempts(0.3, 0), 1.0);
    }

    fn solve_for(
        yaml: &str,
        failures: &[crate::capacity::failure::Failure],
    ) -> (Design, RetryLoad) {
        let analysis = crate::analyse(yaml.as_bytes()).unwrap();
        let (design, ways) = (&analysis.design, &analysis.ways);
        let entry: Vec<f64> = ways
            .operations
            .iter()
            .map(|o| {
                o.entry
                    .map_or(0.0, |e| design.client_rps(e).unwrap_or(0.0) * o.share)
            })
            .collect();
        let base = load::propagate(design, ways, &entry).unwrap();
        let live = crate::capacity::failure::live_replicas(design, failures).unwrap();
        let caps = replicas::partition_caps(design);
        let solved = solve(design, ways, &entry, &base, &live, &caps);
        (analysis.design, solved)
    }

    /// A layer that retries a layer that retries: with `db` down, `api`'s
    /// requests all fail after 3 attempts each, and `edge` tries `api` 3
    /// times: api gets 3x its load and db 9x its calls (none served).
    #[test]
    fn retries_multiply_through_the_layers() {
        let yaml = "version: 1
name: t
components:
  users: { kind: client, rps: 10/s, calls: [{ to: edge }] }
  edge: { kind: service, capacity: 1k/s, calls: [{ to: api, timeout: 1s, retries: 2 }] }
  api: { kind: service, capacity: 1k/s, calls: [{ to: db, timeout: 1s, retries: 2 }] }
  db: { kind: database, capacity: 1k/s }
";
        let (_, solved) = solve_for(
            yaml,
            &[crate::capacity::failure::Failure::Component {
                name: "db".into(),
                count: None,
            }],
        );
        assert!(solved.settled);
        assert!((solved.multiplier(2) - 3.0).abs() < 1e-9, "{solved:?}");
        assert!((solved.loads[3].total() - 90.0).abs() < 1e-6, "{solved:?}");
        assert_eq!(solved.calls.len(), 2);
    }

    /// Timeouts feed back: one M/M/1 at 90% with a timeout of 200 ms
    /// (mu - lambda = 10/s: e^-2 = 13.5% time out) and 3 retries has no
    /// stable point below saturation; with a timeout of 2 s (e^-20) it
    /// settles next to the load without retries.
    #[test]
    fn timeouts_feed_back_to_saturation() {
        let design = |timeout: &str| {
            format!(
                "version: 1
name: t
components:
  users: {{ kind: client, rps: 90/s, calls: [{{ to: api, timeout: {timeout}, retries: 3 }}] }}
  api: {{ kind: service, capacity: 100/s, concurrency: 1 }}
"
            )
        };
        let (_, tight) = solve_for(&design("200ms"), &[]);
        assert_eq!(tight.saturated_without, Vec::<usize>::new());
        assert_eq!(tight.saturated_by_retries(), vec![1]);
        let (_, loose) = solve_for(&design("2s"), &[]);
        assert!(loose.settled && loose.saturated.is_empty());
        assert!((loose.multiplier(1) - 1.0).abs() < 1e-6);
    }
}
