//! [`JournalWriter`]: group commit on a thread of its own, so that the sending path never
//! waits for the disk.
//!
//! A batch records every outcome before reporting it, and a record is on disk only once it is
//! fsynced. Written on the task that sends, each fsync holds up the requests behind it: on a
//! disk taking 50 ms per fsync, a batch at Gong's 3 calls per second spends a sixth of its time
//! waiting. The writer takes records over a channel, writes everything that arrived while the
//! previous write was on its way with one `write` and one fsync, and then acknowledges each
//! submission: the caller reports a record when its [`Receipt`] resolves, so a record is still
//! on disk before it is reported, and a process killed at any moment has reported nothing
//! that is not in the journal.
//!
//! ```no_run
//! use gong_privacy::batch::journal::{Journal, JournalWriter, Record};
//!
//! # async fn run(records: Vec<Record>) -> Result<(), Box<dyn std::error::Error>> {
//! let journal = Journal::open("dsr.csv.journal.jsonl".as_ref())?;
//! let mut writer = JournalWriter::spawn(journal);
//! let receipt = writer.submit(records); // returns at once
//! // ... send the next requests meanwhile ...
//! receipt.await?; // now the records are on disk: report them
//! let journal = writer.close();
//! # Ok(()) }
//! ```

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::mpsc;
use std::task::{Context, Poll};
use std::thread::JoinHandle;

use tokio::sync::oneshot;

use super::{Journal, JournalError, Record};

/// Why submitted records are not on disk: the error of the write they were part of (shared by
/// every submission of that write).
pub type WriteError = Arc<JournalError>;

/// Writes a [`Journal`] off the caller's task: on a thread with group commit
/// ([`spawn`](Self::spawn)), or on the caller, one write and fsync per submission
/// ([`inline`](Self::inline), what a batch did before, kept for comparison).
#[derive(Debug)]
pub struct JournalWriter {
    mode: Mode,
    /// The journal's path, for the error of a writer that is gone.
    path: Arc<PathBuf>,
}

#[derive(Debug)]
enum Mode {
    Thread {
        jobs: mpsc::Sender<Job>,
        thread: JoinHandle<Journal>,
    },
    Inline(Journal),
}

#[derive(Debug)]
struct Job {
    records: Vec<Record>,
    done: oneshot::Sender<Result<(), WriteError>>,
}

impl JournalWriter {
    /// Moves `journal` to a writer thread of its own.
    pub fn spawn(mut journal: Journal) -> Self {
        let path = Arc::new(journal.path().to_path_buf());
        let (jobs, queue) = mpsc::channel::<Job>();
        let thread = std::thread::Builder::new()
            .name("journal-writer".into())
            .spawn(move || {
                while let Ok(first) = queue.recv() {
                    // Everything that arrived during the last write goes in this one.
                    let mut batch = vec![first];
                    batch.extend(queue.try_iter());
                    let records: Vec<Record> = batch
                        .iter_mut()
                        .flat_map(|job| std::mem::take(&mut job.records))
                        .collect();
                    let written = journal.append(&records).map_err(Arc::new);
                    for job in batch {
                        let _ = job.done.send(written.clone());
                    }
                }
                journal
            })
            .expect("the journal writer thread starts");
        Self {
            mode: Mode::Thread { jobs, thread },
            path,
        }
    }

    /// Writes on the caller: [`submit`](Self::submit) returns once the records are on disk.
    pub fn inline(journal: Journal) -> Self {
        Self {
            path: Arc::new(journal.path().to_path_buf()),
            mode: Mode::Inline(journal),
        }
    }

    /// Hands `records` to the writer; they are on disk when the [`Receipt`] resolves to
    /// `Ok`. Records submitted one after the other are written in that order.
    pub fn submit(&mut self, records: Vec<Record>) -> Receipt {
        let (done, receipt) = oneshot::channel();
        match &mut self.mode {
            Mode::Thread { jobs, .. } => {
                // A writer that is gone drops `done`: the receipt says so.
                let _ = jobs.send(Job { records, done });
            }
            Mode::Inline(journal) => {
                let _ = done.send(journal.append(&records).map_err(Arc::new));
            }
        }
        Receipt {
            receipt,
            path: Arc::clone(&self.path),
        }
    }

    /// Waits for every submission to be written, and returns the journal (its
    /// [`contents`](Journal::contents) include what was written).
    pub fn close(self) -> Journal {
        match self.mode {
            Mode::Thread { jobs, thread } => {
                drop(jobs);
                thread.join().expect("the journal writer does not panic")
            }
            Mode::Inline(journal) => journal,
        }
    }
}

/// Resolves once the records of one [`JournalWriter::submit`] are on disk (`Ok`), or could
/// not be written.
#[derive(Debug)]
#[must_use = "a record is on disk only once its receipt resolves"]
pub struct Receipt {
    receipt: oneshot::Receiver<Result<(), WriteError>>,
    path: Arc<PathBuf>,
}

impl Future for Receipt {
    type Output = Result<(), WriteError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.receipt).poll(cx).map(|answer| {
            answer.unwrap_or_else(|_| {
                Err(Arc::new(JournalError::Io {
                    path: self.path.as_ref().clone(),
                    source: std::io::Error::other("the journal writer stopped"),
                }))
            })
        })
    }
}

#[cfg(test)]
mod tests;
