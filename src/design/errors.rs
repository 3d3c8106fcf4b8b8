//! BP0xx: the reasons a design cannot be read. The reader and `lower` raise
//! them; their documentation sits here, next to the code that raises them.
//! Every one is an error and makes `check` exit with code 2.

use crate::diagnostic::{Code, Severity};

pub const INVALID_YAML: Code = Code {
    code: "BP001",
    name: "invalid-yaml",
    severity: Severity::Error,
    summary: "the file is not YAML, or not a mapping at the top",
    docs: r#"## Why it matters
A design is read from files that arrive in pull requests and pasted interview
answers, so the reader refuses anything it cannot read safely instead of
guessing: text that is not YAML, a file that is not UTF-8, an empty file, a
list or a string where the top-level mapping should be, and files that break
the reader's fixed limits (size, nesting depth, alias expansion).

## What fires it
- a YAML syntax error (an unclosed bracket or quote, a bad indent);
- bytes that are not UTF-8, or a file with no document in it;
- a top level that is not a mapping;
- a file larger than 16 MiB, nesting deeper than 32 levels, or aliases that
  expand beyond the budget ("billion laughs").

## How to fix it
Fix the YAML at the line shown. A design is a mapping at the top:

```yaml
# before
- name: shop
  components: {}
```

```yaml
# after
version: 1
name: shop
components:
  api: { kind: service }
```
"#,
};

pub const UNKNOWN_FIELD: Code = Code {
    code: "BP002",
    name: "unknown-field",
    severity: Severity::Error,
    summary: "a key the format does not define (with a \"did you mean\" hint)",
    docs: r#"## Why it matters
A misspelt key would otherwise be ignored and the design would silently mean
something else: `replcas: 3` would leave the component at one replica. The
format therefore refuses every key it does not define, and keys that belong
to another kind of component (`hit_ratio` on a service).

## What fires it
A key that is not part of the design format at that place, or a
kind-specific key on a component of another kind.

## How to fix it
Use the key the hint suggests, or remove it.

```yaml
# before
  api:
    kind: service
    replcas: 3
```

```yaml
# after
  api:
    kind: service
    replicas: 3
```
"#,
};

