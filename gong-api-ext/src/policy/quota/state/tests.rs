use super::*;

pub(crate) const S: i64 = 1_000_000;
/// Some time on 2026-11-24 UTC, in microseconds.
pub(crate) const T0: i64 = 1_795_000_000 * S;

pub(crate) fn policy(rate: f64, burst: u32, budget: Option<u32>) -> Policy {
    Policy {
        rate,
        burst,
        margin: 0.0,
        budget,
        adaptive: true,
    }
}

/// Two machines whose clocks are 0.8 s apart, sharing one state: the one behind is never
/// taken for a clock set back (the state never moves back), and together they never go
/// faster than the pace allows once the one ahead is granted (the one behind waits for
/// the state's times, which the one ahead set).
#[test]
fn two_clocks_under_a_second_apart_are_never_a_step_back() {
    let p = policy(3.0, 1, None);
    let mut s = QuotaState::default();
    let mut rng = fastrand::Rng::with_seed(7);
    let mut real = T0;
    let mut grants: Vec<i64> = Vec::new();
    for _ in 0..2000 {
        real += rng.i64(0..50_000);
        let behind = rng.bool();
        let now = if behind { real - 800_000 } else { real };
        let tat = s.tat;
        if let Admission::Granted { .. } = s.acquire(&p, now) {
            grants.push(real);
        }
        assert!(s.tat >= tat, "the state moved back");
    }
    // In any real second, at most 3 grants from the one clock's pace plus 1 from the
    // other's: the skew lets one go early, never more.
    for (i, &at) in grants.iter().enumerate() {
        let within = grants[i..].iter().take_while(|&&g| g < at + S).count();
        assert!(within <= 4, "{within} grants within a second of {at}");
    }
    assert!(grants.len() > 100, "{}", grants.len());
}

#[test]
fn a_clock_set_back_an_hour_delays_nothing() {
    let p = policy(3.0, 1, Some(100));
    let mut s = QuotaState::default();
    assert!(matches!(s.acquire(&p, T0), Admission::Granted { .. }));
    // NTP sets the clock back an hour: the next attempt waits one interval of 3/s, as it
    // would have without the step.
    let back = T0 - 3600 * S;
    assert_eq!(
        s.acquire(&p, back),
        Admission::Wait(Duration::from_micros(333_334))
    );
    assert!(matches!(
        s.acquire(&p, back + 333_334),
        Admission::Granted { .. }
    ));
    // A 429's pause in progress lasts what is left of it, not an hour more.
    let throttle = Throttle {
        granted_at: back + 333_334,
        wait: Duration::from_secs(2),
        cap: Duration::from_secs(60),
    };
    assert!(s.throttled(&p, back + S, throttle));
    let again = back + S - 3600 * S;
    assert_eq!(
        s.acquire(&p, again),
        Admission::Wait(Duration::from_secs(2))
    );
    // The day's count stays.
    assert_eq!(s.snapshot(again).used, 2);
    // A little out of order (readers of one clock): nothing moves.
    let tat = s.tat;
    s.snapshot(again - STEP_US);
    assert_eq!(s.tat, tat);
}

/// Grants as many attempts as the state allows from `from` to `until`, each as soon as
/// it may go; returns their times relative to `from`, in ms.
fn run(state: &mut QuotaState, policy: &Policy, from: i64, until: i64) -> Vec<i64> {
    let mut now = from;
    let mut at = Vec::new();
    while now < until {
        match state.acquire(policy, now) {
            Admission::Granted { .. } => at.push((now - from) / 1000),
            Admission::Wait(d) => now += micros(d),
            Admission::Refused(r) => panic!("{r:?}"),
        }
    }
    at
}

