//! Where in the design format the cursor is, read from the text around it.
//!
//! Completion runs while the user types, when the file is usually not valid
//! YAML (`    rep` has no colon yet), so the reader cannot say where the
//! cursor is. This module reads only the cursor's line and the lines above
//! it: indentation gives the block keys that enclose the cursor, and the
//! brackets of the cursor's line the flow keys (`calls: [{ to: `). It never
//! decides what a value means; [`super::vocabulary`] does, from the
//! format's schema.

use std::ops::Range;

/// One step down from the top of the document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// The value of a key.
    Key(String),
    /// An item of a list.
    Item,
}

/// What the cursor is writing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Place {
    /// A key of the mapping at `path` (or a list item's scalar, when the
    /// list holds scalars: `- ` alone cannot say which).
    Key,
    /// The value of `key` in the mapping at `path`; inside a list
    /// (`zones: [az1, `) the path ends with the list's key and an item.
    Value { key: String },
}

/// The cursor's place in the format.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Context {
    /// From the top: `[components, api, calls, Item]`.
    pub path: Vec<Step>,
    pub place: Place,
    /// The word being typed, which a completion replaces (bytes).
    pub word: Range<usize>,
    /// The keys already given in the cursor's mapping and their scalar
    /// values as written (`kind: cache`), in file order.
    pub siblings: Vec<(String, String)>,
}

/// One structural element of a line: a list dash or a key, at its column
/// (in bytes from the line's start).
#[derive(Clone, Debug, PartialEq)]
enum Node {
    Item(usize),
    Key {
        column: usize,
        key: String,
        /// The scalar after `key:` on the same line, if any.
        value: String,
    },
}

impl Node {
    fn column(&self) -> usize {
        match self {
            Node::Item(column) | Node::Key { column, .. } => *column,
        }
    }
}

/// The cursor's context at byte `offset` of `text`.
pub fn at(text: &str, offset: usize) -> Context {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let line_start = text[..offset].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let before = &text[line_start..offset];
    let lines_above: Vec<&str> = text[..line_start].lines().collect();

    let word_start = line_start
        + before
            .char_indices()
            .rev()
            .take_while(|(_, c)| is_word(*c))
            .last()
            .map_or(before.len(), |(i, _)| i);
    let word_end = offset
        + text[offset..]
            .char_indices()
            .find(|(_, c)| !is_word(*c))
            .map_or(text.len() - offset, |(i, _)| i);
    let word = word_start..word_end;

    // The nodes of the cursor's line before the cursor, and where the
    // flow part (after the first `[` or `{`) starts.
    let flow_start = flow_opening(before);
    let block_part = &before[..flow_start.unwrap_or(before.len())];
    let mut line_nodes = nodes(block_part);
    let cursor_column = before.len() - (offset - word_start);

    // The enclosing block keys: each line above that starts left of the
    // innermost column seen so far encloses the cursor.
    let own_column = line_nodes.first().map_or(cursor_column, Node::column);
    let mut limit = own_column;
    let mut enclosing: Vec<Vec<Node>> = Vec::new();
    for line in lines_above.iter().rev() {
        if limit == 0 {
            break;
        }
        let line_nodes = nodes(strip_comment(line));
        let Some(first) = line_nodes.first() else {
            continue;
        };
        if first.column() < limit {
            limit = first.column();
            enclosing.push(
                line_nodes
                    .into_iter()
                    .filter(|n| n.column() < own_column)
                    .collect(),
            );
        }
    }
    let mut path = Vec::new();
    for line in enclosing.iter().rev() {
        push_steps(&mut path, line);
    }

    // The cursor's own line: a key whose value the cursor writes, or the
    // key's own text.
    let place;
    let mut mapping_column = cursor_column;
    let siblings;
    match flow_start {
        Some(flow_start) => {
            push_steps(&mut path, &line_nodes);
            let flow_text = &before[flow_start..];
            let (steps, in_list) = flow(flow_text);
            path.extend(steps);
            place = match in_list {
                // `zones: [az1, |`: the list's key takes the value.
                true => match path.len().checked_sub(2).map(|i| &path[i]) {
                    Some(Step::Key(key)) => {
                        let key = key.clone();
                        path.truncate(path.len() - 2);
                        Place::Value { key }
                    }
                    _ => Place::Key,
                },
                false => flow_place(flow_text),
            };
            siblings = flow_siblings(flow_text);
        }
        None => {
            place = match line_nodes.pop() {
                Some(Node::Key { key, column, .. }) if column < cursor_column => {
                    push_steps(&mut path, &line_nodes);
                    mapping_column = column;
                    Place::Value { key }
                }
                Some(node) => {
                    line_nodes.push(node);
                    push_steps(&mut path, &line_nodes);
                    Place::Key
                }
                None => Place::Key,
            };
            siblings = block_siblings(text, line_start, &lines_above, mapping_column);
        }
    }
    Context {
        path,
        place,
        word,
        siblings,
    }
}

