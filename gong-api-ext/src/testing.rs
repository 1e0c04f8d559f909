//! Test helpers (cargo feature `testing`): a local server that records every request a
//! [`GongClient`] makes, so your tests can snapshot exactly what goes on the
//! wire, and answers with canned responses so they can drive success, error and retry paths.
//!
//! ```
//! use gong_api_ext::testing::{Canned, RecordingServer};
//! use serde_json::json;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let server = RecordingServer::start().await;
//! // First attempt: 503; the retry succeeds.
//! server.respond("POST", "/data-privacy/erase-data-for-email-address", [
//!     Canned::json(503, json!({"requestId": "r1", "errors": ["unavailable"]})),
//!     Canned::json(200, json!({"requestId": "r2"})),
//! ]);
//! let client = server.client_builder().build().unwrap();
//! let receipt = client.erase_email_address("jane@example.com").await.unwrap();
//! assert_eq!(receipt.request_id, "r2");
//!
//! let requests = server.requests().await;
//! assert_eq!(requests.len(), 2);
//! assert_eq!(requests[0].query[0].value, "jane@example.com");
//! assert_eq!(requests[0].headers["authorization"], "Basic [REDACTED]");
//! // insta::assert_yaml_snapshot!(requests);
//! # }
//! ```
//!
//! Routes without canned responses answer `{"requestId": "recorded"}` with 201 for `DELETE`
//! (Gong's CRM delete) and 200 otherwise; a route's last canned response repeats.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use serde::Serialize;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use crate::GongClient;
use crate::client::config::GongClientBuilder;

/// A canned response.
#[derive(Clone, Debug)]
pub struct Canned {
    status: u16,
    content_type: String,
    body: Vec<u8>,
    headers: Vec<(String, String)>,
}

impl Canned {
    /// A JSON response.
    pub fn json(status: u16, body: serde_json::Value) -> Self {
        Self {
            status,
            content_type: "application/json".into(),
            body: body.to_string().into_bytes(),
            headers: Vec::new(),
        }
    }

    /// Any other body, e.g. the HTML error page of a proxy.
    pub fn text(status: u16, content_type: &str, body: &str) -> Self {
        Self {
            status,
            content_type: content_type.into(),
            body: body.as_bytes().to_vec(),
            headers: Vec::new(),
        }
    }

    /// Adds a response header, e.g. `Retry-After`.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    fn template(&self) -> ResponseTemplate {
        let mut template =
            ResponseTemplate::new(self.status).set_body_raw(self.body.clone(), &self.content_type);
        for (name, value) in &self.headers {
            template = template.insert_header(name.as_str(), value.as_str());
        }
        template
    }
}

type Routes = Arc<Mutex<HashMap<(String, String), VecDeque<Canned>>>>;

/// Answers from the canned queues.
struct Responder(Routes);

impl Respond for Responder {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let method = request.method.as_str().to_ascii_uppercase();
        let path = request.url.path();
        let path = path.strip_prefix("/v2").unwrap_or(path).to_owned();
        let mut routes = self.0.lock().expect("routes lock");
        let canned = match routes.get_mut(&(method.clone(), path)) {
            Some(queue) if queue.len() > 1 => queue.pop_front(),
            Some(queue) => queue.front().cloned(),
            None => None,
        };
        canned
            .unwrap_or_else(|| {
                let status = if method == "DELETE" { 201 } else { 200 };
                Canned::json(status, serde_json::json!({"requestId": "recorded"}))
            })
            .template()
    }
}

/// A local HTTP server that records requests and answers with canned responses.
pub struct RecordingServer {
    server: MockServer,
    routes: Routes,
}

impl RecordingServer {
    /// Starts a server on a free loopback port.
    pub async fn start() -> Self {
        let server = MockServer::start().await;
        let routes: Routes = Arc::default();
        Mock::given(wiremock::matchers::any())
            .respond_with(Responder(routes.clone()))
            .mount(&server)
            .await;
        Self { server, routes }
    }

    /// The server's base URL, e.g. `http://127.0.0.1:41234`.
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// Queues responses for `method` and `path` (with or without the `/v2` prefix). Each
    /// request takes the next one; the last repeats.
    pub fn respond(&self, method: &str, path: &str, responses: impl IntoIterator<Item = Canned>) {
        let path = path.strip_prefix("/v2").unwrap_or(path).to_owned();
        let queue: VecDeque<Canned> = responses.into_iter().collect();
        assert!(!queue.is_empty(), "respond() needs at least one response");
        self.routes
            .lock()
            .expect("routes lock")
            .insert((method.to_ascii_uppercase(), path), queue);
    }

