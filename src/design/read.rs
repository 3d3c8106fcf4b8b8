//! Bytes to [`RawDesign`]: the only place that talks to the YAML reader. It
//! enforces the fixed limits that keep hostile files harmless and turns the
//! reader's errors into BP001, BP002, BP003 and BP008 diagnostics.

use std::collections::HashMap;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{Budget, DuplicateKeyPolicy, Error, Options, Spanned};

use super::errors::{DUPLICATE_KEY, INVALID_VALUE, INVALID_YAML, UNKNOWN_FIELD};
use super::raw::RawDesign;
use crate::diagnostic::{Diagnostic, Span};
use crate::suggest::{did_you_mean, one_of};

/// The largest design file read: room for a design of 10,000 components
/// (about 3 MB) several times over.
pub const MAX_FILE_BYTES: usize = 16 * 1024 * 1024;
/// The deepest nesting of mappings and lists; a design needs about 7.
pub const MAX_DEPTH: usize = 32;
/// YAML nodes in one file: a 10,000-component design has about 400,000.
pub const MAX_NODES: usize = 4_000_000;
/// Events replayed from aliases: bounds "billion laughs" expansion.
pub const MAX_ALIAS_EVENTS: usize = 50_000;
/// Documents in one stream of manifests (`import`); a design is one.
pub const MAX_DOCUMENTS: usize = 100_000;

fn options(duplicate_keys: DuplicateKeyPolicy) -> Options {
    let mut budget = Budget::default();
    budget.max_depth = MAX_DEPTH;
    budget.max_nodes = MAX_NODES;
    budget.max_events = 4 * MAX_NODES;
    budget.max_reader_input_bytes = Some(MAX_FILE_BYTES);
    budget.max_documents = MAX_DOCUMENTS;
    let mut options = Options::default();
    options.budget = Some(budget);
    options.duplicate_keys = duplicate_keys;
    options.alias_limits.max_total_replayed_events = MAX_ALIAS_EVENTS;
    options
}

/// Checks the bytes of a design file and decodes them as UTF-8 text.
pub fn decode(bytes: &[u8]) -> Result<&str, Vec<Diagnostic>> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(vec![
            INVALID_YAML
                .diagnostic(format!(
                    "the file is larger than the limit of {MAX_FILE_BYTES} bytes (16 MiB)"
                ))
                .help("split the design, or check that this is the file you meant"),
        ]);
    }
    std::str::from_utf8(bytes).map_err(|error| {
        let offset = error.valid_up_to();
        let valid = std::str::from_utf8(&bytes[..offset]).unwrap_or_default();
        vec![
            INVALID_YAML
                .diagnostic(format!(
                    "the file is not UTF-8 (invalid byte at offset {offset})"
                ))
                .at(Span::at_offset(valid, offset))
                .help("save the design as UTF-8 text"),
        ]
    })
}

/// Reader errors reported from one file at most; each costs a parse.
pub const MAX_READER_ERRORS: usize = 20;
/// Bytes read again in all while going on past errors: a large file gets
/// fewer passes, so the work stays within a few parses of the limit.
const MAX_REREAD_BYTES: usize = 4 * MAX_FILE_BYTES;

/// Parses design text into the raw format, or every error the reader finds
/// (up to [`MAX_READER_ERRORS`]).
pub fn parse(source: &str) -> Result<RawDesign, Vec<Diagnostic>> {
    match parse_recovering(source) {
        (Some(raw), errors) if errors.is_empty() => Ok(raw),
        (_, errors) => Err(errors),
    }
}

