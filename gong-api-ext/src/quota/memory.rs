//! The in-memory store: the state machine behind a mutex. Its pace runs on tokio's clock,
//! which is monotonic (a wall clock set back stalls nothing) and can be paused in tests; its
//! UTC day is the wall clock's date, read on every operation, so a suspend (which stops the
//! monotonic clocks but not the date) still ends the day at midnight.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::SystemTime;

use futures_util::future::{BoxFuture, FutureExt as _};
use tokio::time::Instant;

use super::state::{
    Admission, Claim, Clock, Policy, QuotaState, Reserve, Snapshot, Throttle, micros,
};
use super::{CompanyKey, Store, StoreError};

pub(crate) struct MemoryStore {
    /// Wall-clock microseconds at `origin` (the pace's times read like dates).
    wall_at_origin: i64,
    /// tokio's clock at the start: the pace.
    origin: Instant,
    /// The OS's monotonic clock at the start: tokio's, less what a paused clock was advanced.
    std_origin: std::time::Instant,
    /// The wall clock (another one in tests).
    wall: fn() -> SystemTime,
    states: Mutex<HashMap<CompanyKey, QuotaState>>,
}

fn since_epoch(time: SystemTime) -> i64 {
    micros(
        time.duration_since(SystemTime::UNIX_EPOCH)
            .unwrap_or_default(),
    )
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::with_wall_clock(SystemTime::now)
    }

    /// A store whose UTC day follows `wall`.
    pub(crate) fn with_wall_clock(wall: fn() -> SystemTime) -> Self {
        Self {
            wall_at_origin: since_epoch(wall()),
            origin: Instant::now(),
            std_origin: std::time::Instant::now(),
            wall,
            states: Mutex::new(HashMap::new()),
        }
    }

    /// The pace on tokio's clock, the day on the wall clock. On a paused tokio clock (tests)
    /// the day follows tokio's clock: the wall clock is read plus how far tokio's clock is
    /// from the OS's monotonic one since the start (nothing outside paused-clock tests).
    fn now(&self) -> Clock {
        let elapsed = micros(self.origin.elapsed());
        let advanced = elapsed - micros(self.std_origin.elapsed());
        Clock {
            pace: self.wall_at_origin + elapsed,
            wall: since_epoch((self.wall)()) + advanced,
        }
    }

    /// Runs `f` on the company's state, atomically.
    pub fn with_state<T>(
        &self,
        key: &CompanyKey,
        f: impl FnOnce(&mut QuotaState, Clock) -> T,
    ) -> T {
        let mut states = self.states.lock().expect("quota state lock");
        let state = states.entry(key.clone()).or_default();
        f(state, self.now())
    }
}

impl Store for MemoryStore {
    fn acquire<'a>(
        &'a self,
        key: &'a CompanyKey,
        policy: &'a Policy,
        claim: Option<&'a Claim>,
    ) -> BoxFuture<'a, Result<Admission, StoreError>> {
        let admission = self.with_state(key, |state, now| state.acquire(policy, now, claim));
        futures_util::future::ready(Ok(admission)).boxed()
    }

    fn reserve<'a>(
        &'a self,
        key: &'a CompanyKey,
        policy: &'a Policy,
        claim: &'a Claim,
        calls: u32,
    ) -> BoxFuture<'a, Result<Reserve, StoreError>> {
        let reserved = self.with_state(key, |state, now| state.reserve(policy, now, claim, calls));
        futures_util::future::ready(Ok(reserved)).boxed()
    }

    fn release<'a>(
        &'a self,
        key: &'a CompanyKey,
        claim: &'a Claim,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        self.with_state(key, |state, now| state.release(now, claim));
        futures_util::future::ready(Ok(())).boxed()
    }

    fn throttled<'a>(
        &'a self,
        key: &'a CompanyKey,
        policy: &'a Policy,
        throttle: Throttle,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        let paused = self.with_state(key, |state, now| state.throttled(policy, now, throttle));
        futures_util::future::ready(Ok(paused)).boxed()
    }

    fn snapshot<'a>(&'a self, key: &'a CompanyKey) -> BoxFuture<'a, Result<Snapshot, StoreError>> {
        let snapshot = self.with_state(key, |state, now| state.snapshot(now));
        futures_util::future::ready(Ok(snapshot)).boxed()
    }

    fn describe(&self) -> String {
        "memory".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicI64, Ordering};
    use std::time::Duration;

    use super::super::state::tests::{S, T0, policy};
    use super::*;
    use crate::rate_limit::Refusal;

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
            let granted = store.acquire(&key, &p, None).await.unwrap();
            assert!(matches!(granted, Admission::Granted { .. }), "{granted:?}");
        }
        // (The store's wall clock runs with tokio's paused one: the real time the test takes,
        // microseconds, is taken off it.)
        let about =
            |d: Duration, secs: u64| d.abs_diff(Duration::from_secs(secs)) < Duration::from_secs(1);
        let refused = store.acquire(&key, &p, None).await.unwrap();
        assert!(
            matches!(&refused, Admission::Refused(Refusal::Budget { resets_in, .. }) if about(*resets_in, 3600)),
            "{refused:?}"
        );
        WALL.fetch_add(2 * 3600 * S, Ordering::SeqCst);
        let granted = store.acquire(&key, &p, None).await.unwrap();
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
            store.acquire(&key, &p, None).await.unwrap(),
            Admission::Granted { .. }
        ));
        WALL.fetch_sub(3600 * S, Ordering::SeqCst);
        // One interval of 3/s, as without the step.
        assert_eq!(
            store.acquire(&key, &p, None).await.unwrap(),
            Admission::Wait(Duration::from_micros(333_334))
        );
        tokio::time::advance(Duration::from_micros(333_334)).await;
        assert!(matches!(
            store.acquire(&key, &p, None).await.unwrap(),
            Admission::Granted { .. }
        ));
        assert_eq!(store.snapshot(&key).await.unwrap().used, 2);
    }
}
