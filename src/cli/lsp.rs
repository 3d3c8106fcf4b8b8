//! `blueprint lsp`: the language server, over standard input and output.

use std::time::Duration;

use blueprint::lsp::{Settings, run as serve};
use clap::Args;
use lsp_server::Connection;

use super::check::{date, today_utc};
use super::{SUCCESS, fail, print_stderr};

/// How long the text must rest after a change before it is reviewed: long
/// enough to skip the keystrokes of a word, short enough to feel immediate.
const DEBOUNCE: Duration = Duration::from_millis(100);

#[derive(Args, Debug)]
pub struct LspArgs {
    /// Judge `until:` dates of suppressions as of this day (YYYY-MM-DD) [default: today]
    #[arg(long, value_name = "DATE", value_parser = date)]
    today: Option<String>,
    /// Talk over standard input and output: the only way it talks, accepted because some editors pass it
    #[arg(long)]
    stdio: bool,
}

pub fn run(args: LspArgs) -> u8 {
    let (connection, io_threads) = Connection::stdio();
    let today = args.today;
    let settings = Settings {
        today: Box::new(move || today.clone().unwrap_or_else(today_utc)),
        debounce: DEBOUNCE,
    };
    match serve(&connection, settings) {
        Ok(()) => {
            drop(connection);
            match io_threads.join() {
                Ok(()) => SUCCESS,
                Err(error) => fail(format!("lsp: {error}")),
            }
        }
        // The reader may still wait on standard input: do not wait for it.
        // The protocol asks for exit code 1 when the client did not say
        // `shutdown` before `exit`.
        Err(error) => {
            print_stderr(&format!("error: lsp: {error}\n"));
            1
        }
    }
}
