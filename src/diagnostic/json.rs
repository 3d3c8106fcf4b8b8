//! `check --format json`: the stable machine shape of cli.md. Fields may be
//! added, never renamed or removed without a version bump.

use serde::Serialize;

use super::{CAUSED_LABEL, Diagnostic, FileReport, Summary};

#[derive(Serialize)]
struct Output<'a> {
    version: u32,
    files: Vec<File<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct File<'a> {
    path: &'a str,
    findings: Vec<Finding<'a>>,
}

#[derive(Serialize)]
struct Finding<'a> {
    code: &'a str,
    name: &'a str,
    severity: &'a str,
    component: Option<&'a str>,
    message: &'a str,
    line: Option<u32>,
    column: Option<u32>,
    suppressed: bool,
    help: Option<&'a str>,
    related: Vec<RelatedPlace<'a>>,
}

/// A second place the finding points at, or a finding that follows from
/// it: those carry their code, name, severity, component and message too,
/// and their label is "caused by this".
#[derive(Serialize)]
struct RelatedPlace<'a> {
    line: Option<u32>,
    column: Option<u32>,
    label: &'a str,
    #[serde(flatten)]
    caused: Option<CausedFinding<'a>>,
}

#[derive(Serialize)]
struct CausedFinding<'a> {
    code: &'a str,
    name: &'a str,
    severity: &'a str,
    component: Option<&'a str>,
    message: &'a str,
}

fn finding(diagnostic: &Diagnostic) -> Finding<'_> {
    Finding {
        code: diagnostic.code,
        name: diagnostic.name,
        severity: diagnostic.severity.as_str(),
        component: diagnostic.component.as_deref(),
        message: &diagnostic.message,
        line: diagnostic.span.map(|s| s.line),
        column: diagnostic.span.map(|s| s.column),
        suppressed: diagnostic.suppressed,
        help: diagnostic.help.as_deref(),
        related: diagnostic
            .related
            .iter()
            .map(|r| RelatedPlace {
                line: Some(r.span.line),
                column: Some(r.span.column),
                label: &r.label,
                caused: None,
            })
            .chain(diagnostic.caused.iter().map(|c| RelatedPlace {
                line: c.span.map(|s| s.line),
                column: c.span.map(|s| s.column),
                label: CAUSED_LABEL,
                caused: Some(CausedFinding {
                    code: c.code,
                    name: c.name,
                    severity: c.severity.as_str(),
                    component: c.component.as_deref(),
                    message: &c.message,
                }),
            }))
            .collect(),
    }
}

pub fn render(reports: &[FileReport]) -> String {
    let output = Output {
        version: 1,
        files: reports
            .iter()
            .map(|report| File {
                path: &report.path,
                findings: report.diagnostics.iter().map(finding).collect(),
            })
            .collect(),
        summary: Summary::of(reports),
    };
    let mut text = serde_json::to_string_pretty(&output).expect("plain data serialises");
    text.push('\n');
    text
}
