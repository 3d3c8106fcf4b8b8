//! The ways requests take (design-format.md, Operations): for every
//! operation, which components a request of it reaches, through which calls,
//! how often, and as which operation. Built once per design; load
//! propagation, latency, availability, the rules, the simulation and the
//! renderers all read it instead of walking `calls` on their own.
//!
//! A request keeps its operation as it travels, so the graph here is one of
//! (component, operation) pairs, the *nodes*: a component makes only the
//! calls that apply to the operation it is serving, and a call with `as:`
//! hands its callee a request of another operation. A component serving two
//! operations is two nodes; a cycle of components can be a chain of nodes
//! (a chat server pushing back through the gateway `as: deliver`).

use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};

use crate::design::errors::SYNC_CYCLE;
use crate::design::{
    CachePattern, CallMode, ComponentId, Design, Kind, LatencyTarget, Located, Op, OperationId,
    OperationRate,
};
use crate::diagnostic::{Diagnostic, Span};
use crate::topology::Topology;

/// Index of a node in [`Ways::nodes`].
pub type NodeId = usize;
/// Index of an operation in [`Ways::operations`]: the design's declared
/// operations keep their own indices, implicit ones follow them.
pub type WayOperationId = usize;

/// Requests per second (or visits per request), by what they do to the
/// callee's data.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Load {
    pub reads: f64,
    pub writes: f64,
}

impl Load {
    pub fn reads(reads: f64) -> Load {
        Load { reads, writes: 0.0 }
    }

    pub fn total(&self) -> f64 {
        self.reads + self.writes
    }

    pub fn read_share(&self) -> f64 {
        if self.total() > 0.0 {
            self.reads / self.total()
        } else {
            1.0
        }
    }

    pub fn add(&mut self, other: Load) {
        self.reads += other.reads;
        self.writes += other.writes;
    }

    pub fn scaled(self, factor: f64) -> Load {
        Load {
            reads: self.reads * factor,
            writes: self.writes * factor,
        }
    }
}

/// An operation as the ways use it: declared, or implicit (one per entry
/// that no declared operation enters at, named after it).
#[derive(Clone, Debug)]
pub struct Operation {
    pub name: String,
    /// Its index in `Design::operations`; none when implicit.
    pub declared: Option<OperationId>,
    /// The component it enters at; none for an internal operation.
    pub entry: Option<ComponentId>,
    /// Its part of its entry's load (0 for an internal operation).
    pub share: f64,
    /// The node where its requests enter.
    pub entry_node: Option<NodeId>,
    /// The targets it is judged against: its own, or the design's.
    pub latency_slo: Vec<LatencyTarget>,
    pub availability_slo: Option<Located<f64>>,
    /// Where a finding about the operation points: its name, or for an
    /// implicit one its entry component's name.
    pub span: Span,
}

/// A component serving requests of one operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Node {
    pub component: ComponentId,
    pub operation: WayOperationId,
}

/// Why work flows from one node to another.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    /// `calls[index]` of the source component.
    Call(usize),
    /// A cache or CDN sends misses (and, writing through, writes) to its
    /// `backing`.
    Backing,
    /// A queue hands its messages to its `consumer`.
    Consumer,
}

/// How the caller relates to the work it sends along an edge.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wait {
    /// The caller waits for the callee (a sync call, a cache miss).
    Waits,
    /// The caller waits only for the callee to accept the message (an
    /// enqueue to a queue).
    Enqueues,
    /// The caller does not wait (an async call to a service, a consumer).
    Detached,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Edge {
    pub from: NodeId,
    pub to: NodeId,
    pub via: Via,
    pub wait: Wait,
    /// The request fails when the callee cannot serve it: the caller waits
    /// and has no `fallback`.
    pub required: bool,
}

/// What one request of an operation touches of a component: expected visits
/// per request, by reads and writes, through calls it cannot do without.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Reach {
    pub component: ComponentId,
    pub visits: Load,
}

