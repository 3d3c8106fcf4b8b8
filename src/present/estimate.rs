//! `blueprint estimate`: the capacity model's figures as tables for people
//! and as the stable JSON of cli.md (base units: requests/s, seconds,
//! fractions).

use std::fmt::Write;

use comfy_table::CellAlignment;

use super::{draw_table, fit, table};
use serde::Serialize;

use crate::Analysis;
use crate::capacity::availability::describe_costs;
use crate::capacity::closed::{ClosedClient, Method};
use crate::capacity::latency::{EndToEnd, NoLatency};
use crate::capacity::retries::NOTICEABLE;
use crate::capacity::{ComponentEstimate, EntrySource, Estimate, Latency, OperationEstimate};
use crate::design::quantity::{
    format_cost, format_count, format_duration, format_percent, format_rate, trim_number,
};
use crate::design::{Component, Design, Kind, LatencyTarget};
use crate::ways::Ways;

pub fn percent(fraction: f64) -> String {
    format!("{}%", trim_number(fraction * 100.0))
}

pub fn entry_source(source: EntrySource) -> &'static str {
    match source {
        EntrySource::PeakRps => "requirements.peak_rps",
        EntrySource::Workload => "derived from requirements.workload",
        EntrySource::Clients => "the clients' rps",
        EntrySource::Population => "the clients' users and think_time, or rps",
        EntrySource::CommandLine => "--rps",
        EntrySource::None => "no load given",
    }
}

/// The tables and summary lines for people.
pub fn render_text(analysis: &Analysis, estimate: &Estimate) -> String {
    let design = &analysis.design;
    let ways = &analysis.ways;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}: {} entering ({})",
        design.name.value,
        format_rate(estimate.entry_rps),
        entry_source(estimate.entry_source)
    );
    if let Some(split) = entry_split(design, ways, estimate) {
        let _ = writeln!(out, "{split}");
    }
    if !estimate.failures.is_empty() {
        let failures: Vec<String> = estimate.failures.iter().map(|f| f.to_string()).collect();
        let _ = writeln!(out, "with failed: {}", failures.join(", "));
    }
    out.push('\n');
    out.push_str(&components_table(design, estimate));
    out.push_str("\n\n");
    if !estimate.closed.is_empty() {
        out.push_str(&closed_text(design, estimate));
    }
    if ways.declared() || estimate.operations.len() > 1 {
        out.push_str(&operations_text(design, ways, estimate));
        out.push_str(&summary_text(design, ways, estimate));
    } else {
        out.push_str(&end_to_end_text(design, ways, estimate));
        out.push_str(&summary_text(design, ways, estimate));
    }
    super::wrap_to_terminal(&out)
}

/// One sentence per closed client for the report: staff: 100 users
/// thinking 5min send 0.332/s, each request answered in 794ms (exact MVA).
pub fn closed_lines(design: &Design, estimate: &Estimate) -> Vec<String> {
    estimate
        .closed
        .iter()
        .map(|client| {
            let [name, users, think_time, throughput, response_time, method] =
                closed_row(design, client);
            let (people, send) = if client.users == 1 {
                ("user", "sends")
            } else {
                ("users", "send")
            };
            match &client.solution {
                Some(solution) if solution.response_time.is_finite() => format!(
                    "{name}: {users} {people} thinking {think_time} {send} {throughput}, \
                     each request answered in {response_time} on average ({method})."
                ),
                Some(_) => format!(
                    "{name}: {users} {people} {send} nothing: open traffic saturates a component they wait on."
                ),
                None => format!(
                    "{name}: {users} {people}, but nothing they call is modelled and they do not think: no rate follows."
                ),
            }
        })
        .collect()
}

/// The closed clients (`users`): their population, think time, and the
/// rate and mean response time their loop settles at by Mean Value
/// Analysis.
fn closed_text(design: &Design, estimate: &Estimate) -> String {
    let mut table = table();
    table.set_header(closed_header());
    for client in &estimate.closed {
        table.add_row(closed_row(design, client));
    }
    for column in 1..table.column_count() {
        if let Some(column) = table.column_mut(column) {
            column.set_cell_alignment(CellAlignment::Right);
        }
    }
    format!("Closed clients (rate solved by Mean Value Analysis):\n{table}\n\n")
}

/// The columns of the closed clients' table.
pub fn closed_header() -> [&'static str; 6] {
    [
        "client",
        "users",
        "think time",
        "throughput",
        "response time",
        "solved by",
    ]
}

/// One row of the closed clients' table, matching [`closed_header`].
pub fn closed_row(design: &Design, client: &ClosedClient) -> [String; 6] {
    let (throughput, response_time, method) = match &client.solution {
        Some(solution) if solution.response_time.is_finite() => (
            format_rate(solution.throughput),
            format_duration(solution.response_time),
            solution.method.as_str().to_string(),
        ),
        Some(solution) => (
            format_rate(solution.throughput),
            "saturated".to_string(),
            solution.method.as_str().to_string(),
        ),
        None => (
            "-".to_string(),
            "-".to_string(),
            "nothing modelled".to_string(),
        ),
    };
    [
        design.components[client.client].name().to_string(),
        format_count(f64::from(client.users)),
        format_duration(client.think_time),
        throughput,
        response_time,
        method,
    ]
}

