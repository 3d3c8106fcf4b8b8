//! BP307 ap-money.

use crate::design::{Consistency, PartitionMode};
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::rules::{Context, Rule};

pub const RULE: Rule = Rule {
    code: Code {
        code: "BP307",
        name: "ap-money",
        severity: Severity::Warning,
        summary: "a component tagged or named like money or stock (`payments`, `ledger`, `inventory`, a `wallet_db`...) uses `eventual` consistency or `ap`",
        docs: r#"## Why it matters
Money and stock are counted, and counts have invariants: a balance never
goes below zero, a unit is sold once. An eventually consistent store, or
one that keeps accepting writes on both sides of a partition (`ap`), lets
two writers read the same balance or stock level and both spend it. The
conflict is found, if at all, after the card was charged twice or the
last unit was sold to two customers.

## What fires it
A component with `consistency: eventual` or `partition_mode: ap` that is
tagged `payments`, `ledger` or `inventory`, or whose name has one of the
words ledger, payment, wallet, balance, billing, invoice, inventory or
stock in it (`ledger_db`, `payments-store`, `stock_levels`; a plural
counts, `load_balancer` does not). The message says whether the tag or
the name gave it away; a store that only looks like money by its name can
be silenced with an `allow:` entry.

## How to fix it
Keep money and stock in a store that is `strong` and `cp`, and make the
decrement a conditional write (compare-and-set, or a transaction).

```yaml
# before
  inventory_db:
    kind: database
    tags: [inventory]
    consistency: eventual
    partition_mode: ap
```

```yaml
# after
  inventory_db:
    kind: database
    tags: [inventory]
    consistency: strong
    partition_mode: cp
```
"#,
    },
    check,
};

/// Tags of data whose invariants (no overdraft, no overselling) need every
/// writer to see the latest value.
const COUNTED: &[&str] = &["payments", "ledger", "inventory"];

/// Words in a component's name that say it keeps money or stock.
const COUNTED_WORDS: &[&str] = &[
    "ledger",
    "payment",
    "wallet",
    "balance",
    "billing",
    "invoice",
    "inventory",
    "stock",
];

/// What gives away that a component keeps counted data: its tag, or a word
/// of its name (split at `_`, `-` and `.`; a plural counts).
fn counted_by(component: &crate::design::Component) -> Option<String> {
    if let Some(tag) = component
        .tags
        .iter()
        .find(|tag| COUNTED.contains(&tag.as_str()))
    {
        return Some(format!("is tagged `{tag}`"));
    }
    let word = words(component.name()).find(|word| {
        COUNTED_WORDS
            .iter()
            .any(|stem| word == stem || word.strip_suffix('s') == Some(stem))
    })?;
    Some(format!("is named like money or stock (`{word}`)"))
}

fn words(name: &str) -> impl Iterator<Item = &str> {
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
}

fn check(context: &Context, findings: &mut Vec<Diagnostic>) {
    for component in &context.design.components {
        let Some(given_away) = counted_by(component) else {
            continue;
        };
        let eventual = component
            .consistency
            .as_ref()
            .filter(|c| c.value == Consistency::Eventual)
            .map(|c| ("is eventually consistent", c.span));
        let available = component
            .partition_mode
            .as_ref()
            .filter(|p| p.value == PartitionMode::Ap)
            .map(|p| ("keeps accepting writes in a partition (`ap`)", p.span));
        let Some((weakness, span)) = eventual.or(available) else {
            continue;
        };
        findings.push(
            RULE.code
                .diagnostic(format!(
                    "`{}` {given_away} but {weakness}: two writers can spend the same balance or stock",
                    component.name()
                ))
                .at(span)
                .component(component.name())
                .label("concurrent writers may both succeed")
                .help("keep money and stock in a `strong`, `cp` store and make each decrement a conditional write"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{findings, places};

    #[test]
    fn fires_on_eventual_inventory_and_ap_payments() {
        let yaml = "version: 1
name: t
components:
  stock:
    kind: database
    tags: [inventory]
    consistency: eventual
    partition_mode: ap
  wallet: { kind: database, tags: [payments], consistency: strong, partition_mode: ap }
";
        assert_eq!(
            places(&findings(yaml, "BP307")),
            [("stock".to_string(), 7, 18), ("wallet".to_string(), 9, 84)]
        );
    }

    #[test]
    fn quiet_on_strong_money_and_eventual_untagged_data() {
        let yaml = "version: 1
name: t
components:
  wallet: { kind: database, tags: [payments], consistency: strong, partition_mode: cp }
  clicks: { kind: database, tags: [analytics], consistency: eventual, partition_mode: ap }
";
        assert!(findings(yaml, "BP307").is_empty());
    }

    #[test]
    fn a_name_gives_money_away_but_a_balancer_does_not() {
        let yaml = "version: 1
name: t
components:
  ledger_db: { kind: database, consistency: eventual }
  user-wallets: { kind: database, partition_mode: ap }
  load_balancer_state: { kind: database, consistency: eventual }
  restock_jobs: { kind: database, consistency: eventual }
";
        let found = findings(yaml, "BP307");
        let names: Vec<_> = found.iter().map(|f| f.component.clone().unwrap()).collect();
        assert_eq!(names, ["ledger_db", "user-wallets"]);
        assert!(
            found[0]
                .message
                .contains("is named like money or stock (`ledger`)"),
            "{}",
            found[0].message
        );
        assert!(
            found[1].message.contains("(`wallets`)"),
            "{}",
            found[1].message
        );
    }
}
