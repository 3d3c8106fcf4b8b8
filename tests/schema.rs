//! `blueprint schema`: the JSON Schema of the design format.

use assert_cmd::Command;
use serde_json::Value;

fn schema() -> Value {
    let output = Command::cargo_bin("blueprint")
        .unwrap()
        .arg("schema")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    serde_json::from_slice(&output.stdout).expect("the schema is JSON")
}

fn as_json(yaml_path: &str) -> Value {
    let text = std::fs::read_to_string(yaml_path).unwrap();
    serde_saphyr::from_str(&text).unwrap_or_else(|error| panic!("{yaml_path}: {error}"))
}

#[test]
fn the_schema_is_valid_against_its_metaschema() {
    let schema = schema();
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    jsonschema::meta::validate(&schema).expect("a valid draft-07 schema");
}

#[test]
fn every_bundled_design_validates() {
    let validator = jsonschema::validator_for(&schema()).unwrap();
    let mut count = 0;
    for entry in std::fs::read_dir("designs").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yaml") {
            let design = as_json(path.to_str().unwrap());
            let errors: Vec<String> = validator
                .iter_errors(&design)
                .map(|e| format!("{}: {e}", e.instance_path()))
                .collect();
            assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
            count += 1;
        }
    }
    assert!(count >= 6);
}

#[test]
fn the_schema_refuses_what_the_reader_refuses() {
    let validator = jsonschema::validator_for(&schema()).unwrap();
    let misspelt: Value = serde_saphyr::from_str(
        "version: 1\nname: t\ncomponents:\n  api: { kind: service, replcas: 3 }\n",
    )
    .unwrap();
    assert!(!validator.is_valid(&misspelt));
    let bad_kind: Value =
        serde_saphyr::from_str("version: 1\nname: t\ncomponents:\n  api: { kind: servce }\n")
            .unwrap();
    assert!(!validator.is_valid(&bad_kind));
    let bad_rate: Value = serde_saphyr::from_str(
        "version: 1\nname: t\ncomponents:\n  api: { kind: service, capacity: 10k/fortnight }\n",
    )
    .unwrap();
    assert!(!validator.is_valid(&bad_rate));
    let future: Value =
        serde_saphyr::from_str("version: 2\nname: t\ncomponents:\n  api: { kind: service }\n")
            .unwrap();
    assert!(!validator.is_valid(&future));
}

/// The schema in a real editor engine: yaml-language-server (the engine of
/// VS Code's YAML extension), started over stdio by
/// tests/consumers/yaml/editor.mjs, flags a misspelt field and a field of
/// the wrong kind where `check` would, and offers the kinds as completions.
/// Installed by tests/consumers/install.sh (tests/run).
#[test]
fn an_editor_reads_the_schema() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let server = root.join("tests/consumers/yaml/node_modules/yaml-language-server/package.json");
    assert!(
        server.is_file(),
        "yaml-language-server is missing: run `bash tests/consumers/install.sh` (or tests/run)"
    );
    let folder = tempfile::tempdir().unwrap();
    let schema = Command::cargo_bin("blueprint")
        .unwrap()
        .arg("schema")
        .output()
        .unwrap()
        .stdout;
    std::fs::write(folder.path().join("blueprint.schema.json"), schema).unwrap();
    let design = folder.path().join("design.yaml");
    std::fs::write(
        &design,
        "# yaml-language-server: $schema=./blueprint.schema.json\nversion: 1\nname: t\ncomponents:\n  api: { kind: service, replcas: 3, tls: true }\n  db:\n    kind: \n",
    )
    .unwrap();
    let output = std::process::Command::new("node")
        .arg(root.join("tests/consumers/yaml/editor.mjs"))
        .arg(&design)
        .arg("7:11")
        .output()
        .expect("node runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let result: Value = serde_json::from_slice(&output.stdout).unwrap();
    let diagnostics: Vec<(u64, u64, String)> = result["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        diagnostics.contains(&(5, 25, "Property replcas is not allowed.".to_string())),
        "{diagnostics:?}"
    );
    assert!(
        diagnostics.contains(&(5, 37, "Property tls is not allowed.".to_string())),
        "{diagnostics:?}"
    );
    let completions: Vec<&str> = result["completions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for kind in ["client", "load_balancer", "service", "database", "external"] {
        assert!(completions.contains(&kind), "{completions:?}");
    }
}

/// A field of another kind is refused by the schema as by the reader.
#[test]
fn the_schema_knows_which_kind_takes_which_field() {
    let validator = jsonschema::validator_for(&schema()).unwrap();
    let design = |component: &str| -> Value {
        serde_saphyr::from_str(&format!(
            "version: 1\nname: t\ncomponents:\n  x: {component}\n"
        ))
        .unwrap()
    };
    assert!(!validator.is_valid(&design("{ kind: service, tls: true }")));
    assert!(validator.is_valid(&design("{ kind: gateway, tls: true }")));
    assert!(!validator.is_valid(&design("{ kind: client, replication: { factor: 3 } }")));
    assert!(validator.is_valid(&design("{ kind: external, idempotent: true }")));
}

/// The schema knows operations and a call's `for` and `as`, and says what
/// each is, so an editor can tell a user.
#[test]
fn operations_for_and_as_are_described() {
    let schema = schema();
    let text = schema.to_string();
    let definitions = &schema["definitions"];
    let operation = &definitions["RawOperation"];
    for field in [
        "client",
        "share",
        "rps",
        "latency_slo",
        "availability_slo",
        "description",
    ] {
        let described = operation["properties"][field]["description"].as_str();
        assert!(
            described.is_some_and(|d| !d.is_empty()),
            "operations.*.{field}: {operation:#}"
        );
    }
    assert!(
        schema["properties"]["operations"]["description"]
            .as_str()
            .is_some_and(|d| d.contains("kinds of request")),
        "{:#}",
        schema["properties"]["operations"]
    );
    let call = &definitions["RawCall"]["properties"];
    assert!(
        call["for"]["description"]
            .as_str()
            .is_some_and(|d| d.contains("operations")),
        "{call:#}"
    );
    assert!(
        call["as"]["description"]
            .as_str()
            .is_some_and(|d| d.contains("operation")),
        "{call:#}"
    );
    assert!(text.contains("OperationNames"));
    let validator = jsonschema::validator_for(&schema).unwrap();
    let typo: Value = serde_saphyr::from_str(
        "version: 1\nname: t\noperations:\n  read: { shar: 0.5 }\ncomponents:\n  api: { kind: service }\n",
    )
    .unwrap();
    assert!(!validator.is_valid(&typo));
    let routed: Value = serde_saphyr::from_str(
        "version: 1\nname: t\noperations:\n  read: { share: 1 }\n  push: {}\ncomponents:\n  users: { kind: client, calls: [{ to: api, for: [read] }] }\n  api: { kind: service, calls: [{ to: users2, for: read, as: push }] }\n  users2: { kind: service }\n",
    )
    .unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&routed)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}
