//! What the fuzz targets run, shared with the test suite's fixed-run smoke
//! test (`tests/fuzz_smoke.rs` includes this file), so that both exercise
//! the same code.

use blueprint::diagnostic::{FileReport, Severity, github, json, junit, sarif, text};
use blueprint::render::{self, diagram};
use blueprint::report;

/// Reads a design and builds its graph.
pub fn read(data: &[u8]) {
    let _ = blueprint::analyse(data);
}

/// Everything `check`, `estimate`, `render`, `report` and `diff` do with a
/// design, in every output format.
pub fn pipeline(data: &[u8]) {
    let options = blueprint::CheckOptions::default();
    // What `check` does, with the end-to-end quantiles computed.
    let analysed = blueprint::analyse(data);
    let review = analysed
        .as_ref()
        .ok()
        .map(|analysis| blueprint::review_with(analysis, &options, true));
    let mut diagnostics = match (&analysed, &review) {
        (Err(errors), _) => errors.clone(),
        (Ok(_), Some(review)) => review.findings.clone(),
        (Ok(_), None) => Vec::new(),
    };
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let checked = FileReport {
        path: "fuzz.yaml".to_string(),
        source: String::from_utf8_lossy(data).into_owned(),
        diagnostics,
    };
    let reports: &[FileReport] = std::slice::from_ref(&checked);
    let _ = text::render(reports, false);
    let _ = text::render(reports, true);
    let _ = json::render(reports);
    let _ = sarif::render(reports);
    let _ = github::render(reports);
    let _ = junit::render(&[(&checked, &options.selection, Severity::Warning)]);
    let (Ok(analysis), Some(review)) = (analysed, review) else {
        return;
    };
    let Some(estimate) = review.estimate.as_ref() else {
        return;
    };
    let _ = blueprint::present::estimate::render_text(&analysis, estimate);
    let _ = blueprint::present::estimate::render_json(&analysis, estimate);
    let drawing = diagram::build(
        &analysis.design,
        &analysis.topology,
        Some(estimate),
        &review.findings,
        diagram::Direction::LeftToRight,
        0.8,
    );
    for format in [
        render::Format::Mermaid,
        render::Format::Dot,
        render::Format::D2,
        render::Format::LikeC4,
    ] {
        let _ = render::render(&drawing, format);
    }
    let document = report::build(&report::Input {
        path: "fuzz.yaml",
        source: &checked.source,
        analysis: &analysis,
        estimate: Some(estimate),
        findings: &review.findings,
        fail_on: Severity::Warning,
        hot_utilization: 0.8,
        simulation: None,
    });
    let markdown = report::markdown::render(&document);
    assert!(
        markdown.len() <= report::max_bytes(data.len()),
        "a {} byte design gave a {} byte report",
        data.len(),
        markdown.len()
    );
    if analysis.design.components.len() <= 50 {
        // The SVG layout costs more: small designs only.
        let _ = render::render(&drawing, render::Format::Svg);
        let _ = report::html::render(&document);
    }
}
