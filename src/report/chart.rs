//! The latency-vs-load chart of the bottleneck: its p50 and p99 from 10% to
//! 95% of the load at which it saturates, from the capacity model run at
//! each load, with the current load marked.

use super::plot::{BLUE, Line, Marker, Plot, RED};
use crate::Analysis;
use crate::capacity::{self, Estimate};
use crate::design::quantity::{format_duration, format_rate, trim_number};

/// Fractions of the saturating entry load the curve is drawn at. It stops
/// at 95%: the curve rises without bound towards 100%.
const STEPS: usize = 18;

fn fraction(step: usize) -> f64 {
    0.10 + 0.05 * step as f64
}

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
                quantiles: false,
                retries: false,
                ..capacity::Options::default()
            };
            let at_load = capacity::estimate(&analysis.design, &analysis.ways, &options).ok()?;
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

fn svg(name: &str, saturation: f64, points: &[Point], now: &Point) -> String {
    let mut markers = vec![Marker {
        x: 1.0,
        label: "saturation".to_string(),
        label_at_top: true,
        dashes: "2 3",
        dots: Vec::new(),
    }];
    if now.fraction <= 1.0 && now.p99.is_finite() {
        markers.push(Marker {
            x: now.fraction,
            label: format!("now: {}%", trim_number(now.fraction * 100.0)),
            label_at_top: false,
            dashes: "6 3",
            dots: vec![(now.p50, BLUE), (now.p99, RED)],
        });
    }
    let curve = |value: fn(&Point) -> f64| -> Vec<(f64, f64)> {
        points.iter().map(|p| (p.fraction, value(p))).collect()
    };
    Plot {
        title: format!(
            "Latency of {name} against load, up to saturation at {}",
            format_rate(saturation)
        ),
        x_label: format!(
            "entry load, % of saturation (100% = {})",
            format_rate(saturation)
        ),
        x_max: 1.0,
        x_ticks: (0..=4)
            .map(|tick| (f64::from(tick) / 4.0, format!("{}%", tick * 25)))
            .collect(),
        y_format: format_duration,
        lines: vec![
            Line {
                label: "p50",
                color: BLUE,
                points: curve(|p| p.p50),
            },
            Line {
                label: "p99",
                color: RED,
                points: curve(|p| p.p99),
            },
        ],
        spans: Vec::new(),
        markers,
    }
    .svg()
}

#[cfg(test)]
mod tests {
    use super::*;

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
            capacity::estimate(&analysis.design, &analysis.ways, &Default::default()).unwrap();
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
            capacity::estimate(&analysis.design, &analysis.ways, &Default::default()).unwrap();
        let chart = bottleneck(&analysis, &estimate).expect("a bottleneck");
        assert_eq!(chart.points.len(), STEPS);
        assert_eq!(chart.points[0][0], "10%");
        assert_eq!(chart.points[STEPS - 1][0], "95%");
        assert!(chart.svg.starts_with("<svg") && chart.svg.ends_with("</svg>\n"));
        assert_eq!(chart.svg.matches("<polyline").count(), 2);
        assert!(chart.svg.contains("now: "));
    }
}
