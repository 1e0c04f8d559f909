// Over 500 lines: one state machine as pure functions; its transitions read best together.
//! The quota's state machine: the GCRA pace, the shared pause, the daily count and the adaptive
//! pace, as pure functions of the state, the caller's policy and the time (microseconds since
//! the Unix epoch, on the store's clock).
//!
//! The memory and file stores run it here; the Redis store runs the same machine in Lua
//! (`redis.lua`), and a test feeds both the same events and compares the states.
//!
//! ## The pace
//!
//! GCRA ("generic cell rate algorithm", a token bucket kept as one timestamp): `tat`, the
//! theoretical arrival time of the next attempt, advances by one emission interval per grant,
//! from `max(tat, now)`. An attempt may go at `tat - tolerance`, where the tolerance is
//! `(burst - 1)` intervals; with the default burst of 1 there is none, so attempts are never
//! closer than one interval, whatever happened before (an idle minute releases no burst). A
//! change of pace changes the interval of the next grants and keeps `tat`: no fresh bucket.
//!
//! The interval is `1 / (rate × level × (1 - margin))`: the margin (2 % by default) keeps the
//! pace under a server bucket of exactly the configured rate, which timer and network jitter
//! would otherwise overrun every few requests; the level is the adaptive share below.
//!
//! ## A 429
//!
//! A 429 pauses every user of the quota until its `Retry-After` has passed, and `tat` moves to
//! the end of the pause, so the pause releases no burst either. A `Retry-After` longer than the
//! caller's cap (Gong's daily limit answers in hours) blocks instead: calls fail fast until it
//! has passed.
//!
//! ## The adaptive level
//!
//! Other integrations of the company draw on the same Gong limit, so the share left to us can
//! be below the configured rate. Gong's 429 is the only signal, one bit per request, so the
//! level is learnt with as few 429s as possible:
//!
//! - the first 429 after a quiet spell may be a stray one (jitter, a short burst of another
//!   integration): the level drops a little (×0.95, *shallow*);
//! - a second 429 for a request sent within 10 s of the previous pause's end means the pace is
//!   clearly too high (*deep*: ×0.7), and that level is remembered as *bad* for five minutes;
//! - a level that has held 5 s without a 429 is *good*; then the level probes upwards, by 2 %,
//!   then 4 %, 8 %… while probes hold, but never above 95 % of a remembered bad level;
//! - a probe answered 429 returns to the last good level (at most 95 % of the probe's) and
//!   remembers the probe as bad.
//!
//! Against a strict server this costs about three 429s when a competing integration appears
//! (the stray one, the second strike, one failed probe), then about one per five minutes
//! while it lasts, and the pace settles 2-5 % under the share left.
//!
//! Only a 429 for a request granted after the last one counted moves the level: the requests
//! already in flight when the first 429 came are answered in the same episode.
//!
//! ## The daily count
//!
//! Every grant counts, retries after a 429 included: the budget caps the attempts that leave,
//! which is what Gong (or any server) can count, and it also bounds how long a request may be
//! retried after 429s. The day is the UTC day, as Gong's. A refused attempt (budget, block) is
//! refused before any wait for the pace.
//!
//! ## Reservations
//!
//! A unit of work that makes several calls (a subject's lookup, then its erasure) claims them
//! all before its first one, so that no process starts a unit whose last call the budget would
//! then refuse: the calls spent on its first ones would be lost. A lease holds the unreserved
//! calls of one unit, by a claim id: `reserve` grants it only when `used`, the calls every
//! running unit still holds and the new ones all fit the budget; an attempt under the claim
//! spends one of its calls (counted in `used` as any attempt, and taken off the lease, so it
//! is never counted twice) and renews the lease; `release` gives back what the unit did not
//! spend (a lookup that found nothing to erase, a failure). A lease not renewed for its length
//! ends by itself: the calls of a process killed mid-unit come back. An attempt under no claim
//! (or past its unit's calls: a retry) fits the budget only beside every lease.
//!
//! ## Two clocks
//!
//! Each operation gets a [`Clock`]: `pace` times the intervals, pauses and blocks, `wall`
//! decides the UTC day. The memory store gives a monotonic `pace` and the wall clock's date,
//! so neither a clock set back (an NTP correction) stalls the pace nor a suspend (which stops
//! monotonic clocks) delays the day. The file and Redis stores share the state between
//! processes and machines, which share no monotonic clock, so both are their wall clock
//! (Redis's `TIME`); for them a `pace` more than [`STEP_US`] earlier than the latest one seen
//! is a clock set back, and every time in the state moves back with it: the next attempt waits
//! what it would have waited, not the size of the step. A clock set forward ends waits early
//! (a pause, the pace) and never stalls. A day, once counted, is never counted afresh by a
//! clock set back (see `roll_day`).

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};

