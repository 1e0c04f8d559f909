use super::*;

#[tokio::test]
async fn only_loopback_http_redirects_are_served() {
    for uri in [
        "https://127.0.0.1:0/cb",
        "http://example.com:0/cb",
        "http://127.0.0.1:0/cb?x=1",
    ] {
        assert!(LoopbackListener::bind(uri).await.is_err(), "{uri}");
    }
    let listener = LoopbackListener::bind("http://localhost:0/callback")
        .await
        .unwrap();
    let uri = Url::parse(listener.redirect_uri()).unwrap();
    assert_eq!(uri.host_str(), Some("localhost"));
    assert_ne!(uri.port(), Some(0));
    assert_eq!(uri.path(), "/callback");
}

#[tokio::test]
async fn a_forged_state_fails_the_wait_and_other_paths_get_404() {
    let app = OAuthApp::new("id", "secret").unwrap();
    let listener = LoopbackListener::bind("http://127.0.0.1:0/cb")
        .await
        .unwrap();
    let request = app
        .authorization_request(&["api:crm:upload"], listener.redirect_uri())
        .unwrap();
    let base = listener.redirect_uri().to_owned();
    let waiting = tokio::spawn(async move { listener.wait_for_code(&request).await });
    let http = reqwest::Client::new();
    let favicon = base.replace("/cb", "/favicon.ico");
    assert_eq!(http.get(&favicon).send().await.unwrap().status(), 404);
    let forged = http
        .get(format!("{base}?code=stolen&state=forged"))
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 400);
    let err = waiting.await.unwrap().unwrap_err();
    assert!(err.to_string().contains("state does not match"), "{err}");
}
