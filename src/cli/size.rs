//! `blueprint size PATH`

use std::path::PathBuf;

use blueprint::capacity::sizing::{self, DEFAULT_TARGET_UTILIZATION, SizingError};
use blueprint::design::edit::set_replicas;
use blueprint::design::quantity::parse_percent;
use blueprint::present::size::{render_json, render_text};
use blueprint::render::escape;
use clap::{Args, ValueEnum};

use super::{
    FINDINGS, SUCCESS, fail, is_stdin, load_design_with_source, print_for_people, print_stdout,
};

#[derive(Args, Debug)]
pub struct SizeArgs {
    /// The design file, or `-` for standard input (not with --write)
    path: PathBuf,
    /// The highest utilisation a component may run at, after the worst single loss
    #[arg(long, visible_alias = "utilization", value_name = "U", value_parser = utilisation, default_value = "70%")]
    utilisation: f64,
    /// Write the new replica counts into the design file, changing nothing else
    #[arg(long)]
    write: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Format {
    Table,
    Json,
}

fn utilisation(text: &str) -> Result<f64, String> {
    match parse_percent(text) {
        Ok(value) if value > 0.0 && value <= 1.0 => Ok(value),
        _ => Err(format!(
            "`{text}` is not a utilisation: write a percentage such as `70%` or a fraction such as `0.7`"
        )),
    }
}

// The default is stated in the help through clap; the library's constant
// is the same figure.
const _: () = assert!(DEFAULT_TARGET_UTILIZATION == 0.7);

pub fn run(args: SizeArgs) -> u8 {
    if args.write && is_stdin(&args.path) {
        return fail("--write needs a design file to write to, not standard input");
    }
    let (analysis, source) = match load_design_with_source(&args.path) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let design = &analysis.design;
    let sizing = match sizing::size(design, &analysis.ways, args.utilisation) {
        Ok(sizing) => sizing,
        Err(SizingError::Estimate(error)) => {
            return fail(format!("the design cannot be estimated: {error:?}"));
        }
    };
    match args.format {
        Format::Table => print_for_people(&render_text(design, &sizing)),
        Format::Json => print_stdout(&render_json(design, &sizing)),
    }
    if args.write {
        let changes: Vec<(usize, u32)> = sizing
            .changes()
            .map(|size| (size.component, size.after))
            .collect();
        if !changes.is_empty() {
            let text = set_replicas(&source, design, &changes);
            let written = std::fs::canonicalize(&args.path)
                .and_then(|path| blueprint::files::write_atomically(&path, text.as_bytes()));
            if let Err(error) = written {
                return fail(format!("cannot write {}: {error}", args.path.display()));
            }
            let lines: Vec<String> = sizing
                .changes()
                .map(|size| {
                    format!(
                        "  {}: replicas {} -> {}\n",
                        design.components[size.component].name(),
                        size.before,
                        size.after
                    )
                })
                .collect();
            super::print_stderr(&escape::terminal_text(&format!(
                "wrote {}:\n{}",
                args.path.display(),
                lines.concat()
            )));
        }
    }
    if sizing.unmet.is_empty() && !sizing.exhausted {
        SUCCESS
    } else {
        FINDINGS
    }
}
