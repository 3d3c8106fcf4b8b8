//! Hands blueprint's rendered outputs to the real programs that read them,
//! rather than to our own idea of the format:
//!
//! - `render --format dot`: Graphviz `dot -Tsvg` must exit 0 with an empty
//!   stderr (dot only warns, on stderr, about unknown shapes and the like);
//! - `render --format mermaid`: Mermaid's own parser (`mermaid.parse` under
//!   jsdom, `tests/consumers/mermaid/parse.mjs`) must accept every file;
//! - `render --format svg`: `xmllint --nonet --noout` must find it well formed.
//!
//! The three renderers also run on a design whose free text is hostile
//! (`tests/fixtures/hostile-names.yaml`): the SVGs (blueprint's and dot's)
//! must hold no `<script>`, `on*` or `javascript:`, and the Mermaid must not
//! carry the injected `%%{init}%%` or `"]; evil [` verbatim (mermaid.parse
//! accepts both).
//!
//! - `report` (HTML): opened in Debian's headless Chromium by
//!   `tests/consumers/browser/htmlcheck.mjs` (playwright-core), which must
//!   see no network request, no script element, handler or `javascript:`
//!   URL, no dialog, no console error, and must take a screenshot.
//!
//! The consumers come from the package registries: `bash
//! tests/consumers/install.sh` installs them (Debian's graphviz,
//! libxml2-utils and chromium; `npm ci` in each `tests/consumers/*` folder).
//! A missing consumer FAILS its test with a message that names it and the
//! install command: a skipped check would look like a passed one.

use std::path::{Path, PathBuf};
use std::process::{Command as Process, Output};

use assert_cmd::Command;

const INSTALL: &str = "bash tests/consumers/install.sh";

/// The bundled designs every renderer is checked on, and the hostile fixture
/// (free text that tries to break out of each format: a renderer that
/// escapes badly makes `dot` or Mermaid fail to parse, or `xmllint` see
/// broken XML).
const DESIGNS: [&str; 3] = ["designs/chat.yaml", "designs/checkout.yaml", HOSTILE];
const HOSTILE: &str = "tests/fixtures/hostile-names.yaml";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn blueprint() -> Command {
    let mut command = Command::cargo_bin("blueprint").expect("binary builds");
    command.env("NO_COLOR", "1").current_dir(root());
    command
}

/// A file name for `design`'s output: `designs/chat.yaml` -> `chat.EXT`.
fn output_name(design: &str, extension: &str) -> String {
    let stem = Path::new(design)
        .file_stem()
        .and_then(|stem| stem.to_str())
        .expect("design path has a file name");
    format!("{stem}.{extension}")
}

