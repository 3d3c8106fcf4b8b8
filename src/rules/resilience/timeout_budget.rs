//! BP407 timeout-budget.

use crate::design::quantity::format_duration;
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::rules::{Context, Rule};

pub const RULE: Rule = Rule {
    code: Code {
        code: "BP407",
        name: "timeout-budget",
        severity: Severity::Warning,
        summary: "a caller's `timeout` is shorter than its callee's estimated p99, or than the sum of the callee's own call timeouts",
        docs: r#"## Why it matters
A timeout shorter than the callee's normal tail turns slow-but-fine answers
into errors (and, with retries, into more load). A timeout shorter than
the time the callee may itself spend waiting on its own dependencies means
the caller gives up while the callee is still working: the work is wasted,
and the callee's timeouts never get the chance to produce a clean error.

## What fires it
A sync call with a `timeout` that is below the callee's estimated p99
response time (one replica at peak, from the capacity model), or below the
sum over the callee's own sync calls of `timeout x (retries + 1)`.

## How to fix it
Budget timeouts from the edge inwards: each caller's timeout covers the
callee's own time plus its calls' timeouts and retries.

```yaml
# before
  api: { kind: service, calls: [{ to: orders, timeout: 100ms }] }
  orders: { kind: service, calls: [{ to: db, timeout: 80ms, retries: 2 }] }
```

```yaml
# after: 3 x 80ms = 240ms below
  api: { kind: service, calls: [{ to: orders, timeout: 300ms }] }
  orders: { kind: service, calls: [{ to: db, timeout: 80ms, retries: 2 }] }
```
"#,
    },
    check,
};

fn check(context: &Context, findings: &mut Vec<Diagnostic>) {
    let design = context.design;
    for (caller_id, caller) in design.components.iter().enumerate() {
        for call in caller.calls.iter().filter(|c| c.is_sync()) {
            let Some(timeout) = &call.timeout else {
                continue;
            };
            let callee = &design.components[call.to.value];
            let below: f64 = callee
                .calls
                .iter()
                .filter(|c| c.is_sync())
                .filter_map(|c| {
                    c.timeout
                        .as_ref()
                        .map(|t| t.value * f64::from(c.retries.as_ref().map_or(0, |r| r.value) + 1))
                })
                .sum();
            let p99 = context.estimate.components[call.to.value]
                .latency
                .map(|l| l.p99);
            let reason = if let Some(p99) = p99.filter(|p99| timeout.value < *p99) {
                format!(
                    "`{}`'s estimated p99 of {}",
                    callee.name(),
                    format_duration(p99)
                )
            } else if timeout.value < below {
                format!(
                    "the {} that `{}`'s own calls may take with their timeouts and retries",
                    format_duration(below),
                    callee.name()
                )
            } else {
                continue;
            };
            findings.push(
                RULE.code
                    .diagnostic(format!(
                        "the {} timeout of `{}` -> `{}` is shorter than {reason}",
                        format_duration(timeout.value),
                        caller.name(),
                        callee.name()
                    ))
                    .at(timeout.span)
                    .component(design.components[caller_id].name())
                    .label("gives up while the callee is still working")
                    .help("budget timeouts from the edge inwards: cover the callee's p99 and its own calls' timeouts and retries"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{findings, places};

    #[test]
    fn fires_below_the_callees_own_timeouts() {
        let yaml = "version: 1
name: t
components:
  api: { kind: service, replicas: 2, calls: [{ to: orders, timeout: 100ms }] }
  orders: { kind: service, replicas: 2, calls: [{ to: db, timeout: 80ms, retries: 2 }] }
  db: { kind: database, replicas: 3 }
";
        let found = findings(yaml, "BP407");
        assert_eq!(places(&found), [("api".to_string(), 4, 69)]);
        assert!(found[0].message.contains("240ms"), "{}", found[0].message);
    }

    #[test]
    fn fires_below_the_callees_p99() {
        let yaml = "version: 1
name: t
requirements: { peak_rps: 100/s }
components:
  users: { kind: client, calls: [{ to: api }] }
  api: { kind: service, replicas: 2, capacity: 1k/s, latency: 1ms, calls: [{ to: slow, timeout: 50ms }] }
  slow: { kind: service, replicas: 2, capacity: 100/s, latency: 40ms }
";
        assert_eq!(places(&findings(yaml, "BP407")).len(), 1);
    }

    #[test]
    fn quiet_with_a_sufficient_budget() {
        let yaml = "version: 1
name: t
components:
  api: { kind: service, replicas: 2, calls: [{ to: orders, timeout: 300ms }] }
  orders: { kind: service, replicas: 2, calls: [{ to: db, timeout: 80ms, retries: 2 }] }
  db: { kind: database, replicas: 3 }
";
        assert!(findings(yaml, "BP407").is_empty());
    }
}
