//! One replication: a discrete-event simulation of the plan, with one
//! seeded random stream. Events sit in a [`Calendar`] as the time and one
//! `u64` of kind and ids packed, so the calendar never allocates per event
//! and ties break the same way on every run. Requests are trees of
//! tasks (one per component visited) kept in a slab with a free list;
//! chained completions go through a work list rather than recursion, so a
//! deep design cannot overflow the stack.

use std::collections::VecDeque;
use std::sync::atomic::Ordering;

use rand::distr::Distribution;
use rand::{RngExt, SeedableRng};
use rand_distr::{Exp1, Gamma, StandardNormal};
use rand_pcg::Pcg64Mcg;

use super::calendar::Calendar;
use super::plan::{Entry, NONE, Placement, Plan, Step, Store};
use super::stats::{BucketTally, Tally};
use super::{Arrivals, Options, Progress, ServiceTime};
use crate::design::{Op, ServiceShape};

/// Tasks (component visits) one replication holds at most. Beyond it the
/// design is taken to be overwhelmed: new requests fail at once instead of
/// filling memory.
pub const MAX_TASKS: usize = 1 << 20;
/// The first wait of an exponential backoff with full jitter: retry `n`
/// waits a uniform time in `[0, BACKOFF_BASE * 2^(n-1))`.
pub const BACKOFF_BASE: f64 = 0.01;

/// Simulated seconds between progress reports.
const REPORT_EVERY: f64 = 0.25;

/// Marks a node queue entry that is a copy job rather than a task.
const COPY: u32 = 1 << 31;

// Event kinds, in the top four bits of an event's data.
const ARRIVAL: u64 = 0;
const COMPLETE: u64 = 1;
const TIMER: u64 = 2;
const START: u64 = 3;
const TRANSITION: u64 = 4;
const BOUNDARY: u64 = 5;
/// A closed population's user has thought: it sends its next request.
const THOUGHT: u64 = 6;

fn pack(kind: u64, epoch: u32, id: u32) -> u64 {
    (kind << 60) | (u64::from(epoch & 0x0FFF_FFFF) << 32) | u64::from(id)
}

fn unpack(data: u64) -> (u64, u32, u32) {
    (data >> 60, ((data >> 32) & 0x0FFF_FFFF) as u32, data as u32)
}

// Task flags.
/// The task is a request entering at an entry: its end is recorded.
const ROOT: u8 = 1;
/// A branch of the current step failed with no fallback.
const FAILED: u8 = 2;
/// A store task waiting for its copies.
const SERVING: u8 = 4;
/// The task holds a server of `node` (`--blocking`).
const HOLDS: u8 = 8;

/// One request's visit to one component.
#[derive(Clone, Copy, Debug)]
struct Task {
    /// When the visit (this attempt) arrived at the component.
    arrival: f64,
    /// The way node it serves: its component and its operation's steps.
    way: u32,
    /// The caller waiting for this task; NONE for async work and calls
    /// abandoned at their timeout. A root (flag ROOT) has no caller and
    /// keeps the index of its operation here instead.
    parent: u32,
    /// Bumped whenever the slot is freed: events naming an older epoch are
    /// stale.
    epoch: u32,
    /// The step in progress (`NONE` before the first).
    step: u32,
    /// Sequential calls of the current step still to make.
    repeats_left: u32,
    /// Children (or, while SERVING, counted copies) not yet answered.
    outstanding: u32,
    /// Copies still needed while SERVING.
    needed: u32,
    /// The replica serving the task.
    node: u32,
    /// Which attempt of the caller's call this is (0 for the first).
    attempt: u16,
    op: Op,
    flags: u8,
}

/// A store's copy of a request on one of its nodes.
#[derive(Clone, Copy, Debug)]
struct CopyJob {
    arrival: f64,
    task: u32,
    epoch: u32,
    node: u32,
    /// Whether the task waits for this copy.
    counts: bool,
}

/// One replica: `servers` FCFS servers and a queue.
#[derive(Clone, Debug)]
struct Node {
    component: u32,
    servers: u32,
    busy: u32,
    /// Failures holding it down: it is up at zero.
    down: u32,
    queue: VecDeque<u32>,
    /// Whether it is in its component's pool of replicas with a free server.
    pooled: bool,
    /// When the integrals below were last brought up to date.
    last: f64,
    busy_area: f64,
    present_area: f64,
    up_time: f64,
}

/// Work that follows from an event, done before the next event.
#[derive(Clone, Copy, Debug)]
enum Action {
    /// A task (a new attempt) arrives at its component.
    Arrive(u32),
    /// A task is dispatched again (its replica failed while it waited).
    Redispatch(u32),
    /// A child of `parent` finished, or was abandoned.
    ChildDone { parent: u32, attempt: u16, ok: bool },
}

/// What one replication measured.
pub struct Replication {
    /// One tally per unit: the whole run, or its batches.
    pub tallies: Vec<Tally>,
    pub series: Vec<BucketTally>,
}

