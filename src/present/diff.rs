//! `blueprint diff`: a [`Diff`] for people (text), for a pull-request
//! comment (Markdown: the verdict first, then tables) and for tools (the
//! stable JSON of the README, base units).

use std::fmt::Write;

use comfy_table::CellAlignment;

use super::table;
use serde::Serialize;

use crate::compare::fields::FieldChange;
use crate::compare::metrics::{EndToEnd, FatalFailure, Metrics, OperationMetrics};
use crate::compare::{
    Diff, NINES_TOLERANCE, Named, OperationPair, P99_TOLERANCE, Regression, latency_tolerance,
};
use crate::design::quantity::{
    format_cost, format_duration, format_percent, format_rate, trim_number,
};
use crate::diagnostic::{Diagnostic, Severity, markup};
use crate::render::escape;

/// Said when one revision's load never settles.
const PARTIAL: &str = "One revision's load never settles, so its rules did not run: the other revision's findings are left out.";

/// What the two sides were read from, as given on the command line.
pub struct Labels<'a> {
    pub old: &'a str,
    pub new: &'a str,
}

fn plural(count: usize, word: &str) -> String {
    if count == 1 {
        format!("1 {word}")
    } else {
        format!("{count} {word}s")
    }
}

/// Two availabilities with as many decimals as it takes to tell them
/// apart (up to ten), at least four.
fn availabilities(old: f64, new: f64) -> (String, String) {
    let percent = |value: f64, decimals: usize| {
        let text = format!("{:.decimals$}", value * 100.0);
        format!("{}%", text.trim_end_matches('0').trim_end_matches('.'))
    };
    (4..=10)
        .map(|decimals| (percent(old, decimals), percent(new, decimals)))
        .find(|(old, new)| old != new)
        .unwrap_or_else(|| (format_percent(old), format_percent(new)))
}

fn p99_text(value: Option<f64>) -> String {
    value.map_or("unbounded".to_string(), format_duration)
}

/// The verdict: a word (`Worse`, `No regression`, `No change`) and what
/// makes it so.
pub struct Verdict {
    pub word: &'static str,
    pub reasons: Vec<String>,
}

impl Verdict {
    /// `Worse: p99 40ms → 52ms.`, with the word as `**Worse**` in Markdown.
    fn line(&self, markdown: bool) -> String {
        let word = if markdown {
            format!("**{}**", self.word)
        } else {
            self.word.to_string()
        };
        let reasons = self.reasons.join("; ");
        let reasons = if markdown {
            markup::markdown_inline(&reasons)
        } else {
            reasons
        };
        if self.reasons.is_empty() {
            format!("{word}.")
        } else {
            format!("{word}: {reasons}.")
        }
    }
}