/// The end of the block that starts on the line of byte `offset`: the end
/// of the last line after it that is indented deeper than the text at
/// `offset` (blank and comment lines inside count), or the end of that
/// line when nothing is. A component's name gives its whole definition.
pub fn block_end(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let column = offset - line_start;
    let mut end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let mut next = end + 1;
    while next < text.len() {
        let line_end = text[next..].find('\n').map_or(text.len(), |i| next + i);
        let line = text[next..line_end].trim_end_matches('\r');
        let content = line.trim_start_matches(' ');
        let indent = line.len() - content.len();
        if !content.is_empty() && !content.starts_with('#') {
            if indent <= column {
                break;
            }
            end = next + line.len();
        }
        next = line_end + 1;
    }
    end
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '/' | '%')
}

/// Appends the steps of one line's nodes: `- key:` is an item, then a key.
fn push_steps(path: &mut Vec<Step>, nodes: &[Node]) {
    for node in nodes {
        match node {
            Node::Item(_) => path.push(Step::Item),
            Node::Key { key, .. } => path.push(Step::Key(key.clone())),
        }
    }
}

/// The text of a line before its comment.
fn strip_comment(line: &str) -> &str {
    let mut quote = None;
    let mut previous = ' ';
    for (index, c) in line.char_indices() {
        match (quote, c) {
            (None, '#') if previous.is_whitespace() => return &line[..index],
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            _ => {}
        }
        previous = c;
    }
    line
}

/// The dashes and keys of a line in block style, left to right, up to the
/// first flow bracket. `  - to: api` gives an item at 2 and `to` at 4.
fn nodes(line: &str) -> Vec<Node> {
    let line = strip_comment(line);
    let mut nodes = Vec::new();
    let mut column = line.len() - line.trim_start_matches(' ').len();
    loop {
        let rest = &line[column..];
        if rest == "-" || rest.starts_with("- ") {
            nodes.push(Node::Item(column));
            column += 1 + rest[1..].len() - rest[1..].trim_start_matches(' ').len();
            continue;
        }
        if let Some((key, value)) = key_of(rest) {
            nodes.push(Node::Key {
                column,
                key,
                value: value.to_string(),
            });
        }
        return nodes;
    }
}

/// `key: value` or `key:` at the start of `text`: the key without quotes,
/// and the scalar after it.
fn key_of(text: &str) -> Option<(String, &str)> {
    if text.starts_with(['[', '{', '#']) {
        return None;
    }
    let (key, rest) = if let Some(quoted) = text.strip_prefix(['"', '\'']) {
        let quote = &text[..1];
        let end = quoted.find(quote)?;
        (&quoted[..end], &quoted[end + 1..])
    } else {
        let end = text
            .find(": ")
            .or_else(|| text.strip_suffix(':').map(str::len))?;
        (&text[..end], &text[end..])
    };
    let value = rest.strip_prefix(':')?;
    if !(value.is_empty() || value.starts_with(' ')) {
        return None;
    }
    Some((key.trim().to_string(), value.trim()))
}

/// Where the flow part of a line starts: its first `[` or `{` outside
/// quotes that opens a value.
fn flow_opening(line: &str) -> Option<usize> {
    let mut quote = None;
    for (index, c) in line.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '#') => return None,
            (None, '[' | '{') => return Some(index),
            _ => {}
        }
    }
    None
}

/// One open bracket of a flow collection.
enum Open {
    /// A `[`.
    List,
    /// A `{`, with the key being written in it and whether its `:` came.
    Map { key: String, after_colon: bool },
}

