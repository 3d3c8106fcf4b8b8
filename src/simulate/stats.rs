//! What the simulation counts and how it turns counts into figures with 95%
//! confidence intervals: log-scale histograms for quantiles, the tallies
//! one measurement unit (a replication, or a batch of one) fills, and the
//! Student-t interval over units.

use serde::Serialize;

/// A histogram of positive times on a log scale: `2^SUB` bins per octave,
/// so a bin is `2^-SUB` of its value wide. The bin of a time is read off
/// its floating-point bits (exponent and top mantissa bits), and only the
/// range of bins seen is stored.
#[derive(Clone, Debug, Default)]
pub struct Histogram<const SUB: u32> {
    /// The bin of `counts[0]`.
    offset: u64,
    counts: Vec<u64>,
    total: u64,
}

/// Times below this are counted in its bin: a zero time must not stretch
/// the stored range down to the smallest float.
const SMALLEST_TIME: f64 = 1e-12;

impl<const SUB: u32> Histogram<SUB> {
    fn bin(time: f64) -> u64 {
        time.max(SMALLEST_TIME).to_bits() >> (52 - SUB)
    }

    /// The range of times a bin holds.
    fn range(bin: u64) -> (f64, f64) {
        (
            f64::from_bits(bin << (52 - SUB)),
            f64::from_bits((bin + 1) << (52 - SUB)),
        )
    }

    /// The counter of `bin`, the bins grown to reach it.
    fn slot(&mut self, bin: u64) -> &mut u64 {
        if self.counts.is_empty() {
            self.offset = bin;
            self.counts.push(0);
        } else if bin < self.offset {
            let grow = (self.offset - bin) as usize;
            self.counts.splice(0..0, std::iter::repeat_n(0, grow));
            self.offset = bin;
        } else if bin >= self.offset + self.counts.len() as u64 {
            self.counts.resize((bin - self.offset) as usize + 1, 0);
        }
        &mut self.counts[(bin - self.offset) as usize]
    }

    pub fn record(&mut self, time: f64) {
        *self.slot(Self::bin(time)) += 1;
        self.total += 1;
    }

    pub fn total(&self) -> u64 {
        self.total
    }

    pub fn merge(&mut self, other: &Histogram<SUB>) {
        for (index, &count) in other.counts.iter().enumerate() {
            if count == 0 {
                continue;
            }
            *self.slot(other.offset + index as u64) += count;
        }
        self.total += other.total;
    }

    /// The time by which a share `q` of the recorded times are done: the
    /// rank `ceil(q n)`, placed inside its bin as if the bin's times were
    /// spread evenly over it (so that estimates vary smoothly rather than in
    /// steps of a bin); none when empty.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        if self.total == 0 {
            return None;
        }
        let rank = ((q * self.total as f64).ceil() as u64).clamp(1, self.total);
        let mut seen = 0;
        for (index, &count) in self.counts.iter().enumerate() {
            if seen + count >= rank {
                let (low, high) = Self::range(self.offset + index as u64);
                let within = ((rank - seen) as f64 - 0.5) / count as f64;
                return Some(low + (high - low) * within);
            }
            seen += count;
        }
        None
    }
}

/// Fine histograms (128 bins per octave: a quantile within 0.4%) for the
/// figures compared with the analytic model.
pub type FineHistogram = Histogram<7>;
/// Coarse histograms (32 bins per octave: within 1.6%) for the per-second
/// series, of which there are many.
pub type CoarseHistogram = Histogram<5>;

/// A running sum and count of times.
#[derive(Clone, Copy, Debug, Default)]
pub struct Sum {
    pub total: f64,
    pub count: u64,
}

impl Sum {
    pub fn add(&mut self, value: f64) {
        self.total += value;
        self.count += 1;
    }

    pub fn merge(&mut self, other: Sum) {
        self.total += other.total;
        self.count += other.count;
    }

    pub fn mean(&self) -> Option<f64> {
        (self.count > 0).then(|| self.total / self.count as f64)
    }
}

/// What one component's requests and station visits did in one unit.
#[derive(Clone, Debug, Default)]
pub struct ComponentTally {
    /// The component's own response: from arrival until its own work is
    /// done (for a store, until the copies it waits for have answered).
    pub response: FineHistogram,
    pub response_sum: Sum,
    /// Station visits (for a store, one per copy) that arrived.
    pub visits: u64,
    /// Time from arrival at a replica to leaving its server.
    pub sojourn: Sum,
    /// Requests to the component that failed.
    pub errors: u64,
    /// Calls to the component abandoned at their timeout.
    pub timeouts: u64,
}

