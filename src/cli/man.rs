//! `blueprint man [SUBCOMMAND]`

use blueprint::suggest::did_you_mean;
use clap::{Args, CommandFactory};

use super::{Arguments, SUCCESS, fail, print_stdout};

#[derive(Args, Debug)]
pub struct ManArgs {
    /// The page of one subcommand (blueprint-SUBCOMMAND(1)) instead of the main page
    subcommand: Option<String>,
}

pub fn run(args: ManArgs) -> u8 {
    let mut command = Arguments::command().disable_help_subcommand(true);
    // Building names each subcommand `blueprint-NAME`, as the pages it
    // refers to are called.
    command.build();
    let page_of = match &args.subcommand {
        None => command,
        Some(name) => match command.find_subcommand(name) {
            Some(subcommand) => subcommand.clone().version(env!("CARGO_PKG_VERSION")),
            None => {
                let names: Vec<&str> = command.get_subcommands().map(|s| s.get_name()).collect();
                let hint = did_you_mean(name, names.iter().copied())
                    .map(|close| format!("; did you mean `{close}`?"))
                    .unwrap_or_default();
                return fail(format!(
                    "no subcommand is named `{name}`{hint} (subcommands: {})",
                    names.join(", ")
                ));
            }
        },
    };
    let mut page = Vec::new();
    match clap_mangen::Man::new(page_of).render(&mut page) {
        Ok(()) => {
            print_stdout(&String::from_utf8_lossy(&page));
            SUCCESS
        }
        Err(error) => fail(format!("cannot write the manual page: {error}")),
    }
}
