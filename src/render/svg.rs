//! SVG written by hand from a diagram and its layout: self-contained (its
//! own styles, no fonts or images fetched), deterministic to the byte, ids
//! prefixed `bp-` so that it can be inlined next to other SVG, and a legend.

use std::fmt::Write;

use super::diagram::{Diagram, EdgeStyle, Node};
use super::dot::{fill, stroke};
use super::escape::xml;
use super::highlight::{Emphasis, WAY_COLOR};
use super::layout::{LINE_HEIGHT, Layout, Rect, layout};
use crate::design::Kind;
use crate::diagnostic::Severity;

const TITLE_HEIGHT: f64 = 34.0;
const LEGEND_HEIGHT: f64 = 58.0;
const MIN_WIDTH: f64 = 640.0;

const STYLE: &str = "\
.bp-title{font:600 16px sans-serif;fill:#263238}\
.bp-name{font:600 12px sans-serif;fill:#263238}\
.bp-detail{font:11px sans-serif;fill:#37474f}\
.bp-label{font:10px sans-serif;fill:#455a64}\
.bp-cluster{fill:#f5f7f8;stroke:#90a4ae;stroke-dasharray:5 3}\
.bp-cluster-label{font:italic 11px sans-serif;fill:#607d8b}\
.bp-edge{fill:none;stroke:#455a64;stroke-width:1.3}\
.bp-async{stroke-dasharray:6 4}\
.bp-backing{stroke-dasharray:2 3}\
.bp-dead{stroke:#c62828;stroke-dasharray:2 3}\
.bp-legend{font:11px sans-serif;fill:#37474f}";

/// Draws the diagram as a complete SVG document.
pub fn render(diagram: &Diagram) -> String {
    let placed = layout(diagram);
    write(diagram, &placed)
}

fn number(value: f64) -> String {
    let text = format!("{value:.1}");
    text.strip_suffix(".0").map(str::to_string).unwrap_or(text)
}

fn write(diagram: &Diagram, placed: &Layout) -> String {
    let width = placed.width.max(MIN_WIDTH);
    let height = placed.height + TITLE_HEIGHT + LEGEND_HEIGHT;
    let offset_x = (width - placed.width) / 2.0;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-labelledby=\"bp-title\">",
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
        "<defs><marker id=\"bp-arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\">",
        "<path d=\"M0,0 L10,5 L0,10 z\" fill=\"#455a64\"/></marker>",
        "<marker id=\"bp-arrow-dead\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\">",
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
    for (index, cluster) in diagram.clusters.iter().enumerate() {
        let area = placed.clusters[index];
        if area.width <= 0.0 {
            continue;
        }
        let (left, top) = (area.x - area.width / 2.0, area.y - area.height / 2.0);
        let _ = writeln!(
            out,
            "<rect class=\"bp-cluster\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"8\"/><text class=\"bp-cluster-label\" x=\"{}\" y=\"{}\">{}</text>",
            number(left),
            number(top),
            number(area.width),
            number(area.height),
            number(left + 8.0),
            number(top + 14.0),
            xml(&cluster.label)
        );
    }
    for (edge, route) in diagram.edges.iter().zip(&placed.edges) {
        let Some(((start_x, start_y), rest)) = route.points.split_first() else {
            continue;
        };
        let mut path = format!("M{},{}", number(*start_x), number(*start_y));
        for (x, y) in rest {
            let _ = write!(path, " L{},{}", number(*x), number(*y));
        }
        let (class, marker) = match edge.style {
            EdgeStyle::Sync => ("bp-edge", "bp-arrow"),
            EdgeStyle::Async | EdgeStyle::Consumer => ("bp-edge bp-async", "bp-arrow"),
            EdgeStyle::Backing => ("bp-edge bp-backing", "bp-arrow"),
            EdgeStyle::DeadLetter => ("bp-edge bp-dead", "bp-arrow-dead"),
        };
        let emphasis = diagram.edge_emphasis(edge);
        let (marker, line, label) = match emphasis {
            Emphasis::Plain => (marker, "", ""),
            Emphasis::Way => ("bp-arrow-way", " bp-way", ""),
            Emphasis::Dimmed => (marker, " bp-dim", " bp-dim"),
        };
        let _ = writeln!(
            out,
            "<path class=\"{class}{line}\" d=\"{path}\" marker-end=\"url(#{marker})\"/>"
        );
        if let (Some(text), Some((x, y))) = (&edge.label, route.label_at) {
            let _ = writeln!(
                out,
                "<text class=\"bp-label{label}\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                number(x),
                number(y + 3.0),
                xml(text)
            );
        }
    }
    for (node, area) in diagram.nodes.iter().zip(&placed.nodes) {
        write_node(&mut out, node, *area, diagram.node_emphasis(node));
    }
    out.push_str("</g>\n");
    write_legend(&mut out, diagram, height - LEGEND_HEIGHT + 8.0);
    out.push_str("</svg>\n");
    out
}

