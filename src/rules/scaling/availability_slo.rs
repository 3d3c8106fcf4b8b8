//! BP204 availability-slo.

use crate::capacity::availability::{Culprit, describe_costs};
use crate::design::quantity::{format_duration, format_percent, trim_number};
use crate::diagnostic::{Cause, Code, Diagnostic, Severity};
use crate::rules::{Context, Rule};

pub const RULE: Rule = Rule {
    code: Code {
        code: "BP204",
        name: "availability-slo",
        severity: Severity::Error,
        summary: "an operation's availability is below its `availability_slo` (or the design's); names the operation and what costs it most",
        docs: r#"## Why it matters
An availability target counts requests: the share that succeed. A request
fails when any component it needs cannot serve it, so every component on an
operation's way takes its bite, in proportion to how many of the
operation's requests reach it. A zone that goes down takes every replica
placed in it, so replicas that share a zone fail together.

## What fires it
An operation's availability (capacity-model.md, section 7) is below its own
`availability_slo`, or the design's. It is weighed over the states of the
zones and regions (each zone up `zone_availability` of the time, 99.95% by
default; a design without zones is one zone) and the replicas (k of n up,
or for a store, the copies of the one shard a request's key lives on). A
component that only a share of the requests reach costs about that share
of its unavailability; calls with `fallback: true`, async calls and work
behind a queue cost nothing. The message names the operation and what
costs it most.

## How to fix it
Replicate the components the message names, spread them over zones, add a
`fallback` where the caller can answer without the callee, or move the
work off the request path through a queue.

```yaml
# before: one 99.9% node on the way of every order
  orders_db: { kind: database, engine: postgres }
```

```yaml
# after: a quorum of three copies in three zones
  orders_db:
    kind: database
    engine: postgres
    replicas: 3
    zones: [az1, az2, az3]
    replication: { factor: 3, mode: quorum }
```
"#,
    },
    check,
};

fn check(context: &Context, findings: &mut Vec<Diagnostic>) {
    for estimate in &context.estimate.operations {
        let operation = &context.ways.operations[estimate.operation];
        let Some(target) = &operation.availability_slo else {
            continue;
        };
        let availability = estimate.availability;
        if availability.value >= target.value {
            continue;
        }
        let costs = describe_costs(
            context.design,
            &context.estimate.domains,
            &estimate.costs,
            3,
        );
        let help = if costs.is_empty() {
            "replicate the components on its way or add a `fallback`".to_string()
        } else {
            format!(
                "what costs it most: {costs}; replicate them, spread them over zones, or add a `fallback`"
            )
        };
        let who = context.ways.describe(estimate.operation);
        let saturated = estimate.saturated();
        let name = |id: usize| context.design.components[id].name().to_string();
        let mut finding = if saturated.is_empty() {
            RULE.code
                .diagnostic(format!(
                    "{who} is up {} of the time ({} nines, {} down a year), below the {} target",
                    format_percent(availability.value),
                    trim_number(availability.nines),
                    format_duration(availability.downtime_per_year_s),
                    format_percent(target.value)
                ))
                .help(help)
        } else {
            let names: Vec<String> = saturated
                .iter()
                .map(|&id| format!("`{}`", name(id)))
                .collect();
            RULE.code
                .diagnostic(format!(
                    "{who} cannot meet its {} target: {} saturated, so its requests never finish",
                    format_percent(target.value),
                    if names.len() == 1 {
                        format!("{} is", names[0])
                    } else {
                        format!("{} are", names.join(", "))
                    }
                ))
                .help("add replicas or capacity where it saturates (BP201)")
        };
        finding = finding
            .at(target.span)
            .label("not met by the components on its way");
        finding
            .stems_from
            .extend(saturated.iter().map(|&id| Cause::Saturated(name(id))));
        // What costs it most, when that is a component with one replica:
        // the replicas BP101 asks for are what the target needs first.
        if let Some(Culprit::Component(id)) = estimate.costs.first().map(|c| c.culprit)
            && context.design.components[id].replica_count() == 1
        {
            finding = finding.stems_from(Cause::SingleReplica(name(id)));
        }
        // What costs it most, when that is a zone: the components on its
        // way whose replicas all run there (BP102).
        if let Some(Culprit::Domain(domain)) = estimate.costs.first().map(|c| c.culprit) {
            let zones = &context.estimate.domains.domains[domain].zones;
            for reach in context.ways.reach_of(estimate.operation) {
                let component = &context.design.components[reach.component];
                let mut placed = component.replica_zones().peekable();
                if placed.peek().is_some() && placed.all(|zone| zones.contains(&zone)) {
                    finding = finding.stems_from(Cause::OneZone(component.name().to_string()));
                }
            }
        }
        findings.push(finding);
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{findings, places};

    const DESIGN: &str = "version: 1
name: t
requirements:
  peak_rps: 100/s
  availability_slo: TARGET
components:
  users: { kind: client, calls: [{ to: api }] }
  api: { kind: service, replicas: 2, capacity: 1k/s, latency: 5ms, calls: [{ to: db }] }
  db: { kind: database, capacity: 1k/s, latency: 5ms }
";

    #[test]
    fn fires_when_a_single_node_caps_the_path() {
        let found = findings(&DESIGN.replace("TARGET", "99.95%"), "BP204");
        assert_eq!(places(&found), [(String::new(), 5, 21)]);
        assert!(
            found[0]
                .message
                .starts_with("the request path is up 99.85%"),
            "{}",
            found[0].message
        );
        // db's one replica, then the one zone the design runs in.
        let help = found[0].help.as_deref().unwrap();
        assert!(
            help.contains("`db` 0.1% (8.76h a year), the design's one zone 0.0499%"),
            "{help}"
        );
    }

    /// Each operation is judged on its own target: the rare `export`, on a
    /// single replica, misses its 99.95%; `browse` never reaches it and
    /// meets the design's.
    #[test]
    fn judges_each_operation_on_its_own_target() {
        let yaml = "version: 1
name: t
requirements: { peak_rps: 100/s, availability_slo: 99.9% }
zones: [a, b, c]
operations:
  browse: { share: 0.99 }
  export: { share: 0.01, availability_slo: 99.95% }
components:
  users: { kind: client, calls: [{ to: api }] }
  api:
    kind: service
    replicas: 3
    zones: [a, b, c]
    calls: [{ to: exporter, for: export }]
  exporter: { kind: service, zones: [a] }
";
        let found = findings(yaml, "BP204");
        assert_eq!(places(&found), [(String::new(), 7, 44)]);
        assert!(
            found[0].message.starts_with("operation `export` is up"),
            "{}",
            found[0].message
        );
        assert!(
            found[0]
                .help
                .as_deref()
                .unwrap()
                .contains("`exporter` 0.1%"),
            "{:?}",
            found[0].help
        );
    }

    #[test]
    fn quiet_when_the_target_is_met() {
        assert!(findings(&DESIGN.replace("TARGET", "99.5%"), "BP204").is_empty());
    }
}
