//! The LikeC4 DSL (likec4.dev): one `.c4` file with a specification (an
//! element kind per component kind, a relationship kind per edge style), the
//! model (one element per component, one relationship per edge) and one
//! view, `index`, that groups the components by the zones they run in.
//!
//! LikeC4's model nests elements by what they are part of, not where they
//! run, so zones (and regions) are groups of the view rather than parents
//! in the model. Replicas are `multiple` in the style and a `replicas`
//! metadata entry; findings are tags (`#error`, `#warning`, `#info`);
//! with `--annotate` the colour is the utilisation.
//!
//! Identifiers cannot be quoted in LikeC4: a component name that is a
//! LikeC4 keyword or does not start with a letter gets the id
//! `_n<index>_<name>` (never a plain name, which starts with a letter).
//! Every title, description and group name is a single-quoted string passed
//! through `escape::likec4`.

use std::collections::BTreeSet;
use std::fmt::Write;

use super::diagram::{Diagram, Direction, EdgeStyle, Heat, Node};
use super::escape;
use super::highlight::{Emphasis, WAY_COLOR};
use crate::design::Kind;
use crate::diagnostic::Severity;

/// The lower-case keywords of LikeC4's grammar (version 1.46), which a
/// component name (`[a-z0-9_-]+`) could spell.
const KEYWORDS: &[&str] = &[
    "amber",
    "and",
    "blue",
    "border",
    "browser",
    "color",
    "component",
    "crow",
    "cylinder",
    "dashed",
    "deployment",
    "description",
    "diagram",
    "diamond",
    "dot",
    "dotted",
    "dynamic",
    "element",
    "exclude",
    "extend",
    "extends",
    "false",
    "from",
    "global",
    "gray",
    "green",
    "group",
    "head",
    "icon",
    "icons",
    "import",
    "include",
    "indigo",
    "instance",
    "is",
    "it",
    "kind",
    "large",
    "lg",
    "likec4lib",
    "line",
    "link",
    "max",
    "md",
    "medium",
    "metadata",
    "min",
    "mobile",
    "model",
    "multiple",
    "muted",
    "node",
    "none",
    "not",
    "notation",
    "notes",
    "odiamond",
    "odot",
    "of",
    "onormal",
    "opacity",
    "open",
    "or",
    "padding",
    "par",
    "parallel",
    "person",
    "predicate",
    "primary",
    "queue",
    "rank",
    "rectangle",
    "red",
    "relationship",
    "rgb",
    "rgba",
    "same",
    "secondary",
    "sequence",
    "shape",
    "sink",
    "size",
    "sky",
    "slate",
    "sm",
    "small",
    "solid",
    "source",
    "specification",
    "storage",
    "style",
    "summary",
    "tag",
    "tail",
    "target",
    "technology",
    "this",
    "title",
    "true",
    "variant",
    "vee",
    "view",
    "views",
    "where",
    "with",
    "xl",
    "xlarge",
    "xs",
    "xsmall",
];

/// The element's id: its name when LikeC4 reads that as a plain
/// identifier, otherwise `_n<index>_<name>`.
fn id(node: &Node) -> String {
    let plain = node.name.starts_with(|c: char| c.is_ascii_lowercase())
        && KEYWORDS.binary_search(&node.name.as_str()).is_err();
    if plain {
        node.name.clone()
    } else {
        format!("_n{}_{}", node.id, node.name)
    }
}

fn shape(kind: Kind) -> &'static str {
    match kind {
        Kind::Client => "person",
        Kind::Cache | Kind::ObjectStore => "storage",
        Kind::Queue => "queue",
        Kind::Database => "cylinder",
        Kind::Cdn
        | Kind::Dns
        | Kind::LoadBalancer
        | Kind::Gateway
        | Kind::Service
        | Kind::Worker
        | Kind::Search
        | Kind::External => "rectangle",
    }
}