/// Parses design text, going on past unknown fields and repeated keys: each is reported, its entry blanked out (with spaces, so
/// every later line and column stays where it was) and the text read
/// again. Returns the errors and, when the blanked text reads, its raw
/// design, so later stages can report their own errors in the same run.
pub fn parse_recovering(source: &str) -> (Option<RawDesign>, Vec<Diagnostic>) {
    if source.trim().is_empty() || only_comments(source) {
        let empty = INVALID_YAML
            .diagnostic("the file is empty")
            .help("a design starts with `version: 1`, a `name` and `components`");
        return (None, vec![empty]);
    }
    let mut text = std::borrow::Cow::Borrowed(source);
    let mut errors: Vec<Diagnostic> = Vec::new();
    loop {
        let error = match serde_saphyr::from_str_with_options::<RawDesign>(
            &text,
            options(DuplicateKeyPolicy::Error),
        ) {
            Ok(raw) => return (Some(raw), errors),
            Err(error) => error,
        };
        let diagnostic = diagnose(source, &error);
        // Blanking an entry can leave a required one missing or a list
        // item empty: after the first error, such a one is a consequence.
        let consequence = !errors.is_empty()
            && (diagnostic.message.contains("missing field")
                || diagnostic.message.contains("found null")
                || diagnostic.message.contains("found unit"));
        if consequence {
            return (None, errors);
        }
        // Blanking an unknown or repeated key leaves what the file meant;
        // blanking a value of the wrong shape would leave it missing.
        let blank = diagnostic
            .span
            .filter(|_| [UNKNOWN_FIELD.code, DUPLICATE_KEY.code].contains(&diagnostic.code));
        let repeated = errors.iter().any(|e| e.span == diagnostic.span);
        if !repeated {
            errors.push(diagnostic);
        }
        let Some(span) = blank else {
            return (None, errors);
        };
        if repeated
            || errors.len() >= MAX_READER_ERRORS
            || errors.len() * source.len() > MAX_REREAD_BYTES
        {
            return (None, errors);
        }
        let Some(range) = entry_at(&text, span.start()) else {
            return (None, errors);
        };
        let mut owned = text.into_owned();
        blank_out(&mut owned, range);
        text = std::borrow::Cow::Owned(owned);
    }
}

/// Replaces the bytes of `range` with spaces, keeping line breaks.
fn blank_out(text: &mut String, range: std::ops::Range<usize>) {
    let blanked: String = text[range.clone()]
        .chars()
        .map(|c| if c == '\n' || c == '\r' { c } else { ' ' })
        .collect();
    // Multi-byte characters become one space each: pad to keep offsets.
    let pad = range.len() - blanked.len();
    text.replace_range(range, &format!("{blanked}{}", " ".repeat(pad)));
}

/// The text of the mapping entry (key and value) that starts at `at`: in a flow collection up to the next `,` or closing bracket at
/// its level (the comma included), in a block up to the next line indented
/// no deeper than `at`'s column.
fn entry_at(text: &str, at: usize) -> Option<std::ops::Range<usize>> {
    if at >= text.len() || !text.is_char_boundary(at) {
        return None;
    }
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    if in_flow(&text[..at]) {
        let mut depth = 0usize;
        let mut quote = None;
        for (offset, c) in text[at..].char_indices() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => quote = Some(c),
                (None, '{' | '[') => depth += 1,
                (None, '}' | ']') if depth == 0 => return Some(at..at + offset),
                (None, '}' | ']') => depth -= 1,
                (None, ',') if depth == 0 => return Some(at..at + offset + 1),
                _ => {}
            }
        }
        return None;
    }
    let column = text[line_start..at].chars().count();
    let mut end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    while end < text.len() {
        let next_start = end + 1;
        let next_end = text[next_start..]
            .find('\n')
            .map_or(text.len(), |i| next_start + i);
        let line = &text[next_start..next_end];
        let content = line.trim_start_matches(' ');
        let indent = line.len() - content.len();
        if !content.is_empty() && !content.starts_with('#') && indent <= column {
            break;
        }
        end = next_end;
    }
    Some(at..end)
}

/// Whether the end of `before` is inside a flow collection (`{...}` or
/// `[...]`): an opening bracket not closed after it.
fn in_flow(before: &str) -> bool {
    let mut depth = 0usize;
    for c in before.chars().rev() {
        match c {
            '}' | ']' => depth += 1,
            '{' | '[' if depth == 0 => return true,
            '{' | '[' => depth -= 1,
            _ => {}
        }
    }
    false
}

/// Parses a stream of YAML documents (separated by `---`, as Kubernetes
/// manifests are) into one value each, under the same limits as a design:
/// `blueprint import` reads other tools' files through this, so a hostile
/// manifest meets the limits a hostile design does. Empty documents are
/// skipped.
pub fn parse_documents<T: serde::de::DeserializeOwned>(
    source: &str,
) -> Result<Vec<T>, Vec<Diagnostic>> {
    serde_saphyr::from_multiple_with_options::<T>(source, options(DuplicateKeyPolicy::Error))
        .map_err(|error| vec![diagnose(source, &error)])
}

fn only_comments(source: &str) -> bool {
    source
        .lines()
        .map(str::trim)
        .all(|line| line.is_empty() || line.starts_with('#') || line == "---" || line == "...")
}

