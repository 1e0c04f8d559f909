//! Repository automation for the Gong SDK workspace.
//!
//! ```text
//! cargo xtask generate [--strict]          upstream spec + patches -> openapi/gong-api.yaml -> gong-api/src/generated.rs
//! cargo xtask generate --check [--strict]  the same in memory; exit 1 with a diff when the committed files differ
//! cargo xtask upstream FILE [--strict]     vendor FILE (JSON or YAML, OpenAPI 3.0 or 3.1) as the upstream spec, then generate
//! ```
//!
//! All print one line per rule that changed the spec on its way to progenitor, and one warning
//! per operation left out of the client; `--strict` makes a left-out operation a failure.
//! Whenever the bundled spec changes they print a change report (spec changes by rule, the
//! diff of `gong-api`'s public Rust API, proposed versions), which `generate` and `upstream`
//! also append to `openapi/CHANGELOG.md`; `--check` writes nothing.

mod anchor;
mod bundle;
mod change_report;
#[cfg(test)]
mod change_tests;
mod changes;
mod check;
mod codegen;
mod contract;
mod corpus;
#[cfg(test)]
mod corpus_tests;
mod degrade;
mod downconvert;
mod error;
mod example_glue;
mod isolate;
mod lenient;
mod manifest;
mod names;
mod operations;
mod pipeline;
mod refs;
mod report;
mod responses;
mod rust_api;
mod schema_rules;
#[cfg(test)]
mod scratch_build_tests;
mod spec;
#[cfg(test)]
mod test_support;
#[cfg(test)]
mod tests;
mod upstream;
mod workspace;
mod yaml;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask generate [--check] [--strict]
       cargo xtask upstream FILE [--strict] [--accept-contract-changes]
       cargo xtask corpus DIR [--build N] [--seed S] [--ci [--bless]] [--jobs J] [--out FILE]
                          [--anchor PATH/TO/cargo-progenitor]";

/// What `generate` and `upstream` were asked to do.
struct Options {
    check: bool,
    strict: bool,
    accept_contract_changes: bool,
}

fn main() -> ExitCode {
    isolate::with_big_stack(run)
}

