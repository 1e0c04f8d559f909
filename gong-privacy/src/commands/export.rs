//! `export email|phone SUBJECT --out DIR` and `export --from FILE --out DIR`: access requests.
//! For each subject, Gong's whole answer as JSON and a readable HTML summary, written
//! atomically. A thin user of `gong_privacy::report::AccessExport`.

use std::collections::HashSet;
use std::path::Path;

use futures_util::{StreamExt as _, stream};
use gong_api_ext::{GongClient, Subject};
use gong_privacy::batch::run::Plan;
use gong_privacy::report::{AccessExport, write_atomically};
use sha2::{Digest as _, Sha256};

use crate::cli::args::{Cli, ExportArgs};
use crate::cli::exit::{self, Failure, code_of, describe};
use crate::cli::output::{Json, emit, say};
use crate::cli::{Outcome, client, plural};
use crate::commands::erase::batch::gong_host;
use crate::commands::erase::plan::{list_invalid, read_input, source_name};
use crate::commands::erase::single::{describe_snapshot, subject};

pub async fn run(cli: &Cli, args: &ExportArgs) -> Outcome {
    let Some(out) = &args.out else {
        return Err(Failure::usage(
            "--out DIR is required: the directory to write each subject's files into",
        ));
    };
    let subjects: Vec<Subject> = match (&args.target, &args.from) {
        (Some(target), None) => vec![subject(target)?],
        (None, Some(from)) => {
            let source = source_name(from);
            let input = read_input(from, &args.file)?;
            let plan = Plan::new(&input, &Default::default());
            if !plan.invalid.is_empty() {
                eprintln!(
                    "{source}: {} not exported:{}",
                    plural(plan.invalid.len(), "invalid row"),
                    list_invalid(&source, &input, &plan)
                );
            }
            if plan.to_send.is_empty() {
                return Err(Failure::usage(format!(
                    "{source}: no valid subject to export"
                )));
            }
            plan.to_send
                .iter()
                .map(|&i| {
                    input.rows[i]
                        .subject
                        .clone()
                        .expect("planned rows are valid")
                })
                .collect()
        }
        _ => {
            return Err(Failure::usage(
                "name one subject (`export email ADDRESS`, `export phone NUMBER`) or a batch \
                 (`export --from FILE`)",
            ));
        }
    };
    std::fs::create_dir_all(out)
        .map_err(|e| Failure::usage(format!("{}: cannot create: {e}", out.display())))?;
    let (client, _) = client(cli)?;
    let host = gong_host(&client);
    let names = file_names(&subjects);
    let total = subjects.len();
    let mut lookups = stream::iter(subjects.into_iter().zip(names))
        .map(|(subject, name)| {
            let client: GongClient = client.clone();
            async move {
                let export = AccessExport::look_up(&client, &subject).await;
                (subject, name, export)
            }
        })
        .buffer_unordered(usize::from(args.concurrency));
    let (mut exported, mut failed) = (0, 0);
    let mut stop: Option<Failure> = None;
    while let Some((subject, name, export)) = lookups.next().await {
        match export {
            Ok(export) => {
                let files = [
                    (out.join(format!("{name}.json")), export.to_json()),
                    (
                        out.join(format!("{name}.html")),
                        export.to_html(host.as_deref()),
                    ),
                ];
                for (file, content) in &files {
                    write(file, content)?;
                }
                exported += 1;
                if cli.json {
                    emit(&Json::Export {
                        subject: subject.as_str().to_owned(),
                        objects: export.snapshot.objects(),
                        json: files[0].0.display().to_string(),
                        html: files[1].0.display().to_string(),
                    });
                } else {
                    say!(
                        "{subject}: {}; wrote {} and {}",
                        describe_snapshot(&export.snapshot),
                        files[0].0.display(),
                        files[1].0.display()
                    );
                }
            }
            Err(error) => {
                failed += 1;
                let code = code_of(&error);
                eprintln!("{subject}: lookup failed: {}", describe(&error));
                if matches!(code, exit::AUTH | exit::BUDGET) {
                    stop.get_or_insert(Failure::from_sdk(error));
                    break;
                }
            }
        }
    }
    if total > 1 {
        eprintln!(
            "{} of {total} exported, {failed} failed, to {}",
            plural(exported, "subject"),
            out.display()
        );
    }
    match stop {
        Some(failure) => Err(failure),
        None if failed > 0 => Ok(exit::FAILED),
        None => Ok(exit::DONE),
    }
}

fn write(file: &Path, content: &str) -> Result<(), Failure> {
    write_atomically(file, content.as_bytes())
        .map_err(|e| Failure::failed(format!("{}: cannot write: {e}", file.display())))
}

/// A file name for each subject: its text with characters outside `[A-Za-z0-9@._+-]` as `_`,
/// and when that changed it, or two names would differ only by case (one file on a
/// case-insensitive disk), 8 hex digits of its SHA-256 after it.
fn file_names(subjects: &[Subject]) -> Vec<String> {
    let mut seen: HashSet<String> = HashSet::new();
    subjects
        .iter()
        .map(|s| {
            let text = s.as_str();
            let safe: String = text
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || "@._+-".contains(c) {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
            let name = if safe != text || !seen.insert(safe.to_ascii_lowercase()) {
                let digest = Sha256::digest(text.as_bytes());
                let hex: String = digest[..4].iter().map(|b| format!("{b:02x}")).collect();
                format!("{safe}-{hex}")
            } else {
                safe
            };
            format!("{}-{name}", s.kind())
        })
        .collect()
}

#[cfg(test)]
mod tests;
