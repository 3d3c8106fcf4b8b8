//! BP205 stateful-scale-out.

use crate::design::{Algorithm, Kind};
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::rules::{Context, Rule};
use crate::topology::EdgeKind;

pub const RULE: Rule = Rule {
    code: Code {
        code: "BP205",
        name: "stateful-scale-out",
        severity: Severity::Warning,
        summary: "a `stateful` service or gateway has several replicas behind a balancer without `ip_hash` (not one that holds clients' long-lived connections: BP106)",
        docs: r#"## Why it matters
A replica that keeps per-user state in memory (a session, a WebSocket, an
upload in progress) can only serve the users whose state it holds. A load
balancer that spreads each request anew sends a user's next request to a
replica that does not know them: sessions are lost, or every replica must
fetch state it does not have.

## What fires it
A `service` or `gateway` with `stateful: true` and two or more replicas that
a `load_balancer` without `algorithm: ip_hash` calls.

A component that holds clients' long-lived connections (a WebSocket
gateway behind a client with `connections`) is left alone: requests on a
connection stay on the replica that holds it, so it is sticky by nature,
and `ip_hash` would be wrong behind carrier NAT anyway. What matters for
it is whether the others can take a dead replica's connections: BP106.

## How to fix it
Make the balancer sticky, or better, move the state out of the replicas (a
session cache) and drop `stateful`.

```yaml
# before
  lb: { kind: load_balancer, replicas: 2, calls: [{ to: ws }] }
  ws: { kind: service, replicas: 6, stateful: true }
```

```yaml
# after
  lb: { kind: load_balancer, replicas: 2, algorithm: ip_hash, calls: [{ to: ws }] }
  ws: { kind: service, replicas: 6, stateful: true }
```
"#,
    },
    check,
};

fn check(context: &Context, findings: &mut Vec<Diagnostic>) {
    let design = context.design;
    for (id, component) in design.components.iter().enumerate() {
        let holds_connections = context
            .estimate
            .connections
            .iter()
            .any(|held| held.component == id);
        let candidate = matches!(component.kind(), Kind::Service | Kind::Gateway)
            && component.stateful
            && component.replica_count() >= 2
            && !holds_connections;
        if !candidate {
            continue;
        }
        let mut balancers: Vec<usize> = context
            .topology
            .callers(id)
            .filter(|(_, edge)| matches!(edge, EdgeKind::Call { .. }))
            .map(|(caller, _)| caller)
            .filter(|&caller| {
                let balancer = &design.components[caller];
                balancer.kind() == Kind::LoadBalancer
                    && balancer
                        .algorithm
                        .as_ref()
                        .is_none_or(|a| a.value != Algorithm::IpHash)
            })
            .collect();
        balancers.sort_unstable();
        balancers.dedup();
        for balancer in balancers {
            let balancer = &design.components[balancer];
            let span = balancer
                .algorithm
                .as_ref()
                .map_or(balancer.name.span, |a| a.span);
            findings.push(
                RULE.code
                    .diagnostic(format!(
                        "`{}` keeps state in its {} replicas, but `{}` spreads requests without `ip_hash`",
                        component.name(),
                        component.replica_count(),
                        balancer.name()
                    ))
                    .at(span)
                    .component(component.name())
                    .related(component.name.span, "stateful replicas")
                    .label("a user's next request may reach another replica")
                    .help("set `algorithm: ip_hash` on the balancer, or keep the state in a shared store"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{findings, places};

    #[test]
    fn fires_behind_a_round_robin_balancer() {
        let yaml = "version: 1
name: t
components:
  lb: { kind: load_balancer, replicas: 2, algorithm: round_robin, health_check: true, calls: [{ to: ws }] }
  ws: { kind: service, replicas: 6, stateful: true }
";
        assert_eq!(
            places(&findings(yaml, "BP205")),
            [("ws".to_string(), 4, 54)]
        );
    }

    #[test]
    fn quiet_with_ip_hash_or_without_state() {
        let sticky = "version: 1
name: t
components:
  lb: { kind: load_balancer, replicas: 2, algorithm: ip_hash, calls: [{ to: ws }] }
  ws: { kind: service, replicas: 6, stateful: true }
";
        assert!(findings(sticky, "BP205").is_empty());
        let stateless = "version: 1
name: t
components:
  lb: { kind: load_balancer, replicas: 2, calls: [{ to: ws }] }
  ws: { kind: service, replicas: 6 }
";
        assert!(findings(stateless, "BP205").is_empty());
    }

    /// A WebSocket gateway holding the phones' connections is sticky by
    /// nature; BP106 looks after it instead.
    #[test]
    fn quiet_on_a_component_holding_connections() {
        let yaml = "version: 1
name: t
components:
  phones: { kind: client, connections: 1M, calls: [{ to: lb }] }
  lb: { kind: load_balancer, replicas: 2, calls: [{ to: ws }] }
  ws: { kind: gateway, replicas: 6, stateful: true }
";
        assert!(findings(yaml, "BP205").is_empty());
        let without = yaml.replace("connections: 1M, ", "");
        assert_eq!(findings(&without, "BP205").len(), 1);
    }
}
