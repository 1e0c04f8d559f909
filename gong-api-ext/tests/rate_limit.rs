//! The client-side limiter on the wire, on tokio's paused clock.

mod common;

use std::time::Duration;

use common::{builder, respond_ok};
use gong_api_ext::{Error, RateLimitConfig};
use tokio::time::Instant;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn config(rate: f64, burst: u32, budget: Option<u32>) -> RateLimitConfig {
    RateLimitConfig {
        requests_per_second: rate,
        burst,
        daily_budget: budget,
        ..RateLimitConfig::default()
    }
}

#[tokio::test(start_paused = true)]
async fn clones_share_the_pace() {
    let server = MockServer::start().await;
    respond_ok(&server).await;
    let client = builder(&server)
        .rate_limit(config(3.0, 1, None))
        .build()
        .unwrap();
    let start = Instant::now();
    let calls = (0..4).map(|_| {
        let c = client.clone();
        async move { c.erase_email_address("jane@example.com").await.unwrap() }
    });
    futures_util::future::join_all(calls).await;
    // One at once, then one every third of a second.
    let elapsed = start.elapsed();
    assert!(
        elapsed >= Duration::from_millis(999) && elapsed <= Duration::from_millis(1010),
        "{elapsed:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_429_pauses_concurrent_calls_together() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("Retry-After", "4")
                .set_body_raw(
                    r#"{"requestId":"r","errors":["limit"]}"#,
                    "application/json",
                ),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    respond_ok(&server).await;
    // No retries: the first call ends at its 429, so the order of events is fixed (no timer
    // races with the loopback I/O on the paused clock).
    let client = builder(&server)
        .rate_limit(config(100.0, 2, None))
        .retry(gong_api_ext::RetryConfig::disabled())
        .build()
        .unwrap();
    let start = Instant::now();
    let err = client
        .erase_email_address("a@example.com")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::RateLimited { .. }), "{err:?}");
    assert_eq!(start.elapsed(), Duration::ZERO);

    // Two calls started after the 429, on two clones: both wait out the shared pause.
    let (b, c) = (client.clone(), client.clone());
    let (b, c) = tokio::join!(
        async move {
            b.erase_email_address("b@example.com").await.unwrap();
            start.elapsed()
        },
        async move {
            c.erase_email_address("c@example.com").await.unwrap();
            start.elapsed()
        },
    );
    for done in [b, c] {
        assert!(
            done >= Duration::from_secs(4) && done < Duration::from_millis(4100),
            "{done:?}"
        );
    }
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test(start_paused = true)]
async fn an_exhausted_daily_budget_fails_fast_and_sends_nothing() {
    let server = MockServer::start().await;
    respond_ok(&server).await;
    let client = builder(&server)
        .rate_limit(config(100.0, 5, Some(2)))
        .build()
        .unwrap();
    client.erase_email_address("a@example.com").await.unwrap();
    client.erase_email_address("b@example.com").await.unwrap();
    let err = client
        .erase_email_address("c@example.com")
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::BudgetExhausted(m) if m.contains("2 Gong calls")),
        "{err:?}"
    );
    // The raw client sees a local 429 saying so, and nothing is sent either.
    let raw = client
        .raw()
        .purge_email_address("d@example.com")
        .await
        .unwrap_err();
    assert_eq!(raw.status().map(|s| s.as_u16()), Some(429));
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}
