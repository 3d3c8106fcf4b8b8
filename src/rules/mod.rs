//! The rule engine: the registry of rules, selecting them by code, name or
//! family, and running them over a checked design. Each rule lives in its
//! own file, grouped by family, with its code, name, severity, documentation
//! and tests together.

pub mod consistency;
pub mod redundancy;
pub mod resilience;
pub mod scaling;
pub mod security;
pub mod suppression;

use crate::capacity::Estimate;
use crate::design::Design;
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::suggest::did_you_mean;
use crate::topology::Topology;
use crate::ways::Ways;

/// What a rule reads. Rules never parse, print or re-run a model.
pub struct Context<'a> {
    pub design: &'a Design,
    pub topology: &'a Topology,
    pub ways: &'a Ways,
    pub estimate: &'a Estimate,
    pub settings: &'a Settings,
}

/// Thresholds rules use; configurable.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// BP202 fires above this utilisation.
    pub hot_utilization: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            hot_utilization: 0.8,
        }
    }
}

/// A rule: its identity and documentation, and the check that finds it.
pub struct Rule {
    pub code: Code,
    pub check: fn(&Context, &mut Vec<Diagnostic>),
}

/// Every rule that runs on a checked design, in code order.
pub const RULES: &[&Rule] = &[
    &redundancy::single_replica::RULE,
    &redundancy::single_zone::RULE,
    &redundancy::not_n_plus_one::RULE,
    &redundancy::no_health_check::RULE,
    &redundancy::cut_vertex::RULE,
    &redundancy::reconnect_storm::RULE,
    &scaling::saturated::RULE,
    &scaling::hot::RULE,
    &scaling::latency_slo::RULE,
    &scaling::availability_slo::RULE,
    &scaling::stateful_scale_out::RULE,
    &scaling::queue_backlog::RULE,
    &scaling::idle_consumers::RULE,
    &scaling::hot_shard_key::RULE,
    &scaling::unscaled_reads::RULE,
    &scaling::uncapped_model::RULE,
    &scaling::backing_overload::RULE,
    &scaling::implausible_figure::RULE,
    &consistency::stale_replica_reads::RULE,
    &consistency::weak_quorum::RULE,
    &consistency::split_brain::RULE,
    &consistency::stale_cache::RULE,
    &consistency::even_voters::RULE,
    &consistency::cap_undeclared::RULE,
    &consistency::ap_money::RULE,
    &resilience::no_timeout::RULE,
    &resilience::retry_storm::RULE,
    &resilience::no_dead_letter::RULE,
    &resilience::unguarded_external::RULE,
    &resilience::unbounded_cache::RULE,
    &resilience::duplicate_delivery::RULE,
    &resilience::timeout_budget::RULE,
    &resilience::retry_non_idempotent::RULE,
    &resilience::cdn_no_ttl::RULE,
    &resilience::retry_saturation::RULE,
    &security::no_tls::RULE,
    &security::tier_bypass::RULE,
    &security::no_rate_limit::RULE,
    &security::no_auth::RULE,
];

/// Every code `explain` knows: the reader's errors, the suppression
/// engine's, then the rules.
pub fn all_codes() -> impl Iterator<Item = &'static Code> {
    let mut codes: Vec<&'static Code> = crate::design::errors::ALL
        .iter()
        .copied()
        .chain([&suppression::UNEXPLAINED, &suppression::UNUSED])
        .chain(RULES.iter().map(|rule| &rule.code))
        .collect();
    codes.sort_by_key(|code| code.code);
    codes.into_iter()
}

/// The page `explain` prints and the language server shows on a code: the
/// code's own page and, for a rule that reads a data file (BP212's
/// catalogue of published figures), the data.
pub fn page(code: &Code) -> String {
    let mut page = code.page();
    if code.code == scaling::implausible_figure::RULE.code.code {
        page.push('\n');
        page.push_str(scaling::implausible_figure::CATALOGUE.table().trim_end());
        page.push('\n');
    }
    page
}

/// The code with exactly this code string (`BP101`).
pub fn find_code(code: &str) -> Option<&'static Code> {
    all_codes().find(|c| c.code == code)
}

/// The code named by its code (`BP101`, any case) or its name (`single-replica`).
pub fn find(code_or_name: &str) -> Option<&'static Code> {
    all_codes()
        .find(|code| code.code.eq_ignore_ascii_case(code_or_name) || code.name == code_or_name)
}

/// A selector that matches nothing, with the closest code or name.
#[derive(Debug, Clone, PartialEq)]
pub struct UnknownSelector {
    pub selector: String,
    pub suggestion: Option<&'static str>,
}

impl std::fmt::Display for UnknownSelector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "no rule is named `{}`", self.selector)?;
        match self.suggestion {
            Some(suggestion) => write!(f, "; did you mean `{suggestion}`?"),
            None => Ok(()),
        }
    }
}

