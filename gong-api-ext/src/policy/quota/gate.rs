//! Starting a piece of work only when all of its calls fit what is left of today's budget.
//!
//! A subject of a batch costs more than one call (a lookup, then the erase). Letting each call
//! meet the budget on its own spends the last calls of the day on lookups whose erasures are
//! then refused: calls spent, nobody erased. A [`BudgetGate`] admits a subject only when its
//! calls can be reserved in the quota store: atomically, beside what every process sharing the
//! store has reserved for its running subjects (see "Reservations" in the `quota::state`
//! module's source documentation). Otherwise it waits for running subjects to finish (they may
//! spend less than they reserved) or refuses, and the subject is not started.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;

use super::CLAIM;
use super::state::{Claim, Reserve};
use crate::error::Error;
use crate::policy::rate_limit::RateLimiter;

/// How long a reservation lasts after its last call (or its start) before the store gives its
/// calls back by itself: the calls of a process killed mid-subject are free again by then.
pub const DEFAULT_LEASE: Duration = Duration::from_secs(120);

/// How often a unit waiting for other processes' reservations asks the store again (this
/// process's own finishing units wake it at once).
const POLL: Duration = Duration::from_millis(250);

/// Admits units of work (e.g. a subject's lookup and erase) whose calls all fit today's budget,
/// reserving them in the quota store, where every process sharing it sees them. Cheap to
/// clone; clones share the wake-ups of finishing units.
///
/// A unit's calls spend its reservation when they run inside [`Reservation::run`]; calls
/// beyond it (retries) fit the budget only beside every other unit's reservation, so they can
/// still be refused, and then nothing is sent.
///
/// ```
/// use gong_api_ext::quota::{Admit, BudgetGate};
/// use gong_api_ext::{RateLimitConfig, RateLimiter};
///
/// # async fn run() -> Result<(), gong_api_ext::Error> {
/// let limiter = RateLimiter::new(RateLimitConfig { daily_budget: Some(3), ..Default::default() })?;
/// let gate = BudgetGate::new(limiter);
/// // A lookup and an erasure: 2 calls of the 3 left, reserved in the store.
/// let Admit::Start(reservation) = gate.admit(2).await? else { unreachable!() };
/// // ... reservation.run(erasure.run(&client, &guard, true)).await ...
/// reservation.release().await;
/// // 4 calls never fit a budget of 3: refused, nothing spent.
/// assert!(matches!(gate.admit(4).await?, Admit::Refused(s) if s.left == 3 && s.needed == 4));
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct BudgetGate {
    limiter: RateLimiter,
    lease: Duration,
    released: Arc<Notify>,
}

/// What [`BudgetGate::admit`] decided.
#[derive(Debug)]
pub enum Admit {
    /// Start the unit; run its calls inside [`Reservation::run`], then release it.
    Start(Reservation),
    /// Do not start it: its calls do not fit what is left today.
    Refused(Shortfall),
}

/// Calls reserved in the store for a started unit. Released by [`release`](Self::release), or
/// when dropped (in the background), or by the store when its lease ends.
#[derive(Debug)]
pub struct Reservation {
    /// `None` without a budget (nothing reserved), or once released.
    held: Option<(Claim, RateLimiter)>,
    released: Arc<Notify>,
}

impl Reservation {
    /// Runs `work`, whose calls through clients of this gate's limiter spend the reserved
    /// calls (and renew the lease) before any other part of the budget.
    pub async fn run<F: Future>(&self, work: F) -> F::Output {
        match &self.held {
            Some((claim, _)) => CLAIM.scope(claim.clone(), work).await,
            None => work.await,
        }
    }

    /// Gives back the calls the unit did not spend, and wakes the units waiting for them. A
    /// store that cannot be reached keeps them until the lease ends.
    pub async fn release(mut self) {
        if let Some((claim, limiter)) = self.held.take() {
            give_back(&limiter, &claim).await;
        }
        self.released.notify_waiters();
    }
}

