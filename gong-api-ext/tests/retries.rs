// Over 500 lines: the retry matrix (statuses, Retry-After, broken answers) on one paused clock and mock.
//! Retry behaviour on the wire, timed on tokio's paused clock (no real sleeps).

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use common::{builder, client, error_body, json, respond_ok, respond_once};
use gong_api_ext::{CrmRequestState, Error, WaitOptions};
use tokio::time::Instant;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn attempts(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

#[tokio::test(start_paused = true)]
async fn retry_after_seconds_is_honoured_exactly() {
    let server = MockServer::start().await;
    respond_once(
        &server,
        error_body(429, "API request limit exceeded").insert_header("Retry-After", "7"),
    )
    .await;
    respond_ok(&server).await;

    let start = Instant::now();
    let receipt = client(&server)
        .erase_email_address("jane@example.com")
        .await
        .unwrap();
    assert_eq!(receipt.request_id, "ok");
    assert_eq!(start.elapsed(), Duration::from_secs(7));
    assert_eq!(attempts(&server).await, 2);
}

#[tokio::test(start_paused = true)]
async fn retry_after_http_date_is_honoured() {
    let server = MockServer::start().await;
    // Far enough that the real time the first attempt takes (the date is read from the wall
    // clock, the wait on tokio's paused one) cannot bring it near the 8 s backoff cap.
    let at = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(40));
    respond_once(
        &server,
        error_body(503, "maintenance").insert_header("Retry-After", at.as_str()),
    )
    .await;
    respond_ok(&server).await;

    let start = Instant::now();
    client(&server)
        .erase_phone_number("+14255552671")
        .await
        .unwrap();
    // HTTP dates have whole-second precision.
    let waited = start.elapsed();
    assert!(
        waited >= Duration::from_secs(30) && waited <= Duration::from_secs(40),
        "{waited:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_retry_after_above_the_cap_fails_fast_with_the_wait() {
    // An absurd value (more digits than 64 bits hold) is the longest wait, not garbage.
    for (value, wait, shown) in [
        ("3600", Duration::from_secs(3600), "3600s"),
        (
            "99999999999999999999",
            Duration::from_secs(u64::MAX),
            "18446744073709551615s",
        ),
    ] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(error_body(429, "daily limit").insert_header("Retry-After", value))
            .mount(&server)
            .await;

        let start = Instant::now();
        let client = client(&server);
        let err = client
            .erase_email_address("jane@example.com")
            .await
            .unwrap_err();
        assert_eq!(start.elapsed(), Duration::ZERO);
        assert!(
            err.to_string()
                .ends_with(&format!("after 1 attempt(s); Gong asked to wait {shown}")),
            "{err}"
        );
        match err {
            Error::RateLimited {
                retry_after,
                request_id,
                attempts,
            } => {
                assert_eq!(retry_after, Some(wait), "{value}");
                assert_eq!(request_id.as_deref(), Some("r429"));
                assert_eq!(attempts, 1);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(attempts(&server).await, 1);

        // Later calls of the same client fail fast too, with the remaining wait, sending
        // nothing.
        let err = client
            .erase_email_address("joe@example.com")
            .await
            .unwrap_err();
        assert!(
            matches!(err, Error::RateLimited { retry_after: Some(d), .. } if d >= Duration::from_secs(3600)),
            "{err:?}"
        );
        assert_eq!(start.elapsed(), Duration::ZERO);
        assert_eq!(attempts(&server).await, 1);
    }
}

#[tokio::test(start_paused = true)]
async fn a_502_html_page_is_retried() {
    let server = MockServer::start().await;
    respond_once(
        &server,
        ResponseTemplate::new(502)
            .set_body_raw("<html><body>Bad Gateway</body></html>", "text/html"),
    )
    .await;
    respond_ok(&server).await;
    client(&server)
        .erase_email_address("jane@example.com")
        .await
        .unwrap();
    assert_eq!(attempts(&server).await, 2);
}

#[tokio::test(start_paused = true)]
async fn persistent_html_errors_end_as_undecodable_after_all_attempts() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(502)
                .set_body_raw("<html><body>Bad Gateway</body></html>", "text/html"),
        )
        .mount(&server)
        .await;
    let start = Instant::now();
    let err = client(&server)
        .erase_email_address("jane@example.com")
        .await
        .unwrap_err();
    match &err {
        Error::UndecodableResponse {
            status,
            body_excerpt,
            ..
        } => {
            assert_eq!(status.as_u16(), 502);
            assert!(body_excerpt.contains("Bad Gateway"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(attempts(&server).await, 5);
    // Four backoffs: 0.5 s, 1 s, 2 s, 4 s, each with up to 25 % jitter taken off.
    let waited = start.elapsed();
    assert!(
        waited <= Duration::from_millis(7500) && waited >= Duration::from_millis(5625),
        "{waited:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn documented_500_with_html_is_undecodable_with_its_status() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500).set_body_raw("oops", "text/plain"))
        .mount(&server)
        .await;
    let err = client(&server)
        .erase_email_address("jane@example.com")
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500), "{err:?}");
    assert!(matches!(err, Error::UndecodableResponse { .. }));
}

#[tokio::test(start_paused = true)]
async fn bad_request_and_unauthorized_are_not_retried() {
    for (status, message) in [
        (400, "Malformed request"),
        (401, "Missing scope api:data-privacy:delete"),
    ] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(error_body(status, message))
            .mount(&server)
            .await;
        let err = client(&server)
            .erase_email_address("jane@example.com")
            .await
            .unwrap_err();
        assert_eq!(attempts(&server).await, 1, "{status}");
        assert_eq!(err.status().unwrap().as_u16(), status);
        assert_eq!(err.request_id(), Some(format!("r{status}").as_str()));
        assert!(err.to_string().contains(message), "{err}");
    }
}

#[tokio::test(start_paused = true)]
async fn retries_can_be_turned_off() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(error_body(503, "down"))
        .mount(&server)
        .await;
    let err = builder(&server)
        .retry(gong_api_ext::RetryConfig::disabled())
        .build()
        .unwrap()
        .erase_email_address("jane@example.com")
        .await
        .unwrap_err();
    assert_eq!(attempts(&server).await, 1);
    assert_eq!(err.status().unwrap().as_u16(), 503);
}

async fn crm_delete_responding(first: ResponseTemplate, then: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(first)
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .respond_with(then)
        .mount(&server)
        .await;
    server
}

#[tokio::test(start_paused = true)]
async fn a_409_after_an_ambiguous_attempt_is_success() {
    let server = crm_delete_responding(
        error_body(503, "unavailable"),
        error_body(409, "Client request id has already been used"),
    )
    .await;
    let deletion = client(&server)
        .delete_crm_integration(5517027188234205706)
        .await
        .unwrap();
    assert!(deletion.confirmed_by_conflict);
    assert_eq!(deletion.client_request_id, "sdk-test-1");
    assert_eq!(deletion.request_id.as_deref(), Some("r409"));

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    for r in &requests {
        assert_eq!(
            r.url.query(),
            Some("clientRequestId=sdk-test-1&integrationId=5517027188234205706"),
            "the same clientRequestId on every attempt"
        );
    }
}

#[tokio::test(start_paused = true)]
async fn a_409_on_the_first_attempt_is_an_error() {
    let server = crm_delete_responding(
        error_body(409, "Client request id has already been used"),
        json(r#"{"requestId":"never"}"#),
    )
    .await;
    let err = client(&server)
        .delete_crm_integration(42)
        .await
        .unwrap_err();
    assert_eq!(err.status().unwrap().as_u16(), 409);
    assert_eq!(attempts(&server).await, 1);
}

#[tokio::test(start_paused = true)]
async fn each_logical_delete_gets_a_fresh_client_request_id() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(
            ResponseTemplate::new(201).set_body_raw(r#"{"requestId":"r"}"#, "application/json"),
        )
        .mount(&server)
        .await;
    let counter = Arc::new(AtomicUsize::new(0));
    let source = counter.clone();
    let client = builder(&server)
        .client_request_id_source(move || format!("call-{}", source.fetch_add(1, Ordering::SeqCst)))
        .build()
        .unwrap();
    let a = client.delete_crm_integration(1).await.unwrap();
    let b = client.delete_crm_integration(1).await.unwrap();
    assert_eq!(
        (a.client_request_id.as_str(), b.client_request_id.as_str()),
        ("call-0", "call-1")
    );
}

fn status_body(status: &str) -> ResponseTemplate {
    json(&format!(
        r#"{{"requestId":"s","status":"{status}","errors":[{{"line":2,"description":"locked"}}]}}"#
    ))
}

#[tokio::test(start_paused = true)]
async fn waiting_for_a_crm_deletion_polls_with_backoff_until_done() {
    let server = MockServer::start().await;
    for (status, times) in [("PENDING", 1), ("IN_PROGRESS", 2)] {
        Mock::given(method("GET"))
            .and(path("/v2/crm/request-status"))
            .respond_with(status_body(status))
            .up_to_n_times(times)
            .with_priority(if status == "PENDING" { 1 } else { 2 })
            .mount(&server)
            .await;
    }
    Mock::given(method("GET"))
        .and(path("/v2/crm/request-status"))
        .respond_with(status_body("DONE"))
        .with_priority(3)
        .mount(&server)
        .await;
    let client = client(&server);
    let deletion = gong_api_ext::CrmDeletion {
        integration_id: 7,
        client_request_id: "sdk-test-1".into(),
        request_id: None,
        confirmed_by_conflict: false,
    };
    let options = WaitOptions {
        deadline: Duration::from_secs(3600),
        initial_interval: Duration::from_secs(10),
        max_interval: Duration::from_secs(25),
    };
    let start = Instant::now();
    let status = client
        .wait_for_crm_deletion(&deletion, &options)
        .await
        .unwrap();
    assert_eq!(status.state, CrmRequestState::Done);
    // Polls at 0, 10, 30 and 55 s: pauses of 10, 20, then 25 (capped).
    assert_eq!(start.elapsed(), Duration::from_secs(55));
    assert_eq!(attempts(&server).await, 4);
}

#[tokio::test(start_paused = true)]
async fn waiting_reports_failure_and_deadline() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(status_body("FAILED"))
        .mount(&server)
        .await;
    let deletion = gong_api_ext::CrmDeletion {
        integration_id: 7,
        client_request_id: "abc".into(),
        request_id: None,
        confirmed_by_conflict: false,
    };
    let err = client(&server)
        .wait_for_crm_deletion(&deletion, &WaitOptions::default())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::CrmRequestFailed { errors, .. } if errors == &["line 2: locked"]),
        "{err:?}"
    );

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(status_body("PENDING"))
        .mount(&server)
        .await;
    let options = WaitOptions {
        deadline: Duration::from_secs(60),
        initial_interval: Duration::from_secs(20),
        max_interval: Duration::from_secs(20),
    };
    let start = Instant::now();
    let err = client(&server)
        .wait_for_crm_deletion(&deletion, &options)
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::CrmWaitTimedOut { last_status, .. } if last_status == "PENDING"));
    assert_eq!(start.elapsed(), Duration::from_secs(60));
}

