//! The names of a design and every place they appear, from the reader's
//! spans (`design::read`): what go-to-definition, find-references, document
//! symbols, hover and the `allow:` code action look up. Built from the raw
//! document, so it exists whenever the YAML reads, even when the design
//! has errors that stop the review.

use std::ops::Range;

use serde_saphyr::Spanned;

use crate::design::raw::{RawCall, RawComponent, RawDesign, RawOperation, RawSuppression, Scalar};
use crate::design::read;
use crate::diagnostic::Span;

/// What a name stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum NameKind {
    Component,
    Operation,
    Zone,
}

/// One appearance of a name in the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Occurrence {
    pub kind: NameKind,
    pub name: String,
    /// The bytes of the name in the text.
    pub bytes: Range<usize>,
    /// Where the name is declared (a component's or an operation's key, a
    /// zone in the top-level `zones` or in a region) rather than used.
    pub definition: bool,
}

/// A component as written.
#[derive(Clone, Debug, PartialEq)]
pub struct ComponentEntry {
    pub name: String,
    pub name_bytes: Range<usize>,
    /// The `kind` as written, whatever it says.
    pub kind: Option<String>,
    /// Where the component's value starts: a `{` for a flow mapping.
    pub value_start: usize,
    /// Where each of its `allow:` entries starts; `None` without `allow:`.
    pub allow: Option<Vec<usize>>,
}

/// An operation as written.
#[derive(Clone, Debug, PartialEq)]
pub struct OperationEntry {
    pub name: String,
    pub name_bytes: Range<usize>,
}

/// The names of one design text.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Index {
    /// In file order.
    pub occurrences: Vec<Occurrence>,
    /// In file order.
    pub components: Vec<ComponentEntry>,
    /// In file order.
    pub operations: Vec<OperationEntry>,
    /// Declared zones, in order, each once.
    pub zones: Vec<String>,
    /// Where each top-level `allow:` entry starts; `None` without `allow:`.
    pub allow: Option<Vec<usize>>,
}

fn bytes<T>(spanned: &Spanned<T>) -> Range<usize> {
    let span = Span::from_location(&spanned.referenced);
    span.bytes()
}

fn allow_starts(allow: &Option<Vec<Spanned<RawSuppression>>>) -> Option<Vec<usize>> {
    allow
        .as_ref()
        .map(|entries| entries.iter().map(|entry| bytes(entry).start).collect())
}

impl Index {
    /// The index of a design text, or `None` when the text does not read.
    pub fn read(text: &str) -> Option<Index> {
        let source = read::decode(text.as_bytes()).ok()?;
        read::parse(source).ok().map(|raw| Index::of(&raw))
    }

    /// The index of a raw design.
    pub fn of(raw: &RawDesign) -> Index {
        let mut index = Index {
            allow: allow_starts(&raw.allow),
            ..Index::default()
        };
        for zone in raw.zones.iter().flatten() {
            index.declare_zone(zone);
        }
        for (_, zones) in raw.regions.iter().flat_map(|r| &r.0) {
            for zone in zones {
                index.declare_zone(zone);
            }
        }
        for (name, operation) in raw.operations.iter().flat_map(|o| &o.value.0) {
            index.add_operation(name, operation);
        }
        for (name, component) in raw.components.iter().flat_map(|c| &c.value.0) {
            index.add_component(name, component);
        }
        index.occurrences.sort_by_key(|o| o.bytes.start);
        index
    }

    fn declare_zone(&mut self, zone: &Spanned<String>) {
        self.occurrences.push(Occurrence {
            kind: NameKind::Zone,
            name: zone.value.clone(),
            bytes: bytes(zone),
            definition: true,
        });
        if !self.zones.contains(&zone.value) {
            self.zones.push(zone.value.clone());
        }
    }

    fn add_operation(&mut self, name: &Spanned<String>, operation: &Spanned<RawOperation>) {
        self.operations.push(OperationEntry {
            name: name.value.clone(),
            name_bytes: bytes(name),
        });
        self.occurrences.push(Occurrence {
            kind: NameKind::Operation,
            name: name.value.clone(),
            bytes: bytes(name),
            definition: true,
        });
        if let Some(client) = operation.value.client.as_deref() {
            self.use_name(NameKind::Component, client.value.clone(), bytes(client));
        }
    }

    fn add_component(&mut self, name: &Spanned<String>, spanned: &Spanned<Box<RawComponent>>) {
        let raw: &RawComponent = &spanned.value;
        self.components.push(ComponentEntry {
            name: name.value.clone(),
            name_bytes: bytes(name),
            kind: raw.kind.as_ref().map(|k| k.value.clone()),
            value_start: bytes(spanned).start,
            allow: allow_starts(&raw.allow),
        });
        self.occurrences.push(Occurrence {
            kind: NameKind::Component,
            name: name.value.clone(),
            bytes: bytes(name),
            definition: true,
        });
        for call in raw.calls.iter().flatten() {
            self.add_call(&call.value);
        }
        let references = [raw.backing.as_deref(), raw.consumer.as_deref()]
            .into_iter()
            .flatten();
        for reference in references {
            self.use_name(
                NameKind::Component,
                reference.value.clone(),
                bytes(reference),
            );
        }
        if let Some(dead_letter) = raw.dead_letter.as_deref()
            && let Scalar::Text(target) = &dead_letter.value
        {
            self.use_name(NameKind::Component, target.clone(), bytes(dead_letter));
        }
        for zone in raw.zones.iter().flat_map(|z| &z.value) {
            self.use_name(NameKind::Zone, zone.value.clone(), bytes(zone));
        }
    }

