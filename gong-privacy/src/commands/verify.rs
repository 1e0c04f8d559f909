//! `verify JOURNAL`: look every subject an erase run erased up again, and journal whether it is
//! gone. A thin user of `gong_privacy::batch::verify` (which rows, which pass, resume) and
//! `gong_api_ext::lifecycle` (what a lookup says about an erasure).
//!
//! Resumes like `erase`: one process at a time (the journal's lock), and a pass that stopped
//! early (budget, credentials, Ctrl-C, failed lookups) is continued by the next invocation.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use futures_util::{StreamExt as _, future, stream};
use gong_api_ext::lifecycle::{Timestamp, Verification, VerifyResult};
use gong_privacy::batch::journal::{Journal, Record};
use gong_privacy::batch::run::RunStart;
use gong_privacy::batch::verify::{Row, VerifyPass, erase_run, rows};

use crate::cli::args::{Cli, VerifyArgs};
use crate::cli::exit::{self, Failure, code_of, describe};
use crate::cli::output::{Json, emit, say};
use crate::cli::{Outcome, TOOL, client, plural, quota_today};
use crate::commands::erase::batch::{Interrupts, journal_failure, progress_bar, run_record};
use crate::commands::erase::plan::estimate;
use crate::commands::erase::single::describe as describe_counts;

pub async fn run(cli: &Cli, args: &VerifyArgs) -> Outcome {
    let path = &args.journal;
    if !path.is_file() {
        return Err(Failure::usage(format!(
            "{}: no such journal (give the journal an `erase --from` run wrote)",
            path.display()
        )));
    }
    let mut journal = Journal::open(path).map_err(journal_failure)?;
    for warning in &journal.contents().warnings {
        eprintln!("warning: {warning}");
    }
    let contents = journal.contents().clone();
    let Some(erase) = erase_run(&contents, args.run.as_deref()) else {
        return Err(Failure::usage(match &args.run {
            Some(id) => format!("{}: has no erase run {id}", path.display()),
            None => format!("{}: has no erase run to verify", path.display()),
        }));
    };
    let rows = rows(&contents, &erase.run_id);
    let pass = VerifyPass::choose(&contents, &erase.run_id, &rows);
    let erased = rows.iter().filter(|r| r.is_erased()).count();
    if erased == 0 {
        say!(
            "{}: run {} erased no subject; nothing to verify",
            path.display(),
            erase.run_id
        );
        return Ok(exit::DONE);
    }
    let (client, limiter) = client(cli)?;
    let header = run_record(cli, &client, pass.run_record(erase, TOOL));
    if let (Some(then), Some(now)) = (&erase.host, &header.host)
        && then != now
    {
        return Err(Failure::usage(format!(
            "run {} erased at {then}, but this verify would ask {now}: another Gong (or \
             company) would find nothing and prove nothing. Set --base-url (or GONG_BASE_URL) to \
             {then}",
            erase.run_id
        )));
    }
    let lookups = pass.to_verify.len();
    eprintln!(
        "{}: run {} of {} ({}), {}",
        path.display(),
        erase.run_id,
        erase.source,
        erase.ts,
        plural(erased, "erased subject")
    );
    eprintln!(
        "  verify pass {} ({}); {} to look up: {} at {} requests/s{}",
        pass.pass,
        match pass.start {
            RunStart::Resume => format!("resumed: {} verified already", pass.verified),
            _ => "new".to_owned(),
        },
        lookups,
        estimate(lookups, cli.rate),
        cli.rate,
        match quota_today(&limiter).await?.remaining_today() {
            Some(left) => format!(", {lookups} of the {left} calls left in today's budget"),
            None => String::new(),
        }
    );
    journal
        .append_one(Record::Run(header))
        .map_err(journal_failure)?;
    let stop = verify_all(
        cli,
        args,
        &client,
        &mut journal,
        &rows,
        &pass,
        &erase.source,
    )
    .await;

    // The pass as the journal now has it (earlier invocations of a resumed pass included).
    let contents = journal.contents();
    let now = rows_of_pass(
        &gong_privacy::batch::verify::rows(contents, &erase.run_id),
        &pass,
    );
    let count = |result| now.iter().filter(|r| **r == Some(result)).count();
    let (clean, still, again, failed) = (
        count(VerifyResult::Clean),
        count(VerifyResult::StillPresent),
        count(VerifyResult::PresentAgain),
        count(VerifyResult::Failed),
    );
    let unverified = now.iter().filter(|r| r.is_none()).count();
    let code = match &stop {
        Some((code, _)) => *code,
        None if failed > 0 => exit::FAILED,
        None if still + again > 0 => exit::NOT_CLEAN,
        None => exit::DONE,
    };
    if cli.json {
        emit(&Json::VerifySummary {
            run_id: pass.run_id(),
            verifies: erase.run_id.clone(),
            pass: pass.pass,
            journal: path.display().to_string(),
            erased,
            clean,
            still_present: still,
            present_again: again,
            failed,
            not_verified: unverified,
            exit_code: code,
        });
    } else {
        say!(
            "Verify pass {} of run {}: {clean} clean, {still} still present, {again} present again, {failed} failed, {unverified} not looked up yet; {} in all. Journal {}",
            pass.pass,
            erase.run_id,
            plural(erased, "erased subject"),
            path.display()
        );
    }
    let again_cmd = resume_command();
    match stop {
        Some((_, why)) => eprintln!("{why}. Continue the pass with: {again_cmd}"),
        None if failed > 0 => eprintln!(
            "{} could not be looked up; rerun to retry them: {again_cmd}",
            plural(failed, "subject")
        ),
        None if again > 0 => eprintln!(
            "{} present again after a clean lookup: erase it at its source (CRM, email system), \
             then again in Gong (gong-privacy erase email|phone SUBJECT). Verify again with: \
             {again_cmd}",
            plural(again, "subject")
        ),
        None if still > 0 => eprintln!(
            "Not all gone yet: Gong erases within hours. Verify again later with: {again_cmd}"
        ),
        None => {}
    }
    Ok(code)
}

