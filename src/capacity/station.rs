//! One replica as an M/M/c station (G/G/c when the design gives shapes),
//! and the response-time distributions built on it: the station's response
//! time, the k-th fastest of f copies (quorum waits), and mixtures of reads
//! and writes. Each distribution gives its CDF, mean and quantiles (by
//! bisection on the CDF).

use crate::design::ServiceShape;

/// A queue of `servers` servers, each serving at `service_rate`
/// (requests/s), with arrivals at `arrival_rate`: M/M/c, or G/G/c by
/// Allen–Cunneen when [`Variability`] says arrivals or service are not
/// exponential.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Station {
    pub servers: u32,
    pub service_rate: f64,
    pub arrival_rate: f64,
    /// Erlang C, computed once: every CDF evaluation and draw needs it.
    wait_probability: f64,
    pub variability: Variability,
}

/// How variable a station's arrivals and service are (capacity-model.md,
/// "Latency shapes").
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Variability {
    /// The squared coefficient of variation of the gaps between arrivals.
    pub arrival_scv: f64,
    pub service: ServiceShape,
}

impl Variability {
    /// Poisson arrivals, exponential service: M/M/c.
    pub const MARKOVIAN: Variability = Variability {
        arrival_scv: 1.0,
        service: ServiceShape::Exponential,
    };

    pub fn is_markovian(&self) -> bool {
        *self == Variability::MARKOVIAN
    }

    /// Allen–Cunneen: the G/G/c mean wait is the M/M/c one times `(ca2 +
    /// cs2) / 2` (Allen, Probability, Statistics and Queueing Theory, 2nd
    /// ed., 1990, 6.4; Whitt's QNA, Bell System Technical Journal 62(9),
    /// 1983, eq. 46, takes the same form for m > 1 servers).
    pub fn wait_factor(&self) -> f64 {
        0.5 * (self.arrival_scv + self.service.scv())
    }
}

impl Station {
    pub fn new(servers: u32, service_rate: f64, arrival_rate: f64) -> Station {
        let offered_load = arrival_rate / service_rate;
        Station {
            servers,
            service_rate,
            arrival_rate,
            wait_probability: erlang_c(servers, offered_load),
            variability: Variability::MARKOVIAN,
        }
    }

    /// The same station with arrivals and service as variable as
    /// `variability` says.
    pub fn with_variability(self, variability: Variability) -> Station {
        Station {
            variability,
            ..self
        }
    }

    /// Offered load `a = lambda / mu`, in Erlangs.
    pub fn offered_load(&self) -> f64 {
        self.arrival_rate / self.service_rate
    }

    /// Utilisation `rho = a / c`.
    pub fn utilization(&self) -> f64 {
        self.offered_load() / f64::from(self.servers)
    }

    pub fn is_stable(&self) -> bool {
        self.utilization() < 1.0
    }

    /// Erlang C: the probability that an arrival waits.
    pub fn wait_probability(&self) -> f64 {
        self.wait_probability
    }

    /// The rate of the exponential wait, given that there is one: `c mu -
    /// lambda` for M/M/c. For G/G/c the wait keeps M/M/c's shape (an
    /// arrival waits with chance C, and then an exponential time) with
    /// its rate divided by the Allen–Cunneen factor, so that its mean is
    /// the G/G/c mean wait.
    pub fn wait_rate(&self) -> f64 {
        let markovian = f64::from(self.servers) * self.service_rate - self.arrival_rate;
        if self.variability.is_markovian() {
            markovian
        } else {
            markovian / self.variability.wait_factor()
        }
    }

    /// The shortest time scale of the response: what numeric integrals
    /// must resolve.
    pub fn fastest_rate(&self) -> f64 {
        let service = match self.variability.service {
            ServiceShape::Exponential => self.service_rate,
            // The density of a lognormal changes over about sigma times
            // its median.
            ServiceShape::Lognormal { sigma } => {
                self.service_rate * (0.5 * sigma * sigma).exp() / sigma.min(1.0)
            }
        };
        service.max(self.wait_rate())
    }

    /// Mean time in queue `Wq = C / (c mu - lambda)` (times the
    /// Allen–Cunneen factor for G/G/c).
    pub fn mean_wait(&self) -> f64 {
        if !self.is_stable() {
            return f64::INFINITY;
        }
        self.wait_probability() / self.wait_rate()
    }

    /// Mean response time `R = 1/mu + Wq`.
    pub fn mean_response(&self) -> f64 {
        1.0 / self.service_rate + self.mean_wait()
    }

