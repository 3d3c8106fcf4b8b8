//! BP210 uncapped-model.

use crate::design::Kind;
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::rules::{Context, Rule};

pub const RULE: Rule = Rule {
    code: Code {
        code: "BP210",
        name: "uncapped-model",
        severity: Severity::Info,
        summary: "a component on the request path has no `capacity`/`latency`, so the estimate skips it",
        docs: r#"## Why it matters
The estimate can only count what it is told. A component on the request
path with neither `capacity` nor `latency` adds nothing to the latency and
can never be the bottleneck, so the figures look better than they are.

## What fires it
A component (other than a client) that requests wait on, with none of
`capacity`, `latency` or `concurrency`.

## How to fix it
Give it at least a `latency` (and a `capacity` per replica when it can
saturate). For an external API, its documented latency and rate limit.

```yaml
# before
  payments: { kind: external }
```

```yaml
# after
  payments: { kind: external, latency: 250ms, capacity: 500/s }
```
"#,
    },
    check,
};

fn check(context: &Context, findings: &mut Vec<Diagnostic>) {
    for (id, component) in context.design.components.iter().enumerate() {
        if !context.ways.on_request_path[id]
            || component.kind() == Kind::Client
            || component.service.is_some()
        {
            continue;
        }
        findings.push(
            RULE.code
                .diagnostic(format!(
                    "`{}` has no capacity or latency, so the estimate leaves it out",
                    component.name()
                ))
                .at(component.name.span)
                .component(component.name())
                .label("not modelled")
                .help("give it a `latency` and a per-replica `capacity`"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{findings, places};

    #[test]
    fn fires_on_an_unmodelled_component_on_the_path() {
        let yaml = "version: 1
name: t
components:
  users: { kind: client, calls: [{ to: api }] }
  api: { kind: service, replicas: 2, latency: 5ms, calls: [{ to: payments }] }
  payments: { kind: external }
";
        assert_eq!(
            places(&findings(yaml, "BP210")),
            [("payments".to_string(), 6, 3)]
        );
    }

    #[test]
    fn quiet_when_modelled_or_off_the_path() {
        let yaml = "version: 1
name: t
components:
  users: { kind: client, calls: [{ to: api }] }
  api: { kind: service, replicas: 2, latency: 5ms, calls: [{ to: jobs }] }
  jobs: { kind: queue, replicas: 3, latency: 1ms, consumer: worker }
  worker: { kind: worker }
";
        assert!(findings(yaml, "BP210").is_empty());
    }
}
