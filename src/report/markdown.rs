//! The review as Markdown, made to be pasted into a design document or a
//! pull request: tables, the diagram as a Mermaid block (drawn by GitHub
//! and GitLab), the YAML lines in fenced code. Every value is escaped by
//! [`Escape`], configured in `askama.toml` for `.md` templates.

use std::fmt;

use askama::Template;

use super::Document;
use crate::diagnostic::markup;
use crate::render::{self, escape};

#[derive(Template)]
#[template(path = "report.md")]
struct Page<'a> {
    document: &'a Document,
    /// The diagram in Mermaid, which GitHub and GitLab draw.
    diagram_mermaid: String,
    /// Each operation's way in Mermaid, in the order of its section.
    way_mermaid: Vec<String>,
}

impl Page<'_> {
    /// `text` in a fenced code block (for the template).
    fn fenced(&self, text: &str, language: &str) -> String {
        code_block(text, language)
    }

    /// A message with its inline code as code spans (for the template,
    /// which must not escape it again).
    fn markup(&self, text: &str) -> String {
        markup::markdown(text)
    }

    /// `blueprint explain CODE` as inline code: codes are ours, `BP` and digits.
    fn command(&self, code: &str) -> String {
        format!("`blueprint explain {code}`")
    }
}

pub fn render(document: &Document) -> String {
    let page = Page {
        document,
        diagram_mermaid: render::render(&document.diagram, render::Format::Mermaid),
        way_mermaid: document
            .numbers
            .iter()
            .flat_map(|numbers| &numbers.operations)
            .flat_map(|operations| &operations.sections)
            .map(|section| {
                section.way.as_ref().map_or_else(String::new, |way| {
                    render::render(way, render::Format::Mermaid)
                })
            })
            .collect(),
    };
    let mut text = page.render().expect("the template only formats strings");
    text.push('\n');
    text
}

/// askama's escaper for Markdown templates: [`escape::markdown`].
#[derive(Clone, Copy)]
pub struct Escape;

impl askama::filters::Escaper for Escape {
    fn write_escaped_str<W: fmt::Write>(&self, mut dest: W, string: &str) -> fmt::Result {
        dest.write_str(&escape::markdown(string))
    }
}

/// A fenced code block holding `text` literally: the fence is longer than
/// any run of backticks inside, so nothing in the text can close it.
pub fn code_block(text: &str, language: &str) -> String {
    let longest_run = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest_run.max(2) + 1);
    let body: String = text
        .chars()
        .filter(|c| !c.is_control() || *c == '\n')
        .collect();
    format!("{fence}{language}\n{body}\n{fence}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_blocks_cannot_be_closed_from_inside() {
        assert_eq!(code_block("a: 1", "yaml"), "```yaml\na: 1\n```");
        let block = code_block("x ``` y ```` z", "");
        assert!(block.starts_with("`````\n") && block.ends_with("\n`````"));
    }
}
