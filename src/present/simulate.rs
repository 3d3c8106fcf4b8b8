//! `blueprint simulate`: the simulated figures beside the analytic ones, as
//! tables for people and as the stable JSON (base units: requests/s,
//! seconds, fractions).

use std::fmt::Write;

use comfy_table::{CellAlignment, Table};

use super::table;
use serde::Serialize;

use crate::Analysis;
use crate::design::Design;
use crate::design::quantity::{format_count, format_duration, format_rate, trim_number};
use crate::simulate::compare::{Comparison, Figure};
use crate::simulate::stats::Interval;
use crate::simulate::{Bucket, EndToEndFigures, IntervalMethod, Simulation};
use crate::ways::Ways;

/// At most this many rows of the timeline in the table output; the JSON
/// has every second.
const TIMELINE_ROWS: usize = 30;

fn percent(fraction: f64) -> String {
    format!("{}%", trim_number(fraction * 100.0))
}

/// `12.3ms ± 0.2ms`, or the value alone without an interval.
fn with_interval(interval: Interval, format: fn(f64) -> String) -> String {
    match interval.half_width {
        // Below a millionth of the value, the width is rounding.
        Some(half_width) if half_width <= 1e-6 * interval.value.abs() => {
            format!("{} ± {}", format(interval.value), format(0.0))
        }
        Some(half_width) => format!("{} ± {}", format(interval.value), format(half_width)),
        None => format(interval.value),
    }
}

fn difference(figure: &Figure) -> String {
    match figure.difference() {
        Some(d) if d.abs() < 0.0005 => "0%".to_string(),
        Some(d) => format!("{}{}", if d > 0.0 { "+" } else { "" }, percent(d)),
        None => "-".to_string(),
    }
}

/// A mark for a figure whose analytic value lies outside the interval.
fn mark(figure: &Figure) -> &'static str {
    if figure.agrees() == Some(false) {
        " *"
    } else {
        ""
    }
}

fn interval_method(simulation: &Simulation) -> String {
    match simulation.interval_method {
        IntervalMethod::Replications => format!("over {} replications", simulation.units),
        IntervalMethod::BatchMeans => format!("over {} batches of one run", simulation.units),
    }
}

/// What was simulated and what came of it, in sentences: the load, time
/// and replications, the distributions, the failures played, the requests
/// that entered and failed.
pub fn summary_lines(simulation: &Simulation) -> Vec<String> {
    let options = &simulation.options;
    let mut lines = vec![
        format!(
            "{} entering; {} simulated after a {} warm-up, {} replication{} (seed {})",
            format_rate(simulation.entry_rps),
            format_duration(options.duration),
            format_duration(options.warmup),
            options.replications,
            if options.replications == 1 { "" } else { "s" },
            options.seed,
        ),
        format!(
            "{} arrivals, {} service times, {} servers",
            options.arrivals.as_str(),
            options.service,
            if options.blocking {
                "blocking (thread per request)"
            } else {
                "non-blocking"
            }
        ),
    ];
    if !simulation.closed_loops.is_empty() {
        lines.push(format!(
            "closed loops: {} (each user sends, waits for the answer, thinks for an exponential time, sends again)",
            simulation.closed_loops.join(", ")
        ));
    }
    if !options.failures.is_empty() {
        let failures: Vec<String> = options.failures.iter().map(|f| f.to_string()).collect();
        lines.push(format!(
            "failures (times after the warm-up): {}; the analytic figures have every replica up",
            failures.join(", ")
        ));
    }
    let error_share = if simulation.customers > 0 {
        simulation.errors as f64 / simulation.customers as f64
    } else {
        0.0
    };
    lines.push(format!(
        "{} requests entered, {} failed ({})",
        format_count(simulation.customers as f64),
        format_count(simulation.errors as f64),
        percent(error_share)
    ));
    if simulation.dropped > 0 {
        lines.push(format!(
            "{} of them refused on arrival: the run held {} component visits at once (overwhelmed)",
            format_count(simulation.dropped as f64),
            format_count(crate::simulate::MAX_TASKS as f64)
        ));
    }
    if simulation.over_budget > 0 {
        lines.push(format!(
            "{} of them refused on arrival once the run had simulated its budget of {} component visits: retries and timeouts took far more work than the model expects",
            format_count(simulation.over_budget as f64),
            format_count(simulation.options.visit_limit.unwrap_or(0) as f64)
        ));
    }
    lines
}