#[derive(Debug)]
pub struct Ways {
    pub operations: Vec<Operation>,
    pub nodes: Vec<Node>,
    /// Every edge, grouped by source node in node order; within a node in
    /// the order of the design (calls, then backing, then consumer).
    pub edges: Vec<Edge>,
    edge_start: Vec<usize>,
    /// The nodes of each component, in node order.
    component_nodes: Vec<Vec<NodeId>>,
    /// Groups of nodes in an order where load only flows forward between
    /// groups; a group of several nodes, or one with an edge to itself, is a
    /// loop (through a queue or an async call).
    pub load_groups: Vec<Vec<NodeId>>,
    /// Every node after the nodes it waits on (sync calls, misses and
    /// enqueues have no cycle).
    pub callees_first: Vec<NodeId>,
    /// For each operation that enters, the components its requests need,
    /// sorted by component: sync calls without `fallback`, enqueues and
    /// misses, not what a queue's consumer or an async call does later.
    pub reach: Vec<Vec<Reach>>,
    /// Components some request waits on (fallbacks included).
    pub on_request_path: Vec<bool>,
    /// Components some request cannot do without.
    pub required: Vec<bool>,
}

impl Ways {
    pub fn edges_from(&self, node: NodeId) -> &[Edge] {
        &self.edges[self.edge_start[node]..self.edge_start[node + 1]]
    }

    /// The index in `edges` of the first edge from `node`.
    pub fn first_edge(&self, node: NodeId) -> usize {
        self.edge_start[node]
    }

    pub fn nodes_of(&self, component: ComponentId) -> &[NodeId] {
        &self.component_nodes[component]
    }

    /// The operations that enter the design, with their indices.
    pub fn entering(&self) -> impl Iterator<Item = (WayOperationId, &Operation)> {
        self.operations
            .iter()
            .enumerate()
            .filter(|(_, o)| o.entry_node.is_some())
    }

    pub fn operation_named(&self, name: &str) -> Option<WayOperationId> {
        self.operations.iter().position(|o| o.name == name)
    }

    /// Whether the design declares its operations (rather than having one
    /// implicit operation per client).
    pub fn declared(&self) -> bool {
        self.operations.iter().any(|o| o.declared.is_some())
    }

    /// Every node a request of `operation` reaches, whatever it waits on
    /// (async work and consumers included), in node order: from its entry,
    /// or for an internal operation from every node serving it.
    pub fn way_of(&self, operation: WayOperationId) -> Vec<NodeId> {
        let mut seen = vec![false; self.nodes.len()];
        let mut stack: Vec<NodeId> = match self.operations[operation].entry_node {
            Some(entry) => vec![entry],
            None => (0..self.nodes.len())
                .filter(|&n| self.nodes[n].operation == operation)
                .collect(),
        };
        for &node in &stack {
            seen[node] = true;
        }
        while let Some(node) = stack.pop() {
            for edge in self.edges_from(node) {
                if !seen[edge.to] {
                    seen[edge.to] = true;
                    stack.push(edge.to);
                }
            }
        }
        (0..self.nodes.len()).filter(|&n| seen[n]).collect()
    }

    /// The components a request of `operation` waits on (fallbacks
    /// included), in component order.
    pub fn waited_on(&self, operation: WayOperationId) -> Vec<ComponentId> {
        let mut components: Vec<ComponentId> = self
            .waited_nodes(operation)
            .into_iter()
            .map(|n| self.nodes[n].component)
            .collect();
        components.sort_unstable();
        components.dedup();
        components
    }

    /// The nodes a request of `operation` waits on, its entry included.
    pub fn waited_nodes(&self, operation: WayOperationId) -> Vec<NodeId> {
        let Some(entry) = self.operations[operation].entry_node else {
            return Vec::new();
        };
        let mut seen = vec![false; self.nodes.len()];
        seen[entry] = true;
        let mut stack = vec![entry];
        while let Some(node) = stack.pop() {
            for edge in self.edges_from(node) {
                if edge.wait != Wait::Detached && !seen[edge.to] {
                    seen[edge.to] = true;
                    stack.push(edge.to);
                }
            }
        }
        (0..self.nodes.len()).filter(|&n| seen[n]).collect()
    }

    /// The components a request of `operation` needs, with expected visits.
    pub fn reach_of(&self, operation: WayOperationId) -> &[Reach] {
        &self.reach[operation]
    }

