//! Client-side rate limiting: pace requests at Gong's limit instead of tripping it.
//!
//! Gong allows each company 3 calls per second and 10,000 per day, and answers 429 with
//! `Retry-After` beyond that (gong-reference.md). A [`RateLimiter`] is shared by every clone of
//! a [`GongClient`](crate::GongClient) (and can be shared between clients of one company):
//!
//! - a GCRA token bucket from the `governor` crate paces attempts at `requests_per_second`
//!   with a small `burst`;
//! - a 429 from Gong pauses *every* task using the limiter for the `Retry-After` period, so
//!   concurrent tasks back off together, then pacing resumes. A `Retry-After` longer than the
//!   retry cap (Gong's daily limit answers in hours) does not put tasks to sleep: until it has
//!   passed, every call fails fast with [`Error::RateLimited`](crate::Error::RateLimited)
//!   carrying the remaining wait, and nothing is sent;
//! - when `adaptive` (the default), a 429 also halves the pace (at most once a second): other
//!   integrations of the same company draw on the same Gong limit, so the share left to this
//!   client can be below the configured rate. Each second without a 429 after the pause raises
//!   the pace again by 2 % of the configured rate, up to it;
//! - an optional daily budget (calls since 00:00 UTC) fails fast with
//!   [`Error::BudgetExhausted`](crate::Error::BudgetExhausted) instead of sleeping for hours.
//!
//! Waiting for the limiter is neither an error nor a retry. Its clock is tokio's, so tests can
//! run it on a paused clock.

use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use governor::clock::Clock;
use governor::middleware::NoOpMiddleware;
use governor::state::{InMemoryState, NotKeyed};
use governor::{Quota, RateLimiter as Gcra};
use tokio::time::Instant;

use crate::error::Error;

/// Rate-limit settings. The defaults are Gong's documented per-company limits.
#[derive(Clone, Debug, PartialEq)]
pub struct RateLimitConfig {
    /// Sustained attempts per second (Gong: 3).
    pub requests_per_second: f64,
    /// Attempts that may go out back to back before pacing applies.
    pub burst: u32,
    /// Attempts allowed per UTC day (Gong: 10,000); `None` for no daily budget.
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
            burst: 2,
            daily_budget: Some(10_000),
            default_pause: Duration::from_secs(1),
            adaptive: true,
        }
    }
}

/// governor's clock, on tokio's time (so a paused test clock drives it).
#[derive(Clone, Debug)]
struct TokioClock {
    origin: Instant,
}

impl Clock for TokioClock {
    type Instant = Duration;
    fn now(&self) -> Duration {
        self.origin.elapsed()
    }
}

type Bucket = Gcra<NotKeyed, InMemoryState, TokioClock, NoOpMiddleware<Duration>>;

#[derive(Debug, Default)]
struct DayBudget {
    day: u64,
    used: u32,
}

/// The pace currently in force (below the configured rate after 429s).
struct Pace {
    rate: f64,
    bucket: Arc<Bucket>,
    /// When the pace last changed (raises wait a quiet second after it).
    last_change: Instant,
    /// When it was last lowered (lowering happens at most once a second).
    last_decrease: Option<Instant>,
}

/// How much a 429 lowers the pace, and how much a quiet second raises it (of the configured rate).
const DECREASE: f64 = 0.5;
const INCREASE: f64 = 0.02;
/// The pace never drops below this share of the configured rate.
const FLOOR: f64 = 0.05;
const ADJUST_EVERY: Duration = Duration::from_secs(1);

struct Shared {
    config: RateLimitConfig,
    pace: Mutex<Pace>,
    clock: TokioClock,
    paused_until: Mutex<Option<Instant>>,
    /// Gong asked for a wait longer than the retry cap: calls fail fast until then.
    blocked_until: Mutex<Option<Instant>>,
    budget: Mutex<DayBudget>,
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

impl std::fmt::Debug for RateLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RateLimiter")
            .field("config", &self.shared.config)
            .finish_non_exhaustive()
    }
}

/// Marks the local 429 the executor answers with when the daily budget is exhausted, so the
/// typed layer reports [`Error::BudgetExhausted`] and raw-client users still get a 429.
pub(crate) const BUDGET_HEADER: &str = "x-gong-api-ext-budget";

/// Why the limiter refused an attempt (nothing was sent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// The daily budget of this many calls is used up.
    Budget(u32),
    /// Gong asked for a wait longer than the retry cap; this much of it remains.
    Blocked(Duration),
}

