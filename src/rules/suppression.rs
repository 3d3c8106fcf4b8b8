//! `allow:` entries: accepting a finding with a reason, at a component or
//! for the whole design, optionally `until` a date. Suppressed findings stay
//! in the output, marked, and never fail a run. The engine raises two codes
//! of its own here: BP009 (an entry without a reason) and BP010 (an entry
//! that matches nothing).

use super::{Selection, matches};
use crate::design::{Design, Suppression};
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::suggest::did_you_mean;

pub const UNEXPLAINED: Code = Code {
    code: "BP009",
    name: "unexplained-suppression",
    severity: Severity::Warning,
    summary: "an `allow:` entry gives no `reason`",
    docs: r#"## Why it matters
A suppression is a decision: "we know, and we accept it because...". Without
the because, the next reader cannot tell an informed trade-off from a
silenced warning, and nobody can say when it should be revisited.

## What fires it
An entry under `allow:` (at a component or at the top of the design) with no
`reason`, or an empty one. The entry still suppresses its finding.

## How to fix it
Say why the finding is accepted, and for how long if it is temporary.

```yaml
# before
    allow:
      - rule: BP101
```

```yaml
# after
    allow:
      - rule: BP101
        reason: single primary accepted until launch; restore from snapshot
        until: 2027-03-31
```
"#,
};

pub const UNUSED: Code = Code {
    code: "BP010",
    name: "unused-suppression",
    severity: Severity::Info,
    summary: "an `allow:` entry matches no finding, or names no rule",
    docs: r#"## Why it matters
A suppression that no longer matches anything is noise that hides intent:
the problem it accepted was fixed, or the rule it names was misspelt and the
finding it meant to accept is still live. Removing stale entries keeps the
list of accepted risks honest.

## What fires it
An `allow:` entry whose rule matched no finding of the component (or of the
design, at the top), among the rules that ran; or whose `rule` is not a code,
name or family of any rule.

## How to fix it
Remove the entry, or correct the rule it names.

```yaml
# before
    allow:
      - rule: single-replca
        reason: accepted for the pilot
```

```yaml
# after
    allow:
      - rule: single-replica
        reason: accepted for the pilot
```
"#,
};

/// Where an entry applies: to the findings of one component, or to all.
struct Entry<'a> {
    suppression: &'a Suppression,
    component: Option<&'a str>,
    used: bool,
}

/// Marks the findings that `allow:` entries accept, lets lapsed entries go
/// (their findings stay live and say so), and adds BP009 and BP010.
/// `today` is `YYYY-MM-DD`; with none, no entry lapses.
pub fn apply(
    design: &Design,
    findings: &mut Vec<Diagnostic>,
    selection: &Selection,
    today: Option<&str>,
) {
    let mut entries: Vec<Entry> = design
        .allow
        .iter()
        .map(|suppression| Entry {
            suppression,
            component: None,
            used: false,
        })
        .chain(design.components.iter().flat_map(|component| {
            component.allow.iter().map(|suppression| Entry {
                suppression,
                component: Some(component.name()),
                used: false,
            })
        }))
        .collect();

    for finding in findings.iter_mut() {
        for entry in &mut entries {
            let applies = entry
                .component
                .is_none_or(|name| finding.component.as_deref() == Some(name))
                && super::find_code(finding.code)
                    .is_some_and(|code| matches(code, &entry.suppression.rule.value));
            if !applies {
                continue;
            }
            entry.used = true;
            match &entry.suppression.until {
                Some(until) if today.is_some_and(|today| until.value.as_str() < today) => {
                    finding
                        .message
                        .push_str(&format!(" (its acceptance expired on {})", until.value));
                }
                _ => {
                    finding.suppressed = true;
                    finding.justification = entry.suppression.reason.clone();
                }
            }
        }
    }

    for entry in &entries {
        let suppression = entry.suppression;
        let whose = entry
            .component
            .map_or("the design".to_string(), |name| format!("`{name}`"));
        if suppression.reason.is_none() {
            let mut diagnostic = UNEXPLAINED
                .diagnostic(format!("the suppression of `{}` at {whose} gives no reason", suppression.rule.value))
                .at(suppression.rule.span)
                .label("accepted without a reason")
                .help("add `reason:` saying why the finding is accepted (and `until:` if it is temporary)");
            if let Some(name) = entry.component {
                diagnostic = diagnostic.component(name);
            }
            findings.push(diagnostic);
        }
        let known = super::all_codes().any(|code| matches(code, &suppression.rule.value));
        let ran = super::all_codes()
            .any(|code| matches(code, &suppression.rule.value) && selection.includes(code));
        if entry.used || (known && !ran) {
            continue;
        }
        let mut diagnostic = if known {
            UNUSED
                .diagnostic(format!(
                    "the suppression of `{}` at {whose} matches no finding",
                    suppression.rule.value
                ))
                .label("nothing to accept here")
                .help("the finding is gone: remove the entry")
        } else {
            let names = super::all_codes().flat_map(|code| [code.code, code.name]);
            let help = match did_you_mean(&suppression.rule.value, names) {
                Some(name) => format!("did you mean `{name}`?"),
                None => "name a rule by its code (BP101) or name (single-replica); see `blueprint rules`".to_string(),
            };
            UNUSED
                .diagnostic(format!(
                    "the suppression at {whose} names `{}`, which is no rule",
                    suppression.rule.value
                ))
                .label("no such rule")
                .help(help)
        };
        diagnostic = diagnostic.at(suppression.rule.span);
        if let Some(name) = entry.component {
            diagnostic = diagnostic.component(name);
        }
        findings.push(diagnostic);
    }
}