/// Each erased row's result in `pass` (the latest, for a row verified twice in it), `None`
/// when the pass has none yet.
fn rows_of_pass(rows: &[Row<'_>], pass: &VerifyPass) -> Vec<Option<VerifyResult>> {
    let run_id = pass.run_id();
    rows.iter()
        .filter(|r| r.is_erased())
        .map(|r| {
            r.verifications
                .iter()
                .rev()
                .find(|v| v.run_id == run_id)
                .map(|v| v.verification.result)
        })
        .collect()
}

/// Looks up every row the pass has left; returns the exit code and message of an early stop.
async fn verify_all(
    cli: &Cli,
    args: &VerifyArgs,
    client: &gong_api_ext::GongClient,
    journal: &mut Journal,
    rows: &[Row<'_>],
    pass: &VerifyPass,
    source: &str,
) -> Option<(u8, String)> {
    let erasures: Vec<_> = pass
        .to_verify
        .iter()
        .map(|&i| {
            (
                i,
                rows[i].erasure().expect("erased rows have a valid subject"),
            )
        })
        .collect();
    let gate = Arc::new(AtomicBool::new(false));
    let open = gate.clone();
    let client = client.clone();
    let bar = progress_bar(erasures.len());
    let mut interrupts = Interrupts::new(bar.clone());
    let mut outcomes = stream::iter(erasures)
        .take_while(move |_| future::ready(!open.load(Ordering::SeqCst)))
        .map(move |(i, mut erasure)| {
            let client = client.clone();
            async move {
                let result = erasure.verify(&client).await.cloned();
                let sent = erasure.request.as_ref().map(|r| r.at);
                (i, sent, result)
            }
        })
        .buffer_unordered(usize::from(args.concurrency));
    let mut stop: Option<(u8, String)> = None;
    loop {
        tokio::select! {
            next = outcomes.next() => {
                let Some((i, sent, result)) = next else { break };
                bar.inc(1);
                let verification = match result {
                    Ok(v) => v,
                    Err(error) => {
                        let code = code_of(&error);
                        let why = describe(&error);
                        if matches!(code, exit::AUTH | exit::BUDGET) {
                            // Nothing is known about this subject: the pass stays open for it.
                            gate.store(true, Ordering::SeqCst);
                            stop.get_or_insert((code, why));
                            continue;
                        }
                        Verification::failed(Timestamp::now(), sent, why)
                    }
                };
                let record = pass.record(&rows[i], verification);
                bar.suspend(|| report_line(source, &rows[i], &record.verification));
                if let Err(e) = journal.append_one(Record::Verify(record.clone())) {
                    gate.store(true, Ordering::SeqCst);
                    let json = serde_json::to_string(&Record::Verify(record)).expect("serialises");
                    bar.suspend(|| eprintln!("not journaled: {json}"));
                    stop.get_or_insert((exit::FAILED, format!("error: {e}")));
                    continue;
                }
                if cli.json {
                    emit(&Json::Verify(&record));
                }
            }
            () = interrupts.next(), if stop.is_none() => {
                gate.store(true, Ordering::SeqCst);
                bar.suspend(|| eprintln!("Interrupted: no new lookup is sent; finishing those in flight (Ctrl-C again to quit at once)."));
                stop = Some((exit::INTERRUPTED, "Interrupted".into()));
            }
        }
    }
    bar.finish_and_clear();
    stop
}

/// One line on standard error for a subject that is not clean: `SOURCE:LINE: SUBJECT: …`.
fn report_line(source: &str, row: &Row<'_>, v: &Verification) {
    let place = format!(
        "{source}:{}: {}",
        row.record.line.unwrap_or_default(),
        row.record.subject.as_deref().unwrap_or_default()
    );
    let since = v
        .since_erase()
        .map(|d| {
            format!(
                " {} after the erase",
                humantime::format_duration(Duration::from_secs(d.as_secs()))
            )
        })
        .unwrap_or_default();
    let found = v
        .found
        .as_ref()
        .map(|f| describe_counts(&f.counts))
        .unwrap_or_default();
    match v.result {
        VerifyResult::Clean => {}
        VerifyResult::StillPresent if v.is_overdue() => eprintln!(
            "{place}: still present{since} ({found}): overdue; Gong may have refused the \
             erasure (its data integrity protection). Ask Gong's support with the erase's \
             requestId {}",
            row.record.request_id.as_deref().unwrap_or("?")
        ),
        VerifyResult::StillPresent => eprintln!("{place}: still present{since} ({found})"),
        VerifyResult::PresentAgain => eprintln!(
            "{place}: present again{since} ({found}): clean before, imported again (a CRM or \
             email re-sync?). Erase it at the source, then again in Gong"
        ),
        VerifyResult::Failed => eprintln!(
            "{place}: lookup failed: {}",
            v.error.as_deref().unwrap_or_default()
        ),
    }
}

/// The command that continues or repeats the verification: the same arguments.
fn resume_command() -> String {
    let args: Vec<String> = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    shlex::try_join(args.iter().map(String::as_str)).unwrap_or_else(|_| args.join(" "))
}
