//! The figures a reviewer compares between revisions: entry capacity,
//! bottleneck, end-to-end p50/p99, availability, and whether the design
//! survives any one failure (N+1), all read from the capacity model; and
//! each operation's rate, quantiles and availability with its targets.

use crate::capacity::OperationEstimate;
use crate::capacity::failure::Failure;
use crate::capacity::latency::NoLatency;
use crate::capacity::{self, Estimate};
use crate::design::Design;
use crate::rules::redundancy::is_owned;
use crate::ways::Ways;

/// End-to-end latency of a request entering at the clients.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum EndToEnd {
    /// Seconds.
    Known {
        p50: f64,
        p90: f64,
        p95: f64,
        p99: f64,
        p999: f64,
    },
    /// A component on the request path cannot keep up: requests wait
    /// without end.
    Unbounded,
    /// No load enters, or the model computed no quantiles.
    Unknown,
}

/// A single failure the design does not survive: the request path is down
/// (a component it needs is down, saturated or without quorum).
#[derive(Clone, Debug, PartialEq)]
pub struct FatalFailure {
    /// In the form `--fail` takes: `zone:az1`, or `NAME:1` for one replica.
    pub failure: String,
    /// The components it breaks, in file order.
    pub breaks: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Metrics {
    pub entry_rps: f64,
    /// The largest entry load carried (the bottleneck at utilisation 1).
    pub max_entry_rps: Option<f64>,
    pub bottleneck: Option<String>,
    pub end_to_end: EndToEnd,
    /// Of the request path, 0..=1.
    pub availability: f64,
    pub nines: f64,
    /// The zone losses, and the losses of one replica of a component placed
    /// in no zone, that take the request path down; empty when N+1 holds.
    pub fatal_failures: Vec<FatalFailure>,
    /// What the design costs a month; none when it prices no component.
    pub cost_per_month: Option<f64>,
    /// Each operation that enters, in the order of the ways; empty when the
    /// design has one implicit operation, whose figures are the design's.
    pub operations: Vec<OperationMetrics>,
}

/// One operation's figures and the targets it is judged against.
#[derive(Clone, Debug, PartialEq)]
pub struct OperationMetrics {
    pub name: String,
    /// Requests/s entering.
    pub rps: f64,
    pub end_to_end: EndToEnd,
    /// 0..=1.
    pub availability: f64,
    pub nines: f64,
    /// Its own latency targets, or the design's: `(p99, 0.99, seconds)`.
    pub latency_slo: Vec<LatencyGoal>,
    /// Its own availability target, or the design's.
    pub availability_slo: Option<f64>,
}

/// One latency target of an operation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LatencyGoal {
    /// `p99`.
    pub label: &'static str,
    /// 0.99.
    pub quantile: f64,
    pub seconds: f64,
}

impl EndToEnd {
    /// The quantile `q` (0.5, 0.9, 0.95, 0.99 or 0.999) when known.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        match *self {
            EndToEnd::Known {
                p50,
                p90,
                p95,
                p99,
                p999,
            } => Some(match q {
                q if q <= 0.5 => p50,
                q if q <= 0.9 => p90,
                q if q <= 0.95 => p95,
                q if q <= 0.99 => p99,
                _ => p999,
            }),
            _ => None,
        }
    }

    fn of(end_to_end: &Result<capacity::latency::EndToEnd, NoLatency>) -> EndToEnd {
        match end_to_end {
            Ok(computed) => EndToEnd::Known {
                p50: computed.p50,
                p90: computed.p90,
                p95: computed.p95,
                p99: computed.p99,
                p999: computed.p999,
            },
            Err(NoLatency::Saturated(_)) => EndToEnd::Unbounded,
            Err(_) => EndToEnd::Unknown,
        }
    }
}

impl OperationMetrics {
    /// The quantiles a change is judged at: those its latency targets name,
    /// or p99 when it has none (as the design's figures are judged).
    pub fn judged_quantiles(&self) -> Vec<(&'static str, f64, Option<f64>)> {
        if self.latency_slo.is_empty() {
            return vec![("p99", 0.99, None)];
        }
        self.latency_slo
            .iter()
            .map(|goal| (goal.label, goal.quantile, Some(goal.seconds)))
            .collect()
    }
}

impl Metrics {
    pub fn n_plus_one(&self) -> bool {
        self.fatal_failures.is_empty()
    }

    pub fn p99(&self) -> Option<f64> {
        match self.end_to_end {
            EndToEnd::Known { p99, .. } => Some(p99),
            _ => None,
        }
    }

    pub fn p50(&self) -> Option<f64> {
        match self.end_to_end {
            EndToEnd::Known { p50, .. } => Some(p50),
            _ => None,
        }
    }
}

