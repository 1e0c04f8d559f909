//! A mock of Gong's OAuth endpoints and of each customer's API host, shared by the OAuth
//! library tests (`tests/oauth.rs`) and the CLI's (`tests/cli/auth.rs`).
//!
//! It enforces what breaks integrations in production: refresh tokens and codes are single-use
//! (a spent one answers `invalid_grant`, and is counted), access tokens are accepted only on
//! their own customer's host, the grant must come as query parameters with Basic client
//! credentials, and a call without its scope answers 401 naming the scope. Every token, code
//! and the client secret contain `sekret`, so a leak is one substring search away.

#![allow(dead_code)]

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use gong_api_ext::oauth::{OAuthApp, TokenSet, scopes};
use gong_api_ext::reqwest;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

pub const CLIENT_ID: &str = "privacy-app";
pub const CLIENT_SECRET: &str = "client-sekret-0";
pub const TOKEN_PATH: &str = "/oauth2/generate-customer-token";

// ---------------------------------------------------------------------------------------------
// The mock of app.gong.io and of each customer's API host.

/// One mocked customer: its API host and what it granted.
pub struct Customer {
    pub base_url: String,
    pub scopes: Vec<String>,
    /// Answer every API call 401 (no scope named), e.g. after the customer moved hosts.
    pub reject_all: bool,
}

#[derive(Default)]
pub struct State {
    pub seq: u32,
    pub expires_in: u64,
    pub token_delay: Duration,
    pub customers: HashMap<String, Customer>,
    /// The customer whose administrator is logged in to the mock's authorize page.
    pub logged_in: Option<String>,
    pub codes: HashMap<String, (String, String)>,
    pub spent_codes: HashSet<String>,
    pub live_refresh: HashMap<String, String>,
    pub spent_refresh: HashSet<String>,
    pub live_access: HashMap<String, String>,
    pub exchanges: u32,
    pub refresh_requests: u32,
    /// Spent refresh tokens sent again: the bug this whole module exists to prevent.
    pub reused_refresh: u32,
    /// Requests not shaped as Gong documents (grant in the body, wrong client credentials).
    pub violations: Vec<String>,
    /// Every API call: the customer, the host it reached, the path and the bearer token.
    pub calls: Vec<Call>,
}

pub type Shared = Arc<Mutex<State>>;

#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    pub customer: String,
    pub host: String,
    pub path: String,
    pub token: String,
}

pub fn json(status: u16, body: serde_json::Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.to_string(), "application/json")
}

pub fn oauth_error(error: &str, description: &str) -> ResponseTemplate {
    json(
        400,
        serde_json::json!({"error": error, "error_description": description}),
    )
}

impl State {
    /// Mints a live token pair for `customer`, as the token endpoint answers it.
    pub fn issue(&mut self, customer: &str) -> serde_json::Value {
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
pub struct TokenEndpoint(pub Shared);

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
pub struct AuthorizePage(pub Shared);

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
pub struct CustomerApi {
    pub name: String,
    pub host: String,
    pub state: Shared,
}

pub fn required_scope(method: &str, path: &str) -> &'static str {
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

pub struct Gong {
    pub server: MockServer,
    pub state: Shared,
    /// Customer API hosts, kept alive.
    pub hosts: Mutex<Vec<MockServer>>,
}

impl Gong {
    pub async fn start() -> Self {
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

    pub fn app(&self) -> OAuthApp {
        OAuthApp::builder(CLIENT_ID, CLIENT_SECRET)
            .authorize_url(format!("{}/oauth2/authorize", self.server.uri()))
            .token_url(format!("{}{TOKEN_PATH}", self.server.uri()))
            .build()
            .unwrap()
    }

    /// Starts a host for a new customer (or moves `name` to a new host) and returns its URL.
    pub async fn host(&self, name: &str, granted: &[&str]) -> String {
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

    pub fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        f(&mut self.state.lock().unwrap())
    }

    /// Tokens for `customer` as an earlier authorization left them, expiring in `secs`
    /// (negative: already expired).
    pub fn grant(&self, customer: &str, secs: i64) -> TokenSet {
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
    pub fn assert_clean(&self) {
        self.with(|st| {
            assert_eq!(st.reused_refresh, 0, "a spent refresh token was sent again");
            assert!(st.violations.is_empty(), "{:?}", st.violations);
        });
    }

    /// The API calls made for `customer`, on any host.
    pub fn calls_to(&self, customer: &str) -> Vec<Call> {
        self.with(|st| {
            st.calls
                .iter()
                .filter(|c| c.customer == customer)
                .cloned()
                .collect()
        })
    }
}
