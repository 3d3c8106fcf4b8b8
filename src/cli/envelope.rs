//! `blueprint envelope PATH`

use std::path::PathBuf;

use blueprint::capacity::envelope;
use blueprint::present::envelope::{render_json, render_text};
use clap::{Args, ValueEnum};

use super::{SUCCESS, fail, load_design, print_for_people, print_stdout};

#[derive(Args, Debug)]
pub struct EnvelopeArgs {
    /// The design file, or `-` for standard input
    path: PathBuf,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Format {
    Table,
    Json,
}

pub fn run(args: EnvelopeArgs) -> u8 {
    let analysis = match load_design(&args.path) {
        Ok(analysis) => analysis,
        Err(code) => return code,
    };
    let design = &analysis.design;
    let Some(workload) = &design.requirements.workload else {
        return fail(format!(
            "{} has no `requirements.workload`: give daily_active_users and requests_per_user_per_day, or reads and writes",
            args.path.display()
        ));
    };
    let figures = envelope::compute(design, &workload.value);
    match args.format {
        Format::Table => print_for_people(&render_text(&design.name.value, &figures)),
        Format::Json => print_stdout(&render_json(&figures)),
    }
    SUCCESS
}
