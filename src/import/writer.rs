//! A [`Starter`] as design YAML text with comments. Names are already in
//! the format's alphabet and are written plain unless YAML would read them
//! as something other than a string; every other text from the input is a
//! double-quoted scalar or a comment with its control characters escaped,
//! so no manifest can add a key, end a comment or move the terminal.

use std::fmt::Write;

use super::{Call, Component, Format, Replicas, Starter};
use crate::design::Kind;

/// The design text.
pub(crate) fn write(starter: &Starter) -> String {
    let mut out = String::new();
    let (source_word, name_no_zones) = match starter.format {
        Format::Kubernetes => ("manifests", "the manifests name no zones"),
        Format::Compose => ("Compose file", "the Compose file names no zones"),
    };
    let _ = writeln!(
        out,
        "# A starter design imported by `{}` from {}.",
        starter.format.command(),
        comment(&starter.read)
    );
    let _ = writeln!(
        out,
        "# What the {source_word} cannot say is left as `# TODO` lines: fill them in and"
    );
    out.push_str("# run `blueprint check` on this file, which lists what is still missing.\n");
    if !starter.notes.is_empty() {
        out.push_str("#\n");
        for note in &starter.notes {
            let _ = writeln!(out, "# {}", comment(note));
        }
    }
    out.push_str("version: 1\n");
    let _ = writeln!(out, "name: {}", quoted(&starter.title));
    let _ = writeln!(out, "description: {}", quoted(&starter.description));
    out.push('\n');
    out.push_str(
        "# TODO requirements: the load and the targets the system must meet, e.g.\n\
         #   requirements:\n\
         #     peak_rps: 1000/s\n\
         #     latency_slo: { p99: 300ms }\n\
         #     availability_slo: 99.9%\n\
         # TODO operations: the kinds of request the system serves, each with its share\n\
         #   of the load and its own targets (the design format's `operations`).\n\n",
    );
    if starter.zones_named {
        let _ = writeln!(out, "# The zones the {source_word} hold replicas to.");
    } else {
        let _ = writeln!(out, "# TODO zones: {name_no_zones}; these stand for yours.");
    }
    let _ = writeln!(out, "zones: {}", flow_list(&starter.zones));
    out.push_str("\ncomponents:\n");
    for (index, component) in starter.components.iter().enumerate() {
        if index > 0 {
            out.push('\n');
        }
        write_component(&mut out, component);
    }
    out
}

fn write_component(out: &mut String, component: &Component) {
    let _ = writeln!(out, "  {}:", name(&component.name));
    let mut origin = component.origin.clone();
    if let Some(image) = &component.image {
        let _ = write!(origin, ", image `{image}`");
    }
    let _ = writeln!(out, "    # {}", comment(&origin));
    if let Some(original) = &component.renamed_from {
        let _ = writeln!(out, "    # named `{}` in the input", comment(original));
    }
    let _ = writeln!(out, "    kind: {}", component.kind);
    if let Some(engine) = component.engine {
        let _ = writeln!(out, "    engine: {engine}");
    }
    // Clients and third parties have no replicas or zones of the design's.
    if !matches!(component.kind, Kind::Client | Kind::External) {
        match &component.replicas {
            Replicas::Given(count) => {
                let _ = writeln!(out, "    replicas: {count}");
            }
            Replicas::Unset => {
                out.push_str("    replicas: 1   # not given: the default\n");
            }
            Replicas::Unknown(why) => {
                let _ = writeln!(out, "    # TODO replicas: {}", comment(why));
            }
        }
        for note in &component.replica_notes {
            let _ = writeln!(out, "    # {}", comment(note));
        }
        if let Some((zones, why)) = &component.zones {
            let _ = writeln!(out, "    zones: {}   # {}", flow_list(zones), comment(why));
        }
    }
    for note in &component.notes {
        let _ = writeln!(out, "    # {}", comment(note));
    }
    for todo in todos(component) {
        let _ = writeln!(out, "    # TODO {todo}");
    }
    if !component.calls.is_empty() {
        out.push_str("    calls:\n");
        for call in &component.calls {
            let _ = writeln!(out, "      - to: {}   # {}", name(&call.to), evidence(call));
        }
    }
    for call in &component.left_out {
        let _ = writeln!(
            out,
            "    # TODO left out `- to: {}` ({}): it would close a cycle of calls; decide which way requests flow",
            call.to,
            evidence(call)
        );
    }
    if !component.calls.is_empty() && component.kind != Kind::Client {
        out.push_str(
            "    # TODO calls: a `timeout` on each (and `retries` with `backoff` where a retry is safe)\n",
        );
    }
}

