//! The anchor: what a user gets from progenitor alone, on the same documents.
//!
//! `cargo xtask corpus DIR --build N --anchor PROGRAM` takes the documents the `--build N`
//! sample draws (same `--seed`, same documents) and gives each, untouched, to `cargo-progenitor`
//! (PROGRAM: the binary `cargo install cargo-progenitor --version 0.15.1 --locked` installs,
//! the progenitor the xtask itself uses), the way its README says to run it:
//! `cargo progenitor -i FILE -o DIR -n NAME -v 0.1.0`. No rule, no degradation: a refusal, a
//! panic or a hang is a document that does not generate. Every crate it writes is a member of
//! one scratch workspace (`target/corpus/anchor`, its own target dir `target/corpus/anchor-target`:
//! its manifests pull their own dependency versions), type-checked the way the xtask's clients
//! are ([`corpus::check_workspace`]). The table goes to `target/corpus/anchor.md` (or `--out`)
//! with the same columns and the same summary line, so the two stand side by side.

use std::io::Read;
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use crate::corpus::{self, Options, Row};
use crate::error::{Error, Result};
use crate::{spec, yaml};

/// Runs the anchor over `docs` (relative to `dir`); writes the table and prints the summary.
pub fn run(
    scratch: &Path,
    options: &Options,
    program: &Path,
    dir: &Path,
    docs: &[String],
) -> Result<bool> {
    let program = std::path::absolute(program)
        .map_err(|e| Error::in_file(program, format!("cannot find: {e}")))?;
    if !program.is_file() {
        return Err(Error::in_file(
            &program,
            "is not a file: pass the `cargo-progenitor` binary (`cargo install cargo-progenitor --version 0.15.1 --locked` puts it in ~/.cargo/bin)",
        ));
    }
    let started = Instant::now();
    let ws = scratch.join("anchor");
    let _ = std::fs::remove_dir_all(&ws);
    std::fs::create_dir_all(&ws).map_err(|e| Error::in_file(&ws, format!("cannot create: {e}")))?;
    let out = options
        .out
        .clone()
        .unwrap_or_else(|| scratch.join("anchor.md"));
    let mut rows = corpus::sweep_with(
        docs,
        options.jobs,
        &out.with_extension("jsonl"),
        |i, rel| generate(&program, &dir.join(rel), rel, &ws, &crate_name(i)),
    );
    if options.build > 0 {
        check(scratch, &ws, &mut rows, docs)?;
    }
    let summary = corpus::summary(&rows);
    std::fs::write(&out, format!("{}\n{summary}\n", corpus::table(&rows)))
        .map_err(|e| Error::in_file(&out, format!("cannot write: {e}")))?;
    eprintln!(
        "wrote {} ({} s)",
        out.display(),
        started.elapsed().as_secs()
    );
    println!("anchor ({}): {summary}", program.display());
    Ok(true)
}

/// The scratch crate of the `i`-th document.
fn crate_name(i: usize) -> String {
    format!("anchor{i:04}")
}

/// One document through `cargo-progenitor`, within the corpus deadline.
fn generate(program: &Path, file: &Path, rel: &str, ws: &Path, name: &str) -> Row {
    let started = Instant::now();
    let operations = std::fs::read_to_string(file)
        .ok()
        .and_then(|text| yaml::parse(&text, rel).ok())
        .map_or(0, |doc| spec::operations(&doc).len());
    let mut row = Row {
        spec: rel.to_owned(),
        provider: corpus::provider(rel),
        operations,
        ..Row::default()
    };
    let mut command = Command::new(program);
    command
        .args(["progenitor", "-i"])
        .arg(file)
        .arg("-o")
        .arg(ws.join(name))
        .args(["-n", name, "-v", "0.1.0"])
        // Its reason in one line, not a backtrace.
        .env("RUST_BACKTRACE", "0");
    let limit = corpus::deadline();
    let outcome = run_with_deadline(command, limit);
    row.millis = started.elapsed().as_millis();
    row.generate = match outcome {
        Err(e) => format!("cannot start {}: {e}", program.display()),
        Ok(None) => format!("hang: no result within {} s", limit.as_secs()),
        Ok(Some((status, stdout, stderr))) => verdict(status, &stdout, &stderr),
    };
    if !row.generate.starts_with("ok") {
        // Nothing half-written joins the workspace.
        let _ = std::fs::remove_dir_all(ws.join(name));
        row.left_out = row.operations;
    } else {
        row.source = Some(ws.join(name).join("Cargo.toml"));
    }
    row
}

