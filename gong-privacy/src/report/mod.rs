//! Evidence of erasures, and access-request exports.
//!
//! - [`Evidence`]: the evidence report of an erase run, built from its journal: what was asked
//!   (the input's SHA-256), where (the Gong host), by whom, when, and per subject the outcome,
//!   Gong's request ids, what Gong held before and what the latest verification found. It is
//!   written as a self-contained HTML page for people (inline CSS, no scripts, printable), and
//!   as JSON (its shape is the JSON Schema `gong-privacy/schemas/evidence-report.schema.json`)
//!   and CSV for machines. With a [`Redactor`], every subject is replaced by a keyed hash, so
//!   the report can be shared without naming the people it is about.
//! - [`AccessExport`]: a subject's access request (GDPR Art. 15, CCPA "right to know"): Gong's
//!   whole answer as JSON, and a readable HTML summary grouped by kind.
//! - [`write_atomically`]: how every file here is written (a temporary file in the same
//!   directory, made durable, then renamed over the target), so a crash never leaves half a
//!   report.
//!
//! The HTML comes from `askama` templates (`src/report/templates/`), compiled with the crate:
//! a template that does not fit its data fails the build rather than a report, and every value
//! is HTML-escaped by default.
//!
//! ```no_run
//! use gong_privacy::batch::journal::Journal;
//! use gong_privacy::report::{Evidence, EvidenceOptions, Redactor, write_atomically};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let contents = Journal::read("dsr.csv.journal.jsonl".as_ref())?;
//! let redactor = Redactor::new(std::fs::read("redact.key")?.trim_ascii())?;
//! let options = EvidenceOptions {
//!     redactor: Some(&redactor),
//!     ..EvidenceOptions::new("my-tool 1.0", "dsr.csv.journal.jsonl")
//! };
//! let evidence = Evidence::from_journal(&contents, None, &options)?;
//! write_atomically("evidence.html".as_ref(), evidence.to_html().as_bytes())?;
//! write_atomically("evidence.json".as_ref(), evidence.to_json().as_bytes())?;
//! # Ok(()) }
//! ```

mod evidence;
mod export;
mod html;
mod redact;

#[cfg(test)]
mod tests;

use std::io::Write as _;
use std::path::Path;

pub use evidence::{
    BeforeCounts, Evidence, EvidenceOptions, LatestVerification, PassSummary, REPORT_VERSION,
    Redaction, RunSummary, SubjectRow, Totals,
};
pub use export::AccessExport;
pub use redact::{MIN_KEY_LEN, Redactor};

/// Why a report cannot be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReportError {
    /// The journal has no erase run (with that id).
    #[error("the journal has no erase run{}", .0.as_ref().map(|id| format!(" {id}")).unwrap_or_default())]
    NoEraseRun(Option<String>),
    /// The redaction key is too short to keep the subjects from being guessed.
    #[error(
        "the redaction key is {0} bytes long; at least {MIN_KEY_LEN} are needed (e.g. `openssl \
         rand -hex 32 > redact.key`)"
    )]
    ShortKey(usize),
}

/// Writes `bytes` to `path` atomically: into a temporary file beside it, made durable, then
/// renamed over `path` (and the directory made durable). Readers see the old file or the new
/// one, never part of one. The file is readable by its owner only (`0600` on Unix): reports
/// and exports name people.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let mut file = tempfile::Builder::new()
        .prefix(".gong-privacy-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    file.write_all(bytes)?;
    file.as_file().sync_all()?;
    file.persist(path).map_err(|e| e.error)?;
    std::fs::File::open(dir)?.sync_all()
}
