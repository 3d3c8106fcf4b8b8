//! Field by field: each component (and the design's own settings) as a list
//! of named values from the checked model, defaults applied, so that only
//! changes of meaning show (`replicas: 1` and no `replicas` are the same).
//! Field names are the YAML keys; nested ones are dotted
//! (`replication.factor`) and calls are named by their callee
//! (`calls[db].timeout`).

use std::fmt;

use serde::Serialize;
use serde::ser::Serializer;

use crate::design::quantity::{
    format_bytes, format_cost, format_count, format_duration, format_percent, format_rate,
    trim_number,
};
use crate::design::{
    CachePattern, Call, Component, DeadLetter, Design, Kind, OperationRate, Traffic,
};

/// One value of a field, in base units, with how people read it.
#[derive(Clone, Debug, PartialEq)]
pub enum FieldValue {
    /// A whole number of things: replicas, partitions, quorum sizes.
    Count(f64),
    /// A plain number: `per_request`, `peak_factor`.
    Number(f64),
    /// Requests per second.
    Rate(f64),
    /// Seconds.
    Duration(f64),
    /// Bytes.
    Bytes(f64),
    /// A fraction in 0..=1, shown as a percentage.
    Fraction(f64),
    /// A price a month.
    Cost(f64),
    Flag(bool),
    Text(String),
    List(Vec<String>),
}

impl FieldValue {
    /// Equal, up to the last bits of a float: `99.9%` parses to
    /// 0.9990000000000001, the default is 0.999.
    fn same(&self, other: &FieldValue) -> bool {
        match (self.number(), other.number()) {
            (Some(a), Some(b)) => {
                std::mem::discriminant(self) == std::mem::discriminant(other)
                    && (a - b).abs() <= 1e-9 * a.abs().max(b.abs())
            }
            _ => self == other,
        }
    }

    fn number(&self) -> Option<f64> {
        match self {
            FieldValue::Count(value)
            | FieldValue::Number(value)
            | FieldValue::Rate(value)
            | FieldValue::Duration(value)
            | FieldValue::Bytes(value)
            | FieldValue::Fraction(value)
            | FieldValue::Cost(value) => Some(*value),
            _ => None,
        }
    }

    /// The value with every digit kept, for two values that read the same
    /// when rounded for people.
    fn precise(&self) -> String {
        match self {
            FieldValue::Count(value) | FieldValue::Number(value) => value.to_string(),
            FieldValue::Rate(value) => format!("{value}/s"),
            FieldValue::Duration(value) => format!("{value}s"),
            FieldValue::Bytes(value) => format!("{value} B"),
            FieldValue::Fraction(value) => format!("{}%", value * 100.0),
            FieldValue::Cost(value) => format!("{value}/month"),
            other => other.to_string(),
        }
    }
}

impl fmt::Display for FieldValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FieldValue::Count(value) => f.write_str(&format_count(*value)),
            FieldValue::Number(value) => f.write_str(&trim_number(*value)),
            FieldValue::Rate(value) => f.write_str(&format_rate(*value)),
            FieldValue::Duration(value) => f.write_str(&format_duration(*value)),
            FieldValue::Bytes(value) => f.write_str(&format_bytes(*value)),
            FieldValue::Fraction(value) => f.write_str(&format_percent(*value)),
            FieldValue::Cost(value) => f.write_str(&format_cost(*value)),
            FieldValue::Flag(value) => write!(f, "{value}"),
            FieldValue::Text(text) => f.write_str(text),
            FieldValue::List(items) => write!(f, "[{}]", items.join(", ")),
        }
    }
}

/// In JSON a value is a number in base units, a boolean, a string or a
/// list of strings.
impl Serialize for FieldValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            FieldValue::Flag(value) => serializer.serialize_bool(*value),
            FieldValue::Text(text) => serializer.serialize_str(text),
            FieldValue::List(items) => items.serialize(serializer),
            number => serializer.serialize_f64(number.number().unwrap_or_default()),
        }
    }
}

/// A field whose value differs; `None` where a side does not set it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FieldChange {
    pub field: String,
    pub old: Option<FieldValue>,
    pub new: Option<FieldValue>,
}

