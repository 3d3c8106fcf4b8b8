//! Grading a candidate's design against a scenario: the targets come from
//! the scenario's starter (never from the candidate's own `requirements`,
//! which could be weakened), the load is set to the scenario's peak, and
//! each criterion is a pass or a fail worth a number of points, with the
//! reason in figures and the hint an interviewer would give.

use std::collections::BTreeSet;

use crate::capacity::failure::Failure;
use crate::capacity::latency::EndToEnd;
use crate::capacity::latency::NoLatency;
use crate::capacity::{self, Estimate, EstimateError, OperationEstimate};
use crate::design::quantity::{format_duration, format_percent, format_rate, trim_number};
use crate::design::{Design, Kind};
use crate::diagnostic::Severity;
use crate::rules::Selection;
use crate::{Analysis, CheckOptions};

use super::needs::{self, Evidence};
use super::scenario::Scenario;

/// The criteria every scenario shares; the scenario's needs carry the
/// rest of the 100 points.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shared {
    Capacity,
    Latency,
    Availability,
    ZoneLoss,
    Findings,
}

impl Shared {
    const ALL: [Shared; 5] = [
        Shared::Capacity,
        Shared::Latency,
        Shared::Availability,
        Shared::ZoneLoss,
        Shared::Findings,
    ];

    fn id(self) -> &'static str {
        match self {
            Shared::Capacity => "capacity",
            Shared::Latency => "latency",
            Shared::Availability => "availability",
            Shared::ZoneLoss => "zone_loss",
            Shared::Findings => "findings",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Shared::Capacity => "carries the peak load with headroom",
            Shared::Latency => "meets the latency targets",
            Shared::Availability => "meets the availability target",
            Shared::ZoneLoss => "survives the loss of any one zone",
            Shared::Findings => "has no error findings",
        }
    }

    const fn points(self) -> u32 {
        match self {
            Shared::Capacity => 20,
            Shared::Latency | Shared::ZoneLoss => 15,
            Shared::Availability | Shared::Findings => 10,
        }
    }

    /// The criterion, with the hint kept only when it failed.
    fn judged(self, passed: bool, reason: String, hint: Option<String>) -> Criterion {
        Criterion {
            id: self.id().to_string(),
            title: self.title().to_string(),
            points: self.points(),
            passed,
            reason,
            hint: if passed { None } else { hint },
        }
    }
}

/// What the shared criteria are worth together.
pub const SHARED_POINTS: u32 = {
    let mut total = 0;
    let mut index = 0;
    while index < Shared::ALL.len() {
        total += Shared::ALL[index].points();
        index += 1;
    }
    total
};

/// Rules whose subject another criterion already grades against the
/// scenario's targets: saturation and queue backlog (capacity), and the
/// design's own latency and availability targets.
const GRADED_ELSEWHERE: [&str; 4] = ["BP201", "BP203", "BP204", "BP206"];

/// Kinds that need not say which zones they run in: load comes from
/// clients, externals are someone else's, CDNs and DNS are global.
const ZONELESS_KINDS: [Kind; 4] = [Kind::Client, Kind::External, Kind::Cdn, Kind::Dns];

/// One end-to-end latency target.
#[derive(Clone, Debug, PartialEq)]
pub struct LatencyGoal {
    /// `p99`.
    pub label: &'static str,
    /// 0.99.
    pub quantile: f64,
    pub seconds: f64,
}

/// What the design is graded against.
#[derive(Clone, Debug, PartialEq)]
pub struct Targets {
    pub peak_rps: f64,
    pub latency: Vec<LatencyGoal>,
    pub availability: f64,
    /// The busiest component's utilisation at the peak must not exceed it.
    pub max_utilization: f64,
    /// The operations the starter declares, each judged on its own; empty
    /// when the question has one kind of request (the whole traffic is
    /// judged against the targets above).
    pub operations: Vec<OperationGoal>,
    /// The workload's peak reads and writes (requests/s), which the
    /// design's operations must carry in the same proportion.
    pub workload: Option<WorkloadGoal>,
}

/// The targets of one of the scenario's operations: its own in the
/// starter, or the scenario's.
#[derive(Clone, Debug, PartialEq)]
pub struct OperationGoal {
    pub name: String,
    pub latency: Vec<LatencyGoal>,
    pub availability: f64,
}

/// The envelope's peak reads and writes, and the operations that are each.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct WorkloadGoal {
    pub peak_read_rps: f64,
    pub peak_write_rps: f64,
    pub reads: Vec<String>,
    pub writes: Vec<String>,
    /// How far (a fraction) the design's rates may be from the workload's.
    pub tolerance: f64,
}

/// One line of the grade.
#[derive(Clone, Debug, PartialEq)]
pub struct Criterion {
    /// snake_case and stable: `capacity`, `latency`, `availability`,
    /// `zone_loss`, `findings`, or a need's id.
    pub id: String,
    pub title: String,
    pub points: u32,
    pub passed: bool,
    /// Why, with the figures.
    pub reason: String,
    /// What an interviewer would say; only when it failed.
    pub hint: Option<String>,
}