pub struct Engine<'a> {
    plan: &'a Plan,
    options: &'a Options,
    rng: Pcg64Mcg,
    now: f64,
    calendar: Calendar,
    tasks: Vec<Task>,
    free_tasks: Vec<u32>,
    copies: Vec<CopyJob>,
    free_copies: Vec<u32>,
    nodes: Vec<Node>,
    /// Live nodes of each component, in order.
    live: Vec<Vec<u32>>,
    /// Of each component that pulls from its queue (`ComponentPlan::pulls`):
    /// the messages waiting for a server, and its replicas that had a free
    /// server when last seen (checked again when taken).
    lines: Vec<VecDeque<u32>>,
    free: Vec<Vec<u32>>,
    actions: Vec<Action>,
    /// Each timed call's pending timeouts: deadline, task and its epoch.
    timers: Vec<VecDeque<(f64, u32, u32)>>,
    /// A reusable list of a store request's live copies.
    scratch: Vec<u32>,
    /// The lognormal service time's sigma, or zero.
    sigma: f64,
    measuring: bool,
    tallies: Vec<Tally>,
    current: usize,
    series: Vec<BucketTally>,
    /// Visits waiting in node queues.
    waiting: u64,
    /// Requests in the system.
    in_flight: u64,
    end: f64,
    /// The end of the next series bucket.
    next_sample: f64,
    sampled: usize,
    progress: &'a Progress,
    /// Simulated milliseconds already reported to `progress`.
    reported_ms: u64,
    /// When to report progress next.
    next_report: f64,
    /// Component visits this replication may still simulate (its share of
    /// `Options::visit_limit`).
    visits_left: u64,
}

impl<'a> Engine<'a> {
    pub fn new(plan: &'a Plan, options: &'a Options, seed: u64, progress: &'a Progress) -> Self {
        let nodes: Vec<Node> = plan
            .node_component
            .iter()
            .map(|&component| Node {
                component,
                servers: plan.components[component as usize].servers,
                busy: 0,
                down: 0,
                queue: VecDeque::new(),
                pooled: false,
                last: 0.0,
                busy_area: 0.0,
                present_area: 0.0,
                up_time: 0.0,
            })
            .collect();
        let live = plan
            .components
            .iter()
            .map(|c| (c.first_node..c.first_node + c.nodes).collect())
            .collect();
        let batches = options.batches();
        let length = options.duration / batches as f64;
        let buckets = options.duration.ceil().max(1.0) as usize;
        let sigma = match options.service {
            ServiceTime::LogNormal { cv } => (1.0 + cv * cv).ln().sqrt(),
            _ => 0.0,
        };
        Engine {
            plan,
            options,
            rng: Pcg64Mcg::seed_from_u64(seed),
            now: 0.0,
            calendar: Calendar::with_capacity(1024),
            tasks: Vec::with_capacity(1024),
            free_tasks: Vec::new(),
            copies: Vec::new(),
            free_copies: Vec::new(),
            live,
            lines: vec![VecDeque::new(); plan.components.len()],
            free: plan
                .components
                .iter()
                .map(|c| Vec::with_capacity(if c.pulls { c.nodes as usize } else { 0 }))
                .collect(),
            actions: Vec::with_capacity(64),
            scratch: Vec::new(),
            timers: vec![VecDeque::new(); plan.timers],
            sigma,
            measuring: false,
            tallies: (0..batches)
                .map(|_| {
                    Tally::new(
                        length,
                        plan.operations.len(),
                        plan.components.len(),
                        nodes.len(),
                    )
                })
                .collect(),
            nodes,
            current: 0,
            series: vec![BucketTally::default(); buckets],
            waiting: 0,
            in_flight: 0,
            end: options.warmup + options.duration,
            next_sample: (options.warmup + 1.0).min(options.warmup + options.duration),
            sampled: 0,
            progress,
            reported_ms: 0,
            next_report: REPORT_EVERY,
            visits_left: options.visit_limit.map_or(u64::MAX, |limit| {
                limit.div_ceil(u64::from(options.replications.max(1)))
            }),
        }
    }

    fn schedule(&mut self, time: f64, data: u64) {
        self.calendar.push(time, data);
    }

    pub fn run(mut self) -> Replication {
        for component in 0..self.plan.components.len() {
            let plan = &self.plan.components[component];
            if plan.pulls {
                for node in (plan.first_node..plan.first_node + plan.nodes).rev() {
                    self.offer(node);
                }
            }
        }
        for index in 0..self.plan.entries.len() {
            let entry = self.plan.entries[index];
            if self.plan.population_of[entry.operation as usize].is_some() {
                continue;
            }
            let first = self.interarrival(&entry);
            self.schedule(first, pack(ARRIVAL, 0, index as u32));
        }
        for population in 0..self.plan.populations.len() {
            for _ in 0..self.plan.populations[population].users {
                self.think(population as u32);
            }
        }
        for (index, transition) in self.plan.transitions.iter().enumerate() {
            if transition.time < self.end {
                self.calendar
                    .push(transition.time, pack(TRANSITION, 0, index as u32));
            }
        }
        let batches = self.tallies.len();
        for batch in 0..batches {
            let time = self.options.warmup + self.options.duration * batch as f64 / batches as f64;
            self.schedule(time, pack(BOUNDARY, 0, batch as u32));
        }
        while let Some((time, data)) = self.calendar.pop() {
            if time >= self.end {
                break;
            }
            if time >= self.next_sample {
                self.sample_until(time);
            }
            if time >= self.next_report {
                self.report_progress(time);
                self.next_report = time + REPORT_EVERY;
            }
            self.now = time;
            let (kind, epoch, id) = unpack(data);
            match kind {
                ARRIVAL => self.arrival(id as usize),
                COMPLETE => self.complete(id),
                TIMER => self.timer_fired(id),
                START => {
                    if self.tasks[id as usize].epoch & 0x0FFF_FFFF == epoch {
                        self.start_attempt(id);
                    }
                }
                TRANSITION => self.transition(id as usize),
                THOUGHT => self.thought(id),
                _ => self.boundary(id as usize),
            }
            self.drain();
        }
        self.sample_until(self.end);
        self.now = self.end;
        self.flush_nodes(true);
        self.report_progress(self.end);
        for tally in &mut self.tallies {
            for operation in &tally.operations {
                tally.end_to_end.merge(&operation.end_to_end);
            }
        }
        Replication {
            tallies: self.tallies,
            series: self.series,
        }
    }

