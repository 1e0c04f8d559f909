//! Batches that stop before their end: the daily limit, refused credentials, Ctrl-C, a journal
//! that cannot be written, a declined confirmation, a journal in use by another process.

use std::collections::BTreeMap;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer};

use super::util::*;

/// `n` subjects, one per line.
fn list(dir: &std::path::Path, n: usize) -> String {
    let path = dir.join("q.txt");
    let subjects: Vec<String> = (0..n).map(|i| format!("s{i}@example.com")).collect();
    std::fs::write(&path, subjects.join("\n")).unwrap();
    path.to_str().unwrap().to_owned()
}

/// The latest status of every subject in the journal.
fn latest(records: &[Value]) -> BTreeMap<String, String> {
    records
        .iter()
        .map(|r| {
            (
                r["input"].as_str().unwrap().to_owned(),
                r["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn gongs_daily_limit_stops_once_and_a_rerun_continues() {
    let server = MockServer::start().await;
    answer_lookups(&server).await;
    Mock::given(method("POST"))
        .respond_with(json(r#"{"requestId":"ok"}"#))
        .up_to_n_times(3)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(gong_error(429, "daily limit").insert_header("retry-after", "7200"))
        .mount(&server)
        .await;
    let dir = scratch("budget");
    let file = list(&dir, 10);
    let args = [
        "erase",
        "--from",
        &file,
        "--yes",
        "--rate",
        "100",
        "--concurrency",
        "1",
    ];
    let (code, out, err) = run(gong_privacy(&server, &args));
    assert_eq!(code, 4, "{out}\n{err}");
    let notices: Vec<&str> = err
        .lines()
        .filter(|l| l.contains("Daily budget reached"))
        .collect();
    assert_eq!(notices.len(), 1, "one line, not one per subject:\n{err}");
    assert!(notices[0].contains("asks to wait 2h"), "{err}");
    assert!(
        notices[0]
            .contains("7 subjects not sent yet (journaled as deferred). Continue then with: ")
            && notices[0].ends_with(&format!(
                "erase --from {file} --yes --rate 100 --concurrency 1"
            )),
        "{err}"
    );
    assert!(
        out.contains("3 erased, 0 held back, 0 failed, 7 deferred"),
        "{out}"
    );
    let records = subject_records(&dir.join("q.txt.journal.jsonl"));
    assert_eq!(records.len(), 10);
    let states = latest(&records);
    assert_eq!(states.values().filter(|s| *s == "erased").count(), 3);
    assert_eq!(states.values().filter(|s| *s == "deferred").count(), 7);
    assert_eq!(
        erased_subjects(&server).await.len(),
        4,
        "3 done, 1 answered 429"
    );

    // The next day: the rerun sends exactly the deferred ones.
    server.reset().await;
    answer_lookups(&server).await;
    Mock::given(method("POST"))
        .respond_with(json(r#"{"requestId":"ok"}"#))
        .mount(&server)
        .await;
    let (code, out, err) = run(gong_privacy(&server, &args));
    assert_eq!(code, 0, "{out}\n{err}");
    assert_eq!(erased_subjects(&server).await.len(), 7);
    let states = latest(&subject_records(&dir.join("q.txt.journal.jsonl")));
    assert!(states.values().all(|s| s == "erased"), "{states:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn refused_credentials_stop_the_batch_with_their_own_code() {
    let server = MockServer::start().await;
    answer_lookups(&server).await;
    Mock::given(method("POST"))
        .respond_with(gong_error(401, "bad key"))
        .mount(&server)
        .await;
    let dir = scratch("auth");
    let file = list(&dir, 20);
    let (code, _, err) = run(gong_privacy(
        &server,
        &[
            "erase",
            "--from",
            &file,
            "--yes",
            "--rate",
            "100",
            "--concurrency",
            "2",
        ],
    ));
    assert_eq!(code, 3, "{err}");
    let sent = erased_subjects(&server).await.len();
    assert!((1..=3).contains(&sent), "{sent} sent after the first 401");
    assert!(
        err.contains("Nothing more was sent. Fix that, then continue with: "),
        "{err}"
    );
    let records = subject_records(&dir.join("q.txt.journal.jsonl"));
    assert_eq!(records.len(), 20);
    let states = latest(&records);
    assert_eq!(states.values().filter(|s| *s == "failed").count(), sent);
    assert_eq!(
        states.values().filter(|s| *s == "deferred").count(),
        20 - sent
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn ctrl_c_finishes_what_is_in_flight_and_prints_how_to_resume() {
    let server = erasing_gong(Duration::from_millis(50)).await;
    let dir = scratch("sigint");
    let file = list(&dir, 30);
    let args = [
        "erase",
        "--from",
        &file,
        "--yes",
        "--rate",
        "5",
        "--concurrency",
        "2",
    ];
    let mut child = gong_privacy(&server, &args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let journal_path = dir.join("q.txt.journal.jsonl");
    wait_for_records(&journal_path, 3, &mut child);
    interrupt(&child);
    let output = child.wait_with_output().unwrap();
    let err = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(130), "{err}");
    assert!(err.contains("Interrupted: no new subject is sent"), "{err}");
    let resume = err
        .lines()
        .find_map(|l| l.strip_prefix("Interrupted. Resume with: "))
        .unwrap_or_else(|| panic!("no resume command in {err}"));
    assert!(resume.ends_with(&args.join(" ")), "{resume}");

    // Every subject has a record: erased, or deferred for the rerun.
    let states = latest(&subject_records(&journal_path));
    assert_eq!(states.len(), 30);
    assert!(
        states.values().all(|s| s == "erased" || s == "deferred"),
        "{states:?}"
    );
    let erased_before = states.values().filter(|s| *s == "erased").count();
    assert!((3..30).contains(&erased_before), "{erased_before}");
    let mut fast = args.to_vec();
    fast[5] = "100";
    let (code, _, err) = run(gong_privacy(&server, &fast));
    assert_eq!(code, 0, "{err}");
    assert_eq!(erased_subjects(&server).await.len(), 30, "none sent twice");
}

/// Sends SIGINT to `child`, as Ctrl-C does.
fn interrupt(child: &std::process::Child) {
    let pid = libc::pid_t::try_from(child.id()).unwrap();
    // SAFETY: kill(2) with a live child's pid and a valid signal number.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn requests_still_unanswered_after_the_grace_period_are_recorded_as_failed() {
    // Gong takes 20 s to answer: nothing in flight finishes within the 5 s grace.
    let server = erasing_gong(Duration::from_secs(20)).await;
    let dir = scratch("grace");
    let file = list(&dir, 10);
    let args = [
        "erase",
        "--from",
        &file,
        "--yes",
        "--rate",
        "100",
        "--concurrency",
        "2",
    ];
    let child = gong_privacy(&server, &args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let journal_path = dir.join("q.txt.journal.jsonl");
    // The run record is written just before sending starts.
    let deadline = Instant::now() + Duration::from_secs(30);
    while journal(&journal_path).is_empty() || erased_subjects(&server).await.len() < 2 {
        assert!(Instant::now() < deadline, "the batch did not start");
        std::thread::sleep(Duration::from_millis(10));
    }
    interrupt(&child);
    let started = Instant::now();
    let output = child.wait_with_output().unwrap();
    let waited = started.elapsed();
    let err = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(130), "{err}");
    assert!(
        waited < Duration::from_secs(15),
        "waited {waited:?}, not a few seconds"
    );
    let records = subject_records(&journal_path);
    assert_eq!(records.len(), 10, "every subject has a record");
    let failed: Vec<&Value> = records.iter().filter(|r| r["status"] == "failed").collect();
    assert_eq!(failed.len(), 2, "the two in flight");
    for r in failed {
        assert!(
            r["error"].as_str().unwrap().starts_with(
                "interrupted before Gong answered: the erasure may or may not have been done"
            ),
            "{r}"
        );
    }
    assert_eq!(
        records.iter().filter(|r| r["status"] == "deferred").count(),
        8
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_ctrl_c_quits_at_once() {
    let server = erasing_gong(Duration::from_secs(20)).await;
    let dir = scratch("twice");
    let file = list(&dir, 10);
    let args = [
        "erase",
        "--from",
        &file,
        "--yes",
        "--rate",
        "100",
        "--concurrency",
        "2",
    ];
    let mut child = gong_privacy(&server, &args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while erased_subjects(&server).await.len() < 2 {
        assert!(Instant::now() < deadline, "the batch did not start");
        assert!(child.try_wait().unwrap().is_none());
        std::thread::sleep(Duration::from_millis(10));
    }
    // The second Ctrl-C goes only once the first one is taken: two signals close together
    // arrive as one.
    let (lines, stderr) = std::sync::mpsc::channel();
    let mut reader = std::io::BufReader::new(child.stderr.take().unwrap());
    std::thread::spawn(move || {
        use std::io::BufRead as _;
        let mut line = String::new();
        while reader.read_line(&mut line).is_ok_and(|n| n > 0) {
            if lines.send(std::mem::take(&mut line)).is_err() {
                break;
            }
        }
    });
    interrupt(&child);
    let mut err = String::new();
    while !err.contains("Interrupted: no new subject is sent") {
        match stderr.recv_timeout(Duration::from_secs(30)) {
            Ok(line) => err.push_str(&line),
            Err(e) => panic!("the first Ctrl-C was not taken ({e}): {err}"),
        }
    }
    interrupt(&child);
    let started = Instant::now();
    let status = child.wait().unwrap();
    err.extend(stderr.iter());
    assert_eq!(status.code(), Some(130), "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert!(err.contains("Interrupted again: quitting now."), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unwritable_journal_stops_the_batch_and_loses_no_outcome() {
    let server = mock_gong().await;
    let dir = scratch("full");
    let file = list(&dir, 20);
    // A disk filling up mid-batch: the file-size limit makes writes past 2 KiB fail (EFBIG);
    // SIGXFSZ is ignored, as the shell passes on.
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg("trap '' XFSZ; ulimit -f 4; exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_gong-privacy"))
        .args([
            "erase",
            "--from",
            &file,
            "--yes",
            "--rate",
            "100",
            "--concurrency",
            "3",
        ]);
    let template = gong_privacy(&server, &[]);
    for (key, value) in template.get_envs() {
        match value {
            Some(v) => cmd.env(key, v),
            None => cmd.env_remove(key),
        };
    }
    cmd.stdin(Stdio::null());
    let (code, _, err) = run(cmd);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("no further subject will be sent"), "{err}");
    assert!(
        err.contains("error: the journal could not be written"),
        "{err}"
    );
    // Every request sent has its outcome in the journal or printed instead, and the batch
    // stopped early.
    let sent = erased_subjects(&server).await;
    let text = std::fs::read_to_string(dir.join("q.txt.journal.jsonl")).unwrap();
    let mut recorded: Vec<String> = text
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|r| r["status"] == "erased")
        .map(|r| r["subject"].as_str().unwrap().to_owned())
        .collect();
    recorded.extend(err.lines().filter_map(|l| {
        let json: Value = serde_json::from_str(l.strip_prefix("not journaled: ")?).unwrap();
        Some(json["subject"].as_str().unwrap().to_owned())
    }));
    recorded.sort();
    let mut sent_sorted = sent.clone();
    sent_sorted.sort();
    assert_eq!(recorded, sent_sorted, "{err}");
    assert!(
        (1..20).contains(&sent.len()),
        "{} sent: the batch must stop once the journal fails",
        sent.len()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_plan_comes_before_the_question_and_declining_writes_nothing() {
    let server = mock_gong().await;
    let dir = scratch("decline");
    let csv = dir.join("q.csv");
    std::fs::write(
        &csv,
        "email\njane@example.com\nJANE@example.com\njane@example.com\nnobody\n",
    )
    .unwrap();
    // `script` gives the tool a terminal, and types the answer.
    let command = format!(
        "{} erase --from {}",
        env!("CARGO_BIN_EXE_gong-privacy"),
        csv.display()
    );
    let mut cmd = Command::new("script");
    cmd.args(["-qec", &command, "/dev/null"]);
    for (key, value) in gong_privacy(&server, &[]).get_envs() {
        if let Some(v) = value {
            cmd.env(key, v);
        }
    }
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write as _;
    child.stdin.take().unwrap().write_all(b"n\n").unwrap();
    let output = child.wait_with_output().unwrap();
    let screen = String::from_utf8_lossy(&output.stdout).replace('\r', "");
    assert_eq!(output.status.code(), Some(5), "{screen}");
    let file = csv.display();
    for expected in [
        "  2 unique subjects (2 email addresses, 0 phone numbers), 1 duplicate, 1 invalid row:".to_owned(),
        format!("    {file}:5: invalid email address \"nobody\": it has no @"),
        "0 erased earlier in this run; 2 to erase now: 4 calls (a lookup before each erasure), about 2s at 3 requests/s, 4 of the 10000 calls left in today's budget".to_owned(),
        "Erase everything Gong holds for 2 subjects? This cannot be undone. [y/N] ".to_owned(),
        "Declined: nothing sent, nothing written.".to_owned(),
    ] {
        assert!(screen.contains(&expected), "{expected:?} not in\n{screen}");
    }
    assert!(
        screen.find("1 invalid row").unwrap() < screen.find("[y/N]").unwrap(),
        "{screen}"
    );
    assert!(requests(&server).await.is_empty());
    assert!(!dir.join("q.csv.journal.jsonl").exists());
}

#[tokio::test(flavor = "multi_thread")]
async fn two_processes_on_one_journal_the_second_refuses() {
    let server = erasing_gong(Duration::from_millis(100)).await;
    let dir = scratch("two");
    let file = list(&dir, 15);
    let journal_path = dir.join("shared.jsonl");
    let args = [
        "erase",
        "--from",
        &file,
        "--journal",
        journal_path.to_str().unwrap(),
        "--yes",
        "--rate",
        "5",
    ];
    let mut first = gong_privacy(&server, &args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_for_records(&journal_path, 1, &mut first);
    let (code, _, err) = run(gong_privacy(&server, &args));
    assert!(
        first.try_wait().unwrap().is_none(),
        "the first run ended too soon for this test"
    );
    assert_eq!(code, 2, "{err}");
    assert_eq!(
        err.trim(),
        format!(
            "error: {}: the journal is in use by another process (pid {}, per its run record); \
             wait for it to finish, or give this run another --journal",
            journal_path.display(),
            first.id()
        )
    );
    assert!(first.wait().unwrap().success());
    assert_eq!(
        erased_subjects(&server).await.len(),
        15,
        "the second sent nothing"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn standard_input_needs_a_journal_and_yes() {
    let server = mock_gong().await;
    let dir = scratch("stdin-flags");
    let journal_path = dir.join("j.jsonl");
    for (args, message) in [
        (
            vec!["erase", "--from", "-", "--yes"],
            "give --journal PATH too",
        ),
        (
            vec![
                "erase",
                "--from",
                "-",
                "--journal",
                journal_path.to_str().unwrap(),
            ],
            "nobody can confirm there: add --yes",
        ),
    ] {
        let (code, _, err) = run(gong_privacy(&server, &args));
        assert_eq!(code, 2, "{err}");
        assert!(err.contains(message), "{err}");
    }
    assert!(requests(&server).await.is_empty());
}
