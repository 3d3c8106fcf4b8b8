//! `blueprint lsp`: a language server for designs, over any
//! [`lsp_server::Connection`] (standard input and output for editors, a
//! pair of channels for tests).
//!
//! It adds no reading of its own: each version of a document goes through
//! the library's pipeline as `check` runs it ([`analysis`]), on a worker
//! thread once the text has rested for a moment, and the features read what
//! that left: the findings ([`diagnostics`], [`actions`]), the names'
//! places from the reader's spans ([`index`], [`navigation`]) and the
//! capacity model's figures ([`hover`]). Only completion reads the raw text
//! around the cursor ([`context`]), because the text being typed is rarely
//! valid YAML; what may be written there comes from the format's schema
//! ([`vocabulary`]).

mod actions;
mod analysis;
mod completion;
mod context;
mod diagnostics;
mod document;
mod hover;
mod index;
mod navigation;
#[cfg(test)]
mod properties;
mod server;
mod vocabulary;

pub use actions::REASON_PLACEHOLDER;
pub use server::{Settings, run};

use lsp_types::Uri;

use crate::diagnostic::Diagnostic;
use analysis::Model;
use document::{Document, Encoding};
use index::Index;

/// What a feature reads of one open document.
pub struct View<'a> {
    pub uri: &'a Uri,
    pub document: &'a Document,
    pub encoding: Encoding,
    /// The names of the document's current text; `None` when it does not
    /// read.
    pub index: Option<&'a Index>,
    /// The names to offer while typing: the current text's, or those of
    /// the last version that read.
    pub names: Option<&'a Index>,
    /// The last version that could be checked, and whether it is older
    /// than the text.
    pub model: Option<(&'a Model, bool)>,
    /// The findings of the current text, once it has been reviewed.
    pub findings: Option<&'a [Diagnostic]>,
}
