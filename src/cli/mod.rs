//! One file per subcommand: read the flags, call the library, pick a
//! renderer, print, and choose the exit code. The only code that prints.

mod check;
mod completions;
mod diff;
mod envelope;
mod estimate;
mod import;
mod init;
mod interrupt;
mod lsp;
mod man;
mod practice;
mod render;
mod report;
mod rules;
mod simulate;
mod size;

use std::io::{IsTerminal, Read};
use std::path::Path;

use blueprint::design::read::MAX_FILE_BYTES;
use blueprint::diagnostic::{FileReport, text};
use blueprint::render::escape;
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
    about = "System design as code: check, estimate, simulate, draw and report on a distributed-system design written in YAML",
    after_help = "Examples:\n  blueprint check designs/chat.yaml           findings, compiler style\n  blueprint check designs/ --format json      every design in a folder, for tools\n  blueprint rules                             the rule table\n  blueprint explain BP105                     one rule's documentation\n  blueprint diff HEAD:app.yaml app.yaml       what a change does\n  blueprint init --template web-app           a starter design\n  blueprint report designs/chat.yaml          a review document (HTML)\n  blueprint simulate designs/chat.yaml        the design as a discrete-event simulation\n  blueprint size designs/chat.yaml            the fewest replicas that meet the targets\n  blueprint practice list                     interview questions to practise on\n\nExit codes: 0 clean, 1 findings at or above --fail-on, 2 unreadable design or bad command line."
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
    /// Estimate load, utilisation, latency and availability under peak load
    #[command(
        after_help = "Examples:\n  blueprint estimate designs/chat.yaml\n  blueprint estimate designs/chat.yaml --load 1.5\n  blueprint estimate designs/chat.yaml --fail zone:az1\n  blueprint estimate designs/chat.yaml --fail zone:az1@10m\n  blueprint estimate designs/chat.yaml --target-utilization 0.6\n  blueprint estimate designs/chat.yaml --format json"
    )]
    Estimate(estimate::EstimateArgs),
    /// Back-of-the-envelope figures from requirements.workload, with the arithmetic
    #[command(
        after_help = "Examples:\n  blueprint envelope designs/timeline.yaml\n  blueprint envelope designs/paste-service.yaml --format json"
    )]
    Envelope(envelope::EnvelopeArgs),
    /// Draw the design: SVG (default), Mermaid, Graphviz DOT, D2 or LikeC4
    #[command(
        after_help = "Examples:\n  blueprint render designs/chat.yaml -o chat.svg\n  blueprint render designs/chat.yaml --annotate --direction lr -o chat.svg\n  blueprint render designs/chat.yaml --format mermaid\n  blueprint render designs/chat.yaml --format dot | dot -Tpng -o chat.png\n  blueprint render designs/chat.yaml --format d2 -o chat.d2 && d2 chat.d2 chat.svg\n  blueprint render designs/chat.yaml --format likec4 -o model/chat.c4 && likec4 start model"
    )]
    Render(render::RenderArgs),
    /// Write a review document: verdict, diagram, findings, capacity, latency, availability
    #[command(
        after_help = "Examples:\n  blueprint report designs/checkout.yaml -o checkout.html\n  blueprint report designs/checkout.yaml --format md > REVIEW.md\n  blueprint report design.yaml --fail-on error -o review.html\n  blueprint report designs/chat.yaml --simulate --fail zone:az1@20s..40s -o chat.html"
    )]
    Report(report::ReportArgs),
    /// Practise a system design interview: bundled scenarios, hints and grading
    #[command(
        after_help = "Examples:\n  blueprint practice list\n  blueprint practice start url-shortener\n  blueprint practice hint url-shortener\n  blueprint practice grade url-shortener url-shortener.yaml\n  blueprint practice solution url-shortener"
    )]
    Practice(practice::PracticeArgs),
    /// Simulate the design over time: check the analytic model, play failures
    #[command(
        after_help = "Examples:\n  blueprint simulate designs/url-shortener.yaml\n  blueprint simulate designs/chat.yaml --duration 2m --replications 8\n  blueprint simulate designs/chat.yaml --service lognormal:1.5 --arrivals bursty\n  blueprint simulate designs/chat.yaml --fail zone:az1@20s..40s --format json\n  blueprint simulate designs/chat.yaml --blocking --fail ws_gateway:2@10s\n\nTimes in --fail count from the end of the warm-up. The table marks with * every\nanalytic figure outside the simulation's 95% confidence interval."
    )]
    Simulate(simulate::SimulateArgs),
    /// Find the fewest replicas per component that meet every target with any one zone lost
    #[command(
        after_help = "Each component gets the fewest replicas that keep it at or below the target utilisation\n(--utilisation, 70% unless told) at peak with the worst single loss (each zone in turn,\nor one replica of a component placed in no zone), and then enough for every operation's\nlatency targets in each of those states and its availability target. With `cost:` on\ncomponents it also prints the monthly cost before and after.\n\nExamples:\n  blueprint size designs/url-shortener.yaml\n  blueprint size designs/checkout.yaml --utilisation 60%\n  blueprint size design.yaml --write              sets the replicas in design.yaml, nothing else\n  blueprint size designs/chat.yaml --format json\n\nExit codes: 0 sized, 1 a target no replica count meets (printed), 2 unreadable design or bad command line."
    )]
    Size(size::SizeArgs),
    /// List every rule: code, name, default severity and what fires it
    #[command(after_help = "Examples:\n  blueprint rules\n  blueprint rules --format json")]
    Rules(rules::RulesArgs),
    /// Print the JSON Schema of the design format, for editors and tools
    #[command(
        after_help = "Examples:\n  blueprint schema > blueprint.schema.json\n  # then, at the top of a design:\n  # yaml-language-server: $schema=./blueprint.schema.json"
    )]
    Schema,
    /// Print the documentation of one rule, by code or name
    #[command(
        after_help = "Examples:\n  blueprint explain BP105\n  blueprint explain single-replica"
    )]
    Explain(rules::ExplainArgs),
    /// Compare two revisions of a design: components, findings, capacity, latency, availability
    #[command(
        after_help = "OLD and NEW are files, `-` (standard input) or REV:PATH read from git without a checkout\n(PATH from the top of the repository, or REV:./PATH from the current folder).\n\nExamples:\n  blueprint diff main:designs/chat.yaml designs/chat.yaml\n  blueprint diff old.yaml new.yaml --format md > comment.md\n  blueprint diff HEAD~1:designs/chat.yaml designs/chat.yaml --format json\n  blueprint diff main:design.yaml design.yaml --fail-on-regression --fail-on error\n\nExit codes: 0 compared (and, with --fail-on-regression, no regression), 1 a regression, 2 unreadable design or bad command line."
    )]
    Diff(diff::DiffArgs),
    /// Write a commented starter design from a template
    #[command(
        after_help = "Examples:\n  blueprint init --list\n  blueprint init --template web-app                 writes web-app.yaml\n  blueprint init --template api-with-cache api.yaml\n  blueprint init --template event-pipeline designs/\n  blueprint init --template chat -                  to standard output\n\nAn existing file is never overwritten."
    )]
    Init(init::InitArgs),
    /// Run the language server for editors: diagnostics, hover, completion, navigation (LSP over stdio)
    #[command(
        after_help = "An editor starts it and talks to it over standard input and output; see the README's\n\"Editors\" section for VS Code, Neovim and Helix.\n\nExamples:\n  blueprint lsp\n  blueprint lsp --today 2026-03-31"
    )]
    Lsp(lsp::LspArgs),
    /// Write a starter design from Kubernetes manifests or a Docker Compose file
    #[command(
        after_help = "Examples:\n  blueprint import k8s kubernetes-manifests/ -o shop.yaml\n  blueprint import k8s deployment.yaml service.yaml ingress.yaml\n  kubectl get deploy,sts,ds,svc,ing,hpa,pdb,cm -o yaml | blueprint import k8s -\n  blueprint import compose docker-compose.yml -o shop.yaml\n\nWhat the files cannot say (capacity, latency, timeouts, operations, requirements)\nis left as `# TODO` lines; `blueprint check` of the result lists what is missing.\nAn existing file is never overwritten."
    )]
    Import(import::ImportArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish)
    #[command(
        after_help = "Examples:\n  blueprint completions bash > ~/.local/share/bash-completion/completions/blueprint\n  blueprint completions zsh > ~/.zfunc/_blueprint\n  blueprint completions fish > ~/.config/fish/completions/blueprint.fish\n  blueprint completions powershell >> $PROFILE"
    )]
    Completions(completions::CompletionsArgs),
    /// Print the manual page (roff), of blueprint or of one subcommand
    #[command(
        after_help = "Examples:\n  blueprint man > blueprint.1 && man ./blueprint.1\n  blueprint man diff > blueprint-diff.1\n  for c in check estimate diff init; do blueprint man $c > blueprint-$c.1; done"
    )]
    Man(man::ManArgs),
}

