//! A journal written before the SDK and the CLI were split into two crates (issue 25) still
//! resumes: `fixtures/pre-move/audit.jsonl` was written by the `gong-privacy` binary built
//! on main b7ef01b, from `fixtures/pre-move/dsr.csv`, against `erasing_gong` (the row holding
//! `fail` was refused with a 400): `gong-privacy erase --from dsr.csv --journal audit.jsonl
//! --yes`, run in that directory. Its format is the compatibility promise: a rerun
//! of the same input continues that run, sends only what it did not erase, and appends.

use std::path::Path;

use wiremock::matchers::method;
use wiremock::{Mock, MockServer};

use super::util::*;

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cli/fixtures/pre-move");

#[tokio::test(flavor = "multi_thread")]
async fn a_journal_written_before_the_move_resumes() {
    let dir = scratch("pre-move-resume");
    for file in ["dsr.csv", "audit.jsonl"] {
        std::fs::copy(Path::new(FIXTURE).join(file), dir.join(file)).unwrap();
    }
    let before = std::fs::read_to_string(dir.join("audit.jsonl")).unwrap();
    let old = journal(&dir.join("audit.jsonl"));
    let run_id = old[0]["runId"].as_str().unwrap().to_owned();
    assert_eq!(old[0]["type"], "run");
    assert_eq!(
        old[0]["tool"], "gong-privacy 0.1.0",
        "written by the pre-move binary"
    );

    // Gong accepts everything now (and holds nothing, so the guard passes): only what the old
    // run did not erase is sent.
    let server = MockServer::start().await;
    answer_lookups(&server).await;
    Mock::given(method("POST"))
        .respond_with(json(r#"{"requestId":"erase-1"}"#))
        .mount(&server)
        .await;
    let mut cmd = gong_privacy(
        &server,
        &[
            "erase",
            "--from",
            "dsr.csv",
            "--journal",
            "audit.jsonl",
            "--yes",
        ],
    );
    cmd.current_dir(&dir);
    let (code, out, err) = run(cmd);
    assert_eq!(code, 0, "{out}\n{err}");
    assert_eq!(
        erased_subjects(&server).await,
        ["fail-once@example.com"],
        "only the row refused before is sent again"
    );

    let after = std::fs::read_to_string(dir.join("audit.jsonl")).unwrap();
    assert!(
        after.starts_with(&before),
        "the old records are kept as written"
    );
    let new = journal(&dir.join("audit.jsonl"));
    let appended = &new[old.len()..];
    assert_eq!(appended[0]["type"], "run");
    assert_eq!(
        appended[0]["runId"],
        run_id.as_str(),
        "the same run continues"
    );
    assert_eq!(appended[0]["resumed"], true);
    let subjects: Vec<(&str, &str)> = appended[1..]
        .iter()
        .map(|r| (r["input"].as_str().unwrap(), r["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        subjects,
        [("fail-once@example.com", "erased")],
        "invalid and duplicate rows are not recorded twice"
    );
    assert_eq!(appended[1]["requestId"], "erase-1");
}