/// Where the entry load goes, when more than one client or operation takes
/// it: `web 1k/s (browse 90%, buy 10%), api 500/s`.
pub fn entry_split(design: &Design, ways: &Ways, estimate: &Estimate) -> Option<String> {
    let mut clients: Vec<usize> = ways.entering().filter_map(|(_, o)| o.entry).collect();
    clients.sort_unstable();
    clients.dedup();
    if clients.len() <= 1 && !ways.declared() {
        return None;
    }
    let parts: Vec<String> = clients
        .iter()
        .map(|&client| {
            let operations: Vec<String> = ways
                .entering()
                .filter(|(_, o)| o.entry == Some(client) && o.declared.is_some())
                .map(|(_, o)| format!("{} {}", o.name, percent(o.share)))
                .collect();
            let rate = format_rate(estimate.entry_loads[client]);
            let name = design.components[client].name();
            if operations.is_empty() {
                format!("{name} {rate}")
            } else {
                format!("{name} {rate} ({})", operations.join(", "))
            }
        })
        .collect();
    Some(format!("  into {}", parts.join("; ")))
}

/// The operations' own figures: one row each (rate, p50, p99 and p999
/// against its targets, availability against its target), then what costs
/// each its availability.
fn operations_text(design: &Design, ways: &Ways, estimate: &Estimate) -> String {
    let mut table = table();
    table.set_header(operation_header());
    for operation in &estimate.operations {
        table.add_row(operation_row(ways, operation));
    }
    for column in 1..table.column_count() {
        if let Some(column) = table.column_mut(column) {
            column.set_cell_alignment(CellAlignment::Right);
        }
    }
    // Narrow: the p99 and availability against their targets matter most.
    fit(&mut table, &[1, 2, 3, 4, 5], &[2, 4], 100);
    let mut out = format!("Operations:\n{table}\n");
    for operation in &estimate.operations {
        let name = &ways.operations[operation.operation].name;
        if let Err(reason) = &operation.end_to_end
            && let Some(line) = no_latency_sentence(design, estimate, reason)
        {
            let _ = writeln!(out, "{name}: {line}");
        }
        let costs = costs_line(design, estimate, operation);
        if !costs.is_empty() {
            let _ = writeln!(out, "{name}: what costs it most: {costs}.");
        }
    }
    out
}

/// The columns of the operations table.
pub fn operation_header() -> [&'static str; 6] {
    ["operation", "rate", "p50", "p99", "p999", "availability"]
}

/// One row of the operations table, matching [`operation_header`].
pub fn operation_row(ways: &Ways, operation: &OperationEstimate) -> [String; 6] {
    let named = &ways.operations[operation.operation];
    let quantile = |q: f64| match &operation.end_to_end {
        Ok(end_to_end) => {
            let value = end_to_end.quantile(q);
            match named
                .latency_slo
                .iter()
                .find(|t| (t.quantile - q).abs() < 1e-9)
            {
                Some(t) if value <= t.seconds.value => format!(
                    "{} ≤ {}",
                    format_duration(value),
                    format_duration(t.seconds.value)
                ),
                Some(t) => format!(
                    "{} > {} MISSED",
                    format_duration(value),
                    format_duration(t.seconds.value)
                ),
                None => format_duration(value),
            }
        }
        Err(NoLatency::Saturated(_)) => "unbounded".to_string(),
        Err(_) => "-".to_string(),
    };
    [
        named.name.clone(),
        format_rate(operation.rps),
        quantile(0.5),
        quantile(0.99),
        quantile(0.999),
        availability_cell(operation, named.availability_slo.as_ref().map(|t| t.value)),
    ]
}

/// An operation's availability as people read it: "saturated" when its
/// requests never finish, since 0% would say that something is down.
pub fn availability_text(operation: &OperationEstimate) -> String {
    if operation.saturated().is_empty() {
        format_percent(operation.availability.value)
    } else {
        "saturated".to_string()
    }
}

fn availability_cell(operation: &OperationEstimate, target: Option<f64>) -> String {
    let availability = operation.availability;
    let value = availability_text(operation);
    match target {
        Some(target) if availability.value >= target => {
            format!("{value} ≥ {}", format_percent(target))
        }
        Some(target) => format!("{value} < {} MISSED", format_percent(target)),
        None => value,
    }
}

/// What costs an operation its availability, the largest three.
pub fn costs_line(design: &Design, estimate: &Estimate, operation: &OperationEstimate) -> String {
    describe_costs(design, &estimate.domains, &operation.costs, 3)
}

/// The optional columns of the capacity table.
#[derive(Clone, Copy, Debug)]
pub struct Columns {
    /// `needed`: the estimate was asked to size the design
    /// (`--target-utilization`).
    pub needed: bool,
    /// `cost/month`: the design prices a component.
    pub cost: bool,
}

