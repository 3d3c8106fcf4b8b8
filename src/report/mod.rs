//! `blueprint report`: a review document of one design. [`build`] gathers
//! everything the document shows into a [`Document`]: plain text (no
//! markup, nothing escaped) and the diagram to draw; [`html`] and
//! [`markdown`] lay it out with the askama templates in `templates/`, which
//! escape every string for their target.

pub mod chart;
pub mod html;
pub mod markdown;
pub mod operations;
pub mod plot;
pub mod simulation;

use crate::Analysis;
use crate::capacity::availability::Availability;
use crate::capacity::failure::Failure;
use crate::capacity::{self, Broken, Estimate};
use crate::design::quantity::{format_duration, format_percent, format_rate, trim_number};
use crate::diagnostic::{Diagnostic, Severity, Span, Summary, text};
use crate::present::estimate as figures;
use crate::render::diagram;
use crate::simulate::Simulation;
use crate::simulate::compare::Comparison;

/// What the review document shows, as plain text.
pub struct Document {
    pub title: String,
    pub description: Option<String>,
    /// The design file as the user named it.
    pub path: String,
    pub verdict: Verdict,
    /// What the diagram shows; each format draws it its own way (inline
    /// SVG in HTML, Mermaid in Markdown), so only the one needed is laid out.
    pub diagram: diagram::Diagram,
    /// What each component is, in file order.
    pub components: Vec<ComponentLine>,
    /// Live findings, errors first; empty groups left out.
    pub findings: Vec<FindingGroup>,
    pub suppressed: Vec<SuppressedFinding>,
    /// The capacity model's figures; `None` when the load never settles.
    pub numbers: Option<Numbers>,
    /// The back-of-the-envelope lines of `requirements.workload`.
    pub envelope: Vec<EnvelopeLine>,
    /// With `report --simulate`: the simulation beside the model.
    pub simulation: Option<simulation::SimulationSection>,
    /// The defaults the figures rest on, with their components.
    pub assumptions: Vec<capacity::assumptions::Assumption>,
}

pub struct ComponentLine {
    pub name: String,
    pub kind: &'static str,
    pub engine: String,
    pub replicas: u32,
    pub zones: String,
    pub tags: String,
}

pub struct Verdict {
    pub passes: bool,
    /// `Passes review` or `Fails review`, with the threshold.
    pub headline: String,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub suppressed: usize,
}

pub struct FindingGroup {
    /// `error`, `warning` or `info`: also the CSS class.
    pub severity: &'static str,
    pub title: String,
    pub findings: Vec<Finding>,
}

pub struct Finding {
    pub code: &'static str,
    pub name: &'static str,
    pub component: Option<String>,
    pub message: String,
    /// `line 12, column 5`.
    pub place: Option<String>,
    /// The YAML line the finding points at.
    pub source_line: Option<String>,
    /// How to fix it.
    pub help: Option<String>,
    /// The findings that follow from this one.
    pub caused: Vec<CausedFinding>,
}

/// A finding listed under the one it follows from.
pub struct CausedFinding {
    pub code: &'static str,
    pub name: &'static str,
    pub message: String,
    /// `line 12, column 5`.
    pub place: Option<String>,
}

pub struct SuppressedFinding {
    pub code: &'static str,
    pub component: Option<String>,
    pub message: String,
    pub reason: String,
}

pub struct Numbers {
    /// `1.2k rps entering (requirements.peak_rps)`.
    pub entry: String,
    pub capacity_header: Vec<&'static str>,
    pub capacity_rows: Vec<CapacityRow>,
    /// The figures of all traffic mixed (`all_traffic`, and then judged per
    /// operation in `operations`), or of the one operation.
    pub all_traffic: bool,
    /// (figure, estimate, target, verdict) rows; empty when there is no
    /// end-to-end figure, and then `end_to_end_missing` says why.
    pub end_to_end: Vec<[String; 4]>,
    pub end_to_end_missing: Option<String>,
    pub bottleneck: Option<String>,
    /// What the design costs a month, when it prices a component.
    pub cost: Option<String>,
    pub chart: Option<chart::Chart>,
    pub availability: AvailabilityFigures,
    /// With one operation: what its availability is spent on.
    pub budget: Option<operations::Budget>,
    /// With several operations: each judged on its own.
    pub operations: Option<operations::Operations>,
    pub queues: Vec<String>,
    /// One sentence per closed client: population, rate, response time.
    pub closed: Vec<String>,
    pub zones: ZoneLoss,
}