fn text_of(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The start of a file, to show in a failure (the temporary folder is gone
/// by the time anyone reads the message).
fn excerpt(path: &Path) -> String {
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|error| format!("<unreadable: {error}>"));
    let mut shown: String = text.chars().take(4000).collect();
    if shown.len() < text.len() {
        shown.push_str("\n[...]");
    }
    shown
}

// ----- the consumers must be there: fail, never skip ------------------------

/// Fails, naming `what` and the install command, unless `program ARGS` runs
/// and exits 0.
fn require_program(what: &str, program: &str, args: &[&str]) {
    match Process::new(program).args(args).output() {
        Ok(output) if output.status.success() => {}
        Ok(output) => {
            let status = output.status;
            let stderr = text_of(&output.stderr);
            panic!(
                "{what} (`{program}`) is installed but `{program} {}` failed ({status}): {stderr}\n\
                 install the consumers with `{INSTALL}`",
                args.join(" ")
            );
        }
        Err(error) => panic!(
            "{what} (`{program}`) is missing ({error}): this test hands blueprint's output to it.\n\
             Install the consumers with `{INSTALL}`"
        ),
    }
}

fn require_dot() {
    require_program("Graphviz", "dot", &["-V"]);
}

fn require_xmllint() {
    require_program(
        "xmllint (Debian package libxml2-utils)",
        "xmllint",
        &["--version"],
    );
}

fn require_chromium() {
    require_program(
        "Chromium (Debian package chromium)",
        "chromium",
        &["--version"],
    );
}

fn require_node() {
    require_program("Node.js", "node", &["--version"]);
}

/// Fails unless `npm ci` has run in `tests/consumers/FOLDER`.
fn require_node_modules(folder: &str, packages: &[&str]) {
    for package in packages {
        let manifest = root()
            .join("tests/consumers")
            .join(folder)
            .join("node_modules")
            .join(package)
            .join("package.json");
        assert!(
            manifest.is_file(),
            "the npm package `{package}` is missing from tests/consumers/{folder}/node_modules \
             (no `{}`).\nInstall the consumers with `{INSTALL}`",
            manifest.display()
        );
    }
}

// ----- running blueprint ------------------------------------------------------

/// `blueprint ARGS... -o OUT`: must exit 0 and write a non-empty `out`.
fn blueprint_to_file(args: &[&str], out: &Path) {
    let output = blueprint()
        .args(args)
        .arg("-o")
        .arg(out)
        .output()
        .expect("blueprint runs");
    let command = args.join(" ");
    let status = output.status;
    let stderr = text_of(&output.stderr);
    assert!(
        status.success(),
        "`blueprint {command} -o {}` failed ({status}):\n{stderr}",
        out.display()
    );
    assert!(
        !stderr.contains("panicked"),
        "`blueprint {command}` panicked:\n{stderr}"
    );
    let size = std::fs::metadata(out).map(|meta| meta.len()).unwrap_or(0);
    assert!(
        size > 0,
        "`blueprint {command} -o {}` exited 0 but wrote no file (or an empty one)",
        out.display()
    );
}

fn render(design: &str, format: &str, out: &Path) {
    blueprint_to_file(&["render", design, "--format", format], out);
}

/// Runs a consumer; a consumer that cannot even start fails with the
/// install hint.
fn run_consumer(program: &str, args: &[&Path]) -> Output {
    Process::new(program)
        .args(args)
        .current_dir(root())
        .output()
        .unwrap_or_else(|error| {
            panic!("cannot run `{program}` ({error}); install the consumers with `{INSTALL}`")
        })
}

/// No element or attribute in an SVG file that a browser would run or
/// follow: no `<script>`, no `on*` handler, no `javascript:` link. Returns
/// what it found.
fn active_svg_content(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).expect("SVG is UTF-8");
    let options = roxmltree::ParsingOptions {
        allow_dtd: true, // dot writes the SVG 1.1 DOCTYPE
        ..roxmltree::ParsingOptions::default()
    };
    let document = match roxmltree::Document::parse_with_options(&text, options) {
        Ok(document) => document,
        Err(error) => return vec![format!("not well-formed XML: {error}")],
    };
    let mut found = Vec::new();
    for node in document.descendants().filter(|node| node.is_element()) {
        let tag = node.tag_name().name();
        if tag.eq_ignore_ascii_case("script") {
            found.push(format!("a <{tag}> element"));
        }
        for attribute in node.attributes() {
            let name = attribute.name();
            // Browsers ignore whitespace and control characters in a scheme.
            let squeezed = attribute
                .value()
                .chars()
                .filter(|c| !c.is_ascii_whitespace() && !c.is_ascii_control())
                .collect::<String>()
                .to_ascii_lowercase();
            if name.to_ascii_lowercase().starts_with("on") {
                found.push(format!("<{tag} {name}=...>"));
            } else if squeezed.starts_with("javascript:") {
                found.push(format!("<{tag} {name}=\"{}\">", attribute.value()));
            }
        }
    }
    found
}

// ----- the tests -------------------------------------------------------------