impl FieldChange {
    /// The old and new values for people (`-` where unset), with every
    /// digit when rounding would make them read the same.
    pub fn texts(&self) -> (String, String) {
        let text =
            |value: &Option<FieldValue>| value.as_ref().map_or("-".to_string(), |v| v.to_string());
        let (old, new) = (text(&self.old), text(&self.new));
        if old != new {
            return (old, new);
        }
        let precise = |value: &Option<FieldValue>| {
            value.as_ref().map_or("-".to_string(), FieldValue::precise)
        };
        (precise(&self.old), precise(&self.new))
    }
}

type Fields = Vec<(String, FieldValue)>;

fn push(fields: &mut Fields, name: &str, value: Option<FieldValue>) {
    if let Some(value) = value {
        fields.push((name.to_string(), value));
    }
}

/// The changes between two lists of fields: in the order of the new list,
/// then the fields only the old one has, in its order.
fn changes(old: &Fields, new: &Fields) -> Vec<FieldChange> {
    let find = |fields: &Fields, name: &str| {
        fields
            .iter()
            .find(|(field, _)| field == name)
            .map(|(_, value)| value.clone())
    };
    let mut changed = Vec::new();
    for (name, value) in new {
        let before = find(old, name);
        if !before.as_ref().is_some_and(|before| before.same(value)) {
            changed.push(FieldChange {
                field: name.clone(),
                old: before,
                new: Some(value.clone()),
            });
        }
    }
    for (name, value) in old {
        if find(new, name).is_none() {
            changed.push(FieldChange {
                field: name.clone(),
                old: Some(value.clone()),
                new: None,
            });
        }
    }
    changed
}

fn names(design: &Design, ids: &[usize]) -> FieldValue {
    FieldValue::List(
        ids.iter()
            .map(|&id| design.zones[id].value.clone())
            .collect(),
    )
}

fn flag(value: &Option<crate::design::Located<bool>>) -> Option<FieldValue> {
    Some(FieldValue::Flag(value.as_ref().is_some_and(|v| v.value)))
}

fn keyword(value: Option<impl fmt::Display>) -> Option<FieldValue> {
    value.map(|v| FieldValue::Text(v.to_string()))
}

