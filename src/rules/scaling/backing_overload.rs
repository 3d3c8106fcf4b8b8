//! BP211 backing-overload.

use crate::capacity::replicas;
use crate::design::Kind;
use crate::design::quantity::{format_rate, trim_number};
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::rules::{Context, Rule};
use crate::ways::{Via, carried};

pub const RULE: Rule = Rule {
    code: Code {
        code: "BP211",
        name: "backing-overload",
        severity: Severity::Warning,
        summary: "a cache's or CDN's misses alone run its backing store hot (above 0.8, configurable) or saturate it",
        docs: r#"## Why it matters
A cache protects its backing store only as long as it keeps hitting. If
the misses it already lets through at peak are enough to run the store
hot, there is no margin for the moments the hit ratio drops: a cold start
after a deploy or a flush, a failed cache node whose keys all miss at
once, or many requests missing on the same popular key together (a
stampede). The store then saturates, and the cache cannot refill because
the store is too slow to answer.

## What fires it
A `cache` or `cdn` whose misses at peak (and, for write-through,
write-behind and CDNs, the writes it passes on), on their own, put its
`backing` above the BP202 threshold (0.8 by default) or at saturation,
per the capacity model.

## How to fix it
Size the backing store for the misses with room to spare, raise the hit
ratio (more memory, longer `ttl`), and collapse concurrent misses for one
key into one fetch so a cold cache refills without a stampede.

```yaml
# before: 10% of 45k reads/s miss: 4.5k/s on one 5k/s node = 90%
  cache: { kind: cache, hit_ratio: 0.9, backing: db, capacity: 100k/s, latency: 0.5ms }
  db: { kind: database, capacity: 5k/s, latency: 2ms }
```

```yaml
# after: 4.5k/s over 3 nodes reading from any copy = 30% each
  cache: { kind: cache, hit_ratio: 0.9, backing: db, capacity: 100k/s, latency: 0.5ms }
  db:
    kind: database
    replicas: 3
    capacity: 5k/s
    latency: 2ms
    replication: { factor: 3, mode: sync, read_from: any }
```
"#,
    },
    check,
};

fn check(context: &Context, findings: &mut Vec<Diagnostic>) {
    let design = context.design;
    let threshold = context.settings.hot_utilization;
    for (id, cache) in design.components.iter().enumerate() {
        let Some(backing) = &cache.backing else {
            continue;
        };
        if !matches!(cache.kind(), Kind::Cache | Kind::Cdn) {
            continue;
        }
        let misses = carried(
            design,
            id,
            Via::Backing,
            context.estimate.components[id].load,
        );
        let store = &design.components[backing.value];
        let store_replica = &context.estimate.components[backing.value].replica;
        // The store as the estimate has it, serving the misses and nothing else.
        let from_misses = replicas::model(
            store,
            misses,
            store_replica.live,
            Some(store_replica.serving),
        );
        let Some(utilization) = from_misses.utilization.filter(|u| u.is_finite()) else {
            continue;
        };
        if utilization <= threshold {
            continue;
        }
        let effect = if utilization >= 1.0 {
            "saturate"
        } else {
            "run hot"
        };
        findings.push(
            RULE.code
                .diagnostic(format!(
                    "the {} that `{}` sends to `{}` at peak {effect} it on their own: {}% utilisation",
                    format_rate(misses.total()),
                    cache.name(),
                    store.name(),
                    trim_number(utilization * 100.0)
                ))
                .at(backing.span)
                .component(cache.name())
                .label("no margin when the hit ratio drops (cold start, flush, stampede)")
                .help(format!(
                    "size `{}` for the misses with headroom, raise the hit ratio, and collapse concurrent misses for one key",
                    store.name()
                )),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{findings, places};

    #[test]
    fn fires_when_misses_run_the_backing_hot() {
        let yaml = "version: 1
name: t
requirements: { peak_rps: 45k/s }
components:
  users: { kind: client, calls: [{ to: cache }] }
  cache: { kind: cache, hit_ratio: 0.9, backing: db, capacity: 100k/s, latency: 0.5ms }
  db: { kind: database, capacity: 5k/s, latency: 2ms }
";
        let found = findings(yaml, "BP211");
        assert_eq!(places(&found), [("cache".to_string(), 6, 50)]);
        assert!(found[0].message.contains("90%"), "{}", found[0].message);
    }

    #[test]
    fn quiet_when_the_backing_has_room_for_the_misses() {
        let yaml = "version: 1
name: t
requirements: { peak_rps: 45k/s }
components:
  users: { kind: client, calls: [{ to: cache }] }
  cache: { kind: cache, hit_ratio: 0.9, backing: db, capacity: 100k/s, latency: 0.5ms }
  db:
    kind: database
    replicas: 3
    capacity: 5k/s
    latency: 2ms
    replication: { factor: 3, mode: sync, read_from: any }
";
        assert!(findings(yaml, "BP211").is_empty());
    }
}