/// What is worse in the new revision, or else what is better.
pub fn verdict(diff: &Diff, threshold: Severity) -> Verdict {
    let regressions = diff.regressions(threshold);
    if !regressions.is_empty() {
        let reasons = regressions
            .iter()
            .map(|regression| match regression {
                Regression::Findings { count, threshold } => format!(
                    "{} introduced at {threshold} or above",
                    plural(*count, "finding")
                ),
                Regression::P99 { old, new } => {
                    format!("p99 {} → {}", format_duration(*old), p99_text(*new))
                }
                Regression::Availability { old, new } => {
                    let (old, new) = availabilities(*old, *new);
                    format!("availability {old} → {new}")
                }
                Regression::OperationLatency {
                    operation,
                    label,
                    old,
                    new,
                    target,
                } => format!(
                    "`{operation}` {label} {} → {}{}",
                    format_duration(*old),
                    p99_text(*new),
                    target.map_or(String::new(), |target| {
                        let missed = new.is_none_or(|new| new > target);
                        format!(
                            " (target {}{})",
                            format_duration(target),
                            if missed { ", missed" } else { "" }
                        )
                    })
                ),
                Regression::OperationAvailability {
                    operation,
                    old,
                    new,
                    target,
                } => {
                    let (before, after) = availabilities(*old, *new);
                    format!(
                        "`{operation}` availability {before} → {after}{}",
                        target.map_or(String::new(), |target| format!(
                            " (target {}{})",
                            format_percent(target),
                            if *new < target { ", missed" } else { "" }
                        ))
                    )
                }
            })
            .collect();
        return Verdict {
            word: "Worse",
            reasons,
        };
    }
    let mut better = Vec::new();
    if !diff.findings.fixed.is_empty() {
        better.push(format!(
            "{} fixed",
            plural(diff.findings.fixed.len(), "finding")
        ));
    }
    let by_operation = diff.kept_operations().next().is_some();
    for (name, old, new) in diff.kept_operations() {
        for (label, q, _) in new.judged_quantiles() {
            if let (Some(before), Some(after)) =
                (old.end_to_end.quantile(q), new.end_to_end.quantile(q))
                && after < before * (1.0 - latency_tolerance(q))
            {
                better.push(format!(
                    "`{name}` {label} {} → {}",
                    format_duration(before),
                    format_duration(after)
                ));
            }
        }
        if new.nines > old.nines + NINES_TOLERANCE {
            let (before, after) = availabilities(old.availability, new.availability);
            better.push(format!("`{name}` availability {before} → {after}"));
        }
    }
    if let (Some(old), Some(new)) = (&diff.old, &diff.new) {
        match (old.p99(), new.p99()) {
            _ if by_operation => {}
            (Some(before), Some(after)) if after < before * (1.0 - P99_TOLERANCE) => {
                better.push(format!(
                    "p99 {} → {}",
                    format_duration(before),
                    format_duration(after)
                ))
            }
            (None, Some(after)) if old.end_to_end == EndToEnd::Unbounded => {
                better.push(format!("p99 unbounded → {}", format_duration(after)))
            }
            _ => {}
        }
        if !by_operation && new.nines > old.nines + NINES_TOLERANCE {
            let (old, new) = availabilities(old.availability, new.availability);
            better.push(format!("availability {old} → {new}"));
        }
        if !old.n_plus_one() && new.n_plus_one() {
            better.push("N+1 now holds".to_string());
        }
    }
    let word = if better.is_empty() && diff.is_empty() {
        "No change"
    } else {
        "No regression"
    };
    Verdict {
        word,
        reasons: better,
    }
}

/// One row of the figures: name, old, new, change.
struct Figure {
    name: &'static str,
    old: String,
    new: String,
    change: String,
}

/// `+12.5%`, or nothing when the figure did not move by a tenth of a
/// percent.
fn relative_change(old: Option<f64>, new: Option<f64>) -> String {
    match (old, new) {
        (Some(old), Some(new)) if old > 0.0 => {
            let change = crate::design::quantity::format_change((new - old) / old);
            if change == "+0.0%" || change == "-0.0%" {
                String::new()
            } else {
                change
            }
        }
        _ => String::new(),
    }
}

fn n_plus_one_text(fatal: &[FatalFailure]) -> String {
    if fatal.is_empty() {
        return "holds".to_string();
    }
    let failures: Vec<String> = fatal
        .iter()
        .map(|f| format!("{} ({})", f.failure, f.breaks.join(", ")))
        .collect();
    format!("fails: {}", failures.join(", "))
}

/// `99.9994% (5.22 nines)`, with the digits that tell it from `other`.
fn availability_text(metrics: &Metrics, other: Option<&Metrics>) -> String {
    let percent = match other {
        Some(other) => availabilities(metrics.availability, other.availability).0,
        None => format_percent(metrics.availability),
    };
    format!("{percent} ({} nines)", trim_number(metrics.nines))
}

