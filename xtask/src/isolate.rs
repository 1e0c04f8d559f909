//! One progenitor run that cannot take the xtask down with it.
//!
//! progenitor and typify assert on shapes they do not support, and some shapes (an `allOf`
//! loop, a deeply nested schema) overflow the stack, which aborts the whole process with no
//! message, or never finish. So every run of the generator happens either
//!
//! - in a child process (the xtask binary re-executed as `xtask __progenitor`, the spec on its
//!   standard input, the answer as JSON on its standard output), with a deadline: an abort or a
//!   hang becomes a [`Failure`] of this run, which the caller pins on one unit of the spec; or
//! - when no child can be started (unit tests, whose executable is the test harness), on a
//!   thread with a 256 MiB stack under `catch_unwind`.
//!
//! Either way the run itself is on a big stack with `catch_unwind`, and a panic becomes its
//! message and the place in progenitor or typify it was raised at.

use std::cell::{Cell, RefCell};
use std::io::{Read, Write};
use std::panic::{self, AssertUnwindSafe};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::{Once, OnceLock};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// The stack every generator run gets: typify recurses once per nesting level of a schema.
const STACK: usize = 256 << 20;

/// The deadline of one run in a child process, unless `XTASK_UNIT_DEADLINE` (seconds) says
/// otherwise.
const DEADLINE: Duration = Duration::from_secs(600);

/// Runs `work` on a thread with the generator's big stack and waits for it: the xtask's own
/// rules walk schemas recursively too, so a deeply nested spec must not overflow `main`'s.
pub fn with_big_stack<T: Send>(work: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("xtask".into())
            .stack_size(STACK)
            .spawn_scoped(scope, work)
            .expect("a thread")
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

/// The executable re-run as a child, when the xtask binary itself is running.
static CHILD_EXE: OnceLock<PathBuf> = OnceLock::new();

/// Makes every later run a child process of `exe` (called by `main`).
pub fn in_child_processes(exe: PathBuf) {
    let _ = CHILD_EXE.set(exe);
}

/// Why one run produced nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// One line: the error, the panic message and its place, or how the child ended.
    pub reason: String,
}

/// What the generator is asked for: the client, or its typed mocks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Client,
    Mock,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Client => "client",
            Kind::Mock => "mock",
        }
    }
}

/// The deadline of one child run.
fn deadline() -> Duration {
    std::env::var("XTASK_UNIT_DEADLINE")
        .ok()
        .and_then(|s| s.parse().ok())
        .map_or(DEADLINE, Duration::from_secs)
}

/// Runs `produce` (the generator; it answers JSON) on `spec` in a child process or, without
/// one, on a big-stack thread.
pub fn run(
    kind: Kind,
    spec: &Value,
    produce: fn(Kind, &Value) -> Result<Value, String>,
) -> Result<Value, Failure> {
    match CHILD_EXE.get() {
        Some(exe) => in_child(exe, kind, spec),
        None => on_big_stack(kind, spec, produce),
    }
}

/// The child's side: reads `{"kind", "spec"}` from standard input and prints the answer.
pub fn child_main(produce: fn(Kind, &Value) -> Result<Value, String>) -> std::process::ExitCode {
    let mut input = String::new();
    if std::io::stdin().read_to_string(&mut input).is_err() {
        return std::process::ExitCode::FAILURE;
    }
    let answer = match serde_json::from_str::<Value>(&input) {
        Ok(request) => {
            let kind = if request["kind"] == "mock" {
                Kind::Mock
            } else {
                Kind::Client
            };
            match on_big_stack(kind, &request["spec"], produce) {
                Ok(value) => json!({ "ok": value }),
                Err(failure) => json!({ "failure": failure.reason }),
            }
        }
        Err(e) => json!({ "failure": format!("the child could not read its request: {e}") }),
    };
    let mut out = std::io::stdout().lock();
    let _ = serde_json::to_writer(&mut out, &answer);
    let _ = out.flush();
    std::process::ExitCode::SUCCESS
}

