//! Hands blueprint's rendered outputs to the real programs that read them,
//! rather than to our own idea of the format:
//!
//! - `render --format dot`: Graphviz `dot -Tsvg` must exit 0 with an empty
//!   stderr (dot only warns, on stderr, about unknown shapes and the like);
//! - `render --format mermaid`: Mermaid's own parser (`mermaid.parse` under
//!   jsdom, `tests/consumers/mermaid/parse.mjs`) must accept every file;
//! - `render --format svg`: `xmllint --nonet --noout` must find it well formed;
//! - `render --format d2`: D2's own compiler (the WASM build of
//!   `@terrastruct/d2`, `tests/consumers/d2/compile.mjs`) must compile and
//!   lay out every bundled design's output and render it to SVG, with one
//!   shape per component and cluster, one connection per edge, and every
//!   name back as it was written;
//! - `render --format likec4`: the `likec4` CLI must `validate` it and
//!   `export json` it (offline: the layout runs in Graphviz's WASM build),
//!   with one element per component, one relationship per edge, the zones
//!   as groups of the view, and every name back as it was written.
//!
//! The renderers also run on a design whose free text is hostile
//! (`tests/fixtures/hostile-names.yaml`): the SVGs (blueprint's and dot's)
//! must hold no `<script>`, `on*` or `javascript:`, and the Mermaid must not
//! carry the injected `%%{init}%%` or `"]; evil [` verbatim (mermaid.parse
//! accepts both); and on one whose names are keywords of D2 and LikeC4 and
//! whose zone names hold quotes, `${...}` and a line break
//! (`tests/fixtures/awkward-names.yaml`).
//!
//! - `render --operation NAME`: one operation's way highlighted, in every
//!   format, must pass the same programs (dot, xmllint, Mermaid's parser,
//!   D2's compiler, `likec4 validate`): the highlight adds colours, widths
//!   and opacities each format must take.
//!
//! - `render --format svg`, every bundled design plain, annotated and left
//!   to right: opened in headless Chromium by
//!   `tests/consumers/browser/overlap.mjs`, which measures the text boxes
//!   the browser lays out and must find no two overlapping and none crossed
//!   by a node's outline (and, on a copy with a label moved into a
//!   cylinder's lid and a name written twice, must find both);
//! - `report` (HTML): opened in Debian's headless Chromium by
//!   `tests/consumers/browser/htmlcheck.mjs` (playwright-core), which must
//!   see no network request, no script element, handler or `javascript:`
//!   URL, no dialog, no console error, and must take a screenshot.
//!
//! The consumers come from the package registries: `bash
//! tests/consumers/install.sh` installs them (Debian's graphviz,
//! libxml2-utils and chromium; `npm ci` in each `tests/consumers/*` folder),
//! and `tests/run` runs it before `cargo test`. A missing consumer FAILS its
//! test with a message that names it and the install command: a skipped
//! check would look like a passed one.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command as Process, Output};

use assert_cmd::Command;
use blueprint::render::diagram::{self, Diagram, Direction};

const INSTALL: &str = "tests/run";

/// The bundled designs every renderer is checked on, and the fixtures
/// (free text that tries to break out of each format, and names that are
/// keywords: a renderer that escapes badly makes `dot` or Mermaid fail to
/// parse, or `xmllint` see broken XML).
const DESIGNS: [&str; 4] = [
    "designs/chat.yaml",
    "designs/checkout.yaml",
    HOSTILE,
    AWKWARD,
];
const HOSTILE: &str = "tests/fixtures/hostile-names.yaml";
const AWKWARD: &str = "tests/fixtures/awkward-names.yaml";

/// Every bundled design (`designs/*.yaml`, sorted) and the two fixtures.
fn every_design() -> Vec<String> {
    let mut designs: Vec<String> = std::fs::read_dir(root().join("designs"))
        .expect("designs/ is there")
        .map(|entry| entry.expect("designs/ is readable").path())
        .filter(|path| {
            path.extension()
                .is_some_and(|extension| extension == "yaml")
        })
        .map(|path| format!("designs/{}", path.file_name().unwrap().to_string_lossy()))
        .collect();
    designs.sort();
    assert!(designs.len() >= 2, "no bundled designs found: {designs:?}");
    designs.push(HOSTILE.to_string());
    designs.push(AWKWARD.to_string());
    designs
}

