//! Renderers of the capacity model's results: tables for people and the
//! stable JSON for machines. Pure functions from values to text.

use comfy_table::{ColumnConstraint, ContentArrangement, Table, Width, presets};

pub mod diff;
pub mod envelope;
pub mod estimate;
pub mod practice;
pub mod simulate;
pub mod size;

/// A table for people. On a terminal comfy-table fits it to the terminal's
/// width, wrapping the cells that allow it; piped, it stays at full width,
/// so files and snapshots do not depend on who ran the command.
pub fn table() -> Table {
    let mut table = Table::new();
    table
        .load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    table
}

/// Keeps the given columns from wrapping (figures are never broken in the
/// middle) and, when the table must fit fewer than `narrow` columns of
/// terminal, hides the columns in `optional`: each a column worth less than
/// the rest.
pub fn fit(table: &mut Table, whole: &[usize], optional: &[usize], narrow: u16) {
    for &index in whole {
        if let Some(column) = table.column_mut(index) {
            column.set_constraint(ColumnConstraint::ContentWidth);
        }
    }
    if table.width().is_some_and(|width| width < narrow) {
        for &index in optional {
            if let Some(column) = table.column_mut(index) {
                column.set_constraint(ColumnConstraint::Hidden);
            }
        }
    }
}

/// Rows per slice of a long table drawn for a file or a pipe.
const SLICE_ROWS: usize = 256;

/// `header` and the rows `rows` gives, drawn as one [`table`] that
/// `prepare` sets up (alignment, [`fit`]). comfy-table keeps a few hundred
/// bytes for each cell and as much again while it draws them: a table of
/// 10,000 components took 22 MB, more than the estimate behind it. So a
/// long table bound for a file or a pipe, where no terminal width is in
/// play and each column is as wide as its widest cell, is drawn a slice of
/// rows at a time, every column fixed at the whole table's width, and the
/// slices joined: the same text. On a terminal, where wrapping makes the
/// layout depend on every cell, it is drawn whole. `rows` is called once,
/// or for slices twice: to measure, then to draw.
pub fn draw_table<R>(header: &[&str], rows: impl Fn() -> R, prepare: impl Fn(&mut Table)) -> String
where
    R: ExactSizeIterator<Item = Vec<String>>,
{
    let count = rows().len();
    let mut probe = table();
    probe.set_header(header.to_vec());
    prepare(&mut probe);
    if count <= SLICE_ROWS || probe.width().is_some() {
        let mut whole = table();
        whole.set_header(header.to_vec());
        whole.add_rows(rows());
        prepare(&mut whole);
        return whole.to_string();
    }
    draw_in_slices(header, rows, &prepare, SLICE_ROWS)
}

fn draw_in_slices<R>(
    header: &[&str],
    rows: impl Fn() -> R,
    prepare: &impl Fn(&mut Table),
    slice_rows: usize,
) -> String
where
    R: ExactSizeIterator<Item = Vec<String>>,
{
    let slice_table = |slice: Vec<Vec<String>>| {
        let mut table = table();
        table.set_header(header.to_vec());
        table.add_rows(slice);
        prepare(&mut table);
        table
    };
    let mut widths: Vec<u16> = Vec::new();
    for slice in slices(rows(), slice_rows) {
        let slice_widths = slice_table(slice).column_max_content_widths();
        widths.resize(widths.len().max(slice_widths.len()), 0);
        for (width, slice_width) in widths.iter_mut().zip(slice_widths) {
            *width = (*width).max(slice_width);
        }
    }
    let mut out = String::new();
    let last = rows().len().div_ceil(slice_rows).saturating_sub(1);
    for (index, slice) in slices(rows(), slice_rows).enumerate() {
        let mut table = slice_table(slice);
        for (column, &width) in table.column_iter_mut().zip(&widths) {
            if !column.is_hidden() {
                // A fixed width counts the padding.
                let fixed = width + column.padding_width();
                column.set_constraint(ColumnConstraint::Absolute(Width::Fixed(fixed)));
            }
        }
        let below_header = table.style().header_separator.left;
        let text = table.to_string();
        let lines: Vec<&str> = text.lines().collect();
        // The first slice keeps the top border and the header, the last the
        // bottom border; the others only their rows.
        let start = if index == 0 {
            0
        } else {
            lines
                .iter()
                .position(|line| below_header.is_some_and(|c| line.starts_with(c)))
                .map_or(0, |separator| separator + 1)
        };
        let end = if index < last {
            lines.len() - 1
        } else {
            lines.len()
        };
        for line in &lines[start..end] {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(line);
        }
    }
    out
}

/// The items of `items` in vectors of `size` (the last may be shorter).
fn slices<T>(mut items: impl Iterator<Item = T>, size: usize) -> impl Iterator<Item = Vec<T>> {
    std::iter::from_fn(move || {
        let slice: Vec<T> = items.by_ref().take(size).collect();
        (!slice.is_empty()).then_some(slice)
    })
}

/// Sentences longer than the terminal is wide, wrapped at spaces with a
/// hanging indent; the text as it is when piped (as tables are).
pub fn wrap_to_terminal(text: &str) -> String {
    match Table::new().width() {
        Some(width) => wrap(text, usize::from(width).max(40)),
        None => text.to_string(),
    }
}

fn wrap(text: &str, width: usize) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let (body, newline) = line.strip_suffix('\n').map_or((line, ""), |b| (b, "\n"));
        if body.chars().count() <= width {
            out.push_str(line);
            continue;
        }
        let mut column = 0;
        for word in body.split(' ') {
            let length = word.chars().count();
            if column > 0 && column + 1 + length > width {
                out.push_str("\n  ");
                column = 2;
            } else if column > 0 {
                out.push(' ');
                column += 1;
            }
            out.push_str(word);
            column += length;
        }
        out.push_str(newline);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{Table, table};

    /// A table drawn in slices is the table drawn whole: the widest cell
    /// of a column may be in any slice (here the last, and a name in
    /// wide characters), columns keep their alignment, and the borders
    /// and the header appear once.
    #[test]
    fn a_table_drawn_in_slices_is_the_table_drawn_whole() {
        let header = ["name", "load", "p99"];
        let rows = || {
            (0..10).map(|i| {
                let name = if i == 9 {
                    "全部-the-widest".to_string()
                } else {
                    format!("svc-{i}")
                };
                vec![name, format!("{}/s", 10 * i), format!("{}ms", i % 4)]
            })
        };
        let prepare = |table: &mut Table| {
            table.force_no_tty();
            for column in 1..3 {
                if let Some(column) = table.column_mut(column) {
                    column.set_cell_alignment(comfy_table::CellAlignment::Right);
                }
            }
        };
        let mut whole = table();
        whole.set_header(header.to_vec());
        whole.add_rows(rows());
        prepare(&mut whole);
        let whole = whole.to_string();
        for slice_rows in [1, 3, 4, 9, 10] {
            assert_eq!(
                super::draw_in_slices(&header, rows, &prepare, slice_rows),
                whole,
                "{slice_rows} rows a slice"
            );
        }
    }

    #[test]
    fn long_sentences_wrap_at_spaces_with_a_hanging_indent() {
        let text = "short line\nsend: what costs it most: `messages_db` 0.0003% (96.4s a year)\n";
        assert_eq!(
            super::wrap(text, 40),
            "short line\nsend: what costs it most: `messages_db`\n  0.0003% (96.4s a year)\n"
        );
    }
}
