//! BP410 retry-saturation.

use crate::capacity::retries::RetryLoad;
use crate::design::quantity::{format_rate, trim_number};
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::rules::{Context, Rule};

pub const RULE: Rule = Rule {
    code: Code {
        code: "BP410",
        name: "retry-saturation",
        severity: Severity::Warning,
        summary: "losing one zone sets off retries whose extra load saturates a component that the survivors would carry without them (a metastable failure)",
        docs: r#"## Why it matters
What takes systems down around a failure is often not the failure but the
retries it sets off. When a dependency is lost, or the survivors of a zone
slow down enough that calls pass their `timeout`, every layer that retries
sends its calls again, and a layer retrying a layer that retries multiplies
them. The extra load makes the survivors slower, so more calls time out and
are retried: a feedback loop that can hold a component at saturation even
though it would carry the peak without the retries. Such a state can
outlive its trigger: once the component is saturated every call to it times
out and is retried, so the retries can hold it there after the zone comes
back (a metastable failure).

## What fires it
For each zone in turn (as BP103 does), with the zone's replicas down and
every component's survivors below saturation without retries, the load the
retries add is solved as a fixed point: an attempt fails when its callee has
nothing up (callers are taken to stop sending to replicas once they are
detected down), when the callee is saturated, when its response takes
longer than the call's `timeout` (from the callee's response-time
distribution at its load), or when a call the callee needs fails after its
own retries. A call with `retries: r` whose attempts fail with share `q`
makes `(1 - q^(r+1)) / (1 - q)` attempts. The rule fires when, with the
retries, a component reaches saturation: no stable load below it. The
message names the zone, the saturated component, how many times its load
grows, and the retrying calls that feed it (most attempts first).
`backoff: true` does not change the figure: it spreads retries in time,
which prevents synchronised bursts but not the extra load. A call with
`circuit_breaker: true` is taken to make one attempt while half or more of
its attempts fail (its breaker is open). Designs without zones are not
checked; a zone holding the same replicas as an earlier one is not solved
again, and at most 100 distinct zones are.

## How to fix it
Bound the retries: retry at one layer only, retry fewer times, or give the
retrying clients a retry budget (retries at most a tenth of the calls, as
gRPC and Finagle do) so that the load grows by 10% at most; add a circuit
breaker; give the saturated component the replicas to carry the retries.
Keep `backoff: true` with jitter so the retries that remain do not arrive
together.

```yaml
# before: losing a zone leaves api at 90%; 13% of calls pass 200ms and are retried 3 times
  users: { kind: client, calls: [{ to: api, timeout: 200ms, retries: 3, backoff: true }] }
```

```yaml
# after
  users: { kind: client, calls: [{ to: api, timeout: 1s, retries: 1, backoff: true, circuit_breaker: true }] }
```
"#,
    },
    check,
};

/// Retrying calls a message names at most.
const CALLS_NAMED: usize = 3;

fn check(context: &Context, findings: &mut Vec<Diagnostic>) {
    let design = context.design;
    let mut reported = vec![false; design.components.len()];
    for (zone, retries) in &context.estimate.zone_retries {
        // The survivors do not carry the peak even without retries: BP103's.
        if !retries.saturated_without.is_empty() {
            continue;
        }
        for saturated in retries.saturated_by_retries() {
            if reported[saturated]
                || context.estimate.components[saturated]
                    .replica
                    .is_saturated()
            {
                continue;
            }
            let feeding = feeding_calls(context, retries, saturated);
            let Some(first) = feeding.first() else {
                continue;
            };
            reported[saturated] = true;
            let caller = &design.components[first.caller];
            let call = &caller.calls[first.call];
            let named: Vec<String> = feeding
                .iter()
                .take(CALLS_NAMED)
                .map(|c| {
                    format!(
                        "`{}` -> `{}` ({} attempts per call)",
                        design.components[c.caller].name(),
                        design.components[c.callee].name(),
                        trim_number(c.attempts)
                    )
                })
                .collect();
            let component = design.components[saturated].name();
            let span = call.retries.as_ref().map_or(call.span, |r| r.span);
            findings.push(
                RULE.code
                    .diagnostic(format!(
                        "losing zone `{}` sets off retries that saturate `{component}`: its load grows x{} to {}, though without retries the survivors carry it; retried by {}",
                        design.zones[*zone].value,
                        trim_number(retries.multiplier(saturated)),
                        format_rate(retries.loads[saturated].total()),
                        named.join(", ")
                    ))
                    .at(span)
                    .component(caller.name())
                    .label("these retries multiply the load when a zone is lost")
                    .help(format!(
                        "retry at one layer, fewer times or within a retry budget (at most a tenth of the calls), add a circuit breaker, or give `{component}` the replicas to carry the retries; keep `backoff: true` so the rest do not come in bursts"
                    )),
            );
        }
    }
}

