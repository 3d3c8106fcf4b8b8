//! `check --format sarif`: SARIF 2.1.0 for code-scanning dashboards. Every
//! rule is described with its help; results point at the design file's
//! line and column (counted in Unicode code points, as `columnKind` says);
//! suppressed findings carry an in-source suppression with its reason.

use serde_json::{Value, json};

use super::{CAUSED_LABEL, Diagnostic, FileReport, Severity};
use crate::rules::all_codes;

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A relative URI reference for a path as the user gave it: forward
/// slashes, and percent-encoding for anything outside the unreserved set.
pub fn uri(path: &str) -> String {
    let mut encoded = String::with_capacity(path.len());
    for byte in path.replace('\\', "/").bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                encoded.push(byte as char)
            }
            other => encoded.push_str(&format!("%{other:02X}")),
        }
    }
    encoded
}

fn location(report: &FileReport, span: Option<super::Span>, label: Option<&str>) -> Value {
    let mut physical = json!({ "artifactLocation": { "uri": uri(&report.path) } });
    if let Some(span) = span {
        let end_column = span.column as usize
            + report
                .source
                .get(span.bytes())
                .map_or(0, |text| text.chars().count());
        physical["region"] = json!({
            "startLine": span.line,
            "startColumn": span.column,
            "endColumn": end_column.max(span.column as usize + 1),
        });
    }
    let mut location = json!({ "physicalLocation": physical });
    if let Some(label) = label {
        location["message"] = json!({ "text": label });
    }
    location
}

fn result(report: &FileReport, diagnostic: &Diagnostic, rule_index: usize) -> Value {
    let mut text = diagnostic.message.clone();
    if let Some(help) = &diagnostic.help {
        text.push_str(&format!("\nhelp: {help}"));
    }
    let mut result = json!({
        "ruleId": diagnostic.code,
        "ruleIndex": rule_index,
        "level": level(diagnostic.severity),
        "message": { "text": text },
        "locations": [location(report, diagnostic.span, None)],
    });
    // The findings that follow from this one are related locations too,
    // each with its code and message, so a dashboard shows one result per
    // cause.
    let caused: Vec<String> = diagnostic
        .caused
        .iter()
        .map(|c| format!("{CAUSED_LABEL}: {} {}: {}", c.code, c.name, c.message))
        .collect();
    let places = diagnostic
        .related
        .iter()
        .map(|related| location(report, Some(related.span), Some(&related.label)))
        .chain(
            diagnostic
                .caused
                .iter()
                .zip(&caused)
                .map(|(c, text)| location(report, c.span, Some(text))),
        );
    let related: Vec<Value> = places
        .enumerate()
        .map(|(id, mut place)| {
            place["id"] = json!(id);
            place
        })
        .collect();
    if !related.is_empty() {
        result["relatedLocations"] = Value::Array(related);
    }
    if let Some(component) = &diagnostic.component {
        result["properties"] = json!({ "component": component });
    }
    if diagnostic.suppressed {
        let mut suppression = json!({ "kind": "inSource", "status": "accepted" });
        if let Some(reason) = &diagnostic.justification {
            suppression["justification"] = json!(reason);
        }
        result["suppressions"] = json!([suppression]);
    }
    result
}

pub fn render(reports: &[FileReport]) -> String {
    let codes: Vec<_> = all_codes().collect();
    let rules: Vec<Value> = codes
        .iter()
        .map(|code| {
            json!({
                "id": code.code,
                "name": code.name,
                "shortDescription": { "text": code.summary },
                "fullDescription": { "text": format!("Fires when {}.", code.summary) },
                "help": { "text": code.docs, "markdown": code.docs },
                "defaultConfiguration": { "level": level(code.severity) },
                "properties": { "tags": [code.name] },
            })
        })
        .collect();
    let codes = &codes;
    let results: Vec<Value> = reports
        .iter()
        .flat_map(|report| {
            report.diagnostics.iter().map(move |diagnostic| {
                let index = codes
                    .iter()
                    .position(|code| code.code == diagnostic.code)
                    .unwrap_or(0);
                result(report, diagnostic, index)
            })
        })
        .collect();
    let artifacts: Vec<Value> = reports
        .iter()
        .map(|report| json!({ "location": { "uri": uri(&report.path) } }))
        .collect();
    let sarif = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "blueprint",
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "artifacts": artifacts,
            "results": results,
        }],
    });
    let mut text = serde_json::to_string_pretty(&sarif).expect("plain data serialises");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::uri;

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(uri("designs/chat.yaml"), "designs/chat.yaml");
        assert_eq!(
            uri("my designs/shop,v2.yaml"),
            "my%20designs/shop%2Cv2.yaml"
        );
        assert_eq!(uri("designs\\win.yaml"), "designs/win.yaml");
    }
}
