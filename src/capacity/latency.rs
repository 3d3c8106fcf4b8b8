//! End-to-end latency (capacity-model.md, section 5), operation by
//! operation along its way: the mean by formula, and the distribution of
//! the whole time computed from the stations' exact distributions. The
//! call tree is an expression on distributions (sums of the calls made one
//! after another, the slowest of a parallel fan-out, mixtures for calls made
//! on a share of requests and cache hits); equal sub-expressions are one
//! [`Shape`] and computed once per grid. Each operation is computed on
//! grids of its own (`lattice.rs`): one that holds all but a millionth of
//! its requests, and finer ones for quantiles too close to 0 for it. No
//! randomness: the same design gives the same bytes on any machine.

use std::hash::BuildHasher;

use hashbrown::HashTable;
use rustc_hash::{FxBuildHasher, FxHashMap as HashMap};

use serde::Serialize;

use super::lattice::{Convolver, Curve, Grid, Lattice, discretise, mixture, slowest_of};
use super::replicas::ReplicaModel;
use super::station::{Response, Station};
use crate::design::{CachePattern, Design, Kind, Op, ServiceShape};
use crate::ways::{NodeId, Via, Wait, Ways, wait};

/// Points of every grid. With linear moment matching a quantile at 256
/// points or more from 0 is within 0.1% of the exact one on the worked
/// examples (the tests below), so a grid is trusted from a sixteenth of
/// its length on.
const POINTS: usize = 4096;
/// A quantile below this share of a grid's end is computed again on a
/// finer grid.
const RESOLVED_FROM: f64 = 1.0 / 16.0;
/// The widest grid of an operation holds all but this share of requests.
const BEYOND: f64 = 1e-6;
/// The quantiles computed.
const SHARES: [f64; 5] = [0.5, 0.9, 0.95, 0.99, 0.999];

/// End-to-end response time of a request, seconds.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct EndToEnd {
    pub mean: f64,
    pub p50: f64,
    pub p90: f64,
    pub p95: f64,
    pub p99: f64,
    pub p999: f64,
}

impl EndToEnd {
    /// The quantile `q` (0.5, 0.9, 0.95, 0.99 or 0.999).
    pub fn quantile(&self, q: f64) -> f64 {
        match q {
            q if q <= 0.5 => self.p50,
            q if q <= 0.9 => self.p90,
            q if q <= 0.95 => self.p95,
            q if q <= 0.99 => self.p99,
            _ => self.p999,
        }
    }
}

/// Why there is no end-to-end figure.
#[derive(Clone, Debug, PartialEq)]
pub enum NoLatency {
    /// No load enters the design.
    NoLoad,
    /// These components on the request path cannot keep up (or are down),
    /// so requests wait without end.
    Saturated(Vec<usize>),
    /// The quantiles were not asked for.
    NotComputed,
}

/// One thing a node does while serving a request, in order.
#[derive(Clone, Debug)]
enum Step {
    /// A sync call to node `target`, `per_request` times: one after another
    /// or, when `parallel`, all at once.
    Call {
        target: NodeId,
        op: Op,
        per_request: f64,
        parallel: bool,
    },
    /// Enqueues to a queue: only the queue's own time is added.
    Enqueue { queue: usize, per_request: f64 },
    /// A cache miss on reads, with probability `1 - hit_ratio`.
    Miss { backing: NodeId, hit_ratio: f64 },
    /// A write passed on by a write-through cache.
    WriteThrough { backing: NodeId },
}

/// What a node waits on, in the order of the design.
fn steps_of(design: &Design, ways: &Ways, node: NodeId) -> Vec<Step> {
    let component = ways.nodes[node].component;
    let source = &design.components[component];
    let mut steps = Vec::new();
    for edge in ways.edges_from(node) {
        let to = ways.nodes[edge.to].component;
        match (edge.via, wait(design, component, edge.via, to)) {
            (Via::Call(index), Wait::Waits) => {
                let call = &source.calls[index];
                steps.push(Step::Call {
                    target: edge.to,
                    op: call.op,
                    per_request: call.per_request,
                    parallel: call.parallel,
                });
            }
            (Via::Call(index), Wait::Enqueues) => steps.push(Step::Enqueue {
                queue: to,
                per_request: source.calls[index].per_request,
            }),
            (Via::Backing, _) => {
                let hit_ratio = source.hit_ratio.as_ref().map_or(0.0, |h| h.value);
                steps.push(Step::Miss {
                    backing: edge.to,
                    hit_ratio,
                });
                if source.kind() == Kind::Cdn
                    || source.cache_pattern() == CachePattern::WriteThrough
                {
                    steps.push(Step::WriteThrough { backing: edge.to });
                }
            }
            _ => {}
        }
    }
    steps
}

