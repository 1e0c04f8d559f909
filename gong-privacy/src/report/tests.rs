use serde_json::{Value, json};

use super::*;
use crate::batch::journal::{Contents, Journal, Record, Status, SubjectRecord};
use crate::batch::run::RunIdentity;
use crate::batch::verify::{VerifyPass, rows};
use gong_api_ext::ReferenceCounts;
use gong_api_ext::lifecycle::{Guard, Snapshot, Timestamp, Verification};

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

fn snapshot(time: &str, emails: usize, linked: &[&str]) -> Snapshot {
    Snapshot {
        at: at(time),
        request_id: Some(format!("look-{emails}")),
        counts: ReferenceCounts {
            emails,
            ..Default::default()
        },
        linked_email_addresses: linked.iter().map(|s| s.to_string()).collect(),
        matching_phone_numbers: Vec::new(),
        other: 0,
    }
}

fn record(line: u64, input: &str, subject: Option<&str>, status: Status) -> SubjectRecord {
    SubjectRecord {
        run_id: Some(run_identity().run_id()),
        ts: "2026-11-25T10:00:01.000Z".into(),
        line: Some(line),
        column: Some("email".into()),
        input: input.into(),
        subject: subject.map(str::to_owned),
        kind: subject.map(|s| if s.starts_with('+') { "phone" } else { "email" }.to_owned()),
        status,
        request_id: (status == Status::Erased).then(|| format!("erase-{line}")),
        error: None,
        first_line: None,
        before: None,
        guard: None,
        forms: Vec::new(),
    }
}

fn run_identity() -> RunIdentity {
    RunIdentity {
        operation: "erase".into(),
        input_sha256: "c5".repeat(32),
        generation: 1,
    }
}

/// A journal (rows ordered by line in the report) with every outcome: erased (clean, still present, present again, failed lookup,
/// never verified), held back, failed, deferred, invalid, duplicate.
fn journal() -> Contents {
    let run = run_identity();
    let mut header = Journal::run_record(&run, "dsr.csv", false, "gong-privacy 0.1.0");
    header.ts = "2026-11-25T10:00:00.000Z".into();
    header.host = Some("https://us-55616.api.gong.io".into());
    header.operator = Some("Dana".into());
    header.preview = Some(true);
    header.guard = Some(Guard::default());
    let erased = |line, s: &str, emails| SubjectRecord {
        before: Some(snapshot("2026-11-25T10:00:00.500Z", emails, &[])),
        guard: Some(gong_api_ext::lifecycle::GuardOutcome::Passed),
        ..record(line, s, Some(s), Status::Erased)
    };
    let held = SubjectRecord {
        before: Some(snapshot("2026-11-25T10:00:00.500Z", 515, &[])),
        guard: Some(Guard::default().check(&snapshot("2026-11-25T10:00:00.500Z", 515, &[]))),
        ..record(
            7,
            "sales@example.com",
            Some("sales@example.com"),
            Status::HeldBack,
        )
    };
    let mut contents = Contents::from_records(vec![
        Record::Run(header),
        Record::Subject(erased(2, "jane@example.com", 3)),
        Record::Subject(erased(3, "+14255552671", 2)),
        Record::Subject(erased(4, "joe@example.com", 6)),
        Record::Subject(erased(5, "ann@example.com", 1)),
        Record::Subject(held),
        Record::Subject(SubjectRecord {
            error: Some("Gong answered 400 Bad Request: refused".into()),
            ..record(
                8,
                "fail@example.com",
                Some("fail@example.com"),
                Status::Failed,
            )
        }),
        Record::Subject(SubjectRecord {
            error: Some("not sent: the run was interrupted".into()),
            ..record(
                9,
                "later@example.com",
                Some("later@example.com"),
                Status::Deferred,
            )
        }),
        Record::Subject(SubjectRecord {
            error: Some(
                "invalid email address \"=HYPERLINK(x)@nowhere\": the domain has no dot".into(),
            ),
            ..record(10, "=HYPERLINK(x)@nowhere", None, Status::Invalid)
        }),
        Record::Subject(SubjectRecord {
            first_line: Some(2),
            ..record(
                11,
                "Jane@EXAMPLE.com",
                Some("jane@example.com"),
                Status::Duplicate,
            )
        }),
    ]);
    let id = run_identity().run_id();
    let sent = Some(at("2026-11-25T10:00:01Z"));
    for (verifications, pass_no) in [
        (
            vec![
                ("jane@example.com", 0),
                ("+14255552671", 0),
                ("joe@example.com", 6),
                ("ann@example.com", 0),
            ],
            1,
        ),
        (vec![("joe@example.com", 6), ("ann@example.com", 2)], 2),
    ] {
        let all = rows(&contents, &id);
        let pass = VerifyPass::choose(&contents, &id, &all);
        assert_eq!(pass.pass, pass_no);
        let mut records = vec![Record::Run(
            pass.run_record(contents.run(&id).unwrap(), "t"),
        )];
        for (subject, emails) in verifications {
            let row = all
                .iter()
                .find(|r| r.record.subject.as_deref() == Some(subject))
                .unwrap();
            let earlier: Vec<Verification> = row
                .verifications
                .iter()
                .map(|v| v.verification.clone())
                .collect();
            let time = format!("2026-11-25T1{}:00:00Z", pass_no + 1);
            let v = Verification::classify(snapshot(&time, emails, &[]), sent, &earlier);
            records.push(Record::Verify(pass.record(row, v)));
        }
        if pass_no == 2 {
            let row = all
                .iter()
                .find(|r| r.record.subject.as_deref() == Some("jane@example.com"))
                .unwrap();
            let failed =
                Verification::failed(at("2026-11-25T13:00:00Z"), sent, "Gong answered 500");
            records.push(Record::Verify(pass.record(row, failed)));
        }
        contents.records.extend(records);
    }
    // Erased after the verify passes (a resumed erase run): never verified.
    contents
        .records
        .push(Record::Subject(erased(6, "bob@example.com", 1)));
    contents
}

