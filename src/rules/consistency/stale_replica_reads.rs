//! BP301 stale-replica-reads.

use super::replication_span;
use crate::design::{Consistency, ReadFrom, ReplicationMode};
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::rules::{Context, Rule};

pub const RULE: Rule = Rule {
    code: Code {
        code: "BP301",
        name: "stale-replica-reads",
        severity: Severity::Error,
        summary: "`consistency: strong` but reads go to replicas that are written asynchronously",
        docs: r#"## Why it matters
`consistency: strong` promises every reader the latest committed write. A
replica that receives writes asynchronously lags its primary by anything
from milliseconds to minutes (longer during a failover or a long
transaction), so a read served by it can return data older than a write
that already succeeded: a user saves, reloads and sees the old value.

## What fires it
A store with `consistency: strong` whose `replication.read_from` is
`replicas` or `any` while `replication.mode` is `async` or `semi_sync`
(with semi-sync, only one replica has confirmed each write; the others
still lag).

## How to fix it
Read from the primary, or replicate synchronously (or by overlapping
quorums) before serving reads from copies; or promise less
(`read_your_writes`, `bounded_staleness`) and make the callers cope.

```yaml
# before
    consistency: strong
    replication: { factor: 3, mode: async, read_from: replicas }
```

```yaml
# after
    consistency: strong
    replication: { factor: 3, mode: async, read_from: primary }
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
        let lagging = matches!(
            replication.value.mode,
            ReplicationMode::Async | ReplicationMode::SemiSync
        );
        let from_copies = replication.value.read_from != ReadFrom::Primary;
        if consistency.value != Consistency::Strong || !lagging || !from_copies {
            continue;
        }
        findings.push(
            RULE.code
                .diagnostic(format!(
                    "`{}` promises strong consistency but serves reads from copies (`read_from: {}`) that `{}` replication leaves behind the primary",
                    component.name(),
                    replication.value.read_from,
                    replication.value.mode
                ))
                .at(replication_span(component, component.name.span))
                .component(component.name())
                .related(consistency.span, "strong consistency promised here")
                .label("a read can miss a write that already succeeded")
                .help("set `read_from: primary`, or replicate with `mode: sync` or overlapping quorums; or promise `read_your_writes` instead of `strong`"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{findings, places};

    #[test]
    fn fires_on_strong_reads_from_async_replicas() {
        let yaml = "version: 1
name: t
components:
  db:
    kind: database
    replicas: 3
    consistency: strong
    replication: { factor: 3, mode: async, read_from: replicas }
";
        assert_eq!(
            places(&findings(yaml, "BP301")),
            [("db".to_string(), 8, 18)]
        );
    }

    #[test]
    fn quiet_when_reads_stay_on_the_primary_or_copies_are_synchronous() {
        let primary = "version: 1
name: t
components:
  db:
    kind: database
    replicas: 3
    consistency: strong
    replication: { factor: 3, mode: semi_sync, read_from: primary }
";
        assert!(findings(primary, "BP301").is_empty());
        let synchronous = primary.replace(
            "mode: semi_sync, read_from: primary",
            "mode: sync, read_from: any",
        );
        assert!(findings(&synchronous, "BP301").is_empty());
        let eventual = primary
            .replace("strong", "eventual")
            .replace("primary", "any");
        assert!(findings(&eventual, "BP301").is_empty());
    }
}
