use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use super::super::state::tests::{S, T0, policy};
use super::*;
use crate::policy::rate_limit::Refusal;

fn at(us: &AtomicI64) -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_micros(us.load(Ordering::SeqCst) as u64)
}

#[tokio::test(start_paused = true)]
async fn a_suspend_past_midnight_starts_the_days_count_afresh() {
    // 23:00 UTC; a laptop sleeps for two hours: tokio's (monotonic) clock stands still.
    static WALL: AtomicI64 = AtomicI64::new(T0 - T0 % (86_400 * S) + 23 * 3600 * S);
    let store = MemoryStore::with_wall_clock(|| at(&WALL));
    let key = CompanyKey::new("h", "k");
    let p = policy(1000.0, 5, Some(2));
    for _ in 0..2 {
        let granted = store.acquire(&key, &p).await.unwrap();
        assert!(matches!(granted, Admission::Granted { .. }), "{granted:?}");
    }
    // (The store's wall clock runs with tokio's paused one: the real time the test takes,
    // microseconds, is taken off it.)
    let about =
        |d: Duration, secs: u64| d.abs_diff(Duration::from_secs(secs)) < Duration::from_secs(1);
    let refused = store.acquire(&key, &p).await.unwrap();
    assert!(
        matches!(&refused, Admission::Refused(Refusal::Budget { resets_in, .. }) if about(*resets_in, 3600)),
        "{refused:?}"
    );
    WALL.fetch_add(2 * 3600 * S, Ordering::SeqCst);
    let granted = store.acquire(&key, &p).await.unwrap();
    assert!(
        matches!(granted, Admission::Granted { .. }),
        "a new UTC day: {granted:?}"
    );
    let snapshot = store.snapshot(&key).await.unwrap();
    assert_eq!(snapshot.used, 1);
    assert!(about(snapshot.resets_in, 23 * 3600), "{snapshot:?}");
}

#[tokio::test(start_paused = true)]
async fn a_wall_clock_set_back_an_hour_delays_nothing_and_keeps_the_count() {
    static WALL: AtomicI64 = AtomicI64::new(T0);
    let store = MemoryStore::with_wall_clock(|| at(&WALL));
    let key = CompanyKey::new("h", "k");
    let p = policy(3.0, 1, Some(10));
    assert!(matches!(
        store.acquire(&key, &p).await.unwrap(),
        Admission::Granted { .. }
    ));
    WALL.fetch_sub(3600 * S, Ordering::SeqCst);
    // One interval of 3/s, as without the step.
    assert_eq!(
        store.acquire(&key, &p).await.unwrap(),
        Admission::Wait(Duration::from_micros(333_334))
    );
    tokio::time::advance(Duration::from_micros(333_334)).await;
    assert!(matches!(
        store.acquire(&key, &p).await.unwrap(),
        Admission::Granted { .. }
    ));
    assert_eq!(store.snapshot(&key).await.unwrap().used, 2);
}
