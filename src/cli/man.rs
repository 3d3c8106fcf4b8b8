//! `blueprint man`

use clap::CommandFactory;

use super::{Arguments, SUCCESS, fail, print_stdout};

pub fn run() -> u8 {
    let mut page = Vec::new();
    match clap_mangen::Man::new(Arguments::command()).render(&mut page) {
        Ok(()) => {
            print_stdout(&String::from_utf8_lossy(&page));
            SUCCESS
        }
        Err(error) => fail(format!("cannot write the manual page: {error}")),
    }
}