impl Refusal {
    /// The message users see.
    pub fn message(&self) -> String {
        match self {
            Self::Budget(budget) => format!(
                "the client-side daily budget of {budget} Gong calls is used up (it resets at \
                 00:00 UTC); no request was sent"
            ),
            Self::Blocked(wait) => format!(
                "Gong asked this client to wait {} s more, longer than the retry cap; no request \
                 was sent",
                whole_seconds(*wait)
            ),
        }
    }

    /// A local 429 response carrying the message, never sent by Gong: raw-client users see a
    /// 429, and `GongClient` maps it to `BudgetExhausted` or `RateLimited`.
    pub fn response(&self) -> reqwest::Response {
        let body = serde_json::json!({ "errors": [self.message()] }).to_string();
        let mut response = http::Response::builder()
            .status(http::StatusCode::TOO_MANY_REQUESTS)
            .header(http::header::CONTENT_TYPE, "application/json");
        response = match self {
            Self::Budget(_) => response.header(BUDGET_HEADER, "exhausted"),
            Self::Blocked(wait) => response.header(http::header::RETRY_AFTER, whole_seconds(*wait)),
        };
        reqwest::Response::from(response.body(body).expect("a static response is valid"))
    }
}

/// A wait in whole seconds, rounded up (as `Retry-After` carries it), so the message and the
/// header agree and a caller never retries early.
fn whole_seconds(wait: Duration) -> u64 {
    wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
}

/// `now + wait`, saturating far in the future instead of overflowing on absurd waits.
fn after(now: Instant, wait: Duration) -> Instant {
    now.checked_add(wait)
        .unwrap_or_else(|| now + Duration::from_secs(30 * 365 * 86_400))
}

impl RateLimiter {
    /// A limiter with `config`; rejects a rate or burst of zero.
    pub fn new(config: RateLimitConfig) -> Result<Self, Error> {
        if !(config.requests_per_second.is_finite() && config.requests_per_second > 0.0) {
            return Err(Error::Config(format!(
                "rate limit: requests_per_second must be positive, not {}",
                config.requests_per_second
            )));
        }
        if config.burst == 0 {
            return Err(Error::Config("rate limit: burst must be at least 1".into()));
        }
        let clock = TokioClock {
            origin: Instant::now(),
        };
        let bucket = bucket(config.requests_per_second, config.burst, &clock)?;
        Ok(Self {
            shared: Arc::new(Shared {
                pace: Mutex::new(Pace {
                    rate: config.requests_per_second,
                    bucket: Arc::new(bucket),
                    last_change: Instant::now(),
                    last_decrease: None,
                }),
                clock,
                config,
                paused_until: Mutex::new(None),
                blocked_until: Mutex::new(None),
                budget: Mutex::new(DayBudget::default()),
            }),
        })
    }

    /// The settings.
    pub fn config(&self) -> &RateLimitConfig {
        &self.shared.config
    }

    /// Attempts charged to today's budget so far.
    pub fn used_today(&self) -> u32 {
        let budget = self.shared.budget.lock().expect("budget lock");
        if budget.day == utc_day(SystemTime::now()) {
            budget.used
        } else {
            0
        }
    }

    /// Waits until an attempt may go out, and charges it to the daily budget.
    pub(crate) async fn acquire(&self) -> Result<(), Refusal> {
        loop {
            if let Some(remaining) = self.blocked_remaining() {
                return Err(Refusal::Blocked(remaining));
            }
            self.wait_out_pause().await;
            let bucket = self.shared.pace.lock().expect("pace lock").bucket.clone();
            match bucket.check() {
                Ok(()) => {}
                Err(not_until) => {
                    let wait = not_until.wait_time_from(self.shared.clock.now());
                    tokio::time::sleep(wait).await;
                    continue;
                }
            }
            // A 429 may have paused everyone while this task waited for its token.
            if self.pause_remaining().is_some() {
                continue;
            }
            return self.charge(SystemTime::now());
        }
    }

    /// Gong answered 429: pause every user of this limiter for `retry_after` (or the default
    /// pause), extending any pause already running; a wait longer than `cap` blocks calls
    /// (they fail fast) instead of pausing them.
    pub(crate) fn throttled(&self, retry_after: Option<Duration>, cap: Duration) {
        let wait = retry_after.unwrap_or(self.shared.config.default_pause);
        let until = after(Instant::now(), wait);
        let slot = if wait > cap {
            &self.shared.blocked_until
        } else {
            &self.shared.paused_until
        };
        let mut current = slot.lock().expect("pause lock");
        if current.is_none_or(|p| p < until) {
            *current = Some(until);
        }
        drop(current);
        let rate = self.lower_pace(until);
        tracing::warn!(
            pause_ms = (until - Instant::now()).as_millis() as u64,
            rate,
            "Gong answered 429: pausing every request of this client"
        );
    }

