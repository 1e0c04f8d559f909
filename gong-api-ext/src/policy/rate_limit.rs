//! Client-side rate limiting: pace requests at Gong's limit instead of tripping it.
//!
//! Gong allows each company 3 calls per second and 10,000 per day, and answers 429 with
//! `Retry-After` beyond that (gong-reference.md). A [`RateLimiter`] is shared by every clone of
//! a [`GongClient`](crate::GongClient); its state (the pace, the pause after a 429, today's
//! count) lives in a [`QuotaStore`] keyed by company, so the processes and machines sharing a
//! store share one quota (see [`quota`](crate::policy::quota) for which store to pick):
//!
//! - a GCRA pace at `requests_per_second`, less a 2 % `margin` against a server that enforces
//!   exactly that rate; no burst unless `burst` asks for one, and none ever after a pause;
//! - a 429 from Gong pauses *every* user of the quota for the `Retry-After` period, then pacing
//!   resumes at the pace, and the request that met the 429 is sent again after the pause,
//!   outside the retry attempts: a 429 never fails a call while the daily budget lasts. A
//!   `Retry-After` longer than the retry cap (Gong's daily limit answers in hours) does not put
//!   tasks to sleep: until it has passed, every call fails fast with
//!   [`Error::RateLimited`](crate::Error::RateLimited) carrying the remaining wait, and nothing
//!   is sent;
//! - when `adaptive` (the default), 429s also lower the pace to the share other integrations of
//!   the company leave, with as few 429s as possible, and probe back up while none come (the
//!   rules are in the `quota::state` module's source documentation);
//! - a daily budget (attempts since 00:00 UTC, retries included) fails fast with
//!   [`Error::BudgetExhausted`](crate::Error::BudgetExhausted), before any wait for the pace,
//!   instead of sleeping for hours.
//!
//! Waiting for the limiter is neither an error nor a retry. The in-memory store runs on
//! tokio's clock, so tests can run it on a paused clock.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;

use crate::error::Error;
use crate::policy::quota::state::{Admission, Policy, Throttle};
use crate::policy::quota::{CompanyKey, QuotaStore, Usage};
pub(crate) use crate::policy::refusal::Refusal;

/// Rate-limit settings. The defaults are Gong's documented per-company limits.
#[derive(Clone, Debug, PartialEq)]
pub struct RateLimitConfig {
    /// Sustained attempts per second (Gong: 3).
    pub requests_per_second: f64,
    /// Attempts that may go out back to back after an idle spell (default 1: none). Even
    /// then, a pause after a 429 ends with one attempt, then the pace.
    pub burst: u32,
    /// The share of `requests_per_second` left unused (default 0.02: 3/s is paced at 2.94/s),
    /// so that jitter does not push attempts over a server bucket of exactly that rate.
    pub margin: f64,
    /// Attempts allowed per UTC day (Gong: 10,000), by every user of the quota store together;
    /// `None` for no daily budget.
    pub daily_budget: Option<u32>,
    /// The pause after a 429 that carries no `Retry-After`.
    pub default_pause: Duration,
    /// Lower the pace on 429s and raise it back while none come (see the module docs).
    pub adaptive: bool,
}

impl Default for RateLimitConfig {
    fn default() -> Self {
        Self {
            requests_per_second: 3.0,
            burst: 1,
            margin: 0.02,
            daily_budget: Some(10_000),
            default_pause: Duration::from_secs(1),
            adaptive: true,
        }
    }
}

/// A rate limiter for one Gong company. Cheap to clone; clones share one state.
///
/// ```
/// use gong_api_ext::{GongClient, RateLimitConfig, RateLimiter};
///
/// // Two clients (say, two regions' credentials of one company) sharing Gong's limit.
/// let limiter = RateLimiter::new(RateLimitConfig::default())?;
/// let a = GongClient::builder().basic_auth("k1", "s1").rate_limiter(limiter.clone()).build()?;
/// let b = GongClient::builder().bearer_token("t").rate_limiter(limiter).build()?;
/// # Ok::<(), gong_api_ext::Error>(())
/// ```
#[derive(Clone)]
pub struct RateLimiter {
    shared: Arc<Shared>,
}

