//! `gong-privacy` end to end: the real binary against a local mock of Gong.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn json(body: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(body.to_owned(), "application/json")
}

/// A scratch directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("cli")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The binary with credentials for `server`, no terminal on standard input.
fn gong_privacy(server: &MockServer, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_gong-privacy"));
    for var in [
        "GONG_ACCESS_KEY",
        "GONG_ACCESS_KEY_SECRET",
        "GONG_BEARER_TOKEN",
        "GONG_BASE_URL",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("GONG_ACCESS_KEY", "cli-key")
        .env("GONG_ACCESS_KEY_SECRET", "cli-secret")
        .env("GONG_BASE_URL", server.uri())
        .args(args)
        .stdin(Stdio::null());
    cmd
}

fn run(mut cmd: Command) -> (i32, String, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = cmd.output().expect("gong-privacy runs");
    (
        status.code().expect("exited"),
        String::from_utf8(stdout).unwrap(),
        String::from_utf8(stderr).unwrap(),
    )
}

async fn mock_gong() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/data-privacy/data-for-email-address"))
        .respond_with(json(
            r#"{"requestId":"look-1","emails":[{"id":"a"},{"id":"b"}],"calls":[{"id":"1"}]}"#,
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/data-privacy/data-for-phone-number"))
        .respond_with(json(r#"{"requestId":"look-2","calls":[{"id":"1"}]}"#))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(json(r#"{"requestId":"erase-1"}"#))
        .mount(&server)
        .await;
    server
}

async fn requests(server: &MockServer) -> Vec<(String, String)> {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| {
            let pairs: Vec<String> = r.url.query_pairs().map(|(_, v)| v.into_owned()).collect();
            (r.method.to_string(), pairs.join("&"))
        })
        .collect()
}

fn journal(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn lookup_prints_counts_and_json() {
    let server = mock_gong().await;
    let (code, out, _) = run(gong_privacy(
        &server,
        &["lookup", "email", "jane@example.com"],
    ));
    assert_eq!(code, 0);
    assert_eq!(
        out.trim(),
        "jane@example.com: 2 emails, 1 call, 0 meetings, 0 CRM objects, 0 engagement events"
    );
    let (code, out, _) = run(gong_privacy(
        &server,
        &["--json", "lookup", "phone", "+1 (425) 555-2671"],
    ));
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["subject"], "+14255552671");
    assert_eq!(v["counts"]["calls"], 1);
    assert_eq!(v["response"]["requestId"], "look-2");
}

#[tokio::test(flavor = "multi_thread")]
async fn erase_shows_the_lookup_and_prints_the_receipt() {
    let server = mock_gong().await;
    let (code, out, err) = run(gong_privacy(
        &server,
        &["erase", "email", "jane@example.com", "--yes"],
    ));
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("Gong holds for jane@example.com: 2 emails"),
        "{err}"
    );
    assert!(
        out.contains("Gong requestId (keep it as the receipt): erase-1"),
        "{out}"
    );
    assert_eq!(
        requests(&server).await,
        [
            ("GET".into(), "jane@example.com".into()),
            ("POST".into(), "jane@example.com".into())
        ]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_terminal_erasing_needs_yes() {
    let server = mock_gong().await;
    let dir = scratch("no-yes");
    let list = dir.join("subjects.txt");
    std::fs::write(&list, "jane@example.com\n").unwrap();
    for args in [
        vec!["erase", "email", "jane@example.com"],
        vec!["erase", "--from", list.to_str().unwrap()],
        vec!["crm", "delete", "42"],
    ] {
        let (code, _, err) = run(gong_privacy(&server, &args));
        assert_eq!(code, 2, "{args:?}");
        assert!(err.contains("refusing to erase without --yes"), "{err}");
    }
    assert!(requests(&server).await.is_empty(), "nothing was sent");
    assert!(!dir.join("subjects.txt.journal.jsonl").exists());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_batch_records_every_subject_and_skips_bad_rows() {
    let server = mock_gong().await;
    let dir = scratch("batch");
    let csv = dir.join("requests.csv");
    std::fs::write(
        &csv,
        "name,email,phone\n\
         Jane,jane@example.com,+1 425 555 2671\n\
         Joe,joe@example.com,+1 425 555 2671 ext 7\n\
         Broken,row\n\
         Jane again,JANE@Example.com,\n\
         Ann,ann@example.com,\n\
         Jane twice,jane@Example.COM,\n",
    )
    .unwrap();
    let (code, out, err) = run(gong_privacy(
        &server,
        &[
            "erase",
            "--from",
            csv.to_str().unwrap(),
            "--yes",
            "--rate",
            "50",
        ],
    ));
    assert_eq!(code, 1, "some subjects were invalid\n{out}\n{err}");
    let file = csv.display().to_string();
    assert!(
        err.contains(&format!("{file}:3: invalid phone number")),
        "{err}"
    );
    assert!(
        err.contains(&format!("{file}:4: malformed CSV row")),
        "{err}"
    );
    assert!(
        out.contains("5 erased, 0 failed, 2 invalid, 1 duplicate"),
        "{out}"
    );

    let records = journal(&dir.join("requests.csv.journal.jsonl"));
    assert_eq!(records.len(), 8);
    let erased: BTreeSet<&str> = records
        .iter()
        .filter(|r| r["status"] == "erased")
        .map(|r| r["subject"].as_str().unwrap())
        .collect();
    // The local part's case is kept, so JANE@ is a different subject from jane@.
    assert_eq!(
        erased,
        BTreeSet::from([
            "+14255552671",
            "JANE@example.com",
            "ann@example.com",
            "jane@example.com",
            "joe@example.com"
        ])
    );
    let duplicate = records.iter().find(|r| r["status"] == "duplicate").unwrap();
    assert_eq!(
        (duplicate["line"].as_u64(), duplicate["firstLine"].as_u64()),
        (Some(7), Some(2))
    );
    for r in &records {
        assert!(r["ts"].as_str().unwrap().ends_with('Z'));
        if r["status"] == "erased" {
            assert_eq!(r["requestId"], "erase-1");
        }
    }
    // Only valid, distinct subjects were sent, once each.
    let sent: Vec<String> = requests(&server)
        .await
        .into_iter()
        .map(|(_, q)| q)
        .collect();
    assert_eq!(sent.len(), 5);
    assert_eq!(sent.iter().collect::<BTreeSet<_>>().len(), 5);
}

#[tokio::test(flavor = "multi_thread")]
async fn killed_mid_batch_and_rerun_nothing_lost_nothing_twice() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(json(r#"{"requestId":"r"}"#).set_delay(Duration::from_millis(50)))
        .mount(&server)
        .await;
    let dir = scratch("kill");
    let list = dir.join("queue.txt");
    // 30 subjects at 5 per second: about 6 s, so the kill lands mid-batch even on a loaded
    // machine.
    let subjects: Vec<String> = (0..30).map(|i| format!("subject{i}@example.com")).collect();
    std::fs::write(&list, subjects.join("\n")).unwrap();
    let journal_path = dir.join("audit.jsonl");
    let args = [
        "erase",
        "--from",
        list.to_str().unwrap(),
        "--journal",
        journal_path.to_str().unwrap(),
        "--yes",
        "--rate",
        "20",
        "--concurrency",
        "4",
    ];

    let mut child = gong_privacy(&server, &args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while journal(&journal_path).len() < 5 {
        assert!(Instant::now() < deadline, "the batch did not progress");
        assert!(
            child.try_wait().unwrap().is_none(),
            "the batch finished before it could be killed"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();

    let done_at_kill: BTreeSet<String> = journal(&journal_path)
        .iter()
        .filter(|r| r["status"] == "erased")
        .map(|r| r["subject"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        (5..30).contains(&done_at_kill.len()),
        "{}",
        done_at_kill.len()
    );
    let sent_before = requests(&server).await.len();

    let (code, out, err) = run(gong_privacy(&server, &args));
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        out.contains(&format!("{} already erased earlier", done_at_kill.len())),
        "{out}"
    );

    // Every subject ends with exactly one success record.
    let mut successes: BTreeMap<String, usize> = BTreeMap::new();
    for r in journal(&journal_path)
        .iter()
        .filter(|r| r["status"] == "erased")
    {
        *successes
            .entry(r["subject"].as_str().unwrap().to_owned())
            .or_default() += 1;
    }
    assert_eq!(successes.len(), 30);
    assert!(successes.values().all(|&n| n == 1), "{successes:?}");
    // The rerun sent no second erase for a subject already recorded as done.
    let rerun: Vec<(String, String)> = requests(&server).await.split_off(sent_before);
    for (_, subject) in &rerun {
        assert!(
            !done_at_kill.contains(subject),
            "{subject} was erased twice"
        );
    }
    assert!(rerun.len() + done_at_kill.len() >= 30);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_truncated_journal_line_is_reported_not_fatal() {
    let server = mock_gong().await;
    let dir = scratch("truncated");
    let list = dir.join("q.txt");
    std::fs::write(&list, "a@example.com\nb@example.com\n").unwrap();
    let journal_path = dir.join("q.txt.journal.jsonl");
    std::fs::write(
        &journal_path,
        "{\"ts\":\"2026-11-24T00:00:00.000Z\",\"source\":\"q.txt\",\"line\":1,\"input\":\"a@example.com\",\
         \"subject\":\"a@example.com\",\"kind\":\"email\",\"status\":\"erased\",\"requestId\":\"old\"}\n\
         {\"ts\":\"2026-11-24T00:00:01.000Z\",\"source\":\"q.t",
    )
    .unwrap();
    let (code, out, err) = run(gong_privacy(
        &server,
        &["erase", "--from", list.to_str().unwrap(), "--yes"],
    ));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("was cut off by an interrupted run"), "{err}");
    assert!(
        out.contains("1 erased, 0 failed, 0 invalid, 0 duplicate, 1 already erased earlier"),
        "{out}"
    );
    assert_eq!(
        requests(&server).await,
        [("POST".into(), "b@example.com".into())]
    );
    assert_eq!(journal(&journal_path).len(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unwritable_journal_stops_the_batch_and_loses_no_outcome() {
    let server = mock_gong().await;
    let dir = scratch("full");
    let list = dir.join("q.txt");
    let subjects: Vec<String> = (0..20).map(|i| format!("s{i}@example.com")).collect();
    std::fs::write(&list, subjects.join("\n")).unwrap();
    // Every write to /dev/full fails with ENOSPC: a disk filling up mid-batch.
    let (code, _, err) = run(gong_privacy(
        &server,
        &[
            "erase",
            "--from",
            list.to_str().unwrap(),
            "--journal",
            "/dev/full",
            "--yes",
            "--rate",
            "50",
            "--concurrency",
            "3",
        ],
    ));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("no further subject will be sent"), "{err}");
    assert!(
        err.contains("error: the journal could not be written"),
        "{err}"
    );
    // Every request that was sent has its outcome printed instead of journaled, and the batch
    // stopped early.
    let sent = requests(&server).await.len();
    let printed = err
        .lines()
        .filter(|l| l.starts_with("not journaled: "))
        .count();
    assert_eq!(printed, sent, "{err}");
    assert!(
        (1..20).contains(&sent),
        "{sent} sent: the batch must stop once the journal fails"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dry_run_only_looks() {
    let server = mock_gong().await;
    let dir = scratch("dry");
    let list = dir.join("q.txt");
    std::fs::write(&list, "jane@example.com\n+14255552671\n").unwrap();
    let (code, out, err) = run(gong_privacy(
        &server,
        &["erase", "--from", list.to_str().unwrap(), "--dry-run"],
    ));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("2 looked up, 2 with data in Gong"), "{out}");
    assert!(out.contains("2 emails, 2 calls"), "{out}");
    assert!(requests(&server).await.iter().all(|(m, _)| m == "GET"));
    assert!(!dir.join("q.txt.journal.jsonl").exists());
}

#[tokio::test(flavor = "multi_thread")]
async fn crm_commands() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/crm/integrations"))
        .respond_with(json(r#"{"requestId":"r","integrations":[{"integrationId":5517027188234205706,"name":"SF","ownerEmail":"o@example.com"}]}"#))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .respond_with(
            ResponseTemplate::new(201).set_body_raw(r#"{"requestId":"del"}"#, "application/json"),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/crm/request-status"))
        .respond_with(json(r#"{"requestId":"s","status":"DONE"}"#))
        .mount(&server)
        .await;

    let (code, out, _) = run(gong_privacy(&server, &["crm", "list"]));
    assert_eq!(code, 0);
    assert_eq!(out.trim(), "5517027188234205706\tSF\to@example.com");
    let (code, out, err) = run(gong_privacy(
        &server,
        &["crm", "delete", "5517027188234205706", "--yes", "--wait"],
    ));
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains(
            "Deletion of integration 5517027188234205706 registered: clientRequestId gong-sdk-"
        ),
        "{out}"
    );
    assert!(out.trim_end().ends_with("DONE"), "{out}");
    let (code, out, _) = run(gong_privacy(
        &server,
        &["crm", "status", "5517027188234205706", "abc"],
    ));
    assert_eq!(code, 0);
    assert_eq!(out.trim(), "DONE");
}

#[tokio::test(flavor = "multi_thread")]
async fn configuration_and_input_errors_are_one_line_and_exit_2() {
    let server = mock_gong().await;
    let mut no_creds = gong_privacy(&server, &["lookup", "email", "a@example.com"]);
    no_creds
        .env_remove("GONG_ACCESS_KEY")
        .env_remove("GONG_ACCESS_KEY_SECRET");
    let (code, _, err) = run(no_creds);
    assert_eq!(code, 2);
    assert!(
        err.starts_with("error: invalid configuration: no credentials: set GONG_ACCESS_KEY"),
        "{err}"
    );

    let (code, _, err) = run(gong_privacy(
        &server,
        &["--base-url", "http://gong.example.com", "crm", "list"],
    ));
    assert_eq!(code, 2);
    assert!(
        err.contains("plain http is refused") && err.contains("--base-url"),
        "{err}"
    );

    let (code, _, err) = run(gong_privacy(
        &server,
        &["erase", "--from", "/nonexistent/q.csv", "--yes"],
    ));
    assert_eq!(code, 2);
    assert!(err.contains("/nonexistent/q.csv: cannot read"), "{err}");

    let (code, _, err) = run(gong_privacy(
        &server,
        &["erase", "phone", "+1 425 555 2671 x12", "--yes"],
    ));
    assert_eq!(code, 2);
    assert!(err.contains("extensions are not accepted"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");

    let (code, _, _) = run(gong_privacy(&server, &["erase"]));
    assert_eq!(code, 2);
    assert!(requests(&server).await.is_empty());
}
