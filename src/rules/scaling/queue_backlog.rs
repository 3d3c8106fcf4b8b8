//! BP206 queue-backlog.

use crate::design::quantity::{format_count, format_rate};
use crate::diagnostic::{Cause, Code, Diagnostic, Severity};
use crate::rules::{Context, Rule};

pub const RULE: Rule = Rule {
    code: Code {
        code: "BP206",
        name: "queue-backlog",
        severity: Severity::Error,
        summary: "a queue's consumer capacity is below its inflow",
        docs: r#"## Why it matters
A queue hides a slow consumer only until it fills up. When messages arrive
faster than the consumer completes them, the backlog grows for as long as
the peak lasts: messages get older, disks fill, and the "asynchronous"
work is hours late. At peak that is a steady loss, not a buffer.

## What fires it
The queue's inflow at peak is above what its consumer's working replicas
complete per second (replicas, at most one per partition, times capacity).
The message gives the growth rate and the lag after one hour of peak.

## How to fix it
Add consumer replicas and, if they are capped, partitions; or make each
message cheaper to handle (batching).

```yaml
# before: 6k messages/s, 4 x 1k/s consumers
  events: { kind: queue, partitions: 4, consumer: indexer }
  indexer: { kind: worker, replicas: 4, capacity: 1k/s, latency: 10ms }
```

```yaml
# after: 12 x 1k/s
  events: { kind: queue, partitions: 12, consumer: indexer }
  indexer: { kind: worker, replicas: 12, capacity: 1k/s, latency: 10ms }
```
"#,
    },
    check,
};

fn check(context: &Context, findings: &mut Vec<Diagnostic>) {
    let design = context.design;
    for queue in &context.estimate.queues {
        if queue.backlog_growth <= 0.0 {
            continue;
        }
        let component = &design.components[queue.queue];
        let Some(consumer) = queue.consumer else {
            continue;
        };
        let span = component
            .consumer
            .as_ref()
            .map_or(component.name.span, |c| c.span);
        let mut finding = RULE.code
                .diagnostic(format!(
                    "`{}` receives {} but `{}` completes {}: the backlog grows by {} ({} messages after an hour of peak)",
                    component.name(),
                    format_rate(queue.inflow),
                    design.components[consumer].name(),
                    format_rate(queue.drain.unwrap_or(0.0)),
                    format_rate(queue.backlog_growth),
                    format_count(queue.lag_after_hour())
                ))
                .at(span)
                .component(component.name())
                .label("the consumer cannot keep up")
                .help("add consumer replicas (and partitions, at most one consumer works per partition)");
        // A consumer that cannot keep up with anything it serves is the
        // cause; the backlog is what its saturation looks like here.
        if context.estimate.components[consumer].replica.is_saturated() {
            finding = finding.stems_from(Cause::Saturated(
                design.components[consumer].name().to_string(),
            ));
        }
        findings.push(finding);
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{findings, places};

    const DESIGN: &str = "version: 1
name: t
requirements: { peak_rps: 6k/s }
components:
  api: { kind: service, replicas: 2, calls: [{ to: events }] }
  events: { kind: queue, replicas: 3, partitions: PARTITIONS, consumer: indexer, dead_letter: true }
  indexer: { kind: worker, replicas: 12, capacity: 1k/s, latency: 10ms }
";

    #[test]
    fn fires_when_partitions_cap_the_consumers() {
        let found = findings(&DESIGN.replace("PARTITIONS", "4"), "BP206");
        assert_eq!(places(&found), [("events".to_string(), 6, 64)]);
        assert!(
            found[0].message.contains("7.2M messages"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn quiet_when_the_consumers_keep_up() {
        assert!(findings(&DESIGN.replace("PARTITIONS", "12"), "BP206").is_empty());
    }
}