fn figures(old: Option<&Metrics>, new: Option<&Metrics>) -> Vec<Figure> {
    let text = |metrics: Option<&Metrics>, show: &dyn Fn(&Metrics) -> String| {
        metrics.map_or("load never settles".to_string(), show)
    };
    let get = |metrics: Option<&Metrics>, value: &dyn Fn(&Metrics) -> Option<f64>| {
        metrics.and_then(value)
    };
    let latency = |m: &Metrics, value: Option<f64>| match (m.end_to_end, value) {
        (_, Some(seconds)) => format_duration(seconds),
        (EndToEnd::Unbounded, None) => "unbounded".to_string(),
        _ => "-".to_string(),
    };
    let mut rows = vec![
        Figure {
            name: "entry load",
            old: text(old, &|m| format_rate(m.entry_rps)),
            new: text(new, &|m| format_rate(m.entry_rps)),
            change: relative_change(
                get(old, &|m| Some(m.entry_rps)),
                get(new, &|m| Some(m.entry_rps)),
            ),
        },
        Figure {
            name: "entry capacity",
            old: text(old, &|m| {
                m.max_entry_rps.map_or("-".to_string(), format_rate)
            }),
            new: text(new, &|m| {
                m.max_entry_rps.map_or("-".to_string(), format_rate)
            }),
            change: relative_change(
                get(old, &|m| m.max_entry_rps),
                get(new, &|m| m.max_entry_rps),
            ),
        },
        Figure {
            name: "bottleneck",
            old: text(old, &|m| m.bottleneck.clone().unwrap_or("-".to_string())),
            new: text(new, &|m| m.bottleneck.clone().unwrap_or("-".to_string())),
            change: String::new(),
        },
        Figure {
            name: "p50",
            old: text(old, &|m| latency(m, m.p50())),
            new: text(new, &|m| latency(m, m.p50())),
            change: relative_change(get(old, &Metrics::p50), get(new, &Metrics::p50)),
        },
        Figure {
            name: "p99",
            old: text(old, &|m| latency(m, m.p99())),
            new: text(new, &|m| latency(m, m.p99())),
            change: relative_change(get(old, &Metrics::p99), get(new, &Metrics::p99)),
        },
        Figure {
            name: "availability",
            old: text(old, &|m| availability_text(m, new)),
            new: text(new, &|m| availability_text(m, old)),
            change: match (old, new) {
                (Some(old), Some(new)) if (new.nines - old.nines).abs() >= 0.005 => {
                    format!("{:+.2} nines", new.nines - old.nines)
                }
                _ => String::new(),
            },
        },
        Figure {
            name: "N+1",
            old: text(old, &|m| n_plus_one_text(&m.fatal_failures)),
            new: text(new, &|m| n_plus_one_text(&m.fatal_failures)),
            change: match (old.map(Metrics::n_plus_one), new.map(Metrics::n_plus_one)) {
                (Some(true), Some(false)) => "lost".to_string(),
                (Some(false), Some(true)) => "gained".to_string(),
                _ => String::new(),
            },
        },
    ];
    // Only when a side prices its components: designs without a `cost`
    // compare as they always did.
    if get(old, &|m| m.cost_per_month).is_some() || get(new, &|m| m.cost_per_month).is_some() {
        rows.push(Figure {
            name: "cost/month",
            old: text(old, &|m| {
                m.cost_per_month.map_or("-".to_string(), format_cost)
            }),
            new: text(new, &|m| {
                m.cost_per_month.map_or("-".to_string(), format_cost)
            }),
            change: relative_change(
                get(old, &|m| m.cost_per_month),
                get(new, &|m| m.cost_per_month),
            ),
        });
    }
    if let (Some(old), Some(new)) = (old, new)
        && old.bottleneck != new.bottleneck
    {
        for row in &mut rows {
            if row.name == "bottleneck" {
                row.change = "moved".to_string();
            }
        }
    }
    rows
}

/// One row of an operation's figures: the operation (on its first row
/// only), the figure with its target, old, new, change.
struct OperationRow {
    operation: String,
    figure: String,
    old: String,
    new: String,
    change: String,
}

/// `52ms`, `unbounded` or `-`.
fn quantile_text(metrics: &OperationMetrics, q: f64) -> String {
    match (metrics.end_to_end.quantile(q), metrics.end_to_end) {
        (Some(seconds), _) => format_duration(seconds),
        (None, EndToEnd::Unbounded) => "unbounded".to_string(),
        _ => "-".to_string(),
    }
}

