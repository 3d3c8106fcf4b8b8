//! Response-time distributions on a grid (capacity-model.md, section 5):
//! the probability masses of a time at the points `0, h, 2h, ...` of one
//! grid, and the few operations a call tree needs on them: sums
//! (convolution), the slowest of n (a power of the distribution function),
//! mixtures, and the discretisation of a station's exact distribution.
//!
//! A time is put on the grid by linear moment matching (Gerber, "On the
//! numerical evaluation of the distribution of aggregate claims", 1982;
//! De Vylder and Goovaerts, 1988): the mass of the cell `[ih, (i+1)h]`
//! is split between its two ends so that the mean is kept exactly, so a sum
//! of grid times has the exact mean of the sum and its quantiles err by a
//! fraction of a cell, not by the cell's width times the number of terms.
//!
//! A grid ends at a point `n - 1`: what lies beyond is kept only as the mass
//! missing from the total (a time longer than the grid). Every operation
//! here gives the exact masses below the end from the masses below the end
//! of its inputs (times are never negative), so a grid shorter than the
//! whole distribution still gives exact quantiles inside it.

use std::sync::Arc;

use realfft::RealFftPlanner;
use realfft::num_complex::Complex;

use super::station::{Response, Station};
use crate::design::ServiceShape;

/// Masses below this are dropped from the end of a distribution: what FFT
/// rounding leaves where there is nothing, far below any share a quantile
/// asks about.
const NEGLIGIBLE: f64 = 1e-15;
/// Below this many products a direct convolution beats the FFT (measured
/// on the benches' shapes: a 4,096-point FFT convolution costs about as
/// much as 60,000 multiply-adds).
const DIRECT_LIMIT: usize = 60_000;

/// A grid: `points` points `step` apart, from 0.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Grid {
    pub step: f64,
    pub points: usize,
}

impl Grid {
    /// The end of the grid, where its last point lies.
    pub fn end(&self) -> f64 {
        self.step * (self.points - 1) as f64
    }
}

/// A response time on a grid.
#[derive(Clone, Debug, PartialEq)]
pub struct Lattice {
    /// The mass at each point, from 0; trailing zeros trimmed.
    pub masses: Vec<f64>,
    /// The exact chance of no time at all (an atom at 0 that the grid's
    /// point 0 shares with times shorter than half a step).
    pub zero: f64,
}

impl Lattice {
    /// No time at all.
    pub fn zero() -> Lattice {
        Lattice {
            masses: vec![1.0],
            zero: 1.0,
        }
    }

    fn trimmed(mut masses: Vec<f64>, zero: f64) -> Lattice {
        for mass in &mut masses {
            if *mass < NEGLIGIBLE {
                *mass = 0.0;
            }
        }
        while masses.len() > 1 && masses.last() == Some(&0.0) {
            masses.pop();
        }
        if masses.is_empty() {
            masses.push(0.0);
        }
        Lattice { masses, zero }
    }

    /// The mass on the grid (1 less what lies beyond its end).
    pub fn total(&self) -> f64 {
        self.masses.iter().sum()
    }

    /// The mean of the masses on the grid; the mass beyond the end counts
    /// at the end, so this is a lower bound by at most that mass times how
    /// far beyond it lies.
    pub fn mean(&self, grid: Grid) -> f64 {
        let on_grid: f64 = self
            .masses
            .iter()
            .enumerate()
            .map(|(i, m)| i as f64 * m)
            .sum::<f64>()
            * grid.step;
        on_grid + (1.0 - self.total()).max(0.0) * grid.end()
    }
}

/// A finished distribution, read as a function: the mass of point `i`
/// stands for the times around it, so the running sum up to `i` is the
/// distribution function half a step later; linear in between, from the
/// exact atom at 0.
#[derive(Clone, Debug, PartialEq)]
pub struct Curve {
    pub grid: Grid,
    zero: f64,
    /// `(t, F(t))`: `(0, zero)`, then `((i + 1/2) h, masses[..=i] summed)`.
    knots: Vec<(f64, f64)>,
}