/// The reader's message without its trailing ` at line L, column C`.
fn bare_message(error: &Error) -> String {
    let text = error.without_snippet().to_string();
    match text.rfind(" at line ") {
        Some(index) => text[..index].to_string(),
        None => text,
    }
}

fn diagnose(source: &str, error: &Error) -> Diagnostic {
    let error = error.without_snippet();
    if let Error::AliasError { error: inner, .. } = error {
        return diagnose(source, inner);
    }
    let span = error
        .location()
        .filter(|l| l.line() > 0)
        .map(|location| located(source, &location));
    let diagnostic = match error {
        Error::SerdeUnknownField {
            field, expected, ..
        } => unknown_field(field, expected),
        Error::DuplicateMappingKey { key, .. } => {
            let key = key.clone().unwrap_or_default();
            let mut diagnostic = DUPLICATE_KEY
                .diagnostic(format!("`{key}` is given twice in the same mapping"))
                .label("given again here")
                .help("rename one of them, or merge the two entries");
            if let Some(first) = span.and_then(|second| first_duplicate(source, second)) {
                diagnostic = diagnostic.related(first, "first given here");
            }
            diagnostic
        }
        Error::Budget { breach, .. } => INVALID_YAML
            .diagnostic(format!(
                "the file exceeds the reader's limits: {}",
                describe_breach(breach)
            ))
            .help(format!(
                "a design nests at most {MAX_DEPTH} levels, has at most {MAX_NODES} YAML nodes and \
                 expands aliases to at most {MAX_ALIAS_EVENTS} events"
            )),
        Error::AliasReplayLimitExceeded { .. }
        | Error::AliasExpansionLimitExceeded { .. }
        | Error::AliasReplayStackDepthExceeded { .. }
        | Error::AliasReplayCounterOverflow { .. } => INVALID_YAML
            .diagnostic(format!(
                "aliases expand beyond the limit of {MAX_ALIAS_EVENTS} events ({})",
                bare_message(error)
            ))
            .help("write the repeated parts out, or use fewer nested aliases"),
        Error::SerdeInvalidType {
            unexpected,
            expected,
            ..
        } => {
            if span.is_some_and(|s| s.line == 1 && s.column == 1) && !source.contains(':') {
                not_a_mapping()
            } else {
                INVALID_VALUE
                    .diagnostic(format!("expected {expected}, found {unexpected}"))
                    .label(format!("expected {expected}"))
            }
        }
        Error::SerdeInvalidValue {
            unexpected,
            expected,
            ..
        } => INVALID_VALUE
            .diagnostic(format!("expected {expected}, found {unexpected}"))
            .label(format!("expected {expected}")),
        Error::InvalidBooleanStrict { .. } | Error::InvalidScalar { .. } => INVALID_VALUE
            .diagnostic(bare_message(error))
            .help("booleans are `true` or `false`"),
        Error::Unexpected { .. } if top_level_is_not_a_mapping(source) => not_a_mapping(),
        Error::Unexpected { expected, .. } => {
            let wanted = match *expected {
                "string scalar" => "a string",
                "sequence start" => "a list",
                "mapping start" => "a mapping",
                other => other,
            };
            INVALID_VALUE
                .diagnostic(format!("expected {wanted} here"))
                .label(format!("expected {wanted}"))
        }
        Error::InvalidUtf8Input => INVALID_YAML.diagnostic("the file is not UTF-8"),
        Error::MultipleDocuments { .. } => INVALID_YAML
            .diagnostic("the file holds more than one YAML document")
            .help("keep one design per file, without `---` separators between designs"),
        Error::Eof { .. } => INVALID_YAML
            .diagnostic("the file ends before the design does")
            .help("a design starts with `version: 1`, a `name` and `components`"),
        _ => INVALID_YAML
            .diagnostic(format!("not valid YAML: {}", bare_message(error)))
            .help("check the brackets, quotes and indentation at the marked place"),
    };
    match span {
        Some(span) => diagnostic.at(span),
        None => diagnostic,
    }
}

fn describe_breach(breach: &serde_saphyr::budget::BudgetBreach) -> String {
    use serde_saphyr::budget::BudgetBreach;
    match breach {
        BudgetBreach::Depth { .. } => format!("nesting deeper than {MAX_DEPTH} levels"),
        BudgetBreach::Nodes { .. } => format!("more than {MAX_NODES} YAML nodes"),
        BudgetBreach::Documents { .. } => format!("more than {MAX_DOCUMENTS} documents"),
        BudgetBreach::Events { .. } => format!("more than {} YAML events", 4 * MAX_NODES),
        BudgetBreach::Aliases { .. } | BudgetBreach::AliasAnchorRatio { .. } => {
            "too many aliases".to_string()
        }
        other => format!("{other:?}"),
    }
}

