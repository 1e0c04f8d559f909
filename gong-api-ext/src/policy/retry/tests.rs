use super::*;
use reqwest::header::HeaderValue;

fn headers(retry_after: &str) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert(RETRY_AFTER, HeaderValue::from_str(retry_after).unwrap());
    h
}

fn status(code: u16) -> Outcome {
    Outcome::Status(StatusCode::from_u16(code).unwrap())
}

fn broken(code: u16) -> Outcome {
    Outcome::BrokenAnswer(StatusCode::from_u16(code).unwrap())
}

fn refused(code: u16) -> Outcome {
    Outcome::Refused(StatusCode::from_u16(code).unwrap())
}

#[test]
fn retry_after_table() {
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000); // Tue, 14 Nov 2023 22:13:20 GMT
    let secs = |s| Some(Duration::from_secs(s));
    let cases: [(&str, Option<Duration>); 20] = [
        ("7", secs(7)),
        ("  7 ", secs(7)),
        ("0", secs(0)),
        ("000", secs(0)),
        ("60", secs(60)),
        ("3600", secs(3600)),
        ("18446744073709551615", secs(u64::MAX)),
        // Too many digits for 64 bits: the longest wait, so the call fails fast.
        ("99999999999999999999", secs(u64::MAX)),
        ("-5", None),
        ("-0", None),
        ("+5", None),
        ("1.5", None),
        ("5s", None),
        ("", None),
        ("soon", None),
        ("Tue, 14 Nov 2023 22:13:40 GMT", secs(20)),
        ("Tuesday, 14-Nov-23 22:13:40 GMT", secs(20)),
        ("Tue Nov 14 22:13:40 2023", secs(20)),
        ("Tue, 14 Nov 2023 22:00:00 GMT", secs(0)),
        (
            "Fri, 31 Dec 9999 23:59:59 GMT",
            secs(253_402_300_799 - 1_700_000_000),
        ),
    ];
    for (value, expected) in cases {
        assert_eq!(parse_retry_after(value, now), expected, "{value:?}");
        assert_eq!(
            retry_after(&headers(value), now),
            expected,
            "header {value:?}"
        );
    }
    // Not text: ignored.
    let mut h = HeaderMap::new();
    h.insert(RETRY_AFTER, HeaderValue::from_bytes(b"\xff7").unwrap());
    assert_eq!(retry_after(&h, now), None);
    assert_eq!(retry_after(&HeaderMap::new(), now), None);

    // Each form through the strategy: within the cap it is the wait, beyond it the call
    // gives up at once (the typed layer reports the wait), unparseable means backoff.
    let config = RetryConfig::default();
    for (value, expected) in [
        ("7", Decision::RetryAfter(Duration::from_secs(7))),
        ("0", Decision::RetryAfter(Duration::ZERO)),
        ("61", Decision::GiveUp),
        ("99999999999999999999", Decision::GiveUp),
        ("Fri, 31 Dec 9999 23:59:59 GMT", Decision::GiveUp),
        (
            "Tue, 14 Nov 2023 22:00:00 GMT",
            Decision::RetryAfter(Duration::ZERO),
        ),
        ("-5", Decision::RetryAfter(Duration::from_millis(500))),
        ("garbage", Decision::RetryAfter(Duration::from_millis(500))),
    ] {
        let classification = classify(status(429), Some(&headers(value)), now);
        assert_eq!(
            decide(&config, classification, 1, 0.0),
            expected,
            "{value:?}"
        );
    }
}

