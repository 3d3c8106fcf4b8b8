//! `blueprint envelope`: the back-of-the-envelope arithmetic, line by line
//! for people, and in base units for machines.

use comfy_table::CellAlignment;
use serde::Serialize;

use crate::capacity::envelope::{Envelope, Line};

pub fn render_text(name: &str, envelope: &Envelope) -> String {
    let mut table = super::table();
    table.set_header(["figure", "working", "result"]);
    for line in &envelope.lines {
        table.add_row([line.figure, line.working.as_str(), line.result.as_str()]);
    }
    if let Some(column) = table.column_mut(2) {
        column.set_cell_alignment(CellAlignment::Right);
    }
    // The working wraps on a narrow terminal; the figure and result do not.
    super::fit(&mut table, &[0, 2], &[], 0);
    format!("{name}: back of the envelope\n\n{table}\n")
}

#[derive(Serialize)]
struct Output<'a> {
    version: u32,
    #[serde(flatten)]
    envelope: &'a Envelope,
    working: &'a [Line],
}

pub fn render_json(envelope: &Envelope) -> String {
    let output = Output {
        version: 1,
        envelope,
        working: &envelope.lines,
    };
    let mut text = serde_json::to_string_pretty(&output).expect("plain data serialises");
    text.push('\n');
    text
}
