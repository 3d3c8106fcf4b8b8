//! The one type every finding and every reader error becomes, and its
//! renderers: each output format is a pure function of a list of
//! [`FileReport`]s.

pub mod github;
pub mod json;
pub mod junit;
pub mod markup;
pub mod sarif;
pub mod text;

use std::fmt;

use serde::Serialize;

/// A place in a design file: 1-based line and column (in characters), and
/// the byte range the marker underlines. Offsets are `u32` (design files
/// are read only up to `design::read::MAX_FILE_BYTES`): every located field
/// of the model carries one, so its size is the model's.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub line: u32,
    pub column: u32,
    start: u32,
    end: u32,
}

impl Span {
    /// The span of the bytes `bytes`, which start at `line`:`column`.
    pub fn new(line: u32, column: u32, bytes: std::ops::Range<usize>) -> Span {
        // Beyond 4 GiB (far past the largest file read) offsets stop there.
        let offset = |byte: usize| u32::try_from(byte).unwrap_or(u32::MAX);
        Span {
            line,
            column,
            start: offset(bytes.start),
            end: offset(bytes.end),
        }
    }

    /// The first byte.
    pub fn start(&self) -> usize {
        self.start as usize
    }

    /// The byte after the last.
    pub fn end(&self) -> usize {
        self.end as usize
    }

    /// The byte range the marker underlines.
    pub fn bytes(&self) -> std::ops::Range<usize> {
        self.start()..self.end()
    }

    /// The span from serde-saphyr's location of a key or value.
    pub fn from_location(location: &serde_saphyr::Location) -> Span {
        let span = location.span();
        let start = span.byte_offset().unwrap_or(0) as usize;
        let length = span.byte_len().unwrap_or(0) as usize;
        Span::new(
            location.line() as u32,
            location.column() as u32,
            start..start + length,
        )
    }

    /// The span of the `line`:`column` position in `source` (both 1-based,
    /// column in characters), one character long.
    pub fn at(source: &str, line: u32, column: u32) -> Span {
        let line_start: usize = source
            .split_inclusive('\n')
            .take(line.saturating_sub(1) as usize)
            .map(str::len)
            .sum();
        let rest = &source[line_start.min(source.len())..];
        let start = line_start
            + rest
                .char_indices()
                .nth(column.saturating_sub(1) as usize)
                .map_or(rest.len(), |(offset, _)| offset);
        let end = source[start..]
            .chars()
            .next()
            .filter(|c| *c != '\n')
            .map_or(start, |c| start + c.len_utf8());
        Span::new(line, column, start..end)
    }

    /// The span of byte `offset` in `source`.
    pub fn at_offset(source: &str, offset: usize) -> Span {
        let offset = offset.min(source.len());
        let before = &source.as_bytes()[..offset];
        let line = before.iter().filter(|&&b| b == b'\n').count() as u32 + 1;
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&before[line_start..])
            .chars()
            .count() as u32
            + 1;
        Span::new(line, column, offset..offset)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn from_name(text: &str) -> Option<Severity> {
        match text {
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The identity and documentation of a rule or reader error: what
/// `blueprint rules` lists and `blueprint explain` prints.
#[derive(Debug)]
pub struct Code {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    /// One line: when it fires.
    pub summary: &'static str,
    /// Markdown: why it matters, what fires it, how to fix it.
    pub docs: &'static str,
}

impl Code {
    /// The page `blueprint explain` prints (and the language server shows
    /// on a rule code): title, when it fires, and the documentation.
    pub fn page(&self) -> String {
        format!(
            "# {} {} ({})\n\nFires when {}.\n\n{}\n",
            self.code,
            self.name,
            self.severity,
            self.summary,
            self.docs.trim_end()
        )
    }

    /// A diagnostic of this code at its default severity.
    pub fn diagnostic(&'static self, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(self.code, self.name, self.severity, message)
    }
}

/// The label of a finding listed under the one it follows from, in the
/// formats that list them as related places.
pub const CAUSED_LABEL: &str = "caused by this";

/// A second place a diagnostic points at, with what it is.
#[derive(Clone, Debug, PartialEq)]
pub struct Related {
    pub span: Span,
    pub label: String,
}

/// A fact of the model that one finding reports and others follow from:
/// what lets the rule engine put the consequences of one cause under it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cause {
    /// The component runs a single replica.
    SingleReplica(String),
    /// The component cannot keep up with its peak load.
    Saturated(String),
    /// Every replica of the component runs in one zone.
    OneZone(String),
    /// The component's shard key puts more than its share on one shard.
    HotShard(String),
}

/// One finding of a rule, or one reason a design could not be read.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    /// The component the finding concerns, if any.
    pub component: Option<String>,
    pub message: String,
    /// Where in the file; none when the problem is the file as a whole.
    pub span: Option<Span>,
    /// The label under the marker.
    pub label: Option<String>,
    pub help: Option<String>,
    pub related: Vec<Related>,
    /// Accepted by an `allow:` entry; still reported, never fails a run.
    pub suppressed: bool,
    /// The `reason` of the entry that accepted it.
    pub justification: Option<String>,
    /// The fact of the model this finding reports, when other findings can
    /// follow from it.
    pub reports: Option<Cause>,
    /// The facts this finding follows from: a finding that reports one of
    /// them leads it.
    pub stems_from: Vec<Cause>,
    /// The findings that follow from this one, in file order (filled by
    /// `rules::run`; a finding listed here is not listed on its own).
    pub caused: Vec<Diagnostic>,
}

impl Diagnostic {
    pub fn new(
        code: &'static str,
        name: &'static str,
        severity: Severity,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            code,
            name,
            severity,
            component: None,
            message: message.into(),
            span: None,
            label: None,
            help: None,
            related: Vec::new(),
            suppressed: false,
            justification: None,
            reports: None,
            stems_from: Vec::new(),
            caused: Vec::new(),
        }
    }

