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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::design::Kind;
    use crate::practice::grade::{SHARED_POINTS, targets};

    #[test]
    fn every_bundled_scenario_reads_and_is_complete() {
        let all = scenarios().unwrap();
        assert!(all.len() >= 8, "{} scenarios", all.len());
        let mut names: Vec<&str> = all.iter().map(|s| s.name.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), all.len(), "names are unique");
        for scenario in &all {
            let name = &scenario.name;
            assert!(
                name.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{name} is kebab-case"
            );
            assert!(!scenario.title.is_empty() && !scenario.prompt.is_empty());
            assert!(scenario.hints.len() >= 3, "{name} has hints to give");
            let points: u32 = scenario.rubric.needs.iter().map(|n| n.points).sum::<u32>()
                + scenario.rubric.workload.as_ref().map_or(0, |w| w.points);
            assert_eq!(SHARED_POINTS + points, 100, "{name} is graded out of 100");
            assert!(scenario.rubric.pass_mark <= 100);
            let mut ids: Vec<&str> = scenario
                .rubric
                .needs
                .iter()
                .map(|n| n.id.as_str())
                .collect();
            ids.extend([
                "capacity",
                "latency",
                "availability",
                "zone_loss",
                "findings",
                "workload",
            ]);
            let count = ids.len();
            ids.sort_unstable();
            ids.dedup();
            assert_eq!(ids.len(), count, "{name}: criterion ids are unique");
            targets(scenario).unwrap_or_else(|e| panic!("{e}"));
        }
    }

    /// The starter gives the problem (requirements, zones, the clients)
    /// and no component of the answer, and is itself a clean design.
    #[test]
    fn starters_hold_only_clients_and_the_requirements() {
        for scenario in scenarios().unwrap() {
            let analysis = crate::analyse(scenario.starter.as_bytes()).unwrap();
            let design = &analysis.design;
            assert!(design.requirements.workload.is_some(), "{}", scenario.name);
            assert!(
                design.components.iter().all(|c| c.kind() == Kind::Client),
                "{}",
                scenario.name
            );
            let report = crate::check(
                "starter.yaml",
                scenario.starter.as_bytes(),
                &Default::default(),
            );
            assert!(
                report.diagnostics.is_empty(),
                "{}: {:?}",
                scenario.name,
                report.diagnostics
            );
        }
    }

    /// The solution answers the same problem: the starter's requirements
    /// and zones, word for word.
    #[test]
    fn solutions_keep_the_starters_requirements() {
        for scenario in scenarios().unwrap() {
            let starter = crate::analyse(scenario.starter.as_bytes()).unwrap().design;
            let solution = crate::analyse(scenario.solution.as_bytes()).unwrap().design;
            let workload =
                |d: &crate::design::Design| d.requirements.workload.clone().map(|w| w.value);
            assert_eq!(workload(&starter), workload(&solution), "{}", scenario.name);
            let slo = |d: &crate::design::Design| {
                d.requirements
                    .latency_slo
                    .iter()
                    .map(|t| (t.label, t.seconds.value))
                    .collect::<Vec<_>>()
            };
            assert_eq!(slo(&starter), slo(&solution), "{}", scenario.name);
            assert_eq!(
                starter
                    .requirements
                    .availability_slo
                    .as_ref()
                    .map(|a| a.value),
                solution
                    .requirements
                    .availability_slo
                    .as_ref()
                    .map(|a| a.value),
                "{}",
                scenario.name
            );
            let zones = |d: &crate::design::Design| {
                d.zones.iter().map(|z| z.value.clone()).collect::<Vec<_>>()
            };
            assert_eq!(zones(&starter), zones(&solution), "{}", scenario.name);
        }
    }

    #[test]
    fn an_unknown_name_suggests_the_closest() {
        assert_eq!(
            find("url-shortner").unwrap_err(),
            FindError::Unknown {
                name: "url-shortner".to_string(),
                suggestion: Some("url-shortener".to_string()),
            }
        );
        match find("zzz").unwrap_err() {
            FindError::Unknown { suggestion, .. } => assert_eq!(suggestion, None),
            other => panic!("{other:?}"),
        }
        assert_eq!(find("chat").unwrap().name, "chat");
    }
}
