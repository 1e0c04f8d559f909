//! Where a company's quota lives: Gong's limits (3 calls per second, 10,000 per day) are per
//! company, shared by every process and machine using its credentials, so the pace, the pause
//! after a 429 and the daily count live in a [`QuotaStore`] keyed by company ([`CompanyKey`]:
//! the API host and the credential's id, never the secret).
//!
//! | store | shared by | pick it for |
//! | --- | --- | --- |
//! | [`QuotaStore::memory`] (the library's default) | the clients built with the same store handle, in one process | one long-lived process, tests |
//! | [`QuotaStore::local`] (feature `file-store`; the CLI's default) | every process of one machine and user, across restarts (a file under the user's state directory, behind an OS file lock) | scripts and CLI runs on one machine, cron jobs |
//! | [`QuotaStore::redis`] (feature `redis`) | every process on every machine using that Redis | services with several replicas or machines |
//!
//! Every store runs the same state machine (the GCRA pace, the shared pause, the adaptive share
//! and the UTC day's count; see [`RateLimiter`](crate::RateLimiter)): the memory and file stores
//! in Rust, Redis atomically in a Lua script, on Redis's clock so that machines whose clocks
//! differ still agree.
//!
//! ```
//! use gong_api_ext::{GongClient, QuotaStore};
//!
//! let store = QuotaStore::memory();
//! // Two clients of one company (same host and access key) share the quota through the store.
//! let a = GongClient::builder().basic_auth("KEY", "s1").quota_store(store.clone()).build()?;
//! let b = GongClient::builder().basic_auth("KEY", "s1").quota_store(store).build()?;
//! # Ok::<(), gong_api_ext::Error>(())
//! ```

#[cfg(feature = "file-store")]
mod file;
mod gate;
pub(crate) mod memory;
#[cfg(feature = "redis")]
mod redis;
pub(crate) mod state;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use futures_util::future::BoxFuture;

use crate::error::Error;
use state::{Admission, Policy, Snapshot, Throttle};

pub use self::gate::{Admit, BudgetGate, Reservation, Shortfall};
#[cfg(feature = "redis")]
pub use self::redis::RedisOptions;

/// Which company a quota belongs to: the API host and the credential's id. For Basic auth the
/// id is the access key (an identifier, not a secret); for a bearer token or a token provider
/// it is the scheme (`bearer`, `oauth`…): tokens rotate, and each company has its own API host,
/// so the host names the company. See
/// [`GongClientBuilder::quota_company`](crate::GongClientBuilder::quota_company) for OAuth.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CompanyKey(String);

impl CompanyKey {
    /// The key of `api_host` (e.g. `us-55616.api.gong.io`) and `credential_id`.
    pub fn new(api_host: &str, credential_id: &str) -> Self {
        Self(format!("{api_host}/{credential_id}"))
    }

    /// The key of a client of `base_url` (its host and port) whose credential is
    /// `credential_id`.
    pub(crate) fn of_client(base_url: &str, credential_id: &str) -> Self {
        let host = url::Url::parse(base_url)
            .ok()
            .and_then(|u| {
                let host = u.host_str()?.to_owned();
                Some(match u.port() {
                    Some(port) => format!("{host}:{port}"),
                    None => host,
                })
            })
            .unwrap_or_else(|| base_url.to_owned());
        Self::new(&host, credential_id)
    }

    /// `host/credential-id`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CompanyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A company's quota today, as its store has it.
#[derive(Clone, Debug, PartialEq)]
pub struct Usage {
    /// Attempts sent since 00:00 UTC, by every user of the store (retries included).
    pub used_today: u32,
    /// The budget this limiter enforces, if any.
    pub daily_budget: Option<u32>,
    /// Until the count starts again (00:00 UTC).
    pub resets_in: Duration,
    /// The pace in force, in attempts per second (below the configured rate after 429s, and by
    /// the margin).
    pub requests_per_second: f64,
    /// How long every user still pauses after a 429.
    pub paused_for: Option<Duration>,
    /// How long calls still fail fast because Gong asked for a wait beyond the retry cap.
    pub blocked_for: Option<Duration>,
}

impl Usage {
    /// Calls left today under the budget (`None` without a budget).
    pub fn remaining_today(&self) -> Option<u32> {
        self.daily_budget
            .map(|budget| budget.saturating_sub(self.used_today))
    }
}

/// A store could not be reached or read; the message names it (never its password).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct StoreError(pub String);

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What every store implements: the state machine of [`state`], run atomically per company.
pub(crate) trait Store: Send + Sync {
    fn acquire<'a>(
        &'a self,
        key: &'a CompanyKey,
        policy: &'a Policy,
    ) -> BoxFuture<'a, Result<Admission, StoreError>>;

    /// Records a 429; `Ok(true)` for a pause, `Ok(false)` for a block.
    fn throttled<'a>(
        &'a self,
        key: &'a CompanyKey,
        policy: &'a Policy,
        throttle: Throttle,
    ) -> BoxFuture<'a, Result<bool, StoreError>>;

    fn snapshot<'a>(&'a self, key: &'a CompanyKey) -> BoxFuture<'a, Result<Snapshot, StoreError>>;

    /// What the store is, for messages (no secrets).
    fn describe(&self) -> String;
}

