//! The latency-vs-load chart of the bottleneck: its p50 and p99 from 10% to
//! 95% of the load at which it saturates, from the capacity model run at
//! each load, with the current load marked. Hand-written SVG: a few
//! hundred bytes, deterministic, and drawn in `currentColor` so that it
//! follows the page into dark mode.

use std::fmt::Write;

use crate::Analysis;
use crate::capacity::{self, Estimate};
use crate::design::quantity::{format_duration, format_rate, trim_number};
use crate::render::escape;

/// Fractions of the saturating entry load the curve is drawn at. It stops
/// at 95%: the curve rises without bound towards 100%.
const STEPS: usize = 18;

fn fraction(step: usize) -> f64 {
    0.10 + 0.05 * step as f64
}

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 300.0;
const LEFT: f64 = 72.0;
const RIGHT: f64 = 24.0;
const TOP: f64 = 24.0;
const BOTTOM: f64 = 52.0;
const P50_COLOR: &str = "#1e88e5";
const P99_COLOR: &str = "#e53935";

pub struct Chart {
    pub component: String,
    pub svg: String,
    /// One sentence on what the chart shows.
    pub caption: String,
    /// (share of saturation, entry load, p50, p99), for a table.
    pub points: Vec<[String; 4]>,
}

struct Point {
    fraction: f64,
    p50: f64,
    p99: f64,
}

/// The chart of the design's bottleneck, or `None` when nothing limits the
/// load (no load enters, or nothing has a capacity).
pub fn bottleneck(analysis: &Analysis, estimate: &Estimate) -> Option<Chart> {
    let bottleneck = estimate.bottleneck?;
    let saturation = estimate.max_entry_rps.filter(|max| *max > 0.0)?;
    let points: Vec<Point> = (0..STEPS)
        .filter_map(|step| {
            let fraction = fraction(step);
            let options = capacity::Options {
                entry_rps: Some(fraction * saturation),
                walks: 0,
                ..capacity::Options::default()
            };
            let at_load =
                capacity::estimate(&analysis.design, &analysis.topology, &options).ok()?;
            let latency = at_load.components[bottleneck].latency?;
            Some(Point {
                fraction,
                p50: latency.p50,
                p99: latency.p99,
            })
        })
        .collect();
    if points.len() < 2 {
        return None;
    }
    let name = analysis.design.components[bottleneck].name().to_string();
    let now = Point {
        fraction: estimate.entry_rps / saturation,
        p50: estimate.components[bottleneck]
            .latency
            .map_or(f64::NAN, |l| l.p50),
        p99: estimate.components[bottleneck]
            .latency
            .map_or(f64::NAN, |l| l.p99),
    };
    let caption = format!(
        "{name}, the bottleneck: p50 and p99 from 10% to 95% of the entry load at which it saturates ({}); the current load is {}% of it.",
        format_rate(saturation),
        trim_number(now.fraction * 100.0)
    );
    Some(Chart {
        svg: svg(&name, saturation, &points, &now),
        caption,
        points: points
            .iter()
            .map(|point| {
                [
                    format!("{}%", trim_number(point.fraction * 100.0)),
                    format_rate(point.fraction * saturation),
                    format_duration(point.p50),
                    format_duration(point.p99),
                ]
            })
            .collect(),
        component: name,
    })
}

/// 1, 2, 2.5 or 5 times a power of ten, at least `value`.
fn nice_ceiling(value: f64) -> f64 {
    if value.is_nan() || value <= 0.0 || value.is_infinite() {
        return 1.0;
    }
    let power = 10f64.powf(value.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|step| step * power)
        .find(|candidate| *candidate >= value * (1.0 - 1e-12))
        .unwrap_or(10.0 * power)
}

