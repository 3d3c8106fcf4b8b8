//! BP501 no-tls.

use super::clients;
use crate::design::{ComponentId, Kind};
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::rules::{Context, Rule};

pub const RULE: Rule = Rule {
    code: Code {
        code: "BP501",
        name: "no-tls",
        severity: Severity::Warning,
        summary: "the component that clients call first does not terminate TLS",
        docs: r#"## Why it matters
Between a client and the design's first component lies a network the
design does not control: Wi-Fi, carriers, the internet. Without TLS,
anyone on the way can read credentials and personal data, and change
responses. Browsers also mark plain HTTP as insecure and refuse many
features on it.

## What fires it
A component that a client calls directly (looking through `dns`) without
`tls: true`. Only a `load_balancer`, `gateway` or `cdn` can terminate TLS;
a client that calls anything else first still fires it. An `external`
component is exempt: the design does not run it.

## How to fix it
Terminate TLS at the first hop: set `tls: true` on the balancer, gateway
or CDN clients reach, or put one in front.

```yaml
# before
  users: { kind: client, calls: [{ to: edge }] }
  edge: { kind: load_balancer, calls: [{ to: api }] }
```

```yaml
# after
  users: { kind: client, calls: [{ to: edge }] }
  edge: { kind: load_balancer, tls: true, calls: [{ to: api }] }
```
"#,
    },
    check,
};

fn check(context: &Context, findings: &mut Vec<Diagnostic>) {
    let design = context.design;
    for id in first_hops(context) {
        let component = &design.components[id];
        if component.flag(&component.tls) || component.kind() == Kind::External {
            continue;
        }
        let can_terminate = matches!(
            component.kind(),
            Kind::LoadBalancer | Kind::Gateway | Kind::Cdn
        );
        let help = if can_terminate {
            "set `tls: true` so traffic from clients is encrypted".to_string()
        } else {
            format!(
                "put a load balancer or gateway with `tls: true` in front of `{}`",
                component.name()
            )
        };
        findings.push(
            RULE.code
                .diagnostic(format!(
                    "`{}` is the first component clients reach and does not terminate TLS",
                    component.name()
                ))
                .at(component
                    .tls
                    .as_ref()
                    .map_or(component.name.span, |t| t.span))
                .component(component.name())
                .label("clients' traffic crosses the network in the clear")
                .help(help),
        );
    }
}

/// The components clients call directly, looking through name resolution,
/// each once.
fn first_hops(context: &Context) -> Vec<ComponentId> {
    let design = context.design;
    let mut hops = Vec::new();
    let mut seen = vec![false; design.components.len()];
    let mut callers: Vec<ComponentId> = clients(context).collect();
    while let Some(caller) = callers.pop() {
        for call in &design.components[caller].calls {
            let callee = call.to.value;
            if std::mem::replace(&mut seen[callee], true) {
                continue;
            }
            if design.components[callee].kind() == Kind::Dns {
                callers.push(callee);
            } else {
                hops.push(callee);
            }
        }
    }
    hops
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{findings, places};

    #[test]
    fn fires_on_a_first_hop_without_tls() {
        let yaml = "version: 1
name: t
components:
  users: { kind: client, calls: [{ to: edge }] }
  edge: { kind: load_balancer, tls: false, calls: [{ to: api }] }
  api: { kind: service }
";
        assert_eq!(
            places(&findings(yaml, "BP501")),
            [("edge".to_string(), 5, 37)]
        );
    }

    #[test]
    fn fires_on_a_service_that_clients_call_directly() {
        let yaml = "version: 1
name: t
components:
  users: { kind: client, calls: [{ to: dns }] }
  dns: { kind: dns, calls: [{ to: api }] }
  api: { kind: service }
";
        let found = findings(yaml, "BP501");
        assert_eq!(places(&found), [("api".to_string(), 6, 3)]);
        assert!(
            found[0]
                .help
                .as_deref()
                .unwrap()
                .contains("in front of `api`"),
            "{:?}",
            found[0].help
        );
    }

    #[test]
    fn quiet_when_the_first_hop_terminates_tls_or_is_external() {
        let yaml = "version: 1
name: t
components:
  users: { kind: client, calls: [{ to: edge }, { to: maps }] }
  edge: { kind: load_balancer, tls: true, calls: [{ to: api }] }
  api: { kind: service }
  maps: { kind: external }
";
        assert!(findings(yaml, "BP501").is_empty());
    }
}
