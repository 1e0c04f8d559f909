//! The local file store: one JSON state file per company in a directory, read and written
//! under an exclusive OS file lock (`fs4`), so every process of the machine shares it, and it
//! survives restarts. Time is the wall clock, which every process of the machine shares. Not
//! for machines sharing a network directory: their clocks differ, and a difference over
//! [`STEP_US`](super::state::STEP_US) is taken for a clock set back, by each in turn, which
//! lets the one ahead go unpaced (`two_clocks_under_a_second_apart_are_never_a_step_back` in
//! the state's tests shows the pace holding under a second); Redis has one clock for all.
//!
//! The lock is taken on a separate `.lock` file that is never replaced; the state is written
//! to a temporary file and renamed over the old one, so a process killed mid-write leaves the
//! previous state, never a torn file. The state is not fsynced: a power cut can lose the last
//! few counts, never corrupt the file.

use std::fs::{self, File, OpenOptions};
use std::io::{ErrorKind, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use futures_util::future::{BoxFuture, FutureExt as _};

use super::state::{Admission, Policy, QuotaState, Snapshot, Throttle, micros};
use super::{CompanyKey, Store, StoreError};
use crate::error::Error;

/// `$XDG_STATE_HOME/gong-api-ext/quota` on Linux; the local data directory elsewhere.
pub(crate) fn default_dir() -> Result<PathBuf, Error> {
    let dirs = directories::ProjectDirs::from("", "", "gong-api-ext").ok_or_else(|| {
        Error::Config("no home directory to keep the local quota store in".into())
    })?;
    let base = dirs.state_dir().unwrap_or_else(|| dirs.data_local_dir());
    Ok(base.join("quota"))
}

pub(crate) struct FileStore {
    dir: Arc<PathBuf>,
}

impl FileStore {
    pub fn open(dir: PathBuf) -> Result<Self, Error> {
        fs::create_dir_all(&dir).map_err(|e| {
            Error::Config(format!(
                "cannot create the quota store directory {}: {e}",
                dir.display()
            ))
        })?;
        Ok(Self { dir: Arc::new(dir) })
    }

    /// Runs `f` on the company's state under the file lock, on a blocking thread.
    fn with_state<T: Send + 'static>(
        &self,
        key: &CompanyKey,
        f: impl FnOnce(&mut QuotaState, i64) -> T + Send + 'static,
    ) -> BoxFuture<'static, Result<T, StoreError>> {
        let dir = self.dir.clone();
        let name = file_name(key);
        async move {
            tokio::task::spawn_blocking(move || locked(&dir, &name, f))
                .await
                .map_err(|e| StoreError(format!("the quota store task failed: {e}")))?
        }
        .boxed()
    }
}

fn locked<T>(
    dir: &Path,
    name: &str,
    f: impl FnOnce(&mut QuotaState, i64) -> T,
) -> Result<T, StoreError> {
    let state_path = dir.join(format!("{name}.json"));
    let fail = |what: &str, e: std::io::Error| {
        StoreError(format!(
            "the local quota store could not {what} {}: {e}",
            state_path.display()
        ))
    };
    let lock = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join(format!("{name}.lock")))
        .map_err(|e| fail("open the lock of", e))?;
    fs4::FileExt::lock(&lock).map_err(|e| fail("lock", e))?;
    let mut state = match fs::read(&state_path) {
        Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
            StoreError(format!(
                "the local quota store file {} is unreadable ({e}); delete it to start afresh \
                 (today's count is then lost)",
                state_path.display()
            ))
        })?,
        Err(e) if e.kind() == ErrorKind::NotFound => QuotaState::default(),
        Err(e) => return Err(fail("read", e)),
    };
    let now = micros(
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap_or_default(),
    );
    let output = f(&mut state, now);
    let temporary = dir.join(format!("{name}.json.{}.tmp", std::process::id()));
    let bytes = serde_json::to_vec(&state).expect("the state serializes");
    File::create(&temporary)
        .and_then(|mut file| file.write_all(&bytes))
        .and_then(|()| fs::rename(&temporary, &state_path))
        .map_err(|e| fail("write", e))?;
    drop(lock);
    Ok(output)
}

/// The company key as a file name: letters, digits, `.` and `-` kept, every other byte as
/// `_xx` (so distinct keys never share a file).
fn file_name(key: &CompanyKey) -> String {
    let mut name = String::new();
    for byte in key.as_str().bytes() {
        if byte.is_ascii_alphanumeric() || byte == b'.' || byte == b'-' {
            name.push(char::from(byte));
        } else {
            name.push_str(&format!("_{byte:02x}"));
        }
    }
    name
}

impl Store for FileStore {
    fn acquire<'a>(
        &'a self,
        key: &'a CompanyKey,
        policy: &'a Policy,
    ) -> BoxFuture<'a, Result<Admission, StoreError>> {
        let policy = policy.clone();
        self.with_state(key, move |state, now| state.acquire(&policy, now))
    }

    fn throttled<'a>(
        &'a self,
        key: &'a CompanyKey,
        policy: &'a Policy,
        throttle: Throttle,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        let policy = policy.clone();
        self.with_state(key, move |state, now| {
            state.throttled(&policy, now, throttle)
        })
    }

    fn snapshot<'a>(&'a self, key: &'a CompanyKey) -> BoxFuture<'a, Result<Snapshot, StoreError>> {
        self.with_state(key, |state, now| state.snapshot(now))
    }

    fn describe(&self) -> String {
        format!("local file store at {}", self.dir.display())
    }
}

#[cfg(test)]
mod tests;