fn svg(name: &str, saturation: f64, points: &[Point], now: &Point) -> String {
    let plot_width = WIDTH - LEFT - RIGHT;
    let plot_height = HEIGHT - TOP - BOTTOM;
    let highest = points
        .iter()
        .map(|p| p.p99)
        .chain(now.p99.is_finite().then_some(now.p99))
        .fold(0.0, f64::max);
    let y_max = nice_ceiling(highest);
    let x = |fraction: f64| LEFT + fraction.clamp(0.0, 1.0) * plot_width;
    let y = |seconds: f64| TOP + plot_height - (seconds / y_max).clamp(0.0, 1.0) * plot_height;
    let title = escape::xml(&format!(
        "Latency of {name} against load, up to saturation at {}",
        format_rate(saturation)
    ));

    let mut out = String::new();
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"{WIDTH}\" height=\"{HEIGHT}\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" aria-labelledby=\"chart-title\" font-family=\"sans-serif\" font-size=\"11\" fill=\"currentColor\">\n<title id=\"chart-title\">{title}</title>\n"
    );
    for tick in 0..=4 {
        let seconds = y_max * f64::from(tick) / 4.0;
        let at = y(seconds);
        let _ = writeln!(
            out,
            "<line x1=\"{LEFT}\" y1=\"{at:.1}\" x2=\"{:.1}\" y2=\"{at:.1}\" stroke=\"currentColor\" stroke-opacity=\"0.15\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            LEFT + plot_width,
            LEFT - 8.0,
            at + 4.0,
            escape::xml(&format_duration(seconds))
        );
    }
    for tick in 0..=4 {
        let fraction = f64::from(tick) / 4.0;
        let at = x(fraction);
        let _ = writeln!(
            out,
            "<line x1=\"{at:.1}\" y1=\"{:.1}\" x2=\"{at:.1}\" y2=\"{:.1}\" stroke=\"currentColor\"/><text x=\"{at:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}%</text>",
            TOP + plot_height,
            TOP + plot_height + 5.0,
            TOP + plot_height + 18.0,
            tick * 25
        );
    }
    let _ = writeln!(
        out,
        "<path d=\"M{LEFT},{TOP} V{:.1} H{:.1}\" fill=\"none\" stroke=\"currentColor\"/>",
        TOP + plot_height,
        LEFT + plot_width
    );
    let _ = writeln!(
        out,
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">entry load, % of saturation (100% = {})</text>",
        LEFT + plot_width / 2.0,
        HEIGHT - 8.0,
        escape::xml(&format_rate(saturation))
    );
    let _ = writeln!(
        out,
        "<line x1=\"{0:.1}\" y1=\"{TOP}\" x2=\"{0:.1}\" y2=\"{1:.1}\" stroke=\"currentColor\" stroke-dasharray=\"2 3\"/><text x=\"{2:.1}\" y=\"{3:.1}\" text-anchor=\"end\">saturation</text>",
        x(1.0),
        TOP + plot_height,
        x(1.0) - 4.0,
        TOP + 10.0
    );
    for (label, color, value) in [
        ("p50", P50_COLOR, (|p: &Point| p.p50) as fn(&Point) -> f64),
        ("p99", P99_COLOR, |p: &Point| p.p99),
    ] {
        let line: Vec<String> = points
            .iter()
            .map(|p| format!("{:.1},{:.1}", x(p.fraction), y(value(p))))
            .collect();
        let _ = writeln!(
            out,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"2\"><title>{label}</title></polyline>",
            line.join(" ")
        );
    }
    let legend_y = TOP + 8.0;
    for (index, (label, color)) in [("p50", P50_COLOR), ("p99", P99_COLOR)]
        .into_iter()
        .enumerate()
    {
        let left = LEFT + 12.0 + 64.0 * index as f64;
        let _ = writeln!(
            out,
            "<line x1=\"{left:.1}\" y1=\"{legend_y:.1}\" x2=\"{:.1}\" y2=\"{legend_y:.1}\" stroke=\"{color}\" stroke-width=\"2\"/><text x=\"{:.1}\" y=\"{:.1}\">{label}</text>",
            left + 20.0,
            left + 25.0,
            legend_y + 4.0
        );
    }
    if now.fraction <= 1.0 && now.p99.is_finite() {
        let at = x(now.fraction);
        let _ = writeln!(
            out,
            "<line x1=\"{at:.1}\" y1=\"{TOP}\" x2=\"{at:.1}\" y2=\"{:.1}\" stroke=\"currentColor\" stroke-dasharray=\"6 3\"/><circle cx=\"{at:.1}\" cy=\"{:.1}\" r=\"4\" fill=\"{P50_COLOR}\"/><circle cx=\"{at:.1}\" cy=\"{:.1}\" r=\"4\" fill=\"{P99_COLOR}\"/><text x=\"{:.1}\" y=\"{:.1}\">now: {}%</text>",
            TOP + plot_height,
            y(now.p50),
            y(now.p99),
            at + 5.0,
            TOP + plot_height - 6.0,
            trim_number(now.fraction * 100.0)
        );
    } else {
        let _ = writeln!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"{P99_COLOR}\">now: beyond saturation</text>",
            x(1.0) - 4.0,
            TOP + 24.0
        );
    }
    out.push_str("</svg>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ceilings_are_round() {
        assert_eq!(nice_ceiling(0.0037), 0.005);
        assert_eq!(nice_ceiling(0.02), 0.02);
        assert_eq!(nice_ceiling(0.021), 0.025);
        assert_eq!(nice_ceiling(7.0), 10.0);
        assert_eq!(nice_ceiling(0.0), 1.0);
    }

    /// An M/M/1 station's response time is exponential with rate mu - lambda
    /// (Kleinrock, Queueing Systems vol. 1, section 3.2; Harchol-Balter,
    /// Performance Modeling and Design of Computer Systems, 2013, ch. 13),
    /// so its p99 is ln(100) / (mu (1 - f)) at a fraction f of saturation:
    /// with mu = 100/s, 51.2ms at 10%, 92.1ms at 50% and 921ms at 95%; the
    /// p50 is ln(2) / (mu (1 - f)).
    #[test]
    fn the_curve_of_one_server_follows_m_m_1() {
        let analysis = crate::analyse(
            b"version: 1
name: one server
requirements: { peak_rps: 25/s }
components:
  users: { kind: client, calls: [{ to: api }] }
  api: { kind: service, capacity: 100/s, latency: 10ms }
",
        )
        .unwrap();
        let estimate =
            capacity::estimate(&analysis.design, &analysis.topology, &Default::default()).unwrap();
        let chart = bottleneck(&analysis, &estimate).expect("api limits the load");
        assert_eq!(chart.component, "api");
        assert_eq!(chart.points[0], ["10%", "10/s", "7.7ms", "51.2ms"]);
        assert_eq!(chart.points[8], ["50%", "50/s", "13.9ms", "92.1ms"]);
        assert_eq!(chart.points[STEPS - 1][3], "921ms");
        assert!(chart.caption.contains("the current load is 25% of it"));
    }

    #[test]
    fn chart_of_a_bundled_design_rises_with_load() {
        let analysis = crate::analyse(include_bytes!("../../designs/url-shortener.yaml")).unwrap();
        let estimate =
            capacity::estimate(&analysis.design, &analysis.topology, &Default::default()).unwrap();
        let chart = bottleneck(&analysis, &estimate).expect("a bottleneck");
        assert_eq!(chart.points.len(), STEPS);
        assert_eq!(chart.points[0][0], "10%");
        assert_eq!(chart.points[STEPS - 1][0], "95%");
        assert!(chart.svg.starts_with("<svg") && chart.svg.ends_with("</svg>\n"));
        assert_eq!(chart.svg.matches("<polyline").count(), 2);
        assert!(chart.svg.contains("now: "));
    }
}
