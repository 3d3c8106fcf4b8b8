//! `check --format junit`: JUnit XML for CI dashboards. One test suite per
//! design file and one test case per rule that ran: a case fails when the
//! rule has live findings at or above the run's `--fail-on`. A design that
//! cannot be read is one case in error.

use super::{Diagnostic, FileReport, Severity};
use crate::render::escape::xml as escape;
use crate::rules::{Selection, all_codes};

struct Case {
    name: String,
    failure: Option<(String, String)>,
    error: Option<(String, String)>,
}

/// One suite per report, with the rules that ran on it and its `--fail-on`.
pub fn render(reports: &[(&FileReport, &Selection, Severity)]) -> String {
    let mut suites = String::new();
    let (mut all_tests, mut all_failures, mut all_errors) = (0, 0, 0);
    for &(report, selection, fail_on) in reports {
        let mut cases = Vec::new();
        if report.is_invalid() {
            let details: Vec<String> = report
                .diagnostics
                .iter()
                .map(|d| d.one_line(&report.path))
                .collect();
            cases.push(Case {
                name: "read the design".to_string(),
                failure: None,
                error: Some((
                    "the design could not be read".to_string(),
                    details.join("\n"),
                )),
            });
        } else {
            // The reader's codes are not rules that run: one case above covers them.
            let reader_code = |code: &str| {
                crate::design::errors::ALL
                    .iter()
                    .any(|error| error.code == code)
            };
            for code in
                all_codes().filter(|code| !reader_code(code.code) && selection.includes(code))
            {
                // Each rule is a case of its own, so a finding listed under
                // the one it follows from still fails its rule's case.
                let failing: Vec<String> = report
                    .diagnostics
                    .iter()
                    .flat_map(Diagnostic::and_caused)
                    .filter(|d| d.code == code.code && !d.suppressed && d.severity >= fail_on)
                    .map(|d| d.one_line(&report.path))
                    .collect();
                let failure = (!failing.is_empty())
                    .then(|| (format!("{} finding(s)", failing.len()), failing.join("\n")));
                cases.push(Case {
                    name: format!("{} {}", code.code, code.name),
                    failure,
                    error: None,
                });
            }
        }
        let failures = cases.iter().filter(|c| c.failure.is_some()).count();
        let errors = cases.iter().filter(|c| c.error.is_some()).count();
        all_tests += cases.len();
        all_failures += failures;
        all_errors += errors;
        suites.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"0\">\n",
            escape(&report.path),
            cases.len()
        ));
        for case in cases {
            let open = format!(
                "    <testcase name=\"{}\" classname=\"{}\"",
                escape(&case.name),
                escape(&report.path)
            );
            match (case.failure, case.error) {
                (Some((message, body)), _) => suites.push_str(&format!(
                    "{open}>\n      <failure message=\"{}\" type=\"finding\">{}</failure>\n    </testcase>\n",
                    escape(&message),
                    escape(&body)
                )),
                (None, Some((message, body))) => suites.push_str(&format!(
                    "{open}>\n      <error message=\"{}\" type=\"invalid-design\">{}</error>\n    </testcase>\n",
                    escape(&message),
                    escape(&body)
                )),
                (None, None) => suites.push_str(&format!("{open}/>\n")),
            }
        }
        suites.push_str("  </testsuite>\n");
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"blueprint\" tests=\"{all_tests}\" failures=\"{all_failures}\" errors=\"{all_errors}\">\n{suites}</testsuites>\n"
    )
}
