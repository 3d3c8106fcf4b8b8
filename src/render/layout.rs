//! Node boxes, edge lines and cluster boxes for a diagram: the only code
//! that knows the layout engine (`layered`, our own Sugiyama layout). It
//! sizes every node and label from its text, hands the engine a plain
//! graph, top to bottom, and turns the result round for left to right.

use super::diagram::{Diagram, Direction};
use super::layered::{self, ClusterSpec, EdgeSpec, LabelSpec, NodeSpec, Spacing};
use super::shape;
use super::text::{self, Font};

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
    /// From the source's outline to the target's; consecutive points are
    /// joined by a curve that leaves and arrives along the flow.
    pub points: Vec<(f64, f64)>,
    /// The centre of the edge's label, if it has one.
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
    /// One per diagram cluster, in the same order; none when it is empty.
    pub clusters: Vec<Option<Frame>>,
}

/// A cluster's box and where its caption goes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Frame {
    pub area: Rect,
    /// The top left corner of the caption.
    pub caption: (f64, f64),
}

/// Between a label and its edge's line.
const LABEL_GAP: f64 = 4.0;

fn spacing(direction: Direction) -> Spacing {
    let common = Spacing {
        node: 32.0,
        edge: 12.0,
        rank: 40.0,
        cluster_start: 10.0,
        cluster_end: 14.0,
        cluster_top: 10.0,
        cluster_bottom: 12.0,
        margin: 16.0,
        self_loop: 24.0,
    };
    match direction {
        Direction::TopToBottom => common,
        Direction::LeftToRight => Spacing {
            node: 20.0,
            rank: 48.0,
            ..common
        },
    }
}

/// The room a label of `width` x `height` takes in the engine's frame.
fn label_room(direction: Direction, width: f64, height: f64) -> LabelSpec {
    match direction {
        // Right of a line running down.
        Direction::TopToBottom => LabelSpec {
            before: 3.0,
            after: LABEL_GAP + width + 2.0,
            depth: height + 2.0,
        },
        // Below a line running right.
        Direction::LeftToRight => LabelSpec {
            before: 3.0,
            after: LABEL_GAP + height + 2.0,
            depth: width + 4.0,
        },
    }
}

pub fn layout(diagram: &Diagram) -> Layout {
    let direction = diagram.direction;
    let across = |(w, h): (f64, f64)| match direction {
        Direction::TopToBottom => (w, h),
        Direction::LeftToRight => (h, w),
    };
    let sizes: Vec<(f64, f64)> = diagram.nodes.iter().map(shape::node_size).collect();
    let label_sizes: Vec<Option<(f64, f64)>> = diagram
        .edges
        .iter()
        .map(|edge| {
            edge.label
                .as_ref()
                .map(|label| (text::width(label, Font::Label), text::height(Font::Label)))
        })
        .collect();
    let graph = layered::Graph {
        nodes: diagram
            .nodes
            .iter()
            .zip(&sizes)
            .map(|(node, &(width, height))| {
                let port_reach = shape::port_reach(
                    node.kind,
                    width,
                    height,
                    direction == Direction::TopToBottom,
                );
                let (width, height) = across((width, height));
                NodeSpec {
                    width,
                    height,
                    port_reach,
                    cluster: node.cluster,
                }
            })
            .collect(),
        edges: diagram
            .edges
            .iter()
            .zip(&label_sizes)
            .map(|(edge, &label)| EdgeSpec {
                from: edge.from,
                to: edge.to,
                label: label.map(|(w, h)| label_room(direction, w, h)),
            })
            .collect(),
        clusters: diagram
            .clusters
            .iter()
            .map(|cluster| {
                let (width, height) = across((
                    text::width(&cluster.label, Font::Cluster),
                    text::height(Font::Cluster),
                ));
                ClusterSpec {
                    parent: cluster.parent,
                    caption: LabelSpec {
                        before: 0.0,
                        after: width,
                        depth: height,
                    },
                }
            })
            .collect(),
    };
    let placed = layered::layout(&graph, &spacing(direction));

    let point = |(x, y): (f64, f64)| match direction {
        Direction::TopToBottom => (x, y),
        Direction::LeftToRight => (y, x),
    };
    let nodes: Vec<Rect> = placed
        .nodes
        .iter()
        .zip(&sizes)
        .map(|(&centre, &(width, height))| {
            let (x, y) = point(centre);
            Rect {
                x,
                y,
                width,
                height,
            }
        })
        .collect();
    // The engine ends edges on the nodes' bounding boxes; the outlines of
    // round and slanted shapes lie further in.
    let onto = |node: usize, at: (f64, f64)| {
        diagram
            .nodes
            .get(node)
            .zip(nodes.get(node))
            .map_or(at, |(node, &area)| shape::onto_outline(node.kind, area, at))
    };
    let edges = placed
        .edges
        .iter()
        .zip(&diagram.edges)
        .zip(&label_sizes)
        .map(|((path, edge), size)| Route {
            points: {
                let mut points: Vec<(f64, f64)> = path.points.iter().map(|&p| point(p)).collect();
                let last = points.len().saturating_sub(1);
                if let Some(first) = points.first_mut() {
                    *first = onto(edge.from, *first);
                }
                if let Some(end) = points.get_mut(last) {
                    *end = onto(edge.to, *end);
                }
                points
            },
            label_at: path.label.zip(*size).map(|(anchor, (width, height))| {
                let (x, y) = point(anchor);
                match direction {
                    Direction::TopToBottom => (x + LABEL_GAP + width / 2.0, y),
                    Direction::LeftToRight => (x, y + LABEL_GAP + height / 2.0),
                }
            }),
        })
        .collect();
    let clusters = placed
        .clusters
        .iter()
        .map(|area| {
            area.map(|area| {
                let (left, top) = point((area.left, area.top));
                let (right, bottom) = point((area.right, area.bottom));
                Frame {
                    area: Rect {
                        x: (left + right) / 2.0,
                        y: (top + bottom) / 2.0,
                        width: right - left,
                        height: bottom - top,
                    },
                    caption: point(area.caption),
                }
            })
        })
        .collect();
    let (width, height) = across((placed.width, placed.height));
    Layout {
        width,
        height,
        nodes,
        edges,
        clusters,
    }
}