    /// How a finding names an operation: `operation \`send\``; without
    /// declared operations, "the request path" when one client sends all
    /// requests, else "requests from \`web\`".
    pub fn describe(&self, operation: WayOperationId) -> String {
        let named = &self.operations[operation];
        if named.declared.is_some() {
            format!("operation `{}`", named.name)
        } else if self.entering().count() == 1 {
            "the request path".to_string()
        } else {
            format!("requests from `{}`", named.name)
        }
    }

    /// A node's name for people: the component, and the operation when the
    /// design declares operations.
    pub fn node_name(&self, design: &Design, node: NodeId) -> String {
        let Node {
            component,
            operation,
        } = self.nodes[node];
        let name = design.components[component].name();
        if self.declared() {
            format!("{name} ({})", self.operations[operation].name)
        } else {
            name.to_string()
        }
    }
}

/// How the caller of an edge waits for it.
pub fn wait(design: &Design, from: ComponentId, via: Via, to: ComponentId) -> Wait {
    match via {
        Via::Call(index) => {
            let call = &design.components[from].calls[index];
            if design.components[to].kind() == Kind::Queue {
                Wait::Enqueues
            } else if call.mode == CallMode::Sync {
                Wait::Waits
            } else {
                Wait::Detached
            }
        }
        Via::Backing => Wait::Waits,
        Via::Consumer => Wait::Detached,
    }
}

/// What `load` at component `from` sends along an edge
/// (capacity-model.md, section 1).
pub fn carried(design: &Design, from: ComponentId, via: Via, load: Load) -> Load {
    let component = &design.components[from];
    match via {
        Via::Call(index) => {
            let call = &component.calls[index];
            let amount = load.total() * call.per_request;
            match call.op {
                Op::Read => Load::reads(amount),
                Op::Write => Load {
                    reads: 0.0,
                    writes: amount,
                },
            }
        }
        Via::Backing => {
            let hit_ratio = component.hit_ratio.as_ref().map_or(0.0, |h| h.value);
            Load {
                reads: (1.0 - hit_ratio) * load.reads,
                writes: if writes_pass(design, from) {
                    load.writes
                } else {
                    0.0
                },
            }
        }
        Via::Consumer => load,
    }
}

/// Whether a cache or CDN passes writes on to its backing.
pub fn writes_pass(design: &Design, cache: ComponentId) -> bool {
    let component = &design.components[cache];
    component.kind() == Kind::Cdn
        || matches!(
            component.cache_pattern(),
            CachePattern::WriteThrough | CachePattern::WriteBehind
        )
}

/// Builds the ways of a checked design, or BP005 for every cycle of sync
/// calls followed operation by operation.
pub fn build(design: &Design, topology: &Topology) -> Result<Ways, Vec<Diagnostic>> {
    let mut operations = operations(design, topology);
    let mut builder = Builder {
        design,
        nodes: Vec::new(),
        component_nodes: vec![Vec::new(); design.components.len()],
        edges: Vec::new(),
        edge_start: Vec::new(),
    };
    // Entry nodes first, in operation order, then everything they reach,
    // breadth first: the numbering follows the design's order of things.
    for (id, operation) in operations.iter_mut().enumerate() {
        if let Some(entry) = operation.entry {
            operation.entry_node = Some(builder.node(entry, id));
        }
    }
    let mut next = 0;
    while next < builder.nodes.len() {
        builder.expand(next);
        next += 1;
    }
    builder.edge_start.push(builder.edges.len());

    let cycles = sync_cycles(design, &builder);
    if !cycles.is_empty() {
        return Err(cycles);
    }
    let load_groups = load_groups(&builder);
    let callees_first = callees_first(&builder);
    let Builder {
        nodes,
        component_nodes,
        edges,
        edge_start,
        ..
    } = builder;
    let mut ways = Ways {
        operations,
        nodes,
        edges,
        edge_start,
        component_nodes,
        load_groups,
        callees_first,
        reach: Vec::new(),
        on_request_path: vec![false; design.components.len()],
        required: vec![false; design.components.len()],
    };
    ways.reach = (0..ways.operations.len())
        .map(|operation| reach(design, &ways, operation))
        .collect();
    mark_request_path(design, &mut ways);
    Ok(ways)
}

