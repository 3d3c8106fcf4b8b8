//! `blueprint report PATH`

use std::path::PathBuf;

use blueprint::capacity::DEFAULT_WALKS;
use blueprint::diagnostic::Severity;
use blueprint::report::{self, Input};
use clap::{Args, ValueEnum};

use super::check::{FailOn, date, single_design_options};
use super::load_design_with_source;
use super::render::emit;

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
    /// The verdict fails on findings at or above this severity [default: warning, or the config's]
    #[arg(long, value_enum)]
    fail_on: Option<FailOn>,
    /// Use this configuration instead of the nearest blueprint.toml
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Judge `until:` dates of suppressions as of this day (YYYY-MM-DD) [default: today]
    #[arg(long, value_name = "DATE", value_parser = date)]
    today: Option<String>,
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
    let review = blueprint::review_with(&analysis, &options, DEFAULT_WALKS);
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
    });
    let text = match args.format {
        Format::Html => report::html::render(&document),
        Format::Md => report::markdown::render(&document),
    };
    emit(&text, args.output.as_ref())
}