struct Shared {
    config: RateLimitConfig,
    policy: Policy,
    store: QuotaStore,
    company: CompanyKey,
    /// One task of this process at a time asks the store (in FIFO order); the others wait
    /// here, so a store is asked about once per attempt and process, not once per task.
    turn: tokio::sync::Mutex<()>,
    /// A refusal that holds for a while (the budget until midnight, a block until its end):
    /// later calls get it without asking the store.
    refused: Mutex<Option<Remembered>>,
}

/// A remembered refusal.
#[derive(Clone, Copy)]
struct Remembered {
    /// When it ends, on the monotonic clock.
    until: Instant,
    /// When the store is asked again (never after `until`): for the budget, at most
    /// [`RECHECK_BUDGET`] from now.
    recheck: Instant,
    /// The budget's size, for a budget refusal.
    budget: Option<u32>,
}

/// How long a budget refusal is remembered before the store is asked again. The day ends by
/// the wall clock, and a suspend (laptop sleep) moves the date but not the monotonic clock the
/// refusal is remembered on: past midnight, calls resume within this long of waking.
const RECHECK_BUDGET: Duration = Duration::from_secs(60);

impl std::fmt::Debug for RateLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RateLimiter")
            .field("config", &self.shared.config)
            .field("store", &self.shared.store)
            .field("company", &self.shared.company)
            .finish_non_exhaustive()
    }
}

/// An attempt the limiter let go: when the store granted it (store time), so a 429 answered
/// to it can tell whether it was sent before or after the last 429 was counted.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Permit {
    granted_at: i64,
}

impl RateLimiter {
    /// A limiter with `config` and a quota of its own in this process's memory; rejects a
    /// rate, burst or margin that cannot pace.
    pub fn new(config: RateLimitConfig) -> Result<Self, Error> {
        Self::with_store(
            config,
            QuotaStore::memory(),
            CompanyKey::new("local", "default"),
        )
    }

    /// A limiter with `config` whose quota is `company`'s in `store`: every limiter (in any
    /// process, for a shared store) with the same store and company shares one pace, pause and
    /// daily count. [`GongClientBuilder::quota_store`](crate::GongClientBuilder::quota_store)
    /// does this with the company of the client's host and credentials.
    pub fn with_store(
        config: RateLimitConfig,
        store: QuotaStore,
        company: CompanyKey,
    ) -> Result<Self, Error> {
        let policy = policy(&config)?;
        Ok(Self {
            shared: Arc::new(Shared {
                config,
                policy,
                store,
                company,
                turn: tokio::sync::Mutex::new(()),
                refused: Mutex::new(None),
            }),
        })
    }

    /// The settings.
    pub fn config(&self) -> &RateLimitConfig {
        &self.shared.config
    }

    /// The store holding the quota.
    pub fn store(&self) -> &QuotaStore {
        &self.shared.store
    }

    /// The company whose quota this is.
    pub fn company(&self) -> &CompanyKey {
        &self.shared.company
    }

    /// Today's count, the budget and the pace, from the store (every user's calls count).
    /// Fails with [`Error::QuotaStoreUnavailable`] when the store cannot be reached.
    pub async fn usage(&self) -> Result<Usage, Error> {
        let shared = &self.shared;
        let snapshot = shared
            .store
            .inner
            .snapshot(&shared.company)
            .await
            .map_err(|e| Error::QuotaStoreUnavailable(e.0))?;
        let some = |d: Duration| (!d.is_zero()).then_some(d);
        Ok(Usage {
            used_today: snapshot.used,
            daily_budget: shared.config.daily_budget,
            resets_in: snapshot.resets_in,
            requests_per_second: shared.config.requests_per_second
                * snapshot.level
                * (1.0 - shared.config.margin),
            paused_for: some(snapshot.paused_for),
            blocked_for: some(snapshot.blocked_for),
        })
    }

