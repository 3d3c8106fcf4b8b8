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
    /// On a terminal without -o, replace an existing DESIGN.svg (or .dot, .mmd, ...)
    #[arg(long)]
    force: bool,
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

/// Writes a document (a drawing, a report): to `-o FILE`; piped, to
/// standard output; on a terminal, where pages of SVG or HTML help no one,
/// to `DESIGN.EXT` in the current folder, never over an existing file
/// without `--force`, saying where it went.
pub fn emit_document(
    text: &str,
    output: Option<&PathBuf>,
    design: &Path,
    extension: &str,
    force: bool,
) -> u8 {
    use std::io::IsTerminal;
    if output.is_some() || !std::io::stdout().is_terminal() {
        return emit(text, output, design);
    }
    let stem = design
        .file_stem()
        .filter(|_| design.as_os_str() != "-")
        .map_or_else(|| "design".into(), |s| s.to_string_lossy().into_owned());
    let path = PathBuf::from(format!("{stem}.{extension}"));
    let written = if force {
        files::write_output(
            &path,
            text.as_bytes(),
            (!is_stdin(design)).then_some(design),
        )
    } else {
        files::write_new_atomically(&path, text.as_bytes()).map_err(files::WriteError::from)
    };
    match written {
        Ok(()) => {
            eprintln!(
                "wrote {} (-o FILE to choose the name; piped, it goes to standard output)",
                path.display()
            );
            SUCCESS
        }
        Err(files::WriteError::Io(error)) if error.kind() == std::io::ErrorKind::AlreadyExists => {
            fail(format!(
                "{} exists: pass --force to replace it, -o FILE to choose another name, or pipe the output",
                path.display()
            ))
        }
        Err(error) => fail(format!("cannot write {}: {error}", path.display())),
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
    let extension = match args.format {
        Format::Mermaid => "mmd",
        Format::Dot => "dot",
        Format::D2 => "d2",
        Format::LikeC4 => "c4",
        Format::Svg => "svg",
    };
    emit_document(
        &render::render(&drawing, format),
        args.output.as_ref(),
        &args.path,
        extension,
        args.force,
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
