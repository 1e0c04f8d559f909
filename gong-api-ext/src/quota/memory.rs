//! The in-memory store: the state machine behind a mutex, on tokio's clock (so tests can run
//! it on a paused clock), anchored to the wall clock once for the UTC day.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::SystemTime;

use futures_util::future::{BoxFuture, FutureExt as _};
use tokio::time::Instant;

use super::state::{Admission, Policy, QuotaState, Snapshot, Throttle, micros};
use super::{CompanyKey, Store, StoreError};

pub(crate) struct MemoryStore {
    /// Wall-clock microseconds at `origin`.
    wall_at_origin: i64,
    origin: Instant,
    states: Mutex<HashMap<CompanyKey, QuotaState>>,
}

impl MemoryStore {
    pub fn new() -> Self {
        let wall = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap_or_default();
        Self {
            wall_at_origin: micros(wall),
            origin: Instant::now(),
            states: Mutex::new(HashMap::new()),
        }
    }

    /// Microseconds since the epoch, moving with tokio's clock.
    fn now(&self) -> i64 {
        self.wall_at_origin + micros(self.origin.elapsed())
    }

    /// Runs `f` on the company's state, atomically.
    pub fn with_state<T>(&self, key: &CompanyKey, f: impl FnOnce(&mut QuotaState, i64) -> T) -> T {
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