/// The relationship kind of an edge style, and how it is drawn.
fn relationship(style: EdgeStyle) -> Option<(&'static str, &'static [&'static str])> {
    match style {
        EdgeStyle::Sync => None,
        EdgeStyle::Async => Some(("async", &["line dashed"])),
        EdgeStyle::Consumer => Some(("consumer", &["line dashed"])),
        EdgeStyle::Backing => Some(("miss", &["line dotted"])),
        EdgeStyle::DeadLetter => Some(("dead_letter", &["line dotted", "color red"])),
    }
}

/// The colours of utilisation, as custom colours of the specification.
const HEAT_COLORS: [(Heat, &str, &str); 4] = [
    (Heat::Cool, "cool", "#2e7d32"),
    (Heat::Warm, "warm", "#f9a825"),
    (Heat::Hot, "hot", "#ef6c00"),
    (Heat::Saturated, "saturated", "#c62828"),
];

fn heat_color(heat: Heat) -> &'static str {
    HEAT_COLORS
        .iter()
        .find(|(level, _, _)| *level == heat)
        .map_or("primary", |(_, name, _)| name)
}

fn quoted(text: &str) -> String {
    format!("'{}'", escape::likec4(text))
}

pub fn render(diagram: &Diagram) -> String {
    let mut out = String::new();
    let ids: Vec<String> = diagram.nodes.iter().map(id).collect();

    out.push_str("specification {\n");
    let kinds: BTreeSet<Kind> = diagram.nodes.iter().map(|node| node.kind).collect();
    for kind in kinds {
        let _ = writeln!(out, "  element {} {{", kind.as_str());
        out.push_str("    style {\n");
        let _ = writeln!(out, "      shape {}", shape(kind));
        if kind == Kind::External {
            out.push_str("      color muted\n      border dashed\n");
        }
        out.push_str("    }\n  }\n");
    }
    let relationships: BTreeSet<(&str, &[&str])> = diagram
        .edges
        .iter()
        .filter_map(|edge| relationship(edge.style))
        .collect();
    for (name, lines) in relationships {
        let _ = writeln!(out, "  relationship {name} {{");
        for line in lines {
            let _ = writeln!(out, "    {line}");
        }
        out.push_str("  }\n");
    }
    let severities: BTreeSet<Severity> = diagram
        .nodes
        .iter()
        .filter_map(|node| node.worst_finding().map(|(severity, _)| severity))
        .collect();
    for severity in severities.iter().rev() {
        let _ = writeln!(out, "  tag {}", severity.as_str());
    }
    if diagram.annotated {
        for (_, name, hex) in HEAT_COLORS {
            let _ = writeln!(out, "  color {name} {hex}");
        }
    }
    if diagram.highlight.is_some() {
        let _ = writeln!(out, "  color way {WAY_COLOR}");
    }
    out.push_str("}\n\nmodel {\n");

    for (node, id) in diagram.nodes.iter().zip(&ids) {
        write_element(&mut out, node, diagram.node_emphasis(node), id);
    }
    for edge in &diagram.edges {
        let from = &ids[edge.from];
        let to = &ids[edge.to];
        let arrow = match relationship(edge.style) {
            Some((name, _)) => format!("-[{name}]->"),
            None => "->".to_string(),
        };
        let _ = write!(out, "  {from} {arrow} {to}");
        if let Some(label) = &edge.label {
            let _ = write!(out, " {}", quoted(label));
        }
        // A highlighted way in its own colour, the rest muted.
        match diagram.edge_emphasis(edge) {
            Emphasis::Plain => {}
            Emphasis::Way => out.push_str(" {\n    style {\n      color way\n    }\n  }"),
            Emphasis::Dimmed => out.push_str(" {\n    style {\n      color muted\n    }\n  }"),
        }
        out.push('\n');
    }

    out.push_str("}\n\nviews {\n  view index {\n");
    let _ = writeln!(out, "    title {}", quoted(&diagram.title));
    for (index, cluster) in diagram.clusters.iter().enumerate() {
        if cluster.parent.is_none() {
            write_group(&mut out, diagram, &ids, index, 2);
        }
    }
    let outside: Vec<&str> = diagram
        .nodes
        .iter()
        .filter(|node| node.cluster.is_none())
        .map(|node| ids[node.id].as_str())
        .collect();
    if !outside.is_empty() {
        let _ = writeln!(out, "    include {}", outside.join(", "));
    }
    let direction = match diagram.direction {
        Direction::TopToBottom => "TopBottom",
        Direction::LeftToRight => "LeftRight",
    };
    let _ = writeln!(out, "    autoLayout {direction}");
    out.push_str("  }\n}\n");
    out
}