impl Criterion {
    pub fn score(&self) -> u32 {
        if self.passed { self.points } else { 0 }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Grade {
    pub scenario: String,
    pub targets: Targets,
    pub criteria: Vec<Criterion>,
    pub pass_mark: u32,
}

impl Grade {
    pub fn score(&self) -> u32 {
        self.criteria.iter().map(Criterion::score).sum()
    }

    pub fn max_score(&self) -> u32 {
        self.criteria.iter().map(|c| c.points).sum()
    }

    pub fn passed(&self) -> bool {
        self.score() >= self.pass_mark
    }
}

/// The scenario's targets: its starter's requirements (the peak as the
/// capacity model derives it) and its rubric's utilisation ceiling.
pub fn targets(scenario: &Scenario) -> Result<Targets, String> {
    let broken = |what: &str| format!("scenarios/{}/starter.yaml: {what}", scenario.name);
    let starter = crate::analyse(scenario.starter.as_bytes())
        .map_err(|_| broken("the starter design cannot be read"))?;
    let requirements = &starter.design.requirements;
    let options = capacity::Options {
        quantiles: false,
        ..capacity::Options::default()
    };
    let peak_rps = capacity::estimate(&starter.design, &starter.ways, &options)
        .map_err(|_| broken("the starter design cannot be estimated"))?
        .entry_rps;
    let availability = requirements
        .availability_slo
        .as_ref()
        .ok_or_else(|| broken("no `availability_slo`"))?
        .value;
    if peak_rps <= 0.0 || requirements.latency_slo.is_empty() {
        return Err(broken("no peak load or no `latency_slo`"));
    }
    let ways = &starter.ways;
    let operations = if ways.declared() {
        ways.entering()
            .map(|(_, operation)| OperationGoal {
                name: operation.name.clone(),
                latency: operation
                    .latency_slo
                    .iter()
                    .map(|t| LatencyGoal {
                        label: t.label,
                        quantile: t.quantile,
                        seconds: t.seconds.value,
                    })
                    .collect(),
                availability: operation
                    .availability_slo
                    .as_ref()
                    .map_or(availability, |t| t.value),
            })
            .collect()
    } else {
        Vec::new()
    };
    let workload = match (&scenario.rubric.workload, &requirements.workload) {
        (None, _) => None,
        (Some(_), None) => return Err(broken("the rubric's `workload` needs one in the starter")),
        (Some(rubric), Some(workload)) => {
            let envelope = capacity::envelope::compute(&starter.design, &workload.value);
            for name in rubric.reads.iter().chain(&rubric.writes) {
                if !operations.iter().any(|o| &o.name == name) {
                    return Err(broken(&format!(
                        "the rubric's workload names `{name}`, which the starter does not declare"
                    )));
                }
            }
            Some(WorkloadGoal {
                peak_read_rps: envelope.peak_read_rps,
                peak_write_rps: envelope.peak_write_rps,
                reads: rubric.reads.clone(),
                writes: rubric.writes.clone(),
                tolerance: rubric.tolerance,
            })
        }
    };
    Ok(Targets {
        peak_rps,
        latency: requirements
            .latency_slo
            .iter()
            .map(|t| LatencyGoal {
                label: t.label,
                quantile: t.quantile,
                seconds: t.seconds.value,
            })
            .collect(),
        availability,
        max_utilization: scenario.rubric.max_utilization,
        operations,
        workload,
    })
}

/// Grades a design (already read) against a scenario. Fails only when the
/// bundled scenario itself is broken.
pub fn grade(scenario: &Scenario, analysis: &Analysis) -> Result<Grade, String> {
    let targets = targets(scenario)?;
    let options = capacity::Options {
        entry_rps: Some(targets.peak_rps),
        target_utilization: Some(targets.max_utilization),
        ..capacity::Options::default()
    };
    let criteria = match capacity::estimate(&analysis.design, &analysis.ways, &options) {
        Err(EstimateError::Unbounded(unbounded)) => {
            let names: Vec<String> = unbounded
                .components
                .iter()
                .map(|&id| format!("`{}`", analysis.design.components[id].name()))
                .collect();
            nothing_to_grade(
                scenario,
                format!(
                    "the loop through {} never settles: each message makes at least one more",
                    names.join(", ")
                ),
                "break the loop: a message must not produce as many new messages as it consumes",
            )
        }
        // No failure is asked for here, so none can name a stranger.
        Err(EstimateError::Failure(message)) => nothing_to_grade(scenario, message, ""),
        Ok(estimate) if !serves(&analysis.design, &estimate) => nothing_to_grade(
            scenario,
            "nothing serves the requests yet: the clients call no component".to_string(),
            "add the component the clients call first, then what it needs to answer them",
        ),
        Ok(estimate) => {
            let mut criteria = vec![
                capacity_criterion(analysis, &estimate, &targets),
                latency_criterion(analysis, &estimate, &targets),
                availability_criterion(analysis, &estimate, &targets),
                zone_loss_criterion(analysis, &estimate, &targets),
                findings_criterion(analysis, &estimate),
            ];
            if let Some(workload) = &targets.workload {
                criteria.push(workload_criterion(scenario, analysis, &estimate, workload));
            }
            let evidence = Evidence {
                design: &analysis.design,
                topology: &analysis.topology,
                ways: &analysis.ways,
                estimate: &estimate,
            };
            for need in &scenario.rubric.needs {
                let outcome = needs::evaluate(&need.check, &evidence);
                criteria.push(Criterion {
                    id: need.id.clone(),
                    title: need.title.clone(),
                    points: need.points,
                    hint: (!outcome.passed).then(|| need.hint.clone()),
                    passed: outcome.passed,
                    reason: outcome.reason,
                });
            }
            criteria
        }
    };
    Ok(Grade {
        scenario: scenario.name.clone(),
        targets,
        criteria,
        pass_mark: scenario.rubric.pass_mark,
    })
}

/// True when some component other than a client takes load.
fn serves(design: &Design, estimate: &Estimate) -> bool {
    design
        .components
        .iter()
        .zip(&estimate.components)
        .any(|(component, e)| component.kind() != Kind::Client && e.load.total() > 0.0)
}

/// Every criterion failed for one reason: the design cannot be graded yet.
fn nothing_to_grade(scenario: &Scenario, reason: String, hint: &str) -> Vec<Criterion> {
    let mut criteria: Vec<Criterion> = Shared::ALL
        .iter()
        .map(|shared| {
            let first = *shared == Shared::Capacity && !hint.is_empty();
            shared.judged(false, reason.clone(), first.then(|| hint.to_string()))
        })
        .collect();
    if let Some(workload) = &scenario.rubric.workload {
        criteria.push(Criterion {
            id: WORKLOAD_ID.to_string(),
            title: WORKLOAD_TITLE.to_string(),
            points: workload.points,
            passed: false,
            reason: reason.clone(),
            hint: Some(WORKLOAD_HINT.to_string()),
        });
    }
    criteria.extend(scenario.rubric.needs.iter().map(|need| Criterion {
        id: need.id.clone(),
        title: need.title.clone(),
        points: need.points,
        passed: false,
        reason: reason.clone(),
        hint: Some(need.hint.clone()),
    }));
    criteria
}

fn percent(fraction: f64) -> String {
    format!("{}%", trim_number(fraction * 100.0))
}

/// `1 warning`, `2 warnings`.
fn counted(count: usize, noun: &str) -> String {
    format!("{count} {noun}{}", if count == 1 { "" } else { "s" })
}

fn quoted(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The busiest component stays under the ceiling at the scenario's peak,
/// and nothing a request waits on is left out of the model.
fn capacity_criterion(analysis: &Analysis, estimate: &Estimate, targets: &Targets) -> Criterion {
    let design = &analysis.design;
    let peak = format_rate(targets.peak_rps);
    let unmodelled: Vec<&str> = design
        .components
        .iter()
        .enumerate()
        .filter(|(id, c)| {
            analysis.ways.on_request_path[*id] && c.kind() != Kind::Client && c.service.is_none()
        })
        .map(|(_, c)| c.name())
        .collect();
    if !unmodelled.is_empty() {
        return Shared::Capacity.judged(
            false,
            format!(
                "{} on the request path {} no capacity or latency, so the load on {} cannot be checked",
                quoted(&unmodelled),
                if unmodelled.len() == 1 { "has" } else { "have" },
                if unmodelled.len() == 1 { "it" } else { "them" },
            ),
            Some("give every component a per-replica `capacity` and a `latency`".to_string()),
        );
    }
    let Some((bottleneck, utilization)) = estimate
        .bottleneck
        .and_then(|id| Some((id, estimate.components[id].utilization()?)))
    else {
        return Shared::Capacity.judged(
            false,
            "no component has a capacity, so nothing shows the design can carry the load"
                .to_string(),
            Some("give every component a per-replica `capacity` and a `latency`".to_string()),
        );
    };
    let name = design.components[bottleneck].name();
    let ceiling = percent(targets.max_utilization);
    let carries = match estimate.max_entry_rps {
        Some(max) => format!(
            "the design carries up to {}, {}x the peak",
            format_rate(max),
            trim_number(max / targets.peak_rps)
        ),
        None => "the design cannot carry it".to_string(),
    };
    if utilization <= targets.max_utilization {
        return Shared::Capacity.judged(
            true,
            format!(
                "at {peak} the busiest component, `{name}`, runs at {} (at most {ceiling} leaves headroom); {carries}",
                percent(utilization)
            ),
            None,
        );
    }
    let mut over: Vec<(usize, f64)> = estimate
        .components
        .iter()
        .enumerate()
        .filter_map(|(id, c)| Some((id, c.utilization()?)))
        .filter(|(_, u)| *u > targets.max_utilization)
        .collect();
    over.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let advice: Vec<String> = over
        .iter()
        .take(3)
        .map(|&(id, _)| {
            let component = &estimate.components[id];
            match component.needed_replicas {
                Some(needed) => format!(
                    "`{}` needs about {needed} replicas (has {})",
                    design.components[id].name(),
                    component.replica.live
                ),
                None => format!("`{}` is down", design.components[id].name()),
            }
        })
        .collect();
    let reason = if utilization >= 1.0 {
        format!(
            "at {peak} `{name}` is saturated (utilisation {}): requests queue without end; {carries}",
            trim_number(utilization)
        )
    } else {
        format!(
            "at {peak} the busiest component, `{name}`, runs at {}, above the {ceiling} that leaves headroom; {carries}",
            percent(utilization)
        )
    };
    Shared::Capacity.judged(
        false,
        reason,
        Some(format!(
            "size each tier for the peak with headroom: {}",
            advice.join(", ")
        )),
    )
}

/// Why a latency cannot be judged: a saturated stage, or no request.
fn no_latency_reason(design: &Design, why: &NoLatency) -> String {
    match why {
        NoLatency::Saturated(ids) => {
            let names: Vec<&str> = ids.iter().map(|&id| design.components[id].name()).collect();
            format!(
                "requests queue without end at {}: {} cannot keep up with the peak",
                quoted(&names),
                if names.len() == 1 { "it" } else { "they" }
            )
        }
        NoLatency::NoLoad | NoLatency::NotComputed => "no request reaches the design".to_string(),
    }
}

/// Each goal's quantile with its target, and whether all are met.
fn latency_figures(end_to_end: &EndToEnd, goals: &[LatencyGoal]) -> (bool, String) {
    let figures: Vec<String> = goals
        .iter()
        .map(|goal| {
            format!(
                "{} {} (target {})",
                goal.label,
                format_duration(end_to_end.quantile(goal.quantile)),
                format_duration(goal.seconds)
            )
        })
        .collect();
    let met = goals
        .iter()
        .all(|goal| end_to_end.quantile(goal.quantile) <= goal.seconds);
    (met, figures.join(", "))
}

/// The hint when an operation the scenario asks for is missing.
fn operations_hint(targets: &Targets) -> String {
    let names: Vec<&str> = targets.operations.iter().map(|o| o.name.as_str()).collect();
    format!(
        "keep the scenario's operations ({}) as the starter declares them, and send each its own way with `for:` on the calls",
        quoted(&names)
    )
}

/// The candidate's estimate of one of the scenario's operations, by name.
fn candidate_operation<'a>(
    analysis: &Analysis,
    estimate: &'a Estimate,
    name: &str,
) -> Option<&'a OperationEstimate> {
    estimate.operation(analysis.ways.operation_named(name)?)
}

/// End-to-end quantiles at the scenario's peak against its targets: of
/// each of the scenario's operations when it has several, else of all
/// traffic.
fn latency_criterion(analysis: &Analysis, estimate: &Estimate, targets: &Targets) -> Criterion {
    let design = &analysis.design;
    let carry_first = "first carry the load: a saturated stage has no latency".to_string();
    let (met, reason, hint) = if targets.operations.is_empty() {
        match &estimate.end_to_end {
            Err(why) => {
                return Shared::Latency.judged(
                    false,
                    no_latency_reason(design, why),
                    Some(carry_first),
                );
            }
            Ok(end_to_end) => {
                let (met, figures) = latency_figures(end_to_end, &targets.latency);
                (met, figures, None)
            }
        }
    } else {
        let mut met = true;
        let mut parts = Vec::new();
        let mut hint = None;
        for goal in &targets.operations {
            let Some(operation) = candidate_operation(analysis, estimate, &goal.name) else {
                met = false;
                parts.push(format!("the design has no operation `{}`", goal.name));
                hint.get_or_insert_with(|| operations_hint(targets));
                continue;
            };
            match &operation.end_to_end {
                Err(why) => {
                    met = false;
                    parts.push(format!(
                        "`{}`: {}",
                        goal.name,
                        no_latency_reason(design, why)
                    ));
                    if matches!(why, NoLatency::Saturated(_)) {
                        hint = Some(carry_first.clone());
                    }
                }
                Ok(end_to_end) => {
                    let (own, figures) = latency_figures(end_to_end, &goal.latency);
                    met &= own;
                    parts.push(format!("`{}` {figures}", goal.name));
                }
            }
        }
        (met, parts.join("; "), hint)
    };
    let mut slowest: Vec<(usize, f64)> = estimate
        .components
        .iter()
        .enumerate()
        .filter(|(id, _)| analysis.ways.on_request_path[*id])
        .filter_map(|(id, c)| Some((id, c.latency?.p99)))
        .collect();
    slowest.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let stages: Vec<String> = slowest
        .iter()
        .take(3)
        .map(|&(id, p99)| {
            format!(
                "`{}` (p99 {})",
                design.components[id].name(),
                format_duration(p99)
            )
        })
        .collect();
    Shared::Latency.judged(
        met,
        format!("at {}: {reason}", format_rate(targets.peak_rps)),
        Some(hint.unwrap_or_else(|| format!(
            "the slowest stages on the path are {}; cache what is read often, call in parallel, or move work off the request path through a queue",
            stages.join(", ")
        ))),
    )
}

/// The availability against the scenario's target: of each of the
/// scenario's operations when it has several, else of all traffic.
fn availability_criterion(
    analysis: &Analysis,
    estimate: &Estimate,
    targets: &Targets,
) -> Criterion {
    let design = &analysis.design;
    let names: Vec<String> = estimate
        .weakest_on_path(3)
        .iter()
        .map(|&(id, a)| format!("`{}` {}", design.components[id].name(), format_percent(a)))
        .collect();
    let hint = format!(
        "components in series multiply: the weakest on the path are {}; replicate them across zones, or add a `fallback` where a request can do without one",
        names.join(", ")
    );
    if targets.operations.is_empty() {
        let availability = estimate.availability;
        return Shared::Availability.judged(
            availability.value >= targets.availability,
            format!(
                "the request path is up {} of the time ({} nines), against a target of {}",
                format_percent(availability.value),
                trim_number(availability.nines),
                format_percent(targets.availability)
            ),
            Some(hint),
        );
    }
    let mut met = true;
    let mut parts = Vec::new();
    let mut missing = false;
    for goal in &targets.operations {
        let Some(operation) = candidate_operation(analysis, estimate, &goal.name) else {
            met = false;
            missing = true;
            parts.push(format!("the design has no operation `{}`", goal.name));
            continue;
        };
        let availability = operation.availability;
        met &= availability.value >= goal.availability;
        parts.push(format!(
            "`{}` is up {} of the time ({} nines), against a target of {}",
            goal.name,
            format_percent(availability.value),
            trim_number(availability.nines),
            format_percent(goal.availability)
        ));
    }
    Shared::Availability.judged(
        met,
        parts.join("; "),
        Some(if missing {
            operations_hint(targets)
        } else {
            hint
        }),
    )
}

/// The design's operations carry the scenario's workload: at the peak, the
/// operations that read take the envelope's reads and those that write its
/// writes, each within the tolerance. A design that says a shortener's
/// creates are half its traffic is sized for another problem.
fn workload_criterion(
    scenario: &Scenario,
    analysis: &Analysis,
    estimate: &Estimate,
    workload: &WorkloadGoal,
) -> Criterion {
    let points = scenario.rubric.workload.as_ref().map_or(0, |w| w.points);
    let mut disagree = Vec::new();
    let mut agree = Vec::new();
    let mut missing = Vec::new();
    for (kind, names, expected) in [
        ("reads", &workload.reads, workload.peak_read_rps),
        ("writes", &workload.writes, workload.peak_write_rps),
    ] {
        let mut rate = 0.0;
        for name in names {
            match candidate_operation(analysis, estimate, name) {
                Some(operation) => rate += operation.rps,
                None => missing.push(format!("`{name}`")),
            }
        }
        let listed = quoted(&names.iter().map(String::as_str).collect::<Vec<_>>());
        let line = format!(
            "{listed} {} {} where the workload's peak {kind} are {}",
            if names.len() == 1 { "takes" } else { "take" },
            format_rate(rate),
            format_rate(expected)
        );
        if (rate - expected).abs() <= workload.tolerance * expected {
            agree.push(line);
        } else {
            disagree.push(line);
        }
    }
    let tolerance = percent(workload.tolerance);
    let (passed, reason) = if !missing.is_empty() {
        (
            false,
            format!(
                "the design has no operation {}, so it does not say how its load splits",
                missing.join(", ")
            ),
        )
    } else if disagree.is_empty() {
        (true, format!("{} (within {tolerance})", agree.join("; ")))
    } else {
        (
            false,
            format!("{} (more than {tolerance} off)", disagree.join("; ")),
        )
    };
    Criterion {
        id: WORKLOAD_ID.to_string(),
        title: WORKLOAD_TITLE.to_string(),
        points,
        passed,
        reason,
        hint: (!passed).then(|| WORKLOAD_HINT.to_string()),
    }
}

/// The id and title of the workload criterion.
const WORKLOAD_ID: &str = "workload";
const WORKLOAD_TITLE: &str = "its operations carry the scenario's workload";
const WORKLOAD_HINT: &str = "set each operation's `share` (or `rps`) from the envelope: `blueprint envelope` gives the peak reads and writes";

/// Each zone the design uses is taken down in turn, at the peak: every
/// component that carried load must still serve it.
fn zone_loss_criterion(analysis: &Analysis, estimate: &Estimate, targets: &Targets) -> Criterion {
    let design = &analysis.design;
    let loaded: Vec<usize> = (0..design.components.len())
        .filter(|&id| estimate.components[id].load.total() > 0.0)
        .collect();
    let unplaced: Vec<&str> = loaded
        .iter()
        .map(|&id| &design.components[id])
        .filter(|c| !ZONELESS_KINDS.contains(&c.kind()) && c.zone_ids().is_empty())
        .map(|c| c.name())
        .collect();
    let spread_hint = "spread every tier over at least two zones, three for quorum stores, and size it so the zones left carry the peak";
    if !unplaced.is_empty() {
        return Shared::ZoneLoss.judged(
            false,
            format!(
                "{} {} not say which zones {} replicas run in",
                quoted(&unplaced),
                if unplaced.len() == 1 { "does" } else { "do" },
                if unplaced.len() == 1 { "its" } else { "their" },
            ),
            Some(spread_hint.to_string()),
        );
    }
    let used: BTreeSet<usize> = loaded
        .iter()
        .flat_map(|&id| {
            let component = &design.components[id];
            component.replicas_per_zone(component.replica_count())
        })
        .filter(|(_, count)| *count > 0)
        .map(|(zone, _)| zone)
        .collect();
    let zone_name = |zone: usize| design.zones[zone].value.clone();
    if used.len() < 2 {
        let reason = match used.first() {
            Some(&zone) => format!(
                "every replica runs in {}: losing it takes the whole system down",
                zone_name(zone)
            ),
            None => "no component places replicas in a zone".to_string(),
        };
        return Shared::ZoneLoss.judged(false, reason, Some(spread_hint.to_string()));
    }
    let mut broken: Vec<String> = Vec::new();
    let mut busiest: Option<(f64, usize, usize)> = None;
    for &zone in &used {
        let options = capacity::Options {
            entry_rps: Some(targets.peak_rps),
            failures: vec![Failure::Zone(zone_name(zone))],
            quantiles: false,
            retries: false,
            ..capacity::Options::default()
        };
        let failed = match capacity::estimate(design, &analysis.ways, &options) {
            Ok(failed) => failed,
            Err(_) => {
                broken.push(format!("losing {} cannot be estimated", zone_name(zone)));
                continue;
            }
        };
        let hurt: Vec<String> = loaded
            .iter()
            .filter(|&&id| design.components[id].kind() != Kind::Client)
            .filter_map(|&id| {
                let component = &failed.components[id];
                let how = component.broken()?;
                Some(match (how, component.utilization()) {
                    (capacity::Broken::Saturated, Some(u)) => format!(
                        "`{}` saturated (utilisation {})",
                        design.components[id].name(),
                        trim_number(u)
                    ),
                    _ => format!("`{}` {}", design.components[id].name(), how.as_str()),
                })
            })
            .collect();
        if !hurt.is_empty() {
            broken.push(format!(
                "losing {} leaves {}",
                zone_name(zone),
                hurt.join(", ")
            ));
        }
        for (id, component) in failed.components.iter().enumerate() {
            if let Some(u) = component.utilization().filter(|u| u.is_finite())
                && busiest.is_none_or(|(best, _, _)| u > best)
            {
                busiest = Some((u, id, zone));
            }
        }
    }
    let zones: Vec<String> = used.iter().map(|&z| zone_name(z)).collect();
    if broken.is_empty() {
        let worst = busiest
            .map(|(u, id, zone)| {
                format!(
                    "; the busiest is `{}` at {} without {}",
                    design.components[id].name(),
                    percent(u),
                    zone_name(zone)
                )
            })
            .unwrap_or_default();
        Shared::ZoneLoss.judged(
            true,
            format!(
                "losing any one of {} leaves every component serving the peak{worst}",
                zones.join(", ")
            ),
            None,
        )
    } else {
        Shared::ZoneLoss.judged(false, broken.join("; "), Some(spread_hint.to_string()))
    }
}

/// No error finding from the rules, counting suppressed ones: accepting an
/// error does not make it go away in an interview.
fn findings_criterion(analysis: &Analysis, estimate: &Estimate) -> Criterion {
    let ignore: Vec<String> = GRADED_ELSEWHERE.iter().map(|c| c.to_string()).collect();
    let options = CheckOptions {
        selection: Selection::new(&[], &ignore).unwrap_or_default(),
        ..CheckOptions::default()
    };
    let findings = crate::findings(analysis, estimate, &options);
    let count = |severity: Severity| {
        findings
            .iter()
            .filter(|f| f.severity == severity && !f.suppressed)
            .count()
    };
    // Figures nobody could build earn nothing, accepted or not: a design
    // is only as good as the per-node numbers it rests on.
    let implausible: Vec<String> = findings
        .iter()
        .filter(|f| f.code == "BP212")
        .map(|f| f.message.clone())
        .collect();
    if let Some(first) = implausible.first() {
        let more = match implausible.len() {
            1 => String::new(),
            n => format!(" (and {} more)", n - 1),
        };
        return Shared::Findings.judged(
            false,
            format!("BP212 implausible-figure: {first}{more}"),
            Some(
                "use per-node figures within what the engine is known to do: `blueprint explain BP212` lists them with their sources"
                    .to_string(),
            ),
        );
    }
    let errors: Vec<_> = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .collect();
    if errors.is_empty() {
        let (warnings, infos) = (count(Severity::Warning), count(Severity::Info));
        let reason = if warnings + infos == 0 {
            "no findings at all".to_string()
        } else {
            format!(
                "no error findings ({}, {}: `blueprint check` lists them)",
                counted(warnings, "warning"),
                counted(infos, "info")
            )
        };
        return Shared::Findings.judged(true, reason, None);
    }
    let listed: Vec<String> = errors
        .iter()
        .take(3)
        .map(|f| {
            let place = f
                .span
                .map(|s| format!(" (line {})", s.line))
                .unwrap_or_default();
            let suppressed = if f.suppressed { ", suppressed" } else { "" };
            format!("{} {}{place}{suppressed}: {}", f.code, f.name, f.message)
        })
        .collect();
    let more = if errors.len() > 3 {
        format!("; and {} more", errors.len() - 3)
    } else {
        String::new()
    };
    let first_help = errors[0]
        .help
        .as_deref()
        .map(|h| format!("{h}; "))
        .unwrap_or_default();
    Shared::Findings.judged(
        false,
        format!(
            "{} error finding{}: {}{more}",
            errors.len(),
            if errors.len() == 1 { "" } else { "s" },
            listed.join("; ")
        ),
        Some(format!(
            "{first_help}`blueprint check` shows each finding at its line, and `blueprint explain CODE` why it matters"
        )),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::practice::find;

    /// The URL shortener's reference solution with `edits` applied, each
    /// (text, replacement) found exactly once, graded.
    fn graded(edits: &[(&str, &str)]) -> Grade {
        let scenario = find("url-shortener").unwrap();
        let mut yaml = scenario.solution.to_string();
        for (old, new) in edits {
            assert_eq!(yaml.matches(old).count(), 1, "{old}");
            yaml = yaml.replace(old, new);
        }
        let analysis = crate::analyse(yaml.as_bytes()).unwrap();
        grade(&scenario, &analysis).unwrap()
    }

    fn criterion<'a>(grade: &'a Grade, id: &str) -> &'a Criterion {
        grade.criteria.iter().find(|c| c.id == id).unwrap()
    }

