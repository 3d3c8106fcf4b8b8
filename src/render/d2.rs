//! D2 text (d2lang.com), for teams that keep their diagrams in D2.
//!
//! Each component is a shape keyed by its name, each kind a class that
//! gives its shape, zones (and regions) containers around the components
//! that run in them, async calls and queue hand-offs dashed, cache misses
//! and dead letters dotted. Every key and label is a double-quoted string
//! passed through `escape::d2` (quoting also keeps names such as `label`,
//! `shape` or `a--b` from reading as keywords or connections).

use std::collections::BTreeSet;
use std::fmt::Write;

use super::diagram::{Diagram, Direction, EdgeStyle, Node};
use super::dot::{fill, stroke};
use super::escape;
use super::highlight::{Emphasis, WAY_COLOR};
use crate::design::Kind;

/// The D2 shape of each kind, and whether it is drawn with a double border.
fn shape(kind: Kind) -> (&'static str, bool) {
    match kind {
        Kind::Client => ("person", false),
        Kind::Cdn => ("cloud", false),
        Kind::Dns => ("oval", false),
        Kind::LoadBalancer => ("hexagon", false),
        Kind::Gateway => ("parallelogram", false),
        Kind::Service => ("rectangle", false),
        Kind::Worker => ("rectangle", true),
        Kind::Cache => ("stored_data", false),
        Kind::Queue => ("queue", false),
        Kind::Database => ("cylinder", false),
        Kind::ObjectStore => ("package", false),
        Kind::Search => ("page", false),
        Kind::External => ("rectangle", false),
    }
}

/// The class of each edge style, and the style it stands for.
fn edge_class(style: EdgeStyle) -> Option<(&'static str, &'static str)> {
    match style {
        EdgeStyle::Sync => None,
        EdgeStyle::Async => Some(("async", "style.stroke-dash: 5")),
        EdgeStyle::Consumer => Some(("consumer", "style.stroke-dash: 5")),
        EdgeStyle::Backing => Some(("miss", "style.stroke-dash: 2")),
        EdgeStyle::DeadLetter => Some((
            "dead_letter",
            "style.stroke-dash: 2; style.stroke: \"#c62828\"",
        )),
    }
}

/// What is off a highlighted way fades.
const DIMMED: &str = "style.opacity: 0.35";

fn quoted(text: &str) -> String {
    format!("\"{}\"", escape::d2(text))
}

