//! `blueprint diff`: what changed between two revisions of a design. Each
//! revision is reviewed once ([`assess`]: the capacity model with its quantiles,
//! the rules, the N+1 what-ifs); [`compare`] then pairs components by name
//! (`fields`), findings by what they say (`findings`), the figures a
//! reviewer weighs (`metrics`), and operations by name with their own
//! figures and targets. [`Diff::regressions`] says what is worse.

pub mod fields;
pub mod findings;
pub mod metrics;

use fields::FieldChange;
use findings::FindingChanges;
use metrics::{EndToEnd, Metrics, OperationMetrics};

use crate::design::{Design, Kind};
use crate::diagnostic::{Diagnostic, Severity};
use crate::{Analysis, CheckOptions};

/// The end-to-end quantiles are computed within 0.5% of their exact values
/// (capacity-model.md, section 5): a rise within that is not one the model
/// can vouch for. A design that did not change gives the same figures to
/// the last bit, so only a change in the design moves them.
pub const P99_TOLERANCE: f64 = 0.005;
/// The p999 is computed to the same accuracy as the p99.
pub const P999_TOLERANCE: f64 = P99_TOLERANCE;
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

/// Reviews one revision: the capacity model with its computed end-to-end
/// quantiles, its findings and its figures.
pub fn assess(analysis: Analysis, options: &CheckOptions) -> Revision {
    let review = crate::review_with(&analysis, options, true);
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
    /// The operations of either revision paired by name: the new
    /// revision's order, then those only the old one has. Empty when
    /// neither revision has operations of its own (one implicit operation
    /// is the design's figures) or when one revision's load never settles.
    pub operations: Vec<OperationPair>,
}

/// One operation in the old revision, the new one, or both.
#[derive(Clone, Debug, PartialEq)]
pub struct OperationPair {
    pub name: String,
    pub old: Option<OperationMetrics>,
    pub new: Option<OperationMetrics>,
}

/// How much a rise of the quantile `q` must be to count, beyond the
/// computation's accuracy.
pub fn latency_tolerance(q: f64) -> f64 {
    if q > 0.99 {
        P999_TOLERANCE
    } else {
        P99_TOLERANCE
    }
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
    /// An operation kept in both revisions got slower, beyond the
    /// tolerance, at a quantile its targets name (p99 when it has none), or
    /// became unbounded (`new` is None).
    OperationLatency {
        operation: String,
        /// `p99`.
        label: &'static str,
        old: f64,
        new: Option<f64>,
        /// Its target at that quantile, in the new revision.
        target: Option<f64>,
    },
    /// An operation kept in both revisions lost more than
    /// [`NINES_TOLERANCE`] of availability.
    OperationAvailability {
        operation: String,
        old: f64,
        new: f64,
        target: Option<f64>,
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
        operations: pair_operations(old.metrics.as_ref(), new.metrics.as_ref()),
    }
}

fn pair_operations(old: Option<&Metrics>, new: Option<&Metrics>) -> Vec<OperationPair> {
    let (Some(old), Some(new)) = (old, new) else {
        return Vec::new();
    };
    let find = |metrics: &Metrics, name: &str| {
        metrics
            .operations
            .iter()
            .find(|operation| operation.name == name)
            .cloned()
    };
    let mut pairs: Vec<OperationPair> = new
        .operations
        .iter()
        .map(|operation| OperationPair {
            name: operation.name.clone(),
            old: find(old, &operation.name),
            new: Some(operation.clone()),
        })
        .collect();
    pairs.extend(
        old.operations
            .iter()
            .filter(|operation| find(new, &operation.name).is_none())
            .map(|operation| OperationPair {
                name: operation.name.clone(),
                old: Some(operation.clone()),
                new: None,
            }),
    );
    pairs
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

    /// The operations kept in both revisions, with both sides' figures.
    pub fn kept_operations(
        &self,
    ) -> impl Iterator<Item = (&str, &OperationMetrics, &OperationMetrics)> {
        self.operations
            .iter()
            .filter_map(|pair| Some((pair.name.as_str(), pair.old.as_ref()?, pair.new.as_ref()?)))
    }

    /// What the new revision does worse: findings introduced at or above
    /// `threshold`; then, for each operation kept in both revisions, a
    /// quantile its targets name (p99 without targets) higher by more than
    /// [`latency_tolerance`] and an availability lower by more than
    /// [`NINES_TOLERANCE`]. When no operation is kept in both, the whole
    /// traffic's p99 and availability are judged that way instead: the
    /// mixture of several operations says nothing of any one of them.
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
        if self.kept_operations().next().is_some() {
            regressions.extend(self.operation_regressions());
        } else if let (Some(old), Some(new)) = (&self.old, &self.new) {
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

    fn operation_regressions(&self) -> Vec<Regression> {
        let mut regressions = Vec::new();
        for (name, old, new) in self.kept_operations() {
            for (label, q, target) in new.judged_quantiles() {
                let Some(before) = old.end_to_end.quantile(q) else {
                    continue;
                };
                let after = new.end_to_end.quantile(q);
                let worse = match after {
                    Some(after) => after > before * (1.0 + latency_tolerance(q)),
                    None => new.end_to_end == EndToEnd::Unbounded,
                };
                if worse {
                    regressions.push(Regression::OperationLatency {
                        operation: name.to_string(),
                        label,
                        old: before,
                        new: after,
                        target,
                    });
                }
            }
            if new.nines < old.nines - NINES_TOLERANCE {
                regressions.push(Regression::OperationAvailability {
                    operation: name.to_string(),
                    old: old.availability,
                    new: new.availability,
                    target: new.availability_slo,
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
