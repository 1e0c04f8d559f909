//! The batch audit journal: append-only JSON Lines, one record per subject outcome, each
//! written and fsynced before the next outcome is reported.
//!
//! It is the record a compliance team keeps, and the state a rerun resumes from: subjects with
//! an `erased` record are skipped, everything else is tried again. A crash can leave at most a
//! truncated last line; it is reported and cut off, never fatal.

use std::collections::HashSet;
use std::fs::{File, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::{Deserialize, Serialize};

/// What happened to one subject.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Gong accepted the erasure; `requestId` is its receipt.
    Erased,
    /// The request failed; a rerun tries again.
    Failed,
    /// The input is not a valid subject; never sent.
    Invalid,
    /// The same subject appears earlier in the batch (`firstLine`); sent once.
    Duplicate,
}

/// One line of the journal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Record {
    /// When the outcome was recorded, RFC 3339 UTC.
    pub ts: String,
    /// The batch file.
    pub source: String,
    /// The line of the batch file.
    pub line: u64,
    /// The subject as written.
    pub input: String,
    /// The normalised subject, when valid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// `email` or `phone`, when valid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The outcome.
    pub status: Status,
    /// Gong's requestId (erased, and failures Gong answered).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Why it failed or is invalid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// For duplicates: the line of the first occurrence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_line: Option<u64>,
}

/// Now, as the journal writes it.
pub fn timestamp() -> String {
    humantime::format_rfc3339_millis(SystemTime::now()).to_string()
}

/// An open journal.
pub struct Journal {
    file: File,
    path: PathBuf,
    erased: HashSet<String>,
    /// Problems found while reading it (a truncated last line, unreadable lines).
    pub warnings: Vec<String>,
}

impl Journal {
    /// Opens (or creates) the journal at `path` and reads what earlier runs recorded.
    pub fn open(path: &Path) -> Result<Self, String> {
        let here = |e: std::io::Error| format!("{}: {e}", path.display());
        let mut warnings = Vec::new();
        let mut erased = HashSet::new();
        let existed = path.exists();
        // Only a regular file holds earlier records (a device such as /dev/null holds none).
        if existed && path.is_file() {
            let bytes = std::fs::read(path).map_err(here)?;
            let complete = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            if complete < bytes.len() {
                warnings.push(format!(
                    "{}: the last line ({} bytes) was cut off by an interrupted run; it is \
                     dropped and that subject will be tried again",
                    path.display(),
                    bytes.len() - complete
                ));
                let file = OpenOptions::new().write(true).open(path).map_err(here)?;
                file.set_len(complete as u64).map_err(here)?;
                file.sync_all().map_err(here)?;
            }
            for (i, line) in String::from_utf8_lossy(&bytes[..complete])
                .lines()
                .enumerate()
            {
                if line.trim().is_empty() {
                    continue;
                }
                match serde_json::from_str::<Record>(line) {
                    Ok(record) if record.status == Status::Erased => {
                        if let Some(subject) = record.subject {
                            erased.insert(subject);
                        }
                    }
                    Ok(_) => {}
                    Err(e) => warnings.push(format!(
                        "{}:{}: unreadable journal line ignored: {e}",
                        path.display(),
                        i + 1
                    )),
                }
            }
        }
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(here)?;
        if !existed {
            // Make the new file's directory entry durable too.
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                File::open(dir).and_then(|d| d.sync_all()).map_err(here)?;
            }
        }
        Ok(Self {
            file,
            path: path.to_path_buf(),
            erased,
            warnings,
        })
    }

    /// Where it is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether an earlier record says `subject` was erased.
    pub fn is_erased(&self, subject: &str) -> bool {
        self.erased.contains(subject)
    }

    /// Appends `record` and makes it durable before returning.
    pub fn append(&mut self, record: &Record) -> Result<(), String> {
        let mut line = serde_json::to_vec(record).expect("a record serialises");
        line.push(b'\n');
        self.file
            .write_all(&line)
            .and_then(|()| self.file.sync_data())
            .map_err(|e| format!("{}: cannot write the journal: {e}", self.path.display()))?;
        if record.status == Status::Erased
            && let Some(subject) = &record.subject
        {
            self.erased.insert(subject.clone());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(subject: &str, status: Status) -> Record {
        Record {
            ts: timestamp(),
            source: "batch.txt".into(),
            line: 1,
            input: subject.into(),
            subject: Some(subject.into()),
            kind: Some("email".into()),
            status,
            request_id: (status == Status::Erased).then(|| "r".into()),
            error: None,
            first_line: None,
        }
    }

    #[test]
    fn reopening_knows_what_was_erased_and_cuts_a_truncated_tail() {
        let dir = std::env::temp_dir().join(format!("gong-journal-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("j.jsonl");
        let _ = std::fs::remove_file(&path);
        let mut journal = Journal::open(&path).unwrap();
        journal
            .append(&record("a@example.com", Status::Erased))
            .unwrap();
        journal
            .append(&record("b@example.com", Status::Failed))
            .unwrap();
        drop(journal);
        // A crash mid-write.
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(br#"{"ts":"2026-11-24T00:00:00Z","sou"#)
            .unwrap();
        drop(f);

        let journal = Journal::open(&path).unwrap();
        assert!(journal.is_erased("a@example.com"));
        assert!(!journal.is_erased("b@example.com"));
        assert_eq!(journal.warnings.len(), 1, "{:?}", journal.warnings);
        assert!(journal.warnings[0].contains("cut off"));
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.ends_with('\n') && text.lines().count() == 2);
    }

    #[test]
    fn timestamps_are_utc_rfc3339() {
        let ts = timestamp();
        assert!(ts.ends_with('Z') && ts.contains('T'), "{ts}");
    }
}
