//! Shared helpers for the wire tests.
#![allow(dead_code)]

pub mod raw;
pub mod redirect;

use gong_api_ext::{GongClient, GongClientBuilder, reqwest};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A builder pointed at `server`, with an HTTP client that keeps no idle connections and no
/// timers (so tokio's paused clock advances only through the SDK's own sleeps), and a seeded
/// `clientRequestId` source.
pub fn builder(server: &MockServer) -> GongClientBuilder {
    builder_at(server.uri())
}

/// [`builder`] for a server at `uri`.
pub fn builder_at(uri: impl Into<String>) -> GongClientBuilder {
    GongClient::builder()
        .base_url(uri)
        .basic_auth("ACCESS_KEY", "s3cr3t-value")
        .http_client(
            reqwest::Client::builder()
                .pool_max_idle_per_host(0)
                .build()
                .unwrap(),
        )
        .no_timeout()
        .client_request_id_source(|| "sdk-test-1".to_owned())
}

pub fn client(server: &MockServer) -> GongClient {
    builder(server).build().unwrap()
}

pub fn json(body: &str) -> wiremock::ResponseTemplate {
    wiremock::ResponseTemplate::new(200).set_body_raw(body.to_owned(), "application/json")
}

/// Gong's error body, `requestId` `r<status>`.
pub fn error_body(status: u16, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(
        format!(r#"{{"requestId":"r{status}","errors":["{message}"]}}"#),
        "application/json",
    )
}

/// Answers the next POST (only) with `response`, ahead of other mocks.
pub async fn respond_once(server: &MockServer, response: ResponseTemplate) {
    Mock::given(method("POST"))
        .respond_with(response)
        .up_to_n_times(1)
        .with_priority(1)
        .mount(server)
        .await;
}

/// Every POST not answered by a `respond_once` (or another higher-priority mock) succeeds with
/// `requestId` `ok`.
pub async fn respond_ok(server: &MockServer) {
    Mock::given(method("POST"))
        .respond_with(json(r#"{"requestId":"ok"}"#))
        .mount(server)
        .await;
}
