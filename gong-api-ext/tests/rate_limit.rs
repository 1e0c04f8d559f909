//! The client-side limiter on the wire, on tokio's paused clock.

mod common;

use std::time::Duration;

use common::{builder, respond_ok};
use gong_api_ext::quota::CompanyKey;
use gong_api_ext::{Error, QuotaStore, RateLimitConfig, RateLimiter, RetryConfig};
use tokio::time::Instant;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn config(rate: f64, burst: u32, budget: Option<u32>) -> RateLimitConfig {
    RateLimitConfig {
        requests_per_second: rate,
        burst,
        margin: 0.0,
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

async fn mount_one_429(server: &MockServer, retry_after: &str) {
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("Retry-After", retry_after)
                .set_body_raw(
                    r#"{"requestId":"r","errors":["limit"]}"#,
                    "application/json",
                ),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(server)
        .await;
}

#[tokio::test(start_paused = true)]
async fn a_429_is_sent_again_after_the_pause_outside_the_attempt_limit() {
    let server = MockServer::start().await;
    mount_one_429(&server, "4").await;
    respond_ok(&server).await;
    // Retries off: a 429 is still sent again once the pause is over.
    let client = builder(&server)
        .rate_limit(config(100.0, 1, Some(10)))
        .retry(RetryConfig::disabled())
        .build()
        .unwrap();
    let start = Instant::now();
    let receipt = client.erase_email_address("a@example.com").await.unwrap();
    assert_eq!(receipt.request_id, "ok");
    let elapsed = start.elapsed();
    assert!(
        elapsed >= Duration::from_secs(4) && elapsed < Duration::from_millis(4100),
        "{elapsed:?}"
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test(start_paused = true)]
async fn no_429_resends_with_retries_off_sends_each_request_once() {
    let server = MockServer::start().await;
    mount_one_429(&server, "4").await;
    respond_ok(&server).await;
    let client = builder(&server)
        .rate_limit(config(100.0, 1, Some(10)))
        .retry(RetryConfig {
            max_429_resends: 0,
            ..RetryConfig::disabled()
        })
        .build()
        .unwrap();
    let err = client
        .erase_email_address("a@example.com")
        .await
        .unwrap_err();
    assert!(
        matches!(err, gong_api_ext::Error::RateLimited { attempts: 1, .. }),
        "{err}"
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_429_pauses_every_client_of_the_store() {
    let server = MockServer::start().await;
    mount_one_429(&server, "4").await;
    respond_ok(&server).await;
    let store = QuotaStore::memory();
    let client = || {
        builder(&server)
            .rate_limit(config(100.0, 1, None))
            .quota_store(store.clone())
            .build()
            .unwrap()
    };
    // The same company as the clients (their host and access key), to watch the quota.
    let host = server.address().to_string();
    let watcher = RateLimiter::with_store(
        config(100.0, 1, None),
        store.clone(),
        CompanyKey::new(&host, "ACCESS_KEY"),
    )
    .unwrap();
    let start = Instant::now();
    let first = tokio::spawn({
        let client = client();
        async move { client.erase_email_address("a@example.com").await }
    });
    while watcher.usage().await.unwrap().paused_for.is_none() {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    // Loopback I/O takes real time, during which the paused clock may move on.
    let seen = start.elapsed();
    // Two other clients of the store, started during the pause, wait it out.
    let (b, c) = (client(), client());
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
            done >= seen + Duration::from_millis(3990) && done < seen + Duration::from_millis(4200),
            "{done:?} (pause seen at {seen:?})"
        );
    }
    first.await.unwrap().unwrap();
    assert_eq!(server.received_requests().await.unwrap().len(), 4);
    assert_eq!(watcher.usage().await.unwrap().used_today, 4);
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

#[tokio::test(start_paused = true)]
async fn a_server_that_answers_429_to_everything_ends_the_call_after_a_bounded_number_of_requests()
{
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("Retry-After", "1")
                .set_body_raw(
                    r#"{"requestId":"r429","errors":["limit"]}"#,
                    "application/json",
                ),
        )
        // Many more than the bound: unbounded resends would end with this receipt (or, with
        // no end to the 429s, never).
        .up_to_n_times(100)
        .with_priority(1)
        .mount(&server)
        .await;
    respond_ok(&server).await;
    // Gong's pace and no daily budget: only the bound ends this call.
    let client = builder(&server)
        .rate_limit(config(3.0, 1, None))
        .build()
        .unwrap();
    let start = Instant::now();
    let err = client
        .erase_email_address("a@example.com")
        .await
        .unwrap_err();
    let retry = RetryConfig::default();
    let bound = retry.max_attempts + retry.max_429_resends;
    assert!(
        matches!(
            &err,
            Error::RateLimited { attempts, request_id: Some(id), retry_after: Some(wait) }
                if *attempts == bound && id == "r429" && *wait == Duration::from_secs(1)
        ),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        format!("rate limited by Gong after {bound} attempt(s); Gong asked to wait 1s")
    );
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        bound as usize
    );
    // Each request waited out Gong's second, or the pace the 429s slowed down: under a
    // minute in all (the bound in `RetryConfig::max_429_resends`).
    let elapsed = start.elapsed();
    assert!(
        elapsed >= Duration::from_secs(u64::from(bound - 1)) && elapsed < Duration::from_secs(60),
        "{elapsed:?}"
    );
}
