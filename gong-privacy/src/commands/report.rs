//! `report JOURNAL`: the evidence report of an erase run, beside the journal or in `--out`:
//! `evidence-RUN.html` (for people), `.json` and `.csv` (for machines), each written
//! atomically. A thin user of `gong_privacy::report`.

use std::path::{Path, PathBuf};

use gong_privacy::batch::journal::Journal;
use gong_privacy::report::{Evidence, EvidenceOptions, Redactor, write_atomically};

use crate::cli::args::{Cli, ReportArgs};
use crate::cli::exit::{self, Failure};
use crate::cli::output::{Json, emit, say};
use crate::cli::{Outcome, TOOL};
use crate::commands::erase::batch::journal_failure;

/// The environment variable holding the redaction key, when no key file is given.
const KEY_VARIABLE: &str = "GONG_PRIVACY_REDACT_KEY";

pub fn run(cli: &Cli, args: &ReportArgs) -> Outcome {
    let path = &args.journal;
    if !path.is_file() {
        return Err(Failure::usage(format!(
            "{}: no such journal (give the journal an `erase --from` run wrote)",
            path.display()
        )));
    }
    // Read without the lock: a report can be made while a verify runs.
    let contents = Journal::read(path).map_err(journal_failure)?;
    for warning in &contents.warnings {
        eprintln!("warning: {warning}");
    }
    let redactor = if args.redact {
        let key = redaction_key(args.redact_key_file.as_deref())?;
        Some(Redactor::new(&key).map_err(|e| Failure::usage(e.to_string()))?)
    } else {
        None
    };
    let journal = path.display().to_string();
    let options = EvidenceOptions {
        operator: cli.operator.as_deref(),
        redactor: redactor.as_ref(),
        ..EvidenceOptions::new(TOOL, &journal)
    };
    let evidence = Evidence::from_journal(&contents, args.run.as_deref(), &options)
        .map_err(|e| Failure::usage(format!("{journal}: {e}")))?;

    let dir = match &args.out {
        Some(dir) => dir.clone(),
        None => match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        },
    };
    std::fs::create_dir_all(&dir)
        .map_err(|e| Failure::failed(format!("{}: cannot create: {e}", dir.display())))?;
    let stem = format!(
        "evidence-{}{}",
        evidence.run.run_id,
        if redactor.is_some() { "-redacted" } else { "" }
    );
    let mut written = Vec::new();
    for (extension, content) in [
        ("html", evidence.to_html()),
        ("json", evidence.to_json()),
        ("csv", evidence.to_csv()),
    ] {
        let file = dir.join(format!("{stem}.{extension}"));
        write_atomically(&file, content.as_bytes())
            .map_err(|e| Failure::failed(format!("{}: cannot write: {e}", file.display())))?;
        written.push(file);
    }
    let t = &evidence.totals;
    if cli.json {
        emit(&Json::Report {
            run_id: evidence.run.run_id.clone(),
            files: written.iter().map(|f| f.display().to_string()).collect(),
            redacted: redactor.is_some(),
        });
    } else {
        say!(
            "Run {}: {} erased, {} held back, {} failed, {} deferred; verified: {} clean, {} still present, {} present again, {} lookup failed, {} not verified.",
            evidence.run.run_id,
            t.erased,
            t.held_back,
            t.failed,
            t.deferred,
            t.verified_clean,
            t.still_present,
            t.present_again,
            t.verify_failed,
            t.not_verified
        );
        for file in &written {
            say!("wrote {}", file.display());
        }
    }
    Ok(exit::DONE)
}

/// The key: the file's content without its final line break, or the environment variable.
fn redaction_key(file: Option<&Path>) -> Result<Vec<u8>, Failure> {
    match file {
        Some(file) => {
            let mut key = std::fs::read(file).map_err(|e| {
                Failure::usage(format!(
                    "--redact-key-file {}: cannot read: {e}",
                    file.display()
                ))
            })?;
            while key.last().is_some_and(|b| matches!(b, b'\n' | b'\r')) {
                key.pop();
            }
            Ok(key)
        }
        None => std::env::var_os(KEY_VARIABLE)
            .map(|v| v.into_encoded_bytes())
            .ok_or_else(|| {
                Failure::usage(format!(
                    "--redact needs a key: --redact-key-file FILE, or {KEY_VARIABLE} (e.g. \
                     `openssl rand -hex 32 > redact.key`; keep it to find a person's row later)"
                ))
            }),
    }
}