/// The declared operations, then one implicit operation for every entry
/// that no declared operation enters at.
fn operations(design: &Design, topology: &Topology) -> Vec<Operation> {
    let requirements = &design.requirements;
    let mut operations: Vec<Operation> = design
        .operations
        .iter()
        .enumerate()
        .map(|(id, declared)| {
            let entry = declared.client.as_ref().map(|c| c.value);
            Operation {
                name: declared.name.value.clone(),
                declared: Some(id),
                entry,
                share: 0.0,
                entry_node: None,
                latency_slo: if declared.latency_slo.is_empty() {
                    requirements.latency_slo.clone()
                } else {
                    declared.latency_slo.clone()
                },
                availability_slo: declared
                    .availability_slo
                    .clone()
                    .or_else(|| requirements.availability_slo.clone()),
                span: declared.name.span,
            }
        })
        .collect();
    // Shares: as given, or each operation's rps over the sum of its
    // client's; a client's only operation without a rate takes all of it.
    for entry in &topology.entries {
        let entering: Vec<usize> = (0..operations.len())
            .filter(|&o| operations[o].entry == Some(*entry))
            .collect();
        let rps_total: f64 = entering
            .iter()
            .filter_map(|&o| match design.operations[o].rate.as_ref()?.value {
                OperationRate::Rps(rps) => Some(rps),
                OperationRate::Share(_) => None,
            })
            .sum();
        for &o in &entering {
            operations[o].share = match design.operations[o].rate.as_ref().map(|r| r.value) {
                Some(OperationRate::Share(share)) => share,
                Some(OperationRate::Rps(rps)) if rps_total > 0.0 => rps / rps_total,
                Some(OperationRate::Rps(_)) => 0.0,
                None => 1.0 / entering.len() as f64,
            };
        }
        if entering.is_empty() {
            let component = &design.components[*entry];
            operations.push(Operation {
                name: component.name().to_string(),
                declared: None,
                entry: Some(*entry),
                share: 1.0,
                entry_node: None,
                latency_slo: requirements.latency_slo.clone(),
                availability_slo: requirements.availability_slo.clone(),
                span: component.name.span,
            });
        }
    }
    operations
}

struct Builder<'a> {
    design: &'a Design,
    nodes: Vec<Node>,
    component_nodes: Vec<Vec<NodeId>>,
    edges: Vec<Edge>,
    edge_start: Vec<usize>,
}

impl Builder<'_> {
    /// The node of `component` serving `operation`, made when new.
    fn node(&mut self, component: ComponentId, operation: WayOperationId) -> NodeId {
        if let Some(&found) = self.component_nodes[component]
            .iter()
            .find(|&&n| self.nodes[n].operation == operation)
        {
            return found;
        }
        let id = self.nodes.len();
        self.nodes.push(Node {
            component,
            operation,
        });
        self.component_nodes[component].push(id);
        id
    }

    /// Adds the edges of `node`, making the nodes they lead to.
    fn expand(&mut self, node: NodeId) {
        self.edge_start.push(self.edges.len());
        let Node {
            component,
            operation,
        } = self.nodes[node];
        let design = self.design;
        let declared = (operation < design.operations.len()).then_some(operation);
        let source = &design.components[component];
        for (index, call) in source.calls.iter().enumerate() {
            if !call.applies_to(declared) {
                continue;
            }
            let as_operation = call.as_operation.as_ref().map_or(operation, |a| a.value);
            self.edge(node, call.to.value, as_operation, Via::Call(index));
        }
        if let Some(backing) = &source.backing {
            self.edge(node, backing.value, operation, Via::Backing);
        }
        if let Some(consumer) = &source.consumer {
            self.edge(node, consumer.value, operation, Via::Consumer);
        }
    }

    fn edge(&mut self, from: NodeId, to: ComponentId, operation: WayOperationId, via: Via) {
        let source = self.nodes[from].component;
        let wait = wait(self.design, source, via, to);
        let required = wait != Wait::Detached
            && !matches!(via, Via::Call(index) if self.design.components[source].calls[index].fallback);
        let to = self.node(to, operation);
        self.edges.push(Edge {
            from,
            to,
            via,
            wait,
            required,
        });
    }
}

