//! `blueprint simulate PATH`

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

use blueprint::Analysis;
use blueprint::capacity::{self, Estimate, EstimateError};
use blueprint::design::quantity::{format_count, format_duration, parse_duration};
use blueprint::present::simulate::{render_json, render_text};
use blueprint::simulate::{
    self, Arrivals, Options, Progress, ServiceTime, SimulateError, Simulation, TimedFailure,
};
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::{SUCCESS, fail, load_design, print_for_people, print_stderr, print_stdout};

#[derive(Args, Debug)]
pub struct SimulateArgs {
    /// The design file, or `-` for standard input
    path: PathBuf,
    /// Simulated time measured, after the warm-up (e.g. 60s, 10m) [default: 60s, shortened to fit --budget]
    #[arg(long, value_name = "TIME", value_parser = measured_time)]
    duration: Option<f64>,
    /// Simulated time run first and not measured (0 for none) [default: 10s, shortened with the duration]
    #[arg(long, value_name = "TIME", value_parser = warmup_time)]
    warmup: Option<f64>,
    /// Without --duration: the most component visits to simulate (a few seconds of work); the default times shrink to fit
    #[arg(long, value_name = "VISITS", value_parser = visit_budget)]
    budget: Option<f64>,
    /// Independent runs, in parallel; one seed each (1 takes intervals from batches of the run)
    #[arg(long, value_name = "N", default_value_t = simulate::DEFAULT_REPLICATIONS, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    replications: u32,
    /// How requests arrive at every client [default: each client's `arrivals.burstiness`, Poisson where none is given]
    #[arg(long, value_enum)]
    arrivals: Option<ArrivalsArg>,
    /// Service time distribution around every component's latency: exp, det or lognormal:CV [default: each component's own, lognormal where `latency` gives percentiles, exponential where a mean]
    #[arg(long, value_name = "DIST", value_parser = ServiceTime::parse)]
    service: Option<ServiceTime>,
    /// Thread-per-request services and workers: a server waits for its callees (balancers, gateways and CDNs stay event-driven)
    #[arg(long)]
    blocking: bool,
    /// Take down NAME, NAME:K or zone:Z at a time after the warm-up, until another (TARGET@60s..3m); repeatable
    #[arg(long, value_name = "TARGET@FROM..UNTIL", value_parser = TimedFailure::parse)]
    fail: Vec<TimedFailure>,
    /// Multiply the entry load by X
    #[arg(long, value_name = "X", value_parser = positive_number)]
    load: Option<f64>,
    /// Set the total entry load, requests/s
    #[arg(long, value_name = "N", value_parser = positive_number)]
    rps: Option<f64>,
    /// Seed of the simulation
    #[arg(long, default_value_t = blueprint::simulate::DEFAULT_SEED)]
    seed: u64,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum ArrivalsArg {
    Constant,
    Poisson,
    Bursty,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Format {
    Table,
    Json,
}

/// The longest simulated time accepted: a day.
const MAX_TIME: f64 = 86_400.0;

fn measured_time(text: &str) -> Result<f64, String> {
    match parse_duration(text) {
        Ok(seconds) if (0.001..=MAX_TIME).contains(&seconds) => Ok(seconds),
        Ok(_) => Err(format!("`{text}`: give a time between 1ms and 1d")),
        Err(_) => Err(format!(
            "`{text}` is not a time such as `60s`, `10m` or `1h`"
        )),
    }
}

fn warmup_time(text: &str) -> Result<f64, String> {
    if text
        .trim_end_matches(|c: char| c.is_ascii_alphabetic())
        .parse::<f64>()
        == Ok(0.0)
    {
        return Ok(0.0);
    }
    measured_time(text)
}

fn visit_budget(text: &str) -> Result<f64, String> {
    match blueprint::design::quantity::parse_count(text) {
        Ok(visits) if visits >= 1000.0 => Ok(visits),
        _ => Err(format!(
            "`{text}` is not a number of visits of at least 1000, such as `30M`"
        )),
    }
}

/// How many times its budget of visits a default run may simulate before it
/// refuses new requests.
const VISIT_LIMIT_PER_BUDGET: f64 = 3.0;

/// Fits a run with the default duration into `budget` component visits
/// (see [`Options::within_budget`]); gives the visits the full default run
/// would have taken when it was shortened.
pub(super) fn fit_default_run(
    analysis: &Analysis,
    estimate: &Estimate,
    options: Options,
    budget: f64,
) -> Result<(Options, Option<f64>), u8> {
    let visits = simulate::planned_visits(analysis, estimate, &options).map_err(fail)?;
    let fitted = options.within_budget(visits, budget);
    let shortened = (fitted != options).then_some(visits);
    // The model's expectation may be far off (retries under timeouts
    // multiply the work): the run itself stops taking requests at a few
    // times the budget.
    let fitted = Options {
        visit_limit: Some((VISIT_LIMIT_PER_BUDGET * budget) as u64),
        ..fitted
    };
    Ok((fitted, shortened))
}

/// Tells, after a run shortened to fit its budget, what was run and how
/// long the full default run would take at the speed just seen.
pub(super) fn note_shortened(options: &Options, full_visits: f64, budget: f64, took: Duration) {
    let planned = full_visits * (options.duration + options.warmup)
        / (simulate::DEFAULT_DURATION + simulate::DEFAULT_WARMUP);
    let full = took.as_secs_f64() * full_visits / planned.max(1.0);
    print_stderr(&format!(
        "note: simulated {} after a {} warm-up instead of the default {} after {}: the default run is about {} component visits, more than the budget of {}. This run took {}; the full one would take about {} (`--duration {}` runs it, `--budget` moves the limit).\n",
        format_duration(options.duration),
        format_duration(options.warmup),
        format_duration(simulate::DEFAULT_DURATION),
        format_duration(simulate::DEFAULT_WARMUP),
        format_count(full_visits),
        format_count(budget),
        format_duration(took.as_secs_f64()),
        format_duration(full),
        format_duration(simulate::DEFAULT_DURATION),
    ));
}

fn positive_number(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(value) if value.is_finite() && value > 0.0 => Ok(value),
        _ => Err(format!("`{text}` is not a number above zero")),
    }
}

/// Runs the simulation, with a progress bar on standard error drawn only
/// on a terminal and only once the run has lasted a second.
pub(super) fn run_with_progress(
    analysis: &Analysis,
    estimate: &Estimate,
    options: &Options,
) -> Result<Simulation, SimulateError> {
    let progress = Progress::default();
    let done = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|scope| {
        scope.spawn(|| watch_progress(&progress, options.total_seconds(), &done));
        let result = simulate::run(analysis, estimate, options, &progress);
        done.store(true, std::sync::atomic::Ordering::Relaxed);
        result
    })
}

