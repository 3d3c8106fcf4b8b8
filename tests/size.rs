//! `blueprint size`: the fewest replicas that meet every target with any
//! one zone lost; `--write` edits only the counts.

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

const HAND_SIZED: &str = "tests/fixtures/size/hand-sized.yaml";

fn blueprint() -> Command {
    let mut command = Command::cargo_bin("blueprint").expect("binary builds");
    command.env("NO_COLOR", "1");
    command
}

fn hand_sized() -> String {
    std::fs::read_to_string(HAND_SIZED).unwrap()
}

fn size_json(path: &str) -> (Option<i32>, Value) {
    let output = blueprint()
        .args(["size", path, "--format", "json"])
        .output()
        .unwrap();
    let value = serde_json::from_slice(&output.stdout).expect("stdout is JSON");
    (output.status.code(), value)
}

fn counts(value: &Value) -> Vec<(String, u64, u64)> {
    value["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_string(),
                c["before"].as_u64().unwrap(),
                c["after"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn scratch(text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("design.yaml");
    std::fs::write(&path, text).unwrap();
    (folder, path)
}

/// The working in the fixture's comment: 5 and 2.
#[test]
fn a_design_sized_by_hand_keeps_its_counts() {
    let (code, value) = size_json(HAND_SIZED);
    assert_eq!(code, Some(0));
    assert_eq!(
        counts(&value),
        [("api".to_string(), 5, 5), ("auth".to_string(), 2, 2)]
    );
    assert_eq!(value["unmet"], serde_json::json!([]));
    // 5 x 0.10/h x 730 h + 2 x 300.
    let cost = &value["cost_per_month"];
    assert!((cost["before"].as_f64().unwrap() - 965.0).abs() < 1e-6);
    assert!((cost["after"].as_f64().unwrap() - 965.0).abs() < 1e-6);
}

#[test]
fn over_provisioned_shrinks_and_under_provisioned_grows() {
    let text = hand_sized()
        .replace("replicas: 5 ", "replicas: 12")
        .replace("replicas: 2\n", "replicas: 1\n");
    let (_folder, path) = scratch(&text);
    let (code, value) = size_json(path.to_str().unwrap());
    assert_eq!(code, Some(0));
    assert_eq!(
        counts(&value),
        [("api".to_string(), 12, 5), ("auth".to_string(), 1, 2)]
    );
    let cost = &value["cost_per_month"];
    assert!((cost["before"].as_f64().unwrap() - 1176.0).abs() < 1e-6);
    assert!((cost["after"].as_f64().unwrap() - 965.0).abs() < 1e-6);
}

/// Twice the load: twice the survivors (6 of api, so 9 replicas over three
/// zones; 2 of auth, so 3).
#[test]
fn more_load_more_replicas_at_a_lower_utilisation() {
    let text = hand_sized().replace("peak_rps: 1000/s", "peak_rps: 2000/s");
    let (_folder, path) = scratch(&text);
    let (_, value) = size_json(path.to_str().unwrap());
    assert_eq!(
        counts(&value),
        [("api".to_string(), 5, 9), ("auth".to_string(), 2, 3)]
    );
    // At 50%: api needs ceil(1000 / 250) = 4 survivors, 6 replicas.
    let output = blueprint()
        .args([
            "size",
            HAND_SIZED,
            "--utilisation",
            "50%",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let value: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(counts(&value)[0], ("api".to_string(), 5, 6));
}

/// A p99 of 3ms when each request spends 6ms in service: no count helps.
#[test]
fn a_latency_floor_is_reported_not_chased() {
    let text = hand_sized().replace("p99: 100ms", "p99: 3ms");
    let (_folder, path) = scratch(&text);
    blueprint()
        .args(["size", path.to_str().unwrap()])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "Cannot be met by replicas alone: p99 of `users` (all up)",
        ))
        .stdout(predicate::str::contains("latency floor"));
}

#[test]
fn write_changes_only_the_counts_and_then_nothing_is_left() {
    let text = hand_sized()
        .replace("replicas: 5 ", "replicas: 12")
        .replace("    replicas: 2\n", "");
    let (_folder, path) = scratch(&text);
    blueprint()
        .args(["size", path.to_str().unwrap(), "--write"])
        .assert()
        .success()
        .stderr(predicate::str::contains("api: replicas 12 -> 5"))
        .stderr(predicate::str::contains("auth: replicas 1 -> 2"));
    let written = std::fs::read_to_string(&path).unwrap();
    // Byte for byte the original but the counts: the comment after api's
    // count, the working at the top and the layout stay.
    assert_eq!(
        written,
        text.replace("replicas: 12", "replicas: 5").replace(
            "  auth:\n    kind: service\n",
            "  auth:\n    kind: service\n    replicas: 2\n"
        )
    );
    blueprint()
        .args(["size", path.to_str().unwrap(), "--write"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Nothing to change"))
        .stderr(predicate::str::is_empty());
}

#[test]
fn write_refuses_standard_input() {
    blueprint()
        .args(["size", "-", "--write"])
        .write_stdin(hand_sized())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not standard input"));
}

#[test]
fn a_bad_utilisation_is_a_command_line_error() {
    blueprint()
        .args(["size", HAND_SIZED, "--utilisation", "120%"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("`120%` is not a utilisation"));
}

#[test]
fn the_table_for_people() {
    let text = hand_sized()
        .replace("replicas: 5 ", "replicas: 12")
        .replace("replicas: 2\n", "replicas: 1\n");
    let output = blueprint()
        .args(["size", "-"])
        .write_stdin(text)
        .output()
        .unwrap();
    insta::assert_snapshot!(String::from_utf8(output.stdout).unwrap());
}

#[test]
fn bundled_designs_size_the_same_twice() {
    for design in ["designs/url-shortener.yaml", "designs/chat.yaml"] {
        let run = || {
            blueprint()
                .args(["size", design, "--format", "json"])
                .output()
                .unwrap()
                .stdout
        };
        assert_eq!(run(), run(), "{design}");
    }
}

#[test]
fn the_help_shows_the_default_and_the_exit_codes() {
    blueprint()
        .args(["size", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("[default: 70%]"))
        .stdout(predicate::str::contains("Exit codes: 0 sized, 1 a target"));
}