    pub fn at(mut self, span: Span) -> Self {
        self.span = Some(span);
        self
    }

    pub fn component(mut self, name: impl Into<String>) -> Self {
        self.component = Some(name.into());
        self
    }

    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn related(mut self, span: Span, label: impl Into<String>) -> Self {
        self.related.push(Related {
            span,
            label: label.into(),
        });
        self
    }

    /// Says which fact of the model this finding reports.
    pub fn reports(mut self, cause: Cause) -> Self {
        self.reports = Some(cause);
        self
    }

    /// Says that this finding follows from `cause`.
    pub fn stems_from(mut self, cause: Cause) -> Self {
        self.stems_from.push(cause);
        self
    }

    /// This finding, then the ones that follow from it.
    pub fn and_caused(&self) -> impl Iterator<Item = &Diagnostic> {
        std::iter::once(self).chain(&self.caused)
    }

    /// `file:line:column: severity [CODE name] message`, on one line.
    pub fn one_line(&self, path: &str) -> String {
        let place = self.span.map_or(path.to_string(), |span| {
            format!("{path}:{}:{}", span.line, span.column)
        });
        format!(
            "{place}: {} [{} {}] {}",
            self.severity, self.code, self.name, self.message
        )
    }

    /// The "caused by this:" list under a leading finding, one line each;
    /// empty when nothing follows from it.
    pub fn caused_list(&self, path: &str) -> String {
        if self.caused.is_empty() {
            return String::new();
        }
        let mut list = "caused by this:".to_string();
        for caused in &self.caused {
            list.push_str("\n  ");
            list.push_str(&caused.one_line(path));
        }
        list
    }

    /// Order of output: by place in the file, then by code.
    pub fn sort_key(&self) -> (u32, u32, &'static str) {
        let span = self.span.unwrap_or_default();
        (span.line, span.column, self.code)
    }
}

/// Everything `check` found in one design file.
#[derive(Clone, Debug)]
pub struct FileReport {
    /// The path as the user gave it (`-` for standard input).
    pub path: String,
    pub source: String,
    pub diagnostics: Vec<Diagnostic>,
}

impl FileReport {
    /// True when the design could not be read (a BP0xx error).
    pub fn is_invalid(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.code.starts_with("BP0") && d.severity == Severity::Error && !d.suppressed)
    }
}

/// Counts of live (unsuppressed) findings by severity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub error: usize,
    pub warning: usize,
    pub info: usize,
}

impl Summary {
    pub fn of<'a>(reports: impl IntoIterator<Item = &'a FileReport>) -> Summary {
        Summary::of_findings(reports.into_iter().flat_map(|r| &r.diagnostics))
    }

    /// The counts of one list of findings; suppressed ones are not counted.
    pub fn of_findings<'a>(findings: impl IntoIterator<Item = &'a Diagnostic>) -> Summary {
        let mut summary = Summary::default();
        for diagnostic in findings.into_iter().filter(|d| !d.suppressed) {
            match diagnostic.severity {
                Severity::Error => summary.error += 1,
                Severity::Warning => summary.warning += 1,
                Severity::Info => summary.info += 1,
            }
        }
        summary
    }

    /// Live findings at or above `threshold`.
    pub fn at_or_above(&self, threshold: Severity) -> usize {
        match threshold {
            Severity::Error => self.error,
            Severity::Warning => self.error + self.warning,
            Severity::Info => self.error + self.warning + self.info,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn span_at_line_and_column() {
        let source = "a: 1\nbé: 2\n";
        let span = Span::at(source, 2, 2);
        assert_eq!((span.start, span.end), (6, 8));
        assert_eq!(Span::at_offset(source, 8).column, 3);
        assert_eq!(Span::at_offset(source, 8).line, 2);
    }
}
