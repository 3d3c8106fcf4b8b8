//! Completion: the keys the format allows where the cursor is (only those
//! a component of its kind takes, less those already given), keyword
//! values, component names where a component is named (clients for an
//! operation's `client`), operation names in a call's `for` and `as`, zone
//! names in a component's `zones`, and rule codes and names in `allow:`
//! entries.

use lsp_types::{CompletionItem, CompletionItemKind, CompletionTextEdit, TextEdit};

use super::View;
use super::context::{self, Place, Step};
use super::vocabulary;
use crate::design::Kind;
use crate::design::lower::kind_accepts;
use crate::rules;

/// The completions at byte `offset`.
pub fn complete(view: &View, offset: usize) -> Vec<CompletionItem> {
    let text = &view.document.text;
    let context = context::at(text, offset);
    let candidates = match &context.place {
        Place::Key => keys_or_items(view, &context),
        Place::Value { key } => values(view, &context.path, key),
    };
    // After `key:` with no space yet, a value needs one before it.
    let spaced =
        matches!(context.place, Place::Value { .. }) && text[..context.word.start].ends_with(':');
    let range = view.document.range(context.word.clone(), view.encoding);
    candidates
        .into_iter()
        .enumerate()
        .map(|(order, candidate)| {
            let insert = match spaced {
                true => format!(" {}", candidate.insert),
                false => candidate.insert,
            };
            CompletionItem {
                label: candidate.label.clone(),
                kind: Some(candidate.kind),
                detail: candidate.detail,
                sort_text: Some(format!("{order:05}")),
                filter_text: Some(candidate.label),
                text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(range, insert))),
                ..CompletionItem::default()
            }
        })
        .collect()
}

struct Candidate {
    label: String,
    insert: String,
    kind: CompletionItemKind,
    detail: Option<String>,
}

impl Candidate {
    fn value(label: &str, kind: CompletionItemKind, detail: Option<String>) -> Candidate {
        Candidate {
            label: label.to_string(),
            insert: label.to_string(),
            kind,
            detail,
        }
    }
}

/// The keys of the mapping the cursor is in; or, in a list of scalars
/// (`zones:` then `- `), the values of the list's key.
fn keys_or_items(view: &View, context: &context::Context) -> Vec<Candidate> {
    let Some(node) = vocabulary::node(&context.path) else {
        return Vec::new();
    };
    let keys = vocabulary::keys(node);
    if keys.is_empty() {
        return match context.path.split_last() {
            Some((Step::Item, parent)) => match parent.split_last() {
                Some((Step::Key(key), path)) => values(view, path, key),
                _ => Vec::new(),
            },
            _ => Vec::new(),
        };
    }
    let kind = component_kind(view, context);
    // Editing the name of a key that already has its colon: the name alone.
    let has_colon = view.document.text[context.word.end..].starts_with(':');
    keys.into_iter()
        .filter(|(key, _)| !context.siblings.iter().any(|(given, _)| given == key))
        .filter(|(key, _)| kind.is_none_or(|kind| kind_accepts(kind, key)))
        .map(|(key, value)| Candidate {
            label: key.to_string(),
            insert: match (has_colon, vocabulary::is_collection(value)) {
                (true, _) => key.to_string(),
                (false, true) => format!("{key}:"),
                (false, false) => format!("{key}: "),
            },
            kind: CompletionItemKind::PROPERTY,
            detail: vocabulary::describe(value),
        })
        .collect()
}

/// The kind of the component whose keys the cursor writes, when it is one:
/// its `kind:` as written beside the cursor, or as last read.
fn component_kind(view: &View, context: &context::Context) -> Option<Kind> {
    let [Step::Key(top), Step::Key(name)] = &context.path[..] else {
        return None;
    };
    if top != "components" {
        return None;
    }
    let written = context
        .siblings
        .iter()
        .find(|(key, _)| key == "kind")
        .map(|(_, value)| value.clone());
    let read = || {
        view.names
            .and_then(|index| index.component(name))
            .and_then(|c| c.kind.clone())
    };
    Kind::from_name(&written.or_else(read)?)
}

/// The values of `key` in the mapping at `path`.
fn values(view: &View, path: &[Step], key: &str) -> Vec<Candidate> {
    let mut full = path.to_vec();
    full.push(Step::Key(key.to_string()));
    let Some(node) = vocabulary::node(&full) else {
        return Vec::new();
    };
    let mut candidates = Vec::new();
    let names = view.names;
    let in_calls = path.contains(&Step::Key("calls".to_string()));
    if vocabulary::names_component(node) {
        // An operation enters at a client.
        let clients_only = key == "client";
        candidates.extend(names.into_iter().flat_map(|index| {
            index
                .components
                .iter()
                .filter(move |c| !clients_only || c.kind.as_deref() == Some("client"))
                .map(|c| Candidate::value(&c.name, CompletionItemKind::REFERENCE, c.kind.clone()))
        }));
    }
    if in_calls && (key == "for" || key == "as") {
        candidates.extend(names.into_iter().flat_map(|index| {
            index
                .operations
                .iter()
                .map(|o| Candidate::value(&o.name, CompletionItemKind::EVENT, None))
        }));
    }
    if key == "zones" && !path.is_empty() {
        candidates.extend(names.into_iter().flat_map(|index| {
            index
                .zones
                .iter()
                .map(|zone| Candidate::value(zone, CompletionItemKind::ENUM_MEMBER, None))
        }));
    }
    if key == "rule" && path.contains(&Step::Key("allow".to_string())) {
        for rule in rules::RULES {
            candidates.push(Candidate::value(
                rule.code.code,
                CompletionItemKind::CONSTANT,
                Some(format!("{}: {}", rule.code.name, rule.code.summary)),
            ));
            candidates.push(Candidate::value(
                rule.code.name,
                CompletionItemKind::CONSTANT,
                Some(format!("{}: {}", rule.code.code, rule.code.summary)),
            ));
        }
    }
    candidates.extend(
        vocabulary::keywords(node)
            .into_iter()
            .map(|word| Candidate::value(word, CompletionItemKind::ENUM_MEMBER, None)),
    );
    candidates
}