pub struct CapacityRow {
    pub cells: Vec<String>,
    /// `ok`, `hot`, `saturated` or `down`: also the CSS class.
    pub state: &'static str,
}

pub struct AvailabilityFigures {
    pub percent: String,
    pub nines: String,
    pub downtime_per_year: String,
    pub downtime_per_month: String,
    pub target: Option<String>,
    pub met: Option<bool>,
}

/// What happens when each zone is lost.
pub struct ZoneLoss {
    pub zones: Vec<ZoneWhatIf>,
    /// A sentence on the whole: every zone survivable, or which are not.
    pub summary: String,
}

#[derive(Clone)]
pub struct ZoneWhatIf {
    pub zone: String,
    /// How many components lose replicas, and which lose all of them.
    pub hit: String,
    pub breaks: String,
    pub path_up: bool,
    /// The largest entry load the design still carries.
    pub capacity: String,
}

pub struct EnvelopeLine {
    pub figure: &'static str,
    pub working: String,
    pub result: String,
}

/// Everything [`build`] needs: the design, the estimate `check` would make
/// (with the end-to-end quantiles), and the findings on it.
pub struct Input<'a> {
    pub path: &'a str,
    pub source: &'a str,
    pub analysis: &'a Analysis,
    pub estimate: Option<&'a Estimate>,
    pub findings: &'a [Diagnostic],
    /// The verdict fails on live findings at or above this severity.
    pub fail_on: Severity,
    /// Utilisation from which a component counts as hot.
    pub hot_utilization: f64,
    /// A simulation of the design under the same estimate, and its
    /// comparison with it.
    pub simulation: Option<(&'a Simulation, &'a Comparison)>,
}

/// The largest report written for a design of `design_bytes`: the fixed
/// parts (styles, charts, the drawing of a small design) and a bounded
/// amount per byte of the design. A report past it is refused rather than
/// written: no document a person reads is that large.
pub fn max_bytes(design_bytes: usize) -> usize {
    (1 << 20) + 64 * design_bytes
}

