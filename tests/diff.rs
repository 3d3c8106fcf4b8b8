//! `blueprint diff`: pairs of designs with one known change each (a replica
//! count lowered, a cache added, a zone removed), every change and delta
//! asserted; revisions read from git; the formats and exit codes.

use std::path::Path;

use assert_cmd::Command;
use serde_json::{Value, json};

const BASE: &str = "tests/fixtures/diff/base.yaml";
const FEWER_REPLICAS: &str = "tests/fixtures/diff/fewer-replicas.yaml";
const WITH_CACHE: &str = "tests/fixtures/diff/with-cache.yaml";
const ZONE_REMOVED: &str = "tests/fixtures/diff/zone-removed.yaml";
const OPERATIONS: &str = "tests/fixtures/diff/operations.yaml";
const SLOW_ORDERS: &str = "tests/fixtures/diff/operations-slow-orders.yaml";
const SEARCH_ADDED: &str = "tests/fixtures/diff/operations-search-added.yaml";

fn blueprint() -> Command {
    let mut command = Command::cargo_bin("blueprint").expect("binary builds");
    command.env("NO_COLOR", "1");
    command
}

/// Runs `diff` and returns its exit code, standard output and standard error.
fn diff(args: &[&str]) -> (i32, String, String) {
    let output = blueprint().arg("diff").args(args).output().unwrap();
    (
        output.status.code().expect("exits, no signal"),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

fn diff_json(old: &str, new: &str) -> Value {
    let (code, stdout, stderr) = diff(&[old, new, "--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    serde_json::from_str(&stdout).expect("stdout is JSON")
}

fn metric(value: &Value, name: &str) -> (f64, f64) {
    let pair = &value["metrics"][name];
    (
        pair["old"].as_f64().unwrap_or_else(|| panic!("{name}.old")),
        pair["new"].as_f64().unwrap_or_else(|| panic!("{name}.new")),
    )
}

/// The findings of one list as `(code, component)`.
fn findings(value: &Value, list: &str) -> Vec<(String, Option<String>)> {
    value["findings"][list]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["component"].as_str().map(str::to_string),
            )
        })
        .collect()
}

fn close(actual: f64, expected: f64) -> bool {
    (actual - expected).abs() <= 1e-9 * expected.abs().max(1.0)
}

fn with_base_metrics(value: &Value) {
    // Base: `db` takes all 1,000 reads/s on its primary (2,000/s), 50%;
    // `api` 1,000/s on 3 x 800/s, 41.7%. So `db` is the bottleneck and the
    // design carries 1,000 / 0.5 = 2,000/s.
    assert_eq!(value["metrics"]["bottleneck"]["old"], "db");
    assert!(close(metric(value, "max_entry_rps").0, 2000.0));
    assert_eq!(metric(value, "entry_rps"), (1000.0, 1000.0));
    assert_eq!(value["metrics"]["n_plus_one"]["old"], true);
    assert_eq!(value["metrics"]["fatal_single_failures"]["old"], json!([]));
}

#[test]
fn a_replica_count_lowered() {
    let value = diff_json(BASE, FEWER_REPLICAS);
    with_base_metrics(&value);
    assert_eq!(
        value["components"],
        json!({
            "added": [],
            "removed": [],
            "changed": [{ "name": "api", "fields": [{ "field": "replicas", "old": 3.0, "new": 2.0 }] }]
        })
    );
    assert_eq!(value["design"]["fields"], json!([]));
    // Two replicas are both needed at 1,000/s (125% on one): BP103, and
    // `api` in series now needs 2 of 2, below the 99.9% target: BP204.
    assert_eq!(
        findings(&value, "introduced"),
        [
            ("BP204".to_string(), None),
            ("BP103".to_string(), Some("api".to_string()))
        ]
    );
    assert!(findings(&value, "fixed").is_empty());
    assert_eq!(value["findings"]["unchanged"], 1);
    // `api` at 1,000 / 1,600 = 62.5% is now the bottleneck: 1,600/s at most.
    assert_eq!(value["metrics"]["bottleneck"]["new"], "api");
    assert!(close(metric(&value, "max_entry_rps").1, 1600.0));
    // Availability: `api` now needs both of its replicas (2 of 2 at 99.9%
    // costs about 0.2%), and they sit in az1 and az2, so losing either zone
    // (99.95% each) takes it down: about 0.1% more. By hand, 0.3% in all.
    let (old, new) = metric(&value, "availability");
    let lost = old - new;
    assert!((0.0029..0.0031).contains(&lost), "{old} -> {new}");
    let (old_nines, new_nines) = metric(&value, "nines");
    assert!(close(old_nines, -(1.0 - old).log10()) && close(new_nines, -(1.0 - new).log10()));
    // A busier `api` waits longer: both percentiles rise, p99 beyond the
    // computation's tolerance of 0.5%.
    let (old_p50, new_p50) = metric(&value, "p50_s");
    let (old_p99, new_p99) = metric(&value, "p99_s");
    assert!(new_p50 > old_p50, "p50 {old_p50} -> {new_p50}");
    assert!(new_p99 > old_p99 * 1.005, "p99 {old_p99} -> {new_p99}");
    assert_eq!(value["metrics"]["n_plus_one"]["new"], false);
    assert_eq!(
        value["metrics"]["fatal_single_failures"]["new"],
        json!([
            { "failure": "zone:az1", "breaks": ["api"] },
            { "failure": "zone:az2", "breaks": ["api"] }
        ])
    );
    assert_eq!(value["regression"], true);
    let kinds: Vec<&str> = value["regressions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["findings", "p99", "availability"]);
    assert_eq!(value["regressions"][0]["count"], 2);
}

#[test]
fn a_cache_added() {
    let value = diff_json(BASE, WITH_CACHE);
    with_base_metrics(&value);
    assert_eq!(
        value["components"],
        json!({
            "added": ["cache"],
            "removed": [],
            "changed": [{ "name": "api", "fields": [
                { "field": "calls[cache]", "old": null, "new": "sync, read, timeout 20ms" },
                { "field": "calls[db]", "old": "sync, read, timeout 100ms", "new": null }
            ] }]
        })
    );
    assert_eq!(
        findings(&value, "fixed"),
        [("BP209".to_string(), Some("db".to_string()))]
    );
    assert!(findings(&value, "introduced").is_empty());
    assert_eq!(value["findings"]["unchanged"], 0);
    // `db` now sees the 10% of misses (5%); `api` at 41.7% is the
    // bottleneck: 1,000 / (1,000 / 2,400) = 2,400/s.
    assert_eq!(value["metrics"]["bottleneck"]["new"], "api");
    assert!(close(metric(&value, "max_entry_rps").1, 2400.0));
    // Availability counts requests: with the cache answering 90% of reads,
    // only the misses need `db` (the cache, 1 of 3 replicas, costs almost
    // nothing), so `db`'s share of the unavailability falls tenfold.
    let (old, new) = metric(&value, "availability");
    assert!(new > old, "{old} -> {new}");
    let (old_p50, new_p50) = metric(&value, "p50_s");
    let (old_p99, new_p99) = metric(&value, "p99_s");
    assert!(new_p50 < old_p50, "p50 {old_p50} -> {new_p50}");
    assert!(new_p99 < old_p99, "p99 {old_p99} -> {new_p99}");
    assert_eq!(
        value["metrics"]["n_plus_one"],
        json!({ "old": true, "new": true })
    );
    assert_eq!(value["regression"], false);
    assert_eq!(value["regressions"], json!([]));
}

#[test]
fn a_zone_removed() {
    let value = diff_json(BASE, ZONE_REMOVED);
    with_base_metrics(&value);
    let zones = json!({ "field": "zones", "old": ["az1", "az2", "az3"], "new": ["az1", "az2"] });
    assert_eq!(value["design"]["fields"], json!([zones]));
    let changed: Vec<Value> = ["lb", "api", "db"]
        .iter()
        .map(|name| json!({ "name": name, "fields": [zones] }))
        .collect();
    assert_eq!(
        value["components"],
        json!({ "added": [], "removed": [], "changed": changed })
    );
    // Three replicas over two zones put two in az1: losing it leaves one
    // `api` (125%) and one copy of `db` (no write quorum).
    assert_eq!(
        findings(&value, "introduced"),
        [
            ("BP103".to_string(), Some("api".to_string())),
            ("BP103".to_string(), Some("db".to_string()))
        ]
    );
    assert_eq!(value["findings"]["unchanged"], 1);
    assert_eq!(
        value["metrics"]["fatal_single_failures"]["new"],
        json!([{ "failure": "zone:az1", "breaks": ["api", "db"] }])
    );
    // The load and the replicas are the same, so capacity and
    // latency do not move; availability does, since zones fail whole and
    // two zones hold what three did.
    for name in ["max_entry_rps", "p50_s", "p99_s"] {
        let (old, new) = metric(&value, name);
        assert_eq!(old, new, "{name}");
    }
    let (old, new) = metric(&value, "availability");
    assert!(new < old, "{old} -> {new}");
    assert_eq!(
        value["metrics"]["bottleneck"],
        json!({ "old": "db", "new": "db" })
    );
    let kinds: Vec<&str> = value["regressions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["findings", "availability"]);
}

#[test]
fn a_design_against_itself_is_no_change() {
    let (code, stdout, _) = diff(&[BASE, BASE, "--fail-on-regression", "--fail-on", "info"]);
    assert_eq!(code, 0);
    assert!(stdout.lines().nth(1) == Some("No change."), "{stdout}");
    let value = diff_json(BASE, BASE);
    assert_eq!(
        value["components"],
        json!({ "added": [], "removed": [], "changed": [] })
    );
    assert_eq!(value["findings"]["unchanged"], 1);
}

#[test]
fn fail_on_regression_sets_the_exit_code() {
    let code = |args: &[&str]| diff(args).0;
    // Without the flag a diff is only a report.
    assert_eq!(code(&[BASE, FEWER_REPLICAS]), 0);
    assert_eq!(code(&[BASE, FEWER_REPLICAS, "--fail-on-regression"]), 1);
    // Its introduced error, and the p99 and availability, regress anyway.
    assert_eq!(
        code(&[
            BASE,
            FEWER_REPLICAS,
            "--fail-on-regression",
            "--fail-on",
            "error"
        ]),
        1
    );
    // A zone removed introduces warnings only, but loses availability.
    assert_eq!(code(&[BASE, ZONE_REMOVED, "--fail-on-regression"]), 1);
    assert_eq!(
        code(&[
            BASE,
            ZONE_REMOVED,
            "--fail-on-regression",
            "--fail-on",
            "error"
        ]),
        1
    );
    assert_eq!(code(&[BASE, WITH_CACHE, "--fail-on-regression"]), 0);
    // The other way round, every fix is a regression undone.
    assert_eq!(
        code(&[
            WITH_CACHE,
            BASE,
            "--fail-on-regression",
            "--fail-on",
            "info"
        ]),
        1
    );
    assert_eq!(code(&[FEWER_REPLICAS, BASE, "--fail-on-regression"]), 0);
}

#[test]
fn text_and_markdown() {
    let (code, text, _) = diff(&[BASE, FEWER_REPLICAS]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("fewer-replicas.txt", text);
    let (code, markdown, _) = diff(&[BASE, FEWER_REPLICAS, "--format", "md"]);
    assert_eq!(code, 0);
    assert!(
        markdown.starts_with(
            "**Worse**: 2 findings introduced at warning or above; p99 26.5ms → 28.5ms; availability 99.9987% → 99.6999%.\n"
        ),
        "{markdown}"
    );
    insta::assert_snapshot!("fewer-replicas.md", markdown);
    let (_, markdown, _) = diff(&[BASE, WITH_CACHE, "--format", "md"]);
    assert!(
        markdown.starts_with("**No regression**: 1 finding fixed;"),
        "{markdown}"
    );
    // A lone `-` would start a list at the start of a line: escaped.
    assert!(markdown.contains("| `api` | `calls[cache]` | \\- | sync, read, timeout 20ms |"));
    assert!(markdown.contains("- added: `cache` (cache)"));
    let (_, markdown, _) = diff(&[BASE, ZONE_REMOVED, "--format", "md"]);
    // Brackets escaped, so no value can start a link.
    assert!(markdown.contains("| *design* | `zones` | \\[az1, az2, az3\\] | \\[az1, az2\\] |"));
    assert!(markdown.contains("| N+1 | holds | fails: zone:az1 (api, db) | lost |"));
}

/// The operations of a diff as `(name, old rps, new rps)`.
fn operations(value: &Value) -> Vec<(String, Option<f64>, Option<f64>)> {
    value["operations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["name"].as_str().unwrap().to_string(),
                o["rps"]["old"].as_f64(),
                o["rps"]["new"].as_f64(),
            )
        })
        .collect()
}

fn operation<'a>(value: &'a Value, name: &str) -> &'a Value {
    value["operations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["name"] == name)
        .unwrap_or_else(|| panic!("no operation {name}"))
}

/// The orders database 40 times slower: only `buy` (a tenth of the
/// traffic) goes through it, so only `buy` regresses, against its own
/// 200ms target; `browse` keeps every figure to the bit.
#[test]
fn an_operation_regresses_against_its_own_targets() {
    let value = diff_json(OPERATIONS, SLOW_ORDERS);
    assert_eq!(
        operations(&value),
        [
            ("browse".to_string(), Some(900.0), Some(900.0)),
            ("buy".to_string(), Some(100.0), Some(100.0))
        ]
    );
    let browse = operation(&value, "browse");
    for figure in ["p50_s", "p99_s", "p999_s", "availability"] {
        assert_eq!(browse[figure]["old"], browse[figure]["new"], "{figure}");
    }
    assert_eq!(
        browse["latency_slo"]["new"],
        json!({ "p50": 0.02, "p99": 0.1 })
    );
    let buy = operation(&value, "buy");
    assert_eq!(buy["latency_slo"]["new"], json!({ "p99": 0.2 }));
    assert!((buy["availability_slo"]["new"].as_f64().unwrap() - 0.999).abs() < 1e-12);
    let (old_p99, new_p99) = (
        buy["p99_s"]["old"].as_f64().unwrap(),
        buy["p99_s"]["new"].as_f64().unwrap(),
    );
    assert!(old_p99 < 0.2 && new_p99 > 0.2, "{old_p99} -> {new_p99}");
    // The operation's regression replaces the whole traffic's p99, which
    // rose too: the mixture is no operation's latency.
    let regressions = value["regressions"].as_array().unwrap();
    let kinds: Vec<&str> = regressions
        .iter()
        .map(|r| r["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["findings", "operation_latency"]);
    assert_eq!(
        regressions[1],
        json!({
            "kind": "operation_latency",
            "operation": "buy",
            "quantile": "p99",
            "old_s": old_p99,
            "new_s": new_p99,
            "target_s": 0.2
        })
    );
    assert_eq!(
        findings(&value, "introduced"),
        [("BP203".to_string(), None)]
    );
}

/// A rise within the target still regresses, as the whole traffic's p99
/// does: 2ms to 6ms at the orders database lifts `buy`'s p99 beyond the
/// walk's 2%, with no finding to say so.
#[test]
fn a_slower_operation_within_its_target_still_sets_the_exit_code() {
    let folder = tempfile::tempdir().unwrap();
    let slower = folder.path().join("slower.yaml");
    let text = std::fs::read_to_string(SLOW_ORDERS).unwrap();
    std::fs::write(&slower, text.replace("latency: 80ms", "latency: 6ms")).unwrap();
    let slower = slower.to_str().unwrap();
    let value = diff_json(OPERATIONS, slower);
    let kinds: Vec<&str> = value["regressions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["operation_latency"]);
    assert_eq!(value["regressions"][0]["operation"], "buy");
    assert!(
        value["findings"]["introduced"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let (code, text, _) = diff(&[OPERATIONS, slower, "--fail-on-regression"]);
    assert_eq!(code, 1);
    assert!(
        text.lines()
            .nth(1)
            .is_some_and(|line| line.starts_with("Worse: `buy` p99 26.3ms → ")
                && line.ends_with("(target 200ms).")),
        "{text}"
    );
    // The other way round it is better, and names the operation.
    let (code, text, _) = diff(&[slower, OPERATIONS, "--fail-on-regression"]);
    assert_eq!(code, 0);
    assert!(
        text.lines()
            .nth(1)
            .is_some_and(|line| line.starts_with("No regression: `buy` p99 ")),
        "{text}"
    );
}

#[test]
fn operations_added_and_removed() {
    let value = diff_json(OPERATIONS, SEARCH_ADDED);
    assert_eq!(
        operations(&value),
        [
            ("browse".to_string(), Some(900.0), Some(800.0)),
            ("buy".to_string(), Some(100.0), Some(100.0)),
            ("search".to_string(), None, Some(100.0))
        ]
    );
    let search = operation(&value, "search");
    assert_eq!(search["p99_s"]["old"], Value::Null);
    assert!(search["p99_s"]["new"].as_f64().is_some());
    // Its targets are the design's.
    assert_eq!(search["latency_slo"]["new"], json!({ "p99": 0.1 }));
    assert_eq!(value["regression"], false);
    let fields: Vec<&str> = value["design"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        [
            "operations.browse.share",
            "operations.search.client",
            "operations.search.share"
        ]
    );
    assert_eq!(
        value["components"]["changed"],
        json!([{ "name": "api", "fields": [
            { "field": "calls[catalog_db].for", "old": ["browse"], "new": ["browse", "search"] }
        ] }])
    );
    let reversed = diff_json(SEARCH_ADDED, OPERATIONS);
    assert_eq!(
        operations(&reversed),
        [
            ("browse".to_string(), Some(800.0), Some(900.0)),
            ("buy".to_string(), Some(100.0), Some(100.0)),
            ("search".to_string(), Some(100.0), None)
        ]
    );
    let (code, markdown, _) = diff(&[
        SEARCH_ADDED,
        OPERATIONS,
        "--format",
        "md",
        "--fail-on-regression",
    ]);
    assert_eq!(code, 0);
    assert!(
        markdown.contains("| `search` | rate | 100/s | \\- | removed |"),
        "{markdown}"
    );
}

/// A design without operations of its own is judged on its whole traffic,
/// and has no operations table.
#[test]
fn one_implicit_operation_is_the_design() {
    let value = diff_json(BASE, FEWER_REPLICAS);
    assert_eq!(value["operations"], json!([]));
    let (_, text, _) = diff(&[BASE, FEWER_REPLICAS]);
    assert!(!text.contains("Operations:"));
    let (code, _, _) = diff(&[
        OPERATIONS,
        OPERATIONS,
        "--fail-on-regression",
        "--fail-on",
        "info",
    ]);
    assert_eq!(code, 0);
    let itself = diff_json(OPERATIONS, OPERATIONS);
    assert_eq!(itself["regressions"], json!([]));
    assert_eq!(operations(&itself).len(), 2);
}

#[test]
fn operations_in_text_and_markdown() {
    let (_, text, _) = diff(&[OPERATIONS, SLOW_ORDERS]);
    insta::assert_snapshot!("slow-orders.txt", text);
    let (_, markdown, _) = diff(&[OPERATIONS, SLOW_ORDERS, "--format", "md"]);
    insta::assert_snapshot!("slow-orders.md", markdown);
}

#[test]
fn the_same_inputs_give_the_same_bytes() {
    for format in ["text", "md", "json"] {
        for (old, new) in [(BASE, WITH_CACHE), (OPERATIONS, SEARCH_ADDED)] {
            let first = diff(&[old, new, "--format", format]).1;
            let second = diff(&[old, new, "--format", format]).1;
            assert_eq!(first, second, "{format}");
        }
    }
}

#[test]
fn an_unreadable_side_is_exit_code_2() {
    let (code, stdout, stderr) = diff(&[BASE, "tests/fixtures/invalid/bp002-unknown-field.yaml"]);
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    assert!(
        stderr.contains("tests/fixtures/invalid/bp002-unknown-field.yaml:"),
        "{stderr}"
    );
    let (code, _, stderr) = diff(&["missing.yaml", BASE]);
    assert_eq!(code, 2);
    assert!(stderr.contains("cannot read missing.yaml"), "{stderr}");
    let (code, _, stderr) = diff(&["-", "-"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("standard input"), "{stderr}");
}

#[test]
fn one_side_from_standard_input() {
    let output = blueprint()
        .args(["diff", BASE, "-", "--format", "json"])
        .write_stdin(std::fs::read(FEWER_REPLICAS).unwrap())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let value: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(value["new"], "-");
    assert_eq!(value["components"]["changed"][0]["name"], "api");
}

fn git(folder: &Path, args: &[&str]) {
    let status = std::process::Command::new("git")
        .args(["-c", "user.name=test", "-c", "user.email=test@example.com"])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(folder)
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

/// A repository with `designs/shop.yaml` committed as the base and changed
/// in the working tree to the lowered replica count.
fn repository() -> tempfile::TempDir {
    let folder = tempfile::tempdir().unwrap();
    let root = folder.path();
    git(root, &["init", "-q"]);
    std::fs::create_dir(root.join("designs")).unwrap();
    std::fs::copy(BASE, root.join("designs/shop.yaml")).unwrap();
    git(root, &["add", "designs/shop.yaml"]);
    git(root, &["commit", "-q", "-m", "base"]);
    std::fs::copy(FEWER_REPLICAS, root.join("designs/shop.yaml")).unwrap();
    folder
}

fn diff_in(folder: &Path, args: &[&str]) -> (i32, String, String) {
    let output = blueprint()
        .arg("diff")
        .args(args)
        .current_dir(folder)
        .output()
        .unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

#[test]
fn a_revision_read_from_git() {
    let repository = repository();
    let root = repository.path();
    let (code, stdout, stderr) = diff_in(
        root,
        &[
            "HEAD:designs/shop.yaml",
            "designs/shop.yaml",
            "--format",
            "json",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    let from_git: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(from_git["old"], "HEAD:designs/shop.yaml");
    // The same as comparing the two files.
    let mut from_files = diff_json(BASE, FEWER_REPLICAS);
    from_files["old"] = from_git["old"].clone();
    from_files["new"] = from_git["new"].clone();
    assert_eq!(from_git, from_files);
    // A path from the current folder, and a branch name as the revision.
    let designs = root.join("designs");
    let (code, stdout, stderr) = diff_in(&designs, &["main:./shop.yaml", "shop.yaml"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("│ api       ┆ replicas ┆ 3   ┆ 2   │"),
        "{stdout}"
    );
}

#[test]
fn a_missing_revision_or_git_is_exit_code_2() {
    let repository = repository();
    let root = repository.path();
    let (code, _, stderr) = diff_in(root, &["HEAD:designs/nothing.yaml", "designs/shop.yaml"]);
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with("error: cannot read `HEAD:designs/nothing.yaml` from git: "),
        "{stderr}"
    );
    assert!(stderr.contains("REV:./PATH"), "{stderr}");
    let (code, _, stderr) = diff_in(
        root,
        &["no-such-branch:designs/shop.yaml", "designs/shop.yaml"],
    );
    assert_eq!(code, 2);
    assert!(
        stderr.contains("`no-such-branch:designs/shop.yaml`"),
        "{stderr}"
    );
    // Not inside a repository.
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::copy(BASE, elsewhere.path().join("shop.yaml")).unwrap();
    let (code, _, stderr) = diff_in(elsewhere.path(), &["HEAD:shop.yaml", "shop.yaml"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("from git"), "{stderr}");
    // No git at all.
    let output = blueprint()
        .args(["diff", "HEAD:designs/shop.yaml", "designs/shop.yaml"])
        .current_dir(root)
        .env("PATH", "")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("git is not installed"), "{stderr}");
}

#[test]
fn a_file_whose_name_has_a_colon_is_read_as_a_file() {
    let folder = tempfile::tempdir().unwrap();
    std::fs::copy(BASE, folder.path().join("v1:shop.yaml")).unwrap();
    std::fs::copy(FEWER_REPLICAS, folder.path().join("v2:shop.yaml")).unwrap();
    let (code, stdout, stderr) = diff_in(folder.path(), &["v1:shop.yaml", "v2:shop.yaml"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.starts_with("v1:shop.yaml → v2:shop.yaml\n"),
        "{stdout}"
    );
}

#[test]
fn a_load_that_never_settles_claims_nothing_it_cannot_know() {
    let folder = tempfile::tempdir().unwrap();
    let settles = "version: 1\nname: t\nrequirements: { peak_rps: 100/s }\ncomponents:\n  users: { kind: client, calls: [{ to: q }] }\n  q: { kind: queue, consumer: w }\n  w: { kind: worker, replicas: 2, capacity: 1k/s, calls: [{ to: q, per_request: 0.5 }] }\n";
    std::fs::write(folder.path().join("settles.yaml"), settles).unwrap();
    // Each message now makes 1.5 more: the loop never settles, and only
    // BP201 is known about the new revision.
    std::fs::write(
        folder.path().join("loops.yaml"),
        settles.replace("per_request: 0.5", "per_request: 1.5"),
    )
    .unwrap();
    let (code, stdout, stderr) = diff_in(
        folder.path(),
        &[
            "settles.yaml",
            "loops.yaml",
            "--format",
            "json",
            "--fail-on-regression",
        ],
    );
    assert_eq!(code, 1, "{stderr}");
    let value: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(value["findings"]["complete"], false);
    assert_eq!(value["findings"]["fixed"], json!([]));
    assert_eq!(
        findings(&value, "introduced"),
        [("BP201".to_string(), Some("q".to_string()))]
    );
    assert_eq!(value["metrics"]["p99_s"]["new"], Value::Null);
    assert_eq!(value["metrics"]["availability"]["new"], Value::Null);
    assert!(value["metrics"]["availability"]["old"].is_f64());
    let (code, stdout, _) = diff_in(
        folder.path(),
        &[
            "loops.yaml",
            "settles.yaml",
            "--format",
            "json",
            "--fail-on-regression",
        ],
    );
    assert_eq!(code, 0);
    let value: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        findings(&value, "fixed"),
        [("BP201".to_string(), Some("q".to_string()))]
    );
    assert_eq!(value["findings"]["introduced"], json!([]));
}

/// Issue 18: the monthly cost is a metric when a side prices components,
/// and a component's `cost` a field; designs without prices have neither.
#[test]
fn the_cost_before_and_after() {
    let folder = tempfile::tempdir().unwrap();
    let old = folder.path().join("old.yaml");
    let new = folder.path().join("new.yaml");
    let design = std::fs::read_to_string("tests/fixtures/size/hand-sized.yaml").unwrap();
    std::fs::write(&old, &design).unwrap();
    std::fs::write(&new, design.replace("replicas: 5 ", "replicas: 8 ")).unwrap();
    let value = diff_json(old.to_str().unwrap(), new.to_str().unwrap());
    // 5 and then 8 replicas at 73 a month, and 600 for auth.
    let (before, after) = metric(&value, "cost_per_month");
    assert!(
        close(before, 965.0) && close(after, 1184.0),
        "{before} {after}"
    );
    let (_, text, _) = diff(&[old.to_str().unwrap(), new.to_str().unwrap()]);
    let row = text
        .lines()
        .find(|line| line.contains("cost/month"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        row.contains("965/month") && row.contains("1184/month") && row.contains("+22.7%"),
        "{row}"
    );
    std::fs::write(&new, design.replace("cost: 300/month", "cost: 400/month")).unwrap();
    let value = diff_json(old.to_str().unwrap(), new.to_str().unwrap());
    assert_eq!(
        value["components"]["changed"][0]["fields"][0]["field"],
        "cost"
    );
    let unpriced = diff_json(BASE, BASE);
    assert!(unpriced["metrics"].get("cost_per_month").is_none());
}