/// The call tree of a design: what every node waits on.
pub struct CallTree<'a> {
    /// The steps of each node of the ways.
    steps: Vec<Vec<Step>>,
    /// The component of each node.
    components: Vec<usize>,
    replicas: &'a [&'a ReplicaModel],
    /// Each component's own mean response to a read and to a write.
    own_means: &'a [(f64, f64)],
}

impl<'a> CallTree<'a> {
    pub fn new(
        design: &Design,
        ways: &Ways,
        replicas: &'a [&'a ReplicaModel],
        own_means: &'a [(f64, f64)],
    ) -> CallTree<'a> {
        CallTree {
            steps: (0..ways.nodes.len())
                .map(|node| steps_of(design, ways, node))
                .collect(),
            components: ways.nodes.iter().map(|n| n.component).collect(),
            replicas,
            own_means,
        }
    }

    /// The mean of [`CallTree::response`], computed once per component
    /// with the others (a quorum wait's takes an integral).
    fn own_mean(&self, node: NodeId, op: Op) -> f64 {
        let (read, write) = self.own_means[self.components[node]];
        match op {
            Op::Read => read,
            Op::Write => write,
        }
    }

    fn response(&self, node: NodeId, op: Op) -> &Response {
        let component = self.components[node];
        match op {
            Op::Read => &self.replicas[component].read,
            Op::Write => &self.replicas[component].write,
        }
    }

    /// The mean time of a read at every node by formula: its component's
    /// own mean, plus `per_request` times the mean of each sync call, plus
    /// the queue's time for each enqueue, plus `(1 - h)` times the
    /// backing's mean on misses. Parallel calls count at their sum here, an
    /// upper bound; the computed distribution takes the slowest of them.
    /// `callees_first` lists every node after the nodes it waits on.
    pub fn read_means(&self, callees_first: &[NodeId]) -> Vec<f64> {
        let count = self.steps.len();
        let mut read_mean = vec![0.0; count];
        let mut write_mean = vec![0.0; count];
        for &node in callees_first {
            // Calls and enqueues happen whatever the request does; misses
            // only on reads, write-through only on writes.
            let mut calls = 0.0;
            let mut on_reads = 0.0;
            let mut on_writes = 0.0;
            for step in &self.steps[node] {
                match *step {
                    Step::Call {
                        target,
                        op,
                        per_request,
                        ..
                    } => {
                        let mean = if op == Op::Read {
                            read_mean[target]
                        } else {
                            write_mean[target]
                        };
                        calls += per_request * mean;
                    }
                    Step::Enqueue { queue, per_request } => {
                        calls += per_request * self.own_means[queue].0
                    }
                    Step::Miss { backing, hit_ratio } => {
                        on_reads += (1.0 - hit_ratio) * read_mean[backing]
                    }
                    Step::WriteThrough { backing } => on_writes += write_mean[backing],
                }
            }
            let (own_read, own_write) = self.own_means[self.components[node]];
            read_mean[node] = own_read + calls + on_reads;
            write_mean[node] = own_write + calls + on_writes;
        }
        read_mean
    }

    /// The shape of a read at every node, and the shapes they are made of.
    /// `callees_first` lists every node after the nodes it waits on.
    pub fn shapes(&self, callees_first: &[NodeId]) -> Shapes {
        let mut shapes = Shapes::default();
        let unset = usize::MAX;
        let mut of_node = vec![[unset; 2]; self.steps.len()];
        for &node in callees_first {
            for op in [Op::Read, Op::Write] {
                let own = shapes.own(self.response(node, op), self.own_mean(node, op));
                let mut members = vec![(own, 1)];
                for step in &self.steps[node] {
                    let (callee, per_request, parallel) = match *step {
                        Step::Call {
                            target,
                            op,
                            per_request,
                            parallel,
                        } => (of_node[target][slot(op)], per_request, parallel),
                        Step::Enqueue { queue, per_request } => {
                            let queue_read = &self.replicas[queue].read;
                            let queue_mean = self.own_means[queue].0;
                            (shapes.own(queue_read, queue_mean), per_request, false)
                        }
                        Step::Miss { backing, hit_ratio } if op == Op::Read => {
                            let zero = shapes.zero();
                            let miss = of_node[backing][slot(Op::Read)];
                            (
                                shapes.mixture(&[(hit_ratio, zero), (1.0 - hit_ratio, miss)]),
                                1.0,
                                false,
                            )
                        }
                        Step::WriteThrough { backing } if op == Op::Write => {
                            (of_node[backing][slot(Op::Write)], 1.0, false)
                        }
                        Step::Miss { .. } | Step::WriteThrough { .. } => continue,
                    };
                    debug_assert_ne!(callee, unset, "callees come first");
                    members.push(shapes.calls(callee, per_request, parallel));
                }
                of_node[node][slot(op)] = shapes.sum(members);
            }
        }
        shapes.of_read = of_node.iter().map(|n| n[slot(Op::Read)]).collect();
        shapes
    }
}

