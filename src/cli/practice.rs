//! `blueprint practice list | start | hint | grade | solution`

use std::path::PathBuf;

use blueprint::practice::{self, Scenario};
use blueprint::present::practice::{
    render_grade_json, render_grade_text, render_list_json, render_list_text,
};
use clap::{Args, Subcommand, ValueEnum};

use super::{FINDINGS, SUCCESS, fail, load_design, print_for_people, print_stderr, print_stdout};

#[derive(Args, Debug)]
pub struct PracticeArgs {
    #[command(subcommand)]
    command: PracticeCommand,
}

#[derive(Subcommand, Debug)]
enum PracticeCommand {
    /// List the scenarios: name, difficulty and title
    #[command(
        after_help = "Examples:\n  blueprint practice list\n  blueprint practice list --format json"
    )]
    List {
        /// Output format
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },
    /// Print a scenario's question and write its starter design (never over an existing file)
    #[command(
        after_help = "Examples:\n  blueprint practice start url-shortener                 writes url-shortener.yaml\n  blueprint practice start chat designs/my-chat.yaml"
    )]
    Start {
        /// The scenario (see `blueprint practice list`)
        name: String,
        /// Where to write the starter design [default: NAME.yaml]
        path: Option<PathBuf>,
    },
    /// Give the scenario's hints one at a time: hint 1, then 2, ...
    #[command(
        after_help = "Examples:\n  blueprint practice hint url-shortener          the first hint\n  blueprint practice hint url-shortener 2        the second"
    )]
    Hint {
        /// The scenario
        name: String,
        /// Which hint, from 1
        #[arg(default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
        number: u32,
    },
    /// Grade a design against the scenario's rubric; exit 1 below the pass mark
    #[command(
        after_help = "Examples:\n  blueprint practice grade url-shortener url-shortener.yaml\n  blueprint practice grade chat my-chat.yaml --format json\n\nExit codes: 0 at or above the pass mark, 1 below it, 2 unreadable design or unknown scenario."
    )]
    Grade {
        /// The scenario
        name: String,
        /// The design file, or `-` for standard input
        path: PathBuf,
        /// Output format
        #[arg(long, value_enum, default_value_t = GradeFormat::Text)]
        format: GradeFormat,
    },
    /// Print the scenario's reference solution, a design that grades at full marks
    #[command(
        after_help = "Examples:\n  blueprint practice solution url-shortener\n  blueprint practice solution chat > chat-solution.yaml"
    )]
    Solution {
        /// The scenario
        name: String,
    },
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum ListFormat {
    Table,
    Json,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum GradeFormat {
    Text,
    Json,
}

pub fn run(args: PracticeArgs) -> u8 {
    match args.command {
        PracticeCommand::List { format } => list(format),
        PracticeCommand::Start { name, path } => with_scenario(&name, |s| start(s, path)),
        PracticeCommand::Hint { name, number } => with_scenario(&name, |s| hint(s, number)),
        PracticeCommand::Grade { name, path, format } => {
            with_scenario(&name, |s| grade(s, &path, format))
        }
        PracticeCommand::Solution { name } => with_scenario(&name, |s| {
            print_stdout(s.solution);
            SUCCESS
        }),
    }
}

fn with_scenario(name: &str, then: impl FnOnce(&Scenario) -> u8) -> u8 {
    match practice::find(name) {
        Ok(scenario) => then(&scenario),
        Err(error) => fail(error),
    }
}

fn list(format: ListFormat) -> u8 {
    let scenarios = match practice::scenarios() {
        Ok(scenarios) => scenarios,
        Err(message) => return fail(message),
    };
    match format {
        ListFormat::Table => print_stdout(&render_list_text(&scenarios)),
        ListFormat::Json => print_stdout(&render_list_json(&scenarios)),
    }
    SUCCESS
}

fn start(scenario: &Scenario, path: Option<PathBuf>) -> u8 {
    let path = path.unwrap_or_else(|| PathBuf::from(format!("{}.yaml", scenario.name)));
    let shown = path.display();
    match blueprint::files::write_new_atomically(&path, scenario.starter.as_bytes()) {
        Ok(()) => {}
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
            return fail(format!(
                "{shown} already exists; name another file, or remove it to start over"
            ));
        }
        Err(error) => return fail(format!("cannot write {shown}: {error}")),
    }
    print_stdout(&format!("# {}\n\n{}", scenario.title, scenario.prompt));
    print_stderr(&format!(
        "wrote {shown}: add your components, then run `blueprint practice grade {} {shown}`\n",
        scenario.name
    ));
    SUCCESS
}

fn hint(scenario: &Scenario, number: u32) -> u8 {
    let count = scenario.hints.len();
    let Some(text) = scenario.hints.get(number as usize - 1) else {
        return fail(format!(
            "`{}` has {count} hints: ask for 1 to {count}",
            scenario.name
        ));
    };
    let mut out = format!("Hint {number} of {count}: {text}\n");
    if (number as usize) < count {
        out.push_str(&format!(
            "(next: blueprint practice hint {} {})\n",
            scenario.name,
            number + 1
        ));
    }
    print_stdout(&out);
    SUCCESS
}

fn grade(scenario: &Scenario, path: &std::path::Path, format: GradeFormat) -> u8 {
    let analysis = match load_design(path) {
        Ok(analysis) => analysis,
        Err(code) => return code,
    };
    let grade = match practice::grade(scenario, &analysis) {
        Ok(grade) => grade,
        Err(message) => return fail(message),
    };
    let shown = path.to_string_lossy();
    match format {
        GradeFormat::Text => print_for_people(&render_grade_text(&grade, &shown)),
        GradeFormat::Json => print_stdout(&render_grade_json(&grade, &shown)),
    }
    if grade.passed() { SUCCESS } else { FINDINGS }
}