pub(crate) use crate::policy::refusal::Refusal;

/// Microseconds in a day.
pub(crate) const DAY_US: i64 = 86_400_000_000;

/// A `pace` time this much earlier than the latest seen is a clock set back (mirrored in
/// `redis.lua`). Smaller differences are the order in which callers read the clock.
pub(crate) const STEP_US: i64 = 1_000_000;

/// The store's time for one operation, in microseconds since the Unix epoch: `pace` for
/// intervals, `wall` for the UTC day (see the module docs). A bare `i64` is both.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Clock {
    pub pace: i64,
    pub wall: i64,
}

impl From<i64> for Clock {
    fn from(now: i64) -> Self {
        Self {
            pace: now,
            wall: now,
        }
    }
}

/// The adaptive level's constants (mirrored in `redis.lua`).
pub(crate) const FLOOR: f64 = 0.05;
pub(crate) const SHALLOW: f64 = 0.95;
pub(crate) const DEEP: f64 = 0.7;
pub(crate) const STRIKE_WINDOW_US: i64 = 10_000_000;
pub(crate) const PROBE_EVERY_US: i64 = 5_000_000;
pub(crate) const FIRST_STEP: f64 = 0.02;
pub(crate) const MAX_STEP: f64 = 0.32;
pub(crate) const HEADROOM: f64 = 0.95;
pub(crate) const MEMORY_US: i64 = 300_000_000;

/// What one caller asks of the shared quota (from its
/// [`RateLimitConfig`](crate::RateLimitConfig)).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Policy {
    pub rate: f64,
    pub burst: u32,
    pub margin: f64,
    pub budget: Option<u32>,
    pub adaptive: bool,
}

/// The shared state of one company's quota.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct QuotaState {
    /// The theoretical arrival time of the next attempt.
    pub tat: i64,
    /// Every user waits until then (a 429's `Retry-After`).
    pub paused_until: i64,
    /// Calls fail fast until then (a `Retry-After` beyond the cap).
    pub blocked_until: i64,
    /// The UTC day `used` counts, in days since the epoch.
    pub day: i64,
    /// Attempts granted that day.
    pub used: u32,
    /// The adaptive share of the configured rate in force, in `[FLOOR, 1]`.
    pub level: f64,
    /// The last level that held without a 429.
    pub good: f64,
    /// The next probe's step.
    pub step: f64,
    /// A level answered 429 recently (0: none).
    pub bad: f64,
    /// When `bad` is forgotten.
    pub bad_until: i64,
    /// When the level was last set (probes wait `PROBE_EVERY_US` after it).
    pub level_since: i64,
    /// When the last 429 that moved the level came.
    pub last_429: i64,
    /// The latest `pace` time seen (a much earlier one is a clock set back).
    pub seen: i64,
    /// Calls of today's budget claimed by units of work still running, by claim id (see
    /// "Reservations" in the module docs).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub leases: BTreeMap<String, Lease>,
}

/// Calls reserved for one unit of work, until it has made them or its lease ends.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Lease {
    /// Calls still reserved.
    pub calls: u32,
    /// The lease ends then (store time) unless a call under it renews it.
    pub until: i64,
}

/// A unit of work's claim on the budget: its id in the store and how long its lease lasts
/// after the last use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Claim {
    pub id: String,
    pub lease: Duration,
}

/// The store's answer to "reserve these calls".
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Reserve {
    /// Reserved (or there is no budget, and nothing needs reserving).
    Granted,
    /// They fit what is left today, but not beside the calls other units have reserved:
    /// ask again once one of those finishes (or its lease ends, at the latest in `retry`).
    Held {
        left: u32,
        reserved: u32,
        retry: Duration,
    },
    /// They do not fit what is left today.
    Short {
        left: u32,
        budget: u32,
        resets_in: Duration,
    },
}

impl Default for QuotaState {
    fn default() -> Self {
        Self {
            tat: 0,
            paused_until: 0,
            blocked_until: 0,
            day: 0,
            used: 0,
            level: 1.0,
            good: 1.0,
            step: FIRST_STEP,
            bad: 0.0,
            bad_until: 0,
            level_since: 0,
            last_429: 0,
            seen: 0,
            leases: BTreeMap::new(),
        }
    }
}

/// The store's answer to "may an attempt go now?".
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Admission {
    /// Yes, and it is counted; `granted_at` is the store's time.
    Granted { granted_at: i64 },
    /// Not before this long.
    Wait(Duration),
    /// No.
    Refused(Refusal),
}

