//! A practice scenario as bundled: the interview question, the starter
//! design handed to the candidate, the hints in the order they are given,
//! the rubric the grade applies, and a reference solution.

use serde::Deserialize;

/// How hard an interviewer would call the problem.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Difficulty {
    Easy,
    Medium,
    Hard,
}

impl Difficulty {
    pub fn as_str(self) -> &'static str {
        match self {
            Difficulty::Easy => "easy",
            Difficulty::Medium => "medium",
            Difficulty::Hard => "hard",
        }
    }
}

/// One bundled scenario. The prompt, hints and rubric come from its
/// `scenario.toml`; the starter and the solution are designs of their own.
#[derive(Clone, Debug)]
pub struct Scenario {
    /// Kebab-case, as typed on the command line.
    pub name: String,
    pub title: String,
    pub difficulty: Difficulty,
    /// The question, as an interviewer would put it.
    pub prompt: String,
    /// Given one at a time, in this order.
    pub hints: Vec<String>,
    /// What the grade checks beyond the targets of the starter.
    pub rubric: Rubric,
    /// The design the candidate starts from: requirements, zones and the
    /// clients, no other component.
    pub starter: &'static str,
    /// A reference design that grades at full marks.
    pub solution: &'static str,
}

/// The scenario-specific part of the grade. The load, latency and
/// availability targets are the starter's requirements, so the prompt,
/// the starter and the grade cannot disagree.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rubric {
    /// The busiest component must stay at or below this utilisation at the
    /// scenario's peak: the headroom for spikes and growth.
    #[serde(default = "default_max_utilization")]
    pub max_utilization: f64,
    /// Points needed to pass, out of 100.
    #[serde(default = "default_pass_mark")]
    pub pass_mark: u32,
    /// What this problem needs, beyond carrying the load.
    pub needs: Vec<Need>,
    /// For a question with several kinds of request: which of the
    /// starter's operations are the workload's reads and which its writes.
    #[serde(default)]
    pub workload: Option<WorkloadSplit>,
}

/// Which operations carry the workload's reads and writes, and what
/// agreeing with it is worth.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkloadSplit {
    pub reads: Vec<String>,
    pub writes: Vec<String>,
    pub points: u32,
    /// How far (a fraction of the envelope's figure) the design's rates may
    /// be: shares are rounded when written by hand.
    #[serde(default = "default_workload_tolerance")]
    pub tolerance: f64,
}

fn default_workload_tolerance() -> f64 {
    0.1
}

fn default_max_utilization() -> f64 {
    0.7
}

fn default_pass_mark() -> u32 {
    70
}

/// One thing the problem needs, checked over the candidate's design.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Need {
    /// snake_case, stable: the criterion's id in JSON.
    pub id: String,
    /// What the design must have, as a line of the grade.
    pub title: String,
    pub points: u32,
    /// What an interviewer would say when it is missing.
    pub hint: String,
    pub check: Check,
}

/// How a need is recognised in a design. Each looks at the structure of
/// the design and at the load the estimate puts on it, never at names.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Check {
    /// A cache on the request path, in front of a store, answering at least
    /// `min_hit_ratio` of the reads it gets.
    Cache { min_hit_ratio: f64 },
    /// The same, for a CDN.
    Cdn { min_hit_ratio: f64 },
    /// A queue fed from the request path and drained by a consumer.
    Queue,
    /// A database or search index (or, with `include_caches`, a cache)
    /// with a shard key, split over at least `min_shards` shards.
    Sharded {
        min_shards: u32,
        #[serde(default)]
        include_caches: bool,
    },
    /// Databases written on the request path are strongly consistent and
    /// replicate before acknowledging: all of them with `every`, else at
    /// least one.
    StrongWrites { every: bool },
    /// Every database written on the request path waits for two copies or
    /// more before acknowledging.
    DurableWrites,
    /// An object store takes writes.
    ObjectStore,
    /// Every service or worker that writes to a store is idempotent.
    IdempotentWriters,
    /// A store on the request path that requests can do without.
    FailsOpen,
}

/// The `scenario.toml` of a bundled scenario.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ScenarioFile {
    pub name: String,
    pub title: String,
    pub difficulty: Difficulty,
    pub prompt: String,
    pub hints: Vec<String>,
    pub rubric: Rubric,
}
