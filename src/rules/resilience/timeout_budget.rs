//! BP407 timeout-budget.

use std::collections::BTreeMap;

use crate::design::quantity::format_duration;
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::rules::{Context, Rule};
use crate::ways::{Via, Wait};

pub const RULE: Rule = Rule {
    code: Code {
        code: "BP407",
        name: "timeout-budget",
        severity: Severity::Warning,
        summary: "a caller's `timeout` is shorter than its callee's estimated p99 (for a cache, a miss), or than the longest chain of timeouts one operation can take below it; info where the call has a `fallback`",
        docs: r#"## Why it matters
A timeout shorter than the callee's normal tail turns slow-but-fine answers
into errors (and, with retries, into more load). A timeout shorter than
the time the callee may itself spend waiting on its own dependencies means
the caller gives up while the callee is still working: the work is wasted,
and the callee's timeouts never get the chance to produce a clean error.

## What fires it
A sync call with a `timeout` that is below
- the callee's estimated p99 response time (one replica at peak, from the
  capacity model); for a cache or CDN, the p99 of a miss (the cache's and
  its backing's together), since a miss must fit in the timeout too; or
- the longest chain of timeouts one request can take below the callee: the
  sum over the calls the callee makes for that operation of
  `timeout x (retries + 1)` (times the calls a request makes, one for a
  `parallel` fan-out; a call without a timeout counts at the chain below
  it). Calls made on a share of requests (`per_request` below 1) are
  alternatives: only the longest of them counts. Calls made for different
  operations (`for:`) are different routes and never add up: a gateway
  that sends each request to one of three services waits on one of them,
  not on all three.

When the call has `fallback: true`, the caller answers without the callee
anyway, so the finding is only informative.

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

/// For every node, the longest time its calls may keep it waiting by their
/// timeouts and retries: the chain of timeouts below it.
fn budgets(context: &Context) -> Vec<f64> {
    let ways = context.ways;
    let design = context.design;
    let mut budget = vec![0.0; ways.nodes.len()];
    for &node in &ways.callees_first {
        let component = &design.components[ways.nodes[node].component];
        // Calls every request makes add up; calls made on a share of
        // requests are alternatives, of which one request takes the longest.
        let mut always = 0.0;
        let mut alternative: f64 = 0.0;
        for edge in ways.edges_from(node) {
            if edge.wait != Wait::Waits {
                continue;
            }
            match edge.via {
                Via::Call(index) => {
                    let call = &component.calls[index];
                    let once = match &call.timeout {
                        Some(timeout) => {
                            timeout.value
                                * f64::from(call.retries.as_ref().map_or(0, |r| r.value) + 1)
                        }
                        None => budget[edge.to],
                    };
                    if call.parallel {
                        always += once;
                    } else if call.per_request < 1.0 {
                        alternative = alternative.max(once);
                    } else {
                        always += once * call.per_request.ceil();
                    }
                }
                _ => always += budget[edge.to],
            }
        }
        let total = always + alternative;
        budget[node] = total;
    }
    budget
}

/// The p99 a call's timeout must cover: the callee's, or for a cache or
/// CDN with a backing, a miss (the cache's and its backing's together).
fn p99_to_cover(context: &Context, callee: usize) -> Option<(f64, String)> {
    let design = context.design;
    let estimate = context.estimate;
    let component = &design.components[callee];
    let own = estimate.components[callee].latency?.p99;
    let name = component.name();
    if let Some(backing) = &component.backing {
        let behind = estimate.components[backing.value].latency?.p99;
        return Some((
            own + behind,
            format!(
                "a miss through `{name}` to `{}` ({} at p99)",
                design.components[backing.value].name(),
                format_duration(own + behind)
            ),
        ));
    }
    Some((
        own,
        format!("`{name}`'s estimated p99 of {}", format_duration(own)),
    ))
}

fn check(context: &Context, findings: &mut Vec<Diagnostic>) {
    let design = context.design;
    let ways = context.ways;
    let budget = budgets(context);
    // A call serves several operations: judge it on its worst, once.
    let mut worst: BTreeMap<(usize, usize), (f64, usize)> = BTreeMap::new();
    for (node, n) in ways.nodes.iter().enumerate() {
        for edge in ways.edges_from(node) {
            let Via::Call(index) = edge.via else {
                continue;
            };
            if edge.wait != Wait::Waits {
                continue;
            }
            let entry = worst
                .entry((n.component, index))
                .or_insert((budget[edge.to], edge.to));
            if budget[edge.to] > entry.0 {
                *entry = (budget[edge.to], edge.to);
            }
        }
    }
    for ((caller_id, index), (below, below_node)) in worst {
        let caller = &design.components[caller_id];
        let call = &caller.calls[index];
        let Some(timeout) = &call.timeout else {
            continue;
        };
        let callee = &design.components[call.to.value];
        let reason = if let Some((_, text)) =
            p99_to_cover(context, call.to.value).filter(|(p99, _)| timeout.value < *p99)
        {
            text
        } else if timeout.value < below * (1.0 - 1e-9) {
            let operation = ways.nodes[below_node].operation;
            let route = if ways.declared() {
                format!(" for `{}`", ways.operations[operation].name)
            } else {
                String::new()
            };
            format!(
                "the {} that `{}`'s own calls may take{route} with their timeouts and retries",
                format_duration(below),
                callee.name()
            )
        } else {
            continue;
        };
        let mut finding = RULE
            .code
            .diagnostic(format!(
                "the {} timeout of `{}` -> `{}` is shorter than {reason}",
                format_duration(timeout.value),
                caller.name(),
                callee.name()
            ))
            .at(timeout.span)
            .component(caller.name())
            .label("gives up while the callee is still working")
            .help("budget timeouts from the edge inwards: cover the callee's p99 and its own calls' timeouts and retries");
        if call.fallback {
            finding.severity = Severity::Info;
            finding = finding.label("gives up early, then answers with its fallback");
        }
        findings.push(finding);
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

    /// A gateway sends each request to one of three services: the routes
    /// of different operations are never added up.
    const ROUTES: &str = "version: 1
name: t
operations:
  home: { share: 0.5 }
  play: { share: 0.3 }
  search: { share: 0.2 }
components:
  users: { kind: client, calls: [{ to: gw }] }
  gw: { kind: gateway, replicas: 2, calls: [{ to: router, timeout: TIMEOUT }] }
  router:
    kind: service
    replicas: 2
    calls:
      - { to: home_svc, for: home, timeout: 1.5s }
      - { to: play_svc, for: play, timeout: 1.2s }
      - { to: search_svc, for: search, timeout: 1.2s }
  home_svc: { kind: service, replicas: 2 }
  play_svc: { kind: service, replicas: 2 }
  search_svc: { kind: service, replicas: 2 }
";

    #[test]
    fn exclusive_routes_are_not_added() {
        assert!(findings(&ROUTES.replace("TIMEOUT", "2s"), "BP407").is_empty());
        let found = findings(&ROUTES.replace("TIMEOUT", "1s"), "BP407");
        assert_eq!(found.len(), 1);
        assert!(
            found[0]
                .message
                .contains("the 1.5s that `router`'s own calls may take for `home`"),
            "{}",
            found[0].message
        );
    }

    /// Calls made on a share of requests are alternatives: a request takes
    /// one of them, so only the longest counts; calls every request makes
    /// add up.
    const SHARES: &str = "version: 1
name: t
components:
  api: { kind: service, replicas: 2, calls: [{ to: mid, timeout: TIMEOUT }] }
  mid:
    kind: service
    replicas: 2
    calls:
      - { to: a, timeout: 1s, per_request: 0.5 }
      - { to: b, timeout: 800ms, per_request: 0.5 }
      - { to: c, timeout: 200ms }
  a: { kind: service, replicas: 2 }
  b: { kind: service, replicas: 2 }
  c: { kind: service, replicas: 2 }
";

    #[test]
    fn calls_on_a_share_of_requests_are_alternatives() {
        // 1s (the longer alternative) + 200ms (every request) = 1.2s.
        assert!(findings(&SHARES.replace("TIMEOUT", "1.2s"), "BP407").is_empty());
        let found = findings(&SHARES.replace("TIMEOUT", "1.1s"), "BP407");
        assert_eq!(found.len(), 1);
        assert!(found[0].message.contains("1.2s"), "{}", found[0].message);
    }

    #[test]
    fn a_cache_call_must_cover_a_miss() {
        let yaml = "version: 1
name: t
requirements: { peak_rps: 100/s }
components:
  users: { kind: client, calls: [{ to: api }] }
  api: { kind: service, replicas: 2, capacity: 1k/s, latency: 1ms, calls: [{ to: cache, timeout: 10ms }] }
  cache: { kind: cache, replicas: 2, capacity: 10k/s, latency: 0.5ms, hit_ratio: 0.9, backing: db }
  db: { kind: database, replicas: 2, capacity: 500/s, latency: 20ms }
";
        let found = findings(yaml, "BP407");
        assert_eq!(found.len(), 1);
        assert!(
            found[0].message.contains("a miss through `cache` to `db`"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn a_call_with_a_fallback_gets_info() {
        let yaml = "version: 1
name: t
components:
  api: { kind: service, replicas: 2, calls: [{ to: orders, timeout: 100ms, fallback: true }] }
  orders: { kind: service, replicas: 2, calls: [{ to: db, timeout: 80ms, retries: 2 }] }
  db: { kind: database, replicas: 3 }
";
        let found = findings(yaml, "BP407");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, crate::diagnostic::Severity::Info);
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
