//! BP207 idle-consumers.

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::rules::{Context, Rule};

pub const RULE: Rule = Rule {
    code: Code {
        code: "BP207",
        name: "idle-consumers",
        severity: Severity::Info,
        summary: "a queue's consumer has more replicas than the queue has partitions",
        docs: r#"## Why it matters
A partitioned log (Kafka, Kinesis, Pulsar) hands each partition to one
consumer of a group at a time. Consumers beyond the partition count sit
idle: they cost money and add nothing to throughput, and capacity plans that
count them are wrong.

## What fires it
A queue with `partitions` whose `consumer` has more replicas than that.

## How to fix it
Raise the partition count to at least the consumer's replicas (partitions
are hard to add later, so leave room), or run fewer consumers.

```yaml
# before
  events: { kind: queue, partitions: 8, consumer: indexer }
  indexer: { kind: worker, replicas: 12 }
```

```yaml
# after
  events: { kind: queue, partitions: 24, consumer: indexer }
  indexer: { kind: worker, replicas: 12 }
```
"#,
    },
    check,
};

fn check(context: &Context, findings: &mut Vec<Diagnostic>) {
    let design = context.design;
    for component in &design.components {
        let (Some(partitions), Some(consumer)) = (&component.partitions, &component.consumer)
        else {
            continue;
        };
        let consumer = &design.components[consumer.value];
        if consumer.replica_count() <= partitions.value {
            continue;
        }
        findings.push(
            RULE.code
                .diagnostic(format!(
                    "`{}` has {} partitions, so {} of the {} replicas of `{}` sit idle",
                    component.name(),
                    partitions.value,
                    consumer.replica_count() - partitions.value,
                    consumer.replica_count(),
                    consumer.name()
                ))
                .at(partitions.span)
                .component(component.name())
                .label("at most one consumer per partition")
                .help("raise `partitions` to at least the consumer's replicas, or run fewer consumers"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{findings, places};

    #[test]
    fn fires_with_more_consumers_than_partitions() {
        let yaml = "version: 1
name: t
components:
  events: { kind: queue, partitions: 8, consumer: indexer }
  indexer: { kind: worker, replicas: 12 }
";
        assert_eq!(
            places(&findings(yaml, "BP207")),
            [("events".to_string(), 4, 38)]
        );
    }

    #[test]
    fn quiet_with_enough_partitions() {
        let yaml = "version: 1
name: t
components:
  events: { kind: queue, partitions: 12, consumer: indexer }
  indexer: { kind: worker, replicas: 12 }
";
        assert!(findings(yaml, "BP207").is_empty());
    }
}