/// The flow collections still open at the end of `text` (which starts at
/// the line's first bracket): their steps, and whether the innermost is a
/// list.
fn flow(text: &str) -> (Vec<Step>, bool) {
    let stack = open_brackets(text);
    let mut steps = Vec::new();
    let last = stack.len().saturating_sub(1);
    for (index, open) in stack.iter().enumerate() {
        match open {
            Open::List => steps.push(Step::Item),
            Open::Map { key, .. } if index < last => steps.push(Step::Key(key.clone())),
            Open::Map { .. } => {}
        }
    }
    (steps, matches!(stack.last(), Some(Open::List)))
}

/// What the cursor writes in the flow mapping open at the end of `text`.
fn flow_place(text: &str) -> Place {
    match open_brackets(text).pop() {
        Some(Open::Map {
            key,
            after_colon: true,
        }) => Place::Value { key },
        _ => Place::Key,
    }
}

fn open_brackets(text: &str) -> Vec<Open> {
    let mut stack: Vec<Open> = Vec::new();
    let mut quote = None;
    for c in text.chars() {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '"' | '\'' => quote = Some(c),
            '[' => stack.push(Open::List),
            '{' => stack.push(Open::Map {
                key: String::new(),
                after_colon: false,
            }),
            ']' | '}' => {
                stack.pop();
            }
            ',' => {
                if let Some(Open::Map { key, after_colon }) = stack.last_mut() {
                    key.clear();
                    *after_colon = false;
                }
            }
            ':' => {
                if let Some(Open::Map { after_colon, .. }) = stack.last_mut() {
                    *after_colon = true;
                }
            }
            c => {
                if let Some(Open::Map {
                    key,
                    after_colon: false,
                }) = stack.last_mut()
                    && !c.is_whitespace()
                {
                    key.push(c);
                }
            }
        }
    }
    stack
}

/// The keys already given in the flow mapping the cursor is in.
fn flow_siblings(text: &str) -> Vec<(String, String)> {
    let Some(open) = text.rfind('{') else {
        return Vec::new();
    };
    text[open + 1..]
        .split(',')
        .filter_map(|entry| {
            let (key, value) = entry.split_once(':')?;
            Some((key.trim().to_string(), value.trim().to_string()))
        })
        .collect()
}

/// The keys at the cursor's column in the block mapping it is in, above and
/// below the cursor's line.
fn block_siblings(
    text: &str,
    line_start: usize,
    lines_above: &[&str],
    column: usize,
) -> Vec<(String, String)> {
    let mut above = Vec::new();
    for line in lines_above.iter().rev() {
        if !sibling(line, column, &mut above) {
            break;
        }
    }
    above.reverse();
    let mut below = Vec::new();
    for line in text[line_start..].lines().skip(1) {
        if !sibling(line, column, &mut below) {
            break;
        }
    }
    above.extend(below);
    above
}