    /// P(response time <= t): no wait with probability 1 - C, else an
    /// exponential wait at rate `c mu - lambda`; plus an exponential service.
    pub fn response_cdf(&self, t: f64) -> f64 {
        if t <= 0.0 {
            return 0.0;
        }
        if !self.is_stable() {
            return 0.0;
        }
        if let ServiceShape::Lognormal { .. } = self.variability.service {
            return self.lognormal_response_cdf(t);
        }
        let mu = self.service_rate;
        let theta = self.wait_rate();
        let wait = self.wait_probability();
        let service_only = 1.0 - (-mu * t).exp();
        // Wait + service: a hypoexponential of rates theta and mu.
        let with_wait = if ((theta - mu) / mu).abs() < 1e-9 {
            1.0 - (-mu * t).exp() * (1.0 + mu * t)
        } else {
            1.0 - (mu * (-theta * t).exp() - theta * (-mu * t).exp()) / (mu - theta)
        };
        ((1.0 - wait) * service_only + wait * with_wait).clamp(0.0, 1.0)
    }

    /// P(S + W <= t) for a lognormal service S and the wait W (none with
    /// chance 1 - C, else exponential at `theta`, the wait rate):
    /// `F_S(t) - C integral_0^t f_S(s) e^{-theta (t - s)} ds`, the
    /// integral by Simpson's rule in the normal variable `z` of `ln s`,
    /// where it is smooth and its weight is the normal density.
    fn lognormal_response_cdf(&self, t: f64) -> f64 {
        const PANELS: u32 = 512;
        /// Beyond this z (either way) the normal density holds less than 1e-17.
        const LOWEST: f64 = -8.5;
        let mean = 1.0 / self.service_rate;
        let ServiceShape::Lognormal { sigma } = self.variability.service else {
            unreachable!("called for a lognormal service");
        };
        let service_only = self.variability.service.cdf(mean, t);
        let wait = self.wait_probability();
        let log_median = mean.ln() - 0.5 * sigma * sigma;
        let top = (t.ln() - log_median) / sigma;
        if wait <= 0.0 || top <= LOWEST {
            return service_only;
        }
        let theta = self.wait_rate();
        // Above -LOWEST the density holds as little as below LOWEST.
        let width = (top.min(-LOWEST) - LOWEST) / f64::from(PANELS);
        let density = |z: f64| (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt();
        let still_waiting = simpson(PANELS, width, |i| {
            let z = LOWEST + f64::from(i) * width;
            let s = (log_median + sigma * z).exp();
            density(z) * (-theta * (t - s).max(0.0)).exp()
        });
        (service_only - wait * still_waiting).clamp(0.0, 1.0)
    }
}

/// Simpson's rule over `panels` (even) panels of `width`: `at(i)` is the
/// integrand at the `i`-th of the `panels + 1` points.
pub(super) fn simpson(panels: u32, width: f64, at: impl Fn(u32) -> f64) -> f64 {
    let inner: f64 = (1..panels)
        .map(|i| if i % 2 == 1 { 4.0 } else { 2.0 } * at(i))
        .sum();
    width / 3.0 * (at(0) + inner + at(panels))
}

/// Servers up to which Erlang B runs its exact recurrence; beyond, the
/// Poisson form below costs O(sqrt(load)) instead of O(servers).
const RECURRENCE_SERVERS: u32 = 256;

/// Erlang B by its recurrence `B(0) = 1`, `B(k) = a B(k-1) / (k + a
/// B(k-1))` for a few hundred servers (stable where `a^c / c!` would
/// overflow), and beyond that [`erlang_b_poisson`], whose work does not
/// grow with the number of servers. The recurrence runs on the reciprocal,
/// `1/B(k) = 1 + (k / a) / B(k-1)`: a multiply and an add per server
/// instead of a division, whose latency bounds the loop (every step waits
/// for the last). A reciprocal that overflows means a blocking far below
/// the smallest double, and gives 0.
pub fn erlang_b(servers: u32, offered_load: f64) -> f64 {
    if servers > RECURRENCE_SERVERS {
        return erlang_b_poisson(servers, offered_load);
    }
    let per_erlang = 1.0 / offered_load;
    let mut inverse = 1.0f64;
    for k in 1..=servers {
        inverse = 1.0 + f64::from(k) * per_erlang * inverse;
    }
    1.0 / inverse
}

/// Erlang B as a ratio of Poisson probabilities: with `X ~ Poisson(a)`,
/// `B(c, a) = P(X = c) / P(X <= c)` (Cooper, Introduction to Queueing
/// Theory, 2nd ed., 3.4). The sum runs down from `c` only while its terms
/// matter (they shrink by `k / a` per step below the load), in a rescaled
/// form that never overflows; far above the load, `P(X <= c)` is 1 to
/// within 1e-190 and `B` is the log-space probability of `c` alone.
fn erlang_b_poisson(servers: u32, offered_load: f64) -> f64 {
    if servers == 0 {
        return 1.0;
    }
    if offered_load <= 0.0 {
        return 0.0;
    }
    let c = f64::from(servers);
    let a = offered_load;
    if c > a + 30.0 * a.sqrt() + 40.0 {
        return (-a + c * a.ln() - ln_factorial(c)).exp();
    }
    // sum of P(X = k) / P(X = c) for k = c, c - 1, ..., 0, scaled by
    // e^-log_scale whenever it grows large.
    const RESCALE: f64 = 1e300;
    let (mut term, mut sum, mut log_scale) = (1.0f64, 1.0f64, 0.0f64);
    let mut k = c;
    while k >= 1.0 {
        term *= k / a;
        sum += term;
        if sum > RESCALE {
            sum /= RESCALE;
            term /= RESCALE;
            log_scale += RESCALE.ln();
        }
        if k < a && term < 1e-17 * sum {
            break;
        }
        k -= 1.0;
    }
    (-(sum.ln() + log_scale)).exp()
}

/// ln(n!) for a whole `n >= 0`: exact below 16, Stirling's series beyond
/// (its error is below 1e-13 there; Abramowitz and Stegun 6.1.41).
fn ln_factorial(n: f64) -> f64 {
    if n < 16.0 {
        return (2..=n as u32).map(|i| f64::from(i).ln()).sum();
    }
    let inverse = 1.0 / n;
    let inverse_squared = inverse * inverse;
    n * n.ln() - n
        + 0.5 * (2.0 * std::f64::consts::PI * n).ln()
        + inverse * (1.0 / 12.0 - inverse_squared * (1.0 / 360.0 - inverse_squared / 1260.0))
}

/// Erlang C from Erlang B: `C = B / (1 - rho (1 - B))`; 1 when saturated.
pub fn erlang_c(servers: u32, offered_load: f64) -> f64 {
    let rho = offered_load / f64::from(servers);
    if rho >= 1.0 {
        return 1.0;
    }
    if offered_load <= 0.0 {
        return 0.0;
    }
    let blocking = erlang_b(servers, offered_load);
    blocking / (1.0 - rho * (1.0 - blocking))
}

/// A response-time distribution that the model can ask for its CDF, mean
/// and quantiles.
#[derive(Clone, Debug, PartialEq)]
pub enum Response {
    /// No time at all (a component the model does not cover).
    Zero,
    Station(Station),
    /// The k-th fastest of `copies` independent responses of one station:
    /// a write that waits for k of f replicas.
    KthOf {
        station: Station,
        k: u32,
        copies: u32,
    },
    /// Reads and writes with their shares of the requests.
    Mix(Vec<(f64, Response)>),
}

impl Response {
    pub fn cdf(&self, t: f64) -> f64 {
        match self {
            Response::Zero => 1.0,
            Response::Station(station) => station.response_cdf(t),
            Response::KthOf { station, k, copies } => {
                let single = station.response_cdf(t);
                binomial_tail(*copies, *k, single)
            }
            Response::Mix(parts) => {
                let total: f64 = parts.iter().map(|(w, _)| w).sum();
                parts.iter().map(|(w, r)| w * r.cdf(t)).sum::<f64>() / total
            }
        }
    }

