//! The design format: reading YAML with spans (`read`), its raw shape
//! (`raw`), checking and converting it (`lower`) into the [`Design`] that
//! every later stage reads (`model`), and the units of its quantities.

pub mod errors;
pub mod lower;
pub mod model;
pub mod quantity;
pub mod raw;
pub mod read;
pub mod schema;
pub mod shard_key;

pub use model::*;

use crate::diagnostic::Diagnostic;

/// Reads a design from the bytes of a file: every reason it cannot be read,
/// or the checked design.
pub fn load(bytes: &[u8]) -> Result<Design, Vec<Diagnostic>> {
    let source = read::decode(bytes)?;
    let (raw, mut errors) = read::parse_recovering(source);
    let Some(raw) = raw else {
        return Err(errors);
    };
    if !errors.is_empty() {
        // The reader went on past its errors: the names and values it could
        // read are checked in the same run.
        if let Err(more) = lower::lower(&raw) {
            errors.extend(more);
        }
        return Err(errors);
    }
    let design = lower::lower(&raw);
    // Freeing a large raw tree takes milliseconds that nothing waits for.
    rayon::spawn(move || drop(raw));
    design
}
