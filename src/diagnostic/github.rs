//! `check --format github`: GitHub Actions workflow commands, one line per
//! live leading finding (with the findings that follow from it in its
//! message), which the runner turns into annotations on the pull
//! request. Escaping follows the runner: in the message `%`, CR and LF; in
//! property values also `:` and `,`.

use super::{FileReport, Severity};

/// The runner's escaping, after which no other control or direction
/// character is left to reach the log (which draws ANSI colours) or the
/// annotation: each is shown visibly, as on a terminal.
fn escape_data(text: &str) -> String {
    let escaped = text
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    crate::render::escape::terminal(&escaped)
}

fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

pub fn render(reports: &[FileReport]) -> String {
    let mut out = String::new();
    for report in reports {
        for diagnostic in report.diagnostics.iter().filter(|d| !d.suppressed) {
            let command = match diagnostic.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            let mut properties = vec![format!("file={}", escape_property(&report.path))];
            if let Some(span) = diagnostic.span {
                let end = span.column as usize
                    + report
                        .source
                        .get(span.bytes())
                        .map_or(0, |t| t.chars().count());
                properties.push(format!("line={}", span.line));
                properties.push(format!("col={}", span.column));
                properties.push(format!("endColumn={}", end.max(span.column as usize + 1)));
            }
            properties.push(format!(
                "title={}",
                escape_property(&format!("{} {}", diagnostic.code, diagnostic.name))
            ));
            let mut message = diagnostic.message.clone();
            if let Some(help) = &diagnostic.help {
                message.push_str(&format!("\nhelp: {help}"));
            }
            if !diagnostic.caused.is_empty() {
                message.push('\n');
                message.push_str(&diagnostic.caused_list(&report.path));
            }
            out.push_str(&format!(
                "::{command} {}::{}\n",
                properties.join(","),
                escape_data(&message)
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The escaping of @actions/core's `issueCommand` (toolkit
    /// packages/core/src/command.ts): `escapeData` and `escapeProperty`.
    #[test]
    fn escapes_like_the_actions_toolkit() {
        assert_eq!(
            escape_data("100% of c=2\r\nbusy"),
            "100%25 of c=2%0D%0Abusy"
        );
        assert_eq!(
            escape_property("designs/shop,v2.yaml"),
            "designs/shop%2Cv2.yaml"
        );
        assert_eq!(escape_property("BP001: capacity"), "BP001%3A capacity");
    }
}
