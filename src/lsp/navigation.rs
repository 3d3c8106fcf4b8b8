//! Go to definition, find references and document symbols, from the
//! names' places in the text ([`super::index`]).

use lsp_types::{DocumentSymbol, Location, SymbolKind};

use super::View;
use super::context::block_end;

/// Where the name at byte `offset` is declared.
pub fn definition(view: &View, offset: usize) -> Option<Location> {
    let index = view.index?;
    let name = index.at(offset)?;
    let definition = index.definition(name.kind, &name.name)?;
    Some(Location::new(
        view.uri.clone(),
        view.document
            .range(definition.bytes.clone(), view.encoding),
    ))
}

/// Every place the name at byte `offset` appears, with or without its
/// declaration.
pub fn references(view: &View, offset: usize, with_declaration: bool) -> Vec<Location> {
    let Some(index) = view.index else {
        return Vec::new();
    };
    let Some(name) = index.at(offset) else {
        return Vec::new();
    };
    index
        .occurrences_of(name.kind, &name.name)
        .filter(|o| with_declaration || !o.definition)
        .map(|o| {
            Location::new(
                view.uri.clone(),
                view.document.range(o.bytes.clone(), view.encoding),
            )
        })
        .collect()
}

/// The components, in file order, each spanning its whole definition.
// `DocumentSymbol::deprecated` is deprecated in favour of `tags`, but the
// struct has no other constructor.
#[allow(deprecated)]
pub fn symbols(view: &View) -> Vec<DocumentSymbol> {
    let Some(index) = view.index else {
        return Vec::new();
    };
    let text = &view.document.text;
    index
        .components
        .iter()
        .map(|component| {
            let start = component.name_bytes.start;
            let whole = start..block_end(text, start).max(component.name_bytes.end);
            DocumentSymbol {
                name: component.name.clone(),
                detail: component.kind.clone(),
                kind: SymbolKind::OBJECT,
                tags: None,
                deprecated: None,
                range: view.document.range(whole, view.encoding),
                selection_range: view
                    .document
                    .range(component.name_bytes.clone(), view.encoding),
                children: None,
            }
        })
        .collect()
}
