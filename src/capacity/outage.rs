//! Backlog and drain after an outage of known length (docs/capacity-model.md,
//! "Failure dynamics"): `estimate --fail NAME@DURATION`. A fluid model:
//! while the failure lasts, work arrives at `inflow` and leaves at what
//! the survivors can take, so `duration * (inflow - capacity left)` waits
//! when it is over; after recovery it drains at `capacity - inflow`.
//!
//! Where the backlog waits decides who drains it. A queue's consumers pull
//! the next message whenever they are free, so every replica back up helps
//! (pooled). A component that requests are pushed to, spread evenly over
//! its replicas as the rest of the model does (section 2), keeps its
//! backlog in the survivors' own queues: only they drain it, at their
//! share `survivors / replicas` of the spare capacity, so a partial loss
//! drains `replicas / survivors` times slower than the pooled figure.

use super::load::Load;
use super::replicas::ReplicaModel;
use crate::design::{Design, Kind};

/// Work left waiting after an outage of `duration` seconds when `inflow`
/// arrives per second and `capacity_during` leaves.
pub fn backlog_after(duration: f64, inflow: f64, capacity_during: f64) -> f64 {
    duration * (inflow - capacity_during).max(0.0)
}

/// Seconds to drain `backlog` at `capacity` with `inflow` still coming;
/// none when it never drains (capacity at or below the inflow).
pub fn drain_time(backlog: f64, capacity: f64, inflow: f64) -> Option<f64> {
    if backlog <= 0.0 {
        Some(0.0)
    } else if capacity > inflow {
        Some(backlog / (capacity - inflow))
    } else {
        None
    }
}

/// One component that falls behind during the outage.
#[derive(Clone, Debug, PartialEq)]
pub struct Backlog {
    pub component: usize,
    /// The queue the backlog waits in, when the component consumes one.
    pub held_in: Option<usize>,
    /// Requests (or messages) per second arriving.
    pub inflow: f64,
    /// What it takes per second with every replica up.
    pub capacity: f64,
    /// What it takes per second during the outage.
    pub capacity_during: f64,
    /// Work waiting when the outage ends.
    pub backlog: f64,
    /// Every replica back drains it (a queue's consumers pull); else only
    /// the survivors do.
    pub pooled: bool,
    /// Seconds from recovery until it is gone; none when it never drains.
    pub drain_s: Option<f64>,
}

/// The outage of `--fail NAME@DURATION`.
#[derive(Clone, Debug, PartialEq)]
pub struct Outage {
    pub duration: f64,
    /// The components that fall behind, in design order.
    pub backlogs: Vec<Backlog>,
}

/// Requests per second a component takes with its replica model: its
/// inflow over the busiest replica's utilisation (so shards, hot keys and
/// copies count as the model counts them); 0 when nothing serves.
fn capacity_of(model: &ReplicaModel, load: Load) -> Option<f64> {
    let utilization = model.utilization?;
    let inflow = load.total();
    if utilization.is_infinite() || model.serving == 0 {
        Some(0.0)
    } else if utilization > 0.0 {
        Some(inflow / utilization)
    } else {
        None
    }
}

