//! The shared quota from the command line: two CLI processes on one local file store keep one
//! pace and one daily budget; a batch stops once at the budget and the next day's rerun
//! continues (the store's day is moved back instead of waiting for midnight).
//!
//! The batches run with `--no-preview` (one erase call a subject, no lookup first), so that the
//! budget arithmetic below counts erasures only; the preview's own calls are counted by the
//! plan and checked in `proof.rs`.

use std::path::Path;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use wiremock::matchers::method;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use crate::util::{gong_privacy, json, run, scratch, subject_records};

/// Erasures succeed; the arrival time of each is recorded.
struct Arrivals(Arc<Mutex<Vec<Instant>>>);

impl Respond for Arrivals {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        self.0.lock().unwrap().push(Instant::now());
        json(r#"{"requestId":"ok"}"#)
    }
}

async fn recording_gong() -> (MockServer, Arc<Mutex<Vec<Instant>>>) {
    let server = MockServer::start().await;
    let arrivals = Arc::new(Mutex::new(Vec::new()));
    Mock::given(method("POST"))
        .respond_with(Arrivals(arrivals.clone()))
        .mount(&server)
        .await;
    (server, arrivals)
}

/// The most arrivals within any one second.
fn busiest_second(arrivals: &[Instant]) -> usize {
    let mut sorted = arrivals.to_vec();
    sorted.sort();
    (0..sorted.len())
        .map(|i| {
            sorted[i..]
                .iter()
                .take_while(|t| t.duration_since(sorted[i]) < Duration::from_secs(1))
                .count()
        })
        .max()
        .unwrap_or(0)
}