/// Whether a figure meets its target, in each revision that has it:
/// `now missed` or `now met` when that changed.
fn target_change(old: Option<bool>, new: Option<bool>) -> Option<&'static str> {
    match (old, new) {
        (Some(true), Some(false)) => Some("now missed"),
        (Some(false), Some(true)) => Some("now met"),
        _ => None,
    }
}

fn joined(parts: [Option<String>; 2]) -> String {
    parts.into_iter().flatten().collect::<Vec<_>>().join(", ")
}

/// Each operation's rate, p50, p99, p999 and availability in both
/// revisions, with its targets (the new revision's, or the old one's for
/// an operation removed).
fn operation_rows(pair: &OperationPair) -> Vec<OperationRow> {
    let (old, new) = (pair.old.as_ref(), pair.new.as_ref());
    let Some(judged) = new.or(old) else {
        return Vec::new();
    };
    let side = |metrics: Option<&OperationMetrics>, show: &dyn Fn(&OperationMetrics) -> String| {
        metrics.map_or("-".to_string(), show)
    };
    let lifecycle = match (old, new) {
        (None, Some(_)) => Some("added".to_string()),
        (Some(_), None) => Some("removed".to_string()),
        _ => None,
    };
    let mut rows = vec![OperationRow {
        operation: pair.name.clone(),
        figure: "rate".to_string(),
        old: side(old, &|m| format_rate(m.rps)),
        new: side(new, &|m| format_rate(m.rps)),
        change: joined([
            lifecycle,
            Some(relative_change(old.map(|m| m.rps), new.map(|m| m.rps))).filter(|c| !c.is_empty()),
        ]),
    }];
    for (label, q) in [("p50", 0.5), ("p99", 0.99), ("p999", 0.999)] {
        let target = judged
            .latency_slo
            .iter()
            .find(|goal| (goal.quantile - q).abs() < 1e-9)
            .map(|goal| goal.seconds);
        let meets = |metrics: Option<&OperationMetrics>| {
            let target = target?;
            let metrics = metrics?;
            match metrics.end_to_end {
                EndToEnd::Unbounded => Some(false),
                _ => Some(metrics.end_to_end.quantile(q)? <= target),
            }
        };
        rows.push(OperationRow {
            operation: String::new(),
            figure: match target {
                Some(target) => format!("{label} ≤ {}", format_duration(target)),
                None => label.to_string(),
            },
            old: side(old, &|m| quantile_text(m, q)),
            new: side(new, &|m| quantile_text(m, q)),
            change: joined([
                Some(relative_change(
                    old.and_then(|m| m.end_to_end.quantile(q)),
                    new.and_then(|m| m.end_to_end.quantile(q)),
                ))
                .filter(|c| !c.is_empty()),
                target_change(meets(old), meets(new)).map(str::to_string),
            ]),
        });
    }
    let target = judged.availability_slo;
    let meets = |metrics: Option<&OperationMetrics>| Some(metrics?.availability >= target?);
    let (old_availability, new_availability) = match (old, new) {
        (Some(old), Some(new)) => {
            let (before, after) = availabilities(old.availability, new.availability);
            (before, after)
        }
        _ => (
            side(old, &|m| format_percent(m.availability)),
            side(new, &|m| format_percent(m.availability)),
        ),
    };
    rows.push(OperationRow {
        operation: String::new(),
        figure: match target {
            Some(target) => format!("availability ≥ {}", format_percent(target)),
            None => "availability".to_string(),
        },
        old: old_availability,
        new: new_availability,
        change: joined([
            match (old, new) {
                (Some(old), Some(new)) if (new.nines - old.nines).abs() >= 0.005 => {
                    Some(format!("{:+.2} nines", new.nines - old.nines))
                }
                _ => None,
            },
            target_change(meets(old), meets(new)).map(str::to_string),
        ]),
    });
    rows
}