    fn failed(grade: &Grade) -> Vec<&str> {
        grade
            .criteria
            .iter()
            .filter(|c| !c.passed)
            .map(|c| c.id.as_str())
            .collect()
    }

    #[test]
    fn the_candidates_own_requirements_do_not_change_the_grade() {
        let honest = graded(&[]);
        let weakened = graded(&[
            (
                "  workload:\n    daily_active_users: 20M\n    writes: 100M/month\n    reads: 10B/month\n",
                "  peak_rps: 1/s\n  workload:\n    daily_active_users: 20M\n    writes: 1/month\n    reads: 1/month\n",
            ),
            (
                "  latency_slo: { p50: 20ms, p99: 60ms }\n  availability_slo",
                "  latency_slo: { p99: 10s }\n  availability_slo",
            ),
            // Nor do its operations' own targets.
            (
                "    latency_slo: { p50: 20ms, p99: 60ms }\n    description: follow",
                "    latency_slo: { p99: 10s }\n    availability_slo: 50%\n    description: follow",
            ),
            ("availability_slo: 99.95%", "availability_slo: 90%"),
        ]);
        assert_eq!(honest, weakened);
        assert_eq!(honest.score(), 100);
        assert!((honest.targets.peak_rps - 11_689.8).abs() < 0.1);
    }

