//! A layered drawing of a directed graph with nested clusters (the
//! Sugiyama framework), top to bottom:
//!
//! 1. `rank`: cycles broken, each node given a layer (longest path, then
//!    promotion), every layer doubled so that each edge has a layer of its
//!    own for its label;
//! 2. here: edges longer than one layer become chains of dummy items, the
//!    label an item of its own beside the line; each cluster gets a left and
//!    a right border item on every layer it spans, and its caption is an
//!    item first in its top layer (so that no edge runs through it);
//! 3. `order`: crossings reduced by barycentre sweeps (a bounded number),
//!    each cluster's items kept together and sibling clusters in the same
//!    order on every layer;
//! 4. `position`: x by Brandes and Köpf (four alignments, balanced), with a
//!    cluster's border chain kept straight so that clusters are rectangles;
//! 5. `route`: y per layer, edges as lines through their dummies (drawn as
//!    curves by the caller), cluster boxes.
//!
//! Every pass is linear in the items or sorts within a layer; nothing looks
//! at all pairs of nodes. Ties are broken by position, never by hashing, so
//! the same graph gives the same drawing.

mod order;
mod position;
mod rank;
mod route;

pub use route::{Area, Path, Placement};

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NodeSpec {
    pub width: f64,
    pub height: f64,
    /// How far from the middle of its top and bottom sides edges may
    /// attach.
    pub port_reach: f64,
    /// The innermost cluster the node is drawn in.
    pub cluster: Option<usize>,
}