    /// The same distribution with `change` applied to its stations.
    pub fn map_station(&self, change: &impl Fn(Station) -> Station) -> Response {
        match self {
            Response::Zero => Response::Zero,
            Response::Station(station) => Response::Station(change(*station)),
            Response::KthOf { station, k, copies } => Response::KthOf {
                station: change(*station),
                k: *k,
                copies: *copies,
            },
            Response::Mix(parts) => Response::Mix(
                parts
                    .iter()
                    .map(|(weight, part)| (*weight, part.map_station(change)))
                    .collect(),
            ),
        }
    }

    pub fn is_finite(&self) -> bool {
        match self {
            Response::Zero => true,
            Response::Station(station) | Response::KthOf { station, .. } => station.is_stable(),
            Response::Mix(parts) => parts.iter().all(|(_, r)| r.is_finite()),
        }
    }

    pub fn mean(&self) -> f64 {
        match self {
            Response::Zero => 0.0,
            Response::Station(station) => station.mean_response(),
            Response::KthOf {
                station,
                k: 1,
                copies: 1,
            } => station.mean_response(),
            Response::KthOf { .. } => {
                if !self.is_finite() {
                    return f64::INFINITY;
                }
                // E[T] = integral of P(T > t) dt: all of the time below
                // the 1e-10 quantile (where P(T > t) is 1 to within that),
                // then Simpson's rule up to the 1 - 1e-10 quantile, a range
                // that fits the distribution however many copies narrow it.
                // The ends need not be exact: each to within 0.1%.
                let low = self.quantile_within(1e-10, 1e-3);
                let high = self.quantile_within(1.0 - 1e-10, 1e-3).max(low);
                let intervals = 128;
                let width = (high - low) / f64::from(intervals);
                low + simpson(intervals, width, |i| {
                    1.0 - self.cdf(low + f64::from(i) * width)
                })
            }
            Response::Mix(parts) => {
                let total: f64 = parts.iter().map(|(w, _)| w).sum();
                parts.iter().map(|(w, r)| w * r.mean()).sum::<f64>() / total
            }
        }
    }

