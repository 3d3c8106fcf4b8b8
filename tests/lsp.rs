//! `blueprint lsp`, spoken to as editors speak to it.
//!
//! - A small JSON-RPC client in this file starts the binary and drives each
//!   feature over standard input and output: diagnostics (the same findings
//!   as `check`, at the same places, after edits, debounced), hover,
//!   completion, definition, references, symbols, the `allow:` code action,
//!   `blueprint.toml`, UTF-8 and UTF-16 columns, and bad requests.
//! - Neovim's own LSP client, headless (`tests/lsp/neovim.lua`), opens a
//!   bundled design, receives its findings, asks for hover and completion
//!   and edits lines. Neovim comes from Debian (`bash
//!   tests/consumers/install.sh` installs it); when it is missing the test
//!   FAILS, naming the install command: a skipped check would look like a
//!   passed one.

use std::collections::HashMap;
use std::io::{BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use lsp_server::{Message, Notification, Request, RequestId, Response};
use serde_json::{Value, json};

/// How long any one answer may take on a loaded machine.
const PATIENCE: Duration = Duration::from_secs(120);
const TODAY: &str = "2026-01-01";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn binary() -> PathBuf {
    assert_cmd::cargo::cargo_bin("blueprint")
}

fn uri_of(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// A client of one `blueprint lsp` process.
struct Client {
    child: Child,
    input: ChildStdin,
    messages: Receiver<Message>,
    next_id: i32,
    /// Notifications that came while waiting for something else.
    notifications: Vec<Notification>,
    /// The result of `initialize`.
    capabilities: Value,
    /// The version the next whole-text change gets.
    next_version: i32,
}

impl Client {
    /// Starts the server and says `initialize`, offering these position
    /// encodings (none: the protocol's UTF-16).
    fn start(encodings: &[&str]) -> Client {
        let mut child = Command::new(binary())
            .args(["lsp", "--today", TODAY])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("blueprint lsp starts");
        let input = child.stdin.take().expect("stdin");
        let output = child.stdout.take().expect("stdout");
        let (sender, messages) = channel();
        std::thread::spawn(move || {
            let mut output = BufReader::new(output);
            while let Ok(Some(message)) = Message::read(&mut output) {
                if sender.send(message).is_err() {
                    break;
                }
            }
        });
        let mut client = Client {
            child,
            input,
            messages,
            next_id: 0,
            notifications: Vec::new(),
            capabilities: Value::Null,
            next_version: 100,
        };
        let mut capabilities = json!({
            "textDocument": { "hover": { "contentFormat": ["markdown"] } }
        });
        if !encodings.is_empty() {
            capabilities["general"] = json!({ "positionEncodings": encodings });
        }
        client.capabilities = client.request(
            "initialize",
            json!({ "processId": null, "rootUri": null, "capabilities": capabilities }),
        );
        client.notify("initialized", json!({}));
        client
    }

    fn send(&mut self, message: Message) {
        message.write(&mut self.input).expect("the server reads");
        self.input.flush().expect("the server reads");
    }

    fn next(&mut self, what: &str) -> Message {
        self.messages
            .recv_timeout(PATIENCE)
            .unwrap_or_else(|_| panic!("no {what} from the server within {PATIENCE:?}"))
    }

    /// Sends a request and waits for its response.
    fn call(&mut self, method: &str, params: Value) -> Response {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        self.send(Message::Request(Request::new(
            id.clone(),
            method.to_string(),
            params,
        )));
        loop {
            match self.next(method) {
                Message::Response(response) if response.id == id => return response,
                Message::Notification(notification) => self.notifications.push(notification),
                _ => {}
            }
        }
    }

    /// The result of a request that must succeed.
    fn request(&mut self, method: &str, params: Value) -> Value {
        match self.call(method, params).response_result {
            Ok(result) => result,
            Err(error) => panic!("{method}: {error:?}"),
        }
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(Message::Notification(Notification::new(
            method.to_string(),
            params,
        )));
    }

    fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "yaml", "version": 1, "text": text } }),
        );
    }

    fn change(&mut self, uri: &str, version: i32, changes: Value) {
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": changes }),
        );
    }

    /// Replaces the whole text of `uri` with a new version, as a client that
    /// does not send edits does.
    fn replace(&mut self, uri: &str, text: &str) {
        self.next_version += 1;
        let version = self.next_version;
        self.change(uri, version, json!([{ "text": text }]));
    }

    /// Waits for the diagnostics of `version` of `uri`; returns them and
    /// how many publications for `uri` came before them.
    fn diagnostics(&mut self, uri: &str, version: i32) -> (Vec<Value>, usize) {
        let mut earlier = 0;
        loop {
            let notification = match self.notifications.is_empty() {
                false => self.notifications.remove(0),
                true => match self.next("publishDiagnostics") {
                    Message::Notification(notification) => notification,
                    _ => continue,
                },
            };
            if notification.method != "textDocument/publishDiagnostics"
                || notification.params["uri"] != uri
            {
                continue;
            }
            if notification.params["version"] == version {
                let diagnostics = notification.params["diagnostics"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                return (diagnostics, earlier);
            }
            earlier += 1;
        }
    }

    fn position(uri: &str, line: usize, character: usize) -> Value {
        json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character } })
    }

    /// Says `shutdown` and `exit`; the server must exit with code 0.
    fn stop(mut self) {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        drop(self.input);
        let status = self.child.wait().expect("the server exits");
        assert!(status.success(), "blueprint lsp exited with {status}");
    }
}

