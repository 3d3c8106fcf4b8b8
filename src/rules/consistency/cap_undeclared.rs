//! BP306 cap-undeclared.

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::rules::{Context, Rule};

pub const RULE: Rule = Rule {
    code: Code {
        code: "BP306",
        name: "cap-undeclared",
        severity: Severity::Info,
        summary: "a replicated or sharded store does not declare `partition_mode`",
        docs: r#"## Why it matters
A store spread over several machines will, sooner or later, see some of
them cut off from the others. It then has to choose: refuse the requests
it cannot serve consistently (`cp`), or serve them and reconcile later
(`ap`). Both are legitimate; not knowing which one the store makes is
not, because callers have to be written for it.

## What fires it
A `database`, `cache`, `search` or `object_store` with `replication`
factor above 1 or with `sharding`, and no `partition_mode`.

## How to fix it
Declare what the store gives up in a partition.

```yaml
# before
  sessions_db:
    kind: database
    replication: { factor: 3, mode: quorum }
```

```yaml
# after
  sessions_db:
    kind: database
    partition_mode: cp
    replication: { factor: 3, mode: quorum }
```
"#,
    },
    check,
};

fn check(context: &Context, findings: &mut Vec<Diagnostic>) {
    for component in &context.design.components {
        if !component.kind().is_store() || component.partition_mode.is_some() {
            continue;
        }
        let replicated = component
            .replication
            .as_ref()
            .filter(|r| r.value.factor > 1)
            .map(|r| ("replicated", r.span));
        let sharded = component.sharding.as_ref().map(|s| ("sharded", s.span));
        let Some((spread, span)) = replicated.or(sharded) else {
            continue;
        };
        findings.push(
            RULE.code
                .diagnostic(format!(
                    "`{}` is {spread} but does not say what it gives up in a network partition",
                    component.name()
                ))
                .at(span)
                .component(component.name())
                .label("consistency or availability: undeclared")
                .help("declare `partition_mode: cp` (refuse what needs the other side) or `ap` (serve and reconcile later)"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{findings, places};

    #[test]
    fn fires_on_a_replicated_or_sharded_store_without_partition_mode() {
        let yaml = "version: 1
name: t
components:
  db:
    kind: database
    replicas: 3
    replication: { factor: 3, mode: quorum }
  index: { kind: search, replicas: 4, sharding: { key: doc_id } }
";
        assert_eq!(
            places(&findings(yaml, "BP306")),
            [("db".to_string(), 7, 18), ("index".to_string(), 8, 49)]
        );
    }

    #[test]
    fn quiet_when_declared_or_on_one_copy() {
        let declared = "version: 1
name: t
components:
  db:
    kind: database
    replicas: 3
    partition_mode: ap
    replication: { factor: 3, mode: async }
  single: { kind: database }
";
        assert!(findings(declared, "BP306").is_empty());
    }
}