fn watch_progress(progress: &Progress, total: f64, done: &std::sync::atomic::AtomicBool) {
    use std::sync::atomic::Ordering;
    if !std::io::stderr().is_terminal() {
        return;
    }
    let started = std::time::Instant::now();
    let bar = ProgressBar::with_draw_target(Some(1000), ProgressDrawTarget::hidden());
    bar.set_style(
        ProgressStyle::with_template("simulating {bar:40} {percent}% ({eta} left)")
            .expect("the template is valid"),
    );
    while !done.load(Ordering::Relaxed) {
        std::thread::sleep(Duration::from_millis(100));
        if bar.is_hidden() && started.elapsed() >= Duration::from_secs(1) {
            bar.set_draw_target(ProgressDrawTarget::stderr());
        }
        let fraction = (progress.simulated_seconds() / total).clamp(0.0, 1.0);
        bar.set_position((fraction * 1000.0) as u64);
    }
    bar.finish_and_clear();
}

pub fn run(args: SimulateArgs) -> u8 {
    let analysis = match load_design(&args.path) {
        Ok(analysis) => analysis,
        Err(code) => return code,
    };
    let model_options = capacity::Options {
        load_multiplier: args.load.unwrap_or(1.0),
        entry_rps: args.rps,
        ..capacity::Options::default()
    };
    let estimate = match capacity::estimate(&analysis.design, &analysis.ways, &model_options) {
        Ok(estimate) => estimate,
        Err(EstimateError::Failure(message)) => return fail(message),
        Err(EstimateError::Unbounded(_)) => {
            return fail(
                "a loop through a queue never settles: each message makes at least one more",
            );
        }
    };
    let options = Options {
        duration: args.duration.unwrap_or(simulate::DEFAULT_DURATION),
        warmup: args.warmup.unwrap_or(simulate::DEFAULT_WARMUP),
        replications: args.replications,
        arrivals: match args.arrivals {
            Some(ArrivalsArg::Constant) => Arrivals::Constant,
            Some(ArrivalsArg::Poisson) => Arrivals::Poisson,
            Some(ArrivalsArg::Bursty) => Arrivals::Bursty,
            None => Arrivals::Designed,
        },
        service: args.service.unwrap_or(ServiceTime::Designed),
        blocking: args.blocking,
        failures: args.fail,
        seed: args.seed,
        visit_limit: None,
    };
    let budget = args.budget.unwrap_or(simulate::DEFAULT_VISIT_BUDGET);
    let (options, shortened) = if args.duration.is_none() && args.warmup.is_none() {
        match fit_default_run(&analysis, &estimate, options, budget) {
            Ok(fitted) => fitted,
            Err(code) => return code,
        }
    } else {
        (options, None)
    };
    let started = std::time::Instant::now();
    let simulation = match run_with_progress(&analysis, &estimate, &options) {
        Ok(simulation) => simulation,
        Err(error) => return fail(error),
    };
    if let Some(full_visits) = shortened {
        note_shortened(&options, full_visits, budget, started.elapsed());
    }
    let comparison = simulate::compare::compare(&estimate, &simulation);
    match args.format {
        Format::Table => print_for_people(&render_text(&analysis, &simulation, &comparison)),
        Format::Json => print_stdout(&render_json(&analysis, &estimate, &simulation, &comparison)),
    }
    SUCCESS
}
