//! The request graph of a design: which component sends work to which, where
//! load enters, which components a request waits on, and which single
//! components every path to others runs through. Built once per design and
//! shared by the rules, the capacity model and the renderers.

use petgraph::algo::{dominators, tarjan_scc};
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;

use crate::design::errors::SYNC_CYCLE;
use crate::design::{CallMode, ComponentId, DeadLetter, Design, Kind, Located};
use crate::diagnostic::{Diagnostic, Span};

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
    /// Components a request entering at an entry waits on: reached by sync
    /// calls, enqueues to a queue and cache misses, not through a consumer.
    pub on_request_path: Vec<bool>,
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

/// Builds the graph of a checked design, or BP005 for every cycle of calls
/// that does not pass through a queue.
pub fn build(design: &Design) -> Result<Topology, Vec<Diagnostic>> {
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

    let cycles = load_cycles(design, &graph);
    if !cycles.is_empty() {
        return Err(cycles);
    }

    let entries = entries(design, &graph);
    let on_request_path = request_path(design, &graph, &entries);
    let immediate_dominator = immediate_dominators(&graph, &entries);
    let mut dominator_children = vec![Vec::new(); design.components.len()];
    for (id, parent) in immediate_dominator.iter().enumerate() {
        if let Some(parent) = parent {
            dominator_children[*parent].push(id);
        }
    }
    Ok(Topology {
        graph,
        entries,
        on_request_path,
        immediate_dominator,
        dominator_children,
    })
}

/// Edges along which load flows without a queue in between.
fn carries_load_directly(kind: EdgeKind) -> bool {
    matches!(kind, EdgeKind::Call { .. } | EdgeKind::Backing)
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

fn request_path(
    design: &Design,
    graph: &DiGraph<ComponentId, EdgeKind>,
    entries: &[ComponentId],
) -> Vec<bool> {
    let mut on_path = vec![false; design.components.len()];
    let mut stack: Vec<ComponentId> = entries.to_vec();
    for &entry in entries {
        on_path[entry] = true;
    }
    while let Some(id) = stack.pop() {
        for edge in graph.edges(NodeIndex::new(id)) {
            let target = edge.target().index();
            let waits = match *edge.weight() {
                EdgeKind::Call {
                    mode: CallMode::Sync,
                    ..
                }
                | EdgeKind::Backing => true,
                EdgeKind::Call {
                    mode: CallMode::Async,
                    ..
                } => design.components[target].kind() == Kind::Queue,
                EdgeKind::Consumer | EdgeKind::DeadLetter => false,
            };
            if waits && !on_path[target] {
                on_path[target] = true;
                stack.push(target);
            }
        }
    }
    on_path
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

/// Every cycle of direct load edges, one BP005 per strongly connected group.
fn load_cycles(design: &Design, graph: &DiGraph<ComponentId, EdgeKind>) -> Vec<Diagnostic> {
    let direct = graph.filter_map(
        |_, id| Some(*id),
        |_, kind| carries_load_directly(*kind).then_some(*kind),
    );
    let mut diagnostics = Vec::new();
    let mut groups = tarjan_scc(&direct);
    for group in &mut groups {
        group.sort();
    }
    groups.sort();
    for group in groups {
        let start = group[0];
        let self_loop = direct.find_edge(start, start).is_some();
        if group.len() == 1 && !self_loop {
            continue;
        }
        let cycle = shortest_cycle(&direct, start, &group);
        let names: Vec<&str> = cycle
            .iter()
            .map(|n| design.components[n.index()].name())
            .collect();
        let closing_from = cycle[cycle.len() - 2];
        let span = closing_span(design, &direct, closing_from, start);
        diagnostics.push(
            SYNC_CYCLE
                .diagnostic(format!("calls form a cycle: {}", names.join(" -> ")))
                .at(span)
                .component(design.components[closing_from.index()].name())
                .label("this call closes the cycle")
                .help("a request would wait on itself and its load would never end; break the cycle or send one of the calls through a queue"),
        );
    }
    diagnostics
}

/// The shortest path from `start` back to itself inside `group` (sorted),
/// as `[start, ..., start]`.
fn shortest_cycle(
    graph: &DiGraph<ComponentId, EdgeKind>,
    start: NodeIndex,
    group: &[NodeIndex],
) -> Vec<NodeIndex> {
    let mut parent: Vec<Option<NodeIndex>> = vec![None; graph.node_count()];
    let mut queue = std::collections::VecDeque::from([start]);
    while let Some(node) = queue.pop_front() {
        let mut targets: Vec<NodeIndex> = graph.neighbors(node).collect();
        targets.sort();
        for target in targets {
            if target == start {
                let mut path = vec![node];
                let mut current = node;
                while current != start {
                    current = parent[current.index()].unwrap_or(start);
                    path.push(current);
                }
                path.reverse();
                path.push(start);
                return path;
            }
            if parent[target.index()].is_none() && group.binary_search(&target).is_ok() {
                parent[target.index()] = Some(node);
                queue.push_back(target);
            }
        }
    }
    vec![start, start]
}

/// Where the edge `from -> to` is written: the call's `to`, or `backing`.
fn closing_span(
    design: &Design,
    graph: &DiGraph<ComponentId, EdgeKind>,
    from: NodeIndex,
    to: NodeIndex,
) -> Span {
    let component = &design.components[from.index()];
    let edge = graph.edges_connecting(from, to).next().map(|e| *e.weight());
    match edge {
        Some(EdgeKind::Call { index, .. }) => component.calls[index].to.span,
        Some(EdgeKind::Backing) => component
            .backing
            .as_ref()
            .map_or(component.name.span, |b| b.span),
        _ => component.name.span,
    }
}
