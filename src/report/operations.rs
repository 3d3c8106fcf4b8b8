//! The report judged per operation: for each operation entering the design,
//! where it enters and at what rate, its end-to-end figures against its own
//! targets, its availability and the budget of it (which components and
//! failure domains take its requests down, and how much each), and the
//! design's diagram with its way highlighted. Internal operations (reached
//! only through a call's `as:`) are named with the operations that hand
//! them their requests.

use super::AvailabilityFigures;
use crate::Analysis;
use crate::capacity::availability::{Availability, format_share};
use crate::capacity::{Estimate, OperationEstimate};
use crate::design::quantity::{format_duration, format_percent, format_rate};
use crate::diagnostic::Diagnostic;
use crate::present::estimate as figures;
use crate::render::diagram::{self, Diagram};
use crate::ways::{WayOperationId, Ways};

/// How many costs the budget lists one by one; the rest are counted.
const BUDGET_LINES: usize = 5;

/// Whether the report speaks of operations: the design declares them, or
/// several clients each send their own. A design with one implicit
/// operation reads as before, its figures being those of all traffic.
pub fn several(ways: &Ways, estimate: &Estimate) -> bool {
    ways.declared() || estimate.operations.len() > 1
}

pub struct Operations {
    /// Where the entry load goes: `phones 150k/s (send 40%, history 10%)`.
    pub split: Option<String>,
    pub summary_header: [&'static str; 7],
    /// One row per operation, matching `summary_header`.
    pub summary: Vec<SummaryRow>,
    pub sections: Vec<OperationSection>,
    /// How many of the sections draw their way (the first ones).
    pub drawn_ways: usize,
    /// The internal operations, a sentence each.
    pub internal: Vec<String>,
}

pub struct SummaryRow {
    /// The anchor of the operation's section.
    pub anchor: String,
    pub cells: Vec<Cell>,
}

pub struct Cell {
    pub text: String,
    /// The figure misses its target.
    pub missed: bool,
}

pub struct OperationSection {
    pub name: String,
    /// `operation-NAME`: names are `[a-z0-9_-]+`.
    pub anchor: String,
    pub description: Option<String>,
    /// `Enters at phones (client): 60k/s, 40% of its 150k/s.`
    pub entry: String,
    /// `meets its targets`, `misses its p99 and availability targets`.
    pub verdict: String,
    pub met: bool,
    /// The components its requests wait on, after the entry.
    pub waits_on: String,
    /// What it sets off without waiting (async calls, consumers), with the
    /// operation a component serves when it is handed another.
    pub sets_off: Option<String>,
    /// (figure, estimate, target, verdict) rows; empty when there is no
    /// figure, and then `end_to_end_missing` says why.
    pub end_to_end: Vec<[String; 4]>,
    pub end_to_end_missing: Option<String>,
    pub availability: AvailabilityFigures,
    pub budget: Budget,
    /// The design's diagram with this operation's way highlighted; none
    /// past the first [`MAX_DRAWN_WAYS`] operations.
    pub way: Option<Diagram>,
}

/// Operations whose way a report draws at most: each drawing lays the
/// whole design out again, so a design of thousands of operations would
/// take minutes and megabytes; `render --operation NAME` draws any of the
/// rest.
pub const MAX_DRAWN_WAYS: usize = 20;
/// Components drawn in all the ways of one report: a large design gets
/// fewer drawings (at least one), so the report stays within a bounded
/// multiple of the design's size.
const DRAWN_COMPONENTS: usize = 1_000;

/// What an operation's availability is spent on.
pub struct Budget {
    /// The largest costs first.
    pub lines: Vec<BudgetLine>,
    /// How many smaller costs are left out, and what no line holds, in a
    /// sentence; `None` without lines.
    pub note: Option<String>,
    /// The whole against the target's allowance, in a sentence.
    pub summary: String,
}

pub struct BudgetLine {
    /// `orders_db`, `zone az1`.
    pub culprit: String,
    /// The share of the operation's requests it fails.
    pub share: String,
    pub per_year: String,
    /// Its part of what the target allows; empty without a target.
    pub of_target: String,
}

/// The operations' part of the report, or `None` when the design has one
/// implicit operation.
pub fn build(
    analysis: &Analysis,
    estimate: &Estimate,
    findings: &[Diagnostic],
    hot_utilization: f64,
) -> Option<Operations> {
    let design = &analysis.design;
    let ways = &analysis.ways;
    if !several(ways, estimate) {
        return None;
    }
    // The plain diagram (no figures, which the capacity table shows): the
    // way stands out better on it, and it stays small.
    let plain = diagram::build(
        design,
        &analysis.topology,
        None,
        findings,
        diagram::Direction::TopToBottom,
        hot_utilization,
    );
    let drawn_ways = (DRAWN_COMPONENTS / design.components.len().max(1)).clamp(1, MAX_DRAWN_WAYS);
    let sections: Vec<OperationSection> = estimate
        .operations
        .iter()
        .enumerate()
        .map(|(index, operation)| {
            let drawn = (index < drawn_ways).then_some(&plain);
            section(analysis, estimate, operation, drawn)
        })
        .collect();
    let summary = estimate
        .operations
        .iter()
        .map(|operation| summary_row(analysis, operation))
        .collect();
    Some(Operations {
        split: figures::entry_split(design, ways, estimate).map(|split| {
            let split = split.trim_start();
            split.strip_prefix("into ").unwrap_or(split).to_string()
        }),
        summary_header: [
            "operation",
            "enters at",
            "rate",
            "p50",
            "p99",
            "p999",
            "availability",
        ],
        summary,
        sections,
        drawn_ways,
        internal: internal(analysis),
    })
}

fn anchor(name: &str) -> String {
    format!("operation-{name}")
}

fn summary_row(analysis: &Analysis, operation: &OperationEstimate) -> SummaryRow {
    let ways = &analysis.ways;
    let named = &ways.operations[operation.operation];
    let [name, rate, p50, p99, p999, availability] = figures::operation_row(ways, operation);
    let entry = named.entry.map_or(String::new(), |c| {
        analysis.design.components[c].name().to_string()
    });
    let cell = |text: String| Cell {
        missed: text.ends_with("MISSED"),
        text,
    };
    SummaryRow {
        anchor: anchor(&named.name),
        cells: [name, entry, rate, p50, p99, p999, availability]
            .into_iter()
            .map(cell)
            .collect(),
    }
}

fn section(
    analysis: &Analysis,
    estimate: &Estimate,
    operation: &OperationEstimate,
    plain: Option<&Diagram>,
) -> OperationSection {
    let design = &analysis.design;
    let ways = &analysis.ways;
    let id = operation.operation;
    let named = &ways.operations[id];
    let end_to_end = operation
        .end_to_end
        .as_ref()
        .map(|end_to_end| {
            figures::end_to_end_rows(&named.latency_slo, operation.mean_by_formula, end_to_end)
        })
        .unwrap_or_default();
    let end_to_end_missing = operation.end_to_end.as_ref().err().and_then(|reason| {
        figures::no_latency_sentence(design, estimate, reason).map(|s| format!("End to end: {s}"))
    });
    let target = named.availability_slo.as_ref().map(|t| t.value);
    let availability = super::availability_figures(
        operation.availability,
        target,
        !operation.saturated().is_empty(),
    );
    let mut missed: Vec<String> = end_to_end
        .iter()
        .filter(|row| row[3] == "MISSED")
        .map(|row| row[0].clone())
        .collect();
    if operation.end_to_end.is_err() && !named.latency_slo.is_empty() {
        missed.push("latency".to_string());
    }
    if availability.met == Some(false) {
        missed.push("availability".to_string());
    }
    let has_targets = !named.latency_slo.is_empty() || target.is_some();
    let verdict = match &missed[..] {
        [] if has_targets => "meets its targets".to_string(),
        [] => "has no targets (neither its own nor the design's)".to_string(),
        [one] => format!("misses its {one} target"),
        [rest @ .., last] => format!("misses its {} and {last} targets", rest.join(", ")),
    };
    let way = plain.map(|plain| {
        let mut way = plain.clone();
        way.highlight(ways, id);
        way
    });
    OperationSection {
        name: named.name.clone(),
        anchor: anchor(&named.name),
        description: named
            .declared
            .and_then(|d| design.operations[d].description.clone()),
        entry: entry_sentence(analysis, estimate, operation),
        met: missed.is_empty(),
        verdict,
        waits_on: waits_on(analysis, id),
        sets_off: sets_off(analysis, id),
        end_to_end,
        end_to_end_missing,
        availability,
        budget: budget(analysis, estimate, operation, target),
        way,
    }
}

/// `Enters at phones (client): 60k/s, 40% of its 150k/s.`
fn entry_sentence(
    analysis: &Analysis,
    estimate: &Estimate,
    operation: &OperationEstimate,
) -> String {
    let named = &analysis.ways.operations[operation.operation];
    let Some(entry) = named.entry else {
        return format!("{} entering.", format_rate(operation.rps));
    };
    let component = &analysis.design.components[entry];
    let total = estimate.entry_loads[entry];
    let mut sentence = format!(
        "Enters at {} ({}): {}",
        component.name(),
        component.kind().as_str(),
        format_rate(operation.rps)
    );
    if total > 0.0 && (operation.rps - total).abs() > 1e-9 * total {
        sentence.push_str(&format!(
            ", {} of its {}",
            figures::percent(operation.rps / total),
            format_rate(total)
        ));
    } else {
        sentence.push_str(", all of its load");
    }
    sentence.push('.');
    sentence
}

/// The components a request waits on, after its entry, in file order.
fn waits_on(analysis: &Analysis, operation: WayOperationId) -> String {
    let entry = analysis.ways.operations[operation].entry;
    let names: Vec<&str> = analysis
        .ways
        .waited_on(operation)
        .into_iter()
        .filter(|&c| Some(c) != entry)
        .map(|c| analysis.design.components[c].name())
        .collect();
    if names.is_empty() {
        "nothing beyond its entry".to_string()
    } else {
        names.join(", ")
    }
}

/// What a request sets off and does not wait for: the nodes of its way it
/// does not wait on, `ws_gateway as deliver` when handed another operation.
fn sets_off(analysis: &Analysis, operation: WayOperationId) -> Option<String> {
    let ways = &analysis.ways;
    let waited = ways.waited_nodes(operation);
    let names: Vec<String> = ways
        .way_of(operation)
        .into_iter()
        .filter(|node| waited.binary_search(node).is_err())
        .map(|node| {
            let served = ways.nodes[node];
            let name = analysis.design.components[served.component].name();
            if served.operation == operation {
                name.to_string()
            } else {
                format!("{name} as {}", ways.operations[served.operation].name)
            }
        })
        .collect();
    (!names.is_empty()).then(|| names.join(", "))
}

/// The operation's availability budget: the costs of [`Estimate`]'s
/// operation, the largest first, each against what the target allows, and
/// the whole in a sentence.
pub(super) fn budget(
    analysis: &Analysis,
    estimate: &Estimate,
    operation: &OperationEstimate,
    target: Option<f64>,
) -> Budget {
    // What the target allows to be lost: a share of requests.
    let allowed = target.map(|t| 1.0 - t).filter(|allowed| *allowed > 0.0);
    let lines = operation
        .costs
        .iter()
        .take(BUDGET_LINES)
        .map(|cost| BudgetLine {
            culprit: cost.culprit.name(&analysis.design, &estimate.domains),
            share: format_share(cost.unavailability),
            per_year: format_duration(cost.downtime_per_year_s()),
            of_target: allowed.map_or(String::new(), |allowed| part(cost.unavailability / allowed)),
        })
        .collect();
    let more = operation.costs.len().saturating_sub(BUDGET_LINES);
    let availability = operation.availability;
    let summary = if availability.value >= 1.0 {
        "Nothing on its way takes its requests down.".to_string()
    } else {
        let lost = format!(
            "In all it loses {} a year, {} a month",
            format_duration(availability.downtime_per_year_s),
            format_duration(availability.downtime_per_month_s)
        );
        match target.map(Availability::new) {
            None => {
                format!("{lost}; it has no availability target, neither its own nor the design's.")
            }
            Some(allows) if allows.downtime_per_year_s > 0.0 => format!(
                "{lost}; its {} target allows {} a year, so it spends {} of that.",
                format_percent(allows.value),
                format_duration(allows.downtime_per_year_s),
                part(availability.downtime_per_year_s / allows.downtime_per_year_s)
            ),
            Some(allows) => format!(
                "{lost}; its {} target allows none.",
                format_percent(allows.value)
            ),
        }
    };
    Budget {
        lines,
        note: (!operation.costs.is_empty()).then(|| {
            let left_out = if more > 0 {
                format!("{more} smaller left out. ")
            } else {
                String::new()
            };
            // The costs are each failure alone (to first order), so they
            // need not add up to the whole.
            format!(
                "{left_out}Each line is what one failure costs on its own; failures at the same time (two zones down together, say) count in the whole but on no line."
            )
        }),
        summary,
    }
}

/// A part of a whole as a percentage, never rounded down to nothing.
fn part(fraction: f64) -> String {
    if fraction > 0.0 && fraction < 1e-4 {
        "<0.01%".to_string()
    } else {
        figures::percent(fraction)
    }
}

/// One sentence per internal operation: what it is, who hands it its
/// requests and on the way of which operations.
fn internal(analysis: &Analysis) -> Vec<String> {
    let design = &analysis.design;
    let ways = &analysis.ways;
    ways.operations
        .iter()
        .enumerate()
        .filter(|(_, o)| o.entry_node.is_none())
        .map(|(id, operation)| {
            let mut handed: Vec<(usize, usize)> = ways
                .edges
                .iter()
                .filter(|e| ways.nodes[e.to].operation == id && ways.nodes[e.from].operation != id)
                .map(|e| (ways.nodes[e.from].component, ways.nodes[e.to].component))
                .collect();
            handed.sort_unstable();
            handed.dedup();
            let by: Vec<String> = handed
                .iter()
                .map(|&(from, to)| {
                    format!(
                        "{} to {}",
                        design.components[from].name(),
                        design.components[to].name()
                    )
                })
                .collect();
            let on_ways_of: Vec<&str> = ways
                .entering()
                .filter(|&(entering, _)| {
                    ways.way_of(entering)
                        .iter()
                        .any(|&n| ways.nodes[n].operation == id)
                })
                .map(|(_, o)| o.name.as_str())
                .collect();
            let description = operation
                .declared
                .and_then(|d| design.operations[d].description.as_deref())
                .map(|d| format!(" ({d})"))
                .unwrap_or_default();
            let mut sentence = format!("{}{description} is internal", operation.name);
            if by.is_empty() {
                sentence.push_str(": no call hands it requests.");
            } else {
                sentence.push_str(&format!(": handed its requests by {}", by.join(", ")));
                if !on_ways_of.is_empty() {
                    sentence.push_str(&format!(", on the way of {}", on_ways_of.join(", ")));
                }
                sentence.push('.');
            }
            sentence
        })
        .collect()
}
