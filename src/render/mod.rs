//! Drawings of a design: Mermaid, Graphviz DOT, D2, LikeC4 and SVG (laid
//! out in pure Rust, no Graphviz needed). `diagram` decides what is drawn;
//! each format module only writes it, escaping every string from the design.

pub mod d2;
pub mod diagram;
pub mod dot;
pub mod escape;
pub mod highlight;
pub mod layered;
pub mod layout;
pub mod likec4;
pub mod mermaid;
pub mod shape;
pub mod svg;
pub mod text;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Mermaid,
    Dot,
    D2,
    LikeC4,
    Svg,
}

pub fn render(diagram: &diagram::Diagram, format: Format) -> String {
    match format {
        Format::Mermaid => mermaid::render(diagram),
        Format::Dot => dot::render(diagram),
        Format::D2 => d2::render(diagram),
        Format::LikeC4 => likec4::render(diagram),
        Format::Svg => svg::render(diagram),
    }
}
