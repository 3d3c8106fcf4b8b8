//! The report's simulation section (`report --simulate`): what was
//! simulated, the simulated figures beside the analytic ones, and the run
//! second by second as two charts, failure windows shaded.

use super::plot::{BLUE, Line, Plot, RED};
use crate::design::Design;
use crate::design::quantity::{format_duration, format_rate, trim_number};
use crate::present::simulate as figures;
use crate::simulate::compare::Comparison;
use crate::simulate::{Bucket, Simulation};

pub struct SimulationSection {
    pub summary: Vec<String>,
    pub component_header: [&'static str; 11],
    pub component_rows: Vec<Vec<String>>,
    /// (figure, simulated ± interval, analytic, difference).
    pub end_to_end: Vec<[String; 4]>,
    /// Whether the analytic figures lie inside the simulated intervals.
    pub agreement: String,
    /// Throughput and errors per second.
    pub traffic_svg: String,
    /// p50 and p99 per second, of the requests that succeeded.
    pub latency_svg: String,
    /// When requests failed: that the latency chart leaves them out, and
    /// how many failed in the worst second.
    pub latency_note: Option<String>,
    pub timeline_header: [&'static str; 6],
    /// The run in at most a few dozen rows, for Markdown.
    pub timeline: Vec<[String; 6]>,
    pub seconds_per_row: usize,
}

pub fn section(
    design: &Design,
    simulation: &Simulation,
    comparison: &Comparison,
) -> SimulationSection {
    let (seconds_per_row, timeline) = figures::timeline_rows(&simulation.series);
    SimulationSection {
        summary: figures::summary_lines(simulation),
        component_header: figures::COMPONENT_HEADER,
        component_rows: figures::component_rows(design, simulation, comparison),
        end_to_end: figures::end_to_end_rows(comparison),
        agreement: figures::agreement_text(comparison),
        traffic_svg: traffic(simulation).svg(),
        latency_svg: latency(simulation).svg(),
        latency_note: left_out(simulation),
        timeline_header: figures::TIMELINE_HEADER,
        timeline,
        seconds_per_row,
    }
}

/// One line of a chart over time: its label, colour and figure per second.
type Series = (&'static str, &'static str, fn(&Bucket) -> f64);

/// A chart over the measured time: seconds after the warm-up on the x
/// axis, each second's figures drawn at its middle, failure windows shaded.
fn over_time(
    simulation: &Simulation,
    title: String,
    y_format: fn(f64) -> String,
    lines: [Series; 2],
) -> Plot {
    let duration = simulation.options.duration;
    Plot {
        title,
        x_label: "seconds after the warm-up (failure windows shaded)".to_string(),
        x_max: duration,
        x_ticks: (0..=4)
            .map(|tick| {
                let at = duration * f64::from(tick) / 4.0;
                (at, format!("{}s", trim_number(at)))
            })
            .collect(),
        y_format,
        lines: lines
            .into_iter()
            .map(|(label, color, value)| Line {
                label,
                color,
                points: simulation
                    .series
                    .iter()
                    .map(|bucket| (bucket.start_s + 0.5, value(bucket)))
                    .collect(),
            })
            .collect(),
        spans: simulation
            .options
            .failures
            .iter()
            .map(|failure| (failure.from, failure.until.unwrap_or(duration)))
            .collect(),
        markers: Vec::new(),
    }
}

fn traffic(simulation: &Simulation) -> Plot {
    over_time(
        simulation,
        format!(
            "Requests completed and failed per second, {} entering",
            format_rate(simulation.entry_rps)
        ),
        format_rate,
        [
            ("completed", BLUE, |b| b.throughput_rps),
            ("failed", RED, |b| b.errors_per_s),
        ],
    )
}

fn latency(simulation: &Simulation) -> Plot {
    over_time(
        simulation,
        "End-to-end p50 and p99 of each second, of the requests that succeeded".to_string(),
        format_duration,
        [
            ("p50", BLUE, |b| b.p50_s.unwrap_or(f64::NAN)),
            ("p99", RED, |b| b.p99_s.unwrap_or(f64::NAN)),
        ],
    )
}

/// A failed request has no response time, so the percentiles of a second
/// with failures describe only the requests that succeeded: a p99 that
/// dips during an outage is the failures left out, not a faster system.
fn left_out(simulation: &Simulation) -> Option<String> {
    let (worst, share) = simulation
        .series
        .iter()
        .filter(|b| b.errors_per_s > 0.0)
        .map(|b| (b, b.errors_per_s / (b.errors_per_s + b.throughput_rps)))
        .max_by(|a, b| a.1.total_cmp(&b.1))?;
    Some(format!(
        "Failed requests are left out of these percentiles: they have no response time. \
         In the worst second ({}s after the warm-up) {}% of requests failed ({} failed), \
         so a p99 that drops there reflects the failures, not a faster system; \
         the chart above draws them.",
        trim_number(worst.start_s),
        trim_number(share * 100.0),
        format_rate(worst.errors_per_s)
    ))
}
