// Over 500 lines: the journal's versioned record types (its compatibility promise) beside the locked, fsynced writer.
//! The batch audit journal: append-only JSON Lines, one record per subject outcome, each
//! written and fsynced before the outcome is reported.
//!
//! It is the record a compliance team keeps, and the state a rerun resumes from. Every line is
//! a [`Record`], tagged by `"type"`:
//!
//! - `"run"` ([`RunRecord`]): written when a run starts or resumes. It carries the schema
//!   version `"v"` ([`SCHEMA_VERSION`]), the run's id, the operation, the SHA-256 of the input
//!   file, the source, the process id and the tool.
//! - `"subject"` ([`SubjectRecord`]): one outcome of one row, tagged with its run's id. Since
//!   schema 2 an erasure also records what Gong held before it (`before`, a
//!   [`Snapshot`]) and the blast-radius guard's decision (`guard`);
//!   a subject the guard held back has the status `heldBack`.
//! - `"verify"` ([`VerifyRecord`], schema 2): one verification of an erased subject, by a
//!   verify pass (`gong-privacy verify`) of an erase run.
//!
//! **Schema versions.** 1: runs and subject outcomes. 2: adds the fields above, the run's Gong
//! host, operator and guard settings, and verify runs and records. 3: adds a subject's other
//! address forms (`forms`, [`FormRecord`]: the Punycode form of a Unicode domain, or the other
//! way round, each with its own lookup and receipt) and the one-off erasures' run
//! ([`single`](super::single)). Each version is a superset of the one before: this version
//! reads older journals as they are (the new fields are absent) and appends its own run
//! records to them. A journal holding a run record of a newer version is refused by an older
//! reader (an older `gong-privacy`) as a whole, rather than misread: a version-1 reader would
//! not know that a held-back subject must not simply be sent again, a version-2 reader would
//! verify one form of an address and call it clean.
//!
//! ```json
//! {"type":"run","v":1,"runId":"erase-5f1c9d6e0b7a4c23","operation":"erase","inputSha256":"5f1c…","generation":1,"source":"dsr.csv","resumed":false,"ts":"2026-11-24T00:59:08.744Z","pid":4242,"tool":"gong-privacy 0.1.0"}
//! {"type":"subject","runId":"erase-5f1c9d6e0b7a4c23","ts":"2026-11-24T00:59:08.750Z","line":2,"column":"email","input":"jane@example.com","subject":"jane@example.com","kind":"email","status":"erased","requestId":"4al018gzaztcr8nbukw"}
//! ```
//!
//! A batch writes it through a [`JournalWriter`]: group commit on a thread of its own, so the
//! requests never wait for the disk, and a record is still on disk before it is reported.
//!
//! One process at a time writes a journal: [`Journal::open`] takes an exclusive OS lock (see
//! [`JournalError::Locked`]). A crash can leave at most a truncated last line; it is reported
//! and cut off before the next write, never fatal. Lines written before run identity existed
//! (no `"type"`) are counted as legacy and belong to no run.
//!
//! Reading a journal back (for a report, or to verify erasures) needs no lock:
//!
//! ```no_run
//! use gong_privacy::batch::journal::{Journal, Record, Status};
//!
//! let contents = Journal::read("dsr.csv.journal.jsonl".as_ref())?;
//! for record in &contents.records {
//!     if let Record::Subject(s) = record {
//!         if s.status == Status::Erased {
//!             println!("{} erased, receipt {}", s.subject.as_deref().unwrap_or("?"),
//!                      s.request_id.as_deref().unwrap_or("?"));
//!         }
//!     }
//! }
//! # Ok::<(), gong_privacy::batch::journal::JournalError>(())
//! ```

use std::collections::{HashMap, HashSet};
use std::fs::{File, OpenOptions};
use std::io::{ErrorKind, Write as _};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use super::identity::RunIdentity;
use gong_api_ext::lifecycle::{Erasure, Guard, GuardOutcome, Snapshot, Verification};

/// The journal schema version this crate writes, and the highest it reads (it reads every
/// earlier one). A journal whose `run` records carry a higher `"v"` was written by a newer
/// version and is refused rather than misread.
pub const SCHEMA_VERSION: u32 = 3;

/// One line of the journal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Record {
    /// A run starts or resumes.
    Run(RunRecord),
    /// One row's outcome.
    Subject(SubjectRecord),
    /// One verification of an erased subject (schema 2).
    Verify(VerifyRecord),
}

