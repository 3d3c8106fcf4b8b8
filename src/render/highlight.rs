//! One operation's way on a drawing (`render --operation`, and each
//! operation's section of `report`): the components its requests reach and
//! the edges they travel stand out, the rest is dimmed. [`Highlight`] is
//! worked out from the ways alone and kept beside the [`Diagram`], which it
//! does not change; each writer asks [`Diagram::node_emphasis`] and
//! [`Diagram::edge_emphasis`] how to draw a node or an edge.

use std::collections::BTreeSet;

use super::diagram::{Diagram, Edge, EdgeStyle, Node};
use crate::ways::{Via, WayOperationId, Ways};

/// The colour of the way's edges in every format.
pub const WAY_COLOR: &str = "#5e35b1";
/// The fill, border and text of what is dimmed, where a format cannot fade
/// it with an opacity.
pub const DIM_FILL: &str = "#fafafa";
pub const DIM_STROKE: &str = "#cfd8dc";
pub const DIM_TEXT: &str = "#9e9e9e";

/// How a node or an edge is drawn with respect to a highlighted way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Emphasis {
    /// Nothing is highlighted.
    Plain,
    /// On the highlighted way.
    Way,
    /// Off the highlighted way.
    Dimmed,
}

/// What an edge carries, as far as a way can travel it: a diagram edge is
/// a call (sync or async), a miss, a consumer or a dead letter (which no
/// request takes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    Call,
    Miss,
    Consume,
}

impl Step {
    fn of_via(via: Via) -> Step {
        match via {
            Via::Call(_) => Step::Call,
            Via::Backing => Step::Miss,
            Via::Consumer => Step::Consume,
        }
    }

    fn of_style(style: EdgeStyle) -> Option<Step> {
        match style {
            EdgeStyle::Sync | EdgeStyle::Async => Some(Step::Call),
            EdgeStyle::Backing => Some(Step::Miss),
            EdgeStyle::Consumer => Some(Step::Consume),
            EdgeStyle::DeadLetter => None,
        }
    }
}

/// One operation's way, by component: what a drawing highlights.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Highlight {
    pub operation: String,
    /// The components its requests reach.
    components: BTreeSet<usize>,
    /// The edges they travel, as (caller, callee, step). Two calls from one
    /// component to the same callee are one arrow's worth apart on a
    /// drawing, so both light up when the way takes either.
    edges: BTreeSet<(usize, usize, Step)>,
}

impl Highlight {
    /// The way of `operation` ([`Ways::way_of`]): every component a request
    /// of it reaches, async work and consumers included, and the edges
    /// between them it takes. An internal operation's way also takes the
    /// calls that hand it its requests (`as:`), from their callers.
    pub fn of(ways: &Ways, operation: WayOperationId) -> Highlight {
        let mut on_way = vec![false; ways.nodes.len()];
        for node in ways.way_of(operation) {
            on_way[node] = true;
        }
        let internal = ways.operations[operation].entry_node.is_none();
        let mut components = BTreeSet::new();
        let mut edges = BTreeSet::new();
        for (node, _) in on_way.iter().enumerate().filter(|(_, on)| **on) {
            components.insert(ways.nodes[node].component);
        }
        for edge in &ways.edges {
            let handed_in = internal && ways.nodes[edge.to].operation == operation;
            if on_way[edge.to] && (on_way[edge.from] || handed_in) {
                let from = ways.nodes[edge.from].component;
                components.insert(from);
                edges.insert((from, ways.nodes[edge.to].component, Step::of_via(edge.via)));
            }
        }
        Highlight {
            operation: ways.operations[operation].name.clone(),
            components,
            edges,
        }
    }
}

impl Diagram {
    /// Highlights the way of `operation` and names it in the title.
    pub fn highlight(&mut self, ways: &Ways, operation: WayOperationId) {
        let highlight = Highlight::of(ways, operation);
        self.title = format!("{}: the way of {}", self.title, highlight.operation);
        self.highlight = Some(highlight);
    }

