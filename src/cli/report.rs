//! `blueprint report PATH`

use std::path::PathBuf;

use blueprint::Analysis;
use blueprint::capacity::Estimate;
use blueprint::design::quantity::format_bytes;
use blueprint::diagnostic::Severity;
use blueprint::report::{self, Input};
use blueprint::simulate::{self, Simulation, TimedFailure};
use clap::{Args, ValueEnum};

use super::check::{FailOn, date, single_design_options};
use super::render::emit_document;
use super::simulate::{fit_default_run, note_shortened, run_with_progress};
use super::{fail, load_design_with_source};

#[derive(Args, Debug)]
pub struct ReportArgs {
    /// The design file, or `-` for standard input
    path: PathBuf,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Html)]
    format: Format,
    /// Write to this file (whole or not at all) instead of standard output
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// On a terminal without -o, replace an existing DESIGN.html (or .md)
    #[arg(long)]
    force: bool,
    /// The verdict fails on findings at or above this severity [default: warning, or the config's]
    #[arg(long, value_enum)]
    fail_on: Option<FailOn>,
    /// Use this configuration instead of the nearest blueprint.toml
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Judge `until:` dates of suppressions as of this day (YYYY-MM-DD) [default: today]
    #[arg(long, value_name = "DATE", value_parser = date)]
    today: Option<String>,
    /// Add a section that simulates the design (60 s after a 10 s warm-up, 5 replications, shortened to a budget of visits) beside the model
    #[arg(long)]
    simulate: bool,
    /// With --simulate: take down NAME, NAME:K or zone:Z during the run (TARGET@20s..40s); repeatable
    #[arg(long, value_name = "TARGET@FROM..UNTIL", value_parser = TimedFailure::parse, requires = "simulate")]
    fail: Vec<TimedFailure>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Format {
    /// One self-contained HTML file
    Html,
    /// Markdown, for a design document or a pull request
    Md,
}

pub fn run(args: ReportArgs) -> u8 {
    let (config, options) =
        match single_design_options(&args.path, args.config.as_deref(), args.today.clone()) {
            Ok(found) => found,
            Err(code) => return code,
        };
    let (analysis, source) = match load_design_with_source(&args.path) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let review = blueprint::review_with(&analysis, &options, true);
    let simulated = match (&review.estimate, args.simulate) {
        (Some(estimate), true) => match simulate(&analysis, estimate, args.fail) {
            Ok(simulation) => {
                let comparison = simulate::compare::compare(estimate, &simulation);
                Some((simulation, comparison))
            }
            Err(code) => return code,
        },
        (None, true) => {
            return fail(
                "cannot simulate: the design's load never settles (a loop through a queue multiplies its traffic)",
            );
        }
        (_, false) => None,
    };
    let path = args.path.to_string_lossy();
    let document = report::build(&Input {
        path: &path,
        source: &source,
        analysis: &analysis,
        estimate: review.estimate.as_ref(),
        findings: &review.findings,
        fail_on: args
            .fail_on
            .map(FailOn::severity)
            .or(config.fail_on)
            .unwrap_or(Severity::Warning),
        hot_utilization: options.settings.hot_utilization,
        simulation: simulated
            .as_ref()
            .map(|(run, comparison)| (run, comparison)),
    });
    let (text, extension) = match args.format {
        Format::Html => (report::html::render(&document), "html"),
        Format::Md => (report::markdown::render(&document), "md"),
    };
    if text.len() > report::max_bytes(source.len()) {
        return fail(format!(
            "the report would be {}, more than a review of a design of {} can need; nothing was written",
            format_bytes(text.len() as f64),
            format_bytes(source.len() as f64)
        ));
    }
    emit_document(
        &text,
        args.output.as_ref(),
        &args.path,
        extension,
        args.force,
    )
}

/// Runs the simulation with its defaults and the failures asked for.
fn simulate(
    analysis: &Analysis,
    estimate: &Estimate,
    failures: Vec<TimedFailure>,
) -> Result<Simulation, u8> {
    let options = simulate::Options {
        failures,
        ..simulate::Options::default()
    };
    let budget = simulate::DEFAULT_VISIT_BUDGET;
    let (options, shortened) = fit_default_run(analysis, estimate, options, budget)?;
    let started = std::time::Instant::now();
    let simulation = run_with_progress(analysis, estimate, &options).map_err(fail)?;
    if let Some(full_visits) = shortened {
        note_shortened(&options, full_visits, budget, started.elapsed());
    }
    Ok(simulation)
}
