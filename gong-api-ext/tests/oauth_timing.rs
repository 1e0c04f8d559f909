//! OAuth where timing decides (feature `oauth`), against the mock of Gong shared with
//! `tests/oauth.rs`: a logout racing a refresh in flight, the refresh margin against a token's
//! lifetime, and the loopback listener receiving a redirect with another `state` before (or
//! instead of) the real one.

#[path = "support/oauth_mock.rs"]
mod oauth_mock;

use std::time::Duration;

use gong_api_ext::oauth::{
    self, FileTokenStore, LoopbackListener, OAuthApp, OAuthTokenProvider, TokenStore, scopes,
};
use gong_api_ext::{AuthError, GongClient, RetryConfig, reqwest};

use oauth_mock::Gong;

fn client_for(provider: OAuthTokenProvider) -> GongClient {
    GongClient::builder()
        .oauth(provider)
        .no_rate_limit()
        .retry(RetryConfig::disabled())
        .build()
        .unwrap()
}

/// Waits (up to 10 s) until `done` holds.
async fn until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !done() {
        assert!(tokio::time::Instant::now() < deadline, "timed out: {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

// ---------------------------------------------------------------------------------------------
// Logout against a refresh.

/// The store's lock held (as a refresh holds it from reading to saving): `forget` waits, and
/// what the holder saves before releasing is removed too.
#[tokio::test]
async fn forget_waits_for_the_lock_and_removes_what_its_holder_saved() {
    let gong = Gong::start().await;
    gong.host("acme", scopes::ALL).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("acme.json");
    let refreshing = FileTokenStore::new(&path);
    refreshing.save(&gong.grant("acme", 3600)).await.unwrap();
    let held = refreshing.lock().await.unwrap();

    let logout = tokio::spawn({
        let path = path.clone();
        async move { FileTokenStore::new(path).forget().await }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!logout.is_finished(), "forget must wait for the lock");
    // The refresh ends: it stores the rotated set, then lets go.
    refreshing.save(&gong.grant("acme", 3600)).await.unwrap();
    drop(held);
    tokio::time::timeout(Duration::from_secs(10), logout)
        .await
        .expect("forget takes the released lock")
        .unwrap()
        .unwrap();
    assert!(refreshing.load().await.unwrap().is_none());
    assert!(!path.exists());
}

/// A real refresh in flight (Gong answers after 800 ms) when another process logs out: after
/// both, no tokens on disk, and the next call asks for a new authorization.
#[tokio::test]
async fn a_logout_during_a_refresh_in_flight_leaves_no_tokens() {
    let gong = Gong::start().await;
    gong.host("acme", scopes::ALL).await;
    gong.with(|st| st.token_delay = Duration::from_millis(800));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("acme.json");
    FileTokenStore::new(&path)
        .save(&gong.grant("acme", -1))
        .await
        .unwrap();
    let client = client_for(OAuthTokenProvider::new(
        gong.app(),
        FileTokenStore::new(&path),
    ));
    let call = tokio::spawn({
        let client = client.clone();
        async move { client.erase_email_address("jane@example.com").await }
    });
    until("the refresh reaches Gong", || {
        gong.with(|st| st.refresh_requests == 1)
    })
    .await;
    FileTokenStore::new(&path).forget().await.unwrap();
    // The refresh finished before the logout took the lock: its call went out.
    assert!(call.await.unwrap().is_ok());
    assert!(!path.exists(), "the refresh wrote the tokens back");
    // A process starting now finds no login (this one keeps its tokens in memory: Gong has no
    // revocation endpoint).
    let after = client_for(OAuthTokenProvider::new(
        gong.app(),
        FileTokenStore::new(&path),
    ));
    let err = after
        .erase_email_address("jane@example.com")
        .await
        .unwrap_err();
    assert!(err.requires_reauthorization(), "{err}");
    gong.assert_clean();
}

// ---------------------------------------------------------------------------------------------
// The refresh margin against the token's lifetime.

/// Customer "acme" with expired tokens in a file store, and Gong issuing tokens that live
/// `expires_in` seconds.
async fn expired_acme_issuing(expires_in: u64) -> (Gong, tempfile::TempDir, FileTokenStore) {
    let gong = Gong::start().await;
    gong.host("acme", scopes::ALL).await;
    gong.with(|st| st.expires_in = expires_in);
    let dir = tempfile::tempdir().unwrap();
    let store = FileTokenStore::new(dir.path().join("acme.json"));
    store.save(&gong.grant("acme", -1)).await.unwrap();
    (gong, dir, store)
}

/// Tokens that live 60 s under the default 5-minute margin: refreshed once (the stored set was
/// expired), then used for the next calls instead of refreshed before each.
#[tokio::test]
async fn a_token_that_lives_a_minute_is_not_refreshed_before_every_call() {
    let (gong, _dir, store) = expired_acme_issuing(60).await;
    let client = client_for(OAuthTokenProvider::new(gong.app(), store.clone()));
    for i in 0..10 {
        client
            .erase_email_address(format!("user{i}@example.com"))
            .await
            .unwrap();
    }
    gong.with(|st| assert_eq!(st.refresh_requests, 1));
    // The stored set knows its lifetime, so another process caps the margin the same way.
    let stored = store.load().await.unwrap().unwrap();
    assert_eq!(stored.lifetime(), Some(Duration::from_secs(60)));
    let other = client_for(OAuthTokenProvider::new(gong.app(), store));
    other.erase_email_address("x@example.com").await.unwrap();
    gong.with(|st| assert_eq!(st.refresh_requests, 1));
    gong.assert_clean();
}

/// The cap still refreshes: a token that lives 2 s is used for 1 s, then refreshed once.
#[tokio::test]
async fn a_short_lived_token_is_refreshed_half_way_through_its_life() {
    let (gong, _dir, store) = expired_acme_issuing(2).await;
    let client = client_for(OAuthTokenProvider::new(gong.app(), store));
    client.erase_email_address("a@example.com").await.unwrap();
    client.erase_email_address("b@example.com").await.unwrap();
    gong.with(|st| assert_eq!(st.refresh_requests, 1));
    tokio::time::sleep(Duration::from_millis(1100)).await;
    client.erase_email_address("c@example.com").await.unwrap();
    client.erase_email_address("d@example.com").await.unwrap();
    gong.with(|st| assert_eq!(st.refresh_requests, 2));
    gong.assert_clean();
}

// ---------------------------------------------------------------------------------------------
// The loopback listener and the `state`.

async fn listening(wait: Duration) -> (OAuthApp, LoopbackListener) {
    let app = OAuthApp::new("id", "client-sekret").unwrap();
    let listener = LoopbackListener::bind("http://127.0.0.1:0/cb")
        .await
        .unwrap()
        .timeout(wait);
    (app, listener)
}

/// A redirect with another state gets an error page and the wait goes on; the real one
/// then completes it.
#[tokio::test]
async fn a_wrong_state_is_refused_and_the_real_redirect_still_completes_the_wait() {
    let (app, listener) = listening(Duration::from_secs(20)).await;
    let request = app
        .authorization_request(&[scopes::DATA_PRIVACY_READ], listener.redirect_uri())
        .unwrap();
    let base = listener.redirect_uri().to_owned();
    let state = request.state().to_owned();
    let waiting = tokio::spawn(async move { listener.wait_for_code(&request).await });
    let http = reqwest::Client::new();
    for forged in [
        format!("{base}?code=code-sekret-forged&state=forged"),
        format!("{base}?code=code-sekret-forged"),
        format!("{base}?error=access_denied&state=forged"),
        format!("{base}?code=code-sekret-forged&state=forged&state={state}"),
    ] {
        let page = http.get(&forged).send().await.unwrap();
        assert_eq!(page.status(), 400, "{forged}");
        let text = page.text().await.unwrap();
        assert!(text.contains("the login is still waiting"), "{text}");
        assert!(!text.contains("sekret"), "{text}");
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(!waiting.is_finished(), "a wrong state ended the wait");
    let page = http
        .get(format!("{base}?code=code-sekret-1&state={state}"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let code = tokio::time::timeout(Duration::from_secs(10), waiting)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(format!("{code:?}"), "AuthorizationCode([REDACTED])");
}

/// Only a wrong state: the wait ends at its timeout, saying so and how many were refused.
#[tokio::test]
async fn only_a_wrong_state_times_out_with_a_message_that_says_why() {
    let (app, listener) = listening(Duration::from_millis(1500)).await;
    let request = app
        .authorization_request(&[scopes::DATA_PRIVACY_READ], listener.redirect_uri())
        .unwrap();
    let base = listener.redirect_uri().to_owned();
    let started = std::time::Instant::now();
    let waiting = tokio::spawn(async move { listener.wait_for_code(&request).await });
    let page = reqwest::get(format!("{base}?code=code-sekret-forged&state=forged"))
        .await
        .unwrap();
    assert_eq!(page.status(), 400);
    let err = waiting.await.unwrap().unwrap_err();
    assert!(started.elapsed() >= Duration::from_millis(1500));
    assert!(
        matches!(err, AuthError::RedirectTimeout { refused: 1, .. }),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(
        text.starts_with("no redirect with this authorization's state arrived within 1.5 s; 1 redirect with another state was refused"),
        "{text}"
    );
    assert!(!text.contains("sekret"), "{text}");
}

/// The whole flow with a forged redirect first: the login still succeeds and stores tokens.
#[tokio::test]
async fn authorize_via_loopback_survives_a_forged_redirect() {
    let gong = Gong::start().await;
    gong.host("acme", scopes::ALL).await;
    gong.with(|st| st.logged_in = Some("acme".into()));
    let dir = tempfile::tempdir().unwrap();
    let store = FileTokenStore::new(dir.path().join("acme.json"));
    let listener = LoopbackListener::bind("http://127.0.0.1:0/callback")
        .await
        .unwrap()
        .timeout(Duration::from_secs(20));
    let redirect_uri = listener.redirect_uri().to_owned();
    let (shown, url) = tokio::sync::oneshot::channel();
    let flow = tokio::spawn({
        let (app, store) = (gong.app(), store.clone());
        async move {
            oauth::authorize_via_loopback(&app, scopes::ALL, listener, &store, |url| {
                shown.send(url.clone()).unwrap();
            })
            .await
        }
    });
    let url = url.await.unwrap();
    let forged = reqwest::get(format!("{redirect_uri}?code=code-sekret-x&state=x"))
        .await
        .unwrap();
    assert_eq!(forged.status(), 400);
    assert_eq!(reqwest::get(url).await.unwrap().status(), 200);
    let tokens = flow.await.unwrap().unwrap();
    assert!(store.load().await.unwrap().is_some());
    assert_eq!(tokens.scopes(), scopes::ALL);
    gong.with(|st| assert_eq!(st.exchanges, 1));
    gong.assert_clean();
}
