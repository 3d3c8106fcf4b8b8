//! One file per subcommand: read the flags, call the library, pick a
//! renderer, print, and choose the exit code. The only code that prints.

mod check;
mod rules;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Exit code: the run found nothing at or above `--fail-on`.
pub const SUCCESS: u8 = 0;
/// Exit code: findings at or above `--fail-on`.
pub const FINDINGS: u8 = 1;
/// Exit code: the design could not be read, a file is missing, or the
/// command line is wrong.
pub const INVALID: u8 = 2;

#[derive(Parser, Debug)]
#[command(
    name = "blueprint",
    version,
    about = "System design as code: check, estimate and draw a distributed-system design written in YAML",
    after_help = "Examples:\n  blueprint check designs/chat.yaml           findings, compiler style\n  blueprint check designs/ --format json      every design in a folder, for tools\n  blueprint rules                             the rule table\n  blueprint explain BP105                     one rule's documentation\n\nExit codes: 0 clean, 1 findings at or above --fail-on, 2 unreadable design or bad command line."
)]
pub struct Arguments {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Check designs against the review rules
    #[command(
        after_help = "Examples:\n  blueprint check designs/chat.yaml\n  blueprint check designs/ --format json\n  blueprint check design.yaml --select BP1 --ignore single-zone --fail-on error\n  cat design.yaml | blueprint check -"
    )]
    Check(check::CheckArgs),
    /// List every rule: code, name, default severity and what fires it
    #[command(after_help = "Examples:\n  blueprint rules\n  blueprint rules --format json")]
    Rules(rules::RulesArgs),
    /// Print the documentation of one rule, by code or name
    #[command(
        after_help = "Examples:\n  blueprint explain BP105\n  blueprint explain single-replica"
    )]
    Explain(rules::ExplainArgs),
}

pub fn run(arguments: Arguments) -> ExitCode {
    let code = match arguments.command {
        Command::Check(args) => check::run(args),
        Command::Rules(args) => rules::run_rules(args),
        Command::Explain(args) => rules::run_explain(args),
    };
    ExitCode::from(code)
}

/// Whether to colour what goes to standard error: only on a terminal, and
/// never with `NO_COLOR` set.
pub fn stderr_color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Prints an error about the command line or a file and returns code 2.
pub fn fail(message: impl std::fmt::Display) -> u8 {
    eprintln!("error: {message}");
    INVALID
}

/// Paths as given on the command line; `-` is standard input.
pub fn is_stdin(path: &std::path::Path) -> bool {
    path.as_os_str() == "-"
}