#[test]
fn no_burst_after_idle_or_after_a_pause() {
    let p = policy(4.0, 1, None);
    let mut s = QuotaState::default();
    assert_eq!(run(&mut s, &p, T0, T0 + S), [0, 250, 500, 750]);
    // An idle minute releases nothing.
    assert_eq!(
        run(&mut s, &p, T0 + 60 * S, T0 + 61 * S),
        [0, 250, 500, 750]
    );
    // A 429 pauses for 2 s; then one at once and the pace again.
    let non_adaptive = Policy {
        adaptive: false,
        ..p.clone()
    };
    let now = T0 + 61 * S;
    assert!(s.throttled(
        &non_adaptive,
        now,
        Throttle {
            granted_at: now,
            wait: Duration::from_secs(2),
            cap: Duration::from_secs(60),
        }
    ));
    assert_eq!(
        run(&mut s, &non_adaptive, now, now + 3 * S),
        [2000, 2250, 2500, 2750]
    );
}

#[test]
fn a_burst_is_granted_only_when_asked_for_and_never_after_a_pause() {
    let p = Policy {
        adaptive: false,
        ..policy(4.0, 3, None)
    };
    let mut s = QuotaState::default();
    assert_eq!(run(&mut s, &p, T0, T0 + S), [0, 0, 0, 250, 500, 750]);
    s.throttled(
        &p,
        T0 + S,
        Throttle {
            granted_at: T0 + S,
            wait: Duration::from_secs(1),
            cap: Duration::from_secs(60),
        },
    );
    assert_eq!(run(&mut s, &p, T0 + S, T0 + 2 * S + 1), [1000]);
}

#[test]
fn the_margin_paces_below_the_rate() {
    let p = Policy {
        margin: 0.02,
        ..policy(3.0, 1, None)
    };
    let mut s = QuotaState::default();
    // 1 / 2.94 s = 340.136 ms, rounded up to the microsecond.
    assert_eq!(run(&mut s, &p, T0, T0 + S), [0, 340, 680]);
    assert_eq!(s.tat - T0, 3 * 340_137);
}

#[test]
fn the_budget_refuses_before_any_wait_and_resets_at_utc_midnight() {
    let p = policy(1.0, 1, Some(2));
    let mut s = QuotaState::default();
    assert!(matches!(s.acquire(&p, T0), Admission::Granted { .. }));
    assert!(matches!(s.acquire(&p, T0), Admission::Wait(_)));
    assert!(matches!(s.acquire(&p, T0 + S), Admission::Granted { .. }));
    // The pace would make the next wait a second; the budget answers at once.
    let midnight = (T0 / DAY_US + 1) * DAY_US;
    assert_eq!(
        s.acquire(&p, T0 + S),
        Admission::Refused(Refusal::Budget {
            budget: 2,
            resets_in: duration(midnight - T0 - S),
        })
    );
    assert_eq!(s.snapshot(T0 + S).used, 2);
    assert!(matches!(s.acquire(&p, midnight), Admission::Granted { .. }));
    assert_eq!(s.snapshot(midnight).used, 1);
}

/// A wall clock stepped back across midnight (NTP, a VM restored) must not hand out a
/// fresh budget for a day already counted: the count stays with the latest day seen.
#[test]
fn a_clock_stepped_back_over_midnight_does_not_reset_the_count() {
    let p = policy(1000.0, 1, Some(2));
    let mut s = QuotaState::default();
    let midnight = (T0 / DAY_US + 1) * DAY_US;
    assert!(matches!(
        s.acquire(&p, midnight + S),
        Admission::Granted { .. }
    ));
    assert!(matches!(
        s.acquire(&p, midnight + 2 * S),
        Admission::Granted { .. }
    ));
    // The clock jumps back 10 s, to the day before: still the same budget, used up.
    assert!(matches!(
        s.acquire(&p, midnight - 8 * S),
        Admission::Refused(Refusal::Budget { .. })
    ));
    assert_eq!(s.snapshot(midnight - 8 * S).used, 2);
    // Forward again: still that day's count, then the next day resets it.
    assert!(matches!(
        s.acquire(&p, midnight + 3 * S),
        Admission::Refused(Refusal::Budget { .. })
    ));
    assert!(matches!(
        s.acquire(&p, midnight + DAY_US),
        Admission::Granted { .. }
    ));
}

