//! The design format: reading YAML with spans (`read`), its raw shape
//! (`raw`), checking and converting it (`lower`) into the [`Design`] that
//! every later stage reads (`model`), and the units of its quantities.

pub mod edit;
pub mod errors;
pub mod lower;
pub mod model;
pub mod quantity;
pub mod raw;
pub mod read;
pub mod schema;
pub mod shape;
pub mod shard_key;

pub use model::*;
pub use shape::ServiceShape;

use crate::diagnostic::Diagnostic;

/// Parses design text as `load` reads it: the raw design, or every error
/// of the reader and, when it could go on past them, the errors in the
/// names and values of the rest of the file (the raw design it read is
/// still returned, for an editor's names).
pub fn parse(source: &str) -> (Option<raw::RawDesign>, Vec<Diagnostic>) {
    let (raw, mut errors) = read::parse_recovering(source);
    if let Some(raw) = raw.as_ref().filter(|_| !errors.is_empty())
        && let Err(more) = lower::lower(raw)
    {
        errors.extend(more);
    }
    (raw, errors)
}

/// Reads a design from the bytes of a file: every reason it cannot be read,
/// or the checked design.
pub fn load(bytes: &[u8]) -> Result<Design, Vec<Diagnostic>> {
    let source = read::decode(bytes)?;
    let raw = match parse(source) {
        (Some(raw), errors) if errors.is_empty() => raw,
        (_, errors) => return Err(errors),
    };
    let design = lower::lower_owned(raw);
    // The parse tree is freed, and what comes next allocates other sizes.
    crate::allocator::release_freed_memory();
    design
}
