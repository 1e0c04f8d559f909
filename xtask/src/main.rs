//! Repository automation for the Gong SDK workspace.
//!
//! ```text
//! cargo xtask generate [--strict]          upstream spec + patches -> openapi/gong-api.yaml -> gong-api/src/generated.rs
//! cargo xtask generate --check [--strict]  the same in memory; exit 1 with a diff when the committed files differ
//! ```
//!
//! Both print one line per rule that changed the spec on its way to progenitor, and one warning
//! per operation left out of the client; `--strict` makes a left-out operation a failure.

mod bundle;
mod check;
mod codegen;
#[cfg(test)]
mod corpus_tests;
mod downconvert;
mod error;
mod lenient;
mod manifest;
mod operations;
mod pipeline;
mod report;
mod responses;
#[cfg(test)]
mod scratch_build_tests;
mod spec;
#[cfg(test)]
mod test_support;
#[cfg(test)]
mod tests;
mod workspace;
mod yaml;

use std::path::Path;
use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask generate [--check] [--strict]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(("generate", flags)) = args.split_first().map(|(c, f)| (c.as_str(), f)) else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let mut check = false;
    let mut strict = false;
    for flag in flags {
        match flag.as_str() {
            "--check" => check = true,
            "--strict" => strict = true,
            _ => {
                eprintln!("{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let result = workspace::root().and_then(|root| run_generate(&root, check, strict));
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run_generate(root: &Path, check: bool, strict: bool) -> error::Result<bool> {
    pipeline::generate(root).and_then(|generation| {
        for line in generation.report.lines() {
            eprintln!("{line}");
        }
        let ok = if check {
            check_outputs(root, &generation)
        } else {
            write(root, &generation)?
        };
        if strict && !generation.report.skipped.is_empty() {
            eprintln!(
                "error: --strict: {} operation(s) left out of the client (see the warnings above)",
                generation.report.skipped.len()
            );
            return Ok(false);
        }
        Ok(ok)
    })
}

fn write(root: &Path, generation: &pipeline::Generation) -> error::Result<bool> {
    for (path, changed) in pipeline::write(root, generation)? {
        eprintln!("{} {path}", if changed { "wrote    " } else { "unchanged" });
    }
    Ok(true)
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
