// Over 500 lines: the OAuth flow end to end against one mock, each step depending on the one before.
//! OAuth against a local mock of Gong (feature `oauth`): the authorization-code flow through the
//! loopback listener, single-flight refreshes, a token store shared by two clients, crashes
//! around the store write, per-customer hosts, the distinct `invalid_grant` and missing-scope
//! errors, and no secret in any tracing output.
//!
//! The mock (`support/oauth_mock.rs`, shared with the CLI's tests) enforces what breaks
//! integrations in production: refresh tokens and codes are single-use (a spent one answers
//! `invalid_grant`, and is counted), access tokens are accepted only on their own customer's
//! host, the grant must come as query parameters with Basic client credentials, and a call
//! without its scope answers 401 naming the scope. Every token, code and the client secret
//! contain `sekret`, so a leak is one substring search away.

#[path = "support/oauth_mock.rs"]
mod oauth_mock;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use futures_util::future::join_all;
use gong_api_ext::oauth::{
    self, FileTokenStore, LoopbackListener, MemoryTokenStore, OAuthApp, OAuthTokenProvider,
    TokenSet, TokenStore, TokenStoreLock, scopes,
};
use gong_api_ext::secrecy::ExposeSecret as _;
use gong_api_ext::{AuthError, BoxFuture, Error, GongClient, RetryConfig, reqwest};

use oauth_mock::{CLIENT_ID, CLIENT_SECRET, Call, Gong, TOKEN_PATH};

/// The mock, with this binary's tracing captured (for the no-secret test).
async fn start_gong() -> Gong {
    capture_tracing();
    Gong::start().await
}

/// A client for one customer, with nothing in the way of the concurrency under test.
fn client_for(provider: OAuthTokenProvider) -> GongClient {
    GongClient::builder()
        .oauth(provider)
        .no_rate_limit()
        .retry(RetryConfig::disabled())
        .http_client(
            reqwest::Client::builder()
                .pool_max_idle_per_host(0)
                .build()
                .unwrap(),
        )
        .build()
        .unwrap()
}

fn secret(tokens: &TokenSet) -> (String, String) {
    (
        tokens.access_token().expose_secret().to_owned(),
        tokens.refresh_token().expose_secret().to_owned(),
    )
}

// ---------------------------------------------------------------------------------------------
// Tracing capture: every event of every test of this binary, at TRACE, `log` records included.

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn capture_tracing() -> Captured {
    static CAPTURED: OnceLock<Captured> = OnceLock::new();
    CAPTURED
        .get_or_init(|| {
            use tracing_subscriber::layer::SubscriberExt as _;
            use tracing_subscriber::util::SubscriberInitExt as _;
            let captured = Captured::default();
            let writer = captured.clone();
            // The mock server's own logs are not the SDK's output.
            let filter = tracing_subscriber::filter::Targets::new()
                .with_default(tracing::Level::TRACE)
                .with_target("wiremock", tracing_subscriber::filter::LevelFilter::OFF);
            tracing_subscriber::registry()
                .with(
                    tracing_subscriber::fmt::layer()
                        .with_ansi(false)
                        .with_writer(move || writer.clone()),
                )
                .with(filter)
                .try_init()
                .expect("the only global subscriber of this binary");
            captured
        })
        .clone()
}

// ---------------------------------------------------------------------------------------------
// A token store that crashes around its write.

#[derive(Debug, Clone, Copy)]
enum Crash {
    /// Panic after Gong's answer, before anything is written.
    PanicBeforeWrite,
    /// Kill the process once the write is done, before the token is used.
    AbortAfterWrite,
}

#[derive(Debug)]
struct Crashing {
    inner: FileTokenStore,
    crash: Crash,
    armed: AtomicBool,
}

impl Crashing {
    fn new(inner: FileTokenStore, crash: Crash) -> Self {
        Self {
            inner,
            crash,
            armed: AtomicBool::new(true),
        }
    }
}