/// Which optional columns the capacity table of `estimate` has.
pub fn columns(estimate: &Estimate) -> Columns {
    Columns {
        needed: estimate
            .components
            .iter()
            .any(|c| c.needed_replicas.is_some()),
        cost: estimate.cost.is_some(),
    }
}

/// The columns of the capacity table; `needed` only when the estimate was
/// asked to size the design (`--target-utilization`), `cost/month` only
/// when the design prices a component.
pub fn capacity_header(estimate: &Estimate) -> Vec<&'static str> {
    let mut header = vec![
        "component",
        "kind",
        "load",
        "replicas",
        "utilisation",
        "mean",
        "p99",
        "headroom",
    ];
    let columns = columns(estimate);
    if columns.needed {
        header.push("needed");
    }
    if columns.cost {
        header.push("cost/month");
    }
    header
}

/// One row of the capacity table per component, in file order, matching
/// [`capacity_header`].
pub fn capacity_rows<'a>(
    design: &'a Design,
    estimate: &'a Estimate,
) -> impl ExactSizeIterator<Item = Vec<String>> + 'a {
    let columns = columns(estimate);
    design
        .components
        .iter()
        .enumerate()
        .zip(&estimate.components)
        .map(move |((id, component), figures)| {
            let cost = estimate.cost.as_ref().and_then(|c| c.components[id]);
            capacity_row(component, figures, cost, columns)
        })
}

/// The capacity table's row of one component (`cost` a month, when
/// priced), with the optional `columns`.
pub fn capacity_row(
    component: &Component,
    figures: &ComponentEstimate,
    cost: Option<f64>,
    columns: Columns,
) -> Vec<String> {
    let replica = &figures.replica;
    let total = component.replica_count();
    let replicas = if replica.live < total {
        format!("{} of {total} up", replica.live)
    } else if replica.serving < replica.live {
        format!("{total} ({} work)", replica.serving)
    } else {
        total.to_string()
    };
    let utilization = match (figures.broken(), figures.utilization()) {
        (Some(broken), _) if broken != crate::capacity::Broken::Saturated => {
            broken.as_str().to_uppercase()
        }
        (_, Some(u)) if u >= 1.0 => format!("{} SATURATED", percent(u)),
        (_, Some(u)) => percent(u),
        (_, None) => "-".to_string(),
    };
    let (mean, p99) = match figures.latency {
        Some(Latency { mean, p99, .. }) => (format_duration(mean), format_duration(p99)),
        None => ("-".to_string(), "-".to_string()),
    };
    let headroom = figures
        .utilization()
        .filter(|u| *u > 0.0 && *u < 1.0)
        .map_or("-".to_string(), |u| {
            if u < 0.001 {
                ">1000x".to_string()
            } else {
                format!("{}x", trim_number(1.0 / u))
            }
        });
    let mut row = vec![
        component.name().to_string(),
        component.kind().to_string(),
        format_rate(figures.load.total()),
        replicas,
        utilization,
        mean,
        p99,
        headroom,
    ];
    if columns.needed {
        row.push(
            figures
                .needed_replicas
                .map_or("-".to_string(), |n| n.to_string()),
        );
    }
    if columns.cost {
        row.push(cost.map_or("-".to_string(), format_cost));
    }
    row
}

fn components_table(design: &Design, estimate: &Estimate) -> String {
    draw_table(
        &capacity_header(estimate),
        || capacity_rows(design, estimate),
        |table| {
            for column in 2..table.column_count() {
                if let Some(column) = table.column_mut(column) {
                    column.set_cell_alignment(CellAlignment::Right);
                }
            }
            // Narrow: the kind is in the design and the p99 says more than
            // the mean.
            let figures: Vec<usize> = (2..table.column_count()).collect();
            fit(table, &figures, &[1, 5], 100);
        },
    )
}

/// End-to-end figures against latency targets: rows of (figure, estimate,
/// target, `met`/`MISSED`), the mean (by formula when there is one) first.
pub fn end_to_end_rows(
    targets: &[LatencyTarget],
    mean_by_formula: Option<f64>,
    end_to_end: &EndToEnd,
) -> Vec<[String; 4]> {
    let mean = mean_by_formula.unwrap_or(end_to_end.mean);
    let mut rows = vec![[
        "mean".to_string(),
        format_duration(mean),
        String::new(),
        String::new(),
    ]];
    for (label, quantile, value) in quantiles(end_to_end) {
        let target = targets
            .iter()
            .find(|t| (t.quantile - quantile).abs() < 1e-9);
        let (target_text, verdict) = match target {
            Some(t) if value <= t.seconds.value => (format_duration(t.seconds.value), "met"),
            Some(t) => (format_duration(t.seconds.value), "MISSED"),
            None => (String::new(), ""),
        };
        rows.push([
            label.to_string(),
            format_duration(value),
            target_text,
            verdict.to_string(),
        ]);
    }
    rows
}

