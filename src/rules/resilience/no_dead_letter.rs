//! BP403 no-dead-letter.

use crate::design::{DeadLetter, Kind};
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::rules::{Context, Rule};

pub const RULE: Rule = Rule {
    code: Code {
        code: "BP403",
        name: "no-dead-letter",
        severity: Severity::Warning,
        summary: "a queue has no `dead_letter`",
        docs: r#"## Why it matters
Some messages can never be processed: a malformed payload, a reference to
a deleted record, a bug that throws on one input. Without a dead-letter
queue, such a poison message is redelivered forever: on an ordered log it
blocks its whole partition, on a work queue it burns consumer time on
every attempt, and either way it is lost from sight.

## What fires it
A `queue` without `dead_letter`, or with `dead_letter: false`.

## How to fix it
Send messages that fail a few times aside, to be inspected and replayed.

```yaml
# before
  jobs: { kind: queue, consumer: worker }
```

```yaml
# after
  jobs: { kind: queue, consumer: worker, dead_letter: true }
```
"#,
    },
    check,
};

fn check(context: &Context, findings: &mut Vec<Diagnostic>) {
    for component in &context.design.components {
        if component.kind() != Kind::Queue {
            continue;
        }
        let span = match &component.dead_letter {
            None => component.name.span,
            Some(disabled) if disabled.value == DeadLetter::Enabled(false) => disabled.span,
            Some(_) => continue,
        };
        findings.push(
            RULE.code
                .diagnostic(format!(
                    "queue `{}` has no dead-letter queue for messages that always fail",
                    component.name()
                ))
                .at(span)
                .component(component.name())
                .label("a poison message is redelivered forever")
                .help("set `dead_letter: true` (or name a queue) so messages that keep failing go aside"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{findings, places};

    #[test]
    fn fires_without_a_dead_letter_queue() {
        let yaml = "version: 1
name: t
components:
  jobs: { kind: queue, consumer: worker }
  events: { kind: queue, consumer: worker, dead_letter: false }
  worker: { kind: worker }
";
        assert_eq!(
            places(&findings(yaml, "BP403")),
            [("jobs".to_string(), 4, 3), ("events".to_string(), 5, 57)]
        );
    }

    #[test]
    fn quiet_with_a_dead_letter_flag_or_queue() {
        let yaml = "version: 1
name: t
components:
  jobs: { kind: queue, consumer: worker, dead_letter: true }
  events: { kind: queue, consumer: worker, dead_letter: parked }
  parked: { kind: queue, dead_letter: true }
  worker: { kind: worker }
";
        assert!(findings(yaml, "BP403").is_empty());
    }
}