    /// The time by which a share `q` of responses are done.
    pub fn quantile(&self, q: f64) -> f64 {
        self.quantile_within(q, 1e-8)
    }

    /// [`Response::quantile`] to within a share `relative` of itself.
    fn quantile_within(&self, q: f64, relative: f64) -> f64 {
        if matches!(self, Response::Zero) {
            return 0.0;
        }
        if !self.is_finite() {
            return f64::INFINITY;
        }
        let mut high = self.scale().max(1e-9);
        while self.cdf(high) < q {
            high *= 2.0;
            if high > 1e12 {
                return f64::INFINITY;
            }
        }
        // The Illinois method (regula falsi that halves the weight of an end
        // kept twice): superlinear, so a handful of CDF evaluations where
        // bisection needs about thirty, and it keeps the root bracketed.
        // Not in the far tails, where the CDF is flat to within rounding
        // over orders of magnitude of time and secants creep: there,
        // bisection.
        let far_tail = !(1e-6..=1.0 - 1e-6).contains(&q);
        let (mut low, mut low_gap) = (0.0, -q);
        let mut high_gap = self.cdf(high) - q;
        let mut kept = 0i8;
        for _ in 0..200 {
            let middle = if high_gap > low_gap && !far_tail {
                (low * high_gap - high * low_gap) / (high_gap - low_gap)
            } else {
                0.5 * (low + high)
            };
            let gap = self.cdf(middle) - q;
            if gap < 0.0 {
                low = middle;
                low_gap = gap;
                if kept < 0 {
                    high_gap *= 0.5;
                }
                kept = -1;
            } else {
                high = middle;
                high_gap = gap;
                if kept > 0 {
                    low_gap *= 0.5;
                }
                kept = 1;
            }
            if high - low <= relative * high || gap == 0.0 {
                break;
            }
        }
        if high_gap.abs() < low_gap.abs() {
            high
        } else {
            low
        }
    }

