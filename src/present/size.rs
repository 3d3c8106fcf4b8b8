//! `blueprint size`: the replicas per component before and after, why, and
//! the monthly cost, as a table for people and the stable JSON.

use std::fmt::Write;

use comfy_table::CellAlignment;
use serde::Serialize;

use super::{table, wrap_to_terminal};
use crate::capacity::sizing::{Reason, Sizing};
use crate::design::Design;
use crate::design::quantity::{format_change, format_cost, format_percent};

/// Why a count, for people.
fn reason_text(reason: &Reason, target_utilization: f64) -> String {
    match reason {
        Reason::Utilisation => format!(
            "{} utilisation after the worst loss",
            format_percent(target_utilization)
        ),
        Reason::Latency {
            operation,
            target,
            state,
        } => format!("{target} of {operation} ({state})"),
        Reason::Availability { operation } => format!("availability of {operation}"),
        Reason::Copies => "a node per copy".to_string(),
    }
}

fn change_text(before: u32, after: u32) -> String {
    match after.cmp(&before) {
        std::cmp::Ordering::Equal => String::new(),
        std::cmp::Ordering::Greater => format!("+{}", after - before),
        std::cmp::Ordering::Less => format!("-{}", before - after),
    }
}

/// The table and the sentences for people.
pub fn render_text(design: &Design, sizing: &Sizing) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}: sized for {} utilisation at peak, judged {}",
        design.name.value,
        format_percent(sizing.target_utilization),
        sizing.states.join(", ")
    );
    out.push('\n');
    let priced = sizing.cost.is_some();
    let mut table = table();
    let mut header = vec!["component", "kind", "replicas", "change", "why"];
    if priced {
        header.push("cost/month");
    }
    table.set_header(header);
    for size in &sizing.components {
        let component = &design.components[size.component];
        let mut row = vec![
            component.name().to_string(),
            component.kind().to_string(),
            if size.before == size.after {
                size.after.to_string()
            } else {
                format!("{} -> {}", size.before, size.after)
            },
            change_text(size.before, size.after),
            reason_text(&size.reason, sizing.target_utilization),
        ];
        if priced {
            row.push(match size.cost {
                Some((before, after)) if size.before != size.after => {
                    format!("{} -> {}", format_cost(before), format_cost(after))
                }
                Some((_, after)) => format_cost(after),
                None => "-".to_string(),
            });
        }
        table.add_row(row);
    }
    if let Some(column) = table.column_mut(3) {
        column.set_cell_alignment(CellAlignment::Right);
    }
    out.push_str(&table.to_string());
    out.push_str("\n\n");
    let changes = sizing.changes().count();
    if changes == 0 {
        out.push_str("Nothing to change: every component has the replicas it needs.\n");
    } else {
        let _ = writeln!(
            out,
            "{changes} component{} to change.",
            if changes == 1 { "" } else { "s" }
        );
    }
    if let Some((before, after)) = sizing.cost {
        let change = if before > 0.0 && before != after {
            format!(" ({})", format_change((after - before) / before))
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "Cost: {} -> {}{change}.",
            format_cost(before),
            format_cost(after)
        );
    }
    for unmet in &sizing.unmet {
        let _ = writeln!(
            out,
            "Cannot be met by replicas alone: {} ({}): {}.",
            unmet.target, unmet.state, unmet.why
        );
    }
    if sizing.exhausted {
        out.push_str("The search stopped after its bound of rounds with targets still failing: the counts above are not enough.\n");
    }
    wrap_to_terminal(&out)
}

#[derive(Serialize)]
struct Output<'a> {
    version: u32,
    name: &'a str,
    target_utilization: f64,
    states: &'a [String],
    components: Vec<ComponentOutput<'a>>,
    unmet: Vec<UnmetOutput<'a>>,
    /// Left out when no component has a `cost`.
    #[serde(skip_serializing_if = "Option::is_none")]
    cost_per_month: Option<CostOutput>,
    exhausted: bool,
}

#[derive(Serialize)]
struct ComponentOutput<'a> {
    name: &'a str,
    kind: &'static str,
    before: u32,
    after: u32,
    reason: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    cost_per_month: Option<CostOutput>,
}

#[derive(Serialize)]
struct CostOutput {
    before: f64,
    after: f64,
}

#[derive(Serialize)]
struct UnmetOutput<'a> {
    target: &'a str,
    state: &'a str,
    why: &'a str,
}

/// The stable JSON: every sized component with its counts and reason.
pub fn render_json(design: &Design, sizing: &Sizing) -> String {
    let cost = |pair: Option<(f64, f64)>| pair.map(|(before, after)| CostOutput { before, after });
    let output = Output {
        version: 1,
        name: &design.name.value,
        target_utilization: sizing.target_utilization,
        states: &sizing.states,
        components: sizing
            .components
            .iter()
            .map(|size| {
                let component = &design.components[size.component];
                ComponentOutput {
                    name: component.name(),
                    kind: component.kind().as_str(),
                    before: size.before,
                    after: size.after,
                    reason: reason_text(&size.reason, sizing.target_utilization),
                    cost_per_month: cost(size.cost),
                }
            })
            .collect(),
        unmet: sizing
            .unmet
            .iter()
            .map(|u| UnmetOutput {
                target: &u.target,
                state: &u.state,
                why: &u.why,
            })
            .collect(),
        cost_per_month: cost(sizing.cost),
        exhausted: sizing.exhausted,
    };
    let mut text = serde_json::to_string_pretty(&output).expect("plain data serialises");
    text.push('\n');
    text
}
