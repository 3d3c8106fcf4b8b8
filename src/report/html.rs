//! The review as one self-contained HTML file: inline CSS (print and dark
//! mode included), inline SVG, no script, and a Content-Security-Policy
//! that forbids fetching anything. askama escapes every value for HTML; the
//! two SVG drawings are written by our own escaping SVG writers.

use std::fmt;

use askama::Template;

use super::Document;
use crate::diagnostic::markup;
use crate::render::{self, escape};

#[derive(Template)]
#[template(path = "report.html")]
struct Page<'a> {
    document: &'a Document,
    /// The diagram as inline SVG (escaped by the SVG writer).
    diagram_svg: String,
    /// Each operation's way, as inline SVG, in the order of its section.
    way_svgs: Vec<String>,
}

impl Page<'_> {
    /// A message with its inline code as `<code>` (for the template, which
    /// must not escape it again).
    fn markup(&self, text: &str) -> String {
        markup::html(text)
    }
}

/// askama's escaper for HTML templates: [`escape::xml`].
#[derive(Clone, Copy)]
pub struct Escape;

impl askama::filters::Escaper for Escape {
    fn write_escaped_str<W: fmt::Write>(&self, mut dest: W, string: &str) -> fmt::Result {
        dest.write_str(&escape::xml(string))
    }
}

pub fn render(document: &Document) -> String {
    let page = Page {
        document,
        diagram_svg: render::render(&document.diagram, render::Format::Svg),
        way_svgs: way_svgs(document),
    };
    let mut text = page.render().expect("the template only formats strings");
    text.push('\n');
    text
}

/// Each operation's way, in the order of its section.
fn way_svgs(document: &Document) -> Vec<String> {
    document
        .numbers
        .iter()
        .flat_map(|numbers| &numbers.operations)
        .flat_map(|operations| &operations.sections)
        .map(|section| {
            section
                .way
                .as_ref()
                .map_or_else(String::new, |way| render::render(way, render::Format::Svg))
        })
        .collect()
}