fn bundled(name: &str) -> (String, String) {
    let path = root().join("designs").join(name);
    let text = std::fs::read_to_string(&path).expect("bundled design");
    (uri_of(&path), text)
}

/// The 0-based line and UTF-16 column of the first `needle` (after
/// `skip` bytes of it, to point inside it).
fn find(text: &str, needle: &str, skip: usize) -> (usize, usize) {
    let offset = text.find(needle).unwrap_or_else(|| panic!("no `{needle}`")) + skip;
    let line = text[..offset].matches('\n').count();
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    (line, text[line_start..offset].encode_utf16().count())
}

fn codes(diagnostics: &[Value]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap_or("").to_string())
        .collect()
}

fn labels(completion: &Value) -> Vec<String> {
    let items = completion
        .get("items")
        .unwrap_or(completion)
        .as_array()
        .cloned()
        .unwrap_or_default();
    items
        .iter()
        .map(|item| item["label"].as_str().unwrap_or("").to_string())
        .collect()
}

// ----- diagnostics ------------------------------------------------------

/// (code, 1-based line, 1-based column in characters) of `check`'s live
/// findings, from its JSON.
fn check_findings(path: &Path) -> Vec<(String, u64, u64)> {
    let output = Command::new(binary())
        .args(["check", "--format", "json", "--today", TODAY])
        .arg(path)
        .output()
        .expect("check runs");
    let json: Value = serde_json::from_slice(&output.stdout).expect("check's JSON");
    // The editor shows every finding at its place: the leading ones and
    // those check lists under them (related, "caused by this").
    json["files"][0]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["suppressed"] == false)
        .flat_map(|f| {
            std::iter::once(f).chain(
                f["related"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|r| r["label"] == "caused by this"),
            )
        })
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap_or(0),
                f["column"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

#[test]
fn every_bundled_design_gets_checks_findings_at_their_places() {
    let mut client = Client::start(&[]);
    let mut designs: Vec<PathBuf> = std::fs::read_dir(root().join("designs"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    designs.sort();
    let mut with_findings = 0;
    for path in &designs {
        let text = std::fs::read_to_string(path).unwrap();
        let uri = uri_of(path);
        client.open(&uri, &text);
        let (diagnostics, _) = client.diagnostics(&uri, 1);
        let lines: Vec<&str> = text.split('\n').collect();
        let mut seen: Vec<(String, u64, u64)> = diagnostics
            .iter()
            .map(|d| {
                let line = d["range"]["start"]["line"].as_u64().unwrap() as usize;
                let units = d["range"]["start"]["character"].as_u64().unwrap() as usize;
                // UTF-16 units to characters, as check counts columns.
                let mut column = 0;
                let mut counted = 0;
                for c in lines[line].chars() {
                    if counted >= units {
                        break;
                    }
                    counted += c.len_utf16();
                    column += 1;
                }
                (
                    d["code"].as_str().unwrap().to_string(),
                    line as u64 + 1,
                    column + 1,
                )
            })
            .collect();
        let mut expected = check_findings(path);
        seen.sort();
        expected.sort();
        assert_eq!(seen, expected, "{}", path.display());
        with_findings += usize::from(!expected.is_empty());
        for diagnostic in &diagnostics {
            assert_eq!(diagnostic["source"], "blueprint");
            let code = diagnostic["code"].as_str().unwrap();
            assert_eq!(
                diagnostic["data"]["explain"],
                format!("blueprint explain {code}")
            );
        }
    }
    assert!(with_findings >= 2, "some bundled designs have findings");
    client.stop();
}

/// A design whose line 6 has text that is not ASCII before a bad value.
const NON_ASCII: &str = "version: 1\nname: Café ☕\ncomponents:\n  web: { kind: client, calls: [{ to: api }] }\n  api: { kind: service, replicas: 3, capacity: 1k/s }\n  db: { engine: \"pöstgres 🚀 ☕\", kind: database, replicas: zwei }\n";

#[test]
fn columns_are_utf16_unless_the_client_offers_utf8() {
    for (offered, expected) in [
        (&[][..], "utf-16"),
        (&["utf-16"][..], "utf-16"),
        (&["utf-32", "utf-8", "utf-16"][..], "utf-8"),
    ] {
        let mut client = Client::start(offered);
        assert_eq!(
            client.capabilities["capabilities"]["positionEncoding"],
            expected
        );
        let uri = "file:///nowhere/non-ascii.yaml";
        client.open(uri, NON_ASCII);
        let (diagnostics, _) = client.diagnostics(uri, 1);
        let bad = diagnostics
            .iter()
            .find(|d| d["code"] == "BP003")
            .expect("the bad replica count is found");
        let line = NON_ASCII.lines().nth(5).unwrap();
        let before = &line[..line.find("zwei").unwrap()];
        let start = match expected {
            "utf-8" => before.len(),
            _ => before.encode_utf16().count(),
        };
        assert_eq!(
            bad["range"]["start"],
            json!({ "line": 5, "character": start })
        );
        assert_eq!(
            bad["range"]["end"],
            json!({ "line": 5, "character": start + 4 })
        );
        // A hover on a quantity, in the same columns.
        let (line, column) = find(NON_ASCII, "1k/s", 1);
        let hover = client.request("textDocument/hover", Client::position(uri, line, column));
        assert!(
            hover["contents"]["value"]
                .as_str()
                .unwrap()
                .contains("1,000 per second")
        );
        client.stop();
    }
}

#[test]
fn edits_are_applied_and_reviewed_once_typing_rests() {
    let mut client = Client::start(&[]);
    let (uri, text) = bundled("url-shortener.yaml");
    client.open(&uri, &text);
    let (before, _) = client.diagnostics(&uri, 1);
    assert!(!codes(&before).contains(&"BP003".to_string()));
    // Type `kind: cahce` over the cache's kind, one keystroke per change,
    // all at once: the server reviews far fewer versions than it gets.
    let (line, column) = find(&text, "kind: cache", 6);
    let mut version = 1;
    client.change(
        &uri,
        2,
        json!([{ "range": { "start": { "line": line, "character": column }, "end": { "line": line, "character": column + 5 } }, "text": "" }]),
    );
    version += 1;
    for (index, c) in "cahce".chars().enumerate() {
        version += 1;
        let at = column + index;
        client.change(
            &uri,
            version,
            json!([{ "range": { "start": { "line": line, "character": at }, "end": { "line": line, "character": at } }, "text": c.to_string() }]),
        );
    }
    let (after, earlier) = client.diagnostics(&uri, version);
    assert!(
        earlier < 5,
        "{earlier} reviews published for 6 quick changes"
    );
    let misspelt = after
        .iter()
        .find(|d| d["code"] == "BP003")
        .expect("the misspelt kind is found");
    assert_eq!(misspelt["range"]["start"]["line"], line);
    assert!(
        misspelt["message"]
            .as_str()
            .unwrap()
            .contains("did you mean `cache`"),
        "{misspelt}"
    );
    // A whole-text change puts it back.
    version += 1;
    client.change(&uri, version, json!([{ "text": text }]));
    let (restored, _) = client.diagnostics(&uri, version);
    assert_eq!(codes(&restored), codes(&before));
    // Closing clears the findings.
    client.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": uri } }),
    );
    let cleared = loop {
        let notification = match client.next("publishDiagnostics") {
            Message::Notification(n) if n.method == "textDocument/publishDiagnostics" => n,
            _ => continue,
        };
        if notification.params["version"].is_null() {
            break notification;
        }
    };
    assert_eq!(cleared.params["diagnostics"], json!([]));
    client.stop();
}

#[test]
fn blueprint_toml_is_honoured_as_check_honours_it() {
    let folder = tempfile::tempdir().unwrap();
    let (_, text) = bundled("checkout.yaml");
    let nested = folder.path().join("designs");
    std::fs::create_dir(&nested).unwrap();
    let path = nested.join("checkout.yaml");
    std::fs::write(&path, &text).unwrap();
    std::fs::write(
        folder.path().join("blueprint.toml"),
        "ignore = [\"BP1\"]\n[severity]\nBP404 = \"error\"\n",
    )
    .unwrap();
    let mut client = Client::start(&[]);
    let uri = uri_of(&path);
    client.open(&uri, &text);
    let (diagnostics, _) = client.diagnostics(&uri, 1);
    let found = codes(&diagnostics);
    assert!(!found.iter().any(|c| c.starts_with("BP1")), "{found:?}");
    let mut expected: Vec<String> = check_findings(&path).into_iter().map(|f| f.0).collect();
    let mut sorted = found.clone();
    sorted.sort();
    expected.sort();
    assert_eq!(sorted, expected);
    let unguarded = diagnostics.iter().find(|d| d["code"] == "BP404").unwrap();
    assert_eq!(
        unguarded["severity"], 1,
        "BP404 is an error by the configuration"
    );
    // A broken configuration is said at the top, and the default rules run.
    std::fs::write(folder.path().join("blueprint.toml"), "selct = []\n").unwrap();
    client.notify(
        "textDocument/didSave",
        json!({ "textDocument": { "uri": uri } }),
    );
    let (diagnostics, _) = client.diagnostics(&uri, 1);
    assert!(
        diagnostics[0]["message"]
            .as_str()
            .unwrap()
            .contains("blueprint.toml: 1:1"),
        "{}",
        diagnostics[0]
    );
    assert!(codes(&diagnostics).contains(&"BP101".to_string()));
    client.stop();
}

// ----- hover ------------------------------------------------------------

#[test]
fn hover_on_components_codes_and_quantities() {
    let mut client = Client::start(&[]);
    let (uri, mut text) = bundled("checkout.yaml");
    text.push_str("allow:\n  - rule: BP204   # see BP101 too\n    reason: launch\n");
    client.open(&uri, &text);
    client.diagnostics(&uri, 1);

    let (line, column) = find(&text, "  cart_svc:\n", 3);
    let hover = client.request("textDocument/hover", Client::position(&uri, line, column));
    let value = hover["contents"]["value"].as_str().unwrap();
    for fact in [
        "**cart_svc** (service)",
        "- load: ",
        "- utilisation: ",
        "- p99: ",
        "- availability: ",
        "- reached from: api_gw",
    ] {
        assert!(value.contains(fact), "no `{fact}` in {value}");
    }
    // The same figures on a use of the name.
    let (line, column) = find(&text, "{ to: cart_svc", 8);
    let on_use = client.request("textDocument/hover", Client::position(&uri, line, column));
    assert_eq!(on_use["contents"], hover["contents"]);

    let (line, column) = find(&text, "rule: BP204", 8);
    let rule = client.request("textDocument/hover", Client::position(&uri, line, column));
    let page = rule["contents"]["value"].as_str().unwrap();
    assert!(
        page.starts_with("# BP204 availability-slo (error)"),
        "{page}"
    );
    assert!(page.contains("## How to fix it"));
    let (line, column) = find(&text, "see BP101", 5);
    let in_comment = client.request("textDocument/hover", Client::position(&uri, line, column));
    assert!(
        in_comment["contents"]["value"]
            .as_str()
            .unwrap()
            .starts_with("# BP101 single-replica")
    );

    for (needle, skip, expected) in [
        ("capacity: 5k/s", 11, "`5k/s` = 5,000 per second"),
        ("latency: 50ms", 10, "`50ms` = 0.05 seconds"),
        ("availability: 99.95%", 15, "`99.95%` = 0.9995 (99.95%)"),
        ("ttl: 2h", 5, "`2h` = 7,200 seconds"),
    ] {
        let (line, column) = find(&text, needle, skip);
        let hover = client.request("textDocument/hover", Client::position(&uri, line, column));
        assert_eq!(hover["contents"]["value"], expected, "{needle}");
    }
    // Nothing to say on a plain word.
    let (line, column) = find(&text, "engine: redis", 9);
    let nothing = client.request("textDocument/hover", Client::position(&uri, line, column));
    assert!(nothing.is_null(), "{nothing}");
    client.stop();
}

// ----- completion -------------------------------------------------------

#[test]
fn completion_of_keys_kinds_values_and_names() {
    let mut client = Client::start(&[]);
    let uri = "file:///nowhere/typing.yaml";
    let text = "version: 1\nname: typing\nzones: [az1, az2]\ncomponents:\n  web:\n    kind: client\n    calls: [{ to: api }]\n  api:\n    kind: service\n    calls:\n      - to: store\n  store:\n    kind: database\n    replicas: 3\n  sessions:\n    kind: cache\n    hit_ratio: 0.9\n";
    client.open(uri, text);
    client.diagnostics(uri, 1);
    let complete = |client: &mut Client, text: &str, line: usize, column: usize| {
        client.replace(uri, text);
        labels(&client.request(
            "textDocument/completion",
            Client::position(uri, line, column),
        ))
    };

    // Keys for a cache: its own and everyone's, less those given.
    let typing = text.replace("    hit_ratio: 0.9\n", "    hit_ratio: 0.9\n    ba\n");
    let keys = complete(&mut client, &typing, 17, 6);
    for key in [
        "backing", "ttl", "eviction", "replicas", "zones", "calls", "allow",
    ] {
        assert!(keys.contains(&key.to_string()), "no {key} in {keys:?}");
    }
    for key in [
        "hit_ratio",
        "kind",
        "rps",
        "algorithm",
        "replication",
        "auth",
    ] {
        assert!(!keys.contains(&key.to_string()), "{key} in {keys:?}");
    }
    // Keys of a database's replication, in a flow mapping.
    let typing = text.replace(
        "    replicas: 3\n",
        "    replicas: 3\n    replication: { factor: 3, mo\n",
    );
    let keys = complete(&mut client, &typing, 14, 31);
    assert!(keys.contains(&"mode".to_string()) && keys.contains(&"read_quorum".to_string()));
    assert!(!keys.contains(&"factor".to_string()), "{keys:?}");

    // Kinds, and keyword values.
    let kinds = complete(&mut client, &text.replace("kind: cache", "kind: "), 15, 10);
    assert!(kinds.contains(&"load_balancer".to_string()) && kinds.contains(&"cache".to_string()));
    let typing = text.replace("    replicas: 3\n", "    replicas: 3\n    consistency: \n");
    let values = complete(&mut client, &typing, 14, 17);
    assert_eq!(
        values,
        [
            "strong",
            "bounded_staleness",
            "session",
            "read_your_writes",
            "eventual"
        ]
    );

    // Component names where a component is named, block and flow.
    let names = complete(&mut client, text, 10, 13);
    assert_eq!(names, ["web", "api", "store", "sessions"]);
    let names = complete(&mut client, text, 6, 20);
    assert_eq!(names, ["web", "api", "store", "sessions"]);
    let typing = text.replace(
        "    hit_ratio: 0.9\n",
        "    hit_ratio: 0.9\n    backing: st\n",
    );
    assert_eq!(
        complete(&mut client, &typing, 17, 15),
        ["web", "api", "store", "sessions"]
    );

    // Zone names in a component's zones.
    let typing = text.replace("    replicas: 3\n", "    replicas: 3\n    zones: [az1, ]\n");
    assert_eq!(complete(&mut client, &typing, 14, 17), ["az1", "az2"]);

    // Rule codes and names in an allow entry.
    let typing = format!("{text}allow:\n  - rule: BP1\n");
    let rules = complete(&mut client, &typing, 18, 13);
    assert!(rules.contains(&"BP101".to_string()) && rules.contains(&"single-replica".to_string()));

    // After `key:` with no space, the value brings its own.
    let typing = text.replace("kind: cache", "kind:");
    client.replace(uri, &typing);
    let completion = client.request("textDocument/completion", Client::position(uri, 15, 9));
    let items = completion.as_array().unwrap();
    assert_eq!(items[0]["textEdit"]["newText"], " client");
    client.stop();
}

/// A design that declares its operations.
const OPERATIONS: &str = "version: 1
name: shortener
requirements:
  peak_rps: 10k/s
  latency_slo: { p99: 100ms }
zones: [az1, az2]
operations:
  shorten: { client: users, share: 0.1 }
  redirect: { client: users, share: 0.9 }
  audit: {}
components:
  users:
    kind: client
    calls: [{ to: api }]
  api:
    kind: service
    replicas: 4
    zones: [az1, az2]
    capacity: 5k/s
    latency: 2ms
    calls:
      - { to: db, for: shorten, op: write, timeout: 50ms }
      - { to: cache, for: [redirect], timeout: 20ms }
      - { to: auditor, for: shorten, as: audit, mode: async }
  cache:
    kind: cache
    replicas: 2
    zones: [az1, az2]
    capacity: 50k/s
    latency: 0.5ms
    hit_ratio: 0.9
    backing: db
  db:
    kind: database
    replicas: 3
    zones: [az1, az2]
    capacity: 5k/s
    latency: 4ms
  auditor:
    kind: worker
    replicas: 2
    zones: [az1, az2]
    capacity: 1k/s
    latency: 5ms
";

#[test]
fn operations_are_hovered_completed_and_found() {
    let mut client = Client::start(&[]);
    let uri = "file:///nowhere/operations.yaml";
    client.open(uri, OPERATIONS);
    let (diagnostics, _) = client.diagnostics(uri, 1);
    assert!(
        !codes(&diagnostics).iter().any(|c| c.starts_with("BP0")),
        "the design reads: {diagnostics:?}"
    );
    let hover = |client: &mut Client, needle: &str, skip: usize| {
        let (line, column) = find(OPERATIONS, needle, skip);
        let hover = client.request("textDocument/hover", Client::position(uri, line, column));
        hover["contents"]["value"]
            .as_str()
            .unwrap_or("")
            .to_string()
    };
    let api = hover(&mut client, "  api:\n", 3);
    assert!(api.contains("- operations: shorten, redirect\n"), "{api}");
    let shorten = hover(&mut client, "  shorten:", 3);
    for fact in [
        "**shorten** (operation)",
        "- rate: 1000/s",
        "- p99: ",
        "- availability: ",
    ] {
        assert!(shorten.contains(fact), "no `{fact}` in {shorten}");
    }
    let audit = hover(&mut client, "as: audit", 5);
    assert!(
        audit.contains("internal") && audit.contains("served by: auditor"),
        "{audit}"
    );

    let complete = |client: &mut Client, text: &str, needle: &str, skip: usize| {
        client.replace(uri, text);
        let (line, column) = find(text, needle, skip);
        labels(&client.request(
            "textDocument/completion",
            Client::position(uri, line, column),
        ))
    };
    let operations = ["shorten", "redirect", "audit"];
    assert_eq!(
        complete(&mut client, OPERATIONS, "for: [redirect]", 7),
        operations
    );
    assert_eq!(
        complete(&mut client, OPERATIONS, "as: audit", 5),
        operations
    );
    let typing = OPERATIONS.replace("as: audit, ", "as: ");
    assert_eq!(
        complete(&mut client, &typing, "shorten, as: ", 13),
        operations
    );
    assert_eq!(
        complete(&mut client, OPERATIONS, "client: users, share: 0.1", 9),
        ["users"]
    );

    let (line, column) = find(OPERATIONS, "for: shorten, op", 6);
    let definition = client.request(
        "textDocument/definition",
        Client::position(uri, line, column),
    );
    let (defined, _) = find(OPERATIONS, "  shorten:", 2);
    assert_eq!(
        definition["range"]["start"],
        json!({ "line": defined, "character": 2 })
    );
    let mut params = Client::position(uri, line, column);
    params["context"] = json!({ "includeDeclaration": true });
    let references = client.request("textDocument/references", params);
    assert_eq!(references.as_array().unwrap().len(), 3, "{references}");

    let symbols = client.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": uri } }),
    );
    let names: Vec<&str> = symbols
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "shorten", "redirect", "audit", "users", "api", "cache", "db", "auditor"
        ]
    );
    client.stop();
}

