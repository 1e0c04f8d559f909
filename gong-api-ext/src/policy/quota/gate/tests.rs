use super::*;
use crate::policy::rate_limit::RateLimitConfig;

fn limiter(budget: u32) -> RateLimiter {
    RateLimiter::new(RateLimitConfig {
        requests_per_second: 1000.0,
        daily_budget: Some(budget),
        ..RateLimitConfig::default()
    })
    .unwrap()
}

async fn spend(limiter: &RateLimiter, calls: u32) {
    for _ in 0..calls {
        limiter.acquire().await.unwrap();
    }
}

#[tokio::test(start_paused = true)]
async fn a_unit_starts_only_when_all_its_calls_fit() {
    let limiter = limiter(3);
    let gate = BudgetGate::new(limiter.clone());
    let Admit::Start(first) = gate.admit(2).await.unwrap() else {
        panic!("3 left, 2 needed")
    };
    // 3 left, 2 reserved: a second unit of 2 waits for the first, which spends its 2.
    let second = tokio::spawn({
        let gate = gate.clone();
        async move { gate.admit(2).await.unwrap() }
    });
    tokio::task::yield_now().await;
    assert!(!second.is_finished());
    spend(&limiter, 2).await;
    drop(first);
    let Admit::Refused(short) = second.await.unwrap() else {
        panic!("1 left, 2 needed")
    };
    assert_eq!((short.left, short.needed, short.budget), (1, 2, 3));
    // More than is left is refused at once, without waiting for anything.
    let Admit::Refused(short) = gate.admit(2).await.unwrap() else {
        panic!("1 left")
    };
    assert_eq!(short.left, 1);
    assert!(matches!(gate.admit(1).await.unwrap(), Admit::Start(_)));
}

#[tokio::test(start_paused = true)]
async fn a_unit_waits_for_running_ones_that_may_spend_less_than_they_reserved() {
    let limiter = limiter(4);
    let gate = BudgetGate::new(limiter.clone());
    let Admit::Start(first) = gate.admit(2).await.unwrap() else {
        panic!()
    };
    let Admit::Start(second) = gate.admit(2).await.unwrap() else {
        panic!()
    };
    // 4 left, all reserved: the third waits; the first spends 1 (held back after its
    // lookup), the second 2.
    let waiting = tokio::spawn({
        let gate = gate.clone();
        async move { gate.admit(1).await.unwrap() }
    });
    tokio::task::yield_now().await;
    assert!(!waiting.is_finished());
    spend(&limiter, 1).await;
    drop(first);
    spend(&limiter, 2).await;
    drop(second);
    assert!(matches!(waiting.await.unwrap(), Admit::Start(_)));
}

#[tokio::test(start_paused = true)]
async fn without_a_budget_everything_starts() {
    let limiter = RateLimiter::new(RateLimitConfig {
        daily_budget: None,
        ..RateLimitConfig::default()
    })
    .unwrap();
    let gate = BudgetGate::new(limiter);
    assert!(matches!(gate.admit(1000).await.unwrap(), Admit::Start(_)));
}
