//! SVG written by hand from a diagram and its layout: self-contained (its
//! own styles, no fonts or images fetched), deterministic to the byte, ids
//! prefixed `bp-` so that it can be inlined next to other SVG, and a legend.
//!
//! Classes name what each element is, for styling and for the browser
//! check of `tests/consumers/browser/overlap.mjs`: a node is a `bp-node`
//! group whose outline is `bp-shape` (and `bp-outline` for the inner lines
//! of a cylinder's lid, a queue or a cache), whose text is `bp-name` and
//! `bp-detail`; `bp-badge` groups hold a finding badge; edge labels are
//! `bp-label`, cluster labels `bp-cluster-label`.

use std::fmt::Write;

use super::diagram::{Diagram, Direction, EdgeStyle, Node};
use super::dot::{fill, stroke};
use super::escape::xml;
use super::highlight::{Emphasis, WAY_COLOR};
use super::layout::{Frame, Layout, Rect, layout};
use super::shape::{self, CACHE_STRIP, CYLINDER_RY, LINE_HEIGHT, QUEUE_BAND};
use super::text::{self, Font};
use crate::design::Kind;
use crate::diagnostic::Severity;

const TITLE_HEIGHT: f64 = 34.0;
const MIN_WIDTH: f64 = 640.0;
const LEGEND_ROW: f64 = 20.0;
const LEGEND_MARGIN: f64 = 16.0;
const BADGE_RADIUS: f64 = 8.0;

// Every rule is scoped to the drawing, which may be inlined in a page.
const STYLE: &str = "\
.bp-diagram text{font-family:Helvetica,Arial,\"Liberation Sans\",sans-serif}\
.bp-title{font-size:16px;font-weight:600;fill:#263238}\
.bp-name{font-size:12px;font-weight:600;fill:#263238}\
.bp-detail{font-size:11px;fill:#37474f}\
.bp-label{font-size:10px;fill:#455a64}\
.bp-cluster-box{fill:#f5f7f8;stroke:#90a4ae;stroke-dasharray:5 3}\
.bp-band{fill:#eef3f6}\
.bp-cluster-label{font-size:11px;font-style:italic;fill:#607d8b}\
.bp-edge{fill:none;stroke:#455a64;stroke-width:1.3}\
.bp-async{stroke-dasharray:6 4}\
.bp-backing{stroke-dasharray:2 3}\
.bp-dead{stroke:#c62828;stroke-dasharray:2 3}\
.bp-write{stroke-width:2.6}\
.bp-badge text{font-size:9px;font-weight:700;fill:#ffffff}\
.bp-legend{font-size:11px;fill:#37474f}";

/// Draws the diagram as a complete SVG document.
pub fn render(diagram: &Diagram) -> String {
    let placed = layout(diagram);
    write(diagram, &placed)
}

fn number(value: f64) -> String {
    let text = format!("{value:.1}");
    match text.strip_suffix(".0") {
        Some("-0") => "0".to_string(),
        Some(whole) => whole.to_string(),
        None => text,
    }
}

/// The path through a route's points: straight where they line up, else a
/// curve that leaves and arrives along the flow.
fn edge_path(points: &[(f64, f64)], direction: Direction) -> String {
    let Some((&(x, y), rest)) = points.split_first() else {
        return String::new();
    };
    let mut path = format!("M{},{}", number(x), number(y));
    let mut from = (x, y);
    for &(x, y) in rest {
        if (x - from.0).abs() < 0.05 || (y - from.1).abs() < 0.05 {
            let _ = write!(path, " L{},{}", number(x), number(y));
        } else {
            let (c1, c2) = match direction {
                Direction::TopToBottom => {
                    let middle = (from.1 + y) / 2.0;
                    ((from.0, middle), (x, middle))
                }
                Direction::LeftToRight => {
                    let middle = (from.0 + x) / 2.0;
                    ((middle, from.1), (middle, y))
                }
            };
            let _ = write!(
                path,
                " C{},{} {},{} {},{}",
                number(c1.0),
                number(c1.1),
                number(c2.0),
                number(c2.1),
                number(x),
                number(y)
            );
        }
        from = (x, y);
    }
    path
}

