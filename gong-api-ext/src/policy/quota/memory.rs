//! The in-memory store: the state machine behind a mutex. Its pace runs on tokio's clock,
//! which is monotonic (a wall clock set back stalls nothing) and can be paused in tests; its
//! UTC day is the wall clock's date, read on every operation, so a suspend (which stops the
//! monotonic clocks but not the date) still ends the day at midnight.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::SystemTime;

use futures_util::future::{BoxFuture, FutureExt as _};
use tokio::time::Instant;

use super::state::{Admission, Clock, Policy, QuotaState, Snapshot, Throttle, micros};
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
    ) -> BoxFuture<'a, Result<Admission, StoreError>> {
        let admission = self.with_state(key, |state, now| state.acquire(policy, now));
        futures_util::future::ready(Ok(admission)).boxed()
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
mod tests;
