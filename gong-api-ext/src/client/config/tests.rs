use super::*;

#[tokio::test]
async fn the_client_hands_out_the_limiter_whose_store_it_paces_with() {
    let store = QuotaStore::memory();
    let client = GongClientBuilder::default()
        .basic_auth("KEY", "secret")
        .rate_limit(RateLimitConfig {
            daily_budget: Some(7),
            ..RateLimitConfig::default()
        })
        .quota_store(store.clone())
        .build()
        .unwrap();
    let limiter = client.rate_limiter().expect("a limiter by default");
    assert_eq!(limiter.company().as_str(), "api.gong.io/KEY");
    // The same quota as another limiter on the same store and company.
    let other =
        RateLimiter::with_store(RateLimitConfig::default(), store, limiter.company().clone())
            .unwrap();
    other.acquire().await.unwrap();
    let usage = limiter.usage().await.unwrap();
    assert_eq!((usage.used_today, usage.remaining_today()), (1, Some(6)));
    let off = GongClientBuilder::default()
        .basic_auth("KEY", "secret")
        .no_rate_limit()
        .build()
        .unwrap();
    assert!(off.rate_limiter().is_none());
}

#[test]
fn base_urls_are_normalised_to_v2() {
    for (input, expected) in [
        ("https://api.gong.io", "https://api.gong.io/v2"),
        ("https://api.gong.io/", "https://api.gong.io/v2"),
        (
            "https://us-55616.api.gong.io/v2",
            "https://us-55616.api.gong.io/v2",
        ),
        (
            "https://us-55616.api.gong.io/v2/",
            "https://us-55616.api.gong.io/v2",
        ),
        ("HTTPS://API.GONG.IO", "https://api.gong.io/v2"),
        (
            "https://proxy.example.com:8443/gong",
            "https://proxy.example.com:8443/gong/v2",
        ),
        ("http://127.0.0.1:4010", "http://127.0.0.1:4010/v2"),
        ("http://localhost:4010/v2", "http://localhost:4010/v2"),
        ("http://[::1]:4010", "http://[::1]:4010/v2"),
    ] {
        assert_eq!(normalize_base_url(input).unwrap(), expected, "{input}");
    }
}

#[test]
fn unsafe_base_urls_are_refused() {
    for (input, why) in [
        ("http://api.gong.io", "plain http"),
        ("http://10.0.0.5:8080", "plain http"),
        ("ftp://api.gong.io", "not https"),
        ("api.gong.io", "not a URL"),
        ("https://key:secret@api.gong.io", "credentials"),
        ("http://key:secret@api.gong.io", "plain http"),
        ("https://key:sec ret@api gong.io", "not a URL"),
        ("https://api.gong.io/v2?x=1", "query"),
    ] {
        let err = normalize_base_url(input).unwrap_err().to_string();
        assert!(err.contains(why), "{input}: {err}");
        assert!(
            !err.contains("secret@") || input.contains("secret"),
            "{err}"
        );
    }
}

fn vars(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let pairs: Vec<(String, String)> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |name| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    }
}

#[test]
fn environment_selects_one_auth_scheme() {
    let basic = GongClientBuilder::from_vars(vars(&[
        (env::ACCESS_KEY, "k"),
        (env::ACCESS_KEY_SECRET, "s3cr3t"),
        (env::BASE_URL, "https://us-1.api.gong.io"),
    ]))
    .unwrap()
    .build()
    .unwrap();
    assert_eq!(basic.base_url(), "https://us-1.api.gong.io/v2");
    assert!(format!("{basic:?}").contains("basic"));

    let bearer = GongClientBuilder::from_vars(vars(&[(env::BEARER_TOKEN, "t0k")]))
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(bearer.base_url(), "https://api.gong.io/v2");

    for (pairs, why) in [
        (vec![], "no credentials"),
        (vec![(env::ACCESS_KEY, "k")], "together"),
        (
            vec![
                (env::ACCESS_KEY, "k"),
                (env::ACCESS_KEY_SECRET, "s3cr3t"),
                (env::BEARER_TOKEN, "t0k"),
            ],
            "choose one",
        ),
    ] {
        let err = GongClientBuilder::from_vars(vars(&pairs))
            .unwrap_err()
            .to_string();
        assert!(err.contains(why), "{err}");
        assert!(!err.contains("s3cr3t") && !err.contains("t0k"), "{err}");
    }
}

#[test]
fn build_requires_credentials_and_debug_redacts_them() {
    let err = GongClientBuilder::default().build().unwrap_err();
    assert!(err.to_string().contains("no credentials"));
    let builder = GongClientBuilder::default().basic_auth("key", "s3cr3t");
    assert!(!format!("{builder:?}").contains("s3cr3t"));
    let client = builder.build().unwrap();
    assert!(!format!("{client:?}").contains("s3cr3t"));
    assert!(!format!("{:?}", client.raw()).contains("s3cr3t"));
}