    #[test]
    fn an_undersized_tier_fails_capacity_with_the_replicas_it_needs() {
        let grade = graded(&[(
            "    replicas: 6                 # 1.9k/s each (39%); 58% with a zone down",
            "    replicas: 3",
        )]);
        // Above 70% with three zones is above 100% with two: zone loss
        // fails too, and the peak needs all 3 replicas up (ceil(11.6k / 5k)).
        assert_eq!(failed(&grade), ["capacity", "availability", "zone_loss"]);
        let capacity = criterion(&grade, "capacity");
        assert!(
            capacity
                .reason
                .contains("the busiest component, `redirect_svc`, runs at 77.2%, above the 70%"),
            "{}",
            capacity.reason
        );
        // 3 replicas at 77.2% need ceil(3 x 0.772 / 0.7) = 4 for 70%.
        assert!(
            capacity
                .hint
                .as_deref()
                .unwrap()
                .contains("`redirect_svc` needs about 4 replicas (has 3)"),
            "{:?}",
            capacity.hint
        );
        assert_eq!(grade.score(), 55);
    }

    #[test]
    fn a_store_that_loses_its_quorum_with_a_zone_fails_zone_loss() {
        let grade = graded(&[(
            "    replicas: 6\n    zones: [az1, az2, az3]\n    capacity: 4k/s",
            "    replicas: 6\n    zones: [az1, az2]\n    capacity: 4k/s",
        )]);
        // Each operation is judged on its own: every create writes to
        // `url_db`, whose quorum now falls with either zone (99.95% each),
        // so `shorten` alone drops below the 99.95% target; the redirects,
        // 99% of the traffic, mostly end at the cache.
        assert_eq!(failed(&grade), ["availability", "zone_loss"]);
        let availability = criterion(&grade, "availability");
        assert!(
            availability.reason.contains("`shorten` is up 99.9"),
            "{}",
            availability.reason
        );
        let zone_loss = criterion(&grade, "zone_loss");
        assert!(
            zone_loss
                .reason
                .starts_with("losing az1 leaves `url_db` quorum lost"),
            "{}",
            zone_loss.reason
        );
        assert!(zone_loss.hint.is_some());
    }