// ----- navigation and actions ---------------------------------------------

#[test]
fn definitions_references_and_symbols() {
    let mut client = Client::start(&[]);
    let (uri, text) = bundled("checkout.yaml");
    client.open(&uri, &text);
    client.diagnostics(&uri, 1);

    let (line, column) = find(&text, "backing: cart_db", 12);
    let definition = client.request(
        "textDocument/definition",
        Client::position(&uri, line, column),
    );
    let (defined, _) = find(&text, "  cart_db:\n", 2);
    assert_eq!(definition["uri"], uri);
    assert_eq!(
        definition["range"]["start"],
        json!({ "line": defined, "character": 2 })
    );
    assert_eq!(
        definition["range"]["end"],
        json!({ "line": defined, "character": 9 })
    );

    let references = |client: &mut Client, declaration: bool| {
        let mut params = Client::position(&uri, line, column);
        params["context"] = json!({ "includeDeclaration": declaration });
        client.request("textDocument/references", params)
    };
    let with = references(&mut client, true);
    let without = references(&mut client, false);
    // cart_db: its definition, `backing` and a call.
    assert_eq!(with.as_array().unwrap().len(), 3, "{with}");
    assert_eq!(without.as_array().unwrap().len(), 2, "{without}");

    let (line, column) = find(&text, "zones: [az1, az2, az3]\n\ncomponents", 9);
    let zone = client.request("textDocument/references", {
        let mut params = Client::position(&uri, line, column);
        params["context"] = json!({ "includeDeclaration": true });
        params
    });
    assert!(
        zone.as_array().unwrap().len() > 5,
        "az1 is used by most components"
    );

    let symbols = client.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": uri } }),
    );
    let names: Vec<&str> = symbols
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        &names[..5],
        ["cart", "place_order", "shoppers", "edge", "api_gw"]
    );
    let cart_db = symbols
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "cart_db")
        .unwrap();
    assert_eq!(cart_db["detail"], "database");
    assert_eq!(cart_db["range"]["start"]["line"], defined);
    assert_eq!(cart_db["range"]["end"]["line"], defined + 10, "{cart_db}");
    client.stop();
}

