//! `blueprint estimate PATH`

use std::path::PathBuf;

use blueprint::capacity::failure::{TimedOutage, outage_duration};
use blueprint::capacity::{self, EstimateError, Options};
use blueprint::present::estimate::{assumptions_text, render_json, render_text};
use clap::{Args, ValueEnum};

use super::{SUCCESS, fail, load_design, print_for_people, print_stdout};

#[derive(Args, Debug)]
pub struct EstimateArgs {
    /// The design file, or `-` for standard input
    path: PathBuf,
    /// Multiply the entry load by X (1.5 = 50% more traffic)
    #[arg(long, value_name = "X", value_parser = positive_number)]
    load: Option<f64>,
    /// Set the total entry load, requests/s
    #[arg(long, value_name = "N", value_parser = positive_number)]
    rps: Option<f64>,
    /// Take down a component (NAME), K of its replicas (NAME:K) or a zone (zone:Z); repeatable.
    /// Add @DURATION (orders_worker@10m, zone:az1@10m, db:1@30s) for an outage that ends:
    /// the backlog it leaves and the time to drain it after recovery (simulate's
    /// @FROM..UNTIL is read as the same outage)
    #[arg(long, value_name = "TARGET[@DURATION]", value_parser = TimedOutage::parse)]
    fail: Vec<TimedOutage>,
    /// Also print the replicas each component needs to stay at or below U utilisation
    #[arg(long, value_name = "U", value_parser = fraction)]
    target_utilization: Option<f64>,
    /// Also list the defaults the figures rest on (assumed or derived values), with their components
    #[arg(long)]
    assumptions: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Format {
    Table,
    Json,
}

fn positive_number(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(value) if value.is_finite() && value > 0.0 => Ok(value),
        _ => Err(format!("`{text}` is not a number above zero")),
    }
}

fn fraction(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(value) if value > 0.0 && value <= 1.0 => Ok(value),
        _ => Err(format!(
            "`{text}` is not a utilisation between 0 and 1, such as 0.7"
        )),
    }
}

pub fn run(args: EstimateArgs) -> u8 {
    let analysis = match load_design(&args.path) {
        Ok(analysis) => analysis,
        Err(code) => return code,
    };
    let outage = match outage_duration(&args.fail) {
        Ok(outage) => outage,
        Err(message) => return fail(message),
    };
    let options = Options {
        load_multiplier: args.load.unwrap_or(1.0),
        entry_rps: args.rps,
        failures: args.fail.into_iter().map(|f| f.failure).collect(),
        quantiles: true,
        target_utilization: args.target_utilization,
        outage,
        retries: true,
    };
    let estimate = match capacity::estimate(&analysis.design, &analysis.ways, &options) {
        Ok(estimate) => estimate,
        Err(EstimateError::Failure(message)) => return fail(message),
        Err(EstimateError::Unbounded(unbounded)) => {
            let names: Vec<&str> = unbounded
                .components
                .iter()
                .map(|&id| analysis.design.components[id].name())
                .collect();
            return fail(format!(
                "the loop through {} never settles: each message makes at least one more",
                names.join(", ")
            ));
        }
    };
    // What the model freed goes back before the output is drawn.
    blueprint::allocator::release_freed_memory();
    match args.format {
        Format::Table => {
            let mut text = render_text(&analysis, &estimate);
            if args.assumptions {
                text.push('\n');
                text.push_str(&assumptions_text(&analysis.design));
            }
            print_for_people(&text)
        }
        Format::Json => print_stdout(&render_json(&analysis, &estimate)),
    }
    SUCCESS
}