/// Where a finding is, in the revision it belongs to: `new 25:15`.
fn place(side: &str, diagnostic: &Diagnostic) -> String {
    diagnostic.span.map_or(side.to_string(), |span| {
        format!("{side} {}:{}", span.line, span.column)
    })
}

fn added_and_removed(added: &[Named], removed: &[Named]) -> Vec<String> {
    added
        .iter()
        .map(|c| format!("+ {} ({})", c.name, c.kind))
        .chain(removed.iter().map(|c| format!("- {} ({})", c.name, c.kind)))
        .collect()
}

/// Each changed field as a row: the component (none for the design's own
/// settings), the field, old, new.
fn field_rows(diff: &Diff) -> Vec<(Option<String>, String, String, String)> {
    let row = |owner: Option<&str>, change: &FieldChange| {
        let (old, new) = change.texts();
        (owner.map(str::to_string), change.field.clone(), old, new)
    };
    diff.design
        .iter()
        .map(|change| row(None, change))
        .chain(diff.changed.iter().flat_map(|c| {
            c.fields
                .iter()
                .map(move |change| row(Some(&c.name), change))
        }))
        .collect()
}

/// The diff for people: the verdict, then what changed, the findings and
/// the figures.
pub fn render_text(diff: &Diff, labels: &Labels, threshold: Severity) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} → {}", labels.old, labels.new);
    let _ = writeln!(out, "{}", verdict(diff, threshold).line(false));

    let lines = added_and_removed(&diff.added, &diff.removed);
    let rows = field_rows(diff);
    if !lines.is_empty() || !rows.is_empty() {
        let _ = writeln!(out, "\nComponents:");
        for line in lines {
            let _ = writeln!(out, "  {line}");
        }
        if !rows.is_empty() {
            let mut table = table();
            table.set_header(["component", "field", "old", "new"]);
            for (owner, field, old, new) in rows {
                table.add_row([owner.unwrap_or("(design)".to_string()), field, old, new]);
            }
            let _ = writeln!(out, "{table}");
        }
    }

    let findings = &diff.findings;
    if !findings.fixed.is_empty() || !findings.introduced.is_empty() {
        let _ = writeln!(
            out,
            "\nFindings: {} fixed, {} introduced, {} unchanged",
            findings.fixed.len(),
            findings.introduced.len(),
            findings.unchanged
        );
        let mut table = table();
        table.set_header(["", "severity", "rule", "component", "message", "at"]);
        for (label, side, list) in [
            ("introduced", "new", &findings.introduced),
            ("fixed", "old", &findings.fixed),
        ] {
            for finding in list {
                table.add_row([
                    label.to_string(),
                    finding.severity.to_string(),
                    format!("{} {}", finding.code, finding.name),
                    finding.component.clone().unwrap_or_default(),
                    finding.message.clone(),
                    place(side, finding),
                ]);
            }
        }
        let _ = writeln!(out, "{table}");
    }

    if !findings.complete {
        let _ = writeln!(out, "\n{PARTIAL}");
    }

    let _ = writeln!(out, "\nFigures:");
    let mut table = table();
    table.set_header(["", "old", "new", "change"]);
    for figure in figures(diff.old.as_ref(), diff.new.as_ref()) {
        table.add_row([
            figure.name.to_string(),
            figure.old,
            figure.new,
            figure.change,
        ]);
    }
    for column in 1..table.column_count() {
        if let Some(column) = table.column_mut(column) {
            column.set_cell_alignment(CellAlignment::Right);
        }
    }
    let _ = writeln!(out, "{table}");

    if !diff.operations.is_empty() {
        let _ = writeln!(out, "\nOperations:");
        let mut operations = self::table();
        operations.set_header(["operation", "", "old", "new", "change"]);
        for pair in &diff.operations {
            for row in operation_rows(pair) {
                operations.add_row([row.operation, row.figure, row.old, row.new, row.change]);
            }
        }
        for column in 2..operations.column_count() {
            if let Some(column) = operations.column_mut(column) {
                column.set_cell_alignment(CellAlignment::Right);
            }
        }
        let _ = writeln!(out, "{operations}");
    }
    out
}

