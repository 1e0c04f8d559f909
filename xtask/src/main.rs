//! Repository automation for the Gong SDK workspace.
//!
//! ```text
//! cargo xtask generate          upstream spec + patches -> openapi/gong-api.yaml -> gong-api/src/generated.rs
//! cargo xtask generate --check  the same in memory; exit 1 with a diff when the committed files differ
//! ```

mod bundle;
mod check;
mod codegen;
mod downconvert;
mod error;
mod pipeline;
mod progenitor_form;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask generate [--check]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let root = workspace_root();
    match args.as_slice() {
        ["generate"] => report(write(&root)),
        ["generate", "--check"] => report(check(&root)),
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// The workspace root: the parent of this crate's manifest directory.
fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives inside the workspace")
        .to_path_buf()
}

fn report(result: error::Result<bool>) -> ExitCode {
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn write(root: &Path) -> error::Result<bool> {
    for out in pipeline::generate(root)? {
        let path = pipeline::path_of(root, out.path);
        let unchanged = std::fs::read_to_string(&path).is_ok_and(|c| c == out.contents);
        if !unchanged {
            std::fs::write(&path, &out.contents)
                .map_err(|e| error::Error::in_file(out.path, format!("cannot write: {e}")))?;
        }
        eprintln!(
            "{} {}",
            if unchanged { "unchanged" } else { "wrote    " },
            out.path
        );
    }
    Ok(true)
}

fn check(root: &Path) -> error::Result<bool> {
    let drift = check::drift(root, &pipeline::generate(root)?);
    for d in &drift {
        print!("{}", d.diff);
    }
    if drift.is_empty() {
        eprintln!("generated files are up to date");
        return Ok(true);
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
    Ok(false)
}
