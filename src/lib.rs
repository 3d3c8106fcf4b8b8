//! blueprint: system design as code.
//!
//! The modules read as the pipeline: [`design`] reads a YAML file (with
//! spans) into a checked [`design::Design`]; [`topology`] builds its request
//! graph; [`rules`] runs the review rules over both; every finding is a
//! [`diagnostic::Diagnostic`], and [`diagnostic`] renders lists of them for
//! people and for machines. Nothing here prints or exits: that is the
//! binary's job.

pub mod design;
pub mod diagnostic;
pub mod files;
pub mod rules;
pub mod suggest;
pub mod topology;

use diagnostic::FileReport;
use rules::{Context, Selection};

/// What `check` is asked to do beyond reading the design.
#[derive(Clone, Debug, Default)]
pub struct CheckOptions {
    pub selection: Selection,
}

/// Reads, checks and reviews one design file. `path` is only used to name
/// the file in the report.
pub fn check(path: &str, bytes: &[u8], options: &CheckOptions) -> FileReport {
    let source = String::from_utf8_lossy(bytes).into_owned();
    let diagnostics = match design::load(bytes) {
        Err(errors) => errors,
        Ok(design) => match topology::build(&design) {
            Err(errors) => errors,
            Ok(topology) => rules::run(
                &Context {
                    design: &design,
                    topology: &topology,
                },
                &options.selection,
            ),
        },
    };
    let mut diagnostics = diagnostics;
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    FileReport {
        path: path.to_string(),
        source,
        diagnostics,
    }
}