/// Text safe in a Markdown table cell and inert: [`escape::markdown`].
fn cell(text: &str) -> String {
    escape::markdown(text)
}

/// Text as inline code that nothing inside can close:
/// [`escape::markdown_code`].
fn code(text: &str) -> String {
    escape::markdown_code(text)
}

/// The diff as a pull-request comment: the verdict in bold, then tables.
pub fn render_markdown(diff: &Diff, labels: &Labels, threshold: Severity) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", verdict(diff, threshold).line(true));
    let _ = writeln!(out, "\n{} → {}", code(labels.old), code(labels.new));

    let _ = writeln!(out, "\n| | old | new | change |\n|---|---:|---:|---:|");
    for figure in figures(diff.old.as_ref(), diff.new.as_ref()) {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            figure.name,
            cell(&figure.old),
            cell(&figure.new),
            cell(&figure.change)
        );
    }

    if !diff.operations.is_empty() {
        let _ = writeln!(
            out,
            "\n#### Operations\n\n| operation | | old | new | change |\n|---|---|---:|---:|---:|"
        );
        for pair in &diff.operations {
            for row in operation_rows(pair) {
                let operation = if row.operation.is_empty() {
                    String::new()
                } else {
                    code(&row.operation)
                };
                let _ = writeln!(
                    out,
                    "| {operation} | {} | {} | {} | {} |",
                    cell(&row.figure),
                    cell(&row.old),
                    cell(&row.new),
                    cell(&row.change)
                );
            }
        }
    }

    let rows = field_rows(diff);
    if !diff.added.is_empty() || !diff.removed.is_empty() || !rows.is_empty() {
        let _ = writeln!(out, "\n#### Components\n");
        for component in &diff.added {
            let _ = writeln!(
                out,
                "- added: {} ({})",
                code(&component.name),
                component.kind
            );
        }
        for component in &diff.removed {
            let _ = writeln!(
                out,
                "- removed: {} ({})",
                code(&component.name),
                component.kind
            );
        }
        if !rows.is_empty() {
            if !diff.added.is_empty() || !diff.removed.is_empty() {
                out.push('\n');
            }
            let _ = writeln!(out, "| component | field | old | new |\n|---|---|---|---|");
            for (owner, field, old, new) in rows {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} |",
                    owner.as_deref().map_or("*design*".to_string(), code),
                    code(&field),
                    cell(&old),
                    cell(&new)
                );
            }
        }
    }

    let findings = &diff.findings;
    if !findings.fixed.is_empty() || !findings.introduced.is_empty() {
        let _ = writeln!(
            out,
            "\n#### Findings: {} fixed, {} introduced, {} unchanged\n",
            findings.fixed.len(),
            findings.introduced.len(),
            findings.unchanged
        );
        let _ = writeln!(
            out,
            "| | severity | rule | component | message |\n|---|---|---|---|---|"
        );
        for (label, list) in [
            ("introduced", &findings.introduced),
            ("fixed", &findings.fixed),
        ] {
            for finding in list {
                let _ = writeln!(
                    out,
                    "| {label} | {} | {} {} | {} | {} |",
                    finding.severity,
                    finding.code,
                    finding.name,
                    finding.component.as_deref().map_or(String::new(), code),
                    markup::markdown(&finding.message)
                );
            }
        }
    }
    if !findings.complete {
        let _ = writeln!(out, "\n{PARTIAL}");
    }
    out
}

#[derive(Serialize)]
struct Output<'a> {
    version: u32,
    old: &'a str,
    new: &'a str,
    regression: bool,
    regressions: Vec<RegressionOutput>,
    design: DesignOutput<'a>,
    components: ComponentsOutput<'a>,
    findings: FindingsOutput<'a>,
    metrics: MetricsOutput,
    operations: Vec<OperationOutput<'a>>,
}