/// Checks that `selector` (a code, a name or a family) names some rule.
pub fn known_selector(selector: &str) -> Result<(), UnknownSelector> {
    if all_codes().any(|code| matches(code, selector)) {
        return Ok(());
    }
    let names = all_codes().flat_map(|code| [code.code, code.name]);
    Err(UnknownSelector {
        selector: selector.to_string(),
        suggestion: did_you_mean(selector, names),
    })
}

/// Which rules run: all, or those `select` names, less those `ignore` names.
/// A selector is a code (`BP101`), a name (`single-replica`) or a family
/// (`BP1`, `BP10`).
#[derive(Clone, Debug, Default)]
pub struct Selection {
    select: Vec<String>,
    ignore: Vec<String>,
}

impl Selection {
    pub fn new(select: &[String], ignore: &[String]) -> Result<Selection, UnknownSelector> {
        for selector in select.iter().chain(ignore) {
            known_selector(selector)?;
        }
        Ok(Selection {
            select: select.to_vec(),
            ignore: ignore.to_vec(),
        })
    }

    pub fn includes(&self, code: &Code) -> bool {
        let selected = self.select.is_empty() || self.select.iter().any(|s| matches(code, s));
        selected && !self.ignore.iter().any(|s| matches(code, s))
    }
}

/// True when `selector` (a code, a name, or a family such as `BP1`) names
/// `code`.
pub fn matches(code: &Code, selector: &str) -> bool {
    let upper = selector.to_ascii_uppercase();
    code.name == selector
        || code.code == upper
        || (upper.len() >= 3 && upper.starts_with("BP") && code.code.starts_with(&upper))
}

/// How a review runs: which rules, at which severities and thresholds, and
/// what day it is for `until:` dates.
#[derive(Clone, Debug, Default)]
pub struct Options {
    pub selection: Selection,
    pub settings: Settings,
    /// Severity overrides, by code, name or family; later entries win.
    pub severities: Vec<(String, Severity)>,
    /// `YYYY-MM-DD`; `allow:` entries with an earlier `until` have lapsed.
    pub today: Option<String>,
}

impl Options {
    /// The severity configured for a rule, if any.
    fn severity_of(&self, code: &Code) -> Option<Severity> {
        self.severities
            .iter()
            .rev()
            .find(|(selector, _)| matches(code, selector))
            .map(|(_, severity)| *severity)
    }
}

/// Runs the selected rules, applies severity overrides and `allow:`
/// entries, and returns the findings in file order, each cause leading the
/// findings that follow from it.
pub fn run(context: &Context, options: &Options) -> Vec<Diagnostic> {
    let mut findings = Vec::new();
    for rule in RULES
        .iter()
        .filter(|rule| options.selection.includes(&rule.code))
    {
        let first = findings.len();
        (rule.check)(context, &mut findings);
        // A rule may lower a finding below its default (BP407 on a call
        // with a fallback); a configured severity applies to all of them.
        if let Some(severity) = options.severity_of(&rule.code) {
            for finding in &mut findings[first..] {
                finding.severity = severity;
            }
        }
    }
    suppression::apply(
        context.design,
        &mut findings,
        &options.selection,
        options.today.as_deref(),
    );
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    group_by_cause(findings)
}

/// Puts every live finding that stems from a fact another live finding
/// reports under that finding, following chains to the root (a saturation
/// that stems from a single replica takes its own consequences along), so
/// that one cause gives one leading finding. A leader is as severe as the
/// worst finding under it (a hot shard key that saturates a store leads an
/// error), so grouping never changes what a run fails on. `findings` are
/// in file order and stay so, at the top level and under each leader.
fn group_by_cause(findings: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let leader_of = |finding: &Diagnostic| -> Option<usize> {
        if finding.suppressed || finding.stems_from.is_empty() {
            return None;
        }
        findings.iter().position(|leader| {
            !leader.suppressed
                && leader
                    .reports
                    .as_ref()
                    .is_some_and(|fact| finding.stems_from.contains(fact))
        })
    };
    let parents: Vec<Option<usize>> = findings.iter().map(leader_of).collect();
    // The root of each chain; a chain longer than the list is a cycle of
    // facts, and then every finding on it leads itself.
    let roots: Vec<Option<usize>> = (0..findings.len())
        .map(|index| {
            let mut root = parents[index]?;
            for _ in 0..findings.len() {
                match parents[root] {
                    Some(parent) if parent != index => root = parent,
                    Some(_) => return None,
                    None => return Some(root),
                }
            }
            None
        })
        .collect();
    let mut slots: Vec<Option<Diagnostic>> = findings.into_iter().map(Some).collect();
    for (index, root) in roots.iter().enumerate() {
        if let Some(root) = *root {
            let caused = slots[index].take().expect("each finding moves once");
            slots[root]
                .as_mut()
                .expect("a root leads and never moves")
                .caused
                .push(caused);
        }
    }
    slots
        .into_iter()
        .flatten()
        .map(|mut leader| {
            if let Some(worst) = leader.caused.iter().map(|c| c.severity).max() {
                leader.severity = leader.severity.max(worst);
            }
            leader
        })
        .collect()
}