// ---- Broken answers: a success that cannot be read is retried, and the retry brings the
// receipt ----

use std::collections::VecDeque;
use std::sync::Mutex;

use common::builder_at;
use common::raw::{self, RawServer, Reply};
use gong_api_ext::AnswerFault;

/// A raw server answering with `first`, in order, then with `then()` forever.
fn scripted(first: Vec<Reply>, then: fn() -> Reply) -> RawServer {
    let queue = Mutex::new(VecDeque::from(first));
    RawServer::start(move |_| queue.lock().unwrap().pop_front().unwrap_or_else(then))
}

fn receipt() -> Reply {
    Reply::Bytes(raw::json(200, r#"{"requestId":"ok","emails":[]}"#))
}

/// A 200 whose connection resets right after the status line and headers.
fn reset_after_status_line() -> Reply {
    Reply::Reset(
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 40\r\n\r\n".to_vec(),
    )
}

/// Every kind of success that is not Gong's answer, and what the client should call it.
fn broken_successes() -> Vec<(&'static str, Reply, AnswerFault)> {
    let fake = r#"{"requestId":"false-receipt","x":1}"#;
    vec![
        (
            "empty object",
            Reply::Bytes(raw::json(200, "{}")),
            AnswerFault::NoRequestId,
        ),
        (
            "null requestId",
            Reply::Bytes(raw::json(200, r#"{"requestId": null}"#)),
            AnswerFault::NoRequestId,
        ),
        (
            "HTML",
            Reply::Bytes(raw::http(
                200,
                &[("content-type", "text/html")],
                b"<html><body>Welcome</body></html>",
            )),
            AnswerFault::NotJson {
                excerpt: "Welcome".into(),
            },
        ),
        (
            "cut off before its declared length",
            Reply::Bytes(raw::http_declaring(
                200,
                &[],
                &fake.as_bytes()[..20],
                fake.len(),
            )),
            AnswerFault::ConnectionClosed,
        ),
        (
            "cut off, no declared length",
            Reply::Bytes(
                format!(
                    "HTTP/1.1 200 OK\r\nconnection: close\r\n\r\n{}",
                    &fake[..20]
                )
                .into_bytes(),
            ),
            AnswerFault::Truncated,
        ),
        (
            "reset after the status line",
            reset_after_status_line(),
            AnswerFault::ConnectionClosed,
        ),
        (
            "reset inside the body",
            Reply::Reset(raw::http_declaring(
                200,
                &[],
                &fake.as_bytes()[..25],
                fake.len(),
            )),
            AnswerFault::ConnectionClosed,
        ),
    ]
}

#[tokio::test(start_paused = true)]
async fn a_broken_success_is_retried_and_the_retry_brings_the_receipt() {
    for (case, reply, _) in broken_successes() {
        let server = scripted(vec![reply], receipt);
        let client = builder_at(server.uri()).build().unwrap();
        let start = Instant::now();
        let got = client.erase_email_address("jane@example.com").await;
        let receipt = got.unwrap_or_else(|e| panic!("{case}: {e}"));
        assert_eq!(receipt.request_id, "ok", "{case}");
        assert_eq!(server.requests().len(), 2, "{case}");
        // One backoff, like a 5xx.
        assert!(start.elapsed() <= Duration::from_millis(500), "{case}");
    }
}

#[tokio::test(start_paused = true)]
async fn lookups_and_crm_calls_retry_a_broken_success_too() {
    for (case, reply, _) in broken_successes() {
        let server = scripted(vec![reply], receipt);
        let client = builder_at(server.uri()).build().unwrap();
        let found = client.find_references_by_email("jane@example.com").await;
        let found = found.unwrap_or_else(|e| panic!("{case}: {e}"));
        assert_eq!(found.request_id.as_deref(), Some("ok"), "{case}");
        assert_eq!(server.requests().len(), 2, "{case}");
    }
    let server = scripted(
        vec![Reply::Bytes(raw::json(200, r#"{"integrations":[]}"#))],
        || Reply::Bytes(raw::json(200, r#"{"requestId":"ok","integrations":[]}"#)),
    );
    let list = builder_at(server.uri())
        .build()
        .unwrap()
        .list_crm_integrations()
        .await
        .unwrap();
    assert_eq!(list.request_id.as_deref(), Some("ok"));
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test(start_paused = true)]
async fn an_answer_that_stays_broken_ends_saying_what_happened() {
    for (case, _, fault) in broken_successes() {
        // `broken_successes` builds fresh replies each call; answer every attempt with the
        // case's kind.
        let server = RawServer::start(move |_| {
            broken_successes()
                .into_iter()
                .find(|(c, _, _)| *c == case)
                .map(|(_, reply, _)| reply)
                .unwrap()
        });
        let client = builder_at(server.uri()).build().unwrap();
        let err = client
            .erase_email_address("jane@example.com")
            .await
            .unwrap_err();
        match &err {
            Error::BrokenResponse {
                operation,
                attempts,
                status,
                fault: f,
                may_have_taken_effect,
                ..
            } => {
                assert_eq!(*operation, "purge_email_address", "{case}");
                assert_eq!(*attempts, 5, "{case}");
                assert_eq!(status.as_u16(), 200, "{case}");
                assert_eq!(f, &fault, "{case}");
                assert!(may_have_taken_effect, "{case}");
            }
            other => panic!("{case}: {other:?}"),
        }
        let text = err.to_string();
        assert!(
            text.ends_with("(purge_email_address answered 200 OK; 5 attempt(s))"),
            "{text}"
        );
        assert!(text.contains("; the erasure may have been done"), "{text}");
        assert!(
            !text.contains("false-receipt") && !text.contains("jane"),
            "{text}"
        );
        assert_eq!(server.requests().len(), 5, "{case}");
    }

    let server = RawServer::start(|_| reset_after_status_line());
    let client = builder_at(server.uri()).build().unwrap();
    let err = client.erase_phone_number("+14255552671").await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "the connection closed while Gong's answer was read; the erasure may have been done \
         (purge_phone_number answered 200 OK; 5 attempt(s))"
    );
    // A read changes nothing.
    let err = client
        .find_references_by_phone("+14255552671")
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "the connection closed while Gong's answer was read \
         (find_all_references_to_phone_number answered 200 OK; 5 attempt(s))"
    );
}

#[tokio::test(start_paused = true)]
async fn a_crm_delete_whose_201_broke_off_is_confirmed_by_the_409_of_its_retry() {
    let conflict = || {
        Reply::Bytes(raw::json(
            409,
            r#"{"requestId":"r409","errors":["Client request id has already been used"]}"#,
        ))
    };
    let broken_201 = Reply::Reset(raw::http_declaring(201, &[], br#"{"requestId":"#, 60));
    let server = scripted(vec![broken_201], conflict);
    let deletion = builder_at(server.uri())
        .build()
        .unwrap()
        .delete_crm_integration(5517027188234205706)
        .await
        .unwrap();
    assert!(deletion.confirmed_by_conflict);
    assert_eq!(deletion.request_id.as_deref(), Some("r409"));
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(
        requests[0].target, requests[1].target,
        "the same clientRequestId"
    );

    // A 409 on the first attempt stays an error even when its body breaks off: it is not
    // retried, and never taken as confirmation.
    let broken_409 = Reply::Reset(raw::http_declaring(409, &[], br#"{"requestId":"#, 60));
    let server = scripted(vec![broken_409], conflict);
    let err = builder_at(server.uri())
        .build()
        .unwrap()
        .delete_crm_integration(42)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::BrokenResponse { status, attempts: 1, fault: AnswerFault::ConnectionClosed, may_have_taken_effect: false, .. } if status.as_u16() == 409),
        "{err:?}"
    );
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn retry_after_forms_on_the_wire() {
    // (value, the wait before the second attempt: exact, or the first backoff's range)
    for (value, min, max) in [
        ("0", 0, 0),
        ("2", 2000, 2000),
        ("-5", 375, 500),
        ("1.5", 375, 500),
        ("soon", 375, 500),
    ] {
        let server = MockServer::start().await;
        respond_once(
            &server,
            error_body(503, "down").insert_header("Retry-After", value),
        )
        .await;
        respond_ok(&server).await;
        let start = Instant::now();
        builder(&server)
            .no_rate_limit()
            .build()
            .unwrap()
            .erase_email_address("jane@example.com")
            .await
            .unwrap();
        let waited = start.elapsed();
        assert!(
            waited >= Duration::from_millis(min) && waited <= Duration::from_millis(max),
            "{value:?}: {waited:?}"
        );
        assert_eq!(attempts(&server).await, 2);
    }
}

// ---- The fault lane: one batch run finishes under a flaky network ----

use std::collections::{BTreeMap, BTreeSet};

use futures_util::StreamExt;
use gong_api_ext::{BulkOptions, BulkStatus, RateLimitConfig, RetryConfig};

/// The faults of the lane, each as likely as the others.
const FAULTS: [&str; 10] = [
    "429",
    "500",
    "502",
    "503 HTML",
    "reset after the status line",
    "stall past the timeout",
    "200 truncated",
    "200 HTML",
    "200 {}",
    "200 requestId null",
];

/// The answer to attempt `attempt` (1-based) for subject `subject`: a fault 30 % of the time,
/// decided by the seed, the subject and the attempt alone, so the run is the same however the
/// requests interleave.
fn lane_reply(seed: u64, subject: u64, attempt: u64) -> (Option<&'static str>, Reply) {
    // SplitMix64's finaliser: nearby keys give unrelated seeds (a generator seeded with
    // `seed ^ attempt` directly gives correlated first draws).
    let mix = |mut x: u64| {
        x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        x ^ (x >> 31)
    };
    let mut rng = fastrand::Rng::with_seed(mix(mix(mix(seed) ^ subject) ^ attempt));
    let decoy = format!(r#"{{"requestId":"false-{subject}-{attempt}"}}"#);
    let html = |status| {
        Reply::Bytes(raw::http(
            status,
            &[("content-type", "text/html")],
            b"<html><head><title>Error</title></head><body><h1>Try again later</h1></body></html>",
        ))
    };
    if rng.f64() >= 0.3 {
        let receipt = format!(r#"{{"requestId":"rq-{subject}-{attempt}"}}"#);
        return (None, Reply::Bytes(raw::json(200, &receipt)));
    }
    let fault = FAULTS[rng.usize(..FAULTS.len())];
    let reply = match fault {
        "429" => Reply::Bytes(raw::json(
            429,
            r#"{"requestId":"r429","errors":["API request limit exceeded"]}"#,
        )),
        "500" => Reply::Bytes(raw::json(500, r#"{"requestId":"r500","errors":["oops"]}"#)),
        "502" => html(502),
        "503 HTML" => html(503),
        "reset after the status line" => Reply::Reset(
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 40\r\n\r\n"
                .to_vec(),
        ),
        "stall past the timeout" => Reply::Stall(Duration::from_secs(10)),
        "200 truncated" => Reply::Bytes(raw::http_declaring(
            200,
            &[("content-type", "application/json")],
            &decoy.as_bytes()[..decoy.len() - 3],
            decoy.len(),
        )),
        "200 HTML" => html(200),
        "200 {}" => Reply::Bytes(raw::json(200, "{}")),
        "200 requestId null" => Reply::Bytes(raw::json(200, r#"{"requestId": null}"#)),
        _ => unreachable!(),
    };
    (Some(fault), reply)
}

/// What the lane's server handed out.
#[derive(Default)]
struct Lane {
    attempts: BTreeMap<u64, u64>,
    /// 429s per subject: with the limiter on they are sent again outside the attempt limit.
    throttled: BTreeMap<u64, u64>,
    receipts: BTreeMap<u64, BTreeSet<String>>,
    faults: BTreeMap<&'static str, usize>,
}

/// The seeds CI runs: 1 to 8, taken in order, not chosen by their outcome. Over seeds 1-100
/// (the README's fault lane paragraph) no run fell below the bar with the default attempts.
const LANE_SEEDS: std::ops::RangeInclusive<u64> = 1..=8;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_lane_one_run_finishes_with_a_receipt_for_every_subject() {
    // `FAULT_LANE_SEED=n` replays one run; without it the fixed seeds run, four at a time.
    let seeds: Vec<u64> = match std::env::var("FAULT_LANE_SEED") {
        Ok(seed) => vec![seed.parse().expect("FAULT_LANE_SEED is a number")],
        Err(_) => LANE_SEEDS.collect(),
    };
    futures_util::stream::iter(seeds)
        .map(fault_lane_run)
        .buffer_unordered(4)
        .collect::<Vec<()>>()
        .await;
}

/// One run of the lane: 300 subjects through `erase_many` against a server that fails 30 % of
/// attempts, as `seed` draws them.
async fn fault_lane_run(seed: u64) {
    const SUBJECTS: u64 = 300;
    let lane = std::sync::Arc::new(Mutex::new(Lane::default()));
    let log = lane.clone();
    let server = RawServer::start(move |request| {
        let subject: u64 = request
            .target
            .split("subject-")
            .nth(1)
            .and_then(|rest| rest.split("%40").next())
            .and_then(|n| n.parse().ok())
            .expect("a lane subject");
        let mut lane = log.lock().unwrap();
        let attempt = lane.attempts.entry(subject).or_default();
        *attempt += 1;
        let (fault, reply) = lane_reply(seed, subject, *attempt);
        match fault {
            Some(fault) => {
                if fault == "429" {
                    *lane.throttled.entry(subject).or_default() += 1;
                }
                *lane.faults.entry(fault).or_default() += 1
            }
            None => {
                let id = format!("rq-{subject}-{attempt}");
                lane.receipts.entry(subject).or_default().insert(id);
            }
        }
        reply
    });
    let client = builder_at(server.uri())
        // Long enough that a loaded machine's pause does not time out a 200 the server logged
        // (a lost receipt the lane would blame on the SDK); the stall fault outlasts it.
        .timeout(Duration::from_secs(2))
        .retry(RetryConfig {
            initial_backoff: Duration::from_millis(10),
            max_backoff: Duration::from_millis(40),
            ..RetryConfig::default()
        })
        .rate_limit(RateLimitConfig {
            requests_per_second: 1000.0,
            burst: 20,
            default_pause: Duration::from_millis(20),
            ..RateLimitConfig::default()
        })
        .build()
        .unwrap();
    let subjects: Vec<String> = (0..SUBJECTS)
        .map(|i| format!("subject-{i}@example.com"))
        .collect();
    let options = BulkOptions {
        concurrency: 16,
        ..BulkOptions::default()
    };
    let outcomes: Vec<_> = client.erase_many(&subjects, options).collect().await;

    let lane = lane.lock().unwrap();
    let mut indices = BTreeSet::new();
    let (mut erased, mut failed) = (0, Vec::new());
    for outcome in &outcomes {
        assert!(
            indices.insert(outcome.index),
            "seed {seed}: one record per subject"
        );
        let subject = outcome.index as u64;
        match &outcome.status {
            BulkStatus::Done(receipt) => {
                // A receipt is one the server issued for this very subject.
                let issued = lane.receipts.get(&subject);
                assert!(
                    issued.is_some_and(|ids| ids.contains(&receipt.request_id)),
                    "seed {seed}: false receipt {} for subject {subject}",
                    receipt.request_id
                );
                erased += 1;
            }
            BulkStatus::Failed(error) => {
                // Every attempt the limit counts was used; 429s came on top of them.
                let throttled = lane.throttled.get(&subject).copied().unwrap_or(0);
                assert_eq!(
                    lane.attempts[&subject] - throttled,
                    u64::from(RetryConfig::DEFAULT_MAX_ATTEMPTS),
                    "seed {seed}: {error}"
                );
                assert!(
                    !lane.receipts.contains_key(&subject),
                    "seed {seed}: lost receipt: {error}"
                );
                failed.push(error.to_string());
            }
            other => panic!("seed {seed}, subject {subject}: {other:?}"),
        }
    }
    let attempts: u64 = lane.attempts.values().sum();
    eprintln!(
        "fault lane, seed {seed}: {SUBJECTS} subjects, {attempts} attempts, {erased} erased, {} failed; faults {:?}; failures {failed:#?}",
        failed.len(),
        lane.faults
    );
    assert_eq!(
        indices.len() as u64,
        SUBJECTS,
        "seed {seed}: 0 subjects without a record"
    );
    assert!(
        lane.faults.len() == FAULTS.len(),
        "seed {seed}: every fault kind occurred: {:?}",
        lane.faults
    );
    assert!(
        erased * 100 >= SUBJECTS as usize * 99,
        "seed {seed}: {erased} of {SUBJECTS} erased"
    );
}