/// The tables and summary lines for people.
pub fn render_text(
    analysis: &Analysis,
    simulation: &Simulation,
    comparison: &Comparison,
) -> String {
    let design = &analysis.design;
    let options = &simulation.options;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}: {}",
        design.name.value,
        summary_lines(simulation).join("\n")
    );
    out.push('\n');

    let _ = writeln!(
        out,
        "Per component, simulated ± 95% interval ({}) against the analytic model:",
        interval_method(simulation)
    );
    out.push_str(&components_table(design, simulation, comparison).to_string());
    out.push_str("\n\n");
    out.push_str(&end_to_end_text(comparison));
    if analysis.ways.declared() || comparison.operations.len() > 1 {
        out.push('\n');
        out.push_str(&operations_text(&analysis.ways, comparison));
    }
    let _ = writeln!(out, "\n{}", agreement_text(comparison));
    if !options.failures.is_empty() {
        out.push('\n');
        out.push_str(&timeline_text(&simulation.series));
    }
    super::wrap_to_terminal(&out)
}

/// Whether the two models agree, for people: how many analytic figures
/// fall outside the simulated intervals, and what that means.
pub fn agreement_text(comparison: &Comparison) -> String {
    match comparison.disagreements() {
        0 => "Every analytic figure lies inside the simulation's 95% interval or within 1% of it."
            .to_string(),
        disagreements => format!(
            "* {disagreements} analytic figure{} outside the simulation's 95% interval and more than 1% off.\n  About one in twenty lands outside by chance; a large difference, or one that stays with a\n  longer --duration, means the model's assumptions do not hold there.",
            if disagreements == 1 { " is" } else { "s are" }
        ),
    }
}

/// The columns of [`component_rows`].
pub const COMPONENT_HEADER: [&str; 11] = [
    "component",
    "utilisation",
    "analytic",
    "diff",
    "mean",
    "analytic",
    "diff",
    "p99",
    "analytic",
    "diff",
    "failed",
];

fn components_table(design: &Design, simulation: &Simulation, comparison: &Comparison) -> Table {
    let mut table = table();
    table.set_header(COMPONENT_HEADER);
    for row in component_rows(design, simulation, comparison) {
        table.add_row(row);
    }
    for column in 1..table.column_count() {
        if let Some(column) = table.column_mut(column) {
            column.set_cell_alignment(CellAlignment::Right);
        }
    }
    table
}

/// Per component with a service model: simulated (± interval, `*` where
/// the analytic value is outside it), analytic and difference, for
/// utilisation, mean and p99; then the calls to it that failed.
pub fn component_rows(
    design: &Design,
    simulation: &Simulation,
    comparison: &Comparison,
) -> Vec<Vec<String>> {
    let mut rows = Vec::with_capacity(comparison.components.len());
    let duration = |seconds: f64| format_duration(seconds);
    let analytic_duration =
        |figure: &Figure| figure.analytic.map_or("-".to_string(), format_duration);
    for row in &comparison.components {
        let figures = &simulation.components[row.id];
        let mut cells = vec![design.components[row.id].name().to_string()];
        match &row.utilization {
            Some(figure) => cells.extend([
                format!(
                    "{}{}",
                    with_interval(figure.simulated, percent),
                    mark(figure)
                ),
                match figure.analytic {
                    Some(analytic) => percent(analytic),
                    None if row.saturated => "SATURATED".to_string(),
                    None => "-".to_string(),
                },
                difference(figure),
            ]),
            None => cells.extend(["-".to_string(), "-".to_string(), "-".to_string()]),
        }
        for figure in [&row.mean, &row.p99] {
            match figure {
                Some(figure) => cells.extend([
                    format!(
                        "{}{}",
                        with_interval(figure.simulated, duration),
                        mark(figure)
                    ),
                    analytic_duration(figure),
                    difference(figure),
                ]),
                None => cells.extend(["-".to_string(), "-".to_string(), "-".to_string()]),
            }
        }
        // Calls to it that failed, or that their caller gave up on.
        cells.push(format_count((figures.errors + figures.timeouts) as f64));
        rows.push(cells);
    }
    rows
}