fn subjects(dir: &Path, name: &str, prefix: &str, n: usize) -> String {
    let path = dir.join(name);
    let text: String = (0..n)
        .map(|i| format!("{prefix}{i}@example.com\n"))
        .collect();
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

/// `(erased, deferred)` in a journal, by the latest record of each subject.
fn outcomes(journal: &Path) -> (usize, usize) {
    let mut latest = std::collections::HashMap::new();
    for record in subject_records(journal) {
        latest.insert(
            record["subject"].as_str().unwrap().to_owned(),
            record["status"].as_str().unwrap().to_owned(),
        );
    }
    let count = |status: &str| latest.values().filter(|s| *s == status).count();
    assert_eq!(
        count("erased") + count("deferred"),
        latest.len(),
        "{latest:?}"
    );
    (count("erased"), count("deferred"))
}

#[tokio::test(flavor = "multi_thread")]
async fn two_cli_processes_share_one_pace_and_one_daily_budget() {
    let (server, arrivals) = recording_gong().await;
    let dir = scratch("quota-two-processes");
    let store = format!("local:{}", dir.join("quota").display());
    // 2/s, a third under Gong's 3/s: a request granted on time can leave late (the batch loop
    // fsyncs its journal between sends) and a loaded machine must not squeeze a fourth into
    // one second. What is checked is that the processes share one pace: two separate ones
    // would send 4 a second.
    let batch = |file: &str| {
        let mut cmd = gong_privacy(
            &server,
            &[
                "erase",
                "--no-preview",
                "--from",
                file,
                "--yes",
                "--rate",
                "2",
                "--daily-budget",
                "10",
                "--quota-store",
                &store,
            ],
        );
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        cmd.spawn().unwrap()
    };
    let a = subjects(&dir, "a.txt", "a", 8);
    let b = subjects(&dir, "b.txt", "b", 8);
    let (first, second) = (batch(&a), batch(&b));
    let mut codes = Vec::new();
    let mut stderr = String::new();
    for child in [first, second] {
        let output = child.wait_with_output().unwrap();
        codes.push(output.status.code().unwrap());
        stderr.push_str(&String::from_utf8(output.stderr).unwrap());
    }
    let arrivals = arrivals.lock().unwrap().clone();
    assert_eq!(arrivals.len(), 10, "the budget is for both: {stderr}");
    assert!(
        busiest_second(&arrivals) <= 3,
        "{} requests in one second",
        busiest_second(&arrivals)
    );
    assert!(
        codes.iter().all(|c| [0, 4].contains(c)),
        "{codes:?}: {stderr}"
    );
    assert!(codes.contains(&4), "{codes:?}: {stderr}");
    let (ea, da) = outcomes(&dir.join("a.txt.journal.jsonl"));
    let (eb, db) = outcomes(&dir.join("b.txt.journal.jsonl"));
    assert_eq!((ea + eb, da + db), (10, 6), "{stderr}");
    // Each stopped process said so once.
    let stops = stderr.matches("Daily budget reached").count();
    assert_eq!(stops, codes.iter().filter(|c| **c == 4).count(), "{stderr}");

    // The store keeps the count: a third run the same day sends nothing, before asking.
    let c = subjects(&dir, "c.txt", "c", 2);
    let (code, _, err) = run(gong_privacy(
        &server,
        &[
            "erase",
            "--no-preview",
            "--from",
            &c,
            "--yes",
            "--daily-budget",
            "10",
            "--quota-store",
            &store,
        ],
    ));
    assert_eq!(code, 4, "{err}");
    assert!(
        err.contains("today's budget is used up: nothing can be sent before 00:00 UTC"),
        "{err}"
    );
    assert!(
        err.contains("Daily budget reached: the 10 calls of today's budget are used up"),
        "{err}"
    );
    assert!(err.contains("nothing was sent"), "{err}");
    assert_eq!(server.received_requests().await.unwrap().len(), 10);
    assert!(!dir.join("c.txt.journal.jsonl").exists());
}

/// The local store's state file for the mock's company.
fn state_file(dir: &Path) -> std::path::PathBuf {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "json"))
        .expect("the store has a state file")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_batch_stops_once_at_the_budget_and_the_next_days_rerun_continues() {
    let (server, arrivals) = recording_gong().await;
    let dir = scratch("quota-next-day");
    let quota = dir.join("quota");
    let store = format!("local:{}", quota.display());
    let file = subjects(&dir, "q.txt", "s", 5);
    let batch = || {
        gong_privacy(
            &server,
            &[
                "erase",
                "--no-preview",
                "--from",
                &file,
                "--yes",
                "--rate",
                "50",
                "--concurrency",
                "1",
                "--daily-budget",
                "3",
                "--quota-store",
                &store,
            ],
        )
    };
    let journal = dir.join("q.txt.journal.jsonl");

    let (code, out, err) = run(batch());
    assert_eq!(code, 4, "{err}");
    assert!(
        err.contains(
            "5 to erase now: 5 calls (no lookups: --no-preview), under a second at 50 \
             requests/s; only 3 calls are left in today's budget: the rest will wait for tomorrow"
        ),
        "{err}"
    );
    assert_eq!(
        err.matches(
            "Daily budget reached: the 3 calls of today's budget are used up (by this and other \
             runs sharing the quota store); it restarts at 00:00 UTC; continue after "
        )
        .count(),
        1,
        "{err}"
    );
    assert!(
        err.contains(
            "T00:00:00Z. 2 subjects not sent yet (journaled as deferred). Continue then with: "
        ),
        "{err}"
    );
    assert!(
        out.contains("3 erased, 0 held back, 0 failed, 2 deferred"),
        "{out}"
    );
    assert_eq!(outcomes(&journal), (3, 2));
    assert_eq!(arrivals.lock().unwrap().len(), 3);

    // The same day: nothing is sent.
    let (code, _, err) = run(batch());
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("nothing was sent"), "{err}");
    assert_eq!(arrivals.lock().unwrap().len(), 3);

    // The next UTC day, without waiting for it: the store's day moves back by one.
    let path = state_file(&quota);
    let mut state: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(state["used"], 3, "{state}");
    state["day"] = (state["day"].as_i64().unwrap() - 1).into();
    std::fs::write(&path, state.to_string()).unwrap();

    let (code, out, err) = run(batch());
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("3 erased earlier in this run; 2 to erase now: 2 calls (no lookups: --no-preview), under a second at 50 requests/s, 2 of the 3 calls left in today's budget"),
        "{err}"
    );
    assert!(
        out.contains("2 erased, 0 held back, 0 failed, 0 deferred"),
        "{out}"
    );
    assert_eq!(outcomes(&journal), (5, 0));
    let sent = crate::util::erased_subjects(&server).await;
    let mut unique = sent.clone();
    unique.sort();
    unique.dedup();
    assert_eq!((sent.len(), unique.len()), (5, 5), "{sent:?}");
}