/// What one operation's requests did in one unit.
#[derive(Clone, Debug, Default)]
pub struct OperationTally {
    /// Requests that entered.
    pub customers: u64,
    /// Requests that failed.
    pub errors: u64,
    /// Response times of the requests that succeeded.
    pub end_to_end: FineHistogram,
    pub end_to_end_sum: Sum,
}

impl OperationTally {
    fn merge(&mut self, other: &OperationTally) {
        self.customers += other.customers;
        self.errors += other.errors;
        self.end_to_end.merge(&other.end_to_end);
        self.end_to_end_sum.merge(other.end_to_end_sum);
    }
}

/// Time integrals of one replica over a unit.
#[derive(Clone, Copy, Debug, Default)]
pub struct NodeTally {
    /// Integral of busy servers over time.
    pub busy: f64,
    /// Integral of visits present (waiting or in service) over time.
    pub present: f64,
    /// Time the replica was up.
    pub up: f64,
}

/// Everything one measurement unit counts.
#[derive(Clone, Debug)]
pub struct Tally {
    /// Simulated seconds the unit covers.
    pub length: f64,
    /// Requests that entered.
    pub customers: u64,
    /// Requests that failed.
    pub errors: u64,
    /// Of the failed, those refused on arrival because the run already held
    /// as many visits as it may.
    pub dropped: u64,
    /// Of the failed, those refused on arrival because the run had used up
    /// its budget of visits ([`super::Options::visit_limit`]).
    pub over_budget: u64,
    pub end_to_end: FineHistogram,
    pub end_to_end_sum: Sum,
    /// Indexed like the simulation's operations.
    pub operations: Vec<OperationTally>,
    pub components: Vec<ComponentTally>,
    pub nodes: Vec<NodeTally>,
}

impl ComponentTally {
    fn merge(&mut self, other: &ComponentTally) {
        self.response.merge(&other.response);
        self.response_sum.merge(other.response_sum);
        self.visits += other.visits;
        self.sojourn.merge(other.sojourn);
        self.errors += other.errors;
        self.timeouts += other.timeouts;
    }
}

impl Tally {
    /// Adds another unit's counts to this one's.
    pub fn merge(&mut self, other: &Tally) {
        self.length += other.length;
        self.customers += other.customers;
        self.errors += other.errors;
        self.dropped += other.dropped;
        self.over_budget += other.over_budget;
        self.end_to_end.merge(&other.end_to_end);
        self.end_to_end_sum.merge(other.end_to_end_sum);
        for (mine, theirs) in self.operations.iter_mut().zip(&other.operations) {
            mine.merge(theirs);
        }
        for (mine, theirs) in self.components.iter_mut().zip(&other.components) {
            mine.merge(theirs);
        }
        for (mine, theirs) in self.nodes.iter_mut().zip(&other.nodes) {
            mine.busy += theirs.busy;
            mine.present += theirs.present;
            mine.up += theirs.up;
        }
    }

    pub fn new(length: f64, operations: usize, components: usize, nodes: usize) -> Tally {
        Tally {
            length,
            customers: 0,
            errors: 0,
            dropped: 0,
            over_budget: 0,
            end_to_end: FineHistogram::default(),
            end_to_end_sum: Sum::default(),
            operations: vec![OperationTally::default(); operations],
            components: vec![ComponentTally::default(); components],
            nodes: vec![NodeTally::default(); nodes],
        }
    }
}

/// One second of one replication.
#[derive(Clone, Debug, Default)]
pub struct BucketTally {
    pub completed: u64,
    pub errors: u64,
    pub latency: CoarseHistogram,
    /// Visits waiting in replica queues at the end of the second.
    pub backlog: u64,
    /// Requests in the system at the end of the second.
    pub in_flight: u64,
}

impl BucketTally {
    /// Adds another replication's second: counts only, so the order of
    /// merging does not matter.
    pub fn merge(&mut self, other: &BucketTally) {
        self.completed += other.completed;
        self.errors += other.errors;
        self.latency.merge(&other.latency);
        self.backlog += other.backlog;
        self.in_flight += other.in_flight;
    }
}

