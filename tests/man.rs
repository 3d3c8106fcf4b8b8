//! `blueprint man`: the manual page, generated from the command line's
//! definition.

use assert_cmd::Command;

#[test]
fn the_page_is_roff_and_lists_every_subcommand() {
    let output = Command::cargo_bin("blueprint")
        .unwrap()
        .arg("man")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let page = String::from_utf8(output.stdout).unwrap();
    assert!(
        page.starts_with(".ie \\n(.g .ds Aq \\(aq"),
        "{}",
        &page[..80]
    );
    assert!(page.contains(".TH blueprint 1"), "no title");
    assert!(page.contains(".SH SUBCOMMANDS"), "no subcommands section");
    for subcommand in [
        "check",
        "estimate",
        "envelope",
        "size",
        "render",
        "rules",
        "schema",
        "explain",
        "diff",
        "init",
        "completions",
        "man",
    ] {
        assert!(
            page.contains(&format!("blueprint\\-{subcommand}(1)")),
            "no `{subcommand}`"
        );
    }
}

#[test]
fn each_subcommand_has_its_page() {
    let output = Command::cargo_bin("blueprint")
        .unwrap()
        .args(["man", "diff"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let page = String::from_utf8(output.stdout).unwrap();
    assert!(page.contains(".TH blueprint-diff 1"), "{page}");
    assert!(page.contains("\\-\\-fail\\-on\\-regression"), "{page}");
    Command::cargo_bin("blueprint")
        .unwrap()
        .args(["man", "dif"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("did you mean `diff`?"));
}
