use super::*;

#[test]
fn config_errors_name_the_setting() {
    for (message, expected) in [
        (
            "base URL \"http://x\": plain http is refused",
            "base URL \"http://x\": plain http is refused (set by --base-url or GONG_BASE_URL)",
        ),
        (
            "rate limit: the rate is too high",
            "--rate: the rate is too high",
        ),
        (
            "the bearer token is empty",
            "the bearer token is empty (set by GONG_BEARER_TOKEN)",
        ),
        (
            "the access key must not contain ':' (Basic auth separator)",
            "the access key must not contain ':' (Basic auth separator) (set by \
                 GONG_ACCESS_KEY and GONG_ACCESS_KEY_SECRET, or GONG_BEARER_TOKEN)",
        ),
    ] {
        assert_eq!(config_hint(message), expected);
    }
}

#[test]
fn codes_follow_the_kind_of_error() {
    let long = Error::RateLimited {
        retry_after: Some(std::time::Duration::from_secs(3600)),
        request_id: None,
        attempts: 1,
    };
    assert_eq!(code_of(&long), BUDGET);
    assert!(
        describe(&long).contains("asks to wait 1h"),
        "{}",
        describe(&long)
    );
    let short = Error::RateLimited {
        retry_after: Some(std::time::Duration::from_secs(2)),
        request_id: None,
        attempts: 4,
    };
    assert_eq!(code_of(&short), FAILED);
    assert_eq!(code_of(&Error::BudgetExhausted("used up".into())), BUDGET);
    assert_eq!(code_of(&Error::Config("x".into())), USAGE);
}
