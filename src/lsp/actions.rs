//! The code action that accepts a finding: an `allow:` entry for its rule,
//! with a reason to fill in, at the component the finding concerns (or at
//! the top of the design when it concerns none). It adds to an `allow:`
//! list that is there, in its style (block or flow), or starts one.

use std::collections::HashMap;
use std::ops::Range;

use lsp_types::{CodeAction, CodeActionKind, CodeActionOrCommand, TextEdit, WorkspaceEdit};

use super::View;
use super::context::block_end;
use super::diagnostics;
use super::index::Index;
use crate::diagnostic::Diagnostic;
use crate::rules;

/// What the inserted entry says until someone writes the reason. It has no
/// `: ` so that it stays one plain YAML scalar.
pub const REASON_PLACEHOLDER: &str = "TODO say why this finding is accepted";

/// One action per live finding of a rule whose span meets `bytes`.
pub fn allow_actions(view: &View, bytes: Range<usize>) -> Vec<CodeActionOrCommand> {
    let (Some(findings), Some(index)) = (view.findings, view.index) else {
        return Vec::new();
    };
    let text = &view.document.text;
    findings
        .iter()
        .filter(|f| !f.suppressed && rules::RULES.iter().any(|r| r.code.code == f.code))
        .filter(|f| {
            let span = f.span.unwrap_or_default();
            span.start() <= bytes.end && bytes.start <= span.end()
        })
        .filter_map(|finding| {
            let (offset, insert) = insertion(text, index, finding)?;
            let range = view.document.range(offset..offset, view.encoding);
            let place = match &finding.component {
                Some(component) => format!("`{component}`"),
                None => "the design".to_string(),
            };
            let edit = WorkspaceEdit {
                changes: Some(HashMap::from([(
                    view.uri.clone(),
                    vec![TextEdit::new(range, insert)],
                )])),
                ..WorkspaceEdit::default()
            };
            Some(CodeActionOrCommand::CodeAction(CodeAction {
                title: format!("Allow {} ({}) for {place}", finding.code, finding.name),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![diagnostics::convert(
                    view.uri,
                    view.document,
                    view.encoding,
                    finding,
                )]),
                edit: Some(edit),
                ..CodeAction::default()
            }))
        })
        .collect()
}

/// Where to insert the entry that allows `finding`, and the text.
fn insertion(text: &str, index: &Index, finding: &Diagnostic) -> Option<(usize, String)> {
    let code = finding.code;
    let component = match &finding.component {
        Some(name) => Some(index.component(name)?),
        None => None,
    };
    let existing = match component {
        Some(component) => &component.allow,
        None => &index.allow,
    };
    match existing.as_deref() {
        Some([first, ..]) => return before_entry(text, *first, code),
        // `allow: []`: a list with no entry to stand beside; a second
        // `allow:` would be a duplicate key.
        Some([]) => return None,
        None => {}
    }
    match component {
        None => {
            let newline = if text.is_empty() || text.ends_with('\n') {
                ""
            } else {
                "\n"
            };
            Some((
                text.len(),
                format!("{newline}allow:\n  - rule: {code}\n    reason: {REASON_PLACEHOLDER}\n"),
            ))
        }
        Some(component) if text.get(component.value_start..)?.starts_with('{') => {
            let close = closing_brace(text, component.value_start)?;
            let end = text.get(..close)?.trim_end().len();
            Some((
                end,
                format!(", allow: [{{ rule: {code}, reason: {REASON_PLACEHOLDER} }}]"),
            ))
        }
        Some(component) => {
            let name = component.name_bytes.start;
            let end = block_end(text, name);
            let name_column = name - text.get(..name)?.rfind('\n').map_or(0, |i| i + 1);
            let indent = child_indent(text, name).unwrap_or(name_column + 2);
            let pad = " ".repeat(indent);
            Some((
                end,
                format!(
                    "\n{pad}allow:\n{pad}  - rule: {code}\n{pad}    reason: {REASON_PLACEHOLDER}"
                ),
            ))
        }
    }
}

