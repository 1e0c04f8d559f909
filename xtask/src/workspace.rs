//! Which checkout the xtask acts on: decided when it runs, never compiled in.
//!
//! A path compiled in with `env!("CARGO_MANIFEST_DIR")` is wrong as soon as two checkouts share
//! a target directory (a global `CARGO_TARGET_DIR` or `build.target-dir`, `git worktree`s, a CI
//! cache): cargo's fingerprint of a workspace member holds paths relative to the package, so the
//! binary built in the first checkout is fresh for the second, and `cargo xtask generate` there
//! would read and write the first one, and say "unchanged".

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::{Error, Result};
use crate::pipeline::PATCHES;

/// The root of the checkout the command was run in.
///
/// `cargo xtask` is an alias for `cargo run --package xtask`, and `cargo run` (like `cargo
/// test`) sets `CARGO_MANIFEST_DIR` and `CARGO_PKG_NAME` for the process it starts: the xtask
/// directory of the checkout cargo was invoked in. Run any other way (the binary by its path),
/// `cargo locate-project --workspace` finds the workspace around the current directory.
pub fn root() -> Result<PathBuf> {
    let from_cargo = std::env::var_os("CARGO_MANIFEST_DIR")
        .filter(|_| std::env::var_os("CARGO_PKG_NAME").as_deref() == Some("xtask".as_ref()));
    let root = match from_cargo {
        Some(manifest_dir) => PathBuf::from(manifest_dir)
            .parent()
            .map(Path::to_path_buf)
            .ok_or_else(|| Error::msg("CARGO_MANIFEST_DIR has no parent directory"))?,
        None => locate_workspace()?,
    };
    if !root.join(PATCHES).is_file() || !root.join("xtask/Cargo.toml").is_file() {
        return Err(Error::msg(format!(
            "{} is not this SDK's workspace (no {PATCHES} or xtask/Cargo.toml); run `cargo \
             xtask` inside the checkout",
            root.display()
        )));
    }
    Ok(root)
}

/// Asks cargo for the workspace around the current directory.
fn locate_workspace() -> Result<PathBuf> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    let output = Command::new(cargo)
        .args(["locate-project", "--workspace", "--message-format", "plain"])
        .output()
        .map_err(|e| Error::msg(format!("cannot run `cargo locate-project`: {e}")))?;
    if !output.status.success() {
        return Err(Error::msg(format!(
            "not inside a cargo workspace: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        )));
    }
    let manifest = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
    manifest
        .parent()
        .map(Path::to_path_buf)
        .ok_or_else(|| Error::msg("`cargo locate-project` printed no path"))
}

#[cfg(test)]
mod tests {
    use std::process::Output;

    use super::*;
    use crate::pipeline::BUNDLED;
    use crate::test_support::{cargo_xtask, copy_checkout, outer_target_dir, root};

    fn text(output: &Output) -> String {
        let (stdout, stderr) = crate::test_support::text(output);
        format!("{stdout}{stderr}")
    }

    /// Two copies of the checkout build into one target directory (this test's own, so the
    /// warm xtask binary is reused: the second copy gets the first one's binary, the setup in
    /// which a compiled-in path regenerates the wrong checkout). Each copy gets its own patch;
    /// `cargo xtask generate` in each must write exactly that copy's bundle.
    #[test]
    fn two_checkouts_sharing_a_target_dir_each_generate_their_own() {
        let real = root().join(BUNDLED);
        let real_before = std::fs::read_to_string(&real).unwrap();
        let copies = tempfile::tempdir().unwrap();
        let target = outer_target_dir();
        let checkouts: Vec<(PathBuf, &str)> = ["first", "second"]
            .into_iter()
            .map(|name| (copies.path().join(name), name))
            .collect();
        for (dir, name) in &checkouts {
            copy_checkout(dir);
            let patches = dir.join(PATCHES);
            let mut text = std::fs::read_to_string(&patches).unwrap();
            text.push_str(&format!(
                "\n- {{op: add, path: /info/x-checkout, value: {name}}}\n"
            ));
            std::fs::write(&patches, text).unwrap();
        }
        let mut failures = Vec::new();
        for (dir, name) in &checkouts {
            let output = cargo_xtask(dir, &target, &["generate"]);
            let bundle = std::fs::read_to_string(dir.join(BUNDLED)).unwrap();
            if !output.status.success() || !bundle.contains(&format!("x-checkout: {name}\n")) {
                failures.push(format!("{name}: {}", text(&output)));
            }
        }
        let real_after = std::fs::read_to_string(&real).unwrap();
        if real_after != real_before {
            // A regression wrote the checkout under test: put it back before failing.
            std::fs::write(&real, &real_before).unwrap();
            failures.push(format!("{} was written", real.display()));
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));

        // The binary run by its path, from a subdirectory, asks cargo where the workspace is.
        let (second, _) = &checkouts[1];
        let binary = target.join("debug/xtask");
        let output = bare(&binary, &second.join("openapi"), &["generate", "--check"]);
        assert!(output.status.success(), "{}", text(&output));
        assert!(text(&output).contains("generated files are up to date"));
        let outside = tempfile::tempdir().unwrap();
        let output = bare(&binary, outside.path(), &["generate"]);
        assert!(!output.status.success());
        assert!(
            text(&output).contains("not inside a cargo workspace"),
            "{}",
            text(&output)
        );
    }

    /// Runs the xtask binary directly, without the variables `cargo run` would set.
    fn bare(binary: &Path, dir: &Path, args: &[&str]) -> Output {
        Command::new(binary)
            .args(args)
            .current_dir(dir)
            .env_remove("CARGO_MANIFEST_DIR")
            .env_remove("CARGO_PKG_NAME")
            .output()
            .unwrap()
    }
}