/// Applies the text edits of a workspace edit (one document, UTF-16).
fn apply(text: &str, edit: &Value) -> String {
    let edits = edit["changes"]
        .as_object()
        .and_then(|changes| changes.values().next())
        .and_then(Value::as_array)
        .expect("text edits");
    let mut result = text.to_string();
    let offset = |text: &str, position: &Value| {
        let line = position["line"].as_u64().unwrap() as usize;
        let units = position["character"].as_u64().unwrap() as usize;
        let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        let mut counted = 0;
        let mut bytes = 0;
        for c in text[start..].chars() {
            if counted >= units || c == '\n' {
                break;
            }
            counted += c.len_utf16();
            bytes += c.len_utf8();
        }
        start + bytes
    };
    let mut ordered: Vec<&Value> = edits.iter().collect();
    ordered.sort_by_key(|e| std::cmp::Reverse(offset(text, &e["range"]["start"])));
    for edit in ordered {
        let start = offset(&result, &edit["range"]["start"]);
        let end = offset(&result, &edit["range"]["end"]);
        result.replace_range(start..end, edit["newText"].as_str().unwrap());
    }
    result
}

#[test]
fn a_code_action_allows_a_finding_where_it_belongs() {
    let mut client = Client::start(&[]);
    let (uri, text) = bundled("checkout.yaml");
    // A target the design misses: a finding of the design as a whole.
    let text = text.replace("  availability_slo: 99.9%", "  availability_slo: 99.99%");
    client.open(&uri, &text);
    let (diagnostics, _) = client.diagnostics(&uri, 1);
    let mut version = 1;
    let mut current = text.clone();
    // A component's finding, then one of the design as a whole.
    for (code, component) in [("BP101", Some("orders_db")), ("BP204", None)] {
        let finding = diagnostics.iter().find(|d| d["code"] == code).unwrap();
        let actions = client.request(
            "textDocument/codeAction",
            json!({ "textDocument": { "uri": uri }, "range": finding["range"], "context": { "diagnostics": [finding] } }),
        );
        let action = actions
            .as_array()
            .unwrap()
            .iter()
            .find(|a| {
                a["title"]
                    .as_str()
                    .unwrap()
                    .starts_with(&format!("Allow {code}"))
            })
            .unwrap_or_else(|| panic!("no action for {code} in {actions}"));
        assert_eq!(action["kind"], "quickfix");
        let place = component.map_or("the design".to_string(), |c| format!("`{c}`"));
        assert!(
            action["title"].as_str().unwrap().ends_with(&place),
            "{action}"
        );
        current = apply(&current, &action["edit"]);
        assert!(current.contains(&format!("rule: {code}\n")), "{current}");
        assert!(current.contains("reason: TODO say why this finding is accepted"));
        version += 1;
        client.change(&uri, version, json!([{ "text": current }]));
        let (after, _) = client.diagnostics(&uri, version);
        let found = codes(&after);
        assert!(
            !found.contains(&code.to_string()),
            "{code} still live: {found:?}"
        );
        assert!(
            !found
                .iter()
                .any(|c| c == "BP009" || c == "BP010" || c.starts_with("BP00")),
            "{found:?}"
        );
    }
    client.stop();
}