/// `ok`, or the one-line reason `cargo-progenitor` gave: its panic (and where), its error.
pub fn verdict(status: ExitStatus, stdout: &str, stderr: &str) -> String {
    if status.success() {
        return "ok".into();
    }
    let one_line = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some(at) = stderr.find("panicked at ") {
        let rest = &stderr[at + "panicked at ".len()..];
        let mut lines = rest.lines();
        let place = lines.next().unwrap_or("").trim_end_matches(':');
        let message = lines.next().unwrap_or("");
        return format!("panic at {place}: {}", one_line(message));
    }
    if let Some(line) = stdout.lines().find(|l| l.starts_with("gen fail: ")) {
        return format!("error: {}", one_line(&line["gen fail: ".len()..]));
    }
    // anyhow's `main` prints `Error: …`, then a backtrace when one is enabled.
    if let Some(line) = stderr.lines().find(|l| l.starts_with("Error: ")) {
        return format!("error: {}", one_line(&line["Error: ".len()..]));
    }
    match stderr.lines().rev().find(|l| !l.trim().is_empty()) {
        Some(line) => format!("error: {}", one_line(line)),
        None => format!("error: {status}"),
    }
}

/// Runs `command` (in its own process group, killed whole at `limit`); `None` on a hang.
fn run_with_deadline(
    mut command: Command,
    limit: Duration,
) -> std::io::Result<Option<(ExitStatus, String, String)>> {
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let read = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = pipe.read_to_string(&mut text);
            text
        })
    };
    let stdout = read(Box::new(child.stdout.take().expect("piped")));
    let stderr = read(Box::new(child.stderr.take().expect("piped")));
    let started = Instant::now();
    let status = loop {
        match child.try_wait()? {
            Some(status) => break Some(status),
            None if started.elapsed() > limit => {
                corpus::kill_group(&mut child);
                break None;
            }
            None => std::thread::sleep(Duration::from_millis(20)),
        }
    };
    let (stdout, stderr) = (
        stdout.join().unwrap_or_default(),
        stderr.join().unwrap_or_default(),
    );
    Ok(status.map(|s| (s, stdout, stderr)))
}

/// Type-checks every crate `cargo-progenitor` wrote, in one workspace; sets each row's `compile`.
fn check(scratch: &Path, ws: &Path, rows: &mut [Row], docs: &[String]) -> Result<()> {
    let members: Vec<String> = docs
        .iter()
        .enumerate()
        .filter(|(_, rel)| rows.iter().any(|r| &r.spec == *rel && r.source.is_some()))
        .map(|(i, _)| crate_name(i))
        .collect();
    std::fs::write(
        ws.join("Cargo.toml"),
        format!(
            "[workspace]\nresolver = \"3\"\nmembers = [{}]\n\n[profile.dev]\ndebug = false\n",
            members
                .iter()
                .map(|m| format!("\"{m}\""))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    )
    .map_err(|e| Error::in_file(ws, format!("cannot write: {e}")))?;
    let (errors, built) = if members.is_empty() {
        Default::default()
    } else {
        corpus::check_workspace(ws, &scratch.join("anchor-target"))?
    };
    for (i, rel) in docs.iter().enumerate() {
        let Some(row) = rows.iter_mut().find(|r| &r.spec == rel) else {
            continue;
        };
        let name = crate_name(i);
        row.compile = if row.source.is_none() {
            "not generated".into()
        } else if let Some(e) = errors.get(&name) {
            format!("error: {e}")
        } else if built.contains(&name) {
            "ok".into()
        } else {
            "not built (a dependency failed)".into()
        };
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::os::unix::process::ExitStatusExt;
    use std::process::ExitStatus;

    use super::verdict;

    #[test]
    fn a_panic_an_error_and_a_success_each_give_one_line() {
        let failed = ExitStatus::from_raw(101 << 8);
        assert_eq!(
            verdict(
                failed,
                "",
                "thread 'main' panicked at /x/typify-impl-0.8.0/src/convert.rs:1102:17:\nnot yet implemented\nnote: run with `RUST_BACKTRACE=1`\n"
            ),
            "panic at /x/typify-impl-0.8.0/src/convert.rs:1102:17: not yet implemented"
        );
        assert_eq!(
            verdict(
                ExitStatus::from_raw(1 << 8),
                "-----\ngen fail: UnexpectedFormat(\"invalid\n  ref\")\n",
                "Error: generation experienced errors\n"
            ),
            "error: UnexpectedFormat(\"invalid"
        );
        assert_eq!(
            verdict(
                ExitStatus::from_raw(1 << 8),
                "",
                "Error: unknown variant `3.1.0`\n\n"
            ),
            "error: unknown variant `3.1.0`"
        );
        assert_eq!(
            verdict(
                ExitStatus::from_raw(1 << 8),
                "",
                "Error: paths: invalid type: sequence\n\nStack backtrace:\n   0: anyhow::error\n   8: _start\n"
            ),
            "error: paths: invalid type: sequence"
        );
        assert_eq!(
            verdict(ExitStatus::from_raw(1 << 8), "", "something else\n"),
            "error: something else"
        );
        assert_eq!(verdict(ExitStatus::from_raw(0), "", ""), "ok");
    }
}
