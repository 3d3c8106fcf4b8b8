//! Property: no sequence of edits, anywhere, with any characters, makes a
//! handler of the server panic. Each case edits a bundled design as a client
//! would (ranges in UTF-16, some past the end or backwards), reviews it, and
//! asks every feature about random places of the result.

use lsp_types::{Position, Range, TextDocumentContentChangeEvent, Uri};
use proptest::prelude::*;

use super::analysis::analyse;
use super::document::{Document, Encoding};
use super::{View, actions, completion, diagnostics, hover, navigation};
use crate::CheckOptions;

fn seeds() -> Vec<&'static str> {
    let mut seeds: Vec<&'static str> = crate::init::TEMPLATES.iter().map(|t| t.text).collect();
    seeds.push(include_str!("../../designs/checkout.yaml"));
    seeds
}

/// Text a user might type or paste: YAML's punctuation, line breaks of
/// every kind, digits and units, and characters of 2, 3 and 4 bytes.
fn typed() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[a-z_:{}\\[\\],\\- #\"'\n\r\t0-9%/.é☕🚀]{0,12}")
        .expect("a valid pattern")
}

fn edit() -> impl Strategy<Value = (u32, u32, u32, u32, String)> {
    (0u32..180, 0u32..90, 0u32..180, 0u32..90, typed())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn no_edit_makes_a_handler_panic(
        seed in 0usize..9,
        edits in proptest::collection::vec(edit(), 1..6),
        probes in proptest::collection::vec((0u32..180, 0u32..90, 0usize..40), 1..8),
    ) {
        let seeds = seeds();
        let mut document = Document::new(seeds[seed % seeds.len()].to_string(), 1);
        for (version, (line, character, end_line, end_character, text)) in edits.into_iter().enumerate() {
            let range = Range::new(
                Position::new(line, character),
                Position::new(end_line, end_character),
            );
            let change = TextDocumentContentChangeEvent { range: Some(range), range_length: None, text };
            document.apply(vec![change], version as i32 + 2, Encoding::Utf16);
        }
        let options = CheckOptions { today: Some("2026-01-01".to_string()), ..CheckOptions::default() };
        let analysed = analyse(&document.text, document.version, &options);
        let uri: Uri = "file:///property.yaml".parse().unwrap();
        for encoding in [Encoding::Utf16, Encoding::Utf8] {
            let view = View {
                uri: &uri,
                document: &document,
                encoding,
                index: analysed.index.as_ref(),
                names: analysed.index.as_ref(),
                model: analysed.model.as_ref().map(|model| (model, false)),
                findings: Some(&analysed.diagnostics),
            };
            let published = diagnostics::publish(&uri, &document, encoding, &analysed.diagnostics);
            // Every finding is published at its own place, those a cause
            // explains as well as their leader, never more.
            let findings = analysed.diagnostics.iter().flat_map(|d| d.and_caused()).count();
            prop_assert!(published.diagnostics.len() <= findings);
            let _ = navigation::symbols(&view);
            for (line, character, width) in &probes {
                let offset = document.offset(Position::new(*line, *character), encoding);
                prop_assert!(document.text.is_char_boundary(offset));
                let _ = hover::hover(&view, offset);
                let _ = completion::complete(&view, offset);
                let _ = navigation::definition(&view, offset);
                let _ = navigation::references(&view, offset, true);
                let end = (offset + width).min(document.text.len());
                let _ = actions::allow_actions(&view, offset..end);
            }
        }
    }
}
