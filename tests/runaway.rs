//! Small files that once made a command run away (issue 14): numbers at
//! the limits of the format, a design on one long line, thousands of zones
//! or of calls to one target, a retry chain. Every command must finish
//! inside a time bound kept by a watchdog thread of this harness (which
//! kills the child, so a runaway fails the test instead of hanging it) and
//! inside a memory bound set with `setrlimit(RLIMIT_AS)` in the child, and
//! must end with an exit code, never a signal or a panic. The bounds are
//! generous for a debug build on a busy machine; before the fixes each of
//! these ran for minutes or past gigabytes.

#![cfg(unix)]

use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

/// Wall time one command may take (a debug build, a shared machine).
const TIME_LIMIT: Duration = Duration::from_secs(40);
/// Address space one command may reserve.
const MEMORY_LIMIT: u64 = 2 << 30;

struct Run {
    code: Option<i32>,
    stdout: Vec<u8>,
    stderr: String,
    timed_out: bool,
}

/// Reads a pipe to its end on a thread of its own.
fn drain(mut pipe: impl Read + Send + 'static) -> thread::JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        bytes
    })
}

/// Runs blueprint in `folder` with the time and memory bounds.
fn bounded(folder: &Path, args: &[&str]) -> Run {
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

/// Runs each command on `design` and requires each to end in time, within
/// memory, with one of `codes`.
fn every_command_bounded(name: &str, design: &str, commands: &[&[&str]], codes: &[i32]) {
    let folder = tempfile::tempdir().unwrap();
    std::fs::write(folder.path().join(name), design).unwrap();
    for command in commands {
        let args: Vec<&str> = command
            .iter()
            .map(|arg| if *arg == "DESIGN" { name } else { arg })
            .collect();
        let run = bounded(folder.path(), &args);
        assert!(
            !run.timed_out,
            "{name}: `blueprint {}` ran past {TIME_LIMIT:?}",
            args.join(" ")
        );
        assert!(
            !run.stderr.contains("panicked") && !run.stderr.contains("memory allocation"),
            "{name}: `blueprint {}`: {}",
            args.join(" "),
            run.stderr
        );
        assert!(
            run.code.is_some_and(|code| codes.contains(&code)),
            "{name}: `blueprint {}` ended with {:?}: {}",
            args.join(" "),
            run.code,
            run.stderr
        );
    }
}

const ALL: &[&[&str]] = &[
    &["check", "DESIGN"],
    &["estimate", "DESIGN"],
    &["render", "DESIGN"],
    &["report", "DESIGN"],
    &["report", "DESIGN", "--format", "md"],
    &["simulate", "DESIGN", "--duration", "2s", "--warmup", "0s"],
    &["diff", "DESIGN", "DESIGN"],
];

fn service(fields: &str) -> String {
    format!(
        "version: 1\nname: runaway\nrequirements:\n  peak_rps: 1k/s\nzones: [az1, az2, az3]\ncomponents:\n  users:\n    kind: client\n    calls: [{{ to: api }}]\n  api:\n    kind: service\n    zones: [az1, az2, az3]\n{fields}\n"
    )
}

/// Beyond the limits: refused at once, naming the limit (BP003).
#[test]
fn numbers_beyond_the_limits_are_refused() {
    for (name, fields) in [
        (
            "replicas.yaml",
            "    replicas: 4294967295\n    capacity: 1k/s\n    latency: 1ms",
        ),
        (
            "concurrency.yaml",
            "    replicas: 3\n    concurrency: 4294967295\n    latency: 10ms",
        ),
        (
            "latency.yaml",
            "    replicas: 3\n    capacity: 1k/s\n    latency: 1e6s",
        ),
    ] {
        every_command_bounded(name, &service(fields), ALL, &[2]);
        let folder = tempfile::tempdir().unwrap();
        std::fs::write(folder.path().join(name), service(fields)).unwrap();
        let run = bounded(folder.path(), &["check", name]);
        assert!(run.stderr.contains("BP003"), "{}", run.stderr);
        assert!(run.stderr.contains("1,000,000"), "{}", run.stderr);
    }
}

/// At the limits: a million replicas in three zones, a million servers per
/// replica, a thousand copies per record. Every command works in time.
#[test]
fn numbers_at_the_limits_are_quick() {
    let designs = [
        (
            "replicas.yaml",
            service("    replicas: 1000000\n    capacity: 1k/s\n    latency: 1ms"),
        ),
        (
            "concurrency.yaml",
            service("    replicas: 3\n    concurrency: 1000000\n    latency: 10s"),
        ),
        (
            "factor.yaml",
            "version: 1\nname: copies\nrequirements:\n  peak_rps: 1k/s\n  latency_slo: { p99: 1s }\ncomponents:\n  users:\n    kind: client\n    calls: [{ to: db, op: write, per_request: 0.5 }, { to: db }]\n  db:\n    kind: database\n    replicas: 3\n    capacity: 100k/s\n    latency: 1ms\n    replication: { factor: 1000, mode: quorum }\n".to_string(),
        ),
    ];
    for (name, design) in designs {
        every_command_bounded(name, &design, ALL, &[0, 1, 2]);
    }
}

/// A design written on one line: about 5,000 errors on it, printed for
/// people (each used to re-read the whole line).
#[test]
fn many_errors_on_one_long_line() {
    let mut parts = Vec::new();
    let mut size = 0;
    let mut index = 0;
    while size < 200_000 {
        let part = format!("c{index}: {{kind: service, capacity: fast}}");
        size += part.len() + 2;
        parts.push(part);
        index += 1;
    }
    let design = format!(
        "{{version: 1, name: x, components: {{{}}}}}\n",
        parts.join(", ")
    );
    every_command_bounded("errors.yaml", &design, &[&["check", "DESIGN"]], &[2]);
}

/// A valid design of 2,000 components on one line of about 130 KB: its
/// report used to repeat the whole line under every finding (529 MB).
#[test]
fn a_valid_design_on_one_line() {
    let mut calls = Vec::new();
    let mut services = Vec::new();
    for index in 0..2_000 {
        calls.push(format!("{{to: s{index}, per_request: 0.001}}"));
        services.push(format!(
            "s{index}: {{kind: service, capacity: 1k/s, latency: 1ms}}"
        ));
    }
    let design = format!(
        "{{version: 1, name: x, requirements: {{peak_rps: 100/s}}, components: {{users: {{kind: client, calls: [{{to: gw}}]}}, gw: {{kind: gateway, replicas: 2, capacity: 100k/s, latency: 1ms, calls: [{}]}}, {}}}}}\n",
        calls.join(", "),
        services.join(", ")
    );
    let folder = tempfile::tempdir().unwrap();
    std::fs::write(folder.path().join("line.yaml"), &design).unwrap();
    for args in [
        &["check", "line.yaml"][..],
        &["report", "line.yaml", "--format", "md"],
    ] {
        let run = bounded(folder.path(), args);
        assert!(!run.timed_out, "{args:?} ran past {TIME_LIMIT:?}");
        assert!(run.code.is_some_and(|c| c <= 2), "{args:?}: {}", run.stderr);
        let output = run.stdout.len() + run.stderr.len();
        assert!(
            output < 64 * design.len(),
            "{args:?}: {output} bytes out of a {} byte design",
            design.len()
        );
    }
}

/// Thousands of zones, each lost in turn in the report.
#[test]
fn thousands_of_zones() {
    let zones: Vec<String> = (0..5_000).map(|index| format!("z{index}")).collect();
    let design = format!(
        "version: 1\nname: zones\nrequirements:\n  peak_rps: 1k/s\nzones: [{list}]\ncomponents:\n  users:\n    kind: client\n    calls: [{{ to: api }}]\n  api:\n    kind: service\n    replicas: 5000\n    zones: [{list}]\n    capacity: 1k/s\n    latency: 1ms\n",
        list = zones.join(", ")
    );
    every_command_bounded(
        "zones.yaml",
        &design,
        &[&["check", "DESIGN"], &["report", "DESIGN"]],
        &[0, 1],
    );
}

/// Ten thousand calls from one service to one store: one edge to draw.
#[test]
fn ten_thousand_calls_to_one_target() {
    let mut design = String::from(
        "version: 1\nname: calls\nrequirements:\n  peak_rps: 100/s\ncomponents:\n  users:\n    kind: client\n    calls: [{ to: api }]\n  api:\n    kind: service\n    replicas: 2\n    capacity: 1M/s\n    latency: 1ms\n    calls:\n",
    );
    for _ in 0..10_000 {
        design.push_str("      - { to: db, per_request: 0.0001, timeout: 1s }\n");
    }
    design.push_str(
        "  db:\n    kind: service\n    replicas: 2\n    capacity: 1k/s\n    latency: 1ms\n",
    );
    every_command_bounded(
        "calls.yaml",
        &design,
        &[&["check", "DESIGN"], &["render", "DESIGN"]],
        &[0, 1],
    );
}

/// A short chain of retried calls with timeouts below the callee's
/// latency: `simulate` with its defaults stays within its budget of visits.
#[test]
fn simulate_by_default_stays_within_its_budget() {
    let design = "version: 1\nname: retry chain\nrequirements:\n  peak_rps: 2k/s\ncomponents:\n  users:\n    kind: client\n    calls: [{ to: a }]\n  a:\n    kind: service\n    replicas: 2\n    capacity: 10k/s\n    latency: 1ms\n    calls: [{ to: b, timeout: 2ms, retries: 3 }]\n  b:\n    kind: service\n    replicas: 2\n    capacity: 10k/s\n    latency: 1ms\n    calls: [{ to: c, timeout: 2ms, retries: 3 }]\n  c:\n    kind: service\n    replicas: 2\n    capacity: 10k/s\n    latency: 1ms\n";
    every_command_bounded("chain.yaml", design, &[&["simulate", "DESIGN"]], &[0]);
}
