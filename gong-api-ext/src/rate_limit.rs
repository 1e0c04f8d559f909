//! Client-side rate limiting: pace requests at Gong's limit instead of tripping it.
//!
//! Gong allows each company 3 calls per second and 10,000 per day, and answers 429 with
//! `Retry-After` beyond that (gong-reference.md). A [`RateLimiter`] is shared by every clone of
//! a [`GongClient`](crate::GongClient); its state (the pace, the pause after a 429, today's
//! count) lives in a [`QuotaStore`] keyed by company, so the processes and machines sharing a
//! store share one quota (see [`quota`](crate::quota) for which store to pick):
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
use crate::quota::state::{Admission, Claim, Policy, Reserve, Throttle};
use crate::quota::{CLAIM, CompanyKey, QuotaStore, Usage};

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

/// Marks the local 429 the executor answers with when the daily budget is exhausted, so the
/// typed layer reports [`Error::BudgetExhausted`] and raw-client users still get a 429.
pub(crate) const BUDGET_HEADER: &str = "x-gong-api-ext-budget";
/// Marks the local 503 answered when the quota store is unreachable.
pub(crate) const STORE_HEADER: &str = "x-gong-api-ext-quota-store";

/// Why the limiter refused an attempt (nothing was sent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// The daily budget of this many calls is used up until the next UTC midnight.
    Budget { budget: u32, resets_in: Duration },
    /// The `left` calls of today's budget of `budget` are all reserved by units of work still
    /// running (this or other processes'): they come back when those finish or their lease
    /// ends, so this refusal is not remembered.
    Reserved { budget: u32, left: u32 },
    /// Gong asked for a wait longer than the retry cap; this much of it remains.
    Blocked(Duration),
    /// The quota store could not be reached; the message says which and why.
    Unavailable(String),
}

impl Refusal {
    /// The message users see.
    pub fn message(&self) -> String {
        match self {
            Self::Budget { budget, resets_in } => format!(
                "the daily budget of {budget} Gong calls is used up (it resets at 00:00 UTC, in \
                 {}); no request was sent",
                hours_minutes(*resets_in)
            ),
            Self::Reserved { budget, left } => format!(
                "{} of today's budget of {budget} {} reserved by subjects being erased (by this \
                 or other runs sharing the quota store); no request was sent",
                if *left == 1 {
                    "the 1 call left".to_owned()
                } else {
                    format!("the {left} calls left")
                },
                if *left == 1 { "is" } else { "are" },
            ),
            Self::Blocked(wait) => format!(
                "Gong asked this client to wait {} s more, longer than the retry cap; no request \
                 was sent",
                whole_seconds(*wait)
            ),
            Self::Unavailable(message) => message.clone(),
        }
    }

    /// A local response carrying the message, never sent by Gong: raw-client users see a 429
    /// (or a 503 for an unreachable store), and `GongClient` maps it to `BudgetExhausted`,
    /// `RateLimited` or `QuotaStoreUnavailable`.
    pub fn response(&self) -> reqwest::Response {
        let body = serde_json::json!({ "errors": [self.message()] }).to_string();
        let status = match self {
            Self::Unavailable(_) => http::StatusCode::SERVICE_UNAVAILABLE,
            _ => http::StatusCode::TOO_MANY_REQUESTS,
        };
        let response = http::Response::builder()
            .status(status)
            .header(http::header::CONTENT_TYPE, "application/json");
        let response = match self {
            Self::Budget { .. } => response.header(BUDGET_HEADER, "exhausted"),
            Self::Reserved { .. } => response.header(BUDGET_HEADER, "reserved"),
            Self::Blocked(wait) => response.header(http::header::RETRY_AFTER, whole_seconds(*wait)),
            Self::Unavailable(_) => response.header(STORE_HEADER, "unavailable"),
        };
        reqwest::Response::from(response.body(body).expect("a static response is valid"))
    }
}

/// The error a local refusal response stands for, if `headers` mark one.
pub(crate) fn local_refusal(headers: &http::HeaderMap, errors: &[String]) -> Option<Error> {
    if headers.contains_key(BUDGET_HEADER) {
        Some(Error::BudgetExhausted(errors.join("; ")))
    } else if headers.contains_key(STORE_HEADER) {
        Some(Error::QuotaStoreUnavailable(errors.join("; ")))
    } else {
        None
    }
}

/// A wait in whole seconds, rounded up (as `Retry-After` carries it), so the message and the
/// header agree and a caller never retries early.
fn whole_seconds(wait: Duration) -> u64 {
    wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
}