/// A run starts (or resumes): what it acts on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunRecord {
    /// The journal schema version ([`SCHEMA_VERSION`]).
    pub v: u32,
    /// The run's id: stable for one input and operation, new after a restart.
    pub run_id: String,
    /// What the run does (`erase`).
    pub operation: String,
    /// SHA-256 of the input file's bytes, lower-case hex.
    pub input_sha256: String,
    /// 1 for the first run of this input, one more for each restart.
    pub generation: u32,
    /// The input as named on the command line (`-` for standard input).
    pub source: String,
    /// Whether this continues a run started earlier.
    pub resumed: bool,
    /// When, RFC 3339 UTC.
    pub ts: String,
    /// The process that wrote the following records.
    pub pid: u32,
    /// The program and version that wrote them.
    pub tool: String,
    /// The Gong API host the run talks to, e.g. `https://us-55616.api.gong.io` (schema 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// Who ran it, as they gave it (schema 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator: Option<String>,
    /// Erase runs: whether each subject was looked up first (schema 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preview: Option<bool>,
    /// Erase runs: the blast-radius guard's settings (schema 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guard: Option<Guard>,
    /// Verify runs: the erase run verified (schema 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verifies: Option<String>,
}

/// What happened to one row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Status {
    /// Gong accepted the erasure; `requestId` is its receipt.
    Erased,
    /// The request failed (`error` says why); a rerun tries again.
    Failed,
    /// The row is not a valid subject (`error` says why); never sent.
    Invalid,
    /// The same subject appears earlier in the input (`firstLine`); sent once, there.
    Duplicate,
    /// Not sent yet, e.g. the daily budget was reached (`error` says why); a rerun sends it.
    Deferred,
    /// Not erased: the blast-radius guard held it back for review (`guard` says why). A rerun
    /// looks it up again, and erases it when allowed explicitly (schema 2).
    HeldBack,
}

impl Status {
    /// The name used in the journal.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Erased => "erased",
            Self::Failed => "failed",
            Self::Invalid => "invalid",
            Self::Duplicate => "duplicate",
            Self::Deferred => "deferred",
            Self::HeldBack => "heldBack",
        }
    }
}

/// One row's outcome. The same object is what `gong-privacy --json` prints per subject.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubjectRecord {
    /// The run it belongs to (absent for a single `erase` outside a batch).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_id: Option<String>,
    /// When the outcome was recorded, RFC 3339 UTC.
    pub ts: String,
    /// The row's line in the input.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// The CSV column it came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// The value as written.
    pub input: String,
    /// The normalised subject sent to Gong, when valid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// `email` or `phone`, when valid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The outcome.
    pub status: Status,
    /// Gong's requestId: the receipt of an erasure, or the reference of a failure Gong answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Why it failed, is invalid or was deferred.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// For duplicates: the line of the first occurrence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_line: Option<u64>,
    /// What Gong held before the erase: the lookup made first (schema 2; absent with
    /// `--no-preview`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<Snapshot>,
    /// The blast-radius guard's decision (schema 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guard: Option<GuardOutcome>,
    /// The other forms of the subject's address that Gong may hold separately (the Punycode
    /// form of a Unicode domain, or the other way round), each looked up and erased with it:
    /// one subject, one request per form (schema 3; absent when the address has one form).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub forms: Vec<FormRecord>,
}

