//! `blueprint check`: exit codes, the stdout/stderr split, JSON shape,
//! folders, stdin, every reader error, and hostile input.

use std::time::{Duration, Instant};

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn blueprint() -> Command {
    let mut command = Command::cargo_bin("blueprint").expect("binary builds");
    command.env("NO_COLOR", "1");
    command
}

fn json_of(args: &[&str]) -> (Value, i32) {
    let output = blueprint()
        .args(args)
        .args(["--format", "json"])
        .output()
        .expect("runs");
    let value = serde_json::from_slice(&output.stdout).expect("stdout is JSON");
    (value, output.status.code().expect("exits"))
}

/// `(code, component, line, column)` of every finding in the first file.
fn findings(value: &Value) -> Vec<(String, Option<String>, u64, u64)> {
    value["files"][0]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["component"].as_str().map(str::to_string),
                f["line"].as_u64().unwrap_or(0),
                f["column"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

const SOUND_DESIGNS: &[&str] = &[
    "designs/url-shortener.yaml",
    "designs/chat.yaml",
    "designs/timeline.yaml",
    "designs/paste-service.yaml",
    "designs/rate-limiter.yaml",
];

#[test]
fn every_bundled_design_reads() {
    let (value, code) = json_of(&["check", "designs/"]);
    assert!(code == 0 || code == 1, "exit {code}");
    let files = value["files"].as_array().unwrap();
    assert!(files.len() >= 6, "{} designs", files.len());
    for file in files {
        for finding in file["findings"].as_array().unwrap() {
            let code = finding["code"].as_str().unwrap();
            assert!(
                !code.starts_with("BP0"),
                "{} does not read: {finding}",
                file["path"]
            );
        }
    }
}

#[test]
fn sound_designs_have_no_findings() {
    for design in SOUND_DESIGNS {
        let (value, code) = json_of(&["check", design]);
        assert_eq!(findings(&value), [], "{design}");
        assert_eq!(code, 0, "{design}");
    }
}

#[test]
fn designs_with_mistakes_fail_with_code_1() {
    let (value, code) = json_of(&["check", "designs/checkout.yaml"]);
    assert_eq!(code, 1);
    assert!(
        findings(&value)
            .iter()
            .any(|f| f.0 == "BP101" && f.1.as_deref() == Some("orders_db"))
    );
}

#[test]
fn folders_are_searched_in_sorted_order() {
    let (value, _) = json_of(&["check", "designs"]);
    let paths: Vec<&str> = value["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted);
    assert!(
        paths
            .iter()
            .all(|p| p.ends_with(".yaml") || p.ends_with(".yml"))
    );
}

#[test]
fn folders_skip_yaml_that_is_not_a_design() {
    let folder = tempfile::tempdir().unwrap();
    std::fs::write(folder.path().join("ci.yaml"), "on: push\njobs: {}\n").unwrap();
    std::fs::create_dir(folder.path().join("nested")).unwrap();
    std::fs::write(
        folder.path().join("nested/api.yml"),
        "version: 1\nname: Nested\ncomponents:\n  api: { kind: service, replicas: 2 }\n",
    )
    .unwrap();
    let (value, code) = json_of(&["check", folder.path().to_str().unwrap()]);
    assert_eq!(code, 0);
    let files = value["files"].as_array().unwrap();
    assert_eq!(files.len(), 1);
    assert!(files[0]["path"].as_str().unwrap().ends_with("api.yml"));
}

#[test]
fn reads_standard_input() {
    let output = blueprint()
        .args(["check", "-", "--format", "json", "--select", "BP101"])
        .write_stdin("version: 1\nname: Piped\ncomponents:\n  users: { kind: client, calls: [{ to: api }] }\n  api: { kind: service }\n")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let value: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(value["files"][0]["path"], "-");
    assert_eq!(
        findings(&value),
        [("BP101".to_string(), Some("api".to_string()), 5, 3)]
    );
}

#[test]
fn json_has_the_documented_shape() {
    let (value, code) = json_of(&["check", "designs/checkout.yaml"]);
    assert_eq!(code, 1);
    assert_eq!(value["version"], 1);
    let finding = &value["files"][0]["findings"][0];
    for key in [
        "code",
        "name",
        "severity",
        "component",
        "message",
        "line",
        "column",
        "suppressed",
        "help",
    ] {
        assert!(
            finding.get(key).is_some(),
            "finding has no `{key}`: {finding}"
        );
    }
    for key in ["error", "warning", "info"] {
        assert!(value["summary"][key].is_u64(), "summary has no `{key}`");
    }
}

#[test]
fn text_goes_to_stderr_and_json_to_stdout() {
    blueprint()
        .args(["check", "designs/checkout.yaml"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains("error[BP101 single-replica]"))
        .stderr(predicate::str::contains("designs/checkout.yaml:"));
    blueprint()
        .args(["check", "designs/checkout.yaml", "--format", "json"])
        .assert()
        .code(1)
        .stderr("");
}

#[test]
fn no_colour_when_not_a_terminal() {
    let output = blueprint()
        .env_remove("NO_COLOR")
        .args(["check", "designs/checkout.yaml"])
        .output()
        .unwrap();
    assert!(
        !output.stderr.contains(&0x1b),
        "escape codes in piped output"
    );
}

#[test]
fn fail_on_sets_the_threshold() {
    // ride-hailing carries warnings (BP102, BP104) and no error from the
    // rules this build ships.
    let (value, code) = json_of(&["check", "designs/ride-hailing.yaml"]);
    let severities: Vec<String> = value["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["severity"].as_str().unwrap().to_string())
        .collect();
    assert!(severities.iter().any(|s| s == "warning"));
    assert_eq!(code, 1);
    let errors = severities.iter().filter(|s| *s == "error").count();
    let expected = if errors > 0 { 1 } else { 0 };
    blueprint()
        .args(["check", "designs/ride-hailing.yaml", "--fail-on", "error"])
        .assert()
        .code(expected);
}

#[test]
fn select_and_ignore_take_codes_names_and_families() {
    let (value, _) = json_of(&["check", "designs/ride-hailing.yaml", "--select", "BP104"]);
    assert!(findings(&value).iter().all(|f| f.0 == "BP104"));
    assert!(!findings(&value).is_empty());
    let (value, _) = json_of(&[
        "check",
        "designs/ride-hailing.yaml",
        "--ignore",
        "no-health-check,single-zone",
    ]);
    assert!(
        findings(&value)
            .iter()
            .all(|f| f.0 != "BP104" && f.0 != "BP102")
    );
    let (value, code) = json_of(&["check", "designs/ride-hailing.yaml", "--ignore", "BP1,BP2"]);
    assert_eq!(findings(&value), []);
    assert_eq!(code, 0);
}

#[test]
fn unknown_rule_names_are_refused_with_a_hint() {
    blueprint()
        .args(["check", "designs/chat.yaml", "--select", "single-replca"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean `single-replica`"));
}

#[test]
fn missing_files_and_bad_flags_exit_2() {
    blueprint()
        .args(["check", "designs/no-such-design.yaml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("designs/no-such-design.yaml"));
    blueprint()
        .args(["check", "designs/chat.yaml", "--format", "xml"])
        .assert()
        .code(2);
    blueprint().args(["check"]).assert().code(2);
}

#[test]
fn an_invalid_file_outranks_findings_in_others() {
    blueprint()
        .args([
            "check",
            "designs/checkout.yaml",
            "tests/fixtures/invalid/bp004-unknown-component.yaml",
        ])
        .assert()
        .code(2);
}

/// Each reader error: the fixture, and where it must point.
const READER_ERRORS: &[(&str, &str, Option<&str>, u64, u64)] = &[
    ("bp001-syntax.yaml", "BP001", None, 6, 13),
    ("bp001-list.yaml", "BP001", None, 1, 1),
    ("bp002-unknown-field.yaml", "BP002", None, 6, 5),
    ("bp002-kind-field.yaml", "BP002", Some("api"), 7, 16),
    ("bp003-version.yaml", "BP003", None, 1, 10),
    ("bp004-unknown-component.yaml", "BP004", Some("api"), 7, 19),
    ("bp005-sync-cycle.yaml", "BP005", Some("inventory"), 9, 19),
    (
        "bp006-inconsistent-capacity.yaml",
        "BP006",
        Some("api"),
        6,
        15,
    ),
    ("bp007-unknown-zone.yaml", "BP007", Some("api"), 8, 18),
    ("bp008-duplicate-key.yaml", "BP008", None, 7, 3),
];

#[test]
fn each_reader_error_points_at_the_key() {
    for &(fixture, code, component, line, column) in READER_ERRORS {
        let path = format!("tests/fixtures/invalid/{fixture}");
        let (value, exit) = json_of(&["check", &path]);
        assert_eq!(exit, 2, "{fixture}");
        let found = findings(&value);
        assert_eq!(
            found.first(),
            Some(&(
                code.to_string(),
                component.map(str::to_string),
                line,
                column
            )),
            "{fixture}: {found:?}"
        );
    }
}

#[test]
fn several_value_errors_are_all_reported() {
    let (value, exit) = json_of(&["check", "tests/fixtures/invalid/bp003-values.yaml"]);
    assert_eq!(exit, 2);
    let places: Vec<(u64, u64)> = findings(&value).iter().map(|f| (f.2, f.3)).collect();
    assert_eq!(places, [(6, 15), (7, 14), (8, 15), (10, 11)]);
}

#[test]
fn duplicate_keys_show_both_places() {
    let (value, _) = json_of(&["check", "tests/fixtures/invalid/bp008-duplicate-key.yaml"]);
    let related = &value["files"][0]["findings"][0]["related"][0];
    assert_eq!(
        (related["line"].as_u64(), related["column"].as_u64()),
        (Some(4), Some(3))
    );
}

#[test]
fn human_rendering_of_each_reader_error() {
    for &(fixture, ..) in READER_ERRORS {
        let path = format!("tests/fixtures/invalid/{fixture}");
        let output = blueprint().args(["check", &path]).output().unwrap();
        let stderr = String::from_utf8(output.stderr).unwrap();
        insta::assert_snapshot!(fixture, stderr);
    }
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
    for index in 0..30_000 {
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
