//! BP104 no-health-check.

use crate::design::Kind;
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::rules::{Context, Rule};
use crate::topology::EdgeKind;

pub const RULE: Rule = Rule {
    code: Code {
        code: "BP104",
        name: "no-health-check",
        severity: Severity::Warning,
        summary: "a load balancer or gateway calls a component with several replicas and has no `health_check`",
        docs: r#"## Why it matters
Replicas only help if traffic stops going to the ones that are down. A load
balancer without health checks keeps sending its share of requests to a
dead replica: with four replicas and one down, a quarter of all requests
fail until someone notices.

## What fires it
A `load_balancer` or `gateway` without `health_check: true` that calls a
component with two or more replicas.

## How to fix it
Turn health checks on.

```yaml
# before
  edge:
    kind: load_balancer
    calls: [{ to: api }]
```

```yaml
# after
  edge:
    kind: load_balancer
    health_check: true
    calls: [{ to: api }]
```
"#,
    },
    check,
};

fn check(context: &Context, findings: &mut Vec<Diagnostic>) {
    let design = context.design;
    for (id, component) in design.components.iter().enumerate() {
        if !matches!(component.kind(), Kind::LoadBalancer | Kind::Gateway)
            || component.flag(&component.health_check)
        {
            continue;
        }
        let mut spread_over: Vec<&str> = context
            .topology
            .edges_from(id)
            .filter(|(_, kind)| matches!(kind, EdgeKind::Call { .. }))
            .map(|(target, _)| &design.components[target])
            .filter(|target| target.replica_count() >= 2)
            .map(|target| target.name())
            .collect();
        spread_over.dedup();
        if spread_over.is_empty() {
            continue;
        }
        let span = component
            .health_check
            .as_ref()
            .map_or(component.name.span, |h| h.span);
        findings.push(
            RULE.code
                .diagnostic(format!(
                    "{} `{}` spreads requests over the replicas of `{}` without health checks",
                    component.kind(),
                    component.name(),
                    spread_over.join("`, `")
                ))
                .at(span)
                .component(component.name())
                .label("failed replicas keep receiving requests")
                .help("set `health_check: true` so failed replicas are taken out of rotation"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{findings, places};

    #[test]
    fn fires_on_a_balancer_without_health_checks() {
        let yaml = "version: 1
name: t
components:
  edge:
    kind: load_balancer
    replicas: 2
    calls: [{ to: api }]
  api: { kind: service, replicas: 2 }
";
        assert_eq!(
            places(&findings(yaml, "BP104")),
            [("edge".to_string(), 4, 3)]
        );
    }

    #[test]
    fn points_at_an_explicit_false() {
        let yaml = "version: 1
name: t
components:
  gw: { kind: gateway, replicas: 2, health_check: false, calls: [{ to: api }] }
  api: { kind: service, replicas: 2 }
";
        assert_eq!(
            places(&findings(yaml, "BP104")),
            [("gw".to_string(), 4, 51)]
        );
    }

    #[test]
    fn quiet_with_health_checks_or_a_single_backend() {
        let checked = "version: 1
name: t
components:
  edge: { kind: load_balancer, replicas: 2, health_check: true, calls: [{ to: api }] }
  api: { kind: service, replicas: 2 }
";
        assert!(findings(checked, "BP104").is_empty());
        let single = "version: 1
name: t
components:
  edge: { kind: load_balancer, replicas: 2, calls: [{ to: api }] }
  api: { kind: service }
";
        assert!(findings(single, "BP104").is_empty());
    }
}
