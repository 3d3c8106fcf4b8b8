//! Edits of a design's text at the places the reader gave, so that every
//! other byte (comments, layout, quoting, key order) stays as written:
//! `blueprint size --write`.

use super::model::{ComponentId, Design};

/// `source` with the `replicas` of the components in `counts` set: each
/// value written over at its span, or `replicas: N` added after the
/// component's `kind` where the design left it out (on a line of its own in
/// a block mapping, after the value in a flow mapping `{ kind: service }`).
/// `design` must be the design read from `source`.
pub fn set_replicas(source: &str, design: &Design, counts: &[(ComponentId, u32)]) -> String {
    // (start, end, text): replaced ranges, or insertions where start == end.
    let mut edits: Vec<(usize, usize, String)> = counts
        .iter()
        .map(|&(id, count)| {
            let component = &design.components[id];
            match &component.replicas {
                Some(replicas) => (
                    replicas.span.start(),
                    replicas.span.end(),
                    count.to_string(),
                ),
                None => insertion(
                    source,
                    component.kind.span.start(),
                    component.kind.span.end(),
                    count,
                ),
            }
        })
        .collect();
    edits.sort_by_key(|&(start, end, _)| (start, end));
    let mut text = String::with_capacity(source.len() + 16 * edits.len());
    let mut at = 0;
    for (start, end, replacement) in edits {
        text.push_str(&source[at..start]);
        text.push_str(&replacement);
        at = end;
    }
    text.push_str(&source[at..]);
    text
}

/// Where and what to insert for `replicas: count` after the `kind` value
/// at `start..end`.
fn insertion(source: &str, start: usize, end: usize, count: u32) -> (usize, usize, String) {
    let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
    let before = source[line_start..start].trim_end();
    let key = before.strip_suffix(':').unwrap_or(before).trim_end();
    let key = key
        .strip_suffix("kind")
        .or_else(|| key.strip_suffix("\"kind\""))
        .or_else(|| key.strip_suffix("'kind'"));
    let block = key.is_some_and(|rest| {
        let rest = rest.trim();
        rest.is_empty() || rest == "-"
    });
    if block {
        let indent: String = source[line_start..]
            .chars()
            .take_while(|c| *c == ' ' || *c == '-')
            .map(|_| ' ')
            .collect();
        let line_end = source[end..].find('\n').map_or(source.len(), |i| end + i);
        // A line ending in `\r\n` keeps its `\r` before the new line.
        let line_end = if source[..line_end].ends_with('\r') {
            line_end - 1
        } else {
            line_end
        };
        let newline = if line_end < source.len() && source[line_end..].starts_with('\r') {
            "\r\n"
        } else {
            "\n"
        };
        (
            line_end,
            line_end,
            format!("{newline}{indent}replicas: {count}"),
        )
    } else {
        let after_quote = match source[end..].chars().next() {
            Some(quote @ ('"' | '\'')) if source[..end].ends_with(|c: char| c != quote) => end + 1,
            _ => end,
        };
        (after_quote, after_quote, format!(", replicas: {count}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edited(source: &str, counts: &[(&str, u32)]) -> String {
        let design = crate::design::load(source.as_bytes()).unwrap();
        let counts: Vec<(ComponentId, u32)> = counts
            .iter()
            .map(|(name, count)| (design.component_named(name).unwrap(), *count))
            .collect();
        let text = set_replicas(source, &design, &counts);
        // The result reads, with the counts asked for.
        let again = crate::design::load(text.as_bytes()).unwrap();
        for (id, count) in &counts {
            assert_eq!(again.components[*id].replica_count(), *count, "{text}");
        }
        text
    }

    #[test]
    fn values_are_written_over_and_nothing_else_moves() {
        let source = "version: 1 # v\nname: t\ncomponents:\n  # the API\n  api:\n    kind: service\n    replicas: 3     # one per zone\n    capacity: 1k/s\n  db: { kind: database, replicas: 12, capacity: 5k/s }  # primary\n";
        let text = edited(source, &[("api", 5), ("db", 2)]);
        assert_eq!(
            text,
            source
                .replace("replicas: 3 ", "replicas: 5 ")
                .replace("replicas: 12", "replicas: 2")
        );
    }

    #[test]
    fn a_missing_count_is_added_after_the_kind() {
        let source = "version: 1\nname: t\ncomponents:\n  api:\n    kind: service   # stateless\n    capacity: 1k/s\n  db: { kind: database, capacity: 5k/s }\n  cache: {kind: \"cache\"}\n";
        let text = edited(source, &[("api", 4), ("db", 2), ("cache", 3)]);
        assert_eq!(
            text,
            "version: 1\nname: t\ncomponents:\n  api:\n    kind: service   # stateless\n    replicas: 4\n    capacity: 1k/s\n  db: { kind: database, replicas: 2, capacity: 5k/s }\n  cache: {kind: \"cache\", replicas: 3}\n"
        );
    }

    #[test]
    fn windows_line_endings_stay() {
        let source = "version: 1\r\nname: t\r\ncomponents:\r\n  api:\r\n    kind: service\r\n    capacity: 1k/s\r\n";
        let text = edited(source, &[("api", 2)]);
        assert_eq!(
            text,
            "version: 1\r\nname: t\r\ncomponents:\r\n  api:\r\n    kind: service\r\n    replicas: 2\r\n    capacity: 1k/s\r\n"
        );
    }
}
