// Over 500 lines: one protocol, the store's calls and the Lua script's answers for a single
// server, a Cluster and TLS alike; apart, its invariants would be spread over files.
//! The Redis store: the state machine runs atomically in Redis, in a Lua script
//! (`redis.lua`), one hash per company (and one for its reservations, in the same hash slot),
//! on Redis's clock. A single server's connection comes from the `redis` crate's
//! `ConnectionManager`, which reconnects after a failure; a Redis Cluster's from its cluster
//! client, which follows the slots as they move (`redis+cluster://h1:p1,h2:p2,…`).
//!
//! TLS (`rediss://`, `rediss+cluster://`) is rustls with the system's roots, or with the CA
//! certificate the `ca=PATH` parameter names (a PEM file) instead. An ACL user and its
//! password come from the URL (`redis://user:password@host`) or [`RedisOptions::password`]
//! (the CLI reads `GONG_REDIS_PASSWORD`), which keeps the password out of the URL, and so out
//! of process listings; neither is ever shown.
//!
//! When Redis cannot be reached the store **fails closed** by default: the limiter refuses
//! every attempt with [`Error::QuotaStoreUnavailable`](crate::Error::QuotaStoreUnavailable)
//! and nothing is sent, because pacing alone would let every process take the full rate. With
//! [`RedisOptions::local_fallback`] it paces in this process's memory instead (the configured
//! rate and budget, counted from zero, not shared) and tries Redis again every few seconds.

use std::fmt;
use std::future::Future;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use futures_util::future::{BoxFuture, FutureExt as _};
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::cluster::ClusterClient;
use redis::cluster_async::ClusterConnection;
use redis::{IntoConnectionInfo as _, TlsCertificates};
use secrecy::{ExposeSecret as _, SecretString};
use tokio::sync::OnceCell;
use tokio::time::Instant;

use super::memory::MemoryStore;
use super::state::{Admission, Claim, Policy, Reserve, Snapshot, Throttle, micros};
use super::{CompanyKey, Store, StoreError, redact_url};
use crate::error::Error;
use crate::policy::refusal::Refusal;

/// How a Redis store connects, and behaves when Redis is unreachable.
#[derive(Clone)]
pub struct RedisOptions {
    /// Pace in this process's memory while Redis is unreachable, instead of refusing every
    /// call (the default). The fallback does not share the quota: several processes then
    /// each take the configured rate, and each counts today's calls from zero.
    pub local_fallback: bool,
    /// How long a connection attempt or a command may take before Redis counts as
    /// unreachable.
    pub timeout: Duration,
    /// The password (of the URL's user, or the default user), instead of one in the URL.
    pub password: Option<SecretString>,
    /// For `rediss://`: the CA certificate (PEM) the server's certificate must chain to,
    /// instead of the system's roots (the `ca=PATH` parameter of a spec sets it).
    pub ca_certificate: Option<PathBuf>,
}

impl Default for RedisOptions {
    fn default() -> Self {
        Self {
            local_fallback: false,
            timeout: Duration::from_secs(2),
            password: None,
            ca_certificate: None,
        }
    }
}

/// The password is never shown.
impl fmt::Debug for RedisOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisOptions")
            .field("local_fallback", &self.local_fallback)
            .field("timeout", &self.timeout)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .field("ca_certificate", &self.ca_certificate)
            .finish()
    }
}

/// How long the local fallback serves before Redis is tried again.
const RETRY_REDIS_EVERY: Duration = Duration::from_secs(5);

/// Where the script runs: one server, or a cluster.
// One per store, made once: the variants' sizes do not matter.
#[allow(clippy::large_enum_variant)]
enum Target {
    Single(redis::Client),
    Cluster(ClusterClient),
}

#[derive(Clone)]
enum Connection {
    Single(ConnectionManager),
    Cluster(ClusterConnection),
}

pub(crate) struct RedisStore {
    target: Target,
    shown: String,
    options: RedisOptions,
    connection: OnceCell<Connection>,
    script: redis::Script,
    fallback: Option<Fallback>,
}

struct Fallback {
    memory: MemoryStore,
    /// Serve from memory until then.
    until: Mutex<Option<Instant>>,
}

