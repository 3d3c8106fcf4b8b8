//! blueprint: system design as code.
//!
//! The modules read as the pipeline: [`design`] reads a YAML file (with
//! spans) into a checked [`design::Design`]; [`topology`] builds its
//! component graph and [`ways`] the way each operation's requests take
//! through it; [`capacity`] estimates load, latency and availability on them;
//! [`rules`] reviews all three; every finding is a
//! [`diagnostic::Diagnostic`], and [`diagnostic`] renders lists of them for
//! people and for machines. Nothing here prints or exits: that is the
//! binary's job.

pub mod allocator;
pub mod capacity;
pub mod compare;
pub mod config;
pub mod design;
pub mod diagnostic;
pub mod files;
pub mod import;
pub mod init;
pub mod lsp;
pub mod practice;
pub mod present;
pub mod render;
pub mod report;
pub mod rules;
pub mod simulate;
pub mod suggest;
pub mod topology;
pub mod ways;

use diagnostic::{Diagnostic, FileReport};
use rules::Context;

/// What `check` is asked to do beyond reading the design.
pub use rules::Options as CheckOptions;

/// A design read, its graph and its ways built: what every subcommand
/// starts from.
#[derive(Debug)]
pub struct Analysis {
    pub design: design::Design,
    pub topology: topology::Topology,
    pub ways: ways::Ways,
}

/// Reads a design and builds its graph and ways, or the reasons it cannot
/// be read.
pub fn analyse(bytes: &[u8]) -> Result<Analysis, Vec<Diagnostic>> {
    let design = design::load(bytes)?;
    analyse_design(design)
}

/// Builds the graph and the ways of a checked design.
pub fn analyse_design(design: design::Design) -> Result<Analysis, Vec<Diagnostic>> {
    let topology = topology::build(&design);
    let ways = ways::build(&design, &topology)?;
    Ok(Analysis {
        design,
        topology,
        ways,
    })
}

/// [`analyse`] of a design already read into its raw form, for callers
/// that also need the raw document's spans (the language server finds
/// names in the text with them).
pub fn analyse_raw(raw: &design::raw::RawDesign) -> Result<Analysis, Vec<Diagnostic>> {
    analyse_design(design::lower::lower(raw)?)
}

/// Reads, checks and reviews one design file. `path` is only used to name
/// the file in the report.
pub fn check(path: &str, bytes: &[u8], options: &CheckOptions) -> FileReport {
    let mut diagnostics = match analyse(bytes) {
        Err(errors) => errors,
        Ok(analysis) => review(&analysis, options).findings,
    };
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    FileReport {
        path: path.to_string(),
        // Copied once the analysis is gone, so that the copy does not add
        // to the peak.
        source: String::from_utf8_lossy(bytes).into_owned(),
        diagnostics,
    }
}

/// The capacity model's figures for a design and the findings of the
/// rules on them: what `check` reports and `report` presents.
pub struct Review {
    /// `None` when the load never settles (a loop through a queue
    /// multiplies its traffic); the findings then say so.
    pub estimate: Option<capacity::Estimate>,
    /// Sorted by place, then code.
    pub findings: Vec<Diagnostic>,
}

/// Runs the capacity model once (with the end-to-end quantiles when
/// `quantiles`) and the selected rules over it.
pub fn review_with(analysis: &Analysis, options: &CheckOptions, quantiles: bool) -> Review {
    let design = &analysis.design;
    let model_options = capacity::Options {
        quantiles,
        ..capacity::Options::default()
    };
    let (estimate, mut findings) = match capacity::estimate(design, &analysis.ways, &model_options)
    {
        Ok(estimate) => {
            let findings = findings(analysis, &estimate, options);
            (Some(estimate), findings)
        }
        Err(capacity::EstimateError::Unbounded(unbounded)) => {
            let finding = rules::scaling::saturated::unbounded_loop(design, &unbounded);
            let selected = options
                .selection
                .includes(&rules::scaling::saturated::RULE.code);
            (None, if selected { vec![finding] } else { Vec::new() })
        }
        // No failure is asked for, so no failure can name a stranger.
        Err(capacity::EstimateError::Failure(_)) => (None, Vec::new()),
    };
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    Review { estimate, findings }
}

/// `check`'s review: the end-to-end quantiles are computed only when the
/// design has a latency target to check.
pub fn review(analysis: &Analysis, options: &CheckOptions) -> Review {
    let has_targets = analysis
        .ways
        .entering()
        .any(|(_, operation)| !operation.latency_slo.is_empty());
    review_with(analysis, options, has_targets)
}

/// The findings of the selected rules on a design and its estimate.
pub fn findings(
    analysis: &Analysis,
    estimate: &capacity::Estimate,
    options: &CheckOptions,
) -> Vec<Diagnostic> {
    let context = Context {
        design: &analysis.design,
        topology: &analysis.topology,
        ways: &analysis.ways,
        estimate,
        settings: &options.settings,
    };
    rules::run(&context, options)
}