fn end_to_end_text(comparison: &Comparison) -> String {
    if comparison.end_to_end.is_empty() {
        return "End to end: no request completed.\n".to_string();
    }
    let mut table = table();
    table.set_header(["end to end", "simulated", "analytic", "diff"]);
    for row in end_to_end_rows(comparison) {
        table.add_row(row);
    }
    for column in 1..table.column_count() {
        if let Some(column) = table.column_mut(column) {
            column.set_cell_alignment(CellAlignment::Right);
        }
    }
    format!("{table}\n")
}

/// End to end: (figure, simulated ± interval, analytic, difference).
pub fn end_to_end_rows(comparison: &Comparison) -> Vec<[String; 4]> {
    comparison
        .end_to_end
        .iter()
        .map(|(label, figure)| {
            [
                label.to_string(),
                format!(
                    "{}{}",
                    with_interval(figure.simulated, format_duration),
                    mark(figure)
                ),
                figure.analytic.map_or("-".to_string(), format_duration),
                difference(figure),
            ]
        })
        .collect()
}

/// The columns of [`operation_rows`].
pub const OPERATION_HEADER: [&str; 6] = [
    "operation",
    "success",
    "mean",
    "analytic",
    "p99",
    "analytic",
];

/// Per operation: the share of its requests that succeeded, and its mean
/// and p99 simulated (± interval, `*` where the analytic value is outside
/// it) beside the analytic ones.
pub fn operation_rows(ways: &Ways, comparison: &Comparison) -> Vec<[String; 6]> {
    comparison
        .operations
        .iter()
        .map(|row| {
            let figure = |label: &str| row.end_to_end.iter().find(|(l, _)| *l == label);
            let cells = |label: &str| match figure(label) {
                Some((_, figure)) => [
                    format!(
                        "{}{}",
                        with_interval(figure.simulated, format_duration),
                        mark(figure)
                    ),
                    figure.analytic.map_or("-".to_string(), format_duration),
                ],
                None => ["-".to_string(), "-".to_string()],
            };
            let [mean, mean_analytic] = cells("mean");
            let [p99, p99_analytic] = cells("p99");
            [
                ways.operations[row.operation].name.clone(),
                row.success.map_or("-".to_string(), percent),
                mean,
                mean_analytic,
                p99,
                p99_analytic,
            ]
        })
        .collect()
}

fn operations_text(ways: &Ways, comparison: &Comparison) -> String {
    let mut table = table();
    table.set_header(OPERATION_HEADER);
    for row in operation_rows(ways, comparison) {
        table.add_row(row);
    }
    for column in 1..table.column_count() {
        if let Some(column) = table.column_mut(column) {
            column.set_cell_alignment(CellAlignment::Right);
        }
    }
    format!("Per operation:\n{table}\n")
}

/// The columns of [`timeline_rows`].
pub const TIMELINE_HEADER: [&str; 6] = [
    "from",
    "throughput",
    "errors/s",
    "worst p50",
    "worst p99",
    "most waiting",
];

/// The series in at most `TIMELINE_ROWS` rows: each row averages the
/// throughput and errors of the seconds it covers and takes the worst of
/// their latencies and backlogs. Also gives the seconds per row.
pub fn timeline_rows(series: &[Bucket]) -> (usize, Vec<[String; 6]>) {
    let per_row = series.len().div_ceil(TIMELINE_ROWS).max(1);
    let rows = series
        .chunks(per_row)
        .map(|rows| {
            let count = rows.len() as f64;
            let worst = |pick: fn(&Bucket) -> Option<f64>| {
                rows.iter()
                    .filter_map(pick)
                    .reduce(f64::max)
                    .map_or("-".to_string(), format_duration)
            };
            [
                format!("{}s", trim_number(rows[0].start_s)),
                format_rate(rows.iter().map(|b| b.throughput_rps).sum::<f64>() / count),
                trim_number(rows.iter().map(|b| b.errors_per_s).sum::<f64>() / count),
                worst(|b| b.p50_s),
                worst(|b| b.p99_s),
                format_count(rows.iter().map(|b| b.backlog).fold(0.0, f64::max)),
            ]
        })
        .collect();
    (per_row, rows)
}

