//! The review as one self-contained HTML file: inline CSS (print and dark
//! mode included), inline SVG, no script, and a Content-Security-Policy
//! that forbids fetching anything. askama escapes every value for HTML; the
//! two SVG drawings are written by our own escaping SVG writers.

use askama::Template;

use super::Document;
use crate::render;

#[derive(Template)]
#[template(path = "report.html")]
struct Page<'a> {
    document: &'a Document,
    /// The diagram as inline SVG (escaped by the SVG writer).
    diagram_svg: String,
    /// Each operation's way, as inline SVG, in the order of its section.
    way_svgs: Vec<String>,
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
        .map(|section| render::render(&section.way, render::Format::Svg))
        .collect()
}
