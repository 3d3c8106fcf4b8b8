//! `blueprint rules`: the table of every rule.

use assert_cmd::Command;
use serde_json::Value;

fn blueprint() -> Command {
    Command::cargo_bin("blueprint").expect("binary builds")
}

#[test]
fn the_table_lists_every_code_with_its_name_and_severity() {
    let output = blueprint().arg("rules").output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let table = String::from_utf8(output.stdout).unwrap();
    for (code, name, severity) in [
        ("BP001", "invalid-yaml", "error"),
        ("BP008", "duplicate-key", "error"),
        ("BP101", "single-replica", "error"),
        ("BP102", "single-zone", "warning"),
        ("BP104", "no-health-check", "warning"),
        ("BP105", "cut-vertex", "error"),
    ] {
        let row = table
            .lines()
            .find(|line| line.contains(code))
            .unwrap_or_else(|| panic!("no row for {code}"));
        assert!(row.contains(name) && row.contains(severity), "{row}");
    }
}

#[test]
fn json_lists_the_rules_in_code_order() {
    let output = blueprint()
        .args(["rules", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let value: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(value["version"], 1);
    let rules = value["rules"].as_array().unwrap();
    let codes: Vec<&str> = rules.iter().map(|r| r["code"].as_str().unwrap()).collect();
    let mut sorted = codes.clone();
    sorted.sort();
    assert_eq!(codes, sorted);
    assert!(codes.len() >= 12);
    for rule in rules {
        for key in ["code", "name", "severity", "summary"] {
            assert!(rule[key].is_string(), "{rule}");
        }
    }
}

#[test]
fn the_readme_rule_table_is_current() {
    let output = blueprint()
        .args(["rules", "--format", "markdown"])
        .output()
        .unwrap();
    let table = String::from_utf8(output.stdout).unwrap();
    let readme = std::fs::read_to_string("README.md").unwrap();
    let start = readme.find("<!-- rules:start -->\n").expect("start marker")
        + "<!-- rules:start -->\n".len();
    let end = readme.find("<!-- rules:end -->").expect("end marker");
    assert_eq!(
        &readme[start..end],
        table,
        "README.md's rule table is stale: paste `blueprint rules --format markdown` between the markers"
    );
}