/// Groups of nodes (strongly connected) in an order where every edge
/// between groups goes forward.
fn load_groups(builder: &Builder) -> Vec<Vec<NodeId>> {
    let mut graph: DiGraph<(), ()> =
        DiGraph::with_capacity(builder.nodes.len(), builder.edges.len());
    for _ in 0..builder.nodes.len() {
        graph.add_node(());
    }
    for edge in &builder.edges {
        graph.add_edge(NodeIndex::new(edge.from), NodeIndex::new(edge.to), ());
    }
    // tarjan_scc yields groups in reverse topological order.
    let mut groups: Vec<Vec<NodeId>> = tarjan_scc(&graph)
        .into_iter()
        .map(|group| {
            let mut nodes: Vec<NodeId> = group.into_iter().map(NodeIndex::index).collect();
            nodes.sort_unstable();
            nodes
        })
        .collect();
    groups.reverse();
    groups
}

/// Nodes in an order where every node comes after the nodes it waits on
/// (callees first); the waiting edges have no cycle once BP005 passed.
fn callees_first(builder: &Builder) -> Vec<NodeId> {
    let count = builder.nodes.len();
    // Kahn's algorithm on the reversed waiting edges: a node is ready once
    // every node it waits on is placed. Ties go to the lowest node.
    let mut waits_on = vec![0usize; count];
    let mut waited_by: Vec<Vec<NodeId>> = vec![Vec::new(); count];
    for edge in &builder.edges {
        if edge.wait != Wait::Detached {
            waits_on[edge.from] += 1;
            waited_by[edge.to].push(edge.from);
        }
    }
    let mut ready: std::collections::BinaryHeap<std::cmp::Reverse<NodeId>> = (0..count)
        .filter(|&n| waits_on[n] == 0)
        .map(std::cmp::Reverse)
        .collect();
    let mut order = Vec::with_capacity(count);
    while let Some(std::cmp::Reverse(node)) = ready.pop() {
        order.push(node);
        for &caller in &waited_by[node] {
            waits_on[caller] -= 1;
            if waits_on[caller] == 0 {
                ready.push(std::cmp::Reverse(caller));
            }
        }
    }
    order
}

/// The components a request of `operation` needs, with expected visits per
/// request: visits flow from the entry along required edges, callers first.
fn reach(design: &Design, ways: &Ways, operation: WayOperationId) -> Vec<Reach> {
    let Some(entry) = ways.operations[operation].entry_node else {
        return Vec::new();
    };
    let mut visits: Vec<Load> = vec![Load::default(); ways.nodes.len()];
    visits[entry] = Load::reads(1.0);
    for &node in ways.callees_first.iter().rev() {
        let here = visits[node];
        if here.total() <= 0.0 {
            continue;
        }
        let from = ways.nodes[node].component;
        for edge in ways.edges_from(node).iter().filter(|e| e.required) {
            let sent = carried(design, from, edge.via, here);
            visits[edge.to].add(sent);
        }
    }
    let mut by_component: Vec<Reach> = Vec::new();
    for (node, load) in visits.iter().enumerate() {
        if load.total() <= 0.0 || node == entry {
            continue;
        }
        let component = ways.nodes[node].component;
        if design.components[component].kind() == Kind::Client {
            continue;
        }
        by_component.push(Reach {
            component,
            visits: *load,
        });
    }
    by_component.sort_by_key(|r| r.component);
    by_component.dedup_by(|later, earlier| {
        if later.component == earlier.component {
            earlier.visits.add(later.visits);
            true
        } else {
            false
        }
    });
    by_component
}

/// Marks the components some request waits on, and those it needs.
fn mark_request_path(design: &Design, ways: &mut Ways) {
    let mut waited = vec![false; ways.nodes.len()];
    let mut needed = vec![false; ways.nodes.len()];
    let mut stack: Vec<NodeId> = Vec::new();
    for operation in &ways.operations {
        if let Some(entry) = operation.entry_node {
            waited[entry] = true;
            needed[entry] = true;
            stack.push(entry);
        }
    }
    while let Some(node) = stack.pop() {
        for edge in ways.edges_from(node) {
            if edge.wait == Wait::Detached {
                continue;
            }
            let need = needed[node] && edge.required;
            let grew = !waited[edge.to] || (need && !needed[edge.to]);
            waited[edge.to] = true;
            needed[edge.to] |= need;
            if grew {
                stack.push(edge.to);
            }
        }
    }
    for (node, n) in ways.nodes.iter().enumerate() {
        ways.on_request_path[n.component] |= waited[node];
        ways.required[n.component] |= needed[node];
    }
    for (id, component) in design.components.iter().enumerate() {
        if component.kind() == Kind::Client {
            ways.required[id] = false;
        }
    }
}

