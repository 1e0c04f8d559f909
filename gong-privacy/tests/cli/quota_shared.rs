//! The day's last calls between processes: three `gong-privacy` batches at once, each with 20
//! subjects and a lookup before each erasure (2 calls a subject), share a `--daily-budget` of
//! 30 through one quota store. Each subject's two calls are reserved in the store before it
//! starts, so the 30 calls erase 15 subjects and no lookup is spent on a subject whose erasure
//! the budget would refuse: here on one machine's file store; on Redis (one server, a 3-master
//! Cluster, TLS with an ACL user, restarted mid-run) in `quota_redis.rs`. Calls are counted at
//! the mock.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Stdio};

use wiremock::MockServer;

use crate::util::{gong_privacy, mock_gong, requests, scratch, subject_records};

pub(crate) fn subjects(dir: &Path, name: &str, n: usize) -> String {
    let path = dir.join(format!("{name}.txt"));
    let text: String = (0..n).map(|i| format!("{name}{i}@example.com\n")).collect();
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

/// A batch of `file` on `store` with a budget of 30, its output captured.
pub(crate) fn batch(server: &MockServer, file: &str, store: &str, rate: &str) -> Command {
    let mut cmd = gong_privacy(
        server,
        &[
            "erase",
            "--from",
            file,
            "--yes",
            "--rate",
            rate,
            "--daily-budget",
            "30",
            "--quota-store",
            store,
        ],
    );
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    cmd
}

/// The subjects of the lookups and of the erasures the mock received.
pub(crate) async fn sent(server: &MockServer) -> (Vec<String>, Vec<String>) {
    let (mut lookups, mut erasures) = (Vec::new(), Vec::new());
    for (method, subject) in requests(server).await {
        match method.as_str() {
            "GET" => lookups.push(subject),
            "POST" => erasures.push(subject),
            other => panic!("{other} {subject}"),
        }
    }
    (lookups, erasures)
}

/// Runs three batches of 20 at once on `store` (with `env` set) and checks the day's 30 calls:
/// 15 lookups and the 15 erasures of the same subjects, each once; returns the batches'
/// standard error.
pub(crate) async fn three_batches_erase_15(
    store: &str,
    name: &str,
    env: &[(&str, &str)],
) -> String {
    let server = mock_gong().await;
    let dir = scratch(name);
    let files: Vec<String> = ["a", "b", "c"]
        .iter()
        .map(|n| subjects(&dir, n, 20))
        .collect();
    let children: Vec<_> = files
        .iter()
        .map(|file| {
            let mut cmd = batch(&server, file, store, "20");
            cmd.envs(env.iter().copied());
            cmd.spawn().unwrap()
        })
        .collect();
    let mut stderr = String::new();
    let mut codes = Vec::new();
    for child in children {
        let output = child.wait_with_output().unwrap();
        codes.push(output.status.code().unwrap());
        stderr.push_str(&String::from_utf8(output.stderr).unwrap());
    }
    let (lookups, erasures) = sent(&server).await;
    assert_eq!(
        (lookups.len(), erasures.len()),
        (15, 15),
        "30 calls, every lookup followed by its erasure: {codes:?}\n{stderr}"
    );
    let looked_up: BTreeSet<_> = lookups.iter().collect();
    let erased: BTreeSet<_> = erasures.iter().collect();
    assert_eq!(looked_up.len(), 15, "no subject looked up twice");
    assert_eq!(looked_up, erased, "no lookup without its erasure");
    assert!(
        codes.iter().all(|c| [0, 4].contains(c)),
        "{codes:?}: {stderr}"
    );
    let journaled: usize = files
        .iter()
        .map(|f| {
            subject_records(Path::new(&format!("{f}.journal.jsonl")))
                .iter()
                .filter(|r| r["status"] == "erased")
                .count()
        })
        .sum();
    assert_eq!(journaled, 15, "{stderr}");
    stderr
}

#[tokio::test(flavor = "multi_thread")]
async fn three_processes_on_one_file_store_erase_15_subjects_with_30_calls() {
    let dir = scratch("shared-file-store");
    let store = format!("local:{}", dir.join("quota").display());
    three_batches_erase_15(&store, "shared-file", &[]).await;
}
