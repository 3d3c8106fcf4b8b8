//! BP204 availability-slo.

use crate::design::quantity::{format_duration, format_percent, trim_number};
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::rules::{Context, Rule};

pub const RULE: Rule = Rule {
    code: Code {
        code: "BP204",
        name: "availability-slo",
        severity: Severity::Error,
        summary: "the request path's availability is below `requirements.availability_slo`",
        docs: r#"## Why it matters
Components a request needs are in series: the path is up only while all of
them are, so availabilities multiply. Ten components at 99.9% give 99.0%,
about 3.6 days of downtime a year. A target is met only if the product of
the path is above it.

## What fires it
The availability of the request path (the product over every component a
request waits on and has no `fallback` for, each computed from its replicas:
k of n replicas up for stateless ones, a quorum of copies in every shard
for stores) is below `requirements.availability_slo`.

## How to fix it
Replicate the weakest components on the path (the message names them), add
a `fallback` where the caller can answer without the callee, or move a call
off the request path through a queue.

```yaml
# before: one 99.9% node on the path
  orders_db: { kind: database, engine: postgres }
```

```yaml
# after: a quorum of three copies
  orders_db:
    kind: database
    engine: postgres
    replicas: 3
    replication: { factor: 3, mode: quorum }
```
"#,
    },
    check,
};

fn check(context: &Context, findings: &mut Vec<Diagnostic>) {
    let Some(target) = &context.design.requirements.availability_slo else {
        return;
    };
    let estimate = context.estimate;
    let availability = estimate.availability;
    if availability.value >= target.value {
        return;
    }
    let names: Vec<String> = estimate
        .weakest_on_path(3)
        .iter()
        .map(|(id, a)| {
            format!(
                "`{}` {}",
                context.design.components[*id].name(),
                format_percent(*a)
            )
        })
        .collect();
    findings.push(
        RULE.code
            .diagnostic(format!(
                "the request path is up {} of the time ({} nines, {} down a year), below the {} target",
                format_percent(availability.value),
                trim_number(availability.nines),
                format_duration(availability.downtime_per_year_s),
                format_percent(target.value)
            ))
            .at(target.span)
            .label("not met by the components in series")
            .help(format!("weakest on the path: {}; replicate them or add a `fallback`", names.join(", "))),
    );
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{findings, places};

    const DESIGN: &str = "version: 1
name: t
requirements:
  peak_rps: 100/s
  availability_slo: TARGET
components:
  users: { kind: client, calls: [{ to: api }] }
  api: { kind: service, replicas: 2, capacity: 1k/s, latency: 5ms, calls: [{ to: db }] }
  db: { kind: database, capacity: 1k/s, latency: 5ms }
";

    #[test]
    fn fires_when_a_single_node_caps_the_path() {
        let found = findings(&DESIGN.replace("TARGET", "99.95%"), "BP204");
        assert_eq!(places(&found), [(String::new(), 5, 21)]);
        assert!(
            found[0].help.as_deref().unwrap().contains("`db` 99.9%"),
            "{:?}",
            found[0].help
        );
    }

    #[test]
    fn quiet_when_the_target_is_met() {
        assert!(findings(&DESIGN.replace("TARGET", "99.5%"), "BP204").is_empty());
    }
}