fn run() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("__progenitor") {
        return isolate::child_main(codegen::produce);
    }
    if let Ok(exe) = std::env::current_exe() {
        isolate::in_child_processes(exe);
    }
    match args.first().map(String::as_str) {
        Some("__corpus_one") => {
            return match &args[1..] {
                [file] => corpus::one(Path::new(file), None),
                [file, keep] => corpus::one(Path::new(file), Some(Path::new(keep))),
                _ => usage(),
            };
        }
        Some("corpus") => return corpus_command(&args[1..]),
        _ => {}
    }
    let (command, rest) = match args.split_first() {
        Some((command, rest)) => (command.as_str(), rest),
        None => ("", &[][..]),
    };
    let (files, flags): (Vec<&String>, Vec<&String>) =
        rest.iter().partition(|a| !a.starts_with("--"));
    let mut options = Options {
        check: false,
        strict: false,
        accept_contract_changes: false,
    };
    for flag in flags {
        match (command, flag.as_str()) {
            ("generate", "--check") => options.check = true,
            (_, "--strict") => options.strict = true,
            (_, "--accept-contract-changes") => options.accept_contract_changes = true,
            _ => return usage(),
        }
    }
    let result = match (command, files.as_slice()) {
        ("generate", []) => workspace::root().and_then(|root| {
            let generation = pipeline::generate(&root)?;
            finish(&root, generation, &options, "cargo xtask generate").map(Exit::from)
        }),
        ("upstream", [file]) => workspace::root().and_then(|root| {
            let vendored = upstream::vendor(&root, Path::new(file.as_str()))?;
            let command = format!("cargo xtask upstream {file}");
            if !vendored.rotten.is_empty() {
                return rotten(&root, &vendored, &command).map(|()| Exit::Rotten);
            }
            let generation = pipeline::generate_as(&root, &vendored.label)?;
            finish(&root, generation, &options, &command).map(Exit::from)
        }),
        _ => return usage(),
    };
    match result {
        Ok(Exit::Ok) => ExitCode::SUCCESS,
        Ok(Exit::Failed) => ExitCode::FAILURE,
        Ok(Exit::Rotten) => ExitCode::from(upstream::ROTTEN_PATCHES_EXIT),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// How `generate` and `upstream` end.
enum Exit {
    Ok,
    Failed,
    /// Patch operations no longer apply ([`upstream::ROTTEN_PATCHES_EXIT`]).
    Rotten,
}

impl From<bool> for Exit {
    fn from(ok: bool) -> Self {
        if ok { Exit::Ok } else { Exit::Failed }
    }
}

/// `cargo xtask upstream FILE` when patch operations no longer apply: the list of them (why
/// each fails) first, then the change report of the new upstream with the patches that still
/// apply; nothing but the vendored file is written.
fn rotten(root: &Path, vendored: &upstream::Vendored, command: &str) -> error::Result<()> {
    let n = vendored.rotten.len();
    eprintln!(
        "error: {}: {n} patch operation(s) no longer apply:",
        pipeline::PATCHES
    );
    for line in &vendored.rotten {
        eprintln!("  {line}");
    }
    println!("### Patch operations that no longer apply: {n}\n");
    for line in &vendored.rotten {
        println!("- {line}");
    }
    println!();
    let generation = pipeline::generate_with(root, &vendored.label, true)?;
    for line in generation.report.lines() {
        eprintln!("{line}");
    }
    match change_report::for_generation(root, &generation, command)? {
        Some(changes) => {
            println!(
                "The change report below is of the new upstream with the other patches applied.\n"
            );
            print!("{changes}");
        }
        None => println!("With the other patches applied, the bundled spec would not change."),
    }
    eprintln!(
        "error: nothing else was written (exit code {}): fix {} for the new upstream, then run \
         `cargo xtask generate` (it bundles, generates and prints the change report)",
        upstream::ROTTEN_PATCHES_EXIT,
        pipeline::PATCHES
    );
    Ok(())
}

/// `cargo xtask corpus DIR [--build N] [--seed S] [--ci [--bless]] [--jobs J] [--out FILE]`.
fn corpus_command(args: &[String]) -> ExitCode {
    let mut options = corpus::Options {
        dir: PathBuf::new(),
        build: 0,
        seed: 24,
        ci: false,
        bless: false,
        jobs: std::thread::available_parallelism().map_or(2, |n| n.get()),
        out: None,
        anchor: None,
    };
    let mut dir = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = || args.next().cloned();
        let ok = match arg.as_str() {
            "--build" => value()
                .and_then(|v| v.parse().ok())
                .map(|n| options.build = n),
            "--seed" => value()
                .and_then(|v| v.parse().ok())
                .map(|n| options.seed = n),
            "--jobs" => value()
                .and_then(|v| v.parse().ok())
                .map(|n| options.jobs = n),
            "--out" => value().map(|v| options.out = Some(PathBuf::from(v))),
            "--anchor" => value().map(|v| options.anchor = Some(PathBuf::from(v))),
            "--ci" => {
                options.ci = true;
                Some(())
            }
            "--bless" => {
                options.bless = true;
                Some(())
            }
            other if !other.starts_with("--") && dir.is_none() => {
                dir = Some(PathBuf::from(other));
                Some(())
            }
            _ => None,
        };
        if ok.is_none() {
            return usage();
        }
    }
    let Some(dir) = dir else { return usage() };
    options.dir = dir;
    match workspace::root().and_then(|root| corpus::run(&root, &options)) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn usage() -> ExitCode {
    eprintln!("{USAGE}");
    ExitCode::from(2)
}

/// Reports a generation's rules, writes it (or checks it), and prints and records the change
/// report when the bundled spec changes.
fn finish(
    root: &Path,
    generation: pipeline::Generation,
    options: &Options,
    command: &str,
) -> error::Result<bool> {
    for line in generation.report.lines() {
        eprintln!("{line}");
    }
    let broken = contract_violations(root, &generation)?;
    for line in &broken {
        let level = if options.accept_contract_changes {
            "warning"
        } else {
            "error"
        };
        eprintln!("{level}: contract: {line}");
    }
    if !broken.is_empty() && !options.accept_contract_changes {
        eprintln!(
            "error: nothing was written: the workspace calls these operations; restore them with \
             a patch, or pass --accept-contract-changes and update the callers in the same change"
        );
        return Ok(false);
    }
    // Read the committed files before anything is written over them.
    let changes = change_report::for_generation(root, &generation, command)?;
    let ok = if options.check {
        if let Some(changes) = &changes {
            eprintln!("regenerating would change the bundled spec; the change report:");
            print!("{changes}");
        }
        check_outputs(root, &generation)
    } else {
        for (path, changed) in pipeline::write(root, &generation)? {
            eprintln!("{} {path}", if changed { "wrote    " } else { "unchanged" });
        }
        if let Some(changes) = &changes {
            print!("{changes}");
            change_report::append_to_changelog(root, changes)?;
            eprintln!("appended the change report to {}", change_report::CHANGELOG);
        }
        true
    };
    if options.strict && generation.report.omissions() > 0 {
        eprintln!(
            "error: --strict: {} omission(s): operations left out, schemas untyped or mocks \
             left out (see the warnings above)",
            generation.report.omissions()
        );
        return Ok(false);
    }
    Ok(ok)
}

/// The contract (see `contract`) the new client would break against the committed one.
fn contract_violations(
    root: &Path,
    generation: &pipeline::Generation,
) -> error::Result<Vec<String>> {
    let Ok(committed) = std::fs::read_to_string(pipeline::path_of(root, pipeline::GENERATED))
    else {
        return Ok(Vec::new());
    };
    let new = generation
        .outputs
        .iter()
        .find(|o| o.path == pipeline::GENERATED)
        .map(|o| o.contents.as_str())
        .unwrap_or_default();
    let old_api = rust_api::public_api(&committed).map_err(|e| e.with_file(pipeline::GENERATED))?;
    let new_api = rust_api::public_api(new)?;
    let called = contract::called(root, &contract::client_methods(&old_api))?;
    Ok(contract::violations(&old_api, &new_api, &called))
}

fn check_outputs(root: &Path, generation: &pipeline::Generation) -> bool {
    let drift = check::drift(root, &generation.outputs);
    for d in &drift {
        print!("{}", d.diff);
    }
    if drift.is_empty() {
        eprintln!("generated files are up to date");
        return true;
    }
    if drift.iter().any(|d| d.path == pipeline::MANIFEST) {
        let committed = std::fs::read_to_string(pipeline::path_of(root, pipeline::MANIFEST))
            .unwrap_or_default();
        for line in manifest::drift(&committed, &generation.dependencies) {
            eprintln!("error: {line}");
        }
    }
    eprintln!(
        "error: {} differ from a fresh `cargo xtask generate`; never edit them by hand: \
         change openapi/patches.yaml and regenerate",
        drift
            .iter()
            .map(|d| d.path)
            .collect::<Vec<_>>()
            .join(" and ")
    );
    false
}
