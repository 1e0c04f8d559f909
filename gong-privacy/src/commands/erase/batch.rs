// Over 500 lines: one batch run end to end (budget gate, sending, interrupts, journal records); split along those seams next.
//! `erase --from FILE`: a batch at the rate limit, every outcome in the audit journal.
//!
//! Order of events: read and parse the whole input (a broken file stops here), lock and read the
//! journal, choose the run, print the plan, confirm (declining writes nothing), record the run
//! and the invalid and duplicate rows, send, record each outcome before reporting it. A stop
//! (daily budget, credentials refused, Ctrl-C) sends nothing more, lets requests in flight
//! finish, records what was not sent as deferred and prints the command that continues.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use futures_util::stream::FuturesOrdered;
use futures_util::{StreamExt as _, future, stream};
use gong_api_ext::lifecycle::{Erasure, Guard};
use gong_api_ext::quota::{Admit, BudgetGate, Shortfall};
use gong_api_ext::{Error, RateLimiter, Subject};
use gong_privacy::batch::input::BatchInput;
use gong_privacy::batch::journal::{
    FormRecord, Journal, JournalWriter, Record, RunRecord, Status, SubjectRecord, WriteError,
};
use gong_privacy::batch::run::{Plan, RunChoice, row_record};
use indicatif::{ProgressBar, ProgressStyle};

use crate::cli::args::{Cli, EraseArgs};
use crate::cli::exit::{self, Failure, code_of, daily_limit_wait, describe};
use crate::cli::output::{Json, Summary, emit, say};
use crate::cli::{
    Outcome, TOOL, client, confirm, plural, quota_today, require_confirmation_possible,
};
use crate::commands::erase::plan::{
    describe_rows, describe_run, describe_sending, guard, list_invalid, read_input, source_name,
};
pub use crate::commands::erase::record::{gong_host, journal_failure, run_record};

/// How long requests in flight may finish after Ctrl-C before they are abandoned (and recorded
/// as failed, to be sent again).
const GRACE: Duration = Duration::from_secs(5);

/// The default journal: `FILE.journal.jsonl` beside the input.
fn default_journal(input: &Path) -> PathBuf {
    let mut name = input.as_os_str().to_owned();
    name.push(".journal.jsonl");
    PathBuf::from(name)
}

/// Why a batch stopped sending before its end.
#[derive(Debug)]
enum Stop {
    /// The daily budget (ours or Gong's) is used up; the message says until when.
    Budget(String),
    /// Gong refused the credentials (or their scope, or the OAuth grant is gone): the exit
    /// code, and why.
    Auth(u8, String),
    /// Ctrl-C or SIGTERM.
    Interrupted,
    /// The journal cannot be written.
    Journal(String),
}

impl Stop {
    /// The reason deferred records give.
    fn deferred_reason(&self) -> String {
        match self {
            Self::Budget(why) => format!("not sent: {why}"),
            Self::Auth(..) => "not sent: Gong refused the credentials".into(),
            Self::Interrupted => "not sent: the run was interrupted".into(),
            Self::Journal(_) => "not sent: the journal could not be written".into(),
        }
    }
}