/// Every field of a component but its calls, in the order of the format.
fn component_fields(design: &Design, component: &Component) -> Fields {
    let name_of = |id: usize| FieldValue::Text(design.components[id].name().to_string());
    let mut fields = Fields::new();
    let f = &mut fields;
    push(
        f,
        "kind",
        Some(FieldValue::Text(component.kind().to_string())),
    );
    push(
        f,
        "replicas",
        Some(FieldValue::Count(f64::from(component.replica_count()))),
    );
    push(
        f,
        "zones",
        component.zones.as_ref().map(|z| names(design, &z.value)),
    );
    if let Some(service) = &component.service {
        push(f, "capacity", Some(FieldValue::Rate(service.capacity)));
        push(f, "latency", Some(FieldValue::Duration(service.latency)));
        push(
            f,
            "concurrency",
            Some(FieldValue::Count(f64::from(service.concurrency))),
        );
    }
    push(
        f,
        "availability",
        Some(FieldValue::Fraction(component.availability)),
    );
    push(f, "engine", component.engine.clone().map(FieldValue::Text));
    push(f, "stateful", Some(FieldValue::Flag(component.stateful)));
    if !component.tags.is_empty() {
        push(f, "tags", Some(FieldValue::List(component.tags.clone())));
    }
    push(
        f,
        "cost",
        component.cost.as_ref().map(|c| FieldValue::Cost(c.value)),
    );
    push(
        f,
        "rps",
        component.rps.as_ref().map(|r| FieldValue::Rate(r.value)),
    );
    push(
        f,
        "users",
        component
            .users
            .as_ref()
            .map(|u| FieldValue::Count(f64::from(u.value))),
    );
    // A closed client that does not say thinks for no time.
    push(
        f,
        "think_time",
        component
            .is_closed()
            .then(|| FieldValue::Duration(component.think_time.as_ref().map_or(0.0, |t| t.value))),
    );
    push(
        f,
        "algorithm",
        keyword(component.algorithm.as_ref().map(|a| a.value)),
    );
    push(f, "health_check", flag(&component.health_check));
    push(f, "tls", flag(&component.tls));
    push(
        f,
        "rate_limit",
        component
            .rate_limit
            .as_ref()
            .map(|r| FieldValue::Rate(r.value)),
    );
    push(f, "auth", flag(&component.auth));
    push(
        f,
        "hit_ratio",
        component
            .hit_ratio
            .as_ref()
            .map(|h| FieldValue::Fraction(h.value)),
    );
    push(
        f,
        "backing",
        component.backing.as_ref().map(|b| name_of(b.value)),
    );
    let pattern: Option<CachePattern> =
        (component.kind() == Kind::Cache).then(|| component.cache_pattern());
    push(f, "pattern", keyword(pattern));
    push(
        f,
        "eviction",
        keyword(component.eviction.as_ref().map(|e| e.value)),
    );
    push(
        f,
        "ttl",
        component
            .ttl
            .as_ref()
            .map(|t| FieldValue::Duration(t.value)),
    );
    push(
        f,
        "partitions",
        component
            .partitions
            .as_ref()
            .map(|p| FieldValue::Count(f64::from(p.value))),
    );
    push(
        f,
        "consumer",
        component.consumer.as_ref().map(|c| name_of(c.value)),
    );
    push(
        f,
        "dead_letter",
        Some(match component.dead_letter.as_ref().map(|d| &d.value) {
            Some(DeadLetter::To(id)) => name_of(*id),
            Some(DeadLetter::Enabled(enabled)) => FieldValue::Flag(*enabled),
            None => FieldValue::Flag(false),
        }),
    );
    push(
        f,
        "delivery",
        keyword(component.delivery.as_ref().map(|d| d.value)),
    );
    push(f, "idempotent", flag(&component.idempotent));
    push(
        f,
        "consistency",
        keyword(component.consistency.as_ref().map(|c| c.value)),
    );
    push(
        f,
        "partition_mode",
        keyword(component.partition_mode.as_ref().map(|p| p.value)),
    );
    if let Some(replication) = &component.replication {
        let replication = &replication.value;
        push(
            f,
            "replication.factor",
            Some(FieldValue::Count(f64::from(replication.factor))),
        );
        push(f, "replication.mode", keyword(Some(replication.mode)));
        push(
            f,
            "replication.read_quorum",
            replication
                .read_quorum
                .map(|q| FieldValue::Count(f64::from(q))),
        );
        push(
            f,
            "replication.write_quorum",
            replication
                .write_quorum
                .map(|q| FieldValue::Count(f64::from(q))),
        );
        push(
            f,
            "replication.read_from",
            keyword(Some(replication.read_from)),
        );
    }
    if let Some(sharding) = &component.sharding {
        let sharding = &sharding.value;
        push(
            f,
            "sharding.shards",
            sharding.shards.map(|s| FieldValue::Count(f64::from(s))),
        );
        push(
            f,
            "sharding.key",
            sharding
                .key
                .as_ref()
                .map(|k| FieldValue::Text(k.value.clone())),
        );
        push(
            f,
            "sharding.strategy",
            keyword(sharding.strategy.as_ref().map(|s| s.value)),
        );
        push(
            f,
            "sharding.hot_key_share",
            sharding
                .hot_key_share
                .as_ref()
                .map(|h| FieldValue::Fraction(h.value)),
        );
    }
    if !component.allow.is_empty() {
        push(f, "allow", Some(suppressions(&component.allow)));
    }
    fields
}

/// `allow:` entries as `rule` or `rule until DATE`.
fn suppressions(allow: &[crate::design::Suppression]) -> FieldValue {
    FieldValue::List(
        allow
            .iter()
            .map(|entry| match &entry.until {
                Some(until) => format!("{} until {}", entry.rule.value, until.value),
                None => entry.rule.value.clone(),
            })
            .collect(),
    )
}

