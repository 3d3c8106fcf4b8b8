//! BP208 hot-shard-key.

use crate::design::ShardStrategy;
use crate::design::quantity::trim_number;
use crate::design::shard_key;
use crate::diagnostic::{Cause, Code, Diagnostic, Severity};
use crate::rules::{Context, Rule};

pub const RULE: Rule = Rule {
    code: Code {
        code: "BP208",
        name: "hot-shard-key",
        severity: Severity::Warning,
        summary: "a shard key that is monotonic (with `range`) or of low cardinality, or a `hot_key_share` that puts the hottest shard above 0.8",
        docs: r#"## Why it matters
Sharding spreads load only as well as its key does. A monotonic key (a
timestamp, a date, a sequence or an auto-increment id) under range
sharding sends every new write to the last shard, so one node takes all the
write traffic while the rest idle. A key with few values (country, status,
type, a boolean) cannot be split into more shards than it has values, and
its biggest value becomes a hot shard. A known hot key does the same.

## What fires it
- `sharding.key` names a time, date, sequence or auto-increment id and
  `strategy` is `range`;
- `sharding.key` names a low-cardinality field (country, region, status,
  state, type, kind, category, language, currency, gender, a flag);
- `hot_key_share` makes the hottest shard's utilisation exceed the BP202
  threshold (0.8 by default).

## How to fix it
Shard on a high-cardinality key with `hash` or `consistent_hash`, or add a
random or hashed prefix to a monotonic key; split a hot key's traffic
(read replicas, a cache, write sharding with a suffix).

```yaml
# before
    sharding: { key: created_at, strategy: range }
```

```yaml
# after
    sharding: { key: trip_id, strategy: hash }
```
"#,
    },
    check,
};

/// Why `key` makes a hot shard under `strategy`, if it does.
fn key_problem(key: &str, strategy: Option<ShardStrategy>) -> Option<String> {
    if strategy == Some(ShardStrategy::Range) && shard_key::grows(key) {
        return Some(format!(
            "`{key}` only grows, so with `range` every new record lands on the last shard"
        ));
    }
    if shard_key::few_values(key) {
        return Some(format!(
            "`{key}` has few distinct values, so its most common value becomes a hot shard"
        ));
    }
    None
}

fn check(context: &Context, findings: &mut Vec<Diagnostic>) {
    for (id, component) in context.design.components.iter().enumerate() {
        let Some(sharding) = &component.sharding else {
            continue;
        };
        let strategy = sharding.value.strategy.as_ref().map(|s| s.value);
        let problem = sharding
            .value
            .key
            .as_ref()
            .and_then(|key| Some((key, key_problem(&key.value, strategy)?)));
        if let Some((key, problem)) = problem {
            findings.push(
                RULE.code
                    .diagnostic(format!("`{}` is sharded on a hot key: {problem}", component.name()))
                    .at(key.span)
                    .component(component.name())
                    .label("one shard takes the load")
                    .help("shard on a high-cardinality key (a user, order or trip id) with `hash` or `consistent_hash`")
                    .reports(Cause::HotShard(component.name().to_string())),
            );
            continue;
        }
        let Some(share) = &sharding.value.hot_key_share else {
            continue;
        };
        let Some(utilization) = context.estimate.components[id].utilization() else {
            continue;
        };
        if share.value > 0.0
            && utilization > context.settings.hot_utilization
            && utilization.is_finite()
        {
            findings.push(
                RULE.code
                    .diagnostic(format!(
                        "the hot key ({}% of all load) puts `{}`'s hottest shard at {}% utilisation",
                        trim_number(share.value * 100.0),
                        component.name(),
                        trim_number(utilization * 100.0)
                    ))
                    .at(share.span)
                    .component(component.name())
                    .label("one shard carries the hot key")
                    .help("spread the hot key: cache it, replicate its reads, or split its writes with a suffix")
                    .reports(Cause::HotShard(component.name().to_string())),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::key_problem;
    use crate::design::ShardStrategy;
    use crate::rules::testing::{findings, places};

    #[test]
    fn keys() {
        assert!(key_problem("created_at", Some(ShardStrategy::Range)).is_some());
        assert!(key_problem("createdAt", Some(ShardStrategy::Range)).is_some());
        assert!(key_problem("id", Some(ShardStrategy::Range)).is_some());
        assert!(key_problem("created_at", Some(ShardStrategy::Hash)).is_none());
        assert!(key_problem("country", Some(ShardStrategy::Hash)).is_some());
        assert!(key_problem("is_active", None).is_some());
        assert!(key_problem("user_id", Some(ShardStrategy::Range)).is_none());
        assert!(key_problem("trip_id", Some(ShardStrategy::Hash)).is_none());
        assert!(key_problem("instance_id", Some(ShardStrategy::Hash)).is_none());
    }

    #[test]
    fn fires_on_a_time_key_with_range() {
        let yaml = "version: 1
name: t
components:
  trips:
    kind: database
    replicas: 6
    sharding: { key: created_at, strategy: range }
";
        assert_eq!(
            places(&findings(yaml, "BP208")),
            [("trips".to_string(), 7, 22)]
        );
    }

    #[test]
    fn fires_on_a_hot_key_share_that_overloads_a_shard() {
        let yaml = "version: 1
name: t
requirements: { peak_rps: 10k/s }
components:
  users: { kind: client, calls: [{ to: counters }] }
  counters:
    kind: database
    replicas: 8
    capacity: 4k/s
    latency: 1ms
    sharding: { key: user_id, strategy: hash, hot_key_share: 0.25 }
";
        assert_eq!(
            places(&findings(yaml, "BP208")),
            [("counters".to_string(), 11, 62)]
        );
    }

    #[test]
    fn quiet_on_a_hashed_high_cardinality_key() {
        let yaml = "version: 1
name: t
requirements: { peak_rps: 10k/s }
components:
  users: { kind: client, calls: [{ to: counters }] }
  counters:
    kind: database
    replicas: 8
    capacity: 4k/s
    latency: 1ms
    sharding: { key: user_id, strategy: hash, hot_key_share: 0.01 }
";
        assert!(findings(yaml, "BP208").is_empty());
    }
}
