//! BP102 single-zone.

use std::collections::BTreeSet;

use super::is_owned;
use crate::diagnostic::{Cause, Code, Diagnostic, Severity};
use crate::rules::{Context, Rule};

pub const RULE: Rule = Rule {
    code: Code {
        code: "BP102",
        name: "single-zone",
        severity: Severity::Warning,
        summary: "a component's replicas all sit in one of the design's zones, or the design declares no zones at all while replicating components on the request path",
        docs: r#"## Why it matters
Replicas protect against the loss of a machine, not of the place the
machines stand in. Zones fail as a whole (power, network, a bad config
push), and when every replica of a component sits in the same zone, that
zone's outage takes the component down however many replicas it has.

## What fires it
- The design declares at least two zones, and a component with two or more
  replicas lists only one zone in `zones` (replicas are spread round-robin
  over the zones listed). A single replica is left to BP101.
- The design declares no zones at all, yet replicates components on the
  request path: nothing says its replicas do not all share one building,
  and the capacity model takes them to (no request then beats the zone's
  availability, 99.95% by default). One finding for the design.

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
    if design.zones.is_empty() {
        no_zones(context, findings);
        return;
    }
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
        let used: BTreeSet<usize> = component
            .replicas_per_zone(component.replica_count())
            .into_iter()
            .filter(|(_, count)| *count > 0)
            .map(|(zone, _)| zone)
            .collect();
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
                    ))
                    .reports(Cause::OneZone(component.name().to_string())),
            );
        }
    }
}

/// A design without zones that replicates components on the request path.
fn no_zones(context: &Context, findings: &mut Vec<Diagnostic>) {
    let design = context.design;
    let replicated: Vec<&str> = design
        .components
        .iter()
        .enumerate()
        .filter(|(id, c)| {
            is_owned(c) && c.replica_count() >= 2 && context.ways.on_request_path[*id]
        })
        .map(|(_, c)| c.name())
        .collect();
    let Some(first) = replicated.first() else {
        return;
    };
    let names = if replicated.len() > 3 {
        format!(
            "`{}`, `{}` and {} more",
            replicated[0],
            replicated[1],
            replicated.len() - 2
        )
    } else {
        replicated
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    findings.push(
        RULE.code
            .diagnostic(format!(
                "the design declares no zones, so the replicas of {names} may all share one zone"
            ))
            .at(design.name.span)
            .label("no `zones:` in this design")
            .help(format!(
                "declare the zones it runs in, e.g. `zones: [az1, az2, az3]`, and spread each replicated component with `zones:` (start with `{first}`)"
            )),
    );
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

    #[test]
    fn fires_once_when_no_zone_is_declared() {
        let yaml = "version: 1
name: t
components:
  users: { kind: client, calls: [{ to: api }] }
  api: { kind: service, replicas: 3, calls: [{ to: db }] }
  db: { kind: database, replicas: 3 }
";
        let found = findings(yaml, "BP102");
        assert_eq!(places(&found), [(String::new(), 2, 7)]);
        assert!(
            found[0].message.contains("`api`, `db`"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn quiet_without_zones_when_nothing_is_replicated() {
        let yaml = "version: 1
name: t
components:
  users: { kind: client, calls: [{ to: api }] }
  api: { kind: service, calls: [{ to: worker, mode: async }] }
  worker: { kind: worker, replicas: 3 }
";
        assert!(findings(yaml, "BP102").is_empty());
    }
}
