//! BP303 split-brain.

use super::replication_span;
use crate::design::PartitionMode;
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::rules::{Context, Rule};

pub const RULE: Rule = Rule {
    code: Code {
        code: "BP303",
        name: "split-brain",
        severity: Severity::Error,
        summary: "`write_quorum <= factor / 2` (two sides of a partition can both accept writes) while `partition_mode: cp`",
        docs: r#"## Why it matters
`partition_mode: cp` promises that during a network partition the store
refuses writes rather than let its copies diverge. That only holds when a
write needs a strict majority of the copies: with `write_quorum` at half
the factor or less, both sides of a partition can each gather enough
copies, accept conflicting writes, and the store has two histories to
reconcile (split brain).

## What fires it
A store with `partition_mode: cp` whose `replication.write_quorum` is
given and is at most half of `replication.factor`.

## How to fix it
Require a majority for writes (`factor / 2 + 1`), or declare the store
`ap` and design how conflicting writes are merged.

```yaml
# before
    partition_mode: cp
    replication: { factor: 4, mode: quorum, read_quorum: 3, write_quorum: 2 }
```

```yaml
# after
    partition_mode: cp
    replication: { factor: 5, mode: quorum, read_quorum: 3, write_quorum: 3 }
```
"#,
    },
    check,
};

fn check(context: &Context, findings: &mut Vec<Diagnostic>) {
    for component in &context.design.components {
        let Some(partition_mode) = &component.partition_mode else {
            continue;
        };
        let Some(replication) = &component.replication else {
            continue;
        };
        let factor = replication.value.factor;
        let Some(write) = replication.value.write_quorum else {
            continue;
        };
        if partition_mode.value != PartitionMode::Cp || write > factor / 2 {
            continue;
        }
        findings.push(
            RULE.code
                .diagnostic(format!(
                    "`{}` is `cp` but accepts a write with {write} of {factor} copies, so both sides of a partition can take writes",
                    component.name()
                ))
                .at(replication_span(component, component.name.span))
                .component(component.name())
                .related(partition_mode.span, "consistency over availability promised here")
                .label("no majority needed for a write")
                .help(format!(
                    "set `write_quorum` to a majority: {} of {factor}",
                    factor / 2 + 1
                )),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{findings, places};

    #[test]
    fn fires_on_a_minority_write_quorum() {
        let yaml = "version: 1
name: t
components:
  db:
    kind: database
    replicas: 4
    partition_mode: cp
    replication: { factor: 4, mode: quorum, read_quorum: 3, write_quorum: 2 }
";
        assert_eq!(
            places(&findings(yaml, "BP303")),
            [("db".to_string(), 8, 18)]
        );
    }

    #[test]
    fn quiet_with_a_majority_or_when_ap() {
        let majority = "version: 1
name: t
components:
  db:
    kind: database
    replicas: 3
    partition_mode: cp
    replication: { factor: 3, mode: quorum, write_quorum: 2 }
";
        assert!(findings(majority, "BP303").is_empty());
        let available = "version: 1
name: t
components:
  db:
    kind: database
    replicas: 3
    partition_mode: ap
    replication: { factor: 3, mode: quorum, read_quorum: 1, write_quorum: 1 }
";
        assert!(findings(available, "BP303").is_empty());
    }
}