/// Why there is no end-to-end figure, in a sentence; `None` when there is
/// one or it was not asked for.
pub fn end_to_end_missing(design: &Design, estimate: &Estimate) -> Option<String> {
    match &estimate.end_to_end {
        Ok(_) => None,
        Err(reason) => {
            no_latency_sentence(design, estimate, reason).map(|s| format!("End to end: {s}"))
        }
    }
}

/// Why there is no latency figure, in a sentence; `None` when it was not
/// asked for.
pub fn no_latency_sentence(
    design: &Design,
    estimate: &Estimate,
    reason: &NoLatency,
) -> Option<String> {
    match reason {
        NoLatency::NotComputed => None,
        NoLatency::Saturated(components) => {
            let names: Vec<String> = components
                .iter()
                .map(|&id| {
                    let state = estimate.components[id]
                        .broken()
                        .map_or("saturated", |b| b.as_str());
                    format!("{} ({state})", design.components[id].name())
                })
                .collect();
            Some(format!(
                "no bound, because requests wait on {}.",
                names.join(", ")
            ))
        }
        NoLatency::NoLoad => {
            Some("no load enters (give requirements.peak_rps, a workload, or --rps).".to_string())
        }
    }
}

fn end_to_end_text(design: &Design, ways: &Ways, estimate: &Estimate) -> String {
    if let Ok(end_to_end) = &estimate.end_to_end {
        let targets = estimate
            .operations
            .first()
            .map_or(&[][..], |o| &ways.operations[o.operation].latency_slo[..]);
        let mut table = table();
        table.set_header(["", "estimate", "target", ""]);
        for row in end_to_end_rows(targets, estimate.mean_by_formula, end_to_end) {
            table.add_row(row);
        }
        format!("End to end:\n{table}\n")
    } else {
        end_to_end_missing(design, estimate).map_or(String::new(), |line| line + "\n")
    }
}

