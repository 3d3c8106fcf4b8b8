//! Diagnostics for people, the way a compiler prints them: the file, line
//! and column, the YAML line with a marker under the key, and a help line.

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};

use super::{Diagnostic, FileReport, Severity, Span, Summary, markup};
use crate::render::escape;

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
            let rendered = render_one(&renderer, report, diagnostic, color);
            if color {
                out.push_str(&markup::colour_markers(&rendered));
            } else {
                out.push_str(&rendered);
            }
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

/// The text of `span`'s line (without a Windows line end) and the byte
/// offset where that line starts.
fn line_of(source: &str, span: Span) -> (&str, usize) {
    let start = floor_boundary(source, span.start());
    let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = source[start..]
        .find('\n')
        .map_or(source.len(), |i| start + i);
    let line = &source[line_start..line_end];
    (line.strip_suffix('\r').unwrap_or(line), line_start)
}

/// Characters of a long line shown on each side of its markers.
const CONTEXT_CHARS: usize = 50;
/// Lines up to this many bytes are shown whole.
const WHOLE_LINE_BYTES: usize = 160;
/// The most bytes of a line shown from the first marker on.
const MARKED_BYTES: usize = 400;

/// What of a source line is shown: the line itself when short, else the
/// part around the markers with `…` where it was cut, every control and
/// direction character shown visibly ([`escape::terminal`]); and where each
/// byte of the line landed in it, for the markers.
struct Shown {
    text: String,
    /// Characters of the line left out before the text (shown as `…`).
    cut_chars: usize,
    /// `(byte in the line, byte in text)` at each character boundary kept.
    offsets: Vec<(usize, usize)>,
}

impl Shown {
    fn of(line: &str, marks: impl Iterator<Item = (usize, usize)>) -> Shown {
        let (mut first, mut last) = (line.len(), 0);
        for (start, end) in marks {
            first = first.min(start);
            last = last.max(end);
        }
        let (from, to) = if line.len() <= WHOLE_LINE_BYTES {
            (0, line.len())
        } else {
            let from = line[..first.min(line.len())]
                .char_indices()
                .rev()
                .nth(CONTEXT_CHARS - 1)
                .map_or(0, |(i, _)| i);
            let last = last.clamp(
                first.min(line.len()),
                (first + MARKED_BYTES).min(line.len()),
            );
            let to = line[last..]
                .char_indices()
                .nth(CONTEXT_CHARS)
                .map_or(line.len(), |(i, _)| last + i);
            (floor_boundary(line, from), floor_boundary(line, to))
        };
        let mut text = String::with_capacity(to - from + 8);
        let mut offsets = Vec::with_capacity(to - from + 2);
        if from > 0 {
            text.push('…');
        }
        for (index, c) in line[from..to].char_indices() {
            offsets.push((from + index, text.len()));
            match escape::visible(c) {
                Some(shown) => text.push(shown),
                None => text.push(c),
            }
        }
        offsets.push((to, text.len()));
        if to < line.len() {
            text.push('…');
        }
        let cut_chars = line[..from].chars().count();
        Shown {
            text,
            cut_chars,
            offsets,
        }
    }

    /// Where byte `offset` of the line is in the shown text (clamped to it).
    fn position(&self, offset: usize) -> usize {
        match self
            .offsets
            .binary_search_by_key(&offset, |(line, _)| *line)
        {
            Ok(index) => self.offsets[index].1,
            Err(0) => self.offsets.first().map_or(0, |(_, shown)| *shown),
            Err(index) => self.offsets[index - 1].1,
        }
    }
}

/// The line `span` points at, as a review document quotes it: the whole
/// line when short, else the part around the span with `…` where it was
/// cut (so a design written on one long line is not repeated whole under
/// every finding), trailing space trimmed.
pub fn source_excerpt(source: &str, span: Span) -> String {
    let (text, line_start) = line_of(source, span);
    let start = span.start().saturating_sub(line_start).min(text.len());
    let end = span
        .end()
        .saturating_sub(line_start)
        .clamp(start, text.len());
    Shown::of(text, std::iter::once((start, end)))
        .text
        .trim_end()
        .to_string()
}