fn timeline_text(series: &[Bucket]) -> String {
    let (per_row, rows) = timeline_rows(series);
    let mut table = table();
    table.set_header(TIMELINE_HEADER);
    for row in rows {
        table.add_row(row);
    }
    for column in 1..table.column_count() {
        if let Some(column) = table.column_mut(column) {
            column.set_cell_alignment(CellAlignment::Right);
        }
    }
    format!(
        "Timeline ({} s per row, averaged over replications):\n{table}\n",
        per_row
    )
}

#[derive(Serialize)]
struct Output<'a> {
    version: u32,
    name: &'a str,
    entry_rps: f64,
    duration_s: f64,
    warmup_s: f64,
    replications: u32,
    arrivals: &'static str,
    /// The closed clients simulated as closed loops, not as `arrivals`.
    closed_loops: &'a [String],
    service: String,
    blocking: bool,
    seed: u64,
    failures: Vec<FailureOutput>,
    confidence_interval: IntervalOutput,
    customers: u64,
    errors: u64,
    dropped: u64,
    over_budget: u64,
    error_rate: f64,
    end_to_end_s: Option<EndToEndOutput>,
    end_to_end_ci95_s: Option<EndToEndOutput>,
    analytic: AnalyticOutput,
    disagreements: usize,
    operations: Vec<OperationOutput<'a>>,
    components: Vec<ComponentOutput<'a>>,
    series: &'a [Bucket],
}

#[derive(Serialize)]
struct OperationOutput<'a> {
    name: &'a str,
    customers: u64,
    errors: u64,
    success_rate: Option<f64>,
    end_to_end_s: Option<EndToEndOutput>,
    end_to_end_ci95_s: Option<EndToEndOutput>,
    analytic: AnalyticOutput,
}

#[derive(Serialize)]
struct FailureOutput {
    target: String,
    from_s: f64,
    until_s: Option<f64>,
}

#[derive(Serialize)]
struct IntervalOutput {
    level: f64,
    method: IntervalMethod,
    units: usize,
}

#[derive(Serialize)]
struct EndToEndOutput {
    mean: f64,
    p50: f64,
    p90: f64,
    p95: f64,
    p99: f64,
    p999: f64,
}

#[derive(Serialize)]
struct AnalyticOutput {
    end_to_end_s: Option<crate::capacity::latency::EndToEnd>,
}

#[derive(Serialize)]
struct LatencyOutput {
    mean: f64,
    p50: f64,
    p99: f64,
}

#[derive(Serialize)]
struct ComponentOutput<'a> {
    name: &'a str,
    kind: &'static str,
    utilization: Option<f64>,
    utilization_ci95: Option<f64>,
    mean_utilization: Option<f64>,
    latency_s: Option<LatencyOutput>,
    latency_ci95_s: Option<LatencyOutput>,
    arrival_rate_rps: f64,
    arrival_rate_ci95_rps: Option<f64>,
    mean_present: f64,
    mean_present_ci95: Option<f64>,
    mean_sojourn_s: Option<f64>,
    mean_sojourn_ci95_s: Option<f64>,
    errors: u64,
    timeouts: u64,
    analytic: ComponentAnalytic,
    /// Whether every analytic figure lies inside its interval.
    agrees: Option<bool>,
}

#[derive(Serialize)]
struct ComponentAnalytic {
    utilization: Option<f64>,
    latency_s: Option<crate::capacity::Latency>,
}

fn end_to_end_output(figures: &EndToEndFigures, pick: fn(&Interval) -> f64) -> EndToEndOutput {
    EndToEndOutput {
        mean: pick(&figures.mean),
        p50: pick(&figures.p50),
        p90: pick(&figures.p90),
        p95: pick(&figures.p95),
        p99: pick(&figures.p99),
        p999: pick(&figures.p999),
    }
}