fn schema() -> Value {
    serde_json::from_str(include_str!("../../schemas/evidence-report.schema.json")).unwrap()
}

fn evidence(redactor: Option<&Redactor>) -> Evidence {
    let options = EvidenceOptions {
        operator: Some("Dana"),
        redactor,
        generated_at: at("2026-11-26T09:00:00Z"),
        ..EvidenceOptions::new("gong-privacy 0.1.0", "dsr.csv.journal.jsonl")
    };
    Evidence::from_journal(&journal(), None, &options).unwrap()
}

#[test]
fn the_evidence_counts_every_outcome_and_verification() {
    let e = evidence(None);
    let t = &e.totals;
    assert_eq!(
        (
            t.rows,
            t.subjects,
            t.erased,
            t.held_back,
            t.failed,
            t.deferred,
            t.invalid,
            t.duplicates
        ),
        (10, 8, 5, 1, 1, 1, 1, 1)
    );
    // jane: failed lookup last; +1425: clean; joe: still present; ann: present again; bob: never.
    assert_eq!(
        (
            t.verified_clean,
            t.still_present,
            t.present_again,
            t.verify_failed,
            t.not_verified
        ),
        (1, 1, 1, 1, 1)
    );
    assert_eq!(t.before.emails, 3 + 2 + 6 + 1 + 1 + 515);
    assert_eq!(e.gong_host.as_deref(), Some("https://us-55616.api.gong.io"));
    assert_eq!(e.run.operators, ["Dana"]);
    assert_eq!(e.run.started_at, "2026-11-25T10:00:00.000Z");
    assert_eq!(
        e.verify_passes
            .iter()
            .map(|p| (p.pass, p.clean, p.still_present, p.present_again, p.failed))
            .collect::<Vec<_>>(),
        [(1, 3, 1, 0, 0), (2, 0, 1, 1, 1)]
    );
    let joe = e.subjects.iter().find(|s| s.line == Some(4)).unwrap();
    let v = joe.verification.as_ref().unwrap();
    assert_eq!(
        (v.result.as_str(), v.since_erase_secs, joe.verifications),
        ("stillPresent", Some(3 * 3600 - 1), 2)
    );
    let held = e.subjects.iter().find(|s| s.line == Some(7)).unwrap();
    assert_eq!(held.guard.as_deref(), Some("heldBack"));
    assert_eq!(held.guard_reasons, ["515 objects (more than 200)"]);
    assert!(matches!(
        Evidence::from_journal(
            &journal(),
            Some("erase-nope"),
            &EvidenceOptions::new("t", "j")
        ),
        Err(ReportError::NoEraseRun(Some(_)))
    ));
}

#[test]
fn the_json_validates_against_the_committed_schema_and_a_broken_one_does_not() {
    let validator = jsonschema::validator_for(&schema()).expect("the schema compiles");
    let key = b"0123456789abcdef0123456789abcdef";
    for e in [evidence(None), evidence(Some(&Redactor::new(key).unwrap()))] {
        let value: Value = serde_json::from_str(&e.to_json()).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");
    }
    // The schema is strict enough to catch drift.
    let mut value: Value = serde_json::from_str(&evidence(None).to_json()).unwrap();
    value["subjects"][0]["status"] = json!("gone");
    assert!(!validator.is_valid(&value));
    let mut value: Value = serde_json::from_str(&evidence(None).to_json()).unwrap();
    value["totals"]["surprise"] = json!(1);
    assert!(!validator.is_valid(&value));
    let mut value: Value = serde_json::from_str(&evidence(None).to_json()).unwrap();
    value["subjects"][0]
        .as_object_mut()
        .unwrap()
        .remove("eraseRequestId");
    assert!(!validator.is_valid(&value));
}

