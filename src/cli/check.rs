//! `blueprint check PATH...`

use std::collections::{BTreeMap, HashMap};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use blueprint::config::{self, Config};
use blueprint::diagnostic::{FileReport, Severity, Summary, github, json, junit, sarif, text};
use blueprint::files;
use blueprint::render::escape;
use clap::{Args, ValueEnum};
use notify::event::{AccessKind, AccessMode, EventKind, ModifyKind};
use notify::{RecursiveMode, Watcher};

use super::{
    FINDINGS, INVALID, SUCCESS, fail, is_stdin, print_stderr, print_stdout, read_design_bytes,
    stderr_color,
};

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Design files, folders to search for them, or `-` for standard input
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Output format: findings for people on stderr, or a machine format on stdout
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Exit with code 1 when a finding is at or above this severity [default: warning, or the config's]
    #[arg(long, value_enum)]
    fail_on: Option<FailOn>,
    /// Run only these rules: codes, names or families (`BP1`), comma-separated
    #[arg(long, value_delimiter = ',')]
    select: Vec<String>,
    /// Skip these rules: codes, names or families, comma-separated
    #[arg(long, value_delimiter = ',')]
    ignore: Vec<String>,
    /// Use this configuration instead of the nearest blueprint.toml
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Judge `until:` dates of suppressions as of this day (YYYY-MM-DD) [default: today]
    #[arg(long, value_name = "DATE", value_parser = date)]
    today: Option<String>,
    /// Also print how many findings each rule raised
    #[arg(long)]
    statistics: bool,
    /// Check again whenever a design or blueprint.toml changes, until Ctrl-C
    #[arg(long)]
    watch: bool,
    /// List the YAML files a folder search passed over, and why
    #[arg(long, short)]
    verbose: bool,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Format {
    Text,
    Json,
    Sarif,
    Github,
    Junit,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub(super) enum FailOn {
    Error,
    Warning,
    Info,
}

impl FailOn {
    pub(super) fn severity(self) -> Severity {
        match self {
            FailOn::Error => Severity::Error,
            FailOn::Warning => Severity::Warning,
            FailOn::Info => Severity::Info,
        }
    }
}

pub(super) fn date(text: &str) -> Result<String, String> {
    if blueprint::design::quantity::is_date(text) {
        Ok(text.to_string())
    } else {
        Err(format!(
            "`{text}` is not a date: write YYYY-MM-DD, a day that exists"
        ))
    }
}

/// Today's date in UTC, as `YYYY-MM-DD` (Howard Hinnant's civil-from-days).
pub(super) fn today_utc() -> String {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs());
    let days = (seconds / 86_400) as i64 + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// The configuration each design is checked with: `--config`, or the
/// nearest blueprint.toml above it (read once per file found), each with
/// the file it came from.
struct Configs {
    given: Option<(PathBuf, Config)>,
    found: HashMap<PathBuf, Config>,
}

impl Configs {
    fn new(given: Option<&Path>) -> Result<Configs, String> {
        let given = match given {
            Some(path) => Some((path.to_path_buf(), read_config(path)?)),
            None => None,
        };
        Ok(Configs {
            given,
            found: HashMap::new(),
        })
    }

    fn for_design(&mut self, design: &Path) -> Result<Config, String> {
        let folder = if is_stdin(design) {
            std::env::current_dir().unwrap_or_default()
        } else {
            design.parent().map(Path::to_path_buf).unwrap_or_default()
        };
        Ok(self
            .for_folder(&folder)?
            .map(|(_, config)| config)
            .unwrap_or_default())
    }

    /// The configuration that applies in `folder`, and where it is.
    fn for_folder(&mut self, folder: &Path) -> Result<Option<(PathBuf, Config)>, String> {
        if let Some(given) = &self.given {
            return Ok(Some(given.clone()));
        }
        let folder = if folder.as_os_str().is_empty() {
            Path::new(".")
        } else {
            folder
        };
        let Some(path) = config::discover(folder) else {
            return Ok(None);
        };
        if let Some(config) = self.found.get(&path) {
            return Ok(Some((path, config.clone())));
        }
        let config = read_config(&path)?;
        self.found.insert(path.clone(), config.clone());
        Ok(Some((path, config)))
    }

    /// The `exclude` globs that apply to a folder search of `folder`.
    fn exclude_for(&mut self, folder: &Path) -> Result<Option<files::Exclude>, String> {
        let Some((path, config)) = self.for_folder(folder)? else {
            return Ok(None);
        };
        if config.exclude.is_empty() {
            return Ok(None);
        }
        let root = path.parent().filter(|p| !p.as_os_str().is_empty());
        files::Exclude::new(root.unwrap_or(Path::new(".")), &config.exclude)
            .map(Some)
            .map_err(|error| format!("{}: {error}", path.display()))
    }
}

/// The configuration and review options of one design, for the commands
/// that review a single design as `check` would: `--config` or the
/// nearest blueprint.toml, suppressions judged as of `today`.
pub(super) fn single_design_options(
    design: &Path,
    config: Option<&Path>,
    today: Option<String>,
) -> Result<(Config, blueprint::CheckOptions), u8> {
    let config = Configs::new(config)
        .and_then(|mut configs| configs.for_design(design))
        .map_err(fail)?;
    let today = today.unwrap_or_else(today_utc);
    let options = config
        .options(&[], &[], Some(today))
        .map_err(|unknown| fail(format!("{unknown} (see `blueprint rules`)")))?;
    Ok((config, options))
}

fn read_config(path: &Path) -> Result<Config, String> {
    let text = config::read(path)?;
    config::parse(&text).map_err(|error| match error.place {
        Some(_) => format!("{}:{error}", path.display()),
        None => format!("{}: {error}", path.display()),
    })
}

pub fn run(args: CheckArgs) -> u8 {
    if args.watch {
        watch(&args)
    } else {
        check_once(&args)
    }
}

/// Checks once, prints, and returns the exit code.
fn check_once(args: &CheckArgs) -> u8 {
    let mut configs = match Configs::new(args.config.as_deref()) {
        Ok(configs) => configs,
        Err(message) => return fail(message),
    };
    let today = args.today.clone().unwrap_or_else(today_utc);

    let mut excludes = Vec::new();
    for folder in args.paths.iter().filter(|path| path.is_dir()) {
        match configs.exclude_for(folder) {
            Ok(exclude) => excludes.push((folder.clone(), exclude)),
            Err(message) => return fail(message),
        }
    }
    let exclude_for = |folder: &Path| {
        excludes
            .iter()
            .find(|(path, _)| path == folder)
            .and_then(|(_, exclude)| exclude.clone())
    };
    let found = files::discover(&args.paths, &exclude_for, args.verbose);
    if args.verbose {
        for skipped in &found.skipped {
            print_stderr(&format!(
                "skipped {}: {}\n",
                escape::terminal(&skipped.path.to_string_lossy()),
                skipped.reason
            ));
        }
    }
    let paths = found.designs;
    if paths.is_empty() {
        return fail(
            "no design files found (YAML files with `version` and `components` at the top; --verbose says what was skipped)",
        );
    }
    let mut reports = Vec::with_capacity(paths.len());
    let mut thresholds = Vec::with_capacity(paths.len());
    let mut selections = Vec::with_capacity(paths.len());
    for path in &paths {
        let config = match configs.for_design(path) {
            Ok(config) => config,
            Err(message) => return fail(message),
        };
        let options = match config.options(&args.select, &args.ignore, Some(today.clone())) {
            Ok(options) => options,
            Err(unknown) => return fail(format!("{unknown} (see `blueprint rules`)")),
        };
        match read_design_bytes(path) {
            Ok(bytes) => reports.push(blueprint::check(&path.to_string_lossy(), &bytes, &options)),
            Err(error) => return fail(format!("cannot read {}: {error}", path.display())),
        }
        thresholds.push(
            args.fail_on
                .map(FailOn::severity)
                .or(config.fail_on)
                .unwrap_or(Severity::Warning),
        );
        selections.push(options.selection);
    }

    match args.format {
        Format::Text => print_stderr(&text::render(&reports, stderr_color())),
        Format::Json => print_stdout(&json::render(&reports)),
        Format::Sarif => print_stdout(&sarif::render(&reports)),
        Format::Github => print_stdout(&github::render(&reports)),
        Format::Junit => {
            let suites: Vec<_> = reports
                .iter()
                .zip(&selections)
                .zip(&thresholds)
                .map(|((r, s), t)| (r, s, *t))
                .collect();
            print_stdout(&junit::render(&suites))
        }
    }
    if args.statistics {
        print_stderr(&format!("{}\n", statistics(&reports)));
    }

    let failing = reports.iter().zip(&thresholds).any(|(report, threshold)| {
        Summary::of_findings(&report.diagnostics).at_or_above(*threshold) > 0
    });
    if reports.iter().any(FileReport::is_invalid) {
        INVALID
    } else if failing {
        FINDINGS
    } else {
        SUCCESS
    }
}

/// Waits until nothing has changed for this long before checking, so an
/// editor that saves in several steps (temporary file, rename) triggers one
/// run.
const SETTLE: Duration = Duration::from_millis(200);

/// Whether a file event changes content: opening and reading a file (as
/// each check does) is not a change.
fn is_change(kind: &EventKind) -> bool {
    match kind {
        EventKind::Create(_) | EventKind::Remove(_) => true,
        EventKind::Modify(modify) => !matches!(modify, ModifyKind::Metadata(_)),
        EventKind::Access(access) => *access == AccessKind::Close(AccessMode::Write),
        _ => false,
    }
}

/// Whether a change to `path` calls for a new run: a YAML file, a
/// configuration, or a file named on the command line.
fn is_watched_file(path: &Path, named: &[&OsStr]) -> bool {
    matches!(
        path.extension().and_then(OsStr::to_str),
        Some("yaml" | "yml")
    ) || path
        .file_name()
        .is_some_and(|name| name == config::FILE_NAME || named.contains(&name))
}

/// Checks, then checks again after every change to a design or
/// configuration in the folders of the given paths, clearing the terminal
/// between runs. Only Ctrl-C (or a watcher that fails) ends it.
fn watch(args: &CheckArgs) -> u8 {
    if args.paths.iter().any(|path| is_stdin(path)) {
        return fail("--watch needs files or folders to watch, not standard input");
    }
    let (sender, events) = mpsc::channel();
    let mut watcher = match notify::recommended_watcher(sender) {
        Ok(watcher) => watcher,
        Err(error) => return fail(format!("cannot watch for changes: {error}")),
    };
    // Editors save by renaming a new file over the old one, so a file is
    // watched through its folder.
    let mut watched = Vec::new();
    for path in args.paths.iter().chain(&args.config) {
        let target = if path.is_dir() {
            (path.clone(), RecursiveMode::Recursive)
        } else {
            let folder = path.parent().filter(|p| !p.as_os_str().is_empty());
            (
                folder.map_or_else(|| PathBuf::from("."), Path::to_path_buf),
                RecursiveMode::NonRecursive,
            )
        };
        if watched.contains(&target) {
            continue;
        }
        if let Err(error) = watcher.watch(&target.0, target.1) {
            return fail(format!("cannot watch {}: {error}", target.0.display()));
        }
        watched.push(target);
    }
    let named: Vec<&OsStr> = args
        .paths
        .iter()
        .chain(&args.config)
        .filter_map(|path| path.file_name())
        .collect();
    let relevant = |path: &PathBuf| is_watched_file(path, &named);
    let clear = stderr_is_terminal();
    loop {
        if clear {
            print_stderr("\x1b[2J\x1b[H");
        }
        check_once(args);
        print_stderr("watching for changes (Ctrl-C to stop)\n");
        loop {
            match events.recv() {
                Ok(Ok(event)) if is_change(&event.kind) && event.paths.iter().any(relevant) => {
                    break;
                }
                Ok(Ok(_)) => {}
                Ok(Err(error)) => print_stderr(&format!("warning: while watching: {error}\n")),
                Err(_) => return fail("the file watcher stopped"),
            }
        }
        while events.recv_timeout(SETTLE).is_ok() {}
    }
}

/// Whether standard error is a terminal, where clearing the screen makes
/// sense (unlike colour, `NO_COLOR` does not turn it off).
fn stderr_is_terminal() -> bool {
    use std::io::IsTerminal;
    std::io::stderr().is_terminal()
}

/// Live findings per rule, most frequent first; a sentence when there are
/// none, rather than a table of nothing.
fn statistics(reports: &[FileReport]) -> String {
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
    if counts.is_empty() {
        return "statistics: no findings".to_string();
    }
    let mut rows: Vec<_> = counts.into_iter().collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut table = blueprint::present::table();
    table.set_header(["count", "code", "name", "severity"]);
    for ((code, name, severity), count) in rows {
        table.add_row([
            count.to_string(),
            code.to_string(),
            name.to_string(),
            severity.to_string(),
        ]);
    }
    table.to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_designs_and_configurations_trigger_a_run() {
        use std::ffi::OsStr;
        use std::path::Path;
        let named = [OsStr::new("design.txt")];
        for path in ["a/b.yaml", "c.yml", "x/blueprint.toml", "design.txt"] {
            assert!(super::is_watched_file(Path::new(path), &named), "{path}");
        }
        for path in [
            "notes.txt",
            ".b.yaml.swp",
            "b.yaml~",
            "4913",
            "blueprint.toml.bak",
        ] {
            assert!(!super::is_watched_file(Path::new(path), &named), "{path}");
        }
    }

    #[test]
    fn reading_a_file_is_not_a_change() {
        use notify::event::{
            AccessKind, AccessMode, CreateKind, EventKind, MetadataKind, ModifyKind,
        };
        assert!(super::is_change(&EventKind::Create(CreateKind::File)));
        assert!(super::is_change(&EventKind::Modify(ModifyKind::Any)));
        assert!(super::is_change(&EventKind::Access(AccessKind::Close(
            AccessMode::Write
        ))));
        assert!(!super::is_change(&EventKind::Access(AccessKind::Open(
            AccessMode::Any
        ))));
        assert!(!super::is_change(&EventKind::Access(AccessKind::Close(
            AccessMode::Read
        ))));
        assert!(!super::is_change(&EventKind::Modify(ModifyKind::Metadata(
            MetadataKind::AccessTime
        ))));
    }

    #[test]
    fn dates_are_checked() {
        assert!(super::date("2027-03-31").is_ok());
        assert!(super::date("31/03/2027").is_err());
        assert!(super::date("9999-99-99").is_err());
        assert!(super::date("2027-02-29").is_err());
        assert_eq!(super::today_utc().len(), 10);
    }
}