/// The schemes of a cluster's URL; its hosts are a comma-separated list.
const CLUSTER_SCHEMES: [&str; 2] = ["redis+cluster://", "rediss+cluster://"];

/// A cluster URL (`redis+cluster://[user:pass@]h1:p1,h2:p2[/db][?…]`) as one URL per node
/// (`redis://[user:pass@]h1:p1[/db][?…]`); `None` for any other URL.
pub(crate) fn cluster_nodes(url: &str) -> Option<Vec<String>> {
    let (scheme, rest) = CLUSTER_SCHEMES
        .iter()
        .find_map(|s| url.strip_prefix(s).map(|rest| (s, rest)))?;
    let node_scheme = scheme.replace("+cluster", "");
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let (user, hosts) = match authority.rfind('@') {
        Some(at) => (&authority[..=at], &authority[at + 1..]),
        None => ("", authority),
    };
    Some(
        hosts
            .split(',')
            .filter(|h| !h.is_empty())
            .map(|host| format!("{node_scheme}{user}{host}{tail}"))
            .collect(),
    )
}

/// A spec -> the URL without our parameters (`fallback`, `ca`), and the options they ask for.
pub(crate) fn parse_spec(spec: &str) -> Result<(String, RedisOptions), Error> {
    let shown = redact_spec(spec);
    // A cluster's URL is checked as its first node's (the url crate reads one host).
    let nodes = cluster_nodes(spec);
    let first = match &nodes {
        Some(nodes) => nodes.first().cloned().ok_or_else(|| {
            Error::Config(format!("quota store {shown}: a cluster URL names no node"))
        })?,
        None => spec.to_owned(),
    };
    let url = url::Url::parse(&first)
        .map_err(|e| Error::Config(format!("quota store {shown}: not a URL ({e})")))?;
    let mut options = RedisOptions::default();
    let mut kept = Vec::new();
    for (name, value) in url.query_pairs() {
        match (name.as_ref(), value.as_ref()) {
            ("fallback", "local") => options.local_fallback = true,
            ("fallback", other) => {
                return Err(Error::Config(format!(
                    "quota store {shown}: fallback={other:?}; the only fallback is `local`"
                )));
            }
            ("ca", path) => options.ca_certificate = Some(PathBuf::from(path)),
            _ => kept.push((name.into_owned(), value.into_owned())),
        }
    }
    if options.ca_certificate.is_some() && !spec.starts_with("rediss") {
        return Err(Error::Config(format!(
            "quota store {shown}: ca= is for TLS (rediss://…)"
        )));
    }
    let query = (!kept.is_empty()).then(|| {
        url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(kept)
            .finish()
    });
    let strip = |url: &str| match (url.split_once('?'), &query) {
        (Some((base, _)), Some(q)) => format!("{base}?{q}"),
        (Some((base, _)), None) => base.to_owned(),
        (None, _) => url.to_owned(),
    };
    Ok((strip(spec), options))
}

/// A spec without its password, for messages (cluster URLs included).
pub(crate) fn redact_spec(spec: &str) -> String {
    match cluster_nodes(spec) {
        Some(nodes) => {
            let scheme = &spec[..spec.find("://").map_or(0, |i| i + 3)];
            let hosts: Vec<String> = nodes
                .iter()
                .map(|node| {
                    let shown = redact_url(node);
                    let rest = shown.split_once("://").map_or(shown.as_str(), |(_, r)| r);
                    rest.trim_end_matches('/').to_owned()
                })
                .collect();
            // The user and the path repeat on every node: show them once.
            let first = hosts.first().cloned().unwrap_or_default();
            let (user, _) = first
                .rsplit_once('@')
                .map_or(("", ""), |(u, h)| (&first[..=u.len()], h));
            let bare: Vec<&str> = hosts
                .iter()
                .map(|h| h.rsplit_once('@').map_or(h.as_str(), |(_, host)| host))
                .collect();
            format!("{scheme}{user}{}", bare.join(","))
        }
        None => redact_url(spec),
    }
}