/// The key of each cluster: its label cut down to letters, digits, spaces
/// and `,._-`, made unique with a counter. D2's dagre layout pastes keys
/// into JavaScript inside a template literal, so a key with a backquote or
/// `${` breaks it (or runs in it) however the D2 source quotes it; labels
/// do not go there and keep the full text.
fn cluster_keys(diagram: &Diagram) -> Vec<String> {
    let mut taken = BTreeSet::new();
    diagram
        .clusters
        .iter()
        .map(|cluster| {
            let base: String = cluster
                .label
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || matches!(c, ' ' | ',' | '.' | '_' | '-') {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
            let mut key = base.clone();
            let mut counter = 1;
            while !taken.insert(key.clone()) {
                counter += 1;
                key = format!("{base} ({counter})");
            }
            key
        })
        .collect()
}

/// The full path of a node: its clusters' keys from the outermost, then
/// its name.
fn path(diagram: &Diagram, keys: &[String], node: &Node) -> String {
    let mut parts = vec![quoted(&node.name)];
    let mut cluster = node.cluster;
    while let Some(index) = cluster {
        parts.push(quoted(&keys[index]));
        cluster = diagram.clusters[index].parent;
    }
    parts.reverse();
    parts.join(".")
}

pub fn render(diagram: &Diagram) -> String {
    let mut out = String::new();
    let direction = match diagram.direction {
        Direction::TopToBottom => "down",
        Direction::LeftToRight => "right",
    };
    let _ = writeln!(out, "direction: {direction}");
    // A key with a space cannot be a component's name (`[a-z0-9_-]+`) or a
    // cluster's (`zone ...`, `region ...`).
    let _ = writeln!(
        out,
        "\"design title\": {} {{shape: text; near: top-center; style.font-size: 24; style.bold: true}}",
        quoted(&diagram.title)
    );

    out.push_str("classes: {\n");
    let kinds: BTreeSet<Kind> = diagram.nodes.iter().map(|node| node.kind).collect();
    for kind in kinds {
        let (shape, double) = shape(kind);
        let mut style = format!("shape: {shape}");
        if double {
            style.push_str("; style.double-border: true");
        }
        if kind == Kind::External {
            style.push_str("; style.stroke-dash: 3");
        }
        let _ = writeln!(out, "  {}: {{{style}}}", kind.as_str());
    }
    let styles: BTreeSet<(&str, &str)> = diagram
        .edges
        .iter()
        .filter_map(|edge| edge_class(edge.style))
        .collect();
    for (class, style) in styles {
        let _ = writeln!(out, "  {class}: {{{style}}}");
    }
    out.push_str("}\n");

    let keys = cluster_keys(diagram);
    for (index, cluster) in diagram.clusters.iter().enumerate() {
        if cluster.parent.is_none() {
            write_cluster(&mut out, diagram, &keys, index, 0);
        }
    }
    for node in diagram.nodes.iter().filter(|n| n.cluster.is_none()) {
        write_node(&mut out, node, diagram.node_emphasis(node), "");
    }
    for edge in &diagram.edges {
        let from = path(diagram, &keys, &diagram.nodes[edge.from]);
        let to = path(diagram, &keys, &diagram.nodes[edge.to]);
        let _ = write!(out, "{from} -> {to}");
        if let Some(label) = &edge.label {
            let _ = write!(out, ": {}", quoted(label));
        }
        let mut fields: Vec<String> = edge_class(edge.style)
            .map(|(class, _)| format!("class: {class}"))
            .into_iter()
            .collect();
        match diagram.edge_emphasis(edge) {
            // Writes are drawn thick, as in the SVG.
            Emphasis::Plain if edge.write => fields.push("style.stroke-width: 3".to_string()),
            Emphasis::Plain => {}
            Emphasis::Way => {
                fields.push(format!("style.stroke: \"{WAY_COLOR}\""));
                fields.push("style.stroke-width: 3".to_string());
            }
            Emphasis::Dimmed => fields.push(DIMMED.to_string()),
        }
        if fields.is_empty() {
            out.push('\n');
        } else {
            let _ = writeln!(out, " {{{}}}", fields.join("; "));
        }
    }
    out
}

fn write_cluster(out: &mut String, diagram: &Diagram, keys: &[String], index: usize, depth: usize) {
    let indent = "  ".repeat(depth);
    let cluster = &diagram.clusters[index];
    let _ = write!(out, "{indent}{}: ", quoted(&keys[index]));
    if keys[index] != cluster.label {
        let _ = write!(out, "{} ", quoted(&cluster.label));
    }
    out.push_str("{\n");
    let _ = writeln!(
        out,
        "{indent}  style: {{stroke-dash: 4; stroke: \"#90a4ae\"; fill: transparent}}"
    );
    for (child, nested) in diagram.clusters.iter().enumerate() {
        if nested.parent == Some(index) {
            write_cluster(out, diagram, keys, child, depth + 1);
        }
    }
    let inner = format!("{indent}  ");
    for node in diagram.nodes.iter().filter(|n| n.cluster == Some(index)) {
        write_node(out, node, diagram.node_emphasis(node), &inner);
    }
    let _ = writeln!(out, "{indent}}}");
}

fn write_node(out: &mut String, node: &Node, emphasis: Emphasis, indent: &str) {
    let mut label = node.name.clone();
    for line in &node.details {
        label.push('\n');
        label.push_str(line);
    }
    let mut fields = vec![format!("class: {}", node.kind.as_str())];
    if node.replicas > 1 {
        fields.push("style.multiple: true".to_string());
    }
    if node.heat.is_some() {
        fields.push(format!("style.fill: \"{}\"", fill(node.heat)));
    }
    if let Some((severity, count)) = node.worst_finding() {
        let (color, width) = stroke(node.worst_finding());
        fields.push(format!("style.stroke: \"{color}\""));
        fields.push(format!("style.stroke-width: {width}"));
        let noun = if count == 1 { "finding" } else { "findings" };
        fields.push(format!(
            "tooltip: \"{count} {noun}, worst: {}\"",
            severity.as_str()
        ));
    }
    if emphasis == Emphasis::Dimmed {
        fields.push(DIMMED.to_string());
    }
    let _ = writeln!(
        out,
        "{indent}{}: {} {{{}}}",
        quoted(&node.name),
        quoted(&label),
        fields.join("; ")
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::diagram::{Cluster, Edge};

    fn node(id: usize, name: &str, kind: Kind, cluster: Option<usize>) -> Node {
        Node {
            id,
            name: name.to_string(),
            kind,
            replicas: 2,
            details: vec!["x2".to_string()],
            heat: None,
            findings: Vec::new(),
            cluster,
        }
    }

    #[test]
    fn edges_name_nodes_by_their_full_path_and_keywords_stay_keys() {
        let diagram = Diagram {
            title: "t".to_string(),
            nodes: vec![
                node(0, "label", Kind::Service, Some(1)),
                node(1, "a--b", Kind::Queue, None),
            ],
            edges: vec![Edge {
                from: 0,
                to: 1,
                style: EdgeStyle::Async,
                write: false,
                label: None,
            }],
            clusters: vec![
                Cluster {
                    label: "region r".to_string(),
                    parent: None,
                },
                Cluster {
                    label: "zone `${a}`".to_string(),
                    parent: Some(0),
                },
            ],
            direction: Direction::LeftToRight,
            annotated: false,
            highlight: None,
        };
        let text = render(&diagram);
        assert!(text.starts_with("direction: right\n"), "{text}");
        assert!(
            text.contains("\"region r\".\"zone ___a__\".\"label\" -> \"a--b\" {class: async}"),
            "{text}"
        );
        assert!(text.contains("  async: {style.stroke-dash: 5}"), "{text}");
        assert!(
            text.contains("  \"zone ___a__\": \"zone `\\${a}`\" {"),
            "{text}"
        );
        assert!(
            text.contains("\"a--b\": \"a--b\\nx2\" {class: queue; style.multiple: true}"),
            "{text}"
        );
    }

    #[test]
    fn clusters_with_alike_labels_get_distinct_keys() {
        let diagram = Diagram {
            title: "t".to_string(),
            nodes: vec![],
            edges: vec![],
            clusters: vec![
                Cluster {
                    label: "zones a, b".to_string(),
                    parent: None,
                },
                Cluster {
                    label: "zones a, b".to_string(),
                    parent: None,
                },
            ],
            direction: Direction::TopToBottom,
            annotated: false,
            highlight: None,
        };
        let text = render(&diagram);
        assert!(
            text.contains("\"zones a, b (2)\": \"zones a, b\" {"),
            "{text}"
        );
    }
}
