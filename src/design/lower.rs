//! [`RawDesign`] to [`Design`]: parses every quantity and keyword, resolves
//! names, applies defaults and derives the service figures. It keeps going
//! after an error so that one run reports every bad value in the file.

use rustc_hash::FxHashMap as HashMap;

use serde_saphyr::Spanned;

use super::errors::{
    INCONSISTENT_CAPACITY, INVALID_VALUE, UNKNOWN_COMPONENT, UNKNOWN_FIELD, UNKNOWN_OPERATION,
    UNKNOWN_ZONE,
};
use super::model::*;
use super::quantity::{self, QuantityError, QuantityKind};
use super::raw::*;
use super::shape::{LognormalFit, PERCENTILES, ServiceShape};
use crate::diagnostic::{Diagnostic, Span};
use crate::suggest::{did_you_mean, one_of};

/// Checks and converts a raw design. The design is returned only when
/// nothing was wrong with it.
pub fn lower(raw: &RawDesign) -> Result<Design, Vec<Diagnostic>> {
    let mut lowering = Lowering::default();
    let design = lowering.design(raw, None);
    lowering.result(design)
}

/// [`lower`] of a raw design nothing reads afterwards: each component's
/// raw form is freed as soon as it is lowered, so the checked components
/// are built in the memory the raw ones leave. A large design's peak
/// memory and page faults (the bulk of `check`'s time beyond the parse)
/// drop by about the raw components' size.
pub fn lower_owned(mut raw: RawDesign) -> Result<Design, Vec<Diagnostic>> {
    let mut lowering = Lowering::default();
    let entries = raw
        .components
        .as_mut()
        .map(|map| std::mem::take(&mut map.value.0));
    let design = lowering.design(&raw, entries);
    // Freeing the rest of a large raw tree takes milliseconds that nothing
    // waits for.
    rayon::spawn(move || drop(raw));
    lowering.result(design)
}

/// A component as read: its name and its fields.
type RawEntry = (Spanned<String>, Spanned<Box<RawComponent>>);

fn span_of<T>(spanned: &Spanned<T>) -> Span {
    Span::from_location(&spanned.referenced)
}

/// The kinds each kind-specific field belongs to.
pub const KIND_FIELDS: &[(&str, &[Kind])] = &[
    ("rps", &[Kind::Client]),
    ("connections", &[Kind::Client]),
    ("arrivals", &[Kind::Client]),
    ("users", &[Kind::Client]),
    ("think_time", &[Kind::Client]),
    (
        "max_connections",
        &[Kind::LoadBalancer, Kind::Gateway, Kind::Service],
    ),
    ("algorithm", &[Kind::LoadBalancer]),
    ("health_check", &[Kind::LoadBalancer, Kind::Gateway]),
    ("rate_limit", &[Kind::LoadBalancer, Kind::Gateway]),
    ("tls", &[Kind::LoadBalancer, Kind::Gateway, Kind::Cdn]),
    ("auth", &[Kind::Gateway, Kind::Service]),
    ("hit_ratio", &[Kind::Cache, Kind::Cdn]),
    ("backing", &[Kind::Cache, Kind::Cdn]),
    ("ttl", &[Kind::Cache, Kind::Cdn]),
    ("pattern", &[Kind::Cache]),
    ("eviction", &[Kind::Cache]),
    ("partitions", &[Kind::Queue]),
    ("consumer", &[Kind::Queue]),
    ("dead_letter", &[Kind::Queue]),
    ("delivery", &[Kind::Queue]),
    ("idempotent", &[Kind::Worker, Kind::Service, Kind::External]),
    (
        "consistency",
        &[Kind::Database, Kind::Cache, Kind::Search, Kind::ObjectStore],
    ),
    (
        "partition_mode",
        &[Kind::Database, Kind::Cache, Kind::Search, Kind::ObjectStore],
    ),
    ("replication", &[Kind::Database]),
    ("sharding", &[Kind::Database, Kind::Cache, Kind::Search]),
    // A client is the users' own devices: nothing the design pays for.
    (
        "cost",
        &[
            Kind::Cdn,
            Kind::Dns,
            Kind::LoadBalancer,
            Kind::Gateway,
            Kind::Service,
            Kind::Worker,
            Kind::Cache,
            Kind::Queue,
            Kind::Database,
            Kind::ObjectStore,
            Kind::Search,
            Kind::External,
        ],
    ),
];

/// The largest whole number each count field takes: beyond any real
/// deployment, and small enough that the work of every command (a model of
/// each server, a zone of each replica, a draw of each copy) stays bounded
/// whatever the file says. A field not listed takes up to `u32::MAX`.
const COUNT_LIMITS: &[(&str, u32)] = &[
    ("replicas", 1_000_000),
    ("concurrency", 1_000_000),
    ("partitions", 1_000_000),
    ("shards", 1_000_000),
    ("factor", 1_000),
    ("read_quorum", 1_000),
    ("write_quorum", 1_000),
    ("retries", 100),
    ("users", 1_000_000_000),
];

/// The largest value each plain-number field takes, as [`COUNT_LIMITS`].
const NUMBER_LIMITS: &[(&str, f64)] = &[
    ("per_request", 1e6),
    ("requests_per_user_per_day", 1e6),
    ("reads_per_write", 1e9),
    ("peak_factor", 1e3),
    ("burstiness", 1e3),
];

/// Requests one replica may hold in service at once when `capacity` and
/// `latency` imply it: the `concurrency` limit.
const MAX_CONCURRENCY: f64 = 1_000_000.0;

/// A limit for people: `1000000` as `1,000,000`.
fn with_separators(value: f64) -> String {
    let digits = format!("{value:.0}");
    let mut grouped = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
}

/// Whether a component of `kind` may carry the component field `field`
/// (its YAML key): the fields every kind carries, and the kind-specific
/// ones [`KIND_FIELDS`] gives it. Editors offer only these keys.
pub fn kind_accepts(kind: Kind, field: &str) -> bool {
    KIND_FIELDS
        .iter()
        .find(|(f, _)| *f == field)
        .is_none_or(|(_, kinds)| kinds.contains(&kind))
}

#[derive(Default)]
struct Lowering {
    diagnostics: Vec<Diagnostic>,
    components: HashMap<String, ComponentId>,
    component_names: Vec<String>,
    component_kinds: Vec<Option<Kind>>,
    zones: HashMap<String, ZoneId>,
    zone_names: Vec<String>,
    operations: HashMap<String, OperationId>,
    operation_names: Vec<String>,
    /// Where the top of the design is, for errors about missing keys.
    top: Span,
    /// The component being lowered: errors inside it name it.
    current: Option<String>,
}

impl Lowering {
    fn error(&mut self, mut diagnostic: Diagnostic) {
        if diagnostic.component.is_none() {
            diagnostic.component = self.current.clone();
        }
        self.diagnostics.push(diagnostic);
    }

    fn invalid(&mut self, span: Span, message: String, help: Option<String>) {
        let mut diagnostic = INVALID_VALUE.diagnostic(message).at(span);
        if let Some(help) = help {
            diagnostic = diagnostic.help(help);
        }
        self.error(diagnostic);
    }