/// Releases `claim`; when the store cannot be reached, tries again for a short while (a
/// store restarting), since until then its calls stay reserved until the lease ends.
async fn give_back(limiter: &RateLimiter, claim: &Claim) {
    for attempt in 0..=RELEASE_RETRIES {
        if attempt > 0 {
            tokio::time::sleep(POLL * 2).await;
        }
        if limiter.release(claim).await.is_ok() {
            return;
        }
    }
    tracing::warn!("could not release a budget reservation; it ends with its lease");
}

/// Attempts to release a reservation after the first failed (every 0.5 s: 2 s in all).
const RELEASE_RETRIES: u32 = 4;

impl Drop for Reservation {
    fn drop(&mut self) {
        let Some((claim, limiter)) = self.held.take() else {
            return;
        };
        let released = self.released.clone();
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                runtime.spawn(async move {
                    give_back(&limiter, &claim).await;
                    released.notify_waiters();
                });
            }
            // No runtime to release it on: the lease ends it.
            Err(_) => released.notify_waiters(),
        }
    }
}

/// Why a unit was not started: what is left today, what it needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shortfall {
    /// Calls left today under the budget (every user of the store counted).
    pub left: u32,
    /// Calls the unit needs.
    pub needed: u32,
    /// The daily budget.
    pub budget: u32,
    /// Until the count starts again (00:00 UTC).
    pub resets_in: Duration,
}

impl BudgetGate {
    /// A gate over `limiter`'s daily budget, with leases of [`DEFAULT_LEASE`].
    pub fn new(limiter: RateLimiter) -> Self {
        Self::with_lease(limiter, DEFAULT_LEASE)
    }

    /// A gate whose reservations last `lease` after their last call.
    pub fn with_lease(limiter: RateLimiter, lease: Duration) -> Self {
        Self {
            limiter,
            lease,
            released: Arc::default(),
        }
    }

    /// Admits a unit that makes `calls` calls when they fit what is left today beside what
    /// running units (of every process sharing the store) reserved, reserving them. When they
    /// would fit once running units finish (which may spend less than they reserved), waits
    /// for them; when they cannot fit even then, refuses. Without a daily budget every unit is
    /// admitted and nothing is reserved. Fails only when the store cannot be reached.
    pub async fn admit(&self, calls: u32) -> Result<Admit, Error> {
        if self.limiter.config().daily_budget.is_none() {
            return Ok(Admit::Start(self.reservation(None)));
        }
        let claim = Claim {
            id: format!("{}-{:016x}", std::process::id(), fastrand::u64(..)),
            lease: self.lease,
        };
        loop {
            let released = self.released.notified();
            tokio::pin!(released);
            released.as_mut().enable();
            match self.limiter.reserve(&claim, calls).await? {
                Reserve::Granted => {
                    let held = (calls > 0).then(|| (claim, self.limiter.clone()));
                    return Ok(Admit::Start(self.reservation(held)));
                }
                Reserve::Short {
                    left,
                    budget,
                    resets_in,
                } => {
                    return Ok(Admit::Refused(Shortfall {
                        left,
                        needed: calls,
                        budget,
                        resets_in,
                    }));
                }
                Reserve::Held { retry, .. } => {
                    let poll = POLL.min(retry.max(Duration::from_millis(1)));
                    // Whichever comes first: a release in this process, or the next poll.
                    // (futures-util's select: tokio's `select!` needs its `macros` feature,
                    // which the SDK's lean build leaves out.)
                    let sleep = std::pin::pin!(tokio::time::sleep(poll));
                    futures_util::future::select(released.as_mut(), sleep).await;
                }
            }
        }
    }

    fn reservation(&self, held: Option<(Claim, RateLimiter)>) -> Reservation {
        Reservation {
            held,
            released: self.released.clone(),
        }
    }
}

#[cfg(test)]
mod tests;