    fn report_progress(&mut self, time: f64) {
        let ms = (time * 1000.0) as u64;
        if ms > self.reported_ms {
            self.progress
                .simulated_ms
                .fetch_add(ms - self.reported_ms, Ordering::Relaxed);
            self.reported_ms = ms;
        }
    }

    /// Records the backlog at the end of each series bucket before `time`.
    fn sample_until(&mut self, time: f64) {
        while self.next_sample <= time && self.sampled < self.series.len() {
            let bucket = &mut self.series[self.sampled];
            bucket.backlog = self.waiting;
            bucket.in_flight = self.in_flight;
            self.sampled += 1;
            self.report_progress(self.next_sample);
            self.next_sample = (self.next_sample + 1.0).min(self.end);
        }
    }

    fn interarrival(&mut self, entry: &Entry) -> f64 {
        let rate = entry.rate;
        match self.options.arrivals {
            Arrivals::Poisson => self.exp1() / rate,
            Arrivals::Constant => 1.0 / rate,
            Arrivals::Bursty => {
                // SCV 4: (1 + sqrt(3/5)) / 2.
                const P: f64 = 0.887_298_334_620_741_7;
                self.hyperexponential_gap(rate, P)
            }
            Arrivals::Designed => self.gap_of_scv(rate, entry.burstiness),
        }
    }

    /// A gap between arrivals at `rate` whose squared coefficient of
    /// variation is `scv`: exponential at 1; above 1 a balanced two-phase
    /// hyperexponential (Whitt, "Approximating a point process by a
    /// renewal process", 1982: phase i has probability
    /// `p_i = (1 +- sqrt((scv - 1) / (scv + 1))) / 2` and rate
    /// `2 p_i lambda`, so the mean stays 1/lambda); below 1 a gamma of
    /// shape 1/scv.
    fn gap_of_scv(&mut self, rate: f64, scv: f64) -> f64 {
        if scv == 1.0 {
            return self.exp1() / rate;
        }
        if scv > 1.0 {
            let high = 0.5 * (1.0 + ((scv - 1.0) / (scv + 1.0)).sqrt());
            return self.hyperexponential_gap(rate, high);
        }
        let gamma = Gamma::new(1.0 / scv, scv / rate).expect("a positive shape and scale");
        gamma.sample(&mut self.rng)
    }

    /// A balanced two-phase hyperexponential gap whose likelier phase has
    /// probability `high`.
    fn hyperexponential_gap(&mut self, rate: f64, high: f64) -> f64 {
        let p = if self.rng.random::<f64>() < high {
            high
        } else {
            1.0 - high
        };
        self.exp1() / (2.0 * p * rate)
    }

    fn exp1(&mut self) -> f64 {
        Exp1.sample(&mut self.rng)
    }

    fn service_time(&mut self, component: u32) -> f64 {
        let mean = self.plan.components[component as usize].mean_service;
        match self.options.service {
            ServiceTime::Exponential => mean * self.exp1(),
            ServiceTime::Deterministic => mean,
            ServiceTime::LogNormal { .. } => self.lognormal(mean, self.sigma),
            ServiceTime::Designed => match self.plan.components[component as usize].shape {
                ServiceShape::Exponential => mean * self.exp1(),
                ServiceShape::Lognormal { sigma } => self.lognormal(mean, sigma),
            },
        }
    }

    /// A lognormal time of mean `mean` whose logarithm has deviation `sigma`.
    fn lognormal(&mut self, mean: f64, sigma: f64) -> f64 {
        let normal: f64 = StandardNormal.sample(&mut self.rng);
        mean * (sigma * normal - 0.5 * sigma * sigma).exp()
    }

    fn tally(&mut self) -> &mut Tally {
        &mut self.tallies[self.current]
    }

    // --- tasks -----------------------------------------------------------