#[test]
fn redaction_leaves_no_subject_in_any_output() {
    let redactor = Redactor::new(b"0123456789abcdef0123456789abcdef").unwrap();
    let e = evidence(Some(&redactor));
    let outputs = [e.to_json(), e.to_csv(), e.to_html()];
    for secret in [
        "jane@example.com",
        "Jane@EXAMPLE.com",
        "14255552671",
        "joe@example.com",
        "ann@example.com",
        "bob@example.com",
        "sales@example.com",
        "fail@example.com",
        "later@example.com",
        "HYPERLINK(x)@nowhere",
        "example.com",
    ] {
        for output in &outputs {
            assert!(
                !output.to_lowercase().contains(&secret.to_lowercase()),
                "{secret} in a redacted output"
            );
        }
    }
    assert_eq!(e.redaction.as_ref().unwrap().key_id, redactor.key_id());
    let jane = &e.subjects[0];
    assert_eq!(
        jane.subject.as_deref(),
        Some(redactor.hash("jane@example.com").as_str())
    );
    // Another key, another hash; the key itself is nowhere.
    let other = Redactor::new(b"another key, 16+ bytes long").unwrap();
    assert_ne!(
        other.hash("jane@example.com"),
        redactor.hash("jane@example.com")
    );
    assert!(outputs.iter().all(|o| !o.contains("0123456789abcdef")));
    assert!(matches!(
        Redactor::new(b"short"),
        Err(ReportError::ShortKey(5))
    ));
    assert!(!format!("{redactor:?}").contains("0123456789abcdef"));
}

#[test]
fn the_csv_has_one_line_per_row_and_defuses_formulas() {
    let csv = evidence(None).to_csv();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header = reader.headers().unwrap().clone();
    assert_eq!(header.len(), 25);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 10);
    let field = |row: &csv::StringRecord, name: &str| {
        row[header.iter().position(|h| h == name).unwrap()].to_owned()
    };
    assert_eq!(
        field(&rows[1], "subject"),
        "+14255552671",
        "phone numbers stay as they are"
    );
    let invalid = rows
        .iter()
        .find(|r| field(r, "status") == "invalid")
        .unwrap();
    assert_eq!(field(invalid, "input"), "'=HYPERLINK(x)@nowhere");
    assert_eq!(field(&rows[0], "verification"), "failed");
    assert_eq!(field(&rows[2], "since_erase_secs"), "10799");
}

#[test]
fn the_html_is_self_contained_and_shows_the_totals() {
    let html = evidence(None).to_html();
    assert!(html.starts_with("<!DOCTYPE html>"));
    for forbidden in ["<script", "http://", "https://fonts", "<link", "src="] {
        assert!(!html.contains(forbidden), "{forbidden} in the report");
    }
    assert!(html.contains(r#"<span class="n" data-total="erased">5</span>"#));
    assert!(html.contains(r#"<span class="n" data-total="presentAgain">1</span>"#));
    assert!(html.contains("held back: 515 objects (more than 200)"));
    // Values are escaped: an input cannot inject markup.
    let mut contents = journal();
    for record in &mut contents.records {
        if let Record::Subject(s) = record
            && s.status == Status::Invalid
        {
            s.input = "<img onerror=alert(1)>".into();
        }
    }
    let options = EvidenceOptions::new("t", "j");
    let html = Evidence::from_journal(&contents, None, &options)
        .unwrap()
        .to_html();
    assert!(!html.contains("<img"), "not escaped");
    assert!(html.contains("&#60;img") || html.contains("&lt;img"));
}

#[test]
fn an_export_keeps_fields_gong_added_in_the_json_and_the_page() {
    let answer: gong_api_ext::types::EmailAddressReferences = serde_json::from_value(json!({
        "requestId": "r1",
        "emails": [{"id": "e1", "from": "jane@example.com", "sentiment": "warm"}],
        "calls": [{"id": "7782342274025937000", "status": "COMPLETED"}],
        "customerData": [{"system": "Salesforce", "objects": [
            {"id": "00Q1", "objectType": "Lead", "externalId": "x1",
             "fields": [{"name": "Title", "value": "CFO"}, {"name": "Score", "value": {"a": 1}}]}
        ]}],
        "voicemails": [{"id": "v1", "transcript": "call me back"}]
    }))
    .unwrap();
    let subject = gong_api_ext::Subject::parse("jane@example.com").unwrap();
    let export = AccessExport::of_email(subject, &answer, at("2026-11-25T10:00:00Z"));
    let json: Value = serde_json::from_str(&export.to_json()).unwrap();
    assert_eq!(json["voicemails"][0]["transcript"], "call me back");
    assert_eq!(json["emails"][0]["sentiment"], "warm");
    assert_eq!(json["calls"][0]["id"], "7782342274025937000");
    let html = export.to_html(Some("https://us-55616.api.gong.io"));
    for shown in [
        "Calls",
        "Emails",
        "Meetings",
        "CRM object: Salesforce Lead",
        "CFO",
        "Other data",
        "voicemails",
        "call me back",
        "sentiment",
        "warm",
    ] {
        assert!(html.contains(shown), "{shown} not on the page");
    }
    assert!(!html.contains("<script"));
    assert_eq!(export.snapshot.other, 1);
}

#[test]
fn files_are_written_whole_and_replace_the_old_one() {
    let dir = std::env::temp_dir().join(format!("gong-report-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("r.html");
    write_atomically(&path, b"old").unwrap();
    write_atomically(&path, b"new").unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"new");
    let names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["r.html"], "no temporary file left");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    assert!(write_atomically(&dir.join("missing/r.html"), b"x").is_err());
}
