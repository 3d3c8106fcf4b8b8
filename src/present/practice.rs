//! `blueprint practice`: the list of scenarios and a grade, as text for
//! people and as the stable JSON for machines (base units: requests/s,
//! seconds, fractions).

use std::fmt::Write;

use serde::Serialize;

use crate::design::quantity::{format_duration, format_percent, format_rate, trim_number};
use crate::practice::grade::{LatencyGoal, WorkloadGoal};
use crate::practice::{Grade, Scenario};

/// The scenarios as a table: name, difficulty, title.
pub fn render_list_text(scenarios: &[Scenario]) -> String {
    let mut table = super::table();
    table.set_header(["name", "difficulty", "title"]);
    for scenario in scenarios {
        table.add_row([
            scenario.name.as_str(),
            scenario.difficulty.as_str(),
            scenario.title.as_str(),
        ]);
    }
    format!("{table}\nStart one with `blueprint practice start NAME`.\n")
}

#[derive(Serialize)]
struct ListOutput<'a> {
    version: u32,
    scenarios: Vec<ScenarioRow<'a>>,
}

#[derive(Serialize)]
struct ScenarioRow<'a> {
    name: &'a str,
    title: &'a str,
    difficulty: &'static str,
}

/// `{"version": 1, "scenarios": [{"name", "title", "difficulty"}]}`.
pub fn render_list_json(scenarios: &[Scenario]) -> String {
    let output = ListOutput {
        version: 1,
        scenarios: scenarios
            .iter()
            .map(|s| ScenarioRow {
                name: &s.name,
                title: &s.title,
                difficulty: s.difficulty.as_str(),
            })
            .collect(),
    };
    let json = serde_json::to_string_pretty(&output).expect("plain data serialises");
    format!("{json}\n")
}

/// The grade for people: the targets, one block per criterion (the
/// reason, and the hint when it failed), and the score.
pub fn render_grade_text(grade: &Grade, path: &str) -> String {
    let targets = &grade.targets;
    let latency = |goals: &[LatencyGoal]| {
        goals
            .iter()
            .map(|goal| format!("{} <= {}", goal.label, format_duration(goal.seconds)))
            .collect::<Vec<String>>()
            .join(", ")
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{path} graded as {}: peak {}, {}, availability >= {}",
        grade.scenario,
        format_rate(targets.peak_rps),
        latency(&targets.latency),
        format_percent(targets.availability)
    );
    for operation in &targets.operations {
        let _ = writeln!(
            out,
            "  operation `{}`: {}, availability >= {}",
            operation.name,
            latency(&operation.latency),
            format_percent(operation.availability)
        );
    }
    if let Some(workload) = &targets.workload {
        let _ = writeln!(
            out,
            "  workload at the peak: reads {} ({}), writes {} ({}), each within {}%",
            format_rate(workload.peak_read_rps),
            workload.reads.join(", "),
            format_rate(workload.peak_write_rps),
            workload.writes.join(", "),
            trim_number(workload.tolerance * 100.0)
        );
    }
    out.push('\n');
    for criterion in &grade.criteria {
        let mark = if criterion.passed { "pass" } else { "FAIL" };
        let _ = writeln!(
            out,
            "{mark} {:>3}/{:<3} {}",
            criterion.score(),
            criterion.points,
            criterion.title
        );
        let _ = writeln!(out, "             {}", criterion.reason);
        if let Some(hint) = &criterion.hint {
            let _ = writeln!(out, "             hint: {hint}");
        }
    }
    let verdict = if grade.passed() {
        "passed"
    } else {
        "not passed"
    };
    let _ = writeln!(
        out,
        "\nscore {}/{} (pass mark {}): {verdict}",
        grade.score(),
        grade.max_score(),
        grade.pass_mark
    );
    out
}

#[derive(Serialize)]
struct GradeOutput<'a> {
    version: u32,
    scenario: &'a str,
    design: &'a str,
    targets: TargetsOutput<'a>,
    score: u32,
    max_score: u32,
    pass_mark: u32,
    passed: bool,
    criteria: Vec<CriterionOutput<'a>>,
}

#[derive(Serialize)]
struct TargetsOutput<'a> {
    peak_rps: f64,
    latency_s: serde_json::Map<String, serde_json::Value>,
    availability: f64,
    max_utilization: f64,
    /// Each of the scenario's operations, judged on its own.
    operations: Vec<OperationTargetOutput<'a>>,
    workload: Option<&'a WorkloadGoal>,
}

#[derive(Serialize)]
struct OperationTargetOutput<'a> {
    name: &'a str,
    latency_s: serde_json::Map<String, serde_json::Value>,
    availability: f64,
}

fn latency_map(goals: &[LatencyGoal]) -> serde_json::Map<String, serde_json::Value> {
    goals
        .iter()
        .map(|goal| (goal.label.to_string(), goal.seconds.into()))
        .collect()
}

#[derive(Serialize)]
struct CriterionOutput<'a> {
    id: &'a str,
    title: &'a str,
    points: u32,
    score: u32,
    passed: bool,
    reason: &'a str,
    hint: Option<&'a str>,
}

/// The grade for machines.
pub fn render_grade_json(grade: &Grade, path: &str) -> String {
    let targets = &grade.targets;
    let output = GradeOutput {
        version: 1,
        scenario: &grade.scenario,
        design: path,
        targets: TargetsOutput {
            peak_rps: targets.peak_rps,
            latency_s: latency_map(&targets.latency),
            availability: targets.availability,
            max_utilization: targets.max_utilization,
            operations: targets
                .operations
                .iter()
                .map(|operation| OperationTargetOutput {
                    name: &operation.name,
                    latency_s: latency_map(&operation.latency),
                    availability: operation.availability,
                })
                .collect(),
            workload: targets.workload.as_ref(),
        },
        score: grade.score(),
        max_score: grade.max_score(),
        pass_mark: grade.pass_mark,
        passed: grade.passed(),
        criteria: grade
            .criteria
            .iter()
            .map(|c| CriterionOutput {
                id: &c.id,
                title: &c.title,
                points: c.points,
                score: c.score(),
                passed: c.passed,
                reason: &c.reason,
                hint: c.hint.as_deref(),
            })
            .collect(),
    };
    let json = serde_json::to_string_pretty(&output).expect("plain data serialises");
    format!("{json}\n")
}
