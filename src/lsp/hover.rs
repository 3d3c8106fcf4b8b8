//! Hover: a component's or an operation's figures from the estimate the
//! review computed, a rule's page on its code or name, and a quantity's
//! value in base units.

use lsp_types::{Hover, HoverContents, MarkupContent, MarkupKind};

use super::View;
use super::context::{self, Place};
use super::index::NameKind;
use super::vocabulary;
use crate::design::quantity::{self, QuantityKind, format_percent};
use crate::present::estimate::{
    capacity_header, capacity_row, columns, operation_header, operation_row,
};
use crate::rules;

/// The hover at byte `offset`, if there is anything to say.
pub fn hover(view: &View, offset: usize) -> Option<Hover> {
    let text = &view.document.text;
    let context = context::at(text, offset);
    let word = &text[context.word.clone()];
    let (markdown, bytes) = if let Some(page) = rule_page(word, &context.place) {
        (page, context.word.clone())
    } else if let Some(name) = view.index.and_then(|index| index.at(offset)) {
        let markdown = match name.kind {
            NameKind::Component => component(view, &name.name)?,
            NameKind::Operation => operation(view, &name.name)?,
            NameKind::Zone => return None,
        };
        (markdown, name.bytes.clone())
    } else {
        (quantity_value(&context, word)?, context.word.clone())
    };
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: markdown,
        }),
        range: Some(view.document.range(bytes, view.encoding)),
    })
}

/// The page of a rule named by its code anywhere (`BP101`, in an `allow:`
/// entry or a comment) or by its name as an `allow:` entry's `rule`.
fn rule_page(word: &str, place: &Place) -> Option<String> {
    let bytes = word.as_bytes();
    let is_code = bytes.len() == 5
        && bytes[..2].eq_ignore_ascii_case(b"bp")
        && bytes[2..].iter().all(u8::is_ascii_digit);
    let is_rule_value = matches!(place, Place::Value { key } if key == "rule");
    if !(is_code || is_rule_value) {
        return None;
    }
    rules::find(word).map(rules::page)
}

/// A component's kind and figures: the row `estimate` prints for it, its
/// availability, the operations that reach it and what sends it work.
fn component(view: &View, name: &str) -> Option<String> {
    let (model, stale) = view.model?;
    let design = &model.analysis.design;
    let id = design.component_named(name)?;
    let component = &design.components[id];
    let mut lines = vec![format!("**{name}** ({})", component.kind())];
    match &model.estimate {
        Some(estimate) => {
            let figures = &estimate.components[id];
            let header = capacity_header(estimate);
            let cost = estimate.cost.as_ref().and_then(|c| c.components[id]);
            let row = capacity_row(component, figures, cost, columns(estimate));
            let facts: Vec<String> = header
                .iter()
                .zip(&row)
                .skip(2)
                .filter(|(_, value)| *value != "-")
                .map(|(label, value)| format!("- {label}: {value}"))
                .collect();
            lines.push(String::new());
            lines.extend(facts);
            lines.push(format!(
                "- availability: {}",
                format_percent(figures.availability)
            ));
        }
        None => lines.push("\nno figures: the load never settles".to_string()),
    }
    let ways = &model.analysis.ways;
    if ways.declared() {
        let mut operations: Vec<&str> = Vec::new();
        for &node in ways.nodes_of(id) {
            let name = ways.operations[ways.nodes[node].operation].name.as_str();
            if !operations.contains(&name) {
                operations.push(name);
            }
        }
        if !operations.is_empty() {
            lines.push(format!("- operations: {}", operations.join(", ")));
        }
    }
    let mut callers: Vec<&str> = model
        .analysis
        .topology
        .callers(id)
        .map(|(caller, _)| design.components[caller].name())
        .collect();
    callers.sort_unstable();
    callers.dedup();
    if !callers.is_empty() {
        lines.push(format!("- reached from: {}", callers.join(", ")));
    }
    if stale {
        lines.push("\n_figures of the last version that could be checked_".to_string());
    }
    Some(lines.join("\n"))
}

/// An operation's figures: the row `estimate` prints for it, or the
/// components that serve it when it is internal.
fn operation(view: &View, name: &str) -> Option<String> {
    let (model, stale) = view.model?;
    let ways = &model.analysis.ways;
    let id = ways.operation_named(name)?;
    let mut lines = vec![format!("**{name}** (operation)"), String::new()];
    let figures = model
        .estimate
        .as_ref()
        .and_then(|estimate| estimate.operations.iter().find(|o| o.operation == id));
    match figures {
        Some(figures) => {
            let row = operation_row(ways, figures);
            for (label, value) in operation_header().iter().zip(&row).skip(1) {
                lines.push(format!("- {label}: {value}"));
            }
        }
        None => {
            let design = &model.analysis.design;
            let mut served: Vec<&str> = ways
                .nodes
                .iter()
                .filter(|node| node.operation == id)
                .map(|node| design.components[node.component].name())
                .collect();
            served.dedup();
            lines.push("- internal: reached only through a call's `as:`".to_string());
            if !served.is_empty() {
                lines.push(format!("- served by: {}", served.join(", ")));
            }
        }
    }
    if stale {
        lines.push("\n_figures of the last version that could be checked_".to_string());
    }
    Some(lines.join("\n"))
}

/// A quantity's value in base units, when the cursor is on the value of a
/// key that holds one.
fn quantity_value(context: &context::Context, word: &str) -> Option<String> {
    let Place::Value { key } = &context.place else {
        return None;
    };
    let mut path = context.path.clone();
    path.push(context::Step::Key(key.clone()));
    let kind = vocabulary::quantity(vocabulary::node(&path)?)?;
    let value = quantity::parse(kind, word).ok()?;
    let base = match kind {
        QuantityKind::Count => plain(value),
        QuantityKind::Rate => format!("{} per second", plain(value)),
        QuantityKind::Duration => format!("{} seconds", plain(value)),
        QuantityKind::Bytes => format!("{} bytes", plain(value)),
        QuantityKind::Percent => format!("{} ({})", plain(value), format_percent(value)),
        QuantityKind::Cost => format!("{} a month per replica", plain(value)),
    };
    Some(format!("`{word}` = {base}"))
}

/// A number as written in full, with thousands separated: `15,000`,
/// `0.00025`, `2,147,483,648`.
fn plain(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        let digits = format!("{}", value.abs() as u64);
        let mut grouped = String::new();
        for (index, digit) in digits.chars().enumerate() {
            if index > 0 && (digits.len() - index) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(digit);
        }
        if value < 0.0 {
            grouped.insert(0, '-');
        }
        grouped
    } else {
        let text = format!("{value:.9}");
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::plain;

    #[test]
    fn numbers_in_full() {
        assert_eq!(plain(15_000.0), "15,000");
        assert_eq!(plain(2_147_483_648.0), "2,147,483,648");
        assert_eq!(plain(0.25), "0.25");
        assert_eq!(plain(0.999), "0.999");
        assert_eq!(plain(100.0), "100");
    }
}
