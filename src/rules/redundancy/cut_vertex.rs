//! BP105 cut-vertex.

use super::is_owned;
use crate::diagnostic::{Cause, Code, Diagnostic, Severity};
use crate::rules::{Context, Rule};

pub const RULE: Rule = Rule {
    code: Code {
        code: "BP105",
        name: "cut-vertex",
        severity: Severity::Error,
        summary: "every path from the entry to some component passes through one single-replica component",
        docs: r#"## Why it matters
A single point of failure is not only a component that requests call
directly: it is any component that everything behind it can only be reached
through. When a lone message broker, gateway or shard router fails, every
component downstream of it is cut off, however well replicated those are.
Looking only at direct callers misses these; this rule walks the whole
graph.

## What fires it
A component with a single replica (not a client or `external`) that
dominates others: every path from the entries (clients, or the components
nothing calls) to them runs through it, following calls, cache misses and
queue consumers.

## How to fix it
Replicate the component, or give the components behind it a second way in.

```yaml
# before
  events: { kind: queue, consumer: indexer }
  indexer: { kind: worker, replicas: 4, calls: [{ to: search }] }
```

```yaml
# after
  events: { kind: queue, replicas: 3, zones: [az1, az2, az3], consumer: indexer }
  indexer: { kind: worker, replicas: 4, calls: [{ to: search }] }
```
"#,
    },
    check,
};

/// How many names a message lists before it says "and N more".
const NAMES_SHOWN: usize = 3;

fn check(context: &Context, findings: &mut Vec<Diagnostic>) {
    let design = context.design;
    for (id, component) in design.components.iter().enumerate() {
        if !is_owned(component) || component.replica_count() != 1 {
            continue;
        }
        let cut_off = context.topology.dominated_by(id);
        if cut_off.is_empty() {
            continue;
        }
        let mut names: Vec<String> = cut_off
            .iter()
            .take(NAMES_SHOWN)
            .map(|&other| format!("`{}`", design.components[other].name()))
            .collect();
        if cut_off.len() > NAMES_SHOWN {
            names.push(format!("{} more", cut_off.len() - NAMES_SHOWN));
        }
        let list = match names.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
            _ => names.join(""),
        };
        findings.push(
            RULE.code
                .diagnostic(format!(
                    "every path to {list} runs through `{}`, which has a single replica",
                    component.name()
                ))
                .at(component.replicas_span())
                .component(component.name())
                .label("a single point of failure for what lies behind it")
                .help("replicate this component, or give the components behind it another path")
                // A cut vertex is one because it has a single replica.
                .stems_from(Cause::SingleReplica(component.name().to_string())),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{findings, places};

    #[test]
    fn fires_on_a_single_broker_deep_in_the_graph() {
        let yaml = "version: 1
name: t
components:
  users: { kind: client, calls: [{ to: api }] }
  api: { kind: service, replicas: 3, calls: [{ to: events }] }
  events: { kind: queue, consumer: indexer }
  indexer: { kind: worker, replicas: 4, calls: [{ to: search }] }
  search: { kind: search, replicas: 3 }
";
        let found = findings(yaml, "BP105");
        assert_eq!(places(&found), [("events".to_string(), 6, 3)]);
        assert!(
            found[0].message.contains("`indexer` and `search`"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn quiet_when_a_second_path_exists_or_the_component_is_replicated() {
        let two_paths = "version: 1
name: t
components:
  users: { kind: client, calls: [{ to: a }, { to: b }] }
  a: { kind: service, calls: [{ to: db }] }
  b: { kind: service, replicas: 2, calls: [{ to: db }] }
  db: { kind: database, replicas: 3 }
";
        assert!(findings(two_paths, "BP105").is_empty());
        let replicated = "version: 1
name: t
components:
  users: { kind: client, calls: [{ to: lb }] }
  lb: { kind: load_balancer, replicas: 2, calls: [{ to: api }] }
  api: { kind: service, replicas: 2 }
";
        assert!(findings(replicated, "BP105").is_empty());
    }
}