pub async fn run(cli: &Cli, args: &EraseArgs, from: &Path) -> Outcome {
    let stdin = from == Path::new("-");
    if stdin && args.journal.is_none() && !args.dry_run {
        return Err(Failure::usage(
            "--from - reads the subjects from standard input: give --journal PATH too, for the \
             audit record and to resume",
        ));
    }
    if stdin && !args.yes && !args.dry_run {
        return Err(Failure::usage(
            "--from - reads the subjects from standard input, so nobody can confirm there: add --yes",
        ));
    }
    if args.no_journal {
        return Err(Failure::usage(
            "--no-journal is for a single erasure: a batch resumes from its journal",
        ));
    }
    if args.dry_run && args.no_preview {
        return Err(Failure::usage(
            "--no-preview skips the lookups, and a --dry-run is nothing but lookups: give one",
        ));
    }
    if !args.dry_run {
        require_confirmation_possible(args.yes, "erase")?;
    }
    let source = source_name(from);
    let input = read_input(from, &args.file)?;
    if input.rows.iter().all(|r| r.subject.is_err()) {
        let plan = Plan::new(&input, &Default::default());
        return Err(Failure::usage(format!(
            "{source}: no valid subject among {}; nothing was sent:{}",
            plural(input.rows.len(), "row"),
            list_invalid(&source, &input, &plan)
        )));
    }
    let allowed = allowed_subjects(&source, &input, &args.allow)?;
    let (client, limiter) = client(cli)?;
    if args.dry_run {
        return crate::commands::erase::dry_run::run(cli, args, &source, &input, &client).await;
    }

    let journal_path = args
        .journal
        .clone()
        .unwrap_or_else(|| default_journal(from));
    let mut journal = Journal::open(&journal_path).map_err(journal_failure)?;
    if let Some(delay) = args.slow_fsync {
        journal.slow_disk(delay);
    }
    for warning in &journal.contents().warnings {
        eprintln!("warning: {warning}");
    }
    let choice = RunChoice::new(
        journal.contents(),
        "erase",
        &input.sha256,
        &source,
        args.restart,
    );
    let run_id = choice.identity.run_id();
    let plan = Plan::new(&input, &journal.contents().state_of(&run_id));
    eprintln!("{}", describe_rows(&source, &input, &plan));
    eprintln!("{}", describe_run(&source, &choice, &journal_path));
    let today = quota_today(&limiter).await?;
    eprintln!(
        "{}",
        describe_sending(&plan, cli.rate, today.remaining_today(), !args.no_preview)
    );
    let guard = guard(args);

    let mut batch = Batch {
        cli,
        args,
        source,
        input: &input,
        plan: &plan,
        run_id,
        journal_path: journal_path.display().to_string(),
        guard,
        allowed,
        erased: 0,
        held_back: 0,
        failed: 0,
        deferred: 0,
    };
    if plan.to_send.is_empty() && plan.unrecorded.is_empty() {
        return Ok(batch.finish(None));
    }
    let needed = Erasure::calls(!args.no_preview);
    if let Some(left) = today.remaining_today().filter(|&left| left < needed)
        && !plan.to_send.is_empty()
    {
        // Not even one subject could be sent today: stop before asking, and write nothing.
        let short = Shortfall {
            left,
            needed,
            budget: cli.daily_budget,
            resets_in: today.resets_in,
        };
        eprintln!(
            "Daily budget reached: {}; nothing was sent. It restarts at 00:00 UTC: continue \
             after {} with: {}",
            shortfall_why(&short),
            humantime::format_rfc3339_seconds(SystemTime::now() + today.resets_in),
            batch.resume_command()
        );
        return Ok(exit::BUDGET);
    }
    if !plan.to_send.is_empty()
        && !args.yes
        && !confirm(&format!(
            "Erase everything Gong holds for {}? This cannot be undone.",
            plural(plan.to_send.len(), "subject")
        ))
    {
        eprintln!("Declined: nothing sent, nothing written.");
        return Ok(exit::DECLINED);
    }

    let header = RunRecord {
        preview: Some(!args.no_preview),
        guard: (!args.no_preview).then_some(guard),
        ..run_record(
            cli,
            &client,
            Journal::run_record(
                &choice.identity,
                &batch.source,
                journal.contents().run(&batch.run_id).is_some(),
                TOOL,
            ),
        )
    };
    let mut opening = vec![Record::Run(header)];
    opening.extend(plan.unrecorded_records(&input, &batch.run_id));
    journal.append(&opening).map_err(journal_failure)?;
    if cli.json {
        for record in &opening {
            if let Record::Subject(s) = record {
                emit(&Json::Subject(s));
            }
        }
    }
    // Every outcome is written by the writer thread (group commit) and reported once on disk.
    let mut writer = if args.inline_journal {
        JournalWriter::inline(journal)
    } else {
        JournalWriter::spawn(journal)
    };
    let stop = batch.send(&client, &limiter, &mut writer).await;
    writer.close();
    Ok(batch.finish(stop))
}