#[test]
fn bad_requests_get_errors_and_the_server_goes_on() {
    let mut client = Client::start(&[]);
    let unknown = client.call("textDocument/formatting", json!({}));
    assert_eq!(unknown.response_result.unwrap_err().code, -32601);
    let invalid = client.call("textDocument/hover", json!({ "textDocument": 3 }));
    assert_eq!(invalid.response_result.unwrap_err().code, -32602);
    let closed = client.request(
        "textDocument/hover",
        Client::position("file:///not/open.yaml", 0, 0),
    );
    assert!(closed.is_null());
    // Edits past the end of the text are clamped, not refused.
    let uri = "file:///nowhere/edits.yaml";
    client.open(uri, "version: 1\ncomponents:\n");
    client.change(
        uri,
        2,
        json!([{ "range": { "start": { "line": 40, "character": 9 }, "end": { "line": 2, "character": 0 } }, "text": "name: x\n" }]),
    );
    let (diagnostics, _) = client.diagnostics(uri, 2);
    assert!(
        diagnostics[0]["message"]
            .as_str()
            .unwrap()
            .contains("no `components`"),
        "{diagnostics:?}"
    );
    client.stop();
}

#[test]
fn yaml_that_is_not_a_design_gets_no_findings() {
    let mut client = Client::start(&[]);
    let uri = "file:///nowhere/deployment.yaml";
    client.open(
        uri,
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n",
    );
    let (diagnostics, _) = client.diagnostics(uri, 1);
    assert_eq!(diagnostics, Vec::<Value>::new());
    // Once it has `components:` at the top, it is a design.
    client.change(
        uri,
        2,
        json!([{ "text": "components:\n  web: { kind: servce }\n" }]),
    );
    let (diagnostics, _) = client.diagnostics(uri, 2);
    assert!(
        codes(&diagnostics).contains(&"BP003".to_string()),
        "{diagnostics:?}"
    );
    client.stop();
}