pub fn run(arguments: Arguments) -> ExitCode {
    interrupt::clean_up_on_interrupt();
    let code = match arguments.command {
        Command::Check(args) => check::run(args),
        Command::Estimate(args) => estimate::run(args),
        Command::Envelope(args) => envelope::run(args),
        Command::Render(args) => render::run(args),
        Command::Report(args) => report::run(args),
        Command::Practice(args) => practice::run(args),
        Command::Simulate(args) => simulate::run(args),
        Command::Size(args) => size::run(args),
        Command::Rules(args) => rules::run_rules(args),
        Command::Explain(args) => rules::run_explain(args),
        Command::Diff(args) => diff::run(args),
        Command::Init(args) => init::run(args),
        Command::Lsp(args) => lsp::run(args),
        Command::Import(args) => import::run(args),
        Command::Completions(args) => completions::run(args),
        Command::Man(args) => man::run(args),
        Command::Schema => {
            print_stdout(&blueprint::design::schema::json());
            SUCCESS
        }
    };
    ExitCode::from(output_failure().unwrap_or(code))
}

/// The first error writing standard output, other than a reader that went
/// away (`| head`), which is no error worth a message: a full disk or a
/// closed descriptor must not pass as success.
static STDOUT_FAILED: std::sync::OnceLock<std::io::ErrorKind> = std::sync::OnceLock::new();