/// Where a read's and a write's shape of a node are kept.
fn slot(op: Op) -> usize {
    match op {
        Op::Read => 0,
        Op::Write => 1,
    }
}

/// Index of a shape in [`Shapes`].
pub type ShapeId = usize;

/// A response-time distribution by what it is made of. Ids of the parts
/// are always smaller than the id of the whole.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Shape {
    /// A station's own response: an index into `Shapes::responses`.
    Own(usize),
    /// Independent times added, each part with its number of copies.
    Sum(Vec<(ShapeId, u32)>),
    /// One of the parts, with its chance (the bits of an `f64`).
    Mixture(Vec<(u64, ShapeId)>),
    /// The slowest of this many independent copies.
    Slowest(ShapeId, u32),
}

/// What a station's response is, as a key: equal stations are one shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum OwnKey {
    Zero,
    Station(u32, u64, u64, VariabilityKey),
    KthOf(u32, u64, u64, VariabilityKey, u32, u32),
    /// A mixture of reads and writes, which call trees never hold.
    Other(usize),
}

/// A station's [`Variability`](super::station::Variability) as a key:
/// the arrivals' SCV and the lognormal's sigma (0 for exponential), as bits.
type VariabilityKey = (u64, u64);

fn variability_key(station: &Station) -> VariabilityKey {
    let sigma = match station.variability.service {
        ServiceShape::Exponential => 0.0,
        ServiceShape::Lognormal { sigma } => sigma,
    };
    (station.variability.arrival_scv.to_bits(), sigma.to_bits())
}

/// The first two moments and the slowest time scale of a shape: enough to
/// choose a grid that holds nearly all of it.
#[derive(Clone, Copy, Debug)]
struct Moments {
    mean: f64,
    variance: f64,
    /// The longest time scale of an exponential in it.
    tail: f64,
}

/// The shapes of a design's call tree, each kept once.
#[derive(Default)]
pub struct Shapes {
    shapes: Vec<Shape>,
    moments: Vec<Moments>,
    /// The id of every shape, found by the shape's hash: each shape is
    /// kept once, in `shapes`.
    ids: HashTable<ShapeId>,
    /// The components' own responses, each with its mean.
    responses: Vec<(Response, f64)>,
    own_ids: HashMap<OwnKey, ShapeId>,
    /// The shape of a read at each node.
    of_read: Vec<ShapeId>,
}

impl Shapes {
    fn intern(&mut self, shape: Shape) -> ShapeId {
        let hash = FxBuildHasher.hash_one(&shape);
        let shapes = &self.shapes;
        if let Some(&id) = self.ids.find(hash, |&id| shapes[id] == shape) {
            return id;
        }
        let moments = self.moments_of(&shape);
        let id = self.shapes.len();
        self.shapes.push(shape);
        self.moments.push(moments);
        let shapes = &self.shapes;
        self.ids
            .insert_unique(hash, id, |&id| FxBuildHasher.hash_one(&shapes[id]));
        id
    }

