//! `blueprint diff OLD NEW`

use std::ffi::{OsStr, OsString};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use blueprint::compare;
use blueprint::design::read::MAX_FILE_BYTES;
use blueprint::diagnostic::Severity;
use blueprint::present::diff::{Labels, render_json, render_markdown, render_text};
use clap::{Args, ValueEnum};

use super::check::{FailOn, single_design_options};
use super::{
    FINDINGS, SUCCESS, analyse_bytes, fail, is_stdin, print_for_people, print_stdout,
    read_design_bytes,
};

#[derive(Args, Debug)]
pub struct DiffArgs {
    /// The old revision: a file, `-` for standard input, or REV:PATH read from git
    old: OsString,
    /// The new revision: a file, `-` for standard input, or REV:PATH read from git
    new: OsString,
    /// Output format: text, Markdown for a pull-request comment, or JSON
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Exit with code 1 when NEW is worse: findings introduced at or above --fail-on, a higher p99 or a lower availability
    #[arg(long)]
    fail_on_regression: bool,
    /// The severity from which an introduced finding is a regression [default: warning, or the config's]
    #[arg(long, value_enum)]
    fail_on: Option<FailOn>,
    /// Use this configuration for both revisions instead of the nearest blueprint.toml
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Format {
    Text,
    Md,
    Json,
}

/// Where one revision is read from.
#[derive(Clone, Debug, PartialEq)]
enum Source {
    /// A file, or `-` for standard input.
    File(PathBuf),
    /// `REV:PATH`, as `git cat-file` names a file in a commit.
    Git(String),
}

impl Source {
    /// A path that exists is a file, whatever it contains (`C:\designs\a.yaml`,
    /// `v1:2.yaml` saved by hand); `-` is standard input; otherwise text
    /// with a `:` after a revision is read from git, except a drive letter.
    fn of(argument: &OsStr) -> Source {
        let path = Path::new(argument);
        if is_stdin(path) || path.exists() {
            return Source::File(path.to_path_buf());
        }
        match argument.to_str().and_then(|text| text.split_once(':')) {
            Some((revision, file)) if !file.is_empty() && !is_drive(revision, file) => {
                Source::Git(argument.to_string_lossy().into_owned())
            }
            _ => Source::File(path.to_path_buf()),
        }
    }

    fn label(&self) -> String {
        match self {
            Source::File(path) => path.to_string_lossy().into_owned(),
            Source::Git(spec) => spec.clone(),
        }
    }