#[test]
fn dot_output_is_accepted_by_graphviz() {
    require_dot();
    let folder = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for design in DESIGNS {
        let dot = folder.path().join(output_name(design, "dot"));
        let svg = folder.path().join(output_name(design, "dot.svg"));
        render(design, "dot", &dot);
        let output = run_consumer(
            "dot",
            &[
                Path::new("-Tsvg"),
                dot.as_path(),
                Path::new("-o"),
                svg.as_path(),
            ],
        );
        let status = output.status;
        let stderr = text_of(&output.stderr);
        if !status.success() || !stderr.is_empty() {
            failures.push(format!(
                "{design}: `dot -Tsvg` failed ({status}) or warned; stderr:\n{stderr}\n--- the DOT blueprint wrote:\n{}",
                excerpt(&dot)
            ));
            continue;
        }
        let active = active_svg_content(&svg);
        if !active.is_empty() {
            failures.push(format!(
                "{design}: dot's SVG of blueprint's DOT has active content: {}\n--- the DOT:\n{}",
                active.join(", "),
                excerpt(&dot)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "Graphviz rejected blueprint's DOT:\n\n{}",
        failures.join("\n\n")
    );
}

#[test]
fn mermaid_output_is_accepted_by_mermaid_parser() {
    require_node();
    require_node_modules("mermaid", &["mermaid", "jsdom"]);
    let folder = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for design in DESIGNS {
        let mmd = folder.path().join(output_name(design, "mmd"));
        render(design, "mermaid", &mmd);
        files.push(mmd);
    }

    let script = root().join("tests/consumers/mermaid/parse.mjs");
    let mut args = vec![script.as_path()];
    args.extend(files.iter().map(PathBuf::as_path));
    let output = run_consumer("node", &args);
    let status = output.status;
    let stdout = text_of(&output.stdout);
    let stderr = text_of(&output.stderr);
    let sources: Vec<String> = files
        .iter()
        .map(|file| format!("--- {}:\n{}", file.display(), excerpt(file)))
        .collect();
    assert!(
        status.success(),
        "mermaid.parse rejected blueprint's Mermaid ({status}):\n{stdout}{stderr}\n{}",
        sources.join("\n")
    );
    assert_eq!(
        stdout
            .lines()
            .filter(|line| line.starts_with("OK "))
            .count(),
        files.len(),
        "parse.mjs did not report OK for every file:\n{stdout}{stderr}"
    );

    // Mermaid parses `%%{init: ...}%%` directives anywhere in the text, even
    // inside a label, and `"]; evil [` closes a label and opens a node: the
    // parser may well accept both, so look for them in the text itself.
    let hostile = folder.path().join(output_name(HOSTILE, "mmd"));
    let text = std::fs::read_to_string(&hostile).unwrap();
    for injected in ["{'theme':'dark'}", "\"]; evil ["] {
        assert!(
            !text.contains(injected),
            "{HOSTILE}: the design's free text `{injected}` reached the Mermaid output unescaped:\n{text}"
        );
    }
}

#[test]
fn svg_output_is_well_formed_xml() {
    require_xmllint();
    let folder = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for design in DESIGNS {
        let svg = folder.path().join(output_name(design, "svg"));
        render(design, "svg", &svg);
        let output = run_consumer(
            "xmllint",
            &[Path::new("--nonet"), Path::new("--noout"), svg.as_path()],
        );
        let status = output.status;
        if !status.success() {
            let stderr = text_of(&output.stderr);
            failures.push(format!(
                "{design}: `xmllint --nonet --noout` failed ({status}):\n{stderr}\n--- the SVG:\n{}",
                excerpt(&svg)
            ));
            continue;
        }
        let active = active_svg_content(&svg);
        if !active.is_empty() {
            failures.push(format!(
                "{design}: the SVG has active content: {}",
                active.join(", ")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "blueprint's SVG is not clean XML:\n\n{}",
        failures.join("\n\n")
    );
}

#[test]
fn html_report_is_inert_in_headless_chromium() {
    require_node();
    require_chromium();
    require_node_modules("browser", &["playwright-core"]);
    let folder = tempfile::tempdir().unwrap();
    let script = root().join("tests/consumers/browser/htmlcheck.mjs");
    let mut failures = Vec::new();
    for design in DESIGNS {
        let html = folder.path().join(output_name(design, "html"));
        let screenshot = folder.path().join(output_name(design, "png"));
        // The hostile design's report also carries the simulation section.
        let mut args = vec!["report", design];
        if design == HOSTILE {
            args.push("--simulate");
        }
        blueprint_to_file(&args, &html);
        let output = run_consumer(
            "node",
            &[script.as_path(), html.as_path(), screenshot.as_path()],
        );
        let status = output.status;
        let stdout = text_of(&output.stdout);
        let stderr = text_of(&output.stderr);
        if !status.success() {
            failures.push(format!(
                "{design}: htmlcheck.mjs failed ({status}):\n{stdout}{stderr}"
            ));
            continue;
        }
        let summary: serde_json::Value =
            serde_json::from_str(&stdout).unwrap_or_else(|error| panic!("{error}: {stdout}"));
        assert_eq!(summary["ok"], true, "{stdout}");
        let png = std::fs::read(&screenshot).unwrap_or_default();
        if !png.starts_with(b"\x89PNG") || png.len() < 10_000 {
            failures.push(format!(
                "{design}: no screenshot of the page ({} bytes)",
                png.len()
            ));
        }
        if design == HOSTILE {
            // The hostile title is shown, as text, in the tab and the page.
            let title = "</title><script>window.__pwned=1</script>";
            assert_eq!(summary["title"], format!("{title}: design review"));
            assert!(summary["text"].as_str().unwrap().starts_with(title));
        }
    }
    assert!(
        failures.is_empty(),
        "the HTML report is not inert in Chromium:\n\n{}",
        failures.join("\n\n")
    );
}