/// One operation of either revision: a side without it has nulls.
#[derive(Serialize)]
struct OperationOutput<'a> {
    name: &'a str,
    rps: Pair<f64>,
    p50_s: Pair<f64>,
    p99_s: Pair<f64>,
    p999_s: Pair<f64>,
    unbounded: Pair<bool>,
    availability: Pair<f64>,
    nines: Pair<f64>,
    /// `{"p99": 0.06}`, seconds.
    latency_slo: Pair<std::collections::BTreeMap<&'static str, f64>>,
    availability_slo: Pair<f64>,
}

impl<'a> OperationOutput<'a> {
    fn of(pair: &'a OperationPair) -> Self {
        fn both<T: Serialize>(
            pair: &OperationPair,
            value: impl Fn(&OperationMetrics) -> Option<T>,
        ) -> Pair<T> {
            Pair {
                old: pair.old.as_ref().and_then(&value),
                new: pair.new.as_ref().and_then(&value),
            }
        }
        OperationOutput {
            name: &pair.name,
            rps: both(pair, |m| Some(m.rps)),
            p50_s: both(pair, |m| m.end_to_end.quantile(0.5)),
            p99_s: both(pair, |m| m.end_to_end.quantile(0.99)),
            p999_s: both(pair, |m| m.end_to_end.quantile(0.999)),
            unbounded: both(pair, |m| Some(m.end_to_end == EndToEnd::Unbounded)),
            availability: both(pair, |m| Some(m.availability)),
            nines: both(pair, |m| Some(m.nines)),
            latency_slo: both(pair, |m| {
                Some(
                    m.latency_slo
                        .iter()
                        .map(|goal| (goal.label, goal.seconds))
                        .collect(),
                )
            }),
            availability_slo: both(pair, |m| m.availability_slo),
        }
    }
}

#[derive(Serialize)]
struct DesignOutput<'a> {
    fields: &'a [FieldChange],
}

#[derive(Serialize)]
struct ComponentsOutput<'a> {
    added: Vec<&'a str>,
    removed: Vec<&'a str>,
    changed: Vec<ChangedOutput<'a>>,
}

#[derive(Serialize)]
struct ChangedOutput<'a> {
    name: &'a str,
    fields: &'a [FieldChange],
}

#[derive(Serialize)]
struct FindingsOutput<'a> {
    fixed: Vec<FindingOutput<'a>>,
    introduced: Vec<FindingOutput<'a>>,
    unchanged: usize,
    complete: bool,
}

#[derive(Serialize)]
struct FindingOutput<'a> {
    code: &'a str,
    name: &'a str,
    severity: Severity,
    component: Option<&'a str>,
    message: &'a str,
    line: Option<u32>,
    column: Option<u32>,
}

impl<'a> FindingOutput<'a> {
    fn of(diagnostic: &'a Diagnostic) -> Self {
        FindingOutput {
            code: diagnostic.code,
            name: diagnostic.name,
            severity: diagnostic.severity,
            component: diagnostic.component.as_deref(),
            message: &diagnostic.message,
            line: diagnostic.span.map(|s| s.line),
            column: diagnostic.span.map(|s| s.column),
        }
    }
}

#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum RegressionOutput {
    Findings {
        count: usize,
        at_or_above: Severity,
    },
    P99 {
        old_s: f64,
        new_s: Option<f64>,
    },
    Availability {
        old: f64,
        new: f64,
    },
    OperationLatency {
        operation: String,
        quantile: &'static str,
        old_s: f64,
        new_s: Option<f64>,
        target_s: Option<f64>,
    },
    OperationAvailability {
        operation: String,
        old: f64,
        new: f64,
        target: Option<f64>,
    },
}

#[derive(Serialize)]
struct Pair<T: Serialize> {
    old: Option<T>,
    new: Option<T>,
}

impl<T: Serialize> Pair<T> {
    fn is_empty(&self) -> bool {
        self.old.is_none() && self.new.is_none()
    }
}

#[derive(Serialize)]
struct FatalOutput {
    failure: String,
    breaks: Vec<String>,
}