/// Adds the key of `line` to `siblings` when it sits at `column`; false
/// once the line leaves the mapping (starts left of `column`).
fn sibling(line: &str, column: usize, siblings: &mut Vec<(String, String)>) -> bool {
    let line_nodes = nodes(line);
    let Some(first) = line_nodes.first() else {
        return true;
    };
    // An item dash left of the column opens the item whose keys sit at the
    // column: `- to: db` starts the mapping and ends the search.
    let (leaves, node) = if first.column() < column {
        (true, line_nodes.last())
    } else {
        (false, line_nodes.first())
    };
    if let Some(Node::Key {
        column: key_column,
        key,
        value,
    }) = node
        && *key_column == column
    {
        siblings.push((key.clone(), value.clone()));
    }
    !leaves
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The context at the `|` of `marked`.
    fn context(marked: &str) -> Context {
        let offset = marked.find('|').expect("a cursor");
        let text = marked.replacen('|', "", 1);
        at(&text, offset)
    }

    fn keys(path: &[&str]) -> Vec<Step> {
        path.iter()
            .map(|step| match *step {
                "-" => Step::Item,
                key => Step::Key(key.to_string()),
            })
            .collect()
    }

    #[test]
    fn a_key_being_typed_in_a_component() {
        let found = context(
            "version: 1\ncomponents:\n  api:\n    kind: cache\n    rep|\n    hit_ratio: 0.9\n  db:\n    kind: database\n",
        );
        assert_eq!(found.path, keys(&["components", "api"]));
        assert_eq!(found.place, Place::Key);
        assert_eq!(
            found.siblings,
            [
                ("kind".to_string(), "cache".to_string()),
                ("hit_ratio".to_string(), "0.9".to_string())
            ]
        );
    }

    #[test]
    fn an_empty_line_takes_the_cursors_column() {
        let top = context("version: 1\ncomponents:\n  api:\n    kind: service\n|\n");
        assert_eq!(top.path, keys(&[]));
        let component = context("components:\n  api:\n    kind: service\n    |\n");
        assert_eq!(component.path, keys(&["components", "api"]));
        let name = context("components:\n  api:\n    kind: service\n  |\n");
        assert_eq!(name.path, keys(&["components"]));
    }

    #[test]
    fn a_value_after_a_key() {
        let found = context("components:\n  api:\n    kind: ca|\n");
        assert_eq!(found.path, keys(&["components", "api"]));
        assert_eq!(
            found.place,
            Place::Value {
                key: "kind".to_string()
            }
        );
        assert_eq!(found.word, 29..31);
    }

    #[test]
    fn block_lists_of_calls() {
        let key = context("components:\n  api:\n    calls:\n      - to: db\n        ti|\n");
        assert_eq!(key.path, keys(&["components", "api", "calls", "-"]));
        assert_eq!(key.place, Place::Key);
        assert_eq!(key.siblings, [("to".to_string(), "db".to_string())]);
        let value = context("components:\n  api:\n    calls:\n      - to: d|\n");
        assert_eq!(value.path, keys(&["components", "api", "calls", "-"]));
        assert_eq!(
            value.place,
            Place::Value {
                key: "to".to_string()
            }
        );
        let dash = context("components:\n  api:\n    zones:\n      - |\n");
        assert_eq!(dash.path, keys(&["components", "api", "zones", "-"]));
        assert_eq!(dash.place, Place::Key);
    }

    #[test]
    fn flow_mappings_and_lists_on_one_line() {
        let value = context("components:\n  api:\n    calls: [{ to: db }, { to: ca|");
        assert_eq!(value.path, keys(&["components", "api", "calls", "-"]));
        assert_eq!(
            value.place,
            Place::Value {
                key: "to".to_string()
            }
        );
        let key = context("components:\n  api:\n    calls: [{ to: db, ti|");
        assert_eq!(key.path, keys(&["components", "api", "calls", "-"]));
        assert_eq!(key.place, Place::Key);
        assert_eq!(key.siblings, [("to".to_string(), "db".to_string())]);
        let zones = context("components:\n  api:\n    zones: [az1, a|]\n");
        assert_eq!(zones.path, keys(&["components", "api"]));
        assert_eq!(
            zones.place,
            Place::Value {
                key: "zones".to_string()
            }
        );
        let nested = context("components:\n  db:\n    replication: { factor: 3, mo|");
        assert_eq!(nested.path, keys(&["components", "db", "replication"]));
        assert_eq!(nested.place, Place::Key);
        let component = context("components:\n  db: { kind: database, replicas: 3, con|");
        assert_eq!(component.path, keys(&["components", "db"]));
        let slo = context("requirements:\n  latency_slo: { p99: 2|");
        assert_eq!(
            slo.place,
            Place::Value {
                key: "p99".to_string()
            }
        );
        assert_eq!(slo.path, keys(&["requirements", "latency_slo"]));
    }

    #[test]
    fn comments_and_quotes_do_not_confuse_it() {
        let found = context(
            "components:   # the parts\n  \"api\":\n    # kind: queue\n    kind: service # not: this\n    |",
        );
        assert_eq!(found.path, keys(&["components", "api"]));
        assert_eq!(
            found.siblings,
            [("kind".to_string(), "service".to_string())]
        );
    }

    #[test]
    fn blocks_end_at_the_next_line_as_far_left() {
        let text = "components:\n  api:\n    kind: service\n\n    # note\n    replicas: 2\n  db: { kind: database }\n  # last\n";
        let api = text.find("api").unwrap();
        assert_eq!(
            &text[api..block_end(text, api)],
            "api:\n    kind: service\n\n    # note\n    replicas: 2"
        );
        let db = text.find("db").unwrap();
        assert_eq!(&text[db..block_end(text, db)], "db: { kind: database }");
        assert_eq!(block_end(text, text.len() + 3), text.len());
    }

    #[test]
    fn never_panics_on_odd_text() {
        for text in [
            "",
            "-",
            ":",
            "- - -",
            "{[",
            "a: [b, {c: ",
            "\"",
            "é: ü",
            "\r\r\n",
        ] {
            for offset in 0..=text.len() + 2 {
                let _ = at(text, offset);
            }
        }
    }
}