/// The room an edge's label takes: across the flow, `before` and `after`
/// the line; along the flow, `depth`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LabelSpec {
    pub before: f64,
    pub after: f64,
    pub depth: f64,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EdgeSpec {
    pub from: usize,
    pub to: usize,
    pub label: Option<LabelSpec>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ClusterSpec {
    pub parent: Option<usize>,
    /// The room its caption takes, at the start of its top layer.
    pub caption: LabelSpec,
}

#[derive(Clone, Debug, Default)]
pub struct Graph {
    pub nodes: Vec<NodeSpec>,
    pub edges: Vec<EdgeSpec>,
    pub clusters: Vec<ClusterSpec>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Spacing {
    /// Between two nodes side by side.
    pub node: f64,
    /// Between two edges side by side.
    pub edge: f64,
    /// Between the bottom of one layer of nodes and the top of the next.
    pub rank: f64,
    /// Inside a cluster's box, left of its content.
    pub cluster_start: f64,
    /// Inside a cluster's box, right of its content.
    pub cluster_end: f64,
    /// Inside a cluster's box, above its content (room for its label).
    pub cluster_top: f64,
    /// Inside a cluster's box, below its content.
    pub cluster_bottom: f64,
    /// Around the whole drawing.
    pub margin: f64,
    /// How far a self-loop reaches out of its node.
    pub self_loop: f64,
}

/// What an item in a layer stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Node(u32),
    /// A point of a long edge.
    Dummy,
    /// A point of an edge beside which its label sits.
    Label,
    /// A cluster's left border on this layer.
    Left(u32),
    /// A cluster's right border on this layer.
    Right(u32),
    /// A cluster's caption, first in its top layer.
    Caption(u32),
}

impl Kind {
    fn is_border(self) -> bool {
        matches!(self, Kind::Left(_) | Kind::Right(_))
    }

    fn is_node(self) -> bool {
        matches!(self, Kind::Node(_))
    }
}

const NONE: u32 = u32::MAX;

/// Neighbour lists in compressed-sparse-row form.
#[derive(Clone, Debug, Default)]
struct Lists {
    start: Vec<u32>,
    items: Vec<u32>,
}

impl Lists {
    fn new(count: usize, pairs: &[(u32, u32)]) -> Lists {
        let mut start = vec![0u32; count + 1];
        for &(from, _) in pairs {
            start[from as usize + 1] += 1;
        }
        for index in 0..count {
            start[index + 1] += start[index];
        }
        let mut fill = start.clone();
        let mut items = vec![0u32; pairs.len()];
        for &(from, to) in pairs {
            items[fill[from as usize] as usize] = to;
            fill[from as usize] += 1;
        }
        Lists { start, items }
    }

    fn of(&self, item: u32) -> &[u32] {
        &self.items[self.start[item as usize] as usize..self.start[item as usize + 1] as usize]
    }
}

/// The graph as layers of items, with the order the crossing reduction
/// settles on.
struct Layered {
    kind: Vec<Kind>,
    rank: Vec<u32>,
    /// The cluster an item is drawn in, plus one (0: none). A border item's
    /// scope is its own cluster.
    scope: Vec<u32>,
    /// Extent across the flow, left and right of the item's line.
    before: Vec<f64>,
    after: Vec<f64>,
    /// Extent along the flow.
    height: Vec<f64>,
    /// Edge segments to the layer above and below (no border links).
    up: Lists,
    down: Lists,
    /// A border item's neighbour in its chain on the layer above and below.
    chain_up: Vec<u32>,
    chain_down: Vec<u32>,
    /// Per edge of the input: its items from the upper end to the lower end
    /// (a range of `chain_items`), and its label item.
    chains: Vec<(u32, u32)>,
    chain_items: Vec<u32>,
    labels: Vec<u32>,
    reversed: Vec<bool>,
    /// Per cluster: its children, and the layers it spans.
    children: Vec<Vec<u32>>,
    span: Vec<Option<(u32, u32)>>,
    /// Per cluster and layer of its span: its border items.
    borders: Vec<Vec<(u32, u32)>>,
    /// Per cluster: its caption item.
    captions: Vec<u32>,
    layers: Vec<Vec<u32>>,
    /// Index of each item in its layer.
    pos: Vec<u32>,
}

impl Layered {
    fn len(&self) -> usize {
        self.kind.len()
    }

    fn push(&mut self, kind: Kind, rank: u32, scope: u32, extent: (f64, f64), height: f64) -> u32 {
        let id = self.kind.len() as u32;
        self.kind.push(kind);
        self.rank.push(rank);
        self.scope.push(scope);
        self.before.push(extent.0);
        self.after.push(extent.1);
        self.height.push(height);
        id
    }

    /// Neighbours on the layer above, a border's chain included.
    fn upper(&self, item: u32) -> &[u32] {
        if self.kind[item as usize].is_border() {
            let link = &self.chain_up[item as usize];
            if *link == NONE {
                &[]
            } else {
                std::slice::from_ref(link)
            }
        } else {
            self.up.of(item)
        }
    }

    /// Neighbours on the layer below, a border's chain included.
    fn lower(&self, item: u32) -> &[u32] {
        if self.kind[item as usize].is_border() {
            let link = &self.chain_down[item as usize];
            if *link == NONE {
                &[]
            } else {
                std::slice::from_ref(link)
            }
        } else {
            self.down.of(item)
        }
    }

    /// The least distance between the lines of `left` and `right` when they
    /// stand side by side on a layer in that order.
    fn separation(&self, left: u32, right: u32, spacing: &Spacing) -> f64 {
        let (a, b) = (self.kind[left as usize], self.kind[right as usize]);
        let gap = match (a, b) {
            (Kind::Left(_), _) => spacing.cluster_start,
            (_, Kind::Right(_)) => spacing.cluster_end,
            (Kind::Caption(_), _) => spacing.node / 2.0,
            (Kind::Right(_), Kind::Left(_)) => spacing.node,
            (Kind::Right(_), other) | (other, Kind::Left(_)) => {
                if other.is_node() {
                    spacing.node / 2.0
                } else {
                    spacing.edge
                }
            }
            (Kind::Node(_), Kind::Node(_)) => spacing.node,
            (Kind::Node(_), _) | (_, Kind::Node(_)) => (spacing.node + spacing.edge) / 2.0,
            _ => spacing.edge,
        };
        self.after[left as usize] + gap + self.before[right as usize]
    }

    fn build(
        graph: &Graph,
        ranking: &rank::Ranking,
        edges: &[usize],
        spacing: &Spacing,
    ) -> Layered {
        let clusters = graph.clusters.len();
        let mut layered = Layered {
            kind: Vec::new(),
            rank: Vec::new(),
            scope: Vec::new(),
            before: Vec::new(),
            after: Vec::new(),
            height: Vec::new(),
            up: Lists::default(),
            down: Lists::default(),
            chain_up: Vec::new(),
            chain_down: Vec::new(),
            chains: vec![(0, 0); graph.edges.len()],
            chain_items: Vec::new(),
            labels: vec![NONE; graph.edges.len()],
            reversed: vec![false; graph.edges.len()],
            children: vec![Vec::new(); clusters + 1],
            span: vec![None; clusters + 1],
            borders: vec![Vec::new(); clusters + 1],
            captions: vec![NONE; clusters + 1],
            layers: Vec::new(),
            pos: Vec::new(),
        };
        // Clusters whose parent chain is broken or cyclic hang from the root.
        let parent: Vec<usize> = graph
            .clusters
            .iter()
            .enumerate()
            .map(|(index, cluster)| match cluster.parent {
                Some(parent) if parent < index => parent + 1,
                _ => 0,
            })
            .collect();
        let mut depth = vec![0u32; clusters + 1];
        for index in 0..clusters {
            depth[index + 1] = depth[parent[index]] + 1;
            layered.children[parent[index]].push(index as u32 + 1);
        }
        let common = |mut a: usize, mut b: usize| {
            while a != b {
                if depth[a] >= depth[b] {
                    a = if a == 0 { 0 } else { parent[a - 1] };
                } else {
                    b = if b == 0 { 0 } else { parent[b - 1] };
                }
            }
            a as u32
        };
        let loops = self_loop_reach(graph, spacing);
        for (index, node) in graph.nodes.iter().enumerate() {
            let scope = node
                .cluster
                .filter(|&cluster| cluster < clusters)
                .map_or(0, |cluster| cluster as u32 + 1);
            let reach = loops[index];
            layered.push(
                Kind::Node(index as u32),
                ranking.ranks[index],
                scope,
                (node.width / 2.0, node.width / 2.0 + reach),
                node.height,
            );
        }
        let mut segments: Vec<(u32, u32)> = Vec::new();
        for (&edge, &turned) in edges.iter().zip(&ranking.reversed) {
            let spec = graph.edges[edge];
            layered.reversed[edge] = turned;
            let (upper, lower) = if turned {
                (spec.to, spec.from)
            } else {
                (spec.from, spec.to)
            };
            let (top, bottom) = (ranking.ranks[upper], ranking.ranks[lower]);
            let scope = common(layered.scope[upper] as usize, layered.scope[lower] as usize);
            // The label's layer: the odd one nearest the middle.
            let middle = top + (bottom - top) / 2;
            let label_rank = if middle % 2 == 1 { middle } else { middle - 1 };
            let start = layered.chain_items.len() as u32;
            layered.chain_items.push(upper as u32);
            let mut previous = upper as u32;
            for rank in top + 1..bottom {
                let item = match spec.label {
                    Some(label) if rank == label_rank => {
                        let item = layered.push(
                            Kind::Label,
                            rank,
                            scope,
                            (label.before, label.after),
                            label.depth,
                        );
                        layered.labels[edge] = item;
                        item
                    }
                    _ => layered.push(Kind::Dummy, rank, scope, (0.0, 0.0), 0.0),
                };
                segments.push((previous, item));
                layered.chain_items.push(item);
                previous = item;
            }
            segments.push((previous, lower as u32));
            layered.chain_items.push(lower as u32);
            layered.chains[edge] = (start, layered.chain_items.len() as u32);
        }
        // Spans: every item widens its cluster's and all enclosing ones.
        for item in 0..layered.len() {
            let rank = layered.rank[item];
            let mut scope = layered.scope[item] as usize;
            while scope != 0 {
                let span = &mut layered.span[scope];
                *span =
                    Some(span.map_or((rank, rank), |(low, high)| (low.min(rank), high.max(rank))));
                scope = parent[scope - 1];
            }
        }
        let mut chain_links: Vec<(u32, u32)> = Vec::new();
        for cluster in 1..=clusters {
            let Some((low, high)) = layered.span[cluster] else {
                continue;
            };
            let caption = graph.clusters[cluster - 1].caption;
            layered.captions[cluster] = layered.push(
                Kind::Caption(cluster as u32 - 1),
                low,
                cluster as u32,
                (caption.before, caption.after),
                caption.depth,
            );
            let mut previous: Option<(u32, u32)> = None;
            for rank in low..=high {
                let left = layered.push(
                    Kind::Left(cluster as u32 - 1),
                    rank,
                    cluster as u32,
                    (0.0, 0.0),
                    0.0,
                );
                let right = layered.push(
                    Kind::Right(cluster as u32 - 1),
                    rank,
                    cluster as u32,
                    (0.0, 0.0),
                    0.0,
                );
                if let Some((above_left, above_right)) = previous {
                    chain_links.push((above_left, left));
                    chain_links.push((above_right, right));
                }
                layered.borders[cluster].push((left, right));
                previous = Some((left, right));
            }
        }
        let count = layered.len();
        layered.chain_up = vec![NONE; count];
        layered.chain_down = vec![NONE; count];
        for &(above, below) in &chain_links {
            layered.chain_down[above as usize] = below;
            layered.chain_up[below as usize] = above;
        }
        layered.down = Lists::new(count, &segments);
        let flipped: Vec<(u32, u32)> = segments.iter().map(|&(a, b)| (b, a)).collect();
        layered.up = Lists::new(count, &flipped);
        layered.initial_order();
        layered
    }

    /// Items in the order a depth-first search from the nodes of the top
    /// layers meets them: a start with few crossings.
    fn initial_order(&mut self) {
        let count = self.len();
        let layers = self.rank.iter().max().map_or(0, |&r| r as usize + 1);
        self.layers = vec![Vec::new(); layers];
        let mut seen = vec![false; count];
        let mut starts: Vec<u32> = (0..count as u32)
            .filter(|&item| self.kind[item as usize].is_node())
            .collect();
        starts.sort_by_key(|&item| self.rank[item as usize]);
        let mut stack: Vec<u32> = Vec::new();
        for start in starts {
            stack.push(start);
            while let Some(item) = stack.pop() {
                if seen[item as usize] {
                    continue;
                }
                seen[item as usize] = true;
                self.layers[self.rank[item as usize] as usize].push(item);
                stack.extend(self.down.of(item).iter().rev().copied());
            }
        }
        for item in 0..count as u32 {
            if !seen[item as usize] {
                self.layers[self.rank[item as usize] as usize].push(item);
            }
        }
        self.pos = vec![0; count];
        self.renumber();
    }

    fn renumber(&mut self) {
        for layer in &self.layers {
            for (index, &item) in layer.iter().enumerate() {
                self.pos[item as usize] = index as u32;
            }
        }
    }
}

/// How far right of each node its self-loops and their labels reach.
fn self_loop_reach(graph: &Graph, spacing: &Spacing) -> Vec<f64> {
    let mut reach = vec![0.0f64; graph.nodes.len()];
    for edge in &graph.edges {
        if edge.from == edge.to && edge.from < reach.len() {
            let label = edge.label.map_or(0.0, |label| label.before + label.after);
            reach[edge.from] = reach[edge.from].max(spacing.self_loop + label);
        }
    }
    reach
}

/// Lays `graph` out top to bottom.
pub fn layout(graph: &Graph, spacing: &Spacing) -> Placement {
    let nodes = graph.nodes.len();
    // Self-loops and edges to nodes that do not exist take no part in the
    // ranking; the loops are drawn beside their node.
    let edges: Vec<usize> = graph
        .edges
        .iter()
        .enumerate()
        .filter(|(_, edge)| edge.from != edge.to && edge.from < nodes && edge.to < nodes)
        .map(|(index, _)| index)
        .collect();
    let pairs: Vec<(usize, usize)> = edges
        .iter()
        .map(|&edge| (graph.edges[edge].from, graph.edges[edge].to))
        .collect();
    let ranking = rank::assign(nodes, &pairs);
    let mut layered = Layered::build(graph, &ranking, &edges, spacing);
    order::reduce_crossings(&mut layered);
    let vertical = route::vertical(&layered, spacing);
    let mut xs = position::assign(&layered, spacing);
    position::shorten(&layered, spacing, &vertical, &mut xs);
    route::place(graph, &layered, &xs, &vertical, spacing)
}

#[cfg(test)]
mod tests;
