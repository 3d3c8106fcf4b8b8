//! Hostile input to `check`: files built to hurt a reader (alias bombs,
//! deep nesting, huge or binary files). Each must be refused with exit code
//! 2, a message naming the file, and no panic. The reader's limits bound
//! the work by the size of the file; what is checked here is that the run
//! ends inside the harness's bounds (`tests/support`: a watchdog thread and
//! an address-space limit in the child), not how long it took, which a
//! busy machine decides.

#![cfg(unix)]

mod support;

use support::bounded;

/// Hostile files: each must be refused with code 2, naming the file,
/// within the harness's time and memory bounds.
fn refused_quickly(name: &str, bytes: &[u8]) -> String {
    let folder = tempfile::tempdir().unwrap();
    std::fs::write(folder.path().join(name), bytes).unwrap();
    let run = bounded(folder.path(), &["check", name]);
    assert!(run.ended_cleanly(), "{name}: {}", run.stderr);
    assert_eq!(run.code, Some(2), "{name}: {}", run.stderr);
    assert!(
        run.stdout.is_empty(),
        "{name}: a refused file prints no report"
    );
    assert!(
        run.stderr.contains(name),
        "{name}: message does not name the file: {}",
        run.stderr
    );
    run.stderr
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
