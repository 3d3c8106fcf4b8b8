//! Runs the binary with its work bounded by the harness, not measured by
//! the test: a watchdog thread kills a child that runs past a generous
//! time limit (so a runaway fails the test instead of hanging it, and a
//! busy machine cannot fail a test that merely ran slowly), and
//! `setrlimit(RLIMIT_AS)` in the child caps the memory it may reserve.

use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

/// Wall time one command may take: far beyond what any of them needs in a
/// debug build on a shared machine, far below what a runaway takes (the
/// inputs of issue 14 ran for minutes before their fixes).
pub const TIME_LIMIT: Duration = Duration::from_secs(60);
/// Address space one command may reserve (the runaways took past 4 GB).
pub const MEMORY_LIMIT: u64 = 2 << 30;

pub struct Run {
    pub code: Option<i32>,
    pub stdout: Vec<u8>,
    pub stderr: String,
    pub timed_out: bool,
}

impl Run {
    /// Ended by itself with an exit code, no panic, no failed allocation.
    pub fn ended_cleanly(&self) -> bool {
        !self.timed_out
            && self.code.is_some()
            && !self.stderr.contains("panicked")
            && !self.stderr.contains("memory allocation")
    }
}

/// Reads a pipe to its end on a thread of its own.
fn drain(mut pipe: impl Read + Send + 'static) -> thread::JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        bytes
    })
}

/// Runs blueprint with `args` in `folder` within [`TIME_LIMIT`] and
/// [`MEMORY_LIMIT`].
pub fn bounded(folder: &Path, args: &[&str]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_blueprint"));
    command
        .args(args)
        .current_dir(folder)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // SAFETY: between fork and exec the closure only calls setrlimit, which
    // is async-signal-safe, and allocates nothing.
    unsafe {
        command.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: MEMORY_LIMIT,
                rlim_max: MEMORY_LIMIT,
            };
            if libc::setrlimit(libc::RLIMIT_AS, &limit) == 0 {
                Ok(())
            } else {
                Err(std::io::Error::last_os_error())
            }
        });
    }
    let mut child = command.spawn().expect("blueprint starts");
    let stdout = drain(child.stdout.take().expect("piped"));
    let stderr = drain(child.stderr.take().expect("piped"));
    let child: Arc<Mutex<Child>> = Arc::new(Mutex::new(child));
    let (finished, watched) = mpsc::channel::<()>();
    let watchdog = {
        let child = Arc::clone(&child);
        thread::spawn(move || match watched.recv_timeout(TIME_LIMIT) {
            Err(RecvTimeoutError::Timeout) => {
                // Child::kill does nothing to a child already reaped.
                let _ = child.lock().unwrap().kill();
                true
            }
            _ => false,
        })
    };
    let status = loop {
        if let Some(status) = child.lock().unwrap().try_wait().expect("waits") {
            break status;
        }
        thread::sleep(Duration::from_millis(20));
    };
    let _ = finished.send(());
    Run {
        code: status.code(),
        stdout: stdout.join().unwrap(),
        stderr: String::from_utf8_lossy(&stderr.join().unwrap()).into_owned(),
        timed_out: watchdog.join().unwrap(),
    }
}