    fn alloc_task(&mut self, way: u32, parent: u32, op: Op, attempt: u16) -> Option<u32> {
        let task = Task {
            arrival: self.now,
            way,
            parent,
            epoch: 0,
            step: NONE,
            repeats_left: 0,
            outstanding: 0,
            needed: 0,
            node: NONE,
            attempt,
            op,
            flags: 0,
        };
        if let Some(slot) = self.free_tasks.pop() {
            let epoch = self.tasks[slot as usize].epoch;
            self.tasks[slot as usize] = Task { epoch, ..task };
            Some(slot)
        } else if self.tasks.len() < MAX_TASKS {
            self.tasks.push(task);
            Some(self.tasks.len() as u32 - 1)
        } else {
            None
        }
    }

    /// The component a task visits.
    fn component_of(&self, slot: u32) -> usize {
        self.plan.ways[self.tasks[slot as usize].way as usize].component as usize
    }

    fn free_task(&mut self, slot: u32) {
        let task = &mut self.tasks[slot as usize];
        task.epoch = task.epoch.wrapping_add(1);
        self.free_tasks.push(slot);
    }

    fn arrival(&mut self, entry: usize) {
        let next = self.now + self.interarrival(&self.plan.entries[entry]);
        self.schedule(next, pack(ARRIVAL, 0, entry as u32));
        self.admit(entry);
    }

    /// One user of a closed population starts thinking; its next request
    /// comes after an exponential time of the population's mean.
    fn think(&mut self, population: u32) {
        // With the run's budget spent the user leaves, so that users whose
        // requests are refused at once cannot loop without end.
        if self.visits_left == 0 {
            return;
        }
        let mean = self.plan.populations[population as usize].think_time;
        let next = self.now + self.exp1() * mean;
        self.schedule(next, pack(THOUGHT, 0, population));
    }

    /// A user of a closed population sends a request: of one of its
    /// operations, drawn by their shares.
    fn thought(&mut self, population: u32) {
        // Each request counts against the budget, even one that fails
        // before it visits anything.
        self.visits_left = self.visits_left.saturating_sub(1);
        let draw = self.rng.random::<f64>();
        let entries = &self.plan.populations[population as usize].entries;
        let entry = entries
            .iter()
            .find(|(_, cumulative)| draw < *cumulative)
            .or(entries.last())
            .map(|(entry, _)| *entry as usize);
        if let Some(entry) = entry {
            self.admit(entry);
        }
    }

    /// A request enters at `entry`.
    fn admit(&mut self, entry: usize) {
        let Entry { way, operation, .. } = self.plan.entries[entry];
        if self.measuring {
            let tally = self.tally();
            tally.customers += 1;
            tally.operations[operation as usize].customers += 1;
        }
        if self.visits_left == 0 {
            // The budget is spent: what is already in the system finishes,
            // nothing new starts, so the run ends in bounded time.
            if self.measuring {
                let component = self.plan.ways[way as usize].component;
                let tally = self.tally();
                tally.over_budget += 1;
                tally.components[component as usize].errors += 1;
            }
            self.record_request(operation, self.now, false);
            return;
        }
        match self.alloc_task(way, NONE, Op::Read, 0) {
            Some(task) => {
                let root = &mut self.tasks[task as usize];
                root.flags = ROOT;
                root.parent = operation;
                self.in_flight += 1;
                self.actions.push(Action::Arrive(task));
            }
            None => {
                if self.measuring {
                    let component = self.plan.ways[way as usize].component;
                    let tally = self.tally();
                    tally.dropped += 1;
                    tally.components[component as usize].errors += 1;
                }
                self.record_request(operation, self.now, false);
            }
        }
    }

    fn drain(&mut self) {
        while let Some(action) = self.actions.pop() {
            match action {
                Action::Arrive(task) => {
                    self.tasks[task as usize].arrival = self.now;
                    self.dispatch(task);
                }
                Action::Redispatch(task) => self.dispatch(task),
                Action::ChildDone {
                    parent,
                    attempt,
                    ok,
                } => self.child_done(parent, attempt, ok),
            }
        }
    }

    /// Sends a task to a replica of its component (or fails it when none
    /// is up); a component with no service model takes no time.
    fn dispatch(&mut self, task: u32) {
        let component = self.component_of(task);
        let plan = &self.plan.components[component];
        if plan.pulls {
            return self.pull_or_wait(component, task);
        }
        let live = self.live[component].len();
        if live == 0 {
            return self.finish(task, false);
        }
        if !plan.station {
            return self.service_done(task);
        }
        let serving = plan
            .partition_cap
            .map_or(live, |cap| live.min(cap as usize));
        let node = match plan.placement {
            Placement::Spread => {
                let pick = if serving == 1 {
                    0
                } else {
                    self.rng.random_range(0..serving)
                };
                self.live[component][pick]
            }
            Placement::Sharded {
                shards,
                hot_key_share,
            } => {
                let shard = self.shard(shards, hot_key_share) as usize;
                self.live[component][shard % serving]
            }
            Placement::Store(store) => return self.dispatch_copies(task, store),
        };
        self.tasks[task as usize].node = node;
        self.enter(node, task);
    }

