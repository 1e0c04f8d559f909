use super::*;

fn app() -> OAuthApp {
    OAuthApp::new("client-1", "client-sekret").unwrap()
}

#[test]
fn the_authorize_url_has_gongs_shape() {
    let request = app()
        .authorization_request(
            &["api:data-privacy:read", "api:data-privacy:delete"],
            "http://127.0.0.1:8976/callback",
        )
        .unwrap();
    let url = request.url();
    assert_eq!(url.origin().ascii_serialization(), "https://app.gong.io");
    assert_eq!(url.path(), "/oauth2/authorize");
    let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    let keys: Vec<&str> = pairs.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        keys,
        [
            "client_id",
            "response_type",
            "scope",
            "redirect_uri",
            "state"
        ]
    );
    assert_eq!(pairs[2].1, "api:data-privacy:read api:data-privacy:delete");
    assert_eq!(pairs[3].1, "http://127.0.0.1:8976/callback");
    assert_eq!(pairs[4].1, request.state());
    assert!(request.state().len() >= 43);
    let other = app()
        .authorization_request(&["api:crm:upload"], "https://x.example/cb")
        .unwrap();
    assert_ne!(other.state(), request.state());
    assert!(!format!("{request:?}").contains(request.state()));
}

#[test]
fn bad_configuration_is_refused_without_the_secret() {
    for result in [
        OAuthApp::new("", "client-sekret"),
        OAuthApp::new("a:b", "client-sekret"),
        OAuthApp::builder("id", "client-sekret")
            .token_url("http://app.gong.io/oauth2/generate-customer-token")
            .build(),
        OAuthApp::builder("id", "client-sekret")
            .authorize_url("app.gong.io")
            .build(),
    ] {
        let err = result.unwrap_err().to_string();
        assert!(!err.contains("client-sekret"), "{err}");
    }
    let app = app();
    assert!(
        app.authorization_request(&[], "https://x.example/cb")
            .is_err()
    );
    assert!(
        app.authorization_request(&["a b"], "https://x.example/cb")
            .is_err()
    );
    assert!(
        app.authorization_request(&["api:crm:upload"], "http://x.example/cb")
            .is_err()
    );
    let debug = format!("{app:?} {:?}", OAuthApp::builder("id", "client-sekret"));
    assert!(!debug.contains("client-sekret"), "{debug}");
}

#[test]
fn callbacks_need_the_state_and_a_code() {
    let request = app()
        .authorization_request(&["api:crm:upload"], "http://127.0.0.1:1/cb")
        .unwrap();
    let state = request.state().to_owned();
    let code = request
        .code_from_callback(&format!("code=code-sekret&state={state}"))
        .unwrap();
    assert_eq!(format!("{code:?}"), "AuthorizationCode([REDACTED])");
    for (query, why) in [
        ("code=code-sekret&state=forged".to_owned(), "state"),
        ("code=code-sekret".to_owned(), "state"),
        (
            format!("error=access_denied&error_description=No+thanks&state={state}"),
            "access_denied: No thanks",
        ),
        (format!("state={state}"), "no code"),
    ] {
        let err = request.code_from_callback(&query).unwrap_err().to_string();
        assert!(err.contains(why), "{query}: {err}");
        assert!(!err.contains("code-sekret"), "{err}");
    }
}

#[test]
fn endpoint_errors_map_invalid_grant_and_scrub_secrets() {
    let secrets = ["rt-sekret-9", "client-sekret"];
    let err = endpoint_error(
        StatusCode::BAD_REQUEST,
        br#"{"error":"invalid_grant","error_description":"refresh token rt-sekret-9 was used"}"#,
        &secrets,
    );
    assert!(err.is_reauthorization_required(), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("authorise the app in Gong again"), "{text}");
    assert!(!text.contains("sekret"), "{text}");

    let err = endpoint_error(
        StatusCode::UNAUTHORIZED,
        br#"{"error":"invalid_client"}"#,
        &secrets,
    );
    assert!(
        matches!(&err, AuthError::TokenEndpoint { error: Some(e), .. } if e == "invalid_client")
    );
    let err = endpoint_error(
        StatusCode::BAD_GATEWAY,
        b"<html>upstream client-sekret</html>",
        &secrets,
    );
    let text = err.to_string();
    assert!(text.contains("502") && text.contains("upstream"), "{text}");
    assert!(!text.contains("sekret"), "{text}");
}

/// A proxy's error page that echoes the request: the secret past the 100-character cut
/// (a prefix would survive a scrub after the cut) and in its query-encoded form.
#[test]
fn endpoint_errors_scrub_secrets_cut_off_or_query_encoded() {
    let secrets = ["rt-sekret/9+x=", "client-sekret"];
    let echoed = format!("<html>{}rt-sekret/9+x=</html>", "x".repeat(88));
    let text = endpoint_error(StatusCode::BAD_GATEWAY, echoed.as_bytes(), &secrets).to_string();
    assert!(!text.contains("rt-sek"), "{text}");
    let encoded = b"<html>POST /oauth2/generate-customer-token?grant_type=refresh_token&refresh_token=rt-sekret%2F9%2Bx%3D</html>";
    let text = endpoint_error(StatusCode::BAD_GATEWAY, encoded, &secrets).to_string();
    assert!(!text.contains("sekret"), "{text}");
    let json = br#"{"error":"invalid_request","error_description":"bad refresh_token=rt-sekret%2F9%2Bx%3D"}"#;
    let text = endpoint_error(StatusCode::BAD_REQUEST, json, &secrets).to_string();
    assert!(!text.contains("sekret"), "{text}");
}
