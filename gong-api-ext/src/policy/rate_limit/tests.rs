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

    use crate::policy::quota::state::{DAY_US, micros};
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
        inner: Arc::new(crate::policy::quota::memory::MemoryStore::with_wall_clock(
            wall,
        )),
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
