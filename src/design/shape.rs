//! Service-time shapes: the distribution a component's `latency` stands
//! for. A mean alone is taken as exponential (the M/M/c assumption);
//! measured percentiles are fitted by a lognormal, whose mean and squared
//! coefficient of variation (SCV) the capacity model reads.
//!
//! Why a lognormal: two quantiles fix its two parameters exactly (its
//! logarithm is normal, so `ln q_p = mu + sigma z_p` is a straight line in
//! the normal quantile `z_p`); it takes any SCV above 0, below 1 as well as
//! above (a balanced two-phase hyperexponential cannot go below 1, and
//! needs a third figure to fix its three parameters); and measured service
//! times are right-skewed with a long but not power-law tail, which is
//! what it has.

/// The shape of one replica's service time; its mean is the
/// [`ServiceModel`](super::ServiceModel)'s `latency`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ServiceShape {
    /// Only a mean was given: exponential, SCV 1.
    Exponential,
    /// Fitted to measured percentiles: `ln S` is normal with this
    /// standard deviation (its mean follows from the service's mean).
    Lognormal { sigma: f64 },
}

impl ServiceShape {
    /// The squared coefficient of variation `Var S / (E S)^2`.
    pub fn scv(self) -> f64 {
        match self {
            ServiceShape::Exponential => 1.0,
            ServiceShape::Lognormal { sigma } => (sigma * sigma).exp_m1(),
        }
    }

    /// P(S <= t) for a service of mean `mean`.
    pub fn cdf(self, mean: f64, t: f64) -> f64 {
        if t <= 0.0 {
            return 0.0;
        }
        match self {
            ServiceShape::Exponential => -(-t / mean).exp_m1(),
            ServiceShape::Lognormal { sigma } => {
                normal_cdf(((t / mean).ln() + 0.5 * sigma * sigma) / sigma)
            }
        }
    }

    /// `integral_0^t P(S > s) ds` for a service of mean `mean`: what a
    /// grid needs to place it by linear moment matching.
    pub fn integrated_survival(self, mean: f64, t: f64) -> f64 {
        if t <= 0.0 {
            return 0.0;
        }
        match self {
            ServiceShape::Exponential => -mean * (-t / mean).exp_m1(),
            ServiceShape::Lognormal { sigma } => {
                // t P(S > t) + E[S; S <= t], and E[S; S <= t] = mean
                // Phi(z - sigma) for z = (ln t - m) / sigma.
                let z = ((t / mean).ln() + 0.5 * sigma * sigma) / sigma;
                t * normal_cdf(-z) + mean * normal_cdf(z - sigma)
            }
        }
    }
}

/// A lognormal fitted to measured percentiles: least squares of `ln q`
/// on the normal quantile (exact through two of them).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LognormalFit {
    /// The mean of `ln S`.
    pub mu: f64,
    pub sigma: f64,
}

impl LognormalFit {
    /// `measured` holds (share, seconds) pairs, at least two, with the
    /// times increasing with the shares; shares are among [`PERCENTILES`].
    pub fn from_percentiles(measured: &[(f64, f64)]) -> LognormalFit {
        let points: Vec<(f64, f64)> = measured
            .iter()
            .map(|&(share, seconds)| (normal_quantile(share), seconds.ln()))
            .collect();
        let count = points.len() as f64;
        let z_mean = points.iter().map(|p| p.0).sum::<f64>() / count;
        let y_mean = points.iter().map(|p| p.1).sum::<f64>() / count;
        let spread: f64 = points.iter().map(|p| (p.0 - z_mean).powi(2)).sum();
        let together: f64 = points.iter().map(|p| (p.0 - z_mean) * (p.1 - y_mean)).sum();
        let sigma = together / spread;
        LognormalFit {
            mu: y_mean - sigma * z_mean,
            sigma,
        }
    }

    pub fn mean(self) -> f64 {
        (self.mu + 0.5 * self.sigma * self.sigma).exp()
    }

    pub fn quantile(self, share: f64) -> f64 {
        (self.mu + self.sigma * normal_quantile(share)).exp()
    }
}

