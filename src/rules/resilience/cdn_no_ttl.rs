//! BP409 cdn-no-ttl.

use crate::design::Kind;
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::rules::{Context, Rule};

pub const RULE: Rule = Rule {
    code: Code {
        code: "BP409",
        name: "cdn-no-ttl",
        severity: Severity::Info,
        summary: "a CDN has no `ttl`",
        docs: r#"## Why it matters
How long an edge keeps a response decides both how much load reaches the
origin and how stale content can get. Left unsaid, it falls to whatever
cache headers the origin happens to send, or the CDN's default: often too
short for immutable assets (the hit ratio the design counts on is not
reached) or too long for pages that change (a fix takes hours to show).

## What fires it
A `cdn` without `ttl`.

## How to fix it
State the TTL: long for content-addressed assets, short for pages, and
purge on deploy where needed.

```yaml
# before
  cdn: { kind: cdn, hit_ratio: 0.95, backing: assets }
```

```yaml
# after
  cdn: { kind: cdn, hit_ratio: 0.95, backing: assets, ttl: 30d }   # content-addressed keys
```
"#,
    },
    check,
};

fn check(context: &Context, findings: &mut Vec<Diagnostic>) {
    for component in &context.design.components {
        if component.kind() != Kind::Cdn || component.ttl.is_some() {
            continue;
        }
        findings.push(
            RULE.code
                .diagnostic(format!(
                    "CDN `{}` does not say how long its edges keep content",
                    component.name()
                ))
                .at(component.name.span)
                .component(component.name())
                .label("no `ttl`: the origin's headers or the CDN's default decide")
                .help(
                    "set a `ttl`: long for content-addressed assets, short for pages that change",
                ),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{findings, places};

    #[test]
    fn fires_on_a_cdn_without_ttl() {
        let yaml = "version: 1
name: t
components:
  cdn: { kind: cdn, hit_ratio: 0.95, backing: assets }
  assets: { kind: object_store }
";
        assert_eq!(
            places(&findings(yaml, "BP409")),
            [("cdn".to_string(), 4, 3)]
        );
    }

    #[test]
    fn quiet_with_a_ttl() {
        let yaml = "version: 1
name: t
components:
  cdn: { kind: cdn, hit_ratio: 0.95, backing: assets, ttl: 30d }
  assets: { kind: object_store }
";
        assert!(findings(yaml, "BP409").is_empty());
    }
}
