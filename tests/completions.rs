//! `blueprint completions SHELL`: generated from the command line's
//! definition, so every subcommand and flag is in them.

use assert_cmd::Command;

fn completions(shell: &str) -> String {
    let output = Command::cargo_bin("blueprint")
        .unwrap()
        .args(["completions", shell])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{shell}");
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn every_shell_knows_every_subcommand() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let script = completions(shell);
        for word in [
            "check",
            "estimate",
            "envelope",
            "size",
            "utilisation",
            "render",
            "diff",
            "init",
            "completions",
            "man",
            "fail-on-regression",
            "watch",
            "template",
        ] {
            assert!(script.contains(word), "{shell} has no `{word}`");
        }
    }
}

#[test]
fn the_bash_script_parses() {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("blueprint.bash");
    std::fs::write(&path, completions("bash")).unwrap();
    let status = std::process::Command::new("bash")
        .arg("-n")
        .arg(&path)
        .status()
        .expect("bash runs");
    assert!(status.success());
}

#[test]
fn an_unknown_shell_is_refused() {
    Command::cargo_bin("blueprint")
        .unwrap()
        .args(["completions", "tcsh"])
        .assert()
        .code(2);
}
