//! Node boxes, edge polylines and cluster boxes for a diagram. The only
//! place that knows the layout crate (dagre, a port of dagre.js): swapping
//! it means rewriting this file only.

use dagre::graph::{Graph, GraphOptions};
use dagre::{EdgeLabel, GraphLabel, LayoutOptions, NodeLabel, RankDir};

use super::diagram::{Diagram, Direction};

/// Approximate width of one character of the 12px sans-serif labels.
pub const CHAR_WIDTH: f64 = 7.0;
pub const LINE_HEIGHT: f64 = 15.0;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    /// Centre.
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Route {
    pub points: Vec<(f64, f64)>,
    /// Where the edge's label goes, if it has one.
    pub label_at: Option<(f64, f64)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    pub width: f64,
    pub height: f64,
    /// One per diagram node, in the same order.
    pub nodes: Vec<Rect>,
    /// One per diagram edge, in the same order.
    pub edges: Vec<Route>,
    /// One per diagram cluster, in the same order.
    pub clusters: Vec<Rect>,
}

/// The size a node needs for its name and detail lines.
pub fn node_size(lines: usize, longest: usize) -> (f64, f64) {
    (
        longest as f64 * CHAR_WIDTH + 28.0,
        lines as f64 * LINE_HEIGHT + 18.0,
    )
}

pub fn layout(diagram: &Diagram) -> Layout {
    let mut graph: Graph<NodeLabel, EdgeLabel> = Graph::with_options(GraphOptions {
        directed: true,
        multigraph: true,
        compound: true,
    });
    for (index, _) in diagram.clusters.iter().enumerate() {
        graph.set_node(format!("c{index}"), Some(NodeLabel::default()));
    }
    for (index, cluster) in diagram.clusters.iter().enumerate() {
        if let Some(parent) = cluster.parent {
            graph.set_parent(&format!("c{index}"), Some(&format!("c{parent}")));
        }
    }
    for node in &diagram.nodes {
        let longest = std::iter::once(&node.name)
            .chain(&node.details)
            .map(|l| l.chars().count())
            .max()
            .unwrap_or(1);
        let (width, height) = node_size(1 + node.details.len(), longest);
        let label = NodeLabel {
            width,
            height,
            ..NodeLabel::default()
        };
        graph.set_node(format!("n{}", node.id), Some(label));
        if let Some(cluster) = node.cluster {
            graph.set_parent(&format!("n{}", node.id), Some(&format!("c{cluster}")));
        }
    }
    for (index, edge) in diagram.edges.iter().enumerate() {
        let mut label = EdgeLabel::default();
        if let Some(text) = &edge.label {
            label.width = text.chars().count() as f64 * CHAR_WIDTH * 0.9 + 6.0;
            label.height = LINE_HEIGHT;
        }
        let name = format!("e{index}");
        graph.set_edge(
            format!("n{}", edge.from),
            format!("n{}", edge.to),
            Some(label),
            Some(&name),
        );
    }
    let options = LayoutOptions {
        rankdir: match diagram.direction {
            Direction::TopToBottom => RankDir::TB,
            Direction::LeftToRight => RankDir::LR,
        },
        nodesep: 40.0,
        ranksep: 56.0,
        edgesep: 14.0,
        marginx: 24.0,
        marginy: 24.0,
        ..LayoutOptions::default()
    };
    dagre::layout(&mut graph, Some(options));

    let rect = |id: &str| {
        let label = graph.node(id).cloned().unwrap_or_default();
        Rect {
            x: label.x.unwrap_or(0.0),
            y: label.y.unwrap_or(0.0),
            width: label.width,
            height: label.height,
        }
    };
    let nodes = diagram
        .nodes
        .iter()
        .map(|node| rect(&format!("n{}", node.id)))
        .collect();
    let clusters = (0..diagram.clusters.len())
        .map(|index| rect(&format!("c{index}")))
        .collect();
    let edges = diagram
        .edges
        .iter()
        .enumerate()
        .map(|(index, edge)| {
            let name = format!("e{index}");
            let label = graph
                .edge(
                    &format!("n{}", edge.from),
                    &format!("n{}", edge.to),
                    Some(&name),
                )
                .cloned()
                .unwrap_or_default();
            Route {
                points: label.points.iter().map(|p| (p.x, p.y)).collect(),
                label_at: edge.label.as_ref().and(label.x.zip(label.y)),
            }
        })
        .collect();
    let size = graph
        .graph_label::<GraphLabel>()
        .map_or((0.0, 0.0), |g| (g.width, g.height));
    Layout {
        width: size.0,
        height: size.1,
        nodes,
        edges,
        clusters,
    }
}