    #[test]
    fn one_zone_or_an_unplaced_component_fails_zone_loss() {
        let solution = find("url-shortener").unwrap().solution;
        let one_zone = solution
            .replace(
                "zones: [az1, az2, az3]\n\ncomponents",
                "zones: [az1]\n\ncomponents",
            )
            .replace("[az1, az2, az3]", "[az1]");
        let scenario = find("url-shortener").unwrap();
        let grade = super::grade(&scenario, &crate::analyse(one_zone.as_bytes()).unwrap()).unwrap();
        let zone_loss = criterion(&grade, "zone_loss");
        assert!(!zone_loss.passed);
        assert_eq!(
            zone_loss.reason,
            "every replica runs in az1: losing it takes the whole system down"
        );

        let unplaced = graded(&[(
            "    replicas: 3\n    zones: [az1, az2, az3]\n    capacity: 50k/s",
            "    replicas: 3\n    capacity: 50k/s",
        )]);
        assert_eq!(
            criterion(&unplaced, "zone_loss").reason,
            "`url_cache` does not say which zones its replicas run in"
        );
    }

    #[test]
    fn a_suppressed_error_still_counts() {
        let grade = graded(&[(
            "    replicas: 3\n    zones: [az1, az2, az3]\n    capacity: 500/s",
            "    replicas: 1\n    zones: [az1]\n    capacity: 500/s\n    allow: [{ rule: single-replica, reason: cheaper }]",
        )]);
        let findings = criterion(&grade, "findings");
        assert!(!findings.passed);
        assert!(
            findings
                .reason
                .contains("BP101 single-replica (line 82), suppressed"),
            "{}",
            findings.reason
        );
    }

