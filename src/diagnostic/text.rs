//! Diagnostics for people, the way a compiler prints them: the file, line
//! and column, the YAML line with a marker under the key, and a help line.

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};

use super::{Diagnostic, FileReport, Severity, Span, Summary};

/// Renders the live findings of every report, then a one-line summary.
pub fn render(reports: &[FileReport], color: bool) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    for report in reports {
        for diagnostic in report.diagnostics.iter().filter(|d| !d.suppressed) {
            out.push_str(&render_one(&renderer, report, diagnostic));
            out.push_str("\n\n");
        }
    }
    out.push_str(&summary_line(reports));
    out.push('\n');
    out
}

fn level(severity: Severity) -> Level<'static> {
    match severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Info => Level::INFO,
    }
}

/// The text of `span`'s line and the byte offset where that line starts.
fn line_of(source: &str, span: Span) -> (&str, usize) {
    let start = span.start.min(source.len());
    let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = source[start..]
        .find('\n')
        .map_or(source.len(), |i| start + i);
    (&source[line_start..line_end], line_start)
}

/// One snippet per line the diagnostic points at, holding every marker on
/// that line. Only the line itself is handed to the renderer, so rendering
/// costs the same in a ten-line file and a hundred-thousand-line one.
fn render_one(renderer: &Renderer, report: &FileReport, diagnostic: &Diagnostic) -> String {
    let title = level(diagnostic.severity)
        .primary_title(diagnostic.message.as_str())
        .id(format!("{} {}", diagnostic.code, diagnostic.name));
    let mut marks: Vec<(Span, AnnotationKind, Option<&str>)> = Vec::new();
    if let Some(span) = diagnostic.span {
        marks.push((span, AnnotationKind::Primary, diagnostic.label.as_deref()));
    }
    for related in &diagnostic.related {
        marks.push((
            related.span,
            AnnotationKind::Context,
            Some(related.label.as_str()),
        ));
    }
    let mut lines: Vec<u32> = Vec::new();
    for (span, _, _) in &marks {
        if !lines.contains(&span.line) {
            lines.push(span.line);
        }
    }
    let mut group: Group = if lines.is_empty() {
        title.element(Origin::path(report.path.as_str()))
    } else {
        let snippets = lines.iter().map(|&line| {
            let on_line: Vec<_> = marks
                .iter()
                .filter(|(span, _, _)| span.line == line)
                .collect();
            let (text, line_start) = line_of(&report.source, on_line[0].0);
            let annotations = on_line.into_iter().map(|(span, kind, label)| {
                let start = span.start.saturating_sub(line_start).min(text.len());
                let end = span.end.saturating_sub(line_start).clamp(start, text.len());
                (*kind).span(start..end).label(*label)
            });
            Snippet::source(text)
                .line_start(line as usize)
                .path(report.path.as_str())
                .annotations(annotations)
        });
        title.elements(snippets)
    };
    if let Some(help) = &diagnostic.help {
        group = group.element(Level::HELP.message(help.as_str()));
    }
    let mut out = renderer.render(&[group]);
    if !diagnostic.caused.is_empty() {
        out.push('\n');
        for line in diagnostic.caused_list(&report.path).lines() {
            out.push_str("  ");
            out.push_str(line);
            out.push('\n');
        }
        out.pop();
    }
    out
}

fn plural(count: usize, word: &str) -> String {
    if count == 1 {
        format!("{count} {word}")
    } else {
        format!("{count} {word}s")
    }
}

/// `2 files checked: 1 error, 3 warnings, 0 infos (1 suppressed)`: the
/// leading findings; those listed under them are counted apart.
pub fn summary_line(reports: &[FileReport]) -> String {
    let summary = Summary::of(reports);
    let suppressed = reports
        .iter()
        .flat_map(|r| &r.diagnostics)
        .filter(|d| d.suppressed)
        .count();
    let mut line = format!(
        "{} checked: {}, {}, {}",
        plural(reports.len(), "file"),
        plural(summary.error, "error"),
        plural(summary.warning, "warning"),
        plural(summary.info, "info"),
    );
    let caused: usize = reports
        .iter()
        .flat_map(|r| &r.diagnostics)
        .filter(|d| !d.suppressed)
        .map(|d| d.caused.len())
        .sum();
    if caused > 0 {
        line.push_str(&format!(", and {} under them", plural(caused, "finding")));
    }
    if suppressed > 0 {
        line.push_str(&format!(" ({suppressed} suppressed)"));
    }
    line
}