/// The retrying calls whose callee sends load on to `saturated` (or is
/// it), most attempts first.
fn feeding_calls(
    context: &Context,
    retries: &RetryLoad,
    saturated: usize,
) -> Vec<crate::capacity::retries::RetryingCall> {
    let ways = context.ways;
    // Components from which load reaches `saturated`, walking the ways'
    // edges backwards.
    let mut upstream = vec![false; context.design.components.len()];
    upstream[saturated] = true;
    let mut changed = true;
    while changed {
        changed = false;
        for edge in &ways.edges {
            let (from, to) = (
                ways.nodes[edge.from].component,
                ways.nodes[edge.to].component,
            );
            if upstream[to] && !upstream[from] {
                upstream[from] = true;
                changed = true;
            }
        }
    }
    let mut feeding: Vec<_> = retries
        .calls
        .iter()
        .filter(|c| upstream[c.callee])
        .cloned()
        .collect();
    // Most attempts first; of equals, the call to the saturated component
    // itself, where a fix acts first.
    feeding.sort_by(|a, b| {
        b.attempts
            .total_cmp(&a.attempts)
            .then((a.callee != saturated).cmp(&(b.callee != saturated)))
            .then((a.caller, a.call).cmp(&(b.caller, b.call)))
    });
    feeding
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{findings, places};

    /// Losing a zone leaves `api` two replicas at 90% (M/M/1 each, 10/s
    /// spare): e^-2 = 13.5% of responses pass 200 ms, are retried up to 3
    /// times, and the extra load has no stable point below saturation.
    /// Without retries the survivors carry it.
    fn design(timeout: &str) -> String {
        format!(
            "version: 1
name: t
requirements: {{ peak_rps: 180/s }}
zones: [a, b, c]
components:
  users: {{ kind: client, calls: [{{ to: api, timeout: {timeout}, retries: 3, backoff: true }}] }}
  api: {{ kind: service, replicas: 3, zones: [a, b, c], capacity: 100/s, concurrency: 1, latency: 10ms }}
"
        )
    }

    #[test]
    fn fires_when_timeouts_and_retries_saturate_the_survivors() {
        let found = findings(&design("200ms"), "BP410");
        assert_eq!(places(&found), [("users".to_string(), 6, 70)]);
        let message = &found[0].message;
        assert!(message.contains("zone `a`"), "{message}");
        assert!(message.contains("saturate `api`"), "{message}");
        assert!(message.contains("x4"), "{message}");
        assert!(
            message.contains("`users` -> `api` (4 attempts"),
            "{message}"
        );
    }

    #[test]
    fn quiet_when_the_timeout_leaves_room() {
        assert!(findings(&design("2s"), "BP410").is_empty());
    }

    /// A layer above a lost dependency: `payments` runs in zone `a` only,
    /// so losing `a` fails every `api` request, and the gateway's 2
    /// retries triple the load on `api`'s survivors (150/s on 200/s
    /// without them).
    #[test]
    fn fires_on_a_layer_that_retries_a_failing_layer() {
        let yaml = "version: 1
name: t
requirements: { peak_rps: 150/s }
zones: [a, b, c]
components:
  users: { kind: client, calls: [{ to: gw }] }
  gw:
    kind: gateway
    replicas: 3
    zones: [a, b, c]
    health_check: true
    calls: [{ to: api, timeout: 1s, retries: 2, backoff: true }]
  api:
    kind: service
    replicas: 3
    zones: [a, b, c]
    capacity: 100/s
    calls: [{ to: payments, timeout: 1s, circuit_breaker: true }]
  payments: { kind: service, replicas: 2, zones: [a], capacity: 1k/s }
";
        let found = findings(yaml, "BP410");
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(
            found[0].message.contains("saturate `api`"),
            "{}",
            found[0].message
        );
        assert!(
            found[0].message.contains("`gw` -> `api` (3 attempts"),
            "{}",
            found[0].message
        );
        // With a breaker on the gateway's call, it stops retrying.
        let guarded = yaml.replace(
            "retries: 2, backoff: true",
            "retries: 2, backoff: true, circuit_breaker: true",
        );
        assert!(findings(&guarded, "BP410").is_empty());
    }
}
