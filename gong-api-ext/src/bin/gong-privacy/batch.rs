//! `erase --from FILE`: a batch at the rate limit, recorded in the audit journal.

use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use futures_util::{StreamExt as _, future, stream};
use gong_api_ext::{BulkOptions, BulkStatus, LookupSummary, Subject};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;

use crate::args::{Cli, EraseArgs};
use crate::input::{self, Entry};
use crate::journal::{Journal, Record, Status, timestamp};
use crate::single::describe;
use crate::{Failure, Outcome, client, confirm, plural, require_confirmation_possible};

/// The default journal: `FILE.journal.jsonl` beside the input.
fn default_journal(input: &Path) -> PathBuf {
    let mut name = input.as_os_str().to_owned();
    name.push(".journal.jsonl");
    PathBuf::from(name)
}

/// Counts for the summary.
#[derive(Default, serde::Serialize)]
struct Tally {
    erased: usize,
    failed: usize,
    invalid: usize,
    duplicates: usize,
    already_erased: usize,
}

pub async fn run(cli: &Cli, args: &EraseArgs, path: &Path) -> Outcome {
    if !args.dry_run {
        require_confirmation_possible(args.yes)?;
    }
    let entries = input::read(path).map_err(Failure::usage)?;
    let source = path.display().to_string();
    let client = client(cli)?;
    if args.dry_run {
        return dry_run(&client, args, &source, &entries, cli.json).await;
    }

    let journal_path = args
        .journal
        .clone()
        .unwrap_or_else(|| default_journal(path));
    let mut journal = Journal::open(&journal_path).map_err(Failure::usage)?;
    for warning in &journal.warnings {
        eprintln!("warning: {warning}");
    }

    let mut tally = Tally::default();
    let mut invalid = Vec::new();
    let mut to_send: Vec<(&Entry, &Subject)> = Vec::new();
    for entry in &entries {
        match &entry.subject {
            Err(why) => invalid.push((entry, why)),
            Ok(subject) if journal.is_erased(subject.as_str()) => tally.already_erased += 1,
            Ok(subject) => to_send.push((entry, subject)),
        }
    }
    if !to_send.is_empty()
        && !args.yes
        && !confirm(&format!(
            "Erase everything Gong holds for {} listed in {source}? This cannot be undone.",
            plural(to_send.len(), "subject")
        ))
    {
        eprintln!("Nothing erased.");
        return Ok(1);
    }

    for (entry, why) in invalid {
        journal
            .append(&record(&source, entry, None, Status::Invalid))
            .map_err(Failure::failed)?;
        eprintln!("{source}:{}: {why}", entry.line);
        tally.invalid += 1;
    }

    // Once the journal cannot be written, no further subject is sent; the ones in flight are
    // drained and printed instead of journaled, so none is lost.
    let stop = Arc::new(AtomicBool::new(false));
    let gate = stop.clone();
    let subjects: Vec<String> = to_send.iter().map(|(_, s)| s.as_str().to_owned()).collect();
    let subjects =
        stream::iter(subjects).take_while(move |_| future::ready(!gate.load(Ordering::SeqCst)));
    let bar = progress_bar(to_send.len());
    let mut outcomes = client.erase_stream(
        subjects,
        Some(to_send.len()),
        BulkOptions {
            concurrency: args.concurrency.max(1),
            on_progress: None,
        },
    );
    let mut journal_error: Option<String> = None;
    while let Some(outcome) = outcomes.next().await {
        let (entry, subject) = to_send[outcome.index];
        let mut rec = record(&source, entry, Some(subject), Status::Erased);
        let mut complaint = None;
        match outcome.status {
            BulkStatus::Done(receipt) => {
                rec.request_id = Some(receipt.request_id);
                tally.erased += 1;
            }
            BulkStatus::Duplicate { first_index } => {
                rec.status = Status::Duplicate;
                rec.first_line = Some(to_send[first_index].0.line);
                tally.duplicates += 1;
            }
            BulkStatus::Invalid(why) => {
                rec.status = Status::Invalid;
                rec.error = Some(why.to_string());
                tally.invalid += 1;
            }
            BulkStatus::Failed(error) => {
                complaint = Some(format!("{source}:{}: {subject}: {error}", entry.line));
                rec.status = Status::Failed;
                rec.request_id = error.request_id().map(str::to_owned);
                rec.error = Some(error.to_string());
                tally.failed += 1;
            }
        }
        // Durable before the subject is reported, done or failed.
        if journal_error.is_none()
            && let Err(e) = journal.append(&rec)
        {
            stop.store(true, Ordering::SeqCst);
            bar.suspend(|| eprintln!("error: {e}; no further subject will be sent"));
            journal_error = Some(e);
        }
        if journal_error.is_some() {
            let line = serde_json::to_string(&rec).expect("a record serialises");
            bar.suspend(|| eprintln!("not journaled: {line}"));
        }
        if let Some(complaint) = complaint {
            bar.suspend(|| eprintln!("{complaint}"));
        }
        bar.inc(1);
        bar.set_message(format!("{} erased, {} failed", tally.erased, tally.failed));
    }
    bar.finish_and_clear();
    if let Some(e) = journal_error {
        return Err(Failure::failed(format!(
            "the journal could not be written ({e}); the outcomes printed as `not journaled` \
             are its missing records. Rerun with a writable --journal: subjects not recorded as \
             erased are sent again"
        )));
    }

    let journal_shown = journal.path().display().to_string();
    if cli.json {
        println!(
            "{}",
            json!({"source": source, "journal": journal_shown, "summary": tally})
        );
    } else {
        println!(
            "{source}: {} erased, {} failed, {} invalid, {} duplicate, {} already erased earlier. Journal: {journal_shown}",
            tally.erased, tally.failed, tally.invalid, tally.duplicates, tally.already_erased
        );
    }
    Ok(if tally.failed + tally.invalid > 0 {
        1
    } else {
        0
    })
}