#[derive(Serialize)]
struct MetricsOutput {
    entry_rps: Pair<f64>,
    max_entry_rps: Pair<f64>,
    bottleneck: Pair<String>,
    p50_s: Pair<f64>,
    p99_s: Pair<f64>,
    p99_unbounded: Pair<bool>,
    availability: Pair<f64>,
    nines: Pair<f64>,
    n_plus_one: Pair<bool>,
    fatal_single_failures: Pair<Vec<FatalOutput>>,
    /// Left out when neither side prices a component.
    #[serde(skip_serializing_if = "Pair::is_empty")]
    cost_per_month: Pair<f64>,
}

fn pair<T: Serialize>(
    old: Option<&Metrics>,
    new: Option<&Metrics>,
    value: impl Fn(&Metrics) -> Option<T>,
) -> Pair<T> {
    Pair {
        old: old.and_then(&value),
        new: new.and_then(&value),
    }
}

/// The diff as the stable JSON of the README: base units (requests/s,
/// seconds, fractions); a side whose load never settles has nulls.
pub fn render_json(diff: &Diff, labels: &Labels, threshold: Severity) -> String {
    let (old, new) = (diff.old.as_ref(), diff.new.as_ref());
    let regressions: Vec<RegressionOutput> = diff
        .regressions(threshold)
        .into_iter()
        .map(|regression| match regression {
            Regression::Findings { count, threshold } => RegressionOutput::Findings {
                count,
                at_or_above: threshold,
            },
            Regression::P99 { old, new } => RegressionOutput::P99 {
                old_s: old,
                new_s: new,
            },
            Regression::Availability { old, new } => RegressionOutput::Availability { old, new },
            Regression::OperationLatency {
                operation,
                label,
                old,
                new,
                target,
            } => RegressionOutput::OperationLatency {
                operation,
                quantile: label,
                old_s: old,
                new_s: new,
                target_s: target,
            },
            Regression::OperationAvailability {
                operation,
                old,
                new,
                target,
            } => RegressionOutput::OperationAvailability {
                operation,
                old,
                new,
                target,
            },
        })
        .collect();
    let output = Output {
        version: 1,
        old: labels.old,
        new: labels.new,
        regression: !regressions.is_empty(),
        regressions,
        design: DesignOutput {
            fields: &diff.design,
        },
        components: ComponentsOutput {
            added: diff.added.iter().map(|c| c.name.as_str()).collect(),
            removed: diff.removed.iter().map(|c| c.name.as_str()).collect(),
            changed: diff
                .changed
                .iter()
                .map(|c| ChangedOutput {
                    name: &c.name,
                    fields: &c.fields,
                })
                .collect(),
        },
        findings: FindingsOutput {
            fixed: diff.findings.fixed.iter().map(FindingOutput::of).collect(),
            introduced: diff
                .findings
                .introduced
                .iter()
                .map(FindingOutput::of)
                .collect(),
            unchanged: diff.findings.unchanged,
            complete: diff.findings.complete,
        },
        metrics: MetricsOutput {
            entry_rps: pair(old, new, |m| Some(m.entry_rps)),
            max_entry_rps: pair(old, new, |m| m.max_entry_rps),
            bottleneck: pair(old, new, |m| m.bottleneck.clone()),
            p50_s: pair(old, new, Metrics::p50),
            p99_s: pair(old, new, Metrics::p99),
            p99_unbounded: pair(old, new, |m| Some(m.end_to_end == EndToEnd::Unbounded)),
            availability: pair(old, new, |m| Some(m.availability)),
            nines: pair(old, new, |m| Some(m.nines)),
            n_plus_one: pair(old, new, |m| Some(m.n_plus_one())),
            fatal_single_failures: pair(old, new, |m| {
                Some(
                    m.fatal_failures
                        .iter()
                        .map(|f| FatalOutput {
                            failure: f.failure.clone(),
                            breaks: f.breaks.clone(),
                        })
                        .collect(),
                )
            }),
            cost_per_month: pair(old, new, |m| m.cost_per_month),
        },
        operations: diff.operations.iter().map(OperationOutput::of).collect(),
    };
    let mut text = serde_json::to_string_pretty(&output).expect("plain data serialises");
    text.push('\n');
    text
}