/// The subjects `--allow` names, each read as a subject and found among the file's: a value
/// that is not one, or not in the file (a typo, another file's subject), is a usage error
/// before anything is sent, since the subject the user reviewed would otherwise stay held back
/// without a word, or the one allowed might not be the one reviewed.
fn allowed_subjects(
    source: &str,
    input: &BatchInput,
    allow: &[String],
) -> Result<Arc<Vec<Subject>>, Failure> {
    let mut allowed = Vec::new();
    for value in allow {
        let subject =
            Subject::parse(value).map_err(|e| Failure::usage(format!("--allow {value}: {e}")))?;
        if !input
            .rows
            .iter()
            .any(|row| row.subject.as_ref() == Ok(&subject))
        {
            return Err(Failure::usage(format!(
                "--allow {value}: {subject} is not a subject of {source}; nothing was sent"
            )));
        }
        allowed.push(subject);
    }
    Ok(Arc::new(allowed))
}

struct Batch<'a> {
    cli: &'a Cli,
    args: &'a EraseArgs,
    source: String,
    input: &'a BatchInput,
    plan: &'a Plan,
    run_id: String,
    journal_path: String,
    guard: Guard,
    /// Held-back subjects reviewed and allowed one by one (`--allow`).
    allowed: Arc<Vec<Subject>>,
    erased: usize,
    held_back: usize,
    failed: usize,
    deferred: usize,
}