impl TokenStore for Crashing {
    fn lock(&self) -> BoxFuture<'_, Result<TokenStoreLock, AuthError>> {
        self.inner.lock()
    }
    fn load(&self) -> BoxFuture<'_, Result<Option<TokenSet>, AuthError>> {
        self.inner.load()
    }
    fn save<'a>(&'a self, tokens: &'a TokenSet) -> BoxFuture<'a, Result<(), AuthError>> {
        Box::pin(async move {
            let armed = self.armed.swap(false, Ordering::SeqCst);
            match self.crash {
                Crash::PanicBeforeWrite if armed => {
                    panic!("injected crash between the token answer and the store write")
                }
                Crash::AbortAfterWrite if armed => {
                    self.inner.save(tokens).await?;
                    std::process::abort()
                }
                _ => self.inner.save(tokens).await,
            }
        })
    }
    fn clear(&self) -> BoxFuture<'_, Result<(), AuthError>> {
        self.inner.clear()
    }
}

// ---------------------------------------------------------------------------------------------
// The tests.

/// `authorize_via_loopback`, with the test as the browser: it opens the authorize URL and
/// follows Gong's redirect to the loopback listener.
async fn log_in_through_the_browser(gong: &Gong, store: &FileTokenStore) -> TokenSet {
    let listener = LoopbackListener::bind("http://127.0.0.1:0/callback")
        .await
        .unwrap();
    let redirect_uri = listener.redirect_uri().to_owned();
    let (shown_url, url) = tokio::sync::oneshot::channel();
    let flow = tokio::spawn({
        let (app, store) = (gong.app(), store.clone());
        async move {
            oauth::authorize_via_loopback(&app, scopes::ALL, listener, &store, |url| {
                shown_url.send(url.clone()).unwrap();
            })
            .await
        }
    });
    let url = url.await.unwrap();
    assert!(url.as_str().starts_with(&gong.server.uri()));
    let page = reqwest::get(url).await.unwrap();
    assert_eq!(
        page.url().as_str().split('?').next(),
        Some(redirect_uri.as_str())
    );
    assert_eq!(page.status(), 200);
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("Gong authorised the app")
    );
    tokio::time::timeout(Duration::from_secs(30), flow)
        .await
        .unwrap()
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn the_authorization_code_flow_end_to_end_through_the_loopback_listener() {
    let gong = start_gong().await;
    let acme_host = gong.host("acme", scopes::ALL).await;
    gong.with(|st| st.logged_in = Some("acme".into()));
    let dir = tempfile::tempdir().unwrap();
    let store = FileTokenStore::new(dir.path().join("acme.json"));

    let tokens = log_in_through_the_browser(&gong, &store).await;
    assert_eq!(tokens.api_base_url(), acme_host);
    assert_eq!(tokens.scopes(), scopes::ALL);
    let stored = store
        .load()
        .await
        .unwrap()
        .expect("stored before returning");
    assert_eq!(secret(&stored), secret(&tokens));
    gong.with(|st| assert_eq!(st.exchanges, 1));

    // A client over the same store calls the customer's host with the token.
    let client = client_for(OAuthTokenProvider::new(gong.app(), store));
    client
        .erase_email_address("jane@example.com")
        .await
        .unwrap();
    assert_eq!(
        gong.calls_to("acme"),
        [Call {
            customer: "acme".into(),
            host: acme_host,
            path: "/v2/data-privacy/erase-data-for-email-address".into(),
            token: secret(&tokens).0,
        }]
    );
    gong.assert_clean();
}

/// Customer "acme" with an expired access token in a memory store, and its client.
async fn acme_at_expiry() -> (Gong, TokenSet, MemoryTokenStore, GongClient) {
    let gong = start_gong().await;
    gong.host("acme", scopes::ALL).await;
    let expired = gong.grant("acme", -1);
    let store = MemoryTokenStore::with_tokens(expired.clone());
    let client = client_for(OAuthTokenProvider::new(gong.app(), store.clone()));
    (gong, expired, store, client)
}