fn record(source: &str, entry: &Entry, subject: Option<&Subject>, status: Status) -> Record {
    Record {
        ts: timestamp(),
        source: source.to_owned(),
        line: entry.line,
        input: entry.input.clone(),
        subject: subject.map(|s| s.as_str().to_owned()),
        kind: subject.map(|s| s.kind().to_owned()),
        status,
        request_id: None,
        error: entry.subject.as_ref().err().cloned(),
        first_line: None,
    }
}

fn progress_bar(len: usize) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} {msg} ({eta} left)")
            .expect("a valid template"),
    );
    bar
}

async fn dry_run(
    client: &gong_api_ext::GongClient,
    args: &EraseArgs,
    source: &str,
    entries: &[Entry],
    json_out: bool,
) -> Outcome {
    let mut valid = Vec::new();
    let mut invalid = 0;
    for entry in entries {
        match &entry.subject {
            Ok(subject) => valid.push(subject.as_str().to_owned()),
            Err(why) => {
                eprintln!("{source}:{}: {why}", entry.line);
                invalid += 1;
            }
        }
    }
    let bar = progress_bar(valid.len());
    let outcomes: Vec<_> = client
        .lookup_many(
            &valid,
            BulkOptions {
                concurrency: args.concurrency.max(1),
                on_progress: None,
            },
        )
        .inspect(|_| bar.inc(1))
        .collect()
        .await;
    bar.finish_and_clear();
    for outcome in &outcomes {
        if let BulkStatus::Failed(error) = &outcome.status {
            eprintln!("{source}: {}: lookup failed: {error}", outcome.input);
        }
    }
    let mut summary = LookupSummary::of(&outcomes);
    summary.progress.invalid += invalid;
    if json_out {
        println!(
            "{}",
            json!({"source": source, "dryRun": true, "summary": summary})
        );
    } else {
        println!(
            "{source} (dry run, nothing erased): {} looked up, {} with data in Gong, {} invalid, {} failed. Found: {}",
            summary.progress.done,
            summary.subjects_with_data,
            summary.progress.invalid,
            summary.progress.failed,
            describe(&summary.totals)
        );
    }
    Ok(if summary.progress.failed + summary.progress.invalid > 0 {
        1
    } else {
        0
    })
}
