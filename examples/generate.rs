//! Writes a generated design of N components to standard output, for
//! benchmarks and for trying the tool on a large design:
//! `cargo run --example generate -- 10000 > big.yaml`.

#[path = "../benches/support/mod.rs"]
mod support;

fn main() {
    let components = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(10_000);
    print!("{}", support::design(components));
}
