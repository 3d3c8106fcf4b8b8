//! `blueprint diff`: what changed between two revisions of a design. Each
//! revision is reviewed once ([`assess`]: the capacity model with its walk,
//! the rules, the N+1 what-ifs); [`compare`] then pairs components by name
//! (`fields`), findings by what they say (`findings`), and the figures a
//! reviewer weighs (`metrics`). [`Diff::regressions`] says what is worse.

pub mod fields;
pub mod findings;
pub mod metrics;

use fields::FieldChange;
use findings::FindingChanges;
use metrics::{EndToEnd, Metrics};

use crate::design::{Design, Kind};
use crate::diagnostic::{Diagnostic, Severity};
use crate::{Analysis, CheckOptions, capacity};

/// The end-to-end p99 is a Monte Carlo figure within 2% of its true value
/// (capacity-model.md, section 5), so a rise within that is not a
/// regression: it can come from the walk drawing other numbers.
pub const P99_TOLERANCE: f64 = 0.02;
/// Availability is exact, but a drop of less than a hundredth of a nine
/// (unavailability up by less than 2.3%) is not one a reviewer weighs: a
/// cache of three replicas added in series costs about 1e-9.
pub const NINES_TOLERANCE: f64 = 0.01;

/// One revision of a design, reviewed.
#[derive(Clone, Debug)]
pub struct Revision {
    pub design: Design,
    /// The findings of the selected rules, suppressed ones included.
    pub findings: Vec<Diagnostic>,
    /// None when the load never settles (a loop through a queue that
    /// multiplies its traffic): then there are no figures to compare.
    pub metrics: Option<Metrics>,
}

/// Reviews one revision: the capacity model with the end-to-end walk (the
/// default seed, so two runs agree), its findings and its figures.
pub fn assess(analysis: Analysis, options: &CheckOptions) -> Revision {
    let review = crate::review_with(&analysis, options, capacity::DEFAULT_WALKS);
    let metrics = review
        .estimate
        .map(|estimate| metrics::measure(&analysis.design, &analysis.ways, &estimate));
    Revision {
        design: analysis.design,
        findings: review.findings,
        metrics,
    }
}

/// A component added or removed whole.
#[derive(Clone, Debug, PartialEq)]
pub struct Named {
    pub name: String,
    pub kind: Kind,
}

/// A component kept under its name whose fields changed.
#[derive(Clone, Debug, PartialEq)]
pub struct Changed {
    pub name: String,
    pub fields: Vec<FieldChange>,
}

#[derive(Clone, Debug)]
pub struct Diff {
    /// The design's own settings: name, requirements, zones, regions.
    pub design: Vec<FieldChange>,
    /// In the new revision's order.
    pub added: Vec<Named>,
    /// In the old revision's order.
    pub removed: Vec<Named>,
    /// In the new revision's order.
    pub changed: Vec<Changed>,
    pub findings: FindingChanges,
    pub old: Option<Metrics>,
    pub new: Option<Metrics>,
}

/// Something the new revision does worse than the old.
#[derive(Clone, Debug, PartialEq)]
pub enum Regression {
    /// Findings introduced at or above the threshold.
    Findings {
        count: usize,
        threshold: Severity,
    },
    /// The end-to-end p99 rose beyond [`P99_TOLERANCE`], or became unbounded
    /// (`new` is None).
    P99 {
        old: f64,
        new: Option<f64>,
    },
    Availability {
        old: f64,
        new: f64,
    },
}

