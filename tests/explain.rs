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

/// The pages of the findings whose meaning follows operations say so.
#[test]
fn the_pages_that_follow_operations_mention_them() {
    let page = |code: &str| {
        let output = blueprint().args(["explain", code]).output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{code}");
        String::from_utf8(output.stdout).unwrap()
    };
    let unknown_operation = page("BP011");
    for word in ["operations:", "`for`", "`as`", "share"] {
        assert!(unknown_operation.contains(word), "BP011: {word}");
    }
    assert!(page("BP005").contains("as: deliver"));
    for code in ["BP203", "BP204", "BP407"] {
        assert!(page(code).contains("operation"), "{code}");
    }
    assert!(page("BP407").contains("`for:`"));
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