pub fn build(input: &Input) -> Document {
    let design = &input.analysis.design;
    let drawing = diagram::build(
        design,
        &input.analysis.topology,
        input.estimate,
        input.findings,
        diagram::Direction::TopToBottom,
        input.hot_utilization,
    );
    Document {
        title: design.name.value.clone(),
        description: design.description.clone(),
        path: input.path.to_string(),
        verdict: verdict(input.findings, input.fail_on),
        diagram: drawing,
        components: design
            .components
            .iter()
            .map(|component| ComponentLine {
                name: component.name().to_string(),
                kind: component.kind().as_str(),
                engine: component.engine.clone().unwrap_or_default(),
                replicas: component.replica_count(),
                zones: component
                    .zone_ids()
                    .iter()
                    .map(|&zone| design.zones[zone].value.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                tags: component.tags.join(", "),
            })
            .collect(),
        findings: finding_groups(input.findings, input.source),
        suppressed: input
            .findings
            .iter()
            .filter(|d| d.suppressed)
            .map(|d| SuppressedFinding {
                code: d.code,
                component: d.component.clone(),
                message: d.message.clone(),
                reason: d.justification.clone().unwrap_or_default(),
            })
            .collect(),
        numbers: input.estimate.map(|estimate| {
            numbers(
                input.analysis,
                estimate,
                input.findings,
                input.hot_utilization,
            )
        }),
        assumptions: capacity::assumptions::assumptions(design),
        envelope: design
            .requirements
            .workload
            .as_ref()
            .map(|workload| {
                capacity::envelope::compute(design, &workload.value)
                    .lines
                    .into_iter()
                    .map(|line| EnvelopeLine {
                        figure: line.figure,
                        working: line.working,
                        result: line.result,
                    })
                    .collect()
            })
            .unwrap_or_default(),
        simulation: input
            .simulation
            .map(|(run, comparison)| simulation::section(design, run, comparison)),
    }
}

fn verdict(findings: &[Diagnostic], fail_on: Severity) -> Verdict {
    let summary = Summary::of_findings(findings);
    let failing = summary.at_or_above(fail_on);
    let passes = failing == 0;
    let headline = if passes {
        format!("Passes review: no finding at or above {fail_on}")
    } else {
        format!(
            "Fails review: {failing} finding{} at or above {fail_on}",
            if failing == 1 { "" } else { "s" }
        )
    };
    Verdict {
        passes,
        headline,
        errors: summary.error,
        warnings: summary.warning,
        infos: summary.info,
        suppressed: findings.iter().filter(|d| d.suppressed).count(),
    }
}

/// `line 12, column 5`.
fn place(span: Span) -> String {
    format!("line {}, column {}", span.line, span.column)
}

fn finding_groups(findings: &[Diagnostic], source: &str) -> Vec<FindingGroup> {
    [
        (Severity::Error, "Errors"),
        (Severity::Warning, "Warnings"),
        (Severity::Info, "Information"),
    ]
    .into_iter()
    .filter_map(|(severity, title)| {
        let group: Vec<Finding> = findings
            .iter()
            .filter(|d| !d.suppressed && d.severity == severity)
            .map(|d| Finding {
                code: d.code,
                name: d.name,
                component: d.component.clone(),
                message: d.message.clone(),
                place: d.span.map(place),
                source_line: d
                    .span
                    .filter(|span| span.line >= 1)
                    .map(|span| text::source_excerpt(source, span)),
                help: d.help.clone(),
                caused: d
                    .caused
                    .iter()
                    .map(|c| CausedFinding {
                        code: c.code,
                        name: c.name,
                        message: c.message.clone(),
                        place: c.span.map(place),
                    })
                    .collect(),
            })
            .collect();
        (!group.is_empty()).then(|| FindingGroup {
            severity: severity.as_str(),
            title: format!("{title} ({})", group.len()),
            findings: group,
        })
    })
    .collect()
}

fn numbers(
    analysis: &Analysis,
    estimate: &Estimate,
    findings: &[Diagnostic],
    hot_utilization: f64,
) -> Numbers {
    let design = &analysis.design;
    let ways = &analysis.ways;
    let capacity_rows = figures::capacity_rows(design, estimate)
        .zip(&estimate.components)
        .map(|(cells, component)| CapacityRow {
            cells,
            state: match (component.broken(), component.utilization()) {
                (Some(Broken::Saturated), _) => "saturated",
                (Some(_), _) => "down",
                (None, Some(u)) if u >= hot_utilization => "hot",
                _ => "ok",
            },
        })
        .collect();
    // With one operation, its targets (its own or the design's) judge the
    // figures of all traffic, which are its own; with several, each is
    // judged in its section and all traffic is only described.
    let all_traffic = operations::several(ways, estimate);
    let only = (!all_traffic)
        .then(|| estimate.operations.first())
        .flatten();
    let named = only.map(|o| &ways.operations[o.operation]);
    let latency_targets = named.map_or(&[][..], |o| &o.latency_slo[..]);
    let availability_target = named.and_then(|o| o.availability_slo.as_ref().map(|t| t.value));
    Numbers {
        entry: format!(
            "{} entering ({})",
            format_rate(estimate.entry_rps),
            figures::entry_source(estimate.entry_source)
        ),
        capacity_header: figures::capacity_header(estimate),
        capacity_rows,
        all_traffic,
        end_to_end: estimate
            .end_to_end
            .as_ref()
            .map(|end_to_end| {
                figures::end_to_end_rows(latency_targets, estimate.mean_by_formula, end_to_end)
            })
            .unwrap_or_default(),
        end_to_end_missing: figures::end_to_end_missing(design, estimate),
        bottleneck: figures::bottleneck_line(design, estimate),
        cost: figures::cost_line(design, estimate),
        chart: chart::bottleneck(analysis, estimate),
        availability: availability_figures(
            estimate.availability,
            availability_target,
            !estimate.saturated().is_empty(),
        ),
        budget: only.map(|o| operations::budget(analysis, estimate, o, availability_target)),
        operations: operations::build(analysis, estimate, findings, hot_utilization),
        queues: figures::queue_lines(design, estimate),
        closed: figures::closed_lines(design, estimate),
        zones: zone_loss(analysis, estimate),
    }
}

/// An availability as the report shows it, against a target if there is
/// one: "saturated" when requests wait
/// on a component that cannot keep up, since 0% would say it is down.
fn availability_figures(
    availability: Availability,
    target: Option<f64>,
    saturated: bool,
) -> AvailabilityFigures {
    AvailabilityFigures {
        percent: if saturated {
            "saturated".to_string()
        } else {
            format_percent(availability.value)
        },
        nines: trim_number(availability.nines),
        downtime_per_year: format_duration(availability.downtime_per_year_s),
        downtime_per_month: format_duration(availability.downtime_per_month_s),
        target: target.map(format_percent),
        met: target.map(|t| availability.value >= t),
    }
}

/// Distinct placements of replicas in a zone the report estimates the loss
/// of; zones beyond them are counted, not assessed.
const MAX_ZONE_WHAT_IFS: usize = 100;

/// The what-if of losing each declared zone, one at a time, at the
/// current load.
fn zone_loss(analysis: &Analysis, estimate: &Estimate) -> ZoneLoss {
    let design = &analysis.design;
    if design.zones.is_empty() {
        return ZoneLoss {
            zones: Vec::new(),
            summary: "The design declares no zones, so it cannot say what survives the loss of one: every component shares one failure domain.".to_string(),
        };
    }
    // Zones that hold the same replicas give the same what-if: each
    // placement is estimated once, and at most MAX_ZONE_WHAT_IFS of them,
    // so a design with thousands of zones costs a few estimates.
    let mut placements: Vec<(Vec<(usize, u32)>, ZoneWhatIf)> = Vec::new();
    let mut zones: Vec<ZoneWhatIf> = Vec::new();
    let mut unassessed = 0usize;
    // The replicas each zone holds, by component: one pass over every
    // component's zone list.
    let mut held: Vec<Vec<(usize, u32)>> = vec![Vec::new(); design.zones.len()];
    for (id, component) in design.components.iter().enumerate() {
        let listed = component.zone_ids();
        let replicas = component.replica_count() as usize;
        for (place, &zone) in listed.iter().enumerate().take(replicas) {
            let count = ((replicas - 1 - place) / listed.len() + 1) as u32;
            match held[zone].last_mut() {
                Some((last, total)) if *last == id => *total += count,
                _ => held[zone].push((id, count)),
            }
        }
    }
    for (zone, placement) in design.zones.iter().zip(held) {
        if let Some((_, known)) = placements.iter().find(|(known, _)| *known == placement) {
            zones.push(ZoneWhatIf {
                zone: zone.value.clone(),
                ..known.clone()
            });
            continue;
        }
        if placements.len() == MAX_ZONE_WHAT_IFS {
            unassessed += 1;
            continue;
        }
        let options = capacity::Options {
            entry_rps: Some(estimate.entry_rps),
            failures: vec![Failure::Zone(zone.value.clone())],
            quantiles: false,
            retries: false,
            ..capacity::Options::default()
        };
        let what_if = match capacity::estimate(design, &analysis.ways, &options) {
            Ok(failed) => zone_what_if(analysis, &zone.value, &failed),
            Err(_) => ZoneWhatIf {
                zone: zone.value.clone(),
                hit: "-".to_string(),
                breaks: "the load never settles".to_string(),
                path_up: false,
                capacity: "-".to_string(),
            },
        };
        placements.push((placement, what_if.clone()));
        zones.push(what_if);
    }
    let fatal: Vec<&str> = zones
        .iter()
        .filter(|z| !z.path_up)
        .map(|z| z.zone.as_str())
        .collect();
    let mut summary = if fatal.is_empty() {
        format!(
            "The request path survives the loss of any one of its {} zone{}.",
            zones.len(),
            if zones.len() == 1 { "" } else { "s" }
        )
    } else {
        format!(
            "The request path goes down when zone {} is lost.",
            fatal.join(" or zone ")
        )
    };
    if unassessed > 0 {
        summary.push_str(&format!(
            " {unassessed} more zones, beyond the first {MAX_ZONE_WHAT_IFS} distinct placements of replicas, were not assessed (`blueprint estimate --fail zone:Z` assesses one)."
        ));
    }
    ZoneLoss { zones, summary }
}

fn zone_what_if(analysis: &Analysis, zone: &str, failed: &Estimate) -> ZoneWhatIf {
    let design = &analysis.design;
    let hit = design
        .components
        .iter()
        .zip(&failed.components)
        .filter(|(component, figures)| figures.replica.live < component.replica_count())
        .count();
    let emptied: Vec<&str> = design
        .components
        .iter()
        .zip(&failed.components)
        .filter(|(component, figures)| figures.replica.live == 0 && component.replica_count() > 0)
        .map(|(component, _)| component.name())
        .collect();
    let mut hit = format!("{hit} of {} components", design.components.len());
    if !emptied.is_empty() {
        hit.push_str(&format!("; none left of {}", emptied.join(", ")));
    }
    ZoneWhatIf {
        zone: zone.to_string(),
        hit,
        breaks: figures::what_breaks(design, failed),
        path_up: failed.path_up(),
        capacity: failed.max_entry_rps.map_or("-".to_string(), |max| {
            format!(
                "{} ({}x the current load)",
                format_rate(max),
                trim_number(max / failed.entry_rps.max(f64::MIN_POSITIVE))
            )
        }),
    }
}
