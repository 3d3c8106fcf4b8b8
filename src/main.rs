//! The `blueprint` command: parses the command line and hands each
//! subcommand to `cli`, which calls the library and prints.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let arguments = cli::Arguments::parse();
    cli::run(arguments)
}