/// The fields of one call, named after it.
fn call_fields(design: &Design, key: &str, call: &Call) -> Fields {
    let mut fields = Fields::new();
    let f = &mut fields;
    let name = |field: &str| format!("{key}.{field}");
    let operation = |id: usize| design.operations[id].name.value.clone();
    if !call.for_operations.is_empty() {
        push(
            f,
            &name("for"),
            Some(FieldValue::List(
                call.for_operations
                    .iter()
                    .map(|&id| operation(id))
                    .collect(),
            )),
        );
    }
    push(
        f,
        &name("as"),
        call.as_operation
            .as_ref()
            .map(|id| FieldValue::Text(operation(id.value))),
    );
    push(
        f,
        &name("per_request"),
        Some(FieldValue::Number(call.per_request)),
    );
    push(f, &name("mode"), keyword(Some(call.mode)));
    push(f, &name("op"), keyword(Some(call.op)));
    push(f, &name("parallel"), Some(FieldValue::Flag(call.parallel)));
    push(
        f,
        &name("timeout"),
        call.timeout.as_ref().map(|t| FieldValue::Duration(t.value)),
    );
    push(
        f,
        &name("retries"),
        Some(FieldValue::Count(f64::from(
            call.retries.as_ref().map_or(0, |r| r.value),
        ))),
    );
    push(f, &name("backoff"), Some(FieldValue::Flag(call.backoff)));
    push(
        f,
        &name("circuit_breaker"),
        Some(FieldValue::Flag(call.circuit_breaker)),
    );
    push(f, &name("fallback"), Some(FieldValue::Flag(call.fallback)));
    fields
}

/// A call in one line, for a call added or removed whole.
fn call_summary(design: &Design, call: &Call) -> FieldValue {
    let mut parts = vec![call.mode.to_string(), call.op.to_string()];
    let operation = |id: usize| design.operations[id].name.value.as_str();
    if !call.for_operations.is_empty() {
        let names: Vec<&str> = call
            .for_operations
            .iter()
            .map(|&id| operation(id))
            .collect();
        parts.push(format!("for {}", names.join(" ")));
    }
    if let Some(id) = &call.as_operation {
        parts.push(format!("as {}", operation(id.value)));
    }
    if call.per_request != 1.0 {
        parts.push(format!("x{}", trim_number(call.per_request)));
    }
    if call.parallel {
        parts.push("parallel".to_string());
    }
    if let Some(timeout) = &call.timeout {
        parts.push(format!("timeout {}", format_duration(timeout.value)));
    }
    if let Some(retries) = call.retries.as_ref().filter(|r| r.value > 0) {
        parts.push(format!("retries {}", retries.value));
    }
    for (set, name) in [
        (call.backoff, "backoff"),
        (call.circuit_breaker, "circuit_breaker"),
        (call.fallback, "fallback"),
    ] {
        if set {
            parts.push(name.to_string());
        }
    }
    FieldValue::Text(parts.join(", "))
}

/// The calls of a component keyed by callee: `calls[db]`, and for a second
/// call to the same callee `calls[db#2]`.
fn keyed_calls<'a>(design: &Design, component: &'a Component) -> Vec<(String, &'a Call)> {
    component
        .calls
        .iter()
        .enumerate()
        .map(|(index, call)| {
            let callee = design.components[call.to.value].name();
            let earlier = component.calls[..index]
                .iter()
                .filter(|c| c.to.value == call.to.value)
                .count();
            let key = if earlier == 0 {
                format!("calls[{callee}]")
            } else {
                format!("calls[{callee}#{}]", earlier + 1)
            };
            (key, call)
        })
        .collect()
}

/// What changed in a component kept under the same name: its fields, then
/// its calls (in the new order, then the calls it no longer makes).
pub fn component_changes(
    old_design: &Design,
    old: &Component,
    new_design: &Design,
    new: &Component,
) -> Vec<FieldChange> {
    let mut changed = changes(
        &component_fields(old_design, old),
        &component_fields(new_design, new),
    );
    let old_calls = keyed_calls(old_design, old);
    let new_calls = keyed_calls(new_design, new);
    for (key, call) in &new_calls {
        match old_calls.iter().find(|(old_key, _)| old_key == key) {
            Some((_, before)) => {
                changed.extend(changes(
                    &call_fields(old_design, key, before),
                    &call_fields(new_design, key, call),
                ));
            }
            None => changed.push(FieldChange {
                field: key.clone(),
                old: None,
                new: Some(call_summary(new_design, call)),
            }),
        }
    }
    for (key, call) in &old_calls {
        if !new_calls.iter().any(|(new_key, _)| new_key == key) {
            changed.push(FieldChange {
                field: key.clone(),
                old: Some(call_summary(old_design, call)),
                new: None,
            });
        }
    }
    changed
}

