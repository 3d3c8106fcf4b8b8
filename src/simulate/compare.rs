//! The simulated figures beside the analytic ones: per component
//! (utilisation, mean and p99 of its own response) and end to end,
//! with the difference and whether the analytic value lies inside the
//! simulation's 95% confidence interval.

use super::stats::Interval;
use super::{EndToEndFigures, Simulation};
use crate::capacity::Estimate;
use crate::capacity::latency::EndToEnd;

/// The analytic end-to-end figures come from a Monte Carlo walk whose p99
/// is within 2% of its true value (capacity-model.md, section 5): a
/// difference that small is not held against either side.
pub const WALK_TOLERANCE: f64 = 0.02;

/// A difference this small (1% of the analytic value) is never marked as
/// a disagreement, however narrow the interval of a long run: it is below
/// what a capacity review acts on.
pub const MATERIAL_DIFFERENCE: f64 = 0.01;

/// One figure, simulated and analytic.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Figure {
    pub simulated: Interval,
    /// None when the analytic model has no value (saturated, not modelled).
    pub analytic: Option<f64>,
    /// The analytic value's own uncertainty, as a fraction of it.
    pub analytic_tolerance: f64,
}

impl Figure {
    /// (simulated - analytic) / analytic.
    pub fn difference(&self) -> Option<f64> {
        let analytic = self.analytic?;
        (analytic != 0.0).then(|| (self.simulated.value - analytic) / analytic)
    }

    /// Whether the two agree: the analytic value lies inside the simulated
    /// interval (widened by the analytic value's own tolerance), or the two
    /// differ by no more than [`MATERIAL_DIFFERENCE`]; none without an
    /// analytic value or an interval.
    pub fn agrees(&self) -> Option<bool> {
        let analytic = self.analytic?;
        self.simulated.half_width?;
        let small = (self.simulated.value - analytic).abs() <= MATERIAL_DIFFERENCE * analytic.abs();
        Some(
            small
                || self
                    .simulated
                    .contains(analytic, self.analytic_tolerance * analytic.abs()),
        )
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct ComponentComparison {
    pub id: usize,
    /// The analytic model has it at or above full utilisation: it has no
    /// figures to compare, only the simulation's.
    pub saturated: bool,
    pub utilization: Option<Figure>,
    pub mean: Option<Figure>,
    pub p99: Option<Figure>,
}

impl ComponentComparison {
    pub fn figures(&self) -> impl Iterator<Item = &Figure> {
        [&self.utilization, &self.mean, &self.p99]
            .into_iter()
            .flatten()
    }
}

/// One operation's end-to-end figures, simulated and analytic.
#[derive(Clone, Debug, PartialEq)]
pub struct OperationComparison {
    /// The operation's index in the ways.
    pub operation: usize,
    /// The share of its simulated requests that succeeded; none when none
    /// entered.
    pub success: Option<f64>,
    /// `mean`, `p50`, `p99`.
    pub end_to_end: Vec<(&'static str, Figure)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    /// Components with a service model, in design order.
    pub components: Vec<ComponentComparison>,
    /// All traffic: `mean`, `p50`, `p90`, `p95`, `p99`, `p999`.
    pub end_to_end: Vec<(&'static str, Figure)>,
    /// Each operation that entered, in the order of the ways.
    pub operations: Vec<OperationComparison>,
}

impl Comparison {
    /// Figures where the analytic value is outside the simulated interval.
    pub fn disagreements(&self) -> usize {
        self.components
            .iter()
            .flat_map(|c| c.figures())
            .chain(self.end_to_end.iter().map(|(_, f)| f))
            .chain(
                self.operations
                    .iter()
                    .flat_map(|o| o.end_to_end.iter().map(|(_, f)| f)),
            )
            .filter(|f| f.agrees() == Some(false))
            .count()
    }
}

pub fn compare(estimate: &Estimate, simulation: &Simulation) -> Comparison {
    let components = simulation
        .components
        .iter()
        .enumerate()
        .filter(|(_, figures)| figures.utilization.is_some())
        .map(|(id, figures)| {
            let analytic = &estimate.components[id];
            let latency = analytic.latency;
            let exact = |simulated: Interval, analytic: Option<f64>| Figure {
                simulated,
                analytic,
                analytic_tolerance: 0.0,
            };
            ComponentComparison {
                id,
                saturated: analytic.replica.is_saturated(),
                utilization: figures
                    .utilization
                    .map(|u| exact(u, analytic.utilization().filter(|u| *u < 1.0))),
                mean: figures
                    .latency
                    .map(|l| exact(l.mean, latency.map(|a| a.mean))),
                p99: figures
                    .latency
                    .map(|l| exact(l.p99, latency.map(|a| a.p99))),
            }
        })
        .collect();
    let end_to_end = end_to_end_figures(
        simulation.end_to_end.as_ref(),
        estimate.end_to_end.as_ref().ok(),
        &["mean", "p50", "p90", "p95", "p99", "p999"],
    );
    let operations = simulation
        .operations
        .iter()
        .map(|simulated| OperationComparison {
            operation: simulated.operation,
            success: simulated.success(),
            end_to_end: end_to_end_figures(
                simulated.end_to_end.as_ref(),
                estimate
                    .operation(simulated.operation)
                    .and_then(|o| o.end_to_end.as_ref().ok()),
                &["mean", "p50", "p99"],
            ),
        })
        .collect();
    Comparison {
        components,
        end_to_end,
        operations,
    }
}

/// The end-to-end figures named in `labels`, simulated beside analytic.
fn end_to_end_figures(
    simulated: Option<&EndToEndFigures>,
    analytic: Option<&EndToEnd>,
    labels: &[&'static str],
) -> Vec<(&'static str, Figure)> {
    let Some(simulated) = simulated else {
        return Vec::new();
    };
    labels
        .iter()
        .map(|&label| {
            let (simulated, analytic) = match label {
                "mean" => (simulated.mean, analytic.map(|a| a.mean)),
                "p50" => (simulated.p50, analytic.map(|a| a.p50)),
                "p90" => (simulated.p90, analytic.map(|a| a.p90)),
                "p95" => (simulated.p95, analytic.map(|a| a.p95)),
                "p99" => (simulated.p99, analytic.map(|a| a.p99)),
                _ => (simulated.p999, analytic.map(|a| a.p999)),
            };
            (
                label,
                Figure {
                    simulated,
                    analytic,
                    analytic_tolerance: WALK_TOLERANCE,
                },
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figure(simulated: f64, half_width: f64, analytic: f64) -> Figure {
        Figure {
            simulated: Interval {
                value: simulated,
                half_width: Some(half_width),
            },
            analytic: Some(analytic),
            analytic_tolerance: 0.0,
        }
    }

    /// A long run's narrow interval does not turn a 0.06% difference into
    /// a disagreement; a 5% one outside the interval is one.
    #[test]
    fn only_a_material_difference_outside_the_interval_disagrees() {
        assert_eq!(figure(100.06, 0.01, 100.0).agrees(), Some(true));
        assert_eq!(figure(105.0, 1.0, 100.0).agrees(), Some(false));
        assert_eq!(figure(105.0, 6.0, 100.0).agrees(), Some(true));
    }
}
