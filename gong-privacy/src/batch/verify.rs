//! What an erase run's journal says about each row now, and the verify passes over it.
//!
//! A verify pass looks every subject the erase run erased up again and journals one
//! [`VerifyRecord`] per subject. Like an erase run it resumes: a pass that stopped early (the
//! daily budget, Ctrl-C) or had failed lookups is continued by the next invocation, which looks
//! up only the subjects the pass has no result for. Once a pass has a result for every erased
//! subject, the next invocation starts a new pass over all of them: erasures take hours, so
//! verifying is meant to be repeated until every subject is clean, and a subject that was clean
//! can come back (a CRM re-sync).
//!
//! ```
//! use gong_privacy::batch::journal::Contents;
//! use gong_privacy::batch::verify::{VerifyPass, rows};
//!
//! let contents = Contents::default(); // Journal::read(path)? in real use
//! let rows = rows(&contents, "erase-55568bb0cc47297f");
//! let pass = VerifyPass::choose(&contents, "erase-55568bb0cc47297f", &rows);
//! assert_eq!((pass.pass, pass.run_id().as_str()), (1, "verify-55568bb0cc47297f-1"));
//! ```

use std::collections::HashMap;

use super::journal::{Contents, Journal, Record, RunRecord, Status, SubjectRecord, VerifyRecord};
use super::run::RunStart;
use gong_api_ext::Subject;
use gong_api_ext::lifecycle::{
    EraseRequest, Erasure, FormErasure, GuardOutcome, Timestamp, VerifyResult,
};

/// The erase run with id `run_id`, or the journal's latest erase run.
pub fn erase_run<'a>(contents: &'a Contents, run_id: Option<&str>) -> Option<&'a RunRecord> {
    let mut runs = contents
        .runs()
        .into_iter()
        .filter(|r| r.operation == "erase");
    match run_id {
        Some(id) => runs.find(|r| r.run_id == id),
        None => runs.next_back(),
    }
}

/// One row of an erase run's input, as its journal tells it now.
#[derive(Clone, Debug)]
pub struct Row<'a> {
    /// The row's latest record in the run: its current outcome.
    pub record: &'a SubjectRecord,
    /// Its earlier records in the run (failed, deferred, held back), oldest first.
    pub earlier: Vec<&'a SubjectRecord>,
    /// The verifications of its subject by verify passes of the run, oldest first (erased
    /// rows only).
    pub verifications: Vec<&'a VerifyRecord>,
}

impl Row<'_> {
    /// Whether the row's subject is erased in this run.
    pub fn is_erased(&self) -> bool {
        self.record.status == Status::Erased && self.record.subject.is_some()
    }

    /// The row's lifecycle as a [`lifecycle::Erasure`](Erasure), when its subject is valid:
    /// the lookup before, the guard's decision, the erase request (timed by its record), the
    /// verifications, and the other address forms the record holds (a record written before
    /// forms existed has none: what was erased is what is verified).
    pub fn erasure(&self) -> Option<Erasure> {
        let subject = Subject::parse(self.record.subject.as_deref()?).ok()?;
        let request = match (self.record.status, &self.record.request_id) {
            (Status::Erased, Some(id)) => Some(EraseRequest {
                at: self.record.ts.parse().ok()?,
                request_id: id.clone(),
            }),
            _ => None,
        };
        Some(Erasure {
            subject,
            before: self.record.before.clone(),
            guard: self.record.guard.clone(),
            request,
            verifications: self
                .verifications
                .iter()
                .map(|v| v.verification.clone())
                .collect(),
            forms: self
                .record
                .forms
                .iter()
                .filter_map(|form| {
                    Some(FormErasure {
                        subject: Subject::parse(&form.subject).ok()?,
                        before: form.before.clone(),
                        request: match (&form.request_id, &form.error) {
                            (Some(id), None) => Some(EraseRequest {
                                at: self.record.ts.parse().ok()?,
                                request_id: id.clone(),
                            }),
                            _ => None,
                        },
                    })
                })
                .collect(),
        })
    }

    /// When Gong accepted the erasure, for an erased row.
    pub fn erased_at(&self) -> Option<Timestamp> {
        self.is_erased()
            .then(|| self.record.ts.parse().ok())
            .flatten()
    }

    /// The guard's decision, when the row was checked.
    pub fn guard(&self) -> Option<&GuardOutcome> {
        self.record.guard.as_ref()
    }
}