#[cfg(test)]
mod tests {
    use crate::CheckOptions;
    use crate::diagnostic::Diagnostic;

    fn check(yaml: &str, today: &str) -> Vec<Diagnostic> {
        let options = CheckOptions {
            today: Some(today.to_string()),
            ..CheckOptions::default()
        };
        crate::check("t.yaml", yaml.as_bytes(), &options).diagnostics
    }

    const DESIGN: &str = "version: 1
name: t
ALLOW
components:
  users: { kind: client, calls: [{ to: db }] }
  db:
    kind: database
    capacity: 1k/s
    allow:
      - rule: RULE
        REASON
";

    fn design(rule: &str, reason: &str, top: &str) -> String {
        DESIGN
            .replace("RULE", rule)
            .replace("REASON", reason)
            .replace("ALLOW", top)
    }

    #[test]
    fn a_component_entry_suppresses_by_code_or_name() {
        for rule in ["BP101", "single-replica"] {
            let findings = check(&design(rule, "reason: pilot only", ""), "2026-01-01");
            let single = findings.iter().find(|d| d.code == "BP101").unwrap();
            assert!(single.suppressed);
            assert_eq!(single.justification.as_deref(), Some("pilot only"));
            assert!(
                !findings
                    .iter()
                    .any(|d| d.code == "BP009" || d.code == "BP010"),
                "{findings:#?}"
            );
        }
    }

    #[test]
    fn an_entry_lapses_after_its_date() {
        let yaml = design("BP101", "reason: pilot only\n        until: 2027-03-31", "");
        let before = check(&yaml, "2027-03-31");
        assert!(
            before
                .iter()
                .find(|d| d.code == "BP101")
                .unwrap()
                .suppressed
        );
        let after = check(&yaml, "2027-04-01");
        let live = after.iter().find(|d| d.code == "BP101").unwrap();
        assert!(!live.suppressed);
        assert!(
            live.message
                .ends_with("(its acceptance expired on 2027-03-31)"),
            "{}",
            live.message
        );
    }

    #[test]
    fn an_entry_without_a_reason_is_a_finding() {
        let findings = check(&design("BP101", "", ""), "2026-01-01");
        let unexplained = findings.iter().find(|d| d.code == "BP009").unwrap();
        let span = unexplained.span.unwrap();
        assert_eq!((span.line, span.column), (10, 15));
        assert!(
            findings
                .iter()
                .find(|d| d.code == "BP101")
                .unwrap()
                .suppressed
        );
    }

    #[test]
    fn unused_and_unknown_entries_are_reported() {
        let unused = check(
            &design("BP205", "reason: no sessions yet", ""),
            "2026-01-01",
        );
        let finding = unused.iter().find(|d| d.code == "BP010").unwrap();
        assert!(
            finding.message.contains("matches no finding"),
            "{}",
            finding.message
        );
        let unknown = check(&design("single-replca", "reason: typo", ""), "2026-01-01");
        let finding = unknown.iter().find(|d| d.code == "BP010").unwrap();
        assert_eq!(
            finding.help.as_deref(),
            Some("did you mean `single-replica`?")
        );
    }

    #[test]
    fn a_design_entry_covers_every_component() {
        let top = "allow:\n  - { rule: BP1, reason: a prototype }";
        let findings = check(&design("BP101", "reason: pilot", top), "2026-01-01");
        assert!(
            findings
                .iter()
                .filter(|d| d.code.starts_with("BP1"))
                .all(|d| d.suppressed)
        );
    }
}