    /// A message for a consumer that pulls: a replica with a free server
    /// takes it, or it waits in the queue's line (also while
    /// every replica is down).
    fn pull_or_wait(&mut self, component: usize, task: u32) {
        self.count_visit(component);
        while !self.free[component].is_empty() {
            // Any replica with a free server, chosen at random, so that the
            // messages spread over the replicas as consumers that poll
            // spread them.
            let free = &mut self.free[component];
            let pick = if free.len() == 1 {
                0
            } else {
                self.rng.random_range(0..free.len())
            };
            let node = free.swap_remove(pick);
            let state = &mut self.nodes[node as usize];
            state.pooled = false;
            if state.down == 0 && state.busy < state.servers {
                self.tasks[task as usize].node = node;
                self.serve(node, task);
                self.offer(node);
                return;
            }
        }
        self.lines[component].push_back(task);
        self.waiting += 1;
    }

    /// A replica of a consumer that pulls has a free server: it takes the
    /// messages waiting in the line, and joins the pool while it still has
    /// a free server.
    fn offer(&mut self, node: u32) {
        let component = self.nodes[node as usize].component as usize;
        loop {
            let state = &self.nodes[node as usize];
            if state.down != 0 || state.busy >= state.servers {
                return;
            }
            let Some(task) = self.lines[component].pop_front() else {
                break;
            };
            self.waiting -= 1;
            self.tasks[task as usize].node = node;
            self.serve(node, task);
        }
        let state = &mut self.nodes[node as usize];
        if !state.pooled {
            state.pooled = true;
            self.free[component].push(node);
        }
    }

    /// A server of `node` starts on `entry`.
    fn serve(&mut self, node: u32, entry: u32) {
        self.touch(node);
        let state = &mut self.nodes[node as usize];
        state.busy += 1;
        let component = state.component;
        let done = self.now + self.service_time(component);
        self.schedule(done, pack(COMPLETE, 0, entry));
    }

    /// A shard: the hot one (0) with probability `hot_key_share`, else any.
    fn shard(&mut self, shards: u32, hot_key_share: f64) -> u32 {
        let hot = hot_key_share > 0.0 && self.rng.random::<f64>() < hot_key_share;
        if hot || shards <= 1 {
            0
        } else {
            self.rng.random_range(0..shards)
        }
    }

    /// A store request: a write goes to every live copy of its shard and
    /// waits for the primary (one copy needed) or for the `write_needed`-th
    /// to answer; a read asks `read_needed` copies (the primary first, or
    /// from a random copy on) and waits for all of them.
    fn dispatch_copies(&mut self, task: u32, store: Store) {
        let component = self.component_of(task);
        let first = self.plan.components[component].first_node;
        let nodes = self.plan.components[component].nodes;
        let shard = self.shard(store.shards, store.hot_key_share);
        let mut live_copies = std::mem::take(&mut self.scratch);
        live_copies.clear();
        live_copies.extend(
            (0..store.factor)
                .map(|copy| {
                    let placed = (u64::from(shard) * u64::from(store.factor) + u64::from(copy))
                        % u64::from(nodes);
                    first + placed as u32
                })
                .filter(|&node| self.nodes[node as usize].down == 0),
        );
        let live_count = live_copies.len();
        let op = self.tasks[task as usize].op;
        let (needed, asked, offset, counted) = match op {
            Op::Write => {
                let needed = store.write_needed as usize;
                // One copy needed: the primary's answer; the rest apply
                // the write in the background.
                let counted = if needed == 1 { 1 } else { live_count };
                (needed, live_count, 0, counted)
            }
            Op::Read => {
                let needed = store.read_needed as usize;
                let offset = if store.read_from_primary || live_count <= 1 {
                    0
                } else {
                    self.rng.random_range(0..live_count)
                };
                (needed, needed, offset, needed)
            }
        };
        if live_count < needed {
            self.scratch = live_copies;
            return self.finish(task, false);
        }
        let epoch = self.tasks[task as usize].epoch;
        let mut sent = 0u32;
        for index in 0..asked {
            let node = live_copies[(offset + index) % live_count];
            let counts = index < counted;
            let job = CopyJob {
                arrival: self.now,
                task,
                epoch,
                node,
                counts,
            };
            let slot = if let Some(slot) = self.free_copies.pop() {
                self.copies[slot as usize] = job;
                slot
            } else if self.copies.len() < MAX_TASKS {
                self.copies.push(job);
                self.copies.len() as u32 - 1
            } else {
                continue;
            };
            if counts {
                sent += 1;
            }
            self.enter(node, slot | COPY);
        }
        self.scratch = live_copies;
        let task_ref = &mut self.tasks[task as usize];
        task_ref.flags |= SERVING;
        task_ref.outstanding = sent;
        task_ref.needed = needed as u32;
        if (sent as usize) < needed {
            task_ref.flags &= !SERVING;
            self.finish(task, false);
        }
    }

    /// Brings a node's time integrals up to now.
    fn touch(&mut self, node: u32) {
        let now = self.now;
        let node = &mut self.nodes[node as usize];
        let elapsed = now - node.last;
        if elapsed > 0.0 {
            node.busy_area += f64::from(node.busy) * elapsed;
            node.present_area += (node.busy as usize + node.queue.len()) as f64 * elapsed;
            // A failed replica still finishes the visits it was serving:
            // while it does, it counts as up, so that its busy time never
            // exceeds its servers' time.
            if node.down == 0 || node.busy > 0 {
                node.up_time += elapsed;
            }
            node.last = now;
        }
    }

