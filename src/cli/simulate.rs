//! `blueprint simulate PATH`

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

use blueprint::Analysis;
use blueprint::capacity::{self, Estimate, EstimateError};
use blueprint::design::quantity::parse_duration;
use blueprint::present::simulate::{render_json, render_text};
use blueprint::simulate::{
    self, Arrivals, Options, Progress, ServiceTime, SimulateError, Simulation, TimedFailure,
};
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::{SUCCESS, fail, load_design, print_stdout};

#[derive(Args, Debug)]
pub struct SimulateArgs {
    /// The design file, or `-` for standard input
    path: PathBuf,
    /// Simulated time measured, after the warm-up (e.g. 60s, 10m)
    #[arg(long, value_name = "TIME", default_value = "60s", value_parser = measured_time)]
    duration: f64,
    /// Simulated time run first and not measured (0 for none)
    #[arg(long, value_name = "TIME", default_value = "10s", value_parser = warmup_time)]
    warmup: f64,
    /// Independent runs, in parallel; one seed each (1 takes intervals from batches of the run)
    #[arg(long, value_name = "N", default_value_t = simulate::DEFAULT_REPLICATIONS, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    replications: u32,
    /// How requests arrive at the clients
    #[arg(long, value_enum, default_value_t = ArrivalsArg::Poisson)]
    arrivals: ArrivalsArg,
    /// Service time distribution around each component's latency: exp, det or lognormal:CV
    #[arg(long, value_name = "DIST", default_value = "exp", value_parser = ServiceTime::parse)]
    service: ServiceTime,
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
        duration: args.duration,
        warmup: args.warmup,
        replications: args.replications,
        arrivals: match args.arrivals {
            ArrivalsArg::Constant => Arrivals::Constant,
            ArrivalsArg::Poisson => Arrivals::Poisson,
            ArrivalsArg::Bursty => Arrivals::Bursty,
        },
        service: args.service,
        blocking: args.blocking,
        failures: args.fail,
        seed: args.seed,
    };
    let simulation = match run_with_progress(&analysis, &estimate, &options) {
        Ok(simulation) => simulation,
        Err(error) => return fail(error),
    };
    let comparison = simulate::compare::compare(&estimate, &simulation);
    match args.format {
        Format::Table => print_stdout(&render_text(&analysis, &simulation, &comparison)),
        Format::Json => print_stdout(&render_json(&analysis, &estimate, &simulation, &comparison)),
    }
    SUCCESS
}
