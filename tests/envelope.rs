//! `blueprint envelope`: the back-of-the-envelope figures and their working.

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn blueprint() -> Command {
    Command::cargo_bin("blueprint").expect("binary builds")
}

fn envelope_json(design: &str) -> Value {
    let output = blueprint()
        .args(["envelope", design, "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn per_user_workload() {
    let value = envelope_json("designs/timeline.yaml");
    assert_eq!(value["version"], 1);
    for key in [
        "avg_rps",
        "peak_rps",
        "read_rps",
        "write_rps",
        "peak_read_rps",
        "peak_write_rps",
        "storage_bytes_per_day",
        "storage_bytes_total",
        "ingress_bytes_per_s",
        "egress_bytes_per_s",
        "cache_bytes",
    ] {
        assert!(value[key].is_number(), "`{key}` is {}", value[key]);
    }
    // 50M users x 30 requests a day / 86,400 s, tripled at peak.
    let average = 50e6 * 30.0 / 86_400.0;
    assert!((value["avg_rps"].as_f64().unwrap() - average).abs() < 1e-6 * average);
    assert!((value["peak_rps"].as_f64().unwrap() - 3.0 * average).abs() < 1e-6 * average);
    let reads = value["read_rps"].as_f64().unwrap();
    let writes = value["write_rps"].as_f64().unwrap();
    assert!((reads + writes - average).abs() < 1e-6 * average);
}

#[test]
fn totals_workload() {
    let value = envelope_json("designs/paste-service.yaml");
    // 10M reads and 1M writes a day.
    assert!((value["read_rps"].as_f64().unwrap() - 10e6 / 86_400.0).abs() < 1e-6);
    assert!((value["write_rps"].as_f64().unwrap() - 1e6 / 86_400.0).abs() < 1e-6);
}

#[test]
fn the_working_is_shown_line_by_line() {
    blueprint()
        .args(["envelope", "designs/timeline.yaml"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "50M users x 30 requests/day / 86,400 s",
        ))
        .stdout(predicate::str::contains("peak factor"));
    let output = blueprint()
        .args(["envelope", "designs/timeline.yaml"])
        .output()
        .unwrap();
    insta::assert_snapshot!("timeline", String::from_utf8(output.stdout).unwrap());
    let output = blueprint()
        .args(["envelope", "designs/paste-service.yaml"])
        .output()
        .unwrap();
    insta::assert_snapshot!("paste-service", String::from_utf8(output.stdout).unwrap());
}

#[test]
fn a_design_without_a_workload_exits_2() {
    blueprint()
        .args(["envelope", "designs/chat.yaml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("requirements.workload"));
}
