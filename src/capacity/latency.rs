//! End-to-end latency (capacity-model.md, section 5), operation by
//! operation along its way: the mean by formula, and the quantiles by a
//! seeded Monte Carlo walk of the call tree that is bit-identical whatever
//! the number of threads.

use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64Mcg;
use rayon::prelude::*;
use serde::Serialize;

use super::replicas::ReplicaModel;
use super::station::Response;
use crate::design::{CachePattern, Design, Kind, Op};
use crate::ways::{NodeId, Via, Wait, Ways, wait};

/// The walks are split into this many chunks, each with its own random
/// stream: results do not depend on how rayon schedules them.
const CHUNKS: usize = 64;
/// Above this many stage visits in all, the walk is refused as too large.
const MAX_VISITS: f64 = 2e9;

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
    /// The call tree is too large to walk (expected stage visits per walk).
    TooLarge(f64),
    /// The walk was not asked for.
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

/// Precomputed walk data for one design.
pub struct Walker<'a> {
    /// The steps of each node of the ways.
    steps: Vec<Vec<Step>>,
    /// The component of each node.
    components: Vec<usize>,
    replicas: &'a [ReplicaModel],
    /// Each component's own mean response to a read and to a write.
    own_means: &'a [(f64, f64)],
}

impl<'a> Walker<'a> {
    pub fn new(
        design: &Design,
        ways: &Ways,
        replicas: &'a [ReplicaModel],
        own_means: &'a [(f64, f64)],
    ) -> Walker<'a> {
        Walker {
            steps: (0..ways.nodes.len())
                .map(|node| steps_of(design, ways, node))
                .collect(),
            components: ways.nodes.iter().map(|n| n.component).collect(),
            replicas,
            own_means,
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
    /// upper bound; the walk takes the slowest of their draws.
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

    /// One request's end-to-end time from `entry`, walked with an explicit
    /// stack so that a deep design cannot overflow the thread's stack.
    /// `stack` is only scratch space, kept between walks to spare an
    /// allocation per walk.
    fn walk(&self, entry: NodeId, rng: &mut Pcg64Mcg, stack: &mut Vec<Frame>) -> f64 {
        stack.clear();
        stack.push(Frame::new(
            entry,
            Op::Read,
            self.response(entry, Op::Read).sample(rng),
        ));
        loop {
            let frame = stack
                .last_mut()
                .expect("the walk ends when its root frame does");
            if frame.repeats_left > 0 {
                frame.repeats_left -= 1;
                let (target, op) = match self.steps[frame.node][frame.step] {
                    Step::Call { target, op, .. } => (target, op),
                    Step::Miss { backing, .. } => (backing, Op::Read),
                    Step::WriteThrough { backing } => (backing, Op::Write),
                    Step::Enqueue { .. } => unreachable!("enqueues are timed in place"),
                };
                let own = self.response(target, op).sample(rng);
                stack.push(Frame::new(target, op, own));
                continue;
            }
            frame.close_step();
            frame.step = frame.step.wrapping_add(1);
            if let Some(step) = self.steps[frame.node].get(frame.step) {
                let (repeats, parallel) = match *step {
                    Step::Call {
                        per_request,
                        parallel,
                        ..
                    } => (draw_count(rng, per_request), parallel),
                    Step::Enqueue { queue, per_request } => {
                        for _ in 0..draw_count(rng, per_request) {
                            frame.total += self.replicas[queue].read.sample(rng);
                        }
                        (0, false)
                    }
                    Step::Miss { hit_ratio, .. } => {
                        let miss = frame.op == Op::Read && rng.random::<f64>() >= hit_ratio;
                        (u32::from(miss), false)
                    }
                    Step::WriteThrough { .. } => (u32::from(frame.op == Op::Write), false),
                };
                frame.repeats_left = repeats;
                frame.parallel = parallel;
                continue;
            }
            let finished = stack.pop().expect("a frame is on the stack");
            match stack.last_mut() {
                Some(parent) if parent.parallel => {
                    parent.slowest = parent.slowest.max(finished.total)
                }
                Some(parent) => parent.total += finished.total,
                None => return finished.total,
            }
        }
    }

    /// `walks` seeded walks from `entry`: their times, in no useful order.
    pub fn sample(
        &self,
        entry: NodeId,
        walks: usize,
        seed: u64,
        visits_per_walk: f64,
    ) -> Result<Vec<f64>, NoLatency> {
        if visits_per_walk * walks as f64 > MAX_VISITS {
            return Err(NoLatency::TooLarge(visits_per_walk));
        }
        let per_chunk = walks.div_ceil(CHUNKS);
        let chunks: Vec<Vec<f64>> = (0..CHUNKS)
            .into_par_iter()
            .map(|chunk| {
                let start = chunk * per_chunk;
                let count = per_chunk.min(walks.saturating_sub(start));
                let stream = (chunk as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
                let mut rng = Pcg64Mcg::seed_from_u64(seed ^ stream);
                let mut stack = Vec::new();
                (0..count)
                    .map(|_| self.walk(entry, &mut rng, &mut stack))
                    .collect()
            })
            .collect();
        Ok(chunks.into_iter().flatten().collect())
    }
}

/// The mean and quantiles of walked times.
pub fn summarise(mut times: Vec<f64>) -> EndToEnd {
    let mean = times.iter().sum::<f64>() / times.len().max(1) as f64;
    let [p50, p90, p95, p99, p999] = order_statistics(&mut times, [0.5, 0.9, 0.95, 0.99, 0.999]);
    EndToEnd {
        mean,
        p50,
        p90,
        p95,
        p99,
        p999,
    }
}

/// The mean and quantiles of a mixture of walked samples, each sample set
/// with its weight (an operation's share of the traffic).
pub fn summarise_mixture(samples: Vec<(f64, Vec<f64>)>) -> EndToEnd {
    let mut weighted: Vec<(f64, f64)> = Vec::new();
    for (weight, times) in &samples {
        let each = weight / times.len().max(1) as f64;
        weighted.extend(times.iter().map(|t| (*t, each)));
    }
    let total: f64 = weighted.iter().map(|(_, w)| w).sum();
    let mean = weighted.iter().map(|(t, w)| t * w).sum::<f64>() / total;
    weighted.sort_by(|a, b| a.0.total_cmp(&b.0));
    let quantile = |q: f64| {
        let mut seen = 0.0;
        for (t, w) in &weighted {
            seen += w;
            if seen >= q * total {
                return *t;
            }
        }
        weighted.last().map_or(0.0, |(t, _)| *t)
    };
    EndToEnd {
        mean,
        p50: quantile(0.5),
        p90: quantile(0.9),
        p95: quantile(0.95),
        p99: quantile(0.99),
        p999: quantile(0.999),
    }
}

/// The empirical quantiles of `times` (the smallest value with at least a
/// share q of the times at or below it), for increasing shares `q`: each
/// found by selection in what lies above the previous one, so no full sort.
fn order_statistics<const N: usize>(times: &mut [f64], shares: [f64; N]) -> [f64; N] {
    let count = times.len();
    let mut found = [f64::NAN; N];
    let mut rest = times;
    let mut below = 0;
    let mut previous = f64::NAN;
    for (value, share) in found.iter_mut().zip(shares) {
        let rank = ((share * count as f64).ceil() as usize).clamp(1, count);
        if rank > below {
            let (_, nth, above) = rest.select_nth_unstable_by(rank - 1 - below, f64::total_cmp);
            previous = *nth;
            rest = above;
            below = rank;
        }
        *value = previous;
    }
    found
}

/// A call made `per_request` times on average: floor(p) calls, and one
/// more with probability p - floor(p).
fn draw_count(rng: &mut Pcg64Mcg, per_request: f64) -> u32 {
    let whole = per_request.floor();
    let extra = rng.random::<f64>() < per_request - whole;
    whole as u32 + u32::from(extra)
}

/// A node being served in one walk.
struct Frame {
    node: NodeId,
    op: Op,
    total: f64,
    /// The step in progress; `usize::MAX` before the first.
    step: usize,
    repeats_left: u32,
    parallel: bool,
    /// The slowest branch of the parallel step in progress.
    slowest: f64,
}

impl Frame {
    fn new(node: NodeId, op: Op, own: f64) -> Frame {
        Frame {
            node,
            op,
            total: own,
            step: usize::MAX,
            repeats_left: 0,
            parallel: false,
            slowest: 0.0,
        }
    }

    /// Ends the step in progress: a parallel step adds its slowest branch.
    fn close_step(&mut self) {
        if self.parallel {
            self.total += self.slowest;
            self.slowest = 0.0;
            self.parallel = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_statistics_match_a_sort() {
        let mut times: Vec<f64> = (0..1000).map(|i| f64::from((i * 7919) % 1000)).collect();
        assert_eq!(
            order_statistics(&mut times, [0.5, 0.9, 0.99, 0.999, 1.0]),
            [499.0, 899.0, 989.0, 998.0, 999.0]
        );
        let mut one = vec![3.0];
        assert_eq!(order_statistics(&mut one, [0.5, 0.99]), [3.0, 3.0]);
        let mut two = vec![2.0, 1.0];
        assert_eq!(
            order_statistics(&mut two, [0.5, 0.9, 0.99]),
            [1.0, 2.0, 2.0]
        );
    }
}