/// One more form of a subject's address, looked up and erased with it (schema 3).
///
/// ```json
/// {"subject":"jürgen@xn--mnchen-3ya.de","requestId":"4al0b2","before":{"at":"2026-11-24T00:59:08.701Z","requestId":"4al0b1","counts":{"emails":1,"calls":0,"meetings":0,"crmObjects":0,"engagementEvents":0}}}
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FormRecord {
    /// The form, as sent to Gong.
    pub subject: String,
    /// Gong's requestId: the receipt of this form's erasure, or the reference of its failure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// What Gong held for this form before the erase (absent with `--no-preview`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<Snapshot>,
    /// Why this form's lookup or erasure failed, or why it was not sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// One verification of a subject an erase run erased (schema 2).
///
/// ```json
/// {"type":"verify","runId":"verify-55568bb0cc47297f-1","verifies":"erase-55568bb0cc47297f","line":2,"column":"E-mail","subject":"jane@example.com","kind":"email","eraseRequestId":"4al00850a4cffb73cb","at":"2026-11-25T14:02:11.532Z","result":"stillPresent","found":{"at":"2026-11-25T14:02:11.532Z","requestId":"4al0f00d","counts":{"emails":2,"calls":1,"meetings":0,"crmObjects":0,"engagementEvents":0}},"sinceEraseSecs":10842}
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VerifyRecord {
    /// The verify pass (a run of its own).
    pub run_id: String,
    /// The erase run whose subject this verifies.
    pub verifies: String,
    /// The subject's row in the erase run's input.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// The CSV column it came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// The normalised subject.
    pub subject: String,
    /// `email` or `phone`.
    pub kind: String,
    /// Gong's `requestId` of the erasure verified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub erase_request_id: Option<String>,
    /// What the verification found, when, and how long after the erase.
    #[serde(flatten)]
    pub verification: Verification,
}

impl FormRecord {
    /// The records of `erasure`'s other forms. `failure`, when the erasure failed, is given as
    /// the error of each form not erased: why it was not.
    pub fn of(erasure: &Erasure, failure: Option<&str>) -> Vec<Self> {
        erasure
            .forms
            .iter()
            .map(|form| Self {
                subject: form.subject.as_str().to_owned(),
                request_id: form.request.as_ref().map(|r| r.request_id.clone()),
                before: form.before.clone(),
                error: failure
                    .filter(|_| form.request.is_none())
                    .map(str::to_owned),
            })
            .collect()
    }
}

/// Now, as the journal writes it: RFC 3339 UTC with milliseconds.
pub fn timestamp() -> String {
    humantime::format_rfc3339_millis(SystemTime::now()).to_string()
}

/// Why a journal cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum JournalError {
    /// Another process holds the journal's lock.
    #[error(
        "{}: the journal is in use by another process{}; wait for it to finish, or give this \
         run another --journal",
        path.display(),
        holder.map(|pid| format!(" (pid {pid}, per its run record)")).unwrap_or_default()
    )]
    Locked {
        /// The journal.
        path: PathBuf,
        /// The holder's process id, from the latest run record, when there is one.
        holder: Option<u32>,
    },
    /// Written by a newer version of this crate.
    #[error(
        "{}: line {line} has journal schema version {found}; this version reads up to \
         {SCHEMA_VERSION}: use a newer gong-privacy, or another --journal",
        path.display()
    )]
    NewerSchema {
        /// The journal.
        path: PathBuf,
        /// The line of the run record.
        line: usize,
        /// The version found.
        found: u32,
    },
    /// The file holds lines but no journal record: it is something else (the input itself,
    /// another file named by mistake), and appending records would damage it.
    #[error(
        "{}: line {line} is not a journal record, and no line is: the file is not a \
         gong-privacy journal, so nothing is written to it; give --journal a new file or an \
         existing journal",
        path.display()
    )]
    NotAJournal {
        /// The file.
        path: PathBuf,
        /// Its first line that is not a record.
        line: usize,
    },
    /// Reading, creating or writing it failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The journal.
        path: PathBuf,
        /// What failed.
        #[source]
        source: std::io::Error,
    },
}

/// What a journal holds.
#[derive(Clone, Debug, Default)]
pub struct Contents {
    /// Every readable record, in order.
    pub records: Vec<Record>,
    /// Lines from before run identity (no `"type"`); they belong to no run.
    pub legacy_lines: usize,
    /// Problems found while reading (a truncated last line, unreadable lines).
    pub warnings: Vec<String>,
    /// Bytes up to the end of the last complete line.
    complete_len: u64,
    /// Bytes in the file.
    file_len: u64,
    /// The first complete line that is not a record, if any.
    first_unreadable: Option<usize>,
}

impl Contents {
    /// Contents holding `records`, as if read from a journal: for records kept elsewhere (a
    /// database), to plan, verify or report on them with this module's functions.
    pub fn from_records(records: Vec<Record>) -> Self {
        Self {
            records,
            ..Self::default()
        }
    }

    /// The latest run record of each run id, in the order runs were first recorded.
    pub fn runs(&self) -> Vec<&RunRecord> {
        let mut order: Vec<&str> = Vec::new();
        let mut latest: HashMap<&str, &RunRecord> = HashMap::new();
        for record in &self.records {
            if let Record::Run(run) = record {
                if !latest.contains_key(run.run_id.as_str()) {
                    order.push(&run.run_id);
                }
                latest.insert(&run.run_id, run);
            }
        }
        order.iter().map(|id| latest[id]).collect()
    }

    /// The latest run record of the run with this id.
    pub fn run(&self, run_id: &str) -> Option<&RunRecord> {
        self.records.iter().rev().find_map(|r| match r {
            Record::Run(run) if run.run_id == run_id => Some(run),
            _ => None,
        })
    }

    /// The subject records of one run, in order.
    pub fn subjects_of<'a>(&'a self, run_id: &'a str) -> impl Iterator<Item = &'a SubjectRecord> {
        self.records.iter().filter_map(move |r| match r {
            Record::Subject(s) if s.run_id.as_deref() == Some(run_id) => Some(s),
            _ => None,
        })
    }