impl Curve {
    pub fn new(lattice: &Lattice, grid: Grid) -> Curve {
        let mut knots = Vec::with_capacity(lattice.masses.len() + 1);
        knots.push((0.0, lattice.zero));
        let mut running = 0.0;
        for (i, mass) in lattice.masses.iter().enumerate() {
            running += mass;
            knots.push(((i as f64 + 0.5) * grid.step, running.max(lattice.zero)));
        }
        Curve {
            grid,
            zero: lattice.zero,
            knots,
        }
    }

    /// The share on the grid: 1 less what lies beyond its end.
    pub fn total(&self) -> f64 {
        self.knots.last().map_or(0.0, |k| k.1)
    }

    /// P(time <= t), exact to the grid's precision up to its end; beyond
    /// it, the share on the grid.
    pub fn cdf(&self, t: f64) -> f64 {
        if t < 0.0 {
            return 0.0;
        }
        let after = self.knots.partition_point(|k| k.0 <= t);
        if after >= self.knots.len() {
            return self.total();
        }
        let (t0, c0) = self.knots[after - 1];
        let (t1, c1) = self.knots[after];
        c0 + (c1 - c0) * (t - t0) / (t1 - t0)
    }

    /// The time by which a share `q` is done; none when beyond the grid.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        if q <= self.zero {
            return Some(0.0);
        }
        let after = self.knots.partition_point(|k| k.1 < q);
        let &(t1, c1) = self.knots.get(after)?;
        let (t0, c0) = self.knots[after - 1];
        let share = if c1 > c0 { (q - c0) / (c1 - c0) } else { 1.0 };
        Some(t0 + (t1 - t0) * share.clamp(0.0, 1.0))
    }
}

/// Puts a station's response time (or a quorum of copies) on the grid, by
/// linear moment matching: the mass of point `i` is `G(i+1) - 2G(i) +
/// G(i-1)` where `G(t) = (1/h) integral_0^t F`, written with the
/// integrated survival `K(t) = integral_0^t (1 - F)` so that nothing
/// grows with t.
pub fn discretise(response: &Response, grid: Grid) -> Lattice {
    match response {
        Response::Zero => Lattice::zero(),
        Response::Station(station) if station.variability.service != ServiceShape::Exponential => {
            lognormal_station(station, grid)
        }
        Response::Station(station) => {
            let parts = Exponentials::of(station);
            from_integrated_survival(
                grid,
                |t| parts.integrated_survival(t),
                |t| parts.survival(t),
            )
        }
        Response::KthOf { .. } | Response::Mix(_) => {
            let integral = NumericIntegral::new(response, grid);
            from_integrated_survival(grid, |t| integral.at(t), |t| 1.0 - response.cdf(t))
        }
    }
}

/// A station with a lognormal service: the service and the wait (none
/// with chance 1 - C, else exponential) each put on the grid from their
/// integrated survivals, which have closed forms, then added.
fn lognormal_station(station: &Station, grid: Grid) -> Lattice {
    let mean = 1.0 / station.service_rate;
    let shape = station.variability.service;
    let service = from_integrated_survival(
        grid,
        |t| shape.integrated_survival(mean, t),
        |t| 1.0 - shape.cdf(mean, t),
    );
    let chance = station.wait_probability();
    if chance <= 0.0 {
        return service;
    }
    let theta = station.wait_rate();
    let wait = from_integrated_survival(
        grid,
        |t| chance * -(-theta * t).exp_m1() / theta,
        |t| chance * (-theta * t).exp(),
    );
    Convolver::default().sum(&service, &wait, grid)
}

fn from_integrated_survival(
    grid: Grid,
    integrated: impl Fn(f64) -> f64,
    survival: impl Fn(f64) -> f64,
) -> Lattice {
    let h = grid.step;
    let mut masses = Vec::new();
    let mut before = 0.0;
    let mut here = integrated(h);
    masses.push(1.0 - here / h);
    for i in 1..grid.points {
        if survival((i - 1) as f64 * h) < NEGLIGIBLE {
            break;
        }
        let after = integrated((i + 1) as f64 * h);
        masses.push(((2.0 * here - before - after) / h).max(0.0));
        before = here;
        here = after;
    }
    Lattice::trimmed(masses, 0.0)
}

