use super::*;

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

fn gong_answer(extra: &str) -> Vec<u8> {
    format!(
            r#"{{"access_token":"at-sekret-1","refresh_token":"rt-sekret-1","scope":"api:data-privacy:read api:data-privacy:delete","token_type":"bearer","expires_in":86400{extra}}}"#
        )
        .into_bytes()
}

/// Gong's answer for a customer on `host`, issued at `secs`.
fn issued(host: &str, secs: u64) -> TokenSet {
    let body = gong_answer(&format!(r#","api_base_url_for_customer":"{host}""#));
    from_response(&body, at(secs), None).unwrap()
}

#[test]
fn a_gong_answer_becomes_a_token_set() {
    let tokens = issued("https://us-55616.api.gong.io", 1_000);
    assert_eq!(tokens.access_token().expose_secret(), "at-sekret-1");
    assert_eq!(tokens.refresh_token().expose_secret(), "rt-sekret-1");
    assert_eq!(tokens.expires_at(), at(87_400));
    assert!(tokens.has_scope("api:data-privacy:delete"));
    assert_eq!(tokens.api_base_url(), "https://us-55616.api.gong.io");
    assert_eq!(
        tokens.authorization().base_url(),
        Some("https://us-55616.api.gong.io/v2")
    );
    assert!(!tokens.expires_within(Duration::from_secs(300), at(80_000)));
    assert!(tokens.expires_within(Duration::from_secs(300), at(87_100)));
    assert!(tokens.expires_within(Duration::ZERO, at(90_000)));

    let debug = format!("{tokens:?} {tokens:#?}");
    assert!(!debug.contains("sekret"), "{debug}");
    assert!(debug.contains("us-55616"), "{debug}");
}

#[test]
fn an_exchange_answer_without_host_or_refresh_token_is_refused() {
    let err = from_response(&gong_answer(""), at(0), None).unwrap_err();
    assert!(
        err.to_string().contains("api_base_url_for_customer"),
        "{err}"
    );
    let body =
        br#"{"access_token":"at-sekret","api_base_url_for_customer":"https://x.api.gong.io"}"#;
    let err = from_response(body, at(0), None).unwrap_err();
    assert!(err.to_string().contains("no refresh_token"), "{err}");
}

#[test]
fn a_refresh_answer_keeps_what_it_does_not_repeat() {
    let first = issued("https://eu-1.api.gong.io", 0);
    let body = br#"{"access_token":"at-sekret-2","expires_in":"3600"}"#;
    let second = from_response(body, at(10), Some(&first)).unwrap();
    assert_eq!(second.refresh_token().expose_secret(), "rt-sekret-1");
    assert_eq!(second.api_base_url(), "https://eu-1.api.gong.io");
    assert_eq!(second.scopes(), first.scopes());
    assert_eq!(second.expires_at(), at(3610));
    // A host that moved is followed; one we must not send tokens to is not.
    let moved = br#"{"access_token":"a2","refresh_token":"r2","expires_in":60,"api_base_url_for_customer":"https://us-9.api.gong.io/v2"}"#;
    assert_eq!(
        from_response(moved, at(0), Some(&first))
            .unwrap()
            .authorization()
            .base_url(),
        Some("https://us-9.api.gong.io/v2")
    );
    let clear = br#"{"access_token":"a2","refresh_token":"r2","expires_in":60,"api_base_url_for_customer":"http://us-9.api.gong.io"}"#;
    let kept = from_response(clear, at(0), Some(&first)).unwrap();
    assert_eq!(kept.api_base_url(), "https://eu-1.api.gong.io");
    assert_eq!(kept.refresh_token().expose_secret(), "r2");
}

#[test]
fn malformed_answers_are_described_without_their_content() {
    for body in [
        &b"<html>at-sekret</html>"[..],
        br#"{"access_token": 5, "refresh_token": "rt-sekret"}"#,
        br#"{"access_token":"at-sekret","refresh_token":"rt-sekret""#,
    ] {
        let err = from_response(body, at(0), None).unwrap_err().to_string();
        assert!(!err.contains("sekret"), "{err}");
        assert!(err.contains("line 1"), "{err}");
    }
    let err = from_response(br#"{"refresh_token":"rt-sekret"}"#, at(0), None).unwrap_err();
    assert!(err.to_string().contains("no access_token"));
}

/// An absurd `expires_in` must not panic (`SystemTime + Duration` overflows): the
/// answer carries the rotated refresh token, the only one left.
#[test]
fn an_absurd_expires_in_does_not_lose_the_answer() {
    for expires_in in ["18446744073709551615", "1e300", "\"18446744073709551615\""] {
        let body = format!(
            r#"{{"access_token":"at-sekret-2","refresh_token":"rt-sekret-2","expires_in":{expires_in},"api_base_url_for_customer":"https://x.api.gong.io"}}"#
        );
        let tokens = from_response(body.as_bytes(), SystemTime::now(), None).unwrap();
        assert_eq!(tokens.refresh_token().expose_secret(), "rt-sekret-2");
    }
    // A stored file with such an expiry is an error, not a panic.
    let stored = r#"{"access_token":"a","refresh_token":"r","expires_at":18446744073709551615,"scope":"","api_base_url_for_customer":"https://x.api.gong.io"}"#;
    assert!(serde_json::from_str::<TokenSet>(stored).is_err());
}

#[test]
fn stored_form_round_trips() {
    let tokens = issued("https://us-55616.api.gong.io", 5);
    let json = serde_json::to_string(&tokens).unwrap();
    assert!(json.contains(r#""expires_at":86405"#), "{json}");
    let back: TokenSet = serde_json::from_str(&json).unwrap();
    assert!(back.same_grant(&tokens));
    assert_eq!(back.access_token().expose_secret(), "at-sekret-1");
    assert_eq!(back.expires_at(), tokens.expires_at());
    assert_eq!(back.scopes(), tokens.scopes());
    assert_eq!(back.api_base_url(), tokens.api_base_url());
}
