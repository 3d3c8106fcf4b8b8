//! Writes a generated design of N components to standard output, for
//! benchmarks and for trying the tool on a large design:
//! `cargo run --example generate -- 10000 > big.yaml`, or with a shape
//! (`blocks`, `deep`, `wide`, `operations`):
//! `cargo run --example generate -- 10000 deep > deep.yaml`.

#[path = "../benches/support/mod.rs"]
mod support;

fn main() {
    let mut arguments = std::env::args().skip(1);
    let components = arguments
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(10_000);
    let shape = arguments.next().unwrap_or_else(|| "blocks".to_string());
    if !support::SHAPES.contains(&shape.as_str()) {
        eprintln!(
            "generate: unknown shape `{shape}`: expected one of {}",
            support::SHAPES.join(", ")
        );
        std::process::exit(2);
    }
    print!("{}", support::shaped(&shape, components));
}
