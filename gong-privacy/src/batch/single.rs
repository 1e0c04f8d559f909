//! One-off erasures in a journal: the "single" run.
//!
//! `gong-privacy erase email X` is the most common request (one person), and its evidence must
//! be kept like a batch's. A one-off erasure is recorded in one append-only journal per
//! company, as the rows of one erase run, [`SINGLE_RUN_ID`], that grows by one row per
//! invocation: each invocation appends a run record (who ran it, from which host, with which
//! guard) and the subject's record, numbered as the run's next line. So the report and verify
//! passes of batches cover one-offs unchanged: `report` shows every one-off erasure of the
//! company in one document, and a `verify` pass looks every erased subject up again, resuming
//! with the ones added since its last pass.
//!
//! Why one run per company rather than one per invocation: a privacy team is asked for the
//! record of every erasure, not of one command; a run per invocation would make one report per
//! person. Asking again is a new row, never a resume: a person who asks twice is erased twice.
//!
//! ```
//! use gong_privacy::batch::journal::Contents;
//! use gong_privacy::batch::single::{SINGLE_RUN_ID, next_line, run_record};
//!
//! let contents = Contents::default(); // Journal::open(path)?.contents() in real use
//! assert_eq!(next_line(&contents), 1);
//! let header = run_record(&contents, "jane@example.com", "my-tool 1.0");
//! assert_eq!((header.run_id.as_str(), header.resumed), (SINGLE_RUN_ID, false));
//! ```

use sha2::{Digest as _, Sha256};

use super::identity::RunIdentity;
use super::journal::{Contents, Journal, RunRecord};

/// The run id of the one-off erasures in a single journal.
pub const SINGLE_RUN_ID: &str = "erase-single";

/// The source name a single run's records give: there is no input file.
pub const SINGLE_SOURCE: &str = "command line";

/// The run record an invocation appends before its subject's record. Its `inputSha256` is the
/// SHA-256 of the subject as typed (what this invocation was asked, exactly); `resumed` says
/// whether the journal held the single run already.
pub fn run_record(contents: &Contents, input: &str, tool: &str) -> RunRecord {
    let identity = RunIdentity {
        operation: "erase".into(),
        input_sha256: hex(&Sha256::digest(input.as_bytes())),
        generation: 1,
    };
    RunRecord {
        run_id: SINGLE_RUN_ID.into(),
        ..Journal::run_record(
            &identity,
            SINGLE_SOURCE,
            contents.run(SINGLE_RUN_ID).is_some(),
            tool,
        )
    }
}

/// The line the next one-off erasure is recorded as: one more than the highest line of the
/// single run, so that each invocation is a row of its own.
pub fn next_line(contents: &Contents) -> u64 {
    contents
        .subjects_of(SINGLE_RUN_ID)
        .filter_map(|s| s.line)
        .max()
        .map_or(1, |line| line + 1)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::journal::{Record, Status, SubjectRecord, timestamp};

    fn subject(line: u64) -> Record {
        Record::Subject(SubjectRecord {
            run_id: Some(SINGLE_RUN_ID.into()),
            ts: timestamp(),
            line: Some(line),
            column: None,
            input: "a@example.com".into(),
            subject: Some("a@example.com".into()),
            kind: Some("email".into()),
            status: Status::Erased,
            request_id: Some("r".into()),
            error: None,
            first_line: None,
            before: None,
            guard: None,
            forms: Vec::new(),
        })
    }

    #[test]
    fn each_invocation_is_the_next_row_of_one_run() {
        let first = run_record(&Contents::default(), "a@example.com", "t");
        assert!(!first.resumed);
        assert_eq!(
            first.input_sha256,
            "08168cd80dfd534ab0f10af10f1303fe00af2d43ab5c1432360d137f8197e17a"
        );
        let contents = Contents::from_records(vec![Record::Run(first), subject(1), subject(2)]);
        assert_eq!(next_line(&contents), 3);
        assert!(run_record(&contents, "b@example.com", "t").resumed);
        // Another run's rows do not count.
        let other = Contents::from_records(vec![Record::Subject(SubjectRecord {
            run_id: Some("erase-0123".into()),
            ..match subject(7) {
                Record::Subject(s) => s,
                _ => unreachable!(),
            }
        })]);
        assert_eq!(next_line(&other), 1);
    }
}
