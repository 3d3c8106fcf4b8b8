//! BP304 stale-cache.

use crate::design::{CachePattern, Consistency, Kind};
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::rules::{Context, Rule};

pub const RULE: Rule = Rule {
    code: Code {
        code: "BP304",
        name: "stale-cache",
        severity: Severity::Warning,
        summary: "a cache in front of a `strong` store with `cache_aside` or `write_behind` and no `ttl`",
        docs: r#"## Why it matters
A store that promises `strong` consistency is usually read through a cache
for speed, and the cache then decides what readers see. With `cache_aside`
the application writes the store and deletes the cached entry, and a
delete that is lost (a crash between the two steps, a race with a
concurrent miss that refills the old value) leaves a stale entry. With
`write_behind` the store lags the cache. Without a `ttl`, nothing ever
corrects such an entry: it is served until it is evicted for space.

## What fires it
A `cache` whose `backing` is a store with `consistency: strong`, whose
`pattern` is `cache_aside` (the default) or `write_behind`, and which has
no `ttl`.

## How to fix it
Set a `ttl` that bounds how stale an entry may get, or keep the cache in
step with the store (`write_through`).

```yaml
# before
  accounts_cache: { kind: cache, backing: accounts_db, eviction: lru }
  accounts_db: { kind: database, consistency: strong }
```

```yaml
# after
  accounts_cache: { kind: cache, backing: accounts_db, eviction: lru, ttl: 5min }
  accounts_db: { kind: database, consistency: strong }
```
"#,
    },
    check,
};

fn check(context: &Context, findings: &mut Vec<Diagnostic>) {
    let design = context.design;
    for component in &design.components {
        let Some(backing) = &component.backing else {
            continue;
        };
        let store = &design.components[backing.value];
        let Some(store_consistency) = &store.consistency else {
            continue;
        };
        let stale_prone = matches!(
            component.cache_pattern(),
            CachePattern::CacheAside | CachePattern::WriteBehind
        );
        if component.kind() != Kind::Cache
            || store_consistency.value != Consistency::Strong
            || !stale_prone
            || component.ttl.is_some()
        {
            continue;
        }
        findings.push(
            RULE.code
                .diagnostic(format!(
                    "cache `{}` keeps entries of strongly consistent `{}` with no `ttl`, so a stale entry is never corrected",
                    component.name(),
                    store.name()
                ))
                .at(backing.span)
                .component(component.name())
                .related(store_consistency.span, "strong consistency promised here")
                .label(format!("`{}` can go stale in front of this store", component.cache_pattern()))
                .help("set a `ttl` that bounds how stale an entry may get, or use `pattern: write_through`"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{findings, places};

    #[test]
    fn fires_on_a_cache_aside_cache_without_ttl() {
        let yaml = "version: 1
name: t
components:
  cache: { kind: cache, backing: db, eviction: lru }
  db: { kind: database, consistency: strong }
";
        assert_eq!(
            places(&findings(yaml, "BP304")),
            [("cache".to_string(), 4, 34)]
        );
    }

    #[test]
    fn quiet_with_a_ttl_write_through_or_an_eventual_store() {
        let ttl = "version: 1
name: t
components:
  cache: { kind: cache, backing: db, eviction: lru, ttl: 5min }
  db: { kind: database, consistency: strong }
";
        assert!(findings(ttl, "BP304").is_empty());
        let write_through = "version: 1
name: t
components:
  cache: { kind: cache, backing: db, pattern: write_through }
  db: { kind: database, consistency: strong }
";
        assert!(findings(write_through, "BP304").is_empty());
        let eventual = "version: 1
name: t
components:
  cache: { kind: cache, backing: db }
  db: { kind: database, consistency: eventual }
";
        assert!(findings(eventual, "BP304").is_empty());
    }
}
