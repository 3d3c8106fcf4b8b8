//! BP101 single-replica.

use super::is_owned;
use crate::diagnostic::{Cause, Code, Severity};
use crate::rules::{Context, Rule};

pub const RULE: Rule = Rule {
    code: Code {
        code: "BP101",
        name: "single-replica",
        severity: Severity::Error,
        summary: "a component on the request path (not a client or external) has one replica",
        docs: r#"## Why it matters
A request waits on every component on its path. If one of them runs as a
single instance, the whole path is down whenever that instance is: during a
crash, a deploy, a host failure or a zone outage. With the default 99.9% per
replica, that one instance alone caps the design at about 8.8 hours of
downtime a year.

## What fires it
A component that a request entering at a client waits on (reached through
sync calls, enqueues and cache misses) with `replicas: 1` or no `replicas`
at all. Clients and `external` components are exempt: the design does not
run them.

## How to fix it
Run at least two replicas, in different zones, behind something that
notices when one fails (a load balancer with `health_check`, a client-side
driver, a consensus protocol for stores).

```yaml
# before
  orders_db:
    kind: database
    engine: postgres
```

```yaml
# after
  orders_db:
    kind: database
    engine: postgres
    replicas: 2                 # primary + synchronous standby
    zones: [az1, az2]
    replication: { factor: 2, mode: sync }
```
"#,
    },
    check,
};

fn check(context: &Context, findings: &mut Vec<crate::diagnostic::Diagnostic>) {
    for (id, component) in context.design.components.iter().enumerate() {
        if context.ways.on_request_path[id] && is_owned(component) && component.replica_count() == 1
        {
            findings.push(
                RULE.code
                    .diagnostic(format!(
                        "`{}` is on the request path with a single replica",
                        component.name()
                    ))
                    .at(component.replicas_span())
                    .component(component.name())
                    .label("one replica: when it is down, so is every request through it")
                    .help("run at least two replicas in different zones")
                    .reports(Cause::SingleReplica(component.name().to_string())),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{findings, places};

    #[test]
    fn fires_on_a_single_replica_on_the_path() {
        let yaml = "version: 1
name: t
components:
  users: { kind: client, calls: [{ to: api }] }
  api:
    kind: service
    replicas: 3
    calls: [{ to: db }]
  db:
    kind: database
    replicas: 1
";
        assert_eq!(
            places(&findings(yaml, "BP101")),
            [("db".to_string(), 11, 15)]
        );
    }

    #[test]
    fn points_at_the_name_when_replicas_is_left_out() {
        let yaml = "version: 1
name: t
components:
  users: { kind: client, calls: [{ to: api }] }
  api: { kind: service }
";
        assert_eq!(
            places(&findings(yaml, "BP101")),
            [("api".to_string(), 5, 3)]
        );
    }

    #[test]
    fn quiet_for_replicated_components_clients_externals_and_async_consumers() {
        let yaml = "version: 1
name: t
components:
  users: { kind: client, calls: [{ to: api }] }
  api:
    kind: service
    replicas: 2
    calls: [{ to: payments }, { to: jobs }]
  payments: { kind: external }
  jobs: { kind: queue, replicas: 3, consumer: worker }
  worker: { kind: worker }
";
        assert!(findings(yaml, "BP101").is_empty());
    }
}