#[tokio::test]
async fn a_hundred_concurrent_calls_at_expiry_cause_exactly_one_refresh() {
    let (gong, expired, store, client) = acme_at_expiry().await;

    let results = join_all((0..100).map(|i| {
        let client = client.clone();
        async move {
            client
                .erase_email_address(format!("user{i}@example.com"))
                .await
        }
    }))
    .await;
    for result in results {
        result.unwrap();
    }

    gong.with(|st| assert_eq!(st.refresh_requests, 1));
    let rotated = store.tokens().unwrap();
    assert_ne!(secret(&rotated), secret(&expired));
    let calls = gong.calls_to("acme");
    assert_eq!(calls.len(), 100);
    assert!(calls.iter().all(|c| c.token == secret(&rotated).0));
    gong.assert_clean();
}

#[tokio::test]
async fn two_clients_sharing_a_file_store_never_send_a_used_refresh_token() {
    let gong = start_gong().await;
    gong.host("acme", scopes::ALL).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("acme.json");
    let seed = FileTokenStore::new(&path);
    seed.save(&gong.grant("acme", -1)).await.unwrap();
    // Two clients as two processes would have them: their own provider, their own open of
    // the file.
    let first = client_for(OAuthTokenProvider::new(
        gong.app(),
        FileTokenStore::new(&path),
    ));
    let second = client_for(OAuthTokenProvider::new(
        gong.app(),
        FileTokenStore::new(&path),
    ));
    let both = |n: usize| {
        join_all((0..n).map(|i| {
            let client = if i % 2 == 0 { &first } else { &second };
            client.erase_email_address(format!("user{i}@example.com"))
        }))
    };

    // At expiry: one of them refreshes, the other adopts what it stored.
    for result in both(40).await {
        result.unwrap();
    }
    gong.with(|st| assert_eq!(st.refresh_requests, 1));

    // Tokens that live 2 s (the margin is capped to half of it): three rounds of calls a
    // lifetime apart, each at expiry, so each round refreshes under the file lock with the
    // refresh token the other client (process) stored in the round before. A new expired grant
    // replaces the stored one (the old refresh token is revoked).
    gong.with(|st| {
        st.expires_in = 2;
        st.live_refresh.clear();
        st.refresh_requests = 0;
    });
    seed.save(&gong.grant("acme", -1)).await.unwrap();
    let first = client_for(
        OAuthTokenProvider::new(gong.app(), FileTokenStore::new(&path))
            .refresh_margin(Duration::from_secs(60)),
    );
    let second = client_for(
        OAuthTokenProvider::new(gong.app(), FileTokenStore::new(&path))
            .refresh_margin(Duration::from_secs(60)),
    );
    for round in 0..3 {
        if round > 0 {
            tokio::time::sleep(Duration::from_millis(1100)).await;
        }
        let results = join_all((0..20).map(|i| {
            let client = if i % 2 == 0 { &first } else { &second };
            client.erase_email_address(format!("user{i}@example.com"))
        }))
        .await;
        for result in results {
            result.unwrap();
        }
    }
    gong.with(|st| assert!(st.refresh_requests >= 3, "{}", st.refresh_requests));
    let stored = seed.load().await.unwrap().unwrap();
    gong.with(|st| {
        assert_eq!(st.live_refresh.len(), 1);
        assert!(st.live_refresh.contains_key(&secret(&stored).1));
    });
    gong.assert_clean();
}

#[tokio::test]
async fn a_crash_after_the_token_answer_and_before_the_store_write_is_recovered() {
    let gong = start_gong().await;
    gong.host("acme", scopes::ALL).await;
    let dir = tempfile::tempdir().unwrap();
    let file = FileTokenStore::new(dir.path().join("acme.json"));
    let expired = gong.grant("acme", -1);
    file.save(&expired).await.unwrap();
    let client = client_for(OAuthTokenProvider::new(
        gong.app(),
        Crashing::new(file.clone(), Crash::PanicBeforeWrite),
    ));

    // Gong rotates the tokens; the store write crashes: nothing may use the new token yet.
    let err = client
        .erase_email_address("jane@example.com")
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Auth(AuthError::Interrupted(_))),
        "{err:?}"
    );
    gong.with(|st| assert_eq!(st.refresh_requests, 1));
    assert!(gong.calls_to("acme").is_empty(), "used before stored");
    assert_eq!(
        secret(&file.load().await.unwrap().unwrap()),
        secret(&expired)
    );

    // The next call stores the rotated tokens first, then uses them: no second refresh, no
    // spent token sent, no invalid_grant.
    client
        .erase_email_address("jane@example.com")
        .await
        .unwrap();
    let stored = file.load().await.unwrap().unwrap();
    assert_ne!(secret(&stored), secret(&expired));
    gong.with(|st| assert_eq!(st.refresh_requests, 1));
    assert_eq!(gong.calls_to("acme")[0].token, secret(&stored).0);
    gong.assert_clean();
}

