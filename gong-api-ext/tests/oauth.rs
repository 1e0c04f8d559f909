//! OAuth against a local mock of Gong (feature `oauth`): the authorization-code flow through the
//! loopback listener, single-flight refreshes, a token store shared by two clients, crashes
//! around the store write, per-customer hosts, the distinct `invalid_grant` and missing-scope
//! errors, and no secret in any tracing output.
//!
//! The mock enforces what breaks integrations in production: refresh tokens and codes are
//! single-use (a spent one answers `invalid_grant`, and is counted), access tokens are accepted
//! only on their own customer's host, the grant must come as query parameters with Basic client
//! credentials, and a call without its scope answers 401 naming the scope. Every token, code
//! and the client secret contain `sekret`, so a leak is one substring search away.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use futures_util::future::join_all;
use gong_api_ext::oauth::{
    self, FileTokenStore, LoopbackListener, MemoryTokenStore, OAuthApp, OAuthTokenProvider,
    TokenSet, TokenStore, TokenStoreLock, scopes,
};
use gong_api_ext::secrecy::ExposeSecret as _;
use gong_api_ext::{AuthError, BoxFuture, Error, GongClient, RetryConfig, reqwest};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const CLIENT_ID: &str = "privacy-app";
const CLIENT_SECRET: &str = "client-sekret-0";
const TOKEN_PATH: &str = "/oauth2/generate-customer-token";

// ---------------------------------------------------------------------------------------------
// The mock of app.gong.io and of each customer's API host.

/// One mocked customer: its API host and what it granted.
struct Customer {
    base_url: String,
    scopes: Vec<String>,
    /// Answer every API call 401 (no scope named), e.g. after the customer moved hosts.
    reject_all: bool,
}

#[derive(Default)]
struct State {
    seq: u32,
    expires_in: u64,
    token_delay: Duration,
    customers: HashMap<String, Customer>,
    /// The customer whose administrator is logged in to the mock's authorize page.
    logged_in: Option<String>,
    codes: HashMap<String, (String, String)>,
    spent_codes: HashSet<String>,
    live_refresh: HashMap<String, String>,
    spent_refresh: HashSet<String>,
    live_access: HashMap<String, String>,
    exchanges: u32,
    refresh_requests: u32,
    /// Spent refresh tokens sent again: the bug this whole module exists to prevent.
    reused_refresh: u32,
    /// Requests not shaped as Gong documents (grant in the body, wrong client credentials).
    violations: Vec<String>,
    /// Every API call: the customer, the host it reached, the path and the bearer token.
    calls: Vec<Call>,
}

type Shared = Arc<Mutex<State>>;

#[derive(Clone, Debug, PartialEq)]
struct Call {
    customer: String,
    host: String,
    path: String,
    token: String,
}

fn json(status: u16, body: serde_json::Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.to_string(), "application/json")
}

fn oauth_error(error: &str, description: &str) -> ResponseTemplate {
    json(
        400,
        serde_json::json!({"error": error, "error_description": description}),
    )
}

impl State {
    /// Mints a live token pair for `customer`, as the token endpoint answers it.
    fn issue(&mut self, customer: &str) -> serde_json::Value {
        self.seq += 1;
        let access = format!("at-sekret-{customer}-{}", self.seq);
        let refresh = format!("rt-sekret-{customer}-{}", self.seq);
        self.live_access.insert(access.clone(), customer.into());
        self.live_refresh.insert(refresh.clone(), customer.into());
        let c = &self.customers[customer];
        serde_json::json!({
            "access_token": access,
            "refresh_token": refresh,
            "scope": c.scopes.join(" "),
            "token_type": "bearer",
            "expires_in": self.expires_in,
            "api_base_url_for_customer": c.base_url,
        })
    }
}

/// `POST /oauth2/generate-customer-token`.
struct TokenEndpoint(Shared);

