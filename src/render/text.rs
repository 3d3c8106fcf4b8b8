//! How wide a line of text is in the SVG's fonts, without a font at hand:
//! the advance widths of Arial (the metrics of Helvetica and Liberation
//! Sans too, which the SVG names first), in thousandths of an em, for
//! printable ASCII. Other characters count as wide Latin, or as a full em
//! from CJK on, so an estimate errs on the wide side.

/// The fonts the SVG uses, by role.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Font {
    /// A component's name: 600 12px.
    Name,
    /// A component's figures: 11px.
    Detail,
    /// An edge's label: 10px.
    Label,
    /// A zone's or region's label: italic 11px.
    Cluster,
    /// The diagram's title: 600 16px.
    Title,
    /// The legend: 11px.
    Legend,
}

impl Font {
    pub fn size(self) -> f64 {
        match self {
            Font::Name => 12.0,
            Font::Detail | Font::Cluster | Font::Legend => 11.0,
            Font::Label => 10.0,
            Font::Title => 16.0,
        }
    }

    fn bold(self) -> bool {
        matches!(self, Font::Name | Font::Title)
    }
}

/// Arial's advance widths, regular, for ' ' (32) to '~' (126).
const REGULAR: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667,
    611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
    667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500,
    222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];

/// Arial's advance widths, bold.
const BOLD: [u16; 95] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, 975, 722, 722, 722, 722, 667,
    611, 778, 722, 278, 556, 722, 611, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
    667, 611, 333, 278, 333, 584, 556, 333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556,
    278, 889, 611, 611, 611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584,
];

/// Room for a viewer whose fallback font runs a little wider than Arial.
const MARGIN: f64 = 1.06;

/// The width of `text` set in `font`, in pixels.
pub fn width(text: &str, font: Font) -> f64 {
    let table = if font.bold() { &BOLD } else { &REGULAR };
    let thousandths: u32 = text
        .chars()
        .map(|c| match u32::from(c) {
            code @ 32..=126 => u32::from(table[(code - 32) as usize]),
            code if code < 0x2E80 => 667,
            _ => 1000,
        })
        .sum();
    f64::from(thousandths) / 1000.0 * font.size() * MARGIN
}

/// The height of a line of `font` from its ascent to its descent (what a
/// browser's text box covers).
pub fn height(font: Font) -> f64 {
    font.size() * 1.15
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_follow_the_glyphs() {
        // "mmm" is wider than "iii" in every proportional font.
        assert!(width("mmm", Font::Detail) > 2.0 * width("iii", Font::Detail));
        // Arial's "a" is 556/1000 em: 6.67 px at 12 px, with the margin.
        let a = width("a", Font::Detail) / 11.0 * 12.0;
        assert!((a - 0.556 * 12.0 * MARGIN).abs() < 1e-9);
        assert!(width("api_gw", Font::Name) > width("api_gw", Font::Detail));
        // CJK counts a full em.
        assert_eq!(width("中", Font::Label), 10.0 * MARGIN);
    }
}