    fn moments_of(&self, shape: &Shape) -> Moments {
        match shape {
            Shape::Own(index) => {
                let (response, mean) = &self.responses[*index];
                own_moments(response, *mean)
            }
            Shape::Sum(parts) => {
                let mut total = Moments {
                    mean: 0.0,
                    variance: 0.0,
                    tail: 0.0,
                };
                for &(part, copies) in parts {
                    let m = self.moments[part];
                    total.mean += f64::from(copies) * m.mean;
                    total.variance += f64::from(copies) * m.variance;
                    total.tail = total.tail.max(m.tail);
                }
                total
            }
            Shape::Mixture(parts) => {
                let (mut mean, mut square, mut tail) = (0.0, 0.0, 0.0f64);
                for &(weight, part) in parts {
                    let weight = f64::from_bits(weight);
                    let m = self.moments[part];
                    mean += weight * m.mean;
                    square += weight * (m.variance + m.mean * m.mean);
                    tail = tail.max(m.tail);
                }
                Moments {
                    mean,
                    variance: (square - mean * mean).max(0.0),
                    tail,
                }
            }
            Shape::Slowest(part, copies) => {
                // The expected maximum is below mean + sd sqrt(2 ln n) for
                // light tails; the tail adds ln n time scales.
                let m = self.moments[*part];
                let spread = (2.0 * f64::from(*copies).ln()).sqrt();
                Moments {
                    mean: m.mean + m.variance.sqrt() * spread + m.tail * f64::from(*copies).ln(),
                    variance: m.variance,
                    tail: m.tail,
                }
            }
        }
    }

    fn zero(&mut self) -> ShapeId {
        self.own(&Response::Zero, 0.0)
    }

    /// A component's own response, whose mean is `mean`.
    fn own(&mut self, response: &Response, mean: f64) -> ShapeId {
        let key = match response {
            Response::Zero => OwnKey::Zero,
            Response::Station(s) => OwnKey::Station(
                s.servers,
                s.service_rate.to_bits(),
                s.arrival_rate.to_bits(),
                variability_key(s),
            ),
            Response::KthOf { station, k, copies } => OwnKey::KthOf(
                station.servers,
                station.service_rate.to_bits(),
                station.arrival_rate.to_bits(),
                variability_key(station),
                *k,
                *copies,
            ),
            Response::Mix(_) => OwnKey::Other(self.responses.len()),
        };
        if let Some(&id) = self.own_ids.get(&key) {
            return id;
        }
        self.responses.push((response.clone(), mean));
        let id = self.intern(Shape::Own(self.responses.len() - 1));
        self.own_ids.insert(key, id);
        id
    }

    fn is_zero(&self, id: ShapeId) -> bool {
        matches!(self.shapes[id], Shape::Own(i) if self.responses[i].0 == Response::Zero)
    }

    /// Times added; a sum of one time is that time.
    fn sum(&mut self, parts: Vec<(ShapeId, u32)>) -> ShapeId {
        let mut merged: Vec<(ShapeId, u32)> = Vec::new();
        let mut parts: Vec<(ShapeId, u32)> = parts
            .into_iter()
            .filter(|&(id, copies)| copies > 0 && !self.is_zero(id))
            .collect();
        parts.sort_unstable();
        for (id, copies) in parts {
            match merged.last_mut() {
                Some(last) if last.0 == id => last.1 += copies,
                _ => merged.push((id, copies)),
            }
        }
        match merged[..] {
            [] => self.zero(),
            [(id, 1)] => id,
            _ => self.intern(Shape::Sum(merged)),
        }
    }

    /// One of the times, with its chance; the chances add up to 1.
    fn mixture(&mut self, parts: &[(f64, ShapeId)]) -> ShapeId {
        let mut merged: Vec<(ShapeId, f64)> = Vec::new();
        let mut sorted: Vec<(ShapeId, f64)> = parts
            .iter()
            .filter(|(weight, _)| *weight > 0.0)
            .map(|&(weight, id)| (id, weight))
            .collect();
        sorted.sort_by_key(|p| p.0);
        for (id, weight) in sorted {
            match merged.last_mut() {
                Some(last) if last.0 == id => last.1 += weight,
                _ => merged.push((id, weight)),
            }
        }
        match merged[..] {
            [] => self.zero(),
            [(id, _)] => id,
            _ => self.intern(Shape::Mixture(
                merged.iter().map(|&(id, w)| (w.to_bits(), id)).collect(),
            )),
        }
    }

    fn slowest(&mut self, part: ShapeId, copies: u32) -> ShapeId {
        match copies {
            0 => self.zero(),
            1 => part,
            _ if self.is_zero(part) => part,
            _ => self.intern(Shape::Slowest(part, copies)),
        }
    }

