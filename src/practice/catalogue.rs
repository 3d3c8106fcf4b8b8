//! The bundled scenarios, compiled into the binary so that `practice`
//! works from any folder: one folder per scenario under `scenarios/`, with
//! `scenario.toml`, `starter.yaml` and `solution.yaml`.

use super::scenario::{Scenario, ScenarioFile};
use crate::suggest::did_you_mean;

struct Bundled {
    folder: &'static str,
    scenario: &'static str,
    starter: &'static str,
    solution: &'static str,
}

macro_rules! bundled {
    ($($folder:literal),+ $(,)?) => {
        &[$(Bundled {
            folder: $folder,
            scenario: include_str!(concat!("../../scenarios/", $folder, "/scenario.toml")),
            starter: include_str!(concat!("../../scenarios/", $folder, "/starter.yaml")),
            solution: include_str!(concat!("../../scenarios/", $folder, "/solution.yaml")),
        }),+]
    };
}

/// In the order `practice list` shows them: by difficulty, then by name.
const BUNDLED: &[Bundled] = bundled!(
    "paste-service",
    "url-shortener",
    "chat",
    "news-feed",
    "rate-limiter",
    "payments-ledger",
    "ride-hailing",
    "video-streaming",
    "web-crawler",
);

/// Every bundled scenario, or what is wrong with one of them (a defect of
/// this build, which the tests rule out).
pub fn scenarios() -> Result<Vec<Scenario>, String> {
    BUNDLED.iter().map(parse).collect()
}

fn parse(bundled: &Bundled) -> Result<Scenario, String> {
    let file: ScenarioFile = toml::from_str(bundled.scenario)
        .map_err(|error| format!("scenarios/{}/scenario.toml: {error}", bundled.folder))?;
    if file.name != bundled.folder {
        return Err(format!(
            "scenarios/{}/scenario.toml: `name` is `{}`, not the folder's name",
            bundled.folder, file.name
        ));
    }
    Ok(Scenario {
        name: file.name,
        title: file.title,
        difficulty: file.difficulty,
        prompt: file.prompt,
        hints: file.hints,
        rubric: file.rubric,
        starter: bundled.starter,
        solution: bundled.solution,
    })
}

/// Why `find` found nothing.
#[derive(Clone, Debug, PartialEq)]
pub enum FindError {
    /// No scenario has the name; perhaps one is close to it.
    Unknown {
        name: String,
        suggestion: Option<String>,
    },
    /// The bundled data is broken.
    Bundled(String),
}

impl std::fmt::Display for FindError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FindError::Unknown { name, suggestion } => {
                write!(f, "no scenario is named `{name}`")?;
                if let Some(suggestion) = suggestion {
                    write!(f, "; did you mean `{suggestion}`?")?;
                }
                write!(f, " (`blueprint practice list` shows them all)")
            }
            FindError::Bundled(message) => write!(f, "{message}"),
        }
    }
}

/// The scenario called `name`.
pub fn find(name: &str) -> Result<Scenario, FindError> {
    let all = scenarios().map_err(FindError::Bundled)?;
    let suggestion = did_you_mean(name, all.iter().map(|s| s.name.as_str())).map(str::to_string);
    all.into_iter()
        .find(|s| s.name == name)
        .ok_or_else(|| FindError::Unknown {
            name: name.to_string(),
            suggestion,
        })
}