fn hours_minutes(wait: Duration) -> String {
    let minutes = wait.as_secs().div_ceil(60);
    format!("{} h {:02} min", minutes / 60, minutes % 60)
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
            reserved: snapshot.reserved,
            daily_budget: shared.config.daily_budget,
            resets_in: snapshot.resets_in,
            requests_per_second: shared.config.requests_per_second
                * snapshot.level
                * (1.0 - shared.config.margin),
            paused_for: some(snapshot.paused_for),
            blocked_for: some(snapshot.blocked_for),
        })
    }

    /// Reserves `calls` of today's budget for `claim`'s unit of work (see
    /// [`BudgetGate`](crate::quota::BudgetGate)).
    pub(crate) async fn reserve(&self, claim: &Claim, calls: u32) -> Result<Reserve, Error> {
        let shared = &self.shared;
        shared
            .store
            .inner
            .reserve(&shared.company, &shared.policy, claim, calls)
            .await
            .map_err(|e| Error::QuotaStoreUnavailable(e.0))
    }

    /// Gives back the calls `claim`'s unit did not spend.
    pub(crate) async fn release(&self, claim: &Claim) -> Result<(), Error> {
        let shared = &self.shared;
        shared
            .store
            .inner
            .release(&shared.company, claim)
            .await
            .map_err(|e| Error::QuotaStoreUnavailable(e.0))
    }

    /// Waits until an attempt may go out, and counts it (against the calls reserved by the
    /// task's unit of work, if it runs one). A refusal (budget, block, store) is answered
    /// without waiting for the pace.
    pub(crate) async fn acquire(&self) -> Result<Permit, Refusal> {
        if let Some(refusal) = self.known_refusal() {
            return Err(refusal);
        }
        let claim = CLAIM.try_with(Claim::clone).ok();
        let shared = &self.shared;
        let _turn = shared.turn.lock().await;
        loop {
            if let Some(refusal) = self.known_refusal() {
                return Err(refusal);
            }
            let admission = shared
                .store
                .inner
                .acquire(&shared.company, &shared.policy, claim.as_ref())
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
            Refusal::Reserved { .. } | Refusal::Unavailable(_) => return,
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
mod tests {
    use super::*;

    const CAP: Duration = Duration::from_secs(60);

    fn limiter(rate: f64, burst: u32, budget: Option<u32>) -> RateLimiter {
        RateLimiter::new(RateLimitConfig {
            requests_per_second: rate,
            burst,
            margin: 0.0,
            daily_budget: budget,
            ..RateLimitConfig::default()
        })
        .unwrap()
    }

    async fn throttle(limiter: &RateLimiter, wait: Duration) -> bool {
        let permit = limiter.acquire().await.unwrap();
        limiter.throttled(permit, Some(wait), CAP).await
    }

    #[tokio::test(start_paused = true)]
    async fn a_wait_beyond_the_cap_fails_fast_instead_of_sleeping() {
        let blocked = limiter(100.0, 1, None);
        assert!(!throttle(&blocked, Duration::from_secs(40_000)).await);
        let start = Instant::now();
        assert_eq!(
            blocked.acquire().await.unwrap_err(),
            Refusal::Blocked(Duration::from_secs(40_000))
        );
        assert_eq!(start.elapsed(), Duration::ZERO);
        tokio::time::advance(Duration::from_secs(100)).await;
        assert_eq!(
            blocked.acquire().await.unwrap_err(),
            Refusal::Blocked(Duration::from_secs(39_900))
        );
        tokio::time::advance(Duration::from_secs(39_901)).await;
        assert!(blocked.acquire().await.is_ok());
        // An absurd Retry-After does not overflow.
        let absurd = limiter(100.0, 1, None);
        assert!(!throttle(&absurd, Duration::from_secs(u64::MAX)).await);
        assert!(matches!(absurd.acquire().await, Err(Refusal::Blocked(_))));
    }

    #[tokio::test(start_paused = true)]
    async fn paces_at_the_rate_with_no_burst_by_default() {
        let limiter = RateLimiter::new(RateLimitConfig {
            requests_per_second: 4.0,
            margin: 0.0,
            ..RateLimitConfig::default()
        })
        .unwrap();
        let start = Instant::now();
        let mut at = Vec::new();
        for _ in 0..5 {
            limiter.acquire().await.unwrap();
            at.push(start.elapsed().as_millis());
        }
        assert_eq!(at, [0, 250, 500, 750, 1000]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_429_pauses_every_user_and_no_burst_follows() {
        let limiter = limiter(100.0, 5, None);
        assert!(throttle(&limiter, Duration::from_secs(5)).await);
        let start = Instant::now();
        let other = limiter.clone();
        let (a, b) = tokio::join!(
            async {
                limiter.acquire().await.unwrap();
                start.elapsed()
            },
            async {
                other.acquire().await.unwrap();
                start.elapsed()
            }
        );
        let (first, second) = (a.min(b), a.max(b));
        assert_eq!(first, Duration::from_secs(5));
        // One at the end of the pause, the next one an interval later, burst or not.
        assert!(
            second >= Duration::from_millis(5010) && second <= Duration::from_millis(5012),
            "{second:?}"
        );
        // A shorter pause never cuts a longer one short.
        let permit = limiter.acquire().await.unwrap();
        limiter
            .throttled(permit, Some(Duration::from_secs(3)), CAP)
            .await;
        limiter
            .throttled(permit, Some(Duration::from_secs(1)), CAP)
            .await;
        let start = Instant::now();
        limiter.acquire().await.unwrap();
        assert!(
            start.elapsed() >= Duration::from_millis(2990),
            "{:?}",
            start.elapsed()
        );
    }

    #[tokio::test(start_paused = true)]
    async fn the_daily_budget_fails_fast_before_any_wait_and_resets_at_midnight() {
        let limiter = limiter(1.0, 1, Some(2));
        limiter.acquire().await.unwrap();
        limiter.acquire().await.unwrap();
        assert_eq!(limiter.usage().await.unwrap().used_today, 2);
        assert_eq!(limiter.usage().await.unwrap().remaining_today(), Some(0));
        // The pace would make the next attempt wait a second: the refusal comes at once.
        let start = Instant::now();
        let refusal = limiter.acquire().await.unwrap_err();
        assert_eq!(start.elapsed(), Duration::ZERO);
        let Refusal::Budget {
            budget: 2,
            resets_in,
        } = refusal
        else {
            panic!("{refusal:?}")
        };
        assert!(refusal.message().contains("resets at 00:00 UTC"));
        // The day is the wall clock's, read apart from tokio's paused one (each rounded to a
        // microsecond, and a preempted thread reads them further apart): the boundary is
        // checked a tenth of a second either side, not to the tick.
        let slack = Duration::from_millis(100);
        if resets_in > 2 * slack {
            tokio::time::advance(resets_in - slack).await;
            assert!(
                matches!(
                    limiter.acquire().await,
                    Err(Refusal::Budget { budget: 2, .. })
                ),
                "just before midnight the budget is still used up"
            );
            tokio::time::advance(2 * slack).await;
        } else {
            tokio::time::advance(resets_in + slack).await;
        }
        limiter.acquire().await.unwrap();
        assert_eq!(limiter.usage().await.unwrap().used_today, 1);
    }

    #[tokio::test(start_paused = true)]
    async fn a_budget_refusal_ends_soon_after_a_suspend_past_midnight() {
        use std::sync::atomic::{AtomicI64, Ordering};
        use std::time::SystemTime;

        use crate::quota::state::{DAY_US, micros};
        // 23:00 UTC today.
        static WALL: AtomicI64 = AtomicI64::new(0);
        let today = micros(
            SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .unwrap(),
        );
        WALL.store(
            today - today % DAY_US + DAY_US - 3_600_000_000,
            Ordering::SeqCst,
        );
        let wall =
            || SystemTime::UNIX_EPOCH + Duration::from_micros(WALL.load(Ordering::SeqCst) as u64);
        let store = QuotaStore {
            inner: Arc::new(crate::quota::memory::MemoryStore::with_wall_clock(wall)),
        };
        let config = RateLimitConfig {
            daily_budget: Some(1),
            ..RateLimitConfig::default()
        };
        let limiter = RateLimiter::with_store(config, store, CompanyKey::new("h", "k")).unwrap();
        limiter.acquire().await.unwrap();
        let refusal = limiter.acquire().await.unwrap_err();
        assert!(
            matches!(refusal, Refusal::Budget { budget: 1, resets_in } if resets_in.abs_diff(Duration::from_secs(3600)) < Duration::from_secs(1)),
            "{refusal:?}"
        );
        // The machine sleeps for two hours: tokio's (monotonic) clock stands still, the date
        // moves on. The remembered refusal is asked again within a minute, not an hour.
        WALL.fetch_add(2 * 3_600_000_000, Ordering::SeqCst);
        tokio::time::advance(Duration::from_secs(60)).await;
        limiter.acquire().await.unwrap();
        assert_eq!(limiter.usage().await.unwrap().used_today, 1);
    }

    #[tokio::test(start_paused = true)]
    async fn the_pace_drops_on_429s_and_recovers_while_quiet() {
        let limiter = limiter(10.0, 1, None);
        tokio::time::advance(Duration::from_secs(2)).await;
        throttle(&limiter, Duration::from_secs(1)).await;
        let rate = limiter.usage().await.unwrap().requests_per_second;
        assert!((rate - 9.5).abs() < 1e-9, "{rate}");
        for _ in 0..150 {
            limiter.acquire().await.unwrap();
        }
        let rate = limiter.usage().await.unwrap().requests_per_second;
        assert!(
            (rate - 10.0).abs() < 1e-9,
            "capped at the configured rate: {rate}"
        );

        let fixed = RateLimiter::new(RateLimitConfig {
            requests_per_second: 10.0,
            adaptive: false,
            margin: 0.0,
            ..RateLimitConfig::default()
        })
        .unwrap();
        throttle(&fixed, Duration::ZERO).await;
        assert_eq!(fixed.usage().await.unwrap().requests_per_second, 10.0);
    }

    #[test]
    fn bad_settings_are_config_errors() {
        for (rate, burst, margin) in [
            (0.0, 1, 0.0),
            (-1.0, 1, 0.0),
            (f64::NAN, 1, 0.0),
            (3.0, 0, 0.0),
            (1e-30, 1, 0.0),
            (3.0, 1, 0.5),
            (3.0, 1, -0.1),
        ] {
            let err = RateLimiter::new(RateLimitConfig {
                requests_per_second: rate,
                burst,
                margin,
                ..RateLimitConfig::default()
            })
            .unwrap_err();
            assert!(err.to_string().contains("rate limit"), "{err}");
        }
    }
}