    /// `per_request` calls to `callee` (capacity-model.md, section 5):
    /// floor(p) calls and one more with probability p - floor(p), one after
    /// another or, when `parallel`, all at once; as a part of a sum.
    fn calls(&mut self, callee: ShapeId, per_request: f64, parallel: bool) -> (ShapeId, u32) {
        let whole = per_request.floor().min(f64::from(u32::MAX - 1));
        let extra = per_request - whole;
        let whole = whole as u32;
        if parallel {
            let fewer = self.slowest(callee, whole);
            let more = self.slowest(callee, whole + 1);
            (self.mixture(&[(1.0 - extra, fewer), (extra, more)]), 1)
        } else if extra > 0.0 {
            let zero = self.zero();
            let one = self.mixture(&[(1.0 - extra, zero), (extra, callee)]);
            let whole_calls = (callee, whole);
            (self.sum(vec![whole_calls, (one, 1)]), 1)
        } else {
            (callee, whole)
        }
    }

    /// The shape of a read at `node`.
    pub fn of_read(&self, node: NodeId) -> ShapeId {
        self.of_read[node]
    }
}

/// The moments of a component's own response, whose mean is `mean`.
fn own_moments(response: &Response, mean: f64) -> Moments {
    match response {
        Response::Zero => Moments {
            mean: 0.0,
            variance: 0.0,
            tail: 0.0,
        },
        Response::Station(station) | Response::KthOf { station, .. } => {
            // Service at rate mu, and with chance C a wait at rate theta.
            let mu = station.service_rate;
            let wait = station.wait_probability();
            let theta = station.wait_rate();
            let wait_variance = if wait > 0.0 {
                wait * 2.0 / (theta * theta) - (wait / theta).powi(2)
            } else {
                0.0
            };
            Moments {
                mean,
                variance: station.variability.service.scv() / (mu * mu) + wait_variance,
                tail: if wait > 0.0 {
                    (1.0 / theta).max(1.0 / mu)
                } else {
                    1.0 / mu
                },
            }
        }
        Response::Mix(parts) => {
            let total: f64 = parts.iter().map(|(w, _)| w).sum();
            let mut mean = 0.0;
            let mut square = 0.0;
            let mut tail = 0.0f64;
            for (weight, part) in parts {
                let m = own_moments(part, part.mean());
                mean += weight / total * m.mean;
                square += weight / total * (m.variance + m.mean * m.mean);
                tail = tail.max(m.tail);
            }
            Moments {
                mean,
                variance: (square - mean * mean).max(0.0),
                tail,
            }
        }
    }
}

/// The computed distribution of one operation's end-to-end time: its
/// figures, and the grids they were read from (the widest first), for
/// mixing operations into all traffic.
#[derive(Clone, Debug)]
pub struct Computed {
    pub figures: EndToEnd,
    curves: Vec<Curve>,
}

impl Computed {
    /// P(time <= t), from the finest grid that reaches t.
    fn cdf(&self, t: f64) -> f64 {
        self.curves
            .iter()
            .rev()
            .find(|c| c.grid.end() >= t)
            .unwrap_or(&self.curves[0])
            .cdf(t)
    }
}

/// Computes the end-to-end distributions of a design's shapes, keeping
/// each root's result so that operations of the same shape are computed
/// once.
pub struct Calculator<'a> {
    shapes: &'a Shapes,
    convolver: Convolver,
    done: HashMap<ShapeId, Computed>,
}

