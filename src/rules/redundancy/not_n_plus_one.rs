//! BP103 not-n-plus-one.

use super::is_owned;
use crate::design::quantity::trim_number;
use crate::diagnostic::{Cause, Code, Diagnostic, Severity};
use crate::rules::{Context, Rule};

pub const RULE: Rule = Rule {
    code: Code {
        code: "BP103",
        name: "not-n-plus-one",
        severity: Severity::Warning,
        summary: "losing one zone (or, with no zones, one replica) of a component leaves it unable to carry peak load that it carries with everything up",
        docs: r#"## Why it matters
Replicas that are all needed to carry the peak are not redundancy: when one
of them (or the zone it runs in) fails, the rest are pushed past saturation
and queues grow without bound, so the failure of one becomes the failure of
all. N+1 means the design still carries its peak with any one zone gone.

## What fires it
For a component with two or more replicas: taking away the replicas in one
of its zones (or, when it lists no zones, one replica) leaves it at or above
100% utilisation at peak load, with no replica left, or without the quorum
its writes need. The message names the zone and the utilisation left. A
component that is already saturated with everything up is left to BP201.
The load that the calls' retries add when the zone is lost (timeouts at
the slower survivors, failures of what the zone took down) is BP410's.

## How to fix it
Add replicas until the survivors of any one zone carry the peak, or spread
them over more zones so that each zone holds a smaller share.

```yaml
# before: 1,000 req/s, 800 req/s per replica; losing az1 leaves 1 replica
  api: { kind: service, replicas: 2, zones: [az1, az2], capacity: 800/s, latency: 5ms }
```

```yaml
# after: losing any zone leaves 2 replicas, 1,600 req/s
  api: { kind: service, replicas: 3, zones: [az1, az2, az3], capacity: 800/s, latency: 5ms }
```
"#,
    },
    check,
};

fn check(context: &Context, findings: &mut Vec<Diagnostic>) {
    for (id, component) in context.design.components.iter().enumerate() {
        // A component saturated with everything up is BP201's: losing a
        // zone changes nothing it does not already say.
        if !is_owned(component)
            || component.replica_count() < 2
            || context.estimate.components[id].replica.is_saturated()
        {
            continue;
        }
        let Some(failure) = &context.estimate.components[id].breaks_on else {
            continue;
        };
        let outcome = if failure.live == 0 {
            "no replica".to_string()
        } else if failure.quorum_lost {
            format!(
                "{} of {} replicas and no quorum for its writes",
                failure.live,
                component.replica_count()
            )
        } else {
            let utilization = failure.utilization.map_or("over 100%".to_string(), |u| {
                format!("{}% utilisation", trim_number(u * 100.0))
            });
            format!(
                "{} of {} replicas at {utilization}",
                failure.live,
                component.replica_count()
            )
        };
        findings.push(
            RULE.code
                .diagnostic(format!("losing {} leaves `{}` with {outcome}", failure.lost, component.name()))
                .at(component.replicas_span())
                .component(component.name())
                .label("not enough to survive one failure")
                .help("add replicas, or spread them over more zones, until the survivors of any one zone carry the peak")
                // Replicas that all share a zone (BP102) cannot survive it.
                .stems_from(Cause::OneZone(component.name().to_string())),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{findings, places};

    #[test]
    fn fires_when_a_zone_holds_too_much_of_the_capacity() {
        let yaml = "version: 1
name: t
requirements: { peak_rps: 1000/s }
zones: [az1, az2]
components:
  users: { kind: client, calls: [{ to: api }] }
  api:
    kind: service
    replicas: 2
    zones: [az1, az2]
    capacity: 800/s
    latency: 5ms
";
        let found = findings(yaml, "BP103");
        assert_eq!(places(&found), [("api".to_string(), 9, 15)]);
        assert!(
            found[0].message.contains("zone:az1"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn fires_on_a_lost_quorum_without_zones() {
        let yaml = "version: 1
name: t
requirements: { peak_rps: 10/s }
components:
  users: { kind: client, calls: [{ to: db, op: write }] }
  db:
    kind: database
    replicas: 2
    capacity: 1k/s
    latency: 2ms
    replication: { factor: 2, mode: sync }
";
        let found = findings(yaml, "BP103");
        assert_eq!(places(&found), [("db".to_string(), 8, 15)]);
        assert!(
            found[0].message.contains("no quorum"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn quiet_when_the_survivors_carry_the_peak() {
        let yaml = "version: 1
name: t
requirements: { peak_rps: 1000/s }
zones: [az1, az2, az3]
components:
  users: { kind: client, calls: [{ to: api }] }
  api: { kind: service, replicas: 3, zones: [az1, az2, az3], capacity: 800/s, latency: 5ms }
";
        assert!(findings(yaml, "BP103").is_empty());
    }
}