// ----- speed ------------------------------------------------------------

// Only the `blocks` shape of the benchmarks' generator is used here.
#[allow(dead_code)]
#[path = "../benches/support/mod.rs"]
mod support;

/// How long the server waits for the text to rest (`src/cli/lsp.rs`).
const DEBOUNCE: Duration = Duration::from_millis(100);

/// On a design of 1,000 components, how long after a change its findings
/// come, less the debounce the server waits on purpose. A measurement, not
/// a check of the debug build: `cargo test --release --test lsp --
/// --ignored --nocapture thousand`.
#[test]
#[ignore = "a measurement: run it with --release"]
fn thousand_components_are_reviewed_quickly_after_a_change() {
    let text = support::design(1000);
    let uri = "file:///nowhere/generated.yaml";
    let mut client = Client::start(&[]);
    client.open(uri, &text);
    client.diagnostics(uri, 1);
    let (line, column) = find(&text, "replicas: 6", 10);
    let mut times = Vec::new();
    for version in 2..=21 {
        let value = if version % 2 == 0 { "7" } else { "6" };
        let start = std::time::Instant::now();
        client.change(
            uri,
            version,
            json!([{ "range": { "start": { "line": line, "character": column }, "end": { "line": line, "character": column + 1 } }, "text": value }]),
        );
        client.diagnostics(uri, version);
        times.push(start.elapsed().saturating_sub(DEBOUNCE));
    }
    times.sort();
    let median = times[times.len() / 2];
    let slowest = times[times.len() - 1];
    println!(
        "1,000 components ({} lines): a change is reviewed and published {median:?} after the debounce (median of {}), {slowest:?} at most",
        text.lines().count(),
        times.len()
    );
    if !cfg!(debug_assertions) {
        assert!(median < Duration::from_millis(200), "{median:?}");
    }
    client.stop();
}

