//! BP502 tier-bypass.

use super::clients;
use crate::design::Kind;
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::rules::{Context, Rule};

pub const RULE: Rule = Rule {
    code: Code {
        code: "BP502",
        name: "tier-bypass",
        severity: Severity::Error,
        summary: "a client calls a database, cache, queue or object store directly",
        docs: r#"## Why it matters
A store exposed to clients has to trust them: every client holds
credentials to it, can read or write any record those credentials reach,
and can send queries no service would. Its schema becomes a public API
that can never change, and there is no place left to validate input,
enforce per-user access, or limit load.

## What fires it
A `client` with a call to a `database`, `cache`, `queue` or
`object_store`.

## How to fix it
Put a service in front of the store that authenticates callers, checks
what each may do and owns the data's shape. For large uploads and
downloads, have the service hand out short-lived presigned URLs.

```yaml
# before
  app: { kind: client, calls: [{ to: orders_db }] }
```

```yaml
# after
  app: { kind: client, calls: [{ to: orders_api }] }
  orders_api: { kind: service, auth: true, calls: [{ to: orders_db, timeout: 50ms }] }
```
"#,
    },
    check,
};

fn check(context: &Context, findings: &mut Vec<Diagnostic>) {
    let design = context.design;
    for client in clients(context).map(|id| &design.components[id]) {
        for call in &client.calls {
            let store = &design.components[call.to.value];
            if !matches!(
                store.kind(),
                Kind::Database | Kind::Cache | Kind::Queue | Kind::ObjectStore
            ) {
                continue;
            }
            findings.push(
                RULE.code
                    .diagnostic(format!(
                        "client `{}` calls {} `{}` directly",
                        client.name(),
                        store.kind(),
                        store.name()
                    ))
                    .at(call.to.span)
                    .component(client.name())
                    .label("clients reach the data tier with no service in between")
                    .help(format!(
                        "put a service in front of `{}` that authenticates callers and owns its data",
                        store.name()
                    )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{findings, places};

    #[test]
    fn fires_on_a_client_calling_a_store() {
        let yaml = "version: 1
name: t
components:
  app: { kind: client, calls: [{ to: api }, { to: orders_db }] }
  api: { kind: service }
  orders_db: { kind: database }
";
        assert_eq!(
            places(&findings(yaml, "BP502")),
            [("app".to_string(), 4, 51)]
        );
    }

    #[test]
    fn quiet_when_clients_go_through_services() {
        let yaml = "version: 1
name: t
components:
  app: { kind: client, calls: [{ to: api }] }
  api: { kind: service, calls: [{ to: orders_db, timeout: 50ms }] }
  orders_db: { kind: database }
";
        assert!(findings(yaml, "BP502").is_empty());
    }
}