fn write_node(out: &mut String, node: &Node, area: Rect, emphasis: Emphasis) {
    let (left, top) = (area.x - area.width / 2.0, area.y - area.height / 2.0);
    let (right, bottom) = (left + area.width, top + area.height);
    let (color, stroke_width) = stroke(node.finding);
    let paint = format!(
        "fill=\"{}\" stroke=\"{color}\" stroke-width=\"{stroke_width}\"",
        fill(node.heat)
    );
    let (l, t, r, b, w, h) = (
        number(left),
        number(top),
        number(right),
        number(bottom),
        number(area.width),
        number(area.height),
    );
    let inset = (area.height / 3.0).min(16.0);
    let _ = match emphasis {
        Emphasis::Dimmed => write!(out, "<g class=\"bp-dim\">"),
        Emphasis::Plain | Emphasis::Way => write!(out, "<g>"),
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
                "<rect x=\"{l}\" y=\"{t}\" width=\"{w}\" height=\"{h}\" rx=\"{}\" {paint}/>",
                number(area.height / 2.0)
            );
        }
        Kind::Cdn | Kind::Dns => {
            let _ = write!(
                out,
                "<ellipse cx=\"{}\" cy=\"{}\" rx=\"{}\" ry=\"{}\" {paint}/>",
                number(area.x),
                number(area.y),
                number(area.width / 2.0),
                number(area.height / 2.0)
            );
        }
        Kind::LoadBalancer => {
            let _ = write!(
                out,
                "<polygon points=\"{},{t} {},{t} {r},{} {},{b} {},{b} {l},{}\" {paint}/>",
                number(left + inset),
                number(right - inset),
                number(area.y),
                number(right - inset),
                number(left + inset),
                number(area.y)
            );
        }
        Kind::Gateway => {
            let _ = write!(
                out,
                "<polygon points=\"{},{t} {},{t} {r},{b} {l},{b}\" {paint}/>",
                number(left + inset),
                number(right - inset)
            );
        }
        Kind::Worker => {
            let _ = write!(
                out,
                "<rect x=\"{}\" y=\"{}\" width=\"{w}\" height=\"{h}\" rx=\"4\" {paint}/><rect x=\"{l}\" y=\"{t}\" width=\"{w}\" height=\"{h}\" rx=\"4\" {paint}/>",
                number(left + 4.0),
                number(top - 4.0)
            );
        }
        Kind::Database | Kind::ObjectStore => {
            let ry = (area.height / 8.0).min(8.0);
            let _ = write!(
                out,
                "<path d=\"M{l},{} A{},{} 0 0 1 {r},{} L{r},{} A{},{} 0 0 1 {l},{} Z\" {paint}/><path d=\"M{l},{} A{},{} 0 0 0 {r},{}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"{stroke_width}\"/>",
                number(top + ry),
                number(area.width / 2.0),
                number(ry),
                number(top + ry),
                number(bottom - ry),
                number(area.width / 2.0),
                number(ry),
                number(bottom - ry),
                number(top + ry),
                number(area.width / 2.0),
                number(ry),
                number(top + ry)
            );
        }
        Kind::Queue => {
            let _ = write!(
                out,
                "<rect x=\"{l}\" y=\"{t}\" width=\"{w}\" height=\"{h}\" rx=\"3\" {paint}/>"
            );
            for step in 1..=3 {
                let x = number(right - 6.0 * f64::from(step));
                let _ = write!(
                    out,
                    "<line x1=\"{x}\" y1=\"{t}\" x2=\"{x}\" y2=\"{b}\" stroke=\"{color}\"/>"
                );
            }
        }
        Kind::Cache => {
            let _ = write!(
                out,
                "<rect x=\"{l}\" y=\"{t}\" width=\"{w}\" height=\"{h}\" rx=\"4\" {paint}/><line x1=\"{l}\" y1=\"{}\" x2=\"{r}\" y2=\"{}\" stroke=\"{color}\"/>",
                number(top + 6.0),
                number(top + 6.0)
            );
        }
        Kind::External => {
            let _ = write!(
                out,
                "<rect x=\"{l}\" y=\"{t}\" width=\"{w}\" height=\"{h}\" rx=\"4\" {paint} stroke-dasharray=\"5 3\"/>"
            );
        }
        Kind::Service | Kind::Search => {
            let rx = if node.kind == Kind::Search { 12 } else { 4 };
            let _ = write!(
                out,
                "<rect x=\"{l}\" y=\"{t}\" width=\"{w}\" height=\"{h}\" rx=\"{rx}\" {paint}/>"
            );
        }
    }
    let lines = 1 + node.details.len();
    let first = area.y - (lines as f64 - 1.0) * LINE_HEIGHT / 2.0 + 4.0;
    let _ = write!(
        out,
        "<text class=\"bp-name\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
        number(area.x),
        number(first),
        xml(&node.name)
    );
    for (index, detail) in node.details.iter().enumerate() {
        let y = first + (index as f64 + 1.0) * LINE_HEIGHT;
        let _ = write!(
            out,
            "<text class=\"bp-detail\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            number(area.x),
            number(y),
            xml(detail)
        );
    }
    if let Some((severity, count)) = node.finding {
        let letter = match severity {
            Severity::Error => "E",
            Severity::Warning => "W",
            Severity::Info => "I",
        };
        let _ = write!(
            out,
            "<circle cx=\"{r}\" cy=\"{t}\" r=\"8\" fill=\"{color}\"><title>{count} {severity} finding(s)</title></circle><text x=\"{r}\" y=\"{}\" text-anchor=\"middle\" style=\"font:700 9px sans-serif;fill:#ffffff\">{letter}</text>",
            number(top + 3.0)
        );
    }
    out.push_str("</g>\n");
}