    fn required<'a, T>(
        &mut self,
        value: &'a S<T>,
        key: &str,
        whose: &str,
        at: Span,
    ) -> Option<&'a Spanned<T>> {
        if value.is_none() {
            self.invalid(
                at,
                format!("{whose} has no `{key}`"),
                Some(format!("add `{key}:`")),
            );
        }
        value.as_deref()
    }

    fn quantity(
        &mut self,
        field: &str,
        value: &S<Scalar>,
        kind: QuantityKind,
    ) -> Option<Located<f64>> {
        let value = value.as_ref()?;
        let span = span_of(value);
        let text = value
            .value
            .as_text()
            .unwrap_or_else(|| "a boolean".to_string());
        match value.value.as_text().map(|t| quantity::parse(kind, &t)) {
            Some(Ok(number)) => Some(Located::new(number, span)),
            Some(Err(QuantityError::NotPositive)) => {
                let least = if kind == QuantityKind::Cost {
                    "cannot be negative"
                } else {
                    "must be more than zero"
                };
                self.invalid(
                    span,
                    format!("`{field}` {least}, not `{text}`"),
                    Some(format!("write {}", kind.accepted_forms())),
                );
                None
            }
            Some(Err(QuantityError::AboveOne)) => {
                self.invalid(
                    span,
                    format!("`{field}` cannot be above 100%, not `{text}`"),
                    Some(format!("write {}", kind.accepted_forms())),
                );
                None
            }
            Some(Err(QuantityError::TooLarge)) => {
                self.invalid(
                    span,
                    format!(
                        "`{field}` is `{text}`, above the largest {kind} blueprint takes, {}",
                        kind.maximum_text()
                    ),
                    Some(format!(
                        "no real system needs more; write {}",
                        kind.accepted_forms()
                    )),
                );
                None
            }
            Some(Err(QuantityError::TooSmall)) => {
                self.invalid(
                    span,
                    format!(
                        "`{field}` is `{text}`, below the smallest {kind} blueprint takes, {}",
                        kind.minimum_text()
                    ),
                    Some(format!("write {}", kind.accepted_forms())),
                );
                None
            }
            _ => {
                self.invalid(
                    span,
                    format!("`{field}` is not a {kind}: `{text}`"),
                    Some(format!("write {}", kind.accepted_forms())),
                );
                None
            }
        }
    }

    /// A fraction in 0..=1 (`0.97` or `97%`); zero is allowed.
    fn fraction(&mut self, field: &str, value: &S<Scalar>) -> Option<Located<f64>> {
        let raw = value.as_ref()?;
        if raw.value == Scalar::Number(0.0) {
            return Some(Located::new(0.0, span_of(raw)));
        }
        self.quantity(field, value, QuantityKind::Percent)
    }

    fn integer(&mut self, field: &str, value: &S<Scalar>, minimum: u32) -> Option<Located<u32>> {
        let raw = value.as_ref()?;
        let span = span_of(raw);
        let parsed = raw.value.as_text().map(|t| quantity::parse_count(&t));
        let maximum = COUNT_LIMITS
            .iter()
            .find(|(name, _)| *name == field)
            .map_or(u32::MAX, |(_, limit)| *limit);
        let beyond = match parsed {
            Some(Ok(count)) => count > f64::from(maximum),
            Some(Err(QuantityError::TooLarge)) => true,
            _ => false,
        };
        if beyond {
            let text = raw.value.as_text().unwrap_or_default();
            self.invalid(
                span,
                format!(
                    "`{field}` is `{text}`, more than the {} blueprint takes",
                    with_separators(f64::from(maximum))
                ),
                Some(format!(
                    "no real design needs more than {} `{field}`; write a whole number from {minimum} to {}",
                    with_separators(f64::from(maximum)),
                    with_separators(f64::from(maximum))
                )),
            );
            return None;
        }
        let count = parsed.and_then(Result::ok);
        match count {
            Some(count)
                if count.fract() == 0.0
                    && count >= f64::from(minimum)
                    && count <= f64::from(u32::MAX) =>
            {
                Some(Located::new(count as u32, span))
            }
            _ => {
                let text = raw
                    .value
                    .as_text()
                    .unwrap_or_else(|| "a boolean".to_string());
                self.invalid(
                    span,
                    format!("`{field}` must be a whole number of at least {minimum}, not `{text}`"),
                    None,
                );
                None
            }
        }
    }

    fn number(&mut self, field: &str, value: &S<Scalar>) -> Option<Located<f64>> {
        let raw = value.as_ref()?;
        let span = span_of(raw);
        let maximum = NUMBER_LIMITS
            .iter()
            .find(|(name, _)| *name == field)
            .map_or(QuantityKind::Count.maximum(), |(_, limit)| *limit);
        let parsed = raw.value.as_text().map(|t| quantity::parse_count(&t));
        match parsed {
            Some(Ok(number)) if number > 0.0 && number <= maximum => {
                Some(Located::new(number, span))
            }
            Some(Ok(number)) if number > maximum => self.number_above(field, raw, maximum),
            Some(Err(QuantityError::TooLarge)) => self.number_above(field, raw, maximum),

            _ => {
                let text = raw
                    .value
                    .as_text()
                    .unwrap_or_else(|| "a boolean".to_string());
                self.invalid(
                    span,
                    format!("`{field}` must be a number above zero, not `{text}`"),
                    None,
                );
                None
            }
        }
    }

    /// Refuses a plain number beyond its field's limit, naming the limit.
    fn number_above(
        &mut self,
        field: &str,
        raw: &Spanned<Scalar>,
        maximum: f64,
    ) -> Option<Located<f64>> {
        let text = raw.value.as_text().unwrap_or_default();
        self.invalid(
            span_of(raw),
            format!(
                "`{field}` is `{text}`, more than the {} blueprint takes",
                quantity::format_count(maximum)
            ),
            Some(format!(
                "no real design needs more; write a number above zero and at most {}",
                quantity::format_count(maximum)
            )),
        );
        None
    }

    fn keyword<K: Copy>(
        &mut self,
        field: &str,
        value: &S<String>,
        names: &'static [&'static str],
        parse: fn(&str) -> Option<K>,
    ) -> Option<Located<K>> {
        let raw = value.as_ref()?;
        let span = span_of(raw);
        match parse(&raw.value) {
            Some(keyword) => Some(Located::new(keyword, span)),
            None => {
                let help = match did_you_mean(&raw.value, names.iter().copied()) {
                    Some(suggestion) => format!("did you mean `{suggestion}`?"),
                    None => format!("expected {}", one_of(names)),
                };
                self.invalid(
                    span,
                    format!("`{}` is not a valid `{field}`", raw.value),
                    Some(help),
                );
                None
            }
        }
    }

    fn flag(value: &S<bool>) -> Option<Located<bool>> {
        value.as_ref().map(|v| Located::new(v.value, span_of(v)))
    }

    fn reference(&mut self, field: &str, value: &S<String>) -> Option<Located<ComponentId>> {
        let raw = value.as_ref()?;
        self.resolve(field, raw)
    }

    fn resolve(&mut self, field: &str, raw: &Spanned<String>) -> Option<Located<ComponentId>> {
        let span = span_of(raw);
        if let Some(&id) = self.components.get(&raw.value) {
            return Some(Located::new(id, span));
        }
        let suggestion = did_you_mean(&raw.value, self.component_names.iter().map(String::as_str))
            .map(str::to_string);
        let mut diagnostic = UNKNOWN_COMPONENT
            .diagnostic(format!(
                "`{field}` names `{}`, which is not a component of this design",
                raw.value
            ))
            .at(span)
            .label("no component of this name");
        diagnostic = match suggestion {
            Some(name) => diagnostic.help(format!("did you mean `{name}`?")),
            None => diagnostic
                .help("define it under `components:`, or use one of the names defined there"),
        };
        self.error(diagnostic);
        None
    }

    /// Resolves an operation named by `field` (`for` or `as`); `outer` is
    /// the place of the whole value, for a name that has none of its own.
    fn operation(
        &mut self,
        field: &str,
        raw: &Spanned<String>,
        outer: Span,
    ) -> Option<Located<OperationId>> {
        let own = span_of(raw);
        let span = if own.line == 0 { outer } else { own };
        if let Some(&id) = self.operations.get(&raw.value) {
            return Some(Located::new(id, span));
        }
        let help = if self.operation_names.is_empty() {
            format!(
                "the design declares no operations; declare it, e.g. `operations: {{ {}: {{ share: 1 }} }}`",
                raw.value
            )
        } else {
            match did_you_mean(&raw.value, self.operation_names.iter().map(String::as_str)) {
                Some(name) => format!("did you mean `{name}`?"),
                None => format!("declared operations: {}", self.operation_names.join(", ")),
            }
        };
        self.error(
            UNKNOWN_OPERATION
                .diagnostic(format!(
                    "`{field}` names `{}`, which is not an operation of this design",
                    raw.value
                ))
                .at(span)
                .label("no operation of this name")
                .help(help),
        );
        None
    }

    fn zone(&mut self, raw: &Spanned<String>) -> Option<ZoneId> {
        if let Some(&id) = self.zones.get(&raw.value) {
            return Some(id);
        }
        let span = span_of(raw);
        let help = if self.zone_names.is_empty() {
            "declare the design's zones at the top, e.g. `zones: [az1, az2, az3]`".to_string()
        } else {
            match did_you_mean(&raw.value, self.zone_names.iter().map(String::as_str)) {
                Some(name) => format!("did you mean `{name}`?"),
                None => format!("declared zones: {}", self.zone_names.join(", ")),
            }
        };
        self.error(
            UNKNOWN_ZONE
                .diagnostic(format!(
                    "zone `{}` is not declared in this design",
                    raw.value
                ))
                .at(span)
                .help(help),
        );
        None
    }

    fn declare_zone(&mut self, name: &str) -> ZoneId {
        if let Some(&id) = self.zones.get(name) {
            return id;
        }
        let id = self.zone_names.len();
        self.zones.insert(name.to_string(), id);
        self.zone_names.push(name.to_string());
        id
    }

    fn result(self, design: Design) -> Result<Design, Vec<Diagnostic>> {
        if self.diagnostics.is_empty() {
            Ok(design)
        } else {
            Err(self.diagnostics)
        }
    }

    /// The design read from `raw`; its components from `taken` instead
    /// when the caller took them out of `raw` to have them freed one by one
    /// as they are lowered.
    fn design(&mut self, raw: &RawDesign, taken: Option<Vec<RawEntry>>) -> Design {
        self.top = Span::new(1, 1, 0..0);
        let top = self.top;
        if let Some(version) = self.required(&raw.version, "version", "the design", top)
            && version.value != Scalar::Number(1.0)
        {
            let text = version.value.as_text().unwrap_or_default();
            self.invalid(
                span_of(version),
                format!("design format version `{text}` is not supported"),
                Some("this build reads version 1; write `version: 1`".to_string()),
            );
        }
        let name = match self.required(&raw.name, "name", "the design", top) {
            Some(name) => Located::new(name.value.clone(), span_of(name)),
            None => Located::new(String::new(), top),
        };

        let mut zones = Vec::new();
        for zone in raw.zones.iter().flatten() {
            self.declare_zone(&zone.value);
            if zones
                .iter()
                .all(|z: &Located<String>| z.value != zone.value)
            {
                zones.push(Located::new(zone.value.clone(), span_of(zone)));
            }
        }
        let mut regions = Vec::new();
        for (region, region_zones) in raw.regions.iter().flat_map(|r| &r.0) {
            let mut ids = Vec::new();
            for zone in region_zones {
                let id = self.declare_zone(&zone.value);
                if id == zones.len() {
                    zones.push(Located::new(zone.value.clone(), span_of(zone)));
                }
                ids.push(id);
            }
            regions.push(Region {
                name: Located::new(region.value.clone(), span_of(region)),
                zones: ids,
            });
        }

        let requirements = raw
            .requirements
            .as_ref()
            .map(|r| self.requirements(r))
            .unwrap_or_default();
        let zone_availability = self
            .quantity(
                "zone_availability",
                &raw.zone_availability,
                QuantityKind::Percent,
            )
            .map_or(DEFAULT_ZONE_AVAILABILITY, |a| a.value);
        let region_availability = self
            .quantity(
                "region_availability",
                &raw.region_availability,
                QuantityKind::Percent,
            )
            .map_or(DEFAULT_REGION_AVAILABILITY, |a| a.value);
        for (name, _) in raw.operations.iter().flat_map(|o| &o.value.0) {
            self.check_name("operation", name);
            self.operations
                .insert(name.value.clone(), self.operation_names.len());
            self.operation_names.push(name.value.clone());
        }

        let mut components = Vec::new();
        match &raw.components {
            None => self.invalid(
                top,
                "the design has no `components`".to_string(),
                Some("add `components:` with at least one component".to_string()),
            ),
            Some(map) if taken.as_ref().unwrap_or(&map.value.0).is_empty() => self.invalid(
                span_of(map),
                "the design has no components".to_string(),
                Some("add at least one component under `components:`".to_string()),
            ),
            Some(map) => {
                let entries = taken.as_ref().unwrap_or(&map.value.0);
                components.reserve_exact(entries.len());
                for (index, (name, component)) in entries.iter().enumerate() {
                    let kind = component
                        .value
                        .kind
                        .as_ref()
                        .and_then(|k| Kind::from_name(&k.value));
                    self.components.insert(name.value.clone(), index);
                    self.component_names.push(name.value.clone());
                    self.component_kinds.push(kind);
                }
                match taken {
                    Some(entries) => {
                        for (name, component) in entries {
                            self.current = Some(name.value.clone());
                            components.push(self.component(&name, &component));
                        }
                    }
                    None => {
                        for (name, component) in &map.value.0 {
                            self.current = Some(name.value.clone());
                            components.push(self.component(name, component));
                        }
                    }
                }
                self.current = None;
            }
        }
        let operations = match &raw.operations {
            Some(map) => self.operations(map, &components),
            None => Vec::new(),
        };
        let allow = self.suppressions(&raw.allow);
        Design {
            name,
            description: raw.description.as_ref().map(|d| d.value.clone()),
            requirements,
            zones,
            regions,
            zone_availability,
            region_availability,
            operations,
            components,
            allow,
            assumed: [
                ("zone_availability", raw.zone_availability.is_none()),
                ("region_availability", raw.region_availability.is_none()),
            ]
            .into_iter()
            .filter_map(|(field, assumed)| assumed.then_some(field))
            .collect(),
        }
    }

    /// Names of components and operations: `[a-z0-9_-]+`.
    fn check_name(&mut self, what: &str, name: &Spanned<String>) {
        let text = name.value.as_str();
        if text.is_empty()
            || !text
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
        {
            self.invalid(
                span_of(name),
                format!("{what} name `{text}` is not allowed"),
                Some("names use lowercase letters, digits, `_` and `-` only".to_string()),
            );
        }
    }

    /// The operations, their clients resolved and their rates checked: the
    /// shares of one client's operations add up to 1, or their `rps` to the
    /// client's own `rps` when it has one.
    fn operations(
        &mut self,
        map: &Spanned<NamedMap<Spanned<RawOperation>>>,
        components: &[Component],
    ) -> Vec<Operation> {
        let clients: Vec<ComponentId> = components
            .iter()
            .enumerate()
            .filter(|(_, c)| c.kind() == Kind::Client)
            .map(|(id, _)| id)
            .collect();
        let mut operations = Vec::with_capacity(map.value.0.len());
        for (name, spanned) in &map.value.0 {
            let raw = &spanned.value;
            let share = self.fraction("share", &raw.share);
            let rps = self.quantity("rps", &raw.rps, QuantityKind::Rate);
            if let (Some(share), Some(_)) = (&share, &rps) {
                self.error(
                    UNKNOWN_OPERATION
                        .diagnostic(format!(
                            "operation `{}` gives both `share` and `rps`",
                            name.value
                        ))
                        .at(share.span)
                        .help("keep one: `share` is a part of its client's load, `rps` a rate of its own"),
                );
            }
            let rate = match (share, rps) {
                (Some(share), None) => {
                    Some(Located::new(OperationRate::Share(share.value), share.span))
                }
                (None, Some(rps)) => Some(Located::new(OperationRate::Rps(rps.value), rps.span)),
                _ => None,
            };
            let client = match raw.client.as_deref() {
                Some(client) => self.operation_client(client, components),
                None if rate.is_some() => {
                    match clients[..] {
                        [only] => Some(Located::new(only, span_of(name))),
                        [] => {
                            self.error(
                            UNKNOWN_OPERATION
                                .diagnostic(format!(
                                    "operation `{}` has a rate but the design has no client for it to enter at",
                                    name.value
                                ))
                                .at(span_of(name))
                                .help("add a component of kind `client` that calls the entry of the design"),
                        );
                            None
                        }
                        _ => {
                            let names: Vec<&str> =
                                clients.iter().map(|&id| components[id].name()).collect();
                            self.error(
                            UNKNOWN_OPERATION
                                .diagnostic(format!(
                                    "operation `{}` does not say which client it enters at",
                                    name.value
                                ))
                                .at(span_of(name))
                                .help(format!("the design has several clients: add `client:` with one of {}", names.join(", "))),
                        );
                            None
                        }
                    }
                }
                None => None,
            };
            let latency_slo = raw
                .latency_slo
                .as_deref()
                .map(|slo| self.latency_targets(slo))
                .unwrap_or_default();
            operations.push(Operation {
                name: Located::new(name.value.clone(), span_of(name)),
                client,
                rate,
                latency_slo,
                availability_slo: self.quantity(
                    "availability_slo",
                    &raw.availability_slo,
                    QuantityKind::Percent,
                ),
                description: raw.description.as_ref().map(|d| d.value.clone()),
            });
        }
        for &client in &clients {
            self.check_client_rates(client, &components[client], &operations);
        }
        operations
    }

    fn operation_client(
        &mut self,
        client: &Spanned<String>,
        components: &[Component],
    ) -> Option<Located<ComponentId>> {
        let id = self.resolve("client", client)?;
        if components[id.value].kind() == Kind::Client {
            return Some(id);
        }
        self.error(
            UNKNOWN_OPERATION
                .diagnostic(format!(
                    "`client` names `{}`, a {}, not a client",
                    client.value,
                    components[id.value].kind()
                ))
                .at(id.span)
                .help("an operation enters at a component of kind `client`"),
        );
        None
    }

    /// The rates of the operations entering at one client agree: shares add
    /// up to 1 (within 0.5%), or rates to the client's own `rps`.
    fn check_client_rates(
        &mut self,
        client: ComponentId,
        component: &Component,
        operations: &[Operation],
    ) {
        let entering: Vec<&Operation> = operations
            .iter()
            .filter(|o| o.client.as_ref().is_some_and(|c| c.value == client))
            .collect();
        let Some(first) = entering.first() else {
            return;
        };
        let name = component.name();
        let without_rate: Vec<&str> = entering
            .iter()
            .filter(|o| o.rate.is_none())
            .map(|o| o.name.value.as_str())
            .collect();
        if !without_rate.is_empty() && entering.len() > 1 {
            self.error(
                UNKNOWN_OPERATION
                    .diagnostic(format!(
                        "{} of `{name}`'s operations ({}) {} no `share` or `rps`",
                        without_rate.len(),
                        without_rate.join(", "),
                        if without_rate.len() == 1 { "has" } else { "have" }
                    ))
                    .at(first.name.span)
                    .help("give every operation that enters at a client its `share` of the client's load (or its `rps`)"),
            );
            return;
        }
        let shares: Vec<f64> = entering
            .iter()
            .filter_map(|o| match o.rate.as_ref()?.value {
                OperationRate::Share(share) => Some(share),
                OperationRate::Rps(_) => None,
            })
            .collect();
        let rates: Vec<f64> = entering
            .iter()
            .filter_map(|o| match o.rate.as_ref()?.value {
                OperationRate::Rps(rps) => Some(rps),
                OperationRate::Share(_) => None,
            })
            .collect();
        let at = first.rate.as_ref().map_or(first.name.span, |r| r.span);
        if let (Some(users), false) = (&component.users, rates.is_empty()) {
            self.error(
                UNKNOWN_OPERATION
                    .diagnostic(format!(
                        "`{name}` is a closed client (`users`), but its operations give `rps`"
                    ))
                    .at(at)
                    .related(users.span, "its users")
                    .help("a closed client's rate follows from the design: give its operations a `share` each"),
            );
        } else if !shares.is_empty() && !rates.is_empty() {
            self.error(
                UNKNOWN_OPERATION
                    .diagnostic(format!("`{name}`'s operations mix `share` and `rps`"))
                    .at(at)
                    .help("give every operation of one client a `share`, or every one an `rps`"),
            );
        } else if !shares.is_empty() {
            let total: f64 = shares.iter().sum();
            if (total - 1.0).abs() > 0.005 {
                self.error(
                    UNKNOWN_OPERATION
                        .diagnostic(format!(
                            "the shares of `{name}`'s operations add up to {}, not 1",
                            quantity::trim_number(total)
                        ))
                        .at(at)
                        .help("each share is a part of the client's load; together they make all of it"),
                );
            }
        } else if let Some(own) = &component.rps {
            let total: f64 = rates.iter().sum();
            if (total - own.value).abs() > 0.005 * own.value {
                self.error(
                    UNKNOWN_OPERATION
                        .diagnostic(format!(
                            "the `rps` of `{name}`'s operations add up to {}, but `{name}` sends {}",
                            quantity::format_rate(total),
                            quantity::format_rate(own.value)
                        ))
                        .at(at)
                        .related(own.span, "the client's rps")
                        .help("leave out the client's `rps` (its operations' rates then make it), or make them agree"),
                );
            }
        }
    }

    fn latency_targets(&mut self, slo: &Spanned<RawLatencySlo>) -> Vec<LatencyTarget> {
        let targets = [
            (&slo.value.p50, 0.50, "p50"),
            (&slo.value.p90, 0.90, "p90"),
            (&slo.value.p95, 0.95, "p95"),
            (&slo.value.p99, 0.99, "p99"),
            (&slo.value.p999, 0.999, "p999"),
        ];
        let mut latency_slo = Vec::new();
        for (value, quantile, label) in targets {
            if let Some(seconds) = self.quantity(
                &format!("latency_slo.{label}"),
                value,
                QuantityKind::Duration,
            ) {
                latency_slo.push(LatencyTarget {
                    quantile,
                    label,
                    seconds,
                });
            }
        }
        latency_slo
    }

    fn requirements(&mut self, raw: &Spanned<RawRequirements>) -> Requirements {
        let requirements = &raw.value;
        let latency_slo = requirements
            .latency_slo
            .as_deref()
            .map(|slo| self.latency_targets(slo))
            .unwrap_or_default();
        Requirements {
            peak_rps: self.quantity("peak_rps", &requirements.peak_rps, QuantityKind::Rate),
            workload: requirements
                .workload
                .as_ref()
                .and_then(|w| self.workload(w)),
            latency_slo,
            availability_slo: self.quantity(
                "availability_slo",
                &requirements.availability_slo,
                QuantityKind::Percent,
            ),
        }
    }

    fn workload(&mut self, raw: &Spanned<RawWorkload>) -> Option<Located<Workload>> {
        let span = span_of(raw);
        let w = &raw.value;
        let daily_active_users = self.quantity(
            "daily_active_users",
            &w.daily_active_users,
            QuantityKind::Count,
        );
        let per_user = self.number("requests_per_user_per_day", &w.requests_per_user_per_day);
        let read_ratio = self.fraction("read_ratio", &w.read_ratio);
        let reads_per_write = self.number("reads_per_write", &w.reads_per_write);
        let reads = self.quantity("reads", &w.reads, QuantityKind::Rate);
        let writes = self.quantity("writes", &w.writes, QuantityKind::Rate);
        let peak_factor = self
            .number("peak_factor", &w.peak_factor)
            .map_or(2.0, |p| p.value);
        let cache_share = self
            .fraction("cache_share", &w.cache_share)
            .map_or(0.2, |c| c.value);
        let request_size = self
            .quantity("request_size", &w.request_size, QuantityKind::Bytes)
            .map(|v| v.value);
        let response_size = self
            .quantity("response_size", &w.response_size, QuantityKind::Bytes)
            .map(|v| v.value);
        let object_size = self
            .quantity("object_size", &w.object_size, QuantityKind::Bytes)
            .map(|v| v.value);
        let retention = self
            .quantity("retention", &w.retention, QuantityKind::Duration)
            .map(|v| v.value);

        let together = "give either `daily_active_users` with `requests_per_user_per_day` (and `read_ratio` or `reads_per_write`), or `reads` and `writes` (or one of them with `read_ratio` or `reads_per_write`)";
        if read_ratio.is_some() && reads_per_write.is_some() {
            self.invalid(
                span,
                "the workload gives both `read_ratio` and `reads_per_write`".to_string(),
                Some("keep one of them".to_string()),
            );
            return None;
        }
        let ratio = read_ratio
            .as_ref()
            .map(|r| r.value)
            .or(reads_per_write.as_ref().map(|k| k.value / (k.value + 1.0)));
        let by_totals = w.reads.is_some() || w.writes.is_some();
        if w.requests_per_user_per_day.is_some() && by_totals {
            self.invalid(
                span,
                "the workload gives both `requests_per_user_per_day` and `reads`/`writes`"
                    .to_string(),
                Some(together.to_string()),
            );
            return None;
        }
        let traffic = if by_totals {
            match (reads, writes, ratio) {
                (Some(reads), Some(writes), None) => Traffic::Totals {
                    read_rps: reads.value,
                    write_rps: writes.value,
                },
                (Some(_), Some(_), Some(_)) => {
                    self.invalid(span, "the workload gives `reads`, `writes` and a read ratio".to_string(), Some("with both `reads` and `writes` the ratio follows; remove `read_ratio`/`reads_per_write`".to_string()));
                    return None;
                }
                (Some(reads), None, Some(ratio)) if ratio > 0.0 => Traffic::Totals {
                    read_rps: reads.value,
                    write_rps: reads.value * (1.0 - ratio) / ratio,
                },
                (None, Some(writes), Some(ratio)) if ratio < 1.0 => Traffic::Totals {
                    read_rps: writes.value * ratio / (1.0 - ratio),
                    write_rps: writes.value,
                },
                (Some(_), None, _) | (None, Some(_), _) => {
                    self.invalid(span, "the workload gives only one of `reads` and `writes`, with no ratio to derive the other".to_string(), Some(together.to_string()));
                    return None;
                }
                _ => return None,
            }
        } else {
            match (per_user, daily_active_users.as_ref()) {
                (Some(per_user), Some(_)) => Traffic::PerUser {
                    requests_per_user_per_day: per_user.value,
                    read_ratio: ratio.unwrap_or(0.5),
                },
                (Some(_), None) => {
                    self.invalid(
                        span,
                        "`requests_per_user_per_day` needs `daily_active_users`".to_string(),
                        Some(together.to_string()),
                    );
                    return None;
                }
                (None, _) if w.requests_per_user_per_day.is_some() => return None,
                (None, _) => {
                    self.invalid(
                        span,
                        "the workload gives no traffic".to_string(),
                        Some(together.to_string()),
                    );
                    return None;
                }
            }
        };
        Some(Located::new(
            Workload {
                daily_active_users: daily_active_users.map(|d| d.value),
                traffic,
                peak_factor,
                request_size,
                response_size,
                object_size,
                retention,
                cache_share,
            },
            span,
        ))
    }

    /// Refuses kind-specific fields the component's kind does not have.
    fn check_kind_fields(&mut self, raw: &RawComponent, kind: Kind, name: &str) {
        let given: [(&str, Option<Span>); 26] = [
            ("rps", raw.rps.as_deref().map(span_of)),
            ("connections", raw.connections.as_deref().map(span_of)),
            ("users", raw.users.as_deref().map(span_of)),
            ("think_time", raw.think_time.as_deref().map(span_of)),
            ("arrivals", raw.arrivals.as_deref().map(span_of)),
            (
                "max_connections",
                raw.max_connections.as_deref().map(span_of),
            ),
            ("algorithm", raw.algorithm.as_deref().map(span_of)),
            ("health_check", raw.health_check.as_deref().map(span_of)),
            ("rate_limit", raw.rate_limit.as_deref().map(span_of)),
            ("tls", raw.tls.as_deref().map(span_of)),
            ("auth", raw.auth.as_deref().map(span_of)),
            ("hit_ratio", raw.hit_ratio.as_deref().map(span_of)),
            ("backing", raw.backing.as_deref().map(span_of)),
            ("ttl", raw.ttl.as_deref().map(span_of)),
            ("pattern", raw.pattern.as_deref().map(span_of)),
            ("eviction", raw.eviction.as_deref().map(span_of)),
            ("partitions", raw.partitions.as_deref().map(span_of)),
            ("consumer", raw.consumer.as_deref().map(span_of)),
            ("dead_letter", raw.dead_letter.as_deref().map(span_of)),
            ("delivery", raw.delivery.as_deref().map(span_of)),
            ("idempotent", raw.idempotent.as_deref().map(span_of)),
            ("consistency", raw.consistency.as_deref().map(span_of)),
            ("partition_mode", raw.partition_mode.as_deref().map(span_of)),
            ("replication", raw.replication.as_deref().map(span_of)),
            ("sharding", raw.sharding.as_deref().map(span_of)),
            ("cost", raw.cost.as_deref().map(span_of)),
        ];
        for (field, span) in given {
            let Some(span) = span else { continue };
            let kinds = KIND_FIELDS
                .iter()
                .find(|(f, _)| *f == field)
                .map_or(&[][..], |(_, k)| *k);
            if !kinds.contains(&kind) {
                let names: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
                self.error(
                    UNKNOWN_FIELD
                        .diagnostic(format!("`{field}` does not apply to `{name}`, a {kind}"))
                        .at(span)
                        .component(name)
                        .label(format!("not a field of a {kind}"))
                        .help(format!("`{field}` is a field of {}", one_of(&names))),
                );
            }
        }
    }

    /// A closed client (`users`) has no `rps` of its own, since its rate
    /// follows from the design, and `think_time` means nothing without
    /// `users`.
    fn check_closed_client(&mut self, raw: &RawComponent, name: &str) {
        match (&raw.users, &raw.rps, &raw.think_time) {
            (Some(users), Some(rps), _) => self.error(
                INVALID_VALUE
                    .diagnostic(format!("client `{name}` gives both `users` and `rps`"))
                    .at(span_of(rps))
                    .related(span_of(users), "its users")
                    .help("keep one: `rps` is an open stream of requests, `users` a closed population whose rate follows from the design"),
            ),
            (None, _, Some(think_time)) => self.invalid(
                span_of(think_time),
                format!("client `{name}` gives `think_time` without `users`"),
                Some("`think_time` is the pause of each of a closed client's `users`; add `users`, or leave it out".to_string()),
            ),
            _ => {}
        }
        if let (Some(_), Some(arrivals)) = (&raw.users, &raw.arrivals) {
            self.invalid(
                span_of(arrivals),
                format!("client `{name}` gives `arrivals` with `users`"),
                Some("`arrivals.burstiness` describes an open stream of requests; a closed client's requests follow its users and their think time, so leave it out".to_string()),
            );
        }
    }

    /// `latency` as a mean (exponential), or percentiles as measured,
    /// fitted by a lognormal whose mean stands for them.
    fn service_latency(&mut self, raw: &S<RawLatency>) -> (Option<Located<f64>>, ServiceShape) {
        let Some(spanned) = raw.as_ref() else {
            return (None, ServiceShape::Exponential);
        };
        let span = span_of(spanned);
        let measured = match &spanned.value {
            RawLatency::Mean(scalar) => {
                let mean = Some(Box::new(Spanned {
                    value: scalar.clone(),
                    referenced: spanned.referenced,
                    defined: spanned.defined,
                }));
                let mean = self.quantity("latency", &mean, QuantityKind::Duration);
                return (mean, ServiceShape::Exponential);
            }
            RawLatency::Percentiles(measured) => measured,
        };
        let given = [
            &measured.p50,
            &measured.p90,
            &measured.p95,
            &measured.p99,
            &measured.p999,
        ];
        let mut points: Vec<(f64, f64)> = Vec::new();
        let mut previous: Option<(&str, f64)> = None;
        let mut valid = true;
        for (value, &(label, share, _)) in given.into_iter().zip(&PERCENTILES) {
            let Some(seconds) =
                self.quantity(&format!("latency.{label}"), value, QuantityKind::Duration)
            else {
                valid &= value.is_none();
                continue;
            };
            if let Some((before, time)) = previous
                && seconds.value <= time
            {
                self.invalid(
                    seconds.span,
                    format!(
                        "`latency.{label}` is {}, not above `latency.{before}` ({})",
                        quantity::format_duration(seconds.value),
                        quantity::format_duration(time)
                    ),
                    Some("percentiles grow with the share: give them as measured, each above the one before".to_string()),
                );
                valid = false;
            }
            previous = Some((label, seconds.value));
            points.push((share, seconds.value));
        }
        if points.len() < 2 && valid {
            self.invalid(
                span,
                "`latency` gives one percentile: a shape needs at least two".to_string(),
                Some("add another measured percentile (`{ p50: 4ms, p99: 40ms }`), or give the mean as `latency: 5ms`".to_string()),
            );
            valid = false;
        }
        if !valid {
            return (None, ServiceShape::Exponential);
        }
        let fit = LognormalFit::from_percentiles(&points);
        (
            Some(Located::new(fit.mean(), span)),
            ServiceShape::Lognormal { sigma: fit.sigma },
        )
    }

    fn service_model(
        &mut self,
        raw: &RawComponent,
        name: &str,
    ) -> (Option<ServiceModel>, Option<Span>, Option<Located<f64>>) {
        let capacity = self.quantity("capacity", &raw.capacity, QuantityKind::Rate);
        let (latency, shape) = self.service_latency(&raw.latency);
        let written_latency = latency.clone();
        let concurrency = self.integer("concurrency", &raw.concurrency, 1);
        let span = capacity
            .as_ref()
            .map(|c| c.span)
            .or(latency.as_ref().map(|l| l.span))
            .or(concurrency.as_ref().map(|c| c.span));
        let model = match (capacity, latency, concurrency) {
            (Some(capacity), Some(latency), Some(concurrency)) => {
                let implied = f64::from(concurrency.value) / latency.value;
                if (implied - capacity.value).abs() > 0.01 * capacity.value {
                    self.error(
                        INCONSISTENT_CAPACITY
                            .diagnostic(format!(
                                "`{name}` declares capacity {}, but concurrency {} / latency {} is {}",
                                quantity::format_rate(capacity.value),
                                concurrency.value,
                                quantity::format_duration(latency.value),
                                quantity::format_rate(implied)
                            ))
                            .at(capacity.span)
                            .component(name)
                            .related(concurrency.span, "concurrency")
                            .related(latency.span, "latency")
                            .help("give two of capacity, latency and concurrency and let the third follow, or make them agree within 1%"),
                    );
                    return (None, span, written_latency);
                }
                Some(ServiceModel {
                    capacity: capacity.value,
                    latency: latency.value,
                    concurrency: concurrency.value,
                    shape,
                })
            }
            (Some(capacity), Some(latency), None)
                if capacity.value * latency.value > MAX_CONCURRENCY =>
            {
                self.invalid(
                    capacity.span,
                    format!(
                        "`{name}` would serve {} requests at once per replica (capacity {} x latency {}), more than the {} blueprint takes",
                        quantity::format_count(capacity.value * latency.value),
                        quantity::format_rate(capacity.value),
                        quantity::format_duration(latency.value),
                        with_separators(MAX_CONCURRENCY)
                    ),
                    Some(format!(
                        "`concurrency` is at most {}: check the units of `capacity` and `latency`, or run more replicas",
                        with_separators(MAX_CONCURRENCY)
                    )),
                );
                return (None, span, written_latency);
            }
            (Some(capacity), Some(latency), None) => {
                // Servers come in whole numbers: round the concurrency and
                // keep the capacity exact, so the service time becomes
                // concurrency / capacity (the same as `latency` whenever
                // capacity x latency is whole, as it usually is).
                let concurrency = (capacity.value * latency.value)
                    .round()
                    .clamp(1.0, f64::from(u32::MAX)) as u32;
                Some(ServiceModel {
                    capacity: capacity.value,
                    latency: f64::from(concurrency) / capacity.value,
                    concurrency,
                    shape,
                })
            }
            (Some(capacity), None, Some(concurrency)) => Some(ServiceModel {
                capacity: capacity.value,
                latency: f64::from(concurrency.value) / capacity.value,
                concurrency: concurrency.value,
                shape,
            }),
            (None, Some(latency), Some(concurrency)) => Some(ServiceModel {
                capacity: f64::from(concurrency.value) / latency.value,
                latency: latency.value,
                concurrency: concurrency.value,
                shape,
            }),
            (Some(capacity), None, None) => Some(ServiceModel {
                capacity: capacity.value,
                latency: 1.0 / capacity.value,
                concurrency: 1,
                shape,
            }),
            (None, Some(latency), None) => Some(ServiceModel {
                capacity: 1.0 / latency.value,
                latency: latency.value,
                concurrency: 1,
                shape,
            }),
            (None, None, _) => None,
        };
        (model, span, written_latency)
    }

    fn component(
        &mut self,
        name: &Spanned<String>,
        spanned: &Spanned<Box<RawComponent>>,
    ) -> Component {
        let raw = &spanned.value;
        let name_span = span_of(name);
        let component_name = name.value.as_str();
        self.check_name("component", name);
        let whose = format!("component `{component_name}`");
        let kind = match self.required(&raw.kind, "kind", &whose, name_span) {
            Some(_) => self.keyword("kind", &raw.kind, Kind::NAMES, Kind::from_name),
            None => None,
        };
        let kind = kind.unwrap_or(Located::new(Kind::Service, name_span));
        self.check_kind_fields(raw, kind.value, component_name);
        if kind.value == Kind::Client {
            self.check_closed_client(raw, component_name);
        }

        let zones = raw.zones.as_ref().map(|zones| {
            let ids: Vec<ZoneId> = zones.value.iter().filter_map(|z| self.zone(z)).collect();
            Located::new(ids, span_of(zones))
        });
        let (service, service_span, written_latency) = self.service_model(raw, component_name);
        let calls = raw
            .calls
            .iter()
            .flatten()
            .filter_map(|call| self.call(call, component_name))
            .collect();
        let dead_letter = raw.dead_letter.as_ref().and_then(|dead_letter| {
            let span = span_of(dead_letter);
            match &dead_letter.value {
                Scalar::Bool(enabled) => Some(Located::new(DeadLetter::Enabled(*enabled), span)),
                Scalar::Text(target) => {
                    let target = Spanned {
                        value: target.clone(),
                        referenced: dead_letter.referenced,
                        defined: dead_letter.defined,
                    };
                    self.resolve("dead_letter", &target)
                        .map(|id| Located::new(DeadLetter::To(id.value), span))
                }
                Scalar::Number(_) => {
                    self.invalid(
                        span,
                        "`dead_letter` is `true`, `false` or a component name".to_string(),
                        None,
                    );
                    None
                }
            }
        });
        let assumed = [
            ("availability", raw.availability.is_none()),
            ("capacity", raw.capacity.is_none()),
            ("latency", raw.latency.is_none()),
            ("concurrency", raw.concurrency.is_none()),
        ]
        .into_iter()
        .filter_map(|(field, assumed)| assumed.then_some(field))
        .collect();
        Component {
            assumed,
            name: Located::new(component_name.to_string(), name_span),
            kind,
            replicas: self.integer("replicas", &raw.replicas, 1),
            zones,
            service,
            service_span,
            written_latency,
            availability: self
                .quantity("availability", &raw.availability, QuantityKind::Percent)
                .map_or(0.999, |a| a.value),
            engine: raw.engine.as_ref().map(|e| e.value.clone()),
            stateful: raw.stateful.as_ref().is_some_and(|s| s.value),
            calls,
            allow: self.suppressions(&raw.allow),
            tags: raw.tags.iter().flatten().map(|t| t.value.clone()).collect(),
            cost: self.quantity("cost", &raw.cost, QuantityKind::Cost),
            rps: self.quantity("rps", &raw.rps, QuantityKind::Rate),
            connections: self.quantity("connections", &raw.connections, QuantityKind::Count),
            burstiness: raw
                .arrivals
                .as_ref()
                .and_then(|arrivals| self.number("burstiness", &arrivals.value.burstiness)),
            users: self.integer("users", &raw.users, 1),
            think_time: self.quantity("think_time", &raw.think_time, QuantityKind::Duration),
            max_connections: self.quantity(
                "max_connections",
                &raw.max_connections,
                QuantityKind::Count,
            ),
            algorithm: self.keyword(
                "algorithm",
                &raw.algorithm,
                Algorithm::NAMES,
                Algorithm::from_name,
            ),
            health_check: Self::flag(&raw.health_check),
            tls: Self::flag(&raw.tls),
            rate_limit: self.quantity("rate_limit", &raw.rate_limit, QuantityKind::Rate),
            auth: Self::flag(&raw.auth),
            hit_ratio: self.fraction("hit_ratio", &raw.hit_ratio),
            backing: self.reference("backing", &raw.backing),
            pattern: self.keyword(
                "pattern",
                &raw.pattern,
                CachePattern::NAMES,
                CachePattern::from_name,
            ),
            eviction: self.keyword(
                "eviction",
                &raw.eviction,
                Eviction::NAMES,
                Eviction::from_name,
            ),
            ttl: self.quantity("ttl", &raw.ttl, QuantityKind::Duration),
            partitions: self.integer("partitions", &raw.partitions, 1),
            consumer: self.reference("consumer", &raw.consumer),
            dead_letter,
            delivery: self.keyword(
                "delivery",
                &raw.delivery,
                Delivery::NAMES,
                Delivery::from_name,
            ),
            idempotent: Self::flag(&raw.idempotent),
            consistency: self.keyword(
                "consistency",
                &raw.consistency,
                Consistency::NAMES,
                Consistency::from_name,
            ),
            partition_mode: self.keyword(
                "partition_mode",
                &raw.partition_mode,
                PartitionMode::NAMES,
                PartitionMode::from_name,
            ),
            replication: raw.replication.as_ref().and_then(|r| self.replication(r)),
            sharding: raw.sharding.as_ref().map(|s| Box::new(self.sharding(s))),
        }
    }

    fn call(&mut self, spanned: &Spanned<RawCall>, caller: &str) -> Option<Call> {
        let raw = &spanned.value;
        let span = span_of(spanned);
        let to = self.required(&raw.to, "to", &format!("a call of `{caller}`"), span)?;
        let to = self.resolve("to", to);
        let per_request = self
            .number("per_request", &raw.per_request)
            .map_or(1.0, |p| p.value);
        let mode = self
            .keyword("mode", &raw.mode, CallMode::NAMES, CallMode::from_name)
            .map(|m| m.value);
        let op = self
            .keyword("op", &raw.op, Op::NAMES, Op::from_name)
            .map_or(Op::Read, |o| o.value);
        let timeout = self.quantity("timeout", &raw.timeout, QuantityKind::Duration);
        let retries = self.integer("retries", &raw.retries, 0);
        let for_operations = match raw.for_operations.as_deref() {
            Some(names) => {
                let outer = span_of(names);
                names
                    .value
                    .0
                    .iter()
                    .filter_map(|name| self.operation("for", name, outer))
                    .map(|o| o.value)
                    .collect()
            }
            None => Vec::new(),
        };
        let as_operation = raw
            .as_operation
            .as_deref()
            .and_then(|name| self.operation("as", name, span_of(name)));
        let to = to?;
        let callee_is_queue = self.component_kinds[to.value] == Some(Kind::Queue);
        let default_mode = if callee_is_queue {
            CallMode::Async
        } else {
            CallMode::Sync
        };
        Some(Call {
            span,
            to,
            per_request,
            mode: mode.unwrap_or(default_mode),
            op,
            parallel: raw.parallel.as_ref().is_some_and(|p| p.value),
            timeout,
            retries,
            backoff: raw.backoff.as_ref().is_some_and(|b| b.value),
            circuit_breaker: raw.circuit_breaker.as_ref().is_some_and(|c| c.value),
            fallback: raw.fallback.as_ref().is_some_and(|f| f.value),
            for_operations,
            as_operation,
        })
    }

    fn replication(&mut self, spanned: &Spanned<RawReplication>) -> Option<Located<Replication>> {
        let raw = &spanned.value;
        let span = span_of(spanned);
        let factor = self
            .integer("factor", &raw.factor, 1)
            .map_or(1, |f| f.value);
        let mode = self
            .keyword(
                "mode",
                &raw.mode,
                ReplicationMode::NAMES,
                ReplicationMode::from_name,
            )
            .map_or(ReplicationMode::Async, |m| m.value);
        let read_from = self
            .keyword(
                "read_from",
                &raw.read_from,
                ReadFrom::NAMES,
                ReadFrom::from_name,
            )
            .map_or(ReadFrom::Primary, |r| r.value);
        let quorum = |lowering: &mut Self, field: &str, value: &S<Scalar>| {
            let located = lowering.integer(field, value, 1)?;
            if located.value > factor {
                lowering.invalid(
                    located.span,
                    format!(
                        "`{field}` is {}, more than the {factor} copies of each record",
                        located.value
                    ),
                    Some(format!(
                        "a quorum is at most the replication factor ({factor})"
                    )),
                );
                return None;
            }
            Some(located.value)
        };
        let read_quorum = quorum(self, "read_quorum", &raw.read_quorum);
        let write_quorum = quorum(self, "write_quorum", &raw.write_quorum);
        Some(Located::new(
            Replication {
                factor,
                mode,
                read_quorum,
                write_quorum,
                read_from,
            },
            span,
        ))
    }

    fn sharding(&mut self, spanned: &Spanned<RawSharding>) -> Located<Sharding> {
        let raw = &spanned.value;
        Located::new(
            Sharding {
                shards: self.integer("shards", &raw.shards, 1).map(|s| s.value),
                key: raw
                    .key
                    .as_ref()
                    .map(|k| Located::new(k.value.clone(), span_of(k))),
                strategy: self.keyword(
                    "strategy",
                    &raw.strategy,
                    ShardStrategy::NAMES,
                    ShardStrategy::from_name,
                ),
                hot_key_share: self.fraction("hot_key_share", &raw.hot_key_share),
            },
            span_of(spanned),
        )
    }

    fn suppressions(&mut self, raw: &Option<Vec<Spanned<RawSuppression>>>) -> Vec<Suppression> {
        let mut suppressions = Vec::new();
        for entry in raw.iter().flatten() {
            let span = span_of(entry);
            let Some(rule) = self.required(&entry.value.rule, "rule", "a suppression", span) else {
                continue;
            };
            let until = entry.value.until.as_ref().and_then(|until| {
                let text = until.value.as_text().unwrap_or_default();
                if quantity::is_date(&text) {
                    Some(Located::new(text, span_of(until)))
                } else {
                    self.invalid(
                        span_of(until),
                        format!("`until` must be a date, not `{text}`"),
                        Some("write the date as YYYY-MM-DD, e.g. `until: 2027-03-31`".to_string()),
                    );
                    None
                }
            });
            suppressions.push(Suppression {
                span,
                rule: Located::new(rule.value.clone(), span_of(rule)),
                reason: entry
                    .value
                    .reason
                    .as_ref()
                    .map(|r| r.value.trim().to_string())
                    .filter(|r| !r.is_empty()),
                until,
            });
        }
        suppressions
    }
}

#[cfg(test)]
mod tests {
    use super::with_separators;

    #[test]
    fn limits_read_well() {
        assert_eq!(with_separators(1_000_000.0), "1,000,000");
        assert_eq!(with_separators(100.0), "100");
        assert_eq!(with_separators(1_000.0), "1,000");
    }
}