    /// A time of the order of the distribution's, to start the search from.
    fn scale(&self) -> f64 {
        match self {
            Response::Zero => 0.0,
            Response::Station(station) | Response::KthOf { station, .. } => station.mean_response(),
            Response::Mix(parts) => parts.iter().map(|(_, r)| r.scale()).fold(0.0, f64::max),
        }
    }
}

/// P(at least `k` of `n` independent events happen), each with probability
/// `p`. Exact sums for small `n`; beyond, the terms are summed from `k`
/// away from the mode only while they matter (they shrink geometrically on
/// that side), so the work grows with the spread `sqrt(n p (1 - p))`, not
/// with `n`.
pub fn binomial_tail(n: u32, k: u32, p: f64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    if k > n {
        return 0.0;
    }
    let p = p.clamp(0.0, 1.0);
    if p == 0.0 {
        return 0.0;
    }
    if p == 1.0 {
        return 1.0;
    }
    if n <= 32 {
        let mut choose = 1.0;
        let mut total = 0.0;
        for i in 0..=n {
            if i >= k {
                total += choose * p.powi(i as i32) * (1.0 - p).powi((n - i) as i32);
            }
            choose = choose * f64::from(n - i) / f64::from(i + 1);
        }
        return total.min(1.0);
    }
    let mode = (f64::from(n) + 1.0) * p;
    if f64::from(k) > mode {
        // The upper tail, k upwards: every term is smaller than the last.
        binomial_run(n, k, p, true)
    } else {
        // The upper tail holds the mode: one minus the lower tail, k - 1
        // downwards.
        (1.0 - binomial_run(n, k - 1, p, false)).clamp(0.0, 1.0)
    }
}

/// The sum of the binomial probabilities from `start` upwards (to `n`) or
/// downwards (to 0), on the side of `start` away from the mode, stopping
/// when a term no longer changes the sum.
fn binomial_run(n: u32, start: u32, p: f64, upwards: bool) -> f64 {
    let (nf, q) = (f64::from(n), 1.0 - p);
    let mut i = f64::from(start);
    let ln_term =
        ln_factorial(nf) - ln_factorial(i) - ln_factorial(nf - i) + i * p.ln() + (nf - i) * q.ln();
    let mut term = ln_term.exp();
    let mut total = term;
    loop {
        if upwards {
            if i >= nf {
                break;
            }
            term *= (nf - i) / (i + 1.0) * (p / q);
            i += 1.0;
        } else {
            if i <= 0.0 {
                break;
            }
            term *= i / (nf - i + 1.0) * (q / p);
            i -= 1.0;
        }
        total += term;
        if term <= 1e-17 * total || term == 0.0 {
            break;
        }
    }
    total.min(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn close(actual: f64, expected: f64, tolerance: f64) {
        assert!(
            (actual - expected).abs() <= tolerance * expected.abs().max(1e-12),
            "{actual} is not within {tolerance} of {expected}"
        );
    }

    /// A station with service time of mean 10ms (mu = 100/s) at `lambda`,
    /// arrivals of SCV `ca2` and a lognormal service of SCV `cs2`.
    fn gg(servers: u32, lambda: f64, ca2: f64, cs2: f64) -> Station {
        Station::new(servers, 100.0, lambda).with_variability(Variability {
            arrival_scv: ca2,
            service: ServiceShape::Lognormal {
                sigma: cs2.ln_1p().sqrt(),
            },
        })
    }

    /// Kingman's G/G/1 mean wait, `Wq = (rho / (1 - rho)) ((ca2 + cs2) / 2)
    /// S` (Kingman, "The single server queue in heavy traffic", Proc.
    /// Cambridge Phil. Soc. 57, 1961; Allen, Probability, Statistics and
    /// Queueing Theory, 2nd ed., 1990, eq. 6.46; the same figures LINE's
    /// `qsys_gg1` gives): at rho = 0.8, S = 10ms, ca2 = 4, cs2 = 2 the wait
    /// is 4 * 3 * 10ms = 120ms.
    #[test]
    fn gg1_mean_wait_is_kingmans() {
        let station = gg(1, 80.0, 4.0, 2.0);
        close(station.mean_wait(), 0.12, 1e-12);
        close(station.mean_response(), 0.13, 1e-12);
    }

    /// ca2 = cs2 = 1 gives M/M/1's wait, rho S / (1 - rho) = 40ms, whatever
    /// the service's distribution (a lognormal of SCV 1 here).
    #[test]
    fn scvs_of_one_give_the_mm1_wait() {
        close(gg(1, 80.0, 1.0, 1.0).mean_wait(), 0.04, 1e-12);
        close(Station::new(1, 100.0, 80.0).mean_wait(), 0.04, 1e-12);
    }

    /// Deterministic service (cs2 = 0) with Poisson arrivals halves the
    /// wait: M/D/1, where Pollaczek–Khinchine's `Wq = rho S (1 + cs2) /
    /// (2 (1 - rho))` is exact (Kleinrock, Queueing Systems Vol. 1, eq.
    /// 5.73): 20ms at rho = 0.8, S = 10ms.
    #[test]
    fn deterministic_service_halves_the_wait() {
        close(gg(1, 80.0, 1.0, 1e-12).mean_wait(), 0.02, 1e-9);
    }

    /// For c > 1 the Allen–Cunneen wait is the M/M/c (Erlang C) wait times
    /// `(ca2 + cs2) / 2`: M/M/3 at lambda = 0.2, mu = 0.1 waits 4.444 (the
    /// Ciw figure of the M/M/c test below), so ca2 = 1, cs2 = 0.5 waits
    /// 0.75 of that.
    #[test]
    fn ggc_scales_the_erlang_c_wait() {
        let markovian = Station::new(3, 0.1, 0.2);
        let shaped = markovian.with_variability(Variability {
            arrival_scv: 1.0,
            service: ServiceShape::Lognormal {
                sigma: 0.5f64.ln_1p().sqrt(),
            },
        });
        close(markovian.mean_wait(), 4.0 / 9.0 * 10.0, 1e-9);
        close(shaped.mean_wait(), 0.75 * markovian.mean_wait(), 1e-12);
        // The chance of waiting stays Erlang C's.
        close(shaped.wait_probability(), markovian.wait_probability(), 0.0);
    }

    /// A lognormal fitted to two measured percentiles gives Kingman's wait
    /// with the fitted SCV: p50 = 4ms, p99 = 40ms fit sigma = ln 10 /
    /// z_0.99, mean 4ms e^(sigma^2/2).
    #[test]
    fn a_fitted_service_gives_kingmans_wait() {
        use crate::design::shape::LognormalFit;
        let fit = LognormalFit::from_percentiles(&[(0.5, 0.004), (0.99, 0.040)]);
        let sigma = 10f64.ln() / 2.326_347_874_040_841;
        close(fit.sigma, sigma, 1e-12);
        let service = ServiceShape::Lognormal { sigma: fit.sigma };
        let mean = fit.mean();
        close(mean, 0.004 * (0.5 * sigma * sigma).exp(), 1e-12);
        let lambda = 0.5 / mean;
        let station = Station::new(1, 1.0 / mean, lambda).with_variability(Variability {
            arrival_scv: 1.0,
            service,
        });
        let kingman = (0.5 / 0.5) * ((1.0 + service.scv()) / 2.0) * mean;
        close(station.mean_wait(), kingman, 1e-12);
    }

    /// The response distribution of a G/G/c station (lognormal service
    /// plus the scaled M/M/c-shaped wait) has the station's mean and, with
    /// no queue, the service's own percentiles.
    #[test]
    fn the_shaped_response_distribution_has_the_stations_mean() {
        for station in [gg(1, 80.0, 4.0, 2.0), gg(4, 300.0, 1.0, 1.66)] {
            let response = Response::Station(station);
            // integral of the survival up to far in the tail.
            let top = response.quantile(1.0 - 1e-9);
            let panels = 20_000;
            let width = top / f64::from(panels);
            let mean: f64 = (0..panels)
                .map(|i| width * (1.0 - response.cdf((f64::from(i) + 0.5) * width)))
                .sum();
            close(mean, station.mean_response(), 2e-4);
        }
        let idle = gg(1, 1e-9, 1.0, 2.0);
        let median = 0.01 / 3f64.sqrt();
        close(Response::Station(idle).quantile(0.5), median, 1e-6);
    }

    /// M/M/1 with lambda = 8/s, mu = 10/s (Kleinrock, Queueing Systems
    /// Vol. 1, ch. 3; Harchol-Balter, Performance Modeling and Design of
    /// Computer Systems, ch. 13): rho = 0.8, mean response 1/(mu - lambda)
    /// = 0.5 s, mean wait rho/(mu - lambda) = 0.4 s, and the response time is
    /// exponential at rate mu - lambda, so t_q = -ln(1 - q)/(mu - lambda).
    #[test]
    fn mm1_mean_and_quantiles() {
        let station = Station::new(1, 10.0, 8.0);
        close(station.utilization(), 0.8, 1e-12);
        close(station.wait_probability(), 0.8, 1e-12);
        close(station.mean_wait(), 0.4, 1e-12);
        close(station.mean_response(), 0.5, 1e-12);
        let response = Response::Station(station);
        // Quantiles are found by bisection to a relative 1e-8.
        close(response.quantile(0.5), 2.0f64.ln() / 2.0, 1e-7);
        close(response.quantile(0.9), 10.0f64.ln() / 2.0, 1e-7);
        close(response.quantile(0.99), 100.0f64.ln() / 2.0, 1e-7);
        // The far tails, searched by bisection: the M/M/1 sojourn is
        // exponential at mu - lambda = 2, so its q quantile is
        // -ln(1 - q) / 2.
        close(response.quantile(1e-9), -(1.0 - 1e-9f64).ln() / 2.0, 1e-6);
        close(response.quantile(1.0 - 1e-9), 1e9f64.ln() / 2.0, 1e-7);
    }

    /// Erlang C against the published table values: 12 servers at 9 Erlangs
    /// gives 0.26603 (checked by hand and with statrs' Poisson, see
    /// shared/research/deps.md); M/M/2 at rho = 0.5 gives 2 rho^2/(1 + rho)
    /// = 1/3 (Gross and Harris, Fundamentals of Queueing Theory, 3.3); and
    /// the call-centre example of 10 agents at 8 Erlangs, P(wait) = 0.4092
    /// (the common Erlang C worked example, e.g. Koole, Call Center
    /// Optimization, ch. 5).
    #[test]
    fn erlang_c_table_values() {
        close(erlang_c(12, 9.0), 0.26603, 1e-4);
        close(erlang_c(2, 1.0), 1.0 / 3.0, 1e-12);
        close(erlang_c(10, 8.0), 0.4092, 1e-3);
        close(erlang_c(1, 0.7), 0.7, 1e-12);
    }

    /// Erlang B table (Cooper, Introduction to Queueing Theory, table):
    /// B(5, 2) = 0.0367, B(10, 5) = 0.0184.
    #[test]
    fn erlang_b_table_values() {
        close(erlang_b(5, 2.0), 0.0367, 2e-3);
        close(erlang_b(10, 5.0), 0.0184, 3e-3);
    }

    /// Thousands of servers neither overflow nor lose the answer: at 4,000
    /// servers and rho = 0.99 the wait probability is well inside (0, 1).
    #[test]
    fn erlang_c_is_stable_for_thousands_of_servers() {
        let value = erlang_c(4000, 3960.0);
        assert!(value > 0.0 && value < 1.0 && value.is_finite(), "{value}");
        assert!(erlang_c(4000, 100.0) < 1e-12);
    }

    /// M/M/c example (Harchol-Balter, ch. 14): c = 2, lambda = 1.5,
    /// mu = 1: a = 1.5, rho = 0.75, C = 2 rho^2/(1+rho) = 0.642857,
    /// Wq = C/(c mu - lambda) = 1.285714, R = 2.285714.
    #[test]
    fn mmc_example() {
        let station = Station::new(2, 1.0, 1.5);
        close(station.wait_probability(), 0.642_857, 1e-5);
        close(station.mean_wait(), 1.285_714, 1e-5);
        close(station.mean_response(), 2.285_714, 1e-5);
        // The numerically inverted quantile reproduces the CDF it inverts.
        let response = Response::Station(station);
        close(station.response_cdf(response.quantile(0.99)), 0.99, 1e-7);
    }

    /// The mean of the k-th of f draws, against the exact order statistic
    /// of exponentials (no waiting at zero load): E[X_(k)] =
    /// (1/mu) sum_{i=0}^{k-1} 1/(f - i) (David and Nagaraja, Order
    /// Statistics, 3rd ed., 2.5).
    #[test]
    fn order_statistics_of_exponentials() {
        let station = Station::new(1, 100.0, 1e-9);
        let second_of_three = Response::KthOf {
            station,
            k: 2,
            copies: 3,
        };
        close(
            second_of_three.mean(),
            (1.0 / 3.0 + 1.0 / 2.0) / 100.0,
            1e-3,
        );
        let first_of_three = Response::KthOf {
            station,
            k: 1,
            copies: 3,
        };
        close(first_of_three.quantile(0.5), 2.0f64.ln() / 300.0, 1e-6);
    }

    /// The exact recurrence, for any number of servers: the oracle of the
    /// Poisson form.
    fn erlang_b_by_recurrence(servers: u32, offered_load: f64) -> f64 {
        (1..=servers).fold(1.0, |blocking, k| {
            offered_load * blocking / (f64::from(k) + offered_load * blocking)
        })
    }

    /// The reciprocal recurrence `erlang_b` runs is the textbook one
    /// rearranged: both agree to rounding wherever the blocking is a
    /// normal double, and it gives 0 where the textbook one underflows.
    #[test]
    fn the_reciprocal_recurrence_is_the_textbook_one() {
        for servers in [0u32, 1, 2, 7, 40, 100, 256] {
            for load in [0.0, 1e-3, 0.5, 3.0, 39.0, 120.0, 256.0, 900.0] {
                let textbook = erlang_b_by_recurrence(servers, load);
                let reciprocal = erlang_b(servers, load);
                if textbook < 1e-290 {
                    assert!(reciprocal < 1e-290, "B({servers}, {load}) = {reciprocal}");
                } else {
                    assert!(
                        (reciprocal - textbook).abs() <= 1e-12 * textbook,
                        "B({servers}, {load}): {reciprocal} against {textbook}"
                    );
                }
            }
        }
    }

    /// The Poisson form agrees with the exact recurrence from small to
    /// large server counts, light to overloaded, including where `P(X = c)`
    /// alone is taken (far above the load).
    #[test]
    fn erlang_b_poisson_form_matches_the_recurrence() {
        for servers in [1u32, 2, 5, 10, 12, 40, 100, 257, 1000, 5000, 20_000] {
            let c = f64::from(servers);
            for load in [
                0.01,
                0.3 * c,
                0.7 * c,
                0.9 * c,
                0.99 * c,
                c,
                1.2 * c,
                3.0 * c,
                c - 40.0 * c.sqrt(),
            ] {
                if load <= 0.0 {
                    continue;
                }
                let exact = erlang_b_by_recurrence(servers, load);
                let fast = erlang_b_poisson(servers, load);
                let tolerance = if exact < 1e-250 { 1e-6 } else { 1e-9 };
                assert!(
                    (fast - exact).abs() <= tolerance * exact.max(1e-300),
                    "B({servers}, {load}): {fast} against {exact}"
                );
            }
        }
        // The same published values through the Poisson form.
        close(erlang_b_poisson(5, 2.0), 0.0367, 2e-3);
        close(erlang_b_poisson(10, 5.0), 0.0184, 3e-3);
    }

    /// A million servers (the most a design may declare) at any load: a
    /// number in [0, 1] from a bounded amount of work (issue 14: the
    /// recurrence ran once per server, minutes for 4e9 of them).
    #[test]
    fn erlang_c_for_a_million_servers() {
        for load in [1.0, 5e5, 9.9e5, 999_999.0, 1e6, 1e9] {
            let value = erlang_c(1_000_000, load);
            assert!((0.0..=1.0).contains(&value), "{load}: {value}");
        }
        assert!(erlang_c(1_000_000, 9.9e5) < 1e-20);
        let near = erlang_c(1_000_000, 999_000.0);
        assert!(near > 0.0 && near < 1.0, "{near}");
        assert_eq!(erlang_c(u32::MAX, 1e3), 0.0);
    }

    #[test]
    fn ln_factorials() {
        close(ln_factorial(0.0), 0.0, 1e-12);
        close(ln_factorial(10.0), 3_628_800f64.ln(), 1e-12);
        let exact: f64 = (2..=100).map(|i| f64::from(i).ln()).sum();
        close(ln_factorial(100.0), exact, 1e-13);
    }

    /// P(X >= 50) for X ~ Bin(100, 1/2) = 0.5397946187 and P(X >= 500) for
    /// Bin(1000, 1/2) = 1/2 + C(1000, 500) / 2^1001 = 0.5126125091
    /// (symmetry; C(1000, 500) / 2^1000 = 0.0252250181); large tails
    /// against the full sum.
    #[test]
    fn binomial_tails_beyond_the_exact_sum() {
        close(binomial_tail(100, 50, 0.5), 0.539_794_618_7, 1e-9);
        close(binomial_tail(1000, 500, 0.5), 0.512_612_509_1, 1e-9);
        for (n, k, p) in [
            (40u32, 3u32, 0.9f64),
            (40, 39, 0.9),
            (200, 150, 0.7),
            (200, 10, 0.01),
            (500, 499, 0.999),
            (33, 33, 0.5),
        ] {
            let full: f64 = (k..=n)
                .map(|i| {
                    (ln_factorial(f64::from(n))
                        - ln_factorial(f64::from(i))
                        - ln_factorial(f64::from(n - i))
                        + f64::from(i) * p.ln()
                        + f64::from(n - i) * (1.0 - p).ln())
                    .exp()
                })
                .sum();
            close(binomial_tail(n, k, p), full.min(1.0), 1e-9);
        }
        // Four thousand million copies: a probability, at once.
        let huge = binomial_tail(u32::MAX, u32::MAX / 2, 0.5);
        assert!((0.0..=1.0).contains(&huge), "{huge}");
        assert_eq!(binomial_tail(u32::MAX, 1, 0.999), 1.0);
    }

    /// The mean of the k-th fastest of many copies, integrated over the
    /// range its quantiles span, is the order statistic's.
    #[test]
    fn many_copies_have_their_order_statistics_mean() {
        let station = Station::new(1, 100.0, 1e-9);
        let response = Response::KthOf {
            station,
            k: 50,
            copies: 100,
        };
        // E[X_(50) of 100] = (H_100 - H_50) / mu (David and Nagaraja, 2.5).
        let harmonic = |n: u32| (1..=n).map(|i| 1.0 / f64::from(i)).sum::<f64>();
        let exact = (harmonic(100) - harmonic(50)) / 100.0;
        close(response.mean(), exact, 1e-3);
    }

    #[test]
    fn binomial_tails() {
        close(binomial_tail(3, 2, 0.9), 0.972, 1e-12);
        close(binomial_tail(2, 1, 0.999), 0.999_999, 1e-12);
        close(binomial_tail(1000, 1, 0.5), 1.0, 1e-12);
        assert_eq!(binomial_tail(3, 4, 0.9), 0.0);
    }

    proptest! {
        /// Any shape and burstiness: the response CDF climbs from 0 to 1,
        /// its quantiles are ordered, and the mean lies above the
        /// service's.
        #[test]
        fn shaped_responses_are_distributions(
            servers in 1u32..64,
            rho in 0.01f64..0.98,
            ca2 in 0.05f64..50.0,
            sigma in 0.01f64..3.0,
        ) {
            let rate = 100.0;
            let station = Station::new(servers, rate, rho * f64::from(servers) * rate)
                .with_variability(Variability {
                    arrival_scv: ca2,
                    service: ServiceShape::Lognormal { sigma },
                });
            let response = Response::Station(station);
            let quantiles: Vec<f64> = [0.5, 0.9, 0.99, 0.999].iter().map(|q| response.quantile(*q)).collect();
            prop_assert!(quantiles.windows(2).all(|w| w[0] <= w[1]), "{quantiles:?}");
            prop_assert!(quantiles.iter().all(|q| q.is_finite() && *q > 0.0), "{quantiles:?}");
            let mut last = 0.0;
            for t in [1e-4, 1e-3, 1e-2, 0.1, 1.0, 10.0, 1e3] {
                let p = response.cdf(t);
                prop_assert!((0.0..=1.0).contains(&p) && p >= last - 1e-9, "cdf({t}) = {p} after {last}");
                last = p;
            }
            prop_assert!(station.mean_response() >= 1.0 / rate);
        }

        #[test]
        fn quantiles_are_ordered(servers in 1u32..64, rho in 0.01f64..0.99, rate in 1.0f64..10_000.0) {
            let station = Station::new(servers, rate, rho * f64::from(servers) * rate);
            let response = Response::Station(station);
            let quantiles: Vec<f64> = [0.5, 0.9, 0.95, 0.99, 0.999].iter().map(|q| response.quantile(*q)).collect();
            prop_assert!(quantiles.windows(2).all(|w| w[0] <= w[1]), "{quantiles:?}");
            prop_assert!(quantiles[0] > 0.0 && quantiles[4].is_finite());
        }

        #[test]
        fn more_servers_never_raise_p99(servers in 1u32..32, load in 0.1f64..20.0) {
            let rate = 1.0;
            let arrival = load.min(f64::from(servers) * 0.95);
            let fewer = Response::Station(Station::new(servers, rate, arrival)).quantile(0.99);
            let more = Response::Station(Station::new(servers + 1, rate, arrival)).quantile(0.99);
            // Within the bisection's relative precision of 1e-8.
            prop_assert!(more <= fewer * (1.0 + 1e-7), "{more} > {fewer}");
        }
    }
}