/// The percentiles a design may give, with their shares and the standard
/// normal quantile of each (to 16 digits).
pub const PERCENTILES: [(&str, f64, f64); 5] = [
    ("p50", 0.50, 0.0),
    ("p90", 0.90, 1.281_551_565_544_600_5),
    ("p95", 0.95, 1.644_853_626_951_472_2),
    ("p99", 0.99, 2.326_347_874_040_841),
    ("p999", 0.999, 3.090_232_306_167_813_5),
];

/// The standard normal quantile of one of the [`PERCENTILES`]' shares.
fn normal_quantile(share: f64) -> f64 {
    PERCENTILES
        .iter()
        .find(|p| p.1 == share)
        .map(|p| p.2)
        .expect("a share of PERCENTILES")
}

/// The standard normal distribution function, `Phi(x) = erfc(-x/sqrt 2)/2`.
pub fn normal_cdf(x: f64) -> f64 {
    0.5 * erfc(-x / std::f64::consts::SQRT_2)
}

/// The complementary error function, with a relative error below 1.2e-7
/// everywhere (Press et al., Numerical Recipes in C, 2nd ed., 6.2:
/// Chebyshev fit `erfcc`).
fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let polynomial = -z * z - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let value = t * polynomial.exp();
    if x >= 0.0 { value } else { 2.0 - value }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_normal_distribution_function_matches_its_table() {
        // Abramowitz and Stegun, Table 26.1.
        for (x, phi) in [
            (0.0, 0.5),
            (1.0, 0.841_344_746_068_543),
            (1.959_963_984_540_054, 0.975),
            (-2.326_347_874_040_841, 0.01),
            (3.090_232_306_167_813_5, 0.999),
        ] {
            assert!((normal_cdf(x) - phi).abs() < 2e-7, "Phi({x})");
        }
    }

    #[test]
    fn two_percentiles_give_the_lognormal_they_came_from() {
        // A lognormal with mu = ln 4ms, sigma = 1: its p50 is 4ms and its
        // p99 4ms * e^2.326; mean e^(mu + 1/2), SCV e^1 - 1 (Johnson, Kotz
        // and Balakrishnan, Continuous Univariate Distributions, 14.3).
        let p99 = 0.004 * 2.326_347_874_040_841f64.exp();
        let fit = LognormalFit::from_percentiles(&[(0.5, 0.004), (0.99, p99)]);
        assert!((fit.mu - 0.004f64.ln()).abs() < 1e-12);
        assert!((fit.sigma - 1.0).abs() < 1e-12);
        assert!((fit.mean() - 0.004 * 0.5f64.exp()).abs() < 1e-15);
        let shape = ServiceShape::Lognormal { sigma: fit.sigma };
        assert!((shape.scv() - (1f64.exp() - 1.0)).abs() < 1e-12);
        // The fitted distribution gives the percentiles back.
        assert!((shape.cdf(fit.mean(), 0.004) - 0.5).abs() < 1e-7);
        assert!((shape.cdf(fit.mean(), p99) - 0.99).abs() < 1e-7);
        assert!((fit.quantile(0.9) / 0.004 - 1.281_551_565_544_600_5f64.exp()).abs() < 1e-9);
    }

    #[test]
    fn more_percentiles_are_fitted_by_least_squares() {
        // Three exact percentiles of one lognormal: the fit is exact.
        let fit = LognormalFit {
            mu: -5.0,
            sigma: 0.7,
        };
        let measured: Vec<(f64, f64)> = [0.5, 0.9, 0.999]
            .iter()
            .map(|&q| (q, fit.quantile(q)))
            .collect();
        let again = LognormalFit::from_percentiles(&measured);
        assert!((again.mu - fit.mu).abs() < 1e-12 && (again.sigma - fit.sigma).abs() < 1e-12);
    }

    #[test]
    fn the_integrated_survival_of_a_whole_distribution_is_its_mean() {
        for shape in [
            ServiceShape::Exponential,
            ServiceShape::Lognormal { sigma: 1.2 },
        ] {
            let total = shape.integrated_survival(0.01, 1e3);
            assert!((total - 0.01).abs() < 1e-9, "{shape:?}: {total}");
            // And its slope is the survival.
            let (t, h) = (0.013, 1e-7);
            let slope = (shape.integrated_survival(0.01, t + h)
                - shape.integrated_survival(0.01, t - h))
                / (2.0 * h);
            assert!((slope - (1.0 - shape.cdf(0.01, t))).abs() < 1e-5);
        }
    }
}