    /// A visit (task or copy) arrives at a node: served at once by a free
    /// server, or queued.
    fn enter(&mut self, node: u32, entry: u32) {
        self.touch(node);
        self.count_visit(self.nodes[node as usize].component as usize);
        let state = &mut self.nodes[node as usize];
        if state.busy < state.servers {
            self.serve(node, entry);
        } else {
            state.queue.push_back(entry);
            self.waiting += 1;
        }
    }

    /// A visit of `component` begins: it counts against the run's budget,
    /// and in the tally while measuring.
    fn count_visit(&mut self, component: usize) {
        self.visits_left = self.visits_left.saturating_sub(1);
        if self.measuring {
            self.tallies[self.current].components[component].visits += 1;
        }
    }

    /// A server of `node` is free: it takes the next visit in the queue.
    fn release(&mut self, node: u32, arrival: f64) {
        self.touch(node);
        if self.measuring {
            let component = self.nodes[node as usize].component as usize;
            let sojourn = self.now - arrival;
            self.tallies[self.current].components[component]
                .sojourn
                .add(sojourn);
        }
        let state = &mut self.nodes[node as usize];
        state.busy -= 1;
        if self.plan.components[state.component as usize].pulls {
            return self.offer(node);
        }
        if state.down == 0
            && let Some(next) = state.queue.pop_front()
        {
            self.waiting -= 1;
            self.serve(node, next);
        }
    }

    fn complete(&mut self, entry: u32) {
        if entry & COPY != 0 {
            let slot = entry & !COPY;
            let job = self.copies[slot as usize];
            self.free_copies.push(slot);
            self.release(job.node, job.arrival);
            if job.counts {
                self.copy_answered(job, true);
            }
            return;
        }
        let task = &mut self.tasks[entry as usize];
        let (node, arrival) = (task.node, task.arrival);
        let component = self.plan.ways[task.way as usize].component as usize;
        if self.options.blocking && self.plan.components[component].holds_for_calls {
            // Thread per request: the server stays with the task until its
            // calls are done.
            task.flags |= HOLDS;
        } else {
            self.release(node, arrival);
        }
        self.service_done(entry);
    }

    /// A counted copy answered (or was lost with its node).
    fn copy_answered(&mut self, job: CopyJob, ok: bool) {
        let task = &mut self.tasks[job.task as usize];
        if task.epoch != job.epoch || task.flags & SERVING == 0 {
            return;
        }
        task.outstanding -= 1;
        if ok {
            task.needed -= 1;
            if task.needed == 0 {
                task.flags &= !SERVING;
                self.service_done(job.task);
            }
        } else if task.outstanding < task.needed {
            task.flags &= !SERVING;
            self.finish(job.task, false);
        }
    }

    /// The component's own work is done: record its response and go on
    /// to the steps.
    fn service_done(&mut self, slot: u32) {
        let task = self.tasks[slot as usize];
        let component = self.component_of(slot);
        if self.measuring && self.plan.components[component].station {
            let response = self.now - task.arrival;
            let tally = &mut self.tallies[self.current].components[component];
            tally.response.record(response);
            tally.response_sum.add(response);
        }
        let task = &mut self.tasks[slot as usize];
        task.outstanding = 0;
        task.step = NONE;
        self.next_step(slot);
    }

    /// Runs the task's steps from the one after the current, until one has
    /// to be waited for or none is left.
    fn next_step(&mut self, slot: u32) {
        let way = self.tasks[slot as usize].way as usize;
        let op = self.tasks[slot as usize].op;
        loop {
            let index = self.tasks[slot as usize].step.wrapping_add(1);
            self.tasks[slot as usize].step = index;
            let Some(&step) = self.plan.ways[way].steps.get(index as usize) else {
                return self.finish(slot, true);
            };
            match step {
                Step::Call {
                    target,
                    op: call_op,
                    per_request,
                    parallel,
                    ..
                } => {
                    let count = self.draw_count(per_request);
                    if count == 0 {
                        continue;
                    }
                    let task = &mut self.tasks[slot as usize];
                    if parallel {
                        task.outstanding = count;
                        task.repeats_left = 0;
                        for started in 0..count {
                            if !self.spawn_child(slot, target, call_op, 0) {
                                // No room for more tasks: the branches not
                                // started fail as one.
                                self.tasks[slot as usize].outstanding -= count - started - 1;
                                break;
                            }
                        }
                    } else {
                        task.outstanding = 1;
                        task.repeats_left = count - 1;
                        self.spawn_child(slot, target, call_op, 0);
                    }
                    return;
                }
                Step::Miss { backing, hit_ratio } => {
                    if op == Op::Read && self.rng.random::<f64>() >= hit_ratio {
                        self.tasks[slot as usize].outstanding = 1;
                        self.spawn_child(slot, backing, Op::Read, 0);
                        return;
                    }
                }
                Step::WriteThrough { backing } => {
                    if op == Op::Write {
                        self.tasks[slot as usize].outstanding = 1;
                        self.spawn_child(slot, backing, Op::Write, 0);
                        return;
                    }
                }
                Step::Send {
                    target,
                    op: call_op,
                    per_request,
                } => {
                    for _ in 0..self.draw_count(per_request) {
                        self.spawn_detached(target, call_op);
                    }
                }
                Step::WriteBehind { backing } => {
                    if op == Op::Write {
                        self.spawn_detached(backing, Op::Write);
                    }
                }
                Step::Forward { consumer } => self.spawn_detached(consumer, op),
            }
        }
    }