/// The stable JSON of `simulate --format json`.
pub fn render_json(
    analysis: &Analysis,
    estimate: &crate::capacity::Estimate,
    simulation: &Simulation,
    comparison: &Comparison,
) -> String {
    let design = &analysis.design;
    let options = &simulation.options;
    let half_width = |i: &Interval| i.half_width.unwrap_or(f64::NAN);
    let components = design
        .components
        .iter()
        .enumerate()
        .map(|(id, component)| {
            let figures = &simulation.components[id];
            let analytic = &estimate.components[id];
            let row = comparison.components.iter().find(|c| c.id == id);
            let verdicts: Vec<bool> = row
                .map(|r| r.figures().filter_map(|f| f.agrees()).collect())
                .unwrap_or_default();
            ComponentOutput {
                name: component.name(),
                kind: component.kind().as_str(),
                utilization: figures.utilization.map(|u| u.value),
                utilization_ci95: figures.utilization.and_then(|u| u.half_width),
                mean_utilization: figures.mean_utilization,
                latency_s: figures.latency.map(|l| LatencyOutput {
                    mean: l.mean.value,
                    p50: l.p50.value,
                    p99: l.p99.value,
                }),
                latency_ci95_s: figures.latency.map(|l| LatencyOutput {
                    mean: half_width(&l.mean),
                    p50: half_width(&l.p50),
                    p99: half_width(&l.p99),
                }),
                arrival_rate_rps: figures.arrival_rate.value,
                arrival_rate_ci95_rps: figures.arrival_rate.half_width,
                mean_present: figures.mean_present.value,
                mean_present_ci95: figures.mean_present.half_width,
                mean_sojourn_s: figures.mean_sojourn.map(|w| w.value),
                mean_sojourn_ci95_s: figures.mean_sojourn.and_then(|w| w.half_width),
                errors: figures.errors,
                timeouts: figures.timeouts,
                analytic: ComponentAnalytic {
                    utilization: analytic.utilization().filter(|u| u.is_finite()),
                    latency_s: analytic.latency,
                },
                agrees: (!verdicts.is_empty()).then(|| verdicts.iter().all(|v| *v)),
            }
        })
        .collect();
    let output = Output {
        version: 1,
        name: &design.name.value,
        entry_rps: simulation.entry_rps,
        duration_s: options.duration,
        warmup_s: options.warmup,
        replications: options.replications,
        arrivals: options.arrivals.as_str(),
        closed_loops: &simulation.closed_loops,
        service: options.service.to_string(),
        blocking: options.blocking,
        seed: options.seed,
        failures: options
            .failures
            .iter()
            .map(|f| FailureOutput {
                target: f.failure.to_string(),
                from_s: f.from,
                until_s: f.until,
            })
            .collect(),
        confidence_interval: IntervalOutput {
            level: 0.95,
            method: simulation.interval_method,
            units: simulation.units,
        },
        customers: simulation.customers,
        errors: simulation.errors,
        dropped: simulation.dropped,
        over_budget: simulation.over_budget,
        error_rate: if simulation.customers > 0 {
            simulation.errors as f64 / simulation.customers as f64
        } else {
            0.0
        },
        end_to_end_s: simulation
            .end_to_end
            .as_ref()
            .map(|e| end_to_end_output(e, |i| i.value)),
        end_to_end_ci95_s: simulation
            .end_to_end
            .as_ref()
            .map(|e| end_to_end_output(e, half_width)),
        analytic: AnalyticOutput {
            end_to_end_s: estimate.end_to_end.as_ref().ok().copied(),
        },
        disagreements: comparison.disagreements(),
        operations: simulation
            .operations
            .iter()
            .map(|o| OperationOutput {
                name: &analysis.ways.operations[o.operation].name,
                customers: o.customers,
                errors: o.errors,
                success_rate: o.success(),
                end_to_end_s: o
                    .end_to_end
                    .as_ref()
                    .map(|e| end_to_end_output(e, |i| i.value)),
                end_to_end_ci95_s: o
                    .end_to_end
                    .as_ref()
                    .map(|e| end_to_end_output(e, half_width)),
                analytic: AnalyticOutput {
                    end_to_end_s: estimate
                        .operation(o.operation)
                        .and_then(|a| a.end_to_end.as_ref().ok().copied()),
                },
            })
            .collect(),
        components,
        series: &simulation.series,
    };
    let mut text = serde_json::to_string_pretty(&output).expect("the output serialises");
    text.push('\n');
    text
}
