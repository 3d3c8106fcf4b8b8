//! BP404 unguarded-external.

use crate::design::Kind;
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::rules::{Context, Rule};

pub const RULE: Rule = Rule {
    code: Code {
        code: "BP404",
        name: "unguarded-external",
        severity: Severity::Warning,
        summary: "a sync call to an `external` component has neither `circuit_breaker` nor `fallback`",
        docs: r#"## Why it matters
A third-party dependency fails on its own schedule, and you cannot fix it.
When it slows down, every request that waits on it holds a thread of the
caller for the whole timeout; at peak, the caller runs out of threads and
fails requests that never needed the provider. A circuit breaker stops
calling a provider that keeps failing, and a fallback answers without it.

## What fires it
A sync call to a component of kind `external` without
`circuit_breaker: true` and without `fallback: true`.

## How to fix it
Put a circuit breaker on the call, and a fallback where the caller can
answer without the provider (a cached value, a queued retry, a degraded
answer).

```yaml
# before
  checkout: { kind: service, calls: [{ to: psp, timeout: 3s }] }
```

```yaml
# after
  checkout: { kind: service, calls: [{ to: psp, timeout: 3s, circuit_breaker: true }] }
```
"#,
    },
    check,
};

fn check(context: &Context, findings: &mut Vec<Diagnostic>) {
    let design = context.design;
    for caller in &design.components {
        for call in &caller.calls {
            let callee = &design.components[call.to.value];
            if callee.kind() != Kind::External
                || !call.is_sync()
                || call.circuit_breaker
                || call.fallback
            {
                continue;
            }
            findings.push(
                RULE.code
                    .diagnostic(format!(
                        "`{}` calls external `{}` with neither a circuit breaker nor a fallback",
                        caller.name(),
                        callee.name()
                    ))
                    .at(call.to.span)
                    .component(caller.name())
                    .label("a slow provider holds the caller's threads")
                    .help("set `circuit_breaker: true` on the call, and `fallback: true` where the caller can answer without it"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{findings, places};

    #[test]
    fn fires_on_an_unguarded_external_call() {
        let yaml = "version: 1
name: t
components:
  checkout: { kind: service, calls: [{ to: psp, timeout: 3s }] }
  psp: { kind: external }
";
        assert_eq!(
            places(&findings(yaml, "BP404")),
            [("checkout".to_string(), 4, 44)]
        );
    }

    #[test]
    fn quiet_with_a_breaker_or_a_fallback() {
        let yaml = "version: 1
name: t
components:
  checkout:
    kind: service
    calls:
      - { to: psp, timeout: 3s, circuit_breaker: true }
      - { to: geo, timeout: 100ms, fallback: true }
  psp: { kind: external }
  geo: { kind: external }
";
        assert!(findings(yaml, "BP404").is_empty());
    }
}