/// A 429 to record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Throttle {
    /// When the attempt answered 429 was granted (store time).
    pub granted_at: i64,
    /// Gong's `Retry-After` (or the default pause).
    pub wait: Duration,
    /// The longest wait to pause for; a longer one blocks.
    pub cap: Duration,
}

/// What a store reports for [`Usage`](crate::policy::quota::Usage).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Snapshot {
    pub used: u32,
    /// Calls reserved by units of work still running.
    pub reserved: u32,
    pub resets_in: Duration,
    pub level: f64,
    pub paused_for: Duration,
    pub blocked_for: Duration,
}

pub(crate) fn micros(d: Duration) -> i64 {
    i64::try_from(d.as_micros()).unwrap_or(i64::MAX)
}

fn duration(us: i64) -> Duration {
    Duration::from_micros(u64::try_from(us).unwrap_or(0))
}

impl QuotaState {
    /// The emission interval at the level in force.
    fn interval(&self, policy: &Policy) -> i64 {
        (1e6 / (policy.rate * self.level * (1.0 - policy.margin))).ceil() as i64
    }

    fn tolerance(&self, policy: &Policy) -> i64 {
        self.interval(policy)
            .saturating_mul(i64::from(policy.burst.max(1) - 1))
    }

    /// Starts a new count when `wall` is on a later UTC day. A clock stepped back to an
    /// earlier day keeps the later day's count (a fresh one would overspend that day).
    fn roll_day(&mut self, wall: i64) -> i64 {
        let day = wall.div_euclid(DAY_US);
        if day > self.day {
            self.day = day;
            self.used = 0;
        }
        self.day
    }

    /// Moves every time in the state back with a `pace` clock set back by more than
    /// [`STEP_US`], so that the step delays nothing; returns `pace`.
    fn follow(&mut self, pace: i64) -> i64 {
        let back = self.seen - pace;
        if back > STEP_US {
            for time in [
                &mut self.tat,
                &mut self.paused_until,
                &mut self.blocked_until,
                &mut self.bad_until,
                &mut self.level_since,
                &mut self.last_429,
            ] {
                *time = time.saturating_sub(back);
            }
            for lease in self.leases.values_mut() {
                lease.until = lease.until.saturating_sub(back);
            }
            self.seen = pace;
        } else {
            self.seen = self.seen.max(pace);
        }
        pace
    }

    /// Forgets the leases that have ended; returns the calls still reserved.
    fn prune(&mut self, now: i64) -> u32 {
        self.leases
            .retain(|_, lease| lease.until > now && lease.calls > 0);
        self.leases
            .values()
            .fold(0u32, |sum, lease| sum.saturating_add(lease.calls))
    }

    /// May an attempt go at `at`? Refusals come first: a refused attempt never waits. An
    /// attempt under `claim` spends a call its unit reserved (and renews the lease); any
    /// other attempt only fits the budget beside every unit's reserved calls.
    pub fn acquire(
        &mut self,
        policy: &Policy,
        at: impl Into<Clock>,
        claim: Option<&Claim>,
    ) -> Admission {
        let Clock { pace, wall } = at.into();
        let now = self.follow(pace);
        if self.blocked_until > now {
            return Admission::Refused(Refusal::Blocked(duration(self.blocked_until - now)));
        }
        let day = self.roll_day(wall);
        let reserved = self.prune(now);
        let claimed = claim.filter(|c| self.leases.contains_key(&c.id));
        if let (Some(budget), None) = (policy.budget, claimed) {
            if self.used >= budget {
                return Admission::Refused(Refusal::Budget {
                    budget,
                    resets_in: duration((day + 1) * DAY_US - wall),
                });
            }
            if self.used.saturating_add(reserved) >= budget {
                return Admission::Refused(Refusal::Reserved {
                    budget,
                    left: budget - self.used,
                });
            }
        }
        if policy.adaptive && now >= self.paused_until {
            self.probe(now);
        }
        if let Some(claim) = claimed {
            let lease = self.leases.get_mut(&claim.id).expect("checked above");
            lease.until = now.saturating_add(micros(claim.lease));
        }
        let interval = self.interval(policy);
        let earliest = (self.tat - self.tolerance(policy)).max(self.paused_until);
        if now < earliest {
            return Admission::Wait(duration(earliest - now));
        }
        self.tat = self.tat.max(now).saturating_add(interval);
        self.used = self.used.saturating_add(1);
        if let Some(claim) = claimed {
            let lease = self.leases.get_mut(&claim.id).expect("checked above");
            lease.calls -= 1;
            if lease.calls == 0 {
                self.leases.remove(&claim.id);
            }
        }
        Admission::Granted { granted_at: now }
    }

