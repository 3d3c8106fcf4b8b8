//! `blueprint init`: every template is written as it is kept, reviews
//! without a finding and validates against the JSON Schema; existing files
//! are never overwritten.

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn blueprint() -> Command {
    let mut command = Command::cargo_bin("blueprint").expect("binary builds");
    command.env("NO_COLOR", "1");
    command
}

/// The templates `init --list` offers, with the file each one is kept in.
fn templates() -> Vec<(String, String)> {
    let output = blueprint().args(["init", "--list"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let listing = String::from_utf8(output.stdout).unwrap();
    let names: Vec<String> = listing
        .lines()
        .map(|line| line.split_whitespace().next().unwrap().to_string())
        .collect();
    names
        .into_iter()
        .map(|name| {
            let starter = format!("templates/init/{name}.yaml");
            let source = if Path::new(&starter).exists() {
                starter
            } else {
                format!("designs/{name}.yaml")
            };
            (name, source)
        })
        .collect()
}

#[test]
fn the_list_has_the_starters_and_the_sound_bundled_designs() {
    let names: Vec<String> = templates().into_iter().map(|(name, _)| name).collect();
    for name in [
        "web-app",
        "api-with-cache",
        "event-pipeline",
        "url-shortener",
        "chat",
    ] {
        assert!(names.iter().any(|n| n == name), "{name} in {names:?}");
    }
    // The designs with mistakes on purpose are no place to start.
    for name in ["checkout", "ride-hailing", "video-streaming"] {
        assert!(!names.iter().any(|n| n == name), "{name} offered");
    }
}

#[test]
fn every_template_is_written_as_kept_and_reviews_clean() {
    let folder = tempfile::tempdir().unwrap();
    let templates = templates();
    assert!(templates.len() >= 8);
    for (name, source) in templates {
        let path = folder.path().join(format!("{name}.yaml"));
        blueprint()
            .args(["init", "--template", &name])
            .arg(&path)
            .assert()
            .code(0)
            .stderr(predicate::str::contains(format!(
                "wrote {}",
                path.display()
            )));
        let written = std::fs::read_to_string(&path).unwrap();
        assert_eq!(written, std::fs::read_to_string(&source).unwrap(), "{name}");
        let output = blueprint()
            .arg("check")
            .arg(&path)
            .args(["--format", "json"])
            .output()
            .unwrap();
        let report: Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(
            report["files"][0]["findings"],
            serde_json::json!([]),
            "{name}"
        );
        assert_eq!(output.status.code(), Some(0), "{name}");
    }
}

/// The templates whose system serves one kind of request; every other one
/// declares its operations, so that a design started from it shows each
/// kind of request taking its own way.
const ONE_KIND_OF_REQUEST: [&str; 2] = ["event-pipeline", "rate-limiter"];

#[test]
fn templates_with_several_kinds_of_request_declare_operations() {
    for (name, _) in templates() {
        let output = blueprint()
            .args(["init", "--template", &name, "-"])
            .output()
            .unwrap();
        let text = String::from_utf8(output.stdout).unwrap();
        let output = blueprint()
            .args(["estimate", "-", "--format", "json"])
            .write_stdin(text.clone())
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{name}");
        let estimate: Value = serde_json::from_slice(&output.stdout).unwrap();
        let operations = estimate["operations"].as_array().unwrap();
        if ONE_KIND_OF_REQUEST.contains(&name.as_str()) {
            assert!(!text.contains("\noperations:"), "{name}");
            assert_eq!(operations.len(), 1, "{name}");
            continue;
        }
        assert!(text.contains("\noperations:"), "{name} declares operations");
        assert!(text.contains("for: "), "{name} routes calls with `for`");
        assert!(operations.len() >= 2, "{name}: {operations:#?}");
        for operation in operations {
            assert!(
                operation["rps"].as_f64().unwrap() > 0.0,
                "{name}: {operation}"
            );
            assert!(
                operation["end_to_end_s"]["p99"].as_f64().is_some(),
                "{name}: {operation}"
            );
        }
    }
}

#[test]
fn every_template_validates_against_the_schema() {
    let output = blueprint().arg("schema").output().unwrap();
    let schema: Value = serde_json::from_slice(&output.stdout).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    for (name, _) in templates() {
        let output = blueprint()
            .args(["init", "--template", &name, "-"])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0));
        let text = String::from_utf8(output.stdout).unwrap();
        let design: Value = serde_saphyr::from_str(&text).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&design)
            .map(|e| format!("{}: {e}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:#?}");
    }
}

#[test]
fn an_existing_file_is_never_overwritten() {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("mine.yaml");
    std::fs::write(&path, "my own design\n").unwrap();
    blueprint()
        .args(["init", "--template", "web-app"])
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "already exists; not overwriting it",
        ));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "my own design\n");
    // Nothing else is left in the folder (no temporary file).
    assert_eq!(std::fs::read_dir(folder.path()).unwrap().count(), 1);
}

#[test]
fn the_default_path_and_a_folder() {
    let folder = tempfile::tempdir().unwrap();
    blueprint()
        .args(["init", "--template", "api-with-cache"])
        .current_dir(folder.path())
        .assert()
        .code(0);
    assert!(folder.path().join("api-with-cache.yaml").is_file());
    // The same again is refused.
    blueprint()
        .args(["init", "--template", "api-with-cache"])
        .current_dir(folder.path())
        .assert()
        .code(2);
    let designs = folder.path().join("designs");
    std::fs::create_dir(&designs).unwrap();
    blueprint()
        .args(["init", "--template", "event-pipeline"])
        .arg(&designs)
        .assert()
        .code(0);
    assert!(designs.join("event-pipeline.yaml").is_file());
}

#[test]
fn an_unknown_template_is_named_with_a_hint() {
    blueprint()
        .args(["init", "--template", "web-ap"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean `web-app`?"))
        .stderr(predicate::str::contains(
            "templates: web-app, api-with-cache",
        ));
    blueprint().arg("init").assert().code(2);
    blueprint()
        .args(["init", "--list", "--template", "chat"])
        .assert()
        .code(2);
}

#[test]
fn a_folder_that_does_not_exist_is_an_error() {
    let folder = tempfile::tempdir().unwrap();
    blueprint()
        .args(["init", "--template", "chat"])
        .arg(folder.path().join("no/such/folder/chat.yaml"))
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with("error: cannot write "));
}