impl Respond for TokenEndpoint {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut st = self.0.lock().unwrap();
        let expected = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD
                .encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"))
        );
        if request.headers.get("authorization").map(|v| v.as_bytes()) != Some(expected.as_bytes()) {
            st.violations
                .push("no or wrong Basic client credentials".into());
            return json(401, serde_json::json!({"error": "invalid_client"}));
        }
        if !request.body.is_empty() {
            st.violations
                .push("the grant must be in the query, not the body".into());
        }
        let query: HashMap<String, String> = request.url.query_pairs().into_owned().collect();
        let get = |key: &str| query.get(key).cloned().unwrap_or_default();
        let delay = st.token_delay;
        let response = match get("grant_type").as_str() {
            "authorization_code" => {
                st.exchanges += 1;
                let code = get("code");
                if st.spent_codes.contains(&code) {
                    return oauth_error("invalid_grant", "code already used");
                }
                let Some((customer, redirect_uri)) = st.codes.remove(&code) else {
                    return oauth_error("invalid_grant", "unknown code");
                };
                st.spent_codes.insert(code);
                if get("client_id") != CLIENT_ID || get("redirect_uri") != redirect_uri {
                    st.violations
                        .push("client_id or redirect_uri differ from the authorization".into());
                    return oauth_error("invalid_grant", "redirect_uri mismatch");
                }
                json(200, st.issue(&customer))
            }
            "refresh_token" => {
                st.refresh_requests += 1;
                let token = get("refresh_token");
                if st.spent_refresh.contains(&token) {
                    st.reused_refresh += 1;
                    return oauth_error("invalid_grant", "refresh token already used");
                }
                let Some(customer) = st.live_refresh.remove(&token) else {
                    return oauth_error("invalid_grant", "unknown refresh token");
                };
                st.spent_refresh.insert(token);
                json(200, st.issue(&customer))
            }
            _ => oauth_error("unsupported_grant_type", "grant_type is missing"),
        };
        response.set_delay(delay)
    }
}

/// `GET /oauth2/authorize`: the logged-in administrator approves at once.
struct AuthorizePage(Shared);

impl Respond for AuthorizePage {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut st = self.0.lock().unwrap();
        let query: HashMap<String, String> = request.url.query_pairs().into_owned().collect();
        let ok = query.get("client_id").map(String::as_str) == Some(CLIENT_ID)
            && query.get("response_type").map(String::as_str) == Some("code")
            && query.get("scope").is_some_and(|s| !s.is_empty())
            && query.contains_key("state");
        let (Some(redirect_uri), true) = (query.get("redirect_uri"), ok) else {
            st.violations
                .push("authorize URL not in Gong's shape".into());
            return ResponseTemplate::new(400);
        };
        let customer = st.logged_in.clone().expect("a customer is logged in");
        st.seq += 1;
        let code = format!("code-sekret-{}", st.seq);
        st.codes
            .insert(code.clone(), (customer, redirect_uri.clone()));
        let mut location = reqwest::Url::parse(redirect_uri).unwrap();
        location
            .query_pairs_mut()
            .append_pair("code", &code)
            .append_pair("state", &query["state"]);
        ResponseTemplate::new(302).insert_header("location", location.as_str())
    }
}

/// A customer's API host: its own live tokens only, only while it is the customer's current
/// host (Gong fails auth on the wrong regional host), and each operation's scope.
struct CustomerApi {
    name: String,
    host: String,
    state: Shared,
}

fn required_scope(method: &str, path: &str) -> &'static str {
    match (method, path) {
        (_, p) if p.contains("erase-data") => scopes::DATA_PRIVACY_DELETE,
        (_, p) if p.starts_with("/v2/data-privacy/") => scopes::DATA_PRIVACY_READ,
        ("DELETE", "/v2/crm/integrations") => scopes::CRM_INTEGRATION_DELETE,
        (_, "/v2/crm/integrations") => scopes::CRM_INTEGRATIONS_READ,
        _ => scopes::CRM_UPLOAD,
    }
}

impl Respond for CustomerApi {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut st = self.state.lock().unwrap();
        let token = request
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or_default()
            .to_owned();
        let path = request.url.path().to_owned();
        st.calls.push(Call {
            customer: self.name.clone(),
            host: self.host.clone(),
            path: path.clone(),
            token: token.clone(),
        });
        let customer = &st.customers[&self.name];
        if customer.reject_all
            || customer.base_url != self.host
            || st.live_access.get(&token) != Some(&self.name)
        {
            return json(
                401,
                serde_json::json!({"requestId": "r401", "errors": ["Invalid or expired token"]}),
            );
        }
        let scope = required_scope(request.method.as_str(), &path);
        if !customer.scopes.iter().any(|s| s == scope) {
            return json(
                401,
                serde_json::json!({"requestId": "r401s", "errors": [format!("Missing required scope: {scope}")]}),
            );
        }
        let request_id = format!("{}-{}", self.name, st.calls.len());
        match (request.method.as_str(), path.as_str()) {
            ("DELETE", _) => {
                let id = request
                    .url
                    .query_pairs()
                    .find(|(k, _)| k == "clientRequestId")
                    .map(|(_, v)| v.into_owned());
                json(
                    201,
                    serde_json::json!({"requestId": request_id, "clientRequestId": id}),
                )
            }
            (_, "/v2/crm/request-status") => json(
                200,
                serde_json::json!({"requestId": request_id, "status": "DONE", "errors": [],
                    "totalErrorCount": 0, "totalSuccessCount": 1}),
            ),
            (_, "/v2/crm/integrations") => json(
                200,
                serde_json::json!({"requestId": request_id, "integrations": []}),
            ),
            _ => json(200, serde_json::json!({"requestId": request_id})),
        }
    }
}

