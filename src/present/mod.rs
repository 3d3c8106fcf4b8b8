//! Renderers of the capacity model's results: tables for people and the
//! stable JSON for machines. Pure functions from values to text.

use comfy_table::{ColumnConstraint, ContentArrangement, Table, presets};

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
    #[test]
    fn long_sentences_wrap_at_spaces_with_a_hanging_indent() {
        let text = "short line\nsend: what costs it most: `messages_db` 0.0003% (96.4s a year)\n";
        assert_eq!(
            super::wrap(text, 40),
            "short line\nsend: what costs it most: `messages_db`\n  0.0003% (96.4s a year)\n"
        );
    }
}