/// A new entry before the `allow:` entry that starts at `first`, in the
/// list's style: a block item (`- rule: ...`) or a flow mapping.
fn before_entry(text: &str, first: usize, code: &str) -> Option<(usize, String)> {
    let mut start = first;
    let mut before = text.get(..start)?.trim_end_matches([' ', '\t']);
    if before.ends_with('{') {
        start = before.len() - 1;
        before = text[..start].trim_end_matches([' ', '\t']);
    }
    if let Some(dash_line) = before.strip_suffix('-') {
        let line_start = dash_line.rfind('\n').map_or(0, |i| i + 1);
        let pad = &dash_line[line_start..];
        if pad.bytes().all(|b| b == b' ') {
            return Some((
                line_start,
                format!("{pad}- rule: {code}\n{pad}  reason: {REASON_PLACEHOLDER}\n"),
            ));
        }
    }
    if before.ends_with(['[', ',']) {
        return Some((
            start,
            format!("{{ rule: {code}, reason: {REASON_PLACEHOLDER} }}, "),
        ));
    }
    None
}

/// The `}` that closes the flow mapping opening at `open`.
fn closing_brace(text: &str, open: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote = None;
    for (index, c) in text.get(open..)?.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '{' | '[') => depth += 1,
            (None, '}' | ']') => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return (c == '}').then_some(open + index);
                }
            }
            _ => {}
        }
    }
    None
}

/// The indentation of the first key under the line of `name`.
fn child_indent(text: &str, name: usize) -> Option<usize> {
    let line_end = text
        .get(name..)?
        .find('\n')
        .map_or(text.len(), |i| name + i);
    text.get(line_end + 1..)?
        .lines()
        .map(|line| (line, line.trim_start_matches(' ')))
        .find(|(_, content)| !content.is_empty() && !content.starts_with('#'))
        .map(|(line, content)| line.len() - content.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allow(text: &str, component: Option<&str>, code: &'static str) -> String {
        let index = Index::read(text).expect("the test design reads");
        let mut finding = Diagnostic::new(code, "name", crate::diagnostic::Severity::Warning, "m");
        finding.component = component.map(str::to_string);
        let (offset, insert) = insertion(text, &index, &finding).expect("a place to insert");
        let mut edited = text.to_string();
        edited.insert_str(offset, &insert);
        assert!(
            Index::read(&edited).is_some(),
            "the edit leaves a design that reads:\n{edited}"
        );
        edited
    }

    #[test]
    fn a_new_list_in_a_block_component() {
        let text = "version: 1\ncomponents:\n  api:\n    kind: service\n    replicas: 1\n\n  db:\n    kind: database\n";
        assert_eq!(
            allow(text, Some("api"), "BP101"),
            "version: 1\ncomponents:\n  api:\n    kind: service\n    replicas: 1\n    allow:\n      - rule: BP101\n        reason: TODO say why this finding is accepted\n\n  db:\n    kind: database\n"
        );
    }

    #[test]
    fn an_entry_added_to_a_block_list() {
        let text = "components:\n  api:\n    kind: service\n    allow:\n      - rule: BP102\n        reason: one zone\n";
        assert_eq!(
            allow(text, Some("api"), "BP101"),
            "components:\n  api:\n    kind: service\n    allow:\n      - rule: BP101\n        reason: TODO say why this finding is accepted\n      - rule: BP102\n        reason: one zone\n"
        );
    }

    #[test]
    fn flow_components_and_flow_lists() {
        let text = "components:\n  api: { kind: service, calls: [{ to: db }] }\n  db: { kind: database, allow: [{ rule: BP102, reason: x }] }\n";
        let api = allow(text, Some("api"), "BP101");
        assert!(api.contains("  api: { kind: service, calls: [{ to: db }], allow: [{ rule: BP101, reason: TODO say why this finding is accepted }] }\n"), "{api}");
        let db = allow(text, Some("db"), "BP101");
        assert!(db.contains("allow: [{ rule: BP101, reason: TODO say why this finding is accepted }, { rule: BP102, reason: x }]"), "{db}");
    }

    #[test]
    fn no_second_allow_key_beside_an_empty_list() {
        let text = "components:\n  api:\n    kind: service\n    allow: []\n";
        let index = Index::read(text).unwrap();
        let mut finding =
            Diagnostic::new("BP101", "name", crate::diagnostic::Severity::Warning, "m");
        finding.component = Some("api".to_string());
        assert_eq!(insertion(text, &index, &finding), None);
    }

    #[test]
    fn the_top_of_the_design() {
        let text = "version: 1\ncomponents:\n  api: { kind: service }";
        assert_eq!(
            allow(text, None, "BP204"),
            "version: 1\ncomponents:\n  api: { kind: service }\nallow:\n  - rule: BP204\n    reason: TODO say why this finding is accepted\n"
        );
        let listed =
            "allow:\n  - rule: BP101\n    reason: x\ncomponents:\n  api: { kind: service }\n";
        assert!(allow(listed, None, "BP204").starts_with("allow:\n  - rule: BP204\n"));
    }
}