#[tokio::test]
async fn a_caller_dropped_during_the_refresh_does_not_lose_the_rotated_tokens() {
    let (gong, expired, store, client) = acme_at_expiry().await;
    gong.with(|st| st.token_delay = Duration::from_millis(300));

    // The caller gives up while Gong's answer is on its way.
    let gave_up = tokio::time::timeout(
        Duration::from_millis(50),
        client.erase_email_address("jane@example.com"),
    )
    .await;
    assert!(gave_up.is_err());
    // The refresh finishes on its own and is stored.
    tokio::time::timeout(Duration::from_secs(10), async {
        while store
            .tokens()
            .is_none_or(|t| secret(&t) == secret(&expired))
        {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .expect("the refresh completes without its caller");

    client
        .erase_email_address("jane@example.com")
        .await
        .unwrap();
    gong.with(|st| assert_eq!(st.refresh_requests, 1));
    gong.assert_clean();
}

/// The child half of the next test: refresh, store, and die before using the token.
const CHILD_STORE: &str = "GONG_OAUTH_TEST_CHILD_STORE";
const CHILD_TOKEN_URL: &str = "GONG_OAUTH_TEST_CHILD_TOKEN_URL";

#[tokio::test]
async fn a_process_killed_after_storing_leaves_the_next_process_a_valid_refresh_token() {
    if let (Ok(store), Ok(token_url)) = (std::env::var(CHILD_STORE), std::env::var(CHILD_TOKEN_URL))
    {
        let app = OAuthApp::builder(CLIENT_ID, CLIENT_SECRET)
            .token_url(token_url)
            .build()
            .unwrap();
        let store = Crashing::new(FileTokenStore::new(store), Crash::AbortAfterWrite);
        let result = client_for(OAuthTokenProvider::new(app, store))
            .erase_email_address("jane@example.com")
            .await;
        panic!("the child should have died after storing: {result:?}");
    }

    let gong = start_gong().await;
    gong.host("acme", scopes::ALL).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("acme.json");
    let expired = gong.grant("acme", -1);
    FileTokenStore::new(&path).save(&expired).await.unwrap();

    let status = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "a_process_killed_after_storing_leaves_the_next_process_a_valid_refresh_token",
            "--exact",
            "--test-threads=1",
        ])
        .env(CHILD_STORE, &path)
        .env(
            CHILD_TOKEN_URL,
            format!("{}{TOKEN_PATH}", gong.server.uri()),
        )
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt as _;
        assert_eq!(status.signal(), Some(6), "the child aborts: {status:?}");
    }
    assert!(!status.success());
    gong.with(|st| assert_eq!(st.refresh_requests, 1));
    assert!(gong.calls_to("acme").is_empty());

    // The next process finds the rotated tokens and uses them without refreshing.
    let store = FileTokenStore::new(&path);
    let stored = store.load().await.unwrap().unwrap();
    assert_ne!(secret(&stored), secret(&expired));
    let client = client_for(OAuthTokenProvider::new(gong.app(), store));
    client
        .erase_email_address("jane@example.com")
        .await
        .unwrap();
    gong.with(|st| assert_eq!(st.refresh_requests, 1));
    assert_eq!(gong.calls_to("acme")[0].token, secret(&stored).0);
    gong.assert_clean();
}

