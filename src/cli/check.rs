//! `blueprint check PATH...`

use std::collections::BTreeMap;
use std::io::Read;
use std::path::PathBuf;

use blueprint::design::read::MAX_FILE_BYTES;
use blueprint::diagnostic::{FileReport, Severity, Summary, json, text};
use blueprint::rules::Selection;
use blueprint::{CheckOptions, files};
use clap::{Args, ValueEnum};
use comfy_table::Table;

use super::{FINDINGS, INVALID, SUCCESS, fail, is_stdin, print_stderr, print_stdout, stderr_color};

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Design files, folders to search for them, or `-` for standard input
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Output format: findings for people on stderr, or JSON on stdout
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Exit with code 1 when a finding is at or above this severity
    #[arg(long, value_enum, default_value_t = FailOn::Warning)]
    fail_on: FailOn,
    /// Run only these rules: codes, names or families (`BP1`), comma-separated
    #[arg(long, value_delimiter = ',')]
    select: Vec<String>,
    /// Skip these rules: codes, names or families, comma-separated
    #[arg(long, value_delimiter = ',')]
    ignore: Vec<String>,
    /// Also print how many findings each rule raised
    #[arg(long)]
    statistics: bool,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum FailOn {
    Error,
    Warning,
    Info,
}

impl FailOn {
    fn severity(self) -> Severity {
        match self {
            FailOn::Error => Severity::Error,
            FailOn::Warning => Severity::Warning,
            FailOn::Info => Severity::Info,
        }
    }
}

pub fn run(args: CheckArgs) -> u8 {
    let selection = match Selection::new(&args.select, &args.ignore) {
        Ok(selection) => selection,
        Err(unknown) => {
            let hint = unknown
                .suggestion
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default();
            return fail(format!(
                "no rule is named `{}`{hint} (see `blueprint rules`)",
                unknown.selector
            ));
        }
    };
    let options = CheckOptions {
        selection,
        ..CheckOptions::default()
    };

    let paths = match files::discover(&args.paths) {
        Ok(paths) => paths,
        Err(error) => return fail(format!("cannot search the given folders: {error}")),
    };
    if paths.is_empty() {
        return fail("no design files found (YAML files with `components:` at the top)");
    }
    let mut reports = Vec::with_capacity(paths.len());
    for path in &paths {
        let read = if is_stdin(path) {
            let mut bytes = Vec::new();
            std::io::stdin()
                .take(MAX_FILE_BYTES as u64 + 1)
                .read_to_end(&mut bytes)
                .map(|_| bytes)
        } else {
            files::read_limited(path, MAX_FILE_BYTES)
        };
        match read {
            Ok(bytes) => reports.push(blueprint::check(&path.to_string_lossy(), &bytes, &options)),
            Err(error) => return fail(format!("cannot read {}: {error}", path.display())),
        }
    }

    match args.format {
        Format::Text => print_stderr(&text::render(&reports, stderr_color())),
        Format::Json => print_stdout(&json::render(&reports)),
    }
    if args.statistics {
        print_stderr(&format!("{}\n", statistics(&reports)));
    }

    if reports.iter().any(FileReport::is_invalid) {
        INVALID
    } else if Summary::of(&reports).at_or_above(args.fail_on.severity()) > 0 {
        FINDINGS
    } else {
        SUCCESS
    }
}

/// Live findings per rule, most frequent first.
fn statistics(reports: &[FileReport]) -> Table {
    let mut counts: BTreeMap<(&str, &str, Severity), usize> = BTreeMap::new();
    for diagnostic in reports
        .iter()
        .flat_map(|r| &r.diagnostics)
        .filter(|d| !d.suppressed)
    {
        *counts
            .entry((diagnostic.code, diagnostic.name, diagnostic.severity))
            .or_default() += 1;
    }
    let mut rows: Vec<_> = counts.into_iter().collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut table = Table::new();
    table.load_style(comfy_table::presets::UTF8_FULL_CONDENSED);
    table.set_header(["count", "code", "name", "severity"]);
    for ((code, name, severity), count) in rows {
        table.add_row([
            count.to_string(),
            code.to_string(),
            name.to_string(),
            severity.to_string(),
        ]);
    }
    table
}
