//! BP402 retry-storm.

use petgraph::visit::EdgeFiltered;

use crate::design::CallMode;
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::rules::{Context, Rule};
use crate::topology::EdgeKind;

pub const RULE: Rule = Rule {
    code: Code {
        code: "BP402",
        name: "retry-storm",
        severity: Severity::Warning,
        summary: "retries without `backoff`, or the product of `retries + 1` along a sync chain exceeds 10",
        docs: r#"## Why it matters
Retries turn a callee's trouble into more load on it. Retried at once, a
failing call is sent again while the callee is still overloaded, and every
caller does so in step: the callee never gets the quiet it needs to
recover. Along a chain, retries multiply: three layers that each try 3
times send 27 attempts to the bottom for one request.

## What fires it
- a call with `retries` above 0 and no `backoff: true`;
- a sync call where the product of `retries + 1` along a chain of sync
  calls from an entry first exceeds 10 (reported once per call, at the
  call that crosses the limit).

## How to fix it
Retry with exponential backoff and jitter, and retry at one layer only
(usually the one nearest the failing dependency); make the others fail
fast.

```yaml
# before
  api: { kind: service, calls: [{ to: payments, timeout: 1s, retries: 3 }] }
```

```yaml
# after
  api: { kind: service, calls: [{ to: payments, timeout: 1s, retries: 2, backoff: true }] }
```
"#,
    },
    check,
};

/// Attempts one request may cause at the end of a sync chain before the
/// retries of its layers count as a storm.
const MAX_ATTEMPTS: u64 = 10;

fn check(context: &Context, findings: &mut Vec<Diagnostic>) {
    let attempts_within_limit = attempts_within_limit(context);
    for (caller_id, caller) in context.design.components.iter().enumerate() {
        for call in &caller.calls {
            let Some(retries) = call.retries.as_ref().filter(|r| r.value > 0) else {
                continue;
            };
            let callee = context.design.components[call.to.value].name();
            let attempts = u64::from(retries.value) + 1;
            let chain_attempts = attempts_within_limit[caller_id]
                .map(|before| before * attempts)
                .filter(|&product| call.is_sync() && product > MAX_ATTEMPTS);
            let without_backoff = format!(
                "`{}` retries `{callee}` {} times without backoff",
                caller.name(),
                retries.value
            );
            let message = match (call.backoff, chain_attempts) {
                (false, None) => without_backoff,
                (false, Some(product)) => format!(
                    "{without_backoff}, and retries along the chain reach {product} attempts per request"
                ),
                (true, Some(product)) => format!(
                    "retries multiply along the chain to `{}` -> `{callee}`: up to {product} attempts per request",
                    caller.name()
                ),
                (true, None) => continue,
            };
            let help = if chain_attempts.is_some() {
                "retry with `backoff: true` at one layer only, nearest the failing dependency, and let the others fail fast"
            } else {
                "set `backoff: true` so retries spread out with exponential backoff and jitter"
            };
            findings.push(
                RULE.code
                    .diagnostic(message)
                    .at(retries.span)
                    .component(caller.name())
                    .label("retries add load when the callee can least take it")
                    .help(help),
            );
        }
    }
}

/// For each component, the largest product of `retries + 1` over the sync
/// chains from an entry to it that stays within [`MAX_ATTEMPTS`]; none when
/// no such chain reaches it. A call crosses the limit where its caller's
/// product times its own attempts first exceeds it.
fn attempts_within_limit(context: &Context) -> Vec<Option<u64>> {
    let design = context.design;
    let sync_calls = EdgeFiltered::from_fn(&context.topology.graph, |edge| {
        matches!(
            edge.weight(),
            EdgeKind::Call {
                mode: CallMode::Sync,
                ..
            }
        )
    });
    // Sync calls never form a cycle: the design would not have loaded (BP005).
    let order = petgraph::algo::toposort(&sync_calls, None).unwrap_or_default();
    let mut within = vec![None; design.components.len()];
    for &entry in &context.topology.entries {
        within[entry] = Some(1);
    }
    for node in order {
        let Some(before) = within[node.index()] else {
            continue;
        };
        for call in design.components[node.index()]
            .calls
            .iter()
            .filter(|c| c.is_sync())
        {
            let attempts = u64::from(call.retries.as_ref().map_or(0, |r| r.value)) + 1;
            let product = before * attempts;
            if product <= MAX_ATTEMPTS {
                let callee = &mut within[call.to.value];
                *callee = Some(callee.map_or(product, |known: u64| known.max(product)));
            }
        }
    }
    within
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{findings, places};

    #[test]
    fn fires_on_retries_without_backoff() {
        let yaml = "version: 1
name: t
components:
  api: { kind: service, calls: [{ to: psp, timeout: 1s, retries: 3 }] }
  psp: { kind: external }
";
        assert_eq!(
            places(&findings(yaml, "BP402")),
            [("api".to_string(), 4, 66)]
        );
    }

    #[test]
    fn fires_once_where_retries_along_a_chain_first_exceed_ten() {
        let yaml = "version: 1
name: t
components:
  users: { kind: client, calls: [{ to: edge }, { to: api }] }
  edge:
    kind: gateway
    calls: [{ to: api, timeout: 9s, retries: 2, backoff: true }]
  api:
    kind: service
    calls: [{ to: orders, timeout: 3s, retries: 2, backoff: true }]
  orders:
    kind: service
    calls: [{ to: db, timeout: 1s, retries: 2, backoff: true }]
  db: { kind: database }
";
        // users -> edge -> api -> orders: 3 x 3 = 9 attempts, then x 3 = 27.
        let found = findings(yaml, "BP402");
        assert_eq!(places(&found), [("orders".to_string(), 13, 45)]);
        assert!(
            found[0].message.contains("27 attempts"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn quiet_with_backoff_on_a_short_chain() {
        let yaml = "version: 1
name: t
components:
  users: { kind: client, calls: [{ to: api }] }
  api:
    kind: service
    calls: [{ to: orders, timeout: 3s, retries: 2, backoff: true }]
  orders:
    kind: service
    calls: [{ to: db, timeout: 1s, retries: 2, backoff: true }]
  db: { kind: database }
";
        assert!(findings(yaml, "BP402").is_empty());
    }
}
