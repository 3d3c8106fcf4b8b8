//! BP209 unscaled-reads.

use crate::design::quantity::trim_number;
use crate::design::{Kind, ReadFrom};
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::rules::{Context, Rule};

pub const RULE: Rule = Rule {
    code: Code {
        code: "BP209",
        name: "unscaled-reads",
        severity: Severity::Info,
        summary: "a database serves over 80% reads, all from its primary, with no cache in front",
        docs: r#"## Why it matters
Read-heavy workloads are the easiest to scale: reads can be served from
copies that already exist (replicas) or from memory (a cache). A database
that takes every read on its primary spends its write capacity on reads
and will be the first thing to saturate as traffic grows.

## What fires it
A `database` whose load at peak is more than 80% reads, with no
`replication.read_from: replicas`/`any`, and no cache or CDN that names it
as `backing`.

## How to fix it
Put a cache in front of it, or read from replicas where slightly stale data
is acceptable.

```yaml
# before
  api: { kind: service, calls: [{ to: profiles_db }] }
```

```yaml
# after
  api: { kind: service, calls: [{ to: profiles_cache }] }
  profiles_cache: { kind: cache, hit_ratio: 0.9, backing: profiles_db, ttl: 10min }
```
"#,
    },
    check,
};

fn check(context: &Context, findings: &mut Vec<Diagnostic>) {
    let design = context.design;
    for (id, component) in design.components.iter().enumerate() {
        if component.kind() != Kind::Database {
            continue;
        }
        let load = context.estimate.components[id].load;
        if load.total() <= 0.0 || load.read_share() <= 0.8 {
            continue;
        }
        let spread = component
            .replication
            .as_ref()
            .is_some_and(|r| r.value.read_from != ReadFrom::Primary);
        let cached = design
            .components
            .iter()
            .any(|c| c.backing.as_ref().is_some_and(|b| b.value == id));
        if spread || cached {
            continue;
        }
        findings.push(
            RULE.code
                .diagnostic(format!(
                    "`{}` serves {}% reads, all from its primary, with no cache in front",
                    component.name(),
                    trim_number(load.read_share() * 100.0)
                ))
                .at(component.name.span)
                .component(component.name())
                .label("reads could be served elsewhere")
                .help("put a cache in front of it, or read from replicas where staleness is acceptable"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{findings, places};

    #[test]
    fn fires_on_a_read_heavy_primary() {
        let yaml = "version: 1
name: t
requirements: { peak_rps: 1k/s }
components:
  users: { kind: client, calls: [{ to: api }] }
  api: { kind: service, calls: [{ to: db }, { to: db, op: write, per_request: 0.1 }] }
  db: { kind: database }
";
        assert_eq!(places(&findings(yaml, "BP209")), [("db".to_string(), 7, 3)]);
    }

    #[test]
    fn quiet_with_a_cache_in_front() {
        let yaml = "version: 1
name: t
requirements: { peak_rps: 1k/s }
components:
  users: { kind: client, calls: [{ to: api }] }
  api: { kind: service, calls: [{ to: cache }, { to: db, op: write, per_request: 0.1 }] }
  cache: { kind: cache, hit_ratio: 0.9, backing: db }
  db: { kind: database }
";
        assert!(findings(yaml, "BP209").is_empty());
    }
}