/// One entry of the legend: a sample and its text.
enum Sample {
    Line(&'static str),
    Mark(&'static str),
    Badge(&'static str),
    Swatch(&'static str),
}

/// The legend's entries, in rows: edges, then edge marks present in the
/// diagram, then badges and heat.
fn legend(diagram: &Diagram) -> Vec<Vec<(Sample, &'static str)>> {
    let mut rows = vec![vec![
        (Sample::Line("bp-edge"), "sync call"),
        (Sample::Line("bp-edge bp-async"), "async call / queue"),
        (Sample::Line("bp-edge bp-backing"), "cache miss"),
        (Sample::Line("bp-edge bp-dead"), "dead letter"),
        (Sample::Line("bp-edge bp-write"), "write"),
    ]];
    let labels: Vec<&str> = diagram
        .edges
        .iter()
        .filter_map(|edge| edge.label.as_deref())
        .collect();
    let shows =
        |part: &dyn Fn(&str) -> bool| labels.iter().any(|label| label.split(" · ").any(part));
    let mut marks = Vec::new();
    if shows(&|piece| piece.starts_with('x')) {
        marks.push((Sample::Mark("xN"), "calls per request"));
    }
    if shows(&|piece| piece.starts_with("retry x")) {
        marks.push((Sample::Mark("retry xN"), "retries"));
    }
    if shows(&|piece| piece == "breaker") {
        marks.push((Sample::Mark("breaker"), "circuit breaker"));
    }
    if shows(&|piece| piece == "fallback") {
        marks.push((Sample::Mark("fallback"), "answers without the callee"));
    }
    if !marks.is_empty() {
        rows.push(marks);
    }
    let mut marks = vec![
        (Sample::Badge("#c62828"), "error finding"),
        (Sample::Badge("#ef6c00"), "warning finding"),
        (Sample::Badge("#1565c0"), "info finding"),
    ];
    if diagram.annotated {
        marks.extend([
            (Sample::Swatch("#e8f5e9"), "< 60%"),
            (Sample::Swatch("#fff8e1"), "60-80%"),
            (Sample::Swatch("#ffe0b2"), "hot"),
            (Sample::Swatch("#ffcdd2"), "saturated"),
        ]);
    }
    rows.push(marks);
    rows
}

/// The width a sample takes before its text.
fn sample_width(sample: &Sample) -> f64 {
    match sample {
        Sample::Line(_) => 32.0,
        Sample::Mark(mark) => text::width(mark, Font::Label) + 8.0,
        Sample::Badge(_) | Sample::Swatch(_) => 18.0,
    }
}

/// The legend's rows wrapped to `width`: each entry and where it starts.
type LegendLines = Vec<Vec<(Sample, &'static str, f64)>>;

fn wrap_legend(diagram: &Diagram, width: f64) -> LegendLines {
    let mut lines: LegendLines = Vec::new();
    for row in legend(diagram) {
        let mut line = Vec::new();
        let mut x = 0.0;
        for (sample, label) in row {
            let room = sample_width(&sample) + text::width(label, Font::Legend);
            if x > 0.0 && x + room > width {
                lines.push(std::mem::take(&mut line));
                x = 0.0;
            }
            line.push((sample, label, x));
            x += room + 18.0;
        }
        lines.push(line);
    }
    lines
}

fn write(diagram: &Diagram, placed: &Layout) -> String {
    let width = placed.width.max(MIN_WIDTH);
    let legend = wrap_legend(diagram, width - 2.0 * LEGEND_MARGIN);
    let legend_height = legend.len() as f64 * LEGEND_ROW + 12.0;
    let height = placed.height + TITLE_HEIGHT + legend_height;
    let offset_x = (width - placed.width) / 2.0;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"bp-diagram\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-labelledby=\"bp-title\">",
        w = number(width),
        h = number(height)
    );
    let _ = writeln!(
        out,
        "<title id=\"bp-title\">{}</title>",
        xml(&diagram.title)
    );
    let _ = writeln!(out, "<style>{STYLE}</style>");
    out.push_str(concat!(
        "<defs><marker id=\"bp-arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerUnits=\"userSpaceOnUse\" markerWidth=\"9\" markerHeight=\"9\" orient=\"auto-start-reverse\">",
        "<path d=\"M0,0 L10,5 L0,10 z\" fill=\"#455a64\"/></marker>",
        "<marker id=\"bp-arrow-dead\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerUnits=\"userSpaceOnUse\" markerWidth=\"9\" markerHeight=\"9\" orient=\"auto-start-reverse\">",
        "<path d=\"M0,0 L10,5 L0,10 z\" fill=\"#c62828\"/></marker></defs>\n",
    ));
    if diagram.highlight.is_some() {
        let _ = writeln!(
            out,
            "<style>.bp-way{{stroke:{WAY_COLOR};stroke-width:2.6}}.bp-dim{{opacity:.3}}</style><defs><marker id=\"bp-arrow-way\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"5\" markerHeight=\"5\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"{WAY_COLOR}\"/></marker></defs>"
        );
    }
    let _ = writeln!(
        out,
        "<rect width=\"{}\" height=\"{}\" fill=\"#ffffff\"/>",
        number(width),
        number(height)
    );
    let _ = writeln!(
        out,
        "<text class=\"bp-title\" x=\"{}\" y=\"22\" text-anchor=\"middle\">{}</text>",
        number(width / 2.0),
        xml(&diagram.title)
    );
    let _ = writeln!(
        out,
        "<g transform=\"translate({},{})\">",
        number(offset_x),
        number(TITLE_HEIGHT)
    );
    for (cluster, frame) in diagram.clusters.iter().zip(&placed.clusters) {
        let Some(Frame { area, caption }) = frame else {
            continue;
        };
        let (left, top) = (area.x - area.width / 2.0, area.y - area.height / 2.0);
        let band = if cluster.label.starts_with("multi-") {
            " bp-band"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "<g class=\"bp-cluster\"><rect class=\"bp-cluster-box{band}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"8\"/><text class=\"bp-cluster-label\" x=\"{}\" y=\"{}\">{}</text></g>",
            number(left),
            number(top),
            number(area.width),
            number(area.height),
            number(caption.0),
            number(caption.1 + shape::ASCENT * Font::Cluster.size()),
            xml(&cluster.label)
        );
    }
    for (edge, route) in diagram.edges.iter().zip(&placed.edges) {
        if route.points.is_empty() {
            continue;
        }
        let (class, marker) = match edge.style {
            EdgeStyle::Sync => ("bp-edge", "bp-arrow"),
            EdgeStyle::Async | EdgeStyle::Consumer => ("bp-edge bp-async", "bp-arrow"),
            EdgeStyle::Backing => ("bp-edge bp-backing", "bp-arrow"),
            EdgeStyle::DeadLetter => ("bp-edge bp-dead", "bp-arrow-dead"),
        };
        let (marker, line) = match diagram.edge_emphasis(edge) {
            Emphasis::Plain => (marker, ""),
            Emphasis::Way => ("bp-arrow-way", " bp-way"),
            Emphasis::Dimmed => (marker, " bp-dim"),
        };
        let write = if edge.write { " bp-write" } else { "" };
        let _ = writeln!(
            out,
            "<path class=\"{class}{write}{line}\" d=\"{}\" marker-end=\"url(#{marker})\"/>",
            edge_path(&route.points, diagram.direction)
        );
    }
    for (edge, route) in diagram.edges.iter().zip(&placed.edges) {
        if let (Some(text), Some((x, y))) = (&edge.label, route.label_at) {
            let label = match diagram.edge_emphasis(edge) {
                Emphasis::Dimmed => " bp-dim",
                Emphasis::Plain | Emphasis::Way => "",
            };
            let _ = writeln!(
                out,
                "<text class=\"bp-label{label}\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                number(x),
                number(y + middle_to_baseline(Font::Label)),
                xml(text)
            );
        }
    }
    for (node, area) in diagram.nodes.iter().zip(&placed.nodes) {
        write_node(&mut out, node, *area, diagram.node_emphasis(node));
    }
    out.push_str("</g>\n");
    write_legend(&mut out, &legend, height - legend_height + 4.0);
    out.push_str("</svg>\n");
    out
}

/// From the middle of a line's box to its baseline.
fn middle_to_baseline(font: Font) -> f64 {
    (shape::ASCENT - shape::DESCENT) / 2.0 * font.size()
}

fn write_node(out: &mut String, node: &Node, area: Rect, emphasis: Emphasis) {
    let (left, top) = (area.x - area.width / 2.0, area.y - area.height / 2.0);
    let (right, bottom) = (left + area.width, top + area.height);
    let worst = node.worst_finding();
    let (color, stroke_width) = stroke(worst);
    let paint = format!(
        "fill=\"{}\" stroke=\"{color}\" stroke-width=\"{stroke_width}\"",
        fill(node.heat)
    );
    let line = format!("fill=\"none\" stroke=\"{color}\" stroke-width=\"{stroke_width}\"");
    let (l, t, r, b, w, h) = (
        number(left),
        number(top),
        number(right),
        number(bottom),
        number(area.width),
        number(area.height),
    );
    let _ = match emphasis {
        Emphasis::Dimmed => write!(out, "<g class=\"bp-node bp-dim\">"),
        Emphasis::Plain | Emphasis::Way => write!(out, "<g class=\"bp-node\">"),
    };
    let _ = write!(
        out,
        "<title>{}: {} x{}</title>",
        xml(&node.name),
        node.kind,
        node.replicas
    );
    match node.kind {
        Kind::Client => {
            let _ = write!(
                out,
                "<rect class=\"bp-shape\" x=\"{l}\" y=\"{t}\" width=\"{w}\" height=\"{h}\" rx=\"{}\" {paint}/>",
                number(area.height / 2.0)
            );
        }
        Kind::Cdn | Kind::Dns => {
            let _ = write!(
                out,
                "<ellipse class=\"bp-shape\" cx=\"{}\" cy=\"{}\" rx=\"{}\" ry=\"{}\" {paint}/>",
                number(area.x),
                number(area.y),
                number(area.width / 2.0),
                number(area.height / 2.0)
            );
        }
        Kind::LoadBalancer => {
            let inset = shape::slant(area.height);
            let _ = write!(
                out,
                "<polygon class=\"bp-shape\" points=\"{},{t} {},{t} {r},{} {},{b} {},{b} {l},{}\" {paint}/>",
                number(left + inset),
                number(right - inset),
                number(area.y),
                number(right - inset),
                number(left + inset),
                number(area.y)
            );
        }
        Kind::Gateway => {
            let inset = shape::slant(area.height);
            let _ = write!(
                out,
                "<polygon class=\"bp-shape\" points=\"{},{t} {},{t} {r},{b} {l},{b}\" {paint}/>",
                number(left + inset),
                number(right - inset)
            );
        }
        Kind::Worker => {
            let _ = write!(
                out,
                "<rect class=\"bp-shadow\" x=\"{}\" y=\"{}\" width=\"{w}\" height=\"{h}\" rx=\"4\" {paint}/><rect class=\"bp-shape\" x=\"{l}\" y=\"{t}\" width=\"{w}\" height=\"{h}\" rx=\"4\" {paint}/>",
                number(left + 4.0),
                number(top - 4.0)
            );
        }
        Kind::Database | Kind::ObjectStore => {
            let ry = CYLINDER_RY;
            let (rx, upper, lower) = (
                number(area.width / 2.0),
                number(top + ry),
                number(bottom - ry),
            );
            let ry = number(ry);
            let _ = write!(
                out,
                "<path class=\"bp-shape\" d=\"M{l},{upper} A{rx},{ry} 0 0 1 {r},{upper} L{r},{lower} A{rx},{ry} 0 0 1 {l},{lower} Z\" {paint}/><path class=\"bp-outline\" d=\"M{l},{upper} A{rx},{ry} 0 0 0 {r},{upper}\" {line}/>"
            );
        }
        Kind::Queue => {
            let _ = write!(
                out,
                "<rect class=\"bp-shape\" x=\"{l}\" y=\"{t}\" width=\"{w}\" height=\"{h}\" rx=\"3\" {paint}/>"
            );
            for step in 1..=3 {
                let x = number(right - QUEUE_BAND / 4.0 * f64::from(step));
                let _ = write!(
                    out,
                    "<line class=\"bp-outline\" x1=\"{x}\" y1=\"{t}\" x2=\"{x}\" y2=\"{b}\" {line}/>"
                );
            }
        }
        Kind::Cache => {
            let y = number(top + CACHE_STRIP);
            let _ = write!(
                out,
                "<rect class=\"bp-shape\" x=\"{l}\" y=\"{t}\" width=\"{w}\" height=\"{h}\" rx=\"4\" {paint}/><line class=\"bp-outline\" x1=\"{l}\" y1=\"{y}\" x2=\"{r}\" y2=\"{y}\" {line}/>"
            );
        }
        Kind::External => {
            let _ = write!(
                out,
                "<rect class=\"bp-shape\" x=\"{l}\" y=\"{t}\" width=\"{w}\" height=\"{h}\" rx=\"4\" {paint} stroke-dasharray=\"5 3\"/>"
            );
        }
        Kind::Service | Kind::Search => {
            let rx = if node.kind == Kind::Search { 12 } else { 4 };
            let _ = write!(
                out,
                "<rect class=\"bp-shape\" x=\"{l}\" y=\"{t}\" width=\"{w}\" height=\"{h}\" rx=\"{rx}\" {paint}/>"
            );
        }
    }
    let (x, y) = shape::text_centre(node.kind, area.x, area.y);
    let first = shape::first_baseline(node, y);
    let _ = write!(
        out,
        "<text class=\"bp-name\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
        number(x),
        number(first),
        xml(&node.name)
    );
    for (index, detail) in node.details.iter().enumerate() {
        let _ = write!(
            out,
            "<text class=\"bp-detail\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            number(x),
            number(first + (index as f64 + 1.0) * LINE_HEIGHT),
            xml(detail)
        );
    }
    if let Some((severity, _)) = worst {
        let letter = match severity {
            Severity::Error => "E",
            Severity::Warning => "W",
            Severity::Info => "I",
        };
        let mut tooltip = String::new();
        for finding in &node.findings {
            if !tooltip.is_empty() {
                tooltip.push('\n');
            }
            let _ = write!(
                tooltip,
                "{} {} ({}): {}",
                finding.code, finding.name, finding.severity, finding.message
            );
        }
        let _ = write!(
            out,
            "<g class=\"bp-badge\"><title>{}</title><circle cx=\"{r}\" cy=\"{t}\" r=\"{}\" fill=\"{color}\"/><text x=\"{r}\" y=\"{}\" text-anchor=\"middle\">{letter}</text></g>",
            xml(&tooltip),
            number(BADGE_RADIUS),
            number(top + 3.0)
        );
    }
    out.push_str("</g>\n");
}

fn write_legend(out: &mut String, lines: &LegendLines, top: f64) {
    let _ = writeln!(
        out,
        "<g class=\"bp-legend\" transform=\"translate({},{})\">",
        number(LEGEND_MARGIN),
        number(top)
    );
    for (row, line) in lines.iter().enumerate() {
        let y = row as f64 * LEGEND_ROW;
        let (middle, baseline) = (number(y + 8.0), number(y + 12.0));
        for (sample, label, x) in line {
            let _ = match sample {
                Sample::Line(class) => write!(
                    out,
                    "<path class=\"{class}\" d=\"M{},{middle} L{},{middle}\"/>",
                    number(*x),
                    number(x + 26.0)
                ),
                Sample::Mark(mark) => write!(
                    out,
                    "<text class=\"bp-label\" x=\"{}\" y=\"{baseline}\">{}</text>",
                    number(*x),
                    xml(mark)
                ),
                Sample::Badge(color) => write!(
                    out,
                    "<circle cx=\"{}\" cy=\"{middle}\" r=\"6\" fill=\"{color}\"/>",
                    number(x + 6.0)
                ),
                Sample::Swatch(color) => write!(
                    out,
                    "<rect x=\"{}\" y=\"{}\" width=\"14\" height=\"12\" fill=\"{color}\" stroke=\"#607d8b\"/>",
                    number(*x),
                    number(y + 2.0)
                ),
            };
            let _ = write!(
                out,
                "<text x=\"{}\" y=\"{baseline}\">{}</text>",
                number(x + sample_width(sample)),
                xml(label)
            );
        }
    }
    out.push_str("</g>\n");
}