fn write_legend(out: &mut String, diagram: &Diagram, top: f64) {
    let _ = writeln!(
        out,
        "<g class=\"bp-legend\" transform=\"translate(16,{})\">",
        number(top)
    );
    let items = [
        ("bp-edge", "sync call"),
        ("bp-edge bp-async", "async call / queue"),
        ("bp-edge bp-backing", "cache miss"),
        ("bp-edge bp-dead", "dead letter"),
    ];
    let mut x = 0.0;
    for (class, text) in items {
        let _ = write!(
            out,
            "<path class=\"{class}\" d=\"M{},8 L{},8\"/><text x=\"{}\" y=\"12\">{}</text>",
            number(x),
            number(x + 26.0),
            number(x + 32.0),
            xml(text)
        );
        x += 40.0 + text.len() as f64 * 6.2;
    }
    let marks = [
        ("#c62828", "error"),
        ("#ef6c00", "warning"),
        ("#1565c0", "info"),
    ];
    let mut x = 0.0;
    for (color, text) in marks {
        let _ = write!(
            out,
            "<circle cx=\"{}\" cy=\"30\" r=\"6\" fill=\"{color}\"/><text x=\"{}\" y=\"34\">{} finding</text>",
            number(x + 6.0),
            number(x + 16.0),
            xml(text)
        );
        x += 100.0;
    }
    if diagram.annotated {
        let heat = [
            ("#e8f5e9", "< 60%"),
            ("#fff8e1", "60-80%"),
            ("#ffe0b2", "hot"),
            ("#ffcdd2", "saturated"),
        ];
        for (color, text) in heat {
            let _ = write!(
                out,
                "<rect x=\"{}\" y=\"24\" width=\"14\" height=\"12\" fill=\"{color}\" stroke=\"#607d8b\"/><text x=\"{}\" y=\"34\">{}</text>",
                number(x),
                number(x + 18.0),
                xml(text)
            );
            x += 30.0 + text.len() as f64 * 6.2;
        }
    }
    out.push_str("</g>\n");
}
