//! BP106 reconnect-storm.

use crate::design::quantity::format_count;
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::rules::{Context, Rule};

pub const RULE: Rule = Rule {
    code: Code {
        code: "BP106",
        name: "reconnect-storm",
        severity: Severity::Warning,
        summary: "a component holding clients' long-lived connections cannot take over the connections of a lost zone (or replica)",
        docs: r#"## Why it matters
A WebSocket (or MQTT, or long-poll) gateway holds its clients' connections
open. When one of its replicas dies, or a whole zone, every client that was
connected to it reconnects at once, to the replicas that are left. If the
survivors cannot hold that many connections each, they refuse the new
ones or run out of memory and die too, and their clients reconnect to
fewer replicas still: one lost zone takes down the whole fleet.

## What fires it
A load balancer, gateway or service with `max_connections` that holds the
connections of clients with `connections` (the components a client calls,
and, behind a load balancer, what the balancer calls): after losing its
fullest zone (or, when it names no zones, one replica), the connections
per surviving replica exceed `max_connections`.

## How to fix it
Add replicas (or zones) until the survivors of any one zone can take all
the connections, raise the per-replica limit if the hardware allows, and
make clients reconnect with jittered backoff so the storm is spread out.

```yaml
# before: 3M connections on 9 gateways; losing a zone leaves 6 at 500k
  phones: { kind: client, connections: 3M, calls: [{ to: ws }] }
  ws: { kind: gateway, replicas: 9, zones: [az1, az2, az3], max_connections: 400k }
```

```yaml
# after: losing a zone leaves 8 at 375k
  phones: { kind: client, connections: 3M, calls: [{ to: ws }] }
  ws: { kind: gateway, replicas: 12, zones: [az1, az2, az3], max_connections: 400k }
```
"#,
    },
    check,
};

fn check(context: &Context, findings: &mut Vec<Diagnostic>) {
    for held in &context.estimate.connections {
        let component = &context.design.components[held.component];
        let Some(max) = &component.max_connections else {
            continue;
        };
        let Some((lost, left)) = &held.worst_loss else {
            continue;
        };
        let each = held.per_survivor();
        if each.is_some_and(|each| each <= max.value) {
            continue;
        }
        let outcome = match each {
            Some(each) => format!(
                "{left} replicas with {} connections each",
                format_count(each)
            ),
            None => "no replica to reconnect to".to_string(),
        };
        findings.push(
            RULE.code
                .diagnostic(format!(
                    "`{}` holds {} client connections; losing {lost} leaves {outcome}, above its `max_connections` of {}",
                    component.name(),
                    format_count(held.connections),
                    format_count(max.value)
                ))
                .at(max.span)
                .component(component.name())
                .label("the survivors cannot take the reconnecting clients")
                .help("add replicas or zones so the survivors of any one zone hold every connection, and make clients reconnect with jittered backoff"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{findings, places};

    const DESIGN: &str = "version: 1
name: t
zones: [az1, az2, az3]
components:
  phones: { kind: client, connections: 3M, calls: [{ to: ws }] }
  ws: { kind: gateway, replicas: REPLICAS, zones: [az1, az2, az3], max_connections: 400k }
";

    #[test]
    fn fires_when_the_survivors_of_a_zone_cannot_hold_the_connections() {
        let found = findings(&DESIGN.replace("REPLICAS", "9"), "BP106");
        assert_eq!(places(&found), [("ws".to_string(), 6, 78)]);
        assert!(
            found[0]
                .message
                .contains("losing zone az1 leaves 6 replicas with 500k connections each"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn quiet_when_the_survivors_can() {
        assert!(findings(&DESIGN.replace("REPLICAS", "12"), "BP106").is_empty());
    }

    #[test]
    fn without_zones_one_replica_is_lost() {
        let yaml = "version: 1
name: t
components:
  phones: { kind: client, connections: 1M, calls: [{ to: ws }] }
  ws: { kind: gateway, replicas: 4, max_connections: 300k }
";
        let found = findings(yaml, "BP106");
        assert!(
            found[0]
                .message
                .contains("losing one replica leaves 3 replicas"),
            "{}",
            found[0].message
        );
    }
}
