//! `blueprint.toml`: the rules a repository runs, their severities and
//! thresholds, and the `--fail-on` default. Found by walking up from each
//! design's folder, or named with `--config`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostic::{Severity, Span};
use crate::rules::{self, Selection, Settings};

/// The file name looked for in each folder from the design's upward.
pub const FILE_NAME: &str = "blueprint.toml";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct File {
    #[serde(default)]
    select: Vec<String>,
    #[serde(default)]
    ignore: Vec<String>,
    fail_on: Option<String>,
    #[serde(default)]
    severity: BTreeMap<String, String>,
    #[serde(default)]
    thresholds: Thresholds,
    /// Globs (gitignore syntax, from the folder of the file) of what a
    /// folder check passes over.
    #[serde(default)]
    exclude: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Thresholds {
    hot_utilization: Option<f64>,
}

/// A checked configuration.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Config {
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    pub fail_on: Option<Severity>,
    pub severities: Vec<(String, Severity)>,
    pub settings: Settings,
    /// What a folder check passes over: globs with gitignore's syntax,
    /// relative to the folder of the configuration file.
    pub exclude: Vec<String>,
}

impl Config {
    /// The review options of this configuration, with the command line's
    /// `--select` (which replaces the file's) and `--ignore` (which adds).
    pub fn options(
        &self,
        select: &[String],
        ignore: &[String],
        today: Option<String>,
    ) -> Result<rules::Options, rules::UnknownSelector> {
        let select = if select.is_empty() {
            self.select.clone()
        } else {
            select.to_vec()
        };
        let ignore: Vec<String> = self.ignore.iter().chain(ignore).cloned().collect();
        Ok(rules::Options {
            selection: Selection::new(&select, &ignore)?,
            settings: self.settings.clone(),
            severities: self.severities.clone(),
            today,
        })
    }
}

/// The largest configuration read, `--config` or found: a real one is a
/// few hundred bytes.
pub const MAX_FILE_BYTES: usize = 1024 * 1024;

