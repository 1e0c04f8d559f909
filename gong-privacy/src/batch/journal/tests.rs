//! Tests of the journal (over 500 lines: one test per guarantee of its format and its writer).

use std::io::Write as _;

use super::*;
use crate::batch::input::{InputOptions, parse};
use crate::batch::run::{Plan, RunChoice, RunStart};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gong-journal-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("j.jsonl")
}

fn identity(generation: u32) -> RunIdentity {
    RunIdentity {
        operation: "erase".into(),
        input_sha256: "ab".repeat(32),
        generation,
    }
}

fn subject(run: &RunIdentity, line: u64, subject: &str, status: Status) -> Record {
    Record::Subject(SubjectRecord {
        run_id: Some(run.run_id()),
        ts: timestamp(),
        line: Some(line),
        column: None,
        input: subject.into(),
        subject: Some(subject.into()),
        kind: Some("email".into()),
        status,
        request_id: (status == Status::Erased).then(|| "r".into()),
        error: None,
        first_line: None,
        before: None,
        guard: None,
        forms: Vec::new(),
    })
}

#[test]
fn opening_writes_nothing_until_the_first_append() {
    let path = scratch("lazy");
    let mut journal = Journal::open(&path).unwrap();
    assert!(!path.exists(), "opening must not create the journal");
    assert!(journal.contents().records.is_empty());
    let run = identity(1);
    journal
        .append_one(Record::Run(Journal::run_record(&run, "q.csv", false, "t")))
        .unwrap();
    assert!(path.exists());
}

#[test]
fn a_cut_off_last_line_is_reported_and_removed_only_when_writing() {
    let path = scratch("cut");
    let run = identity(1);
    let mut journal = Journal::open(&path).unwrap();
    journal
        .append(&[
            Record::Run(Journal::run_record(&run, "q.csv", false, "t")),
            subject(&run, 2, "a@example.com", Status::Erased),
            subject(&run, 3, "b@example.com", Status::Failed),
        ])
        .unwrap();
    drop(journal);
    let mut f = OpenOptions::new().append(true).open(&path).unwrap();
    f.write_all(br#"{"type":"subject","runId":"#).unwrap();
    drop(f);
    let cut_len = std::fs::metadata(&path).unwrap().len();

    let mut journal = Journal::open(&path).unwrap();
    let contents = journal.contents();
    assert_eq!(contents.records.len(), 3);
    assert_eq!(contents.warnings.len(), 1, "{:?}", contents.warnings);
    assert!(contents.warnings[0].contains("cut off"));
    let state = contents.state_of(&run.run_id());
    assert_eq!(state.erased.keys().collect::<Vec<_>>(), ["a@example.com"]);
    // Reading and planning changed nothing on disk.
    assert_eq!(std::fs::metadata(&path).unwrap().len(), cut_len);
    journal
        .append_one(subject(&run, 3, "b@example.com", Status::Erased))
        .unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text.lines().count(), 4);
    assert!(
        text.lines()
            .all(|l| serde_json::from_str::<Record>(l).is_ok())
    );
}

#[test]
fn a_second_opener_is_refused_with_the_holders_pid() {
    let path = scratch("lock");
    let mut first = Journal::open(&path).unwrap();
    first
        .append_one(Record::Run(Journal::run_record(
            &identity(1),
            "q.csv",
            false,
            "t",
        )))
        .unwrap();
    let err = Journal::open(&path).unwrap_err();
    assert!(
        matches!(&err, JournalError::Locked { holder: Some(pid), .. } if *pid == std::process::id()),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("in use by another process (pid"),
        "{err}"
    );
    drop(first);
    Journal::open(&path).expect("the lock goes with the holder");
}

#[test]
fn a_journal_created_meanwhile_is_not_taken_over() {
    let path = scratch("race");
    let mut late = Journal::open(&path).unwrap();
    let mut early = Journal::open(&path).unwrap();
    early
        .append_one(subject(&identity(1), 2, "a@example.com", Status::Erased))
        .unwrap();
    let err = late
        .append_one(subject(&identity(1), 2, "a@example.com", Status::Erased))
        .unwrap_err();
    assert!(matches!(err, JournalError::Locked { .. }), "{err:?}");
    assert_eq!(std::fs::read_to_string(&path).unwrap().lines().count(), 1);
}