    /// Gong answered without a 429: raise a lowered pace, once a quiet second has passed.
    pub(crate) fn not_throttled(&self) {
        let config = &self.shared.config;
        let mut pace = self.shared.pace.lock().expect("pace lock");
        let now = Instant::now();
        if config.adaptive
            && pace.rate < config.requests_per_second
            && now >= pace.last_change + ADJUST_EVERY
        {
            let rate =
                (pace.rate + config.requests_per_second * INCREASE).min(config.requests_per_second);
            self.set_pace(&mut pace, rate, now);
        }
    }

    /// Halves the pace (at most once a second); quiet time, for raising it again, counts
    /// from `pause_end`. Returns the pace in force.
    fn lower_pace(&self, pause_end: Instant) -> f64 {
        let config = &self.shared.config;
        let mut pace = self.shared.pace.lock().expect("pace lock");
        let now = Instant::now();
        if config.adaptive && pace.last_decrease.is_none_or(|t| now >= t + ADJUST_EVERY) {
            let rate = (pace.rate * DECREASE).max(config.requests_per_second * FLOOR);
            pace.last_decrease = Some(now);
            self.set_pace(&mut pace, rate, pause_end);
        }
        pace.rate
    }

    fn set_pace(&self, pace: &mut Pace, rate: f64, changed_at: Instant) {
        if let Ok(bucket) = bucket(rate, self.shared.config.burst, &self.shared.clock) {
            pace.rate = rate;
            pace.bucket = Arc::new(bucket);
            pace.last_change = changed_at;
        }
    }

    /// The pace in force, in attempts per second.
    pub fn current_rate(&self) -> f64 {
        self.shared.pace.lock().expect("pace lock").rate
    }

    fn pause_remaining(&self) -> Option<Duration> {
        remaining(&self.shared.paused_until)
    }

    fn blocked_remaining(&self) -> Option<Duration> {
        remaining(&self.shared.blocked_until)
    }

    async fn wait_out_pause(&self) {
        while let Some(wait) = self.pause_remaining() {
            tokio::time::sleep(wait).await;
        }
    }

    fn charge(&self, now: SystemTime) -> Result<(), Refusal> {
        let Some(limit) = self.shared.config.daily_budget else {
            return Ok(());
        };
        let mut budget = self.shared.budget.lock().expect("budget lock");
        let today = utc_day(now);
        if budget.day != today {
            *budget = DayBudget {
                day: today,
                used: 0,
            };
        }
        if budget.used >= limit {
            return Err(Refusal::Budget(limit));
        }
        budget.used += 1;
        Ok(())
    }
}

/// How long until the instant in `slot`, if it is still ahead.
fn remaining(slot: &Mutex<Option<Instant>>) -> Option<Duration> {
    slot.lock()
        .expect("pause lock")
        .map(|until| until.saturating_duration_since(Instant::now()))
        .filter(|d| !d.is_zero())
}

fn bucket(rate: f64, burst: u32, clock: &TokioClock) -> Result<Bucket, Error> {
    let burst = NonZeroU32::new(burst)
        .ok_or_else(|| Error::Config("rate limit: burst must be at least 1".into()))?;
    let period = Duration::try_from_secs_f64(1.0 / rate).map_err(|_| {
        Error::Config(format!(
            "rate limit: {rate} requests per second is too slow to pace"
        ))
    })?;
    let quota = Quota::with_period(period)
        .ok_or_else(|| Error::Config("rate limit: the rate is too high".into()))?
        .allow_burst(burst);
    Ok(Gcra::direct_with_clock(quota, clock.clone()))
}