pub fn compare(old: &Revision, new: &Revision) -> Diff {
    let named = |design: &Design, id: usize| Named {
        name: design.components[id].name().to_string(),
        kind: design.components[id].kind(),
    };
    let mut added = Vec::new();
    let mut changed = Vec::new();
    for (id, component) in new.design.components.iter().enumerate() {
        match old.design.component_named(component.name()) {
            None => added.push(named(&new.design, id)),
            Some(old_id) => {
                let fields = fields::component_changes(
                    &old.design,
                    &old.design.components[old_id],
                    &new.design,
                    component,
                );
                if !fields.is_empty() {
                    changed.push(Changed {
                        name: component.name().to_string(),
                        fields,
                    });
                }
            }
        }
    }
    let removed = (0..old.design.components.len())
        .filter(|&id| {
            new.design
                .component_named(old.design.components[id].name())
                .is_none()
        })
        .map(|id| named(&old.design, id))
        .collect();
    Diff {
        design: fields::design_changes(&old.design, &new.design),
        added,
        removed,
        changed,
        findings: findings::compare_reviews(
            (&old.findings, old.metrics.is_some()),
            (&new.findings, new.metrics.is_some()),
        ),
        old: old.metrics.clone(),
        new: new.metrics.clone(),
    }
}

impl Diff {
    /// Whether the two revisions are the same design in all that counts.
    pub fn is_empty(&self) -> bool {
        self.design.is_empty()
            && self.added.is_empty()
            && self.removed.is_empty()
            && self.changed.is_empty()
            && self.findings.fixed.is_empty()
            && self.findings.introduced.is_empty()
    }

    /// What the new revision does worse: findings introduced at or above
    /// `threshold`, a p99 higher by more than [`P99_TOLERANCE`], an
    /// availability lower by more than [`NINES_TOLERANCE`].
    pub fn regressions(&self, threshold: Severity) -> Vec<Regression> {
        let mut regressions = Vec::new();
        let count = self
            .findings
            .introduced
            .iter()
            .filter(|d| d.severity >= threshold)
            .count();
        if count > 0 {
            regressions.push(Regression::Findings { count, threshold });
        }
        if let (Some(old), Some(new)) = (&self.old, &self.new) {
            match (old.end_to_end, new.end_to_end) {
                (EndToEnd::Known { p99: before, .. }, EndToEnd::Known { p99: after, .. })
                    if after > before * (1.0 + P99_TOLERANCE) =>
                {
                    regressions.push(Regression::P99 {
                        old: before,
                        new: Some(after),
                    });
                }
                (EndToEnd::Known { p99: before, .. }, EndToEnd::Unbounded) => {
                    regressions.push(Regression::P99 {
                        old: before,
                        new: None,
                    });
                }
                _ => {}
            }
            if new.nines < old.nines - NINES_TOLERANCE {
                regressions.push(Regression::Availability {
                    old: old.availability,
                    new: new.availability,
                });
            }
        }
        regressions
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn revision(yaml: &str) -> Revision {
        assess(
            crate::analyse(yaml.as_bytes()).unwrap(),
            &CheckOptions::default(),
        )
    }

    const BASE: &str = "version: 1
name: t
requirements: { peak_rps: 1000/s }
zones: [az1, az2, az3]
components:
  users: { kind: client, calls: [{ to: api }] }
  api: { kind: service, replicas: 3, zones: [az1, az2, az3], capacity: 800/s, latency: 5ms }
";

    #[test]
    fn a_design_compared_with_itself_is_unchanged() {
        let diff = compare(&revision(BASE), &revision(BASE));
        assert!(diff.is_empty());
        assert_eq!(diff.old, diff.new);
        assert!(diff.regressions(Severity::Info).is_empty());
    }

    #[test]
    fn fewer_replicas_regress() {
        let fewer = BASE.replace("replicas: 3", "replicas: 2");
        let diff = compare(&revision(BASE), &revision(&fewer));
        assert_eq!(diff.changed.len(), 1);
        assert_eq!(diff.changed[0].fields[0].field, "replicas");
        // Two replicas in three zones: losing az1 or az2 leaves one at 125%.
        assert!(!diff.new.as_ref().unwrap().n_plus_one());
        let regressions = diff.regressions(Severity::Warning);
        assert!(
            matches!(regressions[0], Regression::Findings { count: 1, .. }),
            "{regressions:?}"
        );
        assert!(
            regressions
                .iter()
                .any(|r| matches!(r, Regression::P99 { .. })),
            "{regressions:?}"
        );
    }
}