// ----- a real editor ------------------------------------------------------

const INSTALL: &str = "bash tests/consumers/install.sh";

#[test]
fn neovim_sees_findings_hovers_completes_and_edits() {
    let version = Command::new("nvim").arg("--version").output();
    let version = match version {
        Ok(output) if output.status.success() => String::from_utf8_lossy(&output.stdout)
            .lines()
            .next()
            .unwrap_or_default()
            .to_string(),
        _ => panic!("Neovim (`nvim`) is not installed: run `{INSTALL}` (Debian's neovim package)"),
    };
    let folder = tempfile::tempdir().unwrap();
    let design = folder.path().join("checkout.yaml");
    std::fs::copy(root().join("designs/checkout.yaml"), &design).unwrap();
    let report = folder.path().join("report.txt");
    let output = Command::new("nvim")
        .args(["--headless", "-u", "NONE", "-i", "NONE", "-n"])
        .arg("-c")
        .arg(format!(
            "luafile {}",
            root().join("tests/lsp/neovim.lua").display()
        ))
        .env("BLUEPRINT_BIN", binary())
        .env("BLUEPRINT_DESIGN", &design)
        .env("BLUEPRINT_REPORT", &report)
        .env("XDG_STATE_HOME", folder.path())
        .env("XDG_DATA_HOME", folder.path())
        .stdin(Stdio::null())
        .output()
        .expect("nvim runs");
    let lines = std::fs::read_to_string(&report).unwrap_or_default();
    assert!(
        output.status.success(),
        "{version} failed ({}):\n{lines}\nstderr: {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let mut seen: HashMap<&str, Vec<Vec<&str>>> = HashMap::new();
    for line in lines.lines() {
        let fields: Vec<&str> = line.split('\t').collect();
        seen.entry(fields[0])
            .or_default()
            .push(fields[1..].to_vec());
    }
    let field = |name: &str| seen.get(name).and_then(|v| v.first()).map(|f| f.join("\t"));

    // The findings are check's, on the lines check gives.
    let expected: Vec<(String, u64)> = check_findings(&design)
        .into_iter()
        .map(|(code, line, _)| (code, line))
        .collect();
    let opened: Vec<(String, u64)> = seen["finding"]
        .iter()
        .map(|f| (f[0].to_string(), f[1].parse().unwrap()))
        .collect();
    let mut sorted = expected.clone();
    sorted.sort();
    let mut opened_sorted = opened.clone();
    opened_sorted.sort();
    assert_eq!(opened_sorted, sorted, "{lines}");
    let orders_db = seen["finding"].iter().find(|f| f[0] == "BP101").unwrap();
    assert_eq!(orders_db[2], "1", "BP101 points at `replicas: 1`");

    let hover = field("hover-component").unwrap();
    assert!(
        hover.contains("**api_gw** (gateway)") && hover.contains("utilisation"),
        "{hover}"
    );
    assert_eq!(
        field("hover-quantity").unwrap(),
        "`5k/s` = 5,000 per second"
    );
    let kinds = field("complete-kind").unwrap();
    assert!(
        kinds.contains("load_balancer") && kinds.contains("object_store"),
        "{kinds}"
    );
    let names = field("complete-to").unwrap();
    assert!(
        names.starts_with("shoppers edge api_gw cart_svc"),
        "{names}"
    );

    // Edits: the misspelt kind, then a bad value after text that is not
    // ASCII (Neovim turned the UTF-16 columns back into the right bytes).
    assert_eq!(
        field("after-edit").unwrap().split('\t').nth(2),
        Some("cahce")
    );
    assert_eq!(
        field("after-second-edit").unwrap().split('\t').nth(2),
        Some("zéro")
    );
    let restored: Vec<(String, u64)> = seen["restored"]
        .iter()
        .map(|f| (f[0].to_string(), f[1].parse().unwrap()))
        .collect();
    let mut restored_sorted = restored;
    restored_sorted.sort();
    assert_eq!(restored_sorted, sorted, "{lines}");
}
