//! Batch erasure building blocks: what the `gong-privacy` CLI's
//! `erase --from FILE` is made of, for programs that run batches of their own.
//!
//! - [`input`]: a strict reader of batch files (CSV or a plain list; UTF-8 or UTF-16 with a
//!   byte-order mark): a file parses completely, or is refused before any request with the line
//!   and the reason.
//! - [`run`]: what identifies a run (the operation and the SHA-256 of the input), whether a
//!   rerun resumes it, and what is left to send.
//! - [`journal`]: the locked, crash-safe JSON Lines audit journal a run records every outcome
//!   in, and resumes from. Its records are versioned serde types a program can read back.
//! - [`single`]: the run one-off erasures (`gong-privacy erase email X`) are journaled in.
//! - [`verify`]: each row of an erase run as its journal tells it now (outcome, the lookup
//!   before, the guard's decision, verifications), and the resumable verify passes.
//!
//! ```no_run
//! use gong_privacy::batch::input::{parse, InputOptions};
//! use gong_privacy::batch::journal::{Journal, Record};
//! use gong_privacy::batch::run::{Plan, RunChoice};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let bytes = std::fs::read("dsr.csv")?;
//! let input = parse(&bytes, &InputOptions::default())?;
//! let mut journal = Journal::open("dsr.csv.journal.jsonl".as_ref())?;
//! let run = RunChoice::new(journal.contents(), "erase", &input.sha256, "dsr.csv", false);
//! let run_id = run.identity.run_id();
//! let plan = Plan::new(&input, &journal.contents().state_of(&run_id));
//! let header = Journal::run_record(&run.identity, "dsr.csv", false, "my-tool 1.0");
//! journal.append_one(Record::Run(header))?;
//! journal.append(&plan.unrecorded_records(&input, &run_id))?;
//! for &row in &plan.to_send {
//!     // erase input.rows[row].subject, then append its record
//! }
//! # Ok(()) }
//! ```

mod identity;
pub mod input;
pub mod journal;
pub mod run;
pub mod single;
pub mod verify;
