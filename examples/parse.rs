//! Parses a design file into a generic value and does nothing else: the
//! baseline `check` and `estimate` are measured against (time and peak
//! memory; `support` gives it the binary's allocator, mimalloc), e.g.
//! `/usr/bin/time -v target/release/examples/parse big.yaml` beside
//! `/usr/bin/time -v target/release/blueprint check big.yaml`.

// Only the parse baseline is used here.
#[allow(dead_code)]
#[path = "../benches/support/mod.rs"]
mod support;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("parse: give a design file");
        std::process::exit(2);
    };
    let yaml = match std::fs::read_to_string(&path) {
        Ok(yaml) => yaml,
        Err(error) => {
            eprintln!("parse: {path}: {error}");
            std::process::exit(2);
        }
    };
    let value = support::parse_generic(&yaml);
    // Something of the value is used, so the parse cannot be left out.
    println!(
        "{} top-level keys",
        value.as_object().map_or(0, |o| o.len())
    );
}