/// The design's own settings: name, requirements, zones, regions, `allow`.
fn design_fields(design: &Design) -> Fields {
    let mut fields = Fields::new();
    let f = &mut fields;
    push(f, "name", Some(FieldValue::Text(design.name.value.clone())));
    let requirements = &design.requirements;
    push(
        f,
        "requirements.peak_rps",
        requirements
            .peak_rps
            .as_ref()
            .map(|p| FieldValue::Rate(p.value)),
    );
    if let Some(workload) = &requirements.workload {
        let w = &workload.value;
        let name = |field: &str| format!("requirements.workload.{field}");
        push(
            f,
            &name("daily_active_users"),
            w.daily_active_users.map(FieldValue::Count),
        );
        match w.traffic {
            Traffic::PerUser {
                requests_per_user_per_day,
                read_ratio,
            } => {
                push(
                    f,
                    &name("requests_per_user_per_day"),
                    Some(FieldValue::Number(requests_per_user_per_day)),
                );
                push(
                    f,
                    &name("read_ratio"),
                    Some(FieldValue::Fraction(read_ratio)),
                );
            }
            Traffic::Totals {
                read_rps,
                write_rps,
            } => {
                push(f, &name("reads"), Some(FieldValue::Rate(read_rps)));
                push(f, &name("writes"), Some(FieldValue::Rate(write_rps)));
            }
        }
        push(
            f,
            &name("peak_factor"),
            Some(FieldValue::Number(w.peak_factor)),
        );
        push(
            f,
            &name("request_size"),
            w.request_size.map(FieldValue::Bytes),
        );
        push(
            f,
            &name("response_size"),
            w.response_size.map(FieldValue::Bytes),
        );
        push(
            f,
            &name("object_size"),
            w.object_size.map(FieldValue::Bytes),
        );
        push(f, &name("retention"), w.retention.map(FieldValue::Duration));
        push(
            f,
            &name("cache_share"),
            Some(FieldValue::Fraction(w.cache_share)),
        );
    }
    for target in &requirements.latency_slo {
        push(
            f,
            &format!("requirements.latency_slo.{}", target.label),
            Some(FieldValue::Duration(target.seconds.value)),
        );
    }
    push(
        f,
        "requirements.availability_slo",
        requirements
            .availability_slo
            .as_ref()
            .map(|a| FieldValue::Fraction(a.value)),
    );
    if !design.zones.is_empty() {
        push(
            f,
            "zones",
            Some(FieldValue::List(
                design.zones.iter().map(|z| z.value.clone()).collect(),
            )),
        );
    }
    for region in &design.regions {
        push(
            f,
            &format!("regions.{}", region.name.value),
            Some(names(design, &region.zones)),
        );
    }
    for operation in &design.operations {
        let name = |field: &str| format!("operations.{}.{field}", operation.name.value);
        push(
            f,
            &name("client"),
            operation
                .client
                .as_ref()
                .map(|c| FieldValue::Text(design.components[c.value].name().to_string())),
        );
        let (share, rps) = match operation.rate.as_ref().map(|r| r.value) {
            Some(OperationRate::Share(share)) => (Some(share), None),
            Some(OperationRate::Rps(rps)) => (None, Some(rps)),
            None => (None, None),
        };
        push(f, &name("share"), share.map(FieldValue::Number));
        push(f, &name("rps"), rps.map(FieldValue::Rate));
        for target in &operation.latency_slo {
            push(
                f,
                &name(&format!("latency_slo.{}", target.label)),
                Some(FieldValue::Duration(target.seconds.value)),
            );
        }
        push(
            f,
            &name("availability_slo"),
            operation
                .availability_slo
                .as_ref()
                .map(|a| FieldValue::Fraction(a.value)),
        );
    }
    if !design.allow.is_empty() {
        push(f, "allow", Some(suppressions(&design.allow)));
    }
    fields
}