impl Batch<'_> {
    /// The record of the `i`-th subject sent.
    fn record(&self, i: usize, status: Status) -> SubjectRecord {
        row_record(
            Some(&self.run_id),
            &self.input.rows[self.plan.to_send[i]],
            status,
        )
    }

    /// Turns one subject's lifecycle so far into its record, and says whether it stops the
    /// batch.
    fn outcome(
        &mut self,
        index: usize,
        erasure: Erasure,
        result: Result<bool, Error>,
    ) -> (SubjectRecord, Option<Stop>) {
        let mut record = self.record(index, Status::Erased);
        let mut stop = None;
        let looked_up = erasure.before_all().is_some();
        record.before = erasure.before.clone();
        record.guard = erasure.guard.clone();
        record.forms = FormRecord::of(&erasure, None);
        match result {
            Ok(true) => {
                record.request_id = erasure.request.map(|r| r.request_id);
                self.erased += 1;
            }
            Ok(false) => {
                record.status = Status::HeldBack;
                self.held_back += 1;
            }
            Err(error) => {
                let mut why = describe(&error);
                if !self.args.no_preview && !looked_up {
                    why = format!("the lookup before the erasure failed: {why}");
                }
                record.error = Some(why.clone());
                record.forms = FormRecord::of(&erasure, Some(&why));
                let partly_erased = erasure.request.is_some();
                // A form erased before another failed keeps its receipt; otherwise Gong's
                // reference of the refused call.
                record.request_id = erasure
                    .request
                    .map(|r| r.request_id)
                    .or_else(|| error.request_id().map(str::to_owned));
                match code_of(&error) {
                    // Sent with its outcome unknown, then stopped by the budget: failed, not
                    // "not sent"; the rerun sends it again and settles it.
                    exit::BUDGET if !error.may_have_taken_effect() && !partly_erased => {
                        // Nothing was erased for this subject: a rerun sends it.
                        record.status = Status::Deferred;
                        record.error = Some(Stop::Budget(why.clone()).deferred_reason());
                        self.deferred += 1;
                        stop = Some(Stop::Budget(budget_message(
                            &error,
                            &why,
                            self.cli.daily_budget,
                        )));
                    }
                    code => {
                        record.status = Status::Failed;
                        self.failed += 1;
                        if code == exit::BUDGET {
                            stop = Some(Stop::Budget(budget_message(
                                &error,
                                &why,
                                self.cli.daily_budget,
                            )));
                        } else if exit::stops_batch(code) {
                            stop = Some(Stop::Auth(code, why));
                        }
                    }
                }
            }
        }
        (record, stop)
    }

    /// Sends every planned subject; returns why it stopped early, if it did.
    async fn send(
        &mut self,
        client: &gong_api_ext::GongClient,
        limiter: &RateLimiter,
        writer: &mut JournalWriter,
    ) -> Option<Stop> {
        let total = self.plan.to_send.len();
        let subjects: Vec<gong_api_ext::Subject> = self
            .plan
            .to_send
            .iter()
            .map(|&i| {
                self.input.rows[i]
                    .subject
                    .clone()
                    .expect("planned rows are valid")
            })
            .collect();
        // No subject is taken once `gate` closes, nor once the budget cannot pay for all of a
        // subject's calls (`short` says why); `fed` counts those taken.
        let gate = Arc::new(AtomicBool::new(false));
        let fed = Arc::new(AtomicUsize::new(0));
        let short: Arc<Mutex<Option<Shortfall>>> = Arc::default();
        let (open, closed, counter, shortfall) =
            (gate.clone(), gate.clone(), fed.clone(), short.clone());
        let budget = BudgetGate::new(limiter.clone());
        let preview = !self.args.no_preview;
        let feed = stream::iter(subjects)
            .take_while(move |_| future::ready(!open.load(Ordering::SeqCst)))
            .then(move |subject| {
                let budget = budget.clone();
                // Every form of the subject's address is looked up and erased.
                let calls = Erasure::calls_of(&subject, preview);
                // A store that cannot be read starts the subject: its calls meet the store's
                // failure, recorded as usual.
                async move { (subject, budget.admit(calls).await.ok()) }
            })
            .take_while(move |(_, admitted)| {
                if let Some(Admit::Refused(why)) = admitted {
                    *shortfall.lock().expect("not poisoned") = Some(why.clone());
                    return future::ready(false);
                }
                future::ready(!closed.load(Ordering::SeqCst))
            })
            .inspect(move |_| {
                counter.fetch_add(1, Ordering::SeqCst);
            });
        let bar = progress_bar(total);
        let mut interrupts = Interrupts::new(bar.clone());
        // Each subject's lifecycle up to the erase: lookup, guard, erase (the client's rate
        // limiter paces every call).
        let (guard, preview, client) = (self.guard, !self.args.no_preview, client.clone());
        let allowed = Arc::clone(&self.allowed);
        let mut outcomes = feed
            .enumerate()
            .map(move |(index, (subject, reservation))| {
                let client = client.clone();
                let guard = Guard {
                    allow: guard.allow || allowed.contains(&subject),
                    ..guard
                };
                async move {
                    let mut erasure = Erasure::new(subject);
                    // The subject's calls spend the calls reserved for it in the quota store.
                    let result = match &reservation {
                        Some(Admit::Start(reserved)) => {
                            reserved.run(erasure.run(&client, &guard, preview)).await
                        }
                        _ => erasure.run(&client, &guard, preview).await,
                    }
                    .map(|sent| sent.is_some());
                    if let Some(Admit::Start(reserved)) = reservation {
                        reserved.release().await;
                    }
                    (index, erasure, result)
                }
            })
            .buffer_unordered(usize::from(self.args.concurrency))
            .boxed();
        let mut received = vec![false; total];
        let mut stop: Option<Stop> = None;
        // Outcomes handed to the journal's writer, reported in order once on disk.
        let mut writing = FuturesOrdered::new();
        let grace = tokio::time::sleep(Duration::MAX);
        tokio::pin!(grace);
        let mut abandoned = false;
        loop {
            tokio::select! {
                next = outcomes.next() => {
                    let Some((index, erasure, result)) = next else { break };
                    received[index] = true;
                    let (record, stops) = self.outcome(index, erasure, result);
                    if let Some(why) = stops.filter(|_| stop.is_none()) {
                        gate.store(true, Ordering::SeqCst);
                        stop = Some(why);
                    }
                    let receipt = writer.submit(vec![Record::Subject(record.clone())]);
                    writing.push_back(async move { (record, receipt.await) });
                }
                Some((record, written)) = writing.next(), if !writing.is_empty() => {
                    self.written(&bar, record, written, &gate, &mut stop);
                }
                () = interrupts.next(), if stop.is_none() => {
                    gate.store(true, Ordering::SeqCst);
                    stop = Some(Stop::Interrupted);
                    let in_flight = fed.load(Ordering::SeqCst) - received.iter().filter(|&&r| r).count();
                    bar.suspend(|| eprintln!(
                        "Interrupted: no new subject is sent; waiting up to {} s for {} in flight (Ctrl-C again to quit at once).",
                        GRACE.as_secs(), in_flight
                    ));
                    grace.as_mut().reset(tokio::time::Instant::now() + GRACE);
                }
                () = &mut grace => {
                    abandoned = true;
                    break;
                }
            }
        }
        drop(outcomes);
        // What is still being written is reported once written, before anything else.
        while let Some((record, written)) = writing.next().await {
            self.written(&bar, record, written, &gate, &mut stop);
        }
        bar.finish_and_clear();
        if let (None, Some(short)) = (&stop, short.lock().expect("not poisoned").take()) {
            stop = Some(Stop::Budget(shortfall_message(&short)));
        }
        if matches!(stop, Some(Stop::Journal(_))) {
            return stop;
        }
        // What was taken but not answered (abandoned after Ctrl-C), then what was never taken.
        let taken = fed.load(Ordering::SeqCst);
        let mut closing = Vec::new();
        if abandoned {
            for i in (0..taken).filter(|&i| !received[i]) {
                let mut record = self.record(i, Status::Failed);
                record.error = Some(
                    "interrupted before Gong answered: the erasure may or may not have been \
                     done; a rerun sends it again"
                        .into(),
                );
                self.failed += 1;
                closing.push(record);
            }
        }
        if let Some(why) = &stop {
            for i in taken..total {
                let mut record = self.record(i, Status::Deferred);
                record.error = Some(why.deferred_reason());
                self.deferred += 1;
                closing.push(record);
            }
        }
        let records: Vec<Record> = closing.iter().cloned().map(Record::Subject).collect();
        if let Err(e) = writer.submit(records).await {
            eprintln!("error: {e}");
            for record in &closing {
                eprintln!(
                    "not journaled: {}",
                    serde_json::to_string(&Record::Subject(record.clone())).expect("serialises")
                );
            }
            return Some(Stop::Journal(e.to_string()));
        }
        if self.cli.json {
            for record in &closing {
                emit(&Json::Subject(record));
            }
        }
        stop
    }

    /// Reports `record` once the writer answered for it: a journal that could not be written
    /// stops the batch (no further subject is sent).
    fn written(
        &self,
        bar: &ProgressBar,
        record: SubjectRecord,
        written: Result<(), WriteError>,
        gate: &AtomicBool,
        stop: &mut Option<Stop>,
    ) {
        if let Err(e) = self.keep(bar, record, written) {
            gate.store(true, Ordering::SeqCst);
            if !matches!(stop, Some(Stop::Journal(_))) {
                bar.suspend(|| eprintln!("error: {e}; no further subject will be sent"));
                *stop = Some(Stop::Journal(e));
            }
        }
        bar.inc(1);
        bar.set_message(format!(
            "{} erased, {} held back, {} failed",
            self.erased, self.held_back, self.failed
        ));
    }

    /// Reports `record`, which the journal's writer wrote (durable before it is reported) or
    /// could not write: then the record is printed instead, so no outcome is lost.
    fn keep(
        &self,
        bar: &ProgressBar,
        record: SubjectRecord,
        written: Result<(), WriteError>,
    ) -> Result<(), String> {
        let subject = record.subject.clone().unwrap_or_default();
        let line = record.line.unwrap_or_default();
        let (status, error) = (record.status, record.error.clone());
        let record = Record::Subject(record);
        let written = written.map_err(|e| e.to_string());
        if written.is_err() {
            let json = serde_json::to_string(&record).expect("a record serialises");
            bar.suspend(|| eprintln!("not journaled: {json}"));
        }
        if let (true, Record::Subject(s)) = (self.cli.json, &record) {
            emit(&Json::Subject(s));
        }
        if status == Status::Failed {
            let why = error.unwrap_or_default();
            bar.suspend(|| eprintln!("{}:{line}: {subject}: {why}", self.source));
        } else if let (Status::HeldBack, Record::Subject(s)) = (status, &record) {
            let why = s
                .guard
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default();
            bar.suspend(|| eprintln!("{}:{line}: {subject}: {why}", self.source));
        }
        written
    }

    /// Prints the summary and what to do next; returns the exit code.
    fn finish(&self, stop: Option<Stop>) -> u8 {
        let plan = self.plan;
        let code = match &stop {
            None if self.failed > 0 => exit::FAILED,
            None if self.held_back > 0 => exit::HELD_BACK,
            None => exit::DONE,
            Some(Stop::Budget(_)) => exit::BUDGET,
            Some(Stop::Auth(code, _)) => *code,
            Some(Stop::Interrupted) => exit::INTERRUPTED,
            Some(Stop::Journal(_)) => exit::FAILED,
        };
        if self.cli.json {
            emit(&Json::Summary(Summary {
                operation: "erase",
                source: self.source.clone(),
                run_id: Some(self.run_id.clone()),
                journal: Some(self.journal_path.clone()),
                rows: self.input.rows.len(),
                unique: plan.unique(),
                invalid: plan.invalid.len(),
                duplicates: plan.duplicates.len(),
                erased: Some(self.erased),
                held_back: Some(self.held_back),
                already_erased: Some(plan.already_erased.len()),
                failed: self.failed,
                deferred: Some(self.deferred),
                exit_code: code,
                ..Summary::default()
            }));
        } else {
            say!(
                "{}: {} erased, {} held back, {} failed, {} deferred, {} invalid, {} duplicate, {} erased earlier in this run. Run {}, journal {}",
                self.source,
                self.erased,
                self.held_back,
                self.failed,
                self.deferred,
                plan.invalid.len(),
                plan.duplicates.len(),
                plan.already_erased.len(),
                self.run_id,
                self.journal_path
            );
        }
        let again = self.resume_command();
        match &stop {
            None if self.failed > 0 => eprintln!(
                "{} failed; rerun the same command to retry them: {again}",
                plural(self.failed, "subject")
            ),
            None if self.held_back > 0 => eprintln!(
                "{} held back for review, not erased (the blast-radius guard: more than {} \
                 objects, or a phone number belonging to several people; the journal's `before` \
                 and `guard` fields show what Gong holds). After review, erase each one \
                 reviewed with: {again} --allow SUBJECT (repeatable), or all of them with: \
                 {again} --allow-large",
                plural(self.held_back, "subject"),
                self.guard.max_objects,
            ),
            None => {}
            Some(Stop::Budget(why)) => eprintln!(
                "{why}. {} not sent yet (journaled as deferred){}. Continue then with: {again}",
                plural(self.deferred, "subject"),
                if self.failed > 0 {
                    format!(
                        "; {} failed or sent with the outcome unknown (journaled as failed, \
                         reasons above): the rerun sends them again and settles them",
                        plural(self.failed, "subject")
                    )
                } else {
                    String::new()
                }
            ),
            Some(Stop::Auth(_, why)) => eprintln!(
                "error: {why}. Nothing more was sent. Fix that, then continue with: {again}"
            ),
            Some(Stop::Interrupted) => eprintln!("Interrupted. Resume with: {again}"),
            Some(Stop::Journal(e)) => eprintln!(
                "error: the journal could not be written ({e}); the outcomes printed as `not \
                 journaled` are its missing records. Rerun with a writable --journal: subjects \
                 not recorded as erased are sent again"
            ),
        }
        code
    }

    /// The command that continues this run: the same arguments, without `--restart`.
    fn resume_command(&self) -> String {
        let args: Vec<String> = std::env::args_os()
            .map(|a| a.to_string_lossy().into_owned())
            .filter(|a| a != "--restart")
            .collect();
        let mut command =
            shlex::try_join(args.iter().map(String::as_str)).unwrap_or_else(|_| args.join(" "));
        if self.source == "-" {
            command.push_str("  (with the same input on standard input)");
        }
        command
    }
}

