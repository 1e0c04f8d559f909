//! `erase --from FILE --dry-run`: the same input and plan, looked up instead of erased. Writes
//! no journal.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use futures_util::{StreamExt as _, future, stream};
use gong_api_ext::{BulkOptions, BulkStatus, GongClient, ReferenceCounts};
use gong_privacy::batch::input::BatchInput;
use gong_privacy::batch::run::Plan;

use crate::cli::Outcome;
use crate::cli::args::{Cli, EraseArgs};
use crate::cli::exit::{self, Failure, code_of, describe};
use crate::cli::output::{Json, Lookup, Summary, emit, say};
use crate::commands::erase::plan::{describe_rows, estimate};
use crate::commands::erase::single::describe as describe_counts;

pub async fn run(
    cli: &Cli,
    args: &EraseArgs,
    source: &str,
    input: &BatchInput,
    client: &GongClient,
) -> Outcome {
    let plan = Plan::new(input, &Default::default());
    eprintln!("{}", describe_rows(source, input, &plan));
    eprintln!(
        "  dry run: {} to look up, {} at {} requests/s; nothing is erased or written",
        plan.to_send.len(),
        estimate(plan.to_send.len(), cli.rate),
        cli.rate
    );
    if cli.json {
        let first_of: std::collections::HashMap<usize, usize> =
            plan.duplicates.iter().copied().collect();
        for &i in plan
            .invalid
            .iter()
            .chain(plan.duplicates.iter().map(|(d, _)| d))
        {
            let row = &input.rows[i];
            let mut lookup = lookup_of(input, i);
            match &row.subject {
                Err(why) => {
                    lookup.status = "invalid";
                    lookup.error = Some(why.to_string());
                }
                Ok(_) => {
                    lookup.status = "duplicate";
                    lookup.first_line = first_of.get(&i).map(|&f| input.rows[f].line);
                }
            }
            emit(&Json::Lookup(lookup));
        }
    }

    let subjects: Vec<String> = plan
        .to_send
        .iter()
        .map(|&i| lookup_of(input, i).subject.unwrap_or_default())
        .collect();
    // A refusal that would repeat for every subject (credentials, budget) stops the run.
    let gate = Arc::new(AtomicBool::new(false));
    let open = gate.clone();
    let total = subjects.len();
    let feed =
        stream::iter(subjects).take_while(move |_| future::ready(!open.load(Ordering::SeqCst)));
    let mut outcomes = client.lookup_stream(
        feed,
        Some(total),
        BulkOptions {
            concurrency: usize::from(args.concurrency),
            on_progress: None,
        },
    );
    let (mut looked_up, mut with_data, mut failed) = (0, 0, 0);
    let mut totals = ReferenceCounts::default();
    let mut stop: Option<(u8, String)> = None;
    while let Some(outcome) = outcomes.next().await {
        let mut lookup = lookup_of(input, plan.to_send[outcome.index]);
        match outcome.status {
            BulkStatus::Done(counts) => {
                looked_up += 1;
                with_data += usize::from(!counts.is_empty());
                totals.add(&counts);
                lookup.counts = Some(counts);
            }
            BulkStatus::Failed(error) => {
                failed += 1;
                let why = describe(&error);
                let code = code_of(&error);
                if exit::stops_batch(code) {
                    gate.store(true, Ordering::SeqCst);
                    stop.get_or_insert((code, why.clone()));
                } else {
                    eprintln!(
                        "{source}:{}: {}: lookup failed: {why}",
                        lookup.line.unwrap_or_default(),
                        outcome.input
                    );
                }
                lookup.status = "failed";
                lookup.error = Some(why);
            }
            BulkStatus::Invalid(why) => {
                lookup.status = "invalid";
                lookup.error = Some(why.to_string());
            }
            BulkStatus::Duplicate { .. } => lookup.status = "duplicate",
        }
        if cli.json {
            emit(&Json::Lookup(lookup));
        }
    }
    let code = match &stop {
        Some((code, _)) => *code,
        None if failed > 0 => exit::FAILED,
        None => exit::DONE,
    };
    if cli.json {
        emit(&Json::Summary(Summary {
            operation: "lookup",
            source: source.to_owned(),
            rows: input.rows.len(),
            unique: plan.unique(),
            invalid: plan.invalid.len(),
            duplicates: plan.duplicates.len(),
            looked_up: Some(looked_up),
            with_data: Some(with_data),
            totals: Some(totals),
            failed,
            exit_code: code,
            ..Summary::default()
        }));
    } else {
        say!(
            "{source} (dry run, nothing erased): {looked_up} looked up, {with_data} with data in Gong, {} invalid, {} duplicate, {failed} failed. Found: {}",
            plan.invalid.len(),
            plan.duplicates.len(),
            describe_counts(&totals)
        );
    }
    match stop {
        Some((code, why)) => Err(Failure { code, message: why }),
        None => Ok(code),
    }
}

/// A lookup line for row `i`, status `found` until told otherwise.
fn lookup_of(input: &BatchInput, i: usize) -> Lookup {
    let row = &input.rows[i];
    let subject = row.subject.as_ref().ok();
    Lookup {
        line: Some(row.line),
        column: row.column.clone(),
        input: row.input.clone(),
        subject: subject.map(|s| s.as_str().to_owned()),
        kind: subject.map(|s| s.kind().to_owned()),
        status: "found",
        ..Lookup::default()
    }
}