    fn read(&self) -> Result<Vec<u8>, String> {
        match self {
            Source::File(path) => read_design_bytes(path)
                .map_err(|error| format!("cannot read {}: {error}", path.display())),
            Source::Git(spec) => git_blob(spec),
        }
    }
}

/// `C:\x` or `C:/x`: a Windows path, never a revision.
fn is_drive(revision: &str, file: &str) -> bool {
    revision.len() == 1
        && revision.chars().all(|c| c.is_ascii_alphabetic())
        && file.starts_with(['\\', '/'])
}

/// The bytes of `REV:PATH` from the git repository around the current
/// folder, read no further than one byte past the reader's size limit.
fn git_blob(spec: &str) -> Result<Vec<u8>, String> {
    let mut child = Command::new("git")
        // A revision that starts with `-` is a revision, not an option.
        .args(["cat-file", "blob", "--end-of-options", spec])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|error| match error.kind() {
            std::io::ErrorKind::NotFound => {
                format!("cannot read `{spec}`: git is not installed (or not on PATH)")
            }
            _ => format!("cannot read `{spec}`: cannot run git: {error}"),
        })?;
    let mut bytes = Vec::new();
    if let Some(stdout) = child.stdout.take() {
        stdout
            .take(MAX_FILE_BYTES as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(|error| format!("cannot read `{spec}` from git: {error}"))?;
    }
    let output = child
        .wait_with_output()
        .map_err(|error| format!("cannot read `{spec}` from git: {error}"))?;
    // A blob past the limit is cut off here; the reader reports its size.
    if output.status.success() || bytes.len() > MAX_FILE_BYTES {
        return Ok(bytes);
    }
    let reason = String::from_utf8_lossy(&output.stderr);
    let reason = reason
        .lines()
        .map(|line| line.trim_start_matches("fatal: ").trim())
        .find(|line| !line.is_empty())
        .unwrap_or("git failed");
    // Git takes PATH from the top of the repository, which surprises
    // whoever runs this in a subfolder.
    let hint = if reason.contains("does not exist") || reason.contains("exists on disk") {
        " (PATH is from the top of the repository; write REV:./PATH for one from here)"
    } else {
        ""
    };
    Err(format!("cannot read `{spec}` from git: {reason}{hint}"))
}

/// The design whose nearest blueprint.toml both revisions are reviewed
/// with, so that only the design makes a difference: the new file, else
/// the old one, else `-` (the current folder) when neither is a file.
fn configured_by(sources: [&Source; 2]) -> PathBuf {
    sources
        .iter()
        .rev()
        .find_map(|source| match source {
            Source::File(path) if !is_stdin(path) => Some(path.clone()),
            _ => None,
        })
        .unwrap_or_else(|| PathBuf::from("-"))
}

pub fn run(args: DiffArgs) -> u8 {
    let old = Source::of(&args.old);
    let new = Source::of(&args.new);
    if old == Source::File(PathBuf::from("-")) && old == new {
        return fail("only one of OLD and NEW can be read from standard input");
    }
    let (config, options) =
        match single_design_options(&configured_by([&old, &new]), args.config.as_deref(), None) {
            Ok(found) => found,
            Err(code) => return code,
        };
    let mut revisions = Vec::with_capacity(2);
    for source in [&old, &new] {
        let bytes = match source.read() {
            Ok(bytes) => bytes,
            Err(message) => return fail(message),
        };
        match analyse_bytes(&source.label(), &bytes) {
            Ok(analysis) => revisions.push(compare::assess(analysis, &options)),
            Err(code) => return code,
        }
    }
    let diff = compare::compare(&revisions[0], &revisions[1]);
    let threshold = args
        .fail_on
        .map(FailOn::severity)
        .or(config.fail_on)
        .unwrap_or(Severity::Warning);
    let (old_label, new_label) = (old.label(), new.label());
    let labels = Labels {
        old: &old_label,
        new: &new_label,
    };
    match args.format {
        Format::Text => print_for_people(&render_text(&diff, &labels, threshold)),
        Format::Md => print_stdout(&render_markdown(&diff, &labels, threshold)),
        Format::Json => print_stdout(&render_json(&diff, &labels, threshold)),
    }
    if args.fail_on_regression && !diff.regressions(threshold).is_empty() {
        FINDINGS
    } else {
        SUCCESS
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn revisions_files_and_drive_letters() {
        assert_eq!(
            Source::of(OsStr::new("main:designs/chat.yaml")),
            Source::Git("main:designs/chat.yaml".into())
        );
        assert_eq!(
            Source::of(OsStr::new("HEAD~2:./chat.yaml")),
            Source::Git("HEAD~2:./chat.yaml".into())
        );
        assert_eq!(
            Source::of(OsStr::new("C:\\designs\\chat.yaml")),
            Source::File(PathBuf::from("C:\\designs\\chat.yaml"))
        );
        assert_eq!(
            Source::of(OsStr::new("d:/chat.yaml")),
            Source::File(PathBuf::from("d:/chat.yaml"))
        );
        assert_eq!(
            Source::of(OsStr::new("missing.yaml")),
            Source::File(PathBuf::from("missing.yaml"))
        );
        assert_eq!(
            Source::of(OsStr::new("-")),
            Source::File(PathBuf::from("-"))
        );
        assert_eq!(
            Source::of(OsStr::new("main:")),
            Source::File(PathBuf::from("main:"))
        );
    }

    #[test]
    fn an_existing_file_with_a_colon_is_a_file() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("v1:chat.yaml");
        std::fs::write(&path, "x").unwrap();
        assert_eq!(Source::of(path.as_os_str()), Source::File(path.clone()));
    }
}