fn quantiles(end_to_end: &EndToEnd) -> [(&'static str, f64, f64); 5] {
    [
        ("p50", 0.5, end_to_end.p50),
        ("p90", 0.9, end_to_end.p90),
        ("p95", 0.95, end_to_end.p95),
        ("p99", 0.99, end_to_end.p99),
        ("p999", 0.999, end_to_end.p999),
    ]
}

fn summary_text(design: &Design, ways: &Ways, estimate: &Estimate) -> String {
    let mut lines: Vec<String> = bottleneck_line(design, estimate).into_iter().collect();
    lines.push(availability_line(design, ways, estimate));
    lines.extend(cost_line(design, estimate));
    lines.extend(queue_lines(design, estimate));
    lines.extend(connection_lines(design, estimate));
    if !estimate.failures.is_empty() {
        lines.push(format!("What breaks: {}.", what_breaks(design, estimate)));
        lines.push(format!(
            "Request path: {}.",
            if estimate.path_up() {
                "still up"
            } else {
                "DOWN"
            }
        ));
        lines.extend(retry_lines(design, estimate));
        lines.extend(outage_lines(design, estimate));
    }
    lines.iter().map(|line| format!("{line}\n")).collect()
}

/// What the design costs a month, when it prices any component: `Cost:
/// 1.2k/month for 14 replicas (3 components unpriced).`
pub fn cost_line(design: &Design, estimate: &Estimate) -> Option<String> {
    let costs = estimate.cost.as_ref()?;
    let priced: u32 = design
        .components
        .iter()
        .zip(&costs.components)
        .filter(|(_, cost)| cost.is_some())
        .map(|(component, _)| component.replica_count())
        .sum();
    let unpriced = design
        .components
        .iter()
        .zip(&costs.components)
        .filter(|(component, cost)| cost.is_none() && component.kind() != Kind::Client)
        .count();
    let replicas = if priced == 1 { "replica" } else { "replicas" };
    let rest = match unpriced {
        0 => String::new(),
        1 => " (1 component unpriced)".to_string(),
        n => format!(" ({n} components unpriced)"),
    };
    Some(format!(
        "Cost: {} for {priced} {replicas}{rest}.",
        format_cost(costs.total)
    ))
}

/// The bottleneck and the largest load the design carries, in a sentence.
pub fn bottleneck_line(design: &Design, estimate: &Estimate) -> Option<String> {
    let bottleneck = estimate.bottleneck?;
    let name = design.components[bottleneck].name();
    Some(match estimate.max_entry_rps {
        Some(max) => format!(
            "Bottleneck: {name} at {} utilisation; the design carries up to {} entering ({}x the current load).",
            percent(estimate.components[bottleneck].utilization().unwrap_or(0.0)),
            format_rate(max),
            trim_number(max / estimate.entry_rps.max(f64::MIN_POSITIVE))
        ),
        None => format!("Bottleneck: {name} has no replica left."),
    })
}

/// Availability of all traffic with nines, downtime and, when one
/// operation takes it all, the verdict against its target and what costs
/// it most.
pub fn availability_line(design: &Design, ways: &Ways, estimate: &Estimate) -> String {
    let availability = estimate.availability;
    let several = estimate.operations.len() > 1 || ways.declared();
    let saturated = estimate.saturated();
    if !saturated.is_empty() {
        let names: Vec<String> = saturated
            .iter()
            .map(|&id| format!("`{}`", design.components[id].name()))
            .collect();
        return format!(
            "Availability{}: saturated: {} cannot keep up, so requests through {} never finish",
            if several { " of all traffic" } else { "" },
            names.join(", "),
            if names.len() == 1 { "it" } else { "them" }
        );
    }
    let mut line = format!(
        "Availability{}: {} ({} nines): {} down a year, {} a month",
        if several { " of all traffic" } else { "" },
        format_percent(availability.value),
        trim_number(availability.nines),
        format_duration(availability.downtime_per_year_s),
        format_duration(availability.downtime_per_month_s)
    );
    let only = match &estimate.operations[..] {
        [only] if !several => Some(only),
        _ => None,
    };
    let target = only.and_then(|o| ways.operations[o.operation].availability_slo.as_ref());
    if let Some(target) = target {
        let verdict = if availability.value >= target.value {
            "met"
        } else {
            "MISSED"
        };
        line.push_str(&format!(
            "; target {} {verdict}",
            format_percent(target.value)
        ));
    }
    if let Some(only) = only {
        let costs = costs_line(design, estimate, only);
        if !costs.is_empty() {
            line.push_str(&format!("; what costs it most: {costs}"));
        }
    }
    line.push('.');
    line
}

/// One sentence per queue: what comes in, what drains, the backlog.
pub fn queue_lines(design: &Design, estimate: &Estimate) -> Vec<String> {
    estimate
        .queues
        .iter()
        .map(|queue| {
            let name = design.components[queue.queue].name();
            let drain = queue
                .drain
                .map_or("an unmodelled consumer".to_string(), format_rate);
            if queue.backlog_growth > 0.0 {
                format!(
                    "Queue {name}: {} in, {drain} drained: the backlog grows by {} ({} messages after an hour).",
                    format_rate(queue.inflow),
                    format_rate(queue.backlog_growth),
                    trim_number(queue.lag_after_hour())
                )
            } else {
                format!(
                    "Queue {name}: {} in, {drain} drained, no backlog.",
                    format_rate(queue.inflow)
                )
            }
        })
        .collect()
}

/// One sentence per component holding clients' connections: per replica
/// with everything up, and per survivor after the worst single loss.
pub fn connection_lines(design: &Design, estimate: &Estimate) -> Vec<String> {
    estimate
        .connections
        .iter()
        .map(|held| {
            let component = &design.components[held.component];
            let count = format_count;
            let mut line = format!(
                "Connections: {} holds {}",
                component.name(),
                count(held.connections)
            );
            match held.per_replica() {
                Some(each) => line.push_str(&format!(", {} per replica", count(each))),
                None => line.push_str(", but no replica is up"),
            }
            if let Some((lost, _)) = &held.worst_loss {
                match held.per_survivor() {
                    Some(each) => {
                        line.push_str(&format!("; {} each with {lost} lost", count(each)))
                    }
                    None => line.push_str(&format!("; none left with {lost} lost")),
                }
            }
            if let Some(max) = &component.max_connections {
                line.push_str(&format!(" (max {})", count(max.value)));
            }
            line.push('.');
            line
        })
        .collect()
}

/// What the calls' retries add under the failure: each retrying call's
/// attempts, each component's load multiplier, and what they saturate.
pub fn retry_lines(design: &Design, estimate: &Estimate) -> Vec<String> {
    let Some(retries) = &estimate.retries else {
        return Vec::new();
    };
    if retries.calls.is_empty() {
        return vec![
            "Retries: add no load (no call fails or times out on a thousandth of its attempts)."
                .to_string(),
        ];
    }
    let name = |id: usize| design.components[id].name();
    let calls: Vec<String> = retries
        .calls
        .iter()
        .map(|c| {
            format!(
                "{} -> {} {} attempts per call ({} of attempts fail)",
                name(c.caller),
                name(c.callee),
                trim_number(c.attempts),
                percent(c.failure_share)
            )
        })
        .collect();
    let mut lines = vec![format!("Retries: {}.", calls.join("; "))];
    let multiplied: Vec<String> = (0..design.components.len())
        .filter(|&id| retries.multiplier(id) >= NOTICEABLE)
        .map(|id| {
            let utilization = retries.utilization[id]
                .filter(|u| u.is_finite())
                .map(|u| format!(", {} utilisation", percent(u)))
                .unwrap_or_default();
            format!(
                "{} x{} ({}{utilization})",
                name(id),
                trim_number(retries.multiplier(id)),
                format_rate(retries.loads[id].total())
            )
        })
        .collect();
    if !multiplied.is_empty() {
        lines.push(format!("Load with retries: {}.", multiplied.join(", ")));
    }
    let saturated = retries.saturated_by_retries();
    if !saturated.is_empty() {
        let names: Vec<&str> = saturated.iter().map(|&id| name(id)).collect();
        lines.push(format!(
            "Retries saturate {}, which would cope without them: no stable load below saturation (a metastable failure).",
            names.join(", ")
        ));
    } else if !retries.settled {
        lines.push(format!(
            "The retry load did not settle in {} rounds.",
            retries.rounds
        ));
    }
    lines
}

/// The backlog of `--fail NAME@DURATION` and its drain, one sentence per
/// component that falls behind.
pub fn outage_lines(design: &Design, estimate: &Estimate) -> Vec<String> {
    let Some(outage) = &estimate.outage else {
        return Vec::new();
    };
    let length = format_duration(outage.duration);
    if outage.backlogs.is_empty() {
        return vec![format!(
            "Outage of {length}: no backlog; no queue's consumer and no survivor falls behind (what is down fails the work sent to it rather than keeping it waiting)."
        )];
    }
    outage
        .backlogs
        .iter()
        .map(|b| {
            let name = design.components[b.component].name();
            let place = match b.held_in {
                Some(queue) => format!("wait in {}", design.components[queue].name()),
                None => format!("wait at {name}'s surviving replicas"),
            };
            let drain = match b.drain_s {
                Some(seconds) => format!(
                    "they drain {} after recovery ({} with every replica up, {})",
                    format_duration(seconds),
                    format_rate(b.capacity),
                    if b.pooled {
                        "all of it draining"
                    } else {
                        "only the survivors draining"
                    }
                ),
                None => format!(
                    "they never drain: {} in, {} with every replica up",
                    format_rate(b.inflow),
                    format_rate(b.capacity)
                ),
            };
            format!(
                "Outage of {length}: {name} falls behind ({} in, {} left): {} {place}; {drain}.",
                format_rate(b.inflow),
                format_rate(b.capacity_during),
                format_count(b.backlog)
            )
        })
        .collect()
}

/// The components a failure breaks, with how, or `nothing; ...`.
pub fn what_breaks(design: &Design, estimate: &Estimate) -> String {
    let broken: Vec<String> = design
        .components
        .iter()
        .zip(&estimate.components)
        .filter_map(|(c, e)| e.broken().map(|b| format!("{} ({})", c.name(), b.as_str())))
        .collect();
    if broken.is_empty() {
        "nothing; every component still carries its load".to_string()
    } else {
        broken.join(", ")
    }
}

#[derive(Serialize)]
struct Output<'a> {
    version: u32,
    name: &'a str,
    entry_rps: f64,
    entry_source: &'static str,
    failures: Vec<String>,
    components: Vec<ComponentOutput<'a>>,
    end_to_end_s: Option<EndToEnd>,
    mean_by_formula_s: Option<f64>,
    end_to_end_unavailable: Option<String>,
    bottleneck: Option<&'a str>,
    max_entry_rps: Option<f64>,
    headroom: Option<f64>,
    availability: f64,
    nines: f64,
    downtime_per_year_s: f64,
    downtime_per_month_s: f64,
    path_up: bool,
    queues: Vec<QueueOutput<'a>>,
    operations: Vec<OperationOutput<'a>>,
    connections: Vec<ConnectionOutput<'a>>,
    /// Under `--fail`, when some call retries.
    retries: Option<RetriesOutput<'a>>,
    /// Under `--fail NAME@DURATION`.
    outage: Option<OutageOutput<'a>>,
    /// Left out when no component has a `cost`.
    #[serde(skip_serializing_if = "Option::is_none")]
    cost_per_month: Option<f64>,
    closed_clients: Vec<ClosedOutput<'a>>,
}