struct Gong {
    server: MockServer,
    state: Shared,
    /// Customer API hosts, kept alive.
    hosts: Mutex<Vec<MockServer>>,
}

impl Gong {
    async fn start() -> Self {
        capture_tracing();
        let server = MockServer::start().await;
        let state: Shared = Arc::new(Mutex::new(State {
            expires_in: 86_400,
            ..State::default()
        }));
        Mock::given(method("POST"))
            .and(path(TOKEN_PATH))
            .respond_with(TokenEndpoint(state.clone()))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/oauth2/authorize"))
            .respond_with(AuthorizePage(state.clone()))
            .mount(&server)
            .await;
        Self {
            server,
            state,
            hosts: Mutex::new(Vec::new()),
        }
    }

    fn app(&self) -> OAuthApp {
        OAuthApp::builder(CLIENT_ID, CLIENT_SECRET)
            .authorize_url(format!("{}/oauth2/authorize", self.server.uri()))
            .token_url(format!("{}{TOKEN_PATH}", self.server.uri()))
            .build()
            .unwrap()
    }

    /// Starts a host for a new customer (or moves `name` to a new host) and returns its URL.
    async fn host(&self, name: &str, granted: &[&str]) -> String {
        let server = MockServer::start().await;
        Mock::given(wiremock::matchers::any())
            .respond_with(CustomerApi {
                name: name.into(),
                host: server.uri(),
                state: self.state.clone(),
            })
            .mount(&server)
            .await;
        let base_url = server.uri();
        self.hosts.lock().unwrap().push(server);
        self.state.lock().unwrap().customers.insert(
            name.into(),
            Customer {
                base_url: base_url.clone(),
                scopes: granted.iter().map(|s| s.to_string()).collect(),
                reject_all: false,
            },
        );
        base_url
    }

    fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        f(&mut self.state.lock().unwrap())
    }

    /// Tokens for `customer` as an earlier authorization left them, expiring in `secs`
    /// (negative: already expired).
    fn grant(&self, customer: &str, secs: i64) -> TokenSet {
        let answer = self.with(|st| st.issue(customer));
        let now = SystemTime::now();
        let expires_at = if secs >= 0 {
            now + Duration::from_secs(secs as u64)
        } else {
            now - Duration::from_secs(secs.unsigned_abs())
        };
        TokenSet::new(
            answer["access_token"].as_str().unwrap().to_owned().into(),
            answer["refresh_token"].as_str().unwrap().to_owned().into(),
            expires_at,
            vec![],
            answer["api_base_url_for_customer"].as_str().unwrap(),
        )
        .unwrap()
    }

    /// The mock's counters must show no spent token sent again and no malformed request.
    fn assert_clean(&self) {
        self.with(|st| {
            assert_eq!(st.reused_refresh, 0, "a spent refresh token was sent again");
            assert!(st.violations.is_empty(), "{:?}", st.violations);
        });
    }

    /// The API calls made for `customer`, on any host.
    fn calls_to(&self, customer: &str) -> Vec<Call> {
        self.with(|st| {
            st.calls
                .iter()
                .filter(|c| c.customer == customer)
                .cloned()
                .collect()
        })
    }
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
    let gong = Gong::start().await;
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
    let gong = Gong::start().await;
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
    let gong = Gong::start().await;
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

    // Tokens that are always due (they live 30 s, the margin is a minute): every call
    // refreshes, each one under the file lock with the refresh token the other just stored.
    // A new expired grant replaces the stored one (the old refresh token is revoked).
    gong.with(|st| {
        st.expires_in = 30;
        st.live_refresh.clear();
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
    let results = join_all((0..20).map(|i| {
        let client = if i % 2 == 0 { &first } else { &second };
        client.erase_email_address(format!("user{i}@example.com"))
    }))
    .await;
    for result in results {
        result.unwrap();
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
    let gong = Gong::start().await;
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

    let gong = Gong::start().await;
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
    let gong = Gong::start().await;
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
    let gong = Gong::start().await;
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
    let gong = Gong::start().await;
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
