//! Starting a piece of work only when all of its calls fit what is left of today's budget.
//!
//! A subject of a batch costs more than one call (a lookup, then the erase). Letting each call
//! meet the budget on its own spends the last calls of the day on lookups whose erasures are
//! then refused: calls spent, nobody erased. A [`BudgetGate`] admits a subject only when its
//! calls fit what the store says is left today, less the calls reserved by subjects this gate
//! admitted that are still running; otherwise it refuses, and the subject is not started.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::Notify;

use crate::error::Error;
use crate::policy::rate_limit::RateLimiter;

/// Admits units of work (e.g. a subject's lookup and erase) whose calls all fit today's budget.
/// Cheap to clone; clones share the reservations.
///
/// Reservations are this process's (this gate's): another process sharing the quota store is
/// seen through the store's count when a unit is admitted, so a unit admitted at the same
/// moment elsewhere can still leave this one's last call refused. Retries spend more calls
/// than reserved, with the same effect. Both end as before: the call is refused, nothing sent.
///
/// ```
/// use gong_api_ext::quota::{Admit, BudgetGate};
/// use gong_api_ext::{RateLimitConfig, RateLimiter};
///
/// # async fn run() -> Result<(), gong_api_ext::Error> {
/// let limiter = RateLimiter::new(RateLimitConfig { daily_budget: Some(3), ..Default::default() })?;
/// let gate = BudgetGate::new(limiter);
/// // A lookup and an erasure: 2 calls of the 3 left. Keep the reservation while they run.
/// let Admit::Start(reservation) = gate.admit(2).await? else { unreachable!() };
/// drop(reservation);
/// // 4 calls never fit a budget of 3: refused, nothing spent.
/// assert!(matches!(gate.admit(4).await?, Admit::Refused(s) if s.left == 3 && s.needed == 4));
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct BudgetGate {
    limiter: RateLimiter,
    shared: Arc<Reserved>,
}

#[derive(Debug, Default)]
struct Reserved {
    calls: Mutex<u32>,
    released: Notify,
}

/// What [`BudgetGate::admit`] decided.
#[derive(Debug)]
pub enum Admit {
    /// Start the unit; keep the reservation until it has made its calls.
    Start(Reservation),
    /// Do not start it: its calls do not fit what is left today.
    Refused(Shortfall),
}

/// Calls a started unit may still make; released when dropped.
#[derive(Debug)]
pub struct Reservation {
    calls: u32,
    shared: Option<Arc<Reserved>>,
}

impl Drop for Reservation {
    fn drop(&mut self) {
        if let Some(shared) = self.shared.take() {
            *shared.calls.lock().expect("not poisoned") -= self.calls;
            shared.released.notify_waiters();
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
    /// A gate over `limiter`'s daily budget.
    pub fn new(limiter: RateLimiter) -> Self {
        Self {
            limiter,
            shared: Arc::default(),
        }
    }

    /// Admits a unit that makes `calls` calls when they fit what is left today less what
    /// running units reserved. When they would fit once running units finish (which may have
    /// spent less than they reserved), waits for them; when they cannot fit even then, refuses.
    /// Without a daily budget every unit is admitted. Fails only when the store cannot be read.
    pub async fn admit(&self, calls: u32) -> Result<Admit, Error> {
        loop {
            let released = self.shared.released.notified();
            tokio::pin!(released);
            released.as_mut().enable();
            let usage = self.limiter.usage().await?;
            let (Some(left), Some(budget)) = (usage.remaining_today(), usage.daily_budget) else {
                return Ok(Admit::Start(self.reserve(0)));
            };
            {
                let mut reserved = self.shared.calls.lock().expect("not poisoned");
                if left.saturating_sub(*reserved) >= calls {
                    *reserved += calls;
                    drop(reserved);
                    return Ok(Admit::Start(self.reserve(calls)));
                }
                if *reserved == 0 || left < calls {
                    return Ok(Admit::Refused(Shortfall {
                        left,
                        needed: calls,
                        budget,
                        resets_in: usage.resets_in,
                    }));
                }
            }
            released.await;
        }
    }

    fn reserve(&self, calls: u32) -> Reservation {
        Reservation {
            calls,
            shared: (calls > 0).then(|| self.shared.clone()),
        }
    }
}

#[cfg(test)]
mod tests;