/// Every wrapped operation once.
async fn every_operation(client: &GongClient) {
    client
        .find_references_by_email("jane@example.com")
        .await
        .unwrap();
    client
        .find_references_by_phone("+1 425 555 2671")
        .await
        .unwrap();
    client
        .erase_email_address("jane@example.com")
        .await
        .unwrap();
    client.erase_phone_number("+1 425 555 2671").await.unwrap();
    client.list_crm_integrations().await.unwrap();
    let deletion = client
        .delete_crm_integration(5517027188234205706)
        .await
        .unwrap();
    client
        .crm_request_status(deletion.integration_id, &deletion.client_request_id)
        .await
        .unwrap();
}

#[tokio::test]
async fn each_customer_is_called_on_its_own_host_and_followed_when_it_moves() {
    let gong = start_gong().await;
    gong.host("acme", scopes::ALL).await;
    gong.host("globex", scopes::ALL).await;
    let acme_tokens = gong.grant("acme", 3600);
    let globex_tokens = gong.grant("globex", 3600);
    assert_ne!(acme_tokens.api_base_url(), globex_tokens.api_base_url());
    let acme = client_for(OAuthTokenProvider::new(
        gong.app(),
        MemoryTokenStore::with_tokens(acme_tokens.clone()),
    ));
    let globex = client_for(OAuthTokenProvider::new(
        gong.app(),
        MemoryTokenStore::with_tokens(globex_tokens.clone()),
    ));
    // The client's own base URL is Gong's default host; no call goes there.
    assert_eq!(acme.base_url(), "https://api.gong.io/v2");

    every_operation(&acme).await;
    every_operation(&globex).await;
    for (customer, tokens) in [("acme", &acme_tokens), ("globex", &globex_tokens)] {
        let calls = gong.calls_to(customer);
        assert_eq!(calls.len(), 7, "{customer}: {calls:?}");
        for call in calls {
            assert_eq!(call.host, tokens.api_base_url(), "{call:?}");
            assert_eq!(call.token, secret(tokens).0, "{call:?}");
        }
    }

    // Acme moves to another host: the old one refuses its token (a 401 naming no scope), one
    // refresh names the new host, and the request is sent once more, there.
    let new_host = gong.host("acme", scopes::ALL).await;
    acme.erase_email_address("jane@example.com").await.unwrap();
    let calls = gong.calls_to("acme");
    let [.., refused, sent_again] = &calls[..] else {
        panic!("{calls:?}")
    };
    assert_eq!(refused.host, acme_tokens.api_base_url());
    assert_eq!(sent_again.host, new_host);
    assert_ne!(sent_again.token, refused.token);
    assert_eq!(calls.len(), 9);
    gong.with(|st| assert_eq!(st.refresh_requests, 1));
    // Later calls go to the new host directly.
    acme.list_crm_integrations().await.unwrap();
    assert_eq!(gong.calls_to("acme").last().unwrap().host, new_host);
    gong.assert_clean();
}

/// A provider over tokens held in memory.
fn provider(gong: &Gong, tokens: TokenSet) -> OAuthTokenProvider {
    OAuthTokenProvider::new(gong.app(), MemoryTokenStore::with_tokens(tokens))
}

