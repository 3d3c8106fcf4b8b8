//! One version of a design through the library's pipeline, the way `check`
//! runs it (`design::read`, `lib::analyse_raw`, `lib::review`), keeping
//! what the editor needs besides the findings: the names' places and the
//! capacity model's figures. The options come from `blueprint.toml` found as
//! `check` finds it.

use std::path::{Path, PathBuf};

use crate::capacity::Estimate;
use crate::config;
use crate::design::read;
use crate::diagnostic::Diagnostic;
use crate::{Analysis, CheckOptions};

use super::index::Index;

/// The checked design and its estimate.
pub struct Model {
    pub analysis: Analysis,
    /// `None` when the load never settles.
    pub estimate: Option<Estimate>,
}

/// Everything known about one version of a document.
pub struct Analysed {
    pub version: i32,
    /// What `check` reports for the same text and configuration, sorted by
    /// place then code; suppressed findings included (marked).
    pub diagnostics: Vec<Diagnostic>,
    /// `None` when the text does not read.
    pub index: Option<Index>,
    /// `None` when the design cannot be checked.
    pub model: Option<Model>,
    /// Why the `blueprint.toml` that applies could not be used; the review
    /// then runs with the default rules.
    pub configuration_error: Option<String>,
}

/// Reviews one version of the document at `path` (if it is a file) with
/// the configuration `check` would use for it.
pub fn review_document(text: &str, version: i32, path: Option<&Path>, today: String) -> Analysed {
    let (options, configuration_error) = match options_for(path, today.clone()) {
        Ok(options) => (options, None),
        Err(error) => {
            let options = CheckOptions {
                today: Some(today),
                ..CheckOptions::default()
            };
            (options, Some(error))
        }
    };
    Analysed {
        configuration_error,
        ..analyse(text, version, &options)
    }
}

/// Reads, checks and reviews one version of a design text.
pub fn analyse(text: &str, version: i32, options: &CheckOptions) -> Analysed {
    let mut index = None;
    let mut model = None;
    let parsed = read::decode(text.as_bytes()).map(crate::design::parse);
    let mut diagnostics = match parsed {
        Err(errors) | Ok((None, errors)) => errors,
        Ok((raw, errors)) if !errors.is_empty() => {
            // Names the reader could read stay known for completion and
            // navigation while the file has mistakes.
            index = raw.as_ref().map(Index::of);
            errors
        }
        Ok((Some(raw), _)) => {
            index = Some(Index::of(&raw));
            match crate::analyse_raw(&raw) {
                Err(errors) => errors,
                Ok(analysis) => {
                    let review = crate::review(&analysis, options);
                    model = Some(Model {
                        analysis,
                        estimate: review.estimate,
                    });
                    review.findings
                }
            }
        }
    };
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    Analysed {
        version,
        diagnostics,
        index,
        model,
        configuration_error: None,
    }
}

/// The review options of the design at `path`, from the nearest
/// `blueprint.toml` above it as `check` finds it (none for a document that
/// is not a file), with suppressions judged as of `today`; or why the
/// configuration cannot be used.
pub fn options_for(path: Option<&Path>, today: String) -> Result<CheckOptions, String> {
    let config = match path.and_then(Path::parent).and_then(config::discover) {
        None => config::Config::default(),
        Some(file) => read_config(&file)?,
    };
    config
        .options(&[], &[], Some(today))
        .map_err(|unknown| format!("{unknown} (see `blueprint rules`)"))
}

fn read_config(file: &PathBuf) -> Result<config::Config, String> {
    let text = std::fs::read_to_string(file)
        .map_err(|error| format!("cannot read {}: {error}", file.display()))?;
    config::parse(&text).map_err(|error| format!("{}: {error}", file.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_findings_are_checks_for_every_bundled_design_and_broken_ones() {
        let broken = [
            "",
            "components:\n  api:\n    kind: servce\n",
            "version: 1\nname: x\ncomponents:\n  a: { kind: client, calls: [{ to: b }] }\n",
            "version: 1\nname: x\ncomponents: [\n",
        ];
        let mut texts: Vec<String> = crate::init::TEMPLATES
            .iter()
            .map(|template| template.text.to_string())
            .collect();
        texts.extend(
            [
                include_str!("../../designs/checkout.yaml"),
                include_str!("../../designs/ride-hailing.yaml"),
                include_str!("../../designs/video-streaming.yaml"),
            ]
            .map(str::to_string),
        );
        texts.extend(broken.iter().map(|t| t.to_string()));
        let options = CheckOptions {
            today: Some("2026-01-01".to_string()),
            ..CheckOptions::default()
        };
        for text in texts {
            let analysed = analyse(&text, 1, &options);
            let checked = crate::check("design.yaml", text.as_bytes(), &options);
            assert_eq!(analysed.diagnostics, checked.diagnostics, "{text}");
        }
    }

    #[test]
    fn configuration_found_as_check_finds_it() {
        let folder = tempfile::tempdir().unwrap();
        let nested = folder.path().join("designs");
        std::fs::create_dir(&nested).unwrap();
        std::fs::write(folder.path().join("blueprint.toml"), "ignore = [\"BP1\"]\n").unwrap();
        let options = options_for(Some(&nested.join("a.yaml")), "2026-01-01".to_string()).unwrap();
        let single = crate::rules::find_code("BP101").unwrap();
        assert!(!options.selection.includes(single));
        std::fs::write(folder.path().join("blueprint.toml"), "selct = []\n").unwrap();
        let error = options_for(Some(&nested.join("a.yaml")), String::new()).unwrap_err();
        assert!(error.contains("blueprint.toml: 1:1"), "{error}");
        assert!(options_for(None, String::new()).is_ok());
    }
}
