//! `blueprint completions SHELL`

use clap::{Args, CommandFactory};
use clap_complete::Shell;

use super::{Arguments, SUCCESS, print_stdout};

#[derive(Args, Debug)]
pub struct CompletionsArgs {
    /// The shell to complete for
    #[arg(value_enum)]
    shell: Shell,
}

pub fn run(args: CompletionsArgs) -> u8 {
    let mut command = Arguments::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "blueprint", &mut script);
    print_stdout(&String::from_utf8_lossy(&script));
    SUCCESS
}
