//! Reading a batch's input and telling the user what is about to happen, before anything does.

use std::io::Read as _;
use std::path::Path;
use std::time::Duration;

use gong_api_ext::lifecycle::Guard;
use gong_privacy::batch::input::{BatchInput, InputOptions, Layout, parse};
use gong_privacy::batch::run::{Plan, RunChoice, RunStart};

use crate::cli::args::{EraseArgs, FileArgs};
use crate::cli::exit::Failure;
use crate::cli::plural;

/// How many invalid rows the plan lists before it only counts.
const LISTED: usize = 20;

/// The input's name in messages and the journal: the path as given, `-` for standard input.
pub fn source_name(from: &Path) -> String {
    from.display().to_string()
}

/// Reads and parses the input: refused as a whole (exit 2) when its structure is broken.
pub fn read_input(from: &Path, file: &FileArgs) -> Result<BatchInput, Failure> {
    let source = source_name(from);
    let bytes = if from == Path::new("-") {
        let mut bytes = Vec::new();
        std::io::stdin()
            .lock()
            .read_to_end(&mut bytes)
            .map_err(|e| Failure::usage(format!("standard input: cannot read: {e}")))?;
        bytes
    } else if from.is_dir() {
        return Err(Failure::usage(format!(
            "{source}: is a directory; give the batch file itself"
        )));
    } else {
        std::fs::read(from).map_err(|e| Failure::usage(format!("{source}: cannot read: {e}")))?
    };
    let options = InputOptions {
        delimiter: file.delimiter,
        columns: file.columns.clone(),
        ignore_columns: file.ignore_columns.clone(),
        ..InputOptions::default()
    };
    parse(&bytes, &options).map_err(|e| {
        Failure::usage(match e.line() {
            Some(line) => format!("{source}:{line}: {}", e.reason()),
            None => format!("{source}: {}", e.reason()),
        })
    })
}

/// "UTF-8, CSV separated by ';', columns \"email\", \"Mobile\"" or "UTF-8, one subject per line".
fn layout(input: &BatchInput) -> String {
    match &input.layout {
        Layout::List => format!("{}, one subject per line", input.encoding),
        Layout::Csv {
            delimiter, columns, ..
        } => {
            let separator = match delimiter {
                b'\t' => "tabs".to_owned(),
                d => format!("'{}'", char::from(*d)),
            };
            let names: Vec<String> = columns
                .iter()
                .map(|c| format!("{:?}", c.name.trim()))
                .collect();
            format!(
                "{}, CSV separated by {separator}, {} {}",
                input.encoding,
                if names.len() == 1 {
                    "column"
                } else {
                    "columns"
                },
                names.join(", ")
            )
        }
    }
}

/// What the rows hold: unique subjects by kind, duplicates, and the invalid rows listed.
pub fn describe_rows(source: &str, input: &BatchInput, plan: &Plan) -> String {
    let first_rows = plan.to_send.iter().chain(&plan.already_erased);
    let emails = first_rows
        .filter(|&&i| {
            input.rows[i]
                .subject
                .as_ref()
                .is_ok_and(|s| s.kind() == "email")
        })
        .count();
    let mut text = format!(
        "{source} ({}): {}\n  {} ({}, {}), {}, {}",
        layout(input),
        plural(input.rows.len(), "row"),
        plural(plan.unique(), "unique subject"),
        if emails == 1 {
            "1 email address".to_owned()
        } else {
            format!("{emails} email addresses")
        },
        plural(plan.unique() - emails, "phone number"),
        plural(plan.duplicates.len(), "duplicate"),
        plural(plan.invalid.len(), "invalid row"),
    );
    if !plan.invalid.is_empty() {
        text.push(':');
        text.push_str(&list_invalid(source, input, plan));
    }
    text
}

/// The invalid rows, one per line with `FILE:LINE:`, the first [`LISTED`] of them.
pub fn list_invalid(source: &str, input: &BatchInput, plan: &Plan) -> String {
    let mut text = String::new();
    for &i in plan.invalid.iter().take(LISTED) {
        let row = &input.rows[i];
        let why = row.subject.as_ref().err().map(ToString::to_string);
        text.push_str(&format!(
            "\n    {source}:{}: {}",
            row.line,
            why.unwrap_or_default()
        ));
    }
    if plan.invalid.len() > LISTED {
        text.push_str(&format!("\n    … and {} more", plan.invalid.len() - LISTED));
    }
    text
}

/// The run line: new, resumed, restarted, or new because the file changed.
pub fn describe_run(source: &str, choice: &RunChoice, journal: &Path) -> String {
    let id = choice.identity.run_id();
    let how = match (&choice.start, &choice.changed_from) {
        (RunStart::New, None) => "new".to_owned(),
        (RunStart::New, Some(earlier)) => format!(
            "new: {source} changed since run {} of {}; subjects erased then are sent again",
            earlier.run_id, earlier.ts
        ),
        (RunStart::Resume, _) => "resumed from the journal".to_owned(),
        (RunStart::Restart { replaces }, _) => {
            format!("restarted: replaces run {replaces}; every subject is sent again")
        }
    };
    format!("  run {id} ({how}); journal {}", journal.display())
}

/// How long `calls` take at `rate` per second, roughly.
pub fn estimate(calls: usize, rate: f64) -> String {
    let seconds = calls as f64 / rate;
    if seconds < 1.0 {
        "under a second".into()
    } else {
        format!(
            "about {}",
            humantime::format_duration(Duration::from_secs(seconds.ceil() as u64))
        )
    }
}

/// The sending line: already done, to do, the calls it takes (a lookup before each erasure
/// unless `--no-preview`), time and budget.
pub fn describe_sending(plan: &Plan, rate: f64, left_today: Option<u32>, preview: bool) -> String {
    let subjects = plan.to_send.len();
    if subjects == 0 {
        return format!(
            "  {} erased earlier in this run; nothing left to erase: the run is complete",
            plan.already_erased.len()
        );
    }
    let each = gong_api_ext::lifecycle::Erasure::calls(preview);
    let calls = subjects * each as usize;
    let how = if preview {
        "a lookup before each erasure"
    } else {
        "no lookups: --no-preview"
    };
    let budget = match left_today {
        Some(0) => "; today's budget is used up: nothing can be sent before 00:00 UTC".to_owned(),
        Some(left) if left < each => format!(
            "; only {} left in today's budget, fewer than the {each} a subject needs: nothing \
             can be sent before 00:00 UTC",
            calls_left(left)
        ),
        Some(left) if (left as usize) < calls => format!(
            "; only {} left in today's budget: the rest will wait for tomorrow",
            calls_left(left)
        ),
        Some(left) => format!(", {calls} of the {left} calls left in today's budget"),
        None => String::new(),
    };
    format!(
        "  {} erased earlier in this run; {subjects} to erase now: {} ({how}), {} at {rate} requests/s{budget}",
        plan.already_erased.len(),
        plural(calls, "call"),
        estimate(calls, rate),
    )
}

/// "1 call is" or "3 calls are".
fn calls_left(left: u32) -> String {
    let verb = if left == 1 { "is" } else { "are" };
    format!("{} {verb}", plural(left as usize, "call"))
}

/// The blast-radius guard the erase options ask for.
pub fn guard(args: &EraseArgs) -> Guard {
    Guard {
        max_objects: args.max_objects,
        allow: args.allow_large,
        ..Guard::default()
    }
}