/// Every cycle of sync calls and misses, node by node: one BP005 per
/// strongly connected group.
///
/// Components that no request reaches have no node; they are checked on
/// their own, every sync call counted, so a loop nobody enters is still one.
fn sync_cycles(design: &Design, builder: &Builder) -> Vec<Diagnostic> {
    let count = builder.nodes.len();
    let mut graph: DiGraph<(ComponentId, Option<WayOperationId>), Via> =
        DiGraph::with_capacity(count, builder.edges.len());
    for node in &builder.nodes {
        graph.add_node((node.component, Some(node.operation)));
    }
    for edge in &builder.edges {
        if edge.wait == Wait::Waits {
            graph.add_edge(NodeIndex::new(edge.from), NodeIndex::new(edge.to), edge.via);
        }
    }
    let unreached: Vec<Option<NodeIndex>> = (0..design.components.len())
        .map(|id| {
            builder.component_nodes[id]
                .is_empty()
                .then(|| graph.add_node((id, None)))
        })
        .collect();
    for (id, component) in design.components.iter().enumerate() {
        let Some(from) = unreached[id] else {
            continue;
        };
        let edges = component
            .calls
            .iter()
            .enumerate()
            .map(|(index, call)| (call.to.value, Via::Call(index)))
            .chain(component.backing.as_ref().map(|b| (b.value, Via::Backing)));
        for (to, via) in edges {
            if let Some(target) = unreached[to]
                && wait(design, id, via, to) == Wait::Waits
            {
                graph.add_edge(from, target, via);
            }
        }
    }
    let declared = !design.operations.is_empty();
    let mut groups = tarjan_scc(&graph);
    for group in &mut groups {
        group.sort();
    }
    groups.sort();
    let mut diagnostics = Vec::new();
    // The same cycle of components may show once per operation: say it once.
    let mut reported: Vec<Vec<ComponentId>> = Vec::new();
    for group in groups {
        let start = group[0];
        let self_loop = graph.find_edge(start, start).is_some();
        if group.len() == 1 && !self_loop {
            continue;
        }
        let cycle = shortest_cycle(&graph, start, &group);
        let mut components: Vec<ComponentId> = cycle.iter().map(|n| graph[*n].0).collect();
        components.sort_unstable();
        components.dedup();
        if reported.contains(&components) {
            continue;
        }
        reported.push(components);
        let names: Vec<String> = cycle
            .iter()
            .map(|n| {
                let (component, operation) = graph[*n];
                let name = design.components[component].name();
                match operation.and_then(|o| design.operations.get(o)) {
                    Some(operation) if declared => format!("{name} ({})", operation.name.value),
                    _ => name.to_string(),
                }
            })
            .collect();
        let closing_from = cycle[cycle.len() - 2];
        let closing = graph
            .edges_connecting(closing_from, start)
            .next()
            .map(|e| *e.weight());
        let component = &design.components[graph[closing_from].0];
        let span = match closing {
            Some(Via::Call(index)) => component.calls[index].to.span,
            Some(Via::Backing) => component
                .backing
                .as_ref()
                .map_or(component.name.span, |b| b.span),
            _ => component.name.span,
        };
        diagnostics.push(
            SYNC_CYCLE
                .diagnostic(format!("sync calls form a cycle: {}", names.join(" -> ")))
                .at(span)
                .component(component.name())
                .label("this call closes the cycle")
                .help("a request would wait on itself; send one of the calls through a queue or make it async, or say with `for:` which operations make it"),
        );
    }
    diagnostics
}

