//! The contract: the generated client's methods the rest of the workspace calls (the SDK's
//! privacy and CRM calls) may not be left out or change shape silently.
//!
//! The callers are found, not listed: every `.rs` file of every workspace member except
//! `gong-api` (the generated crate) and `xtask` is scanned for `.method(` where `method` is a
//! method of the committed client, so the contract follows the code when sources move or a new
//! crate (a CLI) appears. A regeneration that drops one of those methods, or changes its
//! signature, is an error naming the method, its operation and a file calling it, unless
//! `--accept-contract-changes` is given (then the callers must be updated in the same change).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::rust_api::Api;

/// The crates whose calls are not the contract: the generated crate and the generator.
const EXEMPT: [&str; 2] = ["gong-api", "xtask"];

/// The workspace's members, from the root manifest's `members = [...]`.
fn members(root: &Path) -> Result<Vec<String>> {
    let manifest = std::fs::read_to_string(root.join("Cargo.toml"))
        .map_err(|e| Error::in_file("Cargo.toml", format!("cannot read: {e}")))?;
    let start = manifest
        .find("members = [")
        .ok_or_else(|| Error::in_file("Cargo.toml", "no `members = [` in [workspace]"))?;
    let list = &manifest[start + "members = [".len()..];
    let list = &list[..list.find(']').unwrap_or(list.len())];
    Ok(list
        .split(',')
        .map(|m| m.trim().trim_matches('"').to_owned())
        .filter(|m| !m.is_empty())
        .collect())
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if path.is_dir() {
            if !matches!(name.to_str(), Some("target" | "node_modules" | ".git")) {
                rust_files(&path, out);
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The client methods (names in `methods`) `source` calls: `.name(` or `.name::<`.
pub fn calls_in(source: &str, methods: &BTreeSet<String>) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for (i, _) in source.match_indices('.') {
        let rest = &source[i + 1..];
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        let (name, after) = rest.split_at(end);
        if (after.starts_with('(') || after.starts_with("::<")) && methods.contains(name) {
            found.insert(name.to_owned());
        }
    }
    found
}

/// The methods of `Client` in a public API listing.
pub fn client_methods(api: &Api) -> BTreeSet<String> {
    api.keys()
        .filter_map(|k| k.strip_prefix("fn Client::"))
        .map(str::to_owned)
        .collect()
}

/// Every contracted method -> one file (relative to `root`) calling it.
pub fn called(root: &Path, methods: &BTreeSet<String>) -> Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for member in members(root)? {
        if EXEMPT.contains(&member.as_str()) {
            continue;
        }
        let mut files = Vec::new();
        rust_files(&root.join(&member), &mut files);
        files.sort();
        for file in files {
            let Ok(source) = std::fs::read_to_string(&file) else {
                continue;
            };
            let rel = file
                .strip_prefix(root)
                .unwrap_or(&file)
                .display()
                .to_string();
            for method in calls_in(&source, methods) {
                out.entry(method).or_insert_with(|| rel.clone());
            }
        }
    }
    Ok(out)
}

/// The contract broken by going from `old` to `new` (one line per method).
pub fn violations(old: &Api, new: &Api, called: &BTreeMap<String, String>) -> Vec<String> {
    let mut out = Vec::new();
    for (method, file) in called {
        let key = format!("fn Client::{method}");
        match (old.get(&key), new.get(&key)) {
            (Some(_), None) => out.push(format!(
                "`Client::{method}` (called in {file}) would be left out of the client"
            )),
            (Some(before), Some(after)) if before != after => out.push(format!(
                "`Client::{method}` (called in {file}) would change shape: `{before}` -> `{after}`"
            )),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_are_found_by_method_name() {
        let methods: BTreeSet<String> = ["purge_email_address", "list_erasure_requests"]
            .into_iter()
            .map(str::to_owned)
            .collect();
        let source = "let r = client\n    .purge_email_address(&email).await?;\n\
                      let s = self.raw.list_erasure_requests::<X>(a);\n\
                      let t = purge_email_address; x.purge_email_address_v2(1);";
        assert_eq!(calls_in(source, &methods), methods);
        assert!(calls_in("x.purge_email_addressx()", &methods).is_empty());
    }

    #[test]
    fn a_removed_or_reshaped_called_method_is_a_violation() {
        let api = |entries: &[(&str, &str)]| -> Api {
            entries
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect()
        };
        let old = api(&[
            ("fn Client::a", "fn a(&self, x: &str)"),
            ("fn Client::b", "fn b(&self)"),
            ("fn Client::c", "fn c(&self)"),
        ]);
        let new = api(&[
            ("fn Client::b", "fn b(&self, y: i64)"),
            ("fn Client::c", "fn c(&self)"),
        ]);
        let called: BTreeMap<String, String> = [("a", "x.rs"), ("b", "y.rs"), ("c", "z.rs")]
            .into_iter()
            .map(|(m, f)| (m.to_owned(), f.to_owned()))
            .collect();
        assert_eq!(
            violations(&old, &new, &called),
            [
                "`Client::a` (called in x.rs) would be left out of the client",
                "`Client::b` (called in y.rs) would change shape: `fn b(&self)` -> `fn b(&self, y: i64)`",
            ]
        );
    }

    /// `cargo xtask generate` with a patch that removes the operation gong-api-ext erases
    /// e-mail addresses with: an error naming it, nothing written; with
    /// `--accept-contract-changes`, a warning and the files are written.
    #[test]
    fn generate_refuses_to_drop_a_called_operation() {
        use crate::test_support::{cargo_xtask, copy_checkout, outer_target_dir, text};
        let copy = tempfile::tempdir().unwrap();
        let repo = copy.path();
        copy_checkout(repo);
        let patches = repo.join(crate::pipeline::PATCHES);
        let mut text_of = std::fs::read_to_string(&patches).unwrap();
        text_of.push_str(
            "\n- op: remove\n  path: /paths/~1data-privacy~1erase-data-for-email-address\n",
        );
        std::fs::write(&patches, text_of).unwrap();
        let before = std::fs::read_to_string(repo.join(crate::pipeline::GENERATED)).unwrap();
        let output = cargo_xtask(repo, &outer_target_dir(), &["generate"]);
        let (stdout, stderr) = text(&output);
        assert!(!output.status.success(), "{stdout}{stderr}");
        assert!(
            stderr.contains(
                "error: contract: `Client::purge_email_address` (called in gong-api-ext/"
            ),
            "{stderr}"
        );
        assert_eq!(
            before,
            std::fs::read_to_string(repo.join(crate::pipeline::GENERATED)).unwrap()
        );
        let output = cargo_xtask(
            repo,
            &outer_target_dir(),
            &["generate", "--accept-contract-changes"],
        );
        let (stdout, stderr) = text(&output);
        assert!(output.status.success(), "{stdout}{stderr}");
        assert!(
            stderr.contains("warning: contract: `Client::purge_email_address`"),
            "{stderr}"
        );
    }

    /// The real workspace: gong-api-ext calls the privacy operations, and they are found.
    #[test]
    fn the_workspace_calls_the_privacy_operations() {
        let root = crate::test_support::root();
        let source = std::fs::read_to_string(root.join(crate::pipeline::GENERATED)).unwrap();
        let api = crate::rust_api::public_api(&source).unwrap();
        let called = called(&root, &client_methods(&api)).unwrap();
        assert!(called.contains_key("purge_email_address"), "{called:?}");
        assert!(
            called
                .values()
                .all(|f| !f.starts_with("gong-api/") && !f.starts_with("xtask/")),
            "{called:?}"
        );
    }
}