/// Exit code 2, with a message, when standard output could not be written.
fn output_failure() -> Option<u8> {
    let kind = *STDOUT_FAILED.get()?;
    if kind == std::io::ErrorKind::BrokenPipe {
        return None;
    }
    Some(fail(format!(
        "cannot write to standard output: {}",
        std::io::Error::from(kind)
    )))
}

/// Whether to colour what goes to standard error: only on a terminal, and
/// never with `NO_COLOR` set.
pub fn stderr_color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Writes the command's output to standard output, flushed, so that a
/// failure is seen here (the end of the run reports it, exit code 2)
/// rather than lost when the buffer is dropped. After a failure nothing
/// more is written.
pub fn print_stdout(text: &str) {
    use std::io::Write;
    if STDOUT_FAILED.get().is_some() {
        return;
    }
    let mut stdout = std::io::stdout().lock();
    if let Err(error) = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        let _ = STDOUT_FAILED.set(error.kind());
    }
}

/// Writes text meant for people (tables, verdicts) to standard output with
/// every control and direction character from a design shown visibly
/// ([`escape::terminal_text`]). The text must hold no escape sequence of
/// its own.
pub fn print_for_people(text: &str) {
    print_stdout(&escape::terminal_text(text));
}

/// Writes messages for people to standard error.
pub fn print_stderr(text: &str) {
    use std::io::Write;
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// Prints an error about the command line or a file and returns code 2.
pub fn fail(message: impl std::fmt::Display) -> u8 {
    print_stderr(&format!("error: {message}\n"));
    INVALID
}

/// Reads one design (a path, or `-` for standard input) and builds its
/// graph; on failure prints why, compiler style, and returns exit code 2.
pub fn load_design(path: &Path) -> Result<blueprint::Analysis, u8> {
    load_design_with_source(path).map(|(analysis, _)| analysis)
}

/// [`load_design`], also giving the text of the file.
pub fn load_design_with_source(path: &Path) -> Result<(blueprint::Analysis, String), u8> {
    let name = path.to_string_lossy().into_owned();
    let bytes =
        read_design_bytes(path).map_err(|error| fail(format!("cannot read {name}: {error}")))?;
    let analysis = analyse_bytes(&name, &bytes)?;
    Ok((analysis, String::from_utf8_lossy(&bytes).into_owned()))
}

/// Builds the graph of a design read from `name`; on failure prints why,
/// compiler style, and returns exit code 2.
pub fn analyse_bytes(name: &str, bytes: &[u8]) -> Result<blueprint::Analysis, u8> {
    blueprint::analyse(bytes).map_err(|diagnostics| {
        let report = FileReport {
            path: name.to_string(),
            source: String::from_utf8_lossy(bytes).into_owned(),
            diagnostics,
        };
        print_stderr(&text::render(std::slice::from_ref(&report), stderr_color()));
        INVALID
    })
}

/// The bytes of a design file, or of standard input for `-`, read no
/// further than one byte past the reader's size limit.
pub fn read_design_bytes(path: &Path) -> std::io::Result<Vec<u8>> {
    if is_stdin(path) {
        let mut bytes = Vec::new();
        std::io::stdin()
            .take(MAX_FILE_BYTES as u64 + 1)
            .read_to_end(&mut bytes)?;
        Ok(bytes)
    } else {
        blueprint::files::read_limited(path, MAX_FILE_BYTES)
    }
}

/// A path as one word for a hint to run next, quoted when it has spaces.
pub fn shell_word(path: &Path) -> String {
    let text = path.to_string_lossy();
    if text.contains(char::is_whitespace) {
        format!("'{text}'")
    } else {
        text.into_owned()
    }
}

/// Paths as given on the command line; `-` is standard input.
pub fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}
