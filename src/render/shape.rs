//! The outline each kind of component is drawn with, and how much room it
//! needs around its text so that no line of text touches the outline: the
//! layout sizes nodes with it and the SVG writer draws with it, so the two
//! cannot disagree.

use super::diagram::Node;
use super::layout::Rect;
use super::text::{self, Font};
use crate::design::Kind;

/// Distance between the baselines of a node's lines.
pub const LINE_HEIGHT: f64 = 15.0;
/// Room between the text and a plain box, across and along.
const PAD_X: f64 = 14.0;
const PAD_Y: f64 = 9.0;
/// Ascent and descent of a line as a share of its font size: the largest
/// of the fonts a viewer may substitute (DejaVu Sans), so the box is safe.
pub const ASCENT: f64 = 0.93;
pub const DESCENT: f64 = 0.24;

/// The half-height of the ellipses that close a cylinder.
pub const CYLINDER_RY: f64 = 6.0;
/// Width of the band of lines at a queue's right end.
pub const QUEUE_BAND: f64 = 20.0;
/// Depth of the strip at the top of a cache.
pub const CACHE_STRIP: f64 = 6.0;

/// The size of a node's text block.
pub fn text_block(node: &Node) -> (f64, f64) {
    let width = std::iter::once(text::width(&node.name, Font::Name))
        .chain(
            node.details
                .iter()
                .map(|line| text::width(line, Font::Detail)),
        )
        .fold(0.0, f64::max);
    let last = if node.details.is_empty() {
        Font::Name
    } else {
        Font::Detail
    };
    let height = LINE_HEIGHT * node.details.len() as f64
        + ASCENT * Font::Name.size()
        + DESCENT * last.size();
    (width, height)
}

/// How far the sides of a hexagon or trapezium lean in.
pub fn slant(height: f64) -> f64 {
    (height / 3.0).min(16.0)
}

/// The size of the node's outline (its bounding box).
pub fn node_size(node: &Node) -> (f64, f64) {
    let (text_width, text_height) = text_block(node);
    let (width, height) = (text_width + 2.0 * PAD_X, text_height + 2.0 * PAD_Y);
    match node.kind {
        Kind::Client => {
            // Round ends of radius h/2: the text's corners stay inside.
            let radius = height / 2.0;
            let half = text_height / 2.0 + 2.0;
            let cut = radius - (radius * radius - half * half).max(0.0).sqrt();
            (width + 2.0 * cut, height)
        }
        Kind::Cdn | Kind::Dns => {
            // An ellipse through the corners of the padded text box, scaled
            // by the square root of two, holds the box.
            let a = (text_width / 2.0 + 6.0) * std::f64::consts::SQRT_2;
            let b = (text_height / 2.0 + 4.0) * std::f64::consts::SQRT_2;
            (2.0 * a, 2.0 * b)
        }
        Kind::LoadBalancer | Kind::Gateway => (width + 2.0 * slant(height), height),
        Kind::Database | Kind::ObjectStore => (width, height + 3.0 * CYLINDER_RY),
        Kind::Queue => (width + QUEUE_BAND, height),
        Kind::Cache => (width, height + CACHE_STRIP),
        Kind::Service | Kind::Worker | Kind::Search | Kind::External => (width, height),
    }
}

/// The centre of the text block, for an outline centred on `(x, y)`:
/// below a cylinder's lid, left of a queue's lines, below a cache's strip.
pub fn text_centre(kind: Kind, x: f64, y: f64) -> (f64, f64) {
    match kind {
        Kind::Database | Kind::ObjectStore => (x, y + CYLINDER_RY / 2.0),
        Kind::Queue => (x - QUEUE_BAND / 2.0, y),
        Kind::Cache => (x, y + CACHE_STRIP / 2.0),
        _ => (x, y),
    }
}

/// The baseline of the node's first line, for a text block centred on `y`.
pub fn first_baseline(node: &Node, y: f64) -> f64 {
    let (_, height) = text_block(node);
    y - height / 2.0 + ASCENT * Font::Name.size()
}

/// How far from the middle of the sides edges leave from and arrive at
/// (top and bottom for `across_x`, left and right otherwise) edges may
/// attach: nearly the whole side, less on an ellipse, which curves away.
pub fn port_reach(kind: Kind, width: f64, height: f64, across_x: bool) -> f64 {
    let side = if across_x { width } else { height };
    match kind {
        Kind::Cdn | Kind::Dns => 0.35 * side,
        Kind::Search if across_x => side / 2.0 - 12.0,
        _ => side / 2.0 - 5.0,
    }
}

/// Moves `point`, on a side of the bounding box `area` of a node of `kind`,
/// along the side's normal onto the outline the SVG draws (the flat sides
/// of a box are its outline already).
pub fn onto_outline(kind: Kind, area: Rect, point: (f64, f64)) -> (f64, f64) {
    let (half_w, half_h) = (area.width / 2.0, area.height / 2.0);
    let (dx, dy) = (point.0 - area.x, point.1 - area.y);
    let near = |a: f64, b: f64| (a - b).abs() < 0.5;
    // Which side, and the offset along it.
    let vertical_side = near(dy.abs(), half_h);
    let horizontal_side = near(dx.abs(), half_w) && !vertical_side;
    if !vertical_side && !horizontal_side {
        return point;
    }
    let sign = if vertical_side {
        dy.signum()
    } else {
        dx.signum()
    };
    // How far in from the box the outline lies at this offset.
    let depth = match kind {
        Kind::Cdn | Kind::Dns => {
            let (along, half_along, half_normal) = if vertical_side {
                (dx, half_w, half_h)
            } else {
                (dy, half_h, half_w)
            };
            let share = (along / half_along).clamp(-1.0, 1.0);
            half_normal * (1.0 - (1.0 - share * share).sqrt())
        }
        Kind::Client => {
            let radius = half_h;
            if vertical_side {
                let beyond = (dx.abs() - (half_w - radius)).max(0.0).min(radius);
                radius - (radius * radius - beyond * beyond).sqrt()
            } else {
                let along = dy.abs().min(radius);
                radius - (radius * radius - along * along).sqrt()
            }
        }
        Kind::LoadBalancer => {
            let slant = slant(area.height);
            if vertical_side {
                let beyond = (dx.abs() - (half_w - slant)).max(0.0).min(slant);
                beyond / slant * half_h
            } else {
                slant * dy.abs() / half_h
            }
        }
        Kind::Gateway => {
            let slant = slant(area.height);
            if vertical_side && sign < 0.0 {
                let beyond = (dx.abs() - (half_w - slant)).max(0.0).min(slant);
                beyond / slant * area.height
            } else if vertical_side {
                0.0
            } else {
                // The slanted side: in by the slant at the top, none at the bottom.
                slant * (half_h - dy) / area.height
            }
        }
        Kind::Database | Kind::ObjectStore if vertical_side => {
            let share = (dx / half_w).clamp(-1.0, 1.0);
            // Top and bottom alike: the ellipse's edge, ry in at the corners.
            CYLINDER_RY * (1.0 - (1.0 - share * share).sqrt())
        }
        _ => 0.0,
    };
    if vertical_side {
        (point.0, point.1 - sign * depth)
    } else {
        (point.0 - sign * depth, point.1)
    }
}
