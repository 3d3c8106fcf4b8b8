//! BP406 duplicate-delivery.

use crate::design::{Delivery, Kind};
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::rules::{Context, Rule};

pub const RULE: Rule = Rule {
    code: Code {
        code: "BP406",
        name: "duplicate-delivery",
        severity: Severity::Warning,
        summary: "an `at_least_once` queue feeds a consumer that is not `idempotent`",
        docs: r#"## Why it matters
At-least-once delivery means some messages arrive twice: a consumer that
crashes after doing the work but before acknowledging it, a rebalance, a
producer retry. A consumer that is not idempotent then does the work
twice: sends two emails, ships two parcels, adds a payment twice.

## What fires it
A `queue` with `delivery: at_least_once` whose `consumer` does not declare
`idempotent: true`.

## How to fix it
Make the consumer idempotent (dedupe on a message id, upsert by key, a
conditional write) and say so.

```yaml
# before
  orders: { kind: queue, consumer: shipper, delivery: at_least_once }
  shipper: { kind: worker }
```

```yaml
# after
  orders: { kind: queue, consumer: shipper, delivery: at_least_once }
  shipper: { kind: worker, idempotent: true }   # dedupes on order id
```
"#,
    },
    check,
};

fn check(context: &Context, findings: &mut Vec<Diagnostic>) {
    let design = context.design;
    for queue in &design.components {
        let (Some(delivery), Some(consumer)) = (&queue.delivery, &queue.consumer) else {
            continue;
        };
        let consumer = &design.components[consumer.value];
        if queue.kind() != Kind::Queue
            || delivery.value != Delivery::AtLeastOnce
            || consumer.flag(&consumer.idempotent)
        {
            continue;
        }
        findings.push(
            RULE.code
                .diagnostic(format!(
                    "queue `{}` delivers at least once to `{}`, which is not idempotent",
                    queue.name(),
                    consumer.name()
                ))
                .at(delivery.span)
                .component(queue.name())
                .label("a redelivered message is handled twice")
                .help(format!(
                    "make `{}` idempotent (dedupe on a message id) and set `idempotent: true`",
                    consumer.name()
                )),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{findings, places};

    #[test]
    fn fires_on_a_consumer_that_is_not_idempotent() {
        let yaml = "version: 1
name: t
components:
  orders: { kind: queue, consumer: shipper, delivery: at_least_once }
  shipper: { kind: worker }
";
        assert_eq!(
            places(&findings(yaml, "BP406")),
            [("orders".to_string(), 4, 55)]
        );
    }

    #[test]
    fn quiet_with_an_idempotent_consumer_or_at_most_once() {
        let yaml = "version: 1
name: t
components:
  orders: { kind: queue, consumer: shipper, delivery: at_least_once }
  shipper: { kind: worker, idempotent: true }
  metrics: { kind: queue, consumer: counter, delivery: at_most_once }
  counter: { kind: worker }
";
        assert!(findings(yaml, "BP406").is_empty());
    }
}