pub const INVALID_VALUE: Code = Code {
    code: "BP003",
    name: "invalid-value",
    severity: Severity::Error,
    summary: "a quantity or enum value that does not parse or is out of range",
    docs: r#"## Why it matters
Every figure the tool prints follows from the quantities in the design, so a
quantity it cannot read, or one that makes no sense (zero replicas, a
negative latency, a hit ratio above 1), stops the run instead of being
guessed at. The same goes for keywords such as `kind` and `consistency`,
for required keys that are missing, and for a `version` this build does not
read.

## What fires it
- a quantity that does not parse (`latency: fast`, `capacity: 10k/fortnight`);
- a value out of range (`replicas: 0`, `hit_ratio: 1.5`, `read_quorum` above
  the replication `factor`);
- an unknown keyword (`kind: databse`);
- a missing required key (`version`, `name`, `components`, a component's
  `kind`, a call's `to`);
- `version` other than 1.

## How to fix it
Write the value in one of the forms the message lists.

```yaml
# before
    latency: 4
    capacity: 15000 per second
```

```yaml
# after
    latency: 4ms
    capacity: 15k/s
```
"#,
};

pub const UNKNOWN_COMPONENT: Code = Code {
    code: "BP004",
    name: "unknown-component",
    severity: Severity::Error,
    summary: "a call, `backing`, `consumer` or `dead_letter` names no component",
    docs: r#"## Why it matters
Edges of the request graph are written as component names. A name that
matches nothing is almost always a typo or a component that was renamed, and
the load it should carry would vanish from the estimate.

## What fires it
`to:` in a call, `backing:` of a cache or CDN, `consumer:` or `dead_letter:`
of a queue naming a component the design does not define.

## How to fix it
Use the name the hint suggests, or add the component.

```yaml
# before
    calls: [{ to: user_db }]
  users_db: { kind: database }
```

```yaml
# after
    calls: [{ to: users_db }]
  users_db: { kind: database }
```
"#,
};

pub const SYNC_CYCLE: Code = Code {
    code: "BP005",
    name: "sync-cycle",
    severity: Severity::Error,
    summary: "sync calls form a cycle, followed operation by operation (the cycle is printed)",
    docs: r#"## Why it matters
If `a` waits for `b` and `b` waits for `a`, every request creates another,
so the load never ends and no latency is finite. Such a design deadlocks
under load in real life too.

A loop through a queue or an async call is not one: nothing waits on it.
It is still a problem when every trip round sends on at least as much as it
received, since the traffic then grows without end: that is BP201.

## What fires it
Sync calls and cache misses (to a `backing`) that lead from a component back
to itself *for the same request*. Calls are followed operation by operation:
a call with `for: [send]` is only made for `send` requests, and a call with
`as: deliver` hands the callee a `deliver` request. So a chat server that
pushes a message back through the gateway `as: deliver` is not a cycle when
the gateway makes no call for `deliver`. The message prints the cycle as
`a (send) -> b (send) -> a (send)`.

## How to fix it
Break the loop: make one of the calls go through a queue, say which
operations a call is for, or remove it.

```yaml
# before
  orders:    { kind: service, calls: [{ to: inventory }] }
  inventory: { kind: service, calls: [{ to: orders }] }
```

```yaml
# after
  orders:    { kind: service, calls: [{ to: inventory }, { to: events }] }
  events:    { kind: queue, consumer: inventory }
  inventory: { kind: worker }
```
"#,
};

pub const INCONSISTENT_CAPACITY: Code = Code {
    code: "BP006",
    name: "inconsistent-capacity",
    severity: Severity::Error,
    summary: "`capacity`, `latency` and `concurrency` disagree",
    docs: r#"## Why it matters
One replica serving `concurrency` requests at once, each taking `latency`,
completes `concurrency / latency` requests per second: that is its
`capacity`. When all three are given and disagree, one of them is wrong and
every figure built on them would be too.

## What fires it
All three of `capacity`, `latency` and `concurrency` given, and `capacity`
differing from `concurrency / latency` by more than 1%.

## How to fix it
Give two of the three and let the tool derive the third, or correct one.

```yaml
# before: 16 / 4ms = 4000/s, not 15k/s
    capacity: 15k/s
    latency: 4ms
    concurrency: 16
```

```yaml
# after
    capacity: 15k/s
    latency: 4ms      # concurrency 60 follows
```
"#,
};

pub const UNKNOWN_ZONE: Code = Code {
    code: "BP007",
    name: "unknown-zone",
    severity: Severity::Error,
    summary: "a component names a zone the design does not declare",
    docs: r#"## Why it matters
Zones drive the single-zone and N+1 findings and the zone-loss what-if. A
zone that is not declared at the top is usually a typo, and a replica placed
in it would escape every zone check.

## What fires it
A name in a component's `zones` (or in a region) that is not in the
top-level `zones` list or in any region.

## How to fix it
Declare the zone, or fix the name.

```yaml
# before
zones: [az1, az2]
components:
  api: { kind: service, replicas: 2, zones: [az1, az3] }
```

```yaml
# after
zones: [az1, az2, az3]
components:
  api: { kind: service, replicas: 2, zones: [az1, az3] }
```
"#,
};

pub const DUPLICATE_KEY: Code = Code {
    code: "BP008",
    name: "duplicate-key",
    severity: Severity::Error,
    summary: "a mapping gives the same key twice (e.g. two components with one name)",
    docs: r#"## Why it matters
YAML requires the keys of a mapping to be unique, but many readers keep the
last one silently. Two components with the same name would then become one,
and half the design would disappear without a word.

## What fires it
The same key twice in one mapping: two components of one name, or one field
given twice in a component. Both places are shown.

## How to fix it
Rename one of them, or merge the two.

```yaml
# before
components:
  db: { kind: database, replicas: 3 }
  db: { kind: cache }
```

```yaml
# after
components:
  db:    { kind: database, replicas: 3 }
  cache: { kind: cache }
```
"#,
};

pub const UNKNOWN_OPERATION: Code = Code {
    code: "BP011",
    name: "unknown-operation",
    severity: Severity::Error,
    summary: "`for`, `as` or an operation's `client` names nothing declared, or a client's operation shares do not add up to 1",
    docs: r#"## Why it matters
Operations say which kind of request takes which way through the design. A
misspelt operation name in a call's `for` would silently leave the call out
of every request, and shares that do not add up would make load appear or
vanish at the entry.

## What fires it
- a call's `for` or `as` names an operation that `operations:` does not
  declare (the hint suggests the closest name);
- an operation's `client` names no component of kind `client`, or the design
  has several clients and the operation does not say which it enters at;
- the `share`s of one client's operations do not add up to 1 (within 0.5%),
  or one client's operations mix `share` and `rps`, or their `rps` disagree
  with the client's own `rps`.

## How to fix it
Use a declared name, or declare the operation. Make the shares of each
client's operations add up to 1:

```yaml
# before
operations:
  shorten: { share: 0.1 }
  redirect: { share: 0.8 }
components:
  api: { kind: service, calls: [{ to: keygen, for: shortn }] }
```

```yaml
# after
operations:
  shorten: { share: 0.1 }
  redirect: { share: 0.9 }
components:
  api: { kind: service, calls: [{ to: keygen, for: shorten }] }
```
"#,
};

/// Every reader error, in code order.
pub const ALL: &[&Code] = &[
    &INVALID_YAML,
    &UNKNOWN_FIELD,
    &INVALID_VALUE,
    &UNKNOWN_COMPONENT,
    &SYNC_CYCLE,
    &INCONSISTENT_CAPACITY,
    &UNKNOWN_ZONE,
    &DUPLICATE_KEY,
    &UNKNOWN_OPERATION,
];
