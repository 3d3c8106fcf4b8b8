//! BP405 unbounded-cache.

use crate::design::{Eviction, Kind};
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::rules::{Context, Rule};

pub const RULE: Rule = Rule {
    code: Code {
        code: "BP405",
        name: "unbounded-cache",
        severity: Severity::Warning,
        summary: "a cache with `eviction: none` and no `ttl`",
        docs: r#"## Why it matters
A cache that never evicts and never expires only grows. When it reaches
its memory limit it either refuses writes (Redis `noeviction` answers
every write with an error) or is killed for running out of memory, and
the misses that follow land on the backing store all at once.

## What fires it
A `cache` with `eviction: none` and no `ttl`.

## How to fix it
Let the cache drop entries: an eviction policy for when memory is full, a
`ttl` for entries that go cold, or both.

```yaml
# before
  sessions: { kind: cache, eviction: none }
```

```yaml
# after
  sessions: { kind: cache, eviction: lru, ttl: 30min }
```
"#,
    },
    check,
};

fn check(context: &Context, findings: &mut Vec<Diagnostic>) {
    for component in &context.design.components {
        let Some(eviction) = &component.eviction else {
            continue;
        };
        if component.kind() != Kind::Cache
            || eviction.value != Eviction::None
            || component.ttl.is_some()
        {
            continue;
        }
        findings.push(
            RULE.code
                .diagnostic(format!(
                    "cache `{}` never evicts and has no `ttl`, so it grows until memory runs out",
                    component.name()
                ))
                .at(eviction.span)
                .component(component.name())
                .label("nothing ever leaves the cache")
                .help("choose an eviction policy (`lru`, `lfu`) or set a `ttl`"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{findings, places};

    #[test]
    fn fires_on_a_cache_that_never_evicts() {
        let yaml = "version: 1
name: t
components:
  sessions: { kind: cache, eviction: none }
";
        assert_eq!(
            places(&findings(yaml, "BP405")),
            [("sessions".to_string(), 4, 38)]
        );
    }

    #[test]
    fn quiet_with_eviction_or_a_ttl() {
        let yaml = "version: 1
name: t
components:
  sessions: { kind: cache, eviction: lru }
  tokens: { kind: cache, eviction: none, ttl: 1h }
";
        assert!(findings(yaml, "BP405").is_empty());
    }
}