/// A station's survival as weighted exponentials: `sum w_j e^{-r_j t}`,
/// plus, where the wait's and the service's rates coincide, an Erlang-2
/// term `w e^{-r t} (1 + r t)`.
struct Exponentials {
    terms: Vec<(f64, f64)>,
    erlang2: Option<(f64, f64)>,
}

impl Exponentials {
    fn of(station: &Station) -> Exponentials {
        let mu = station.service_rate;
        let wait = station.wait_probability();
        let mut terms = vec![(1.0 - wait, mu)];
        let mut erlang2 = None;
        if wait > 0.0 {
            let theta = station.wait_rate();
            // Wait + service: hypoexponential of theta and mu; when the two
            // rates are this close its two terms cancel, and the Erlang-2
            // of their mean rate is exact to the same digits.
            if ((theta - mu) / mu).abs() < 1e-4 {
                erlang2 = Some((wait, 0.5 * (theta + mu)));
            } else {
                terms.push((wait * mu / (mu - theta), theta));
                terms.push((-wait * theta / (mu - theta), mu));
            }
        }
        Exponentials { terms, erlang2 }
    }

    fn survival(&self, t: f64) -> f64 {
        let mut total: f64 = self.terms.iter().map(|(w, r)| w * (-r * t).exp()).sum();
        if let Some((w, r)) = self.erlang2 {
            total += w * (-r * t).exp() * (1.0 + r * t);
        }
        total
    }

    /// `integral_0^t survival`.
    fn integrated_survival(&self, t: f64) -> f64 {
        let mut total: f64 = self
            .terms
            .iter()
            .map(|(w, r)| w * -(-r * t).exp_m1() / r)
            .sum();
        if let Some((w, r)) = self.erlang2 {
            total += w * (-2.0 * (-r * t).exp_m1() / r - t * (-r * t).exp());
        }
        total
    }
}

/// `integral_0^t (1 - F)` of a distribution known only by its function,
/// by Simpson's rule on steps fine enough for its fastest rate, summed
/// once along the grid.
struct NumericIntegral {
    /// The integral at each grid point, up to where the survival vanishes.
    at_points: Vec<f64>,
    step: f64,
}

impl NumericIntegral {
    fn new(response: &Response, grid: Grid) -> NumericIntegral {
        let fastest = fastest_rate(response);
        // Sixteen Simpson panels per time scale of the fastest rate: the
        // error of each is below 1e-9 of its share.
        let panels = ((grid.step * fastest * 16.0).ceil() as usize).clamp(2, 4096);
        let panels = panels + panels % 2;
        let width = grid.step / panels as f64;
        let survival = |t: f64| 1.0 - response.cdf(t);
        let mut at_points = vec![0.0];
        let mut total = 0.0;
        for i in 0..=grid.points {
            let start = i as f64 * grid.step;
            let mut cell = survival(start) + survival(start + grid.step);
            for j in 1..panels {
                let weight = if j % 2 == 1 { 4.0 } else { 2.0 };
                cell += weight * survival(start + j as f64 * width);
            }
            total += cell * width / 3.0;
            at_points.push(total);
            if survival(start + grid.step) < NEGLIGIBLE {
                break;
            }
        }
        NumericIntegral {
            at_points,
            step: grid.step,
        }
    }

    /// At a grid point `t` (beyond the last one computed the survival is
    /// nil, so the integral no longer grows).
    fn at(&self, t: f64) -> f64 {
        let index = (t / self.step).round() as usize;
        self.at_points[index.min(self.at_points.len() - 1)]
    }
}

fn fastest_rate(response: &Response) -> f64 {
    match response {
        Response::Zero => 0.0,
        Response::Station(station) | Response::KthOf { station, .. } => station.fastest_rate(),
        Response::Mix(parts) => parts
            .iter()
            .map(|(_, r)| fastest_rate(r))
            .fold(0.0, f64::max),
    }
}

/// Convolutions with plans kept between them.
pub struct Convolver {
    planner: RealFftPlanner<f64>,
}

