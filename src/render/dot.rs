//! Graphviz DOT. Ids are quoted `n<index>`; labels and the title pass
//! through the DOT string escape.

use std::fmt::Write;

use super::diagram::{Diagram, Direction, EdgeStyle, Heat, Node};
use super::escape;
use super::highlight::{DIM_FILL, DIM_STROKE, DIM_TEXT, Emphasis, WAY_COLOR};
use crate::design::Kind;
use crate::diagnostic::Severity;

fn shape(kind: Kind) -> &'static str {
    match kind {
        Kind::Client => "oval",
        Kind::Cdn | Kind::Dns => "ellipse",
        Kind::LoadBalancer => "hexagon",
        Kind::Gateway => "trapezium",
        Kind::Service => "box",
        Kind::Worker => "box3d",
        Kind::Cache => "component",
        Kind::Queue => "cds",
        Kind::Database => "cylinder",
        Kind::ObjectStore => "folder",
        Kind::Search => "tab",
        Kind::External => "note",
    }
}

pub fn fill(heat: Option<Heat>) -> &'static str {
    match heat {
        None => "#ffffff",
        Some(Heat::Cool) => "#e8f5e9",
        Some(Heat::Warm) => "#fff8e1",
        Some(Heat::Hot) => "#ffe0b2",
        Some(Heat::Saturated) => "#ffcdd2",
    }
}

pub fn stroke(finding: Option<(Severity, usize)>) -> (&'static str, f64) {
    match finding.map(|(severity, _)| severity) {
        Some(Severity::Error) => ("#c62828", 3.0),
        Some(Severity::Warning) => ("#ef6c00", 3.0),
        Some(Severity::Info) => ("#1565c0", 2.0),
        None => ("#607d8b", 1.0),
    }
}

fn node_line(node: &Node, emphasis: Emphasis) -> String {
    let mut lines = vec![escape::dot(&node.name)];
    lines.extend(node.details.iter().map(|line| escape::dot(line)));
    // Off a highlighted way a component fades, whatever its heat or findings.
    let (fillcolor, (color, width), font) = if emphasis == Emphasis::Dimmed {
        (
            DIM_FILL,
            (DIM_STROKE, 1.0),
            format!(", fontcolor=\"{DIM_TEXT}\""),
        )
    } else {
        (fill(node.heat), stroke(node.worst_finding()), String::new())
    };
    format!(
        "\"n{}\" [label=\"{}\", shape={}, fillcolor=\"{fillcolor}\", color=\"{color}\", penwidth={width}{font}];",
        node.id,
        lines.join("\\n"),
        shape(node.kind),
    )
}

pub fn render(diagram: &Diagram) -> String {
    let mut out = String::new();
    let rankdir = match diagram.direction {
        Direction::TopToBottom => "TB",
        Direction::LeftToRight => "LR",
    };
    let _ = writeln!(out, "digraph blueprint {{");
    let _ = writeln!(
        out,
        "  graph [rankdir={rankdir}, label=\"{}\", labelloc=t, fontname=\"Helvetica\", fontsize=14];",
        escape::dot(&diagram.title)
    );
    let _ = writeln!(
        out,
        "  node [fontname=\"Helvetica\", fontsize=11, style=filled];"
    );
    let _ = writeln!(
        out,
        "  edge [fontname=\"Helvetica\", fontsize=9, color=\"#455a64\"];"
    );
    for (index, cluster) in diagram.clusters.iter().enumerate() {
        if cluster.parent.is_none() {
            write_cluster(&mut out, diagram, index, 1);
        }
    }
    for node in diagram.nodes.iter().filter(|n| n.cluster.is_none()) {
        let _ = writeln!(out, "  {}", node_line(node, diagram.node_emphasis(node)));
    }
    for edge in &diagram.edges {
        let emphasis = diagram.edge_emphasis(edge);
        let mut attributes = Vec::new();
        match edge.style {
            EdgeStyle::Sync => {}
            EdgeStyle::Async | EdgeStyle::Consumer => attributes.push("style=dashed".to_string()),
            EdgeStyle::Backing => attributes.push("style=dotted".to_string()),
            EdgeStyle::DeadLetter => {
                attributes.push("style=dotted".to_string());
                if emphasis == Emphasis::Plain {
                    attributes.push("color=\"#c62828\"".to_string());
                }
            }
        }
        match emphasis {
            Emphasis::Plain => {}
            Emphasis::Way => {
                attributes.push(format!("color=\"{WAY_COLOR}\""));
                attributes.push("penwidth=2.5".to_string());
            }
            Emphasis::Dimmed => {
                attributes.push(format!("color=\"{DIM_STROKE}\""));
                attributes.push(format!("fontcolor=\"{DIM_TEXT}\""));
            }
        }
        if edge.write && emphasis == Emphasis::Plain {
            attributes.push("penwidth=2.2".to_string());
        }
        if let Some(label) = &edge.label {
            attributes.push(format!("label=\"{}\"", escape::dot(label)));
        }
        let attributes = if attributes.is_empty() {
            String::new()
        } else {
            format!(" [{}]", attributes.join(", "))
        };
        let _ = writeln!(out, "  \"n{}\" -> \"n{}\"{attributes};", edge.from, edge.to);
    }
    out.push_str("}\n");
    out
}

fn write_cluster(out: &mut String, diagram: &Diagram, index: usize, depth: usize) {
    let indent = "  ".repeat(depth);
    let _ = writeln!(out, "{indent}subgraph \"cluster_{index}\" {{");
    let _ = writeln!(
        out,
        "{indent}  label=\"{}\"; style=\"rounded,dashed\"; color=\"#90a4ae\"; fontname=\"Helvetica\"; fontsize=10;",
        escape::dot(&diagram.clusters[index].label)
    );
    for (child, cluster) in diagram.clusters.iter().enumerate() {
        if cluster.parent == Some(index) {
            write_cluster(out, diagram, child, depth + 1);
        }
    }
    for node in diagram.nodes.iter().filter(|n| n.cluster == Some(index)) {
        let _ = writeln!(
            out,
            "{indent}  {}",
            node_line(node, diagram.node_emphasis(node))
        );
    }
    let _ = writeln!(out, "{indent}}}");
}
