//! Go to definition, find references and document symbols, from the
//! names' places in the text ([`super::index`]): components, operations
//! and zones.

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
        view.document.range(definition.bytes.clone(), view.encoding),
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

/// The operations and the components, in file order, each spanning its
/// whole definition.
// `DocumentSymbol::deprecated` is deprecated in favour of `tags`, but the
// struct has no other constructor.
#[allow(deprecated)]
pub fn symbols(view: &View) -> Vec<DocumentSymbol> {
    let Some(index) = view.index else {
        return Vec::new();
    };
    let text = &view.document.text;
    let operations = index.operations.iter().map(|o| {
        (
            &o.name,
            &o.name_bytes,
            Some("operation".to_string()),
            SymbolKind::EVENT,
        )
    });
    let components = index
        .components
        .iter()
        .map(|c| (&c.name, &c.name_bytes, c.kind.clone(), SymbolKind::OBJECT));
    let mut symbols: Vec<(usize, DocumentSymbol)> = operations
        .chain(components)
        .map(|(name, bytes, detail, kind)| {
            let whole = bytes.start..block_end(text, bytes.start).max(bytes.end);
            let symbol = DocumentSymbol {
                name: name.clone(),
                detail,
                kind,
                tags: None,
                deprecated: None,
                range: view.document.range(whole, view.encoding),
                selection_range: view.document.range(bytes.clone(), view.encoding),
                children: None,
            };
            (bytes.start, symbol)
        })
        .collect();
    symbols.sort_by_key(|(start, _)| *start);
    symbols.into_iter().map(|(_, symbol)| symbol).collect()
}