/// A figure and the half-width of its 95% confidence interval (none when
/// fewer than two units measured it).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Interval {
    pub value: f64,
    pub half_width: Option<f64>,
}

impl Interval {
    /// Whether `other` lies inside the interval widened by `slack`.
    pub fn contains(&self, other: f64, slack: f64) -> bool {
        let half_width = self.half_width.unwrap_or(0.0);
        (other - self.value).abs() <= half_width + slack
    }
}

/// The 95% interval of `point` from independent unit estimates: Student's
/// t with `n - 1` degrees of freedom times the standard error (Law, Simulation
/// Modeling and Analysis, 5th ed., 4.5 and 9.4: replications and batch
/// means).
pub fn interval(point: f64, units: &[f64]) -> Interval {
    let n = units.len();
    if n < 2 {
        return Interval {
            value: point,
            half_width: None,
        };
    }
    let mean = units.iter().sum::<f64>() / n as f64;
    let variance = units.iter().map(|u| (u - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    Interval {
        value: point,
        half_width: Some(t_975(n - 1) * (variance / n as f64).sqrt()),
    }
}

/// The 0.975 quantile of Student's t with `df` degrees of freedom: the table
/// up to 30 (Abramowitz and Stegun, table 26.10), then the Cornish-Fisher
/// expansion of 26.7.5, within 1e-4 of the table beyond.
pub fn t_975(df: usize) -> f64 {
    const TABLE: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
        2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
        2.052, 2.048, 2.045, 2.042,
    ];
    if df == 0 {
        return f64::INFINITY;
    }
    if df <= TABLE.len() {
        return TABLE[df - 1];
    }
    let z: f64 = 1.959_964;
    let n = df as f64;
    z + (z.powi(3) + z) / (4.0 * n)
        + (5.0 * z.powi(5) + 16.0 * z.powi(3) + 3.0 * z) / (96.0 * n * n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_land_within_a_bin() {
        let mut histogram = FineHistogram::default();
        for i in 1..=1000 {
            histogram.record(f64::from(i) * 1e-3);
        }
        for (q, exact) in [(0.5, 0.5), (0.99, 0.99), (0.001, 0.001)] {
            let found = histogram.quantile(q).unwrap();
            assert!((found - exact).abs() <= exact / 128.0, "{q}: {found}");
        }
        assert_eq!(CoarseHistogram::default().quantile(0.5), None);
    }

    #[test]
    fn merging_equals_recording_everything_in_one() {
        let mut low = FineHistogram::default();
        let mut high = FineHistogram::default();
        let mut both = FineHistogram::default();
        for i in 1..500 {
            let time = f64::from(i) * 1e-4;
            if i % 2 == 0 {
                low.record(time)
            } else {
                high.record(time * 100.0)
            };
            both.record(if i % 2 == 0 { time } else { time * 100.0 });
        }
        high.merge(&low);
        for q in [0.1, 0.5, 0.9, 0.999] {
            assert_eq!(high.quantile(q), both.quantile(q));
        }
        assert_eq!(high.total(), both.total());
    }

    #[test]
    fn zero_times_do_not_stretch_the_range() {
        let mut histogram = FineHistogram::default();
        histogram.record(0.0);
        histogram.record(1.0);
        assert!(histogram.counts.len() < 128 * 41);
    }

    /// t(0.975) at 1, 4, 30 and 60 degrees of freedom: 12.706, 2.776, 2.042
    /// and 2.000 (Abramowitz and Stegun, table 26.10).
    #[test]
    fn student_t_quantiles() {
        assert_eq!(t_975(1), 12.706);
        assert_eq!(t_975(4), 2.776);
        assert_eq!(t_975(30), 2.042);
        assert!((t_975(60) - 2.000).abs() < 1e-3);
        assert!((t_975(120) - 1.980).abs() < 1e-3);
    }

    #[test]
    fn interval_of_units() {
        // Units 1, 2, 3: mean 2, s = 1, half-width t(2) / sqrt(3).
        let interval = interval(2.0, &[1.0, 2.0, 3.0]);
        assert!((interval.half_width.unwrap() - 4.303 / 3f64.sqrt()).abs() < 1e-12);
        assert!(interval.contains(4.4, 0.0));
        assert!(!interval.contains(4.5, 0.0));
    }
}
