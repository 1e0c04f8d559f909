//! The transport's guarantees seen through the built `gong-privacy` binary: a redirect is an
//! error and never a receipt, and an endless answer ends with the size error in bounded memory.

#[path = "../../gong-api-ext/tests/common/mod.rs"]
mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::raw::{RawServer, Reply};
use common::redirect;

const VICTIM: &str = "victim@example.com";

/// A scratch directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("cli_transport")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The binary, with credentials and `base_url`, no terminal on standard input.
fn gong_privacy(base_url: &str, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_gong-privacy"));
    cmd.env_remove("GONG_BEARER_TOKEN")
        .env("GONG_ACCESS_KEY", "cli-key")
        .env("GONG_ACCESS_KEY_SECRET", "cli-secret")
        .env("GONG_BASE_URL", base_url)
        .args(args)
        .stdin(Stdio::null());
    cmd
}

fn run(mut cmd: Command) -> (i32, String, String) {
    let out = cmd.output().expect("gong-privacy runs");
    (
        out.status.code().expect("exited"),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn a_redirect_is_an_error_and_never_a_receipt() {
    let elsewhere = redirect::elsewhere().await;
    for case in redirect::cases(&elsewhere).await {
        for args in [
            &["erase", "email", VICTIM, "--yes"][..],
            &["--json", "erase", "email", VICTIM, "--yes"],
            &["lookup", "phone", "+14255552671"],
        ] {
            let name = format!("{} same_host={} {args:?}", case.status, case.same_host);
            let (code, stdout, stderr) = run(gong_privacy(&case.server.uri(), args));
            assert_eq!(code, 1, "{name}: {stderr}");
            if args[0] == "--json" {
                // A one-off erasure is journaled, and --json prints its record: failed, with
                // its reason and no erase request (the lookup's own requestId sits in "before").
                for line in stdout.lines() {
                    let record: serde_json::Value = serde_json::from_str(line).unwrap();
                    assert_eq!(record["status"], "failed", "{name}: {line}");
                    assert!(record.get("request").is_none(), "{name}: {line}");
                    assert!(record.get("requestId").is_none(), "{name}: {line}");
                }
            } else {
                assert_eq!(stdout, "", "{name}: no receipt, no lookup result");
            }
            let error = stderr.lines().last().unwrap_or_default();
            assert!(error.starts_with("error: "), "{name}: {stderr}");
            for needle in [
                &case.status.to_string(),
                &case.location,
                "base URL",
                "proxy",
            ] {
                assert!(error.contains(needle), "{name}: {error}");
            }
            assert!(!error.contains("victim"), "{name}: {error}");
        }
        // Not followed: the moved path was never asked.
        let requests = case.server.received_requests().await.unwrap();
        assert!(
            requests
                .iter()
                .all(|r| !r.url.path().starts_with("/moved/"))
        );
    }
    assert!(elsewhere.received_requests().await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_redirected_batch_records_failures_never_erasures() {
    let elsewhere = redirect::elsewhere().await;
    let server = redirect::cases(&elsewhere).await.remove(3).server; // 302, other host
    let dir = scratch("redirected_batch");
    let input = dir.join("subjects.txt");
    std::fs::write(&input, "jane@example.com\n+14255552671\n").unwrap();
    let (code, _, stderr) = run(gong_privacy(
        &server.uri(),
        &["erase", "--from", input.to_str().unwrap(), "--yes"],
    ));
    assert_eq!(code, 1, "{stderr}");
    let journal = std::fs::read_to_string(dir.join("subjects.txt.journal.jsonl")).unwrap();
    let records: Vec<serde_json::Value> = journal
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|r| r["type"] == "subject")
        .collect();
    assert_eq!(records.len(), 2, "{journal}");
    for record in &records {
        assert_eq!(record["status"], "failed", "{record}");
        assert!(record.get("requestId").is_none(), "{record}");
        let error = record["error"].as_str().unwrap();
        assert!(
            error.contains(&format!(
                "302 Found redirecting to http://localhost:{}/moved/erase;",
                elsewhere.address().port()
            )),
            "{error}"
        );
    }
}

/// Runs `cmd` to its end and returns its exit code, standard error and peak resident memory
/// in bytes, from the kernel's accounting of that one child (`wait4`).
#[cfg(target_os = "linux")]
fn run_measured(mut cmd: Command, dir: &Path) -> (i32, String, u64) {
    let stderr_path = dir.join("stderr");
    cmd.stdout(Stdio::null())
        .stderr(std::fs::File::create(&stderr_path).unwrap());
    // Reaped by `wait4` below, which clippy cannot see.
    #[allow(clippy::zombie_processes)]
    let child = cmd.spawn().expect("gong-privacy starts");
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child, writing into the two locals.
    let pid = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    assert_eq!(pid, child.id() as libc::pid_t, "wait4");
    assert!(libc::WIFEXITED(status), "exited normally");
    (
        libc::WEXITSTATUS(status),
        std::fs::read_to_string(stderr_path).unwrap(),
        // Linux reports it in KiB.
        usage.ru_maxrss as u64 * 1024,
    )
}

#[cfg(target_os = "linux")]
#[test]
fn a_1_gib_answer_ends_with_the_size_error_in_bounded_memory() {
    const GIB: u64 = 1 << 30;
    let server = RawServer::start(|_| Reply::Stream { total: GIB });
    let dir = scratch("one_gib");
    let (code, stderr, peak) = run_measured(
        gong_privacy(&server.uri(), &["lookup", "email", "jane@example.com"]),
        &dir,
    );
    eprintln!(
        "1 GiB answer: peak RSS {:.1} MiB, {} bytes streamed before the client stopped reading",
        peak as f64 / (1 << 20) as f64,
        server.streamed()
    );
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("is larger than the 8 MiB limit and was not read"),
        "{stderr}"
    );
    assert!(peak < 64 << 20, "peak RSS {peak} bytes");
    assert!(server.streamed() < GIB / 4, "{}", server.streamed());
}