/// The largest character boundary of `text` at or before `index`.
fn floor_boundary(text: &str, index: usize) -> usize {
    let mut index = index.min(text.len());
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

/// A message for the terminal: code coloured (through markers that
/// survive the renderer) or kept between backticks, every control and
/// direction character shown visibly.
fn message(text: &str, color: bool) -> String {
    if color {
        markup::terminal_marked(text)
    } else {
        markup::terminal(text, false)
    }
}

/// One snippet per line the diagnostic points at, holding every marker on
/// that line. Only the part of the line around its markers is handed to the
/// renderer, so rendering costs the same in a ten-line file and a
/// hundred-thousand-line one, or a file on one long line.
fn render_one(
    renderer: &Renderer,
    report: &FileReport,
    diagnostic: &Diagnostic,
    color: bool,
) -> String {
    let path = escape::terminal(&report.path);
    let label_of = |label: Option<&str>| label.map(|label| message(label, color));
    let title_text = message(&diagnostic.message, color);
    let title = level(diagnostic.severity)
        .primary_title(title_text)
        .id(format!("{} {}", diagnostic.code, diagnostic.name));
    let mut marks: Vec<(Span, AnnotationKind, Option<String>)> = Vec::new();
    if let Some(span) = diagnostic.span {
        marks.push((
            span,
            AnnotationKind::Primary,
            label_of(diagnostic.label.as_deref()),
        ));
    }
    for related in &diagnostic.related {
        marks.push((
            related.span,
            AnnotationKind::Context,
            label_of(Some(related.label.as_str())),
        ));
    }
    let mut lines: Vec<u32> = Vec::new();
    for (span, _, _) in &marks {
        if !lines.contains(&span.line) {
            lines.push(span.line);
        }
    }
    // Lines shown from part-way along: line number and characters cut.
    let mut cut: Vec<(u32, usize)> = Vec::new();
    let mut group: Group = if lines.is_empty() {
        title.element(Origin::path(path.as_str()))
    } else {
        let snippets: Vec<Snippet<_>> = lines
            .iter()
            .map(|&line| {
                let on_line: Vec<_> = marks
                    .iter()
                    .filter(|(span, _, _)| span.line == line)
                    .collect();
                let (text, line_start) = line_of(&report.source, on_line[0].0);
                let relative = |span: &Span| {
                    let start = span.start().saturating_sub(line_start).min(text.len());
                    (
                        start,
                        span.end()
                            .saturating_sub(line_start)
                            .clamp(start, text.len()),
                    )
                };
                let shown = Shown::of(text, on_line.iter().map(|(span, _, _)| relative(span)));
                if shown.cut_chars > 0 {
                    cut.push((line, shown.cut_chars));
                }
                let annotations: Vec<_> = on_line
                    .iter()
                    .map(|(span, kind, label)| {
                        let (start, end) = relative(span);
                        (*kind)
                            .span(shown.position(start)..shown.position(end))
                            .label(label.clone())
                    })
                    .collect();
                Snippet::source(shown.text)
                    .line_start(line as usize)
                    .path(path.as_str())
                    .annotations(annotations)
            })
            .collect();
        title.elements(snippets)
    };
    if let Some(help) = &diagnostic.help {
        group = group.element(Level::HELP.message(message(help, color)));
    }
    let rendered = renderer.render(&[group]);
    let mut out = if cut.is_empty() {
        rendered
    } else {
        true_columns(&rendered, &cut)
    };
    if !diagnostic.caused.is_empty() {
        out.push('\n');
        for line in diagnostic.caused_list(&report.path).lines() {
            out.push_str("  ");
            out.push_str(&message(line, color));
            out.push('\n');
        }
        out.pop();
    }
    out
}

/// The renderer counts a place's column in the part of the line it was
/// shown, which starts with `…` where characters were cut: each
/// `--> path:line:column` (or `:::`) of such a line gets its column back.
fn true_columns(rendered: &str, cut: &[(u32, usize)]) -> String {
    let fixed: Vec<String> = rendered
        .split('\n')
        .map(|row| {
            let trimmed = row.trim_start();
            if !(trimmed.starts_with("--> ") || trimmed.starts_with("::: ")) {
                return row.to_string();
            }
            let mut parts = row.rsplitn(3, ':');
            let (Some(column), Some(line), Some(before)) =
                (parts.next(), parts.next(), parts.next())
            else {
                return row.to_string();
            };
            let (Ok(column), Ok(line)) = (column.parse::<usize>(), line.parse::<u32>()) else {
                return row.to_string();
            };
            match cut.iter().find(|(cut_line, _)| *cut_line == line) {
                // The shown column counts the `…` where the cut characters were.
                Some((_, chars)) => format!("{before}:{line}:{}", column - 1 + chars),
                None => row.to_string(),
            }
        })
        .collect();
    fixed.join("\n")
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
