//! One replica as an M/M/c station, and the response-time distributions
//! built on it: the exact M/M/c response time, the k-th fastest of f copies
//! (quorum waits), and mixtures of reads and writes. Each distribution gives
//! its CDF, mean and quantiles (by bisection on the CDF).

/// An M/M/c queue: `servers` servers, each serving at `service_rate`
/// (requests/s), with Poisson arrivals at `arrival_rate`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Station {
    pub servers: u32,
    pub service_rate: f64,
    pub arrival_rate: f64,
    /// Erlang C, computed once: every CDF evaluation and draw needs it.
    wait_probability: f64,
}

impl Station {
    pub fn new(servers: u32, service_rate: f64, arrival_rate: f64) -> Station {
        let offered_load = arrival_rate / service_rate;
        Station {
            servers,
            service_rate,
            arrival_rate,
            wait_probability: erlang_c(servers, offered_load),
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

    /// The rate of the exponential wait, given that there is one: `c mu - lambda`.
    fn wait_rate(&self) -> f64 {
        f64::from(self.servers) * self.service_rate - self.arrival_rate
    }

    /// Mean time in queue `Wq = C / (c mu - lambda)`.
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
}

/// Erlang B by its recurrence: `B(0) = 1`, `B(k) = a B(k-1) / (k + a B(k-1))`.
/// Stable for thousands of servers, where `a^c / c!` would overflow.
pub fn erlang_b(servers: u32, offered_load: f64) -> f64 {
    let mut blocking = 1.0;
    for k in 1..=servers {
        blocking = offered_load * blocking / (f64::from(k) + offered_load * blocking);
    }
    blocking
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
            Response::KthOf {
                station, copies, ..
            } => {
                if !self.is_finite() {
                    return f64::INFINITY;
                }
                // E[T] = integral of P(T > t) dt (Simpson's rule), over a
                // range that holds all but about 1e-12 of the mass: every
                // copy's tail decays at least as fast as its slowest rate.
                let slowest_rate = station.service_rate.min(station.wait_rate());
                let upper = (1e12 * f64::from(*copies) * 4.0).ln() / slowest_rate;
                let intervals = 128;
                let width = upper / f64::from(intervals);
                let survival = |i: u32| 1.0 - self.cdf(f64::from(i) * width);
                let inner: f64 = (1..intervals)
                    .map(|i| if i % 2 == 1 { 4.0 } else { 2.0 } * survival(i))
                    .sum();
                width / 3.0 * (survival(0) + inner + survival(intervals))
            }
            Response::Mix(parts) => {
                let total: f64 = parts.iter().map(|(w, _)| w).sum();
                parts.iter().map(|(w, r)| w * r.mean()).sum::<f64>() / total
            }
        }
    }

    /// The time by which a share `q` of responses are done.
    pub fn quantile(&self, q: f64) -> f64 {
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
        let (mut low, mut low_gap) = (0.0, -q);
        let mut high_gap = self.cdf(high) - q;
        let mut kept = 0i8;
        for _ in 0..200 {
            let middle = if high_gap > low_gap {
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
            if high - low <= 1e-8 * high || gap == 0.0 {
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

/// P(at least `k` of `n` independent events happen), each with probability `p`.
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
    // Larger n: sum the terms in log space so that they neither overflow
    // nor underflow.
    let (ln_p, ln_q) = (p.ln(), (1.0 - p).ln());
    let mut ln_choose = ln_binomial(n, k);
    let mut total = 0.0;
    for i in k..=n {
        total += (ln_choose + f64::from(i) * ln_p + f64::from(n - i) * ln_q).exp();
        if i < n {
            ln_choose += (f64::from(n - i)).ln() - (f64::from(i + 1)).ln();
        }
    }
    total.min(1.0)
}

fn ln_binomial(n: u32, k: u32) -> f64 {
    let k = k.min(n - k);
    (0..k)
        .map(|i| (f64::from(n - i)).ln() - (f64::from(i + 1)).ln())
        .sum()
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

    #[test]
    fn binomial_tails() {
        close(binomial_tail(3, 2, 0.9), 0.972, 1e-12);
        close(binomial_tail(2, 1, 0.999), 0.999_999, 1e-12);
        close(binomial_tail(1000, 1, 0.5), 1.0, 1e-12);
        assert_eq!(binomial_tail(3, 4, 0.9), 0.0);
    }

    proptest! {
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