    /// Reserves `calls` of today's budget for `claim`'s unit of work (see "Reservations" in
    /// the module docs).
    pub fn reserve(
        &mut self,
        policy: &Policy,
        at: impl Into<Clock>,
        claim: &Claim,
        calls: u32,
    ) -> Reserve {
        let Clock { pace, wall } = at.into();
        let now = self.follow(pace);
        let day = self.roll_day(wall);
        self.leases.remove(&claim.id);
        let reserved = self.prune(now);
        let Some(budget) = policy.budget else {
            return Reserve::Granted;
        };
        let left = budget.saturating_sub(self.used);
        if left < calls {
            return Reserve::Short {
                left,
                budget,
                resets_in: duration((day + 1) * DAY_US - wall),
            };
        }
        if left - calls < reserved {
            let first_end = self.leases.values().map(|l| l.until).min().unwrap_or(now);
            return Reserve::Held {
                left,
                reserved,
                retry: duration(first_end - now),
            };
        }
        if calls > 0 {
            self.leases.insert(
                claim.id.clone(),
                Lease {
                    calls,
                    until: now.saturating_add(micros(claim.lease)),
                },
            );
        }
        Reserve::Granted
    }

    /// Gives back what `claim`'s unit did not spend.
    pub fn release(&mut self, at: impl Into<Clock>, claim: &Claim) {
        let now = self.follow(at.into().pace);
        self.leases.remove(&claim.id);
        self.prune(now);
    }

    /// Raises the level once it has held long enough (see the module docs).
    fn probe(&mut self, now: i64) {
        if self.bad > 0.0 && now >= self.bad_until {
            self.bad = 0.0;
        }
        if now - self.level_since < PROBE_EVERY_US {
            return;
        }
        if self.level > self.good {
            self.good = self.level;
            self.step = (self.step * 2.0).min(MAX_STEP);
        }
        let cap = if self.bad > 0.0 {
            (self.bad * HEADROOM).min(1.0)
        } else {
            1.0
        };
        if self.level < cap && (cap >= 1.0 || cap >= self.level * (1.0 + FIRST_STEP)) {
            self.level = cap.min(self.level * (1.0 + self.step));
            self.level_since = now;
        }
    }

    /// Records a 429 answered at `now`: a pause for everyone (or a block beyond the cap) and,
    /// when adaptive, a lower level. Returns `true` for a pause, `false` for a block.
    pub fn throttled(&mut self, policy: &Policy, at: impl Into<Clock>, throttle: Throttle) -> bool {
        let now = self.follow(at.into().pace);
        let wait = micros(throttle.wait);
        if wait > micros(throttle.cap) {
            self.blocked_until = self.blocked_until.max(now.saturating_add(wait));
            return false;
        }
        let previous_pause = self.paused_until;
        self.paused_until = self.paused_until.max(now.saturating_add(wait));
        if policy.adaptive && throttle.granted_at > self.last_429 {
            if self.level > self.good {
                // A probe above the last good level failed: back to it, and never within
                // HEADROOM of the failed level (the good one may have held by luck).
                self.remember_bad(now);
                self.level = self.good.min(self.bad * HEADROOM);
                self.good = self.level;
            } else if previous_pause > 0 && throttle.granted_at < previous_pause + STRIKE_WINDOW_US
            {
                // The second strike soon after a pause: well above our share.
                self.remember_bad(now);
                self.level = (self.level * DEEP).max(FLOOR);
                self.good = self.level;
            } else {
                self.level = (self.level * SHALLOW).max(FLOOR);
                self.good = self.level;
            }
            self.step = FIRST_STEP;
            self.level_since = self.paused_until;
            self.last_429 = now;
        }
        self.tat = self
            .tat
            .max(self.paused_until.saturating_add(self.tolerance(policy)));
        true
    }

    fn remember_bad(&mut self, now: i64) {
        self.bad = self.level;
        self.bad_until = now.saturating_add(MEMORY_US);
    }

    /// The state as [`Usage`](crate::policy::quota::Usage) reports it.
    pub fn snapshot(&mut self, at: impl Into<Clock>) -> Snapshot {
        let Clock { pace, wall } = at.into();
        let now = self.follow(pace);
        let day = self.roll_day(wall);
        let reserved = self.prune(now);
        Snapshot {
            used: self.used,
            reserved,
            resets_in: duration((day + 1) * DAY_US - wall),
            level: self.level,
            paused_for: duration(self.paused_until - now),
            blocked_for: duration(self.blocked_until - now),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests;