impl Default for Convolver {
    fn default() -> Self {
        Convolver {
            planner: RealFftPlanner::new(),
        }
    }
}

impl Convolver {
    /// The sum of two independent times, cut at the grid's end.
    pub fn sum(&mut self, a: &Lattice, b: &Lattice, grid: Grid) -> Lattice {
        let length = (a.masses.len() + b.masses.len() - 1).min(grid.points);
        let masses = if a.masses.len().min(b.masses.len()) == 1
            || a.masses.len() * b.masses.len() <= DIRECT_LIMIT
        {
            direct(&a.masses, &b.masses, length)
        } else {
            self.by_fft(&a.masses, &b.masses, length)
        };
        Lattice::trimmed(masses, a.zero * b.zero)
    }

    fn by_fft(&mut self, a: &[f64], b: &[f64], length: usize) -> Vec<f64> {
        let size = (a.len() + b.len() - 1).next_power_of_two();
        let forward = self.planner.plan_fft_forward(size);
        let inverse = self.planner.plan_fft_inverse(size);
        let spectrum = |input: &[f64], plan: &Arc<dyn realfft::RealToComplex<f64>>| {
            let mut padded = vec![0.0; size];
            padded[..input.len()].copy_from_slice(input);
            let mut out = plan.make_output_vec();
            plan.process(&mut padded, &mut out)
                .expect("buffers are of the plan's sizes");
            out
        };
        let first = spectrum(a, &forward);
        let second = spectrum(b, &forward);
        let scale = 1.0 / size as f64;
        let mut product: Vec<Complex<f64>> = first
            .iter()
            .zip(&second)
            .map(|(x, y)| x * y * scale)
            .collect();
        // The DC and Nyquist terms of a real signal's spectrum are real;
        // rounding must not make them otherwise for the inverse.
        product[0].im = 0.0;
        if let Some(last) = product.last_mut() {
            last.im = 0.0;
        }
        let mut out = inverse.make_output_vec();
        inverse
            .process(&mut product, &mut out)
            .expect("buffers are of the plan's sizes");
        out.truncate(length);
        out
    }

    /// The sum of `count` independent copies of a time, by repeated
    /// squaring.
    pub fn power(&mut self, base: &Lattice, count: u32, grid: Grid) -> Lattice {
        let mut result: Option<Lattice> = None;
        let mut square = base.clone();
        let mut left = count;
        loop {
            if left & 1 == 1 {
                result = Some(match result {
                    None => square.clone(),
                    Some(so_far) => self.sum(&so_far, &square, grid),
                });
            }
            left >>= 1;
            if left == 0 {
                break;
            }
            square = self.sum(&square, &square, grid);
        }
        result.unwrap_or_else(Lattice::zero)
    }
}

fn direct(a: &[f64], b: &[f64], length: usize) -> Vec<f64> {
    let mut out = vec![0.0; length];
    for (i, x) in a.iter().enumerate().take(length) {
        if *x == 0.0 {
            continue;
        }
        for (slot, y) in out[i..].iter_mut().zip(b) {
            *slot += x * y;
        }
    }
    out
}

/// The slowest of `count` independent copies: its distribution function
/// is the copy's to the power `count`.
pub fn slowest_of(base: &Lattice, count: u32) -> Lattice {
    let mut running = 0.0;
    let mut previous = 0.0;
    let masses = base
        .masses
        .iter()
        .map(|mass| {
            running += mass;
            let now = running.min(1.0).powi(count as i32);
            let mass = now - previous;
            previous = now;
            mass
        })
        .collect();
    Lattice::trimmed(masses, base.zero.powi(count as i32))
}

/// A mixture: each time with its chance.
pub fn mixture(parts: &[(f64, &Lattice)]) -> Lattice {
    let length = parts.iter().map(|(_, l)| l.masses.len()).max().unwrap_or(1);
    let mut masses = vec![0.0; length];
    let mut zero = 0.0;
    for (weight, lattice) in parts {
        for (slot, mass) in masses.iter_mut().zip(&lattice.masses) {
            *slot += weight * mass;
        }
        zero += weight * lattice.zero;
    }
    Lattice::trimmed(masses, zero)
}
