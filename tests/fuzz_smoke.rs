//! A short, fixed run of the fuzz targets of `fuzz/` in the test suite: the
//! seed corpus (the bundled designs, scenarios and test fixtures) and a
//! fixed number of seeded mutations of it, built with the fuzzing
//! dictionary, through the very functions libFuzzer calls. Same inputs on
//! every run, bounded time; the long run with libFuzzer is in
//! CONTRIBUTING.md.

#[path = "../fuzz/src/lib.rs"]
mod targets;

use std::path::Path;

use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64Mcg;

/// Mutated inputs for the reader and for the whole pipeline.
const READ_RUNS: usize = 2_000;
const PIPELINE_RUNS: usize = 200;

fn corpus() -> Vec<Vec<u8>> {
    let mut files = Vec::new();
    for folder in ["designs", "tests/fixtures", "scenarios", "templates/init"] {
        collect(Path::new(folder), &mut files);
    }
    files.sort();
    assert!(
        files.len() > 20,
        "the seed corpus is the repository's designs"
    );
    files
        .iter()
        .map(|path| std::fs::read(path).unwrap())
        .collect()
}

fn collect(folder: &Path, files: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(folder).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(&path, files);
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            files.push(path);
        }
    }
}

/// The tokens of `fuzz/blueprint.dict`, unescaped.
fn dictionary() -> Vec<Vec<u8>> {
    let text = std::fs::read_to_string("fuzz/blueprint.dict").unwrap();
    text.lines()
        .filter(|line| line.starts_with('"'))
        .map(|line| {
            let inner = &line[1..line.len() - 1];
            let mut bytes = Vec::new();
            let mut chars = inner.chars();
            while let Some(c) = chars.next() {
                match (c, chars.clone().next()) {
                    ('\\', Some('x')) => {
                        chars.next();
                        let hex: String = chars.by_ref().take(2).collect();
                        bytes.push(u8::from_str_radix(&hex, 16).unwrap());
                    }
                    ('\\', Some(escaped)) => {
                        chars.next();
                        bytes.push(escaped as u8);
                    }
                    (c, _) => bytes.extend(c.to_string().as_bytes()),
                }
            }
            bytes
        })
        .collect()
}

/// One of libFuzzer's kinds of mutation, at a random place.
fn mutate(input: &[u8], corpus: &[Vec<u8>], tokens: &[Vec<u8>], rng: &mut Pcg64Mcg) -> Vec<u8> {
    let mut bytes = input.to_vec();
    for _ in 0..rng.random_range(1..4) {
        let at = rng.random_range(0..=bytes.len());
        match rng.random_range(0..5) {
            0 => {
                let token = &tokens[rng.random_range(0..tokens.len())];
                bytes.splice(at..at, token.iter().copied());
            }
            1 if !bytes.is_empty() => {
                let end = (at + rng.random_range(1..64)).min(bytes.len());
                bytes.drain(at.min(end)..end);
            }
            2 if at < bytes.len() => bytes[at] = rng.random(),
            3 => {
                let other = &corpus[rng.random_range(0..corpus.len())];
                let from = rng.random_range(0..other.len().max(1));
                let end = (from + rng.random_range(1..256)).min(other.len());
                bytes.splice(at..at, other[from.min(end)..end].iter().copied());
            }
            _ => {
                let end = (at + rng.random_range(1..128)).min(bytes.len());
                let copy = bytes[at.min(end)..end].to_vec();
                bytes.splice(end..end, copy);
            }
        }
    }
    bytes
}

#[test]
fn the_fuzz_targets_survive_a_fixed_run() {
    let corpus = corpus();
    let tokens = dictionary();
    assert!(tokens.len() > 100, "{} tokens", tokens.len());
    for seed in &corpus {
        targets::read(seed);
        targets::pipeline(seed);
    }
    let mut rng = Pcg64Mcg::seed_from_u64(14);
    for run in 0..READ_RUNS {
        let base = &corpus[run % corpus.len()];
        targets::read(&mutate(base, &corpus, &tokens, &mut rng));
    }
    for run in 0..PIPELINE_RUNS {
        let base = &corpus[run % corpus.len()];
        targets::pipeline(&mutate(base, &corpus, &tokens, &mut rng));
    }
}