fn not_a_mapping() -> Diagnostic {
    INVALID_YAML
        .diagnostic("the top of the file is not a mapping")
        .help("a design is a mapping: `version: 1`, `name: ...`, `components: ...`")
}

/// True when the first node of the document is a list or a scalar.
fn top_level_is_not_a_mapping(source: &str) -> bool {
    source
        .lines()
        .map(str::trim_start)
        .find(|line| {
            !line.is_empty()
                && !line.starts_with('#')
                && !line.starts_with("---")
                && !line.starts_with('%')
        })
        .is_some_and(|line| line.starts_with('-') || line.starts_with('[') || !line.contains(':'))
}

fn unknown_field(field: &str, expected: &[&'static str]) -> Diagnostic {
    let diagnostic = UNKNOWN_FIELD
        .diagnostic(format!("unknown field `{field}`"))
        .label("not a field of the design format here");
    match did_you_mean(field, expected.iter().copied()) {
        Some(suggestion) => diagnostic.help(format!("did you mean `{suggestion}`?")),
        None => diagnostic.help(format!("expected one of {}", one_of(expected))),
    }
}

/// The span of a reader location; a key spans its text.
fn located(source: &str, location: &serde_saphyr::Location) -> Span {
    let span = Span::from_location(location);
    if span.end() > span.start() && span.end() <= source.len() {
        span
    } else {
        Span::at(source, span.line, span.column)
    }
}

/// Where the key that is repeated at `second` was first given: a second pass
/// that lets duplicates through and remembers the keys of every mapping.
/// It runs only when a file has a duplicate key.
fn first_duplicate(source: &str, second: Span) -> Option<Span> {
    let mut found = None;
    let _ = serde_saphyr::from_str_with_options::<KeyWalk>(
        source,
        options(DuplicateKeyPolicy::PassThrough),
    )
    .map(|walk| found = walk.0);
    found
        .filter(|(_, again): &(Span, Span)| {
            again.line == second.line && again.column == second.column
        })
        .map(|(first, _)| first)
}

/// The first repeated key of a document: (first place, second place).
struct KeyWalk(Option<(Span, Span)>);

impl<'de> Deserialize<'de> for KeyWalk {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut found = None;
        Walk(&mut found).deserialize(deserializer)?;
        Ok(KeyWalk(found))
    }
}

struct Walk<'a>(&'a mut Option<(Span, Span)>);

/// Any scalar key, as text.
struct KeyText(String);

impl<'de> Deserialize<'de> for KeyText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = KeyText;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a scalar key")
            }
            fn visit_str<E: de::Error>(self, value: &str) -> Result<KeyText, E> {
                Ok(KeyText(value.to_string()))
            }
            fn visit_i64<E: de::Error>(self, value: i64) -> Result<KeyText, E> {
                Ok(KeyText(value.to_string()))
            }
            fn visit_u64<E: de::Error>(self, value: u64) -> Result<KeyText, E> {
                Ok(KeyText(value.to_string()))
            }
            fn visit_f64<E: de::Error>(self, value: f64) -> Result<KeyText, E> {
                Ok(KeyText(value.to_string()))
            }
            fn visit_bool<E: de::Error>(self, value: bool) -> Result<KeyText, E> {
                Ok(KeyText(value.to_string()))
            }
            fn visit_unit<E: de::Error>(self) -> Result<KeyText, E> {
                Ok(KeyText(String::new()))
            }
        }
        deserializer.deserialize_any(KeyVisitor)
    }
}

impl<'de> DeserializeSeed<'de> for Walk<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Walk<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen: HashMap<String, Span> = HashMap::new();
        while let Some(key) = map.next_key::<Spanned<KeyText>>()? {
            let span = Span::from_location(&key.referenced);
            if self.0.is_none() {
                match seen.get(&key.value.0) {
                    Some(first) => *self.0 = Some((*first, span)),
                    None => {
                        seen.insert(key.value.0, span);
                    }
                }
            }
            map.next_value_seed(Walk(&mut *self.0))?;
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(Walk(&mut *self.0))?.is_some() {}
        Ok(())
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}
