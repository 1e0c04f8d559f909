//! Helpers the xtask's tests share: where the checkout is, its test data, and whole copies of
//! it for tests that run `cargo xtask` the way a maintainer does.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The checkout under test, found at run time like the xtask itself finds it.
pub fn root() -> PathBuf {
    crate::workspace::root().expect("the tests run inside the workspace")
}

/// A file or directory below `xtask/testdata/`.
pub fn testdata(rel: &str) -> PathBuf {
    root().join("xtask/testdata").join(rel)
}

/// Copies the checkout's files (not `target/`, `node_modules/` or `.git`) to `to`, keeping
/// each file's modification time: cargo then sees the copy exactly as it sees a second `git
/// worktree`, whose sources are no newer than the binaries already in a shared target directory.
pub fn copy_checkout(to: &Path) {
    fn walk(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            let name = entry.file_name();
            if matches!(name.to_str(), Some("target" | "node_modules" | ".git")) {
                continue;
            }
            let (from, to) = (entry.path(), to.join(&name));
            if entry.file_type().unwrap().is_dir() {
                walk(&from, &to);
            } else {
                std::fs::copy(&from, &to).unwrap();
                let modified = entry.metadata().unwrap().modified().unwrap();
                std::fs::File::options()
                    .write(true)
                    .open(&to)
                    .unwrap()
                    .set_modified(modified)
                    .unwrap();
            }
        }
    }
    walk(&root(), to);
}

/// The target directory this test binary was built in (`CARGO_TARGET_DIR`, or the directory
/// three levels above `target/debug/deps/xtask-…`). Copies of the checkout build into it too, so
/// a warm xtask build is reused and a test that runs `cargo xtask` costs no compilation.
pub fn outer_target_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(dir);
    }
    let exe = std::env::current_exe().unwrap();
    exe.ancestors()
        .nth(3)
        .expect("the test binary lives in <target>/<profile>/deps")
        .to_path_buf()
}

/// `cargo xtask ARGS` in `dir` with `target_dir` as the target directory, as a maintainer
/// would run it: the variables cargo set for this test process (`CARGO_MANIFEST_DIR`,
/// `CARGO_PKG_*`…) do not leak into it.
pub fn cargo_xtask_command(dir: &Path, target_dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO"));
    command.arg("xtask").args(args).current_dir(dir);
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        if name.starts_with("CARGO_MANIFEST_")
            || name.starts_with("CARGO_PKG_")
            || [
                "CARGO_CRATE_NAME",
                "CARGO_BIN_NAME",
                "CARGO_PRIMARY_PACKAGE",
                "CARGO_TARGET_TMPDIR",
            ]
            .contains(&&*name)
        {
            command.env_remove(&*name);
        }
    }
    command.env("CARGO_TARGET_DIR", target_dir);
    command
}

/// Runs [`cargo_xtask_command`].
pub fn cargo_xtask(dir: &Path, target_dir: &Path, args: &[&str]) -> Output {
    cargo_xtask_command(dir, target_dir, args).output().unwrap()
}

/// A command's standard output and error, for assertions and failure messages.
pub fn text(output: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}
