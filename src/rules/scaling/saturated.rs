//! BP201 saturated.

use super::capacity_span;
use crate::capacity::load::UnboundedLoop;
use crate::design::Design;
use crate::design::quantity::{format_count, format_rate, trim_number};
use crate::diagnostic::{Cause, Code, Diagnostic, Severity};
use crate::rules::{Context, Rule};

pub const RULE: Rule = Rule {
    code: Code {
        code: "BP201",
        name: "saturated",
        severity: Severity::Error,
        summary: "utilisation >= 1 at peak load",
        docs: r#"## Why it matters
A component that receives more requests per second than its replicas can
complete builds a queue that grows for as long as the peak lasts: latency
climbs without bound, timeouts fire, retries add more load, and the
component falls over. No amount of waiting fixes it; only capacity does.

## What fires it
At the design's peak load (`requirements.peak_rps`, the workload, or the
clients' `rps`), the busiest replica's utilisation, load divided by what it
can complete, is 1 or more. For a store that is the hottest shard's node;
for a queue consumer, only the replicas the partitions let work count. A
loop through a queue whose every message makes at least one more never
settles and fires it too.

## How to fix it
Add replicas (or shards), raise per-replica capacity, or take load off the
component: a cache in front, fewer calls per request.

```yaml
# before: 50k req/s over 3 x 15k/s = 111%
  api: { kind: service, replicas: 3, capacity: 15k/s, latency: 4ms }
```

```yaml
# after: 50k req/s over 6 x 15k/s = 56%
  api: { kind: service, replicas: 6, capacity: 15k/s, latency: 4ms }
```
"#,
    },
    check,
};

fn check(context: &Context, findings: &mut Vec<Diagnostic>) {
    for (id, component) in context.design.components.iter().enumerate() {
        let estimate = &context.estimate.components[id];
        let Some(utilization) = estimate.utilization() else {
            continue;
        };
        if utilization < 1.0 {
            continue;
        }
        let replica = &estimate.replica;
        let message = if !utilization.is_finite() {
            format!(
                "`{}` has no replica left to serve its {}",
                component.name(),
                format_rate(estimate.load.total())
            )
        } else {
            format!(
                "`{}` is saturated at peak: utilisation {}% ({}% over capacity) with {} arriving",
                component.name(),
                trim_number(utilization * 100.0),
                trim_number((utilization - 1.0) * 100.0),
                format_rate(estimate.load.total()),
            )
        };
        let help = if replica.serving < replica.live {
            format!(
                "only {} replicas work at once, one per partition: add partitions, then replicas",
                replica.serving
            )
        } else {
            let needed = (f64::from(replica.serving) * utilization / 0.7).ceil();
            format!(
                "add replicas or capacity: about {} replicas keep it at 70%",
                format_count(needed)
            )
        };
        let mut finding = RULE
            .code
            .diagnostic(message)
            .at(capacity_span(component))
            .component(component.name())
            .label("cannot keep up with the peak")
            .help(help)
            .reports(Cause::Saturated(component.name().to_string()));
        // One replica carrying what needs several: the replicas BP101 asks
        // for are the fix. Not so when partitions, not replicas, limit it.
        if component.replica_count() == 1 && replica.serving == replica.live {
            finding = finding.stems_from(Cause::SingleReplica(component.name().to_string()));
        }
        // Load that its replicas would carry spread evenly, piled on one
        // shard by its key (BP208).
        let even = component.service.map(|service| {
            estimate.load.total() / (f64::from(replica.serving.max(1)) * service.capacity)
        });
        if even.is_some_and(|even| even < 1.0) {
            finding = finding.stems_from(Cause::HotShard(component.name().to_string()));
        }
        findings.push(finding);
    }
}

/// BP201 for a loop through a queue that multiplies its own traffic.
pub fn unbounded_loop(design: &Design, unbounded: &UnboundedLoop) -> Diagnostic {
    let names: Vec<&str> = unbounded
        .components
        .iter()
        .map(|&id| design.components[id].name())
        .collect();
    let first = &design.components[unbounded.components[0]];
    RULE.code
        .diagnostic(format!("the loop through {} never settles: each message makes at least one more", names.join(", ")))
        .at(first.name.span)
        .component(first.name())
        .help("lower `per_request` on the call that feeds the loop back, so each pass makes fewer messages than it consumes")
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{findings, places};

    #[test]
    fn fires_above_capacity() {
        let yaml = "version: 1
name: t
requirements: { peak_rps: 50k/s }
components:
  users: { kind: client, calls: [{ to: api }] }
  api:
    kind: service
    replicas: 3
    capacity: 15k/s
    latency: 4ms
";
        let found = findings(yaml, "BP201");
        assert_eq!(places(&found), [("api".to_string(), 9, 15)]);
        assert!(
            found[0]
                .message
                .contains("utilisation 111% (11.1% over capacity)"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn fires_on_a_loop_that_never_settles() {
        let yaml = "version: 1
name: t
requirements: { peak_rps: 10/s }
components:
  api: { kind: service, calls: [{ to: q }] }
  q: { kind: queue, consumer: w }
  w: { kind: worker, calls: [{ to: q, per_request: 1.5 }] }
";
        assert_eq!(findings(yaml, "BP201").len(), 1);
    }

    #[test]
    fn quiet_below_capacity() {
        let yaml = "version: 1
name: t
requirements: { peak_rps: 40k/s }
components:
  users: { kind: client, calls: [{ to: api }] }
  api: { kind: service, replicas: 3, capacity: 15k/s, latency: 4ms }
";
        assert!(findings(yaml, "BP201").is_empty());
    }
}