#[derive(Serialize)]
struct RetriesOutput<'a> {
    settled: bool,
    rounds: usize,
    /// Saturated with retries though not without them.
    saturated_by_retries: Vec<&'a str>,
    calls: Vec<RetryingCallOutput<'a>>,
    /// The components whose load the retries raise.
    components: Vec<RetryComponentOutput<'a>>,
}

#[derive(Serialize)]
struct RetryingCallOutput<'a> {
    caller: &'a str,
    callee: &'a str,
    failure_share: f64,
    attempts: f64,
}

#[derive(Serialize)]
struct RetryComponentOutput<'a> {
    name: &'a str,
    load_rps: f64,
    with_retries_rps: f64,
    multiplier: f64,
    utilization: Option<f64>,
}

#[derive(Serialize)]
struct OutageOutput<'a> {
    duration_s: f64,
    backlogs: Vec<BacklogOutput<'a>>,
}

#[derive(Serialize)]
struct BacklogOutput<'a> {
    name: &'a str,
    /// The queue it waits in, when the component consumes one.
    held_in: Option<&'a str>,
    inflow_rps: f64,
    capacity_rps: f64,
    capacity_during_rps: f64,
    backlog: f64,
    pooled: bool,
    /// Null when it never drains.
    drain_s: Option<f64>,
}