/// The figures of a design from its estimate (run with its quantiles).
pub fn measure(design: &Design, ways: &Ways, estimate: &Estimate) -> Metrics {
    let by_operation = ways.declared() || estimate.operations.len() > 1;
    let operations = if by_operation {
        estimate
            .operations
            .iter()
            .map(|operation| operation_metrics(ways, operation))
            .collect()
    } else {
        Vec::new()
    };
    Metrics {
        entry_rps: estimate.entry_rps,
        max_entry_rps: estimate.max_entry_rps,
        bottleneck: estimate
            .bottleneck
            .map(|id| design.components[id].name().to_string()),
        end_to_end: EndToEnd::of(&estimate.end_to_end),
        availability: estimate.availability.value,
        nines: estimate.availability.nines,
        fatal_failures: fatal_failures(design, ways, estimate),
        cost_per_month: estimate.cost.as_ref().map(|c| c.total),
        operations,
    }
}

fn operation_metrics(ways: &Ways, operation: &OperationEstimate) -> OperationMetrics {
    let named = &ways.operations[operation.operation];
    OperationMetrics {
        name: named.name.clone(),
        rps: operation.rps,
        end_to_end: EndToEnd::of(&operation.end_to_end),
        availability: operation.availability.value,
        nines: operation.availability.nines,
        latency_slo: named
            .latency_slo
            .iter()
            .map(|target| LatencyGoal {
                label: target.label,
                quantile: target.quantile,
                seconds: target.seconds.value,
            })
            .collect(),
        availability_slo: named.availability_slo.as_ref().map(|target| target.value),
    }
}

/// The single failures that take the request path down: each zone of the
/// design lost in turn (every component at once, as `--fail zone:Z`), and
/// one replica of each owned component the path needs that is placed in no
/// zone (its own N+1 test, as BP103 runs it).
fn fatal_failures(design: &Design, ways: &Ways, estimate: &Estimate) -> Vec<FatalFailure> {
    let mut fatal = Vec::new();
    for zone in &design.zones {
        let options = capacity::Options {
            quantiles: false,
            failures: vec![Failure::Zone(zone.value.clone())],
            retries: false,
            ..capacity::Options::default()
        };
        // The zone is the design's own and the load settled without it, so
        // the what-if cannot fail; if it did there would be nothing to say.
        let Ok(what_if) = capacity::estimate(design, ways, &options) else {
            continue;
        };
        if !what_if.path_up() {
            fatal.push(FatalFailure {
                failure: format!("zone:{}", zone.value),
                breaks: design
                    .components
                    .iter()
                    .zip(&what_if.components)
                    .filter(|(_, figures)| figures.required && figures.broken().is_some())
                    .map(|(component, _)| component.name().to_string())
                    .collect(),
            });
        }
    }
    let zoned = !design.zones.is_empty();
    for (component, figures) in design.components.iter().zip(&estimate.components) {
        let placed = zoned && component.zones.is_some();
        if figures.required && is_owned(component) && !placed && figures.breaks_on.is_some() {
            fatal.push(FatalFailure {
                failure: format!("{}:1", component.name()),
                breaks: vec![component.name().to_string()],
            });
        }
    }
    fatal
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metrics(yaml: &str) -> Metrics {
        let analysis = crate::analyse(yaml.as_bytes()).unwrap();
        let estimate = capacity::estimate(
            &analysis.design,
            &analysis.ways,
            &capacity::Options::default(),
        )
        .unwrap();
        measure(&analysis.design, &analysis.ways, &estimate)
    }

    /// 1,000 req/s on 800/s replicas: losing az1 leaves one replica at
    /// 125% (the BP103 example); with three zones two replicas carry it.
    #[test]
    fn a_zone_that_takes_the_path_down() {
        let two_zones = metrics(
            "version: 1\nname: t\nrequirements: { peak_rps: 1000/s }\nzones: [az1, az2]\ncomponents:\n  users: { kind: client, calls: [{ to: api }] }\n  api: { kind: service, replicas: 2, zones: [az1, az2], capacity: 800/s, latency: 5ms }\n",
        );
        assert_eq!(
            two_zones.fatal_failures,
            [
                FatalFailure {
                    failure: "zone:az1".into(),
                    breaks: vec!["api".into()]
                },
                FatalFailure {
                    failure: "zone:az2".into(),
                    breaks: vec!["api".into()]
                }
            ]
        );
        let three_zones = metrics(
            "version: 1\nname: t\nrequirements: { peak_rps: 1000/s }\nzones: [az1, az2, az3]\ncomponents:\n  users: { kind: client, calls: [{ to: api }] }\n  api: { kind: service, replicas: 3, zones: [az1, az2, az3], capacity: 800/s, latency: 5ms }\n",
        );
        assert!(three_zones.n_plus_one());
        // 1,000 / (3 x 800) = 5/12 utilisation: 2,400 req/s at most.
        assert!((three_zones.max_entry_rps.unwrap() - 2400.0).abs() < 1e-9);
        assert_eq!(three_zones.bottleneck.as_deref(), Some("api"));
    }

    #[test]
    fn one_replica_without_zones() {
        let single = metrics(
            "version: 1\nname: t\nrequirements: { peak_rps: 10/s }\ncomponents:\n  users: { kind: client, calls: [{ to: api }] }\n  api: { kind: service, capacity: 800/s, calls: [{ to: vendor }] }\n  vendor: { kind: external, capacity: 800/s }\n",
        );
        assert_eq!(
            single.fatal_failures,
            [FatalFailure {
                failure: "api:1".into(),
                breaks: vec!["api".into()]
            }]
        );
    }
}