#[test]
fn newer_schemas_are_refused_and_legacy_lines_belong_to_no_run() {
    let path = scratch("schema");
    std::fs::write(
        &path,
        "{\"ts\":\"2026-11-01T00:00:00Z\",\"source\":\"q.csv\",\"line\":1,\"input\":\"a@example.com\",\"subject\":\"a@example.com\",\"status\":\"erased\"}\n",
    )
    .unwrap();
    let contents = Journal::read(&path).unwrap();
    assert_eq!(contents.legacy_lines, 1);
    assert!(contents.records.is_empty());
    assert!(contents.warnings[0].contains("from before run identity"));

    let mut future = Journal::run_record(&identity(1), "q.csv", false, "t");
    future.v = SCHEMA_VERSION + 1;
    std::fs::write(
        &path,
        format!("{}\n", serde_json::to_string(&Record::Run(future)).unwrap()),
    )
    .unwrap();
    let err = Journal::open(&path).unwrap_err();
    assert!(
        matches!(err, JournalError::NewerSchema { line: 1, found, .. } if found == SCHEMA_VERSION + 1)
    );
}

#[test]
fn records_have_a_stable_camel_case_shape() {
    let run = identity(2);
    let header = Journal::run_record(&run, "dsr.csv", true, "gong-privacy 0.1.0");
    let value = serde_json::to_value(Record::Run(header.clone())).unwrap();
    // Sorted: serde_json keeps insertion order when another crate enables `preserve_order`.
    let mut keys: Vec<&str> = value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "generation",
            "inputSha256",
            "operation",
            "pid",
            "resumed",
            "runId",
            "source",
            "tool",
            "ts",
            "type",
            "v"
        ]
    );
    assert_eq!(value["runId"], format!("erase-{}.2", "ab".repeat(8)));
    let record = subject(&run, 7, "a@example.com", Status::Deferred);
    let line = serde_json::to_string(&record).unwrap();
    assert!(
        line.starts_with(r#"{"type":"subject","runId":"erase-"#),
        "{line}"
    );
    assert!(line.contains(r#""status":"deferred""#), "{line}");
    assert_eq!(serde_json::from_str::<Record>(&line).unwrap(), record);
}

#[test]
fn runs_resume_restart_and_notice_a_changed_file() {
    let path = scratch("runs");
    let first = parse(b"email\na@example.com\n", &InputOptions::default()).unwrap();
    let mut journal = Journal::open(&path).unwrap();
    let choice = RunChoice::new(journal.contents(), "erase", &first.sha256, "q.csv", false);
    assert_eq!(
        (choice.start.clone(), choice.changed_from.clone()),
        (RunStart::New, None)
    );
    journal
        .append_one(Record::Run(Journal::run_record(
            &choice.identity,
            "q.csv",
            false,
            "t",
        )))
        .unwrap();

    let again = RunChoice::new(journal.contents(), "erase", &first.sha256, "q.csv", false);
    assert_eq!(
        (again.start, again.identity.clone()),
        (RunStart::Resume, choice.identity.clone())
    );

    let restart = RunChoice::new(journal.contents(), "erase", &first.sha256, "q.csv", true);
    assert_eq!(restart.identity.generation, 2);
    assert_eq!(
        restart.start,
        RunStart::Restart {
            replaces: choice.identity.run_id()
        }
    );
    assert_ne!(restart.identity.run_id(), choice.identity.run_id());

    let changed = parse(b"email\nb@example.com\n", &InputOptions::default()).unwrap();
    let next = RunChoice::new(journal.contents(), "erase", &changed.sha256, "q.csv", false);
    assert_eq!(next.start, RunStart::New);
    assert_eq!(
        next.changed_from.map(|r| r.run_id),
        Some(choice.identity.run_id())
    );
}

#[test]
fn a_plan_skips_what_its_run_erased_and_records_rows_once() {
    let input = parse(
        b"email\na@example.com\nb@example.com\nnot-an-address\na@example.com\nc@example.com\n",
        &InputOptions::default(),
    )
    .unwrap();
    let run = RunIdentity {
        operation: "erase".into(),
        input_sha256: input.sha256.clone(),
        generation: 1,
    };
    let fresh = Plan::new(&input, &RunState::default());
    assert_eq!(fresh.to_send, [0, 1, 4]);
    assert_eq!(fresh.invalid, [2]);
    assert_eq!(fresh.duplicates, [(3, 0)]);
    let records = fresh.unrecorded_records(&input, &run.run_id());
    let shapes: Vec<(Status, Option<u64>, Option<u64>)> = records
        .iter()
        .map(|r| match r {
            Record::Subject(s) => (s.status, s.line, s.first_line),
            Record::Run(_) | Record::Verify(_) => unreachable!(),
        })
        .collect();
    assert_eq!(
        shapes,
        [
            (Status::Invalid, Some(4), None),
            (Status::Duplicate, Some(5), Some(2))
        ]
    );

    // The run recorded those, erased a@ and failed b@: a rerun sends b@ and c@ only, and
    // records nothing twice. Another run's records do not count.
    let mut contents = Contents::default();
    contents.records.extend(records);
    contents
        .records
        .push(subject(&run, 2, "a@example.com", Status::Erased));
    contents
        .records
        .push(subject(&run, 3, "b@example.com", Status::Failed));
    contents
        .records
        .push(subject(&identity(1), 6, "c@example.com", Status::Erased));
    let resumed = Plan::new(&input, &contents.state_of(&run.run_id()));
    assert_eq!(resumed.to_send, [1, 4]);
    assert_eq!(resumed.already_erased, [0]);
    assert!(resumed.unrecorded.is_empty());
}

/// A journal written by schema 1 (gong-privacy before the lifecycle): read as it is, its
/// subjects erased and verifiable; schema-2 records append to it.
#[test]
fn version_1_journals_are_read_and_extended() {
    let path = scratch("v1");
    std::fs::write(
        &path,
        concat!(
            r#"{"type":"run","v":1,"runId":"erase-55568bb0cc47297f","operation":"erase","inputSha256":"55568bb0cc47297fd81141197e4fe048416f3de50b6d14c871db58b894edda50","generation":1,"source":"dsr.csv","resumed":false,"ts":"2026-11-25T11:01:29.086Z","pid":12732,"tool":"gong-privacy 0.1.0"}"#,
            "\n",
            r#"{"type":"subject","runId":"erase-55568bb0cc47297f","ts":"2026-11-25T11:01:29.149Z","line":2,"column":"E-mail","input":"jane@example.com","subject":"jane@example.com","kind":"email","status":"erased","requestId":"4al00850a4cffb73cb"}"#,
            "\n",
        ),
    )
    .unwrap();
    let mut journal = Journal::open(&path).unwrap();
    let contents = journal.contents();
    assert!(contents.warnings.is_empty(), "{:?}", contents.warnings);
    let rows = crate::batch::verify::rows(contents, "erase-55568bb0cc47297f");
    assert_eq!(rows.len(), 1);
    let erasure = rows[0].erasure().unwrap();
    assert_eq!(
        (
            erasure.before,
            erasure.guard,
            erasure.request.unwrap().request_id
        ),
        (None, None, "4al00850a4cffb73cb".to_owned())
    );
    let run = contents.run("erase-55568bb0cc47297f").unwrap().clone();
    let pass = crate::batch::verify::VerifyPass::choose(contents, &run.run_id, &rows);
    let header = pass.run_record(&run, "t");
    assert_eq!(
        (header.v, header.operation.as_str()),
        (SCHEMA_VERSION, "verify")
    );
    journal.append_one(Record::Run(header)).unwrap();
    assert_eq!(Journal::read(&path).unwrap().runs().len(), 2);
}

/// A schema-2 journal holding an internationalised address erased in one form (before forms
/// existed): read as it is, and verified in the form it was erased in, not guessed. A schema-3
/// record's forms come back as they were written.
#[test]
fn version_2_journals_keep_their_one_form_and_forms_round_trip() {
    let path = scratch("v2");
    std::fs::write(
        &path,
        concat!(
            r#"{"type":"run","v":2,"runId":"erase-55568bb0cc47297f","operation":"erase","inputSha256":"55568bb0cc47297fd81141197e4fe048416f3de50b6d14c871db58b894edda50","generation":1,"source":"dsr.csv","resumed":false,"ts":"2026-11-25T11:01:29.086Z","pid":12732,"tool":"gong-privacy 0.1.0","preview":false}"#,
            "\n",
            r#"{"type":"subject","runId":"erase-55568bb0cc47297f","ts":"2026-11-25T11:01:29.149Z","line":2,"input":"jürgen@münchen.de","subject":"jürgen@münchen.de","kind":"email","status":"erased","requestId":"4al0","guard":{"decision":"noPreview"}}"#,
            "\n",
        ),
    )
    .unwrap();
    let contents = Journal::read(&path).unwrap();
    assert!(contents.warnings.is_empty(), "{:?}", contents.warnings);
    let rows = crate::batch::verify::rows(&contents, "erase-55568bb0cc47297f");
    let erasure = rows[0].erasure().unwrap();
    assert!(erasure.forms.is_empty());
    assert_eq!(erasure.request.unwrap().request_id, "4al0");

    let line = r#"{"type":"subject","runId":"erase-single","ts":"2026-11-25T11:01:29.149Z","line":1,"input":"jürgen@münchen.de","subject":"jürgen@münchen.de","kind":"email","status":"erased","requestId":"r1","forms":[{"subject":"jürgen@xn--mnchen-3ya.de","requestId":"r2"}]}"#;
    let record: Record = serde_json::from_str(line).unwrap();
    assert_eq!(serde_json::to_string(&record).unwrap(), line);
    let contents = Contents::from_records(vec![record]);
    let rows = crate::batch::verify::rows(&contents, "erase-single");
    let erasure = rows[0].erasure().unwrap();
    assert_eq!(
        (
            erasure.forms[0].subject.as_str(),
            erasure.forms[0]
                .request
                .as_ref()
                .unwrap()
                .request_id
                .as_str()
        ),
        ("jürgen@xn--mnchen-3ya.de", "r2")
    );
}

#[test]
fn held_back_subjects_and_verifications_have_a_stable_shape() {
    use gong_api_ext::lifecycle::{Guard, Snapshot, Verification};
    let run = identity(1);
    let before = Snapshot {
        at: "2026-11-25T10:00:00Z".parse().unwrap(),
        request_id: Some("look".into()),
        counts: gong_api_ext::ReferenceCounts {
            emails: 500,
            ..Default::default()
        },
        linked_email_addresses: vec![],
        matching_phone_numbers: vec![],
        other: 0,
    };
    let Record::Subject(mut held) = subject(&run, 2, "sales@example.com", Status::HeldBack) else {
        unreachable!()
    };
    held.guard = Some(Guard::default().check(&before));
    held.before = Some(before.clone());
    let line = serde_json::to_string(&Record::Subject(held.clone())).unwrap();
    assert!(line.contains(r#""status":"heldBack""#), "{line}");
    assert!(
        line.contains(r#""guard":{"decision":"heldBack","reasons":[{"reason":"manyObjects","objects":500,"max":200}]}"#),
        "{line}"
    );
    assert_eq!(
        serde_json::from_str::<Record>(&line).unwrap(),
        Record::Subject(held)
    );
    let verify = Record::Verify(VerifyRecord {
        run_id: "verify-abababababababab-1".into(),
        verifies: run.run_id(),
        line: Some(2),
        column: None,
        subject: "sales@example.com".into(),
        kind: "email".into(),
        erase_request_id: Some("r".into()),
        verification: Verification::classify(
            before,
            Some("2026-11-25T09:00:00Z".parse().unwrap()),
            &[],
        ),
    });
    let line = serde_json::to_string(&verify).unwrap();
    assert!(
        line.starts_with(r#"{"type":"verify","runId":"verify-abababababababab-1","verifies":"erase-abababababababab","#),
        "{line}"
    );
    assert!(line.contains(r#""result":"stillPresent""#), "{line}");
    assert!(line.contains(r#""sinceEraseSecs":3600"#), "{line}");
    assert_eq!(serde_json::from_str::<Record>(&line).unwrap(), verify);
}

#[test]
fn rows_keep_their_latest_outcome_and_verify_passes_resume_then_start_anew() {
    use crate::batch::run::RunStart;
    use crate::batch::verify::{VerifyPass, rows};
    use gong_api_ext::lifecycle::Verification;

    let run = identity(1);
    let id = run.run_id();
    let mut contents = Contents::from_records(vec![
        Record::Run(Journal::run_record(&run, "q.csv", false, "t")),
        subject(&run, 2, "a@example.com", Status::Erased),
        subject(&run, 3, "b@example.com", Status::Failed),
        subject(&run, 4, "c@example.com", Status::HeldBack),
        subject(&run, 3, "b@example.com", Status::Erased),
    ]);
    let all = rows(&contents, &id);
    let lines: Vec<(u64, Status, usize)> = all
        .iter()
        .map(|r| (r.record.line.unwrap(), r.record.status, r.earlier.len()))
        .collect();
    assert_eq!(
        lines,
        [
            (2, Status::Erased, 0),
            (3, Status::Erased, 1),
            (4, Status::HeldBack, 0)
        ]
    );
    let first = VerifyPass::choose(&contents, &id, &all);
    assert_eq!(
        (first.pass, &first.start, &first.to_verify[..]),
        (1, &RunStart::New, &[0, 1][..])
    );
    // Pass 1 found a clean, and failed to look b up: it resumes with b only.
    let at = "2026-11-25T12:00:00Z".parse().unwrap();
    let clean = Verification::classify(
        gong_api_ext::lifecycle::Snapshot {
            at,
            request_id: None,
            counts: Default::default(),
            linked_email_addresses: vec![],
            matching_phone_numbers: vec![],
            other: 0,
        },
        None,
        &[],
    );
    let pass_records = vec![
        Record::Run(first.run_record(contents.run(&id).unwrap(), "t")),
        Record::Verify(first.record(&all[0], clean.clone())),
        Record::Verify(first.record(&all[1], Verification::failed(at, None, "500"))),
    ];
    contents.records.extend(pass_records);
    let all = rows(&contents, &id);
    assert_eq!(all[0].verifications.len(), 1);
    let resumed = VerifyPass::choose(&contents, &id, &all);
    assert_eq!(
        (
            resumed.pass,
            &resumed.start,
            &resumed.to_verify[..],
            resumed.verified
        ),
        (1, &RunStart::Resume, &[1][..], 1)
    );
    let record = Record::Verify(resumed.record(&all[1], clean));
    contents.records.push(record);
    let all = rows(&contents, &id);
    let next = VerifyPass::choose(&contents, &id, &all);
    assert_eq!(
        (next.pass, &next.start, &next.to_verify[..], next.run_id()),
        (
            2,
            &RunStart::New,
            &[0, 1][..],
            "verify-abababababababab-2".to_owned()
        )
    );
    assert_eq!(all[1].erasure().unwrap().verifications.len(), 2);
}

/// `--journal` pointed at a file that is not a journal (the input itself, a typo) must not get
/// records appended to it: the file is refused, untouched.
#[test]
fn a_file_that_is_not_a_journal_is_refused_and_left_untouched() {
    let path = scratch("not-a-journal");
    let original = "email\njane@example.com\n";
    std::fs::write(&path, original).unwrap();
    let err = Journal::open(&path).unwrap_err();
    assert!(
        matches!(err, JournalError::NotAJournal { line: 1, .. }),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("is not a gong-privacy journal"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), original);
    // A journal whose only line was cut off by a crash is still a journal.
    std::fs::write(&path, "{\"type\":\"run\",\"v\":1,\"ru").unwrap();
    assert!(Journal::open(&path).is_ok());
    // So is one with an unreadable line among its records.
    let run = identity(1);
    let mut journal = Journal::open(&scratch("mixed")).unwrap();
    journal
        .append(&[subject(&run, 2, "jane@example.com", Status::Erased)])
        .unwrap();
    let mixed = journal.path().to_path_buf();
    drop(journal);
    std::fs::OpenOptions::new()
        .append(true)
        .open(&mixed)
        .unwrap()
        .write_all(b"garbage\n")
        .unwrap();
    assert!(Journal::open(&mixed).is_ok());
}