#[tokio::test]
async fn invalid_grant_and_a_missing_scope_are_distinct_errors() {
    let gong = start_gong().await;
    gong.host("acme", scopes::ALL).await;
    gong.host("readonly", &[scopes::DATA_PRIVACY_READ]).await;
    gong.host("revoked", scopes::ALL).await;

    // A refresh token the customer's administrator revoked: re-authorise, never retried.
    let dead = gong.grant("acme", -1);
    gong.with(|st| st.live_refresh.remove(&secret(&dead).1));
    let acme = client_for(provider(&gong, dead));
    for _ in 0..2 {
        let err = acme
            .erase_email_address("jane@example.com")
            .await
            .unwrap_err();
        assert!(
            matches!(
                &err,
                Error::Auth(AuthError::ReauthorizationRequired { reason }) if reason.contains("invalid_grant")
            ),
            "{err:?}"
        );
        assert!(err.requires_reauthorization());
        assert!(
            err.to_string()
                .contains("the customer must authorise the app in Gong again"),
            "{err}"
        );
    }
    gong.with(|st| assert_eq!(st.refresh_requests, 1, "invalid_grant is never retried"));
    assert!(gong.calls_to("acme").is_empty());

    // A token without the delete scope: the 401 names it, and no refresh is tried.
    let readonly = client_for(provider(&gong, gong.grant("readonly", 3600)));
    readonly
        .find_references_by_email("jane@example.com")
        .await
        .unwrap();
    let err = readonly
        .erase_email_address("jane@example.com")
        .await
        .unwrap_err();
    let Error::MissingScope { scope, error } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(scope, scopes::DATA_PRIVACY_DELETE);
    assert_eq!(error.request_id.as_deref(), Some("r401s"));
    assert_eq!(err.missing_scope(), Some(scopes::DATA_PRIVACY_DELETE));
    assert!(!err.requires_reauthorization());
    assert!(
        err.to_string()
            .contains("lack the scope api:data-privacy:delete")
    );
    assert_eq!(gong.calls_to("readonly").len(), 2);
    gong.with(|st| assert_eq!(st.refresh_requests, 1));

    // A 401 naming no scope gets exactly one refresh and one more attempt, then is reported.
    gong.with(|st| st.customers.get_mut("revoked").unwrap().reject_all = true);
    let revoked = client_for(provider(&gong, gong.grant("revoked", 3600)));
    let err = revoked
        .erase_email_address("jane@example.com")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Unauthorized(_)), "{err:?}");
    let calls = gong.calls_to("revoked");
    assert_eq!(calls.len(), 2);
    assert_ne!(
        calls[0].token, calls[1].token,
        "sent again with the new token"
    );
    gong.with(|st| assert_eq!(st.refresh_requests, 2));
    gong.assert_clean();
}

#[tokio::test]
async fn no_token_secret_or_code_in_tracing_output_errors_or_debug() {
    let captured = capture_tracing();
    let gong = start_gong().await;
    gong.host("acme", scopes::ALL).await;
    gong.host("readonly", &[scopes::DATA_PRIVACY_READ]).await;
    gong.with(|st| st.logged_in = Some("acme".into()));
    let dir = tempfile::tempdir().unwrap();
    let store = FileTokenStore::new(dir.path().join("acme.json"));
    let mut shown = Vec::new();

    // The code flow, a refresh at expiry, invalid_grant, a missing scope.
    let tokens = log_in_through_the_browser(&gong, &store).await;
    shown.push(format!("{tokens:?} {store:?} {:?}", gong.app()));
    let expired = gong.grant("acme", -1);
    let client = client_for(provider(&gong, expired));
    client
        .erase_email_address("jane@example.com")
        .await
        .unwrap();
    shown.push(format!("{client:?} {:?}", client.raw()));
    let dead = gong.grant("acme", -1);
    gong.with(|st| st.live_refresh.remove(&secret(&dead).1));
    let err = client_for(provider(&gong, dead))
        .erase_email_address("jane@example.com")
        .await
        .unwrap_err();
    shown.push(format!("{err} {err:?}"));
    let err = client_for(provider(&gong, gong.grant("readonly", 3600)))
        .erase_email_address("jane@example.com")
        .await
        .unwrap_err();
    shown.push(format!("{err} {err:?}"));
    let err = OAuthApp::builder(CLIENT_ID, "wrong-sekret")
        .token_url(format!("{}{TOKEN_PATH}", gong.server.uri()))
        .build()
        .unwrap()
        .refresh(&tokens)
        .await
        .unwrap_err();
    shown.push(format!("{err} {err:?}"));
    gong.with(|st| st.violations.clear());

    for text in &shown {
        assert!(!text.contains("sekret"), "{text}");
    }
    let logs = String::from_utf8_lossy(&captured.0.lock().unwrap()).into_owned();
    // The capture sees the SDK's DEBUG and INFO events and the HTTP stack's `log` records.
    for expected in [
        "requesting tokens from Gong's token endpoint",
        "OAuth tokens rotated and stored",
        "refused the grant",
        "Gong authorised the app; tokens stored",
        "starting new connection",
    ] {
        assert!(
            logs.contains(expected),
            "{expected:?} not captured:\n{logs}"
        );
    }
    assert!(
        !logs.contains("sekret"),
        "a secret reached the logs:\n{logs}"
    );
}