    /// A call made `per_request` times on average: floor(p) calls, and one
    /// more with probability p - floor(p) (capacity-model.md, section 5).
    fn draw_count(&mut self, per_request: f64) -> u32 {
        // Truncation is the floor of a positive number, and cheaper.
        let whole = per_request as u32 as f64;
        let fraction = per_request - whole;
        let extra = fraction > 0.0 && self.rng.random::<f64>() < fraction;
        whole as u32 + u32::from(extra)
    }

    fn spawn_detached(&mut self, target: u32, op: Op) {
        match self.alloc_task(target, NONE, op, 0) {
            Some(task) => self.actions.push(Action::Arrive(task)),
            None => {
                if self.measuring {
                    self.tally().components[target as usize].errors += 1;
                }
            }
        }
    }

    /// The timeout (and its timer) and backoff of the parent's current step.
    fn call_settings(&self, parent: u32) -> (f64, u32, bool) {
        let task = &self.tasks[parent as usize];
        match self.plan.ways[task.way as usize].steps[task.step as usize] {
            Step::Call {
                timeout,
                timer,
                backoff,
                ..
            } => (timeout, timer, backoff),
            _ => (f64::INFINITY, NONE, false),
        }
    }

    /// Starts an attempt of the parent's current call: at once, or after a
    /// backoff when it is a retry of a call that declares one.
    /// Returns false when there was no room for the attempt (it then
    /// counts as failed).
    fn spawn_child(&mut self, parent: u32, target: u32, op: Op, attempt: u16) -> bool {
        let Some(child) = self.alloc_task(target, parent, op, attempt) else {
            self.actions.push(Action::ChildDone {
                parent,
                attempt,
                ok: false,
            });
            return false;
        };
        if attempt > 0 && self.call_settings(parent).2 {
            let ceiling = BACKOFF_BASE * 2f64.powi(i32::from(attempt) - 1);
            let wait = self.rng.random::<f64>() * ceiling;
            let epoch = self.tasks[child as usize].epoch;
            self.schedule(self.now + wait, pack(START, epoch, child));
        } else {
            self.start_attempt(child);
        }
        true
    }

    fn start_attempt(&mut self, child: u32) {
        let parent = self.tasks[child as usize].parent;
        if parent != NONE {
            let (timeout, timer, _) = self.call_settings(parent);
            if timer != NONE {
                let epoch = self.tasks[child as usize].epoch;
                self.arm(timer, self.now + timeout, child, epoch);
            }
        }
        self.actions.push(Action::Arrive(child));
    }

    /// Queues a timeout. One call's timeouts all last as long, so they fall
    /// due in the order they were set: each call keeps them in a FIFO and
    /// only the FIFO's first is on the calendar, which stays small however
    /// many calls are pending.
    fn arm(&mut self, timer: u32, deadline: f64, child: u32, epoch: u32) {
        let queue = &mut self.timers[timer as usize];
        queue.push_back((deadline, child, epoch));
        if queue.len() == 1 {
            self.schedule(deadline, pack(TIMER, 0, timer));
        }
    }

    /// Whether a pending timeout no longer matters: the attempt finished
    /// (its slot was freed) or was already given up on.
    fn settled(&self, child: u32, epoch: u32) -> bool {
        let task = &self.tasks[child as usize];
        task.epoch != epoch || task.parent == NONE
    }

    /// The first timeout of a call's FIFO is due: fire every one that is,
    /// drop the settled ones, and put the next live one on the calendar.
    fn timer_fired(&mut self, timer: u32) {
        while let Some(&(deadline, child, epoch)) = self.timers[timer as usize].front() {
            if self.settled(child, epoch) {
                self.timers[timer as usize].pop_front();
            } else if deadline <= self.now {
                self.timers[timer as usize].pop_front();
                self.timeout(child);
            } else {
                self.schedule(deadline, pack(TIMER, 0, timer));
                return;
            }
        }
    }

    /// A call's timeout: the caller gives up on the attempt (the callee goes
    /// on working, unaware).
    fn timeout(&mut self, child: u32) {
        let task = &mut self.tasks[child as usize];
        let parent = task.parent;
        let attempt = task.attempt;
        let component = self.plan.ways[task.way as usize].component as usize;
        task.parent = NONE;
        if self.measuring {
            self.tally().components[component].timeouts += 1;
        }
        self.actions.push(Action::ChildDone {
            parent,
            attempt,
            ok: false,
        });
    }