/// "The daily budget … is used up; it resets at 2026-11-25T00:00:00Z".
fn budget_message(error: &gong_api_ext::Error, why: &str, budget: u32) -> String {
    let until = match daily_limit_wait(error) {
        Some(wait) => SystemTime::now() + wait,
        None => next_utc_midnight(),
    };
    let why = match error.stopped_by() {
        // The library's words are about one call ("no request was sent"); say it for the run.
        gong_api_ext::Error::BudgetExhausted(_) => format!(
            "the {budget} calls of today's budget are used up (by this and other runs sharing \
             the quota store); it restarts at 00:00 UTC"
        ),
        _ => why.to_owned(),
    };
    format!(
        "Daily budget reached: {why}; continue after {}",
        humantime::format_rfc3339_seconds(until)
    )
}

/// "Daily budget reached: 1 of today's 3 calls is left, fewer than the 2 a subject needs …".
fn shortfall_message(short: &Shortfall) -> String {
    format!(
        "Daily budget reached: {}; it restarts at 00:00 UTC; continue after {}",
        shortfall_why(short),
        humantime::format_rfc3339_seconds(next_utc_midnight())
    )
}

/// Why no further subject is started: "the 3 calls of today's budget are used up …" or "1 of
/// today's 3 calls is left, fewer than the 2 a subject needs …".
fn shortfall_why(short: &Shortfall) -> String {
    if short.left == 0 {
        format!(
            "the {} calls of today's budget are used up (by this and other runs sharing the \
             quota store)",
            short.budget
        )
    } else {
        format!(
            "{} of today's {} calls {} left, fewer than the {} a subject needs{}",
            short.left,
            short.budget,
            if short.left == 1 { "is" } else { "are" },
            short.needed,
            if short.needed > 1 {
                " (its lookup and its erasure)"
            } else {
                ""
            }
        )
    }
}