    #[test]
    fn a_component_left_out_of_the_model_fails_capacity() {
        let grade = graded(&[("    capacity: 5k/s\n    latency: 2ms\n", "")]);
        let capacity = criterion(&grade, "capacity");
        assert!(!capacity.passed);
        assert_eq!(
            capacity.reason,
            "`redirect_svc` on the request path has no capacity or latency, so the load on it cannot be checked"
        );
    }

    #[test]
    fn a_loop_that_never_settles_is_graded_zero_with_the_reason() {
        let scenario = find("chat").unwrap();
        let yaml = "version: 1\nname: echo\ncomponents:
  users: { kind: client, calls: [{ to: api }] }
  api: { kind: service, capacity: 1k/s, latency: 1ms, calls: [{ to: q }] }
  q: { kind: queue, consumer: w }
  w: { kind: worker, capacity: 1k/s, latency: 1ms, calls: [{ to: q, per_request: 2 }] }
";
        let grade = grade(&scenario, &crate::analyse(yaml.as_bytes()).unwrap()).unwrap();
        assert_eq!(grade.score(), 0);
        assert!(
            grade.criteria[0]
                .reason
                .starts_with("the loop through `q`, `w` never settles"),
            "{}",
            grade.criteria[0].reason
        );
    }

    #[test]
    fn a_design_that_serves_nothing_scores_zero() {
        let scenario = find("url-shortener").unwrap();
        let starter = crate::analyse(scenario.starter.as_bytes()).unwrap();
        let grade = grade(&scenario, &starter).unwrap();
        assert_eq!(grade.score(), 0);
        assert_eq!(grade.max_score(), 100);
        assert!(!grade.passed());
        assert!(
            grade
                .criteria
                .iter()
                .all(|c| c.reason
                    == "nothing serves the requests yet: the clients call no component")
        );
    }
}