#[derive(Serialize)]
struct ClosedOutput<'a> {
    name: &'a str,
    users: u32,
    think_time_s: f64,
    /// Requests/s the population settles at (before `--load`/`--rps`);
    /// null when nothing it calls is modelled and it has no think time.
    throughput_rps: Option<f64>,
    /// Mean response time, think time excluded; null when open traffic
    /// saturates a component it waits on.
    response_time_s: Option<f64>,
    method: Option<Method>,
}

#[derive(Serialize)]
struct ConnectionOutput<'a> {
    name: &'a str,
    connections: f64,
    per_replica: Option<f64>,
    /// What the worst single loss is (`zone az1`, `one replica`).
    worst_loss: Option<String>,
    per_replica_after_loss: Option<f64>,
    max_connections: Option<f64>,
}

#[derive(Serialize)]
struct OperationOutput<'a> {
    name: &'a str,
    /// Declared in the design, or implicit (one per client).
    declared: bool,
    client: Option<&'a str>,
    rps: f64,
    end_to_end_s: Option<EndToEnd>,
    mean_by_formula_s: Option<f64>,
    availability: f64,
    nines: f64,
    downtime_per_year_s: f64,
    latency_slo: Vec<TargetOutput>,
    availability_slo: Option<f64>,
    costs: Vec<CostOutput>,
}

#[derive(Serialize)]
struct TargetOutput {
    quantile: &'static str,
    target_s: f64,
}

#[derive(Serialize)]
struct CostOutput {
    /// A component's name, or a domain's (`zone az1`).
    what: String,
    unavailability: f64,
}

#[derive(Serialize)]
struct ComponentOutput<'a> {
    name: &'a str,
    kind: &'static str,
    load_rps: f64,
    read_rps: f64,
    write_rps: f64,
    replicas: u32,
    live_replicas: u32,
    serving_replicas: u32,
    utilization: Option<f64>,
    latency_s: Option<Latency>,
    wait_probability: Option<f64>,
    availability: f64,
    broken: Option<&'static str>,
    needed_replicas: Option<u32>,
    /// Replicas times the price of one; left out when it has no `cost`.
    #[serde(skip_serializing_if = "Option::is_none")]
    cost_per_month: Option<f64>,
}

#[derive(Serialize)]
struct QueueOutput<'a> {
    name: &'a str,
    consumer: Option<&'a str>,
    inflow_rps: f64,
    drain_rps: Option<f64>,
    backlog_growth_rps: f64,
    lag_after_hour: f64,
}

