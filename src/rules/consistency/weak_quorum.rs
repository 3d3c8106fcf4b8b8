//! BP302 weak-quorum.

use super::replication_span;
use crate::design::{Consistency, ReplicationMode};
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::rules::{Context, Rule};

pub const RULE: Rule = Rule {
    code: Code {
        code: "BP302",
        name: "weak-quorum",
        severity: Severity::Error,
        summary: "`consistency: strong` with quorum replication where `read_quorum + write_quorum <= factor`",
        docs: r#"## Why it matters
With quorum replication, a write is acknowledged by `write_quorum` copies
and a read asks `read_quorum` copies. Only when the two sets must overlap,
`read_quorum + write_quorum > factor`, is every read guaranteed to meet at
least one copy holding the latest write. Otherwise a read can ask only
copies that missed it, and `strong` is not what readers get.

## What fires it
A store with `consistency: strong` and `replication.mode: quorum` where
`read_quorum + write_quorum` is at most `factor`. A quorum left out is the
majority, `factor / 2 + 1`.

## How to fix it
Raise either quorum until the sum exceeds the factor: majorities on both
sides (2 and 2 of 3, 3 and 3 of 5) also survive the loss of a minority.

```yaml
# before
    consistency: strong
    replication: { factor: 3, mode: quorum, read_quorum: 1, write_quorum: 2 }
```

```yaml
# after
    consistency: strong
    replication: { factor: 3, mode: quorum, read_quorum: 2, write_quorum: 2 }
```
"#,
    },
    check,
};

fn check(context: &Context, findings: &mut Vec<Diagnostic>) {
    for component in &context.design.components {
        let Some(consistency) = &component.consistency else {
            continue;
        };
        let Some(replication) = &component.replication else {
            continue;
        };
        let replication_value = &replication.value;
        if consistency.value != Consistency::Strong
            || replication_value.mode != ReplicationMode::Quorum
        {
            continue;
        }
        let factor = replication_value.factor;
        let majority = factor / 2 + 1;
        let read = replication_value.read_quorum.unwrap_or(majority);
        let write = replication_value.write_quorum.unwrap_or(majority);
        if read + write > factor {
            continue;
        }
        findings.push(
            RULE.code
                .diagnostic(format!(
                    "`{}` promises strong consistency but its quorums need not overlap: read {read} + write {write} of {factor} copies",
                    component.name()
                ))
                .at(replication_span(component, component.name.span))
                .component(component.name())
                .related(consistency.span, "strong consistency promised here")
                .label("a read can ask only copies that missed the latest write")
                .help(format!(
                    "make `read_quorum + write_quorum` exceed {factor}, e.g. {majority} and {majority}"
                )),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{findings, places};

    #[test]
    fn fires_when_quorums_do_not_overlap() {
        let yaml = "version: 1
name: t
components:
  db:
    kind: database
    replicas: 3
    consistency: strong
    replication: { factor: 3, mode: quorum, read_quorum: 1, write_quorum: 2 }
";
        assert_eq!(
            places(&findings(yaml, "BP302")),
            [("db".to_string(), 8, 18)]
        );
    }

    #[test]
    fn quiet_with_overlapping_or_default_majorities() {
        let overlapping = "version: 1
name: t
components:
  db:
    kind: database
    replicas: 3
    consistency: strong
    replication: { factor: 3, mode: quorum, read_quorum: 2, write_quorum: 2 }
";
        assert!(findings(overlapping, "BP302").is_empty());
        let majorities = "version: 1
name: t
components:
  db:
    kind: database
    replicas: 5
    consistency: strong
    replication: { factor: 5, mode: quorum }
";
        assert!(findings(majorities, "BP302").is_empty());
    }
}
