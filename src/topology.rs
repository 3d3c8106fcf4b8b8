//! The component graph of a design: which component sends work to which,
//! where load enters, and which single components every path to others runs
//! through. Built once per design and shared by the rules and the renderers;
//! the ways of each operation through it are in [`crate::ways`].

use petgraph::algo::dominators;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;

use crate::design::{CallMode, ComponentId, DeadLetter, Design, Kind, Located};

/// Why work flows from one component to another.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EdgeKind {
    /// `calls[index]` of the source component.
    Call { index: usize, mode: CallMode },
    /// A cache or CDN sends misses (and some writes) to its `backing`.
    Backing,
    /// A queue hands its messages to its `consumer`.
    Consumer,
    /// A queue sends poison messages to its `dead_letter` component.
    DeadLetter,
}

#[derive(Debug)]
pub struct Topology {
    /// Node `i` is component `i`.
    pub graph: DiGraph<ComponentId, EdgeKind>,
    /// Where load enters: the clients, or else the components nothing calls.
    pub entries: Vec<ComponentId>,
    /// For each component, the nearest other component that every path from
    /// the entries to it runs through (none for entries and components no
    /// entry reaches).
    pub immediate_dominator: Vec<Option<ComponentId>>,
    /// The inverse of `immediate_dominator`: the dominator tree's children.
    dominator_children: Vec<Vec<ComponentId>>,
}

impl Topology {
    /// The edges leaving `component`, in the order of the design.
    pub fn edges_from(
        &self,
        component: ComponentId,
    ) -> impl Iterator<Item = (ComponentId, EdgeKind)> + '_ {
        let mut edges: Vec<_> = self
            .graph
            .edges(NodeIndex::new(component))
            .map(|e| (e.target().index(), *e.weight()))
            .collect();
        // petgraph lists a node's edges newest first.
        edges.reverse();
        edges.into_iter()
    }

    /// Every component that is reached only through `component`, in
    /// component order.
    pub fn dominated_by(&self, component: ComponentId) -> Vec<ComponentId> {
        let mut found = Vec::new();
        let mut stack = self.dominator_children[component].clone();
        while let Some(id) = stack.pop() {
            found.push(id);
            stack.extend_from_slice(&self.dominator_children[id]);
        }
        found.sort_unstable();
        found
    }

    /// The components that send work to `component`.
    pub fn callers(
        &self,
        component: ComponentId,
    ) -> impl Iterator<Item = (ComponentId, EdgeKind)> + '_ {
        self.graph
            .edges_directed(NodeIndex::new(component), petgraph::Direction::Incoming)
            .map(|e| (e.source().index(), *e.weight()))
    }
}

/// Builds the graph of a checked design.
pub fn build(design: &Design) -> Topology {
    let mut graph = DiGraph::with_capacity(design.components.len(), design.components.len() * 2);
    for id in 0..design.components.len() {
        graph.add_node(id);
    }
    for (id, component) in design.components.iter().enumerate() {
        let from = NodeIndex::new(id);
        for (index, call) in component.calls.iter().enumerate() {
            graph.add_edge(
                from,
                NodeIndex::new(call.to.value),
                EdgeKind::Call {
                    index,
                    mode: call.mode,
                },
            );
        }
        if let Some(backing) = &component.backing {
            graph.add_edge(from, NodeIndex::new(backing.value), EdgeKind::Backing);
        }
        if let Some(consumer) = &component.consumer {
            graph.add_edge(from, NodeIndex::new(consumer.value), EdgeKind::Consumer);
        }
        if let Some(Located {
            value: DeadLetter::To(target),
            ..
        }) = &component.dead_letter
        {
            graph.add_edge(from, NodeIndex::new(*target), EdgeKind::DeadLetter);
        }
    }

    let entries = entries(design, &graph);
    let immediate_dominator = immediate_dominators(&graph, &entries);
    let mut dominator_children = vec![Vec::new(); design.components.len()];
    for (id, parent) in immediate_dominator.iter().enumerate() {
        if let Some(parent) = parent {
            dominator_children[*parent].push(id);
        }
    }
    Topology {
        graph,
        entries,
        immediate_dominator,
        dominator_children,
    }
}

fn entries(design: &Design, graph: &DiGraph<ComponentId, EdgeKind>) -> Vec<ComponentId> {
    let clients: Vec<ComponentId> = design
        .components
        .iter()
        .enumerate()
        .filter(|(_, c)| c.kind() == Kind::Client)
        .map(|(id, _)| id)
        .collect();
    if !clients.is_empty() {
        return clients;
    }
    (0..design.components.len())
        .filter(|&id| {
            graph
                .edges_directed(NodeIndex::new(id), petgraph::Direction::Incoming)
                .all(|e| *e.weight() == EdgeKind::DeadLetter)
        })
        .collect()
}

/// The immediate dominator of every component reachable from the entries
/// (through calls, misses and consumers; a dead-letter target is not on the
/// way of any request): the nearest component every path to it runs through.
fn immediate_dominators(
    graph: &DiGraph<ComponentId, EdgeKind>,
    entries: &[ComponentId],
) -> Vec<Option<ComponentId>> {
    let count = graph.node_count();
    let mut flow: DiGraph<(), ()> =
        DiGraph::with_capacity(count + 1, graph.edge_count() + entries.len());
    for _ in 0..=count {
        flow.add_node(());
    }
    let root = NodeIndex::new(count);
    for &entry in entries {
        flow.add_edge(root, NodeIndex::new(entry), ());
    }
    for edge in graph.edge_references() {
        if *edge.weight() != EdgeKind::DeadLetter {
            flow.add_edge(edge.source(), edge.target(), ());
        }
    }
    let tree = dominators::simple_fast(&flow, root);
    (0..count)
        .map(|id| {
            tree.immediate_dominator(NodeIndex::new(id))
                .filter(|parent| *parent != root)
                .map(NodeIndex::index)
        })
        .collect()
}
