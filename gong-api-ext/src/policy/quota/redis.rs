//! The Redis store: the state machine runs atomically in Redis, in a Lua script
//! (`redis.lua`), one hash per company, on Redis's clock. Connections come from the `redis`
//! crate's `ConnectionManager`, which reconnects after a failure.
//!
//! When Redis cannot be reached the store **fails closed** by default: the limiter refuses
//! every attempt with [`Error::QuotaStoreUnavailable`](crate::Error::QuotaStoreUnavailable)
//! and nothing is sent, because pacing alone would let every process take the full rate. With
//! [`RedisOptions::local_fallback`] it paces in this process's memory instead (the configured
//! rate and budget, counted from zero, not shared) and tries Redis again every few seconds.

use std::future::Future;
use std::sync::Mutex;
use std::time::Duration;

use futures_util::future::{BoxFuture, FutureExt as _};
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use tokio::sync::OnceCell;
use tokio::time::Instant;

use super::memory::MemoryStore;
use super::state::{Admission, Policy, Snapshot, Throttle, micros};
use super::{CompanyKey, Store, StoreError, redact_url};
use crate::error::Error;
use crate::policy::refusal::Refusal;

/// How a Redis store behaves when Redis is unreachable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RedisOptions {
    /// Pace in this process's memory while Redis is unreachable, instead of refusing every
    /// call (the default). The fallback does not share the quota: several processes then
    /// each take the configured rate, and each counts today's calls from zero.
    pub local_fallback: bool,
    /// How long a connection attempt or a command may take before Redis counts as
    /// unreachable.
    pub timeout: Duration,
}

impl Default for RedisOptions {
    fn default() -> Self {
        Self {
            local_fallback: false,
            timeout: Duration::from_secs(2),
        }
    }
}

/// How long the local fallback serves before Redis is tried again.
const RETRY_REDIS_EVERY: Duration = Duration::from_secs(5);

pub(crate) struct RedisStore {
    client: redis::Client,
    shown: String,
    options: RedisOptions,
    connection: OnceCell<ConnectionManager>,
    script: redis::Script,
    fallback: Option<Fallback>,
}

struct Fallback {
    memory: MemoryStore,
    /// Serve from memory until then.
    until: Mutex<Option<Instant>>,
}

/// `redis://…?fallback=local` -> the URL without the parameter, and the options it asks for.
pub(crate) fn parse_spec(spec: &str) -> Result<(String, RedisOptions), Error> {
    let mut url = url::Url::parse(spec).map_err(|e| {
        Error::Config(format!(
            "quota store {:?}: not a URL ({e})",
            redact_url(spec)
        ))
    })?;
    let mut options = RedisOptions::default();
    let mut kept = Vec::new();
    for (name, value) in url.query_pairs() {
        match (name.as_ref(), value.as_ref()) {
            ("fallback", "local") => options.local_fallback = true,
            ("fallback", other) => {
                return Err(Error::Config(format!(
                    "quota store {}: fallback={other:?}; the only fallback is `local`",
                    redact_url(spec)
                )));
            }
            _ => kept.push((name.into_owned(), value.into_owned())),
        }
    }
    if kept.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut().clear().extend_pairs(kept);
    }
    Ok((url.to_string(), options))
}

impl RedisStore {
    pub fn open(url: &str, options: RedisOptions) -> Result<Self, Error> {
        let shown = redact_url(url);
        let client = redis::Client::open(url)
            .map_err(|e| Error::Config(format!("Redis quota store {shown}: {e}")))?;
        Ok(Self {
            client,
            shown,
            fallback: options.local_fallback.then(|| Fallback {
                memory: MemoryStore::new(),
                until: Mutex::new(None),
            }),
            options,
            connection: OnceCell::new(),
            script: redis::Script::new(include_str!("redis.lua")),
        })
    }

    async fn connection(&self) -> Result<ConnectionManager, redis::RedisError> {
        self.connection
            .get_or_try_init(|| async {
                let config = ConnectionManagerConfig::new()
                    .set_connection_timeout(Some(self.options.timeout))
                    .set_response_timeout(Some(self.options.timeout))
                    .set_number_of_retries(0);
                ConnectionManager::new_lazy_with_config(self.client.clone(), config)
            })
            .await
            .cloned()
    }

    /// Runs one operation of the script for `key`; `now` overrides Redis's clock (tests).
    pub(crate) async fn run<T: redis::FromRedisValue>(
        &self,
        key: &CompanyKey,
        policy: &Policy,
        op: &str,
        now: Option<i64>,
        extra: &[i64],
    ) -> Result<T, redis::RedisError> {
        let mut connection = self.connection().await?;
        let mut invocation = self.script.key(redis_key(key));
        invocation
            .arg(op)
            .arg(now.map(|n| n.to_string()).unwrap_or_default())
            .arg(policy.rate)
            .arg(policy.burst)
            .arg(policy.margin)
            .arg(policy.budget.map_or(-1, i64::from))
            .arg(if policy.adaptive { "1" } else { "0" });
        for value in extra {
            invocation.arg(*value);
        }
        invocation.invoke_async(&mut connection).await
    }