fn in_child(exe: &PathBuf, kind: Kind, spec: &Value) -> Result<Value, Failure> {
    let failure = |reason: String| Failure { reason };
    let mut child = Command::new(exe)
        .arg("__progenitor")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| failure(format!("cannot start {}: {e}", exe.display())))?;
    let request = json!({ "kind": kind.name(), "spec": spec }).to_string();
    let mut stdin = child.stdin.take().expect("piped");
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(request.as_bytes());
    });
    let mut stdout = child.stdout.take().expect("piped");
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stdout.read_to_string(&mut text);
        text
    });
    let mut stderr = child.stderr.take().expect("piped");
    let err_reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let limit = deadline();
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > limit => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(failure(format!(
                    "no answer from progenitor within {} s (a hang); the run was stopped",
                    limit.as_secs()
                )));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => return Err(failure(format!("cannot wait for the child: {e}"))),
        }
    };
    let _ = writer.join();
    let text = reader.join().unwrap_or_default();
    let errors = err_reader.join().unwrap_or_default();
    if let Ok(answer) = serde_json::from_str::<Value>(&text) {
        if let Some(ok) = answer.get("ok") {
            return Ok(ok.clone());
        }
        if let Some(reason) = answer.get("failure").and_then(Value::as_str) {
            return Err(failure(reason.to_owned()));
        }
    }
    let last = errors
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("no message")
        .trim();
    Err(failure(format!(
        "progenitor aborted the process ({}): {last}",
        describe(status)
    )))
}

#[cfg(unix)]
fn describe(status: std::process::ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match status.signal() {
        Some(6) => "SIGABRT, a stack overflow or an abort".to_owned(),
        Some(11) => "SIGSEGV".to_owned(),
        Some(n) => format!("signal {n}"),
        None => status.to_string(),
    }
}

#[cfg(not(unix))]
fn describe(status: std::process::ExitStatus) -> String {
    status.to_string()
}

thread_local! {
    /// Set on the generator's thread: its panics are recorded, not printed.
    static QUIET: Cell<bool> = const { Cell::new(false) };
    /// Where the generator's thread last panicked (`typify-impl-0.8.0/src/convert.rs:123`).
    static PANICKED_AT: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Installs (once) the panic hook that keeps the generator's panics quiet and located, and
/// leaves every other thread's panics to the default hook.
fn install_hook() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let default = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if QUIET.with(Cell::get) {
                let at = info
                    .location()
                    .map(|at| crate_relative(at.file(), at.line()));
                PANICKED_AT.with(|p| {
                    p.borrow_mut().get_or_insert_with(|| at.unwrap_or_default());
                });
            } else {
                default(info);
            }
        }));
    });
}

fn on_big_stack(
    kind: Kind,
    spec: &Value,
    produce: fn(Kind, &Value) -> Result<Value, String>,
) -> Result<Value, Failure> {
    install_hook();
    let spec = spec.clone();
    let thread = std::thread::Builder::new()
        .name("progenitor".into())
        .stack_size(STACK)
        .spawn(move || {
            QUIET.with(|q| q.set(true));
            let result = panic::catch_unwind(AssertUnwindSafe(|| produce(kind, &spec)));
            let at = PANICKED_AT.with(|p| p.borrow_mut().take());
            match result {
                Ok(Ok(value)) => Ok(value),
                Ok(Err(reason)) => Err(Failure { reason }),
                Err(payload) => {
                    let message = payload
                        .downcast_ref::<String>()
                        .cloned()
                        .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                        .unwrap_or_else(|| "unknown panic".to_owned());
                    let mut reason = format!(
                        "progenitor cannot generate a client for this spec shape: {}",
                        message.lines().next().unwrap_or("")
                    );
                    if let Some(at) = at.filter(|a| !a.is_empty()) {
                        reason.push_str(&format!(" (panicked at {at})"));
                    }
                    Err(Failure { reason })
                }
            }
        })
        .map_err(|e| Failure {
            reason: format!("cannot start the generator thread: {e}"),
        })?;
    thread.join().unwrap_or_else(|_| {
        Err(Failure {
            reason: "the generator thread died".to_owned(),
        })
    })
}

/// `…/registry/src/index…/typify-impl-0.5.0/src/convert.rs` -> `typify-impl-0.5.0/src/convert.rs:LINE`.
fn crate_relative(file: &str, line: u32) -> String {
    let file = file.replace('\\', "/");
    let short = file
        .split_once("/registry/src/")
        .and_then(|(_, rest)| rest.split_once('/'))
        .map_or(file.as_str(), |(_, rest)| rest);
    format!("{short}:{line}")
}