    pub fn node_emphasis(&self, node: &Node) -> Emphasis {
        match &self.highlight {
            None => Emphasis::Plain,
            Some(way) if way.components.contains(&node.id) => Emphasis::Way,
            Some(_) => Emphasis::Dimmed,
        }
    }

    pub fn edge_emphasis(&self, edge: &Edge) -> Emphasis {
        match &self.highlight {
            None => Emphasis::Plain,
            Some(way)
                if Step::of_style(edge.style)
                    .is_some_and(|step| way.edges.contains(&(edge.from, edge.to, step))) =>
            {
                Emphasis::Way
            }
            Some(_) => Emphasis::Dimmed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::diagram::{self, Direction};

    /// Browsing reads through a cache; buying enqueues an order, whose
    /// worker writes it and hands the mailer a request of the internal
    /// `notify`.
    const SHOP: &str = "version: 1
name: shop
operations:
  browse: { share: 0.7 }
  buy: { share: 0.3 }
  notify: {}
components:
  users: { kind: client, calls: [{ to: api }] }
  api:
    kind: service
    calls:
      - { to: cache, for: browse }
      - { to: orders, for: buy }
  cache: { kind: cache, backing: db }
  db: { kind: database }
  orders: { kind: queue, consumer: worker }
  worker:
    kind: worker
    calls:
      - { to: db, op: write }
      - { to: mailer, as: notify, mode: async }
  mailer: { kind: service }
";

    /// The components and edges drawn out when `operation` is highlighted
    /// (`None`: nothing highlighted).
    fn drawn_out(operation: Option<&str>) -> (Vec<String>, Vec<String>) {
        let analysis = crate::analyse(SHOP.as_bytes()).unwrap();
        let mut drawing = diagram::build(
            &analysis.design,
            &analysis.topology,
            None,
            &[],
            Direction::TopToBottom,
            0.85,
        );
        if let Some(name) = operation {
            let id = analysis.ways.operation_named(name).unwrap();
            drawing.highlight(&analysis.ways, id);
        }
        let mut nodes = Vec::new();
        for node in &drawing.nodes {
            match drawing.node_emphasis(node) {
                Emphasis::Way => nodes.push(node.name.clone()),
                Emphasis::Plain => nodes.push(format!("plain {}", node.name)),
                Emphasis::Dimmed => {}
            }
        }
        let mut edges = Vec::new();
        for edge in &drawing.edges {
            let name = format!(
                "{}->{}",
                drawing.nodes[edge.from].name, drawing.nodes[edge.to].name
            );
            match drawing.edge_emphasis(edge) {
                Emphasis::Way => edges.push(name),
                Emphasis::Plain => edges.push(format!("plain {name}")),
                Emphasis::Dimmed => {}
            }
        }
        (nodes, edges)
    }

    #[test]
    fn nothing_is_dimmed_without_a_highlight() {
        let (nodes, edges) = drawn_out(None);
        assert_eq!(nodes.len(), 7);
        assert!(nodes.iter().all(|n| n.starts_with("plain ")));
        assert_eq!(edges.len(), 7);
        assert!(edges.iter().all(|e| e.starts_with("plain ")));
    }

    #[test]
    fn a_read_takes_the_cache_and_its_misses() {
        let (nodes, edges) = drawn_out(Some("browse"));
        assert_eq!(nodes, ["users", "api", "cache", "db"]);
        assert_eq!(edges, ["users->api", "api->cache", "cache->db"]);
    }

    #[test]
    fn a_way_goes_on_through_queues_and_async_calls() {
        // The worker's write reaches the db; the cache is not on the way.
        let (nodes, edges) = drawn_out(Some("buy"));
        assert_eq!(nodes, ["users", "api", "db", "orders", "worker", "mailer"]);
        assert_eq!(
            edges,
            [
                "users->api",
                "api->orders",
                "orders->worker",
                "worker->db",
                "worker->mailer"
            ]
        );
    }

    #[test]
    fn an_internal_operation_takes_the_call_that_hands_it_requests() {
        let (nodes, edges) = drawn_out(Some("notify"));
        assert_eq!(nodes, ["worker", "mailer"]);
        assert_eq!(edges, ["worker->mailer"]);
    }
}