    /// What one run has recorded so far: what a resume skips.
    pub fn state_of(&self, run_id: &str) -> RunState {
        let mut state = RunState::default();
        for record in self.subjects_of(run_id) {
            match record.status {
                Status::Erased => {
                    if let Some(subject) = &record.subject {
                        state.erased.insert(
                            subject.clone(),
                            record.request_id.clone().unwrap_or_default(),
                        );
                    }
                }
                Status::Invalid | Status::Duplicate => {
                    if let Some(line) = record.line {
                        state.settled_rows.insert((line, record.column.clone()));
                    }
                }
                Status::Failed | Status::Deferred | Status::HeldBack => {}
            }
        }
        state
    }

    /// The pid in the latest run record: who most likely holds the lock.
    fn last_pid(&self) -> Option<u32> {
        self.records.iter().rev().find_map(|r| match r {
            Record::Run(run) => Some(run.pid),
            Record::Subject(_) | Record::Verify(_) => None,
        })
    }
}

/// What a run has recorded so far.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunState {
    /// Subjects erased in this run, with Gong's requestId.
    pub erased: HashMap<String, String>,
    /// Rows already recorded as invalid or duplicate in this run: `(line, column)`.
    pub settled_rows: HashSet<(u64, Option<String>)>,
}

/// An open journal, locked by this process once it exists.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    /// `None` until the first append creates the file.
    file: Option<File>,
    contents: Contents,
    /// A cut-off last line is removed before the first append.
    needs_repair: bool,
    /// The slow-disk seam: how long each fsync is made to take longer.
    sync_delay: std::time::Duration,
    /// Writes made (each with its fsync).
    writes: u64,
}

impl Journal {
    /// Opens the journal at `path` for a run. An existing journal is locked at once (an error
    /// names the holder's pid when another process has it) and read; nothing is written until
    /// the first [`append`](Self::append), which creates the file when it does not exist yet.
    pub fn open(path: &Path) -> Result<Self, JournalError> {
        let io = |source| JournalError::Io {
            path: path.to_path_buf(),
            source,
        };
        let file = match OpenOptions::new().read(true).append(true).open(path) {
            Ok(file) => Some(file),
            Err(e) if e.kind() == ErrorKind::NotFound => None,
            Err(e) => return Err(io(e)),
        };
        // Only a regular file holds earlier records: a device such as /dev/null holds none
        // (and reading /dev/zero would never end).
        let mut regular = false;
        if let Some(file) = &file {
            regular = file.metadata().map_err(io)?.is_file();
            lock(file, path)?;
        }
        let contents = if regular {
            Self::read(path)?
        } else {
            Contents::default()
        };
        if let (true, 0, Some(line)) = (
            contents.records.is_empty(),
            contents.legacy_lines,
            contents.first_unreadable,
        ) {
            return Err(JournalError::NotAJournal {
                path: path.to_path_buf(),
                line,
            });
        }
        Ok(Self {
            path: path.to_path_buf(),
            needs_repair: contents.complete_len < contents.file_len,
            file,
            contents,
            sync_delay: std::time::Duration::ZERO,
            writes: 0,
        })
    }

