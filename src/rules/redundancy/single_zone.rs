//! BP102 single-zone.

use std::collections::BTreeSet;

use super::is_owned;
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::rules::{Context, Rule};

pub const RULE: Rule = Rule {
    code: Code {
        code: "BP102",
        name: "single-zone",
        severity: Severity::Warning,
        summary: "the design declares two or more zones and a component's replicas all sit in one",
        docs: r#"## Why it matters
Replicas protect against the loss of a machine, not of the place the
machines stand in. Zones fail as a whole (power, network, a bad config
push), and when every replica of a component sits in the same zone, that
zone's outage takes the component down however many replicas it has.

## What fires it
The design declares at least two zones, and a component with two or more
replicas lists only one zone in `zones` (replicas are spread round-robin
over the zones listed). A single replica is left to BP101.

## How to fix it
Spread the replicas over at least two of the design's zones.

```yaml
# before
zones: [az1, az2, az3]
components:
  api: { kind: service, replicas: 4, zones: [az1] }
```

```yaml
# after
zones: [az1, az2, az3]
components:
  api: { kind: service, replicas: 4, zones: [az1, az2] }
```
"#,
    },
    check,
};

fn check(context: &Context, findings: &mut Vec<Diagnostic>) {
    let design = context.design;
    if design.zones.len() < 2 {
        return;
    }
    for component in &design.components {
        let Some(zones) = &component.zones else {
            continue;
        };
        if !is_owned(component) || component.replica_count() < 2 {
            continue;
        }
        let used: BTreeSet<usize> = component.replica_zones().collect();
        if let [only] = used.into_iter().collect::<Vec<_>>()[..] {
            let zone = &design.zones[only].value;
            findings.push(
                RULE.code
                    .diagnostic(format!(
                        "all {} replicas of `{}` run in zone `{zone}`",
                        component.replica_count(),
                        component.name()
                    ))
                    .at(zones.span)
                    .component(component.name())
                    .label(format!("losing `{zone}` loses every replica"))
                    .help(format!(
                        "spread the replicas over two or more of the design's zones ({})",
                        design
                            .zones
                            .iter()
                            .map(|z| z.value.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{findings, places};

    #[test]
    fn fires_when_every_replica_is_in_one_zone() {
        let yaml = "version: 1
name: t
zones: [az1, az2]
components:
  users: { kind: client, calls: [{ to: api }] }
  api:
    kind: service
    replicas: 3
    zones: [az1]
";
        assert_eq!(
            places(&findings(yaml, "BP102")),
            [("api".to_string(), 9, 12)]
        );
    }

    #[test]
    fn quiet_when_spread_or_with_one_zone_declared() {
        let spread = "version: 1
name: t
zones: [az1, az2]
components:
  api: { kind: service, replicas: 3, zones: [az1, az2] }
";
        assert!(findings(spread, "BP102").is_empty());
        let one_zone = "version: 1
name: t
zones: [az1]
components:
  api: { kind: service, replicas: 3, zones: [az1] }
";
        assert!(findings(one_zone, "BP102").is_empty());
    }
}
