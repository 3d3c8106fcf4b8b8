//! BP504 no-auth.

use super::{clients, waits_on};
use crate::design::{ComponentId, Kind};
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::rules::{Context, Rule};

pub const RULE: Rule = Rule {
    code: Code {
        code: "BP504",
        name: "no-auth",
        severity: Severity::Warning,
        summary: "no gateway or service on the path from a client authenticates (`auth`)",
        docs: r#"## Why it matters
A request that no component authenticates is anonymous all the way down:
no service can tell whose data it may read or change, rate limits cannot
be per user, and nothing records who did what. Authentication is cheapest
and most consistent at one place near the edge (a gateway), where every
request passes.

## What fires it
A client whose requests reach gateways or services (through sync calls
and CDN misses) of which none has `auth: true`. Reported once per client.
A client that only reaches content (a CDN in front of an object store) is
exempt: there is no application logic to protect.

## How to fix it
Authenticate at the gateway, or in each service clients reach, and pass
the caller's identity on.

```yaml
# before
  api_gw: { kind: gateway, tls: true, calls: [{ to: api }] }
```

```yaml
# after
  api_gw: { kind: gateway, tls: true, auth: true, calls: [{ to: api }] }
```
"#,
    },
    check,
};

fn check(context: &Context, findings: &mut Vec<Diagnostic>) {
    let design = context.design;
    for client in clients(context) {
        let guards = reachable_guards(context, client);
        if guards.is_empty()
            || guards
                .iter()
                .any(|&id| design.components[id].flag(&design.components[id].auth))
        {
            continue;
        }
        let client = &design.components[client];
        let names: Vec<&str> = guards
            .iter()
            .map(|&id| design.components[id].name())
            .collect();
        findings.push(
            RULE.code
                .diagnostic(format!(
                    "no gateway or service that client `{}` reaches authenticates it (`{}`)",
                    client.name(),
                    names.join("`, `")
                ))
                .at(client.name.span)
                .component(client.name())
                .label("requests stay anonymous all the way down")
                .help("set `auth: true` on the gateway clients pass through, or on each service they reach"),
        );
    }
}

/// The gateways and services a request from `client` waits on, in
/// component order.
fn reachable_guards(context: &Context, client: ComponentId) -> Vec<ComponentId> {
    let design = context.design;
    let mut seen = vec![false; design.components.len()];
    let mut stack: Vec<ComponentId> = waits_on(context, client).collect();
    while let Some(id) = stack.pop() {
        if !std::mem::replace(&mut seen[id], true) {
            stack.extend(waits_on(context, id));
        }
    }
    (0..design.components.len())
        .filter(|&id| {
            seen[id] && matches!(design.components[id].kind(), Kind::Gateway | Kind::Service)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{findings, places};

    #[test]
    fn fires_once_per_client_when_nothing_authenticates() {
        let yaml = "version: 1
name: t
components:
  users: { kind: client, calls: [{ to: gw }] }
  gw: { kind: gateway, calls: [{ to: api }] }
  api: { kind: service }
";
        assert_eq!(
            places(&findings(yaml, "BP504")),
            [("users".to_string(), 4, 3)]
        );
    }

    #[test]
    fn quiet_when_a_service_authenticates_or_only_content_is_served() {
        let yaml = "version: 1
name: t
components:
  users: { kind: client, calls: [{ to: gw }] }
  gw: { kind: gateway, calls: [{ to: api }] }
  api: { kind: service, auth: true }
  viewers: { kind: client, calls: [{ to: cdn }] }
  cdn: { kind: cdn, backing: media, ttl: 30d }
  media: { kind: object_store }
";
        assert!(findings(yaml, "BP504").is_empty());
    }
}
