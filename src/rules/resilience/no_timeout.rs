//! BP401 no-timeout.

use crate::design::Kind;
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::rules::{Context, Rule};

pub const RULE: Rule = Rule {
    code: Code {
        code: "BP401",
        name: "no-timeout",
        severity: Severity::Warning,
        summary: "a sync call between two components of the design has no `timeout` (calls made by clients are exempt)",
        docs: r#"## Why it matters
A call without a timeout waits as long as the callee takes, and a callee
that hangs (a lock, a full connection pool, a dead host whose packets are
dropped) takes forever. Every caller thread that waits on it is lost, so
one stuck dependency exhausts the caller's threads and the outage spreads
up the call chain.

## What fires it
A sync call without `timeout` from a component that is not a client to
another that is not a client. Clients' calls are exempt (the design does
not control them), and so are async calls (the caller does not wait).

## How to fix it
Give every sync call a timeout a little above the callee's p99
(`blueprint estimate` prints it), within the caller's own budget.

```yaml
# before
  api: { kind: service, calls: [{ to: orders_db }] }
```

```yaml
# after
  api: { kind: service, calls: [{ to: orders_db, timeout: 50ms }] }
```
"#,
    },
    check,
};

fn check(context: &Context, findings: &mut Vec<Diagnostic>) {
    let design = context.design;
    for caller in &design.components {
        if caller.kind() == Kind::Client {
            continue;
        }
        for call in &caller.calls {
            let callee = &design.components[call.to.value];
            if !call.is_sync() || call.timeout.is_some() || callee.kind() == Kind::Client {
                continue;
            }
            findings.push(
                RULE.code
                    .diagnostic(format!(
                        "the call `{}` -> `{}` has no timeout",
                        caller.name(),
                        callee.name()
                    ))
                    .at(call.to.span)
                    .component(caller.name())
                    .label("waits as long as the callee takes, forever if it hangs")
                    .help("set a `timeout` a little above the callee's p99 (`blueprint estimate` prints it)"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{findings, places};

    #[test]
    fn fires_on_a_sync_call_without_timeout() {
        let yaml = "version: 1
name: t
components:
  users: { kind: client, calls: [{ to: api }] }
  api: { kind: service, calls: [{ to: db, timeout: 50ms }, { to: cache }] }
  cache: { kind: cache }
  db: { kind: database }
";
        assert_eq!(
            places(&findings(yaml, "BP401")),
            [("api".to_string(), 5, 66)]
        );
    }

    #[test]
    fn quiet_on_client_and_async_calls() {
        let yaml = "version: 1
name: t
components:
  users: { kind: client, calls: [{ to: api }] }
  api: { kind: service, calls: [{ to: jobs }, { to: audit, mode: async }] }
  jobs: { kind: queue, consumer: worker }
  worker: { kind: worker }
  audit: { kind: service }
";
        assert!(findings(yaml, "BP401").is_empty());
    }
}
