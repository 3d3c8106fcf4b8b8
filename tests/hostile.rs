//! Hostile input to `check`: files built to hurt a reader (alias bombs,
//! deep nesting, huge or binary files). Each must be refused with exit code
//! 2, a message naming the file, and no panic, in well under a second. The
//! test has a binary of its own so that no other test competes for the CPU
//! while it is timed.

use std::time::{Duration, Instant};

use assert_cmd::Command;

fn blueprint() -> Command {
    let mut command = Command::cargo_bin("blueprint").expect("binary builds");
    command.env("NO_COLOR", "1");
    command
}

/// Hostile files: each must be refused with code 2, naming the file, fast.
fn refused_quickly(name: &str, bytes: &[u8]) -> String {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    let started = Instant::now();
    let output = blueprint().arg("check").arg(&path).output().unwrap();
    let elapsed = started.elapsed();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(2), "{name}: {stderr}");
    assert!(
        stderr.contains(name),
        "{name}: message does not name the file: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{name}: {stderr}");
    assert!(elapsed < Duration::from_secs(1), "{name} took {elapsed:?}");
    stderr
}

#[test]
fn hostile_input_is_refused() {
    let mut laughs = String::from(
        "version: 1\nname: x\ncomponents:\n  c0: { kind: service, tags: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol] }\n",
    );
    for level in 1..10 {
        let aliases = vec![format!("*a{}", level - 1); 9].join(", ");
        laughs.push_str(&format!(
            "  c{level}: {{ kind: service, tags: &a{level} [{aliases}] }}\n"
        ));
    }
    refused_quickly("laughs.yaml", laughs.as_bytes());

    let mut aliases = String::from("version: 1\nname: x\nzones: &z [a, b]\ncomponents:\n");
    for index in 0..15_000 {
        aliases.push_str(&format!("  c{index}: {{ kind: service, tags: *z }}\n"));
    }
    let stderr = refused_quickly("many-aliases.yaml", aliases.as_bytes());
    assert!(stderr.contains("limit"), "{stderr}");

    let deep = format!("version: 1\nname: x\ncomponents: {}\n", "[".repeat(100_000));
    refused_quickly("deep-flow.yaml", deep.as_bytes());
    let mut nested = String::from("version: 1\nname: x\ndescription:\n");
    for depth in 1..100 {
        nested.push_str(&format!("{}- \n", "  ".repeat(depth)));
    }
    refused_quickly("deep-block.yaml", nested.as_bytes());

    let stderr = refused_quickly("huge.yaml", &vec![b'#'; 17 * 1024 * 1024]);
    assert!(stderr.contains("16 MiB"), "{stderr}");
    let stderr = refused_quickly("latin1.yaml", b"version: 1\nname: caf\xe9\n");
    assert!(stderr.contains("not UTF-8"), "{stderr}");
    let stderr = refused_quickly("empty.yaml", b"");
    assert!(stderr.contains("empty"), "{stderr}");
    refused_quickly("comments.yaml", b"# nothing here\n");
    let stderr = refused_quickly("list.yaml", b"- a\n- b\n");
    assert!(stderr.contains("not a mapping"), "{stderr}");
    let stderr = refused_quickly(
        "v2.yaml",
        b"version: 2\nname: x\ncomponents:\n  a: { kind: service }\n",
    );
    assert!(stderr.contains("reads version 1"), "{stderr}");
}
