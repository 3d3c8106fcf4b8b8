//! Names from a design in every output (issue 14): free text anyone may
//! write (the design's name and description, engines, zones, tags,
//! suppression reasons) full of control characters, direction overrides,
//! HTML and Markdown, fed to every renderer. Each output must stay inert:
//! a terminal gets no control or direction character; HTML, SVG and JUnit
//! gain no element or attribute; Markdown, read by a CommonMark parser
//! (pulldown-cmark, GitHub's table rules), gains no HTML, link, image or
//! structure; JSON and SARIF still parse; Mermaid labels and DOT strings
//! stay closed. The binary's own paths (the tables of estimate, diff and
//! simulate, check's text) are run on a fixed hostile design at the end.

use std::collections::BTreeSet;

use blueprint::compare;
use blueprint::diagnostic::{Severity, github, json, junit, sarif, text};
use blueprint::present::{diff, estimate};
use blueprint::render::{self, diagram, escape};
use blueprint::report;
use proptest::prelude::*;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// Characters each output must neutralise, with plain ones between.
fn hostile_text() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "\u{1b}[2J",
        "\u{1b}]8;;http://x\u{7}",
        "\u{7}",
        "\u{8}",
        "\r",
        "\n",
        "\t",
        "\u{7f}",
        "\u{9b}31m",
        "\u{202e}",
        "\u{2066}",
        "\u{200f}",
        "\u{e000}",
        "<img src=x onerror=alert(1)>",
        "<script>",
        "</td>",
        "&amp;",
        "\"",
        "'",
        "`",
        "``",
        "|",
        "*",
        "_",
        "[a](http://x)",
        "![i](x)",
        "# ",
        "- ",
        "1. ",
        "===",
        "    ",
        "%%{init}%%",
        "\"]; x[",
        "-->",
        "\\",
        "{",
        "}",
        "<!--",
        "]]>",
        "é",
        "name",
        " ",
    ]);
    prop::collection::vec(pieces, 1..6).prop_map(|pieces| pieces.concat())
}

/// `text` as a YAML double-quoted scalar: every character outside
/// printable ASCII written as an escape, so that any character gets in.
fn yaml_quoted(text: &str) -> String {
    let mut quoted = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            ' '..='~' => quoted.push(c),
            c if (c as u32) <= 0xFFFF => quoted.push_str(&format!("\\u{:04X}", c as u32)),
            c => quoted.push_str(&format!("\\U{:08X}", c as u32)),
        }
    }
    quoted.push('"');
    quoted
}

/// A valid design whose every free-text field is `text`.
fn design(text: &str) -> String {
    let quoted = yaml_quoted(text);
    // Never blank, which would be a finding of its own (BP009).
    let reason = yaml_quoted(&format!("because {text}"));
    format!(
        "version: 1
name: {quoted}
description: {quoted}
requirements:
  peak_rps: 200/s
  latency_slo: {{ p99: 500ms }}
  availability_slo: 99.9%
zones: [{quoted}, az2]
components:
  users:
    kind: client
    tags: [{quoted}]
    calls: [{{ to: front }}]
  front:
    kind: gateway
    engine: {quoted}
    replicas: 2
    zones: [{quoted}, az2]
    capacity: 2k/s
    latency: 2ms
    tags: [{quoted}, payments]
    calls: [{{ to: db, op: write, timeout: 50ms }}]
  db:
    kind: database
    engine: {quoted}
    replicas: 1
    zones: [{quoted}]
    capacity: 3k/s
    latency: 2ms
    consistency: eventual
    tags: [{quoted}]
allow:
  - rule: BP101
    reason: {reason}
"
    )
}