/// What blueprint draws for `design`: the same `Diagram` every renderer
/// writes, to compare with what the consumer read back.
fn diagram_of(design: &str) -> Diagram {
    let bytes = std::fs::read(root().join(design)).expect("design is readable");
    let analysis = blueprint::analyse(&bytes)
        .unwrap_or_else(|errors| panic!("{design} does not read: {errors:?}"));
    diagram::build(
        &analysis.design,
        &analysis.topology,
        None,
        &[],
        Direction::TopToBottom,
        0.8,
    )
}

/// Spaces and line breaks as single spaces (LikeC4 shows a group's title
/// on one line).
fn squeezed(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

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

#[test]
fn d2_output_is_compiled_by_d2() {
    require_node();
    require_node_modules("d2", &["@terrastruct/d2"]);
    let folder = tempfile::tempdir().unwrap();
    let designs = every_design();
    let mut files = Vec::new();
    for design in &designs {
        let file = folder.path().join(output_name(design, "d2"));
        // Annotated, so that fills, widths and tooltips are compiled too.
        blueprint_to_file(&["render", design, "--format", "d2", "--annotate"], &file);
        files.push(file);
    }

    let script = root().join("tests/consumers/d2/compile.mjs");
    let mut args = vec![script.as_path()];
    args.extend(files.iter().map(PathBuf::as_path));
    let output = run_consumer("node", &args);
    let stdout = text_of(&output.stdout);
    let stderr = text_of(&output.stderr);
    let results: Vec<serde_json::Value> = stdout
        .lines()
        .map(|line| {
            serde_json::from_str(line)
                .unwrap_or_else(|error| panic!("compile.mjs printed `{line}` ({error}):\n{stderr}"))
        })
        .collect();
    assert_eq!(
        results.len(),
        files.len(),
        "compile.mjs did not report on every file ({}):\n{stdout}{stderr}",
        output.status
    );

    let mut failures = Vec::new();
    for ((design, file), result) in designs.iter().zip(&files).zip(&results) {
        if result["ok"] != true {
            failures.push(format!(
                "{design}: D2 rejected it: {}\n--- the D2 blueprint wrote:\n{}",
                result["error"],
                excerpt(file)
            ));
            continue;
        }
        let expected = diagram_of(design);
        let shapes = result["shapes"].as_array().expect("shapes");
        let labels: Vec<&str> = shapes
            .iter()
            .map(|shape| shape["label"].as_str().unwrap_or_default())
            .collect();
        let first_lines: BTreeSet<&str> = labels
            .iter()
            .map(|label| label.lines().next().unwrap_or_default())
            .collect();
        let mut problems = Vec::new();
        let title = shapes
            .iter()
            .find(|shape| shape["id"] == "design title")
            .and_then(|shape| shape["label"].as_str());
        if title != Some(expected.title.as_str()) {
            problems.push(format!(
                "the title reads back as {title:?}, not {:?}",
                expected.title
            ));
        }
        let wanted = 1 + expected.nodes.len() + expected.clusters.len();
        if shapes.len() != wanted {
            problems.push(format!(
                "{} shapes, not {wanted} (title, components, clusters)",
                shapes.len()
            ));
        }
        for node in &expected.nodes {
            if !first_lines.contains(node.name.as_str()) {
                problems.push(format!("no shape labelled `{}`", node.name));
            }
        }
        for cluster in &expected.clusters {
            if !labels.contains(&cluster.label.as_str()) {
                problems.push(format!("no container labelled {:?}", cluster.label));
            }
        }
        let connections = result["connections"].as_array().expect("connections");
        if connections.len() != expected.edges.len() {
            problems.push(format!(
                "{} connections, not {}",
                connections.len(),
                expected.edges.len()
            ));
        }
        if result["svgBytes"].as_u64().unwrap_or(0) < 1000 {
            problems.push(format!("no SVG rendered: {}", result["svgBytes"]));
        }
        if !problems.is_empty() {
            failures.push(format!(
                "{design}: D2 read something else than blueprint drew: {}\n--- D2 read: {result}\n--- the D2:\n{}",
                problems.join("; "),
                excerpt(file)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "D2 did not take blueprint's D2 as drawn:\n\n{}",
        failures.join("\n\n")
    );
}

/// Runs the likec4 CLI from `tests/consumers/likec4` with `args`.
fn likec4(args: &[&Path]) -> Output {
    let cli = root().join("tests/consumers/likec4/node_modules/likec4/bin/likec4.mjs");
    let mut all = vec![cli.as_path()];
    all.extend_from_slice(args);
    let mut command = Process::new("node");
    command
        .args(all)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .env("CI", "true");
    command.output().unwrap_or_else(|error| {
        panic!("cannot run the likec4 CLI ({error}); install the consumers with `{INSTALL}`")
    })
}

/// `likec4 validate` and `likec4 export json` on a workspace holding
/// `design`'s LikeC4 file, and the checks of the exported model against
/// blueprint's diagram. Returns the problems found.
fn check_with_likec4(design: &str, workspace: &Path) -> Vec<String> {
    std::fs::create_dir_all(workspace).unwrap();
    let file = workspace.join(output_name(design, "c4"));
    blueprint_to_file(
        &["render", design, "--format", "likec4", "--annotate"],
        &file,
    );
    let validate = likec4(&[Path::new("validate"), workspace]);
    let log = format!("{}{}", text_of(&validate.stdout), text_of(&validate.stderr));
    if !validate.status.success() || log.contains("ERROR") {
        return vec![format!(
            "{design}: `likec4 validate` failed ({}):\n{log}\n--- the LikeC4 blueprint wrote:\n{}",
            validate.status,
            excerpt(&file)
        )];
    }
    let json = workspace.with_extension("json");
    let export = likec4(&[
        Path::new("export"),
        Path::new("json"),
        Path::new("-o"),
        json.as_path(),
        workspace,
    ]);
    if !export.status.success() {
        return vec![format!(
            "{design}: `likec4 export json` failed ({}):\n{}{}",
            export.status,
            text_of(&export.stdout),
            text_of(&export.stderr)
        )];
    }
    let text = std::fs::read_to_string(&json).unwrap_or_default();
    let model: serde_json::Value = match serde_json::from_str(&text) {
        Ok(model) => model,
        Err(error) => return vec![format!("{design}: the export is not JSON ({error})")],
    };

    let expected = diagram_of(design);
    let mut problems = Vec::new();
    let titles: BTreeSet<&str> = model["elements"]
        .as_object()
        .map(|elements| {
            elements
                .values()
                .filter_map(|element| element["title"].as_str())
                .collect()
        })
        .unwrap_or_default();
    let names: BTreeSet<&str> = expected.nodes.iter().map(|n| n.name.as_str()).collect();
    if titles != names {
        problems.push(format!(
            "elements titled {titles:?}, not the components {names:?}"
        ));
    }
    let relations = model["relations"].as_object().map_or(0, |r| r.len());
    if relations != expected.edges.len() {
        problems.push(format!(
            "{relations} relationships, not {}",
            expected.edges.len()
        ));
    }
    let view = &model["views"]["index"];
    if view["title"] != expected.title.as_str() {
        problems.push(format!(
            "the view is titled {}, not {:?}",
            view["title"], expected.title
        ));
    }
    let nodes = view["nodes"].as_array().cloned().unwrap_or_default();
    let groups: BTreeSet<String> = nodes
        .iter()
        .filter(|node| node["id"].as_str().is_some_and(|id| id.starts_with('@')))
        .filter_map(|node| node["title"].as_str().map(squeezed))
        .collect();
    let clusters: BTreeSet<String> = expected
        .clusters
        .iter()
        .map(|cluster| squeezed(&cluster.label))
        .collect();
    if groups != clusters {
        problems.push(format!(
            "the view's groups are {groups:?}, not the zones {clusters:?}"
        ));
    }
    for node in &expected.nodes {
        let drawn = nodes.iter().find(|n| n["title"] == node.name.as_str());
        match drawn {
            None => problems.push(format!("`{}` is not in the view", node.name)),
            Some(drawn) if node.cluster.is_some() && drawn["parent"].is_null() => {
                problems.push(format!("`{}` is in no group of the view", node.name));
            }
            Some(_) => {}
        }
    }
    if problems.is_empty() {
        return problems;
    }
    vec![format!(
        "{design}: LikeC4 read something else than blueprint drew: {}\n--- the LikeC4:\n{}",
        problems.join("; "),
        excerpt(&file)
    )]
}

#[test]
fn likec4_output_is_validated_and_exported_by_likec4() {
    require_node();
    require_node_modules("likec4", &["likec4"]);
    let folder = tempfile::tempdir().unwrap();
    let designs = every_design();
    // Each design is a workspace of its own (their names would clash in
    // one model); the CLI takes seconds to start, so two run at a time.
    let mut failures: Vec<String> = std::thread::scope(|scope| {
        let workers: Vec<_> = designs
            .chunks(designs.len().div_ceil(2))
            .map(|chunk| {
                let folder = folder.path();
                scope.spawn(move || {
                    chunk
                        .iter()
                        .flat_map(|design| {
                            let workspace = folder.join(output_name(design, "likec4"));
                            check_with_likec4(design, &workspace)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| worker.join().expect("a LikeC4 worker panicked"))
            .collect()
    });
    failures.sort();
    assert!(
        failures.is_empty(),
        "LikeC4 did not take blueprint's LikeC4 as drawn:\n\n{}",
        failures.join("\n\n")
    );
}

/// Designs and an operation of each: an entering one with queues, async
/// calls and cache misses on its way, and an internal one (a push).
const WAYS: [(&str, &str); 3] = [
    ("designs/checkout.yaml", "place_order"),
    ("designs/chat.yaml", "history"),
    ("designs/chat.yaml", "deliver"),
];

#[test]
fn highlighted_ways_are_accepted_in_every_format() {
    require_dot();
    require_xmllint();
    require_node();
    require_node_modules("mermaid", &["mermaid", "jsdom"]);
    require_node_modules("d2", &["@terrastruct/d2"]);
    require_node_modules("likec4", &["likec4"]);
    let folder = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    let (mut mermaid, mut d2) = (Vec::new(), Vec::new());
    for (design, operation) in WAYS {
        let file = |extension: &str| {
            folder
                .path()
                .join(output_name(design, &format!("{operation}.{extension}")))
        };
        let write = |format: &str, out: &Path| {
            blueprint_to_file(
                &[
                    "render",
                    design,
                    "--operation",
                    operation,
                    "--annotate",
                    "--format",
                    format,
                ],
                out,
            );
        };
        let (dot, svg) = (file("dot"), file("svg"));
        write("dot", &dot);
        write("svg", &svg);
        let graphviz = run_consumer("dot", &[Path::new("-Tsvg"), dot.as_path()]);
        if !graphviz.status.success() || !graphviz.stderr.is_empty() {
            failures.push(format!(
                "{design} {operation}: `dot -Tsvg` failed or warned:\n{}\n--- the DOT:\n{}",
                text_of(&graphviz.stderr),
                excerpt(&dot)
            ));
        }
        let xml = run_consumer(
            "xmllint",
            &[Path::new("--nonet"), Path::new("--noout"), svg.as_path()],
        );
        if !xml.status.success() {
            failures.push(format!(
                "{design} {operation}: xmllint failed:\n{}",
                text_of(&xml.stderr)
            ));
        }
        let (mmd, d2_file) = (file("mmd"), file("d2"));
        write("mermaid", &mmd);
        write("d2", &d2_file);
        mermaid.push(mmd);
        d2.push(d2_file);
    }

    let script = root().join("tests/consumers/mermaid/parse.mjs");
    let mut args = vec![script.as_path()];
    args.extend(mermaid.iter().map(PathBuf::as_path));
    let parsed = run_consumer("node", &args);
    let accepted = text_of(&parsed.stdout)
        .lines()
        .filter(|line| line.starts_with("OK "))
        .count();
    if !parsed.status.success() || accepted != mermaid.len() {
        failures.push(format!(
            "mermaid.parse accepted {accepted} of {}:\n{}{}",
            mermaid.len(),
            text_of(&parsed.stdout),
            text_of(&parsed.stderr)
        ));
    }

    let script = root().join("tests/consumers/d2/compile.mjs");
    let mut args = vec![script.as_path()];
    args.extend(d2.iter().map(PathBuf::as_path));
    let compiled = run_consumer("node", &args);
    let stdout = text_of(&compiled.stdout);
    let ok = stdout
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|result| result["ok"] == true)
        .count();
    if ok != d2.len() {
        failures.push(format!(
            "D2 compiled {ok} of {}:\n{stdout}{}",
            d2.len(),
            text_of(&compiled.stderr)
        ));
    }

    // One workspace holds one model: the likec4 CLI takes seconds to start,
    // so it checks the first way only.
    let (design, operation) = WAYS[0];
    let workspace = folder.path().join("likec4");
    std::fs::create_dir_all(&workspace).unwrap();
    let c4 = workspace.join(output_name(design, "c4"));
    blueprint_to_file(
        &[
            "render",
            design,
            "--operation",
            operation,
            "--annotate",
            "--format",
            "likec4",
        ],
        &c4,
    );
    let validate = likec4(&[Path::new("validate"), workspace.as_path()]);
    let log = format!("{}{}", text_of(&validate.stdout), text_of(&validate.stderr));
    if !validate.status.success() || log.contains("ERROR") {
        failures.push(format!(
            "{design} {operation}: `likec4 validate` failed:\n{log}\n--- the LikeC4:\n{}",
            excerpt(&c4)
        ));
    }
    assert!(
        failures.is_empty(),
        "a highlighted way was refused:\n\n{}",
        failures.join("\n\n")
    );
}

/// `overlap.mjs` on `files`: its exit status and per-file JSON results.
fn overlap_check(files: &[PathBuf]) -> (std::process::ExitStatus, Vec<serde_json::Value>, String) {
    let script = root().join("tests/consumers/browser/overlap.mjs");
    let mut args = vec![script.as_path()];
    args.extend(files.iter().map(PathBuf::as_path));
    let output = run_consumer("node", &args);
    let stdout = text_of(&output.stdout);
    let stderr = text_of(&output.stderr);
    let results: Vec<serde_json::Value> = serde_json::from_str(&stdout).unwrap_or_else(|error| {
        panic!(
            "overlap.mjs printed no JSON ({error}; {}):\n{stdout}{stderr}",
            output.status
        )
    });
    (output.status, results, stderr)
}

#[test]
fn svg_labels_clear_each_other_and_the_outlines_in_headless_chromium() {
    require_node();
    require_chromium();
    require_node_modules("browser", &["playwright-core"]);
    let folder = tempfile::tempdir().unwrap();
    let designs = every_design();
    let variants: [(&str, &[&str]); 3] = [
        ("plain", &[]),
        ("annotated", &["--annotate"]),
        ("lr", &["--annotate", "--direction", "lr"]),
    ];
    let mut files = Vec::new();
    for design in &designs {
        for (variant, flags) in variants {
            let svg = folder
                .path()
                .join(output_name(design, &format!("{variant}.svg")));
            let mut args = vec!["render", design.as_str()];
            args.extend_from_slice(flags);
            blueprint_to_file(&args, &svg);
            files.push(svg);
        }
    }
    let (status, results, stderr) = overlap_check(&files);
    let failures: Vec<String> = results
        .iter()
        .filter(|result| result["ok"] != true)
        .map(|result| format!("{}: {}", result["file"], result["problems"]))
        .collect();
    assert!(
        status.success() && failures.is_empty(),
        "labels overlap or cross outlines in Chromium ({status}):\n{}\n{stderr}",
        failures.join("\n")
    );
    assert_eq!(results.len(), files.len(), "{stderr}");
    for result in &results {
        assert!(
            result["texts"].as_u64() > Some(10) && result["nodes"].as_u64() > Some(3),
            "the check saw too little of {}: {result}",
            result["file"]
        );
    }

    // The check must see a mistake: orders_db's name lifted into the lid of
    // its cylinder, and api_gw's name written twice.
    let checkout = folder
        .path()
        .join(output_name("designs/checkout.yaml", "annotated.svg"));
    let mut svg = std::fs::read_to_string(&checkout).unwrap();
    let lift = |svg: &mut String, name: &str, by: f64| {
        let end = svg
            .find(&format!("\">{name}</text>"))
            .expect("the name is drawn");
        let start = svg[..end]
            .rfind("<text class=\"bp-name\"")
            .expect("a name element");
        let element = svg[start..end].to_string();
        let y_at = element.find(" y=\"").expect("y") + 4;
        let y_len = element[y_at..].find('"').expect("y ends");
        let y: f64 = element[y_at..y_at + y_len].parse().expect("y is a number");
        let moved = format!("{}{}{}", &element[..y_at], y - by, &element[y_at + y_len..]);
        svg.replace_range(start..end, &moved);
    };
    lift(&mut svg, "orders_db", 12.0);
    let twice = svg.find(">api_gw</text>").expect("api_gw") + ">api_gw</text>".len();
    let start = svg[..twice].rfind("<text").unwrap();
    let copy = svg[start..twice].to_string();
    svg.insert_str(twice, &copy);
    let tampered = folder.path().join("tampered.svg");
    std::fs::write(&tampered, svg).unwrap();
    let (status, results, stderr) = overlap_check(&[tampered]);
    let problems = results[0]["problems"].to_string();
    assert!(!status.success(), "the tampered drawing passed: {stderr}");
    assert!(
        problems.contains("the outline of node orders_db crosses bp-name \\\"orders_db\\\"")
            && problems.contains("bp-name \\\"api_gw\\\" overlaps bp-name \\\"api_gw\\\""),
        "{problems}"
    );
}