/// The nearest `blueprint.toml` in `folder` or above it, searched from the
/// folder's canonical path (so `../x.yaml` and `/abs/x.yaml` find the same
/// file) up to the root of the repository (the first folder with a `.git`)
/// or of the filesystem, never beyond.
pub fn discover(folder: &Path) -> Option<PathBuf> {
    let folder = std::fs::canonicalize(folder).ok()?;
    for dir in folder.ancestors() {
        let candidate = dir.join(FILE_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        if dir.join(".git").exists() {
            return None;
        }
    }
    None
}

/// Reads a configuration file within [`MAX_FILE_BYTES`], refusing a
/// larger one without reading it whole.
pub fn read(path: &Path) -> Result<String, String> {
    let bytes = crate::files::read_limited(path, MAX_FILE_BYTES)
        .map_err(|error| format!("cannot read {}: {error}", path.display()))?;
    if bytes.len() > MAX_FILE_BYTES {
        return Err(format!(
            "{} is larger than {} KiB: not a blueprint.toml",
            path.display(),
            MAX_FILE_BYTES / 1024
        ));
    }
    String::from_utf8(bytes).map_err(|_| format!("{} is not UTF-8 text", path.display()))
}

/// What is wrong with a configuration, and where when the TOML says.
#[derive(Clone, Debug, PartialEq)]
pub struct ConfigError {
    /// Line and column.
    pub place: Option<(u32, u32)>,
    pub message: String,
}

impl From<String> for ConfigError {
    fn from(message: String) -> Self {
        ConfigError {
            place: None,
            message,
        }
    }
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.place {
            Some((line, column)) => write!(f, "{line}:{column}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// Parses a configuration.
pub fn parse(text: &str) -> Result<Config, ConfigError> {
    let file: File = toml::from_str(text).map_err(|error| ConfigError {
        place: error.span().map(|range| {
            let span = Span::at_offset(text, range.start);
            (span.line, span.column)
        }),
        message: error.message().to_string(),
    })?;
    let known =
        |selector: &str| rules::known_selector(selector).map_err(|unknown| unknown.to_string());
    let severity = |text: &str| {
        Severity::from_name(text)
            .ok_or_else(|| format!("`{text}` is not a severity: use `error`, `warning` or `info`"))
    };
    for selector in file.select.iter().chain(&file.ignore) {
        known(selector)?;
    }
    let mut severities = Vec::new();
    for (selector, level) in &file.severity {
        known(selector)?;
        severities.push((selector.clone(), severity(level)?));
    }
    let mut settings = Settings::default();
    if let Some(hot) = file.thresholds.hot_utilization {
        if !(hot > 0.0 && hot < 1.0) {
            return Err(format!("`hot-utilization` must be between 0 and 1, not {hot}").into());
        }
        settings.hot_utilization = hot;
    }
    crate::files::Exclude::new(Path::new("."), &file.exclude)?;
    Ok(Config {
        exclude: file.exclude,
        select: file.select,
        ignore: file.ignore,
        fail_on: file.fail_on.as_deref().map(severity).transpose()?,
        severities,
        settings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_configuration() {
        let config = parse(
            "select = [\"BP1\", \"BP2\"]\nignore = [\"single-zone\"]\nfail-on = \"error\"\n\n[severity]\nBP202 = \"error\"\n\n[thresholds]\nhot-utilization = 0.7\n",
        )
        .unwrap();
        assert_eq!(config.fail_on, Some(Severity::Error));
        assert_eq!(config.severities, [("BP202".to_string(), Severity::Error)]);
        assert_eq!(config.settings.hot_utilization, 0.7);
        let options = config.options(&[], &["BP104".to_string()], None).unwrap();
        let hot = rules::find_code("BP202").unwrap();
        assert!(options.selection.includes(hot));
        assert!(
            !options
                .selection
                .includes(rules::find_code("BP102").unwrap())
        );
        assert!(
            !options
                .selection
                .includes(rules::find_code("BP104").unwrap())
        );
    }

    #[test]
    fn exclude_globs_are_checked() {
        let config = parse("exclude = [\"vendor/\", \"**/*.openapi.yaml\"]\n").unwrap();
        assert_eq!(config.exclude, ["vendor/", "**/*.openapi.yaml"]);
        let bad = parse("exclude = [\"{a,b\"]\n").unwrap_err();
        assert!(bad.to_string().contains("not a glob"), "{bad}");
    }

    #[test]
    fn discovery_stops_at_the_repository() {
        let root = tempfile::tempdir().unwrap();
        std::fs::write(root.path().join(FILE_NAME), "").unwrap();
        let repository = root.path().join("repo");
        std::fs::create_dir_all(repository.join(".git")).unwrap();
        std::fs::create_dir_all(repository.join("designs")).unwrap();
        assert_eq!(discover(&repository.join("designs")), None);
        std::fs::write(repository.join(FILE_NAME), "").unwrap();
        let found = discover(&repository.join("designs/../designs")).unwrap();
        assert_eq!(
            found,
            std::fs::canonicalize(&repository).unwrap().join(FILE_NAME)
        );
        // Outside any repository the search goes up to the filesystem root.
        let outside = root.path().join("plain/deeper");
        std::fs::create_dir_all(&outside).unwrap();
        assert_eq!(
            discover(&outside),
            Some(std::fs::canonicalize(root.path()).unwrap().join(FILE_NAME))
        );
    }

    #[test]
    fn mistakes_say_where_and_what() {
        let misspelt = parse("selct = []\n").unwrap_err();
        assert_eq!(misspelt.place, Some((1, 1)));
        assert!(misspelt.to_string().starts_with("1:1: "));
        assert!(
            parse("ignore = [\"single-replca\"]\n")
                .unwrap_err()
                .to_string()
                .contains("did you mean `single-replica`")
        );
        assert!(
            parse("[severity]\nBP101 = \"fatal\"\n")
                .unwrap_err()
                .to_string()
                .contains("not a severity")
        );
        assert!(parse("[thresholds]\nhot-utilization = 2.0\n").is_err());
    }
}