impl RedisStore {
    pub fn open(url: &str, options: RedisOptions) -> Result<Self, Error> {
        let shown = redact_spec(url);
        let fail = |e: &dyn fmt::Display| Error::Config(format!("Redis quota store {shown}: {e}"));
        let certificates = match &options.ca_certificate {
            Some(path) => Some(TlsCertificates {
                client_tls: None,
                root_cert: Some(std::fs::read(path).map_err(|e| {
                    fail(&format!(
                        "cannot read the CA certificate {}: {e}",
                        path.display()
                    ))
                })?),
            }),
            None => None,
        };
        let with_password = |info: redis::ConnectionInfo| match &options.password {
            Some(password) => {
                let settings = info
                    .redis_settings()
                    .clone()
                    .set_password(password.expose_secret());
                info.set_redis_settings(settings)
            }
            None => info,
        };
        let target = match cluster_nodes(url) {
            Some(nodes) => {
                let mut builder = ClusterClient::builder(nodes)
                    .connection_timeout(options.timeout)
                    .response_timeout(options.timeout)
                    .retries(2);
                if let Some(password) = &options.password {
                    builder = builder.password(password.expose_secret());
                }
                if let Some(certificates) = certificates {
                    builder = builder.certs(certificates);
                }
                Target::Cluster(builder.build().map_err(|e| fail(&e))?)
            }
            None => {
                let info = with_password(url.into_connection_info().map_err(|e| fail(&e))?);
                let client = match certificates {
                    Some(certificates) => redis::Client::build_with_tls(info, certificates),
                    None => redis::Client::open(info),
                };
                Target::Single(client.map_err(|e| fail(&e))?)
            }
        };
        Ok(Self {
            target,
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

    async fn connection(&self) -> Result<Connection, redis::RedisError> {
        self.connection
            .get_or_try_init(|| async {
                Ok(match &self.target {
                    Target::Single(client) => {
                        let config = ConnectionManagerConfig::new()
                            .set_connection_timeout(Some(self.options.timeout))
                            .set_response_timeout(Some(self.options.timeout))
                            .set_number_of_retries(0);
                        Connection::Single(ConnectionManager::new_lazy_with_config(
                            client.clone(),
                            config,
                        )?)
                    }
                    Target::Cluster(client) => {
                        Connection::Cluster(client.get_async_connection().await?)
                    }
                })
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
        extra: &[String],
    ) -> Result<T, redis::RedisError> {
        let (state, leases) = redis_keys(key);
        let mut invocation = self.script.key(state);
        invocation
            .key(leases)
            .arg(op)
            .arg(now.map(|n| n.to_string()).unwrap_or_default())
            .arg(policy.rate)
            .arg(policy.burst)
            .arg(policy.margin)
            .arg(policy.budget.map_or(-1, i64::from))
            .arg(if policy.adaptive { "1" } else { "0" });
        for value in extra {
            invocation.arg(value);
        }
        match self.connection().await? {
            Connection::Single(mut c) => invocation.invoke_async(&mut c).await,
            Connection::Cluster(mut c) => invocation.invoke_async(&mut c).await,
        }
    }

    pub(crate) async fn acquire_at(
        &self,
        key: &CompanyKey,
        policy: &Policy,
        claim: Option<&Claim>,
        now: Option<i64>,
    ) -> Result<Admission, redis::RedisError> {
        let extra = match claim {
            Some(claim) => [claim.id.clone(), micros(claim.lease).to_string()],
            None => [String::new(), "0".into()],
        };
        let answer: Vec<i64> = self.run(key, policy, "acquire", now, &extra).await?;
        let us = |i: usize| Duration::from_micros(u64::try_from(answer[i]).unwrap_or(0));
        let count = |i: usize| u32::try_from(answer[i]).unwrap_or(0);
        Ok(match answer.first() {
            Some(1) => Admission::Granted {
                granted_at: answer[1],
            },
            Some(2) => Admission::Wait(us(1)),
            Some(3) => Admission::Refused(Refusal::Blocked(us(1))),
            Some(5) => Admission::Refused(Refusal::Reserved {
                budget: count(1),
                left: count(2),
            }),
            _ => Admission::Refused(Refusal::Budget {
                budget: count(1),
                resets_in: us(2),
            }),
        })
    }

    pub(crate) async fn reserve_at(
        &self,
        key: &CompanyKey,
        policy: &Policy,
        claim: &Claim,
        calls: u32,
        now: Option<i64>,
    ) -> Result<Reserve, redis::RedisError> {
        let extra = [
            claim.id.clone(),
            calls.to_string(),
            micros(claim.lease).to_string(),
        ];
        let answer: Vec<i64> = self.run(key, policy, "reserve", now, &extra).await?;
        let us = |i: usize| Duration::from_micros(u64::try_from(answer[i]).unwrap_or(0));
        let count = |i: usize| u32::try_from(answer[i]).unwrap_or(0);
        Ok(match answer.first() {
            Some(2) => Reserve::Held {
                left: count(1),
                reserved: count(2),
                retry: us(3),
            },
            Some(3) => Reserve::Short {
                left: count(1),
                budget: count(2),
                resets_in: us(3),
            },
            _ => Reserve::Granted,
        })
    }

    pub(crate) async fn release_at(
        &self,
        key: &CompanyKey,
        claim: &Claim,
        now: Option<i64>,
    ) -> Result<(), redis::RedisError> {
        let _: i64 = self
            .run(
                key,
                &any_policy(),
                "release",
                now,
                std::slice::from_ref(&claim.id),
            )
            .await?;
        Ok(())
    }

    pub(crate) async fn throttled_at(
        &self,
        key: &CompanyKey,
        policy: &Policy,
        throttle: Throttle,
        now: Option<i64>,
    ) -> Result<bool, redis::RedisError> {
        let extra = [
            throttle.granted_at.to_string(),
            micros(throttle.wait).to_string(),
            micros(throttle.cap).to_string(),
        ];
        let paused: i64 = self.run(key, policy, "throttled", now, &extra).await?;
        Ok(paused == 1)
    }

    pub(crate) async fn snapshot_at(
        &self,
        key: &CompanyKey,
        now: Option<i64>,
    ) -> Result<Snapshot, redis::RedisError> {
        type Answer = (i64, i64, String, i64, i64, i64);
        let (used, resets_in, level, paused_for, blocked_for, reserved): Answer =
            self.run(key, &any_policy(), "snapshot", now, &[]).await?;
        let us = |v: i64| Duration::from_micros(u64::try_from(v).unwrap_or(0));
        Ok(Snapshot {
            used: u32::try_from(used).unwrap_or(u32::MAX),
            reserved: u32::try_from(reserved).unwrap_or(u32::MAX),
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

/// The company's state and leases: one hash tag, so one Redis Cluster slot.
fn redis_keys(key: &CompanyKey) -> (String, String) {
    let state = format!("gong-api-ext:quota:{{{key}}}");
    let leases = format!("{state}:leases");
    (state, leases)
}

/// For the operations that read no policy.
fn any_policy() -> Policy {
    Policy {
        rate: 1.0,
        burst: 1,
        margin: 0.0,
        budget: None,
        adaptive: false,
    }
}

impl Store for RedisStore {
    fn acquire<'a>(
        &'a self,
        key: &'a CompanyKey,
        policy: &'a Policy,
        claim: Option<&'a Claim>,
    ) -> BoxFuture<'a, Result<Admission, StoreError>> {
        self.served(self.acquire_at(key, policy, claim, None), move |memory| {
            memory.acquire(key, policy, claim)
        })
        .boxed()
    }

    fn reserve<'a>(
        &'a self,
        key: &'a CompanyKey,
        policy: &'a Policy,
        claim: &'a Claim,
        calls: u32,
    ) -> BoxFuture<'a, Result<Reserve, StoreError>> {
        self.served(
            self.reserve_at(key, policy, claim, calls, None),
            move |memory| memory.reserve(key, policy, claim, calls),
        )
        .boxed()
    }

    fn release<'a>(
        &'a self,
        key: &'a CompanyKey,
        claim: &'a Claim,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        self.served(self.release_at(key, claim, None), move |memory| {
            memory.release(key, claim)
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
