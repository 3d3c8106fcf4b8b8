//! `blueprint import k8s PATH...` and `blueprint import compose FILE`

use std::path::{Path, PathBuf};

use blueprint::diagnostic::text;
use blueprint::files;
use blueprint::import::{self, ImportError, Source};
use clap::{Args, Subcommand};

use super::{
    SUCCESS, fail, is_stdin, print_stderr, print_stdout, read_design_bytes, shell_word,
    stderr_color,
};

#[derive(Args, Debug)]
pub struct ImportArgs {
    #[command(subcommand)]
    from: From,
}

#[derive(Subcommand, Debug)]
enum From {
    /// Kubernetes manifests: files or folders of (multi-document) YAML, `-` for standard input
    #[command(name = "k8s", visible_alias = "kubernetes")]
    Kubernetes {
        /// Manifest files, or folders searched for *.yaml and *.yml
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
        #[command(flatten)]
        output: Output,
    },
    /// A Docker Compose file, `-` for standard input
    Compose {
        #[arg(value_name = "FILE")]
        path: PathBuf,
        #[command(flatten)]
        output: Output,
    },
}

#[derive(Args, Debug)]
struct Output {
    /// Write the design to this new file (never over an existing one) instead of standard output
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    file: Option<PathBuf>,
}

pub fn run(args: ImportArgs) -> u8 {
    let (result, output) = match args.from {
        From::Kubernetes { paths, output } => {
            let sources = match sources(&paths) {
                Ok(sources) => sources,
                Err(code) => return code,
            };
            (import::kubernetes(&sources), output)
        }
        From::Compose { path, output } => {
            let source = match source(&path) {
                Ok(source) => source,
                Err(code) => return code,
            };
            (import::compose(&source), output)
        }
    };
    let design = match result {
        Ok(design) => design,
        Err(ImportError::Unreadable(report)) => {
            print_stderr(&text::render(std::slice::from_ref(&report), stderr_color()));
            return super::INVALID;
        }
        Err(ImportError::Refused(message)) => return fail(message),
    };
    let Some(path) = output.file else {
        print_stdout(&design);
        return SUCCESS;
    };
    match files::write_new_atomically(&path, design.as_bytes()) {
        Ok(()) => {
            print_stderr(&format!(
                "wrote {}; next: blueprint check {}\n",
                path.display(),
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

/// The files of the paths, in the order given (folders searched), each
/// read within the reader's limit.
fn sources(paths: &[PathBuf]) -> Result<Vec<Source>, u8> {
    let mut sources = Vec::new();
    for path in paths {
        if is_stdin(path) {
            sources.push(source(path)?);
            continue;
        }
        if !path.exists() {
            return Err(fail(format!(
                "cannot read {}: no such file or folder",
                path.display()
            )));
        }
        for file in files::yaml_files(std::slice::from_ref(path)) {
            sources.push(source(&file)?);
        }
    }
    Ok(sources)
}

fn source(path: &Path) -> Result<Source, u8> {
    let name = path.to_string_lossy().into_owned();
    let bytes =
        read_design_bytes(path).map_err(|error| fail(format!("cannot read {name}: {error}")))?;
    Ok(Source { path: name, bytes })
}