fn unavailable_reason(design: &Design, reason: &NoLatency) -> String {
    match reason {
        NoLatency::NoLoad => "no load".to_string(),
        NoLatency::Saturated(ids) => format!(
            "saturated: {}",
            ids.iter()
                .map(|&id| design.components[id].name())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        NoLatency::NotComputed => "not computed".to_string(),
    }
}

/// JSON numbers cannot be infinite: a component with no replica left has
/// no utilisation figure, only `broken: "down"`.
fn finite(value: Option<f64>) -> Option<f64> {
    value.filter(|v| v.is_finite())
}

pub fn render_json(analysis: &Analysis, estimate: &Estimate) -> String {
    let design = &analysis.design;
    let ways = &analysis.ways;
    let name_of = |id: usize| design.components[id].name();
    let output = Output {
        version: 1,
        name: &design.name.value,
        entry_rps: estimate.entry_rps,
        entry_source: entry_source(estimate.entry_source),
        failures: estimate.failures.iter().map(|f| f.to_string()).collect(),
        components: design
            .components
            .iter()
            .enumerate()
            .zip(&estimate.components)
            .map(|((id, component), figures)| ComponentOutput {
                name: component.name(),
                kind: component.kind().as_str(),
                load_rps: figures.load.total(),
                read_rps: figures.load.reads,
                write_rps: figures.load.writes,
                replicas: component.replica_count(),
                live_replicas: figures.replica.live,
                serving_replicas: figures.replica.serving,
                utilization: finite(figures.utilization()),
                latency_s: figures.latency,
                wait_probability: figures
                    .replica
                    .station
                    .filter(|s| s.is_stable())
                    .map(|s| s.wait_probability()),
                availability: figures.availability,
                broken: figures.broken().map(|b| b.as_str()),
                needed_replicas: figures.needed_replicas,
                cost_per_month: estimate.cost.as_ref().and_then(|c| c.components[id]),
            })
            .collect(),
        end_to_end_s: estimate.end_to_end.as_ref().ok().copied(),
        mean_by_formula_s: estimate.mean_by_formula,
        end_to_end_unavailable: estimate
            .end_to_end
            .as_ref()
            .err()
            .map(|reason| unavailable_reason(design, reason)),
        bottleneck: estimate.bottleneck.map(name_of),
        max_entry_rps: estimate.max_entry_rps,
        headroom: estimate.headroom(),
        availability: estimate.availability.value,
        nines: estimate.availability.nines,
        downtime_per_year_s: estimate.availability.downtime_per_year_s,
        downtime_per_month_s: estimate.availability.downtime_per_month_s,
        path_up: estimate.path_up(),
        queues: estimate
            .queues
            .iter()
            .map(|q| QueueOutput {
                name: name_of(q.queue),
                consumer: q.consumer.map(name_of),
                inflow_rps: q.inflow,
                drain_rps: q.drain,
                backlog_growth_rps: q.backlog_growth,
                lag_after_hour: q.lag_after_hour(),
            })
            .collect(),
        operations: estimate
            .operations
            .iter()
            .map(|o| {
                let named = &ways.operations[o.operation];
                OperationOutput {
                    name: &named.name,
                    declared: named.declared.is_some(),
                    client: named.entry.map(name_of),
                    rps: o.rps,
                    end_to_end_s: o.end_to_end.as_ref().ok().copied(),
                    mean_by_formula_s: o.mean_by_formula,
                    availability: o.availability.value,
                    nines: o.availability.nines,
                    downtime_per_year_s: o.availability.downtime_per_year_s,
                    latency_slo: named
                        .latency_slo
                        .iter()
                        .map(|t| TargetOutput {
                            quantile: t.label,
                            target_s: t.seconds.value,
                        })
                        .collect(),
                    availability_slo: named.availability_slo.as_ref().map(|t| t.value),
                    costs: o
                        .costs
                        .iter()
                        .map(|c| CostOutput {
                            what: c
                                .culprit
                                .describe(design, &estimate.domains)
                                .trim_matches('`')
                                .to_string(),
                            unavailability: c.unavailability,
                        })
                        .collect(),
                }
            })
            .collect(),
        connections: estimate
            .connections
            .iter()
            .map(|held| ConnectionOutput {
                name: name_of(held.component),
                connections: held.connections,
                per_replica: held.per_replica(),
                worst_loss: held.worst_loss.as_ref().map(|(lost, _)| lost.clone()),
                per_replica_after_loss: held.per_survivor(),
                max_connections: design.components[held.component]
                    .max_connections
                    .as_ref()
                    .map(|m| m.value),
            })
            .collect(),
        closed_clients: estimate
            .closed
            .iter()
            .map(|client| ClosedOutput {
                name: name_of(client.client),
                users: client.users,
                think_time_s: client.think_time,
                throughput_rps: client.solution.map(|s| s.throughput),
                response_time_s: client
                    .solution
                    .map(|s| s.response_time)
                    .filter(|r| r.is_finite()),
                method: client.solution.map(|s| s.method),
            })
            .collect(),
        retries: estimate.retries.as_ref().map(|r| RetriesOutput {
            settled: r.settled,
            rounds: r.rounds,
            saturated_by_retries: r.saturated_by_retries().into_iter().map(name_of).collect(),
            calls: r
                .calls
                .iter()
                .map(|c| RetryingCallOutput {
                    caller: name_of(c.caller),
                    callee: name_of(c.callee),
                    failure_share: c.failure_share,
                    attempts: c.attempts,
                })
                .collect(),
            components: (0..design.components.len())
                .filter(|&id| r.multiplier(id) >= NOTICEABLE)
                .map(|id| RetryComponentOutput {
                    name: name_of(id),
                    load_rps: r.without[id].total(),
                    with_retries_rps: r.loads[id].total(),
                    multiplier: r.multiplier(id),
                    utilization: finite(r.utilization[id]),
                })
                .collect(),
        }),
        outage: estimate.outage.as_ref().map(|o| OutageOutput {
            duration_s: o.duration,
            backlogs: o
                .backlogs
                .iter()
                .map(|b| BacklogOutput {
                    name: name_of(b.component),
                    held_in: b.held_in.map(name_of),
                    inflow_rps: b.inflow,
                    capacity_rps: b.capacity,
                    capacity_during_rps: b.capacity_during,
                    backlog: b.backlog,
                    pooled: b.pooled,
                    drain_s: b.drain_s,
                })
                .collect(),
        }),
        cost_per_month: estimate.cost.as_ref().map(|c| c.total),
    };
    // A component takes about 560 bytes: room for them up front spares a
    // long output the copies of a doubling buffer (and the memory they
    // leave behind).
    let mut bytes = Vec::with_capacity(4096 + 600 * design.components.len());
    serde_json::to_writer_pretty(&mut bytes, &output).expect("plain data serialises");
    bytes.push(b'\n');
    String::from_utf8(bytes).expect("serde_json writes UTF-8")
}

/// The defaults the figures rest on, one line each with its components.
pub fn assumptions_text(design: &Design) -> String {
    let mut out = String::from("Assumptions (what the design leaves to the tool):\n");
    for assumption in crate::capacity::assumptions::assumptions(design) {
        let _ = match assumption.components.as_slice() {
            [] => writeln!(out, "- {}", assumption.text),
            names => writeln!(out, "- {}: {}", names.join(", "), assumption.text),
        };
    }
    super::wrap_to_terminal(&out)
}
