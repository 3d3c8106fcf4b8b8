//! `blueprint render PATH`

use std::path::{Path, PathBuf};

use blueprint::capacity::{self, Options};
use blueprint::files;
use blueprint::render::{self, diagram};
use blueprint::suggest::{did_you_mean, one_of};
use blueprint::ways::Ways;
use clap::{Args, ValueEnum};

use super::check::single_design_options;
use super::{SUCCESS, fail, is_stdin, load_design, print_stdout};

#[derive(Args, Debug)]
pub struct RenderArgs {
    /// The design file, or `-` for standard input
    path: PathBuf,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Svg)]
    format: Format,
    /// Write to this file (whole or not at all) instead of standard output
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Label components with their load, utilisation and p99, coloured by utilisation
    #[arg(long)]
    annotate: bool,
    /// Which way the request flows
    #[arg(long, value_enum, default_value_t = DirectionArg::Tb)]
    direction: DirectionArg,
    /// Highlight the way of this operation and dim the rest
    #[arg(long, value_name = "NAME")]
    operation: Option<String>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Format {
    /// A Mermaid flowchart
    Mermaid,
    /// Graphviz DOT
    Dot,
    /// D2 (d2lang.com)
    D2,
    /// The LikeC4 DSL (a `.c4` file with a view of the design)
    #[value(name = "likec4")]
    LikeC4,
    /// SVG, laid out by blueprint
    Svg,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum DirectionArg {
    /// Top to bottom
    Tb,
    /// Left to right
    Lr,
}

/// Writes the command's result to `-o FILE` or standard output; never
/// over `input`, the design it was made from.
pub fn emit(text: &str, output: Option<&PathBuf>, input: &Path) -> u8 {
    match output {
        None => {
            print_stdout(text);
            SUCCESS
        }
        Some(path) => {
            let input = (!is_stdin(input)).then_some(input);
            match files::write_output(path, text.as_bytes(), input) {
                Ok(()) => SUCCESS,
                Err(error) => fail(format!("cannot write {}: {error}", path.display())),
            }
        }
    }
}

pub fn run(args: RenderArgs) -> u8 {
    // The badges show what `check` would report with the same blueprint.toml.
    let (_, options) = match single_design_options(&args.path, None, None) {
        Ok(found) => found,
        Err(code) => return code,
    };
    let analysis = match load_design(&args.path) {
        Ok(analysis) => analysis,
        Err(code) => return code,
    };
    let operation = match args.operation.as_deref().map(|name| {
        analysis
            .ways
            .operation_named(name)
            .ok_or_else(|| unknown_operation(&analysis.ways, name))
    }) {
        None => None,
        Some(Ok(operation)) => Some(operation),
        Some(Err(code)) => return code,
    };
    let estimate = match capacity::estimate(
        &analysis.design,
        &analysis.ways,
        &Options {
            quantiles: false,
            ..Options::default()
        },
    ) {
        Ok(estimate) => estimate,
        Err(_) => {
            return fail(
                "the design's load never settles (a loop through a queue multiplies its traffic); see `blueprint check`",
            );
        }
    };
    let findings = blueprint::findings(&analysis, &estimate, &options);
    let direction = match args.direction {
        DirectionArg::Tb => diagram::Direction::TopToBottom,
        DirectionArg::Lr => diagram::Direction::LeftToRight,
    };
    let mut drawing = diagram::build(
        &analysis.design,
        &analysis.topology,
        args.annotate.then_some(&estimate),
        &findings,
        direction,
        options.settings.hot_utilization,
    );
    if let Some(operation) = operation {
        drawing.highlight(&analysis.ways, operation);
    }
    let format = match args.format {
        Format::Mermaid => render::Format::Mermaid,
        Format::Dot => render::Format::Dot,
        Format::D2 => render::Format::D2,
        Format::LikeC4 => render::Format::LikeC4,
        Format::Svg => render::Format::Svg,
    };
    emit(
        &render::render(&drawing, format),
        args.output.as_ref(),
        &args.path,
    )
}

/// An `--operation` the design does not have: exit 2, naming the ones it has.
fn unknown_operation(ways: &Ways, name: &str) -> u8 {
    let names: Vec<&str> = ways.operations.iter().map(|o| o.name.as_str()).collect();
    let hint = did_you_mean(name, names.iter().copied())
        .map(|s| format!(" (did you mean `{s}`?)"))
        .unwrap_or_default();
    let implicit = if ways.declared() {
        ""
    } else {
        " (the design declares none: one per client, named after it)"
    };
    fail(format!(
        "the design has no operation `{name}`{hint}; `--operation` takes one of {}{implicit}",
        one_of(&names)
    ))
}