/// Every row of the erase run `erase_run_id`, one per input line and column, ordered by line.
pub fn rows<'a>(contents: &'a Contents, erase_run_id: &str) -> Vec<Row<'a>> {
    let mut rows: Vec<Row<'a>> = Vec::new();
    let mut index: HashMap<(Option<u64>, Option<&str>), usize> = HashMap::new();
    let records = contents.records.iter().filter_map(|r| match r {
        Record::Subject(s) if s.run_id.as_deref() == Some(erase_run_id) => Some(s),
        _ => None,
    });
    for record in records {
        let key = (record.line, record.column.as_deref());
        match index.get(&key) {
            Some(&i) => {
                let row = &mut rows[i];
                row.earlier.push(std::mem::replace(&mut row.record, record));
            }
            None => {
                index.insert(key, rows.len());
                rows.push(Row {
                    record,
                    earlier: Vec::new(),
                    verifications: Vec::new(),
                });
            }
        }
    }
    let mut by_subject: HashMap<&str, Vec<&'a VerifyRecord>> = HashMap::new();
    for record in &contents.records {
        if let Record::Verify(v) = record
            && v.verifies == erase_run_id
        {
            by_subject.entry(v.subject.as_str()).or_default().push(v);
        }
    }
    for row in &mut rows {
        if row.is_erased() {
            let subject = row.record.subject.as_deref().unwrap_or_default();
            row.verifications = by_subject.get(subject).cloned().unwrap_or_default();
        }
    }
    rows.sort_by_key(|r| r.record.line);
    rows
}

/// One verify pass over an erase run: which it is, and what it has left to look up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifyPass {
    /// The erase run verified.
    pub erase_run: String,
    /// 1 for the first pass, one more for each pass after a complete one.
    pub pass: u32,
    /// [`RunStart::New`], or [`RunStart::Resume`] of an unfinished pass.
    pub start: RunStart,
    /// The erased rows this pass has no result for yet (indices into the rows it was chosen
    /// with).
    pub to_verify: Vec<usize>,
    /// Erased rows this pass has a result for already.
    pub verified: usize,
}

impl VerifyPass {
    /// Continues the latest pass over `erase_run_id` if it has no result yet for some erased
    /// row (a failed lookup is no result), or starts the next one over every erased row.
    pub fn choose(contents: &Contents, erase_run_id: &str, rows: &[Row<'_>]) -> Self {
        let latest = contents
            .runs()
            .into_iter()
            .filter(|r| r.operation == "verify" && r.verifies.as_deref() == Some(erase_run_id))
            .map(|r| r.generation)
            .max();
        let erased: Vec<usize> = (0..rows.len()).filter(|&i| rows[i].is_erased()).collect();
        if let Some(pass) = latest {
            let run_id = verify_run_id(erase_run_id, pass);
            let has_result = |row: &Row<'_>| {
                row.verifications
                    .iter()
                    .any(|v| v.run_id == run_id && v.verification.result != VerifyResult::Failed)
            };
            let to_verify: Vec<usize> = erased
                .iter()
                .copied()
                .filter(|&i| !has_result(&rows[i]))
                .collect();
            if !to_verify.is_empty() {
                return Self {
                    erase_run: erase_run_id.to_owned(),
                    pass,
                    start: RunStart::Resume,
                    verified: erased.len() - to_verify.len(),
                    to_verify,
                };
            }
        }
        Self {
            erase_run: erase_run_id.to_owned(),
            pass: latest.map_or(1, |p| p + 1),
            start: RunStart::New,
            to_verify: erased,
            verified: 0,
        }
    }

    /// The pass's run id: `verify-`, the erase run's id without `erase-`, `-` and the pass.
    pub fn run_id(&self) -> String {
        verify_run_id(&self.erase_run, self.pass)
    }

    /// The run record that opens (or resumes) this pass, from this process, now.
    pub fn run_record(&self, erase_run: &RunRecord, tool: &str) -> RunRecord {
        RunRecord {
            run_id: self.run_id(),
            operation: "verify".into(),
            generation: self.pass,
            resumed: self.start == RunStart::Resume,
            verifies: Some(self.erase_run.clone()),
            host: erase_run.host.clone(),
            ..Journal::run_record(
                &super::run::RunIdentity {
                    operation: "verify".into(),
                    input_sha256: erase_run.input_sha256.clone(),
                    generation: self.pass,
                },
                &erase_run.source,
                false,
                tool,
            )
        }
    }

    /// The record of a verification of `row` in this pass.
    pub fn record(
        &self,
        row: &Row<'_>,
        verification: gong_api_ext::lifecycle::Verification,
    ) -> VerifyRecord {
        VerifyRecord {
            run_id: self.run_id(),
            verifies: self.erase_run.clone(),
            line: row.record.line,
            column: row.record.column.clone(),
            subject: row.record.subject.clone().unwrap_or_default(),
            kind: row.record.kind.clone().unwrap_or_default(),
            erase_request_id: row.record.request_id.clone(),
            verification,
        }
    }
}

fn verify_run_id(erase_run_id: &str, pass: u32) -> String {
    let base = erase_run_id.strip_prefix("erase-").unwrap_or(erase_run_id);
    format!("verify-{base}-{pass}")
}
