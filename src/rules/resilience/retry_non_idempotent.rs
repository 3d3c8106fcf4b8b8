//! BP408 retry-non-idempotent.

use crate::design::{Kind, Op};
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::rules::{Context, Rule};

pub const RULE: Rule = Rule {
    code: Code {
        code: "BP408",
        name: "retry-non-idempotent",
        severity: Severity::Warning,
        summary: "a sync write is retried against a service, worker or external that is not `idempotent`",
        docs: r#"## Why it matters
A timeout does not say whether the callee did the work: the request may
have been lost, or only the reply. Retrying a write to a callee that is
not idempotent therefore sometimes does it twice: two orders, two posts,
two charges. Stores offer conditional writes and upserts; a service has to
be built for it (an idempotency key per request) and say so. A third party
is the same: a payment provider charges twice unless the retry carries the
idempotency key its API offers.

## What fires it
A sync call with `op: write` and `retries` above 0 to a `service`,
`worker` or `external` that does not declare `idempotent: true`.

## How to fix it
Make the callee idempotent (the caller sends an idempotency key, the
callee returns the first result for a key it has seen) and set
`idempotent: true`; for an `external`, send the provider's idempotency key
and set `idempotent: true` on it; or do not retry the write.

```yaml
# before
  api: { kind: service, calls: [{ to: orders, op: write, timeout: 1s, retries: 2, backoff: true }] }
  orders: { kind: service }
```

```yaml
# after
  api: { kind: service, calls: [{ to: orders, op: write, timeout: 1s, retries: 2, backoff: true }] }
  orders: { kind: service, idempotent: true }   # keyed by the client's request id
```
"#,
    },
    check,
};

fn check(context: &Context, findings: &mut Vec<Diagnostic>) {
    let design = context.design;
    for caller in &design.components {
        for call in caller
            .calls
            .iter()
            .filter(|c| c.is_sync() && c.op == Op::Write)
        {
            let Some(retries) = call.retries.as_ref().filter(|r| r.value > 0) else {
                continue;
            };
            let callee = &design.components[call.to.value];
            if !matches!(callee.kind(), Kind::Service | Kind::Worker | Kind::External)
                || callee.flag(&callee.idempotent)
            {
                continue;
            }
            findings.push(
                RULE.code
                    .diagnostic(format!(
                        "`{}` retries writes to `{}`, which is not idempotent",
                        caller.name(),
                        callee.name()
                    ))
                    .at(retries.span)
                    .component(caller.name())
                    .label("a retry after a lost reply writes twice")
                    .help(format!(
                        "make `{}` idempotent (an idempotency key per request) and set `idempotent: true`, or do not retry the write",
                        callee.name()
                    )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{findings, places};

    #[test]
    fn fires_on_a_retried_write_to_a_service_that_is_not_idempotent() {
        let yaml = "version: 1
name: t
components:
  api:
    kind: service
    calls: [{ to: orders, op: write, timeout: 1s, retries: 2, backoff: true }]
  orders: { kind: service }
";
        assert_eq!(
            places(&findings(yaml, "BP408")),
            [("api".to_string(), 6, 60)]
        );
    }

    #[test]
    fn quiet_for_idempotent_services_stores_and_reads() {
        let yaml = "version: 1
name: t
components:
  api:
    kind: service
    calls:
      - { to: orders, op: write, timeout: 1s, retries: 2, backoff: true }
      - { to: db, op: write, timeout: 1s, retries: 2, backoff: true }
      - { to: search, timeout: 1s, retries: 2, backoff: true }
  orders: { kind: service, idempotent: true }
  search: { kind: service }
  db: { kind: database }
";
        assert!(findings(yaml, "BP408").is_empty());
    }

    #[test]
    fn a_retried_charge_to_a_payment_provider() {
        let yaml = "version: 1
name: t
components:
  api:
    kind: service
    calls: [{ to: psp, op: write, timeout: 2s, retries: 3, backoff: true, circuit_breaker: true }]
  psp: { kind: external }
";
        assert_eq!(places(&findings(yaml, "BP408")).len(), 1);
        let keyed = yaml.replace("kind: external }", "kind: external, idempotent: true }");
        assert!(findings(&keyed, "BP408").is_empty());
    }
}
