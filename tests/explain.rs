//! `blueprint explain CODE|NAME`: one rule's documentation.

use assert_cmd::Command;
use predicates::prelude::*;

fn blueprint() -> Command {
    Command::cargo_bin("blueprint").expect("binary builds")
}

#[test]
fn explains_a_rule_by_code() {
    blueprint()
        .args(["explain", "BP105"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("# BP105 cut-vertex (error)"))
        .stdout(predicate::str::contains("## Why it matters"))
        .stdout(predicate::str::contains("## How to fix it"))
        .stdout(predicate::str::contains("```yaml"));
}

#[test]
fn the_name_and_the_code_give_the_same_page() {
    let by_code = blueprint()
        .args(["explain", "BP101"])
        .output()
        .unwrap()
        .stdout;
    let by_name = blueprint()
        .args(["explain", "single-replica"])
        .output()
        .unwrap()
        .stdout;
    let lowercase = blueprint()
        .args(["explain", "bp101"])
        .output()
        .unwrap()
        .stdout;
    assert_eq!(by_code, by_name);
    assert_eq!(by_code, lowercase);
}

#[test]
fn reader_errors_are_explained_too() {
    blueprint()
        .args(["explain", "duplicate-key"])
        .assert()
        .success()
        .stdout(predicate::str::contains("# BP008"));
}

#[test]
fn unknown_codes_exit_2_with_a_suggestion() {
    blueprint()
        .args(["explain", "cut-vertx"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("did you mean `cut-vertex`"));
}

#[test]
fn bp212_prints_its_catalogue_of_figures() {
    blueprint()
        .args(["explain", "implausible-figure"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "# BP212 implausible-figure (warning)",
        ))
        .stdout(predicate::str::contains("## The figures"))
        .stdout(predicate::str::contains(
            "| kafka, msk, redpanda | 140k/s | records/s per partition |",
        ))
        .stdout(predicate::str::contains("Four million TPS"))
        .stdout(predicate::str::contains("| network | 20us |"));
}
