//! Drawings of a design: Mermaid, Graphviz DOT and SVG (laid out in pure
//! Rust, no Graphviz needed). `diagram` decides what is drawn; each format
//! module only writes it, escaping every string from the design.

pub mod diagram;
pub mod dot;
pub mod escape;
pub mod layout;
pub mod mermaid;
pub mod svg;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Mermaid,
    Dot,
    Svg,
}

pub fn render(diagram: &diagram::Diagram, format: Format) -> String {
    match format {
        Format::Mermaid => mermaid::render(diagram),
        Format::Dot => dot::render(diagram),
        Format::Svg => svg::render(diagram),
    }
}