    fn child_done(&mut self, parent: u32, attempt: u16, ok: bool) {
        let task = self.tasks[parent as usize];
        let step = self.plan.ways[task.way as usize].steps[task.step as usize];
        let mut ok = ok;
        if !ok {
            if let Step::Call {
                target,
                op,
                retries,
                fallback,
                ..
            } = step
            {
                if attempt < retries {
                    self.spawn_child(parent, target, op, attempt + 1);
                    return;
                }
                // The caller answers without the callee.
                ok = fallback;
            }
            if !ok {
                self.tasks[parent as usize].flags |= FAILED;
            }
        }
        let task = &mut self.tasks[parent as usize];
        task.outstanding -= 1;
        if task.outstanding > 0 {
            return;
        }
        if task.flags & FAILED != 0 {
            return self.finish(parent, false);
        }
        if task.repeats_left > 0 {
            task.repeats_left -= 1;
            task.outstanding = 1;
            let (target, op) = match step {
                Step::Call { target, op, .. } => (target, op),
                Step::Miss { backing, .. } => (backing, Op::Read),
                Step::WriteThrough { backing } => (backing, Op::Write),
                _ => unreachable!("only calls, misses and write-throughs are waited for"),
            };
            self.spawn_child(parent, target, op, 0);
            return;
        }
        self.next_step(parent);
    }

    /// The task is done (or failed): free its server if it held one, tell
    /// its caller, record a request's end.
    fn finish(&mut self, slot: u32, ok: bool) {
        let task = self.tasks[slot as usize];
        if task.flags & HOLDS != 0 {
            self.release(task.node, task.arrival);
        }
        if !ok && self.measuring {
            let component = self.component_of(slot);
            self.tally().components[component].errors += 1;
        }
        if task.flags & ROOT != 0 {
            self.in_flight -= 1;
            self.record_request(task.parent, task.arrival, ok);
        } else if task.parent != NONE {
            self.actions.push(Action::ChildDone {
                parent: task.parent,
                attempt: task.attempt,
                ok,
            });
        }
        self.free_task(slot);
    }

    /// A request of the operation with index `operation` ended.
    fn record_request(&mut self, operation: u32, arrival: f64, ok: bool) {
        // The user of a closed population whose request this was thinks
        // before its next.
        // A user that does not think and whose request ended the instant
        // it began (refused, or failed at a component that is down) would
        // send again at the same instant for ever: it leaves.
        if let Some(population) = self.plan.population_of[operation as usize]
            && (self.now > arrival || self.plan.populations[population as usize].think_time > 0.0)
        {
            self.think(population);
        }
        if !self.measuring {
            return;
        }
        let bucket =
            ((self.now - self.options.warmup) as usize).min(self.series.len().saturating_sub(1));
        let latency = self.now - arrival;
        let tally = &mut self.tallies[self.current];
        let bucket = &mut self.series[bucket];
        let own = &mut tally.operations[operation as usize];
        if ok {
            // The whole traffic's histogram is the operations' merged at
            // the end of the run: one histogram recorded per request.
            tally.end_to_end_sum.add(latency);
            own.end_to_end.record(latency);
            own.end_to_end_sum.add(latency);
            bucket.completed += 1;
            bucket.latency.record(latency);
        } else {
            tally.errors += 1;
            own.errors += 1;
            bucket.errors += 1;
        }
    }

    // --- failures and units ------------------------------------------------

    fn transition(&mut self, index: usize) {
        let transition = self.plan.transitions[index];
        let node = transition.node;
        self.touch(node);
        let component = self.nodes[node as usize].component as usize;
        let state = &mut self.nodes[node as usize];
        if transition.down {
            state.down += 1;
            if state.down > 1 {
                return;
            }
            // Visits waiting at the failed replica go elsewhere (a store's
            // copies there are lost); those in service finish.
            let waiting: Vec<u32> = state.queue.drain(..).collect();
            self.waiting -= waiting.len() as u64;
            self.rebuild_live(component);
            for entry in waiting {
                if entry & COPY != 0 {
                    let slot = entry & !COPY;
                    let job = self.copies[slot as usize];
                    self.free_copies.push(slot);
                    if job.counts {
                        self.copy_answered(job, false);
                    }
                } else {
                    self.actions.push(Action::Redispatch(entry));
                }
            }
        } else {
            state.down = state.down.saturating_sub(1);
            if state.down == 0 {
                self.rebuild_live(component);
                if self.plan.components[component].pulls {
                    self.offer(node);
                }
            }
        }
    }

    fn rebuild_live(&mut self, component: usize) {
        let plan = &self.plan.components[component];
        let live = &mut self.live[component];
        live.clear();
        live.extend(
            (plan.first_node..plan.first_node + plan.nodes)
                .filter(|&n| self.nodes[n as usize].down == 0),
        );
    }

    /// The start of a unit: what came before it goes to the previous unit
    /// (or, at the end of the warm-up, is dropped).
    fn boundary(&mut self, batch: usize) {
        if batch == 0 {
            self.flush_nodes(false);
            self.measuring = true;
        } else {
            self.flush_nodes(true);
        }
        self.current = batch;
        self.report_progress(self.now);
    }

    fn flush_nodes(&mut self, keep: bool) {
        for node in 0..self.nodes.len() {
            self.touch(node as u32);
            let state = &mut self.nodes[node];
            if keep {
                let tally = &mut self.tallies[self.current].nodes[node];
                tally.busy += state.busy_area;
                tally.present += state.present_area;
                tally.up += state.up_time;
            }
            state.busy_area = 0.0;
            state.present_area = 0.0;
            state.up_time = 0.0;
        }
    }
}
