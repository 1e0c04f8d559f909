//! Runs: what identifies one, whether a rerun resumes it, and what is left to send.
//!
//! A run is bound to what was asked: the operation and the SHA-256 of the input's bytes.
//! Rerunning the same input resumes its run (subjects it erased are skipped, failed and
//! deferred ones are sent again, rows already recorded as invalid or duplicate are not recorded
//! twice). A changed file, even under the same name, is a new run: a subject erased in an
//! earlier, different run is sent again, because a person who asks again must be erased again.
//! A restart starts the same input afresh under a new run id.
//!
//! ```
//! use gong_privacy::batch::input::{parse, InputOptions};
//! use gong_privacy::batch::journal::Contents;
//! use gong_privacy::batch::run::{Plan, RunChoice, RunStart};
//!
//! let input = parse(b"email\njane@example.com\njane@example.com\nnobody\n", &InputOptions::default())?;
//! let choice = RunChoice::new(&Contents::default(), "erase", &input.sha256, "dsr.csv", false);
//! assert_eq!(choice.start, RunStart::New);
//! let plan = Plan::new(&input, &Contents::default().state_of(&choice.identity.run_id()));
//! assert_eq!((plan.to_send.len(), plan.duplicates.len(), plan.invalid.len()), (1, 1, 1));
//! # Ok::<(), gong_privacy::batch::input::InputError>(())
//! ```

use std::collections::HashMap;
use std::collections::hash_map::Entry;

pub use super::identity::RunIdentity;
use super::input::{BatchInput, Row};
use super::journal::{Contents, Record, RunRecord, RunState, Status, SubjectRecord, timestamp};
use gong_api_ext::Subject;

/// How a run begins.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RunStart {
    /// The journal has no run of this input.
    New,
    /// The journal has a run of this input: it continues.
    Resume,
    /// A run of this input exists, and a fresh one was asked for.
    Restart {
        /// The run it replaces.
        replaces: String,
    },
}

/// The run an invocation belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunChoice {
    /// Its identity.
    pub identity: RunIdentity,
    /// New, resumed or restarted.
    pub start: RunStart,
    /// When the run is new: the latest run of the same source name with other content (the
    /// file changed since), so the user can be told.
    pub changed_from: Option<RunRecord>,
}

impl RunChoice {
    /// Chooses the run for `operation` on an input with hash `input_sha256`, named `source`.
    pub fn new(
        contents: &Contents,
        operation: &str,
        input_sha256: &str,
        source: &str,
        restart: bool,
    ) -> Self {
        let runs = contents.runs();
        let latest = runs
            .iter()
            .filter(|r| r.operation == operation && r.input_sha256 == input_sha256)
            .max_by_key(|r| r.generation);
        let identity = |generation| RunIdentity {
            operation: operation.to_owned(),
            input_sha256: input_sha256.to_owned(),
            generation,
        };
        match latest {
            Some(run) if restart => Self {
                identity: identity(run.generation + 1),
                start: RunStart::Restart {
                    replaces: run.run_id.clone(),
                },
                changed_from: None,
            },
            Some(run) => Self {
                identity: identity(run.generation),
                start: RunStart::Resume,
                changed_from: None,
            },
            None => Self {
                identity: identity(1),
                start: RunStart::New,
                changed_from: runs
                    .iter()
                    .rev()
                    .find(|r| r.operation == operation && r.source == source)
                    .map(|r| (*r).clone()),
            },
        }
    }
}

/// What a run does with each row of its input, given what it recorded before.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// Rows to send: the first occurrence of each valid subject not yet erased in this run,
    /// in file order (indices into [`BatchInput::rows`]).
    pub to_send: Vec<usize>,
    /// First occurrences of subjects this run erased earlier.
    pub already_erased: Vec<usize>,
    /// Rows that are not valid subjects.
    pub invalid: Vec<usize>,
    /// Repeats of an earlier row's subject: `(row, first row)`.
    pub duplicates: Vec<(usize, usize)>,
    /// Invalid and duplicate rows this run has not recorded yet.
    pub unrecorded: Vec<usize>,
}

impl Plan {
    /// Plans `input` against `state`, what its run recorded so far.
    pub fn new(input: &BatchInput, state: &RunState) -> Self {
        let mut plan = Self::default();
        let mut first: HashMap<&Subject, usize> = HashMap::new();
        for (index, row) in input.rows.iter().enumerate() {
            let settled = || state.settled_rows.contains(&(row.line, row.column.clone()));
            match &row.subject {
                Err(_) => {
                    plan.invalid.push(index);
                    if !settled() {
                        plan.unrecorded.push(index);
                    }
                }
                Ok(subject) => match first.entry(subject) {
                    Entry::Occupied(seen) => {
                        plan.duplicates.push((index, *seen.get()));
                        if !settled() {
                            plan.unrecorded.push(index);
                        }
                    }
                    Entry::Vacant(slot) => {
                        slot.insert(index);
                        if state.erased.contains_key(subject.as_str()) {
                            plan.already_erased.push(index);
                        } else {
                            plan.to_send.push(index);
                        }
                    }
                },
            }
        }
        plan
    }

    /// Distinct valid subjects in the input.
    pub fn unique(&self) -> usize {
        self.to_send.len() + self.already_erased.len()
    }

    /// The records of the invalid and duplicate rows this run has not recorded yet.
    pub fn unrecorded_records(&self, input: &BatchInput, run_id: &str) -> Vec<Record> {
        let first_of: HashMap<usize, usize> = self.duplicates.iter().copied().collect();
        self.unrecorded
            .iter()
            .map(|&index| {
                let row = &input.rows[index];
                Record::Subject(match first_of.get(&index) {
                    Some(&first) => SubjectRecord {
                        first_line: Some(input.rows[first].line),
                        ..row_record(Some(run_id), row, Status::Duplicate)
                    },
                    None => row_record(Some(run_id), row, Status::Invalid),
                })
            })
            .collect()
    }
}

/// A record of `row` with `status`, stamped now: the subject and kind when valid, the reason
/// when invalid.
pub fn row_record(run_id: Option<&str>, row: &Row, status: Status) -> SubjectRecord {
    let subject = row.subject.as_ref().ok();
    SubjectRecord {
        run_id: run_id.map(str::to_owned),
        ts: timestamp(),
        line: Some(row.line),
        column: row.column.clone(),
        input: row.input.clone(),
        subject: subject.map(|s| s.as_str().to_owned()),
        kind: subject.map(|s| s.kind().to_owned()),
        status,
        request_id: None,
        error: row.subject.as_ref().err().map(ToString::to_string),
        first_line: None,
        before: None,
        guard: None,
        forms: Vec::new(),
    }
}
