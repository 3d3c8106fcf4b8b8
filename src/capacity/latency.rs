//! End-to-end latency (capacity-model.md, section 5): the mean by formula,
//! and the quantiles by a seeded Monte Carlo walk of the call tree that is
//! bit-identical whatever the number of threads.

use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64Mcg;
use rayon::prelude::*;
use serde::Serialize;

use super::replicas::ReplicaModel;
use super::station::Response;
use crate::design::{CachePattern, CallMode, Design, Kind, Op};

/// The walks are split into this many chunks, each with its own random
/// stream: results do not depend on how rayon schedules them.
const CHUNKS: usize = 64;
/// Above this many stage visits in all, the walk is refused as too large.
const MAX_VISITS: f64 = 2e9;

/// End-to-end response time of a request entering at the clients, seconds.
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

/// One thing a component does while serving a request, in order.
#[derive(Clone, Debug)]
enum Step {
    /// A sync call to `target`, `per_request` times: one after another or,
    /// when `parallel`, all at once.
    Call {
        target: usize,
        op: Op,
        per_request: f64,
        parallel: bool,
    },
    /// Enqueues to a queue: only the queue's own time is added.
    Enqueue { queue: usize, per_request: f64 },
    /// A cache miss on reads, with probability `1 - hit_ratio`.
    Miss { backing: usize, hit_ratio: f64 },
    /// A write passed on by a write-through cache.
    WriteThrough { backing: usize },
}

fn steps_of(design: &Design, id: usize) -> Vec<Step> {
    let component = &design.components[id];
    let mut steps = Vec::new();
    for call in &component.calls {
        let target = call.to.value;
        match call.mode {
            CallMode::Sync => steps.push(Step::Call {
                target,
                op: call.op,
                per_request: call.per_request,
                parallel: call.parallel,
            }),
            CallMode::Async if design.components[target].kind() == Kind::Queue => {
                steps.push(Step::Enqueue {
                    queue: target,
                    per_request: call.per_request,
                })
            }
            CallMode::Async => {}
        }
    }
    if let Some(backing) = &component.backing {
        let hit_ratio = component.hit_ratio.as_ref().map_or(0.0, |h| h.value);
        steps.push(Step::Miss {
            backing: backing.value,
            hit_ratio,
        });
        if component.kind() == Kind::Cdn || component.cache_pattern() == CachePattern::WriteThrough
        {
            steps.push(Step::WriteThrough {
                backing: backing.value,
            });
        }
    }
    steps
}

/// Precomputed walk data for one design.
pub struct Walker<'a> {
    steps: Vec<Vec<Step>>,
    replicas: &'a [ReplicaModel],
    /// Each component's own mean response to a read and to a write.
    own_means: &'a [(f64, f64)],
    /// Entries and the share of requests that enter at each.
    entries: Vec<(usize, f64)>,
}

impl<'a> Walker<'a> {
    pub fn new(
        design: &Design,
        replicas: &'a [ReplicaModel],
        own_means: &'a [(f64, f64)],
        entry_rps: &[f64],
    ) -> Walker<'a> {
        let total: f64 = entry_rps.iter().sum();
        let entries = entry_rps
            .iter()
            .enumerate()
            .filter(|(_, rps)| **rps > 0.0)
            .map(|(id, rps)| (id, rps / total))
            .collect();
        Walker {
            steps: (0..design.components.len())
                .map(|id| steps_of(design, id))
                .collect(),
            replicas,
            own_means,
            entries,
        }
    }

    fn response(&self, id: usize, op: Op) -> &Response {
        match op {
            Op::Read => &self.replicas[id].read,
            Op::Write => &self.replicas[id].write,
        }
    }

    /// The mean end-to-end time by formula: each component's own mean, plus
    /// `per_request` times the mean of each sync call, plus the queue's time
    /// for each enqueue, plus `(1 - h)` times the backing's mean on misses.
    /// Parallel calls count as the slowest of their draws only in the walk;
    /// here they count at their sum, an upper bound.
    pub fn mean_by_formula(&self, order: &[usize]) -> f64 {
        let count = self.steps.len();
        let mut read_mean = vec![0.0; count];
        let mut write_mean = vec![0.0; count];
        // `order` lists callees before callers.
        for &id in order {
            // Calls and enqueues happen whatever the request does; misses
            // only on reads, write-through only on writes.
            let mut calls = 0.0;
            let mut on_reads = 0.0;
            let mut on_writes = 0.0;
            for step in &self.steps[id] {
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
            let (own_read, own_write) = self.own_means[id];
            read_mean[id] = own_read + calls + on_reads;
            write_mean[id] = own_write + calls + on_writes;
        }
        self.entries
            .iter()
            .map(|(id, share)| share * read_mean[*id])
            .sum()
    }

    /// One request's end-to-end time, walked with an explicit stack so that
    /// a deep design cannot overflow the thread's stack.
    /// `stack` is only scratch space, kept between walks to spare an
    /// allocation per walk.
    fn walk(&self, rng: &mut Pcg64Mcg, stack: &mut Vec<Frame>) -> f64 {
        let entry = self.pick_entry(rng);
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
                let (target, op) = match self.steps[frame.component][frame.step] {
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
            if let Some(step) = self.steps[frame.component].get(frame.step) {
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

    fn pick_entry(&self, rng: &mut Pcg64Mcg) -> usize {
        let mut pick = rng.random::<f64>();
        for (id, share) in &self.entries {
            if pick < *share {
                return *id;
            }
            pick -= share;
        }
        self.entries.last().map_or(0, |(id, _)| *id)
    }

    /// `walks` seeded walks; the quantiles of their times and their mean.
    pub fn quantiles(
        &self,
        walks: usize,
        seed: u64,
        visits_per_walk: f64,
    ) -> Result<EndToEnd, NoLatency> {
        if self.entries.is_empty() {
            return Err(NoLatency::NoLoad);
        }
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
                    .map(|_| self.walk(&mut rng, &mut stack))
                    .collect()
            })
            .collect();
        let mut times: Vec<f64> = chunks.into_iter().flatten().collect();
        let mean = times.iter().sum::<f64>() / times.len() as f64;
        let [p50, p90, p95, p99, p999] =
            order_statistics(&mut times, [0.5, 0.9, 0.95, 0.99, 0.999]);
        Ok(EndToEnd {
            mean,
            p50,
            p90,
            p95,
            p99,
            p999,
        })
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

/// A component being served in one walk.
struct Frame {
    component: usize,
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
    fn new(component: usize, op: Op, own: f64) -> Frame {
        Frame {
            component,
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