    /// Waits until an attempt may go out, and counts it. A refusal (budget, block, store) is
    /// answered without waiting for the pace.
    pub(crate) async fn acquire(&self) -> Result<Permit, Refusal> {
        if let Some(refusal) = self.known_refusal() {
            return Err(refusal);
        }
        let shared = &self.shared;
        let _turn = shared.turn.lock().await;
        loop {
            if let Some(refusal) = self.known_refusal() {
                return Err(refusal);
            }
            let admission = shared
                .store
                .inner
                .acquire(&shared.company, &shared.policy)
                .await
                .map_err(|e| Refusal::Unavailable(e.0))?;
            match admission {
                Admission::Granted { granted_at } => return Ok(Permit { granted_at }),
                Admission::Wait(wait) => tokio::time::sleep(wait).await,
                Admission::Refused(refusal) => {
                    self.remember(&refusal);
                    return Err(refusal);
                }
            }
        }
    }

    /// Gong answered 429 to `permit`'s attempt: pause every user of the quota for
    /// `retry_after` (or the default pause), and let the adaptive pace learn from it. Returns
    /// `true` when the attempt may be sent again after the pause, `false` when the wait is
    /// longer than `cap`: then calls fail fast until it has passed.
    pub(crate) async fn throttled(
        &self,
        permit: Permit,
        retry_after: Option<Duration>,
        cap: Duration,
    ) -> bool {
        let shared = &self.shared;
        let wait = retry_after.unwrap_or(shared.config.default_pause);
        let throttle = Throttle {
            granted_at: permit.granted_at,
            wait,
            cap,
        };
        match shared
            .store
            .inner
            .throttled(&shared.company, &shared.policy, throttle)
            .await
        {
            Ok(true) => {
                tracing::warn!(
                    pause_ms = wait.as_millis() as u64,
                    "Gong answered 429: every user of this quota pauses, then the request goes again"
                );
                true
            }
            Ok(false) => {
                self.remember(&Refusal::Blocked(wait));
                false
            }
            Err(error) => {
                // The pause could not be shared; this task still honours it. The next acquire
                // meets the store's failure.
                tracing::warn!(%error, "could not record Gong's 429 in the quota store");
                if wait > cap {
                    self.remember(&Refusal::Blocked(wait));
                    return false;
                }
                tokio::time::sleep(wait).await;
                true
            }
        }
    }

    fn known_refusal(&self) -> Option<Refusal> {
        let mut remembered = self.shared.refused.lock().expect("refusal lock");
        let Remembered {
            until,
            recheck,
            budget,
        } = (*remembered)?;
        let now = Instant::now();
        if now >= recheck {
            *remembered = None;
            return None;
        }
        let remaining = until - now;
        Some(match budget {
            Some(budget) => Refusal::Budget {
                budget,
                resets_in: remaining,
            },
            None => Refusal::Blocked(remaining),
        })
    }

    /// Remembers a refusal that holds for a while (the budget, a block).
    fn remember(&self, refusal: &Refusal) {
        let (lasts, budget) = match refusal {
            Refusal::Budget { budget, resets_in } => (*resets_in, Some(*budget)),
            Refusal::Blocked(wait) => (*wait, None),
            Refusal::Unavailable(_) => return,
        };
        let now = Instant::now();
        let until = now
            .checked_add(lasts)
            .unwrap_or_else(|| now + Duration::from_secs(30 * 365 * 86_400));
        let recheck = match budget {
            Some(_) => until.min(now + RECHECK_BUDGET),
            None => until,
        };
        *self.shared.refused.lock().expect("refusal lock") = Some(Remembered {
            until,
            recheck,
            budget,
        });
    }
}

/// The store's view of `config`, or why it cannot pace.
fn policy(config: &RateLimitConfig) -> Result<Policy, Error> {
    let rate = config.requests_per_second;
    if !(rate.is_finite() && rate >= 1.0 / 86_400.0) {
        return Err(Error::Config(format!(
            "rate limit: requests_per_second must be at least one a day, not {rate}"
        )));
    }
    if !(0.0..0.5).contains(&config.margin) {
        return Err(Error::Config(format!(
            "rate limit: the margin is a share of the rate below 0.5, not {}",
            config.margin
        )));
    }
    if config.burst == 0 || config.burst > 10_000 {
        return Err(Error::Config(format!(
            "rate limit: burst must be between 1 and 10,000, not {}",
            config.burst
        )));
    }
    Ok(Policy {
        rate,
        burst: config.burst,
        margin: config.margin,
        budget: config.daily_budget,
        adaptive: config.adaptive,
    })
}

#[cfg(test)]
mod tests;