fn write_element(out: &mut String, node: &Node, emphasis: Emphasis, id: &str) {
    let _ = writeln!(
        out,
        "  {id} = {} {} {{",
        node.kind.as_str(),
        quoted(&node.name)
    );
    if let Some((severity, _)) = node.worst_finding() {
        let _ = writeln!(out, "    #{}", severity.as_str());
    }
    if !node.details.is_empty() {
        let _ = writeln!(out, "    description {}", quoted(&node.details.join("\n")));
    }
    out.push_str("    metadata {\n");
    let _ = writeln!(out, "      replicas '{}'", node.replicas);
    if let Some((_, count)) = node.worst_finding() {
        let _ = writeln!(out, "      findings '{count}'");
    }
    out.push_str("    }\n");
    let dimmed = emphasis == Emphasis::Dimmed;
    if node.replicas > 1 || node.heat.is_some() || dimmed {
        out.push_str("    style {\n");
        if node.replicas > 1 {
            out.push_str("      multiple true\n");
        }
        // Off a highlighted way a component is muted, whatever its heat.
        if dimmed {
            out.push_str("      color muted\n");
        } else if let Some(heat) = node.heat {
            let _ = writeln!(out, "      color {}", heat_color(heat));
        }
        out.push_str("    }\n");
    }
    out.push_str("  }\n");
}

fn write_group(out: &mut String, diagram: &Diagram, ids: &[String], index: usize, depth: usize) {
    let indent = "  ".repeat(depth);
    let _ = writeln!(
        out,
        "{indent}group {} {{",
        quoted(&diagram.clusters[index].label)
    );
    for (child, cluster) in diagram.clusters.iter().enumerate() {
        if cluster.parent == Some(index) {
            write_group(out, diagram, ids, child, depth + 1);
        }
    }
    let members: Vec<&str> = diagram
        .nodes
        .iter()
        .filter(|node| node.cluster == Some(index))
        .map(|node| ids[node.id].as_str())
        .collect();
    if !members.is_empty() {
        let _ = writeln!(out, "{indent}  include {}", members.join(", "));
    }
    let _ = writeln!(out, "{indent}}}");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(index: usize, name: &str) -> Node {
        Node {
            id: index,
            name: name.to_string(),
            kind: Kind::Service,
            replicas: 1,
            details: Vec::new(),
            heat: None,
            findings: Vec::new(),
            cluster: None,
        }
    }

    #[test]
    fn keywords_are_sorted_for_the_binary_search() {
        assert!(KEYWORDS.windows(2).all(|pair| pair[0] < pair[1]));
    }

    #[test]
    fn names_that_are_not_plain_identifiers_get_a_prefixed_id() {
        assert_eq!(id(&node(0, "orders_db")), "orders_db");
        assert_eq!(id(&node(1, "a--b")), "a--b");
        assert_eq!(id(&node(2, "model")), "_n2_model");
        assert_eq!(id(&node(3, "1st")), "_n3_1st");
        assert_eq!(id(&node(4, "-x")), "_n4_-x");
        assert_eq!(id(&node(5, "_x")), "_n5__x");
    }
}
