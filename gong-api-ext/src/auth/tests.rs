use super::*;

#[test]
fn basic_header_is_base64_of_key_colon_secret_and_sensitive() {
    let creds = Credentials::Basic {
        access_key: "KEY".into(),
        secret: "s3cr3t".into(),
    };
    let value = creds.header_value().unwrap();
    assert_eq!(value.to_str().unwrap(), "Basic S0VZOnMzY3IzdA==");
    assert!(value.is_sensitive());
    assert_eq!(format!("{value:?}"), "Sensitive");
}

#[test]
fn debug_never_shows_secrets() {
    let basic = Credentials::Basic {
        access_key: "KEY".into(),
        secret: "s3cr3t".into(),
    };
    let bearer = Credentials::Bearer("tok3n".into());
    let authorization = Authorization::bearer(&"tok3n".into())
        .unwrap()
        .with_base_url("https://us-1.api.gong.io")
        .unwrap();
    let text = format!("{basic:?} {bearer:?} {basic:#?} {authorization:?}");
    assert!(
        !text.contains("s3cr3t") && !text.contains("tok3n"),
        "{text}"
    );
    assert!(text.contains("[REDACTED]"));
    assert!(text.contains("https://us-1.api.gong.io/v2"), "{text}");
}

#[test]
fn unusable_credentials_are_config_errors_without_the_secret() {
    for creds in [
        Credentials::Basic {
            access_key: String::new(),
            secret: "s3cr3t".into(),
        },
        Credentials::Basic {
            access_key: "a:b".into(),
            secret: "s3cr3t".into(),
        },
        Credentials::Bearer("  ".into()),
        Credentials::Bearer("t0k\n3n".into()),
    ] {
        let err = creds.header_value().unwrap_err().to_string();
        assert!(err.starts_with("invalid configuration"), "{err}");
        assert!(!err.contains("s3cr3t") && !err.contains("t0k"), "{err}");
    }
    let err = Authorization::bearer(&"t0k\n3n".into()).unwrap_err();
    assert!(!err.to_string().contains("t0k"), "{err}");
}

#[test]
fn scopes_are_found_in_gong_messages() {
    for (text, scope) in [
        (
            "Missing scope: api:data-privacy:delete",
            Some("api:data-privacy:delete"),
        ),
        (
            "The token lacks the api:crm:integrations:read scope.",
            Some("api:crm:integrations:read"),
        ),
        (
            r#"{"requestId":"r1","errors":["scope 'api:crm:upload' is required"]}"#,
            Some("api:crm:upload"),
        ),
        ("Unauthorized", None),
        ("the api: prefix alone", None),
        ("see https://api.gong.io for details", None),
    ] {
        assert_eq!(scope_in(text).as_deref(), scope, "{text}");
    }
    assert_eq!(
        missing_scope(&["expired".into(), "needs api:data-privacy:read".into()]).as_deref(),
        Some("api:data-privacy:read")
    );
}

#[test]
fn rebase_swaps_the_base_and_keeps_path_and_query() {
    let mut url =
        reqwest::Url::parse("https://api.gong.io/v2/data-privacy/x?emailAddress=a%40b.c").unwrap();
    assert!(rebase(
        &mut url,
        "https://api.gong.io/v2",
        "https://us-55616.api.gong.io/v2"
    ));
    assert_eq!(
        url.as_str(),
        "https://us-55616.api.gong.io/v2/data-privacy/x?emailAddress=a%40b.c"
    );
    let mut other = reqwest::Url::parse("https://api.gong.io/v22/x").unwrap();
    assert!(!rebase(
        &mut other,
        "https://api.gong.io/v2",
        "https://eu.api.gong.io/v2"
    ));
    let mut elsewhere = reqwest::Url::parse("https://evil.example/v2/x").unwrap();
    assert!(!rebase(
        &mut elsewhere,
        "https://api.gong.io/v2",
        "https://eu.api.gong.io/v2"
    ));
}

#[test]
fn a_customer_base_url_must_be_safe() {
    let auth = Authorization::bearer(&"t".into()).unwrap();
    assert!(auth.clone().with_base_url("http://api.gong.io").is_err());
    assert_eq!(
        auth.with_base_url("http://127.0.0.1:9/")
            .unwrap()
            .base_url(),
        Some("http://127.0.0.1:9/v2")
    );
}

#[tokio::test]
async fn failure_responses_are_local_401s_with_the_message() {
    let error = AuthError::ReauthorizationRequired {
        reason: "invalid_grant".into(),
    };
    let response = failure_response(&error);
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(response.headers().contains_key(AUTH_FAILURE_HEADER));
    let body = response.text().await.unwrap();
    assert!(body.contains("authorise the app in Gong again"), "{body}");
}