    /// A [`GongClient`] builder pointed at this server: see [`client_builder`].
    pub fn client_builder(&self) -> GongClientBuilder {
        client_builder(&self.uri())
    }

    /// Every request received so far, in order.
    pub async fn requests(&self) -> Vec<RecordedRequest> {
        self.server
            .received_requests()
            .await
            .unwrap_or_default()
            .iter()
            .map(RecordedRequest::from_wire)
            .collect()
    }
}

/// A [`GongClient`] builder for tests against a local server at `base_url` (this recorder,
/// or another mock server such as `gong_api::mock`'s): Basic credentials, no per-attempt
/// timeout, no client-side rate limit (set one with `.rate_limit(..)` to test pacing), an HTTP
/// client that keeps no idle connections (so tokio's paused clock moves only through the SDK's
/// own sleeps) and `clientRequestId`s `recorded-1`, `recorded-2`, ….
pub fn client_builder(base_url: &str) -> GongClientBuilder {
    let counter = Arc::new(std::sync::atomic::AtomicU64::new(0));
    GongClient::builder()
        .base_url(base_url)
        .basic_auth("test-access-key", "test-access-key-secret")
        .no_timeout()
        .no_rate_limit()
        .http_client(
            reqwest::Client::builder()
                .pool_max_idle_per_host(0)
                .build()
                .expect("a plain HTTP client builds"),
        )
        .client_request_id_source(move || {
            let n = counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
            format!("recorded-{n}")
        })
}

/// One query parameter, percent-decoded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct QueryPair {
    /// The name.
    pub name: String,
    /// The value, decoded.
    pub value: String,
}

/// A request body: JSON when it parses as JSON, text otherwise.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Body {
    /// A JSON body.
    Json(serde_json::Value),
    /// Any other body, lossily decoded.
    Text(String),
}

/// A captured request, ready for `insta::assert_yaml_snapshot!`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RecordedRequest {
    /// The HTTP method.
    pub method: String,
    /// The path, e.g. `/v2/data-privacy/erase-data-for-phone-number`.
    pub path: String,
    /// The query string as sent (showing encodings such as `%2B`).
    pub raw_query: Option<String>,
    /// The query parameters, decoded, in order.
    pub query: Vec<QueryPair>,
    /// Header names lower-cased and sorted; `authorization` reduced to its scheme and
    /// `[REDACTED]`, the port of `host` replaced by `[port]`.
    pub headers: BTreeMap<String, String>,
    /// The body, if any.
    pub body: Option<Body>,
}

impl RecordedRequest {
    fn from_wire(request: &Request) -> Self {
        Self::from_parts(
            request.method.as_str(),
            &request.url[url::Position::BeforePath..],
            request
                .headers
                .iter()
                .map(|(name, value)| (name.as_str(), value.as_bytes())),
            &request.body,
        )
    }

    /// A request another local server received (for example one of `gong_api::mock`'s typed
    /// mocks, through an `is_true` matcher), in the recorder's format: the same redactions, the
    /// same decoding, so its snapshot reads like the recorder's. `target` is the request
    /// target as sent: the path and the query string.
    pub fn from_parts<'a>(
        method: &str,
        target: &str,
        headers: impl IntoIterator<Item = (&'a str, &'a [u8])>,
        body: &[u8],
    ) -> Self {
        let url = url::Url::parse("http://recorded.invalid")
            .and_then(|base| base.join(target))
            .expect("a request target is a valid relative URL");
        let headers = headers
            .into_iter()
            .map(|(name, value)| {
                let name = name.to_ascii_lowercase();
                let value = String::from_utf8_lossy(value).into_owned();
                let value = match name.as_str() {
                    "authorization" => redact_authorization(&value),
                    "host" => match value.rsplit_once(':') {
                        Some((host, _port)) => format!("{host}:[port]"),
                        None => value,
                    },
                    _ => value,
                };
                (name, value)
            })
            .collect();
        let body = (!body.is_empty()).then(|| {
            serde_json::from_slice(body)
                .map(Body::Json)
                .unwrap_or_else(|_| Body::Text(String::from_utf8_lossy(body).into_owned()))
        });
        Self {
            method: method.to_owned(),
            path: url.path().to_owned(),
            raw_query: url.query().map(str::to_owned),
            query: url
                .query_pairs()
                .map(|(name, value)| QueryPair {
                    name: name.into_owned(),
                    value: value.into_owned(),
                })
                .collect(),
            headers,
            body,
        }
    }
}

fn redact_authorization(value: &str) -> String {
    match value.split_once(' ') {
        Some((scheme, _)) => format!("{scheme} [REDACTED]"),
        None => "[REDACTED]".into(),
    }
}

#[cfg(test)]
mod tests;
