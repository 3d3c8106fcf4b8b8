//! Findings fixed and introduced. Lines move between revisions and figures
//! in messages change with the numbers, so a finding is matched by what it
//! is: first by code, component and message with its numbers masked, then,
//! for what is left, by code and component alone (the same BP103 now
//! naming another zone is the same finding, not one fixed and one new).
//! Suppressed findings do not count: they never fail a run.

use crate::diagnostic::Diagnostic;

/// The live findings of two revisions, paired.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FindingChanges {
    /// In the old revision only, in its order.
    pub fixed: Vec<Diagnostic>,
    /// In the new revision only, in its order.
    pub introduced: Vec<Diagnostic>,
    /// Found in both.
    pub unchanged: usize,
    /// False when one revision's load never settles: its rules did not
    /// run, so the other revision's findings are neither fixed nor
    /// introduced as far as anyone can tell, and are left out.
    pub complete: bool,
}

/// The message with every number replaced by `#`.
fn masked(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut in_number = false;
    for c in message.chars() {
        let digit = c.is_ascii_digit() || (in_number && (c == '.' || c == ','));
        if digit {
            if !in_number {
                out.push('#');
            }
        } else {
            out.push(c);
        }
        in_number = digit;
    }
    out
}

/// Pairs each new finding with an unpaired old one of the same key.
fn pair<K: PartialEq>(
    old: &[&Diagnostic],
    new: &[&Diagnostic],
    old_paired: &mut [bool],
    new_paired: &mut [bool],
    key: impl Fn(&Diagnostic) -> K,
) {
    for (n, finding) in new.iter().enumerate() {
        if new_paired[n] {
            continue;
        }
        let wanted = key(finding);
        if let Some(o) = (0..old.len()).find(|&o| !old_paired[o] && key(old[o]) == wanted) {
            old_paired[o] = true;
            new_paired[n] = true;
        }
    }
}

/// Pairs the findings of two fully reviewed revisions.
///
/// Findings listed under another count on their own: a finding that moved
/// under a new cause has neither been fixed nor introduced.
pub fn compare(old: &[Diagnostic], new: &[Diagnostic]) -> FindingChanges {
    let live = |findings: &'_ [Diagnostic]| -> Vec<Diagnostic> {
        findings
            .iter()
            .flat_map(Diagnostic::and_caused)
            .filter(|d| !d.suppressed)
            .map(|d| Diagnostic {
                caused: Vec::new(),
                ..d.clone()
            })
            .collect()
    };
    let (old, new) = (live(old), live(new));
    let old: Vec<&Diagnostic> = old.iter().collect();
    let new: Vec<&Diagnostic> = new.iter().collect();
    let mut old_paired = vec![false; old.len()];
    let mut new_paired = vec![false; new.len()];
    pair(&old, &new, &mut old_paired, &mut new_paired, |d| {
        (d.code, d.component.clone(), masked(&d.message))
    });
    pair(&old, &new, &mut old_paired, &mut new_paired, |d| {
        (d.code, d.component.clone())
    });
    let unpaired = |findings: &[&Diagnostic], paired: &[bool]| -> Vec<Diagnostic> {
        findings
            .iter()
            .zip(paired)
            .filter(|(_, paired)| !**paired)
            .map(|(finding, _)| (*finding).clone())
            .collect()
    };
    FindingChanges {
        fixed: unpaired(&old, &old_paired),
        introduced: unpaired(&new, &new_paired),
        unchanged: new_paired.iter().filter(|p| **p).count(),
        complete: true,
    }
}

/// Pairs the findings of two revisions, either of which may not have been
/// reviewed in full: only the findings of a partial review count as
/// changes, since the full one's are unknown on the other side.
pub fn compare_reviews(
    (old, old_full): (&[Diagnostic], bool),
    (new, new_full): (&[Diagnostic], bool),
) -> FindingChanges {
    let mut changes = compare(old, new);
    if old_full != new_full {
        if old_full {
            changes.fixed.clear();
        } else {
            changes.introduced.clear();
        }
        changes.complete = false;
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Severity;

    fn finding(code: &'static str, component: &str, message: &str) -> Diagnostic {
        Diagnostic::new(code, "name", Severity::Warning, message).component(component)
    }

    #[test]
    fn numbers_and_lines_do_not_make_a_new_finding() {
        let old = [
            finding("BP202", "api", "`api` runs at 85% utilisation")
                .at(crate::diagnostic::Span::new(10, 0, 0..0)),
            finding("BP101", "db", "`db` has one replica"),
        ];
        let new = [
            finding("BP202", "api", "`api` runs at 91.5% utilisation"),
            finding("BP103", "api", "losing zone:az1 leaves `api` short"),
        ];
        let changes = compare(&old, &new);
        assert_eq!(changes.unchanged, 1);
        assert_eq!(changes.fixed, [old[1].clone()]);
        assert_eq!(changes.introduced, [new[1].clone()]);
    }

    #[test]
    fn the_same_rule_on_the_same_component_pairs_before_anything_new() {
        let old = [finding(
            "BP103",
            "api",
            "losing zone:az1 leaves `api` short",
        )];
        let new = [finding(
            "BP103",
            "api",
            "losing zone:az2 leaves `api` short",
        )];
        let changes = compare(&old, &new);
        assert_eq!(
            (
                changes.fixed.len(),
                changes.introduced.len(),
                changes.unchanged
            ),
            (0, 0, 1)
        );
    }

    #[test]
    fn duplicates_pair_one_to_one_and_suppressed_findings_do_not_count() {
        let twice = finding("BP401", "api", "`api` calls `db` without a timeout");
        let mut suppressed = finding("BP101", "db", "`db` has one replica");
        suppressed.suppressed = true;
        let changes = compare(
            std::slice::from_ref(&twice),
            &[twice.clone(), twice.clone(), suppressed],
        );
        assert_eq!(changes.introduced, [twice]);
        assert_eq!(changes.unchanged, 1);
        assert!(changes.fixed.is_empty());
    }

    #[test]
    fn a_partial_review_claims_nothing_about_the_other_side() {
        let looping = finding("BP201", "w", "the loop through w, q never settles");
        let others = [finding("BP101", "q", "`q` has one replica")];
        let broken = compare_reviews((&others, true), (std::slice::from_ref(&looping), false));
        assert!(broken.fixed.is_empty() && !broken.complete);
        assert_eq!(broken.introduced, std::slice::from_ref(&looping));
        let mended = compare_reviews((std::slice::from_ref(&looping), false), (&others, true));
        assert!(mended.introduced.is_empty() && !mended.complete);
        assert_eq!(mended.fixed, [looping]);
        assert!(compare_reviews((&others, true), (&others, true)).complete);
    }

    #[test]
    fn masking_keeps_words() {
        assert_eq!(masked("99.95% of 3 zones, 1,200/s"), "#% of # zones, #/s");
        assert_eq!(masked("az1"), "az#");
    }
}