/// When the daily count restarts: the next 00:00 UTC.
fn next_utc_midnight() -> SystemTime {
    let secs = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    SystemTime::UNIX_EPOCH + Duration::from_secs((secs / 86_400 + 1) * 86_400)
}

pub fn progress_bar(len: usize) -> ProgressBar {
    use std::io::IsTerminal as _;
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

/// Ctrl-C (SIGINT) and SIGTERM. The first is reported through [`next`](Self::next); the second
/// exits at once with code 130. Registered when created, so none is missed.
pub struct Interrupts {
    first: tokio::sync::mpsc::Receiver<()>,
}

impl Interrupts {
    pub fn new(bar: ProgressBar) -> Self {
        let (tx, first) = tokio::sync::mpsc::channel(1);
        let mut signals = signals();
        tokio::spawn(async move {
            signals.recv().await;
            let _ = tx.send(()).await;
            signals.recv().await;
            bar.finish_and_clear();
            eprintln!(
                "Interrupted again: quitting now. Requests in flight have no record; a rerun \
                 sends them again."
            );
            std::process::exit(i32::from(exit::INTERRUPTED));
        });
        Self { first }
    }

    /// The first interrupt.
    pub async fn next(&mut self) {
        if self.first.recv().await.is_none() {
            future::pending::<()>().await;
        }
    }
}

/// A stream of interrupt signals, registered now.
struct Signals {
    #[cfg(unix)]
    int: tokio::signal::unix::Signal,
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
}

fn signals() -> Signals {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        Signals {
            int: signal(SignalKind::interrupt()).expect("the SIGINT handler installs"),
            term: signal(SignalKind::terminate()).expect("the SIGTERM handler installs"),
        }
    }
    #[cfg(not(unix))]
    {
        Signals {}
    }
}

impl Signals {
    async fn recv(&mut self) {
        #[cfg(unix)]
        tokio::select! {
            _ = self.int.recv() => {}
            _ = self.term.recv() => {}
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
    }
}
