//! Small line charts as hand-written inline SVG: a few kilobytes,
//! deterministic to the byte, and drawn in `currentColor` so that they
//! follow the page into dark mode. The report's charts say what to draw
//! (lines, shaded spans, markers); this module only draws it.

use std::fmt::Write;

use crate::render::escape;

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 300.0;
const LEFT: f64 = 72.0;
const RIGHT: f64 = 24.0;
const TOP: f64 = 24.0;
const BOTTOM: f64 = 52.0;

pub const BLUE: &str = "#1e88e5";
pub const RED: &str = "#e53935";

pub struct Plot {
    /// Read by screen readers and shown as a tooltip.
    pub title: String,
    pub x_label: String,
    /// The x axis runs from 0 to `x_max`.
    pub x_max: f64,
    /// Where to mark the x axis, and with what.
    pub x_ticks: Vec<(f64, String)>,
    pub y_format: fn(f64) -> String,
    pub lines: Vec<Line>,
    /// Spans of x to shade, such as a failure window.
    pub spans: Vec<(f64, f64)>,
    pub markers: Vec<Marker>,
}

pub struct Line {
    pub label: &'static str,
    pub color: &'static str,
    /// (x, y); a y that is not finite breaks the line.
    pub points: Vec<(f64, f64)>,
}

/// A vertical line across the plot, labelled, with dots on it.
pub struct Marker {
    pub x: f64,
    pub label: String,
    /// Label at the top, left of the line; otherwise at the bottom, right.
    pub label_at_top: bool,
    /// SVG dash pattern.
    pub dashes: &'static str,
    /// (y, colour) of dots on the line.
    pub dots: Vec<(f64, &'static str)>,
}

/// 1, 2, 2.5 or 5 times a power of ten, at least `value`.
pub fn nice_ceiling(value: f64) -> f64 {
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

impl Plot {
    pub fn svg(&self) -> String {
        let plot_width = WIDTH - LEFT - RIGHT;
        let plot_height = HEIGHT - TOP - BOTTOM;
        let bottom = TOP + plot_height;
        let highest = self
            .lines
            .iter()
            .flat_map(|line| line.points.iter().map(|&(_, y)| y))
            .chain(
                self.markers
                    .iter()
                    .flat_map(|m| m.dots.iter().map(|&(y, _)| y)),
            )
            .filter(|y| y.is_finite())
            .fold(0.0, f64::max);
        let y_max = nice_ceiling(highest);
        let x_max = if self.x_max > 0.0 { self.x_max } else { 1.0 };
        let x = |value: f64| LEFT + (value / x_max).clamp(0.0, 1.0) * plot_width;
        let y = |value: f64| bottom - (value / y_max).clamp(0.0, 1.0) * plot_height;

        let mut out = String::new();
        let _ = write!(
            out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"{WIDTH}\" height=\"{HEIGHT}\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" font-family=\"sans-serif\" font-size=\"11\" fill=\"currentColor\">\n<title>{}</title>\n",
            escape::xml(&self.title)
        );
        for &(from, until) in &self.spans {
            let _ = writeln!(
                out,
                "<rect x=\"{:.1}\" y=\"{TOP}\" width=\"{:.1}\" height=\"{plot_height}\" fill=\"{RED}\" fill-opacity=\"0.12\"/>",
                x(from),
                (x(until) - x(from)).max(0.0)
            );
        }
        for tick in 0..=4 {
            let value = y_max * f64::from(tick) / 4.0;
            let at = y(value);
            let _ = writeln!(
                out,
                "<line x1=\"{LEFT}\" y1=\"{at:.1}\" x2=\"{:.1}\" y2=\"{at:.1}\" stroke=\"currentColor\" stroke-opacity=\"0.15\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
                LEFT + plot_width,
                LEFT - 8.0,
                at + 4.0,
                escape::xml(&(self.y_format)(value))
            );
        }
        for (value, label) in &self.x_ticks {
            let at = x(*value);
            let _ = writeln!(
                out,
                "<line x1=\"{at:.1}\" y1=\"{bottom:.1}\" x2=\"{at:.1}\" y2=\"{:.1}\" stroke=\"currentColor\"/><text x=\"{at:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                bottom + 5.0,
                bottom + 18.0,
                escape::xml(label)
            );
        }
        let _ = writeln!(
            out,
            "<path d=\"M{LEFT},{TOP} V{bottom:.1} H{:.1}\" fill=\"none\" stroke=\"currentColor\"/>\n<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            LEFT + plot_width,
            LEFT + plot_width / 2.0,
            HEIGHT - 8.0,
            escape::xml(&self.x_label)
        );
        for line in &self.lines {
            for run in line.points.split(|(_, value)| !value.is_finite()) {
                if run.is_empty() {
                    continue;
                }
                let points: Vec<String> = run
                    .iter()
                    .map(|&(px, py)| format!("{:.1},{:.1}", x(px), y(py)))
                    .collect();
                let _ = writeln!(
                    out,
                    "<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"><title>{}</title></polyline>",
                    points.join(" "),
                    line.color,
                    line.label
                );
            }
        }
        for marker in &self.markers {
            let at = x(marker.x);
            let _ = write!(
                out,
                "<line x1=\"{at:.1}\" y1=\"{TOP}\" x2=\"{at:.1}\" y2=\"{bottom:.1}\" stroke=\"currentColor\" stroke-dasharray=\"{}\"/>",
                marker.dashes
            );
            for &(value, color) in &marker.dots {
                let _ = write!(
                    out,
                    "<circle cx=\"{at:.1}\" cy=\"{:.1}\" r=\"4\" fill=\"{color}\"/>",
                    y(value)
                );
            }
            let (label_x, label_y, anchor) = if marker.label_at_top {
                (at - 4.0, TOP + 10.0, "end")
            } else {
                (at + 5.0, bottom - 6.0, "start")
            };
            let _ = writeln!(
                out,
                "<text x=\"{label_x:.1}\" y=\"{label_y:.1}\" text-anchor=\"{anchor}\">{}</text>",
                escape::xml(&marker.label)
            );
        }
        for (index, line) in self.lines.iter().enumerate() {
            let left = LEFT + 12.0 + 96.0 * index as f64;
            let legend_y = TOP + 8.0;
            let _ = writeln!(
                out,
                "<line x1=\"{left:.1}\" y1=\"{legend_y:.1}\" x2=\"{:.1}\" y2=\"{legend_y:.1}\" stroke=\"{}\" stroke-width=\"2\"/><text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
                left + 20.0,
                line.color,
                left + 25.0,
                legend_y + 4.0,
                line.label
            );
        }
        out.push_str("</svg>\n");
        out
    }
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

    #[test]
    fn gaps_break_lines_and_text_is_escaped() {
        let plot = Plot {
            title: "<script>".to_string(),
            x_label: "a & b".to_string(),
            x_max: 4.0,
            x_ticks: vec![(0.0, "0".to_string()), (4.0, "4".to_string())],
            y_format: |value| format!("{value}"),
            lines: vec![Line {
                label: "p99",
                color: RED,
                points: vec![
                    (0.0, 1.0),
                    (1.0, 2.0),
                    (2.0, f64::NAN),
                    (3.0, 1.0),
                    (4.0, 1.5),
                ],
            }],
            spans: vec![(1.0, 3.0)],
            markers: Vec::new(),
        };
        let svg = plot.svg();
        assert_eq!(svg.matches("<polyline").count(), 2);
        assert!(svg.contains("<title>&lt;script&gt;</title>"));
        assert!(svg.contains(">a &amp; b</text>"));
        assert!(svg.contains("<rect x=\"208.0\""));
    }
}
