//! Mermaid flowchart text. Node ids are `n<index>` (a component could be
//! named `end`, which Mermaid reserves); every label is escaped.

use std::fmt::Write;

use super::diagram::{Diagram, Direction, EdgeStyle, Heat, Node};
use super::escape;
use super::highlight::{DIM_STROKE, DIM_TEXT, Emphasis, WAY_COLOR};
use crate::design::Kind;
use crate::diagnostic::Severity;

fn label(node: &Node) -> String {
    let mut lines = vec![escape::mermaid(&node.name)];
    lines.extend(node.details.iter().map(|line| escape::mermaid(line)));
    lines.join("<br/>")
}

/// The node in the shape of its kind.
fn shape(node: &Node) -> String {
    let text = label(node);
    let id = format!("n{}", node.id);
    match node.kind {
        Kind::Client => format!("{id}([\"{text}\"])"),
        Kind::Cdn => format!("{id}((\"{text}\"))"),
        Kind::Dns => format!("{id}(\"{text}\")"),
        Kind::LoadBalancer => format!("{id}{{{{\"{text}\"}}}}"),
        Kind::Gateway => format!("{id}[/\"{text}\"\\]"),
        Kind::Service => format!("{id}[\"{text}\"]"),
        Kind::Worker => format!("{id}[[\"{text}\"]]"),
        Kind::Cache => format!("{id}[\\\"{text}\"/]"),
        Kind::Queue => format!("{id}[/\"{text}\"/]"),
        Kind::Database | Kind::ObjectStore => format!("{id}[(\"{text}\")]"),
        Kind::Search => format!("{id}[\\\"{text}\"\\]"),
        Kind::External => format!("{id}>\"{text}\"]"),
    }
}

fn arrow(style: EdgeStyle) -> &'static str {
    match style {
        EdgeStyle::Sync | EdgeStyle::Backing => "-->",
        EdgeStyle::Async | EdgeStyle::Consumer | EdgeStyle::DeadLetter => "-.->",
    }
}

pub fn render(diagram: &Diagram) -> String {
    let mut out = String::new();
    let direction = match diagram.direction {
        Direction::TopToBottom => "TB",
        Direction::LeftToRight => "LR",
    };
    let _ = writeln!(out, "flowchart {direction}");
    let mut written = vec![false; diagram.nodes.len()];
    for (index, cluster) in diagram.clusters.iter().enumerate() {
        if cluster.parent.is_none() {
            write_cluster(&mut out, diagram, index, 1, &mut written);
        }
    }
    for node in &diagram.nodes {
        if !written[node.id] {
            let _ = writeln!(out, "  {}", shape(node));
        }
    }
    for edge in &diagram.edges {
        // A sync write is drawn thick; Mermaid has no thick dotted arrow.
        let arrow = if edge.write && edge.style == EdgeStyle::Sync {
            "==>"
        } else {
            arrow(edge.style)
        };
        match &edge.label {
            Some(label) => {
                let _ = writeln!(
                    out,
                    "  n{} {arrow}|\"{}\"| n{}",
                    edge.from,
                    escape::mermaid(label),
                    edge.to
                );
            }
            None => {
                let _ = writeln!(out, "  n{} {arrow} n{}", edge.from, edge.to);
            }
        }
    }
    out.push_str(concat!(
        "  classDef cool fill:#e8f5e9,stroke:#607d8b\n",
        "  classDef warm fill:#fff8e1,stroke:#607d8b\n",
        "  classDef hot fill:#ffe0b2,stroke:#607d8b\n",
        "  classDef saturated fill:#ffcdd2,stroke:#607d8b\n",
        "  classDef error stroke:#c62828,stroke-width:3px\n",
        "  classDef warning stroke:#ef6c00,stroke-width:3px\n",
        "  classDef info stroke:#1565c0,stroke-width:2px\n",
    ));
    for node in &diagram.nodes {
        if let Some(heat) = node.heat {
            let class = match heat {
                Heat::Cool => "cool",
                Heat::Warm => "warm",
                Heat::Hot => "hot",
                Heat::Saturated => "saturated",
            };
            let _ = writeln!(out, "  class n{} {class}", node.id);
        }
        if let Some((severity, _)) = node.worst_finding() {
            let class = match severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "info",
            };
            let _ = writeln!(out, "  class n{} {class}", node.id);
        }
    }
    write_highlight(&mut out, diagram);
    out
}

/// A highlighted way: the components off it faded, its links drawn thick
/// and the others faint (`linkStyle` counts links in the order written).
fn write_highlight(out: &mut String, diagram: &Diagram) {
    if diagram.highlight.is_none() {
        return;
    }
    out.push_str("  classDef dimmed opacity:0.35\n");
    for node in &diagram.nodes {
        if diagram.node_emphasis(node) == Emphasis::Dimmed {
            let _ = writeln!(out, "  class n{} dimmed", node.id);
        }
    }
    for (emphasis, style) in [
        (
            Emphasis::Way,
            format!("stroke:{WAY_COLOR},stroke-width:3px"),
        ),
        (
            Emphasis::Dimmed,
            format!("stroke:{DIM_STROKE},color:{DIM_TEXT}"),
        ),
    ] {
        let links: Vec<String> = diagram
            .edges
            .iter()
            .enumerate()
            .filter(|(_, edge)| diagram.edge_emphasis(edge) == emphasis)
            .map(|(index, _)| index.to_string())
            .collect();
        if !links.is_empty() {
            let _ = writeln!(out, "  linkStyle {} {style}", links.join(","));
        }
    }
}

fn write_cluster(
    out: &mut String,
    diagram: &Diagram,
    index: usize,
    depth: usize,
    written: &mut [bool],
) {
    let indent = "  ".repeat(depth);
    let _ = writeln!(
        out,
        "{indent}subgraph c{index}[\"{}\"]",
        escape::mermaid(&diagram.clusters[index].label)
    );
    for (child, cluster) in diagram.clusters.iter().enumerate() {
        if cluster.parent == Some(index) {
            write_cluster(out, diagram, child, depth + 1, written);
        }
    }
    for node in diagram.nodes.iter().filter(|n| n.cluster == Some(index)) {
        let _ = writeln!(out, "{indent}  {}", shape(node));
        written[node.id] = true;
    }
    let _ = writeln!(out, "{indent}end");
}