#[test]
fn classification_table() {
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let retryable = |s| Classification::Retryable { server_wait: s };
    let cases = [
        (status(200), None, Classification::Final),
        (status(201), None, Classification::Final),
        (status(400), None, Classification::Final),
        (status(401), None, Classification::Final),
        (status(403), None, Classification::Final),
        (status(404), None, Classification::Final),
        (status(409), None, Classification::Final),
        (status(501), None, Classification::Final),
        (status(408), None, retryable(None)),
        (status(429), None, retryable(None)),
        (
            status(429),
            Some(headers("7")),
            retryable(Some(Duration::from_secs(7))),
        ),
        (
            status(503),
            Some(headers("Tue, 14 Nov 2023 22:13:40 GMT")),
            retryable(Some(Duration::from_secs(20))),
        ),
        // A date in the past means "now".
        (
            status(503),
            Some(headers("Tue, 14 Nov 2023 22:00:00 GMT")),
            retryable(Some(Duration::ZERO)),
        ),
        // Unparseable: fall back to backoff.
        (status(429), Some(headers("soon")), retryable(None)),
        (status(500), None, retryable(None)),
        (status(502), None, retryable(None)),
        (status(504), None, retryable(None)),
        (Outcome::ConnectFailed, None, retryable(None)),
        (Outcome::TimedOut, None, retryable(None)),
        (Outcome::TransportFailed, None, retryable(None)),
        // A success whose body broke off or carried no requestId: retried like a 5xx.
        (broken(200), None, retryable(None)),
        (broken(201), None, retryable(None)),
        // A broken error body is as retryable as its status.
        (
            broken(429),
            Some(headers("3")),
            retryable(Some(Duration::from_secs(3))),
        ),
        (broken(503), None, retryable(None)),
        (broken(400), None, Classification::Final),
        (broken(409), None, Classification::Final),
        // Redirects, answers from elsewhere, bodies over the cap: never retried.
        (refused(302), None, Classification::Final),
        (refused(307), None, Classification::Final),
        (refused(200), None, Classification::Final),
        (refused(503), None, Classification::Final),
    ];
    for (outcome, h, expected) in cases {
        assert_eq!(
            classify(outcome, h.as_ref(), now),
            expected,
            "{outcome:?} {h:?}"
        );
    }
}

#[test]
fn ambiguity_table() {
    for (outcome, ambiguous) in [
        (status(500), true),
        (status(502), true),
        (status(408), true),
        (status(429), false),
        (status(400), false),
        (Outcome::TimedOut, true),
        (Outcome::TransportFailed, true),
        (Outcome::ConnectFailed, false),
        (broken(200), true),
        (broken(201), true),
        (broken(503), true),
        (broken(409), false),
        (broken(429), false),
        (refused(302), false),
        (refused(200), true),
    ] {
        assert_eq!(outcome.is_ambiguous(), ambiguous, "{outcome:?}");
    }
}

#[test]
fn strategy_table() {
    let config = RetryConfig::default();
    let retry = |s| Classification::Retryable { server_wait: s };
    let secs = Duration::from_secs;
    let cases = [
        (Classification::Final, 1, Decision::GiveUp),
        (
            retry(None),
            1,
            Decision::RetryAfter(Duration::from_millis(500)),
        ),
        (retry(None), 2, Decision::RetryAfter(secs(1))),
        (retry(None), 3, Decision::RetryAfter(secs(2))),
        (retry(None), 4, Decision::RetryAfter(secs(4))),
        (retry(None), 5, Decision::GiveUp),
        (retry(Some(secs(7))), 1, Decision::RetryAfter(secs(7))),
        (retry(Some(secs(60))), 3, Decision::RetryAfter(secs(60))),
        (retry(Some(secs(61))), 1, Decision::GiveUp),
        (retry(Some(secs(7))), 4, Decision::RetryAfter(secs(7))),
        (retry(Some(secs(7))), 5, Decision::GiveUp),
    ];
    for (classification, attempts, expected) in cases {
        assert_eq!(
            decide(&config, classification, attempts, 0.0),
            expected,
            "{classification:?} after {attempts}"
        );
    }
    assert_eq!(
        decide(&RetryConfig::disabled(), retry(None), 1, 0.0),
        Decision::GiveUp
    );
}

#[test]
fn backoff_is_capped_and_jittered_down() {
    let config = RetryConfig::default();
    assert_eq!(backoff(&config, 5, 0.0), Duration::from_secs(8));
    assert_eq!(backoff(&config, 40, 0.0), Duration::from_secs(8));
    assert_eq!(
        backoff(&config, 1, 0.999_999),
        Duration::from_millis(500).mul_f64(1.0 - 0.999_999 / 4.0)
    );
    assert!(backoff(&config, 1, 0.5) < Duration::from_millis(500));
    assert!(backoff(&config, 1, 0.5) >= Duration::from_millis(375));
}
