//! BP305 even-voters.

use super::replication_span;
use crate::design::{Kind, PartitionMode};
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::rules::{Context, Rule};

pub const RULE: Rule = Rule {
    code: Code {
        code: "BP305",
        name: "even-voters",
        severity: Severity::Warning,
        summary: "a `cp` store replicates to an even factor or fewer than 3 copies (a failure or partition stops writes)",
        docs: r#"## Why it matters
A `cp` store accepts a write only with a majority of its copies. With one
copy, losing it stops writes; with two, the majority is both, so losing
either stops writes. An even factor buys nothing over the odd one below it
(4 copies tolerate one failure, like 3) and a partition that splits it
down the middle leaves neither side a majority, so all writes stop.

## What fires it
A `database` with `partition_mode: cp` whose `replication.factor` is even
or below 3 (a database without `replication` keeps one copy).

## How to fix it
Replicate to an odd factor of 3 or more, one copy per zone.

```yaml
# before
    partition_mode: cp
    replication: { factor: 2, mode: sync }
```

```yaml
# after
    partition_mode: cp
    replication: { factor: 3, mode: quorum }
```
"#,
    },
    check,
};

fn check(context: &Context, findings: &mut Vec<Diagnostic>) {
    for component in &context.design.components {
        let Some(partition_mode) = &component.partition_mode else {
            continue;
        };
        if component.kind() != Kind::Database || partition_mode.value != PartitionMode::Cp {
            continue;
        }
        let factor = component.replication.as_ref().map_or(1, |r| r.value.factor);
        let consequence = match factor {
            1 => "losing its only copy stops writes".to_string(),
            2 => "a majority of 2 is both, so losing either copy stops writes".to_string(),
            _ if factor % 2 == 0 => format!(
                "{factor} copies survive no more failures than {}, and a partition down the middle leaves no majority",
                factor - 1
            ),
            _ => continue,
        };
        findings.push(
            RULE.code
                .diagnostic(format!(
                    "`{}` is `cp` with {factor} {}: {consequence}",
                    component.name(),
                    if factor == 1 { "copy" } else { "copies" }
                ))
                .at(replication_span(component, partition_mode.span))
                .component(component.name())
                .label("no majority left after one failure or an even split")
                .help("replicate to an odd factor of 3 or more (3 or 5), one copy per zone"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{findings, places};

    #[test]
    fn fires_on_an_even_factor() {
        let yaml = "version: 1
name: t
components:
  db:
    kind: database
    replicas: 4
    partition_mode: cp
    replication: { factor: 4, mode: quorum }
";
        assert_eq!(
            places(&findings(yaml, "BP305")),
            [("db".to_string(), 8, 18)]
        );
    }

    #[test]
    fn points_at_the_partition_mode_of_an_unreplicated_store() {
        let yaml = "version: 1
name: t
components:
  db: { kind: database, partition_mode: cp }
";
        assert_eq!(
            places(&findings(yaml, "BP305")),
            [("db".to_string(), 4, 41)]
        );
    }

    #[test]
    fn quiet_with_an_odd_factor_or_when_ap() {
        let odd = "version: 1
name: t
components:
  db:
    kind: database
    replicas: 3
    partition_mode: cp
    replication: { factor: 3, mode: quorum }
";
        assert!(findings(odd, "BP305").is_empty());
        let available = "version: 1
name: t
components:
  db: { kind: database, partition_mode: ap }
";
        assert!(findings(available, "BP305").is_empty());
    }
}