    pub(crate) async fn acquire_at(
        &self,
        key: &CompanyKey,
        policy: &Policy,
        now: Option<i64>,
    ) -> Result<Admission, redis::RedisError> {
        let answer: Vec<i64> = self.run(key, policy, "acquire", now, &[]).await?;
        let us = |i: usize| Duration::from_micros(u64::try_from(answer[i]).unwrap_or(0));
        Ok(match answer.first() {
            Some(1) => Admission::Granted {
                granted_at: answer[1],
            },
            Some(2) => Admission::Wait(us(1)),
            Some(3) => Admission::Refused(Refusal::Blocked(us(1))),
            _ => Admission::Refused(Refusal::Budget {
                budget: u32::try_from(answer[1]).unwrap_or(0),
                resets_in: us(2),
            }),
        })
    }

    pub(crate) async fn throttled_at(
        &self,
        key: &CompanyKey,
        policy: &Policy,
        throttle: Throttle,
        now: Option<i64>,
    ) -> Result<bool, redis::RedisError> {
        let extra = [
            throttle.granted_at,
            micros(throttle.wait),
            micros(throttle.cap),
        ];
        let paused: i64 = self.run(key, policy, "throttled", now, &extra).await?;
        Ok(paused == 1)
    }

    pub(crate) async fn snapshot_at(
        &self,
        key: &CompanyKey,
        now: Option<i64>,
    ) -> Result<Snapshot, redis::RedisError> {
        // The snapshot reads no policy; any will do.
        let policy = Policy {
            rate: 1.0,
            burst: 1,
            margin: 0.0,
            budget: None,
            adaptive: false,
        };
        let (used, resets_in, level, paused_for, blocked_for): (i64, i64, String, i64, i64) =
            self.run(key, &policy, "snapshot", now, &[]).await?;
        let us = |v: i64| Duration::from_micros(u64::try_from(v).unwrap_or(0));
        Ok(Snapshot {
            used: u32::try_from(used).unwrap_or(u32::MAX),
            resets_in: us(resets_in),
            level: level.parse().unwrap_or(1.0),
            paused_for: us(paused_for),
            blocked_for: us(blocked_for),
        })
    }

    /// Runs `remote` on Redis, or `local` on the fallback while it serves or once Redis has
    /// failed (when there is a fallback; otherwise the failure fails the call closed).
    async fn served<'a, T>(
        &'a self,
        remote: impl Future<Output = Result<T, redis::RedisError>>,
        local: impl FnOnce(&'a MemoryStore) -> BoxFuture<'a, Result<T, StoreError>>,
    ) -> Result<T, StoreError> {
        if let Some(memory) = self.serving_fallback() {
            return local(memory).await;
        }
        match remote.await {
            Ok(value) => {
                self.recovered();
                Ok(value)
            }
            Err(error) => local(self.fall_back(&error)?).await,
        }
    }

    fn serving_fallback(&self) -> Option<&MemoryStore> {
        let fallback = self.fallback.as_ref()?;
        let until = *fallback.until.lock().expect("fallback lock");
        until
            .filter(|t| Instant::now() < *t)
            .map(|_| &fallback.memory)
    }

    fn fall_back(&self, error: &redis::RedisError) -> Result<&MemoryStore, StoreError> {
        let Some(fallback) = &self.fallback else {
            return Err(StoreError(format!(
                "the Redis quota store {} is unreachable ({error}); no request was sent: the \
                 quota is shared through it, so the client does not send without it \
                 (RedisOptions::local_fallback, or ?fallback=local in the URL, paces locally \
                 instead)",
                self.shown
            )));
        };
        let mut until = fallback.until.lock().expect("fallback lock");
        if until.is_none() {
            tracing::warn!(
                store = %self.shown,
                %error,
                "the Redis quota store is unreachable: pacing locally, not shared, until it is back"
            );
        }
        *until = Some(Instant::now() + RETRY_REDIS_EVERY);
        Ok(&fallback.memory)
    }

    /// Redis answers again: leave the fallback.
    fn recovered(&self) {
        if let Some(fallback) = &self.fallback
            && fallback
                .until
                .lock()
                .expect("fallback lock")
                .take()
                .is_some()
        {
            tracing::info!(store = %self.shown, "the Redis quota store is reachable again");
        }
    }
}

fn redis_key(key: &CompanyKey) -> String {
    format!("gong-api-ext:quota:{{{key}}}")
}

impl Store for RedisStore {
    fn acquire<'a>(
        &'a self,
        key: &'a CompanyKey,
        policy: &'a Policy,
    ) -> BoxFuture<'a, Result<Admission, StoreError>> {
        self.served(self.acquire_at(key, policy, None), |memory| {
            memory.acquire(key, policy)
        })
        .boxed()
    }

    fn throttled<'a>(
        &'a self,
        key: &'a CompanyKey,
        policy: &'a Policy,
        throttle: Throttle,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        self.served(
            self.throttled_at(key, policy, throttle, None),
            move |memory| memory.throttled(key, policy, throttle),
        )
        .boxed()
    }

    fn snapshot<'a>(&'a self, key: &'a CompanyKey) -> BoxFuture<'a, Result<Snapshot, StoreError>> {
        self.served(self.snapshot_at(key, None), |memory| memory.snapshot(key))
            .boxed()
    }

    fn describe(&self) -> String {
        self.shown.clone()
    }
}

#[cfg(test)]
#[path = "../../../tests/support/redis_server.rs"]
mod redis_server;

#[cfg(test)]
mod tests;
