//! BP202 hot.

use super::capacity_span;
use crate::design::quantity::trim_number;
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::rules::{Context, Rule};

pub const RULE: Rule = Rule {
    code: Code {
        code: "BP202",
        name: "hot",
        severity: Severity::Warning,
        summary: "utilisation above 0.8 at peak load (threshold configurable)",
        docs: r#"## Why it matters
Queueing delay is not linear in utilisation: an M/M/1 station at 50% waits
one service time on average, at 80% four, at 90% nine. A component running
hot at peak has no room for a traffic spike, a slow dependency, or the loss
of a replica, and its tail latency is already most of its latency.

## What fires it
The busiest replica's utilisation at peak load is above the threshold (0.8
by default; configurable) and below 1 (at 1 and above, BP201 fires instead).

## How to fix it
Add replicas or capacity until peak utilisation sits around 0.5-0.7.
`blueprint estimate --target-utilization 0.7` prints the replica counts.

```yaml
# before: 10k req/s over 4 x 3k/s = 83%
  search: { kind: search, replicas: 4, capacity: 3k/s, latency: 20ms }
```

```yaml
# after: 10k req/s over 5 x 3k/s = 67%
  search: { kind: search, replicas: 5, capacity: 3k/s, latency: 20ms }
```
"#,
    },
    check,
};

fn check(context: &Context, findings: &mut Vec<Diagnostic>) {
    let threshold = context.settings.hot_utilization;
    for (id, component) in context.design.components.iter().enumerate() {
        let Some(utilization) = context.estimate.components[id].utilization() else {
            continue;
        };
        if utilization <= threshold || utilization >= 1.0 {
            continue;
        }
        findings.push(
            RULE.code
                .diagnostic(format!(
                    "`{}` runs at {}% utilisation at peak, above the {}% threshold",
                    component.name(),
                    trim_number(utilization * 100.0),
                    trim_number(threshold * 100.0)
                ))
                .at(capacity_span(component))
                .component(component.name())
                .label("little headroom for spikes or failures")
                .help("add replicas or capacity until peak utilisation is around 50-70%"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{findings, places};

    #[test]
    fn fires_above_the_threshold() {
        let yaml = "version: 1
name: t
requirements: { peak_rps: 10k/s }
components:
  users: { kind: client, calls: [{ to: search }] }
  search: { kind: search, replicas: 4, capacity: 3k/s, latency: 20ms }
";
        assert_eq!(
            places(&findings(yaml, "BP202")),
            [("search".to_string(), 6, 50)]
        );
    }

    #[test]
    fn quiet_below_the_threshold_and_when_saturated() {
        let cool = "version: 1
name: t
requirements: { peak_rps: 10k/s }
components:
  users: { kind: client, calls: [{ to: search }] }
  search: { kind: search, replicas: 5, capacity: 3k/s, latency: 20ms }
";
        assert!(findings(cool, "BP202").is_empty());
        let saturated = cool.replace("replicas: 5", "replicas: 3");
        assert!(findings(&saturated, "BP202").is_empty());
    }
}
