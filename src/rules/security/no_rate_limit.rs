//! BP503 no-rate-limit.

use super::{clients, is_front, waits_on};
use crate::design::{ComponentId, Kind};
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::rules::{Context, Rule};

pub const RULE: Rule = Rule {
    code: Code {
        code: "BP503",
        name: "no-rate-limit",
        severity: Severity::Warning,
        summary: "nothing between the clients and the first service has a `rate_limit`",
        docs: r#"## Why it matters
Clients are not all well behaved: a retry loop in a buggy app release, a
scraper, a credential-stuffing bot or a plain flood can send many times
the load the design was sized for. Without a limit at the edge, that load
reaches the services and their stores, and every user suffers for the
one that misbehaves.

## What fires it
A client from which a request can reach a `service` or `worker` through
load balancers, gateways, CDNs and DNS (sync calls and CDN misses)
without passing a component that has a `rate_limit`. Reported once per
client, at its call that leads there.

## How to fix it
Set a `rate_limit` on the load balancer or gateway in front of the
services (per replica, above the peak it should see with a zone down),
and keep finer, per-user limits in the gateway.

```yaml
# before
  edge: { kind: load_balancer, tls: true, calls: [{ to: api }] }
```

```yaml
# after
  edge: { kind: load_balancer, tls: true, rate_limit: 20k/s, calls: [{ to: api }] }
```
"#,
    },
    check,
};

fn check(context: &Context, findings: &mut Vec<Diagnostic>) {
    let design = context.design;
    for client in clients(context).map(|id| &design.components[id]) {
        let unlimited = client
            .calls
            .iter()
            .filter(|call| call.is_sync())
            .find_map(|call| Some((call, unlimited_service(context, call.to.value)?)));
        let Some((call, service)) = unlimited else {
            continue;
        };
        let service = &design.components[service];
        findings.push(
            RULE.code
                .diagnostic(format!(
                    "requests from client `{}` reach `{}` with no rate limit on the way",
                    client.name(),
                    service.name()
                ))
                .at(call.to.span)
                .component(client.name())
                .label("a flood from clients reaches the services")
                .help(format!(
                    "set a `rate_limit` on the load balancer or gateway in front of `{}`, or put one there",
                    service.name()
                )),
        );
    }
}

/// The first service or worker reached from `start` through front
/// components that have no `rate_limit`, if any.
fn unlimited_service(context: &Context, start: ComponentId) -> Option<ComponentId> {
    let design = context.design;
    let mut seen = vec![false; design.components.len()];
    let mut stack = vec![start];
    while let Some(id) = stack.pop() {
        if std::mem::replace(&mut seen[id], true) {
            continue;
        }
        let component = &design.components[id];
        if matches!(component.kind(), Kind::Service | Kind::Worker) {
            return Some(id);
        }
        if is_front(component.kind()) && component.rate_limit.is_none() {
            stack.extend(waits_on(context, id));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{findings, places};

    #[test]
    fn fires_once_per_client_without_a_limit_on_the_way() {
        let yaml = "version: 1
name: t
components:
  users: { kind: client, calls: [{ to: edge }, { to: api }] }
  edge: { kind: load_balancer, calls: [{ to: gw }] }
  gw: { kind: gateway, calls: [{ to: api }] }
  api: { kind: service }
";
        assert_eq!(
            places(&findings(yaml, "BP503")),
            [("users".to_string(), 4, 40)]
        );
    }

    #[test]
    fn quiet_behind_a_limit_or_when_only_content_is_served() {
        let yaml = "version: 1
name: t
components:
  users: { kind: client, calls: [{ to: edge }] }
  edge: { kind: load_balancer, rate_limit: 10k/s, calls: [{ to: api }] }
  api: { kind: service }
  viewers: { kind: client, calls: [{ to: cdn }] }
  cdn: { kind: cdn, backing: media, ttl: 30d }
  media: { kind: object_store }
";
        assert!(findings(yaml, "BP503").is_empty());
    }
}
