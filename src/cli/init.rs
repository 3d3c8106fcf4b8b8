//! `blueprint init --template NAME [PATH]`

use std::path::PathBuf;

use blueprint::files;
use blueprint::init::{self, TEMPLATES};
use clap::Args;

use super::{SUCCESS, fail, is_stdin, print_stderr, print_stdout, shell_word};

#[derive(Args, Debug)]
pub struct InitArgs {
    /// The starter to write (see --list)
    #[arg(long, value_name = "NAME", required_unless_present = "list")]
    template: Option<String>,
    /// Where to write it: a new file, a folder (NAME.yaml inside), or `-` for standard output [default: NAME.yaml]
    path: Option<PathBuf>,
    /// List the templates and stop
    #[arg(long, conflicts_with_all = ["template", "path"])]
    list: bool,
}

fn listing() -> String {
    let width = TEMPLATES.iter().map(|t| t.name.len()).max().unwrap_or(0);
    TEMPLATES
        .iter()
        .map(|t| format!("{:width$}  {}\n", t.name, t.summary))
        .collect()
}

pub fn run(args: InitArgs) -> u8 {
    if args.list {
        print_stdout(&listing());
        return SUCCESS;
    }
    let name = args.template.unwrap_or_default();
    let template = match init::find(&name) {
        Ok(template) => template,
        Err(message) => return fail(message),
    };
    let file_name = format!("{}.yaml", template.name);
    let path = match args.path {
        Some(path) if is_stdin(&path) => {
            print_stdout(template.text);
            return SUCCESS;
        }
        Some(path) if path.is_dir() => path.join(file_name),
        Some(path) => path,
        None => PathBuf::from(file_name),
    };
    match files::write_new_atomically(&path, template.text.as_bytes()) {
        Ok(()) => {
            print_stderr(&format!(
                "wrote {}: the `{}` template; next: blueprint check {}\n",
                path.display(),
                template.name,
                shell_word(&path)
            ));
            SUCCESS
        }
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => fail(format!(
            "{} already exists; not overwriting it (name another file, or remove it first)",
            path.display()
        )),
        Err(error) => fail(format!("cannot write {}: {error}", path.display())),
    }
}
