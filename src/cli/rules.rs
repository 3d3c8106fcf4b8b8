//! `blueprint rules` and `blueprint explain CODE`.

use blueprint::rules::{all_codes, find, page};
use blueprint::suggest::did_you_mean;
use clap::{Args, ValueEnum};
use serde::Serialize;

use super::{SUCCESS, fail, print_stdout};

#[derive(Args, Debug)]
pub struct RulesArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Format {
    Table,
    Json,
    /// A Markdown table, as in the README
    Markdown,
}

#[derive(Args, Debug)]
pub struct ExplainArgs {
    /// A rule code (`BP105`) or name (`cut-vertex`)
    rule: String,
}

#[derive(Serialize)]
struct RuleRow {
    code: &'static str,
    name: &'static str,
    severity: &'static str,
    summary: &'static str,
}

#[derive(Serialize)]
struct RulesOutput {
    version: u32,
    rules: Vec<RuleRow>,
}

pub fn run_rules(args: RulesArgs) -> u8 {
    let rows: Vec<RuleRow> = all_codes()
        .map(|code| RuleRow {
            code: code.code,
            name: code.name,
            severity: code.severity.as_str(),
            summary: code.summary,
        })
        .collect();
    match args.format {
        Format::Json => {
            let output = RulesOutput {
                version: 1,
                rules: rows,
            };
            let json = serde_json::to_string_pretty(&output).expect("plain data serialises");
            print_stdout(&format!("{json}\n"));
        }
        Format::Markdown => {
            let mut markdown =
                String::from("| code | name | severity | fires when |\n|---|---|---|---|\n");
            for row in rows {
                let summary = row.summary.replace('|', "\\|");
                markdown.push_str(&format!(
                    "| {} | {} | {} | {summary} |\n",
                    row.code, row.name, row.severity
                ));
            }
            print_stdout(&markdown);
        }
        Format::Table => {
            let mut table = blueprint::present::table();
            table.set_header(["code", "name", "severity", "fires when"]);
            for row in rows {
                table.add_row([row.code, row.name, row.severity, row.summary]);
            }
            // Narrow: the sentence wraps; the code and name do not, and the
            // severity goes below 60 columns.
            blueprint::present::fit(&mut table, &[0, 1], &[2], 60);
            print_stdout(&format!("{table}\n"));
        }
    }
    SUCCESS
}

pub fn run_explain(args: ExplainArgs) -> u8 {
    match find(&args.rule) {
        Some(code) => {
            print_stdout(&page(code));
            SUCCESS
        }
        None => {
            let names = all_codes().flat_map(|c| [c.code, c.name]);
            let hint = did_you_mean(&args.rule, names)
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default();
            fail(format!(
                "no rule is named `{}`{hint} (see `blueprint rules`)",
                args.rule
            ))
        }
    }
}
