//! BP203 latency-slo.

use crate::capacity::latency::NoLatency;
use crate::design::quantity::format_duration;
use crate::diagnostic::{Cause, Code, Diagnostic, Severity};
use crate::rules::{Context, Rule};

pub const RULE: Rule = Rule {
    code: Code {
        code: "BP203",
        name: "latency-slo",
        severity: Severity::Error,
        summary: "an operation's estimated end-to-end quantile exceeds its `latency_slo` (or the design's); names the operation",
        docs: r#"## Why it matters
A latency target is a promise about the slowest requests users see, not the
average. Every sync call on the path adds its own queueing and service time,
fan-out waits for its slowest branch, and cache misses add the store behind
them; the tail of the sum is what the target is measured against.

Each kind of request is judged on its own: a fast cache read and a slow
checkout blended into one figure would hide the slow one behind the many
fast ones.

## What fires it
The end-to-end quantile (p50, p90, p95, p99 or p999) of an operation's
requests, computed along its own way through the design (its call tree
combining each component's response-time distribution, exact for M/M/c
and G/G/c by Allen–Cunneen where the design gives measured percentiles or
burstiness, within 0.5% of its quantile), is
above the operation's own `latency_slo`, or the design's in
`requirements.latency_slo`; or a component its requests wait on is
saturated, so the latency has no bound at all. Without `operations`, the
requests of each client are judged on their own.

## How to fix it
Shorten the critical path: cache hot reads, make calls that need not block
asynchronous (through a queue), run fan-out calls in `parallel`, or lower
utilisation where queueing dominates. `blueprint estimate` shows each
component's share.

```yaml
# before: three sequential 40ms calls
    calls:
      - { to: profile, timeout: 100ms }
      - { to: friends, timeout: 100ms }
      - { to: feed, timeout: 100ms }
```

```yaml
# after: the independent calls go out together
    calls:
      - { to: profile, timeout: 100ms }
      - { to: friends, timeout: 100ms, parallel: true }
      - { to: feed, timeout: 100ms, parallel: true }
```
"#,
    },
    check,
};

fn check(context: &Context, findings: &mut Vec<Diagnostic>) {
    for estimate in &context.estimate.operations {
        let operation = &context.ways.operations[estimate.operation];
        let who = context.ways.describe(estimate.operation);
        for target in &operation.latency_slo {
            let limit = format_duration(target.seconds.value);
            let diagnostic = match &estimate.end_to_end {
                Ok(end_to_end) => {
                    let value = end_to_end.quantile(target.quantile);
                    if value <= target.seconds.value {
                        continue;
                    }
                    RULE.code.diagnostic(format!(
                        "the estimated end-to-end {} of {who} is {}, above the {limit} target",
                        target.label,
                        format_duration(value)
                    ))
                }
                Err(NoLatency::Saturated(components)) => {
                    let causes = components.iter().map(|&id| {
                        Cause::Saturated(context.design.components[id].name().to_string())
                    });
                    let names: Vec<String> = components
                        .iter()
                        .map(|&id| format!("`{}`", context.design.components[id].name()))
                        .collect();
                    let mut finding = RULE.code.diagnostic(format!(
                        "the {} target of {limit} cannot be met for {who}: {} saturated, so latency has no bound",
                        target.label,
                        if names.len() == 1 {
                            format!("{} is", names[0])
                        } else {
                            format!("{} are", names.join(", "))
                        }
                    ));
                    finding.stems_from.extend(causes);
                    finding
                }
                Err(_) => continue,
            };
            findings.push(
                diagnostic
                    .at(target.seconds.span)
                    .label("not met at peak load")
                    .help("`blueprint estimate` shows where the time goes; cache, parallelise or make calls async to shorten the path"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{findings, places};

    const DESIGN: &str = "version: 1
name: t
requirements:
  peak_rps: 100/s
  latency_slo: { p50: 60ms, p99: TARGET }
components:
  users: { kind: client, calls: [{ to: api }] }
  api: { kind: service, replicas: 2, capacity: 1k/s, latency: 20ms, calls: [{ to: db }] }
  db: { kind: database, replicas: 2, capacity: 1k/s, latency: 10ms }
";

    #[test]
    fn fires_when_the_tail_is_too_slow() {
        // Two exponential stages with means of about 20ms and 10ms: the p99
        // is near 100ms, well above 50ms.
        let found = findings(&DESIGN.replace("TARGET", "50ms"), "BP203");
        assert_eq!(places(&found), [(String::new(), 5, 34)]);
        assert!(found[0].message.contains("p99"), "{}", found[0].message);
    }

    #[test]
    fn quiet_when_the_targets_are_met() {
        assert!(findings(&DESIGN.replace("TARGET", "250ms"), "BP203").is_empty());
    }

    /// The slow `report` misses the design's target although most requests
    /// are fast reads from a cache: targets are judged per operation, not
    /// on the blend.
    const TWO_OPERATIONS: &str = "version: 1
name: t
requirements: { peak_rps: 1000/s, latency_slo: { p99: 50ms } }
operations:
  read: { share: 0.95 }
  report: { share: 0.05 }
components:
  users: { kind: client, calls: [{ to: api }] }
  api:
    kind: service
    replicas: 4
    capacity: 2k/s
    latency: 1ms
    calls:
      - { to: cache, for: read }
      - { to: warehouse, for: report }
  cache: { kind: cache, replicas: 2, capacity: 50k/s, latency: 0.5ms }
  warehouse: { kind: database, replicas: 2, capacity: 100/s, latency: 40ms }
";

    #[test]
    fn fires_for_the_slow_operation_only() {
        let found = findings(TWO_OPERATIONS, "BP203");
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].message.contains("p99 of operation `report`"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn an_operations_own_target_replaces_the_designs() {
        let yaml = TWO_OPERATIONS.replace(
            "report: { share: 0.05 }",
            "report: { share: 0.05, latency_slo: { p99: 2s } }",
        );
        assert!(findings(&yaml, "BP203").is_empty());
    }
}