/// With the lookup before each erasure a subject costs 2 calls (`Erasure::calls`): with 3 left
/// today, the first subject is looked up and erased (2 calls), and the second is not started,
/// because its 2 calls do not fit the 1 left. Nothing is spent on a lookup whose erasure the
/// budget would refuse; the last call stays unspent. Concurrency 4 (the default) too: a
/// subject is admitted only when its calls fit, counting those reserved by subjects running.
#[tokio::test(flavor = "multi_thread")]
async fn a_subject_is_started_only_when_its_lookup_and_erasure_both_fit_the_budget() {
    let server = crate::util::mock_gong().await;
    let dir = scratch("quota-preview");
    let store = format!("local:{}", dir.join("quota").display());
    let file = subjects(&dir, "p.txt", "p", 5);
    let (code, out, err) = run(gong_privacy(
        &server,
        &[
            "erase",
            "--from",
            &file,
            "--yes",
            "--rate",
            "50",
            "--daily-budget",
            "3",
            "--quota-store",
            &store,
        ],
    ));
    assert_eq!(code, 4, "{err}");
    let sent = crate::util::requests(&server).await;
    let lookups = sent.iter().filter(|(m, _)| m == "GET").count();
    assert_eq!((lookups, sent.len() - lookups), (1, 1), "{sent:?}\n{err}");
    assert!(
        out.contains("1 erased, 0 held back, 0 failed, 4 deferred"),
        "{out}"
    );
    assert_eq!(outcomes(&dir.join("p.txt.journal.jsonl")), (1, 4));
    assert!(
        err.contains(
            "Daily budget reached: 1 of today's 3 calls is left, fewer than the 2 a subject \
             needs (its lookup and its erasure); it restarts at 00:00 UTC; continue after "
        ),
        "{err}"
    );
    assert!(
        err.contains("4 subjects not sent yet (journaled as deferred)"),
        "{err}"
    );
    // The same day, 1 call left: fewer than one subject needs, so nothing is sent or written.
    let journal = std::fs::read_to_string(dir.join("p.txt.journal.jsonl")).unwrap();
    let (code, _, err) = run(gong_privacy(
        &server,
        &[
            "erase",
            "--from",
            &file,
            "--yes",
            "--daily-budget",
            "3",
            "--quota-store",
            &store,
        ],
    ));
    assert_eq!(code, 4, "{err}");
    assert!(
        err.contains(
            "only 1 call is left in today's budget, fewer than the 2 a subject needs: nothing \
             can be sent before 00:00 UTC"
        ),
        "{err}"
    );
    assert!(
        err.contains(
            "Daily budget reached: 1 of today's 3 calls is left, fewer than the 2 a subject \
             needs (its lookup and its erasure); nothing was sent."
        ),
        "{err}"
    );
    assert_eq!(crate::util::requests(&server).await.len(), 2);
    assert_eq!(
        std::fs::read_to_string(dir.join("p.txt.journal.jsonl")).unwrap(),
        journal
    );
    for record in subject_records(&dir.join("p.txt.journal.jsonl")) {
        if record["status"] == "deferred" {
            assert!(
                record["error"].as_str().unwrap().starts_with("not sent: "),
                "{record}"
            );
        }
    }
}

/// An erase whose attempt was sent and timed out, and whose retry the budget then refused:
/// Gong may have acted on it, so it is journaled `failed` with "sent, outcome unknown" (a
/// rerun sends it again), never `deferred` with "not sent".
#[tokio::test(flavor = "multi_thread")]
async fn an_erase_sent_then_stopped_by_the_budget_is_outcome_unknown_not_deferred() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(json(r#"{"requestId":"late"}"#).set_delay(Duration::from_secs(3)))
        .mount(&server)
        .await;
    let dir = scratch("quota-outcome-unknown");
    let file = subjects(&dir, "u.txt", "u", 2);
    let (code, out, err) = run(gong_privacy(
        &server,
        &[
            "erase",
            "--no-preview",
            "--from",
            &file,
            "--yes",
            "--timeout",
            "300ms",
            "--concurrency",
            "1",
            "--daily-budget",
            "1",
        ],
    ));
    assert_eq!(code, 4, "{err}");
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
    assert!(
        out.contains("0 erased, 0 held back, 1 failed, 1 deferred"),
        "{out}"
    );
    let records = subject_records(&dir.join("u.txt.journal.jsonl"));
    let first = records
        .iter()
        .find(|r| r["subject"] == "u0@example.com")
        .unwrap();
    assert_eq!(first["status"], "failed", "{first}");
    let why = first["error"].as_str().unwrap();
    assert!(
        why.starts_with(
            "sent, outcome unknown: the erase request was sent and its answer lost, so Gong \
             may have done it; retrying it stopped: "
        ) && why.ends_with(
            "The rerun sends it again (the same request, safe to repeat) and settles it"
        ),
        "{why}"
    );
    assert!(!why.contains("not sent"), "{why}");
    let second = records
        .iter()
        .find(|r| r["subject"] == "u1@example.com")
        .unwrap();
    assert_eq!(second["status"], "deferred", "{second}");
    assert!(
        err.contains(
            "1 subject not sent yet (journaled as deferred); 1 subject failed or sent with the \
             outcome unknown (journaled as failed, reasons above): the rerun sends them again \
             and settles them"
        ),
        "{err}"
    );
}