/// The shortest path from `start` back to itself inside `group` (sorted),
/// as `[start, ..., start]`.
fn shortest_cycle<N>(
    graph: &DiGraph<N, Via>,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn analyse(yaml: &str) -> Result<crate::Analysis, Vec<Diagnostic>> {
        crate::analyse(yaml.as_bytes())
    }

    /// The chat of the issue: the chat server pushes a message back through
    /// the recipient's gateway as `deliver`, for which the gateway makes no
    /// call. Components form a loop; the ways do not.
    const PUSH: &str = "version: 1
name: chat
operations:
  send: { share: 0.4 }
  history: { share: 0.6 }
  deliver: {}
components:
  phones: { kind: client, calls: [{ to: gateway }] }
  gateway:
    kind: gateway
    calls:
      - { to: chat, for: [send, history] }
  chat:
    kind: service
    calls:
      - { to: db, op: write, for: send }
      - { to: db, for: history }
      - { to: gateway, for: send, as: deliver, mode: async }
  db: { kind: database }
";

    #[test]
    fn a_push_through_the_gateway_is_not_a_cycle() {
        let analysis = analyse(PUSH).unwrap();
        let ways = &analysis.ways;
        let names: Vec<String> = (0..ways.nodes.len())
            .map(|n| ways.node_name(&analysis.design, n))
            .collect();
        assert_eq!(
            names,
            [
                "phones (send)",
                "phones (history)",
                "gateway (send)",
                "gateway (history)",
                "chat (send)",
                "chat (history)",
                "db (send)",
                "gateway (deliver)",
                "db (history)",
            ]
        );
        // `send` reaches the database for writes only, `history` for reads.
        let send = ways.operation_named("send").unwrap();
        let db = analysis.design.component_named("db").unwrap();
        let reach = ways.reach_of(send);
        let to_db = reach.iter().find(|r| r.component == db).unwrap();
        assert_eq!(
            to_db.visits,
            Load {
                reads: 0.0,
                writes: 1.0
            }
        );
        // The push is async: `send` does not need the delivering gateway.
        assert!(
            ways.waited_nodes(send)
                .iter()
                .all(|&n| names[n] != "gateway (deliver)")
        );
    }

    #[test]
    fn a_sync_push_back_is_a_cycle_named_by_operation() {
        let yaml = PUSH.replace("as: deliver, mode: async", "mode: sync");
        let errors = analyse(&yaml).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].code, "BP005");
        assert_eq!(
            errors[0].message,
            "sync calls form a cycle: gateway (send) -> chat (send) -> gateway (send)"
        );
    }

    #[test]
    fn an_async_loop_that_shrinks_is_allowed() {
        let yaml = "version: 1
name: t
requirements: { peak_rps: 100/s }
components:
  users: { kind: client, calls: [{ to: api }] }
  api: { kind: service, calls: [{ to: audit, mode: async }] }
  audit: { kind: service, calls: [{ to: api, mode: async, per_request: 0.5 }] }
";
        let analysis = analyse(yaml).unwrap();
        let estimate = crate::capacity::estimate(
            &analysis.design,
            &analysis.ways,
            &crate::capacity::Options::default(),
        )
        .unwrap();
        // 100 in, half of each trip comes back: 100 / (1 - 0.5).
        assert!((estimate.components[1].load.total() - 200.0).abs() < 1e-6);
    }

    #[test]
    fn a_loop_that_no_request_reaches_is_still_found() {
        let yaml = "version: 1
name: t
components:
  orders: { kind: service, calls: [{ to: inventory }] }
  inventory: { kind: service, calls: [{ to: orders }] }
";
        let errors = analyse(yaml).unwrap_err();
        assert_eq!(
            errors[0].message,
            "sync calls form a cycle: orders -> inventory -> orders"
        );
    }

    /// Loads add up across operations: every component's load is the sum
    /// of its nodes'.
    #[test]
    fn operations_split_the_load_of_their_client() {
        let analysis = analyse(&PUSH.replace(
            "name: chat",
            "name: chat\nrequirements: { peak_rps: 1000/s }",
        ))
        .unwrap();
        let estimate = crate::capacity::estimate(
            &analysis.design,
            &analysis.ways,
            &crate::capacity::Options::default(),
        )
        .unwrap();
        let load =
            |name: &str| estimate.components[analysis.design.component_named(name).unwrap()].load;
        // 1000/s: 400 sends (writes) and 600 history reads reach the
        // database; the gateway serves the 1000 requests and 400 pushes.
        assert_eq!(
            load("db"),
            Load {
                reads: 600.0,
                writes: 400.0
            }
        );
        assert_eq!(load("gateway").total(), 1400.0);
        assert_eq!(estimate.operations.len(), 2);
        assert_eq!(estimate.operations[0].rps, 400.0);
    }
}