/// What the input cannot say about a component of this kind.
fn todos(component: &Component) -> Vec<String> {
    let mut todos = Vec::new();
    match component.kind {
        Kind::Client => return todos,
        Kind::External => {
            todos.push("latency: the provider's mean response time, e.g. `latency: 80ms`".into());
            todos.push("availability: the provider's promise, e.g. `availability: 99.95%`".into());
            return todos;
        }
        _ => {}
    }
    todos.push("capacity: the requests/s one replica sustains, e.g. `capacity: 1k/s`".into());
    todos
        .push("latency: the mean time one replica spends on a request, e.g. `latency: 5ms`".into());
    match component.kind {
        Kind::Cache => todos.push("hit_ratio, backing (the store behind it), eviction, ttl".into()),
        Kind::Database => todos
            .push("replication: { factor, mode }, consistency, partition_mode, sharding".into()),
        Kind::Queue => {
            let named_by = if component.referenced_by.is_empty() {
                String::new()
            } else {
                format!(" (named by {})", component.referenced_by.join(", "))
            };
            todos.push(format!(
                "consumer: the worker that reads it{named_by}; partitions, dead_letter, delivery"
            ));
        }
        Kind::LoadBalancer | Kind::Gateway => todos.push("health_check, tls, rate_limit".into()),
        Kind::Search | Kind::ObjectStore => todos.push("consistency, partition_mode".into()),
        _ => {}
    }
    todos
}

fn evidence(call: &Call) -> String {
    comment(&call.evidence.join("; "))
}

/// A component or zone name (already in `[a-z0-9_-]+`): plain when YAML
/// reads it as that string, double-quoted when it would read a number, a
/// boolean, null or a list item.
pub(crate) fn name(text: &str) -> String {
    const WORDS: [&str; 9] = ["null", "true", "false", "yes", "no", "on", "off", "y", "n"];
    let plain = text.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
        && !WORDS.contains(&text);
    if plain {
        text.to_string()
    } else {
        quoted(text)
    }
}

fn flow_list(names: &[String]) -> String {
    let names: Vec<String> = names.iter().map(|n| name(n)).collect();
    format!("[{}]", names.join(", "))
}

/// A YAML double-quoted scalar that reads back as `text`.
pub(crate) fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if needs_escape(c) => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Text for a comment: one line, control and invisible characters
/// written as `\u{..}`.
pub(crate) fn comment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if needs_escape(c) || c == '\n' || c == '\t' {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    out
}

/// Characters that end a line for some reader, move a terminal's cursor,
/// or reorder text (bidirectional controls), and byte-order marks.
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{200e}' | '\u{200f}' | '\u{061c}'
        )
        || ('\u{202a}'..='\u{202e}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_text_reads_back_as_written() {
        let samples = [
            "plain",
            "a \"quoted\" \\ back\\slash",
            "line\nbreak\r\u{85}\u{2028}\u{2029}",
            "\u{1b}[31mred\u{7}",
            "\u{202e}reversed\u{feff}",
            "# not a comment: {[&*!|>%@`]}",
            "ünïcödé 中文",
            "",
        ];
        for sample in samples {
            let yaml = format!("value: {}\n", quoted(sample));
            let read: std::collections::BTreeMap<String, String> =
                serde_saphyr::from_str(&yaml).unwrap();
            assert_eq!(read["value"], sample, "{yaml}");
        }
    }

    #[test]
    fn names_read_back_as_strings() {
        for sample in [
            "api", "null", "yes", "n", "123", "1e3", "0x1f", "-api", "_x", "a-b_c",
        ] {
            let yaml = format!("{}: {}\n", name(sample), name(sample));
            let read: std::collections::BTreeMap<String, String> =
                serde_saphyr::from_str(&yaml).unwrap();
            assert_eq!(read.get(sample).map(String::as_str), Some(sample), "{yaml}");
        }
    }

    #[test]
    fn comments_stay_on_one_line() {
        let text = comment("a\nb\r\u{85}c\u{2028}\u{1b}[2J");
        assert!(!text.contains(['\n', '\r', '\u{85}', '\u{2028}', '\u{1b}']));
        assert_eq!(text, "a\\u{a}b\\u{d}\\u{85}c\\u{2028}\\u{1b}[2J");
    }
}
