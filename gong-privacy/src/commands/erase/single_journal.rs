//! Where a one-off `erase email|phone` is journaled: one append-only journal per company (its
//! Gong host), whose run `erase-single` grows by one row per invocation (see
//! `gong_api_ext::batch::single` for why), so `report` and `verify` cover one-offs.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use gong_api_ext::GongClient;
use gong_privacy::batch::journal::{Journal, JournalError, Record, SubjectRecord};
use gong_privacy::batch::single::{SINGLE_RUN_ID, next_line, run_record};

use crate::cli::TOOL;
use crate::cli::args::Cli;
use crate::cli::exit::Failure;
use crate::commands::erase::record::{gong_host, journal_failure, run_record as stamped};

/// How long an erase waits for another one-off erase holding the company's journal.
const LOCK_WAIT: Duration = Duration::from_secs(30);

/// The default journal of `client`'s company: `$XDG_STATE_HOME/gong-privacy/journals/
/// single-HOST.journal.jsonl` on Linux, the local data directory elsewhere.
pub fn default_path(client: &GongClient) -> Result<PathBuf, Failure> {
    let dirs = directories::ProjectDirs::from("", "", "gong-privacy").ok_or_else(|| {
        Failure::usage("no home directory to keep the journal in: give --journal PATH")
    })?;
    let base = dirs.state_dir().unwrap_or_else(|| dirs.data_local_dir());
    Ok(base
        .join("journals")
        .join(file_name(gong_host(client).as_deref().unwrap_or("gong"))))
}

/// `single-us-55616.api.gong.io.journal.jsonl`: the host without its scheme, a port after
/// `_`, nothing a file name could misread.
fn file_name(host: &str) -> String {
    let host = host.split_once("://").map_or(host, |(_, rest)| rest);
    let safe: String = host
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("single-{safe}.journal.jsonl")
}

/// The company's journal, locked for this erasure: opened before any request, so that a
/// journal that cannot be written stops the erasure before anything is sent.
pub struct SingleJournal {
    journal: Journal,
    /// The row this invocation is recorded as.
    pub line: u64,
}

impl SingleJournal {
    /// Opens (creating its directory) and locks the journal at `path`, waiting up to
    /// [`LOCK_WAIT`] while another one-off erase holds it.
    pub fn open(path: &Path) -> Result<Self, Failure> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| Failure::failed(format!("{}: cannot create: {e}", dir.display())))?;
        }
        let deadline = Instant::now() + LOCK_WAIT;
        let mut told = false;
        let journal = loop {
            match Journal::open(path) {
                Err(e @ JournalError::Locked { .. }) if Instant::now() < deadline => {
                    if !told {
                        eprintln!("Waiting for the journal: {e}");
                        told = true;
                    }
                    std::thread::sleep(Duration::from_millis(100));
                }
                other => break other.map_err(journal_failure)?,
            }
        };
        for warning in &journal.contents().warnings {
            eprintln!("warning: {warning}");
        }
        Ok(Self {
            line: next_line(journal.contents()),
            journal,
        })
    }

    /// Appends this invocation's run record and `record` (its run and line set here) with one
    /// write, durable before returning. On failure the record is printed as `not journaled`, so
    /// that it is not lost.
    pub fn keep(
        &mut self,
        cli: &Cli,
        client: &GongClient,
        mut record: SubjectRecord,
    ) -> Result<SubjectRecord, Failure> {
        record.run_id = Some(SINGLE_RUN_ID.into());
        record.line = Some(self.line);
        let header = stamped(
            cli,
            client,
            run_record(self.journal.contents(), &record.input, TOOL),
        );
        let subject = Record::Subject(record.clone());
        match self.journal.append(&[Record::Run(header), subject.clone()]) {
            Ok(()) => Ok(record),
            Err(e) => {
                let json = serde_json::to_string(&subject).expect("a record serialises");
                eprintln!("not journaled: {json}");
                Err(Failure::failed(format!(
                    "the journal could not be written ({e}); the line printed as `not \
                     journaled` is its missing record"
                )))
            }
        }
    }

    /// Where it is.
    pub fn path(&self) -> &Path {
        self.journal.path()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_file_name_is_the_host() {
        use super::file_name;
        assert_eq!(
            file_name("https://us-55616.api.gong.io"),
            "single-us-55616.api.gong.io.journal.jsonl"
        );
        assert_eq!(
            file_name("http://127.0.0.1:8080"),
            "single-127.0.0.1_8080.journal.jsonl"
        );
        assert_eq!(file_name("x/../y"), "single-x_.._y.journal.jsonl");
    }
}
