//! Runs and resume: the same input resumes its run, a changed one is a new run, `--restart`
//! starts afresh, a crash loses nothing and sends nothing twice.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;
use wiremock::matchers::{method, query_param};
use wiremock::{Mock, MockServer};

use super::util::*;

/// Requests of one run go out concurrently: their order is not fixed.
fn sorted(subjects: &[String]) -> Vec<&str> {
    let mut sorted: Vec<&str> = subjects.iter().map(String::as_str).collect();
    sorted.sort_unstable();
    sorted
}

fn statuses(records: &[Value]) -> BTreeMap<String, Vec<String>> {
    let mut by_input: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in records {
        by_input
            .entry(r["input"].as_str().unwrap().to_owned())
            .or_default()
            .push(r["status"].as_str().unwrap().to_owned());
    }
    by_input
}

#[tokio::test(flavor = "multi_thread")]
async fn killed_mid_batch_and_rerun_nothing_lost_nothing_twice() {
    let server = erasing_gong(Duration::from_millis(50)).await;
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
        "5",
        "--concurrency",
        "4",
    ];

    let mut child = gong_privacy(&server, &args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_for_records(&journal_path, 5, &mut child);
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();

    let done_at_kill: BTreeSet<String> = subject_records(&journal_path)
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

    let mut fast = args.to_vec();
    fast[7] = "100";
    let (code, out, err) = run(gong_privacy(&server, &fast));
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        out.contains(&format!(
            "{} erased earlier in this run",
            done_at_kill.len()
        )),
        "{out}"
    );
    assert!(err.contains("(resumed from the journal)"), "{err}");

    // Every subject ends with exactly one success record.
    let mut successes: BTreeMap<String, usize> = BTreeMap::new();
    for r in subject_records(&journal_path)
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
async fn a_cut_off_journal_line_is_reported_and_its_subject_sent_again() {
    let server = mock_gong().await;
    let dir = scratch("truncated");
    let list = dir.join("q.txt");
    std::fs::write(&list, "a@example.com\nb@example.com\n").unwrap();
    let args = [
        "erase",
        "--from",
        list.to_str().unwrap(),
        "--yes",
        "--concurrency",
        "1",
    ];
    assert_eq!(run(gong_privacy(&server, &args)).0, 0);
    // A crash while b's record was written: its line is cut in the middle.
    let journal_path = dir.join("q.txt.journal.jsonl");
    let text = std::fs::read_to_string(&journal_path).unwrap();
    let last = text.trim_end().rsplit_once('\n').unwrap().0.len() + 1;
    std::fs::write(&journal_path, &text[..last + 40]).unwrap();
    server.reset().await;
    answer_lookups(&server).await;
    Mock::given(method("POST"))
        .respond_with(json(r#"{"requestId":"erase-1"}"#))
        .mount(&server)
        .await;

    let (code, out, err) = run(gong_privacy(&server, &args));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("was cut off by an interrupted run"), "{err}");
    assert!(
        out.contains(
            "1 erased, 0 held back, 0 failed, 0 deferred, 0 invalid, 0 duplicate, 1 erased earlier in this run"
        ),
        "{out}"
    );
    assert_eq!(erased_subjects(&server).await, ["b@example.com"]);
    let records = subject_records(&journal_path);
    assert_eq!(
        statuses(&records),
        BTreeMap::from([
            ("a@example.com".into(), vec!["erased".into()]),
            ("b@example.com".into(), vec!["erased".into()]),
        ])
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rerun_retries_failures_only_and_records_rows_once() {
    let server = MockServer::start().await;
    answer_lookups(&server).await;
    Mock::given(method("POST"))
        .and(query_param("emailAddress", "joe@example.com"))
        .respond_with(gong_error(400, "try later"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(json(r#"{"requestId":"ok"}"#))
        .mount(&server)
        .await;
    let dir = scratch("rerun");
    let csv = dir.join("q.csv");
    std::fs::write(
        &csv,
        "email\njane@example.com\njoe@example.com\nnobody\njane@example.com\n",
    )
    .unwrap();
    let args = [
        "erase",
        "--from",
        csv.to_str().unwrap(),
        "--yes",
        "--rate",
        "100",
    ];
    let (code, _, err) = run(gong_privacy(&server, &args));
    assert_eq!(code, 1, "{err}");
    let file = csv.display().to_string();
    assert!(
        err.contains(&format!(
            "{file}:3: joe@example.com: Gong answered 400 Bad Request: try later (requestId r400)"
        )),
        "{err}"
    );
    assert!(
        err.contains("1 subject failed; rerun the same command to retry them: "),
        "{err}"
    );

    let (code, out, err) = run(gong_privacy(&server, &args));
    assert_eq!(code, 0, "{out}\n{err}");
    // The first run sent both (in either order), the rerun joe only.
    let sent = erased_subjects(&server).await;
    assert_eq!(
        (sorted(&sent[..2]), &sent[2..]),
        (
            vec!["jane@example.com", "joe@example.com"],
            &["joe@example.com".to_owned()][..]
        )
    );
    // A completed run stays at 0 and records nothing more.
    let journal_path = dir.join("q.csv.journal.jsonl");
    let before = journal(&journal_path).len();
    let (code, _, err) = run(gong_privacy(&server, &args));
    assert_eq!(code, 0);
    assert!(
        err.contains("nothing left to erase: the run is complete"),
        "{err}"
    );
    assert_eq!(journal(&journal_path).len(), before);

    let records = subject_records(&journal_path);
    assert_eq!(
        statuses(&records),
        BTreeMap::from([
            // Rows settled before sending are recorded first.
            (
                "jane@example.com".into(),
                vec!["duplicate".into(), "erased".into()]
            ),
            (
                "joe@example.com".into(),
                vec!["failed".into(), "erased".into()]
            ),
            ("nobody".into(), vec!["invalid".into()]),
        ])
    );
    let runs: Vec<Value> = journal(&journal_path)
        .into_iter()
        .filter(|r| r["type"] == "run")
        .collect();
    assert_eq!(runs.len(), 2);
    assert_eq!(runs[0]["runId"], runs[1]["runId"]);
    assert_eq!(
        (&runs[0]["resumed"], &runs[1]["resumed"]),
        (&false.into(), &true.into())
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_changed_file_is_a_new_run_and_restart_starts_afresh() {
    let server = mock_gong().await;
    let dir = scratch("changed");
    let csv = dir.join("dsr.csv");
    std::fs::write(&csv, "email\njane@example.com\njoe@example.com\n").unwrap();
    let args = [
        "erase",
        "--from",
        csv.to_str().unwrap(),
        "--yes",
        "--rate",
        "100",
    ];
    assert_eq!(run(gong_privacy(&server, &args)).0, 0);
    let first_run = journal(&dir.join("dsr.csv.journal.jsonl"))[0]["runId"]
        .as_str()
        .unwrap()
        .to_owned();

    // Next month's request file, same name: jane asked again.
    std::fs::write(&csv, "email\njane@example.com\nann@example.com\n").unwrap();
    let (code, _, err) = run(gong_privacy(&server, &args));
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains(&format!(
            "(new: {} changed since run {first_run} of ",
            csv.display()
        )),
        "{err}"
    );
    assert!(err.contains("subjects erased then are sent again"), "{err}");
    let sent = erased_subjects(&server).await;
    assert_eq!(
        (sorted(&sent[..2]), sorted(&sent[2..])),
        (
            vec!["jane@example.com", "joe@example.com"],
            vec!["ann@example.com", "jane@example.com"]
        )
    );

    // The same file again with --restart: a new run of the same input.
    let mut restart = args.to_vec();
    restart.push("--restart");
    let (code, out, err) = run(gong_privacy(&server, &restart));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("restarted: replaces run erase-"), "{err}");
    assert!(out.contains("2 erased,"), "{out}");
    let runs: Vec<String> = journal(&dir.join("dsr.csv.journal.jsonl"))
        .iter()
        .filter(|r| r["type"] == "run")
        .map(|r| r["runId"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(runs.len(), 3);
    assert_ne!(runs[0], runs[1]);
    assert_eq!(runs[2], format!("{}.2", runs[1]));
}

#[tokio::test(flavor = "multi_thread")]
async fn lines_from_before_run_identity_belong_to_no_run() {
    let server = mock_gong().await;
    let dir = scratch("legacy");
    let list = dir.join("q.txt");
    std::fs::write(&list, "a@example.com\n").unwrap();
    std::fs::write(
        dir.join("q.txt.journal.jsonl"),
        "{\"ts\":\"2026-11-24T00:00:00.000Z\",\"source\":\"q.txt\",\"line\":1,\"input\":\"a@example.com\",\
         \"subject\":\"a@example.com\",\"kind\":\"email\",\"status\":\"erased\",\"requestId\":\"old\"}\n",
    )
    .unwrap();
    let (code, _, err) = run(gong_privacy(
        &server,
        &["erase", "--from", list.to_str().unwrap(), "--yes"],
    ));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("1 line is from before run identity"), "{err}");
    assert_eq!(erased_subjects(&server).await, ["a@example.com"]);
}