impl<'a> Calculator<'a> {
    pub fn new(shapes: &'a Shapes) -> Calculator<'a> {
        Calculator {
            shapes,
            convolver: Convolver::default(),
            done: HashMap::default(),
        }
    }

    /// The distribution of `root`: on a grid that holds all but a
    /// millionth of it, then on finer grids for the quantiles too close to
    /// 0 for that one.
    pub fn end_to_end(&mut self, root: ShapeId) -> Computed {
        if let Some(found) = self.done.get(&root) {
            return found.clone();
        }
        let moments = self.shapes.moments[root];
        let guess = moments.mean + 6.0 * moments.variance.sqrt() + 10.0 * moments.tail;
        let mut end = if guess > 0.0 && guess.is_finite() {
            guess
        } else {
            1.0
        };
        let mut widest = self.on_grid(root, grid_to(end));
        // At most 2^40 times the guess: beyond that only a station at
        // utilisation 1 - 1e-12 could be, and its grid stays as it is.
        for _ in 0..20 {
            if widest.0.total() >= 1.0 - BEYOND {
                break;
            }
            end *= 4.0;
            widest = self.on_grid(root, grid_to(end));
        }
        let mean = widest.1;
        let mut curves = vec![widest.0];
        let mut values = [f64::NAN; SHARES.len()];
        // From the widest grid down: a quantile is read from the first grid
        // on which it lies far enough from 0.
        for _ in 0..8 {
            let curve = curves.last().expect("the widest grid is there");
            let mut finer: Option<f64> = None;
            for (value, share) in values.iter_mut().zip(SHARES) {
                if !value.is_nan() {
                    continue;
                }
                match curve.quantile(share) {
                    Some(q) if q == 0.0 || q >= curve.grid.end() * RESOLVED_FROM => *value = q,
                    Some(q) => finer = Some(finer.map_or(q, |f: f64| f.max(q))),
                    // Beyond a finer grid: the estimate from the coarser
                    // one was low; go back up.
                    None => {
                        finer =
                            Some(finer.map_or(curve.grid.end(), |f: f64| f.max(curve.grid.end())))
                    }
                }
            }
            let Some(target) = finer else { break };
            // The largest quantile left lands at a quarter of the new grid.
            let (curve, _) = self.on_grid(root, grid_to(4.0 * target));
            curves.push(curve);
        }
        // Whatever is still unresolved after eight grids is read from the
        // finest.
        let finest = curves.last().expect("the widest grid is there");
        for (value, share) in values.iter_mut().zip(SHARES) {
            if value.is_nan() {
                *value = finest.quantile(share).unwrap_or(curves[0].grid.end());
            }
        }
        let [p50, p90, p95, p99, p999] = values;
        let computed = Computed {
            figures: EndToEnd {
                mean,
                p50,
                p90,
                p95,
                p99,
                p999,
            },
            curves,
        };
        self.done.insert(root, computed.clone());
        computed
    }

    /// The distribution of `root` on one grid, and its mean.
    fn on_grid(&mut self, root: ShapeId, grid: Grid) -> (Curve, f64) {
        // The shapes under the root, parts before wholes (ids grow), each
        // dropped once the last whole that needs it is done.
        let mut needed = vec![false; root + 1];
        let mut users = vec![0u32; root + 1];
        needed[root] = true;
        for id in (0..=root).rev() {
            if !needed[id] {
                continue;
            }
            for part in parts(&self.shapes.shapes[id]) {
                if !needed[part] {
                    needed[part] = true;
                }
                users[part] += 1;
            }
        }
        let mut lattices: Vec<Option<Lattice>> = vec![None; root + 1];
        for id in (0..=root).filter(|&id| needed[id]) {
            let lattice = self.compute(id, grid, &lattices);
            for part in parts(&self.shapes.shapes[id]) {
                users[part] -= 1;
                if users[part] == 0 {
                    lattices[part] = None;
                }
            }
            lattices[id] = Some(lattice);
        }
        let lattice = lattices[root].take().expect("the root was computed");
        (Curve::new(&lattice, grid), lattice.mean(grid))
    }

    fn compute(&mut self, id: ShapeId, grid: Grid, lattices: &[Option<Lattice>]) -> Lattice {
        let get = |part: ShapeId| lattices[part].as_ref().expect("parts come first");
        match &self.shapes.shapes[id] {
            Shape::Own(index) => discretise(&self.shapes.responses[*index].0, grid),
            Shape::Sum(parts) => {
                // The short ones first: their sums stay short.
                let mut parts = parts.clone();
                parts.sort_by_key(|&(part, copies)| (get(part).masses.len(), part, copies));
                let mut total = Lattice::zero();
                for (part, copies) in parts {
                    let added = self.convolver.power(get(part), copies, grid);
                    total = self.convolver.sum(&total, &added, grid);
                }
                total
            }
            Shape::Mixture(parts) => {
                let parts: Vec<(f64, &Lattice)> = parts
                    .iter()
                    .map(|&(weight, part)| (f64::from_bits(weight), get(part)))
                    .collect();
                mixture(&parts)
            }
            Shape::Slowest(part, copies) => slowest_of(get(*part), *copies),
        }
    }
}

fn parts(shape: &Shape) -> Vec<ShapeId> {
    match shape {
        Shape::Own(_) => Vec::new(),
        Shape::Sum(parts) => parts.iter().map(|p| p.0).collect(),
        Shape::Mixture(parts) => parts.iter().map(|p| p.1).collect(),
        Shape::Slowest(part, _) => vec![*part],
    }
}

/// A grid of [`POINTS`] points from 0 to `end`.
fn grid_to(end: f64) -> Grid {
    Grid {
        step: end / (POINTS - 1) as f64,
        points: POINTS,
    }
}

/// All traffic: the operations' distributions mixed by their rates; the
/// quantiles by bisection on the mixture's distribution function.
pub fn mixture_of(operations: &[(f64, &Computed)]) -> EndToEnd {
    let total: f64 = operations.iter().map(|(w, _)| w).sum();
    let cdf = |t: f64| -> f64 { operations.iter().map(|(w, c)| w / total * c.cdf(t)).sum() };
    let top = operations
        .iter()
        .map(|(_, c)| c.curves[0].grid.end())
        .fold(0.0, f64::max);
    let quantile = |q: f64| -> f64 {
        if cdf(0.0) >= q {
            return 0.0;
        }
        let (mut low, mut high) = (0.0, top);
        for _ in 0..200 {
            let middle = 0.5 * (low + high);
            if cdf(middle) >= q {
                high = middle;
            } else {
                low = middle;
            }
            if high - low <= 1e-12 * high {
                break;
            }
        }
        high
    };
    EndToEnd {
        mean: operations
            .iter()
            .map(|(w, c)| w / total * c.figures.mean)
            .sum(),
        p50: quantile(0.5),
        p90: quantile(0.9),
        p95: quantile(0.95),
        p99: quantile(0.99),
        p999: quantile(0.999),
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::capacity::station::Station;

    /// An exponential time at `rate`: an M/M/1 station with no load.
    fn exponential(shapes: &mut Shapes, rate: f64) -> ShapeId {
        let station = Response::Station(Station::new(1, rate, 0.0));
        shapes.own(&station, station.mean())
    }

    /// The time t with `cdf(t) = q`, by bisection: the exact quantile of a
    /// closed-form distribution function.
    pub(in crate::capacity) fn exact_quantile(cdf: impl Fn(f64) -> f64, q: f64) -> f64 {
        let (mut low, mut high) = (0.0, 1.0);
        while cdf(high) < q {
            high *= 2.0;
        }
        for _ in 0..200 {
            let middle = 0.5 * (low + high);
            if cdf(middle) < q {
                low = middle;
            } else {
                high = middle;
            }
        }
        0.5 * (low + high)
    }

    /// Every computed quantile within 0.5% of the exact one.
    fn assert_quantiles(figures: &EndToEnd, cdf: impl Fn(f64) -> f64) {
        for share in SHARES {
            let exact = exact_quantile(&cdf, share);
            let computed = figures.quantile(share);
            assert!(
                (computed - exact).abs() <= 0.005 * exact,
                "p{share}: computed {computed}, exact {exact}"
            );
        }
    }

    fn computed(shapes: &Shapes, root: ShapeId) -> EndToEnd {
        Calculator::new(shapes).end_to_end(root).figures
    }

    /// The sum of two independent exponentials at rates a and b is
    /// hypoexponential: F(t) = 1 - (b e^{-at} - a e^{-bt}) / (b - a)
    /// (Ross, Introduction to Probability Models, 11th ed., 5.2.4).
    #[test]
    fn sum_of_two_exponentials() {
        let (a, b) = (2.0, 3.0);
        let mut shapes = Shapes::default();
        let first = exponential(&mut shapes, a);
        let second = exponential(&mut shapes, b);
        let root = shapes.sum(vec![(first, 1), (second, 1)]);
        let figures = computed(&shapes, root);
        assert_quantiles(&figures, |t| {
            1.0 - (b * (-a * t).exp() - a * (-b * t).exp()) / (b - a)
        });
        assert!((figures.mean - (1.0 / a + 1.0 / b)).abs() <= 1e-3 * (1.0 / a + 1.0 / b));
    }

    /// k exponentials at rate lambda add up to an Erlang-k time:
    /// F(t) = 1 - sum_{n<k} e^{-lambda t} (lambda t)^n / n! (Ross, 5.2.3;
    /// its quantiles are those of chi-square with 2k degrees of freedom
    /// over 2 lambda, e.g. k = 5, lambda = 10: p99 = 23.209 / 20 = 1.1605).
    #[test]
    fn erlang_k_percentiles() {
        let (k, lambda) = (5u32, 10.0);
        let mut shapes = Shapes::default();
        let one = exponential(&mut shapes, lambda);
        let root = shapes.sum(vec![(one, k)]);
        let erlang = |t: f64| {
            let mut term = 1.0;
            let mut below = 0.0;
            for n in 0..k {
                if n > 0 {
                    term *= lambda * t / f64::from(n);
                }
                below += term;
            }
            1.0 - (-lambda * t).exp() * below
        };
        let figures = computed(&shapes, root);
        assert_quantiles(&figures, erlang);
        assert!((figures.p99 - 23.209 / 20.0).abs() <= 0.005 * 1.1605);
    }

    /// M/M/1 at lambda = 8/s, mu = 10/s: the sojourn is exponential at
    /// mu - lambda, so t_q = -ln(1 - q) / (mu - lambda) (Kleinrock,
    /// Queueing Systems vol. 1, 3.2; Harchol-Balter, ch. 13).
    #[test]
    fn mm1_sojourn_quantiles() {
        let mut shapes = Shapes::default();
        let station = Response::Station(Station::new(1, 10.0, 8.0));
        let root = shapes.own(&station, station.mean());
        let figures = computed(&shapes, root);
        for share in SHARES {
            let exact = -(1.0 - share).ln() / 2.0;
            let got = figures.quantile(share);
            assert!(
                (got - exact).abs() <= 0.005 * exact,
                "p{share}: {got} against {exact}"
            );
        }
        assert!((figures.mean - 0.5).abs() <= 1e-3 * 0.5);
    }

    /// The slowest of n independent exponentials: F(t) = (1 - e^{-t})^n,
    /// t_q = -ln(1 - q^{1/n}) (David and Nagaraja, Order Statistics, 3rd
    /// ed., 2.1); its mean is the harmonic number H_n.
    #[test]
    fn max_of_n_exponentials() {
        let n = 10;
        let mut shapes = Shapes::default();
        let one = exponential(&mut shapes, 1.0);
        let root = shapes.slowest(one, n);
        let figures = computed(&shapes, root);
        assert_quantiles(&figures, |t| (1.0 - (-t).exp()).powi(n as i32));
        let harmonic: f64 = (1..=n).map(|i| 1.0 / f64::from(i)).sum();
        assert!(
            (figures.mean - harmonic).abs() <= 5e-3 * harmonic,
            "{}",
            figures.mean
        );
    }

    /// The k-th fastest of n independent exponentials:
    /// P(X_(k) <= t) = sum_{i>=k} C(n, i) F^i (1 - F)^(n - i)
    /// (David and Nagaraja, 2.1), here the 2nd of 3 and the 3rd of 5.
    #[test]
    fn kth_order_statistic() {
        for (k, copies) in [(2u32, 3u32), (3, 5)] {
            let station = Station::new(1, 100.0, 0.0);
            let mut shapes = Shapes::default();
            let quorum = Response::KthOf { station, k, copies };
            let root = shapes.own(&quorum, quorum.mean());
            let figures = computed(&shapes, root);
            assert_quantiles(&figures, |t| {
                crate::capacity::station::binomial_tail(copies, k, 1.0 - (-100.0 * t).exp())
            });
        }
    }

    /// Equal shapes are one: a hundred equal stations in a row are one
    /// station with a hundred copies.
    #[test]
    fn equal_shapes_are_kept_once() {
        let mut shapes = Shapes::default();
        let parts: Vec<(ShapeId, u32)> = (0..100)
            .map(|_| (exponential(&mut shapes, 5.0), 1))
            .collect();
        let root = shapes.sum(parts);
        assert_eq!(shapes.shapes[root], Shape::Sum(vec![(0, 100)]));
        // Erlang-100 at rate 5: mean 20, and the central limit puts p50
        // near the mean (the Erlang median is k - 1/3 over lambda).
        let figures = computed(&shapes, root);
        assert!((figures.mean - 20.0).abs() <= 1e-3 * 20.0);
        assert!((figures.p50 - (100.0 - 1.0 / 3.0) / 5.0).abs() <= 0.005 * 20.0);
    }
}