/// What changed in the design's own settings.
pub fn design_changes(old: &Design, new: &Design) -> Vec<FieldChange> {
    changes(&design_fields(old), &design_fields(new))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn design(yaml: &str) -> Design {
        crate::design::load(yaml.as_bytes()).unwrap()
    }

    #[test]
    fn defaults_are_not_changes() {
        let old = design(
            "version: 1\nname: t\ncomponents:\n  api: { kind: service, calls: [{ to: db }] }\n  db: { kind: database }\n",
        );
        let new = design(
            "version: 1\nname: t\ncomponents:\n  api: { kind: service, replicas: 1, calls: [{ to: db, mode: sync, op: read, per_request: 1 }] }\n  db: { kind: database, availability: 99.9% }\n",
        );
        for id in 0..2 {
            let changed = component_changes(&old, &old.components[id], &new, &new.components[id]);
            assert!(changed.is_empty(), "{changed:?}");
        }
    }

    #[test]
    fn fields_and_calls_change_by_name() {
        let old = design(
            "version: 1\nname: t\nzones: [a, b]\ncomponents:\n  api: { kind: service, replicas: 2, zones: [a, b], capacity: 1k/s, latency: 5ms, calls: [{ to: db, timeout: 50ms }, { to: db, op: write }] }\n  db: { kind: database }\n  old_cache: { kind: cache }\n",
        );
        let new = design(
            "version: 1\nname: t\nzones: [a, b]\ncomponents:\n  api: { kind: service, replicas: 3, zones: [a, b], capacity: 1k/s, latency: 4ms, calls: [{ to: db, timeout: 80ms }, { to: cache }] }\n  db: { kind: database }\n  cache: { kind: cache }\n",
        );
        let changed = component_changes(&old, &old.components[0], &new, &new.components[0]);
        let summary: Vec<(String, String, String)> = changed
            .iter()
            .map(|c| {
                let (old, new) = c.texts();
                (c.field.clone(), old, new)
            })
            .collect();
        let expected = [
            ("replicas", "2", "3"),
            ("latency", "5ms", "4ms"),
            ("concurrency", "5", "4"),
            ("calls[db].timeout", "50ms", "80ms"),
            ("calls[cache]", "-", "sync, read"),
            ("calls[db#2]", "sync, write", "-"),
        ];
        let expected: Vec<(String, String, String)> = expected
            .iter()
            .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
            .collect();
        assert_eq!(summary, expected);
    }

    #[test]
    fn a_closed_clients_population_and_think_time_are_fields() {
        let old = design(
            "version: 1\nname: t\ncomponents:\n  staff: { kind: client, users: 100, calls: [{ to: api }] }\n  api: { kind: service, latency: 1ms }\n",
        );
        let new = design(
            "version: 1\nname: t\ncomponents:\n  staff: { kind: client, users: 200, think_time: 5s, calls: [{ to: api }] }\n  api: { kind: service, latency: 1ms }\n",
        );
        let changed = component_changes(&old, &old.components[0], &new, &new.components[0]);
        let summary: Vec<(String, (String, String))> = changed
            .iter()
            .map(|c| (c.field.clone(), c.texts()))
            .collect();
        assert_eq!(
            summary,
            [
                ("users".to_string(), ("100".to_string(), "200".to_string())),
                (
                    "think_time".to_string(),
                    ("0ms".to_string(), "5s".to_string())
                ),
            ]
        );
    }

    #[test]
    fn values_that_round_alike_show_every_digit() {
        let change = FieldChange {
            field: "capacity".into(),
            old: Some(FieldValue::Rate(15_000.0)),
            new: Some(FieldValue::Rate(15_010.0)),
        };
        assert_eq!(change.texts(), ("15000/s".into(), "15010/s".into()));
    }

    #[test]
    fn the_design_settings_compare_too() {
        let old = design(
            "version: 1\nname: t\nrequirements: { peak_rps: 1k/s, latency_slo: { p99: 100ms } }\nzones: [a, b, c]\ncomponents:\n  api: { kind: service }\n",
        );
        let new = design(
            "version: 1\nname: t\nrequirements: { peak_rps: 2k/s, availability_slo: 99.9% }\nzones: [a, b]\ncomponents:\n  api: { kind: service }\n",
        );
        let fields: Vec<String> = design_changes(&old, &new)
            .iter()
            .map(|c| c.field.clone())
            .collect();
        assert_eq!(
            fields,
            [
                "requirements.peak_rps",
                "requirements.availability_slo",
                "zones",
                "requirements.latency_slo.p99"
            ]
        );
    }
}