/// Days since the Unix epoch, in UTC.
fn utc_day(now: SystemTime) -> u64 {
    now.duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs() / 86_400)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CAP: Duration = Duration::from_secs(60);

    #[tokio::test(start_paused = true)]
    async fn a_wait_beyond_the_cap_fails_fast_instead_of_sleeping() {
        let limiter = limiter(100.0, 1, None);
        limiter.throttled(Some(Duration::from_secs(40_000)), CAP);
        let start = Instant::now();
        assert_eq!(
            limiter.acquire().await,
            Err(Refusal::Blocked(Duration::from_secs(40_000)))
        );
        assert_eq!(start.elapsed(), Duration::ZERO);
        // An absurd Retry-After does not overflow.
        limiter.throttled(Some(Duration::from_secs(u64::MAX)), CAP);
        assert!(matches!(limiter.acquire().await, Err(Refusal::Blocked(_))));
        tokio::time::advance(Duration::from_secs(40_001)).await;
        let fresh = super::RateLimiter::new(RateLimitConfig::default()).unwrap();
        fresh.throttled(Some(Duration::from_secs(61)), CAP);
        tokio::time::advance(Duration::from_secs(61)).await;
        assert_eq!(fresh.acquire().await, Ok(()));
    }

    fn limiter(rate: f64, burst: u32, budget: Option<u32>) -> RateLimiter {
        RateLimiter::new(RateLimitConfig {
            requests_per_second: rate,
            burst,
            daily_budget: budget,
            ..RateLimitConfig::default()
        })
        .unwrap()
    }

    #[tokio::test(start_paused = true)]
    async fn paces_at_the_rate_after_the_burst() {
        let limiter = limiter(4.0, 2, None);
        let start = Instant::now();
        let mut at = Vec::new();
        for _ in 0..6 {
            limiter.acquire().await.unwrap();
            at.push(start.elapsed().as_millis());
        }
        assert_eq!(at, [0, 0, 250, 500, 750, 1000]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_429_pauses_every_user() {
        let limiter = limiter(100.0, 1, None);
        limiter.acquire().await.unwrap();
        limiter.throttled(Some(Duration::from_secs(5)), CAP);
        let start = Instant::now();
        let other = limiter.clone();
        let (a, b) = tokio::join!(limiter.acquire(), other.acquire());
        a.unwrap();
        b.unwrap();
        assert!(start.elapsed() >= Duration::from_secs(5));
        assert!(start.elapsed() <= Duration::from_millis(5020));
        // A shorter pause never cuts a longer one short.
        limiter.throttled(Some(Duration::from_secs(3)), CAP);
        limiter.throttled(Some(Duration::from_secs(1)), CAP);
        let start = Instant::now();
        limiter.acquire().await.unwrap();
        assert_eq!(start.elapsed(), Duration::from_secs(3));
    }

    #[tokio::test(start_paused = true)]
    async fn the_daily_budget_fails_fast_and_resets_at_midnight() {
        let limiter = limiter(1000.0, 10, Some(2));
        limiter.acquire().await.unwrap();
        limiter.acquire().await.unwrap();
        assert_eq!(limiter.used_today(), 2);
        assert_eq!(limiter.acquire().await, Err(Refusal::Budget(2)));
        let tomorrow = SystemTime::now() + Duration::from_secs(86_400);
        assert_eq!(limiter.charge(tomorrow), Ok(()));
    }

    #[tokio::test(start_paused = true)]
    async fn the_pace_drops_on_429s_and_recovers_while_quiet() {
        let limiter = limiter(10.0, 1, None);
        tokio::time::advance(Duration::from_secs(2)).await;
        limiter.throttled(Some(Duration::from_secs(3)), CAP);
        assert!((limiter.current_rate() - 5.0).abs() < 1e-9);
        // A second 429 within the same second does not compound.
        limiter.throttled(Some(Duration::ZERO), CAP);
        assert!((limiter.current_rate() - 5.0).abs() < 1e-9);
        // The pause (3 s) is not quiet time: no raise until a second after it.
        tokio::time::advance(Duration::from_millis(3500)).await;
        limiter.not_throttled();
        assert!((limiter.current_rate() - 5.0).abs() < 1e-9);
        tokio::time::advance(Duration::from_millis(500)).await;
        limiter.not_throttled();
        assert!((limiter.current_rate() - 5.2).abs() < 1e-9);
        for _ in 0..30 {
            tokio::time::advance(Duration::from_secs(1)).await;
            limiter.not_throttled();
        }
        assert!(
            (limiter.current_rate() - 10.0).abs() < 1e-9,
            "capped at the configured rate"
        );

        let fixed = RateLimiter::new(RateLimitConfig {
            requests_per_second: 10.0,
            adaptive: false,
            ..RateLimitConfig::default()
        })
        .unwrap();
        tokio::time::advance(Duration::from_secs(2)).await;
        fixed.throttled(Some(Duration::ZERO), CAP);
        assert_eq!(fixed.current_rate(), 10.0);
    }

    #[test]
    fn bad_settings_are_config_errors() {
        for (rate, burst) in [(0.0, 1), (-1.0, 1), (f64::NAN, 1), (3.0, 0), (1e-30, 1)] {
            let err = RateLimiter::new(RateLimitConfig {
                requests_per_second: rate,
                burst,
                ..RateLimitConfig::default()
            })
            .unwrap_err();
            assert!(err.to_string().contains("rate limit"), "{err}");
        }
    }
}