    fn add_call(&mut self, call: &RawCall) {
        if let Some(to) = call.to.as_deref() {
            self.use_name(NameKind::Component, to.value.clone(), bytes(to));
        }
        if let Some(names) = call.for_operations.as_deref() {
            // `for: send` gives its one name no place: the value's is its.
            let outer = bytes(names);
            for name in &names.value.0 {
                let place = match name.referenced.line() {
                    0 => outer.clone(),
                    _ => bytes(name),
                };
                self.use_name(NameKind::Operation, name.value.clone(), place);
            }
        }
        if let Some(name) = call.as_operation.as_deref() {
            self.use_name(NameKind::Operation, name.value.clone(), bytes(name));
        }
    }

    fn use_name(&mut self, kind: NameKind, name: String, bytes: Range<usize>) {
        self.occurrences.push(Occurrence {
            kind,
            name,
            bytes,
            definition: false,
        });
    }

    /// The name at byte `offset` (or just after it, so a cursor at the end
    /// of a name counts).
    pub fn at(&self, offset: usize) -> Option<&Occurrence> {
        self.occurrences
            .iter()
            .find(|o| o.bytes.start <= offset && offset <= o.bytes.end)
    }

    /// Where `name` is declared: its first definition.
    pub fn definition(&self, kind: NameKind, name: &str) -> Option<&Occurrence> {
        self.occurrences
            .iter()
            .find(|o| o.definition && o.kind == kind && o.name == name)
    }

    /// Every appearance of `name`, in file order.
    pub fn occurrences_of<'a>(
        &'a self,
        kind: NameKind,
        name: &'a str,
    ) -> impl Iterator<Item = &'a Occurrence> + 'a {
        self.occurrences
            .iter()
            .filter(move |o| o.kind == kind && o.name == name)
    }

    pub fn component(&self, name: &str) -> Option<&ComponentEntry> {
        self.components.iter().find(|c| c.name == name)
    }

    /// The names of every component, in file order.
    pub fn component_names(&self) -> impl Iterator<Item = &str> {
        self.components.iter().map(|c| c.name.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DESIGN: &str = "version: 1\nname: é shop\nzones: [az1, az2]\noperations:\n  buy: { client: web, share: 0.5 }\n  browse: { share: 0.5 }\n  notify: {}\ncomponents:\n  web:\n    kind: client\n    calls: [{ to: api }]\n  api:\n    kind: service\n    zones: [az1]\n    calls:\n      - to: cache\n      - { to: jobs, mode: async, for: [buy, browse] }\n      - { to: web, for: buy, as: notify }\n    allow:\n      - rule: BP101\n        reason: fine\n  cache: { kind: cache, backing: api }\n  jobs:\n    kind: queue\n    consumer: api\n    dead_letter: api\n";

    fn text_of(range: &Range<usize>) -> &'static str {
        &DESIGN[range.clone()]
    }

    #[test]
    fn every_name_and_where_it_appears() {
        let index = Index::read(DESIGN).unwrap();
        let api: Vec<(&str, bool)> = index
            .occurrences_of(NameKind::Component, "api")
            .map(|o| (text_of(&o.bytes), o.definition))
            .collect();
        assert_eq!(
            api,
            [
                ("api", false),
                ("api", true),
                ("api", false),
                ("api", false),
                ("api", false)
            ]
        );
        let definition = index.definition(NameKind::Component, "api").unwrap();
        assert_eq!(DESIGN[..definition.bytes.start].lines().count(), 12);
        let buy: Vec<(&str, bool)> = index
            .occurrences_of(NameKind::Operation, "buy")
            .map(|o| (text_of(&o.bytes), o.definition))
            .collect();
        assert_eq!(buy, [("buy", true), ("buy", false), ("buy", false)]);
        let notify: Vec<&str> = index
            .occurrences_of(NameKind::Operation, "notify")
            .map(|o| text_of(&o.bytes))
            .collect();
        assert_eq!(notify, ["notify", "notify"]);
        assert_eq!(index.occurrences_of(NameKind::Component, "web").count(), 3);
        let names: Vec<&str> = index.operations.iter().map(|o| o.name.as_str()).collect();
        assert_eq!(names, ["buy", "browse", "notify"]);
        assert_eq!(index.zones, ["az1", "az2"]);
        assert_eq!(index.occurrences_of(NameKind::Zone, "az1").count(), 2);
        let cache = index.component("cache").unwrap();
        assert_eq!(&DESIGN[cache.value_start..cache.value_start + 1], "{");
        assert_eq!(cache.kind.as_deref(), Some("cache"));
        let api = index.component("api").unwrap();
        let allow = api.allow.as_ref().unwrap();
        assert_eq!(allow.len(), 1);
        assert!(DESIGN[allow[0]..].starts_with("rule: BP101"));
        assert_eq!(cache.allow, None);
        let at = index.at(DESIGN.find("to: cache").unwrap() + 6).unwrap();
        assert_eq!((at.name.as_str(), at.definition), ("cache", false));
    }

    #[test]
    fn no_index_when_the_text_does_not_read() {
        assert!(Index::read("components:\n  api:\n    kind service\n  [").is_none());
    }
}