/// Every output of every renderer for the design, by name.
fn outputs(source: &str) -> Vec<(&'static str, String)> {
    let bytes = source.as_bytes();
    let options = blueprint::CheckOptions::default();
    let checked = blueprint::check("hostile.yaml", bytes, &options);
    assert!(
        !checked
            .diagnostics
            .iter()
            .any(|d| d.code.starts_with("BP0")),
        "the design must read: {:?}",
        checked.diagnostics
    );
    let analysis = blueprint::analyse(bytes).unwrap();
    let review = blueprint::review_with(&analysis, &options, true);
    let model = review.estimate.as_ref().unwrap();
    let reports = std::slice::from_ref(&checked);
    let selection = options.selection.clone();
    let mut outputs = vec![
        ("check text", text::render(reports, false)),
        ("check json", json::render(reports)),
        ("check sarif", sarif::render(reports)),
        ("check github", github::render(reports)),
        (
            "check junit",
            junit::render(&[(&checked, &selection, Severity::Warning)]),
        ),
        (
            "estimate text",
            escape::terminal_text(&estimate::render_text(&analysis, model)),
        ),
        ("estimate json", estimate::render_json(&analysis, model)),
    ];
    let drawing = diagram::build(
        &analysis.design,
        &analysis.topology,
        Some(model),
        &review.findings,
        diagram::Direction::TopToBottom,
        0.8,
    );
    for (name, format) in [
        ("render svg", render::Format::Svg),
        ("render mermaid", render::Format::Mermaid),
        ("render dot", render::Format::Dot),
        ("render d2", render::Format::D2),
        ("render likec4", render::Format::LikeC4),
    ] {
        outputs.push((name, render::render(&drawing, format)));
    }
    let document = report::build(&report::Input {
        path: "hostile.yaml",
        source,
        analysis: &analysis,
        estimate: Some(model),
        findings: &review.findings,
        fail_on: Severity::Warning,
        hot_utilization: 0.8,
        simulation: None,
    });
    outputs.push(("report html", report::html::render(&document)));
    outputs.push(("report md", report::markdown::render(&document)));
    // Against another design, so that the changed fields show.
    let old = compare::assess(blueprint::analyse(bytes).unwrap(), &options);
    let other = design("other");
    let new = compare::assess(blueprint::analyse(other.as_bytes()).unwrap(), &options);
    let difference = compare::compare(&old, &new);
    let labels = diff::Labels {
        old: "hostile.yaml",
        new: "other.yaml",
    };
    outputs.push((
        "diff text",
        escape::terminal_text(&diff::render_text(&difference, &labels, Severity::Warning)),
    ));
    outputs.push((
        "diff md",
        diff::render_markdown(&difference, &labels, Severity::Warning),
    ));
    outputs.push((
        "diff json",
        diff::render_json(&difference, &labels, Severity::Warning),
    ));
    outputs
}

fn is_dangerous(c: char) -> bool {
    (c.is_control() && c != '\n') || escape::is_bidi_control(c)
}

/// The names of the elements of an HTML or XML text, and the attribute
/// names inside them (a light tokenizer: what an injection would add).
fn markup_names(html: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        rest = &rest[open + 1..];
        let end = rest.find('>').unwrap_or(rest.len());
        let tag = &rest[..end];
        let mut words = tag.split_whitespace();
        if let Some(name) = words.next() {
            names.insert(format!("<{}", name.trim_start_matches('/')));
        }
        for word in words {
            if let Some((attribute, _)) = word.split_once('=') {
                names.insert(format!("@{attribute}"));
            }
        }
        rest = &rest[end..];
    }
    names
}

/// The structure of a Markdown text as GitHub reads it (GFM tables,
/// strikethrough): every block and inline element, with the text and code
/// left out; plus any HTML, links and images, which must never come from
/// a name.
fn markdown_shape(markdown: &str) -> (Vec<String>, Vec<String>) {
    let mut shape = Vec::new();
    let mut forbidden = Vec::new();
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    for event in Parser::new_ext(markdown, options) {
        match event {
            Event::Html(html) | Event::InlineHtml(html) => forbidden.push(format!("html {html}")),
            Event::Start(Tag::Link { dest_url, .. }) => forbidden.push(format!("link {dest_url}")),
            Event::Start(Tag::Image { dest_url, .. }) => {
                forbidden.push(format!("image {dest_url}"))
            }
            Event::Start(tag) => shape.push(format!("{:?}", std::mem::discriminant(&tag))),
            Event::End(TagEnd::Paragraph) => shape.push("/p".to_string()),
            Event::End(end) => shape.push(format!("/{end:?}")),
            Event::Text(_) | Event::Code(_) | Event::SoftBreak => {}
            other => shape.push(format!("{other:?}")),
        }
    }
    (shape, forbidden)
}