/// Where the quota of the companies a client talks to lives (see the [module docs](self)).
/// Cheap to clone: clones share the store.
#[derive(Clone)]
pub struct QuotaStore {
    pub(crate) inner: Arc<dyn Store>,
}

impl fmt::Debug for QuotaStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("QuotaStore")
            .field(&self.inner.describe())
            .finish()
    }
}

/// What the store is: `memory`, `local file store at PATH` or the Redis URL without its
/// password.
impl fmt::Display for QuotaStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.inner.describe())
    }
}

impl QuotaStore {
    /// A store in this process's memory, shared by the limiters and clients given this handle
    /// (each client without a store gets one of its own).
    pub fn memory() -> Self {
        Self {
            inner: Arc::new(memory::MemoryStore::new()),
        }
    }

    /// The local file store in the user's state directory (`$XDG_STATE_HOME/gong-api-ext/quota`
    /// on Linux, the local data directory elsewhere): shared by every process of this user on
    /// this machine, and kept across restarts.
    #[cfg(feature = "file-store")]
    pub fn local() -> Result<Self, Error> {
        Self::file(file::default_dir()?)
    }

    /// A file store in `dir` (created if missing): one state file per company, each read and
    /// written under an exclusive OS file lock.
    #[cfg(feature = "file-store")]
    pub fn file(dir: impl Into<std::path::PathBuf>) -> Result<Self, Error> {
        Ok(Self {
            inner: Arc::new(file::FileStore::open(dir.into())?),
        })
    }

    /// A Redis store at `url` (`redis://[:password@]host[:port][/db]`), failing closed when
    /// Redis is unreachable (see [`RedisOptions`]). Connects on first use.
    #[cfg(feature = "redis")]
    pub fn redis(url: &str) -> Result<Self, Error> {
        Self::redis_with(url, RedisOptions::default())
    }

    /// [`redis`](Self::redis) with options.
    #[cfg(feature = "redis")]
    pub fn redis_with(url: &str, options: RedisOptions) -> Result<Self, Error> {
        Ok(Self {
            inner: Arc::new(self::redis::RedisStore::open(url, options)?),
        })
    }

    /// A store from its textual form, as a command line or an environment variable gives it:
    /// `memory`, `local` (the local file store), `local:DIR` (a file store in `DIR`), or a
    /// Redis URL (`redis://…`; add `?fallback=local` to pace locally while Redis is
    /// unreachable instead of failing closed).
    pub fn from_spec(spec: &str) -> Result<Self, Error> {
        let spec = spec.trim();
        match spec {
            "memory" => return Ok(Self::memory()),
            "local" => return Self::local_or_error(None),
            _ => {}
        }
        if let Some(dir) = spec.strip_prefix("local:") {
            return Self::local_or_error(Some(dir));
        }
        if spec.starts_with("redis://") || spec.starts_with("redis+unix://") {
            return Self::redis_spec(spec);
        }
        Err(Error::Config(format!(
            "quota store {:?}: expected memory, local, local:DIR or redis://…",
            redact_url(spec)
        )))
    }

    #[cfg(feature = "file-store")]
    fn local_or_error(dir: Option<&str>) -> Result<Self, Error> {
        match dir {
            Some(dir) => Self::file(dir),
            None => Self::local(),
        }
    }

    #[cfg(not(feature = "file-store"))]
    fn local_or_error(_: Option<&str>) -> Result<Self, Error> {
        Err(Error::Config(
            "the local quota store needs gong-api-ext's `file-store` feature".into(),
        ))
    }

    #[cfg(feature = "redis")]
    fn redis_spec(spec: &str) -> Result<Self, Error> {
        let (url, options) = self::redis::parse_spec(spec)?;
        Self::redis_with(&url, options)
    }

    #[cfg(not(feature = "redis"))]
    fn redis_spec(_: &str) -> Result<Self, Error> {
        Err(Error::Config(
            "a Redis quota store needs gong-api-ext's `redis` feature".into(),
        ))
    }
}

/// A URL without its password, for messages: the user-info password of a `redis://` URL, and
/// the `pass` query parameter a `redis+unix://` socket URL carries it in (the redis crate reads
/// it there).
pub(crate) fn redact_url(text: &str) -> String {
    let is_password =
        |name: &str| name.eq_ignore_ascii_case("pass") || name.eq_ignore_ascii_case("password");
    match url::Url::parse(text) {
        Ok(mut url) => {
            if url.password().is_some() {
                let _ = url.set_password(Some("***"));
            }
            if url.query_pairs().any(|(name, _)| is_password(&name)) {
                let pairs: Vec<(String, String)> = url
                    .query_pairs()
                    .map(|(name, value)| {
                        let value = if is_password(&name) {
                            "***".to_owned()
                        } else {
                            value.into_owned()
                        };
                        (name.into_owned(), value)
                    })
                    .collect();
                url.query_pairs_mut().clear().extend_pairs(pairs);
            }
            url.to_string()
        }
        Err(_) if text.contains('@') || text.to_ascii_lowercase().contains("pass") => {
            "[a URL that does not parse]".to_owned()
        }
        Err(_) => text.to_owned(),
    }
}

#[cfg(test)]
mod tests;
