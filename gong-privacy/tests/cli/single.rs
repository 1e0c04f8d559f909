//! One-off erasures are journaled: `erase email X` then `report` and `verify` cover it; an
//! address's two IDNA forms are looked up and erased as one subject with two requests.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use wiremock::matchers::{method, query_param};
use wiremock::{Mock, MockServer};

use super::util::*;

/// The binary with its state directory (where the one-off journal goes) in `dir`.
fn cli(server: &MockServer, dir: &Path, args: &[&str]) -> Command {
    let mut cmd = gong_privacy(server, args);
    cmd.env("XDG_STATE_HOME", dir);
    cmd
}

/// The company's one-off journal under `dir`, as `erase` names it.
fn single_journal(server: &MockServer, dir: &Path) -> PathBuf {
    let host = server.address().to_string().replace(':', "_");
    dir.join("gong-privacy")
        .join("journals")
        .join(format!("single-{host}.journal.jsonl"))
}

/// The evidence report of `journal`'s one-off run, as JSON.
fn report(server: &MockServer, dir: &Path, journal: &Path) -> Value {
    let out_dir = dir.join("report");
    let (code, out, err) = run(cli(
        server,
        dir,
        &[
            "report",
            journal.to_str().unwrap(),
            "--out",
            out_dir.to_str().unwrap(),
        ],
    ));
    assert_eq!(code, 0, "{out}\n{err}");
    let json = std::fs::read_to_string(out_dir.join("evidence-erase-single.json")).unwrap();
    serde_json::from_str(&json).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_one_off_erasure_is_journaled_reported_and_verified() {
    let server = erasing_gong(std::time::Duration::ZERO).await;
    let dir = scratch("single-journal");
    let (code, out, err) = run(cli(&server, &dir, &["erase", "email", "a@b.io", "--yes"]));
    assert_eq!(code, 0, "{out}\n{err}");
    let journal_path = single_journal(&server, &dir);
    assert!(
        err.contains(&format!(
            "Journaled as line 1 of run erase-single in {}",
            journal_path.display()
        )),
        "{err}"
    );
    let (code, out, err) = run(cli(
        &server,
        &dir,
        &[
            "--operator",
            "dpo",
            "erase",
            "phone",
            "+14255552671",
            "--yes",
        ],
    ));
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        err.contains("Journaled as line 2 of run erase-single"),
        "{err}"
    );

    // Each invocation is a run record and a row of the one run.
    let records = journal(&journal_path);
    let kinds: Vec<&str> = records
        .iter()
        .map(|r| r["type"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["run", "subject", "run", "subject"]);
    assert_eq!(records[0]["resumed"], false);
    assert_eq!(records[2]["resumed"], true);
    assert_eq!(records[2]["operator"], "dpo");
    let subjects = subject_records(&journal_path);
    assert_eq!(
        subjects
            .iter()
            .map(|r| (
                r["runId"].as_str().unwrap(),
                r["line"].as_u64().unwrap(),
                r["subject"].as_str().unwrap(),
                r["status"].as_str().unwrap(),
                r["requestId"].as_str().unwrap(),
            ))
            .collect::<Vec<_>>(),
        [
            ("erase-single", 1, "a@b.io", "erased", "ok"),
            ("erase-single", 2, "+14255552671", "erased", "ok"),
        ]
    );

    let evidence = report(&server, &dir, &journal_path);
    assert_eq!(evidence["run"]["runId"], "erase-single");
    assert_eq!(evidence["run"]["invocations"], 2);
    assert_eq!(evidence["totals"]["erased"], 2);
    let reported: Vec<(&str, &str)> = evidence["subjects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["subject"].as_str().unwrap(),
                s["eraseRequestId"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(reported, [("a@b.io", "ok"), ("+14255552671", "ok")]);

    let (code, out, err) = run(cli(
        &server,
        &dir,
        &["verify", journal_path.to_str().unwrap()],
    ));
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        out.contains("Verify pass 1 of run erase-single: 2 clean"),
        "{out}"
    );
    let verified: Vec<String> = journal(&journal_path)
        .iter()
        .filter(|r| r["type"] == "verify")
        .map(|r| r["subject"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(verified, ["a@b.io", "+14255552671"]);
    let evidence = report(&server, &dir, &journal_path);
    assert_eq!(evidence["totals"]["verifiedClean"], 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn failed_and_held_back_one_offs_are_journaled_and_no_journal_writes_none() {
    let server = erasing_gong(std::time::Duration::ZERO).await;
    let dir = scratch("single-failed");
    let (code, _, err) = run(cli(
        &server,
        &dir,
        &["erase", "email", "fail@example.com", "--yes"],
    ));
    assert_eq!(code, 1, "{err}");
    let journal_path = single_journal(&server, &dir);
    let records = subject_records(&journal_path);
    assert_eq!(records.len(), 1);
    assert_eq!(
        (
            records[0]["status"].as_str(),
            records[0]["requestId"].as_str()
        ),
        (Some("failed"), Some("r400"))
    );
    assert!(
        records[0]["error"].as_str().unwrap().contains("refused"),
        "{records:?}"
    );

    // --no-journal: nothing is written, and it cannot be combined with a journal.
    let other = scratch("single-no-journal");
    let (code, out, err) = run(cli(
        &server,
        &other,
        &["erase", "email", "a@b.io", "--yes", "--no-journal"],
    ));
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        out.contains("Gong requestId (keep it as the receipt): ok"),
        "{out}"
    );
    assert!(!other.join("gong-privacy").exists());
    assert!(!err.contains("Journaled"), "{err}");
    let (code, _, err) = run(cli(
        &server,
        &other,
        &[
            "erase",
            "email",
            "a@b.io",
            "--yes",
            "--no-journal",
            "--journal",
            "x.jsonl",
        ],
    ));
    assert_eq!(code, 2, "{err}");

    // --journal names another journal for one-offs.
    let own = other.join("own.jsonl");
    let (code, _, err) = run(cli(
        &server,
        &other,
        &[
            "erase",
            "email",
            "a@b.io",
            "--yes",
            "--journal",
            own.to_str().unwrap(),
        ],
    ));
    assert_eq!(code, 0, "{err}");
    assert_eq!(subject_records(&own)[0]["subject"], "a@b.io");
}

/// Gong holding `user@bücher.de` in both forms, separately: one email under the Unicode form,
/// two under the Punycode form; each form's erasure has its own requestId.
async fn gong_with_both_forms() -> MockServer {
    gong_with_both_forms_on(MockServer::start().await).await
}

async fn gong_with_both_forms_on(server: MockServer) -> MockServer {
    for (form, found, receipt) in [
        ("user@bücher.de", r#"[{"id":"u1"}]"#, "erase-unicode"),
        (
            "user@xn--bcher-kva.de",
            r#"[{"id":"a1"},{"id":"a2"}]"#,
            "erase-ascii",
        ),
    ] {
        Mock::given(method("GET"))
            .and(query_param("emailAddress", form))
            .respond_with(json(&format!(
                r#"{{"requestId":"look-{receipt}","emails":{found}}}"#
            )))
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(query_param("emailAddress", form))
            .respond_with(json(&format!(r#"{{"requestId":"{receipt}"}}"#)))
            .mount(&server)
            .await;
    }
    server
}

#[tokio::test(flavor = "multi_thread")]
async fn an_idn_address_is_erased_in_both_forms_as_one_subject() {
    let server = gong_with_both_forms().await;
    let dir = scratch("single-idn");
    let (code, out, err) = run(cli(&server, &dir, &["lookup", "email", "user@bücher.de"]));
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        "user@bücher.de: 1 email, 0 calls, 0 meetings, 0 CRM objects, 0 engagement events\n\
         user@xn--bcher-kva.de (the same address, its domain's other form): 2 emails, 0 calls, \
         0 meetings, 0 CRM objects, 0 engagement events\n"
    );
    server.reset().await;
    let server = gong_with_both_forms_on(server).await;
    let (code, out, err) = run(cli(
        &server,
        &dir,
        &["erase", "email", "user@bücher.de", "--yes"],
    ));
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        err.contains("Gong holds for user@bücher.de: 1 email"),
        "{err}"
    );
    assert!(
        err.contains("Gong holds for user@xn--bcher-kva.de (the same address, its domain's other form): 2 emails"),
        "{err}"
    );
    assert!(
        out.contains("user@bücher.de. Gong requestId (keep it as the receipt): erase-unicode"),
        "{out}"
    );
    assert!(
        out.contains("user@xn--bcher-kva.de. Gong requestId (keep it as the receipt): erase-ascii"),
        "{out}"
    );
    assert_eq!(
        erased_subjects(&server).await,
        ["user@bücher.de", "user@xn--bcher-kva.de"]
    );
    let journal_path = single_journal(&server, &dir);
    let records = subject_records(&journal_path);
    assert_eq!(records.len(), 1, "one subject: {records:?}");
    let r = &records[0];
    assert_eq!(
        (
            r["subject"].as_str(),
            r["requestId"].as_str(),
            r["before"]["counts"]["emails"].as_u64()
        ),
        (Some("user@bücher.de"), Some("erase-unicode"), Some(1))
    );
    assert_eq!(
        (
            r["forms"][0]["subject"].as_str(),
            r["forms"][0]["requestId"].as_str(),
            r["forms"][0]["before"]["counts"]["emails"].as_u64()
        ),
        (Some("user@xn--bcher-kva.de"), Some("erase-ascii"), Some(2))
    );

    let evidence = report(&server, &dir, &journal_path);
    let row = &evidence["subjects"][0];
    assert_eq!(row["eraseRequestId"], "erase-unicode");
    assert_eq!(row["forms"][0]["subject"], "user@xn--bcher-kva.de");
    assert_eq!(row["forms"][0]["eraseRequestId"], "erase-ascii");
    assert_eq!(evidence["totals"]["before"]["emails"], 3);
    let html = std::fs::read_to_string(dir.join("report/evidence-erase-single.html")).unwrap();
    assert!(html.contains("also as <span class=\"mono\">user@xn--bcher-kva.de</span>"));
    assert!(html.contains("user@xn--bcher-kva.de: erase-ascii"));
    let csv = std::fs::read_to_string(dir.join("report/evidence-erase-single.csv")).unwrap();
    assert!(
        csv.contains("user@xn--bcher-kva.de requestId erase-ascii"),
        "{csv}"
    );

    // Verifying looks up both forms: still present in either is not clean.
    let (code, out, err) = run(cli(
        &server,
        &dir,
        &["verify", journal_path.to_str().unwrap()],
    ));
    assert_eq!(code, 10, "{out}\n{err}");
    let lookups: Vec<String> = requests(&server)
        .await
        .into_iter()
        .filter(|(m, _)| m == "GET")
        .map(|(_, q)| q)
        .collect();
    assert_eq!(
        lookups,
        [
            "user@bücher.de",
            "user@xn--bcher-kva.de",
            "user@bücher.de",
            "user@xn--bcher-kva.de"
        ]
    );
    let verify = journal(&journal_path)
        .into_iter()
        .find(|r| r["type"] == "verify")
        .unwrap();
    assert_eq!(verify["found"]["counts"]["emails"], 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_batch_erases_both_forms_of_an_idn_address() {
    let server = gong_with_both_forms().await;
    let dir = scratch("batch-idn");
    let list = dir.join("q.txt");
    std::fs::write(&list, "user@xn--bcher-kva.de\n").unwrap();
    let journal_path = dir.join("q.jsonl");
    let (code, out, err) = run(cli(
        &server,
        &dir,
        &[
            "erase",
            "--from",
            list.to_str().unwrap(),
            "--journal",
            journal_path.to_str().unwrap(),
            "--yes",
        ],
    ));
    assert_eq!(code, 0, "{out}\n{err}");
    let mut sent = erased_subjects(&server).await;
    sent.sort();
    assert_eq!(sent, ["user@bücher.de", "user@xn--bcher-kva.de"]);
    let records = subject_records(&journal_path);
    assert_eq!(records.len(), 1);
    assert_eq!(
        (
            records[0]["subject"].as_str(),
            records[0]["requestId"].as_str(),
            records[0]["forms"][0]["subject"].as_str(),
            records[0]["forms"][0]["requestId"].as_str(),
        ),
        (
            Some("user@xn--bcher-kva.de"),
            Some("erase-ascii"),
            Some("user@bücher.de"),
            Some("erase-unicode")
        )
    );
    // The guard counts both forms: 3 objects over a threshold of 2 holds it back.
    let (code, _, err) = run(cli(
        &server,
        &dir,
        &[
            "erase",
            "email",
            "user@bücher.de",
            "--yes",
            "--max-objects",
            "2",
            "--no-journal",
        ],
    ));
    assert_eq!(code, 9, "{err}");
}
