use std::path::PathBuf;
use std::time::Duration;

use super::*;
use crate::batch::journal::{Status, SubjectRecord, timestamp};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gong-writer-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("j.jsonl")
}

fn record(line: u64) -> Record {
    Record::Subject(SubjectRecord {
        run_id: Some("erase-0123456789abcdef".into()),
        ts: timestamp(),
        line: Some(line),
        column: None,
        input: format!("s{line}@example.com"),
        subject: Some(format!("s{line}@example.com")),
        kind: Some("email".into()),
        status: Status::Erased,
        request_id: Some(format!("r{line}")),
        error: None,
        first_line: None,
        before: None,
        guard: None,
        forms: Vec::new(),
    })
}

fn lines(path: &std::path::Path) -> Vec<u64> {
    Journal::read(path)
        .unwrap()
        .records
        .iter()
        .filter_map(|r| match r {
            Record::Subject(s) => s.line,
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn a_receipt_resolves_once_its_record_is_on_disk() {
    let path = scratch("receipt");
    let mut writer = JournalWriter::spawn(Journal::open(&path).unwrap());
    for line in 1..=3 {
        writer.submit(vec![record(line)]).await.unwrap();
        // Read back by another handle: written, not merely queued.
        assert_eq!(lines(&path), (1..=line).collect::<Vec<_>>());
    }
    assert_eq!(writer.close().contents().records.len(), 3);
}

#[tokio::test]
async fn what_arrives_during_a_write_goes_in_the_next_one_in_order() {
    let path = scratch("group");
    let mut journal = Journal::open(&path).unwrap();
    // Each fsync takes 200 ms longer: the submissions made meanwhile queue up.
    journal.slow_disk(Duration::from_millis(200));
    let mut writer = JournalWriter::spawn(journal);
    let receipts: Vec<Receipt> = (1..=20)
        .map(|line| writer.submit(vec![record(line)]))
        .collect();
    for receipt in receipts {
        receipt.await.unwrap();
    }
    let journal = writer.close();
    assert_eq!(lines(&path), (1..=20).collect::<Vec<_>>());
    // One write for the first, one (rarely a few more, on a busy machine) for the 19 queued
    // behind it; never one per record.
    assert!(journal.writes() <= 5, "{} writes", journal.writes());

    // Inline: one write per submission, as before the writer thread.
    let path = scratch("inline");
    let mut writer = JournalWriter::inline(Journal::open(&path).unwrap());
    for line in 1..=4 {
        writer.submit(vec![record(line)]).await.unwrap();
    }
    assert_eq!(writer.close().writes(), 4);
    assert_eq!(lines(&path), [1, 2, 3, 4]);
}

#[cfg(target_os = "linux")]
#[tokio::test]
async fn a_failed_write_fails_every_receipt_of_it() {
    // /dev/full takes no byte: every write fails with "no space left".
    let full = std::path::Path::new("/dev/full");
    let mut writer = JournalWriter::spawn(Journal::open(full).unwrap());
    let first = writer.submit(vec![record(1)]);
    let second = writer.submit(vec![record(2)]);
    for receipt in [first, second] {
        let error = receipt.await.unwrap_err();
        assert!(matches!(*error, JournalError::Io { .. }), "{error}");
        assert!(error.to_string().starts_with("/dev/full: "), "{error}");
    }
    writer.close();
}
