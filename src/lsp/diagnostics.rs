//! `check`'s findings as the editor's diagnostics: each at its span, with
//! its code, the rule's name and how to read its page in `data`, the help
//! line in the message and the other places it points at, then the
//! findings that follow from it (listed under it, as `check` lists them),
//! as related information; those follow at their own places too.
//! Suppressed findings are left out, as `check` leaves them out of its
//! text output.

use lsp_types::{
    DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString,
    PublishDiagnosticsParams, Uri,
};
use serde_json::json;

use super::document::{Document, Encoding};
use crate::diagnostic::{CAUSED_LABEL, Diagnostic, Severity};

/// The editor's diagnostic of one finding.
pub fn convert(
    uri: &Uri,
    document: &Document,
    encoding: Encoding,
    finding: &Diagnostic,
) -> lsp_types::Diagnostic {
    let range = finding
        .span
        .map(|span| document.span_range(span, encoding))
        .unwrap_or_default();
    let mut message = finding.message.clone();
    if let Some(help) = &finding.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let related: Vec<DiagnosticRelatedInformation> = finding
        .related
        .iter()
        .map(|related| DiagnosticRelatedInformation {
            location: Location::new(uri.clone(), document.span_range(related.span, encoding)),
            message: related.label.clone(),
        })
        .chain(finding.caused.iter().filter_map(|caused| {
            Some(DiagnosticRelatedInformation {
                location: Location::new(uri.clone(), document.span_range(caused.span?, encoding)),
                message: format!(
                    "{CAUSED_LABEL}: {} {}: {}",
                    caused.code, caused.name, caused.message
                ),
            })
        }))
        .collect();
    lsp_types::Diagnostic {
        range,
        severity: Some(match finding.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
            Severity::Info => DiagnosticSeverity::INFORMATION,
        }),
        code: Some(NumberOrString::String(finding.code.to_string())),
        code_description: None,
        source: Some("blueprint".to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: Some(json!({
            "rule": finding.name,
            "component": finding.component,
            "explain": format!("blueprint explain {}", finding.code),
        })),
    }
}

/// The `publishDiagnostics` of one version of a document.
pub fn publish(
    uri: &Uri,
    document: &Document,
    encoding: Encoding,
    findings: &[Diagnostic],
) -> PublishDiagnosticsParams {
    PublishDiagnosticsParams {
        uri: uri.clone(),
        // An editor shows findings where they point, so the ones listed
        // under a cause are published at their own places too (the cause
        // lists them as related information).
        diagnostics: findings
            .iter()
            .flat_map(Diagnostic::and_caused)
            .filter(|f| !f.suppressed)
            .map(|f| convert(uri, document, encoding, f))
            .collect(),
        version: Some(document.version),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Span;
    use lsp_types::Position;

    #[test]
    fn spans_after_non_ascii_text_land_on_the_same_characters() {
        let text = "name: café ☕ 🚀\ncomponents:\n  api: { kind: sevice }\n";
        let document = Document::new(text.to_string(), 3);
        let uri: Uri = "file:///d.yaml".parse().unwrap();
        let start = text.find("sevice").unwrap();
        let finding = crate::design::errors::INVALID_VALUE
            .diagnostic("`sevice` is not a valid `kind`")
            .at(Span::new(3, 16, start..start + 6))
            .help("did you mean `service`?")
            .related(Span::at(text, 1, 14), "here")
            .component("api");
        let converted = convert(&uri, &document, Encoding::Utf16, &finding);
        assert_eq!(converted.range.start, Position::new(2, 15));
        assert_eq!(converted.range.end, Position::new(2, 21));
        assert_eq!(
            converted.message,
            "`sevice` is not a valid `kind`\nhelp: did you mean `service`?"
        );
        assert_eq!(converted.code, Some(NumberOrString::String("BP003".into())));
        // The rocket is the 14th character and 2 UTF-16 units wide.
        let related = &converted.related_information.unwrap()[0];
        assert_eq!(related.location.range.start, Position::new(0, 13));
        assert_eq!(related.location.range.end, Position::new(0, 15));
        let utf8 = convert(&uri, &document, Encoding::Utf8, &finding);
        assert_eq!(utf8.range.start, Position::new(2, 15));
        assert_eq!(converted.data.unwrap()["component"], "api");
    }
}