fn assert_inert(name: &str, output: &str, plain: &str) {
    match name {
        "check text" | "estimate text" | "diff text" | "check github" => {
            let bad: Vec<char> = output.chars().filter(|c| is_dangerous(*c)).collect();
            assert!(bad.is_empty(), "{name}: {bad:?} in\n{output}");
        }
        "check json" | "check sarif" | "estimate json" | "diff json" => {
            serde_json::from_str::<serde_json::Value>(output)
                .unwrap_or_else(|error| panic!("{name}: {error}\n{output}"));
        }
        "check junit" | "render svg" => {
            roxmltree::Document::parse(output)
                .unwrap_or_else(|error| panic!("{name}: {error}\n{output}"));
            let extra: Vec<_> = markup_names(output)
                .difference(&markup_names(plain))
                .cloned()
                .collect();
            assert!(extra.is_empty(), "{name}: {extra:?}");
            assert!(!output.chars().any(escape::is_bidi_control), "{name}");
        }
        "report html" => {
            let extra: Vec<_> = markup_names(output)
                .difference(&markup_names(plain))
                .filter(|n| *n != "<code")
                .cloned()
                .collect();
            assert!(extra.is_empty(), "{name}: {extra:?}");
            assert!(!output.chars().any(is_dangerous_in_html), "{name}");
        }
        "report md" | "diff md" => {
            let (shape, forbidden) = markdown_shape(output);
            assert!(forbidden.is_empty(), "{name}: {forbidden:?}\n{output}");
            assert_eq!(
                shape,
                markdown_shape(plain).0,
                "{name}: the structure changed\n{output}"
            );
            assert!(!output.chars().any(is_dangerous_in_html), "{name}");
        }
        "render mermaid" => {
            for line in output.lines() {
                assert!(
                    !line.chars().any(is_dangerous),
                    "{name}: control character in {line:?}"
                );
                // Every label is one `"..."` with no quote inside.
                assert!(
                    line.matches('"').count() % 2 == 0,
                    "{name}: unbalanced label in {line:?}"
                );
            }
        }
        "render dot" | "render d2" | "render likec4" => {
            let quote = if name == "render likec4" { '\'' } else { '"' };
            for line in output.lines() {
                assert!(!line.chars().any(is_dangerous), "{name}: {line:?}");
                let (mut quotes, mut escaped) = (0, false);
                for c in line.chars() {
                    match c {
                        '\\' if !escaped => escaped = true,
                        c if c == quote && !escaped => quotes += 1,
                        _ => escaped = false,
                    }
                    if c != '\\' {
                        escaped = false;
                    }
                }
                assert!(quotes % 2 == 0, "{name}: unbalanced string in {line:?}");
            }
            assert_eq!(
                output.lines().count(),
                plain.lines().count(),
                "{name}: the structure changed\n{output}"
            );
        }
        _ => panic!("no check for {name}"),
    }
}

/// HTML may hold line breaks and tabs (it shows them as spaces); nothing
/// else below the space, and no direction change.
fn is_dangerous_in_html(c: char) -> bool {
    (c.is_control() && !matches!(c, '\n' | '\t' | '\r')) || escape::is_bidi_control(c)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 24,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn every_output_stays_inert(text in hostile_text()) {
        // Text of white space alone leaves a paragraph or a heading empty,
        // which changes the Markdown's shape while adding nothing to it.
        prop_assume!(!text.trim().is_empty());
        let plain: Vec<(&str, String)> = outputs(&design("plain"));
        for ((name, output), (_, benign)) in outputs(&design(&text)).iter().zip(&plain) {
            assert_inert(name, output, benign);
        }
    }
}

/// The binary's own paths: what `check`, `estimate`, `diff` and `simulate`
/// print for people, on a fixed hostile design.
#[test]
fn the_commands_print_nothing_a_terminal_would_obey() {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("hostile.yaml");
    std::fs::write(
        &path,
        design("\u{1b}]0;owned\u{7}\u{1b}[2J<b>x</b>\u{202e}evil\u{9b}1m`a``b`|c"),
    )
    .unwrap();
    let plain = folder.path().join("plain.yaml");
    std::fs::write(&plain, design("plain")).unwrap();
    let path = path.to_str().unwrap();
    let plain = plain.to_str().unwrap();
    for args in [
        &["check", path][..],
        &["estimate", path],
        &["diff", path, plain],
        &["diff", plain, path],
        &["envelope", path],
        &["size", path],
        &["simulate", path, "--duration", "1s", "--warmup", "0s"],
    ] {
        let output = assert_cmd::Command::cargo_bin("blueprint")
            .unwrap()
            .env("NO_COLOR", "1")
            .args(args)
            .output()
            .unwrap();
        for (stream, bytes) in [("stdout", &output.stdout), ("stderr", &output.stderr)] {
            let text = String::from_utf8_lossy(bytes);
            let bad: Vec<char> = text.chars().filter(|c| is_dangerous(*c)).collect();
            assert!(bad.is_empty(), "{args:?} {stream}: {bad:?}\n{text}");
        }
    }
}