#[test]
fn a_wait_beyond_the_cap_blocks_and_fails_fast() {
    let p = policy(1.0, 1, Some(10));
    let mut s = QuotaState::default();
    let blocked = !s.throttled(
        &p,
        T0,
        Throttle {
            granted_at: T0,
            wait: Duration::from_secs(3600),
            cap: Duration::from_secs(60),
        },
    );
    assert!(blocked);
    assert_eq!(
        s.acquire(&p, T0 + S),
        Admission::Refused(Refusal::Blocked(Duration::from_secs(3599)))
    );
    assert_eq!(
        s.level, 1.0,
        "a daily-limit answer says nothing about the pace"
    );
    assert!(matches!(
        s.acquire(&p, T0 + 3600 * S),
        Admission::Granted { .. }
    ));
}

fn throttle(s: &mut QuotaState, p: &Policy, now: i64, granted_at: i64) {
    s.throttled(
        p,
        now,
        Throttle {
            granted_at,
            wait: Duration::from_secs(1),
            cap: Duration::from_secs(60),
        },
    );
}

#[test]
fn the_level_learns_a_smaller_share_with_few_429s() {
    let p = policy(3.0, 1, None);
    let mut s = QuotaState::default();
    // The first 429: shallow.
    throttle(&mut s, &p, T0, T0);
    assert!((s.level - 0.95).abs() < 1e-12);
    // A request granted before that 429 was counted: same episode, no change.
    throttle(&mut s, &p, T0 + 100, T0 - 1);
    assert!((s.level - 0.95).abs() < 1e-12);
    // Right after the pause, a second strike: deep, and remembered as bad.
    throttle(&mut s, &p, T0 + 3 * S / 2, T0 + 3 * S / 2);
    assert!((s.level - 0.665).abs() < 1e-12);
    assert!((s.bad - 0.95).abs() < 1e-12);
    // Held 5 s after the pause: probe +2 %, then +4 % once that held.
    let resumed = s.paused_until;
    run(&mut s, &p, resumed, resumed + 6 * S);
    assert!((s.level - 0.665 * 1.02).abs() < 1e-12, "{}", s.level);
    run(&mut s, &p, resumed + 6 * S, resumed + 11 * S);
    assert!((s.good - 0.665 * 1.02).abs() < 1e-12);
    assert!((s.level - 0.665 * 1.02 * 1.04).abs() < 1e-12);
    // That probe fails: back to the good level, at most 95 % of the probe, which is the
    // new bad level.
    let now = resumed + 11 * S;
    throttle(&mut s, &p, now, now);
    let probe = 0.665 * 1.02 * 1.04;
    assert!((s.level - probe * 0.95).abs() < 1e-12, "{}", s.level);
    assert!((s.bad - probe).abs() < 1e-12);
    // 95 % of the bad level is within one step of the level: no more probes...
    let level = s.level;
    run(&mut s, &p, now + S, now + 200 * S);
    assert_eq!(s.level, level);
    // ...until the bad level is forgotten (five minutes), then it climbs back.
    run(&mut s, &p, now + 200 * S, now + 330 * S);
    assert_eq!(s.level, 1.0);
}

#[test]
fn a_stray_429_costs_a_little_and_recovers_in_seconds() {
    let p = policy(3.0, 1, None);
    let mut s = QuotaState::default();
    run(&mut s, &p, T0, T0 + 60 * S);
    throttle(&mut s, &p, T0 + 60 * S, T0 + 60 * S);
    assert!((s.level - 0.95).abs() < 1e-12);
    assert_eq!(s.bad, 0.0);
    run(&mut s, &p, T0 + 61 * S, T0 + 72 * S);
    assert_eq!(s.level, 1.0);
}

#[test]
fn the_level_never_falls_below_the_floor_and_stays_put_when_not_adaptive() {
    let p = policy(3.0, 1, None);
    let mut s = QuotaState::default();
    for i in 0..40 {
        let now = T0 + i * S;
        throttle(&mut s, &p, now, now);
    }
    assert_eq!(s.level, FLOOR);
    let fixed = Policy {
        adaptive: false,
        ..p
    };
    let mut s = QuotaState::default();
    throttle(&mut s, &fixed, T0, T0);
    throttle(&mut s, &fixed, T0 + S, T0 + S);
    assert_eq!(s.level, 1.0);
}