    /// Reads the journal at `path` without locking or changing it.
    pub fn read(path: &Path) -> Result<Contents, JournalError> {
        let bytes = std::fs::read(path).map_err(|source| JournalError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let complete = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let mut contents = Contents {
            complete_len: complete as u64,
            file_len: bytes.len() as u64,
            ..Contents::default()
        };
        if complete < bytes.len() {
            contents.warnings.push(format!(
                "{}: the last line ({} bytes) was cut off by an interrupted run; it is dropped \
                 and that subject will be tried again",
                path.display(),
                bytes.len() - complete
            ));
        }
        for (i, line) in String::from_utf8_lossy(&bytes[..complete])
            .lines()
            .enumerate()
        {
            if line.trim().is_empty() {
                continue;
            }
            match serde_json::from_str::<Record>(line) {
                Ok(Record::Run(run)) if run.v > SCHEMA_VERSION => {
                    return Err(JournalError::NewerSchema {
                        path: path.to_path_buf(),
                        line: i + 1,
                        found: run.v,
                    });
                }
                Ok(record) => contents.records.push(record),
                Err(e) => match serde_json::from_str::<serde_json::Value>(line) {
                    Ok(v) if v.get("type").is_none() && v.get("status").is_some() => {
                        contents.legacy_lines += 1;
                    }
                    _ => contents.warnings.push({
                        contents.first_unreadable.get_or_insert(i + 1);
                        format!(
                            "{}:{}: unreadable journal line, ignored: {e}",
                            path.display(),
                            i + 1
                        )
                    }),
                },
            }
        }
        if contents.legacy_lines > 0 {
            let lines = match contents.legacy_lines {
                1 => "1 line is".to_owned(),
                n => format!("{n} lines are"),
            };
            contents.warnings.push(format!(
                "{}: {lines} from before run identity; they belong to no run, so their subjects \
                 are sent again",
                path.display(),
            ));
        }
        Ok(contents)
    }

    /// Where it is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// What it held when opened, plus what this process appended.
    pub fn contents(&self) -> &Contents {
        &self.contents
    }

    /// Appends `records` with one write and makes them durable before returning. The first
    /// append creates the journal (and locks it) if it did not exist.
    pub fn append(&mut self, records: &[Record]) -> Result<(), JournalError> {
        if records.is_empty() {
            return Ok(());
        }
        let path = self.path.clone();
        let io = |source| JournalError::Io {
            path: path.clone(),
            source,
        };
        if self.file.is_none() {
            self.file = Some(create(&self.path)?);
        }
        let file = self.file.as_mut().expect("created above");
        if self.needs_repair {
            file.set_len(self.contents.complete_len).map_err(io)?;
            self.needs_repair = false;
        }
        let mut bytes = Vec::new();
        for record in records {
            serde_json::to_writer(&mut bytes, record).expect("a record serialises");
            bytes.push(b'\n');
        }
        file.write_all(&bytes)
            .and_then(|()| file.sync_data())
            .map_err(io)?;
        if !self.sync_delay.is_zero() {
            std::thread::sleep(self.sync_delay);
        }
        self.writes += 1;
        self.contents.records.extend_from_slice(records);
        Ok(())
    }

    /// How many writes this process made to the journal, each with its fsync: what the
    /// [`JournalWriter`]'s group commit saves.
    pub fn writes(&self) -> u64 {
        self.writes
    }

    /// The slow-disk seam, for tests and benchmarks: makes each fsync take `delay` longer, as on
    /// a slow or network disk. Not for real use.
    #[doc(hidden)]
    pub fn slow_disk(&mut self, delay: std::time::Duration) {
        self.sync_delay = delay;
    }

    /// Appends one record (see [`append`](Self::append)).
    pub fn append_one(&mut self, record: Record) -> Result<(), JournalError> {
        self.append(std::slice::from_ref(&record))
    }

    /// A run record for `identity`, from this process, now.
    pub fn run_record(
        identity: &RunIdentity,
        source: &str,
        resumed: bool,
        tool: &str,
    ) -> RunRecord {
        RunRecord {
            v: SCHEMA_VERSION,
            run_id: identity.run_id(),
            operation: identity.operation.clone(),
            input_sha256: identity.input_sha256.clone(),
            generation: identity.generation,
            source: source.to_owned(),
            resumed,
            ts: timestamp(),
            pid: std::process::id(),
            tool: tool.to_owned(),
            host: None,
            operator: None,
            preview: None,
            guard: None,
            verifies: None,
        }
    }
}

/// Takes the exclusive lock, or names who has it.
fn lock(file: &File, path: &Path) -> Result<(), JournalError> {
    match fs4::FileExt::try_lock(file) {
        Ok(()) => Ok(()),
        Err(fs4::TryLockError::WouldBlock) => Err(JournalError::Locked {
            path: path.to_path_buf(),
            holder: Journal::read(path).ok().and_then(|c| c.last_pid()),
        }),
        Err(fs4::TryLockError::Error(source)) => Err(JournalError::Io {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// Creates a new journal file, locks it and makes its directory entry durable. Fails if the
/// file appeared since [`Journal::open`]: another process started on it meanwhile.
fn create(path: &Path) -> Result<File, JournalError> {
    let io = |source| JournalError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = match OpenOptions::new()
        .read(true)
        .append(true)
        .create_new(true)
        .open(path)
    {
        Ok(file) => file,
        Err(e) if e.kind() == ErrorKind::AlreadyExists => {
            return Err(JournalError::Locked {
                path: path.to_path_buf(),
                holder: Journal::read(path).ok().and_then(|c| c.last_pid()),
            });
        }
        Err(e) => return Err(io(e)),
    };
    lock(&file, path)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        File::open(dir).and_then(|d| d.sync_all()).map_err(io)?;
    }
    Ok(file)
}

mod writer;

pub use writer::{JournalWriter, Receipt, WriteError};

#[cfg(test)]
mod tests;