/// Helpers for the tests of each rule: check inline YAML and pick findings.
#[cfg(test)]
pub mod testing {
    use super::*;

    /// The findings of `code` for a design given as YAML text.
    pub fn findings(yaml: &str, code: &str) -> Vec<Diagnostic> {
        crate::check(
            "test.yaml",
            yaml.as_bytes(),
            &crate::CheckOptions::default(),
        )
        .diagnostics
        .into_iter()
        .inspect(|d| {
            assert!(
                !d.code.starts_with("BP0"),
                "test design does not load: {d:#?}"
            )
        })
        .flat_map(|d| d.and_caused().cloned().collect::<Vec<_>>())
        .filter(|d| d.code == code)
        .map(|mut d| {
            d.caused.clear();
            d
        })
        .collect()
    }

    /// `(component, line, column)` of each finding, for compact assertions.
    pub fn places(findings: &[Diagnostic]) -> Vec<(String, u32, u32)> {
        findings
            .iter()
            .map(|d| {
                let span = d.span.expect("findings point at the design");
                (
                    d.component.clone().unwrap_or_default(),
                    span.line,
                    span.column,
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Cause;

    #[test]
    fn codes_and_names_are_unique_and_well_formed() {
        let codes: Vec<&Code> = all_codes().collect();
        for (index, code) in codes.iter().enumerate() {
            assert!(
                code.code.len() == 5 && code.code.starts_with("BP"),
                "{}",
                code.code
            );
            assert!(
                code.name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{}",
                code.name
            );
            assert!(
                code.docs.contains("## Why it matters"),
                "{} has no why",
                code.code
            );
            assert!(
                code.docs.contains("## How to fix it"),
                "{} has no fix",
                code.code
            );
            assert!(
                code.docs.matches("```yaml").count() >= 2,
                "{} needs before/after YAML",
                code.code
            );
            for other in &codes[index + 1..] {
                assert_ne!(code.code, other.code);
                assert_ne!(code.name, other.name);
            }
        }
        assert!(
            codes.windows(2).all(|pair| pair[0].code < pair[1].code),
            "codes in order"
        );
    }

    fn finding(code: &'static str, severity: Severity) -> Diagnostic {
        Diagnostic::new(code, "test", severity, code)
    }

    #[test]
    fn findings_go_under_the_cause_they_stem_from() {
        let one = || Cause::SingleReplica("cache".to_string());
        let saturated = || Cause::Saturated("cache".to_string());
        let grouped = group_by_cause(vec![
            finding("BP203", Severity::Error).stems_from(saturated()),
            finding("BP101", Severity::Warning).reports(one()),
            finding("BP201", Severity::Error)
                .reports(saturated())
                .stems_from(one()),
            finding("BP202", Severity::Warning),
        ]);
        let codes: Vec<(&str, Vec<&str>)> = grouped
            .iter()
            .map(|d| (d.code, d.caused.iter().map(|c| c.code).collect()))
            .collect();
        // The chain BP203 -> BP201 -> BP101 ends at its root, in file order.
        assert_eq!(
            codes,
            [("BP101", vec!["BP203", "BP201"]), ("BP202", vec![])]
        );
        // The leader is as severe as the worst finding under it.
        assert_eq!(grouped[0].severity, Severity::Error);
    }

    #[test]
    fn suppressed_findings_neither_lead_nor_follow() {
        let one = || Cause::SingleReplica("db".to_string());
        let mut leader = finding("BP101", Severity::Error).reports(one());
        leader.suppressed = true;
        let grouped = group_by_cause(vec![
            leader,
            finding("BP105", Severity::Error).stems_from(one()),
        ]);
        assert_eq!(grouped.len(), 2);
        assert!(grouped.iter().all(|d| d.caused.is_empty()));
    }

    #[test]
    fn rules_are_found_by_code_or_name() {
        assert_eq!(find("BP101").map(|c| c.name), Some("single-replica"));
        assert_eq!(find("bp101").map(|c| c.name), Some("single-replica"));
        assert_eq!(find("cut-vertex").map(|c| c.code), Some("BP105"));
        assert!(find("BP999").is_none());
    }

    #[test]
    fn selection_by_code_name_and_family() {
        let by_family = Selection::new(&["BP1".to_string()], &["cut-vertex".to_string()]).unwrap();
        assert!(by_family.includes(&redundancy::single_replica::RULE.code));
        assert!(!by_family.includes(&redundancy::cut_vertex::RULE.code));
        let error = Selection::new(&["single-replca".to_string()], &[]).unwrap_err();
        assert_eq!(error.suggestion, Some("single-replica"));
    }
}