/// The backlog of every component that the failures leave below its
/// inflow for `duration` seconds under `loads`: `up` is each component's
/// replica model with every replica up, `failed` under the failures.
pub fn outage(
    design: &Design,
    duration: f64,
    loads: &[Load],
    up: &[ReplicaModel],
    failed: &[&ReplicaModel],
) -> Outage {
    let mut backlogs = Vec::new();
    for id in 0..design.components.len() {
        let inflow = loads[id].total();
        let (Some(capacity), Some(capacity_during)) = (
            capacity_of(&up[id], loads[id]),
            capacity_of(failed[id], loads[id]),
        ) else {
            continue;
        };
        if inflow <= 0.0 || capacity_during >= inflow {
            continue;
        }
        let held_in = design.components.iter().position(|c| {
            c.kind() == Kind::Queue && c.consumer.as_ref().is_some_and(|k| k.value == id)
        });
        // A component pushed to with nothing up fails its requests at once:
        // nothing waits.
        if held_in.is_none() && failed[id].serving == 0 {
            continue;
        }
        let pooled = held_in.is_some();
        let backlog = backlog_after(duration, inflow, capacity_during);
        let survivors = if pooled || up[id].serving == 0 {
            1.0
        } else {
            f64::from(failed[id].serving) / f64::from(up[id].serving)
        };
        // Draining at the survivors' share of the spare capacity takes as
        // long as draining `backlog / survivors` at all of it.
        let drain_s = drain_time(backlog / survivors, capacity, inflow);
        backlogs.push(Backlog {
            component: id,
            held_in,
            inflow,
            capacity,
            capacity_during,
            backlog,
            pooled,
            drain_s,
        });
    }
    Outage { duration, backlogs }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The figure: at 95% utilisation, losing 25% of the capacity
    /// for 10 minutes leaves 10 min x (0.95 - 0.75) C of work, which drains
    /// at (1 - 0.95) C: 0.2 / 0.05 x 10 min = 40 minutes.
    #[test]
    fn losing_a_quarter_at_95_percent_for_10_minutes_drains_in_40() {
        let capacity = 400.0;
        let inflow = 0.95 * capacity;
        let backlog = backlog_after(600.0, inflow, 0.75 * capacity);
        assert!((backlog - 600.0 * 80.0).abs() < 1e-9);
        let drain = drain_time(backlog, capacity, inflow).unwrap();
        assert!((drain - 2400.0).abs() < 1e-9, "{drain}");
    }

    fn outage_of(yaml: &str, failure: &str, duration: f64) -> Outage {
        let analysis = crate::analyse(yaml.as_bytes()).unwrap();
        let options = crate::capacity::Options {
            failures: vec![crate::capacity::failure::Failure::parse(failure).unwrap()],
            outage: Some(duration),
            quantiles: false,
            ..crate::capacity::Options::default()
        };
        crate::capacity::estimate(&analysis.design, &analysis.ways, &options)
            .unwrap()
            .outage
            .unwrap()
    }

    /// Pushed requests wait at the survivors, and only they drain them:
    /// 4/3 of the pooled 40 minutes. A pushed component with nothing up
    /// keeps nothing waiting; a queue in front of it does, and every
    /// consumer drains it: 10 min x 380/s at 20/s spare, 190 minutes.
    #[test]
    fn who_drains_depends_on_where_the_backlog_waits() {
        let pushed = "version: 1
name: t
requirements: { peak_rps: 380/s }
components:
  users: { kind: client, calls: [{ to: api }] }
  api: { kind: service, replicas: 4, capacity: 100/s, concurrency: 1 }
";
        let outage = outage_of(pushed, "api:1", 600.0);
        let api = &outage.backlogs[0];
        assert!(!api.pooled && api.held_in.is_none());
        assert!((api.backlog - 48_000.0).abs() < 1e-6);
        assert!((api.drain_s.unwrap() - 3200.0).abs() < 1e-6);
        assert!(outage_of(pushed, "api", 600.0).backlogs.is_empty());

        let queued = "version: 1
name: t
requirements: { peak_rps: 380/s }
components:
  users: { kind: client, calls: [{ to: events }] }
  events: { kind: queue, consumer: worker }
  worker: { kind: worker, replicas: 4, capacity: 100/s, concurrency: 1 }
";
        let outage = outage_of(queued, "worker", 600.0);
        let worker = &outage.backlogs[0];
        assert!(worker.pooled && worker.held_in == Some(1));
        assert!((worker.backlog - 228_000.0).abs() < 1e-6);
        assert!((worker.drain_s.unwrap() - 11_400.0).abs() < 1e-6);
    }

    #[test]
    fn no_backlog_while_the_survivors_keep_up_and_never_a_drain_at_full_load() {
        assert_eq!(backlog_after(600.0, 100.0, 150.0), 0.0);
        assert_eq!(drain_time(0.0, 100.0, 100.0), Some(0.0));
        assert_eq!(drain_time(10.0, 100.0, 100.0), None);
    }
}
