//! Writes never lie and never destroy (issue 14): a failed write to
//! standard output is an error (exit 2) unless the reader just went away
//! (`| head`); `-o` writes into a device or pipe that is there, over a
//! regular file whole or not at all, never over the design it reads.

#![cfg(unix)]

use std::io::Read;
use std::process::{Command, Stdio};

use assert_cmd::cargo::CommandCargoExt;
use predicates::prelude::*;

fn blueprint() -> assert_cmd::Command {
    let mut command = assert_cmd::Command::cargo_bin("blueprint").expect("binary builds");
    command.env("NO_COLOR", "1");
    command
}

const DESIGN: &str = "designs/url-shortener.yaml";

/// A full disk fails the run: exit 2 and a message, not an empty report
/// that passes CI.
#[test]
fn a_full_disk_is_an_error() {
    for args in [
        &["check", DESIGN, "--format", "sarif"][..],
        &["check", DESIGN, "--format", "json"],
        &["estimate", DESIGN],
        &["render", DESIGN],
        &["schema"],
    ] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let output = Command::cargo_bin("blueprint")
            .unwrap()
            .args(args)
            .stdout(full)
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains("cannot write to standard output"),
            "{args:?}: {stderr}"
        );
    }
}

/// A reader that goes away is no error: no message, and the exit code the
/// command would have had.
#[test]
fn a_closed_pipe_ends_the_run_quietly() {
    for (args, code) in [
        (&["schema"][..], 0),
        (&["check", "designs/checkout.yaml", "--format", "json"], 1),
    ] {
        let mut child = Command::cargo_bin("blueprint")
            .unwrap()
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let mut stderr = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(code), "{args:?}: {stderr}");
        assert!(stderr.is_empty(), "{args:?}: {stderr}");
    }
}

/// `-o` onto a device writes into it and leaves it a device.
#[test]
fn output_into_a_device() {
    blueprint()
        .args(["render", DESIGN, "-o", "/dev/null"])
        .assert()
        .success();
    use std::os::unix::fs::FileTypeExt;
    assert!(
        std::fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device()
    );
    blueprint()
        .args(["render", DESIGN, "-o", "/dev/full"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot write /dev/full"));
    assert!(
        std::fs::metadata("/dev/full")
            .unwrap()
            .file_type()
            .is_char_device()
    );
}

/// `-o` onto a FIFO writes into it for whoever reads, and leaves a FIFO.
#[test]
fn output_into_a_fifo() {
    let folder = tempfile::tempdir().unwrap();
    let fifo = folder.path().join("drawing.svg");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    blueprint()
        .args(["render", DESIGN, "-o"])
        .arg(&fifo)
        .assert()
        .success();
    assert!(reader.join().unwrap().starts_with("<svg"));
    use std::os::unix::fs::FileTypeExt;
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
}

/// `-o` never writes over the design it reads, by any name.
#[test]
fn output_never_over_the_input() {
    let folder = tempfile::tempdir().unwrap();
    let design = folder.path().join("design.yaml");
    let text = std::fs::read_to_string(DESIGN).unwrap();
    std::fs::write(&design, &text).unwrap();
    std::os::unix::fs::symlink(&design, folder.path().join("link.yaml")).unwrap();
    std::fs::hard_link(&design, folder.path().join("hard.yaml")).unwrap();
    for output in ["design.yaml", "./design.yaml", "link.yaml", "hard.yaml"] {
        for command in ["render", "report"] {
            blueprint()
                .current_dir(folder.path())
                .args([command, "design.yaml", "-o", output])
                .assert()
                .code(2)
                .stderr(predicate::str::contains("the design being read"));
        }
    }
    assert_eq!(std::fs::read_to_string(&design).unwrap(), text);
    let leftovers: Vec<_> = std::fs::read_dir(folder.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .filter(|name| name.to_string_lossy().contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// `-o` through a symbolic link replaces the file it leads to and keeps
/// the link; a link to nothing and a folder are refused.
#[test]
fn output_through_links() {
    let folder = tempfile::tempdir().unwrap();
    let target = folder.path().join("real.svg");
    std::fs::write(&target, "old").unwrap();
    let link = folder.path().join("link.svg");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    blueprint()
        .args(["render", DESIGN, "-o"])
        .arg(&link)
        .assert()
        .success();
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(
        std::fs::read_to_string(&target)
            .unwrap()
            .starts_with("<svg")
    );

    let dangling = folder.path().join("dangling.svg");
    std::os::unix::fs::symlink(folder.path().join("nowhere/x.svg"), &dangling).unwrap();
    blueprint()
        .args(["render", DESIGN, "-o"])
        .arg(&dangling)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("a symbolic link to nothing"));
    blueprint()
        .args(["render", DESIGN, "-o"])
        .arg(folder.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("a folder"));
}

/// A revision that starts with `-` is read as a revision, not taken by git
/// as an option.
#[test]
fn diff_revisions_are_never_options() {
    blueprint()
        .args(["diff", "--", "-x:designs/chat.yaml", DESIGN])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("invalid object name"))
        .stderr(predicate::str::contains("unknown switch").not());
}
